"""Analyzer benchmark.

1. Throughput: a topic pre-filled by `aseed simulate --flood` (lz4, 1.2 million customers, so
   about a million distinct ones), then `aseed analyze --exit-at-end` pinned to one core
   (`taskset`), the broker on the other: orders/s from start to the final checkpoint
   (decode + aggregate + checkpoint), CPU seconds, peak RSS.
2. Latency: `aseed simulate --rate 10000` into a broker while `aseed analyze` runs; the
   analyzer logs event time -> published snapshot percentiles over the last 10 s; the last
   report of each run is taken, with the 1 s default trigger and with a 100 ms trigger.

Medians of --runs runs. Usage: python benchmarks/analyzer_bench.py [--runs N] [--orders N]
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from simulator_bench import ASEED, AseedBroker  # noqa: E402


def simulate(bootstrap, log_dir, *args):
    return subprocess.Popen(
        [ASEED, "simulate", "--bootstrap-servers", bootstrap, "--log-dir", log_dir, "--seed", "7", *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def analyze_command(bootstrap, work, *args):
    return [ASEED, "analyze", "--bootstrap-servers", bootstrap, "--data-dir", f"{work}/data",
            "--log-dir", f"{work}/logs", *args]


def throughput_run(orders):
    broker = AseedBroker()
    work = tempfile.mkdtemp(prefix="analyzer-bench-")
    try:
        pin(broker.process.pid, "0")
        filler = simulate(broker.bootstrap, work, "--flood", "--count", str(orders), "--customers", "1200000")
        if filler.wait(timeout=900) != 0:
            raise RuntimeError("the simulator failed to fill the topic")
        start = time.perf_counter()
        process = subprocess.Popen(
            ["taskset", "-c", "1", *analyze_command(broker.bootstrap, work, "--exit-at-end")],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if status != 0:
            raise RuntimeError(f"aseed analyze exited with status {status}")
        snapshot = json.loads(output)
        counted = snapshot["pipeline"]["records_in"]
        if counted != orders:
            raise RuntimeError(f"the analyzer read {counted} of {orders} records")
        return {
            "orders_per_second": orders / elapsed,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024,
            "customers": snapshot["totals"]["unique_customers"],
        }
    finally:
        broker.stop()
        shutil.rmtree(work, ignore_errors=True)


def pin(pid, cores):
    subprocess.run(["taskset", "-a", "-p", "-c", cores, str(pid)], check=True, stdout=subprocess.DEVNULL)


REPORT = re.compile(r"latency p50 ([\d.]+) ms p99 ([\d.]+) ms")


def latency_run(trigger_ms, seconds):
    broker = AseedBroker()
    work = tempfile.mkdtemp(prefix="analyzer-latency-")
    try:
        analyzer = subprocess.Popen(analyze_command(broker.bootstrap, work, "--trigger-ms", str(trigger_ms)),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        producer = simulate(broker.bootstrap, work, "--rate", "10000")
        time.sleep(seconds)
        for process in (producer, analyzer):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        reports = REPORT.findall(open(f"{work}/logs/analyzer.log").read())
        # The final report (at shutdown) covers the last 10 s of steady production.
        p50, p99 = reports[-1]
        return float(p50), float(p99)
    finally:
        broker.stop()
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--orders", type=int, default=6_000_000)
    parser.add_argument("--latency-seconds", type=int, default=35)
    args = parser.parse_args()
    runs = []
    for run in range(args.runs):
        runs.append(throughput_run(args.orders))
        print(f"run {run + 1} throughput: {runs[-1]}", file=sys.stderr)
    latencies = {1000: [], 100: []}
    for run in range(args.runs):
        for trigger in latencies:
            latencies[trigger].append(latency_run(trigger, args.latency_seconds))
            print(f"run {run + 1} trigger {trigger} ms: p50/p99 {latencies[trigger][-1]} ms", file=sys.stderr)
    print()
    print(f"Analyzer, medians of {args.runs} runs on this machine:")
    print()
    print("| measure | value | target |")
    print("|---|---:|---:|")
    print(f"| orders/s, one core, {args.orders:,} pre-filled orders | "
          f"{statistics.median(r['orders_per_second'] for r in runs):,.0f} | >= 500,000 |")
    print(f"| CPU seconds for them | {statistics.median(r['cpu_seconds'] for r in runs):.2f} | |")
    print(f"| distinct customers | {statistics.median(r['customers'] for r in runs):,.0f} | >= 1,000,000 |")
    print(f"| peak RSS | {statistics.median(r['peak_rss_mb'] for r in runs):.1f} MB | < 200 MB |")
    for trigger, target in ((1000, 1500), (100, 250)):
        p50 = statistics.median(p for p, _ in latencies[trigger])
        p99 = statistics.median(p for _, p in latencies[trigger])
        print(f"| latency at 10,000 orders/s, trigger {trigger} ms: p50 / p99 | {p50:.0f} / {p99:.0f} ms | p99 < {target} ms |")


if __name__ == "__main__":
    main()
