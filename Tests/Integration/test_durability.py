"""Restarts of a private aseed: acknowledged records and committed group offsets survive a clean
stop (SIGTERM) and a crash (SIGKILL); the on-disk layout is the documented one."""
import struct
import threading
import time
import uuid

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

import kafkaproto as kp
from kafkahelpers import create_topic, produce_acked, read_partition

pytestmark = pytest.mark.needs_aseed


def commit_group_offsets(bootstrap, topic, group, offsets):
    """Joins `group` as a real member, reads a little, then commits `offsets` {partition: offset}."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "session.timeout.ms": 6000})
    try:
        consumer.subscribe([topic])
        deadline = time.monotonic() + 30
        while len(consumer.assignment()) < len(offsets) and time.monotonic() < deadline:
            consumer.poll(0.2)
        assert len(consumer.assignment()) == len(offsets), "group never assigned every partition"
        consumer.commit(offsets=[TopicPartition(topic, p, o) for p, o in offsets.items()], asynchronous=False)
    finally:
        consumer.close()


def committed_offsets(bootstrap, topic, group, partitions):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        found = consumer.committed([TopicPartition(topic, p) for p in partitions], timeout=15)
        return {tp.partition: tp.offset for tp in found}
    finally:
        consumer.close()


def values_of(bootstrap, topic, partition, count):
    return [(m.offset(), m.value()) for m in read_partition(bootstrap, topic, partition, count)]


def test_sigterm_restart_keeps_records_and_committed_offsets(aseed_factory):
    broker = aseed_factory().start()
    topic = f"restart-{uuid.uuid4().hex[:8]}"
    create_topic(broker.bootstrap, topic, 3)
    written = {}
    for partition in range(3):
        values = [f"p{partition}-{i}".encode() for i in range(200 + partition)]
        assert produce_acked(broker.bootstrap, topic, values, partition=partition) == list(range(len(values)))
        written[partition] = list(enumerate(values))
    group = f"restart-group-{topic}"
    commit_group_offsets(broker.bootstrap, topic, group, {0: 17, 1: 100, 2: 201})

    assert broker.stop() == 0, "SIGTERM should be a clean stop with status 0"
    broker.start()

    for partition in range(3):
        assert values_of(broker.bootstrap, topic, partition, len(written[partition])) == written[partition]
    assert committed_offsets(broker.bootstrap, topic, group, range(3)) == {0: 17, 1: 100, 2: 201}
    # Offsets continue where the log ended.
    assert produce_acked(broker.bootstrap, topic, [b"after-restart"], partition=2) == [202]
    # The built-in topic is still there with its 3 partitions.
    metadata = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "meta"}).list_topics(timeout=10)
    assert len(metadata.topics["orders"].partitions) == 3
    assert broker.stop() == 0


@pytest.mark.parametrize("flush", ["every-batch", "interval-ms=1000"])
def test_sigkill_loses_no_acknowledged_record(aseed_factory, flush):
    """A crash of the process (not of the machine) right in the middle of a produce stream: every
    record the broker acknowledged with acks=all is there after the restart, offsets are dense,
    and committed offsets are kept. Whatever the flush policy, an ack means the bytes reached
    the operating system."""
    broker = aseed_factory(flush=flush).start()
    topic = f"crash-{uuid.uuid4().hex[:8]}"
    create_topic(broker.bootstrap, topic, 1)
    group = f"crash-group-{topic}"
    produce_acked(broker.bootstrap, topic, [b"before-%d" % i for i in range(50)])
    commit_group_offsets(broker.bootstrap, topic, group, {0: 42})

    acked, stop = {}, threading.Event()

    def keep_producing():
        producer = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all", "enable.idempotence": True,
                             "linger.ms": 2, "message.timeout.ms": 5000})

        def report(err, msg):
            if err is None:
                acked[msg.offset()] = msg.value()

        i = 0
        while not stop.is_set():
            producer.produce(topic, value=b"stream-%d" % i, partition=0, on_delivery=report)
            producer.poll(0.001 if i % 20 else 0.01)
            i += 1
        producer.flush(6)

    thread = threading.Thread(target=keep_producing, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while len(acked) < 500 and time.monotonic() < deadline:
        time.sleep(0.05)
    broker.kill()
    stop.set()
    thread.join(15)
    assert len(acked) >= 500, "the producer got too few acknowledgements before the kill"
    acked_snapshot = dict(acked)

    broker.start()
    last = max(acked_snapshot)
    stored = values_of(broker.bootstrap, topic, 0, last + 1)
    # Dense offsets from 0, nothing acknowledged missing or changed.
    assert [offset for offset, _ in stored] == list(range(len(stored)))
    for offset, value in acked_snapshot.items():
        assert stored[offset] == (offset, value), f"acknowledged record at {offset} lost or changed"
    assert stored[:50] == [(i, b"before-%d" % i) for i in range(50)]
    assert committed_offsets(broker.bootstrap, topic, group, [0]) == {0: 42}

    low, high = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "wm"}).get_watermark_offsets(
        TopicPartition(topic, 0), timeout=10)
    assert low == 0 and high >= len(stored)
    assert produce_acked(broker.bootstrap, topic, [b"after-crash"]) == [high]


def read_batch_headers(path):
    """(base_offset, attributes, record_count) of each RecordBatch v2 in a segment file."""
    data = path.read_bytes()
    out, pos = [], 0
    while pos + 61 <= len(data):
        base_offset, length = struct.unpack(">qi", data[pos:pos + 12])
        magic = data[pos + 16]
        assert magic == 2, f"batch at byte {pos} of {path.name} has magic {magic}"
        crc = struct.unpack(">I", data[pos + 17:pos + 21])[0]
        assert kp.crc32c(data[pos + 21:pos + 12 + length]) == crc, f"bad CRC in batch at byte {pos}"
        attributes = struct.unpack(">h", data[pos + 21:pos + 23])[0]
        count = struct.unpack(">i", data[pos + 57:pos + 61])[0]
        out.append((base_offset, attributes, count))
        pos += 12 + length
    assert pos == len(data), f"{len(data) - pos} stray bytes at the end of {path.name}"
    return out


def test_segment_files_hold_lz4_batches_and_compressed_batches_as_sent(aseed_factory):
    broker = aseed_factory().start()
    topic = f"layout-{uuid.uuid4().hex[:8]}"
    create_topic(broker.bootstrap, topic, 2)
    with kp.Connection(broker.host, broker.port) as conn:
        payload = conn.request(kp.PRODUCE, 3, 1, kp.produce_v3_body(topic, 0, kp.record_batch([b"plain"] * 30)))
        assert kp.parse_produce_v3(payload) == {(topic, 0): (0, 0)}
    produce_acked(broker.bootstrap, topic, [b"zipped-%d" % i for i in range(30)], partition=1,
                  **{"compression.type": "gzip", "linger.ms": 50})
    assert broker.stop() == 0

    for partition, codec in ((0, 3), (1, 1)):
        directory = broker.partition_dir(topic, partition)
        segments = sorted(directory.glob("*.log"))
        assert segments, f"no segment files in {directory}"
        assert segments[0].name == "0" * 20 + ".log"
        batches = [b for s in segments for b in read_batch_headers(s)]
        assert sum(count for _, _, count in batches) == 30
        assert batches[0][0] == 0
        assert {attributes & 0x07 for _, attributes, _ in batches} == {codec}, \
            f"partition {partition}: expected codec {codec}, got attributes {[a for _, a, _ in batches]}"

    broker.start()
    assert [v for _, v in values_of(broker.bootstrap, topic, 0, 30)] == [b"plain"] * 30
    assert [v for _, v in values_of(broker.bootstrap, topic, 1, 30)] == [b"zipped-%d" % i for i in range(30)]
    assert broker.stop() == 0
