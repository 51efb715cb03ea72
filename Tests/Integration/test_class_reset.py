"""Between classes (`POST /api/class/reset`, `aseed class reset`; `/api/class/snapshots`,
`aseed snapshot`): a reset removes the class's topics and groups, archives the lab's progress,
truncates or keeps the orders with the analyzer's figures consistent, and restarts the simulator
so the same seed tells the same story; a snapshot saved and restored gives back the topics, the
offsets, the committed offsets and the analyzer's figures, and the simulator goes on from where
it was. Real clients (confluent-kafka, the aseed CLI) against `aseed run`."""

import json
import pathlib
import subprocess
import time
import urllib.error
import urllib.request

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from conftest import ASEED_BIN
from test_labs import LAB, lab_command
from test_poison import Appliance


def aseed(app: Appliance, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ASEED_BIN, *args, "--dashboard", f"{app.host}:{app.port}", "--data-dir", str(app.data_dir)],
        capture_output=True, text=True, timeout=120)


def refusal(app: Appliance, path: str, method: str, body=None, token: bool = True) -> tuple[int, str]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(app.url + path, method=method, data=data)
    if token:
        request.add_header("Authorization", f"Bearer {app.token}")
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()).get("message", "")
    raise AssertionError(f"{method} {path} was not refused")


def topics(app: Appliance) -> dict[str, list[tuple[int, int]]]:
    """Every topic with each partition's (earliest, latest) offsets."""
    return {topic["name"]: [(p["earliest_offset"], p["latest_offset"]) for p in topic["partitions"]]
            for topic in app.json("/api/broker/topics")["topics"]}


def groups(app: Appliance) -> set[str]:
    return {group["group_id"] for group in app.json("/api/broker/groups")["groups"]}


def committed(bootstrap: str, group: str, topic: str, partitions: int) -> list[int]:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    try:
        return [p.offset for p in consumer.committed([TopicPartition(topic, n) for n in range(partitions)], 10)]
    finally:
        consumer.close()


def simulator(app: Appliance, action: str) -> None:
    app.json("/api/control/simulator", "POST", body={"action": action})


def caught_up(app: Appliance) -> dict:
    """The analyzer's figures once it has read every order (the simulator stopped)."""
    def settled():
        pipeline = app.pipeline()
        ends = [latest for _, latest in topics(app)["orders"]]
        offsets = [p["next_offset"] for p in sorted(pipeline["partitions"], key=lambda p: p["partition"])]
        return offsets == ends and app.json("/api/snapshot")
    snapshot = app.wait_for(settled, 30, "the analyzer to read every order")
    return snapshot["totals"]


def orders_in(app: Appliance) -> list[dict]:
    """Every order in the orders topic now, by the sequence number in its id."""
    ends = topics(app)["orders"]
    consumer = Consumer({"bootstrap.servers": app.bootstrap, "group.id": "class-reader", "enable.auto.commit": False})
    try:
        consumer.assign([TopicPartition("orders", n, earliest) for n, (earliest, latest) in enumerate(ends)
                         if latest > earliest])
        missing, orders = sum(latest - earliest for earliest, latest in ends), []
        deadline = time.monotonic() + 30
        while missing > 0 and time.monotonic() < deadline:
            for message in consumer.consume(1000, 0.5):
                assert message.error() is None, message.error()
                if message.offset() < ends[message.partition()][1]:
                    orders.append(json.loads(message.value()))
                    missing -= 1
        assert missing == 0
        return sorted(orders, key=lambda order: int(order["order_id"].rsplit("-", 1)[1]))
    finally:
        consumer.close()


def story(orders: list[dict], count: int) -> list[tuple]:
    """What a class sees of the first orders, leaving out ids and times."""
    return [(o["product_id"], o["quantity"], o["customer_id"], o["price"]) for o in orders[:count]]


def first_orders(app: Appliance, count: int) -> list[dict]:
    app.wait_for(lambda: sum(latest - earliest for earliest, latest in topics(app)["orders"]) >= count, 30,
                 f"{count} orders")
    return orders_in(app)


def a_class(bootstrap: str, name: str) -> None:
    """What a student leaves behind: a topic with records, a group with committed offsets."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(f"students.{name}", num_partitions=2)])[f"students.{name}"].result(10)
    producer = Producer({"bootstrap.servers": bootstrap, "client.id": name})
    for number in range(10):
        producer.produce(f"students.{name}", f"record {number}".encode(), key=f"{number}".encode())
    assert producer.flush(10) == 0
    consumer = Consumer({"bootstrap.servers": bootstrap, "client.id": name, "group.id": f"g-{name}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([f"students.{name}"])
    read, deadline = 0, time.monotonic() + 20
    while read < 10 and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        read += message is not None and message.error() is None
    assert read == 10
    consumer.commit(asynchronous=False)
    consumer.close()


def test_a_class_reset_removes_the_class_and_the_same_seed_tells_the_same_story(tmp_path):
    app = Appliance(tmp_path, "--seed", "3")
    try:
        assert lab_command(app, "start", str(LAB)).returncode == 0
        a_class(app.bootstrap, "alice")
        # A program still running in its group: the reset keeps that group and says why.
        stays = Consumer({"bootstrap.servers": app.bootstrap, "client.id": "bob", "group.id": "g-bob"})
        stays.subscribe(["orders"])
        app.wait_for(lambda: stays.poll(0.2) is not None or stays.assignment(), 30, "bob's consumer to join")
        app.wait_for(lambda: any(s["name"] == "alice" for s in app.json("/api/labs/current")["students"]), 30,
                     "alice on the scoreboard")
        app.wait_for(lambda: app.json("/api/status")["total_orders"] > 20, 30, "orders counted")
        before = topics(app)
        assert {"students.alice", "orders"} <= set(before)

        assert refusal(app, "/api/class/reset", "POST", {"orders": "truncate"}, token=False)[0] == 401
        code, message = refusal(app, "/api/class/reset", "POST", {"orders": "forget"})
        assert code == 400 and "keep" in message and "truncate" in message
        code, message = refusal(app, "/api/class/reset", "POST", {"orders": "keep", "scenario": "earthquake:1"})
        assert code == 400, message

        reset = aseed(app, "class", "reset", "--orders", "truncate", "--seed", "11")
        assert reset.returncode == 0, reset.stderr
        assert "removed 1 topics and 1 groups" in reset.stdout and "--seed 11" in reset.stdout
        assert "group 'g-bob' kept: 1 member is still connected" in reset.stdout
        after = topics(app)
        assert "students.alice" not in after
        assert "g-alice" not in groups(app) and {"g-bob", "aseed-analyzer"} <= groups(app)
        # Nothing of the last class's orders is left, and the analyzer counts only the new ones.
        assert all(earliest >= old_latest for (earliest, _), (_, old_latest) in zip(after["orders"], before["orders"]))
        archived = list((app.data_dir / "dashboard" / "labs" / "archive").glob("first-steps-*.json"))
        assert len(archived) == 1 and "alice" in archived[0].read_text()
        scoreboard = app.json("/api/labs/current")
        assert scoreboard["lab"]["id"] == "first-steps"
        assert "alice" not in [s["name"] for s in scoreboard["students"]]
        stays.close()

        first = first_orders(app, 30)
        assert int(first[0]["order_id"].rsplit("-", 1)[1]) == 1
        simulator(app, "stop")
        totals = caught_up(app)
        stored = sum(latest - earliest for earliest, latest in topics(app)["orders"])
        assert totals["orders"] == stored == len(orders_in(app))
        simulator(app, "start")

        # The same seed again: the next class sees the same products, quantities and customers.
        again = app.json("/api/class/reset", "POST", body={"orders": "truncate", "seed": 11})
        assert again["seed"] == 11 and again["analyzer_reset"] is True and again["deleted_orders"] >= 30
        second = first_orders(app, 30)
        assert story(second, 30) == story(first, 30)
        assert second[0]["order_id"] != first[0]["order_id"]  # a new run: ids never repeat

        # Keeping the orders keeps the analyzer's figures: they are the figures of those orders.
        simulator(app, "stop")
        kept_before = caught_up(app)
        orders_before = topics(app)["orders"]
        kept = app.json("/api/class/reset", "POST", body={"orders": "keep", "seed": 12})
        assert kept["deleted_orders"] == 0 and kept["analyzer_reset"] is False
        assert topics(app)["orders"] == orders_before
        assert caught_up(app) == kept_before
    finally:
        app.stop()


def test_a_snapshot_gives_back_topics_offsets_and_figures_and_the_simulator_goes_on(tmp_path):
    app = Appliance(tmp_path, "--seed", "5")
    try:
        a_class(app.bootstrap, "carol")
        app.wait_for(lambda: app.json("/api/status")["total_orders"] > 20, 30, "orders counted")
        simulator(app, "stop")
        saved_figures = caught_up(app)
        saved_topics = topics(app)
        saved_offsets = committed(app.bootstrap, "g-carol", "students.carol", 2)
        saved_orders = orders_in(app)

        save = aseed(app, "snapshot", "save", "lesson-1")
        assert save.returncode == 0, save.stderr
        assert "saved snapshot 'lesson-1'" in save.stdout
        listed = app.json("/api/class/snapshots")["snapshots"]
        assert [s["name"] for s in listed] == ["lesson-1"]
        assert {t["name"]: t["end_offsets"] for t in listed[0]["topics"]} == {
            name: [latest for _, latest in partitions] for name, partitions in saved_topics.items()}
        run_id, next_sequence = saved_orders[-1]["order_id"].rsplit("-", 1)
        assert listed[0]["simulator_next_sequence"] == int(next_sequence) + 1
        assert refusal(app, "/api/class/snapshots", "POST", {"name": "lesson-1"})[0] == 409
        assert refusal(app, "/api/class/snapshots", "POST", {"name": "../up"})[0] == 400
        assert refusal(app, "/api/class/snapshots", "POST", {"name": "x"}, token=False)[0] == 401
        assert refusal(app, "/api/class/snapshots/nothing/restore", "POST")[0] == 404

        # The class goes on: more orders, a topic gone, another made, offsets moved.
        simulator(app, "start")
        admin = AdminClient({"bootstrap.servers": app.bootstrap})  # kept while its future is awaited
        admin.delete_topics(["students.carol"])["students.carol"].result(10)
        a_class(app.bootstrap, "dave")
        app.wait_for(lambda: app.json("/api/status")["total_orders"] > saved_figures["orders"] + 20, 30, "more orders")
        simulator(app, "stop")

        restored = app.json("/api/class/snapshots/lesson-1/restore", "POST")
        assert restored["name"] == "lesson-1"
        assert topics(app) == saved_topics
        assert committed(app.bootstrap, "g-carol", "students.carol", 2) == saved_offsets
        assert caught_up(app) == saved_figures
        assert orders_in(app) == saved_orders

        # The simulator goes on where the snapshot left it, the same way each time.
        def after_restore() -> list[dict]:
            simulator(app, "start")
            app.wait_for(lambda: len(orders_in(app)) >= len(saved_orders) + 20, 30, "new orders")
            simulator(app, "stop")
            return orders_in(app)[len(saved_orders):]
        new = after_restore()
        assert new[0]["order_id"] == f"{run_id}-{int(next_sequence) + 1:06d}"
        app.json("/api/class/snapshots/lesson-1/restore", "POST")
        assert story(after_restore(), 20) == story(new, 20)

        assert refusal(app, "/api/class/snapshots/lesson-1", "DELETE")[0] == 400  # no ?confirm=
        deleted = aseed(app, "snapshot", "delete", "lesson-1")
        assert deleted.returncode == 0, deleted.stderr
        assert app.json("/api/class/snapshots")["snapshots"] == []
    finally:
        app.stop()
