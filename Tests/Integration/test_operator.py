"""Operator commands against a running appliance: topics, groups, produce, consume, logs,
status, and what they say when nothing is running."""
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import ASEED_BIN, free_port, wait_for_port

pytestmark = pytest.mark.needs_aseed


def aseed(*args, input=None, check=True, timeout=60):
    result = subprocess.run([ASEED_BIN, *args], input=input, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"aseed {' '.join(args)} exited {result.returncode}\n{result.stderr}")
    return result


@pytest.fixture
def appliance(tmp_path):
    """`aseed run` with the simulator at 100 orders/s and a fast analyzer trigger."""
    port, web = free_port(), free_port()
    process = subprocess.Popen(
        [ASEED_BIN, "run", "--data-dir", str(tmp_path / "data"), "--log-dir", str(tmp_path / "logs"),
         "--kafka-listen", f"127.0.0.1:{port}", "--kafka-advertise", f"127.0.0.1:{port}", "--rate", "100",
         "--trigger-ms", "200", "--dashboard-listen", f"127.0.0.1:{web}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port("127.0.0.1", port, 30, process)
    wait_for_port("127.0.0.1", web, 30, process)
    yield {"bootstrap": f"127.0.0.1:{port}", "port": port, "data": tmp_path / "data", "logs": tmp_path / "logs",
           "dashboard": f"127.0.0.1:{web}"}
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0


def table(output):
    """Rows of a command's table as dicts keyed by the header."""
    lines = [line for line in output.splitlines() if line.strip()]
    header = lines[0].split()
    return [dict(zip(header, line.split())) for line in lines[1:]]


def kcat_topics(bootstrap):
    out = subprocess.run(["kcat", "-L", "-b", bootstrap], capture_output=True, text=True, check=True).stdout
    return {line.split('"')[1] for line in out.splitlines() if line.strip().startswith("topic ")}


def test_topics_are_created_described_listed_and_deleted(appliance):
    servers = ["--bootstrap-servers", appliance["bootstrap"]]
    aseed("topics", "create", "class-demo", "--partitions", "2", "--topic-config", "retention.ms=3600000", *servers)
    assert "class-demo" in kcat_topics(appliance["bootstrap"])
    described = aseed("topics", "describe", "class-demo", *servers).stdout
    assert "Partitions: 2" in described and "retention.ms=3600000" in described
    listed = {row["TOPIC"]: row for row in table(aseed("topics", "list", *servers).stdout)}
    assert listed["class-demo"]["PARTITIONS"] == "2" and listed["orders"]["PARTITIONS"] == "3"
    again = aseed("topics", "create", "class-demo", *servers, check=False)
    assert again.returncode != 0 and "TOPIC_ALREADY_EXISTS" in again.stderr
    aseed("topics", "delete", "class-demo", *servers)
    assert "class-demo" not in kcat_topics(appliance["bootstrap"])
    missing = aseed("topics", "describe", "class-demo", *servers, check=False)
    assert missing.returncode != 0 and "UNKNOWN_TOPIC_OR_PARTITION" in missing.stderr


def test_produce_and_consume_round_trip_with_keys_and_kcat_agrees(appliance):
    servers = ["--bootstrap-servers", appliance["bootstrap"]]
    aseed("topics", "create", "notes", "--partitions", "1", *servers)
    sent = aseed("produce", "--topic", "notes", "--key-separator", "::", *servers, input="a::first\nb::second\nplain\n")
    assert "sent 3 records" in sent.stderr
    got = aseed("consume", "--topic", "notes", "--from-beginning", "--print-key", "--max-messages", "3", *servers).stdout
    assert got.splitlines() == ["a\tfirst", "b\tsecond", "\tplain"]
    kcat = subprocess.run(["kcat", "-C", "-b", appliance["bootstrap"], "-t", "notes", "-o", "beginning", "-e", "-q",
                           "-f", "%k=%s\n"], capture_output=True, text=True, check=True, timeout=60).stdout
    assert kcat.splitlines() == ["a=first", "b=second", "=plain"]


def test_groups_show_members_offsets_and_lag(appliance):
    servers = ["--bootstrap-servers", appliance["bootstrap"]]
    aseed("topics", "create", "lagging", "--partitions", "2", *servers)
    aseed("produce", "--topic", "lagging", *servers, input="".join(f"m{i}\n" for i in range(10)))
    aseed("consume", "--topic", "lagging", "--group", "readers", "--from-beginning", "--max-messages", "10", *servers)
    aseed("produce", "--topic", "lagging", *servers, input="".join(f"n{i}\n" for i in range(4)))
    groups = {row["GROUP"] for row in table(aseed("groups", "list", *servers).stdout)}
    assert {"readers", "aseed-analyzer"} <= groups
    described = aseed("groups", "describe", "readers", *servers).stdout
    assert "Total lag: 4" in described
    rows = table("\n".join(described.splitlines()[1:-1]))
    assert sum(int(row["COMMITTED"]) for row in rows) == 10 and sum(int(row["LATEST"]) for row in rows) == 14
    assert "orders" in aseed("groups", "describe", "aseed-analyzer", *servers).stdout


def test_status_reports_the_components_the_orders_and_the_disk(appliance):
    time.sleep(1)
    out = aseed("status", "--bootstrap-servers", appliance["bootstrap"], "--data-dir", str(appliance["data"]),
                "--dashboard", appliance["dashboard"]).stdout
    assert "up" in out.splitlines()[0]
    assert "orders: 3 partitions" in out
    assert "analyzer lag (group aseed-analyzer)" in out
    assert f"Dashboard  {appliance['dashboard']}  up, overall healthy" in out
    states = {row["COMPONENT"]: row["STATE"] for row in table("\n".join(
        line for line in out.splitlines() if line.startswith("  ") and not line.startswith("   ")))}
    assert states == {"broker": "running", "simulator": "running", "analyzer": "running", "dashboard": "running"}
    assert "Disk" in out and "used" in out and "free" in out
    # Without the dashboard the broker part still answers.
    partial = aseed("status", "--bootstrap-servers", appliance["bootstrap"], "--data-dir", str(appliance["data"]),
                    "--dashboard", f"127.0.0.1:{free_port()}").stdout
    assert "not answering" in partial and "orders: 3 partitions" in partial


def test_restart_asks_the_appliance_with_the_token_from_the_data_dir(appliance):
    common = ["--dashboard", appliance["dashboard"], "--data-dir", str(appliance["data"])]
    out = aseed("restart", "analyzer", *common).stdout
    assert "analyzer is restarting" in out
    log = appliance["logs"] / "analyzer.log"
    deadline = time.time() + 20
    while "analyzer restarting on request" not in (log.read_text() if log.exists() else "") and time.time() < deadline:
        time.sleep(0.2)
    assert "analyzer restarting on request" in log.read_text()
    wrong = aseed("restart", "analyzer", *common, "--admin-token", "not-the-token", check=False)
    assert wrong.returncode != 0 and "refused the admin token" in wrong.stderr
    unknown = aseed("restart", "kafka", *common, check=False)
    assert unknown.returncode != 0 and "unknown component" in unknown.stderr


def test_logs_show_a_component_and_follow_new_lines(appliance):
    logs = ["--log-dir", str(appliance["logs"])]
    out = aseed("logs", "broker", "-n", "5", *logs).stdout
    assert 1 <= len(out.splitlines()) <= 5 and "broker" in out
    everything = aseed("logs", "-n", "2", *logs).stdout
    assert any(line.startswith("analyzer | ") for line in everything.splitlines())
    follower = subprocess.Popen([ASEED_BIN, "logs", "broker", "-f", "-n", "0", *logs], stdout=subprocess.PIPE, text=True)
    followed: list[str] = []
    reader = threading.Thread(target=lambda: followed.extend(follower.stdout), daemon=True)
    reader.start()
    try:
        # The follower sees only lines written after it started, and a busy machine may take
        # a while to start it: malformed frames (each logged by the broker) until one shows.
        deadline = time.monotonic() + 30
        while not any("closing connection" in line for line in followed) and time.monotonic() < deadline:
            with socket.create_connection(("127.0.0.1", appliance["port"])) as connection:
                connection.sendall(b"\xff\xff\xff\xff")
                connection.recv(16)
            time.sleep(0.5)
    finally:
        # SIGTERM, not SIGINT: a test run started in the background (`nohup make test &`)
        # passes SIGINT on ignored, and the follower would never stop.
        follower.send_signal(signal.SIGTERM)
        follower.wait(timeout=10)
        reader.join(timeout=10)
    assert any("closing connection" in line for line in followed), followed
    unknown = aseed("logs", "nonsense", *logs, check=False)
    assert unknown.returncode != 0 and "unknown component" in unknown.stderr


def test_commands_say_when_no_appliance_is_running(tmp_path):
    dead = f"127.0.0.1:{free_port()}"
    for command in (["topics", "list"], ["groups", "list"], ["consume", "--max-messages", "1"]):
        result = aseed(*command, "--bootstrap-servers", dead, check=False)
        assert result.returncode != 0
        assert "is the appliance running?" in result.stderr, result.stderr
    status = aseed("status", "--bootstrap-servers", dead, "--dashboard", f"127.0.0.1:{free_port()}",
                   "--data-dir", str(tmp_path), check=False)
    assert status.returncode == 1 and "no appliance answers" in status.stderr
    logs = aseed("logs", "--log-dir", str(tmp_path / "nowhere"), check=False)
    assert logs.returncode != 0 and "no log files" in logs.stderr
