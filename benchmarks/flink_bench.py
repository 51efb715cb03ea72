"""The Flink example against the built-in analyzer, over the same pre-filled topic.

A fresh broker gets N orders from `aseed simulate --flood` (lz4, a seed, 1.2 million customers
as in analyzer_bench.py). Then, alternating, each run times:

- examples/flink/orders_job.py --bounded (PyFlink 2.0, local MiniCluster, --parallelism P):
  wall time of the whole process (JVM start and planning included) and, from its log, the
  time from job submission to the end; CPU seconds of its process group (client, Java runtime,
  Python workers) sampled from /proc every 0.2 s;
- `aseed analyze --exit-at-end` with a fresh data directory: wall time and CPU seconds.

Both read the same records and must count the same orders. orders/s is N over the wall time;
orders/s per core is N over the CPU seconds. Prints the medians of --runs runs and a table row
for examples/flink/README.md. Needs examples/flink/setup.sh done first.

Usage: python benchmarks/flink_bench.py [--runs 3] [--orders 300000] [--parallelism 2]
       [--python-mode thread|process]
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from simulator_bench import ASEED, AseedBroker  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(REPO, "examples", "flink")
VENV = os.environ.get("ASEED_FLINK_VENV", os.path.join(EXAMPLE, ".venv"))
TICK = os.sysconf("SC_CLK_TCK")


def group_cpu(pgid: int, seen: dict) -> None:
    """Updates `seen` (pid -> CPU seconds) with every live process of the group."""
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, pgrp (field 5), ...; utime and stime are fields 14, 15.
        if int(fields[2]) == pgid:
            seen[int(name)] = (int(fields[11]) + int(fields[12])) / TICK


def flink_run(bootstrap, orders, parallelism, python_mode, work):
    result = os.path.join(work, "flink-result.json")
    log_path = os.path.join(work, "flink-job.log")
    command = [os.path.join(VENV, "bin", "python"), os.path.join(EXAMPLE, "orders_job.py"),
               "--bootstrap-servers", bootstrap, "--bounded", "--parallelism", str(parallelism),
               "--python-mode", python_mode,
               "--result-json", result, "--checkpoint-dir", os.path.join(work, "checkpoints"),
               "--flink-log-dir", os.path.join(work, "flink-log"), "--output-topic", f"bench-windows-{time.time_ns()}",
               "--transactional-id-prefix", f"bench-{time.time_ns()}"]
    start = time.perf_counter()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
    cpu: dict[int, float] = {}
    while process.poll() is None:
        group_cpu(process.pid, cpu)
        time.sleep(0.2)
    elapsed = time.perf_counter() - start
    text = open(log_path, errors="replace").read()
    if process.returncode != 0:
        raise RuntimeError(f"the Flink job exited with {process.returncode}:\n{text[-3000:]}")
    job_seconds = float(re.search(r"finished after ([\d.]+) s", text).group(1))
    counted = json.load(open(result))["totals"]["orders"]
    return {"seconds": elapsed, "job_seconds": job_seconds, "cpu_seconds": sum(cpu.values()), "orders": counted}


def analyzer_run(bootstrap, work):
    data = os.path.join(work, "analyzer")
    start = time.perf_counter()
    process = subprocess.Popen([ASEED, "analyze", "--bootstrap-servers", bootstrap, "--exit-at-end",
                                "--data-dir", f"{data}/data", "--log-dir", f"{data}/logs"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"aseed analyze exited with status {status}")
    counted = json.loads(output)["totals"]["orders"]
    shutil.rmtree(data, ignore_errors=True)
    return {"seconds": elapsed, "cpu_seconds": usage.ru_utime + usage.ru_stime, "orders": counted}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--orders", type=int, default=300_000)
    parser.add_argument("--parallelism", type=int, default=2)
    parser.add_argument("--python-mode", choices=("thread", "process"), default="thread")
    args = parser.parse_args()
    if not os.path.exists(os.path.join(VENV, "bin", "python")):
        sys.exit(f"no virtualenv at {VENV}: run examples/flink/setup.sh first")

    broker = AseedBroker()
    work = tempfile.mkdtemp(prefix="flink-bench-")
    flink, analyzer = [], []
    try:
        filler = subprocess.run(
            [ASEED, "simulate", "--bootstrap-servers", broker.bootstrap, "--log-dir", work, "--seed", "7",
             "--flood", "--count", str(args.orders), "--customers", "1200000"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900)
        if filler.returncode != 0:
            raise RuntimeError("the simulator failed to fill the topic")
        for run in range(args.runs):
            flink.append(flink_run(broker.bootstrap, args.orders, args.parallelism, args.python_mode, work))
            print(f"run {run + 1} flink: {flink[-1]}", file=sys.stderr)
            analyzer.append(analyzer_run(broker.bootstrap, work))
            print(f"run {run + 1} aseed analyze: {analyzer[-1]}", file=sys.stderr)
            if flink[-1]["orders"] != analyzer[-1]["orders"]:
                raise RuntimeError(f"Flink counted {flink[-1]['orders']} orders, the analyzer {analyzer[-1]['orders']}")
    finally:
        broker.stop()
        shutil.rmtree(work, ignore_errors=True)

    def median(runs, key):
        return statistics.median(r[key] for r in runs)

    n = args.orders
    rows = [
        (f"Flink job, parallelism {args.parallelism}, Python {args.python_mode} mode (whole process)", median(flink, "seconds"), median(flink, "cpu_seconds")),
        (f"Flink job, parallelism {args.parallelism} (submission to end)", median(flink, "job_seconds"), None),
        ("aseed analyze --exit-at-end", median(analyzer, "seconds"), median(analyzer, "cpu_seconds")),
    ]
    print()
    print(f"{n:,} pre-filled orders, medians of {args.runs} runs on this machine ({os.cpu_count()} cores):")
    print()
    print("| analyzer | wall s | orders/s | CPU s | orders/s per core |")
    print("|---|---:|---:|---:|---:|")
    for name, seconds, cpu in rows:
        per_core = f"{n / cpu:,.0f}" if cpu else "-"
        cpu_text = f"{cpu:.1f}" if cpu else "-"
        print(f"| {name} | {seconds:.1f} | {n / seconds:,.0f} | {cpu_text} | {per_core} |")


if __name__ == "__main__":
    main()
