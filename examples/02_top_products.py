"""Step 2: read every order from the beginning, rank the products by number of orders
ourselves, and compare with the ranking the dashboard shows."""
from collections import Counter

from kafka import KafkaConsumer, TopicPartition

from aseed_class import KAFKA, dashboard, parse_order

before = dashboard("/api/dashboard_data")  # what the analyzer had counted when we started
consumer = KafkaConsumer(bootstrap_servers=KAFKA, enable_auto_commit=False)
partitions = [TopicPartition("orders", p) for p in consumer.partitions_for_topic("orders")]
consumer.assign(partitions)
consumer.seek_to_beginning()
ends = consumer.end_offsets(partitions)

counts, seen, malformed = Counter(), set(), 0
while any(consumer.position(p) < ends[p] for p in partitions):
    for records in consumer.poll(timeout_ms=1000).values():
        for record in records:
            order = parse_order(record.value)
            if order is None:
                malformed += 1
            elif order["order_id"] not in seen:  # a retried order counts once
                seen.add(order["order_id"])
                counts[order["product_id"]] += 1
consumer.close()

ours = counts.most_common(5)
print(f"{len(seen)} orders read ({malformed} malformed records skipped)")
print("our top 5:      ", [product for product, _ in ours])
theirs = [row["product_id"] for row in before["top_products"][:5]]
print("dashboard top 5:", theirs)
print("the dashboard counted", before["metrics"]["total_orders"], "orders when we started;",
      "new orders keep arriving, so small differences at the bottom of the list are expected")
