#!/usr/bin/env python3
"""A solution of the lab analytics.toml, for one student: read every order, rank the products
as the analyzer does, post the answers, produce a few valid orders, one bad one and one late.

    python3 solution.py --bootstrap localhost:9092 --dashboard http://localhost:5005 --name alice

Needs confluent-kafka. Run it while the shop is quiet (the simulator paused), or the ranking
may move between reading and posting."""

import argparse
import json
import time
import urllib.request
import uuid
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from confluent_kafka import Consumer, Producer, TopicPartition

FIELDS = {"order_id": str, "product_id": str, "product_name": str, "category": str, "customer_id": str,
          "timestamp": str}


def valid(order) -> bool:
    """The analyzer's rules, in short: an object with every field, of the right type, in range."""
    if not isinstance(order, dict):
        return False
    for field, kind in FIELDS.items():
        if not isinstance(order.get(field), kind):
            return False
    price, quantity = order.get("price"), order.get("quantity")
    if isinstance(price, bool) or not isinstance(price, (int, float)) or price < 0:
        return False
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        return False
    if not order["order_id"] or not order["product_id"]:
        return False
    try:
        moment = datetime.fromisoformat(order["timestamp"].replace("Z", "+00:00"))
    except ValueError:
        return False
    return moment.tzinfo is not None


def read_orders(common: dict, group: str) -> list:
    """Every valid order of the topic up to its end now, each order_id once, and commits."""
    consumer = Consumer({**common, "group.id": group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    partitions = consumer.list_topics("orders", timeout=10).topics["orders"].partitions
    ends = {p: consumer.get_watermark_offsets(TopicPartition("orders", p), timeout=10)[1] for p in partitions}
    consumer.subscribe(["orders"])
    positions, orders, seen = defaultdict(int), [], set()
    deadline = time.monotonic() + 60
    while any(positions[p] < end for p, end in ends.items()) and time.monotonic() < deadline:
        message = consumer.poll(1.0)
        if message is None or message.error() is not None:
            continue
        positions[message.partition()] = message.offset() + 1
        try:
            order = json.loads(message.value())
        except (TypeError, ValueError):
            continue
        if valid(order) and order["order_id"] not in seen:
            seen.add(order["order_id"])
            orders.append(order)
    consumer.commit(asynchronous=False)
    consumer.close()
    print(f"read {len(orders)} valid orders")
    return orders


def revenue_leader(orders: list) -> str:
    revenue, count = defaultdict(Decimal), defaultdict(int)
    for order in orders:
        revenue[order["product_id"]] += Decimal(str(order["price"])) * order["quantity"]
        count[order["product_id"]] += 1
    return min(revenue, key=lambda p: (-revenue[p], -count[p], p))


def recent_orders_leader(orders: list, minutes: int = 5) -> str:
    def minute(order) -> int:
        moment = datetime.fromisoformat(order["timestamp"].replace("Z", "+00:00"))
        return int(moment.timestamp()) // 60
    newest = max(minute(order) for order in orders)
    count, revenue = defaultdict(int), defaultdict(Decimal)
    for order in orders:
        if minute(order) > newest - minutes:
            count[order["product_id"]] += 1
            revenue[order["product_id"]] += Decimal(str(order["price"])) * order["quantity"]
    return min(count, key=lambda p: (-count[p], -revenue[p], p))


def post(dashboard: str, name: str, step: str, answer: str) -> None:
    body = json.dumps({"name": name, "step": step, "answer": answer}).encode()
    request = urllib.request.Request(f"{dashboard}/api/labs/current/answers", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        verdict = json.loads(response.read())
    print(f"{step}: {answer}: {verdict['message']}")


def produce_good_orders(common: dict, topic: str) -> None:
    producer = Producer(common)
    for number in range(5):
        producer.produce(topic, json.dumps({
            "order_id": str(uuid.uuid4()), "product_id": "PROD-001", "product_name": "Notebook",
            "category": "Books", "customer_id": "CUST-1", "price": 12.5, "quantity": 1 + number,
            "timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }).encode())
    if producer.flush(10) != 0:
        raise SystemExit("the orders were not all delivered")
    print(f"produced 5 valid orders to {topic}")


def produce_bad_order(common: dict, name: str) -> None:
    """One record the analyzer refuses (a price in quotes), keyed with the student's name, so
    its copy in orders.dlq is easy to find."""
    producer = Producer(common)
    producer.produce("orders", json.dumps({
        "order_id": str(uuid.uuid4()), "product_id": "PROD-001", "product_name": "Notebook",
        "category": "Books", "customer_id": "CUST-1", "price": "12.50", "quantity": 1,
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }).encode(), key=name.encode())
    if producer.flush(10) != 0:
        raise SystemExit("the bad order was not delivered")
    print("produced a bad order to orders; the analyzer copies it to orders.dlq")


def produce_late_order(common: dict, name: str) -> None:
    """A valid order timestamped 10 minutes ago: older than its partition's watermark."""
    producer = Producer(common)
    then = datetime.now(timezone.utc) - timedelta(minutes=10)
    producer.produce("orders", json.dumps({
        "order_id": f"{name}-late-{uuid.uuid4()}", "product_id": "PROD-001", "product_name": "Notebook",
        "category": "Books", "customer_id": "CUST-1", "price": 12.5, "quantity": 1,
        "timestamp": then.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }).encode())
    if producer.flush(10) != 0:
        raise SystemExit("the late order was not delivered")
    print("produced an order 10 minutes late to orders")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bootstrap", default="localhost:9092")
    parser.add_argument("--dashboard", default="http://localhost:5005")
    parser.add_argument("--name", required=True)
    args = parser.parse_args()
    common = {"bootstrap.servers": args.bootstrap, "client.id": args.name}
    orders = read_orders(common, f"g-{args.name}")
    post(args.dashboard, args.name, "top-all", revenue_leader(orders))
    post(args.dashboard, args.name, "top-5m", recent_orders_leader(orders))
    produce_good_orders(common, f"students.{args.name}")
    produce_bad_order(common, args.name)
    produce_late_order(common, args.name)


if __name__ == "__main__":
    main()
