"""Step 1: connect to the appliance's broker like to any Kafka, list the topics and read the
newest orders."""
import json

from kafka import KafkaConsumer, TopicPartition

from aseed_class import KAFKA

consumer = KafkaConsumer(bootstrap_servers=KAFKA, consumer_timeout_ms=3000)
print("topics:", sorted(t for t in consumer.topics() if not t.startswith("__")))
partitions = [TopicPartition("orders", p) for p in sorted(consumer.partitions_for_topic("orders"))]
print("orders has", len(partitions), "partitions")

consumer.assign(partitions)
ends = consumer.end_offsets(partitions)
for partition in partitions:
    consumer.seek(partition, max(0, ends[partition] - 2))  # the last two orders of each partition
for record in consumer:
    print(f"partition {record.partition} offset {record.offset}: {json.loads(record.value)['order_id']}"
          if record.value.startswith(b"{") else f"partition {record.partition}: not an order")
consumer.close()
