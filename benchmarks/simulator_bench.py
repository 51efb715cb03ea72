"""Simulator flood benchmark: orders/s that `aseed simulate --flood` (our producer, lz4,
acks=all, idempotent) puts into our broker, beside confluent-kafka's producer from Python
sending the very same records (read back from the topic) with the same settings.

Each run uses a fresh broker; runs alternate between the two producers; the table shows
medians. Usage: python benchmarks/simulator_bench.py [--runs N] [--orders N]
"""
import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from confluent_kafka import Consumer, Producer, TopicPartition

sys.path.insert(0, os.path.dirname(__file__))
from broker_bench import free_port, wait_for_port  # noqa: E402

ASEED = os.environ.get("ASEED_BIN", ".build/release/aseed")


class AseedBroker:
    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="sim-bench-")
        self.bootstrap = f"127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [ASEED, "broker", "--data-dir", f"{self.dir}/data", "--log-dir", f"{self.dir}/logs",
             "--kafka-listen", self.bootstrap, "--kafka-advertise", self.bootstrap],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.process)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


def run_simulator(bootstrap, orders, log_dir):
    out = subprocess.run(
        [ASEED, "simulate", "--bootstrap-servers", bootstrap, "--flood", "--count", str(orders),
         "--compression", "lz4", "--acks", "all", "--seed", "1", "--log-dir", log_dir],
        capture_output=True, text=True, timeout=600, check=True).stdout
    match = re.search(r"(\d+) delivered to \S+ in ([\d.]+) s", out)
    delivered, seconds = int(match.group(1)), float(match.group(2))
    if delivered != orders:
        raise RuntimeError(f"simulator delivered {delivered} of {orders}: {out}")
    return orders / seconds


def sample_records(bootstrap, count):
    """The simulator's own records (key and value), read back from topic orders."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "sample", "enable.auto.commit": False})
    consumer.assign([TopicPartition("orders", p, 0) for p in range(3)])
    records = []
    deadline = time.time() + 60
    while len(records) < count and time.time() < deadline:
        for message in consumer.consume(num_messages=10_000, timeout=1.0):
            if not message.error():
                records.append((message.key(), message.value()))
    consumer.close()
    return records[:count]


def run_confluent(bootstrap, records, orders):
    producer = Producer({
        "bootstrap.servers": bootstrap, "acks": "all", "compression.type": "lz4", "enable.idempotence": True,
        "linger.ms": 5, "batch.size": 1_000_000, "queue.buffering.max.messages": 1_000_000,
        "queue.buffering.max.kbytes": 1_048_576,
    })
    failures = []

    def delivered(error, _message):
        if error is not None:
            failures.append(error)

    start = time.perf_counter()
    for i in range(orders):
        key, value = records[i % len(records)]
        while True:
            try:
                producer.produce("orders", value, key, on_delivery=delivered)
                break
            except BufferError:
                producer.poll(0.01)
        if i % 10_000 == 0:
            producer.poll(0)
    producer.flush(300)
    elapsed = time.perf_counter() - start
    if failures:
        raise RuntimeError(f"{len(failures)} delivery errors, first: {failures[0]}")
    return orders / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--orders", type=int, default=3_000_000)
    args = parser.parse_args()
    log_dir = tempfile.mkdtemp(prefix="sim-bench-logs-")
    ours, theirs = [], []
    # The records confluent-kafka sends: the simulator's, from a first small run.
    broker = AseedBroker()
    try:
        run_simulator(broker.bootstrap, 100_000, log_dir)
        records = sample_records(broker.bootstrap, 100_000)
    finally:
        broker.stop()
    for run in range(args.runs):
        order = ["aseed", "confluent"] if run % 2 == 0 else ["confluent", "aseed"]
        for kind in order:
            broker = AseedBroker()
            try:
                if kind == "aseed":
                    ours.append(run_simulator(broker.bootstrap, args.orders, log_dir))
                    print(f"run {run + 1} aseed simulate   {ours[-1]:12,.0f} orders/s", file=sys.stderr)
                else:
                    theirs.append(run_confluent(broker.bootstrap, records, args.orders))
                    print(f"run {run + 1} confluent-kafka  {theirs[-1]:12,.0f} orders/s", file=sys.stderr)
            finally:
                broker.stop()
    shutil.rmtree(log_dir, ignore_errors=True)
    print()
    print(f"Simulator flood into aseed broker, {args.orders:,} orders of ~218 bytes, lz4, acks=all, "
          f"idempotent; medians of {args.runs} alternating runs:")
    print()
    print("| producer | orders/s |")
    print("|---|---:|")
    print(f"| aseed simulate --flood | {statistics.median(ours):,.0f} |")
    print(f"| confluent-kafka (Python), same records | {statistics.median(theirs):,.0f} |")


if __name__ == "__main__":
    main()
