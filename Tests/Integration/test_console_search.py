"""The console's message search against `aseed run` with records a test wrote with
confluent-kafka: by key, value, header, time range and from an offset; exported as JSON lines
and CSV with the same records as the JSON answer; in Chromium the search fields narrow the
table and the export links follow them."""
import csv
import io
import json
import time
import urllib.parse
import urllib.request

import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from conftest import unique
from test_console_actions import set_value
from test_poison import Appliance

pytestmark = [pytest.mark.needs_aseed, pytest.mark.timeout(180)]

HOUR_MS = 3_600_000


@pytest.fixture(scope="module")
def appliance(tmp_path_factory):
    instance = Appliance(tmp_path_factory.mktemp("console-search"))
    try:
        yield instance
    finally:
        assert instance.stop() == 0


@pytest.fixture(scope="module")
def written(appliance):
    """20 records over 2 partitions: keys k0..k19, the even ones with a trace header, the first
    ten an hour old; one value has a comma, a quote and a formula."""
    topic = unique("search")
    admin = AdminClient({"bootstrap.servers": appliance.bootstrap})
    admin.create_topics([NewTopic(topic, 2, 1)])[topic].result(30)
    producer = Producer({"bootstrap.servers": appliance.bootstrap})
    now = int(time.time() * 1000)
    for number in range(20):
        headers = [("trace", f"t-{number}".encode())] if number % 2 == 0 else []
        value = '=1+1, "quoted"' if number == 19 else f"value {number}"
        producer.produce(topic, value.encode(), key=f"k{number}".encode(), partition=number % 2,
                         timestamp=now - HOUR_MS if number < 10 else now, headers=headers)
    assert producer.flush(30) == 0
    return {"topic": topic, "now": now}


def search(appliance, **parameters):
    query = urllib.parse.urlencode(parameters)
    return appliance.json(f"/api/broker/messages?{query}")["messages"]


def download(appliance, **parameters):
    query = urllib.parse.urlencode(parameters)
    with urllib.request.urlopen(f"{appliance.url}/api/broker/messages?{query}", timeout=30) as response:
        return response.headers, response.read().decode()


def test_each_condition_narrows_the_answer(appliance, written):
    topic = written["topic"]
    assert {m["key"] for m in search(appliance, topic=topic, limit=50, key="k1")} == \
        {"k1", *(f"k1{d}" for d in range(10))}
    assert [m["key"] for m in search(appliance, topic=topic, value="value 7")] == ["k7"]
    traced = search(appliance, topic=topic, limit=50, header="trace")
    assert sorted(m["key"] for m in traced) == sorted(f"k{n}" for n in range(0, 20, 2))
    assert [m["key"] for m in search(appliance, topic=topic, header="trace=t-12")] == ["k12"]
    assert traced[0]["headers"]["trace"].startswith("t-")

    recent = search(appliance, topic=topic, limit=50, **{"from": written["now"] - HOUR_MS // 2})
    assert sorted(m["key"] for m in recent) == sorted(f"k{n}" for n in range(10, 20))
    old = search(appliance, topic=topic, limit=50, to=written["now"] - HOUR_MS // 2)
    assert sorted(m["key"] for m in old) == sorted(f"k{n}" for n in range(10))

    forward = search(appliance, topic=topic, partition=0, from_offset=3, limit=2)
    assert [(m["offset"], m["key"]) for m in forward] == [(3, "k6"), (4, "k8")]
    newest = search(appliance, topic=topic, partition=0, limit=2)
    assert [m["offset"] for m in newest] == [9, 8]


def test_exports_hold_what_the_json_answer_holds(appliance, written):
    topic = written["topic"]
    shown = search(appliance, topic=topic, limit=50)
    headers, lines = download(appliance, topic=topic, limit=50, format="jsonl")
    assert headers["Content-Disposition"] == f'attachment; filename="{topic}-messages.jsonl"'
    assert [json.loads(line) for line in lines.splitlines()] == shown

    headers, text = download(appliance, topic=topic, limit=50, format="csv")
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(int(r["partition"]), int(r["offset"]), r["key"]) for r in rows] == \
        [(m["partition"], m["offset"], m["key"]) for m in shown]
    formula = next(r for r in rows if r["key"] == "k19")
    assert formula["value"] == "'=1+1, \"quoted\""
    traced = next(r for r in rows if r["key"] == "k12")
    assert json.loads(traced["headers"]) == {"trace": "t-12"}


def test_the_page_searches_and_its_export_links_follow(appliance, written):
    from test_dashboard_page import Browser

    topic = written["topic"]
    browser = Browser()
    try:
        browser.open_page()
        browser.navigate(f"{appliance.url}/console?topic={topic}")
        browser.wait_for("document.querySelectorAll('#messages-table tbody tr').length === 20", 30,
                         "the topic's messages are not shown")
        set_value(browser, "search-header", "trace=t-1")
        browser.wait_for("[...document.querySelectorAll('#messages-table tbody tr')].map(r => r.cells[3].textContent)"
                         ".sort().join() === 'k10,k12,k14,k16,k18'", 30, "the header search did not narrow the table")
        link = browser.evaluate("document.getElementById('export-csv').href")
        assert "header=trace%3Dt-1" in link and link.endswith("format=csv"), link
        assert browser.errors() == []
    finally:
        browser.close()
