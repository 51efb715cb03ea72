"""`aseed run` (and plain `aseed`): the broker and the order simulator in one process."""
import os
import signal
import subprocess
import time

import pytest

from conftest import ASEED_BIN, free_port, wait_for_port

pytestmark = pytest.mark.needs_aseed


def count_orders(bootstrap, topic="orders"):
    out = subprocess.run(["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k\n"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return len(out.splitlines())


def start(tmp_path, *args, port=None):
    port = port or free_port()
    process = subprocess.Popen(
        [ASEED_BIN, *args, "--data-dir", str(tmp_path / "data"), "--log-dir", str(tmp_path / "logs"),
         "--kafka-listen", f"127.0.0.1:{port}", "--kafka-advertise", f"127.0.0.1:{port}"],
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
    for component in ("broker", "simulator"):
        assert (tmp_path / "logs" / f"{component}.log").stat().st_size > 0
    assert "closed all partition logs cleanly" in (tmp_path / "logs" / "broker.log").read_text()


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
             "--data-dir", str(tmp_path / "local-data"), "--log-dir", str(tmp_path / "local-logs"),
             "--kafka-listen", f"127.0.0.1:{local_port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while count_orders(f"127.0.0.1:{external_port}") < 500 and time.time() < deadline:
            time.sleep(0.3)
        assert count_orders(f"127.0.0.1:{external_port}") == 500
        assert not (tmp_path / "local-data").exists(), "no embedded broker was to be started"
        assert stop(process) == 0
    finally:
        assert stop(external) == 0
