"""Poison batches: a batch nobody can read, produced by anyone, must not stop the analysis.

Hand-built batches with a correct CRC (`kafkaproto.py`): compressed data that is junk, a
gzip bomb expanding past the analyzer's 64 MiB limit, and a gzip batch expanding to 60 MiB
(one record, not JSON). By default the broker decompresses producer batches and refuses such
ones; with `--validate-compressed-records false` (or another broker) they are stored, and the
analyzer must count them by reason, copy them to `orders.dlq`, move past them and go on with
bounded memory."""
import gzip
import json
import pathlib
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from confluent_kafka import Consumer, TopicPartition

import kafkaproto as kp
from conftest import ASEED_BIN, free_port, wait_for, wait_for_port

pytestmark = [pytest.mark.needs_aseed, pytest.mark.timeout(120)]

MIB = 1 << 20
CORRUPT_MESSAGE = 2
# Codec numbers of the batch attributes.
GZIP, SNAPPY, LZ4, ZSTD = 1, 2, 3, 4


def records_section(values: list[bytes]) -> bytes:
    """Uncompressed records (no keys, no headers), as inside a RecordBatch v2."""
    section = bytearray()
    for delta, value in enumerate(values):
        body = kp.i8(0) + kp.varint(0) + kp.varint(delta) + kp.varint(-1) + kp.varint(len(value)) + value + kp.varint(0)
        section += kp.varint(len(body)) + body
    return bytes(section)


def junk_batch(codec: int, count: int = 5) -> bytes:
    """A batch claiming `count` records compressed with `codec` whose data is junk."""
    return kp.batch_with_records_section(b"these bytes were never compressed by anyone" * 3, count, codec=codec)


def gzip_batch(value_bytes: int) -> bytes:
    """One record whose value is `value_bytes` spaces (not JSON), gzip-compressed to a few KiB."""
    return kp.batch_with_records_section(gzip.compress(records_section([b" " * value_bytes]), 9), 1, codec=GZIP)


def produce(bootstrap: str, batch: bytes, correlation: int, topic: str = "orders", partition: int = 0):
    """(error code, base offset) of one raw Produce v7 (zstd needs v7; the body is v3's, and
    the response only adds fields after the ones read)."""
    host, port = bootstrap.rsplit(":", 1)
    with kp.Connection(host, int(port), timeout=30) as conn:
        payload = conn.request(kp.PRODUCE, 7, correlation, kp.produce_v3_body(topic, partition, batch))
    return kp.parse_produce_v3(payload)[(topic, partition)]


class Appliance:
    """`aseed run` with the embedded broker, the simulator, the analyzer and the dashboard.

    With `listeners` (security protocols, e.g. ["PLAINTEXT", "SASL_PLAINTEXT"]) the broker has
    Kafka-style listeners on free ports instead of the one of --kafka-listen: `addresses` maps each
    protocol to its address, `bootstrap` is the PLAINTEXT one and `sasl_bootstrap` the
    SASL_PLAINTEXT one. What the process prints goes to `<base>/run-output.txt` (`output()`).
    start() after stop() runs it again on the same ports and data."""

    host = "127.0.0.1"

    def __init__(self, base: pathlib.Path, *extra: str, data_dir: pathlib.Path | None = None,
                 listeners: list[str] | None = None):
        base.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.listeners = listeners
        self.addresses = {protocol: f"{self.host}:{free_port()}" for protocol in listeners or ["PLAINTEXT"]}
        self.bootstrap = self.addresses.get("PLAINTEXT")
        self.kafka_port = int(self.bootstrap.rsplit(":", 1)[1]) if self.bootstrap else None
        self.data_dir, self.log_dir = data_dir or base / "data", base / "logs"
        self.url = f"http://{self.host}:{self.port}"
        self.extra = extra
        self.output_path = base / "run-output.txt"
        self.start()

    @property
    def sasl_bootstrap(self) -> str:
        return self.addresses["SASL_PLAINTEXT"]

    @property
    def sasl_port(self) -> int:
        return int(self.sasl_bootstrap.rsplit(":", 1)[1])

    def command(self) -> list[str]:
        if self.listeners:
            listeners = ",".join(f"{protocol}://{address}" for protocol, address in self.addresses.items())
            kafka = ["--listeners", listeners, "--advertised-listeners", listeners]
        else:
            kafka = ["--kafka-listen", self.bootstrap, "--kafka-advertise", self.bootstrap]
        return [ASEED_BIN, "run", "--data-dir", str(self.data_dir), "--log-dir", str(self.log_dir), *kafka,
                "--dashboard-listen", f"{self.host}:{self.port}", "--rate", "50", "--trigger-ms", "200", *self.extra]

    def start(self) -> None:
        with open(self.output_path, "ab") as output:
            self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=output, stderr=output)
        ports = [self.port] + ([int(a.rsplit(":", 1)[1]) for a in self.addresses.values()] if self.listeners else [])
        try:
            for port in ports:
                wait_for_port(self.host, port, 30, self.process)
        except Exception as error:
            self.stop()
            raise RuntimeError(f"{error}\n--- aseed run output ---\n{self.output()}") from None
        self.token = (self.data_dir / "dashboard" / "admin-token").read_text().strip()

    def output(self) -> str:
        return self.output_path.read_text(errors="replace")[-4000:]

    def json(self, path, method="GET", expected=200, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, method=method, data=data)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if method != "GET":
            request.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == expected
            return json.loads(response.read())

    def analyzer(self):
        return self.json("/api/service-status")["services"]["analyzer"]

    def pipeline(self):
        return self.json("/api/pipeline")

    def rss_bytes(self, field: str = "VmRSS") -> int:
        """Resident memory of the process now (VmRSS) or at its peak (VmHWM)."""
        for line in pathlib.Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise AssertionError(f"no {field}")

    def wait_for(self, condition, timeout=30, message="condition"):
        """`conftest.wait_for`, with a 503 counted as not yet: the dashboard answers before the
        analyzer's first snapshot, and on a busy machine that snapshot comes later."""
        def attempt():
            try:
                return condition()
            except urllib.error.HTTPError as error:
                if error.code == 503:
                    return None
                raise
        return wait_for(attempt, timeout, message)

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(10)


def read_topic(bootstrap: str, topic: str) -> list:
    """Every record of `topic` up to its current end, all partitions."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "poison-reader", "enable.auto.commit": False})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions}
        consumer.assign([TopicPartition(topic, p, 0) for p, end in ends.items() if end > 0])
        missing, records = sum(ends.values()), []
        deadline = time.monotonic() + 30
        while missing > 0 and time.monotonic() < deadline:
            for message in consumer.consume(1000, 0.5):
                assert message.error() is None, message.error()
                if message.offset() < ends[message.partition()]:
                    records.append(message)
                    missing -= 1
        return records
    finally:
        consumer.close()


def test_the_broker_refuses_unreadable_compressed_batches_by_default(aseed_factory):
    """Kafka's broker decompresses producer batches and checks their records; ours does too
    unless told not to, so one student's junk cannot reach every consumer."""
    broker = aseed_factory().start()
    for correlation, (codec, name) in enumerate([(LZ4, "lz4"), (ZSTD, "zstd"), (GZIP, "gzip"), (SNAPPY, "snappy")]):
        assert produce(broker.bootstrap, junk_batch(codec), correlation)[0] == CORRUPT_MESSAGE, name
    assert produce(broker.bootstrap, gzip_batch(70 * MIB), 10)[0] == CORRUPT_MESSAGE
    # What can be read is stored, however it is compressed: the refused batches took no offsets.
    assert produce(broker.bootstrap, kp.batch_with_records_section(gzip.compress(records_section([b"{}"])), 1, codec=GZIP), 11) == (0, 0)
    assert broker.stop() == 0
    log = broker.output()
    assert "compressed records cannot be read: lz4 corrupt input" in log
    assert "gzip output limit exceeded: decompressed data exceeds the limit of 67108864 bytes" in log


def test_the_analyzer_skips_what_it_cannot_read_and_goes_on(tmp_path):
    """Against a broker that stores producer batches unchecked: every poison batch is counted
    under its reason and copied to orders.dlq, the analyzer never fails, its figures keep
    moving, a restart does not meet the batches again, and memory stays bounded."""
    appliance = Appliance(tmp_path, "--validate-compressed-records", "false")
    try:
        appliance.wait_for(lambda: appliance.pipeline()["orders_counted"] > 0, message="orders counted")
        rss_before = appliance.rss_bytes()
        poison = {}
        for correlation, codec in enumerate([LZ4, ZSTD, GZIP, SNAPPY]):
            batch = junk_batch(codec)
            error, offset = produce(appliance.bootstrap, batch, correlation)
            assert error == 0, "the broker was told to store producer batches unchecked"
            poison[f"orders/0/{offset}-{offset + 4}"] = ("unreadable-batch", batch)
        bomb = gzip_batch(70 * MIB)
        error, offset = produce(appliance.bootstrap, bomb, 10)
        assert error == 0 and len(bomb) < MIB
        poison[f"orders/0/{offset}-{offset}"] = ("batch-too-large", bomb)
        error, big_offset = produce(appliance.bootstrap, gzip_batch(60 * MIB), 11)
        assert error == 0

        def counted():
            malformed = appliance.pipeline()["malformed"]
            return malformed["unreadable-batch"] == 20 and malformed["batch-too-large"] == 1 and malformed["invalid-json"] >= 1
        appliance.wait_for(counted, message="the poison batches counted")
        rss_after = appliance.rss_bytes()
        analyzer = appliance.analyzer()
        assert analyzer["status"] == "running" and analyzer["restarts"] == 0 and analyzer["last_error"] is None, analyzer

        # The figures keep moving.
        orders = appliance.pipeline()["orders_counted"]
        appliance.wait_for(lambda: appliance.pipeline()["orders_counted"] > orders + 20, message="orders counted after the poison")

        # Each batch is in orders.dlq as stored (offset and leader epoch aside), with its reason.
        copies = {}
        for message in read_topic(appliance.bootstrap, "orders.dlq"):
            headers = {key: value.decode() for key, value in message.headers() or []}
            copies[headers.get("aseed-source")] = (headers, message.value())
        for source, (reason, batch) in poison.items():
            headers, value = copies[source]
            assert headers["aseed-reason"] == reason and headers["aseed-error"], headers
            assert value[16:] == batch[16:]
        big_headers, big_value = copies[f"orders/0/{big_offset}"]
        assert big_headers["aseed-reason"] == "invalid-json" and big_headers["aseed-truncated"] == str(60 * MIB)
        assert len(big_value) == 256 * 1024

        # The checkpoint moved past them: a restarted analyzer does not count them again.
        restarts = appliance.analyzer()["restarts"]
        appliance.json("/api/control/components/analyzer/restart", method="POST", expected=202)
        appliance.wait_for(lambda: appliance.analyzer()["restarts"] == restarts + 1 and appliance.analyzer()["status"] == "running",
                           message="analyzer restarted")
        orders = appliance.pipeline()["orders_counted"]
        appliance.wait_for(lambda: appliance.pipeline()["orders_counted"] > orders + 20, message="orders counted after the restart")
        malformed = appliance.pipeline()["malformed"]
        assert (malformed["unreadable-batch"], malformed["batch-too-large"]) == (20, 1)
        assert "cannot be read" in appliance.log("analyzer")
        print(f"RSS before the poison {rss_before / MIB:.1f} MiB, after {rss_after / MIB:.1f} MiB, "
              f"peak {appliance.rss_bytes('VmHWM') / MIB:.1f} MiB")
        assert rss_after < 150 * 1_000_000, f"RSS {rss_after / MIB:.1f} MiB after the 60 MiB batch (before: {rss_before / MIB:.1f} MiB)"
    finally:
        assert appliance.stop() == 0
