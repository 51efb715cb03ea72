"""Dashboard benchmark, against `aseed run --no-simulator` fed by `aseed simulate --rate 10000`.

1. HTTP: wrk, 200 connections for --seconds, `GET /api/dashboard_data`: requests/s and p99.
2. Push: --clients WebSocket clients connected for --seconds; for each `snapshot_update` a
   client receives, the delay from the snapshot's `generated_at` to its receipt. Reports the
   p50/p99 delivery delay over all clients, the messages the hub dropped for slow clients, and
   the appliance's peak RSS (sampled each second from /proc). Goals: p99 < 300 ms, RSS < 300 MB.

Everything runs on this machine's loopback; the clients, wrk and the appliance share its cores.
Usage: python benchmarks/dashboard_bench.py [--clients N] [--seconds S] [--rate R]
"""
import argparse
import asyncio
import datetime
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from websockets.asyncio.client import connect

sys.path.insert(0, os.path.dirname(__file__))
from broker_bench import free_port, wait_for_port  # noqa: E402

ASEED = os.environ.get("ASEED_BIN", ".build/release/aseed")
GENERATED_AT = re.compile(rb'"generated_at":"([^"]+)"')


class Appliance:
    def __init__(self, rate):
        self.dir = tempfile.mkdtemp(prefix="dashboard-bench-")
        self.kafka = free_port()
        self.port = free_port()
        bootstrap = f"127.0.0.1:{self.kafka}"
        self.process = subprocess.Popen(
            [ASEED, "run", "--no-simulator", "--data-dir", f"{self.dir}/data", "--log-dir", f"{self.dir}/logs",
             "--kafka-listen", bootstrap, "--kafka-advertise", bootstrap, "--dashboard-listen", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.process)
        self.simulator = subprocess.Popen(
            [ASEED, "simulate", "--bootstrap-servers", bootstrap, "--log-dir", f"{self.dir}/logs", "--rate", str(rate)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"

    def rss_bytes(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def metric(self, name):
        text = urllib.request.urlopen(self.url + "/metrics", timeout=10).read().decode()
        match = re.search(rf"^{name} (\S+)$", text, re.M)
        return float(match.group(1)) if match else 0.0

    def stop(self):
        for process in (self.simulator, self.process):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


def wrk(url, seconds):
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt install wrk (scripts/ensure-system-packages.sh test)")
    output = subprocess.run(["wrk", "-t2", "-c200", f"-d{seconds}s", "--latency", url],
                            capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    p99_ms = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, p99_ms, int(errors.group(1)) if errors else 0


def epoch(timestamp):
    return datetime.datetime.fromisoformat(timestamp.decode().replace("Z", "+00:00")).timestamp()


async def client(url, seconds, delays, ready):
    async with connect(url, max_size=None, open_timeout=60, ping_interval=None) as ws:
        ready.append(1)
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = await asyncio.wait_for(ws.recv(decode=False), timeout=left)
            except asyncio.TimeoutError:
                break
            received = time.time()
            # Only the head is read: the event name and generated_at come first.
            if message.startswith(b'{"event":"snapshot_update"'):
                match = GENERATED_AT.search(message, 0, 200)
                if match:
                    delays.append((received - epoch(match.group(1))) * 1000)


async def push(appliance, clients, seconds):
    delays, ready, rss = [], [], []
    url = f"ws://127.0.0.1:{appliance.port}/ws"

    async def sample():
        while True:
            rss.append(appliance.rss_bytes())
            await asyncio.sleep(1)

    sampler = asyncio.create_task(sample())
    tasks = []
    for _ in range(clients):
        tasks.append(asyncio.create_task(client(url, seconds, delays, ready)))
        await asyncio.sleep(0.002)
    await asyncio.gather(*tasks)
    sampler.cancel()
    return delays, len(ready), max(rss)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def one_run(args):
    """One fresh appliance: the HTTP figures, then the push figures."""
    appliance = Appliance(args.rate)
    try:
        time.sleep(5)
        rate, p99, errors = wrk(appliance.url + "/api/dashboard_data", args.seconds)
        delays, connected, peak = asyncio.run(push(appliance, args.clients, args.seconds))
        dropped = appliance.metric("aseed_websocket_dropped_messages_total")
    finally:
        appliance.stop()
    return {"rate": rate, "p99": p99, "errors": errors, "connected": connected, "deliveries": len(delays),
            "delivery_p50": percentile(delays, 0.5) if delays else float("nan"),
            "delivery_p99": percentile(delays, 0.99) if delays else float("nan"),
            "dropped": dropped, "peak_mb": peak / 1e6}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rate", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = []
    for index in range(args.runs):
        runs.append(one_run(args))
        print(f"run {index + 1}: {runs[-1]}", file=sys.stderr)

    def median(key):
        return statistics.median(run[key] for run in runs)

    print(f"\nDashboard benchmark ({args.rate} orders/s flowing), medians of {args.runs} runs")
    print(f"{'measure':<44} {'value':>12}  goal")
    print(f"{'GET /api/dashboard_data, 200 connections':<44} {median('rate'):>9.0f}/s")
    print(f"{'  p99 latency':<44} {median('p99'):>9.1f} ms")
    print(f"{'  non-2xx answers':<44} {median('errors'):>12.0f}")
    print(f"{'WebSocket clients connected':<44} {median('connected'):>12.0f}  {args.clients}")
    print(f"{'snapshot_update deliveries':<44} {median('deliveries'):>12.0f}")
    print(f"{'  delivery p50 (generated_at -> received)':<44} {median('delivery_p50'):>9.1f} ms")
    print(f"{'  delivery p99':<44} {median('delivery_p99'):>9.1f} ms  < 300 ms")
    print(f"{'messages dropped for slow clients':<44} {median('dropped'):>12.0f}")
    print(f"{'appliance peak RSS':<44} {median('peak_mb'):>9.1f} MB  < 300 MB")


if __name__ == "__main__":
    main()
