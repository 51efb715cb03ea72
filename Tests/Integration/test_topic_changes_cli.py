"""`aseed topics add-partitions|alter-config|delete-records`: each change made with the command
and checked through confluent-kafka's AdminClient and a consumer; refusals end the command with
the broker's reason."""
import subprocess

import pytest
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, OffsetSpec, ResourceType

from conftest import ASEED_BIN, unique
from kafkahelpers import create_topic, produce_acked

pytestmark = pytest.mark.needs_aseed


def aseed(bootstrap, *args, check=True):
    result = subprocess.run([ASEED_BIN, "topics", *args, "--bootstrap-servers", bootstrap],
                            capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"aseed topics {' '.join(args)} exited {result.returncode}\n{result.stderr}")
    return result


def configs(admin, topic):
    resource = ConfigResource(ResourceType.TOPIC, topic)
    return admin.describe_configs([resource])[resource].result(timeout=30)


def earliest(admin, topic, partition):
    key = TopicPartition(topic, partition)
    return admin.list_offsets({key: OffsetSpec.earliest()})[key].result(timeout=30).offset


def test_add_partitions_grows_the_topic_and_refuses_to_shrink_it(broker):
    topic = unique("grow")
    create_topic(broker.bootstrap, topic, 2)
    out = aseed(broker.bootstrap, "add-partitions", topic, "--count", "5").stdout
    assert f"topic {topic} now has 5 partitions" in out
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    assert len(admin.list_topics(topic, timeout=30).topics[topic].partitions) == 5
    produce_acked(broker.bootstrap, topic, [b"into the new partition"], partition=4)

    shrink = aseed(broker.bootstrap, "add-partitions", topic, "--count", "3", check=False)
    assert shrink.returncode != 0 and "INVALID_PARTITIONS" in shrink.stderr
    missing = aseed(broker.bootstrap, "add-partitions", unique("absent"), "--count", "3", check=False)
    assert missing.returncode != 0 and "UNKNOWN_TOPIC_OR_PARTITION" in missing.stderr


def test_alter_config_sets_and_removes_configs_all_or_none(broker):
    topic = unique("configs")
    create_topic(broker.bootstrap, topic, 1)
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    out = aseed(broker.bootstrap, "alter-config", topic, "--set", "retention.ms=3600000",
                "--set", "max.message.bytes=2000000").stdout
    assert f"set retention.ms=3600000 on {topic}" in out
    described = configs(admin, topic)
    assert described["retention.ms"].value == "3600000" and described["max.message.bytes"].value == "2000000"

    aseed(broker.bootstrap, "alter-config", topic, "--delete", "retention.ms")
    described = configs(admin, topic)
    assert described["retention.ms"].value == "604800000" and described["retention.ms"].is_default

    # One bad value refuses the whole request: the good one is not applied either.
    bad = aseed(broker.bootstrap, "alter-config", topic, "--set", "segment.ms=60000",
                "--set", "retention.ms=soon", check=False)
    assert bad.returncode != 0 and "INVALID_CONFIG" in bad.stderr and "retention.ms" in bad.stderr
    assert configs(admin, topic)["segment.ms"].is_default

    unknown = aseed(broker.bootstrap, "alter-config", topic, "--set", "no.such.config=1", check=False)
    assert unknown.returncode != 0 and "no.such.config" in unknown.stderr
    malformed = aseed(broker.bootstrap, "alter-config", topic, "--set", "retention.ms", check=False)
    assert malformed.returncode != 0 and "expected key=value" in malformed.stderr
    nothing = aseed(broker.bootstrap, "alter-config", topic, check=False)
    assert nothing.returncode != 0 and "--set key=value or --delete key" in nothing.stderr


def test_delete_records_moves_the_earliest_offset_and_consumers_start_there(broker):
    topic = unique("trim")
    create_topic(broker.bootstrap, topic, 2)
    for partition in (0, 1):
        produce_acked(broker.bootstrap, topic, [b"p%d-%d" % (partition, i) for i in range(10)], partition=partition)
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})

    out = aseed(broker.bootstrap, "delete-records", topic, "--partition", "0", "--before", "6").stdout
    assert [line.split() for line in out.splitlines()[1:]] == [["0", "6"]]
    assert earliest(admin, topic, 0) == 6 and earliest(admin, topic, 1) == 0
    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": unique("g"),
                         "auto.offset.reset": "earliest"})
    consumer.assign([TopicPartition(topic, 0, 0)])
    first = None
    for _ in range(50):
        message = consumer.poll(0.5)
        if message is not None and not message.error():
            first = message
            break
    consumer.close()
    assert first is not None and first.offset() == 6 and first.value() == b"p0-6"

    out = aseed(broker.bootstrap, "delete-records", topic, "--before", "end").stdout
    assert [line.split() for line in out.splitlines()[1:]] == [["0", "10"], ["1", "10"]]
    assert earliest(admin, topic, 1) == 10

    past = aseed(broker.bootstrap, "delete-records", topic, "--partition", "1", "--before", "99", check=False)
    assert past.returncode != 0 and "OFFSET_OUT_OF_RANGE" in past.stderr
    bad = aseed(broker.bootstrap, "delete-records", topic, "--before", "yesterday", check=False)
    assert bad.returncode != 0 and "expected an offset" in bad.stderr
