"""The aseed executable's basic contract: version, help, and settings from flags, ASEED_*
environment variables and the config file."""
import os
import signal
import socket
import subprocess
import time

import pytest

from conftest import free_port, wait_for, wait_for_port

pytestmark = pytest.mark.needs_aseed

ASEED = os.environ.get("ASEED_BIN", ".build/debug/aseed")


def test_version_prints_the_version():
    out = subprocess.run([ASEED, "version"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("aseed ")


def test_unknown_command_fails_with_a_message():
    result = subprocess.run([ASEED, "no-such-command"], capture_output=True, text=True)
    assert result.returncode != 0
    assert "no-such-command" in result.stderr


@pytest.mark.parametrize("arguments", [["foo"], ["foo", "--help"], ["stauts", "--data-dir", "x"]])
def test_an_unknown_command_is_named_with_the_list_of_commands(arguments):
    """Not taken for `aseed run` (the default command): its help would pass for the command's."""
    result = subprocess.run([ASEED, *arguments], capture_output=True, text=True, timeout=30)
    assert result.returncode == 64
    assert result.stderr.startswith(f"error: unknown command '{arguments[0]}'\n")
    for command in ("run", "broker", "simulate", "analyze", "dashboard", "status", "logs", "topics", "version"):
        assert f"\n  {command} " in result.stderr
    assert "--no-simulator" not in result.stdout + result.stderr


def test_help_and_known_commands_still_parse():
    assert "SUBCOMMANDS" in subprocess.run([ASEED, "--help"], capture_output=True, text=True, check=True).stdout
    broker_help = subprocess.run([ASEED, "help", "broker"], capture_output=True, text=True, check=True).stdout
    assert "--kafka-listen" in broker_help
    # An option first still means `aseed run`: its own error for an option it does not know.
    result = subprocess.run([ASEED, "--no-such-flag"], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "--no-such-flag" in result.stderr
    assert "unknown command" not in result.stderr


def test_options_alone_run_the_appliance(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [ASEED, "--data-dir", str(tmp_path / "data"), "--log-dir", str(tmp_path / "logs"),
         "--kafka-listen", f"127.0.0.1:{port}", "--no-simulator", "--no-analyzer", "--no-dashboard"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port("127.0.0.1", port, 30, process)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    assert (tmp_path / "logs" / "appliance.log").exists()


def test_broker_help_explains_every_common_flag():
    out = subprocess.run([ASEED, "broker", "--help"], capture_output=True, text=True, check=True).stdout
    for flag in ("--config", "--data-dir", "--log-dir", "--kafka-listen", "--kafka-advertise", "--flush",
                 "--queued-max-request-bytes", "--partial-request-timeout-ms", "--connections-max-idle-ms"):
        assert flag in out
    assert "ASEED_" in out


def kcat_brokers(bootstrap):
    out = subprocess.run(["kcat", "-L", "-b", bootstrap, "-m", "10"], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip().startswith("broker ")]


def test_settings_come_from_flags_then_environment_then_config_file(tmp_path):
    """Precedence flag > ASEED_* > --config file > default, shown by where the broker
    listens, what it advertises and where it writes."""
    port, other = free_port(), free_port()
    config = tmp_path / "aseed.conf"
    config.write_text(
        "# a comment\n"
        f"kafka-listen = 127.0.0.1:{port}\n"
        f"kafka-advertise = \"127.0.0.1:{other}\"\n"
        f"data-dir = {tmp_path / 'file-data'}\n"
        f"log-dir = {tmp_path / 'logs'}\n"
    )
    env = dict(os.environ, ASEED_DATA_DIR=str(tmp_path / "env-data"), ASEED_KAFKA_ADVERTISE=f"127.0.0.1:{other}")
    process = subprocess.Popen(
        [ASEED, "broker", "--config", str(config), "--kafka-advertise", f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port("127.0.0.1", port, 30, process)
        # The flag wins over the environment and the file.
        assert kcat_brokers(f"127.0.0.1:{port}") == [f"broker 1 at 127.0.0.1:{port} (controller)"]
        # The environment wins over the file; the file still sets what nothing else does.
        assert (tmp_path / "env-data" / "metadata.sqlite").exists()
        assert not (tmp_path / "file-data").exists()
        assert (tmp_path / "logs" / "broker.log").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0


@pytest.mark.parametrize("setting, value, words", [
    ("ASEED_DEFAULT_PARTITIONS", "three", ["ASEED_DEFAULT_PARTITIONS", "integer", "three"]),
    ("ASEED_FLUSH", "sometimes", ["ASEED_FLUSH", "every-batch", "interval-ms=N"]),
    ("ASEED_KAFKA_LISTEN", "nowhere", ["ASEED_KAFKA_LISTEN", "HOST:PORT"]),
    ("ASEED_QUEUED_MAX_REQUEST_BYTES", "lots", ["ASEED_QUEUED_MAX_REQUEST_BYTES", "integer", "lots"]),
    ("ASEED_CONNECTIONS_MAX_IDLE_MS", "0", ["connections-max-idle-ms", "positive integer", "0"]),
    ("ASEED_PARTIAL_REQUEST_TIMEOUT_MS", "-5", ["partial-request-timeout-ms", "positive integer", "-5"]),
])
def test_a_bad_setting_names_the_key_and_what_was_expected(tmp_path, setting, value, words):
    env = dict(os.environ, **{setting: value})
    result = subprocess.run([ASEED, "broker", "--data-dir", str(tmp_path / "d"), "--log-dir", str(tmp_path / "l")],
                            env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    for word in words:
        assert word in result.stderr


def test_a_bad_config_file_line_names_the_file_and_line(tmp_path):
    config = tmp_path / "bad.conf"
    config.write_text("data-dir = /tmp/x\nthis line has no equals sign\n")
    result = subprocess.run([ASEED, "broker", "--config", str(config)], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert f"{config}:2" in result.stderr


def test_log_files_rotate_at_their_size_and_keep_the_newest(tmp_path):
    """Each malformed frame costs a warning line; 4 KiB files, two rotated ones kept."""
    port = free_port()
    logs = tmp_path / "logs"
    process = subprocess.Popen(
        [ASEED, "broker", "--data-dir", str(tmp_path / "data"), "--log-dir", str(logs),
         "--kafka-listen", f"127.0.0.1:{port}", "--log-max-bytes", "4096", "--log-files", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port("127.0.0.1", port, 30, process)
        for _ in range(150):
            with socket.create_connection(("127.0.0.1", port)) as connection:
                connection.sendall(b"\xff\xff\xff\xff")  # a negative frame size
                connection.recv(16)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    names = sorted(path.name for path in logs.iterdir())
    assert names == ["broker.log", "broker.log.1", "broker.log.2"]
    for name in names:
        assert (logs / name).stat().st_size < 4096 + 512
    assert "closing connection" in (logs / "broker.log.1").read_text()


def stopping_client(command, tmp_path, bootstrap):
    """`aseed simulate` or `aseed analyze` against `bootstrap`, started and working."""
    logs = tmp_path / "logs"
    if command == "simulate":
        arguments = ["simulate", "--rate", "100"]
        log, working = logs / "simulator.log", "simulator starting"
    else:
        # The broker made the orders topic at its start.
        arguments = ["analyze", "--data-dir", str(tmp_path / "data")]
        log, working = logs / "analyzer.log", "partitions of orders from offsets"
    stderr = open(tmp_path / f"{command}-stderr.txt", "wb")
    process = subprocess.Popen(
        [ASEED, *arguments, "--bootstrap-servers", bootstrap, "--log-dir", str(logs)],
        stdout=subprocess.DEVNULL, stderr=stderr)
    stderr.close()
    wait_for(lambda: log.exists() and working in log.read_text(), timeout=30, message=f"{command} to start")
    return process, log


@pytest.mark.parametrize("command", ["simulate", "analyze"])
def test_a_second_sigterm_ends_a_command_at_once_while_its_graceful_stop_waits(tmp_path, aseed_factory, command):
    """The broker is frozen (SIGSTOP), so the graceful stop the first SIGTERM starts waits on
    its answers (up to the clients' 30 s request timeout); the second SIGTERM ends it now."""
    broker = aseed_factory().start()
    process, log = stopping_client(command, tmp_path, broker.bootstrap)
    try:
        # Let the client have requests in flight (orders to deliver, a fetch) when it freezes.
        time.sleep(1)
        broker.process.send_signal(signal.SIGSTOP)
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        time.sleep(2)
        assert process.poll() is None, f"the graceful stop did not wait on the frozen broker\n{log.read_text()}"
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=15)
        assert time.monotonic() - sent < 2, "the second SIGTERM did not end the command at once"
        assert status == 130
        assert "second SIGTERM: exiting now" in log.read_text()
    finally:
        broker.process.send_signal(signal.SIGCONT)
        if process.poll() is None:
            process.kill()
            process.wait(10)
