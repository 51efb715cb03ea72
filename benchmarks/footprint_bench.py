"""Footprint of the appliance against issue 6's targets: the .deb's size, the idle RSS of
`aseed run` after 10 s, the time from start to ready (every listening port accepts
connections) and the size of the container image archive.

`make bench` runs it with ASEED_BIN (the release binary), ASEED_DEB and ASEED_IMAGE set. Each
`aseed run` gets a fresh data and log directory and free ports; the simulator runs at its
default pace (one order every 3-8 s) and the analyzer reads it, as in a classroom.
"""
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ASEED_BIN = os.environ.get("ASEED_BIN", ".build/release/aseed")
READY_RUNS = 5
IDLE_SECONDS = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def start(directory: pathlib.Path) -> tuple[subprocess.Popen, list[int], float]:
    kafka_port, dashboard_port = free_port(), free_port()
    ports = [kafka_port, dashboard_port]
    command = [ASEED_BIN, "run", "--data-dir", str(directory / "data"), "--log-dir", str(directory / "logs"),
               "--kafka-listen", f"127.0.0.1:{kafka_port}", "--kafka-advertise", f"127.0.0.1:{kafka_port}",
               "--dashboard-listen", f"127.0.0.1:{dashboard_port}"]
    started = time.monotonic()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=open(directory / "stderr.txt", "wb"))
    return process, ports, started


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def ready_seconds() -> float:
    with tempfile.TemporaryDirectory() as temporary:
        process, ports, started = start(pathlib.Path(temporary))
        try:
            waiting = list(ports)
            while waiting:
                if process.poll() is not None:
                    sys.exit(f"aseed run exited with {process.returncode} before it was ready:\n"
                             + (pathlib.Path(temporary) / "stderr.txt").read_text())
                if time.monotonic() - started > 30:
                    sys.exit(f"aseed run was not ready within 30 s (ports {waiting} do not accept)")
                waiting = [port for port in waiting if not accepts(port)]
                if waiting:
                    time.sleep(0.002)
            return time.monotonic() - started
        finally:
            stop(process)


def idle_rss_mb() -> float:
    with tempfile.TemporaryDirectory() as temporary:
        process, _, _ = start(pathlib.Path(temporary))
        try:
            time.sleep(IDLE_SECONDS)
            if process.poll() is not None:
                sys.exit(f"aseed run exited with {process.returncode} while idle")
            for line in pathlib.Path(f"/proc/{process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
            raise RuntimeError("no VmRSS")
        finally:
            stop(process)


def size_mb(variable: str) -> float | None:
    path = os.environ.get(variable)
    if not path or not os.path.exists(path):
        return None
    return os.path.getsize(path) / 1e6


def row(what: str, value: float | None, unit: str, target: float, note: str = "") -> str:
    if value is None:
        return f"| {what} | not built | < {target:g} {unit} | |"
    verdict = "yes" if value < target else "NO"
    return f"| {what} | {value:.{3 if unit == 's' else 1}f} {unit} | < {target:g} {unit} | {verdict}{note} |"


def main() -> None:
    ready = [ready_seconds() for _ in range(READY_RUNS)]
    rss = idle_rss_mb()
    print(f"\nFootprint of {ASEED_BIN} (aseed run: broker, simulator at its default pace, analyzer, dashboard):\n")
    print("| measure | value | target | met |")
    print("|---|---:|---:|---|")
    print(row(".deb size", size_mb("ASEED_DEB"), "MB", 25))
    print(row(f"idle RSS of aseed run after {IDLE_SECONDS} s", rss, "MB", 80))
    print(row(f"start to ready (Kafka and dashboard ports), median of {READY_RUNS}", statistics.median(ready), "s", 1,
              f" (max {max(ready):.3f} s)"))
    print(row("container image archive (compressed layer)", size_mb("ASEED_IMAGE"), "MB", 100))


if __name__ == "__main__":
    main()
