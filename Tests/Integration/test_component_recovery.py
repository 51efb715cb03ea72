"""Components of `aseed run` restarted by the operator or after a failure: a restarted
simulator goes on with new order ids (the analyzer counts them, no duplicates)."""
import pytest

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
