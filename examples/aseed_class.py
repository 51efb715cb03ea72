"""Shared helpers of the classroom examples: where the appliance is, and reading its API."""
import json
import os
import urllib.request

KAFKA = os.environ.get("ASEED_KAFKA", "localhost:9092")
DASHBOARD = os.environ.get("ASEED_DASHBOARD", "http://localhost:5005").rstrip("/")


def dashboard(path):
    """GET a dashboard endpoint and decode its JSON."""
    with urllib.request.urlopen(DASHBOARD + path, timeout=10) as answer:
        return json.load(answer)


def parse_order(value):
    """The order in a record, or None for a malformed one (the simulator sends a few on purpose)."""
    try:
        order = json.loads(value)
        if isinstance(order, dict) and {"order_id", "product_id", "price", "quantity"} <= order.keys():
            return order
    except ValueError:
        pass
    return None
