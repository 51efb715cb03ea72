"""The Flink example (examples/flink/orders_job.py) against the built-in analyzer.

One `aseed run` without the simulator is fed a seeded messy stream (order_oracle.py:
duplicates, late orders, every malformed reason, 3 partitions). The Flink job, parallelism 2,
reads the same topic to its end and must report what the analyzer reports, to the cent:
totals, every product and category, the counters, every closed window; the dashboard must
show what it POSTed. Then the exactly-once output: the job is killed after a checkpoint,
restarted from it while more orders arrive, and every closed window is in its output topic
once, as read_committed readers see it, with the analyzer's figures.

examples/flink/setup.sh prepares the virtualenv first (about two minutes from
scratch, instant when done); it needs PyPI and Java (Debian's, installed when we are root)."""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
from confluent_kafka import Consumer, KafkaError, TopicPartition

import order_oracle as oracle
from conftest import ASEED_BIN, REPO, require, wait_for
from test_poison import Appliance

pytestmark = pytest.mark.needs_aseed

EXAMPLE = REPO / "examples" / "flink"
VENV = pathlib.Path(os.environ.get("ASEED_FLINK_VENV", EXAMPLE / ".venv"))
# Generous: CI runs three test modules at once beside a release build on two cores.
JOB_TIMEOUT = 480
# The snapshot's figures that the Flink job computes too (the rest, such as rankings over the
# last minutes, recent orders and alerts, are the built-in analyzer's alone).
PRODUCT_FIELDS = ("product_id", "product_name", "category", "order_count", "total_quantity", "total_revenue",
                  "avg_price", "last_order_time")
CATEGORY_FIELDS = ("category", "order_count", "total_quantity", "total_revenue", "avg_price", "last_order_time",
                   "unique_products")
WINDOW_FIELDS = ("start", "end", "orders", "units", "revenue")


# --------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture(scope="module")
def flink_python():
    """The virtualenv's interpreter, after examples/flink/setup.sh (timed: printed with -s)."""
    require(shutil.which("java") is not None or os.geteuid() == 0,
            "Flink needs Java: install openjdk-17-jre-headless (setup.sh does it as root)")
    started = time.monotonic()
    setup = subprocess.run(["bash", str(EXAMPLE / "setup.sh")], stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=900, env={**os.environ, "ASEED_FLINK_VENV": str(VENV)})
    assert setup.returncode == 0, f"setup.sh failed ({setup.returncode}):\n{setup.stderr[-3000:]}"
    print(f"\nexamples/flink/setup.sh took {time.monotonic() - started:.1f} s", file=sys.stderr)
    return str(VENV / "bin" / "python")


def snapshot(appliance: Appliance) -> dict:
    """GET /api/snapshot with money as Decimal."""
    with urllib.request.urlopen(appliance.url + "/api/snapshot", timeout=10) as response:
        return json.loads(response.read(), parse_float=Decimal)


def caught_up_snapshot(appliance: Appliance, records: int, timeout: float = 60) -> dict:
    def attempt():
        try:
            current = snapshot(appliance)
        except urllib.error.HTTPError as error:
            if error.code == 503:  # before the analyzer's first snapshot
                return None
            raise
        return current if current["pipeline"]["records_in"] == records else None
    return wait_for(attempt, timeout, f"the analyzer to read all {records} records")


def flink_figures(current: dict) -> dict:
    """The part of an analyzer snapshot that the Flink job reports, in its shape."""
    return {
        "totals": {k: current["totals"][k] for k in ("orders", "units", "revenue", "unique_customers",
                                                     "average_order_value")},
        "products": [{k: p[k] for k in PRODUCT_FIELDS} for p in current["products"]],
        "categories": [{k: c[k] for k in CATEGORY_FIELDS} for c in current["categories"]],
        "windows": {"length_seconds": current["windows"]["length_seconds"],
                    "items": closed_windows(current)},
        "pipeline": {"duplicates": current["pipeline"]["duplicates"],
                     "late_records": current["pipeline"]["late_records"],
                     "malformed_total": current["pipeline"]["malformed_total"],
                     "malformed": {r: current["pipeline"]["malformed"][r] for r in oracle.REASONS}},
    }


def closed_windows(current: dict) -> list[dict]:
    return [{k: w[k] for k in WINDOW_FIELDS} for w in current["windows"]["items"] if w["closed"]]


def assert_same(expected, actual, what: str) -> None:
    found = oracle.differences(expected, actual)
    if found:
        pytest.fail(f"{what} differs from the built-in analyzer:\n  " + "\n  ".join(found), pytrace=False)


class FlinkJob:
    """orders_job.py in its own process group (the Java runtime and the Python workers are its
    children), output in <base>/job-N.log."""

    def __init__(self, python: str, base: pathlib.Path, bootstrap: str, *args: str):
        self.python, self.base, self.bootstrap, self.args = python, base, bootstrap, args
        self.runs = 0
        self.process: subprocess.Popen | None = None
        base.mkdir(parents=True, exist_ok=True)

    @property
    def log_path(self) -> pathlib.Path:
        return self.base / f"job-{self.runs}.log"

    def start(self, *extra: str) -> "FlinkJob":
        self.runs += 1
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [self.python, str(EXAMPLE / "orders_job.py"), "--bootstrap-servers", self.bootstrap,
                 "--parallelism", "2", "--flink-log-dir", str(self.base / f"flink-log-{self.runs}"),
                 *self.args, *extra],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        return self

    def output(self, chars: int = 4000) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return f"--- Flink job output (run {self.runs}) ---\n{text[-chars:]}"

    def wait(self, timeout: float = JOB_TIMEOUT) -> None:
        try:
            status = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"the Flink job did not finish within {timeout} s\n{self.output()}", pytrace=False)
        assert status == 0, f"the Flink job exited with {status}\n{self.output()}"

    def check_running(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"the Flink job exited with {self.process.returncode}\n{self.output()}", pytrace=False)

    def kill(self) -> None:
        """SIGKILL to the whole process group: client, Java runtime, Python workers."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(30)


@pytest.fixture
def flink_jobs():
    made: list[FlinkJob] = []
    yield made
    for job in made:
        job.kill()


def committed_windows(bootstrap: str, topic: str, timeout: float = 10) -> list[dict]:
    """Every record of the output topic that a read_committed consumer sees, as parsed JSON,
    checked against its key (the window start)."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"flink-check-{time.monotonic_ns()}",
                         "isolation.level": "read_committed", "enable.auto.commit": False,
                         "enable.partition.eof": True})
    try:
        metadata = consumer.list_topics(topic, timeout=10).topics.get(topic)
        if metadata is None or metadata.error is not None or not metadata.partitions:
            return []
        partitions = [TopicPartition(topic, p, 0) for p in metadata.partitions]
        consumer.assign(partitions)
        windows, finished, deadline = [], set(), time.monotonic() + timeout
        while len(finished) < len(partitions) and time.monotonic() < deadline:
            for message in consumer.consume(500, 0.5):
                if message.error():
                    if message.error().code() == KafkaError._PARTITION_EOF:
                        finished.add(message.partition())
                        continue
                    raise AssertionError(f"reading {topic}: {message.error()}")
                window = json.loads(message.value(), parse_float=Decimal)
                assert message.key().decode() == window["start"], f"key {message.key()!r} for {window['start']}"
                windows.append({k: window[k] for k in WINDOW_FIELDS})
        return sorted(windows, key=lambda w: w["start"])
    finally:
        consumer.close()


# --------------------------------------------------------------------------------------------
# Tests


@pytest.fixture(scope="module")
def appliance(tmp_path_factory):
    """`aseed run` without the simulator: only the test's records reach `orders`."""
    instance = Appliance(tmp_path_factory.mktemp("flink-appliance"), "--no-simulator")
    yield instance
    instance.stop()


@pytest.mark.timeout(1200)  # setup.sh from scratch is in here
def test_the_flink_job_reports_what_the_analyzer_reports(flink_python, appliance, flink_jobs, tmp_path):
    records = oracle.generate_stream(seed=424242, orders=20_000, minutes=20)
    ends = oracle.end_offsets(oracle.produce_records(appliance.bootstrap, records))
    reference = caught_up_snapshot(appliance, sum(ends.values()))
    pipeline = reference["pipeline"]
    # What the stream exercises: without these, equal figures would prove less.
    assert all(pipeline["malformed"][reason] > 0 for reason in oracle.REASONS), pipeline["malformed"]
    assert pipeline["duplicates"] > 100 and pipeline["late_records"] > 20, pipeline
    assert len(closed_windows(reference)) >= 18

    result = tmp_path / "flink-result.json"
    job = FlinkJob(flink_python, tmp_path / "bounded", appliance.bootstrap, "--bounded",
                   "--dashboard", appliance.url, "--token", appliance.token, "--result-json", str(result),
                   "--output-topic", "orders.flink-windows", "--checkpoint-dir", str(tmp_path / "checkpoints"),
                   "--checkpoint-interval-ms", "2000")
    flink_jobs.append(job)
    started = time.monotonic()
    job.start().wait()
    print(f"\nthe bounded Flink job took {time.monotonic() - started:.1f} s", file=sys.stderr)
    figures = json.loads(result.read_text(), parse_float=Decimal)
    expected = flink_figures(reference)
    assert_same(expected, figures, "the Flink job's figures")

    # Its output topic: every closed window once, committed.
    assert_same(expected["windows"]["items"], committed_windows(appliance.bootstrap, "orders.flink-windows"),
                "orders.flink-windows (read_committed)")

    # The dashboard shows what the job POSTed last.
    external = appliance.json("/api/external")
    assert_same([{k: p[k] for k in PRODUCT_FIELDS if k != "last_order_time"} for p in expected["products"]],
                json.loads(json.dumps(external["top_products"]["products"]), parse_float=Decimal),
                "GET /api/external top_products")
    assert_same([{k: c[k] for k in ("category", "order_count", "total_quantity", "total_revenue", "unique_products")}
                 for c in expected["categories"]],
                json.loads(json.dumps(external["categories"]["categories"]), parse_float=Decimal),
                "GET /api/external categories")
    assert "summary" in external, f"no summary in GET /api/external (POST /api/external/summary): {list(external)}"
    summary = json.loads(json.dumps(external["summary"]), parse_float=Decimal)
    assert_same({"analyzer": "flink", "parallelism": 2,
                 "totals": {k: expected["totals"][k] for k in ("orders", "units", "revenue", "unique_customers")},
                 "duplicates": pipeline["duplicates"], "late_records": pipeline["late_records"],
                 "malformed": pipeline["malformed_total"], "windows": expected["windows"]["items"]},
                summary, "GET /api/external summary")


@pytest.mark.timeout(900)
def test_windows_reach_the_output_topic_exactly_once_across_a_kill(flink_python, appliance, flink_jobs, tmp_path):
    topic, output = "orders-flink-restart", "orders-flink-restart.windows"
    oracle.prepare_topic(appliance.bootstrap, topic)
    records = oracle.generate_stream(seed=77, orders=8000, minutes=10)
    half = len(records) // 2
    ends = oracle.end_offsets(oracle.produce_records(appliance.bootstrap, records[:half], topic=topic))
    checkpoints = tmp_path / "checkpoints"
    job = FlinkJob(flink_python, tmp_path / "unbounded", appliance.bootstrap, "--topic", topic,
                   "--output-topic", output, "--transactional-id-prefix", "flink-restart-test",
                   "--group-id", "flink-restart-test", "--checkpoint-dir", str(checkpoints),
                   "--checkpoint-interval-ms", "1000")
    flink_jobs.append(job)
    job.start()

    def some_committed():
        job.check_running()
        return committed_windows(appliance.bootstrap, output, timeout=3)
    before = wait_for(some_committed, 360, "a first committed window")
    job.kill()
    assert list(checkpoints.glob("*/chk-*/_metadata")), f"no checkpoint in {checkpoints}"

    job.start("--from-checkpoint", str(checkpoints))
    wait_for(lambda: "restoring from" in job.log_path.read_text(errors="replace"), 60, "the restart to name its checkpoint")
    ends = oracle.end_offsets(oracle.produce_records(appliance.bootstrap, records[half:], topic=topic), ends=ends)

    # The analyzer's figures for the whole topic: `aseed analyze` over it, once.
    analyzed = subprocess.run(
        [ASEED_BIN, "analyze", "--bootstrap-servers", appliance.bootstrap, "--topic", topic, "--exit-at-end",
         "--data-dir", str(tmp_path / "analyze-data"), "--log-dir", str(tmp_path / "analyze-logs")],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    assert analyzed.returncode == 0, analyzed.stderr[-2000:]
    expected = closed_windows(json.loads(analyzed.stdout, parse_float=Decimal))
    assert len(expected) > len(before) >= 1

    def all_committed():
        job.check_running()
        windows = committed_windows(appliance.bootstrap, output, timeout=3)
        return windows if len(windows) >= len(expected) else None
    windows = wait_for(all_committed, 360, f"{len(expected)} committed windows")
    time.sleep(3)  # a checkpoint or two more: nothing may follow
    windows = committed_windows(appliance.bootstrap, output)
    job.kill()
    starts = [w["start"] for w in windows]
    assert len(starts) == len(set(starts)), f"windows written twice: {sorted(s for s in starts if starts.count(s) > 1)}"
    assert_same(expected, windows, f"{output} (read_committed) after a kill and a restart")
