"""The dashboard page in a real browser: headless Chromium loads it from a running `aseed run`,
waits for live data and checks what a viewer sees against the API.

Chromium is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: fd 3 in,
fd 4 out, messages ended by NUL), which needs no port, no extra Python package and no
guessing when the browser is ready. The screenshot goes to Tests/Integration/out/.
"""
from __future__ import annotations

import base64
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from conftest import ASEED_BIN, REPO, free_port, wait_for, wait_for_port

OUT = pathlib.Path(__file__).resolve().parent / "out"
def chromium() -> str:
    """The browser; the test fails (not skips) without it: `make test` installs Debian's chromium."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "chromium is not installed (scripts/ensure-system-packages.sh test installs it)"
    return path
ADMIN_TOKEN = "page-test-token-" + uuid.uuid4().hex
XSS_NAME = "<img src=x onerror=alert(1)>"


# ---------------------------------------------------------------------------- the browser


class DevToolsError(RuntimeError):
    pass


class Browser:
    """Headless Chromium with one page, driven over the DevTools protocol on a pipe."""

    def __init__(self, width: int = 1440, height: int = 1000):
        self.profile = tempfile.mkdtemp(prefix="aseed-chromium-")
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def pipes_at_3_and_4():
            # Chromium reads commands from fd 3 and writes answers to fd 4. Move both above 4
            # first, so one dup2 cannot overwrite the other's source.
            a = os.dup(to_browser_read)
            b = os.dup(from_browser_write)
            os.dup2(a, 3)  # dup2 leaves the copies inheritable; the originals close at exec
            os.dup2(b, 4)

        args = [
            chromium(), "--headless", "--remote-debugging-pipe", "--no-first-run", "--no-default-browser-check",
            "--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions", "--mute-audio",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--lang=en-US",  # the figures are read back as text: fix the number format
            f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank",
        ]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run its sandbox as root (CI containers)
        # close_fds=False: closing would run after preexec_fn and take fds 3 and 4 with it;
        # every other descriptor of ours is non-inheritable (PEP 446) and closes at exec.
        self.process = subprocess.Popen(args, preexec_fn=pipes_at_3_and_4, close_fds=False,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_read)
        os.close(from_browser_write)

        self._next_id = 0
        self._answers: dict[int, dict] = {}
        self._events: list[dict] = []
        self._lock = threading.Condition()
        self._closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.session = None
        self.width, self.height = width, height

    def _read(self):
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._lock:
                    self._closed = True
                    self._lock.notify_all()
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                with self._lock:
                    if "id" in message:
                        self._answers[message["id"]] = message
                    else:
                        self._events.append(message)
                    self._lock.notify_all()

    def send(self, method: str, params: dict | None = None, session: str | None = "page", timeout: float = 30):
        """Sends one command and waits for its answer; `session="page"` targets the page."""
        with self._lock:
            self._next_id += 1
            ident = self._next_id
        message = {"id": ident, "method": method, "params": params or {}}
        session_id = self.session if session == "page" else session
        if session_id:
            message["sessionId"] = session_id
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._lock:
            while ident not in self._answers:
                if self._closed:
                    raise DevToolsError(f"{method}: the browser went away")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise DevToolsError(f"{method}: no answer within {timeout}s")
                self._lock.wait(remaining)
            answer = self._answers.pop(ident)
        if "error" in answer:
            raise DevToolsError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def open_page(self):
        """A fresh page with everything that reports errors switched on."""
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=None)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=None)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False})
        # Injected by the browser itself, so the page's CSP does not apply to it: it records
        # every CSP violation and blocks dialogs (an alert() would mean an injection worked).
        self.send("Page.addScriptToEvaluateOnNewDocument", {"source": """
            window.__violations = [];
            document.addEventListener('securitypolicyviolation', (e) => {
              window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
            });
            window.__dialogs = [];
            window.alert = (m) => { window.__dialogs.push(String(m)); };
        """})

    def navigate(self, url: str):
        """Loads `url` and waits until its document (not the previous one) has loaded."""
        self.send("Page.navigate", {"url": url})
        self.wait_for(f"location.href.startsWith({json.dumps(url)}) && document.readyState === 'complete'",
                      30, f"{url} did not load")

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise DevToolsError(f"{expression[:60]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                last = self.evaluate(expression)
            except DevToolsError as error:  # e.g. an element the page has not made yet
                last = error
            if last and not isinstance(last, DevToolsError):
                return last
            time.sleep(0.25)
        raise AssertionError(f"{what} within {timeout}s (last value: {last!r}; page errors: {self.errors()})")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions, failed loads, CSP violations and dialogs so far.
        When the page's records of violations and dialogs cannot be read, that is reported as
        an error too: "no violations" must have been checked, not assumed."""
        found = []
        with self._lock:
            events = list(self._events)
        for event in events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                found.append("exception: " + str(details.get("exception", {}).get("description") or details.get("text")))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                found.append(f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip())
        try:
            violations = self.evaluate("window.__violations")
            dialogs = self.evaluate("window.__dialogs")
        except DevToolsError as error:
            return found + [f"DevTools could not read the page's CSP violations and dialogs: {error}"]
        if not isinstance(violations, list) or not isinstance(dialogs, list):
            return found + ["the page has no record of CSP violations and dialogs: the recorder was not installed"]
        found += [f"CSP violation: {v}" for v in violations]
        found += [f"dialog: {d}" for d in dialogs]
        return found

    def screenshot(self, path: pathlib.Path):
        """A full-page PNG: the viewport is stretched to the page's height first."""
        metrics = self.send("Page.getLayoutMetrics")
        height = int(metrics.get("cssContentSize", metrics.get("contentSize"))["height"])
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": max(height, 600), "deviceScaleFactor": 1, "mobile": False})
        time.sleep(0.5)  # let the charts resize to the new viewport
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False})

    def close(self):
        try:
            self.send("Browser.close", session=None, timeout=5)
        except DevToolsError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)


# ---------------------------------------------------------------------------- the appliance


class Appliance:
    """`aseed run` on free ports with its own data and log directories."""

    def __init__(self, tmp_path: pathlib.Path, *args: str):
        self.kafka_port = free_port()
        self.http_port = free_port()
        self.bootstrap = f"127.0.0.1:{self.kafka_port}"
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.tmp_path = tmp_path
        self.process = subprocess.Popen(
            [ASEED_BIN, "run", *args,
             "--data-dir", str(tmp_path / "data"), "--log-dir", str(tmp_path / "logs"),
             "--kafka-listen", self.bootstrap, "--kafka-advertise", self.bootstrap,
             "--dashboard-listen", f"127.0.0.1:{self.http_port}", "--admin-token", ADMIN_TOKEN,
             "--trigger-ms", "200"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port("127.0.0.1", self.kafka_port, 30, self.process)
        wait_for_port("127.0.0.1", self.http_port, 30, self.process)

    def get(self, path: str):
        with urllib.request.urlopen(self.base + path, timeout=10) as response:
            return json.load(response)

    def post(self, path: str, body: dict) -> int:
        request = urllib.request.Request(
            self.base + path, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {ADMIN_TOKEN}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@pytest.fixture
def browser():
    b = Browser()
    try:
        b.open_page()
        yield b
    finally:
        b.close()


# Page facts, read in the browser. Each returns plain JSON values.
RECENT_IDS = "[...document.querySelectorAll('#orders-table tbody tr[data-order-id]')].map(r => r.dataset.orderId)"
CONNECTION = "document.getElementById('connection').dataset.state"
KPI = "document.querySelector('#{} .kpi-value').textContent"
# A chart is drawn when Chart.js owns the canvas and the canvas has painted pixels.
CHART_DRAWN = """(() => {
  const canvas = document.getElementById('%s');
  if (!window.Chart || !Chart.getChart(canvas) || canvas.width === 0) return false;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
  return painted > 200;
})()"""


def number(text: str) -> float:
    """A figure as the page formats it ("12,345", "$1,234.50") as a number."""
    return float("".join(c for c in text if c.isdigit() or c == ".") or "nan")


# ---------------------------------------------------------------------------- tests


def test_embedded_assets_are_up_to_date():
    """Sources/Dashboard/Generated/EmbeddedAssets.swift is what the generator makes of the assets."""
    result = subprocess.run([sys.executable, str(REPO / "Tools" / "embed-assets" / "embed.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.needs_aseed
@pytest.mark.timeout(240)
def test_the_page_shows_the_live_orders(tmp_path, browser):
    appliance = Appliance(tmp_path, "--rate", "200", "--window-seconds", "5", "--watermark-delay-seconds", "1")
    try:
        browser.navigate(appliance.base + "/")
        browser.wait_for(f"{CONNECTION} === 'live'", 30, "the page did not connect its WebSocket")
        browser.wait_for(f"{RECENT_IDS}.length >= 20", 60, "the recent orders table did not fill")
        browser.wait_for(f"Number({KPI.format('kpi-orders')}.replace(/\\D/g, '')) >= 200", 60,
                         "the total orders card did not reach 200")
        # Windows of 5 s close quickly, so the per-window card and the line chart have history.
        browser.wait_for(f"{KPI.format('kpi-opm')} !== '0' && {KPI.format('kpi-opm')} !== '–'", 60,
                         "no orders-per-minute figure from a closed window")
        for canvas in ("top-chart", "category-chart", "timeline-chart", "pipeline-chart"):
            browser.wait_for(CHART_DRAWN % canvas, 30, f"the chart {canvas} was not drawn")
        assert browser.evaluate("document.querySelectorAll('#top-table tbody tr[data-product-id]').length") == 10
        assert browser.evaluate("document.querySelectorAll('#category-table tbody tr').length") == 6
        assert browser.evaluate("document.querySelectorAll('#services-table tbody tr').length") >= 4
        # Times carry the zone name (Chromium runs in the machine's zone; UTC shows as "UTC").
        time_text = browser.evaluate("document.querySelector('#orders-table tbody td').textContent")
        zone = browser.evaluate("ASEED.zoneName()")
        assert zone and zone in time_text, (time_text, zone)

        browser.screenshot(OUT / "dashboard.png")

        # Stop the flow, then the page must show exactly the orders the API shows.
        assert appliance.post("/api/control/simulator", {"action": "stop"}) in (200, 202), "could not stop the simulator"
        deadline = time.monotonic() + 20
        while True:
            expected = [o["order_id"] for o in appliance.get("/api/dashboard_data")["recent_orders"]]
            shown = browser.evaluate(RECENT_IDS)
            if shown == expected or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert shown == expected
        total = appliance.get("/api/status")["total_orders"]
        assert number(browser.evaluate(KPI.format("kpi-orders"))) == total

        # The top products table follows the switch, in the server's order.
        browser.evaluate("document.querySelector('#top-by [data-by=revenue]').click()")
        browser.evaluate("document.querySelector('#top-span [data-span=\"5m\"]').click()")
        ranking = appliance.get("/api/top?span=5m&by=revenue")["products"]
        browser.wait_for(
            "JSON.stringify([...document.querySelectorAll('#top-table tbody tr[data-product-id]')]"
            f".map(r => r.dataset.productId)) === {json.dumps(json.dumps([p['product_id'] for p in ranking], separators=(',', ':')))}",
            10, "the 5-minute revenue ranking differs from /api/top")

        assert browser.errors() == []
    finally:
        assert appliance.stop() == 0


@pytest.mark.needs_aseed
def test_the_console_lists_the_orders_topic(tmp_path, browser):
    appliance = Appliance(tmp_path, "--rate", "50")
    try:
        browser.navigate(appliance.base + "/console")
        browser.wait_for("document.querySelector('#topics-table tr[data-topic=\"orders\"]')?.dataset.partitions === '3'",
                         30, "the topics table does not list orders with 3 partitions")
        assert browser.evaluate(
            "document.querySelectorAll('#partitions-table tbody tr[data-topic=\"orders\"]').length") == 3
        browser.wait_for("document.querySelectorAll('#messages-table tbody tr:not(.empty-row)').length > 0",
                         30, "the message viewer shows no orders")
        browser.screenshot(OUT / "console.png")
        assert browser.errors() == []
    finally:
        assert appliance.stop() == 0


CLEANER_ROWS = """JSON.stringify([...document.querySelectorAll('#cleaner-table tbody tr')]
  .map(r => [r.dataset.partition, r.dataset.cleanings, r.dataset.totalBytesReclaimed]))"""
CLEANER_NOTE = "document.getElementById('cleaner-note').dataset.state"


@pytest.mark.needs_aseed
@pytest.mark.timeout(180)
def test_the_console_shows_what_the_log_cleaner_did(tmp_path, browser):
    from confluent_kafka import Producer
    from confluent_kafka.admin import AdminClient, NewTopic

    appliance = Appliance(tmp_path / "own", "--no-simulator", "--no-analyzer", "--log-cleaner-interval-ms", "200")
    outside = None
    try:
        configs = {"cleanup.policy": "compact", "segment.bytes": "2048", "min.cleanable.dirty.ratio": "0.01"}
        admin = AdminClient({"bootstrap.servers": appliance.bootstrap})
        admin.create_topics([NewTopic("users", 2, 1, config=configs)])["users"].result(timeout=30)
        producer = Producer({"bootstrap.servers": appliance.bootstrap, "linger.ms": 0, "batch.num.messages": 5})
        for round_ in range(20):
            for key in range(40):
                producer.produce("users", key=f"key-{key}", value=f"key-{key}-round-{round_}")
            producer.flush(30)
        assert producer.flush(30) == 0

        def cleaned_out():
            """Both partitions once cleaned with nothing left to clean, so the figures stay."""
            partitions = appliance.get("/api/broker/topics/users")["partitions"]
            done = all(p["cleaner"]["last_cleaning"] and p["cleaner"]["dirty_ratio"] == 0 for p in partitions)
            return partitions if done else None

        partitions = wait_for(cleaned_out, 60, "both partitions cleaned")
        expected = [[str(p["partition"]), str(p["cleaner"]["cleanings"]), str(p["cleaner"]["total_bytes_reclaimed"])]
                    for p in partitions]
        assert all(int(total) > 0 for _, _, total in expected)

        browser.navigate(appliance.base + "/console?topic=users")
        browser.wait_for(f"{CLEANER_NOTE} === 'known'", 30, "the console shows no cleaner figures for users")
        browser.wait_for(f"{CLEANER_ROWS} === {json.dumps(json.dumps(expected, separators=(',', ':')))}", 15,
                         f"the cleaner table differs from the API's {expected}")
        assert browser.evaluate("document.getElementById('topic-name').textContent") == "users"
        assert browser.evaluate("document.getElementById('topic-policy').dataset.policy") == "compact"
        cells = browser.evaluate("[...document.querySelector('#cleaner-table tbody tr').cells].map(c => c.textContent)")
        zone = browser.evaluate("ASEED.zoneName()")
        assert zone in cells[2] and cells[3].endswith(" ms") and cells[5].endswith("B") and cells[8] == "–", cells
        assert browser.evaluate(
            "document.querySelector('#configs-table tr[data-config=\"cleanup.policy\"]').cells[1].textContent"
        ) == "compact"
        assert browser.evaluate("document.querySelector('#topics-table tr.selected')?.dataset.topic") == "users"
        browser.screenshot(OUT / "console-cleaner.png")

        # A topic that is not compacted says so.
        browser.evaluate("document.querySelector('#topics-table tr[data-topic=\"orders\"]').click()")
        browser.wait_for(f"{CLEANER_NOTE} === 'not-compacted'", 15, "orders is not shown as not compacted")
        assert browser.evaluate("document.getElementById('topic-policy').dataset.policy") == "delete"
        assert browser.evaluate("location.search") == "?topic=orders"

        # A dashboard of an external cluster (the first appliance's broker) cannot know the figures.
        web = free_port()
        (tmp_path / "outside" / "data").mkdir(parents=True)
        outside = subprocess.Popen(
            [ASEED_BIN, "run", "--bootstrap-servers", appliance.bootstrap, "--no-simulator", "--no-analyzer",
             "--data-dir", str(tmp_path / "outside" / "data"), "--log-dir", str(tmp_path / "outside" / "logs"),
             "--dashboard-listen", f"127.0.0.1:{web}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port("127.0.0.1", web, 30, outside)
        browser.navigate(f"http://127.0.0.1:{web}/console?topic=users")
        browser.wait_for(f"{CLEANER_NOTE} === 'unknown'", 30, "the external cluster's console claims cleaner figures")
        assert "only known for the appliance's own broker" in browser.evaluate(
            "document.getElementById('cleaner-note').textContent")
        assert browser.evaluate("document.getElementById('cleaner-table').hidden") is True
        # Nor keep snapshots: the list says why, with no failed request for the page to log.
        with urllib.request.urlopen(f"http://127.0.0.1:{web}/api/class/snapshots", timeout=10) as answer:
            listed = json.loads(answer.read())
        assert listed["snapshots"] == [] and "embedded broker" in listed["unavailable"]
        assert browser.errors() == []
    finally:
        if outside is not None:
            outside.send_signal(signal.SIGTERM)
            assert outside.wait(timeout=30) == 0
        assert appliance.stop() == 0


@pytest.mark.needs_aseed
def test_a_product_name_with_markup_is_shown_as_text(tmp_path, browser):
    from confluent_kafka import Producer

    appliance = Appliance(tmp_path, "--no-simulator")
    producer = Producer({"bootstrap.servers": appliance.bootstrap})
    try:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        order = {"order_id": "ORDER-XSS-1", "product_id": "PROD-XSS", "product_name": XSS_NAME,
                 "category": "<b>Injected</b>", "price": 1.5, "quantity": 2, "customer_id": "CUST-<script>",
                 "timestamp": now}
        producer.produce("orders", key=order["order_id"], value=json.dumps(order))
        assert producer.flush(30) == 0

        browser.navigate(appliance.base + "/")
        browser.wait_for("!!document.querySelector('#orders-table tr[data-order-id=\"ORDER-XSS-1\"]')", 60,
                         "the order did not reach the recent orders table")
        cells = browser.evaluate(
            "[...document.querySelector('#orders-table tr[data-order-id=\"ORDER-XSS-1\"]').cells].map(c => c.textContent)")
        assert XSS_NAME in cells and "<b>Injected</b>" in cells and "CUST-<script>" in cells
        browser.wait_for(f"[...document.querySelectorAll('#top-table td')].some(td => td.textContent === {json.dumps(XSS_NAME)})",
                         10, "the product name is not in the top products table as text")
        assert browser.evaluate("document.querySelectorAll('main img, main b, main script').length") == 0
        time.sleep(1)  # a broken image's onerror would run by now
        assert browser.errors() == []
    finally:
        assert appliance.stop() == 0


@pytest.mark.needs_aseed
def test_an_external_analyzers_figures_are_set_beside_the_built_in_ones(tmp_path, browser):
    """What an external analyzer (examples/flink) posts to /api/external/summary shows in its own
    panel beside the built-in analyzer's figures, saying which agree; a page opened later shows
    it too."""
    from confluent_kafka import Producer

    appliance = Appliance(tmp_path, "--no-simulator")
    producer = Producer({"bootstrap.servers": appliance.bootstrap})
    try:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        for number_, (product, quantity) in enumerate([("PROD-A", 2), ("PROD-A", 1), ("PROD-B", 5)]):
            order = {"order_id": f"EXT-{number_}", "product_id": product, "product_name": f"Name {product}",
                     "category": "Books", "price": 2.5, "quantity": quantity, "customer_id": f"C-{number_}",
                     "timestamp": now}
            producer.produce("orders", key=order["order_id"], value=json.dumps(order))
        assert producer.flush(30) == 0

        def totals_of_three():
            try:
                totals = appliance.get("/api/snapshot")["totals"]
            except urllib.error.HTTPError as error:
                if error.code == 503:  # the analyzer has not published its first snapshot yet
                    return None
                raise
            return totals if totals["orders"] == 3 else None
        totals = wait_for(totals_of_three, 60, "the analyzer's totals of 3 orders")

        browser.navigate(appliance.base + "/")
        browser.wait_for(f"{CONNECTION} === 'live'", 30, "the page did not connect its WebSocket")
        assert browser.evaluate("document.getElementById('external').hidden") is True

        products = [{"product_id": "PROD-A", "product_name": "Name PROD-A", "category": "Books", "order_count": 2,
                     "total_quantity": 3, "total_revenue": 7.5, "avg_price": 2.5}]
        assert appliance.post("/api/top_products", {"batch_id": 1, "timestamp": now, "products": products}) == 202
        summary = {"batch_id": 1, "timestamp": now, "analyzer": "flink", "parallelism": 2,
                   "totals": {key: totals[key] for key in ("orders", "units", "revenue", "unique_customers")},
                   "duplicates": 0, "late_records": 0, "malformed": 1, "windows": []}
        assert appliance.post("/api/external/summary", summary) == 202

        alike = "Object.fromEntries([...document.querySelectorAll('#external-table tbody tr')]" \
                ".map(r => [r.dataset.figure, r.dataset.alike]))"
        browser.wait_for("!document.getElementById('external').hidden", 10, "the external panel did not appear")
        expected = {"Orders": "yes", "Units": "yes", "Revenue": "yes", "Unique customers": "yes", "Duplicates": "yes",
                    "Late": "yes", "Malformed": "no", "Closed windows": "no", "Top product by orders": "yes"}
        browser.wait_for(f"JSON.stringify({alike}) === {json.dumps(json.dumps(expected, separators=(',', ':')))}",
                         10, "the external panel's comparison")
        assert browser.evaluate("document.getElementById('external-name').textContent") == "flink (parallelism 2)"

        browser.navigate(appliance.base + "/")
        browser.wait_for("!document.getElementById('external').hidden", 10,
                         "a page opened after the post did not show the external panel")
        assert browser.errors() == []
    finally:
        assert appliance.stop() == 0
