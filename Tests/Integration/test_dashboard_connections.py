"""The dashboard's connections against a real `aseed run`, over raw sockets: request limits
answered with a status (413 from Content-Length alone, 431, 414), the header and idle
timeouts, and a stop that does not wait on clients (WebSockets, kept-alive HTTP, sockets that
never sent a byte, idle Kafka connections)."""
import base64
import json
import os
import pathlib
import signal
import socket
import subprocess
import threading
import time

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from conftest import ASEED_BIN, free_port, wait_for_port

pytestmark = [pytest.mark.needs_aseed, pytest.mark.timeout(120)]

HEADER_TIMEOUT = 1.0
IDLE_TIMEOUT = 1.5
COMPONENTS = ("broker", "simulator", "analyzer", "dashboard")


class Appliance:
    """`aseed run` on free ports with short header and idle timeouts."""

    def __init__(self, base: pathlib.Path, *extra: str):
        self.kafka_port = free_port()
        self.port = free_port()
        self.data_dir = base / "data"
        self.log_dir = base / "logs"
        self.process = subprocess.Popen(
            [ASEED_BIN, "run", "--data-dir", str(self.data_dir), "--log-dir", str(self.log_dir),
             "--kafka-listen", f"127.0.0.1:{self.kafka_port}", "--kafka-advertise", f"127.0.0.1:{self.kafka_port}",
             "--dashboard-listen", f"127.0.0.1:{self.port}", "--rate", "200", "--trigger-ms", "200",
             "--dashboard-header-timeout-ms", str(int(HEADER_TIMEOUT * 1000)),
             "--dashboard-idle-timeout-ms", str(int(IDLE_TIMEOUT * 1000)), *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port("127.0.0.1", self.port, 30, self.process)
        wait_for_port("127.0.0.1", self.kafka_port, 30, self.process)
        self.token = (self.data_dir / "dashboard" / "admin-token").read_text().strip()

    def socket(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def log(self, component: str) -> str:
        path = self.log_dir / f"{component}.log"
        return path.read_text() if path.exists() else ""

    def stop(self, timeout: float) -> tuple[int, float]:
        """SIGTERM; the exit status and the seconds it took."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
            raise AssertionError(f"aseed run did not exit within {timeout}s of SIGTERM")
        return status, time.monotonic() - started

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def appliance(tmp_path):
    instance = Appliance(tmp_path)
    yield instance
    instance.kill()


def read_response(sock: socket.socket) -> tuple[int, dict, bytes]:
    """One HTTP/1.1 response with a Content-Length body: (status, headers, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"the connection closed before a whole response head: {data[:200]!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def closed_by_server(sock: socket.socket, timeout: float) -> bool:
    """Whether the server closes the connection within `timeout` (reading and dropping data)."""
    sock.settimeout(timeout)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not sock.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    return False


def send_in_background(sock: socket.socket, data: bytes) -> threading.Thread:
    """Sends `data` from a thread, so the answer can be read while the server stops reading."""
    def send():
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server answered and closed before all of it went out
    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


GET_STATUS = b"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def test_a_declared_oversized_body_is_refused_at_once(appliance):
    with appliance.socket() as sock:
        started = time.monotonic()
        sock.sendall(b"POST /api/top_products HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     + f"Authorization: Bearer {appliance.token}\r\n".encode()
                     + b"Content-Length: 100000000\r\n\r\n")
        status, headers, body = read_response(sock)
        elapsed = time.monotonic() - started
        assert status == 413 and json.loads(body)["error"] == "body-too-large"
        assert headers["connection"] == "close"
        assert elapsed < 1.0, f"413 took {elapsed:.2f}s"
        assert closed_by_server(sock, 5)
    # The server is fine afterwards.
    with appliance.socket() as sock:
        sock.sendall(GET_STATUS)
        assert read_response(sock)[0] == 200


def test_a_chunked_body_is_cut_at_the_limit(appliance):
    with appliance.socket() as sock:
        sock.sendall(b"POST /api/top_products HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     + f"Authorization: Bearer {appliance.token}\r\n".encode()
                     + b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b" " * 65536
        sender = send_in_background(sock, (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 32)  # 2 MiB
        status, _, body = read_response(sock)
        assert status == 413 and json.loads(body)["error"] == "body-too-large"
        sender.join(10)


def test_a_head_too_large_is_answered_431(appliance):
    with appliance.socket() as sock:
        sender = send_in_background(
            sock, b"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * (1 << 20) + b"\r\n\r\n")
        status, headers, body = read_response(sock)
        assert status == 431 and json.loads(body)["error"] == "headers-too-large"
        assert headers["connection"] == "close"
        assert closed_by_server(sock, 5)
        sender.join(10)


def test_a_uri_too_long_is_answered_414(appliance):
    with appliance.socket() as sock:
        sender = send_in_background(sock, b"GET /api/status?q=" + b"a" * (1 << 20) + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        status, _, body = read_response(sock)
        assert status == 414 and json.loads(body)["error"] == "uri-too-long"
        assert closed_by_server(sock, 5)
        sender.join(10)


def test_a_head_sent_slowly_is_cut_off_after_the_header_timeout(appliance):
    """Slowloris: a byte of the head every 200 ms keeps the connection busy, never done."""
    with appliance.socket() as sock:
        started = time.monotonic()
        sock.settimeout(0.2)
        answer = b""
        for byte in (b"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000):
            try:
                sock.send(bytes([byte]))
                answer += sock.recv(65536)
                break  # the server answered (or closed: b"")
            except socket.timeout:
                continue
            except OSError:
                break
        elapsed = time.monotonic() - started
        assert HEADER_TIMEOUT * 0.9 <= elapsed < HEADER_TIMEOUT + 3, f"cut off after {elapsed:.2f}s"
        assert answer.startswith(b"HTTP/1.1 408"), answer[:100]


def test_a_connection_that_sends_nothing_is_closed_after_the_header_timeout(appliance):
    with appliance.socket() as sock:
        started = time.monotonic()
        assert closed_by_server(sock, HEADER_TIMEOUT + 3)
        assert time.monotonic() - started >= HEADER_TIMEOUT * 0.9


def test_an_idle_kept_alive_connection_is_closed_after_the_idle_timeout(appliance):
    with appliance.socket() as sock:
        sock.sendall(GET_STATUS)
        assert read_response(sock)[0] == 200
        time.sleep(IDLE_TIMEOUT / 3)
        sock.sendall(GET_STATUS)  # still open, and usable
        assert read_response(sock)[0] == 200
        answered = time.monotonic()
        assert closed_by_server(sock, IDLE_TIMEOUT + 3)
        assert time.monotonic() - answered >= IDLE_TIMEOUT * 0.9


def websocket_handshake(port: int) -> socket.socket:
    """A WebSocket opened by hand, which then never reads nor answers the server's close."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def test_a_stop_does_not_wait_on_clients(tmp_path):
    """SIGTERM with 50 WebSocket clients, 5 WebSockets that never answer the close, 50
    kept-alive HTTP connections, 10 connections that never sent a byte, a partial head and
    10 idle Kafka connections: exit 0 within 5 s, every component logging its stop."""
    appliance = Appliance(tmp_path, "--dashboard-header-timeout-ms", "60000", "--dashboard-idle-timeout-ms", "60000")
    held = []
    clients = []
    try:
        for _ in range(50):
            client = connect(f"ws://127.0.0.1:{appliance.port}/ws", max_size=None, open_timeout=10)
            assert json.loads(client.recv(timeout=10))["event"] == "initial_data"
            clients.append(client)
        held += [websocket_handshake(appliance.port) for _ in range(5)]
        for _ in range(50):
            sock = appliance.socket()
            sock.sendall(GET_STATUS)
            assert read_response(sock)[0] == 200
            held.append(sock)
        held += [appliance.socket() for _ in range(10)]
        partial = appliance.socket()
        partial.sendall(b"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        held.append(partial)
        held += [socket.create_connection(("127.0.0.1", appliance.kafka_port), timeout=10) for _ in range(10)]
        time.sleep(0.5)  # every connection accepted and set up

        status, elapsed = appliance.stop(timeout=30)
        assert status == 0
        assert elapsed < 5, f"the stop took {elapsed:.1f}s"
        for client in clients:
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    client.recv(timeout=5)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
        for component in COMPONENTS:
            assert f"{component} stopped" in appliance.log(component), component
    finally:
        for client in clients:
            client.close()
        for sock in held:
            sock.close()
        appliance.kill()
