"""Labs the appliance checks itself (examples/labs/): the shipped lab's solution run for one
student gets every step done, a student making the usual mistakes gets none of those steps
(with the hint to fix each), progress survives a restart, and `aseed lab` starts, shows and
exports it. Real clients (confluent-kafka) against `aseed run`."""

import csv
import io
import json
import pathlib
import subprocess
import sys
import time
import urllib.error
import urllib.request

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from conftest import ASEED_BIN
from test_poison import Appliance

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
LAB = REPOSITORY / "examples" / "labs" / "first-steps.toml"
SOLUTION = REPOSITORY / "examples" / "labs" / "first-steps" / "solution.py"
ANALYTICS = REPOSITORY / "examples" / "labs" / "analytics.toml"
ANALYTICS_SOLUTION = REPOSITORY / "examples" / "labs" / "analytics" / "solution.py"
STEPS = ["connect", "produce", "partitions", "keys", "compaction", "retention", "commit", "rebalance", "idempotence",
         "transaction", "read-committed"]


def lab_command(app: Appliance, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ASEED_BIN, "lab", *args, "--dashboard", f"{app.host}:{app.port}", "--data-dir", str(app.data_dir)],
        capture_output=True, text=True, timeout=30)


def student(app: Appliance, name: str) -> dict:
    return next((s for s in app.json("/api/labs/current")["students"] if s["name"] == name), {})


def make_mistakes(bootstrap: str, name: str) -> None:
    """What a student gets wrong at first, one mistake per step after connecting."""
    common = {"bootstrap.servers": bootstrap, "client.id": name}
    producer = Producer(common)  # not idempotent (librdkafka's default)
    for number in range(12):
        # A price in quotes: the analyzer refuses it, so these are not orders.
        value = {"order_id": f"{name}-{number}", "product_id": "P1", "product_name": "Pen", "category": "Office", "customer_id": "C1",
                 "price": "1.50", "quantity": 1, "timestamp": "2026-12-06T10:00:00Z"}
        producer.produce(f"students.{name}", json.dumps(value).encode())
    assert producer.flush(10) == 0
    admin = AdminClient(common)
    admin.create_topics([NewTopic(f"students.{name}.six", num_partitions=3)])[f"students.{name}.six"].result(10)
    for number in range(12):  # no keys
        producer.produce(f"students.{name}.six", b"an order without its key")
    assert producer.flush(10) == 0
    # Compaction forgotten: the topic keeps the default cleanup policy.
    admin.create_topics([NewTopic(f"students.{name}.latest", num_partitions=1)])[f"students.{name}.latest"].result(10)
    # Retention left at its default (a week).
    admin.create_topics([NewTopic(f"students.{name}.recent", num_partitions=1)])[f"students.{name}.recent"].result(10)
    # Reads without ever committing, and everything, committed or not (librdkafka's default is
    # read_committed; Java's and kafka-python's is this).
    uncommitted = {**common, "isolation.level": "read_uncommitted"}
    consumer = Consumer({**uncommitted, "group.id": f"g-{name}", "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    consumer.subscribe(["orders"])
    deadline = time.monotonic() + 20
    read = 0
    while read < 20 and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        read += message is not None and message.error() is None
    consumer.close()
    # One consumer alone in the pair's group: no second member, so no sharing.
    alone = Consumer({**uncommitted, "group.id": f"g-{name}-pair"})
    alone.subscribe(["orders"])
    deadline = time.monotonic() + 20
    while not alone.assignment() and time.monotonic() < deadline:
        alone.poll(0.5)
    alone.close()


def test_lab_solution_does_every_step_mistakes_none_and_progress_survives_a_restart(tmp_path):
    app = Appliance(tmp_path)
    try:
        started = lab_command(app, "start", str(LAB))
        assert started.returncode == 0, started.stderr
        assert "lab 'first-steps' started" in started.stdout
        assert "partitions: Make the topic students.{name}.six with 6 partitions" in started.stdout

        solution = subprocess.run([sys.executable, str(SOLUTION), "--bootstrap", app.bootstrap, "--name", "alice"],
                                  capture_output=True, text=True, timeout=240)
        assert solution.returncode == 0, solution.stdout + solution.stderr
        make_mistakes(app.bootstrap, "bob")

        alice = app.wait_for(lambda: (s := student(app, "alice")) and s["steps_done"] == len(STEPS) and s,
                             timeout=30, message="every step of alice's done")
        assert sorted(alice["done"]) == sorted(STEPS)
        bob = app.wait_for(lambda: student(app, "bob").get("done", {}).get("connect") and student(app, "bob"),
                           timeout=30, message="bob seen")
        # A few more rounds of checks, then bob still has only his connection.
        time.sleep(3)
        bob = student(app, "bob")
        assert sorted(bob["done"]) == ["connect"], bob
        assert {s["name"] for s in app.json("/api/labs/current")["students"]} == {"alice", "bob"}

        page = app.json("/api/labs/current/students/bob")
        assert page["seen"] is True and page["bootstrap"] == app.bootstrap
        steps = {step["id"]: step for step in page["steps"]}
        assert steps["connect"]["done_at"] is not None
        assert all(steps[step]["done_at"] is None for step in STEPS[1:])
        assert steps["produce"]["title"] == "Produce 10 valid orders to students.bob"
        assert f"bootstrap.servers to {app.bootstrap} and client.id to bob" in steps["connect"]["hint"]
        assert "group.id g-bob-pair" in steps["rebalance"]["hint"]

        status = lab_command(app, "status")
        assert status.returncode == 0, status.stderr
        lines = {line.split()[0]: line for line in status.stdout.splitlines()[2:]}
        assert "11/11" in lines["alice"]
        assert "1/11" in lines["bob"]
        assert "produce partitions keys compaction retention commit rebalance idempotence transaction read-committed" \
            in lines["bob"]

        results = lab_command(app, "results")
        rows = {row["student"]: row for row in csv.DictReader(io.StringIO(results.stdout))}
        assert rows["alice"]["steps_done"] == "11" and rows["alice"]["transaction"].endswith("Z")
        assert rows["bob"]["steps_done"] == "1" and rows["bob"]["produce"] == ""

        app.stop()
        app.start()
        again = app.json("/api/labs/current")
        assert again["lab"]["id"] == "first-steps"
        assert {s["name"]: s["done"] for s in again["students"]} == {"alice": alice["done"], "bob": bob["done"]}
    finally:
        app.stop()


def test_a_lab_file_with_a_mistake_is_refused_with_where_and_what(tmp_path):
    app = Appliance(tmp_path)
    try:
        assert lab_command(app, "status").returncode != 0
        assert "no lab runs" in lab_command(app, "status").stderr
        bad = tmp_path / "bad.toml"
        bad.write_text('id = "x"\ntitle = "X"\n\n[[step]]\nid = "p"\ntitle = "P"\ngoal = "produce"\ntopic = "t"\n'
                       'count = "ten"\n')
        refused = lab_command(app, "start", str(bad))
        assert refused.returncode != 0
        assert 'step p: "count" must be a whole number' in refused.stderr, refused.stderr
        broken = tmp_path / "broken.toml"
        broken.write_text('id = "x"\ntitle = "unclosed\n')
        refused = lab_command(app, "start", str(broken))
        assert "line 2" in refused.stderr, refused.stderr
        request = urllib.request.Request(app.url + "/api/labs", method="POST", data=LAB.read_bytes())
        try:
            urllib.request.urlopen(request, timeout=10)
            raise AssertionError("a lab started without the admin token")
        except urllib.error.HTTPError as error:
            assert error.code == 401
        assert lab_command(app, "start", str(LAB)).returncode == 0
        assert app.json("/api/labs/current")["students"] == []
    finally:
        app.stop()


def quiet_shop(app: Appliance) -> None:
    """Pauses the simulator and waits until the analyzer has counted everything written."""
    app.json("/api/control/simulator", method="POST", body={"action": "pause"})
    def caught_up():
        first = app.pipeline()
        time.sleep(1.5)
        second = app.pipeline()
        partitions = second["partitions"]
        return (first["records_in"] == second["records_in"] > 0 and partitions
                and all(p["lag"] == 0 for p in partitions))
    app.wait_for(caught_up, timeout=60, message="the analyzer caught up with the paused simulator")


def answer(app: Appliance, name: str, step: str, text: str, expected: int = 200) -> dict:
    request = urllib.request.Request(app.url + "/api/labs/current/answers", method="POST",
                                     data=json.dumps({"name": name, "step": step, "answer": text}).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == expected
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        assert error.code == expected, error.read()
        return json.loads(error.read())


def test_analytics_lab_answers_are_checked_against_the_analyzer(tmp_path):
    app = Appliance(tmp_path)
    try:
        assert "no lab runs" in answer(app, "carol", "top-all", "PROD-001", expected=404)["message"]
        app.wait_for(lambda: app.pipeline()["orders_counted"] > 200, timeout=60, message="orders counted")
        quiet_shop(app)
        assert lab_command(app, "start", str(ANALYTICS)).returncode == 0
        solution = subprocess.run([sys.executable, str(ANALYTICS_SOLUTION), "--bootstrap", app.bootstrap,
                                   "--dashboard", app.url, "--name", "carol"],
                                  capture_output=True, text=True, timeout=180)
        assert solution.returncode == 0, solution.stdout + solution.stderr
        assert "top-all" in solution.stdout and "right:" in solution.stdout, solution.stdout
        carol = app.wait_for(lambda: (s := student(app, "carol")) and s["steps_done"] == 7 and s,
                             timeout=30, message="every step of carol's done")
        assert sorted(carol["done"]) == ["bad-order", "connect", "good-orders", "late-order", "read", "top-5m",
                                         "top-all"]
        assert any(late["order_id"].startswith("carol-late-") for late in app.pipeline()["recent_late"])

        # A valid order keyed dave is counted, so nothing of dave's reaches the dead letters; a
        # bad one keyed erin, sent after it, shows the checks have looked since.
        good = {"order_id": "dave-1", "product_id": "PROD-001", "product_name": "Notebook", "category": "Books",
                "customer_id": "CUST-1", "price": 12.5, "quantity": 1, "timestamp": "2026-12-06T10:00:00Z"}
        dave = Producer({"bootstrap.servers": app.bootstrap, "client.id": "dave"})
        dave.produce("orders", json.dumps(good).encode(), key=b"dave")
        assert dave.flush(10) == 0
        erin = Producer({"bootstrap.servers": app.bootstrap, "client.id": "erin"})
        erin.produce("orders", json.dumps({**good, "order_id": "erin-1", "price": "12.50"}).encode(), key=b"erin")
        assert erin.flush(10) == 0
        app.wait_for(lambda: "bad-order" in student(app, "erin").get("done", {}), 30, "erin's bad order seen")
        assert "bad-order" not in student(app, "dave").get("done", {})

        wrong = answer(app, "dave", "top-all", "NOT-A-PRODUCT")
        assert wrong["correct"] is False and "not the product the analyzer ranks first" in wrong["message"]
        assert "top-all" not in student(app, "dave").get("done", {})
        assert answer(app, "dave", "read", "anything", expected=400)["error"] == "invalid-answer"
        assert answer(app, "dave", "nope", "x", expected=400)["error"] == "invalid-answer"
        assert answer(app, "aseed-simulator", "top-all", "x", expected=400)["error"] == "invalid-answer"
    finally:
        app.stop()
