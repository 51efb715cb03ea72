"""confluent-kafka (librdkafka 2.x from PyPI): idempotent producing, a two-member group that
commits and resumes, watermarks, offsets by time, and the broker's message size limit."""
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition

from conftest import MESSAGE_MAX_BYTES
from kafkahelpers import produce_acked, read_partition


def consumer(broker, group, **extra):
    return Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group,
                     "auto.offset.reset": "earliest", "enable.auto.commit": False,
                     "session.timeout.ms": 6000, "heartbeat.interval.ms": 500, **extra})


def test_idempotent_producer_with_acks_all(broker, topic_factory):
    topic = topic_factory(3)
    producer = Producer({"bootstrap.servers": broker.bootstrap, "enable.idempotence": True, "acks": "all",
                         "linger.ms": 10, "batch.num.messages": 25})
    delivered, errors = [], []

    def report(err, msg):
        (errors if err else delivered).append(err or (msg.partition(), msg.offset(), msg.key(), msg.value()))

    for i in range(300):
        producer.produce(topic, key=f"k{i % 17}".encode(), value=f"v{i}".encode(), on_delivery=report)
        producer.poll(0)
    assert producer.flush(30) == 0
    assert not errors, errors[:3]
    assert len(delivered) == 300
    for partition in range(3):
        mine = [d for d in delivered if d[0] == partition]
        # Offsets of one partition are dense and in the order the producer sent them.
        assert [d[1] for d in mine] == list(range(len(mine)))
        if mine:
            stored = read_partition(broker.bootstrap, topic, partition, len(mine))
            assert [(m.offset(), m.key(), m.value()) for m in stored] == [d[1:] for d in mine]
    # A key always lands on the same partition.
    by_key = {}
    for partition, _, key, _ in delivered:
        by_key.setdefault(key, set()).add(partition)
    assert all(len(parts) == 1 for parts in by_key.values())


def test_two_member_group_commits_and_a_later_run_resumes(broker, topic_factory):
    topic = topic_factory(4)
    group = f"ck-group-{topic}"
    expected = set()
    for partition in range(4):
        values = [f"p{partition}-{i}".encode() for i in range(10)]
        produce_acked(broker.bootstrap, topic, values, partition=partition)
        expected |= set(values)

    members = [consumer(broker, group), consumer(broker, group)]
    for member in members:
        member.subscribe([topic])
    seen, per_member = set(), [set(), set()]
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            for index, member in enumerate(members):
                msg = member.poll(0.2)
                if msg is None:
                    continue
                assert msg.error() is None, msg.error()
                seen.add(msg.value())
                per_member[index].add(msg.partition())
                member.commit(message=msg, asynchronous=False)
            assignments = [{tp.partition for tp in m.assignment()} for m in members]
            if seen == expected and all(assignments):
                break
        assert seen == expected
        assignments = [{tp.partition for tp in m.assignment()} for m in members]
        assert all(assignments), f"both members should own partitions, got {assignments}"
        assert assignments[0].isdisjoint(assignments[1])
        assert assignments[0] | assignments[1] == {0, 1, 2, 3}
    finally:
        for member in members:
            member.close()

    for partition in range(4):
        produce_acked(broker.bootstrap, topic, [f"p{partition}-new".encode()], partition=partition)

    later = consumer(broker, group)
    try:
        committed = later.committed([TopicPartition(topic, p) for p in range(4)], timeout=10)
        assert sorted((tp.partition, tp.offset) for tp in committed) == [(p, 10) for p in range(4)]
        later.subscribe([topic])
        resumed = []
        deadline = time.monotonic() + 40
        while len(resumed) < 4 and time.monotonic() < deadline:
            msg = later.poll(0.5)
            if msg is not None:
                assert msg.error() is None, msg.error()
                resumed.append((msg.partition(), msg.offset(), msg.value()))
        # Only the new records: the group continues after its committed offsets.
        assert sorted(resumed) == [(p, 10, f"p{p}-new".encode()) for p in range(4)]
    finally:
        later.close()


def test_watermark_offsets(broker, topic_factory):
    topic = topic_factory(2)
    produce_acked(broker.bootstrap, topic, [b"a"] * 7, partition=1)
    reader = consumer(broker, f"wm-{topic}")
    try:
        assert reader.get_watermark_offsets(TopicPartition(topic, 1), timeout=10) == (0, 7)
        assert reader.get_watermark_offsets(TopicPartition(topic, 0), timeout=10) == (0, 0)
    finally:
        reader.close()


def test_offsets_for_times(broker, topic_factory):
    topic = topic_factory(1)
    base = int(time.time() * 1000) - 60_000
    producer = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all"})
    for i in range(5):
        producer.produce(topic, value=f"t{i}".encode(), partition=0, timestamp=base + i * 1000)
        assert producer.flush(10) == 0  # one batch per record: the search must look inside batches too
    reader = consumer(broker, f"times-{topic}")
    try:
        def lookup(ts):
            [tp] = reader.offsets_for_times([TopicPartition(topic, 0, ts)], timeout=10)
            assert tp.error is None
            return tp.offset

        assert lookup(base - 5000) == 0
        assert lookup(base) == 0
        assert lookup(base + 1) == 1
        assert lookup(base + 2500) == 3
        assert lookup(base + 4000) == 4
        assert lookup(base + 60_000) == -1  # later than every record: no offset
    finally:
        reader.close()


def test_message_over_the_broker_limit_is_rejected(broker, topic_factory):
    topic = topic_factory(1)
    # The client's own limit is raised so the record reaches the broker.
    producer = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all",
                         "message.max.bytes": 8 * 1024 * 1024, "compression.type": "none"})
    results = []
    producer.produce(topic, value=b"x" * (2 * MESSAGE_MAX_BYTES), partition=0,
                     on_delivery=lambda err, msg: results.append(err))
    assert producer.flush(30) == 0
    [error] = results
    assert error is not None, "an over-limit record was accepted"
    assert error.code() == KafkaError.MSG_SIZE_TOO_LARGE
    # The broker keeps serving the same producer.
    producer.produce(topic, value=b"small", partition=0, on_delivery=lambda err, msg: results.append(err))
    assert producer.flush(10) == 0
    assert results[1] is None
    [msg] = read_partition(broker.bootstrap, topic, 0, 1)
    assert (msg.offset(), msg.value()) == (0, b"small")
