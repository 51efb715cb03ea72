"""The X-ray's cost: the appliance's CPU per GB while one viewer watches a busy client's request
stream, against the same workload with nobody watching.

`aseed run` without the simulator and the analyzer (so the process's CPU is the broker's, and
the dashboard's answers to the viewer); one confluent-kafka producer writes 215-byte order
records with lz4, acks=all, 16 KB batches and linger.ms 5 (the Java client's defaults: many
small Produce requests, the case where a per-request cost shows) into a 3-partition topic. The
viewer polls `/api/broker/connections/{id}/requests?after=N` every second, as the console's
request stream does, and asks for the raw bytes of the newest request each time. Reported: MB/s
of record values and the process's CPU seconds per GB (schedstat), each phase's median over the
runs, and the median of the viewer's difference within each run (each run starts a fresh
appliance and measures both phases, in alternating order across runs). Target: within 5 %.

`make bench` runs it with ASEED_BIN set to the release binary.
Usage: python benchmarks/xray_bench.py [--runs 5] [--records 5000000]
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from broker_bench import cpu_seconds, free_port, order_record, wait_for_port

ASEED_BIN = os.environ.get("ASEED_BIN", ".build/release/aseed")
PARTITIONS = 3


class Appliance:
    """`aseed run` with only the broker and the dashboard."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="bench-xray-")
        self.port, self.dashboard_port = free_port(), free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"
        self.log = open(f"{self.dir}/stdout.log", "w")
        self.process = subprocess.Popen(
            [ASEED_BIN, "run", "--data-dir", f"{self.dir}/data", "--log-dir", f"{self.dir}/logs",
             "--kafka-listen", self.bootstrap, "--kafka-advertise", self.bootstrap,
             "--dashboard-listen", f"127.0.0.1:{self.dashboard_port}", "--no-simulator", "--no-analyzer"],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process)
        wait_for_port(self.dashboard_port, self.process)

    def json(self, path):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.dashboard_port}{path}", timeout=10) as response:
            return json.loads(response.read())

    def cpu(self):
        return cpu_seconds(self.process.pid)

    def stop(self):
        self.process.terminate()
        self.process.wait(30)
        self.log.close()
        subprocess.run(["rm", "-rf", self.dir])


class Viewer:
    """Watches the request stream of the connection of `client_id` that produces, every second."""

    def __init__(self, appliance, client_id):
        self.appliance, self.client_id = appliance, client_id
        self.running, self.polls, self.requests, self.skipped = True, 0, 0, 0
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def connection(self):
        for entry in self.appliance.json("/api/broker/connections")["connections"]:
            if entry["client_id"] == self.client_id and entry["requests"].get("Produce", 0) > 0:
                return entry["id"]
        return None

    def run(self):
        connection, last = None, 0
        while self.running:
            connection = connection or self.connection()
            if connection:
                path = f"/api/broker/connections/{connection}/requests"
                answer = self.appliance.json(f"{path}?after={last}")
                if answer["requests"]:
                    last = answer["requests"][-1]["sequence"]
                    self.appliance.json(f"{path}/{last}/raw")
                self.polls += 1
                self.requests += len(answer["requests"])
                self.skipped = answer["skipped"]
            time.sleep(1)

    def stop(self):
        self.running = False
        self.thread.join(10)


def produce(appliance, topic, client_id, payloads, count, watched):
    """Writes `count` records; returns (MB/s, CPU s/GB, viewer or None)."""
    producer = Producer({"bootstrap.servers": appliance.bootstrap, "client.id": client_id, "acks": "all",
                         "compression.type": "lz4", "linger.ms": 5, "batch.size": 16384,
                         "queue.buffering.max.kbytes": 262144})
    producer.produce(topic, payloads[0], partition=0)
    producer.flush(30)  # connected: the viewer can find the connection from the start
    viewer = Viewer(appliance, client_id) if watched else None
    if viewer:
        deadline = time.monotonic() + 15
        while viewer.polls == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    cpu_before, start = appliance.cpu(), time.perf_counter()
    for index in range(count):
        while True:
            try:
                producer.produce(topic, payloads[index % len(payloads)], partition=index % PARTITIONS)
                break
            except BufferError:
                producer.poll(0.01)
    producer.flush(120)
    elapsed, cpu = time.perf_counter() - start, appliance.cpu() - cpu_before
    if viewer:
        viewer.stop()
    gigabytes = count * len(payloads[0]) / 1e9
    return gigabytes * 1000 / elapsed, cpu / gigabytes, viewer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--records", type=int, default=5_000_000)
    args = parser.parse_args()
    rng = random.Random(7)
    payloads = [order_record(rng, number) for number in range(1000)]
    results = {False: [], True: []}
    differences = []  # per run: the viewer's CPU s/GB against the same appliance's without
    viewed = []
    for run in range(args.runs):
        appliance = Appliance()
        try:
            admin = AdminClient({"bootstrap.servers": appliance.bootstrap})
            for watched in ([False, True] if run % 2 == 0 else [True, False]):
                topic = f"xray-{run}-{int(watched)}"
                admin.create_topics([NewTopic(topic, PARTITIONS, 1)])[topic].result(timeout=30)
                rate, cpu, viewer = produce(appliance, topic, f"busy-{run}-{int(watched)}", payloads, args.records,
                                            watched)
                results[watched].append((rate, cpu))
                if viewer:
                    viewed.append((viewer.polls, viewer.requests, viewer.skipped))
                print(f"run {run + 1}: {'viewer' if watched else 'no viewer'}: {rate:.1f} MB/s, {cpu:.2f} CPU s/GB",
                      file=sys.stderr)
            differences.append(100 * (results[True][-1][1] - results[False][-1][1]) / results[False][-1][1])
        finally:
            appliance.stop()
    plain_cpu = statistics.median(r[1] for r in results[False])
    watched_cpu = statistics.median(r[1] for r in results[True])
    print(f"Medians of {args.runs} runs ({args.records} records of 215 bytes, 16 KB batches; CPU of the "
          "whole `aseed run` process per GB of record values):")
    print()
    print("| phase | MB/s | CPU s/GB | CPU against no viewer, same appliance |")
    print("|---|---|---|---|")
    print(f"| no viewer | {statistics.median(r[0] for r in results[False]):.1f} | {plain_cpu:.2f} | |")
    print(f"| one viewer on the producer's stream | {statistics.median(r[0] for r in results[True]):.1f} | "
          f"{watched_cpu:.2f} | {statistics.median(differences):+.1f} % "
          f"(runs: {', '.join(f'{d:+.1f}' for d in sorted(differences))}) |")
    polls, kept, skipped = (statistics.median(v[i] for v in viewed) for i in range(3))
    print()
    print(f"The viewer (medians): {polls:.0f} polls, {kept:.0f} requests kept and decoded, "
          f"{skipped:.0f} skipped by the sampling. Target: within 5 %.")


if __name__ == "__main__":
    main()
