"""The classroom examples (examples/) against a running appliance: each script, then the
notebook executed headless."""
import os
import pathlib
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ASEED_BIN, REPO, free_port, wait_for_port

pytestmark = pytest.mark.needs_aseed

EXAMPLES = REPO / "examples"


@pytest.fixture(scope="module")
def appliance(tmp_path_factory):
    base = tmp_path_factory.mktemp("classroom")
    kafka, web = free_port(), free_port()
    process = subprocess.Popen(
        [ASEED_BIN, "run", "--data-dir", str(base / "data"), "--log-dir", str(base / "logs"),
         "--kafka-listen", f"127.0.0.1:{kafka}", "--kafka-advertise", f"127.0.0.1:{kafka}",
         "--dashboard-listen", f"127.0.0.1:{web}", "--rate", "5", "--trigger-ms", "200"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port("127.0.0.1", kafka, 30, process)
    wait_for_port("127.0.0.1", web, 30, process)
    env = dict(os.environ, ASEED_KAFKA=f"127.0.0.1:{kafka}", ASEED_DASHBOARD=f"http://127.0.0.1:{web}")
    deadline = time.time() + 30
    while b'"total_orders":0' in urllib.request.urlopen(env["ASEED_DASHBOARD"] + "/api/status").read().replace(b" ", b""):
        assert time.time() < deadline, "no orders reached the dashboard"
        time.sleep(0.5)
    yield env
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0


@pytest.mark.parametrize("script", ["01_connect.py", "02_top_products.py", "03_produce_an_order.py"])
def test_script_runs_against_the_appliance(appliance, script):
    result = subprocess.run([sys.executable, script], cwd=EXAMPLES, env=appliance, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    if script == "01_connect.py":
        assert "orders has 3 partitions" in result.stdout
    if script == "02_top_products.py":
        assert "dashboard top 5:" in result.stdout and "orders read" in result.stdout
    if script == "03_produce_an_order.py":
        assert "the dashboard lists ORDER-CLASS-" in result.stdout


def test_notebook_runs_headless(appliance):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(EXAMPLES / "classroom.ipynb", as_version=4)
    os.environ.update({key: appliance[key] for key in ("ASEED_KAFKA", "ASEED_DASHBOARD")})
    started = time.time()
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    assert time.time() - started < 120
    outputs = "".join(output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []))
    assert "is on the dashboard" in outputs
