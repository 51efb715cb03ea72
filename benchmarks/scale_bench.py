"""How the broker scales with the partitions it holds: 10, 1,000 and 10,000 partitions, each
given one record, on a fresh broker per size. For each size: the time to create them, the
broker's RSS once they are written, the time until it answers again after a clean stop and
after `kill -9` (medians of 3), then, restarted, its idle CPU, open files and the latency of a
Metadata request for every topic (median of 20). Targets: restart after `kill -9` under 5 s, RSS
under 200 MB at 10,000 partitions.

`make bench` runs it with ASEED_BIN set to the release binary.
Usage: python benchmarks/scale_bench.py [--sizes 10,1000,10000]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient

from reliability_bench import Broker, cpu_ticks, create_topics, rss_mb

TOPIC_WIDTH = 1_000


def topics_for(partitions: int) -> dict[str, int]:
    """Topics of at most 1,000 partitions that add up to `partitions`."""
    topics = {}
    while partitions > 0:
        width = min(TOPIC_WIDTH, partitions)
        topics[f"scale-{len(topics)}"] = width
        partitions -= width
    return topics


def fill(bootstrap: str, topics: dict[str, int]) -> None:
    """One record in every partition, so that each has a segment to open and recover."""
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 50, "acks": "all"})
    for topic, width in topics.items():
        for partition in range(width):
            producer.produce(topic, b"x" * 100, partition=partition)
            producer.poll(0)
    if producer.flush(120) != 0:
        sys.exit("records were not acknowledged")


def metadata_ms(bootstrap: str, runs: int = 20) -> float:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.list_topics(timeout=60)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        admin.list_topics(timeout=60)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def answering(broker: Broker) -> None:
    """Waits until the broker answers a Metadata request (it listens once its logs are open)."""
    AdminClient({"bootstrap.servers": broker.bootstrap}).list_topics(timeout=120)


def restart_seconds(broker: Broker, unclean: bool) -> float:
    if unclean:
        broker.kill()
    else:
        broker.stop()
    started = time.monotonic()
    broker.start()
    answering(broker)
    return time.monotonic() - started


def idle_cpu_percent(pid: int, seconds: float = 10) -> float:
    before = cpu_ticks(pid)
    time.sleep(seconds)
    return (cpu_ticks(pid) - before) / os.sysconf("SC_CLK_TCK") / seconds * 100


def open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def measure(partitions: int) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        broker = Broker(directory).start()
        topics = topics_for(partitions)
        started = time.monotonic()
        create_topics(broker.bootstrap, topics)
        created = time.monotonic() - started
        fill(broker.bootstrap, topics)
        time.sleep(3)
        rss = rss_mb(broker.process.pid)
        # Clean restarts first (a clean stop flushes every partition), then kill -9 of the
        # broker holding them; the last one started is measured idle.
        clean = statistics.median(restart_seconds(broker, unclean=False) for _ in range(3))
        killed = statistics.median(restart_seconds(broker, unclean=True) for _ in range(3))
        time.sleep(5)
        figures = {
            "partitions": partitions,
            "create_s": created,
            "rss_mb": rss,
            "clean_restart_s": clean,
            "kill_restart_s": killed,
            "idle_cpu": idle_cpu_percent(broker.process.pid),
            "open_files": open_files(broker.process.pid),
            "metadata_ms": metadata_ms(broker.bootstrap),
        }
        broker.stop()
        print(f"{partitions:,} partitions: {figures}", file=sys.stderr)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,10000")
    args = parser.parse_args()
    results = [measure(int(size)) for size in args.sizes.split(",")]
    print("\n| partitions | create | RSS | restart after a clean stop | restart after `kill -9` | idle CPU "
          "| open files | Metadata (all topics) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['partitions']:,} | {r['create_s']:.2f} s | {r['rss_mb']:.1f} MB | {r['clean_restart_s']:.2f} s "
              f"| {r['kill_restart_s']:.2f} s | {r['idle_cpu']:.2f} % | {r['open_files']:,} "
              f"| {r['metadata_ms']:.1f} ms |")


if __name__ == "__main__":
    main()
