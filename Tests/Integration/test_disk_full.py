"""The broker on a disk that fills up: a small tmpfs holds the data directory (root only).

- With the reserve off, appends run until the file system refuses them: a refused append must
  leave the partition exactly as before it (no records past the high watermark, no copies of
  batches the producer was told failed), before and after clean and unclean restarts.
- With the reserve (the default), appends are refused with KAFKA_STORAGE_ERROR before the disk
  is full, and deleting topics, a clean stop and a start keep working when something else
  fills the disk to the last byte; writes resume on their own once space is freed.
"""
import os
import pathlib
import subprocess
import time

import pytest

import kafkaproto as kp
from conftest import ASEED_BIN, AseedBroker, broker_args, free_port, require
from kafkahelpers import wait_for_topic

pytestmark = pytest.mark.needs_aseed


@pytest.fixture(autouse=True)
def root():
    """Skipped without root locally; a failure in CI, which runs as root."""
    require(os.geteuid() == 0, "mounting a tmpfs needs root (CI runs as root)")

KAFKA_STORAGE_ERROR = 56


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of the size asked for, unmounted after the test (brokers are killed first)."""
    mounted: list[pathlib.Path] = []
    brokers: list[AseedBroker] = []

    def make(megabytes: int) -> pathlib.Path:
        point = tmp_path / f"disk-{len(mounted)}"
        point.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(point)], check=True)
        mounted.append(point)
        return point

    make.brokers = brokers
    yield make
    for broker in brokers:
        broker.kill()
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def broker_on(disk: pathlib.Path, tmp_path: pathlib.Path, registry: list, **overrides) -> AseedBroker:
    """A broker whose data directory is on `disk` and whose logs are not."""
    broker = AseedBroker(tmp_path / f"broker-{len(registry)}", broker_args(**overrides))
    broker.data_dir = disk / "data"
    registry.append(broker)
    return broker


def create_topic(bootstrap: str, name: str, partitions: int) -> None:
    """A topic that stores batches as produced (uncompressed), so the test reads them raw."""
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    topic = NewTopic(name, num_partitions=partitions, replication_factor=1, config={"compression.type": "producer"})
    admin.create_topics([topic], operation_timeout=10)[name].result(timeout=20)
    wait_for_topic(bootstrap, name, partitions)


def fill(disk: pathlib.Path, name: str = "filler") -> pathlib.Path:
    """Writes to a file on `disk` until the file system refuses: nothing is free after."""
    path = disk / name
    chunk = b"\0" * 65536
    with open(path, "ab", buffering=0) as file:
        for size in (65536, 4096, 512, 1):
            while True:
                try:
                    file.write(chunk[:size])
                except OSError:
                    break
    return path


def free_bytes(path: pathlib.Path) -> int:
    info = os.statvfs(path)
    return info.f_bavail * info.f_frsize


class IdempotentProducer:
    """Raw Produce v3 with one producer id: each batch is retried with its own sequence until
    acknowledged or given up, as a client's retries would; a batch given up leaves its
    sequence to the next one (the broker kept nothing of it)."""

    def __init__(self, broker: AseedBroker, topic: str, partitions: int):
        self.connection = kp.Connection(broker.host, broker.port)
        payload = self.connection.request(kp.INIT_PRODUCER_ID, 0, 1, kp.init_producer_id_v0_body())
        error, self.producer_id, self.epoch = kp.parse_init_producer_id_v0(payload)
        assert error == 0
        self.topic = topic
        self.sequences = [0] * partitions
        self.correlation = 1
        self.acked: dict[bytes, tuple[int, int]] = {}  # value -> (partition, offset)
        self.failed: list[bytes] = []
        self.errors: set[int] = set()

    def send(self, partition: int, values: list[bytes], tries: int = 3) -> bool:
        batch = kp.record_batch(values, producer_id=self.producer_id, producer_epoch=self.epoch,
                                base_sequence=self.sequences[partition])
        for _ in range(tries):
            self.correlation += 1
            payload = self.connection.request(kp.PRODUCE, 3, self.correlation,
                                              kp.produce_v3_body(self.topic, partition, batch))
            assert payload != kp.CLOSED, "the broker closed the connection"
            error, base = kp.parse_produce_v3(payload)[(self.topic, partition)]
            if error == 0:
                for index, value in enumerate(values):
                    self.acked[value] = (partition, base + index)
                self.sequences[partition] += len(values)
                return True
            self.errors.add(error)
            time.sleep(0.02)
        self.failed.extend(values)
        return False


def read_all(broker: AseedBroker, topic: str, partition: int) -> list[tuple[int, bytes]]:
    """Every record of a partition up to its high watermark, checking that the broker never
    serves a record at or past the high watermark it reports."""
    records: list[tuple[int, bytes]] = []
    with kp.Connection(broker.host, broker.port) as connection:
        offset, correlation = 0, 100
        while True:
            correlation += 1
            payload = connection.request(kp.FETCH, 4, correlation, kp.fetch_v4_body(topic, partition, offset))
            error, high, data = kp.parse_fetch_v4(payload)[(topic, partition)]
            assert error == 0, f"fetch {topic}-{partition} at {offset}: error {error}"
            batch = [(o, v) for o, v in kp.records_in(data)]
            assert all(o < high for o, _ in batch), f"served offsets past the high watermark {high}"
            records += [(o, v) for o, v in batch if o >= offset]
            if not batch or records and records[-1][0] + 1 >= high:
                assert offset >= high or records[-1][0] + 1 == high
                return records
            offset = records[-1][0] + 1


def check_log(broker: AseedBroker, topic: str, partitions: int, producer: IdempotentProducer) -> int:
    """Offsets dense from 0, each acknowledged record once at its acknowledged offset, no
    record of a batch that was given up."""
    found: dict[bytes, tuple[int, int]] = {}
    for partition in range(partitions):
        records = read_all(broker, topic, partition)
        assert [o for o, _ in records] == list(range(len(records))), f"offsets of {topic}-{partition} have gaps"
        for offset, value in records:
            assert value not in found, f"{value!r} stored twice"
            found[value] = (partition, offset)
    for value, place in producer.acked.items():
        assert found.get(value) == place, f"acknowledged {value!r} at {place}, found at {found.get(value)}"
    ghosts = [value for value in producer.failed if value in found]
    assert not ghosts, f"{len(ghosts)} records the producer was told failed are in the log: {ghosts[:3]}"
    return len(found)


def test_appends_the_disk_refuses_leave_nothing_behind(small_disk, tmp_path):
    disk = small_disk(12)
    spare = disk / "spare"
    spare.write_bytes(b"\1" * (1 << 20))  # freed later, so the broker can restart
    broker = broker_on(disk, tmp_path, small_disk.brokers, disk_reserve_bytes="0", segment_bytes="262144",
                       flush="every-batch").start()
    topic, partitions = "filling", 3
    create_topic(broker.bootstrap, topic, partitions)
    producer = IdempotentProducer(broker, topic, partitions)

    number, refused_in_a_row = 0, 0
    while refused_in_a_row < 30:
        partition = number % partitions
        values = [b"order-%07d-" % (number + i) + b"x" * 300 for i in range(1 + number % 7)]
        number += len(values)
        refused_in_a_row = 0 if producer.send(partition, values) else refused_in_a_row + 1
    assert producer.errors == {KAFKA_STORAGE_ERROR}, producer.errors
    assert len(producer.acked) > 1000 and producer.failed
    assert check_log(broker, topic, partitions, producer) == len(producer.acked)
    assert broker.running()

    spare.unlink()
    assert broker.stop() == 0, broker.output()[-3000:]
    broker.start()
    assert check_log(broker, topic, partitions, producer) == len(producer.acked)
    broker.kill()
    broker.start()
    assert check_log(broker, topic, partitions, producer) == len(producer.acked)


def test_a_full_disk_refuses_writes_but_deletes_stops_and_starts(small_disk, tmp_path):
    disk = small_disk(48)
    broker = broker_on(disk, tmp_path, small_disk.brokers).start()
    topic, spare_topic = "kept", "spare"
    create_topic(broker.bootstrap, topic, 1)
    create_topic(broker.bootstrap, spare_topic, 1)
    producer = IdempotentProducer(broker, topic, 1)
    spare_producer = IdempotentProducer(broker, spare_topic, 1)
    for number in range(200):
        assert spare_producer.send(0, [b"spare-%05d-" % number + b"s" * 20_000])

    # The broker fills the disk itself: refused before the reserve is touched.
    number = 0
    while producer.send(0, [b"kept-%06d-" % number + b"k" * 20_000], tries=1):
        number += 1
    assert producer.errors == {KAFKA_STORAGE_ERROR}
    assert free_bytes(disk) > 512 * 1024, "the reserve was used up"
    assert "disk full" in broker.output()
    acked = len(producer.acked)

    # Something else takes the last byte: reads go on, and deleting a topic still works.
    filler = fill(disk)
    assert free_bytes(disk) == 0
    assert check_log(broker, topic, 1, producer) == acked
    from confluent_kafka.admin import AdminClient
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    admin.delete_topics([spare_topic], operation_timeout=10)[spare_topic].result(timeout=20)
    assert not (broker.data_dir / "topics" / f"{spare_topic}-0").exists()
    filler.unlink()
    fill(disk)

    # A clean stop and a start on a disk that has nothing free.
    assert broker.stop() == 0, broker.output()[-3000:]
    assert "closed all partition logs cleanly" in broker.output()
    fill(disk, "filler-2")
    assert free_bytes(disk) == 0
    broker.start()
    assert check_log(broker, topic, 1, producer) == acked
    producer = IdempotentProducer(broker, topic, 1)
    producer.acked = {}
    assert not producer.send(0, [b"refused"], tries=1)
    assert producer.errors == {KAFKA_STORAGE_ERROR}
    status = subprocess.run(
        [ASEED_BIN, "status", "--bootstrap-servers", broker.bootstrap, "--data-dir", str(broker.data_dir),
         "--dashboard", f"127.0.0.1:{free_port()}"], capture_output=True, text=True, timeout=60)
    assert "FULL: disk full" in status.stdout and "delete topics" in status.stdout, status.stdout + status.stderr

    # Space freed: writes resume without a restart.
    for path in disk.glob("filler*"):
        path.unlink()
    deadline = time.monotonic() + 10
    while not producer.send(0, [b"after-%d" % len(producer.failed)], tries=1):
        assert time.monotonic() < deadline, "writes did not resume after space was freed"
        time.sleep(0.2)
    assert "has room again" in broker.output()
    assert broker.stop() == 0
