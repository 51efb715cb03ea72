"""Who is connected as whom, as the appliance's own broker knows it: `/api/broker/connections`
lists the simulator's, analyzer's and console's connections and a student's confluent-kafka
client with its client id, principal, listener and software (KIP-511); the console's Clients
table shows a client id that is markup as text; `/metrics` counts connections by listener and
principal and, with `--authorizer acls`, the refused requests by operation and resource type,
which the broker log names once."""
import json
import time
import urllib.request

import pytest
from confluent_kafka import Consumer, KafkaError, Producer

from conftest import unique
from test_poison import Appliance

pytestmark = [pytest.mark.needs_aseed, pytest.mark.timeout(120)]


def connections(appliance) -> list[dict]:
    return appliance.json("/api/broker/connections")["connections"]


def metrics_text(appliance) -> str:
    with urllib.request.urlopen(appliance.url + "/metrics", timeout=10) as response:
        return response.read().decode()


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample of `name` with exactly `labels`, None when there is none."""
    wanted = name + "{" + ",".join(f'{key}="{value}"' for key, value in labels.items()) + "}"
    for line in text.splitlines():
        if line.startswith(wanted + " "):
            return float(line.split()[-1])
    return None


@pytest.fixture(scope="module")
def appliance(tmp_path_factory):
    instance = Appliance(tmp_path_factory.mktemp("clients"))
    try:
        yield instance
    finally:
        assert instance.stop() == 0


def test_the_components_and_a_student_are_listed_with_their_client_ids(appliance):
    student = unique("student")
    consumer = Consumer({"bootstrap.servers": appliance.bootstrap, "client.id": student, "group.id": student})
    try:
        consumer.list_topics("orders", timeout=10)
        listed = appliance.wait_for(
            lambda: [c for c in connections(appliance) if c["client_id"] == student], message="the student listed")
        entry = listed[0]
        assert entry["principal"] == "User:ANONYMOUS" and entry["listener"] == "PLAINTEXT"
        assert entry["client_software"].startswith("confluent-kafka-python "), entry
        assert entry["address"].startswith("127.0.0.1:")
        assert entry["connected_ms"] >= 0 and entry["connected_at"].endswith("Z")
        appliance.json("/api/broker/topics")  # the console connects when first asked
        ids = {c["client_id"] for c in connections(appliance)}
        assert {"aseed-simulator", "aseed-analyzer", "aseed-console"} <= ids, ids
        ours = [c for c in connections(appliance) if c["client_id"] == "aseed-simulator"]
        assert ours[0]["client_software"].startswith("aseed-kafkawire "), ours
        text = metrics_text(appliance)
        count = sample(text, "aseed_broker_connections", listener="PLAINTEXT", principal="User:ANONYMOUS")
        assert count is not None and count >= 4, text
    finally:
        consumer.close()
    # A closed connection leaves the list.
    appliance.wait_for(lambda: not [c for c in connections(appliance) if c["client_id"] == student],
                       message="the student's connections gone")


def test_each_client_shows_its_api_mix_and_bytes(appliance):
    """A confluent-kafka producer shows its Produce requests and a kafka-python consumer its
    Fetch requests, each with bytes both ways; the console's table shows the mix."""
    from kafka import KafkaConsumer
    from test_dashboard_page import Browser

    writer_id, reader_id = unique("writer"), unique("reader")
    producer = Producer({"bootstrap.servers": appliance.bootstrap, "client.id": writer_id, "linger.ms": 0})
    for number in range(5):
        producer.produce("orders", b"not an order %d" % number)
        producer.flush(10)
    reader = KafkaConsumer("orders", bootstrap_servers=appliance.bootstrap, client_id=reader_id,
                           group_id=unique("g-reader"), auto_offset_reset="earliest")
    browser = Browser()
    try:
        def mix(client_id):
            listed = [c for c in connections(appliance) if c["client_id"] == client_id]
            merged = {}
            for connection in listed:
                for api, count in connection["requests"].items():
                    merged[api] = merged.get(api, 0) + count
            return merged, sum(c["bytes_in"] for c in listed), sum(c["bytes_out"] for c in listed)

        written, bytes_in, bytes_out = appliance.wait_for(
            lambda: (lambda m: m if m[0].get("Produce", 0) >= 5 else None)(mix(writer_id)), message="Produce counted")
        # librdkafka asks Metadata on its bootstrap connection, which it closes once it knows
        # the broker by id; the connection it keeps carries ApiVersions and the Produce requests.
        assert written.get("ApiVersions", 0) >= 1, written
        assert bytes_in > 5 * 14 and bytes_out > 0
        def fetched():
            reader.poll(timeout_ms=500)  # kafka-python joins and fetches only inside poll
            counted = mix(reader_id)
            return counted if counted[0].get("Fetch", 0) >= 1 else None

        read, _, _ = appliance.wait_for(fetched, message="Fetch counted")
        assert read.get("JoinGroup", 0) >= 1, read

        browser.open_page()
        browser.navigate(appliance.url + "/console")
        row = ("[...document.querySelectorAll('#clients-table tbody tr')]"
               f".find(r => r.cells[1] && r.cells[1].textContent === {json.dumps(writer_id)} && "
               "r.cells[6].textContent.includes('Produce'))")
        browser.wait_for(f"!!{row}", 30, "the console does not show the producer's Produce requests")
        assert browser.errors() == []
    finally:
        browser.close()
        reader.close()
        producer.flush(5)


def test_the_console_shows_a_client_id_that_is_markup_as_text(appliance):
    from test_dashboard_page import Browser

    markup = unique("<img src=x onerror=alert(1)>")
    producer = Producer({"bootstrap.servers": appliance.bootstrap, "client.id": markup})
    browser = Browser()
    try:
        producer.list_topics(timeout=10)
        browser.open_page()
        browser.navigate(appliance.url + "/console")
        row = ("[...document.querySelectorAll('#clients-table tbody tr')]"
               f".find(r => r.cells[1] && r.cells[1].textContent === {json.dumps(markup)})")
        browser.wait_for(f"!!{row}", 30, "the console's clients table does not list the producer")
        cells = browser.evaluate(f"[...{row}.cells].map(c => c.textContent)")
        assert cells[0] == "User:ANONYMOUS" and cells[4] == "PLAINTEXT", cells
        assert browser.evaluate("document.querySelectorAll('main img').length") == 0
        time.sleep(1)  # a broken image's onerror would run by now
        assert browser.errors() == []
    finally:
        browser.close()
        producer.flush(5)


def test_refusals_are_counted_by_operation_and_resource_type(tmp_path):
    secured = Appliance(tmp_path, "--authorizer", "acls", listeners=["PLAINTEXT", "SASL_PLAINTEXT"])
    try:
        # The components log in on the SASL listener as the appliance's own user.
        secured.wait_for(lambda: any(c["principal"] == "User:aseed-appliance" and c["client_id"] == "aseed-analyzer"
                                     for c in connections(secured)), message="the analyzer logged in")
        # Two clients, each refused: counted twice, logged once.
        for attempt in range(2):
            errors = []
            producer = Producer({"bootstrap.servers": secured.bootstrap, "client.id": f"anonymous-writer-{attempt}",
                                 "enable.idempotence": False, "message.timeout.ms": 5000})
            producer.produce("orders", b"x", on_delivery=lambda error, _message: errors.append(error))
            producer.flush(10)
            assert [error.code() for error in errors] == [KafkaError.TOPIC_AUTHORIZATION_FAILED], errors
        refused = secured.wait_for(
            lambda: sample(metrics_text(secured), "aseed_broker_authorization_refusals_total",
                           operation="Describe", resource_type="Topic"),
            message="a counted refusal")
        assert refused >= 2
        logged = [line for line in secured.log("broker").splitlines()
                  if "refused User:ANONYMOUS from 127.0.0.1: Describe on Topic 'orders'" in line]
        assert len(logged) == 1, logged
    finally:
        assert secured.stop() == 0
