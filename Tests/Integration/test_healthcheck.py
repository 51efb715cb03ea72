"""The container image's healthcheck (packaging/image-healthcheck) against a running broker:
healthy only when what the container runs answers; a part the container was told not to run
(ASEED_NO_DASHBOARD, ASEED_BOOTSTRAP_SERVERS) is not probed."""
import os
import subprocess

import pytest

from conftest import REPO, free_port

pytestmark = pytest.mark.needs_aseed

HEALTHCHECK = REPO / "packaging" / "image-healthcheck"


def healthcheck(**env: str) -> subprocess.CompletedProcess:
    settings = {key: value for key, value in os.environ.items() if not key.startswith("ASEED_")}
    return subprocess.run(["bash", str(HEALTHCHECK)], env={**settings, **env}, capture_output=True, text=True,
                          timeout=30)


@pytest.fixture
def broker(aseed_factory):
    return aseed_factory().start()


def test_a_missing_dashboard_is_unhealthy(broker):
    result = healthcheck(ASEED_KAFKA_LISTEN=broker.bootstrap, ASEED_DASHBOARD_LISTEN=f"127.0.0.1:{free_port()}")
    assert result.returncode == 1
    assert "dashboard" in result.stdout


def test_without_a_dashboard_the_broker_alone_decides(broker):
    for value in ("true", "TRUE", "1", "yes"):
        assert healthcheck(ASEED_KAFKA_LISTEN=broker.bootstrap, ASEED_NO_DASHBOARD=value).returncode == 0


def test_a_broker_that_does_not_answer_is_unhealthy(broker):
    result = healthcheck(ASEED_KAFKA_LISTEN=f"127.0.0.1:{free_port()}", ASEED_NO_DASHBOARD="true")
    assert result.returncode == 1
    assert "Kafka listener" in result.stdout


def test_with_an_external_cluster_no_broker_is_probed():
    result = healthcheck(ASEED_BOOTSTRAP_SERVERS="kafka.example:9092", ASEED_KAFKA_LISTEN=f"127.0.0.1:{free_port()}",
                         ASEED_NO_DASHBOARD="true")
    assert result.returncode == 0
