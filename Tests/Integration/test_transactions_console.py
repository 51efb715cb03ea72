"""Transactions as the operator sees them: a confluent-kafka producer opens a transaction on the
shared broker and leaves it open; `aseed transactions` and the dashboard's
`/api/broker/transactions` (an `aseed dashboard` reading the broker over the Kafka protocol)
list it as Ongoing with its partition and a growing age, then as CompleteCommit once it
commits; the console page shows a transactional id that is markup as text; and against a cluster
without the transactions admin APIs (Tansu) both say that the cluster lacks them."""
import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from confluent_kafka import Producer

from conftest import ASEED_BIN, free_port, unique, wait_for, wait_for_port

TIMEOUT_MS = 60000
OPEN_STATES = {"Ongoing", "PrepareCommit", "PrepareAbort", "PrepareEpochFence"}


def aseed(*args, timeout=60):
    result = subprocess.run([ASEED_BIN, *args], capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"aseed {' '.join(args)} exited {result.returncode}\n{result.stderr}"
    return result.stdout


def cli_rows(bootstrap: str) -> dict[str, dict[str, str]]:
    """`aseed transactions` as {transactional id: row}; every cell is one word."""
    lines = aseed("transactions", "--bootstrap-servers", bootstrap).splitlines()
    if lines and lines[0].startswith("No transactions"):
        return {}
    header = lines[0].split()
    rows = [dict(zip(header, line.split())) for line in lines[1:]]
    return {row["TRANSACTIONAL-ID"]: row for row in rows}


@contextlib.contextmanager
def running_dashboard(bootstrap: str, directory):
    """`aseed dashboard` of the cluster at `bootstrap`, without an analyzer; yields its base URL."""
    if not os.path.exists(ASEED_BIN):
        pytest.fail(f"aseed binary not found at {ASEED_BIN}: build it or set ASEED_BIN")
    web = free_port()
    process = subprocess.Popen(
        [ASEED_BIN, "dashboard", "--bootstrap-servers", bootstrap, "--dashboard-listen", f"127.0.0.1:{web}",
         "--data-dir", str(directory / "data"), "--log-dir", str(directory / "logs"), "--no-analyzer"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port("127.0.0.1", web, 30, process)
        yield f"http://127.0.0.1:{web}"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


@pytest.fixture
def dashboard(broker, tmp_path):
    """The dashboard of the shared broker."""
    with running_dashboard(broker.bootstrap, tmp_path) as base:
        yield base


def api_transactions(base: str) -> list[dict]:
    with urllib.request.urlopen(base + "/api/broker/transactions", timeout=10) as response:
        return json.load(response)["transactions"]


def committed(transactions: list[dict], transactional_id: str) -> dict | None:
    """The transaction once its state is CompleteCommit, else None."""
    found = [t for t in transactions if t["transactional_id"] == transactional_id]
    return found[0] if found and found[0]["state"] == "CompleteCommit" else None


def open_transaction(bootstrap: str, transactional_id: str, topic: str, partition: int) -> Producer:
    """A producer whose transaction wrote one record to `partition`, flushed and left open."""
    producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": transactional_id,
                         "transaction.timeout.ms": TIMEOUT_MS, "linger.ms": 0})
    producer.init_transactions(30)
    producer.begin_transaction()
    producer.produce(topic, value=b"open", partition=partition)
    assert producer.flush(30) == 0
    return producer


def test_an_open_transaction_is_listed_until_it_commits(broker, topic_factory, dashboard):
    topic = topic_factory(partitions=2, prefix="txn-console")
    transactional_id = unique("txn-console")
    producer = open_transaction(broker.bootstrap, transactional_id, topic, 1)
    try:
        row = wait_for(lambda: cli_rows(broker.bootstrap).get(transactional_id), 30, "aseed transactions lists it")
        assert row["STATE"] == "Ongoing" and row["PARTITIONS"] == f"{topic}-1"
        assert int(row["PRODUCER"]) >= 0 and int(row["EPOCH"]) >= 0
        assert row["TIMEOUT"] == "1m00s" and row["AGE"] != "-"

        listed = api_transactions(dashboard)
        mine = next(t for t in listed if t["transactional_id"] == transactional_id)
        assert mine["state"] == "Ongoing"
        assert mine["partitions"] == [{"topic": topic, "partition": 1}]
        assert mine["timeout_ms"] == TIMEOUT_MS and mine["started_at"].endswith("Z")
        assert str(mine["producer_id"]) == row["PRODUCER"] and str(mine["producer_epoch"]) == row["EPOCH"]
        assert 0 <= mine["age_ms"] < TIMEOUT_MS
        # Open transactions come first.
        opened = [t["state"] in OPEN_STATES for t in listed]
        assert opened == sorted(opened, reverse=True)
        # The age grows while it hangs.
        time.sleep(1.2)
        later = next(t for t in api_transactions(dashboard) if t["transactional_id"] == transactional_id)
        assert later["age_ms"] >= mine["age_ms"] + 1000

        producer.commit_transaction(30)
        done = wait_for(lambda: committed(api_transactions(dashboard), transactional_id), 30,
                        "the dashboard shows it committed")
        assert done["age_ms"] is None
        row = wait_for(lambda: cli_rows(broker.bootstrap).get(transactional_id), 30, "aseed transactions lists it")
        assert row["STATE"] == "CompleteCommit"
        assert row["AGE"] == "-"
    finally:
        producer.flush(10)


def test_the_console_shows_a_transactional_id_that_is_markup_as_text(broker, topic_factory, dashboard):
    from test_dashboard_page import Browser

    topic = topic_factory(partitions=1, prefix="txn-console")
    transactional_id = unique("<img src=x onerror=alert(1)>")
    producer = open_transaction(broker.bootstrap, transactional_id, topic, 0)
    browser = Browser()
    try:
        browser.open_page()
        browser.navigate(dashboard + "/console")
        row = ("[...document.querySelectorAll('#transactions-table tbody tr')]"
               f".find(r => r.dataset.transactionalId === {json.dumps(transactional_id)})")
        browser.wait_for(f"!!{row}", 30, "the console's transactions table does not list the transaction")
        cells = browser.evaluate(f"[...{row}.cells].map(c => c.textContent)")
        assert cells[0] == transactional_id and cells[1] == "Ongoing" and cells[4] == f"{topic}/0"
        assert browser.evaluate("document.querySelectorAll('main img').length") == 0
        time.sleep(1)  # a broken image's onerror would run by now
        assert browser.errors() == []
        producer.abort_transaction(30)
    finally:
        browser.close()


@pytest.mark.needs_aseed
def test_a_cluster_without_the_admin_apis_is_named_as_such(tansu, tmp_path):
    lacks = "does not serve the transactions admin APIs (ListTransactions and DescribeTransactions"
    result = subprocess.run([ASEED_BIN, "transactions", "--bootstrap-servers", tansu], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0 and lacks in result.stderr, result.stderr
    with running_dashboard(tansu, tmp_path) as base:
        with pytest.raises(urllib.error.HTTPError) as answer:
            api_transactions(base)
        assert answer.value.code == 503
        body = json.load(answer.value)
        assert body["error"] == "unavailable" and lacks in body["message"]
