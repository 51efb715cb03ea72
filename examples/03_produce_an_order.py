"""Step 3: produce an order of our own and watch the dashboard list it."""
import json
import time
import uuid
from datetime import datetime, timezone

from kafka import KafkaProducer

from aseed_class import KAFKA, dashboard

order_id = "ORDER-CLASS-" + uuid.uuid4().hex[:8].upper()
order = {
    "order_id": order_id, "product_id": "PROD-021", "product_name": "Programming Guide", "category": "Books",
    "price": 39.99, "quantity": 1, "customer_id": "CUST-CLASS",
    "timestamp": datetime.now(timezone.utc).isoformat(),  # always with the zone: +00:00
}
producer = KafkaProducer(bootstrap_servers=KAFKA, acks="all")
producer.send("orders", key=order_id.encode(), value=json.dumps(order).encode()).get(timeout=30)
producer.close()
print("sent", order_id)

deadline = time.time() + 30
while time.time() < deadline:
    recent = [row["order_id"] for row in dashboard("/api/dashboard_data")["recent_orders"]]
    if order_id in recent:
        print(f"the dashboard lists {order_id} among the {len(recent)} newest orders")
        break
    time.sleep(0.5)
else:
    raise SystemExit(f"{order_id} did not appear on the dashboard within 30 s")
