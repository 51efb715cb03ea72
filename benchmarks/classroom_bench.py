"""A class of 30 students working through a lab while the shop sells 1,000 orders a second: is
the scoreboard right, how soon does a step done show on it, and what does the class do to the
broker's produce-to-consume latency.

`aseed run` (release) with the simulator at 1,000 orders/s, the analyzer and the dashboard, and
the lab examples/labs/first-steps.toml started with `aseed lab start`. 30 students, each its own
process with confluent-kafka and client.id student-NN, join over ten seconds and do four steps:
connect, produce 10 valid orders to students.<name>, create students.<name>.six with 6
partitions, read 200 orders in the group g-<name> and commit; each notes when each step's last
call returned. A watcher reads /api/labs/current every 100 ms and notes when each step first
shows done; the scoreboard page reads the same route every second, so the page shows a step
at most a second after the route does. The probe's clients connect as client.id teacher. A probe writes 500 timestamped records a second to a
3-partition topic and a consumer measures produce-to-consume latency all the while.

Reported per run and as medians over runs: whether the scoreboard is right at the end (every
student with exactly those four steps done, and the probe's client as the teacher, connected),
the delay from a step done to the route showing it
(p50, p99, max; the page adds up to 1 s), the probe's latency (p50, p99) and the orders written
per second while the class worked. Targets: probe p99 under 20 ms, the page updated within 2 s.

`make bench` runs it with ASEED_BIN set to the release binary.
Usage: python benchmarks/classroom_bench.py [--runs 3] [--students 30]
"""
import argparse
import json
import multiprocessing
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import datetime, timezone

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from broker_bench import free_port, wait_for_port

ASEED_BIN = os.environ.get("ASEED_BIN", ".build/release/aseed")
LAB = pathlib.Path(__file__).resolve().parents[1] / "examples" / "labs" / "first-steps.toml"
STEPS = ["connect", "produce", "partitions", "commit"]
PROBE_RATE = 500
PROBE_PARTITIONS = 3


class Appliance:
    """`aseed run` with everything on and the simulator at 1,000 orders a second."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="bench-classroom-")
        self.port, self.dashboard_port = free_port(), free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"
        self.url = f"http://127.0.0.1:{self.dashboard_port}"
        self.log = open(f"{self.dir}/stdout.log", "w")
        self.process = subprocess.Popen(
            [ASEED_BIN, "run", "--data-dir", f"{self.dir}/data", "--log-dir", f"{self.dir}/logs",
             "--kafka-listen", self.bootstrap, "--kafka-advertise", self.bootstrap,
             "--dashboard-listen", f"127.0.0.1:{self.dashboard_port}", "--rate", "1000"],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process)
        wait_for_port(self.dashboard_port, self.process)

    def json(self, path):
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.loads(response.read())

    def orders_written(self) -> int:
        topics = self.json("/api/broker/topics")["topics"]
        return sum(p["latest_offset"] for t in topics if t["name"] == "orders" for p in t["partitions"])

    def stop(self):
        self.process.terminate()
        self.process.wait(30)
        self.log.close()
        subprocess.run(["rm", "-rf", self.dir])


def order(number: int) -> bytes:
    return json.dumps({
        "order_id": str(uuid.uuid4()), "product_id": f"PROD-{number % 7:03d}", "product_name": "Notebook",
        "category": "Books", "customer_id": "CUST-1", "price": 12.5, "quantity": 1,
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }).encode()


def student(bootstrap: str, name: str, start_at: float, out) -> None:
    """One student's four steps; puts (name, {step: time done}) on `out`."""
    time.sleep(max(0.0, start_at - time.time()))
    common = {"bootstrap.servers": bootstrap, "client.id": name}
    done = {}
    AdminClient(common).list_topics(timeout=30)
    done["connect"] = time.time()
    producer = Producer(common)
    for number in range(10):
        producer.produce(f"students.{name}", order(number))
    producer.flush(30)
    done["produce"] = time.time()
    admin = AdminClient(common)
    admin.create_topics([NewTopic(f"students.{name}.six", num_partitions=6)])[f"students.{name}.six"].result(30)
    done["partitions"] = time.time()
    consumer = Consumer({**common, "group.id": f"g-{name}", "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    consumer.subscribe(["orders"])
    read = 0
    deadline = time.time() + 60
    while read < 200 and time.time() < deadline:
        message = consumer.poll(1.0)
        read += message is not None and message.error() is None
    consumer.commit(asynchronous=False)
    done["commit"] = time.time()
    consumer.close()
    out.put((name, done))


def probe(bootstrap: str, stop: threading.Event, latencies: list) -> None:
    """Produce-to-consume latency of PROBE_RATE records a second until `stop`."""
    admin = AdminClient({"bootstrap.servers": bootstrap, "client.id": "teacher"})  # kept while awaited
    admin.create_topics([NewTopic("probe", num_partitions=PROBE_PARTITIONS)])["probe"].result(30)
    # The probe is the teacher's client: it shows on the scoreboard as one more name, connected.
    consumer = Consumer({"bootstrap.servers": bootstrap, "client.id": "teacher", "group.id": "probe",
                         "enable.auto.commit": False, "fetch.wait.max.ms": 100})
    consumer.assign([TopicPartition("probe", partition, 0) for partition in range(PROBE_PARTITIONS)])
    producer = Producer({"bootstrap.servers": bootstrap, "client.id": "teacher", "linger.ms": 0, "acks": "all"})

    def receive():
        while not stop.is_set():
            message = consumer.poll(0.2)
            if message is not None and message.error() is None:
                latencies.append((time.time_ns() - int(message.value()[:19])) / 1e6)

    receiver = threading.Thread(target=receive, daemon=True)
    receiver.start()
    start, index = time.perf_counter(), 0
    while not stop.is_set():
        producer.produce("probe", str(time.time_ns()).encode() + b" " * 100, partition=index % PROBE_PARTITIONS)
        producer.poll(0)
        index += 1
        pause = start + index / PROBE_RATE - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    producer.flush(10)
    receiver.join(5)
    consumer.close()


def watch(appliance: Appliance, stop: threading.Event, shown: dict) -> None:
    """Notes when each (student, step) first shows done on the scoreboard route."""
    while not stop.is_set():
        try:
            board = appliance.json("/api/labs/current")
        except OSError:
            board = {"students": []}
        now = time.time()
        for entry in board["students"]:
            for step in entry["done"]:
                shown.setdefault((entry["name"], step), now)
        time.sleep(0.1)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def run(students: int) -> dict:
    appliance = Appliance()
    try:
        token = pathlib.Path(appliance.dir, "data", "dashboard", "admin-token").read_text().strip()
        subprocess.run([ASEED_BIN, "lab", "start", str(LAB), "--dashboard", f"127.0.0.1:{appliance.dashboard_port}",
                        "--admin-token", token], check=True, capture_output=True)
        time.sleep(5)  # the simulator at its rate, the analyzer caught up
        stop, latencies, shown = threading.Event(), [], {}
        threads = [threading.Thread(target=probe, args=(appliance.bootstrap, stop, latencies), daemon=True),
                   threading.Thread(target=watch, args=(appliance, stop, shown), daemon=True)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        orders_before, clock_before = appliance.orders_written(), time.time()
        out = multiprocessing.Queue()
        first = time.time() + 1
        names = [f"student-{index:02d}" for index in range(students)]
        processes = [multiprocessing.Process(target=student,
                                             args=(appliance.bootstrap, name, first + 10 * index / students, out))
                     for index, name in enumerate(names)]
        for process in processes:
            process.start()
        done = dict(out.get(timeout=180) for _ in processes)
        for process in processes:
            process.join(30)
        orders_rate = (appliance.orders_written() - orders_before) / (time.time() - clock_before)
        deadline = time.time() + 10
        while time.time() < deadline and any((name, step) not in shown for name in names for step in STEPS):
            time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join(10)
        # librdkafka's consumers read committed records by default, so the students' and the
        # teacher's consumers also do the read-committed step, at their first fetch: it is not
        # one of the steps timed, and may come after the watcher stopped.
        board = {entry["name"]: sorted(set(entry["done"]) - {"read-committed"})
                 for entry in appliance.json("/api/labs/current")["students"]}
        right = board == {name: sorted(STEPS) for name in names} | {"teacher": ["connect"]}
        delays = [shown[(name, step)] - done[name][step] for name in names for step in STEPS if (name, step) in shown]
        result = {
            "right": right, "steps_shown": len(delays), "steps": students * len(STEPS),
            "delay_p50": statistics.median(delays), "delay_p99": percentile(delays, 0.99), "delay_max": max(delays),
            "probe_p50": statistics.median(latencies), "probe_p99": percentile(latencies, 0.99),
            "probe_records": len(latencies), "orders_per_second": orders_rate,
        }
        print(f"scoreboard right: {right} ({len(delays)}/{students * len(STEPS)} steps shown); "
              f"step to scoreboard p50 {result['delay_p50']:.2f} s p99 {result['delay_p99']:.2f} s "
              f"max {result['delay_max']:.2f} s; probe p50 {result['probe_p50']:.2f} ms "
              f"p99 {result['probe_p99']:.2f} ms ({len(latencies)} records); "
              f"orders {orders_rate:.0f}/s", file=sys.stderr)
        if not right:
            print(f"scoreboard: {board}", file=sys.stderr)
        return result
    finally:
        appliance.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--students", type=int, default=30)
    args = parser.parse_args()
    results = [run(args.students) for _ in range(args.runs)]

    def median(key):
        return statistics.median(result[key] for result in results)

    print(f"\nA class of {args.students} students (4 steps each) while the simulator writes 1,000 orders/s, "
          f"medians of {args.runs} runs:\n")
    print("| scoreboard right | step to scoreboard p50 / p99 / max | page (reads every 1 s) within "
          "| probe p50 / p99 | orders/s |")
    print("|---|---:|---:|---:|---:|")
    print(f"| {sum(r['right'] for r in results)} of {args.runs} runs "
          f"| {median('delay_p50'):.2f} / {median('delay_p99'):.2f} / {median('delay_max'):.2f} s "
          f"| {median('delay_max') + 1:.2f} s "
          f"| {median('probe_p50'):.2f} / {median('probe_p99'):.2f} ms | {median('orders_per_second'):.0f} |")


if __name__ == "__main__":
    main()
