"""Step 1: connect to the appliance's broker like to any Kafka, list the topics and read the
newest orders."""
import json

from kafka import KafkaConsumer, TopicPartition

from aseed_class import KAFKA

consumer = KafkaConsumer(bootstrap_servers=KAFKA, enable_auto_commit=False)
print("topics:", sorted(t for t in consumer.topics() if not t.startswith("__")))
partitions = [TopicPartition("orders", p) for p in sorted(consumer.partitions_for_topic("orders"))]
print("orders has", len(partitions), "partitions")

consumer.assign(partitions)
ends = consumer.end_offsets(partitions)
for partition in partitions:
    consumer.seek(partition, max(0, ends[partition] - 2))  # the last two orders of each partition
# Orders keep arriving: read up to the ends we saw, not forever.
while any(consumer.position(p) < ends[p] for p in partitions):
    for records in consumer.poll(timeout_ms=1000).values():
        for record in records:
            if record.offset >= ends[TopicPartition(record.topic, record.partition)]:
                continue
            try:
                text = json.loads(record.value)["order_id"]
            except (ValueError, KeyError, TypeError):
                text = "not an order (the simulator sends a few on purpose)"
            print(f"partition {record.partition} offset {record.offset}: {text}")
consumer.close()
