"""Reliability figures of the broker and the appliance, against the reliability targets:

- acknowledged records lost over 10 `kill -9` cycles under full idempotent load (target 0);
- request frames fuzzed (valid requests with bytes flipped, cut or grown) without a crash;
- partitions held under a 1,024 open-file limit (target 10,000), with a restart;
- idle CPU of the broker holding them (target under 1 % of a core);
- RSS under a flood of 200 connections each sending 2 MiB of a larger request (target < 300 MB);
- time for `aseed run` to stop on SIGTERM with 100 clients attached (target under 5 s), median of 5.

`make bench` runs it with ASEED_BIN set to the release binary. Every broker gets fresh
directories and free ports. Usage: python benchmarks/reliability_bench.py [--cycles N]
"""
import argparse
import contextlib
import os
import random
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

ASEED_BIN = os.environ.get("ASEED_BIN", ".build/release/aseed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"aseed exited with {process.returncode} before it listened")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listened on {port} within {timeout} s")


class Broker:
    """`aseed broker` on a fixed port and data directory, restartable; optionally under a
    file limit (prlimit)."""

    def __init__(self, directory: str, file_limit: int | None = None, extra: tuple = ()):
        self.directory = directory
        self.port = free_port()
        self.file_limit = file_limit
        self.extra = list(extra)
        self.process: subprocess.Popen | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> "Broker":
        command = [ASEED_BIN, "broker", "--data-dir", f"{self.directory}/data", "--log-dir", f"{self.directory}/logs",
                   "--kafka-listen", self.bootstrap, "--kafka-advertise", self.bootstrap, *self.extra]
        if self.file_limit:
            command = ["prlimit", f"--nofile={self.file_limit}:{self.file_limit}", "--", *command]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=open(f"{self.directory}/stderr.txt", "ab"))
        wait_for_port(self.port, self.process)
        return self

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def stop(self) -> int:
        self.process.terminate()
        return self.process.wait(60)

    def alive(self) -> bool:
        return self.process.poll() is None


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def create_topics(bootstrap: str, topics: dict[str, int]) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(n, num_partitions=p, replication_factor=1) for n, p in topics.items()],
                                  operation_timeout=120, request_timeout=180)
    for future in futures.values():
        future.result(timeout=300)


# ------------------------------------------------------------------- kill -9 under load

def kill_cycles(cycles: int) -> tuple[int, int]:
    """Acknowledged records, and how many of them are missing after `cycles` kill -9s."""
    with tempfile.TemporaryDirectory() as directory:
        broker = Broker(directory).start()
        create_topics(broker.bootstrap, {"load": 3})
        acked: set[bytes] = set()
        stop = threading.Event()

        def produce() -> None:
            producer = Producer({"bootstrap.servers": broker.bootstrap, "enable.idempotence": True, "acks": "all",
                                 "linger.ms": 5, "message.timeout.ms": 300000, "reconnect.backoff.max.ms": 200})

            def report(error, message) -> None:
                if error is None:
                    acked.add(message.value())

            number = 0
            while not stop.is_set():
                try:
                    producer.produce("load", value=b"record-%09d" % number, on_delivery=report)
                    number += 1
                except BufferError:
                    producer.poll(0.05)
                producer.poll(0)
            producer.flush(120)

        thread = threading.Thread(target=produce)
        thread.start()
        for cycle in range(cycles):
            time.sleep(2.0)
            broker.kill()
            broker.start()
            print(f"kill -9 cycle {cycle + 1}: {len(acked):,} acknowledged so far", file=sys.stderr)
        time.sleep(2.0)
        stop.set()
        thread.join()
        found: set[bytes] = set()
        consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "check", "enable.auto.commit": False})
        highs = [consumer.get_watermark_offsets(TopicPartition("load", p), timeout=30)[1] for p in range(3)]
        consumer.assign([TopicPartition("load", p, 0) for p in range(3)])
        positions = [0, 0, 0]
        while any(positions[p] < highs[p] for p in range(3)):
            message = consumer.poll(1.0)
            if message is None or message.error():
                continue
            found.add(message.value())
            positions[message.partition()] = message.offset() + 1
        consumer.close()
        broker.stop()
        return len(acked), len(acked - found)


# ------------------------------------------------------------------- fuzzed frames

def sample_requests() -> list[bytes]:
    """Valid requests (header and body) of the APIs clients use most, to mutate."""
    def string(value: str) -> bytes:
        return struct.pack(">h", len(value)) + value.encode()

    def header(key: int, version: int) -> bytes:
        return struct.pack(">hhi", key, version, 7) + string("fuzz")

    batch_body = (struct.pack(">ibi", 0, 2, 0) + struct.pack(">hiqqqhii", 0, 0, 0, 0, -1, -1, -1, 1)
                  + bytes([12, 0, 0, 0, 1, 2, 0x61, 0]))
    batch = struct.pack(">qi", 0, len(batch_body)) + batch_body
    return [
        header(18, 0),
        header(3, 1) + struct.pack(">i", 1) + string("fuzzed"),
        header(0, 3) + struct.pack(">hhi", -1, -1, 5000) + struct.pack(">i", 1) + string("fuzzed")
        + struct.pack(">iii", 1, 0, len(batch)) + batch,
        header(1, 4) + struct.pack(">iiiib", -1, 10, 1, 1 << 20, 0) + struct.pack(">i", 1) + string("fuzzed")
        + struct.pack(">iiqi", 1, 0, 0, 1 << 20),
        header(10, 1) + string("group") + struct.pack(">b", 0),
        header(19, 2) + struct.pack(">i", 1) + string("fuzz-topic") + struct.pack(">ihi", 1, 1, 0) + struct.pack(">ib", 1000, 0),
    ]


def mutate(request: bytes, rng: random.Random) -> bytes:
    data = bytearray(request)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        if choice < 0.5 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif choice < 0.7:
            del data[rng.randrange(len(data) + 1):]
        elif choice < 0.9:
            position = rng.randrange(len(data) + 1)
            data[position:position] = rng.randbytes(rng.randint(1, 16))
        elif len(data) >= 4:
            position = rng.randrange(len(data) - 1)
            data[position:position + 2] = rng.choice([b"\xff\xff", b"\x7f\xff", b"\x80\x00", b"\x00\x00"])
    return struct.pack(">i", len(data)) + bytes(data)


def fuzz(frames: int) -> int:
    """Sends `frames` mutated requests; returns how many were sent before the end (all of
    them unless the broker died, which ends the benchmark with an error)."""
    rng = random.Random(2026)
    requests = sample_requests()
    with tempfile.TemporaryDirectory() as directory:
        broker = Broker(directory).start()
        sent = 0
        while sent < frames:
            # 50 frames a connection, sent without waiting for answers (a fuzzed Fetch may
            # wait seconds, and answers come in order), then whatever came back is drained.
            try:
                with socket.create_connection(("127.0.0.1", broker.port), timeout=2) as connection:
                    for _ in range(50):
                        connection.sendall(mutate(rng.choice(requests), rng))
                        sent += 1
                    connection.shutdown(socket.SHUT_WR)
                    connection.settimeout(0.05)
                    while connection.recv(65536):
                        pass
            except OSError:
                pass  # the broker closed a connection whose frame it could not read: fine
            if not broker.alive():
                sys.exit(f"the broker died after {sent} fuzzed frames")
        alive = broker.alive()
        broker.stop()
        return sent if alive else 0


# ------------------------------------------------------------------- partitions and idle CPU

def many_partitions(target: int, file_limit: int) -> tuple[int, float, float]:
    """Partitions held under `file_limit`, the seconds a restart took, idle CPU % after it."""
    with tempfile.TemporaryDirectory() as directory:
        broker = Broker(directory, file_limit=file_limit).start()
        held = 3  # orders
        while held < target:
            chunk = min(1000, target - held)
            try:
                create_topics(broker.bootstrap, {f"wide-{held}": chunk})
            except Exception as error:
                print(f"creating partitions past {held}: {error}", file=sys.stderr)
                break
            held += chunk
            print(f"{held:,} partitions under a {file_limit}-file limit", file=sys.stderr)
        broker.stop()
        started = time.monotonic()
        broker.start()
        restart = time.monotonic() - started
        time.sleep(5)
        ticks_per_second = os.sysconf("SC_CLK_TCK")
        before = cpu_ticks(broker.process.pid)
        time.sleep(20)
        idle = (cpu_ticks(broker.process.pid) - before) / ticks_per_second / 20 * 100
        broker.stop()
        return held, restart, idle


# ------------------------------------------------------------------- partial-frame flood

def partial_frame_flood(connections: int, each: int) -> float:
    """Peak RSS (MB) of a broker while `connections` clients each announce a 4 MiB request and
    send `each` bytes of it."""
    with tempfile.TemporaryDirectory() as directory:
        broker = Broker(directory).start()
        sockets, peak = [], rss_mb(broker.process.pid)
        try:
            for _ in range(connections):
                connection = socket.create_connection(("127.0.0.1", broker.port), timeout=5)
                connection.setblocking(False)
                sockets.append([connection, struct.pack(">i", 4 << 20) + b"\0" * each])
            deadline = time.monotonic() + 30
            while any(rest for _, rest in sockets) and time.monotonic() < deadline:
                for entry in sockets:
                    if entry[1]:
                        try:
                            sent = entry[0].send(entry[1][:65536])
                            entry[1] = entry[1][sent:]
                        except (BlockingIOError, OSError):
                            pass
                peak = max(peak, rss_mb(broker.process.pid))
            for _ in range(20):
                peak = max(peak, rss_mb(broker.process.pid))
                time.sleep(0.1)
        finally:
            for connection, _ in sockets:
                connection.close()
        if not broker.alive():
            sys.exit("the broker died under the partial-frame flood")
        broker.stop()
        return peak


# ------------------------------------------------------------------- stop with clients attached

def stop_with_clients(clients: int) -> float:
    """Seconds from SIGTERM to exit of `aseed run` with `clients` connections attached: half
    idle Kafka connections, half WebSockets on the dashboard."""
    import websockets.sync.client as ws

    with tempfile.TemporaryDirectory() as directory:
        kafka, dashboard = free_port(), free_port()
        process = subprocess.Popen(
            [ASEED_BIN, "run", "--data-dir", f"{directory}/data", "--log-dir", f"{directory}/logs",
             "--kafka-listen", f"127.0.0.1:{kafka}", "--kafka-advertise", f"127.0.0.1:{kafka}",
             "--dashboard-listen", f"127.0.0.1:{dashboard}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(f"{directory}/stderr.txt", "wb"))
        wait_for_port(kafka, process)
        wait_for_port(dashboard, process)
        with contextlib.ExitStack() as stack:
            for _ in range(clients // 2):
                stack.enter_context(socket.create_connection(("127.0.0.1", kafka)))
            for _ in range(clients - clients // 2):
                stack.enter_context(ws.connect(f"ws://127.0.0.1:{dashboard}/ws", open_timeout=10))
            time.sleep(1)
            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                sys.exit("aseed run did not stop within 60 s of SIGTERM")
            elapsed = time.monotonic() - started
            stack.pop_all()  # the appliance closed them; closing again would only raise
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--frames", type=int, default=50_000)
    parser.add_argument("--partitions", type=int, default=10_000)
    args = parser.parse_args()

    acked, lost = kill_cycles(args.cycles)
    fuzzed = fuzz(args.frames)
    held, restart, idle = many_partitions(args.partitions, 1024)
    flood = partial_frame_flood(200, 2 << 20)
    stops = [stop_with_clients(100) for _ in range(5)]

    print()
    print("| measure | aseed | target |")
    print("|---|---|---|")
    print(f"| acknowledged records lost over {args.cycles} `kill -9` cycles under idempotent load | "
          f"{lost} of {acked:,} | 0 |")
    print(f"| request frames fuzzed without a crash | {fuzzed:,} | all |")
    print(f"| partitions held under a 1,024 open-file limit (restart took {restart:.1f} s) | {held:,} | 10,000 |")
    print(f"| idle CPU of the broker at {held:,} partitions | {idle:.2f} % of a core | < 1 % |")
    print(f"| peak RSS, 200 connections each sending 2 MiB of a 4 MiB request | {flood:.1f} MB | < 300 MB |")
    print(f"| `aseed run` stop on SIGTERM with 100 clients attached, median of 5 | {statistics.median(stops):.2f} s | < 5 s |")


if __name__ == "__main__":
    main()
