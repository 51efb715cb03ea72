"""Transactions: what a transactional producer costs the broker, and how soon a read_committed
consumer sees committed records.

Throughput: one producer writes 215-byte order records with lz4 and acks=all into a fresh
3-partition topic: idempotent without transactions; idempotent and flushed (waiting for every
acknowledgement) every 10,000 records, which is what a commit makes the client do, without the
transaction; transactional committing every 10,000 records, then every 100 (a fifth of the
records: each costs the broker far more). Two producers: librdkafka (confluent-kafka; linger.ms
5, batches up to 1 MB) and the Java client 4.3 with its defaults (16 KB batches, linger.ms 5),
whose JVM first writes a fifth as many records the same way, unmeasured, to compile the client.
Reported: MB/s of record values and the broker's CPU seconds per GB (from
/proc/<pid>/task/*/schedstat), and the transactional rows' CPU against the same client's
idempotent row and against its flushed row (what the transaction itself costs the broker, the
client's flush at each commit set apart), and the middle half of the same ratio taken round by
round (both modes on one broker seconds apart): how far single samples of it spread.

Latency: a transactional producer writes 2,000 records/s, committing every 10 records (every
5 ms), each record carrying the time it was produced; a read_committed and a read_uncommitted
consumer report p50/p99 from produce to receipt. Targets: a transaction of 10,000 records costs
under 10 % more CPU per GB than idempotent produce; read_committed p99 under 20 ms.

Waking: the broker's CPU per ApiVersions round trip on one connection, back to back and after
1 ms and 5 ms of idleness. A commit leaves the broker idle twice (while the client waits for its
last acknowledgements, then for EndTxn's answer), and what a request costs after a pause is what
those wake-ups cost the transactional rows beyond the broker's own work.

Medians of 5 runs, each on a fresh broker, with 3 samples per run of each mode but transactions
of 100: the CPU a run costs depends on how the client happens to batch, and runs of the same mode
differ by up to a third, so one run cannot tell 10 % apart.
`make bench` runs it with ASEED_BIN set to the release binary.
Usage: python benchmarks/transaction_bench.py [--runs 5] [--records 1000000]
"""
import argparse
import multiprocessing
import os
import pathlib
import random
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from broker_bench import cpu_seconds, order_record
from reliability_bench import Broker

PARTITIONS = 3
RATE = 2_000
LATENCY_SECONDS = 15
# Idleness before each request of the wake-up measurement, in ms.
WAKE_GAPS_MS = (0, 1, 5)


def create_topic(bootstrap: str, topic: str) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, PARTITIONS, 1)])[topic].result(timeout=30)


def producer_config(bootstrap: str, transactional_id: str | None) -> dict:
    config = {"bootstrap.servers": bootstrap, "acks": "all", "compression.type": "lz4", "linger.ms": 5,
              "batch.size": 1_000_000, "queue.buffering.max.kbytes": 1_048_576, "enable.idempotence": True}
    if transactional_id:
        config["transactional.id"] = transactional_id
    return config


def produce(bootstrap: str, topic: str, payloads: list[bytes], count: int, every: int | None) -> float:
    """Writes `count` records, committing every `every` (None: no transactions; negative: no
    transactions, flushed every -`every`); returns the wall time."""
    flush_every = -every if every and every < 0 else None
    every = every if every and every > 0 else None
    producer = Producer(producer_config(bootstrap, f"bench-{time.time_ns()}" if every else None))
    if every:
        producer.init_transactions(30)
    errors = []

    def delivered(error, _message):
        if error is not None:
            errors.append(str(error))

    start = time.perf_counter()
    for index in range(count):
        if every and index % every == 0:
            producer.begin_transaction()
        while True:
            try:
                producer.produce(topic, payloads[index % len(payloads)], partition=index % PARTITIONS,
                                 on_delivery=delivered)
                break
            except BufferError:
                producer.poll(0.01)
        if every and ((index + 1) % every == 0 or index + 1 == count):
            producer.commit_transaction(60)
        elif flush_every and (index + 1) % flush_every == 0:
            producer.flush(60)
        elif index % 10_000 == 0:
            producer.poll(0)
    producer.flush(120)
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} delivery errors, first: {errors[0]}")
    return elapsed


MODES = (("idempotent", None), ("idempotent, flushed every 10,000", -10_000),
         ("transactions of 10,000", 10_000), ("transactions of 100", 100))
# Transactions of 100 write this share of the records: a run of them takes twenty times as long.
SHARE = {"transactions of 100": 5}
# Each broker runs the other modes this many times, in turn, and transactions of 100 once: the
# target compares rows a few per cent apart, and more samples per run steady their medians.
ROUNDS = 3
# The flushed row each transactional row is also compared with.
FLUSHED = {"transactions of 10,000": "idempotent, flushed every 10,000"}
CLIENTS = ("librdkafka", "Java 4.3")
# The Java producer first writes this fraction of a sample's records, unmeasured: the JVM
# compiles the client's code meanwhile, on one of the two cores the broker runs on.
WARM_UP = 5
JAVA_SOURCE = pathlib.Path(__file__).resolve().parent / "java" / "TransactionBench.java"
JARS = pathlib.Path(os.environ.get("ASEED_KAFKA_JARS", JAVA_SOURCE.parents[2] / ".venv" / "jars"))
# Debian's libraries the Java client loads: logging (silenced) and the LZ4 codec.
SYSTEM_JARS = ["/usr/share/java/slf4j-api.jar", "/usr/share/java/slf4j-nop.jar", "/usr/share/java/lz4-java.jar"]


class JavaProducer:
    """benchmarks/java/TransactionBench.java, compiled once against kafka-clients 4.3.0, with
    the payloads in a file it reads."""

    def __init__(self, directory: str, payloads: list[bytes]):
        subprocess.run(["javac", "-nowarn", "-d", directory, "-cp", str(JARS / "kafka-clients-4.3.0.jar"),
                        str(JAVA_SOURCE)], check=True, timeout=120)
        self.classpath = os.pathsep.join([directory, str(JARS / "kafka-clients-4.3.0.jar"), *SYSTEM_JARS])
        self.payloads = f"{directory}/payloads.txt"
        with open(self.payloads, "wb") as file:
            file.write(b"\n".join(payloads) + b"\n")

    def produce(self, bootstrap: str, topic: str, count: int, every: int | None, warm: Callable[[], None]) -> float:
        """Seconds from the first record to the last acknowledgement; `warm` is called once the
        JVM is warm (WARM_UP of `count` records written to `topic`-warm-up the same way), just
        before the measured records."""
        # A file, not a pipe, for the errors: nobody reads them while the producer runs.
        with tempfile.TemporaryFile("w+") as errors:
            process = subprocess.Popen(["java", "-Djava.library.path=/usr/lib/x86_64-linux-gnu/jni", "-cp",
                                        self.classpath, "TransactionBench", bootstrap, topic, str(count),
                                        str(every or 0), self.payloads, str(count // WARM_UP)],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True)
            try:
                line = process.stdout.readline()
                if line.strip() == "warm":
                    warm()
                    process.stdin.write("\n")
                    process.stdin.flush()
                    line = process.stdout.readline()
                process.communicate(timeout=600)
            finally:
                if process.poll() is None:
                    process.kill()
            if process.returncode != 0 or not line.startswith("elapsed "):
                errors.seek(0)
                raise RuntimeError(f"Java producer failed: {errors.read()[-2000:]}")
        return float(line.split()[1])


def throughput(records: int, payloads: list[bytes], java: JavaProducer, run: int) -> dict:
    """[(MB/s, broker CPU s/GB)] per client and mode on one fresh broker, ROUNDS samples of each
    mode but transactions of 100 (one); the modes take turns at going first, which pays for the
    broker's warm-up."""
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        broker = Broker(directory).start()
        try:
            for client, round_ in ((client, round_) for client in CLIENTS for round_ in range(ROUNDS)):
                turn = (run + round_) % len(MODES)
                for name, every in MODES[turn:] + MODES[:turn]:
                    if name in SHARE and round_ > 0:
                        continue
                    topic = f"bench-{sum(len(samples) for samples in results.values())}"
                    count = records // SHARE.get(name, 1)
                    size = sum(len(payloads[i % len(payloads)]) for i in range(count))
                    create_topic(broker.bootstrap, topic)
                    cpu_before = []

                    def measure() -> None:
                        cpu_before.append(cpu_seconds(broker.process.pid))

                    if client == "librdkafka":
                        measure()
                        elapsed = produce(broker.bootstrap, topic, payloads, count, every)
                    else:
                        create_topic(broker.bootstrap, f"{topic}-warm-up")
                        elapsed = java.produce(broker.bootstrap, topic, count, every, measure)
                    cpu = cpu_seconds(broker.process.pid) - cpu_before[0]
                    results.setdefault((client, name), []).append((size / elapsed / 1e6, cpu / (size / 1e9)))
                    print(f"{client:10} {name:24} {size / elapsed / 1e6:7.1f} MB/s {cpu / (size / 1e9):6.2f} CPU s/GB",
                          file=sys.stderr)
        finally:
            broker.stop()
    return results


def paired_spread(runs: list[dict], client: str, name: str) -> str:
    """The middle half of the ratios of `name` to the idempotent row taken round by round: each
    round runs both modes on one broker within seconds of each other, so the spread shows how
    far one sample of the ratio lies from the next, which the medians above hide."""
    ratios = [transactional[1] / idempotent[1] - 1
              for run in runs
              for idempotent, transactional in zip(run[(client, "idempotent")], run[(client, name)])]
    low, _, high = statistics.quantiles(ratios, n=4)
    return f"{low * 100:+.0f} to {high * 100:+.0f} %"


def consume_latencies(bootstrap: str, topic: str, isolation: str, expected: int, out) -> None:
    """Receipt time minus the produce time each record carries, in ms, for `expected` records."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"latency-{isolation}",
                         "isolation.level": isolation, "enable.auto.commit": False, "fetch.wait.max.ms": 100})
    consumer.assign([TopicPartition(topic, partition, 0) for partition in range(PARTITIONS)])
    latencies = []
    deadline = time.time() + LATENCY_SECONDS + 60
    while len(latencies) < expected and time.time() < deadline:
        message = consumer.poll(0.5)
        if message is None or message.error():
            continue
        latencies.append((time.time_ns() - int(message.value()[:19])) / 1e6)
    consumer.close()
    out.put((isolation, latencies))


def latency() -> dict[str, tuple[float, float]]:
    """(p50, p99) ms per isolation level at RATE records/s in transactions of 10."""
    count = RATE * LATENCY_SECONDS
    with tempfile.TemporaryDirectory() as directory:
        broker = Broker(directory).start()
        try:
            create_topic(broker.bootstrap, "latency")
            out = multiprocessing.Queue()
            consumers = [multiprocessing.Process(target=consume_latencies,
                                                 args=(broker.bootstrap, "latency", isolation, count, out))
                         for isolation in ("read_committed", "read_uncommitted")]
            for consumer in consumers:
                consumer.start()
            time.sleep(3)  # both consumers assigned and fetching
            producer = Producer(producer_config(broker.bootstrap, "latency") | {"linger.ms": 0})
            producer.init_transactions(30)
            start = time.perf_counter()
            for index in range(count):
                if index % 10 == 0:
                    producer.begin_transaction()
                producer.produce("latency", str(time.time_ns()).encode() + b" " * 196, partition=index % PARTITIONS)
                if index % 10 == 9:
                    producer.commit_transaction(30)
                # Paced from the start, so a slow commit does not lower the rate.
                pause = start + (index + 1) / RATE - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            results = dict(out.get(timeout=120) for _ in consumers)
            for consumer in consumers:
                consumer.join(30)
        finally:
            broker.stop()
    summary = {}
    for isolation, values in results.items():
        if len(values) < count:
            raise RuntimeError(f"{isolation} consumer received {len(values)} of {count} records")
        values.sort()
        summary[isolation] = (statistics.median(values), values[int(len(values) * 0.99)])
        print(f"{isolation:17} p50 {summary[isolation][0]:6.2f} ms p99 {summary[isolation][1]:6.2f} ms",
              file=sys.stderr)
    return summary


def api_versions_frame(correlation_id: int) -> bytes:
    """An ApiVersions v0 request, the smallest request a broker answers."""
    client_id = b"wake-bench"
    body = struct.pack(">hhih", 18, 0, correlation_id, len(client_id)) + client_id
    return struct.pack(">i", len(body)) + body


def read_exactly(connection: socket.socket, count: int) -> bytes:
    """`count` bytes from `connection`, however many reads they take."""
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise RuntimeError("the broker closed the connection")
        data += chunk
    return data


def wake_costs(requests: int = 1_000) -> dict[int, float]:
    """The broker's CPU µs per ApiVersions round trip after each of WAKE_GAPS_MS of idleness."""
    with tempfile.TemporaryDirectory() as directory:
        broker = Broker(directory).start()
        try:
            with socket.create_connection(("127.0.0.1", broker.port), timeout=10) as connection:
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

                def round_trip(number: int) -> None:
                    connection.sendall(api_versions_frame(number))
                    size = struct.unpack(">i", read_exactly(connection, 4))[0]
                    read_exactly(connection, size)

                for number in range(100):  # the connection and the code paths warmed
                    round_trip(number)
                costs = {}
                for gap in WAKE_GAPS_MS:
                    before = cpu_seconds(broker.process.pid)
                    for number in range(requests):
                        round_trip(number)
                        if gap:
                            time.sleep(gap / 1000)
                    costs[gap] = (cpu_seconds(broker.process.pid) - before) / requests * 1e6
                    print(f"ApiVersions after {gap} ms idle: {costs[gap]:6.1f} µs of broker CPU", file=sys.stderr)
                return costs
        finally:
            broker.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = random.Random(7)
    payloads = [order_record(rng, number) for number in range(4096)]
    with tempfile.TemporaryDirectory() as classes:
        java = JavaProducer(classes, payloads)
        runs = [throughput(args.records, payloads, java, run) for run in range(args.runs)]
    latencies = [latency() for _ in range(args.runs)]
    wakes = [wake_costs() for _ in range(args.runs)]
    print()
    print(f"Medians of {args.runs} runs, each on a fresh broker, {ROUNDS} samples per run of each mode but"
          f" transactions of 100 ({args.records:,} records of 215 B, lz4, acks=all;"
          f" {args.records // SHARE['transactions of 100']:,} in transactions of 100):")
    print()
    print("| producer | mode | MB/s | broker CPU s/GB | CPU vs idempotent | CPU vs flushed | middle half of rounds |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for client in CLIENTS:
        samples = {name: [sample for run in runs for sample in run[(client, name)]] for name, _ in MODES}
        cpus = {name: statistics.median(cpu for _, cpu in samples[name]) for name, _ in MODES}
        for name, _ in MODES:
            rate = statistics.median(rate for rate, _ in samples[name])
            cpu = cpus[name]
            versus_base = "" if name == "idempotent" else f"{(cpu / cpus['idempotent'] - 1) * 100:+.0f} %"
            versus_flushed = f"{(cpu / cpus[FLUSHED[name]] - 1) * 100:+.0f} %" if name in FLUSHED else ""
            spread = paired_spread(runs, client, name) if name in FLUSHED else ""
            print(f"| {client} | {name} | {rate:.1f} | {cpu:.2f} | {versus_base} | {versus_flushed} | {spread} |")
    print()
    print(f"Produce to consume at {RATE:,} records/s, a commit every 10 records (medians of {args.runs} runs):")
    print()
    print("| consumer | p50 ms | p99 ms |")
    print("|---|---:|---:|")
    for isolation in ("read_committed", "read_uncommitted"):
        p50 = statistics.median(run[isolation][0] for run in latencies)
        p99 = statistics.median(run[isolation][1] for run in latencies)
        print(f"| {isolation} | {p50:.2f} | {p99:.2f} |")
    print()
    print(f"Broker CPU per ApiVersions round trip on one connection (medians of {args.runs} runs):")
    print()
    print("| before each request | broker CPU µs |")
    print("|---|---:|")
    for gap in WAKE_GAPS_MS:
        before = "nothing (back to back)" if gap == 0 else f"{gap} ms idle"
        print(f"| {before} | {statistics.median(run[gap] for run in wakes):.1f} |")


if __name__ == "__main__":
    main()
