"""`aseed run` (and plain `aseed`): the broker and the order simulator in one process."""
import os
import signal
import stat
import subprocess
import time

import pytest
from confluent_kafka import Consumer, TopicPartition

from conftest import ASEED_BIN, free_port, wait_for_port
from kafkahelpers import create_topic

pytestmark = pytest.mark.needs_aseed


def count_orders(bootstrap, topic="orders"):
    """Records in the topic, as the sum of its partitions' high watermarks.

    Reading to the end with `kcat -e` never ends while the simulator keeps producing: librdkafka
    reports the end of a partition only from an empty fetch, and a steady stream leaves none.
    """
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "count-orders"})
    try:
        partitions = consumer.list_topics(topic, timeout=30).topics[topic].partitions
        return sum(consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=30)[1] for p in partitions)
    finally:
        consumer.close()


def start(tmp_path, *args, port=None):
    """`aseed [run] ARGS` (or `aseed broker`) on free ports with its own directories."""
    port = port or free_port()
    dashboard = [] if args[:1] == ("broker",) else ["--dashboard-listen", f"127.0.0.1:{free_port()}"]
    process = subprocess.Popen(
        [ASEED_BIN, *args, "--data-dir", str(tmp_path / "data"), "--log-dir", str(tmp_path / "logs"),
         "--kafka-listen", f"127.0.0.1:{port}", "--kafka-advertise", f"127.0.0.1:{port}", *dashboard],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, port


def stop(process):
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=30)


def test_plain_aseed_runs_the_broker_and_the_simulator(tmp_path):
    process, port = start(tmp_path, "--rate", "200")
    try:
        wait_for_port("127.0.0.1", port, 30, process)
        time.sleep(2)
        assert count_orders(f"127.0.0.1:{port}") >= 100
    finally:
        assert stop(process) == 0
    for component in ("broker", "simulator", "analyzer"):
        assert (tmp_path / "logs" / f"{component}.log").stat().st_size > 0
    assert "closed all partition logs cleanly" in (tmp_path / "logs" / "broker.log").read_text()


def test_existing_logs_are_tightened_to_the_service_user_and_group(tmp_path):
    """A log left readable by everyone (an older version, a copy by hand) is 0640 once the
    appliance opens it; a log directory made by someone else keeps its mode."""
    logs = tmp_path / "logs"
    logs.mkdir(mode=0o755)
    os.chmod(logs, 0o755)
    for name in ("broker.log", "dashboard.log"):
        (logs / name).write_text("an old line\n")
        os.chmod(logs / name, 0o644)
    process, port = start(tmp_path, "run", "--no-simulator", "--no-analyzer")
    try:
        wait_for_port("127.0.0.1", port, 30, process)
    finally:
        assert stop(process) == 0
    assert stat.S_IMODE(logs.stat().st_mode) == 0o755
    for name in ("broker.log", "dashboard.log", "appliance.log"):
        assert stat.S_IMODE((logs / name).stat().st_mode) == 0o640, name
    assert (logs / "broker.log").read_text().startswith("an old line\n")


def analyzer_offsets(bootstrap, topic="orders"):
    """What group aseed-analyzer committed, summed over the topic's partitions."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "aseed-analyzer"})
    try:
        partitions = consumer.list_topics(topic, timeout=30).topics[topic].partitions
        committed = consumer.committed([TopicPartition(topic, p) for p in partitions], timeout=30)
        return sum(max(tp.offset, 0) for tp in committed)
    finally:
        consumer.close()


def wait_until(condition, timeout, message):
    deadline = time.time() + timeout
    while not condition():
        if time.time() > deadline:
            raise AssertionError(message)
        time.sleep(0.2)


def test_the_analyzer_follows_the_simulator_and_resumes_after_a_restart(tmp_path):
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    process, _ = start(tmp_path, "--rate", "300", "--trigger-ms", "200", port=port)
    try:
        wait_for_port("127.0.0.1", port, 30, process)
        wait_until(lambda: analyzer_offsets(bootstrap) >= 300, 30, "the analyzer did not commit its progress")
    finally:
        assert stop(process) == 0
    log = (tmp_path / "logs" / "analyzer.log").read_text()
    assert "pipeline:" in log
    assert (tmp_path / "data" / "analyzer" / "checkpoint.sqlite").exists()

    # Without the simulator the topic stays put: the analyzer resumes and reaches its end.
    process, _ = start(tmp_path, "run", "--no-simulator", "--trigger-ms", "200", port=port)
    try:
        wait_for_port("127.0.0.1", port, 30, process)
        total = count_orders(bootstrap)
        wait_until(lambda: analyzer_offsets(bootstrap) == total, 30, "the analyzer did not catch up after the restart")
    finally:
        assert stop(process) == 0
    assert "resuming from the checkpoint" in (tmp_path / "logs" / "analyzer.log").read_text()


def test_no_analyzer_leaves_it_out(tmp_path):
    process, port = start(tmp_path, "run", "--no-analyzer", "--rate", "200")
    try:
        wait_for_port("127.0.0.1", port, 30, process)
        time.sleep(1)
    finally:
        assert stop(process) == 0
    assert not (tmp_path / "logs" / "analyzer.log").exists()
    assert not (tmp_path / "data" / "analyzer").exists()


def test_no_simulator_runs_the_broker_alone(tmp_path):
    process, port = start(tmp_path, "run", "--no-simulator", "--rate", "200")
    try:
        wait_for_port("127.0.0.1", port, 30, process)
        time.sleep(1.5)
        assert count_orders(f"127.0.0.1:{port}") == 0
    finally:
        assert stop(process) == 0


def test_bootstrap_servers_use_an_external_cluster_without_a_local_broker(tmp_path):
    external, external_port = start(tmp_path / "external", "broker")
    try:
        wait_for_port("127.0.0.1", external_port, 30, external)
        local_port = free_port()
        process = subprocess.Popen(
            [ASEED_BIN, "run", "--bootstrap-servers", f"127.0.0.1:{external_port}", "--flood", "--count", "500",
             "--dashboard-listen", f"127.0.0.1:{free_port()}",
             "--data-dir", str(tmp_path / "local-data"), "--log-dir", str(tmp_path / "local-logs"),
             "--kafka-listen", f"127.0.0.1:{local_port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while count_orders(f"127.0.0.1:{external_port}") < 500 and time.time() < deadline:
            time.sleep(0.3)
        assert count_orders(f"127.0.0.1:{external_port}") == 500
        assert not (tmp_path / "local-data" / "topics").exists(), "no embedded broker was to be started"
        assert stop(process) == 0
    finally:
        assert stop(external) == 0


def test_a_failing_component_is_restarted_with_backoff_while_the_others_run(tmp_path):
    """An analyzer checkpoint that is not a database fails the analyzer at every start; the
    broker and the simulator go on, and once the file is gone the analyzer comes back."""
    checkpoint = tmp_path / "data" / "analyzer" / "checkpoint.sqlite"
    checkpoint.parent.mkdir(parents=True)
    checkpoint.write_bytes(b"this is not a database" * 100)
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    process, _ = start(tmp_path, "--rate", "200", "--trigger-ms", "200", port=port)
    try:
        wait_for_port("127.0.0.1", port, 30, process)
        log = tmp_path / "logs" / "analyzer.log"
        wait_until(lambda: log.exists() and log.read_text().count("analyzer failed") >= 2, 30,
                   "the analyzer's failures were not logged with restarts")
        assert "restarting in" in log.read_text()
        assert count_orders(bootstrap) > 0, "the broker and the simulator must keep running"
        checkpoint.unlink()
        wait_until(lambda: analyzer_offsets(bootstrap) > 0, 60, "the analyzer did not come back")
    finally:
        assert stop(process) == 0


def test_a_second_signal_ends_the_process_at_once(tmp_path):
    """Against a cluster that does not answer, the graceful stop has to wait for the clients'
    connection attempts; a second SIGTERM ends the process at once with status 130."""
    web = free_port()
    process = subprocess.Popen(
        [ASEED_BIN, "run", "--bootstrap-servers", f"127.0.0.1:{free_port()}", "--dashboard-listen", f"127.0.0.1:{web}",
         "--data-dir", str(tmp_path / "data"), "--log-dir", str(tmp_path / "logs")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port("127.0.0.1", web, 30, process)
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    time.sleep(0.3)  # two signals sent at once arrive as one
    assert process.poll() is None, "the graceful stop had nothing to wait for"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 130
    assert "second SIGTERM: exiting now" in (tmp_path / "logs" / "appliance.log").read_text()


def test_run_against_tansu_uses_it_for_the_simulator_and_the_analyzer(tmp_path, tansu):
    """The whole appliance against a Kafka-compatible broker that is not ours."""
    create_topic(tansu, "orders", 3)
    process = subprocess.Popen(
        [ASEED_BIN, "run", "--bootstrap-servers", tansu, "--dashboard-listen", f"127.0.0.1:{free_port()}",
         "--data-dir", str(tmp_path / "data"),
         "--log-dir", str(tmp_path / "logs"), "--kafka-listen", f"127.0.0.1:{free_port()}",
         "--rate", "200", "--trigger-ms", "200"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        log = tmp_path / "logs" / "analyzer.log"
        wait_until(lambda: log.exists() and "reading 3 partitions of orders" in log.read_text(), 30,
                   "the analyzer did not start reading Tansu's orders")
        time.sleep(3)
    finally:
        assert stop(process) == 0
    assert not (tmp_path / "data" / "topics").exists(), "no embedded broker was to be started"
    final = [line for line in log.read_text().splitlines() if "pipeline:" in line][-1]
    counted = int(final.split(" orders,")[0].rsplit(" ", 1)[1])
    assert counted >= 200, final


def http_json(url):
    import json
    import urllib.request
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.load(answer)


def test_the_dashboard_alone_serves_any_cluster_with_or_without_its_own_analyzer(tmp_path):
    """Split deployment: a broker and a simulator elsewhere, `aseed dashboard` beside them."""
    broker, port = start(tmp_path / "broker", "broker")
    bootstrap = f"127.0.0.1:{port}"
    dashboards = []
    try:
        wait_for_port("127.0.0.1", port, 30, broker)
        subprocess.run([ASEED_BIN, "simulate", "--bootstrap-servers", bootstrap, "--flood", "--count", "300",
                        "--log-dir", str(tmp_path / "sim-logs")], check=True, capture_output=True, timeout=60)
        for name, extra in (("with-analyzer", []), ("console-only", ["--no-analyzer"])):
            web = free_port()
            process = subprocess.Popen(
                [ASEED_BIN, "dashboard", "--bootstrap-servers", bootstrap, "--dashboard-listen", f"127.0.0.1:{web}",
                 "--data-dir", str(tmp_path / name / "data"), "--log-dir", str(tmp_path / name / "logs"),
                 "--trigger-ms", "200", *extra],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            dashboards.append(process)
            wait_for_port("127.0.0.1", web, 30, process)
            base = f"http://127.0.0.1:{web}"
            topics = {topic["name"]: topic for topic in http_json(base + "/api/broker/topics")["topics"]}
            assert len(topics["orders"]["partitions"]) == 3
            if extra:
                assert http_json(base + "/api/status")["total_orders"] == 0
            else:
                wait_until(lambda: http_json(base + "/api/status")["total_orders"] == 300, 30,
                           "the dashboard's own analyzer did not count the 300 orders")
    finally:
        for process in dashboards:
            assert stop(process) == 0
        assert stop(broker) == 0
