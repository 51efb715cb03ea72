#!/usr/bin/env python3
"""A solution of the lab first-steps.toml, for one student: every step, in order.

    python3 solution.py --bootstrap localhost:9092 --name alice

Needs confluent-kafka (pip install confluent-kafka). Each program connects with client.id set
to the student's name, which is how the appliance knows who did what."""

import argparse
import json
import time
import uuid
from datetime import datetime, timezone

from confluent_kafka import Consumer, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic


def order(number: int) -> bytes:
    """One order as the analyzer accepts it (the fields and ranges of the topic orders)."""
    return json.dumps({
        "order_id": str(uuid.uuid4()),
        "product_id": f"P{number % 5 + 1:03d}",
        "product_name": "Notebook",
        "category": "Books",
        "customer_id": "C042",
        "price": 12.5,
        "quantity": 1 + number % 3,
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }).encode()


def connect(common: dict) -> None:
    metadata = AdminClient(common).list_topics(timeout=10)
    print(f"connected: {len(metadata.topics)} topics")


def produce(common: dict, topic: str) -> None:
    producer = Producer(common)
    for number in range(10):
        producer.produce(topic, order(number))
    if producer.flush(10) != 0:
        raise SystemExit("the orders were not all delivered")
    print(f"produced 10 orders to {topic}")


def make_topic(common: dict, topic: str) -> None:
    admin = AdminClient(common)
    futures = admin.create_topics([NewTopic(topic, num_partitions=6, replication_factor=1)])
    try:
        futures[topic].result(10)
    except KafkaException as error:
        if "TOPIC_ALREADY_EXISTS" not in str(error):
            raise
    print(f"topic {topic} has 6 partitions")


def produce_with_keys(common: dict, topic: str) -> None:
    producer = Producer(common)
    for number in range(10):
        value = order(number)
        producer.produce(topic, value, key=json.loads(value)["product_id"])
    if producer.flush(10) != 0:
        raise SystemExit("the orders were not all delivered")
    print(f"produced 10 orders with their product id as key to {topic}")


def make_topic_with(common: dict, topic: str, config: dict) -> None:
    admin = AdminClient(common)
    new = NewTopic(topic, num_partitions=1, replication_factor=1, config=config)
    try:
        admin.create_topics([new])[topic].result(10)
    except KafkaException as error:
        if "TOPIC_ALREADY_EXISTS" not in str(error):
            raise
    print(f"topic {topic} has {config}")


def consume_and_commit(common: dict, group: str) -> None:
    consumer = Consumer({**common, "group.id": group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    consumer.subscribe(["orders"])
    read, deadline = 0, time.monotonic() + 30
    while read < 200 and time.monotonic() < deadline:
        message = consumer.poll(1.0)
        if message is not None and message.error() is None:
            read += 1
    # A second round of polls so every assigned partition has a position to commit.
    for _ in range(3):
        consumer.poll(0.5)
    consumer.commit(asynchronous=False)
    consumer.close()
    print(f"read {read} orders in group {group} and committed")


def rebalance(common: dict, group: str) -> None:
    settings = {**common, "group.id": group, "auto.offset.reset": "latest"}
    first, second = Consumer(settings), Consumer(settings)
    first.subscribe(["orders"])
    deadline = time.monotonic() + 30
    while not first.assignment() and time.monotonic() < deadline:
        first.poll(0.5)
    second.subscribe(["orders"])
    while time.monotonic() < deadline and (not second.assignment() or not first.assignment()):
        first.poll(0.2)
        second.poll(0.2)
    print(f"group {group}: {len(first.assignment())} + {len(second.assignment())} partitions")
    first.close()
    second.close()


def idempotent(common: dict, topic: str) -> None:
    producer = Producer({**common, "enable.idempotence": True})
    producer.produce(topic, order(100))
    producer.flush(10)
    print("produced with idempotence")


def transaction(common: dict, topic: str, name: str) -> None:
    producer = Producer({**common, "transactional.id": f"{name}.tx"})
    producer.init_transactions(30)
    producer.begin_transaction()
    producer.produce(topic, order(200))
    producer.commit_transaction(30)
    print("committed a transaction")


def read_committed(common: dict, topic: str, name: str) -> None:
    consumer = Consumer({**common, "group.id": f"{name}-committed", "auto.offset.reset": "earliest",
                         "isolation.level": "read_committed", "enable.auto.commit": False})
    consumer.subscribe([topic])
    read, deadline = 0, time.monotonic() + 20
    while read < 10 and time.monotonic() < deadline:
        message = consumer.poll(1.0)
        if message is not None and message.error() is None:
            read += 1
    consumer.close()
    print(f"read {read} committed records of {topic}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bootstrap", default="localhost:9092")
    parser.add_argument("--name", required=True)
    args = parser.parse_args()
    common = {"bootstrap.servers": args.bootstrap, "client.id": args.name}
    topic = f"students.{args.name}"
    connect(common)
    produce(common, topic)
    make_topic(common, f"{topic}.six")
    produce_with_keys(common, f"{topic}.six")
    make_topic_with(common, f"{topic}.latest", {"cleanup.policy": "compact"})
    make_topic_with(common, f"{topic}.recent", {"retention.ms": "3600000"})
    consume_and_commit(common, f"g-{args.name}")
    rebalance(common, f"g-{args.name}-pair")
    idempotent(common, topic)
    transaction(common, topic, args.name)
    read_committed(common, topic, args.name)


if __name__ == "__main__":
    main()
