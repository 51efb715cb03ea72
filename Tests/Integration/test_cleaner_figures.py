"""What the log cleaner did, as the operator sees it: `aseed run` cleans a compacted topic, the
dashboard's topic description (`/api/broker/topics/{name}`) carries the cleanup policy and the
cleaner's figures per partition, `aseed topics describe` prints them, says where to look when
the dashboard does not answer, and a dashboard reading an external cluster has no figures."""
import json
import signal
import subprocess
import urllib.request

import pytest
from confluent_kafka import Producer

from conftest import ASEED_BIN, free_port, wait_for, wait_for_port

pytestmark = pytest.mark.needs_aseed

KEYS = 40
TOPIC = "users"


def aseed(*args, check=True, timeout=60):
    result = subprocess.run([ASEED_BIN, *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"aseed {' '.join(args)} exited {result.returncode}\n{result.stderr}")
    return result


def get_json(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return json.load(response)


def start_appliance(tmp_path, name, *args):
    """`aseed run` without simulator and analyzer; returns (process, dashboard HOST:PORT)."""
    web = free_port()
    process = subprocess.Popen(
        [ASEED_BIN, "run", "--no-simulator", "--no-analyzer", "--data-dir", str(tmp_path / name / "data"),
         "--log-dir", str(tmp_path / name / "logs"), "--dashboard-listen", f"127.0.0.1:{web}", *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port("127.0.0.1", web, 30, process)
    return process, f"127.0.0.1:{web}"


def stop(process):
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0


@pytest.fixture
def appliance(tmp_path):
    """The appliance with a log cleaner that looks every 200 ms."""
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    process, dashboard = start_appliance(tmp_path, "appliance", "--kafka-listen", bootstrap, "--kafka-advertise",
                                         bootstrap, "--log-cleaner-interval-ms", "200")
    wait_for_port("127.0.0.1", port, 30, process)
    yield {"bootstrap": bootstrap, "dashboard": dashboard, "base": f"http://{dashboard}"}
    stop(process)


def write_updates(bootstrap: str, topic: str, rounds: int) -> None:
    """`rounds` updates of every key: old values for the cleaner to remove."""
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 0, "batch.num.messages": 5})
    for round_ in range(rounds):
        for key in range(KEYS):
            producer.produce(topic, key=f"key-{key}", value=f"key-{key}-round-{round_}", partition=0)
        producer.flush(30)
    assert producer.flush(30) == 0


def cleaned(base: str, topic: str):
    """Partition 0's cleaner figures once a cleaning reclaimed bytes, else None."""
    figures = get_json(base, f"/api/broker/topics/{topic}")["partitions"][0].get("cleaner")
    last = figures and figures["last_cleaning"]
    return figures if last and last["bytes_reclaimed"] > 0 else None


def table(lines):
    header = lines[0].split()
    return [dict(zip(header, line.split())) for line in lines[1:]]


def test_the_api_and_topics_describe_show_what_the_cleaner_did(appliance, tmp_path):
    servers = ["--bootstrap-servers", appliance["bootstrap"]]
    aseed("topics", "create", TOPIC, "--partitions", "1", "--topic-config", "cleanup.policy=compact",
          "--topic-config", "segment.bytes=2048", "--topic-config", "min.cleanable.dirty.ratio=0.01", *servers)
    write_updates(appliance["bootstrap"], TOPIC, 20)
    figures = wait_for(lambda: cleaned(appliance["base"], TOPIC), timeout=60, message="a cleaning that reclaims bytes")

    topic = get_json(appliance["base"], f"/api/broker/topics/{TOPIC}")
    assert topic["cleanup_policy"] == "compact"
    assert set(figures) == {"dirty_ratio", "first_dirty_offset", "last_cleaning", "cleanings",
                            "total_bytes_reclaimed", "last_error", "last_error_at"}
    last = figures["last_cleaning"]
    assert set(last) == {"finished_at", "duration_ms", "bytes_reclaimed", "records_kept", "records_removed"}
    assert figures["cleanings"] >= 1 and figures["total_bytes_reclaimed"] >= last["bytes_reclaimed"] > 0
    assert last["records_removed"] > 0 and last["duration_ms"] >= 0 and last["finished_at"].endswith("Z")
    assert 0 <= figures["dirty_ratio"] <= 1 and figures["first_dirty_offset"] > 0
    assert figures["last_error"] is None and figures["last_error_at"] is None
    # A topic that is not compacted has its policy and no figures.
    orders = get_json(appliance["base"], "/api/broker/topics/orders")
    assert orders["cleanup_policy"] == "delete" and all("cleaner" not in p for p in orders["partitions"])

    out = aseed("topics", "describe", TOPIC, *servers, "--dashboard", appliance["dashboard"]).stdout
    lines = out.splitlines()
    assert lines[0] == f"Topic: {TOPIC}  Partitions: 1  Cleanup policy: compact"
    heading = lines.index("Log cleaner (since the broker started; bytes):")
    rows = table(lines[heading + 1:])
    assert [row["PARTITION"] for row in rows] == ["0"]
    now = cleaned(appliance["base"], TOPIC)
    assert int(rows[0]["CLEANINGS"]) >= figures["cleanings"] and int(rows[0]["CLEANINGS"]) <= now["cleanings"]
    assert figures["total_bytes_reclaimed"] <= int(rows[0]["TOTAL-RECLAIMED"]) <= now["total_bytes_reclaimed"]
    assert int(rows[0]["RECLAIMED"]) > 0 and int(rows[0]["REMOVED"]) > 0
    assert rows[0]["LAST-CLEANED"].endswith("Z") and rows[0]["TOOK"].endswith("ms") and rows[0]["LAST-ERROR"] == "-"
    assert 0 <= float(rows[0]["DIRTY-RATIO"]) <= 1

    # Without a dashboard the command still describes the topic and says where the figures are.
    nowhere = f"127.0.0.1:{free_port()}"
    out = aseed("topics", "describe", TOPIC, *servers, "--dashboard", nowhere).stdout
    assert "Cleanup policy: compact" in out and "PARTITION" in out
    assert f"Log cleaner: no dashboard answers at {nowhere}; the appliance's console (http://{nowhere}/console" in out
    # A topic that is not compacted has no cleaner part.
    out = aseed("topics", "describe", "orders", *servers, "--dashboard", appliance["dashboard"]).stdout
    assert "Cleanup policy: delete" in out.splitlines()[0] and "Log cleaner" not in out

    # A dashboard of an external cluster (here: the first appliance's broker) cannot know them.
    process, outside = start_appliance(tmp_path, "outside", "--bootstrap-servers", appliance["bootstrap"])
    try:
        topic = get_json(f"http://{outside}", f"/api/broker/topics/{TOPIC}")
        assert topic["cleanup_policy"] == "compact"
        assert [sorted(p) for p in topic["partitions"]] == [
            ["earliest_offset", "latest_offset", "leader", "messages_per_second", "partition", "size_bytes"]]
        out = aseed("topics", "describe", TOPIC, *servers, "--dashboard", outside).stdout
        assert f"Log cleaner: the dashboard at {outside} reads an external cluster; the cleaner's figures are only " \
            "known for the appliance's own broker." in out
    finally:
        stop(process)
