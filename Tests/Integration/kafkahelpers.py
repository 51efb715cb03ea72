"""Small client-side helpers built on confluent-kafka, shared by the suites."""
import time
import uuid

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def create_topic(bootstrap: str, name: str, partitions: int, timeout: float = 20.0) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)],
                                  operation_timeout=10, request_timeout=15)
    futures[name].result(timeout)
    wait_for_topic(bootstrap, name, partitions, timeout)


def wait_for_topic(bootstrap: str, name: str, partitions: int, timeout: float = 20.0) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        metadata = admin.list_topics(topic=name, timeout=5)
        topic = metadata.topics.get(name)
        if topic is not None and topic.error is None:
            seen = len(topic.partitions)
            if seen == partitions and all(p.leader >= 0 for p in topic.partitions.values()):
                return
        time.sleep(0.1)
    raise AssertionError(f"topic {name} not ready with {partitions} partitions (saw {seen})")


def produce_acked(bootstrap: str, topic: str, values, partition: int = 0, key=None, **config):
    """Produces each value with acks=all and idempotence and returns the acknowledged offsets.
    Raises if any delivery failed."""
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
                         "linger.ms": 5, **config})
    offsets, errors = [], []

    def report(err, msg):
        if err is not None:
            errors.append(err)
        else:
            offsets.append(msg.offset())

    for value in values:
        producer.produce(topic, value=value, key=key, partition=partition, on_delivery=report)
        producer.poll(0)
    remaining = producer.flush(30)
    assert remaining == 0, f"{remaining} messages still unacknowledged after 30s"
    assert not errors, f"delivery failed: {errors[:3]}"
    return offsets


def read_partition(bootstrap: str, topic: str, partition: int, count: int, start: int = 0,
                   timeout: float = 30.0):
    """Reads `count` messages from one partition starting at `start` (no group); returns them."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"reader-{uuid.uuid4().hex[:8]}",
                         "enable.auto.commit": False, "enable.partition.eof": False})
    try:
        consumer.assign([TopicPartition(topic, partition, start)])
        messages = []
        deadline = time.monotonic() + timeout
        while len(messages) < count and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                raise KafkaException(msg.error())
            messages.append(msg)
        assert len(messages) >= count, f"read {len(messages)} of {count} messages from {topic}[{partition}]"
        return messages
    finally:
        consumer.close()


HEALTH_TOPIC = "health-check"


def assert_broker_serves(bootstrap: str) -> None:
    """A fresh client can still produce a record and read it back."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    metadata = admin.list_topics(timeout=10)
    if HEALTH_TOPIC not in metadata.topics:
        try:
            create_topic(bootstrap, HEALTH_TOPIC, 1)
        except KafkaException as error:
            if error.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise
            wait_for_topic(bootstrap, HEALTH_TOPIC, 1)
    marker = uuid.uuid4().hex.encode()
    [offset] = produce_acked(bootstrap, HEALTH_TOPIC, [marker])
    [message] = read_partition(bootstrap, HEALTH_TOPIC, 0, 1, start=offset, timeout=15)
    assert message.value() == marker
    assert message.offset() == offset


def read_and_commit(bootstrap: str, group: str, topic: str, count: int, timeout: float = 60.0) -> None:
    """Reads `count` records of `topic` in `group` from the earliest, commits where it got and
    leaves the group (it is empty afterwards)."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    consumer.subscribe([topic])
    seen = 0
    deadline = time.monotonic() + timeout
    while seen < count and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is not None and not message.error():
            seen += 1
    assert seen == count, f"read {seen} of {count} records of {topic}"
    consumer.commit(asynchronous=False)
    consumer.close()


def committed(bootstrap: str, group: str, topic: str, partitions: int = 2) -> list[int]:
    """The group's committed offset of each partition of `topic` (-1001 where none)."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    try:
        wanted = [TopicPartition(topic, partition) for partition in range(partitions)]
        return [p.offset for p in consumer.committed(wanted, 30)]
    finally:
        consumer.close()
