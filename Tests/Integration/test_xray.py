"""The X-ray against real clients: kcat, kafka-python, confluent-kafka and the Java client each
show their software name and their API mix on `/api/broker/connections`; a watched client's
requests come decoded from `/api/broker/connections/{id}/requests` (sampled, and nothing kept
once nobody polls), with their raw bytes; refusals are counted by code with the last explained;
a consumer shows its position and group; the doctor names an idle extra consumer in a group
and, on an appliance that advertises an address nobody listens on, every client that
bootstrapped and could go no further; a group's rebalances come as moments."""
import shutil
import subprocess
import threading
import time

import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient
from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaTimeoutError

import javaclients
from conftest import free_port, require, unique
from kafkahelpers import create_topic, produce_acked
from test_poison import Appliance

pytestmark = [pytest.mark.needs_aseed, pytest.mark.timeout(240)]


def kcat_installed():
    require(shutil.which("kcat") is not None, "kcat is not installed (scripts/ensure-system-packages.sh test)")


def connections(appliance) -> list[dict]:
    return appliance.json("/api/broker/connections")["connections"]


def of_client(appliance, client_id: str) -> list[dict]:
    return [c for c in connections(appliance) if c["client_id"] == client_id]


def requests_of(entries: list[dict]) -> dict:
    """The request counts of a client's connections, summed."""
    total: dict = {}
    for entry in entries:
        for api, count in entry["requests"].items():
            total[api] = total.get(api, 0) + count
    return total


def findings(appliance, kind: str) -> list[dict]:
    return [f for f in appliance.json("/api/broker/doctor")["findings"] if f["kind"] == kind]


class Polling:
    """A kafka-python consumer polling in a thread (it only fetches inside poll())."""

    def __init__(self, consumer: KafkaConsumer):
        self.consumer, self.records, self.running = consumer, 0, True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            for batch in self.consumer.poll(timeout_ms=200).values():
                self.records += len(batch)

    def close(self):
        self.running = False
        self.thread.join(10)
        self.consumer.close()


@pytest.fixture(scope="module")
def appliance(tmp_path_factory):
    instance = Appliance(tmp_path_factory.mktemp("xray"))
    try:
        yield instance
    finally:
        assert instance.stop() == 0


@pytest.fixture(scope="module")
def java_classpath(tmp_path_factory):
    return javaclients.compile_checks("4.3.0", tmp_path_factory.mktemp("java-xray"))


def java_client(classpath: str, *args: str) -> subprocess.Popen:
    process = subprocess.Popen(
        ["java", f"-Djava.library.path={javaclients.NATIVE_LIBRARIES}", "-cp", classpath, "WireClient", *args],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout.readline().strip() == "READY"
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@pytest.fixture(scope="module")
def clients(appliance, java_classpath):
    """Four clients, one of each kind, connected while the module's tests run: a kcat group
    consumer, a kafka-python group consumer, a confluent-kafka producer and a Java producer
    writing every 20 ms, on a one-partition topic with 30 records."""
    kcat_installed()
    topic, names = unique("xray"), {kind: unique(kind) for kind in ["kcat", "python", "confluent", "java"]}
    create_topic(appliance.bootstrap, topic, 1)
    produce_acked(appliance.bootstrap, topic, [b"r%d" % i for i in range(30)])
    kcat = subprocess.Popen(["kcat", "-b", appliance.bootstrap, "-G", unique("kcat-group"), "-X",
                             f"client.id={names['kcat']}", "-q", topic],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    python_group = unique("python-group")
    python = Polling(KafkaConsumer(topic, bootstrap_servers=appliance.bootstrap, client_id=names["python"],
                                   group_id=python_group, auto_offset_reset="earliest"))
    confluent = Producer({"bootstrap.servers": appliance.bootstrap, "client.id": names["confluent"]})
    for index in range(10):
        confluent.produce(topic, value=b"c%d" % index)
    confluent.flush(10)
    java = java_client(java_classpath, appliance.bootstrap, names["java"], "produce", topic, "120")
    try:
        yield {"topic": topic, "names": names, "python_group": python_group, "python": python}
    finally:
        stop(java)
        stop(kcat)
        python.close()
        del confluent


def test_each_client_shows_its_software_and_its_api_mix(appliance, clients):
    names = clients["names"]
    expected = {
        "kcat": ("librdkafka", {"JoinGroup", "SyncGroup", "Fetch"}),
        "python": ("kafka-python", {"JoinGroup", "SyncGroup", "Fetch"}),
        "confluent": ("confluent-kafka-python", {"Produce"}),
        "java": ("apache-kafka-java", {"Produce"}),
    }
    for kind, (software, apis) in expected.items():
        def seen():
            entries = of_client(appliance, names[kind])
            asked = requests_of(entries)
            return entries if apis <= asked.keys() else None
        entries = appliance.wait_for(seen, message=f"{kind}'s requests")
        softwares = {e["client_software"] for e in entries if e["client_software"]}
        assert any(s.startswith(software) for s in softwares), (kind, softwares)
        assert all(e["id"] > 0 and e["local_address"] == appliance.bootstrap for e in entries), entries
        assert sum(e["bytes_in"] for e in entries) > 0 and sum(e["bytes_out"] for e in entries) > 0


def test_a_watched_clients_requests_come_decoded_and_stop_being_kept_without_a_viewer(appliance, clients):
    topic, java = clients["topic"], clients["names"]["java"]
    producing = appliance.wait_for(
        lambda: [c for c in of_client(appliance, java) if c["requests"].get("Produce", 0) > 0],
        message="the Java producer's connection")[0]
    path = f"/api/broker/connections/{producing['id']}/requests"
    last, kept = 0, []

    def more():
        nonlocal last
        answer = appliance.json(f"{path}?after={last}")
        kept.extend(answer["requests"])
        if answer["requests"]:
            last = answer["requests"][-1]["sequence"]
        return answer if any(r["api"] == "Produce" and r["finished"] for r in kept) else None
    answer = appliance.wait_for(more, message="decoded Produce requests")
    produce = next(r for r in kept if r["api"] == "Produce" and r["finished"])
    assert produce["topics"] == f"{topic}[0]", produce
    assert f'  name: "{topic}"' in produce["decoded"], produce["decoded"]
    assert produce["latency_ms"] is not None and produce["response_bytes"] > 0
    assert produce["errors"] == [] and produce["raw_kept"]
    raw = appliance.json(f"{path}/{produce['sequence']}/raw")
    assert raw["hex"].startswith("00 00 00 "), raw  # API key 0 (Produce), then the version
    assert raw["shown_bytes"] == produce["request_bytes"] - 4
    # About 50 requests a second against 20 kept: the rest are counted.
    appliance.wait_for(lambda: more() and appliance.json(f"{path}?after={last}")["skipped"] > 0,
                       message="skipped requests counted")
    # Nobody polls: after the watch runs out nothing more is kept.
    stopped_at = time.time()
    time.sleep(7)
    later = appliance.json(f"{path}?after={last}")["requests"]
    idle = [r for r in later if stopped_at + 5.5 < iso_seconds(r["at"]) < time.time() - 0.5]
    assert idle == [], idle


def iso_seconds(text: str) -> float:
    from datetime import datetime
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_a_refusal_is_counted_by_code_and_the_last_one_explained(appliance):
    name = unique("admin")
    admin = AdminClient({"bootstrap.servers": appliance.bootstrap, "client.id": name})
    futures = admin.delete_topics([unique("missing")], operation_timeout=5)
    for future in futures.values():
        with pytest.raises(Exception):
            future.result(15)
    entry = appliance.wait_for(lambda: [c for c in of_client(appliance, name) if c["errors"]],
                               message="the refusal counted")[0]
    assert {"api": "DeleteTopics", "code": 3, "name": "UNKNOWN_TOPIC_OR_PARTITION", "count": 1} in entry["errors"]
    last = entry["last_error"]
    assert last["api"] == "DeleteTopics" and last["name"] == "UNKNOWN_TOPIC_OR_PARTITION"
    assert "the topic or partition does not exist" in last["explanation"], last
    del admin


def test_a_consumer_shows_its_position_lag_and_group(appliance, clients):
    name, topic = clients["names"]["python"], clients["topic"]

    def caught_up():
        entries = of_client(appliance, name)
        positions = [p for e in entries for p in e["positions"] if p["topic"] == topic]
        return positions if positions and positions[0]["offset"] == positions[0]["log_end"] >= 40 else None
    positions = appliance.wait_for(caught_up, message="the consumer's position at the end")
    assert positions[0]["partition"] == 0 and positions[0]["lag"] == 0
    groups = [g for e in of_client(appliance, name) for g in e["groups"]]
    assert any(g["group_id"] == clients["python_group"] and g["member_id"].startswith(name)
               and g["partitions"] == [{"topic": topic, "partition": 0}] for g in groups), groups


def test_the_doctor_names_an_idle_extra_consumer_and_the_group_rebalances_are_moments(
        appliance, clients, java_classpath):
    group, topic, extra = unique("crowded"), clients["topic"], unique("extra")
    first = Polling(KafkaConsumer(topic, bootstrap_servers=appliance.bootstrap, client_id=unique("first"),
                                  group_id=group, auto_offset_reset="earliest"))
    appliance.wait_for(lambda: first.records > 0, message="the first consumer reading")
    second = java_client(java_classpath, appliance.bootstrap, extra, "consume", topic, group, "60")
    try:
        found = appliance.wait_for(lambda: [f for f in findings(appliance, "idle-consumers")
                                            if f["subject"] == f"group '{group}'"],
                                   timeout=45, message="the idle consumer named")[0]
        assert "2 consumers but 1 partition(s)" in found["problem"], found
        assert "add partitions" in found["fix"]
        moments = appliance.json(f"/api/broker/groups/{group}/rebalances")["moments"]
        assert any(" joined" in m["change"] for m in moments), moments
        final = moments[-1]
        assert final["state"] == "Stable" and len(final["members"]) == 2, final
        assert sorted(len(m["partitions"]) for m in final["members"]) == [0, 1], final
        assert all(m["phase"] == "assigned" for m in final["members"])
    finally:
        stop(second)
        first.close()


class MisadvertisedAppliance(Appliance):
    """An appliance that tells clients to connect to a port nobody listens on."""

    def command(self) -> list[str]:
        command = super().command()
        command[command.index("--kafka-advertise") + 1] = f"{self.host}:{self.unused_port}"
        return command

    def start(self) -> None:
        self.unused_port = getattr(self, "unused_port", None) or free_port()
        super().start()


def test_the_doctor_names_every_client_that_cannot_reach_the_advertised_address(tmp_path, java_classpath):
    kcat_installed()
    appliance = MisadvertisedAppliance(tmp_path)
    names = {kind: unique(kind) for kind in ["kcat", "python", "confluent", "java"]}
    topic = "orders"
    kcat = subprocess.run(["kcat", "-b", appliance.bootstrap, "-L", "-X", f"client.id={names['kcat']}"],
                          capture_output=True, timeout=30)
    assert f"{appliance.host}:{appliance.unused_port}".encode() in kcat.stdout, kcat.stdout
    confluent = Producer({"bootstrap.servers": appliance.bootstrap, "client.id": names["confluent"]})
    confluent.produce(topic, value=b"lost")
    confluent.poll(0)
    python = KafkaProducer(bootstrap_servers=appliance.bootstrap, client_id=names["python"], max_block_ms=40_000)
    def send():
        try:
            python.send(topic, b"lost")
        except KafkaTimeoutError:
            pass  # it never reaches the broker: that is the mistake the doctor names
    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    java = java_client(java_classpath, appliance.bootstrap, names["java"], "produce", topic, "60")
    try:
        def all_named():
            named = {f["subject"] for f in findings(appliance, "advertised-address")}
            return named if all(any(f"'{name}'" in subject for subject in named) for name in names.values()) else None
        try:
            appliance.wait_for(all_named, timeout=60, message="every stuck client named")
        except AssertionError:
            raise AssertionError(f"named: {[f['subject'] for f in findings(appliance, 'advertised-address')]}; "
                                 f"wanted {names}; connections "
                                 f"{[(c['client_id'], c['requests']) for c in connections(appliance)]}") from None
        finding = next(f for f in findings(appliance, "advertised-address") if names["java"] in f["subject"])
        assert f"{appliance.host}:{appliance.unused_port}" in finding["problem"], finding
        assert "is not the port the listener binds" in finding["problem"], finding
        assert "--kafka-advertise" in finding["fix"] and appliance.bootstrap in finding["fix"], finding
        advertised = appliance.json("/api/broker/doctor")["advertised"]
        assert advertised[0]["listener"] == "PLAINTEXT" and advertised[0]["problem"] is not None
    finally:
        stop(java)
        python.close(timeout=1)
        del confluent
        assert appliance.stop() == 0
