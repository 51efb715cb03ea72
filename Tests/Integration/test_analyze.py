"""`aseed analyze` checked figure by figure against order_oracle.py, an independent Python
computation of the snapshot that Sources/Analyzer/README.md defines.

One clean pass over a 100,000-order stream (two hours of event time, every malformed reason,
duplicates, late orders, a flash sale, an outage) is the reference. The other tests reach the
same snapshot the hard way: killed twice mid-stream, stopped halfway and resumed, started at
the end of the topic, and reading from Tansu instead of our broker."""
import functools
import json
import signal
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import pytest
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient

import order_oracle as oracle
from conftest import ASEED_BIN, AseedBroker, broker_args

pytestmark = pytest.mark.needs_aseed

GROUP = "aseed-analyzer"
# What two runs over the same records may differ in: when and how fast they ran.
# An alert's message names the product as it is called when the window closes; with three
# partitions read concurrently, whether a rename record was read before the record that closes
# the window depends on fetch timing, so two runs may name a renamed product differently.
NOT_REPRODUCIBLE = ("sequence", "generated_at", "pipeline/records_per_second", "pipeline/latency_ms",
                    "alerts/*/message")


@functools.lru_cache(maxsize=None)
def stream(orders: int = 100_000, minutes: int = 120, seed: int = 20260302) -> tuple[oracle.TestRecord, ...]:
    """The test streams, generated once per session (the 100k one takes a few seconds)."""
    return tuple(oracle.generate_stream(seed=seed, orders=orders, minutes=minutes))


def produce(bootstrap: str, records, ends=None) -> dict[int, int]:
    """Produces records in order and returns the topic's end offsets afterwards."""
    return oracle.end_offsets(oracle.produce_records(bootstrap, records), ends=ends)


# --------------------------------------------------------------------------------------------
# Running the analyzer


class Analyzer:
    """Successive `aseed analyze` processes on one data directory, as restarts of one analyzer."""

    def __init__(self, base, bootstrap: str):
        self.data_dir = base / "analyzer-data"
        self.log_dir = base / "analyzer-logs"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.bootstrap = bootstrap
        self.runs = 0
        self.process: subprocess.Popen | None = None

    @property
    def checkpoint(self):
        return self.data_dir / "analyzer" / "checkpoint.sqlite"

    def command(self, *extra: str) -> list[str]:
        return [ASEED_BIN, "analyze", "--bootstrap-servers", self.bootstrap,
                "--data-dir", str(self.data_dir), "--log-dir", str(self.log_dir), *extra]

    def next_outputs(self):
        self.runs += 1
        return self.log_dir / f"stdout-{self.runs}.txt", self.log_dir / f"stderr-{self.runs}.txt"

    def stderr_tail(self, chars: int = 3000) -> str:
        path = self.log_dir / f"stderr-{self.runs}.txt"
        text = path.read_text(errors="replace") if path.exists() else ""
        return f"--- analyzer stderr (run {self.runs}) ---\n{text[-chars:]}"

    def run_to_end(self, *extra: str, timeout: float = 120) -> dict:
        """One `--exit-at-end` run; the snapshot it printed, numbers with a fraction as Decimal."""
        out_path, err_path = self.next_outputs()
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            try:
                status = subprocess.run(self.command("--exit-at-end", *extra), stdin=subprocess.DEVNULL,
                                        stdout=out, stderr=err, timeout=timeout).returncode
            except subprocess.TimeoutExpired:
                pytest.fail(f"aseed analyze --exit-at-end did not finish within {timeout} s\n{self.stderr_tail()}")
        assert status == 0, f"aseed analyze --exit-at-end exited with {status}\n{self.stderr_tail()}"
        text = out_path.read_text()
        try:
            return json.loads(text, parse_float=Decimal)
        except ValueError as error:
            pytest.fail(f"stdout is not one JSON document ({error}): {text[:300]!r}\n{self.stderr_tail()}")

    def start(self, *extra: str) -> None:
        """Starts a run that lasts until it is stopped or killed."""
        assert self.process is None or self.process.poll() is not None, "the previous run is still going"
        out_path, err_path = self.next_outputs()
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            self.process = subprocess.Popen(self.command(*extra), stdin=subprocess.DEVNULL, stdout=out, stderr=err)

    def check_running(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"aseed analyze exited with {self.process.returncode}\n{self.stderr_tail()}")

    def kill(self) -> None:
        """SIGKILL: nothing gets flushed or committed on the way out."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, then the exit status."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"aseed analyze did not exit within {timeout} s of SIGTERM\n{self.stderr_tail()}")


@pytest.fixture
def analyzer_factory(tmp_path):
    """Makes Analyzer objects for one test; kills whatever is still running afterwards."""
    made: list[Analyzer] = []

    def make(bootstrap: str) -> Analyzer:
        analyzer = Analyzer(tmp_path / f"analyzer-{len(made)}", bootstrap)
        made.append(analyzer)
        return analyzer

    yield make
    for analyzer in made:
        analyzer.kill()


class CommittedOffsets:
    """The offsets committed to group aseed-analyzer, read as lag tools read them (no joining)."""

    def __init__(self, bootstrap: str, topic: str = oracle.TOPIC, partitions: int = oracle.PARTITIONS):
        self.consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": GROUP, "enable.auto.commit": False})
        self.partitions = [TopicPartition(topic, p) for p in range(partitions)]

    def read(self) -> dict[int, int]:
        """Committed offset per partition, 0 where nothing is committed yet."""
        return {tp.partition: max(tp.offset, 0) for tp in self.consumer.committed(self.partitions, timeout=10)}

    def wait_for(self, condition, what: str, analyzer: Analyzer, timeout: float = 60) -> dict[int, int]:
        deadline = time.monotonic() + timeout
        while True:
            offsets = self.read()
            if condition(offsets):
                return offsets
            analyzer.check_running()
            if time.monotonic() > deadline:
                pytest.fail(f"group {GROUP} never committed {what} within {timeout} s (last: {offsets})\n"
                            f"{analyzer.stderr_tail()}")
            time.sleep(0.05)

    def close(self) -> None:
        self.consumer.close()


# --------------------------------------------------------------------------------------------
# Checks


def assert_same(expected: dict, actual: dict, what: str, ignore=()) -> None:
    """Fails with the first differing fields, one short line each, instead of two snapshots."""
    found = oracle.differences(expected, actual, ignore=ignore)
    if found:
        pytest.fail(f"{what} differs from the expected snapshot:\n  " + "\n  ".join(found), pytrace=False)


def assert_dlq_fine(problems: list[str]) -> None:
    if problems:
        pytest.fail(f"{len(problems)} problems in {oracle.DLQ_TOPIC}:\n  " + "\n  ".join(problems[:12]), pytrace=False)


def read_dlq(bootstrap: str) -> list[oracle.KafkaRecord]:
    """Every record of orders.dlq, all partitions."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    topic = admin.list_topics(topic=oracle.DLQ_TOPIC, timeout=10).topics.get(oracle.DLQ_TOPIC)
    assert topic is not None and topic.error is None, f"no {oracle.DLQ_TOPIC} topic: {topic and topic.error}"
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "dlq-ends"})
    try:
        ends = {p: consumer.get_watermark_offsets(TopicPartition(oracle.DLQ_TOPIC, p), timeout=10)[1]
                for p in topic.partitions}
    finally:
        consumer.close()
    return [record for records in oracle.read_back(bootstrap, ends, topic=oracle.DLQ_TOPIC).values()
            for record in records]


def dlq_problems(copies, result: oracle.Pass, exactly_once: bool) -> list[str]:
    """What is wrong with the copies in orders.dlq: a malformed record never copied (or, with
    `exactly_once`, copied twice), a copy of a good record, a wrong reason, key, value or headers."""
    malformed = {f"{oracle.TOPIC}/{r.partition}/{r.offset}": (r, reason) for r, reason in result.malformed}
    problems, copied = [], Counter()
    for copy in copies:
        headers = dict(copy.headers)
        source = headers.get("aseed-source", b"<none>").decode(errors="replace")
        if source not in malformed:
            problems.append(f"{source}: copied to {oracle.DLQ_TOPIC} but not malformed")
            continue
        original, reason = malformed[source]
        copied[source] += 1
        got_reason = headers.get("aseed-reason", b"<none>").decode(errors="replace")
        if got_reason != reason:
            problems.append(f"{source}: aseed-reason {got_reason}, expected {reason}")
        if (copy.key, copy.value) != (original.key, original.value):
            problems.append(f"{source}: key/value {copy.key!r}/{copy.value!r:.60} differ from the original")
        if not set(original.headers) <= set(copy.headers):
            problems.append(f"{source}: original headers {original.headers} not kept ({copy.headers})")
    problems += [f"{source}: never copied ({reason})" for source, (_, reason) in malformed.items()
                 if not copied[source]]
    if exactly_once:
        problems += [f"{source}: copied {count} times" for source, count in copied.items() if count > 1]
    return problems


# --------------------------------------------------------------------------------------------
# The reference run


@dataclass
class Reference:
    broker: AseedBroker
    ends: dict
    partitions: dict  # records read back per partition
    expected: dict  # the oracle's snapshot
    result: oracle.Pass

    @property
    def bootstrap(self) -> str:
        return self.broker.bootstrap


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The 100k stream produced into a fresh broker, read back, and the oracle's snapshot of it."""
    base = tmp_path_factory.mktemp("analyze-reference")
    broker = AseedBroker(base / "broker", broker_args()).start()
    try:
        oracle.prepare_topic(broker.bootstrap)
        ends = produce(broker.bootstrap, stream())
        partitions = oracle.read_back(broker.bootstrap, ends)
        expected, result = oracle.analyze(partitions, ends)
        yield Reference(broker, ends, partitions, expected, result)
    finally:
        broker.kill()


@pytest.fixture(scope="module")
def clean_run(reference, tmp_path_factory):
    """What one --exit-at-end pass over the reference topic printed."""
    return Analyzer(tmp_path_factory.mktemp("analyze-clean"), reference.bootstrap).run_to_end()


@pytest.mark.timeout(300)  # the module's broker, stream and oracle are made here
def test_the_stream_exercises_every_rule(reference):
    """What the oracle found in the stream: if the generator drifted, the comparisons below
    would still pass while proving less."""
    expected, result = reference.expected, reference.result
    pipeline = expected["pipeline"]
    assert all(pipeline["malformed"][reason] > 0 for reason in oracle.REASONS), pipeline["malformed"]
    assert pipeline["duplicates"] > 500 and pipeline["late_records"] > 300
    assert result.late_by_closed_window == 0 and result.ambiguities == []
    kinds = Counter(alert["kind"] for alert in expected["alerts"])
    assert len(expected["alerts"]) == 50 and set(kinds) == {"rising", "falling", "orders-anomaly"}, kinds
    assert any(a["kind"] == "rising" and a["subject"] == oracle.FLASH_PRODUCT for a in expected["alerts"])
    windows = expected["windows"]["items"]
    assert len(windows) >= 120 and 0 < sum(not w["closed"] for w in windows) < 3
    spans = expected["top_products"]
    assert spans["5m"]["orders"] != spans["all"]["orders"] and spans["60m"]["revenue"] != spans["15m"]["revenue"]
    renamed = next(p for p in expected["products"] if p["product_id"] == oracle.RENAMED_PRODUCT)
    assert renamed["product_name"] == oracle.RENAMED_TO


@pytest.mark.timeout(300)
def test_the_snapshot_equals_the_oracle(reference, clean_run):
    assert_same(reference.expected, clean_run, "the --exit-at-end snapshot")


@pytest.mark.timeout(300)
def test_each_malformed_record_is_copied_to_the_dlq_once(reference, clean_run):
    assert_dlq_fine(dlq_problems(read_dlq(reference.bootstrap), reference.result, exactly_once=True))


@pytest.mark.timeout(300)
def test_committed_offsets_show_no_lag_after_the_end(reference, clean_run):
    committed = CommittedOffsets(reference.bootstrap)
    try:
        assert committed.read() == reference.ends
    finally:
        committed.close()


# --------------------------------------------------------------------------------------------
# The same result the hard way


@pytest.mark.timeout(300)
def test_killed_twice_mid_stream_it_still_counts_every_order_once(reference, clean_run, aseed_factory,
                                                                  analyzer_factory):
    broker = aseed_factory().start()
    oracle.prepare_topic(broker.bootstrap)
    records = stream()
    analyzer = analyzer_factory(broker.bootstrap)
    committed = CommittedOffsets(broker.bootstrap)
    chunk = len(records) // 10
    ends: dict[int, int] = {}

    def produce_steps(first: int, last: int) -> None:
        """Chunks first..last-1 of the stream, a pause after each, as a live producer would."""
        nonlocal ends
        for index in range(first, last):
            ends = produce(broker.bootstrap, records[index * chunk:(index + 1) * chunk if index < 9 else None], ends)
            time.sleep(0.2)

    def progress(fraction: float):
        return lambda offsets: sum(offsets.values()) >= fraction * len(records)

    try:
        produce_steps(0, 3)
        with ThreadPoolExecutor(1) as pool:
            analyzer.start("--trigger-ms", "100")
            producing = pool.submit(produce_steps, 3, 6)
            committed.wait_for(progress(0.2), "20 % of the stream", analyzer)
            analyzer.kill()
            assert analyzer.checkpoint.exists(), f"no checkpoint at {analyzer.checkpoint}"
            producing.result()

            analyzer.start("--trigger-ms", "100")
            producing = pool.submit(produce_steps, 6, 8)
            committed.wait_for(progress(0.5), "half of the stream", analyzer)
            analyzer.kill()
            producing.result()

        analyzer.start("--trigger-ms", "100")
        produce_steps(8, 10)
        committed.wait_for(lambda offsets: offsets == ends, f"the end offsets {ends}", analyzer)
        status = analyzer.stop()
        assert status == 0, f"SIGTERM: exit status {status}\n{analyzer.stderr_tail()}"
    finally:
        committed.close()

    snapshot = analyzer.run_to_end()
    assert oracle.read_back(broker.bootstrap, ends) == reference.partitions, "the stream landed differently"
    assert_same(reference.expected, snapshot, "after two SIGKILLs")
    assert_same(clean_run, snapshot, "after two SIGKILLs, compared with the clean run", NOT_REPRODUCIBLE)
    assert_dlq_fine(dlq_problems(read_dlq(broker.bootstrap), reference.result, exactly_once=False))


@pytest.mark.timeout(300)
def test_a_second_run_continues_where_the_first_stopped(reference, aseed_factory, analyzer_factory):
    broker = aseed_factory().start()
    oracle.prepare_topic(broker.bootstrap)
    records = stream()
    half = len(records) // 2
    analyzer = analyzer_factory(broker.bootstrap)

    first_ends = produce(broker.bootstrap, records[:half])
    first = analyzer.run_to_end()
    expected_first, _ = oracle.analyze(oracle.read_back(broker.bootstrap, first_ends), first_ends)
    assert_same(expected_first, first, "the run over the first half")

    ends = produce(broker.bootstrap, records[half:], first_ends)
    second = analyzer.run_to_end()
    assert oracle.read_back(broker.bootstrap, ends) == reference.partitions, "the stream landed differently"
    assert_same(reference.expected, second, "the run after the second half")


def wait_until_positioned(analyzer: Analyzer, committed: CommittedOffsets, ends, timeout: float = 30) -> None:
    """Until a `--start latest` analyzer has fixed its start: it committed the end offsets, or
    its checkpoint (which holds every partition's next offset) has existed for two seconds."""
    deadline, seen_checkpoint = time.monotonic() + timeout, None
    while committed.read() != ends:
        analyzer.check_running()
        if analyzer.checkpoint.exists():
            seen_checkpoint = seen_checkpoint or time.monotonic()
            if time.monotonic() - seen_checkpoint >= 2:
                return
        if time.monotonic() > deadline:
            pytest.fail(f"after {timeout} s the analyzer had neither committed {ends} to {GROUP} nor written "
                        f"{analyzer.checkpoint}\n{analyzer.stderr_tail()}")
        time.sleep(0.05)


def test_start_latest_counts_only_records_produced_after_it_started(aseed_factory, analyzer_factory):
    broker = aseed_factory().start()
    oracle.prepare_topic(broker.bootstrap)
    records = stream(orders=4000, minutes=5, seed=5)
    analyzer = analyzer_factory(broker.bootstrap)
    committed = CommittedOffsets(broker.bootstrap)
    try:
        old_ends = produce(broker.bootstrap, records[:2000])
        analyzer.start("--start", "latest", "--trigger-ms", "100")
        wait_until_positioned(analyzer, committed, old_ends)
        ends = produce(broker.bootstrap, records[2000:], old_ends)
        committed.wait_for(lambda offsets: offsets == ends, f"the end offsets {ends}", analyzer)
        status = analyzer.stop()
        assert status == 0, f"SIGTERM: exit status {status}\n{analyzer.stderr_tail()}"
    finally:
        committed.close()
    snapshot = analyzer.run_to_end()
    expected, _ = oracle.analyze(oracle.read_back(broker.bootstrap, ends, starts=old_ends), ends)
    assert_same(expected, snapshot, "--start latest, then resumed")


def test_tansu_gives_the_same_figures(tansu, analyzer_factory):
    """Our analyzer reading a broker that is not ours. Tansu 0.6 answers ListOffsets with the
    last batch's base offset + 1, so the high watermark and lag it reports are not compared."""
    records = stream(orders=5000, minutes=6, seed=99)
    oracle.prepare_topic(tansu)
    ends = produce(tansu, records)
    partitions = oracle.read_back(tansu, ends)
    assert partitions == oracle.place(records)
    expected, _ = oracle.analyze(partitions, ends)
    snapshot = analyzer_factory(tansu).run_to_end()
    assert_same(expected, snapshot, "against Tansu",
                ignore=("pipeline/partitions/*/high_watermark", "pipeline/partitions/*/lag"))


def test_window_length_and_watermark_delay_follow_their_flags(aseed_factory, analyzer_factory):
    """Two-minute windows and a 5 s delay: the generator's up-to-10 s disorder becomes late."""
    broker = aseed_factory().start()
    oracle.prepare_topic(broker.bootstrap)
    ends = produce(broker.bootstrap, stream(orders=20_000, minutes=24, seed=13))
    settings = oracle.Settings(delay=5 * oracle.MICROS, window=120 * oracle.MICROS)
    expected, result = oracle.analyze(oracle.read_back(broker.bootstrap, ends), ends, settings)
    assert result.late_by_closed_window == 0 and expected["pipeline"]["late_records"] > 500
    snapshot = analyzer_factory(broker.bootstrap).run_to_end("--window-seconds", "120",
                                                             "--watermark-delay-seconds", "5")
    assert_same(expected, snapshot, "--window-seconds 120 --watermark-delay-seconds 5")
