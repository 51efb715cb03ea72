"""The Apache Kafka Java client (what kafka-console-producer/-consumer, kafka-topics and
kafka-consumer-groups are built on), versions 3.9.1 and 4.3.0, through java/ClientCheck.java.
The jars come from scripts/fetch-kafka-client-jars.sh (run by `make test`)."""
import uuid

from javaclients import run_check


def run_client_check(classpath, broker, mode):
    topic = f"java-{mode}-{uuid.uuid4().hex[:8]}"
    group = f"java-group-{uuid.uuid4().hex[:8]}"
    return run_check(classpath, "ClientCheck", broker.bootstrap, topic, group, mode)


def test_console_tool_workflow(java_client, broker):
    """Producer with acks=all and idempotence, group consumer from the beginning with commits,
    topic listing and configs, group listing, description and offsets, resume after commit."""
    out = run_client_check(java_client, broker, "tools")
    assert "OK admin described group: state Stable" in out


def test_every_compression_codec(java_client, broker):
    out = run_client_check(java_client, broker, "codecs")
    for codec in ["none", "gzip", "snappy", "lz4", "zstd"]:
        assert f"OK produced 25 records with compression.type={codec}" in out
