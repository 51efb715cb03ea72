"""The log cleaner's throughput: a compacted topic pre-filled with about 256 MB of LZ4 batches
(100,000 keys, each updated about ten times) is cleaned by a broker restarted with the cleaner
unthrottled. Reports MB of log processed (the size of the log the cleaning covered, as Kafka's
cleaner reports it; the key map's pass reads the dirty part once more) per second of cleaning and
the broker's CPU seconds per GB of log processed (target under 1 CPU s/GB), medians of 3 runs on
fresh brokers.

`make bench` runs it with ASEED_BIN set to the release binary.
Usage: python benchmarks/cleaner_bench.py [--megabytes 256] [--runs 3]
"""
import argparse
import os
import re
import statistics
import sys
import tempfile
import time

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from reliability_bench import Broker, cpu_ticks

KEYS = 100_000
VALUE_BYTES = 256
CLEANED = re.compile(r"compacted (\d+) bytes of log \((\d+) mapped\), (\d+) written, (\d+) reclaimed, (\d+) records removed in (\d+) ms")


def fill(bootstrap: str, topic: str, megabytes: int) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    configs = {"cleanup.policy": "compact", "segment.bytes": str(32 * 1024 * 1024)}
    admin.create_topics([NewTopic(topic, 1, 1, config=configs)])[topic].result(timeout=60)
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20, "compression.type": "lz4",
                         "batch.size": 1_000_000, "queue.buffering.max.kbytes": 512 * 1024})
    # A pool larger than LZ4's 64 KiB window, so the stored log is about as large as written.
    values = [os.urandom(VALUE_BYTES // 2).hex().encode() for _ in range(4096)]
    for index in range(megabytes * 1024 * 1024 // (VALUE_BYTES + 16)):
        value = values[index % len(values)]
        while True:
            try:
                producer.produce(topic, key=b"key-%06d" % (index % KEYS), value=value, partition=0)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    if producer.flush(300) != 0:
        sys.exit("records were not acknowledged")


def cleanings(log_path: str) -> list[tuple[int, int]]:
    """(bytes of log processed, milliseconds) of every cleaning the broker logged."""
    with open(log_path, errors="replace") as file:
        return [(int(m[1]), int(m[6])) for m in CLEANED.finditer(file.read())]


def run(megabytes: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as directory:
        broker = Broker(directory, extra=("--log-cleaner-interval-ms", "3600000")).start()
        fill(broker.bootstrap, "compacted", megabytes)
        broker.stop()
        broker.extra = ["--log-cleaner-interval-ms", "200", "--log-cleaner-io-bytes-per-second", "0"]
        broker.start()
        log_path = f"{directory}/logs/broker.log"
        ticks_before = cpu_ticks(broker.process.pid)
        # Done when a cleaning was logged and no other followed for 5 s.
        quiet_since, count, deadline = time.monotonic(), 0, time.monotonic() + 900
        while (count == 0 or time.monotonic() - quiet_since < 5) and time.monotonic() < deadline:
            time.sleep(0.5)
            if len(cleanings(log_path)) != count:
                count, quiet_since = len(cleanings(log_path)), time.monotonic()
        cpu_seconds = (cpu_ticks(broker.process.pid) - ticks_before) / os.sysconf("SC_CLK_TCK")
        broker.stop()
        done = cleanings(log_path)
        if not done:
            sys.exit("the cleaner logged no cleaning")
        read = sum(bytes_read for bytes_read, _ in done)
        seconds = sum(ms for _, ms in done) / 1000
        # The idle broker's own CPU over the 5 quiet seconds is counted too: a slight overstatement.
        return read / 1e6 / seconds, cpu_seconds / (read / 1e9), read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [run(args.megabytes) for _ in range(args.runs)]
    for rate, cpu, read in results:
        print(f"cleaned {read / 1e6:.0f} MB at {rate:.1f} MB/s, {cpu:.2f} CPU s/GB", file=sys.stderr)
    print("\n| measure | aseed | target |\n|---|---:|---:|")
    print(f"| log cleaner, MB of log processed per second (unthrottled) | {statistics.median(r[0] for r in results):.1f} | |")
    print(f"| log cleaner, broker CPU s per GB of log processed | {statistics.median(r[1] for r in results):.2f} | < 1 |")


if __name__ == "__main__":
    main()
