"""kafka-python 3.x (pure Python, newest flexible versions): idempotent producer with gzip and
lz4, a group consumer that commits and resumes, and the admin client."""
import time
import uuid

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import TopicAlreadyExistsError

from kafkahelpers import produce_acked


@pytest.mark.parametrize("codec", ["gzip", "lz4"])
def test_idempotent_producer_with_compression(broker, topic_factory, codec):
    topic = topic_factory(2)
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, enable_idempotence=True, acks="all",
                             compression_type=codec, linger_ms=20)
    futures = [producer.send(topic, key=f"key-{i % 5}".encode(), value=f"{codec}-{i}-{'#' * i}".encode(),
                             headers=[("n", str(i).encode())]) for i in range(120)]
    producer.flush(30)
    sent = [f.get(timeout=30) for f in futures]
    producer.close(10)

    reader = KafkaConsumer(bootstrap_servers=broker.bootstrap, enable_auto_commit=False,
                           consumer_timeout_ms=5000)
    try:
        for partition in (0, 1):
            tp = TopicPartition(topic, partition)
            mine = [(s.offset, i) for i, s in enumerate(sent) if s.partition == partition]
            assert [offset for offset, _ in mine] == list(range(len(mine)))
            reader.assign([tp])
            reader.seek_to_beginning(tp)
            got = []
            deadline = time.monotonic() + 20
            while len(got) < len(mine) and time.monotonic() < deadline:
                for records in reader.poll(timeout_ms=500).values():
                    got.extend(records)
            assert [(r.offset, r.key, r.value, r.headers) for r in got] == [
                (offset, f"key-{i % 5}".encode(), f"{codec}-{i}-{'#' * i}".encode(), [("n", str(i).encode())])
                for offset, i in mine]
    finally:
        reader.close()


def group_consumer(broker, topic, group):
    return KafkaConsumer(topic, bootstrap_servers=broker.bootstrap, group_id=group,
                         auto_offset_reset="earliest", enable_auto_commit=False,
                         session_timeout_ms=6000, heartbeat_interval_ms=500)


def poll_values(consumer, count, timeout=30):
    values = []
    deadline = time.monotonic() + timeout
    while len(values) < count and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=300).values():
            values.extend(r.value for r in records)
    return values


def test_group_consumer_commits_and_resumes(broker, topic_factory):
    topic = topic_factory(2)
    group = f"kp-group-{topic}"
    produce_acked(broker.bootstrap, topic, [f"a{i}".encode() for i in range(15)], partition=0)
    produce_acked(broker.bootstrap, topic, [f"b{i}".encode() for i in range(5)], partition=1)

    first = group_consumer(broker, topic, group)
    try:
        values = poll_values(first, 20)
        assert sorted(values) == sorted([f"a{i}".encode() for i in range(15)] + [f"b{i}".encode() for i in range(5)])
        first.commit()
        assert first.committed(TopicPartition(topic, 0)) == 15
        assert first.committed(TopicPartition(topic, 1)) == 5
    finally:
        first.close()

    produce_acked(broker.bootstrap, topic, [b"a-late"], partition=0)
    second = group_consumer(broker, topic, group)
    try:
        assert poll_values(second, 1) == [b"a-late"]
        assert poll_values(second, 1, timeout=2) == []
    finally:
        second.close()


@pytest.fixture
def admin(broker):
    client = KafkaAdminClient(bootstrap_servers=broker.bootstrap, request_timeout_ms=15000)
    yield client
    client.close()


def test_admin_creates_lists_and_deletes_topics(broker, admin):
    name = f"admin-{uuid.uuid4().hex[:8]}"
    admin.create_topics([NewTopic(name, num_partitions=5, replication_factor=1)])
    deadline = time.monotonic() + 15
    while name not in admin.list_topics() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert name in admin.list_topics()
    [described] = admin.describe_topics([name])
    assert described["error_code"] == 0
    assert len(described["partitions"]) == 5
    with pytest.raises(TopicAlreadyExistsError):
        admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)])
    admin.delete_topics([name])
    deadline = time.monotonic() + 15
    while name in admin.list_topics() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert name not in admin.list_topics()


def test_admin_describes_topic_configs(admin, topic_factory):
    topic = topic_factory(1)
    result = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)], config_filter="all")
    configs = result["topic"][topic]
    assert "compression.type" in configs, f"topic configs: {sorted(configs)}"
    assert configs["compression.type"]["value"] in {"lz4", "producer", "gzip", "snappy", "zstd", "uncompressed"}
    assert "cleanup.policy" in configs or "retention.ms" in configs


def test_admin_lists_and_describes_groups(broker, admin, topic_factory):
    topic = topic_factory(2)
    group = f"kp-described-{topic}"
    produce_acked(broker.bootstrap, topic, [b"x", b"y"], partition=0)
    member = group_consumer(broker, topic, group)
    try:
        assert len(poll_values(member, 2)) == 2
        member.commit()
        listed = {g["group_id"]: g for g in admin.list_groups()}
        assert group in listed
        assert listed[group]["protocol_type"] == "consumer"
        description = admin.describe_groups([group])[group]
        assert description["error"] is None
        assert description["group_state"] == "Stable"
        assert description["protocol_type"] == "consumer"
        [only] = description["members"]
        assignment = only["member_assignment"]
        # kafka-python returns the decoded assignment as plain dicts.
        assigned = {(t["topic"], p) for t in assignment["assigned_partitions"] for p in t["partitions"]}
        assert assigned == {(topic, 0), (topic, 1)}
        offsets = admin.list_group_offsets({group: None})[group]
        assert offsets[TopicPartition(topic, 0)].offset == 2
    finally:
        member.close()
