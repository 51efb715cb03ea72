"""The job's results as the dashboard and the analyzer snapshot name them, and their POSTs.

`Publish` in orders_job.py keeps the latest result row per (kind, key) and uses these to turn
them into figures and to send them; nothing here knows Flink.
"""
from __future__ import annotations

import datetime
import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal

import order_rules as rules

# Column layout of the result rows: one layout for every kind of row, so that one changelog
# carries them all to `Publish`.
COLUMNS = ("kind", "k", "label", "n1", "n2", "n3", "d1", "d2", "t")
# The newest closed windows sent in a summary: a day of one-minute windows keeps the body far
# below the dashboard's 1 MiB limit however long the job runs.
SUMMARY_WINDOWS = 1440


def log(message: str, stderr: bool = False) -> None:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M:%S.%f")[:-3]
    line = f"{stamp} flink-orders: {message}\n"
    # Inside Flink's task threads stderr goes nowhere anyone reads: the job names a file.
    path = os.environ.get("ASEED_FLINK_MESSAGES")
    if path:
        with open(path, "a") as messages:
            messages.write(line)
    if stderr or not path:
        sys.stderr.write(line)
        sys.stderr.flush()


def figures(rows, window_seconds: int) -> dict:
    """Everything, in the analyzer snapshot's field names; money rounded to the cent only here."""
    products, categories, windows, counters = [], [], [], {}
    totals = {"orders": 0, "units": 0, "revenue": rules.cents(0), "unique_customers": 0,
              "average_order_value": rules.cents(0)}
    for kind, key, label, n1, n2, n3, d1, d2, t in rows:
        if kind == "product":
            category, name = json.loads(label[20:])  # after the 20-digit event time
            products.append({
                "product_id": key, "product_name": name, "category": category, "order_count": n1,
                "total_quantity": n2, "total_revenue": rules.cents(int(d1)),
                "avg_price": rules.cents(int(d2), n1), "last_order_time": rules.iso_utc(t)})
        elif kind == "category":
            categories.append((-int(d1), key, {
                "category": key, "order_count": n1, "total_quantity": n2, "total_revenue": rules.cents(int(d1)),
                "avg_price": rules.cents(int(d2), n1), "last_order_time": rules.iso_utc(t),
                "unique_products": n3}))
        elif kind == "totals":
            totals = {"orders": n1, "units": n2, "revenue": rules.cents(int(d1)), "unique_customers": n3,
                      "average_order_value": rules.cents(int(d1), n1) if n1 else rules.cents(0)}
        elif kind == "counter":
            counters[key] = n1
        elif kind == "window":
            item = json.loads(label)
            item["revenue"] = rules.cents(int(item.pop("revenue_micros")))
            windows.append(item)
    malformed = {reason: counters.get(reason, 0) for reason in rules.REASONS}
    return {"totals": totals,
            "products": sorted(products, key=lambda p: p["product_id"]),
            # by revenue desc, then name, as the snapshot lists them
            "categories": [c for _, _, c in sorted(categories, key=lambda c: (c[0], c[1]))],
            "windows": {"length_seconds": window_seconds, "items": sorted(windows, key=lambda w: w["start"])},
            "pipeline": {"duplicates": counters.get("duplicate", 0), "late_records": counters.get("late", 0),
                         "malformed_total": sum(malformed.values()), "malformed": malformed}}


def to_json(value):
    if isinstance(value, Decimal):
        return rules.money_json(value)
    raise TypeError(f"{type(value)} is not JSON")


@dataclass
class Dashboard:
    """Where the results go: the dashboard's URL and admin token."""

    url: str
    token: str | None
    parallelism: int

    def post(self, batch: int, current: dict, missing_routes: set) -> None:
        """The original's two external routes for products and categories, and the summary
        route for the rest."""
        header = {"batch_id": batch,
                  "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")
                  .replace("+00:00", "Z")}
        pipeline = current["pipeline"]
        bodies = {
            "/api/top_products": {**header, "products": [
                {k: p[k] for k in ("product_id", "product_name", "category", "order_count", "total_quantity",
                                   "total_revenue", "avg_price")} for p in current["products"]]},
            "/api/categories": {**header, "categories": [
                {k: c[k] for k in ("category", "order_count", "total_quantity", "total_revenue", "unique_products")}
                for c in current["categories"]]},
            "/api/external/summary": {
                **header, "analyzer": "flink", "parallelism": self.parallelism,
                "totals": {k: current["totals"][k] for k in ("orders", "units", "revenue", "unique_customers")},
                "duplicates": pipeline["duplicates"], "late_records": pipeline["late_records"],
                "malformed": pipeline["malformed_total"],
                "windows": [{k: w[k] for k in ("start", "end", "orders", "units", "revenue")}
                            for w in current["windows"]["items"][-SUMMARY_WINDOWS:]]},
        }
        for path, body in bodies.items():
            self.send(path, body, missing_routes)

    def send(self, path: str, body: dict, missing_routes: set) -> None:
        request = urllib.request.Request(self.url.rstrip("/") + path, method="POST",
                                         data=json.dumps(body, default=to_json).encode())
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except urllib.error.HTTPError as error:
            detail = error.read()[:300].decode(errors="replace")
            if error.code != 404:
                log(f"POST {path}: HTTP {error.code} {detail}")
            elif path not in missing_routes:
                # The summary route is newer than the other two: an older dashboard lacks it.
                missing_routes.add(path)
                log(f"POST {path}: 404, this dashboard does not have the route; going on without it")
        except OSError as error:
            log(f"POST {path}: {error}")
