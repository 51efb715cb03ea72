"""The dashboard of a real `aseed run`: every endpoint's shape and status codes, the admin
token, limits, the WebSocket events and Origin check, /metrics and /readyz."""
import json
import os
import pathlib
import signal
import stat
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from conftest import ASEED_BIN, free_port, wait_for, wait_for_port

pytestmark = [pytest.mark.needs_aseed, pytest.mark.timeout(120)]


class Appliance:
    def __init__(self, base: pathlib.Path):
        self.kafka_port = free_port()
        self.port = free_port()
        self.data_dir = base / "data"
        self.log_dir = base / "logs"
        self.url = f"http://127.0.0.1:{self.port}"
        self.stderr_path = base / "stderr.txt"
        with open(self.stderr_path, "wb") as stderr:
            self.process = self._start(stderr)
        wait_for_port("127.0.0.1", self.port, 30, self.process)
        self.token = (self.data_dir / "dashboard" / "admin-token").read_text().strip()

    def _start(self, stderr):
        return subprocess.Popen(
            [ASEED_BIN, "run", "--data-dir", str(self.data_dir), "--log-dir", str(self.log_dir),
             "--kafka-listen", f"127.0.0.1:{self.kafka_port}", "--kafka-advertise", f"127.0.0.1:{self.kafka_port}",
             "--dashboard-listen", f"127.0.0.1:{self.port}", "--rate", "200", "--trigger-ms", "200"],
            stdout=subprocess.DEVNULL, stderr=stderr)

    def request(self, path, method="GET", body=None, token=None, headers=None):
        """(status, headers, body bytes) without raising on error statuses."""
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers or {})
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def json(self, path, expected=200, **kwargs):
        status, headers, body = self.request(path, **kwargs)
        assert status == expected, f"{path}: {status} {body[:300]!r}"
        assert headers["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(body)

    def wait_for(self, condition, timeout=30, message="condition"):
        return wait_for(condition, timeout, message)


@pytest.fixture(scope="module")
def appliance(tmp_path_factory):
    instance = Appliance(tmp_path_factory.mktemp("dashboard"))
    try:
        instance.wait_for(lambda: instance.request("/readyz")[0] == 200, message="/readyz 200")
        instance.wait_for(lambda: instance.json("/api/status")["total_orders"] > 0, message="orders counted")
        yield instance
    finally:
        instance.process.send_signal(signal.SIGTERM)
        status = instance.process.wait(30)
    assert status == 0


def test_the_token_is_generated_0600_shown_once_on_stderr_and_never_logged(appliance):
    path = appliance.data_dir / "dashboard" / "admin-token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(appliance.token) == 64
    assert appliance.stderr_path.read_text().count(appliance.token) == 1
    logs = sorted(appliance.log_dir.iterdir())
    assert {log.name for log in logs} >= {"appliance.log", "broker.log", "simulator.log", "analyzer.log", "dashboard.log"}
    for log in logs:
        assert appliance.token not in log.read_text(), log.name
    assert str(path) in (appliance.log_dir / "dashboard.log").read_text()


def test_logs_are_for_the_service_user_and_group_only(appliance):
    assert stat.S_IMODE(appliance.log_dir.stat().st_mode) == 0o750
    for log in appliance.log_dir.iterdir():
        assert stat.S_IMODE(log.stat().st_mode) == 0o640, log.name


def test_every_answer_carries_the_security_headers(appliance):
    for path in ("/healthz", "/api/status", "/no/such/route", "/metrics"):
        _, headers, _ = appliance.request(path)
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


def test_health_and_readiness(appliance):
    assert appliance.json("/healthz") == {"status": "ok"}
    assert appliance.json("/readyz")["status"] == "ready"


def test_the_original_endpoints_keep_their_field_names(appliance):
    status = appliance.json("/api/status")
    assert set(status) == {"status", "timestamp", "total_orders", "total_revenue", "orders_per_minute"}
    assert status["status"] == "ok"
    services = appliance.json("/api/service-status")
    assert services["overall_status"] == "healthy"
    assert set(services["services"]) == {"broker", "simulator", "analyzer", "dashboard"}
    for service in services["services"].values():
        assert {"status", "last_check", "uptime_seconds", "throughput", "last_error"} <= set(service)
        assert service["status"] == "running"
    assert services["summary"] == {"total_services": 4, "running": 4, "stopped": 0}
    assert services["resources"]["resident_bytes"] > 0
    data = appliance.json("/api/dashboard_data")
    assert set(data) == {"top_products", "categories", "recent_orders", "metrics", "timestamp"}
    assert 0 < len(data["top_products"]) <= 10
    assert {"product_id", "product_name", "category", "order_count", "total_quantity", "total_revenue",
            "avg_price"} <= set(data["top_products"][0])
    counts = [row["order_count"] for row in data["top_products"]]
    assert counts == sorted(counts, reverse=True)
    assert {"category", "order_count", "total_quantity", "total_revenue", "unique_products"} <= set(data["categories"][0])
    assert 0 < len(data["recent_orders"]) <= 50
    assert {"order_id", "product_id", "price", "quantity", "customer_id", "timestamp", "total_value"} <= set(data["recent_orders"][0])
    assert set(data["metrics"]) >= {"total_orders", "total_revenue", "orders_per_minute"}
    assert data["timestamp"].endswith("Z")


def test_the_new_analytics_endpoints(appliance):
    snapshot = appliance.json("/api/snapshot")
    assert {"sequence", "generated_at", "totals", "products", "categories", "top_products", "windows", "recent_orders",
            "alerts", "pipeline"} == set(snapshot)
    windows = appliance.json("/api/windows?minutes=5")
    assert windows["length_seconds"] == 60 and isinstance(windows["items"], list)
    top = appliance.json("/api/top?span=5m&by=units")
    assert top["span"] == "5m" and top["by"] == "units"
    assert isinstance(appliance.json("/api/alerts")["alerts"], list)
    assert appliance.json("/api/pipeline")["records_in"] > 0
    assert appliance.json("/api/top?span=1y", expected=400)["error"] == "invalid-parameter"
    paths = appliance.json("/api/openapi.json")["paths"]
    for path in ("/api/status", "/api/service-status", "/api/dashboard_data", "/api/top_products", "/api/broker/messages",
                 "/api/control/simulator", "/metrics", "/readyz", "/ws"):
        assert path in paths


def test_the_broker_console(appliance):
    topics = {topic["name"]: topic for topic in appliance.json("/api/broker/topics")["topics"]}
    orders = topics["orders"]
    assert [p["partition"] for p in orders["partitions"]] == [0, 1, 2]
    assert set(orders["partitions"][0]) == {"partition", "leader", "earliest_offset", "latest_offset", "size_bytes", "messages_per_second"}
    assert sum(p["latest_offset"] for p in orders["partitions"]) > 0
    assert orders["partitions"][0]["size_bytes"] > 0
    assert "configs" in appliance.json("/api/broker/topics/orders")
    assert appliance.json("/api/broker/topics/no-such-topic", expected=404)["error"] == "not-found"
    groups = appliance.wait_for(lambda: [g for g in appliance.json("/api/broker/groups")["groups"]
                                         if g["group_id"] == "aseed-analyzer"], message="the analyzer's group")
    assert set(groups[0]) == {"group_id", "state", "protocol_type", "members"}
    group = appliance.json("/api/broker/groups/aseed-analyzer")
    assert {o["partition"] for o in group["offsets"] if o["topic"] == "orders"} == {0, 1, 2}
    assert all(set(o) == {"topic", "partition", "committed", "latest", "lag"} for o in group["offsets"])
    messages = appliance.json("/api/broker/messages?topic=orders&limit=5")["messages"]
    assert len(messages) == 5
    assert set(messages[0]) == {"partition", "offset", "timestamp", "key", "value", "headers"}
    assert json.loads(messages[0]["value"])["order_id"] == messages[0]["key"]
    times = [m["timestamp"] for m in messages]
    assert times == sorted(times, reverse=True)
    wanted = messages[0]["key"]
    filtered = appliance.json(f"/api/broker/messages?topic=orders&filter={wanted}")["messages"]
    assert [m["key"] for m in filtered] == [wanted]
    assert appliance.json("/api/broker/messages?topic=orders&limit=500", expected=400)["error"] == "invalid-parameter"


TOP_PRODUCTS = {"batch_id": 3, "timestamp": "2025-09-06T14:30:00", "products": [
    {"product_id": "PROD-001", "product_name": "<img src=x onerror=alert(1)>", "category": "Electronics",
     "order_count": 4, "total_quantity": 6, "total_revenue": 479.94, "avg_price": 79.99}]}


def test_state_changing_requests_need_the_token(appliance):
    for path in ("/api/top_products", "/api/categories", "/api/raw_orders", "/api/control/simulator"):
        status, _, body = appliance.request(path, method="POST", body=TOP_PRODUCTS)
        assert status == 401, path
        assert json.loads(body)["error"] == "unauthorized"
        status, _, _ = appliance.request(path, method="POST", body=TOP_PRODUCTS, token="wrong" * 13)
        assert status == 401, path


def test_bad_requests_are_answered_with_json_errors(appliance):
    post = {"method": "POST", "token": appliance.token}
    assert appliance.json("/api/top_products", expected=400, body=b'{"batch_id": 1, "products": [', **post)["error"] == "invalid-json"
    missing = appliance.json("/api/top_products", expected=400, body={"batch_id": 1, "timestamp": "t", "products": [{"product_id": "P"}]}, **post)
    assert missing["error"] == "missing-field" and "products[0]" in missing["message"]
    too_big = b'{"batch_id": 1, "timestamp": "t", "products": []' + b" " * (1 << 20) + b"}"
    assert appliance.json("/api/top_products", expected=413, body=too_big, **post)["error"] == "body-too-large"
    assert appliance.json("/api/nothing/here", expected=404)["error"] == "not-found"
    status, headers, body = appliance.request("/api/status", method="DELETE")
    assert status == 405 and headers["Allow"] == "GET" and json.loads(body)["error"] == "method-not-allowed"


def test_external_results_are_kept_and_pushed(appliance):
    with connect(f"ws://127.0.0.1:{appliance.port}/ws", max_size=None) as ws:
        assert json.loads(ws.recv(timeout=10))["event"] == "initial_data"
        assert appliance.json("/api/top_products", expected=202, method="POST", body=TOP_PRODUCTS, token=appliance.token)["items"] == 1
        deadline = time.monotonic() + 10
        while True:
            message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message["event"] == "top_products_update" and message["data"]["source"] == "external":
                break
    assert message["data"]["products"][0]["product_name"] == "<img src=x onerror=alert(1)>"
    kept = appliance.json("/api/external")["top_products"]
    assert kept["batch_id"] == 3 and kept["source"] == "external"


def test_the_websocket_sends_initial_data_then_updates(appliance):
    with connect(f"ws://127.0.0.1:{appliance.port}/ws", origin=appliance.url, max_size=None) as ws:
        first = json.loads(ws.recv(timeout=10))
        assert first["event"] == "initial_data"
        assert {"top_products", "categories", "recent_orders", "metrics", "timestamp", "snapshot", "services"} <= set(first["data"])
        seen = {}
        deadline = time.monotonic() + 15
        while not {"snapshot_update", "top_products_update", "categories_update", "raw_orders_update"} <= set(seen):
            message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            seen.setdefault(message["event"], message["data"])
    snapshot = seen["snapshot_update"]
    assert "products" not in snapshot and snapshot["totals"]["orders"] >= first["data"]["metrics"]["total_orders"]
    assert len(snapshot["windows"]["items"]) <= 60
    assert seen["top_products_update"]["source"] == "analyzer" and seen["top_products_update"]["products"]
    assert "orders" in seen["raw_orders_update"]


def test_a_foreign_origin_is_refused(appliance):
    with pytest.raises(InvalidStatus) as refused:
        connect(f"ws://127.0.0.1:{appliance.port}/ws", origin="http://evil.example")
    assert refused.value.response.status_code == 403


def test_simulator_control_and_restart(appliance):
    answer = appliance.json("/api/control/simulator", method="POST", body={"rate": 300}, token=appliance.token)
    assert answer["name"] == "simulator" and answer["status"] == "running"
    assert appliance.json("/api/control/simulator", expected=400, method="POST", body={"rate": -1}, token=appliance.token)["error"] == "invalid-command"
    assert appliance.json("/api/control/simulator", expected=400, method="POST", body={"scenario": "meteor"}, token=appliance.token)["error"] == "invalid-command"
    assert appliance.json("/api/control/simulator", method="POST", body={"scenario": "spike:10s"}, token=appliance.token)["status"] == "running"
    assert appliance.json("/api/control/components/kettle/restart", expected=404, method="POST", token=appliance.token)["error"] == "not-found"


def test_metrics_parse_as_prometheus_text(appliance):
    appliance.request("/healthz")
    status, headers, body = appliance.request("/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    families = {family.name: family for family in text_string_to_metric_families(body.decode())}
    for name in ("aseed_analyzer_orders", "aseed_component_up", "aseed_http_requests", "aseed_simulator_orders",
                 "aseed_process_resident_memory_bytes", "aseed_websocket_clients"):
        assert name in families, name
    up = {s.labels["component"]: s.value for s in families["aseed_component_up"].samples}
    assert up == {"broker": 1, "simulator": 1, "analyzer": 1, "dashboard": 1}
    assert families["aseed_analyzer_orders"].samples[0].value > 0


def test_a_component_restarts_on_request_and_the_simulator_stops_and_starts(appliance):
    # Last in the file: it restarts components of the shared appliance.
    def simulator():
        return appliance.json("/api/service-status")["services"]["simulator"]

    before = simulator()["restarts"]
    answer = appliance.json("/api/control/components/simulator/restart", expected=202, method="POST", token=appliance.token)
    assert answer == {"component": "simulator", "status": "restarting"}
    appliance.wait_for(lambda: simulator()["restarts"] == before + 1 and simulator()["status"] == "running", message="simulator restarted")
    stopped = appliance.json("/api/control/simulator", method="POST", body={"action": "stop"}, token=appliance.token)
    assert stopped["status"] == "stopped"
    assert appliance.json("/readyz", expected=503)["components"][0]["name"] == "simulator"
    started = appliance.json("/api/control/simulator", method="POST", body={"action": "start"}, token=appliance.token)
    assert started["status"] == "running"
    appliance.wait_for(lambda: appliance.request("/readyz")[0] == 200, message="ready again")
