"""Components of `aseed run` restarted by the operator or after a failure: a restarted
simulator goes on with new order ids (the analyzer counts them, no duplicates), and an
analyzer that failed its checkpoints on a full disk reports no error once it works again."""
import os
import pathlib
import subprocess
import tempfile

import pytest

from conftest import require
from kafkahelpers import produce_acked
from test_poison import Appliance

pytestmark = [pytest.mark.needs_aseed, pytest.mark.timeout(120)]


def test_a_restarted_simulator_continues_its_order_ids(tmp_path):
    """Restarting the simulator from the dashboard, or stopping and starting it, used to start
    its sequence again under the same run id: every new order repeated an old id and the
    analyzer counted them all as duplicates."""
    appliance = Appliance(tmp_path)
    try:
        appliance.wait_for(lambda: appliance.pipeline()["orders_counted"] >= 20, message="orders counted")

        def simulator():
            return appliance.json("/api/service-status")["services"]["simulator"]

        for action in ("restart", "stop-start"):
            before = appliance.pipeline()
            if action == "restart":
                restarts = simulator()["restarts"]
                appliance.json("/api/control/components/simulator/restart", method="POST", expected=202)
                appliance.wait_for(lambda: simulator()["restarts"] == restarts + 1 and simulator()["status"] == "running",
                                   message="simulator restarted")
            else:
                appliance.json("/api/control/simulator", method="POST", body={"action": "stop"})
                appliance.wait_for(lambda: simulator()["status"] == "stopped", message="simulator stopped")
                appliance.json("/api/control/simulator", method="POST", body={"action": "start"})
                appliance.wait_for(lambda: simulator()["status"] == "running", message="simulator started")
            # 50 orders/s: 100 new orders within a few seconds, none of them a duplicate.
            appliance.wait_for(lambda: appliance.pipeline()["orders_counted"] >= before["orders_counted"] + 100, timeout=30,
                               message=f"new orders counted after the simulator's {action}")
            after = appliance.pipeline()
            assert after["duplicates"] == before["duplicates"], (action, before["duplicates"], after["duplicates"])
    finally:
        assert appliance.stop() == 0


@pytest.fixture
def small_tmpfs():
    """A 64 MiB tmpfs to fill up (root only: CI runs as root). The analyzer's own checkpoints
    (the state and its write-ahead log, a few MiB each) must fit with room to spare before the
    test fills the rest."""
    require(os.geteuid() == 0, "mounting a tmpfs to fill needs root (CI runs as root)")
    mount_point = pathlib.Path(tempfile.mkdtemp(prefix="aseed-full-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount_point)], check=True)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
        mount_point.rmdir()


def fill(directory: pathlib.Path) -> pathlib.Path:
    """Writes a file until the file system is full. The file is made before anything else
    runs, so a disk already full still gets it."""
    path = directory / "filler"
    # Unbuffered: a buffered file keeps the bytes a failed write did not place and raises
    # ENOSPC again when it is closed.
    with open(path, "ab", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 65536)
        except OSError:
            pass
    return path


def test_an_analyzer_that_works_again_reports_no_error(aseed_factory, small_tmpfs, tmp_path):
    """The analyzer fails its checkpoints while its disk is full and is restarted with growing
    pauses (right); once space is back and it checkpoints again, its status must be running
    without the stale error."""
    broker = aseed_factory().start()
    (small_tmpfs / "filler").touch()
    appliance = Appliance(tmp_path / "appliance", "--bootstrap-servers", broker.bootstrap, "--no-simulator",
                          data_dir=small_tmpfs / "data")
    try:
        produced = [0]

        def produce_orders(count=200):
            first = produced[0]
            produced[0] += count
            values = [('{"order_id":"O-%d","product_id":"P-1","product_name":"Pen","category":"Office","price":1.5,'
                       '"quantity":1,"customer_id":"C-%d","timestamp":"2025-09-06T12:00:00Z"}' % (n, n)).encode()
                      for n in range(first, first + count)]
            produce_acked(broker.bootstrap, "orders", values)

        def analyzer():
            return appliance.analyzer()

        produce_orders()
        appliance.wait_for(lambda: appliance.pipeline()["orders_counted"] == 200, message="first orders counted")
        filler = fill(small_tmpfs)

        def failed():
            produce_orders()
            status = analyzer()
            return status["restarts"] > 0 and status["last_error"]
        error = appliance.wait_for(failed, timeout=40, message="the analyzer failing on the full disk")
        print("analyzer error on the full disk:", error)

        filler.unlink()
        produce_orders()
        # Back to work (after at most the current pause, a few seconds) with every order counted.
        appliance.wait_for(lambda: analyzer()["status"] == "running" and appliance.pipeline()["orders_counted"] == produced[0],
                           timeout=60, message="the analyzer counting again")
        status = appliance.wait_for(lambda: (lambda s: s if s["last_error"] is None else None)(analyzer()), timeout=5,
                                    message=f"the analyzer's stale error cleared ({analyzer()})")
        assert status["status"] == "running" and status["restarts"] > 0
        assert appliance.json("/api/service-status")["overall_status"] == "healthy"
    finally:
        assert appliance.stop() == 0
