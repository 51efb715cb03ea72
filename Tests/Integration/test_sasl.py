"""SASL on the Kafka port, as Kafka does it: a broker with a PLAINTEXT and a SASL_PLAINTEXT
listener (`--listeners`), users made with `aseed users` (SCRAM credentials in the metadata
store, PLAIN checked against them), and every client we ship tests for logging in with PLAIN,
SCRAM-SHA-256 and SCRAM-SHA-512: confluent-kafka, kcat, kafka-python, aiokafka and the Java client
3.9 and 4.3 (java/SaslCheck.java, which also manages credentials with the admin API). By hand-made
requests: nothing but ApiVersions and SaslHandshake is served before a login, a failed login gets
SASL_AUTHENTICATION_FAILED with a message after about a second and a closed connection, without
slowing anyone else down, an unknown mechanism gets the enabled ones, SaslAuthenticate v0-v2 and
the old raw-token exchange all work, and Metadata and FindCoordinator answer with the address of
the listener the request came in on. The PLAINTEXT listener needs no credentials, and users
survive a restart."""
import asyncio
import base64
import hashlib
import hmac
import json
import logging
import secrets
import shutil
import socket
import subprocess
import threading
import time

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition as AioTopicPartition
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka import TopicPartition as KpTopicPartition
from kafka.admin import NewTopic as KpNewTopic
from kafka.admin import UserScramCredentialUpsertion
from kafka.errors import KafkaError as KpKafkaError

import kafkaproto as kp
from conftest import (ASEED_BIN, AseedBroker, broker_args, free_port, require, stop_module_broker, unique, wait_for,
                      wait_for_port)
from javaclients import run_check
from kafkahelpers import create_topic, produce_acked, read_partition
from test_raw_protocol import parse_api_versions_v3

pytestmark = pytest.mark.needs_aseed

MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
DEFAULT_ITERATIONS = 4096

SASL_HANDSHAKE, SASL_AUTHENTICATE, FIND_COORDINATOR = 17, 36, 10
DESCRIBE_USER_SCRAM_CREDENTIALS, ALTER_USER_SCRAM_CREDENTIALS = 50, 51
UNSUPPORTED_SASL_MECHANISM, SASL_AUTHENTICATION_FAILED = 33, 58
COORDINATOR_NOT_AVAILABLE = 15

# A failed login is answered after about a second (slowing down password guessing); a good one at once.
FAILURE_DELAY = 0.8
QUICK_LOGIN = 0.5

# The user every client logs in as on the module's broker: a SCRAM-SHA-256 and a SCRAM-SHA-512
# credential with the same password, made by `aseed users add`.
CLIENT = unique("client")
PASSWORD = unique("secret")


class SaslBroker(AseedBroker):
    """`aseed broker` with Kafka-style listeners: PLAINTEXT on `port` (what start() waits for and
    `bootstrap` names, as for every broker here) and SASL_PLAINTEXT on `sasl_port`."""

    def __init__(self, base_dir, extra_args=(), port=None):
        super().__init__(base_dir, extra_args, port)
        self.sasl_port = free_port()

    @property
    def sasl_bootstrap(self) -> str:
        return f"{self.host}:{self.sasl_port}"

    def listeners(self) -> str:
        return f"PLAINTEXT://{self.bootstrap},SASL_PLAINTEXT://{self.sasl_bootstrap}"

    def command(self) -> list[str]:
        return [
            ASEED_BIN, "broker",
            "--data-dir", str(self.data_dir),
            "--log-dir", str(self.log_dir),
            "--listeners", self.listeners(),
            "--advertised-listeners", self.listeners(),
            *self.extra_args,
        ]

    def start(self, timeout: float = 30.0) -> "SaslBroker":
        super().start(timeout)
        try:
            wait_for_port(self.host, self.sasl_port, timeout, self.process)
        except Exception as error:
            self.kill()
            raise RuntimeError(f"SASL listener: {error}\n--- broker output ---\n{self.output()}") from None
        return self


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory):
    """One broker with both listeners for the module, CLIENT's two credentials made."""
    instance = SaslBroker(tmp_path_factory.mktemp("sasl-broker"), broker_args()).start()
    try:
        add_user(instance, CLIENT, PASSWORD)
        add_user(instance, CLIENT, PASSWORD, mechanism="SCRAM-SHA-512")
    except BaseException:
        instance.kill()
        raise
    yield instance
    stop_module_broker(instance, "SASL broker")


# ---------------------------------------------------------------- aseed users


def aseed_users(broker, *args, timeout=30) -> subprocess.CompletedProcess:
    """`aseed users ARGS` against the broker's PLAINTEXT listener."""
    return subprocess.run([ASEED_BIN, "users", *args, "--bootstrap-servers", broker.bootstrap],
                          capture_output=True, text=True, timeout=timeout)


def add_user(broker, name, password, mechanism=None, iterations=None):
    args = ["add", name, "--password", password]
    if mechanism is not None:
        args += ["--mechanism", mechanism]
    if iterations is not None:
        args += ["--iterations", str(iterations)]
    result = aseed_users(broker, *args)
    assert result.returncode == 0, f"aseed users {' '.join(args)} exited {result.returncode}:\n{result.stderr}"


def remove_user(broker, name, mechanism=None):
    args = ["remove", name] + (["--mechanism", mechanism] if mechanism else [])
    result = aseed_users(broker, *args)
    assert result.returncode == 0, f"aseed users {' '.join(args)} exited {result.returncode}:\n{result.stderr}"


def listed_credentials(broker) -> set[tuple[str, str, int]]:
    """`aseed users list`: one `NAME MECHANISM ITERATIONS` line per credential."""
    result = aseed_users(broker, "list")
    assert result.returncode == 0, f"aseed users list exited {result.returncode}:\n{result.stderr}"
    rows = set()
    for line in result.stdout.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2].isdigit():
            rows.add((fields[0], fields[1], int(fields[2])))
    return rows


def credentials_of(broker, name) -> set[tuple[str, int]]:
    return {(mechanism, iterations) for user, mechanism, iterations in listed_credentials(broker) if user == name}


# ---------------------------------------------------------------- raw SASL exchanges


def connect_sasl(broker, timeout=10.0) -> kp.Connection:
    return kp.Connection(broker.host, broker.sasl_port, timeout)


def request_or_closed(conn, api_key, version, correlation, body, flexible=False):
    """The response payload, or kp.CLOSED; fails if the broker does neither within the timeout."""
    try:
        return conn.request(api_key, version, correlation, body, flexible=flexible)
    except socket.timeout:
        pytest.fail(f"api {api_key} v{version}: the broker neither answered nor closed the connection")


def answered(conn, api_key, version, correlation, body, flexible=False):
    """The response payload; fails if the broker closed the connection instead."""
    payload = request_or_closed(conn, api_key, version, correlation, body, flexible=flexible)
    assert payload is not kp.CLOSED, f"api {api_key} v{version}: connection closed instead of an answer"
    return payload


def handshake(conn, mechanism, version=1):
    """SaslHandshake -> (error, enabled mechanisms)."""
    payload = answered(conn, SASL_HANDSHAKE, version, 11, kp.string(mechanism))
    r = kp.Reader(payload)
    assert r.i32() == 11
    return r.i16(), r.array(lambda r: r.string())


def authenticate_request(token, version):
    """SaslAuthenticate body: bytes (v0, v1) or compact bytes and tagged fields (v2, flexible)."""
    if version >= 2:
        return kp.uvarint(len(token) + 1) + token + kp.NO_TAGS
    return kp.nbytes(token)


def parse_authenticate(payload, version):
    """-> (error, message, auth bytes)."""
    r = kp.Reader(payload)
    r.i32()
    if version >= 2:
        for _ in range(r.uvarint()):  # response header tagged fields
            r.uvarint()
            r.take(r.uvarint())
        error = r.i16()
        length = r.uvarint()
        message = None if length == 0 else r.take(length - 1).decode()
        length = r.uvarint()
        token = None if length == 0 else r.take(length - 1)
    else:
        error, message, token = r.i16(), r.string(), r.nbytes()
    if version >= 1:
        r.i64()  # session lifetime
    return error, message, token


def authenticate(conn, token, version=1, correlation=12):
    """SaslAuthenticate -> (error, message, auth bytes); fails if the connection closed instead."""
    payload = answered(conn, SASL_AUTHENTICATE, version, correlation, authenticate_request(token, version),
                       flexible=version >= 2)
    return parse_authenticate(payload, version)


def plain_token(user, password, authzid=""):
    return f"{authzid}\0{user}\0{password}".encode()


def plain_login(broker, user, password, version=1):
    """A fresh connection logging in with PLAIN -> (error, message, seconds taken)."""
    begin = time.monotonic()
    with connect_sasl(broker) as conn:
        error, mechanisms = handshake(conn, "PLAIN")
        assert error == 0, f"SaslHandshake PLAIN refused with {error}, enabled {mechanisms}"
        error, message, _ = authenticate(conn, plain_token(user, password), version)
    return error, message, time.monotonic() - begin


SCRAM_HASHES = {"SCRAM-SHA-256": hashlib.sha256, "SCRAM-SHA-512": hashlib.sha512}


def scram_exchange(exchange, mechanism, user, password):
    """The client side of SCRAM (RFC 5802) over `exchange(token) -> (error, message, reply)`,
    checking the server's final signature -> (error, message, iterations the broker sent,
    None if it failed at the first message)."""
    digest = SCRAM_HASHES[mechanism]
    nonce = secrets.token_hex(16)
    first_bare = f"n={user},r={nonce}"
    error, message, server_first = exchange(f"n,,{first_bare}".encode())
    if error:
        return error, message, None
    server_first = server_first.decode()
    fields = dict(item.split("=", 1) for item in server_first.split(","))
    assert fields["r"].startswith(nonce) and len(fields["r"]) > len(nonce), f"server nonce in {server_first!r}"
    iterations = int(fields["i"])
    salted = hashlib.pbkdf2_hmac(digest().name, password.encode(), base64.b64decode(fields["s"]), iterations)
    client_key = hmac.new(salted, b"Client Key", digest).digest()
    without_proof = f"c=biws,r={fields['r']}"
    auth_message = f"{first_bare},{server_first},{without_proof}".encode()
    signature = hmac.new(digest(client_key).digest(), auth_message, digest).digest()
    proof = base64.b64encode(bytes(a ^ b for a, b in zip(client_key, signature))).decode()
    error, message, server_final = exchange(f"{without_proof},p={proof}".encode())
    if error:
        return error, message, iterations
    server_key = hmac.new(salted, b"Server Key", digest).digest()
    expected = base64.b64encode(hmac.new(server_key, auth_message, digest).digest()).decode()
    assert server_final.decode() == f"v={expected}", f"server-final {server_final!r}, expected v={expected}"
    return 0, None, iterations


def scram_login(broker, mechanism, user, password, version=1):
    """A fresh connection logging in with SCRAM over SaslAuthenticate -> (error, message, iterations)."""
    with connect_sasl(broker) as conn:
        error, mechanisms = handshake(conn, mechanism)
        assert error == 0, f"SaslHandshake {mechanism} refused with {error}, enabled {mechanisms}"
        correlations = iter(range(20, 30))
        return scram_exchange(lambda token: authenticate(conn, token, version, next(correlations)),
                              mechanism, user, password)


def metadata_brokers(conn, correlation=40):
    """Metadata v1 for no topics -> [(host, port)] of the brokers it lists."""
    payload = answered(conn, kp.METADATA, 1, correlation, kp.metadata_v1_body([]))
    _, brokers, _, _ = kp.parse_metadata_v1(payload)
    return [(host, port) for _, host, port, _ in brokers]


def find_coordinator(conn, group):
    """FindCoordinator v1 for a group -> (host, port), once a coordinator is available."""
    correlations = iter(range(50, 1000))

    def answer():
        payload = answered(conn, FIND_COORDINATOR, 1, next(correlations), kp.string(group) + kp.i8(0))
        r = kp.Reader(payload)
        r.i32(), r.i32()
        error, message, _node = r.i16(), r.string(), r.i32()
        host, port = r.string(), r.i32()
        if error == COORDINATOR_NOT_AVAILABLE:
            return None
        assert error == 0, f"FindCoordinator {group}: error {error} {message}"
        return host, port

    return wait_for(answer, 20, f"a coordinator for {group}")


# ---------------------------------------------------------------- client settings


def sasl_settings(mechanism, user=CLIENT, password=PASSWORD):
    """librdkafka's SASL settings (confluent-kafka, kcat -X)."""
    return {"security.protocol": "SASL_PLAINTEXT", "sasl.mechanisms": mechanism,
            "sasl.username": user, "sasl.password": password}


def sasl_config(broker, mechanism, user=CLIENT, password=PASSWORD):
    return {"bootstrap.servers": broker.sasl_bootstrap, **sasl_settings(mechanism, user, password)}


def broker_addresses(metadata):
    return sorted(f"{b.host}:{b.port}" for b in metadata.brokers.values())


def create_sasl_topic(config, partitions=1, prefix="sasl"):
    """A new topic made by a confluent-kafka admin client with `config`, usable once it returns."""
    name = unique(prefix)
    admin = AdminClient(config)
    admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)],
                        operation_timeout=10, request_timeout=15)[name].result(20)

    def ready():
        topic = admin.list_topics(topic=name, timeout=5).topics.get(name)
        return (topic is not None and topic.error is None and len(topic.partitions) == partitions
                and all(p.leader >= 0 for p in topic.partitions.values()))

    wait_for(ready, 20, f"topic {name} with {partitions} partitions")
    return name


def consume_in_group(config, topic, count, timeout=30):
    """Reads `count` values of a one-partition topic with a new group, commits, checks the commit."""
    consumer = Consumer({**config, "group.id": unique("sasl-group"), "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    try:
        consumer.subscribe([topic])
        values = []
        deadline = time.monotonic() + timeout
        while len(values) < count and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                raise KafkaException(msg.error())
            values.append(msg.value())
        assert len(values) == count, f"read {len(values)} of {count} records from {topic}"
        consumer.commit(asynchronous=False)
        [committed] = consumer.committed([TopicPartition(topic, 0)], timeout=15)
        assert committed.offset == count, f"committed offset {committed.offset}, expected {count}"
        return values
    finally:
        consumer.close()


def authentication_errors(client, errors, timeout=20):
    """Polls a confluent-kafka client until its error_cb got _AUTHENTICATION; returns those errors."""
    def found():
        client.poll(0.2)
        return [e for e in errors if e.code() == KafkaError._AUTHENTICATION]
    return wait_for(found, timeout, f"an authentication error in error_cb (got {[e.str() for e in errors]})")


def kafka_python_settings(mechanism, user=CLIENT, password=PASSWORD):
    return {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": mechanism,
            "sasl_plain_username": user, "sasl_plain_password": password}


def aiokafka_settings(mechanism, user=CLIENT, password=PASSWORD):
    return {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": mechanism,
            "sasl_plain_username": user, "sasl_plain_password": password}


def kcat_sasl(broker, mechanism, password, *args, stdin=None, metadata_timeout=10):
    command = ["kcat", "-b", broker.sasl_bootstrap, "-m", str(metadata_timeout)]
    for key, value in sasl_settings(mechanism, password=password).items():
        command += ["-X", f"{key}={value}"]
    return subprocess.run([*command, *args], input=stdin, capture_output=True, text=True, timeout=60)


# ---------------------------------------------------------------- confluent-kafka (librdkafka)


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_confluent_kafka_produces_and_consumes_on_the_sasl_listener(sasl_broker, mechanism):
    config = sasl_config(sasl_broker, mechanism)
    metadata = AdminClient(config).list_topics(timeout=15)
    assert broker_addresses(metadata) == [sasl_broker.sasl_bootstrap], \
        "Metadata on the SASL listener must advertise the SASL listener"
    topic = create_sasl_topic(config, prefix=f"ck-{mechanism.lower()}")
    values = [f"{mechanism}-{i}".encode() for i in range(20)]
    offsets = produce_acked(sasl_broker.sasl_bootstrap, topic, values, **sasl_settings(mechanism))
    assert offsets == list(range(20))
    assert consume_in_group(config, topic, 20) == values


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_confluent_kafka_wrong_password_is_an_authentication_error(sasl_broker, mechanism):
    errors = []
    producer = Producer({**sasl_config(sasl_broker, mechanism, password="wrong-" + PASSWORD),
                         "error_cb": errors.append})
    begin = time.monotonic()
    [first, *_] = authentication_errors(producer, errors)
    assert "SASL authentication error" in first.str(), first.str()
    assert time.monotonic() - begin < 15, "the refusal must come from the broker, not from a client timeout"


def test_confluent_kafka_unknown_user_is_an_authentication_error(sasl_broker):
    errors = []
    admin = AdminClient({**sasl_config(sasl_broker, "SCRAM-SHA-256", user=unique("nobody")),
                         "error_cb": errors.append})
    [first, *_] = authentication_errors(admin, errors)
    assert "SASL authentication error" in first.str(), first.str()


# ---------------------------------------------------------------- kcat


@pytest.fixture
def kcat_installed():
    require(shutil.which("kcat") is not None, "kcat is not installed (scripts/ensure-system-packages.sh test)")


def test_kcat_lists_and_round_trips_on_the_sasl_listener_with_scram_sha_512(kcat_installed, sasl_broker):
    listed = kcat_sasl(sasl_broker, "SCRAM-SHA-512", PASSWORD, "-L", "-J")
    assert listed.returncode == 0, f"kcat -L exited {listed.returncode}:\n{listed.stderr[-3000:]}"
    assert [b["name"] for b in json.loads(listed.stdout)["brokers"]] == [sasl_broker.sasl_bootstrap]

    topic = create_sasl_topic(sasl_config(sasl_broker, "SCRAM-SHA-512"), prefix="kcat-sasl")
    lines = [f"kcat-{i}" for i in range(10)]
    produced = kcat_sasl(sasl_broker, "SCRAM-SHA-512", PASSWORD, "-P", "-t", topic, "-p", "0",
                         stdin="".join(f"{line}\n" for line in lines))
    assert produced.returncode == 0, f"kcat -P exited {produced.returncode}:\n{produced.stderr[-3000:]}"
    consumed = kcat_sasl(sasl_broker, "SCRAM-SHA-512", PASSWORD, "-C", "-t", topic, "-p", "0",
                         "-o", "beginning", "-e", "-f", "%s\n")
    assert consumed.returncode == 0, f"kcat -C exited {consumed.returncode}:\n{consumed.stderr[-3000:]}"
    assert consumed.stdout.splitlines() == lines


def test_kcat_wrong_password_fails_with_an_authentication_error(kcat_installed, sasl_broker):
    result = kcat_sasl(sasl_broker, "SCRAM-SHA-512", "wrong-" + PASSWORD, "-L", metadata_timeout=5)
    assert result.returncode != 0, f"kcat -L with a wrong password succeeded:\n{result.stdout[-2000:]}"
    assert "SASL authentication error" in result.stderr, result.stderr[-3000:]


# ---------------------------------------------------------------- kafka-python


def kafka_python_round_trip(bootstrap, settings, topic):
    """kafka-python with `settings`: an admin client creates `topic`, a producer writes 15
    records, a group consumer reads them back and commits."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, **settings)
    try:
        admin.create_topics([KpNewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()

    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", **settings)
    try:
        futures = [producer.send(topic, value=f"kp-{i}".encode(), partition=0) for i in range(15)]
        producer.flush(30)
        assert [f.get(timeout=30).offset for f in futures] == list(range(15))
    finally:
        producer.close(10)

    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=unique("kp-group"),
                             auto_offset_reset="earliest", enable_auto_commit=False,
                             session_timeout_ms=6000, heartbeat_interval_ms=500, **settings)
    try:
        values = []
        deadline = time.monotonic() + 30
        while len(values) < 15 and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=300).values():
                values.extend(r.value for r in records)
        assert values == [f"kp-{i}".encode() for i in range(15)]
        consumer.commit()
        assert consumer.committed(KpTopicPartition(topic, 0)) == 15
    finally:
        consumer.close()


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256"])
def test_kafka_python_produces_and_consumes_on_the_sasl_listener(sasl_broker, mechanism):
    kafka_python_round_trip(sasl_broker.sasl_bootstrap, kafka_python_settings(mechanism),
                            unique(f"kp-{mechanism.lower()}"))


def test_kafka_python_wrong_password_is_refused(sasl_broker, caplog):
    # kafka-python 3.0 never raises the broker's SaslAuthenticationFailedError to the caller: a
    # failed bootstrap connection is logged and retried until bootstrap_timeout_ms, then
    # KafkaTimeoutError. When the refusal and the broker's close arrive in one read, it also
    # drops the refusal and logs "socket disconnected" instead.
    caplog.set_level(logging.WARNING, logger="kafka")
    with pytest.raises(KpKafkaError):
        KafkaProducer(bootstrap_servers=sasl_broker.sasl_bootstrap, bootstrap_timeout_ms=5000,
                      **kafka_python_settings("SCRAM-SHA-256", password="wrong-" + PASSWORD))
    messages = [record.getMessage() for record in caplog.records]
    assert not any("Bootstrap complete" in m for m in messages), messages
    failures = [m for m in messages if m.startswith("Bootstrap connection to")]
    assert failures, f"no failed bootstrap connection logged: {messages}"
    assert all("SaslAuthenticationFailedError" in m or "socket disconnected" in m or "timed out" in m.lower()
               for m in failures), failures
    assert any("SaslAuthenticationFailedError" in m or "socket disconnected" in m for m in failures), failures


def test_kafka_python_admin_scram_credentials_agree_with_the_cli(sasl_broker):
    name, password = unique("kp-admin"), unique("pw")
    admin = KafkaAdminClient(bootstrap_servers=sasl_broker.bootstrap)
    try:
        described = admin.describe_user_scram_credentials([CLIENT])[CLIENT]
        assert described["error"] is None, described
        assert {(info["mechanism"].name.replace("_", "-"), info["iterations"])
                for info in described["credential_infos"]} == credentials_of(sasl_broker, CLIENT)

        errors = admin.alter_user_scram_credentials(
            [UserScramCredentialUpsertion(name, "SCRAM-SHA-512", password, iterations=6000)])
        assert errors == {name: None}
    finally:
        admin.close()
    assert credentials_of(sasl_broker, name) == {("SCRAM-SHA-512", 6000)}
    assert scram_login(sasl_broker, "SCRAM-SHA-512", name, password) == (0, None, 6000)
    remove_user(sasl_broker, name, mechanism="SCRAM-SHA-512")
    assert credentials_of(sasl_broker, name) == set()


# ---------------------------------------------------------------- aiokafka


async def aiokafka_group_read(bootstrap, topic, group, settings, count):
    """Reads `count` records of partition 0 with group `group`, commits -> (values, committed offset)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
                                enable_auto_commit=False, session_timeout_ms=6000, heartbeat_interval_ms=500,
                                **settings)
    await consumer.start()
    try:
        values = []
        while len(values) < count:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                values.extend(r.value for r in records)
        await consumer.commit()
        return values, await consumer.committed(AioTopicPartition(topic, 0))
    finally:
        await consumer.stop()


async def aiokafka_round_trip(bootstrap, topic, settings, count):
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", **settings)
    await producer.start()
    try:
        sent = [await producer.send_and_wait(topic, f"aio-{i}".encode(), partition=0) for i in range(count)]
    finally:
        await producer.stop()
    values, committed = await aiokafka_group_read(bootstrap, topic, unique("aio-sasl"), settings, count)
    return [m.offset for m in sent], values, committed


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-512"])
def test_aiokafka_produces_and_consumes_on_the_sasl_listener(sasl_broker, mechanism):
    topic = create_sasl_topic(sasl_config(sasl_broker, mechanism), prefix=f"aio-{mechanism.lower()}")
    offsets, values, committed = asyncio.run(asyncio.wait_for(
        aiokafka_round_trip(sasl_broker.sasl_bootstrap, topic, aiokafka_settings(mechanism), 12), 60))
    assert offsets == list(range(12))
    assert values == [f"aio-{i}".encode() for i in range(12)]
    assert committed == 12


# ---------------------------------------------------------------- the protocol by hand


@pytest.mark.parametrize("after_handshake", [False, True], ids=["before-handshake", "after-handshake"])
def test_metadata_before_authenticating_closes_the_connection(sasl_broker, after_handshake):
    with connect_sasl(sasl_broker) as conn:
        if after_handshake:
            assert handshake(conn, "PLAIN")[0] == 0
        answer = request_or_closed(conn, kp.METADATA, 1, 7, kp.metadata_v1_body([]))
    assert answer is kp.CLOSED, f"the SASL listener answered Metadata before a login: {answer[:60]!r}"


def test_api_versions_is_answered_before_authenticating(sasl_broker):
    with connect_sasl(sasl_broker) as conn:
        _, error, ranges = kp.parse_api_versions_v0(answered(conn, kp.API_VERSIONS, 0, 1, b""))
        assert error == 0
        _, error, flexible_ranges = parse_api_versions_v3(
            answered(conn, kp.API_VERSIONS, 3, 2, kp.api_versions_v3_body(), flexible=True))
        assert error == 0 and flexible_ranges == ranges
        for key, (low, high) in {SASL_HANDSHAKE: (0, 1), SASL_AUTHENTICATE: (0, 2),
                                 DESCRIBE_USER_SCRAM_CREDENTIALS: (0, 0), ALTER_USER_SCRAM_CREDENTIALS: (0, 0)}.items():
            assert key in ranges and ranges[key][0] <= low and ranges[key][1] >= high, \
                f"api {key} advertised as {ranges.get(key)}, needs {low}-{high}"
        # ApiVersions leaves the connection ready for a login.
        assert handshake(conn, "PLAIN")[0] == 0
        assert authenticate(conn, plain_token(CLIENT, PASSWORD))[0] == 0
        assert metadata_brokers(conn) == [(sasl_broker.host, sasl_broker.sasl_port)]


@pytest.mark.parametrize("version", [0, 1])
def test_an_unknown_mechanism_gets_the_enabled_ones(sasl_broker, version):
    with connect_sasl(sasl_broker) as conn:
        error, mechanisms = handshake(conn, "GSSAPI", version)
    assert error == UNSUPPORTED_SASL_MECHANISM
    assert sorted(mechanisms) == sorted(MECHANISMS)


@pytest.mark.parametrize("version", [0, 1, 2])
def test_plain_login_with_every_sasl_authenticate_version(sasl_broker, version):
    with connect_sasl(sasl_broker) as conn:
        error, mechanisms = handshake(conn, "PLAIN")
        assert (error, sorted(mechanisms)) == (0, sorted(MECHANISMS))
        error, message, token = authenticate(conn, plain_token(CLIENT, PASSWORD), version)
        assert error == 0, f"PLAIN login refused with {error}: {message}"
        assert not token, f"PLAIN's final server token is empty, got {token!r}"
        assert metadata_brokers(conn) == [(sasl_broker.host, sasl_broker.sasl_port)]


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_scram_login_proves_the_server_knows_the_credential(sasl_broker, mechanism):
    assert scram_login(sasl_broker, mechanism, CLIENT, PASSWORD) == (0, None, DEFAULT_ITERATIONS)
    error, message, _ = scram_login(sasl_broker, mechanism, CLIENT, "wrong-" + PASSWORD)
    assert error == SASL_AUTHENTICATION_FAILED and message, (error, message)


def test_plain_authorization_id_other_than_the_user_is_refused(sasl_broker):
    # The username as authorization id is what kafka-python sends; any other is refused.
    with connect_sasl(sasl_broker) as conn:
        assert handshake(conn, "PLAIN")[0] == 0
        assert authenticate(conn, plain_token(CLIENT, PASSWORD, authzid=CLIENT))[0] == 0
    with connect_sasl(sasl_broker) as conn:
        assert handshake(conn, "PLAIN")[0] == 0
        error, message, _ = authenticate(conn, plain_token(CLIENT, PASSWORD, authzid="admin"))
        assert error == SASL_AUTHENTICATION_FAILED and message, (error, message)
        assert conn.wait_closed(5), "the connection stays open after a failed login"


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256"])
def test_the_old_raw_token_exchange_after_handshake_v0(sasl_broker, mechanism):
    with connect_sasl(sasl_broker) as conn:
        assert handshake(conn, mechanism, version=0)[0] == 0
        if mechanism == "PLAIN":
            conn.send(kp.frame(plain_token(CLIENT, PASSWORD)))
        else:
            def raw(token):
                conn.send(kp.frame(token))
                reply = conn.read_frame()
                return (SASL_AUTHENTICATION_FAILED, "closed", None) if reply is kp.CLOSED else (0, None, reply)
            assert scram_exchange(raw, mechanism, CLIENT, PASSWORD) == (0, None, DEFAULT_ITERATIONS)
        # Kafka answers PLAIN's token with an empty one (a zero-length frame); then requests are served.
        conn.send(kp.frame(kp.request_header(kp.API_VERSIONS, 0, 77)))
        payload = conn.read_frame()
        if payload == b"" and mechanism == "PLAIN":
            payload = conn.read_frame()
        assert payload is not kp.CLOSED, "connection closed after the raw-token login"
        assert kp.parse_api_versions_v0(payload)[:2] == (77, 0)
        assert metadata_brokers(conn) == [(sasl_broker.host, sasl_broker.sasl_port)]


@pytest.mark.parametrize("user,password", [(CLIENT, "wrong-" + PASSWORD), ("nobody-" + CLIENT, PASSWORD)],
                         ids=["wrong-password", "unknown-user"])
def test_a_failed_login_is_answered_late_with_a_message_then_closed(sasl_broker, user, password):
    with connect_sasl(sasl_broker) as conn:
        assert handshake(conn, "PLAIN")[0] == 0
        begin = time.monotonic()
        error, message, _ = authenticate(conn, plain_token(user, password), version=1)
        waited = time.monotonic() - begin
        assert error == SASL_AUTHENTICATION_FAILED, f"error {error}: {message}"
        assert message, "SASL_AUTHENTICATION_FAILED comes with a message"
        assert waited >= FAILURE_DELAY, f"a failed login was answered after {waited:.2f}s"
        assert conn.wait_closed(5), "the connection stays open after a failed login"


def test_failed_logins_are_slowed_down_without_slowing_other_clients(sasl_broker):
    attempts, pending = [], threading.Event()

    def guess():
        for attempt in range(3):
            with connect_sasl(sasl_broker) as conn:
                assert handshake(conn, "PLAIN")[0] == 0
                begin = time.monotonic()
                conn.send(kp.frame(kp.request_header(SASL_AUTHENTICATE, 0, 30 + attempt)
                                   + kp.nbytes(plain_token(CLIENT, f"guess-{attempt}"))))
                pending.set()
                payload = conn.read_frame()
                answer = None if payload is kp.CLOSED else parse_authenticate(payload, 0)[0]
                attempts.append((time.monotonic() - begin, answer))

    guesser = threading.Thread(target=guess, daemon=True)
    guesser.start()
    assert pending.wait(10), "the first wrong-password attempt was never sent"
    logins = [plain_login(sasl_broker, CLIENT, PASSWORD, version=0) for _ in range(3)]
    assert guesser.is_alive(), f"the wrong-password attempts ended before the good logins: {attempts}"
    guesser.join(15)
    assert [(error, seconds < QUICK_LOGIN) for error, _, seconds in logins] == [(0, True)] * 3, \
        f"good logins (error, message, seconds) while another client guessed passwords: {logins}"
    assert len(attempts) == 3, f"wrong-password attempts (seconds, error): {attempts}"
    assert all(answer == SASL_AUTHENTICATION_FAILED and seconds >= FAILURE_DELAY for seconds, answer in attempts), \
        f"each wrong password answered with 58 after about a second, got (seconds, error) {attempts}"


def test_metadata_and_find_coordinator_advertise_the_listener_of_the_connection(sasl_broker):
    group = unique("coordinated")
    with kp.Connection(sasl_broker.host, sasl_broker.port, 10) as conn:
        assert metadata_brokers(conn) == [(sasl_broker.host, sasl_broker.port)]
        assert find_coordinator(conn, group) == (sasl_broker.host, sasl_broker.port)
    with connect_sasl(sasl_broker) as conn:
        assert handshake(conn, "PLAIN")[0] == 0
        assert authenticate(conn, plain_token(CLIENT, PASSWORD))[0] == 0
        assert metadata_brokers(conn) == [(sasl_broker.host, sasl_broker.sasl_port)]
        assert find_coordinator(conn, group) == (sasl_broker.host, sasl_broker.sasl_port)


# ---------------------------------------------------------------- aseed users


def test_users_cli_adds_lists_and_removes_credentials(sasl_broker):
    name, password = unique("cli-user"), unique("pw")
    add_user(sasl_broker, name, password)
    add_user(sasl_broker, name, password, mechanism="SCRAM-SHA-512", iterations=8192)
    assert credentials_of(sasl_broker, name) == {("SCRAM-SHA-256", DEFAULT_ITERATIONS), ("SCRAM-SHA-512", 8192)}
    assert (CLIENT, "SCRAM-SHA-256", DEFAULT_ITERATIONS) in listed_credentials(sasl_broker)
    assert scram_login(sasl_broker, "SCRAM-SHA-512", name, password) == (0, None, 8192)
    assert scram_login(sasl_broker, "SCRAM-SHA-256", name, password) == (0, None, DEFAULT_ITERATIONS)
    assert plain_login(sasl_broker, name, password)[0] == 0

    remove_user(sasl_broker, name, mechanism="SCRAM-SHA-512")
    assert credentials_of(sasl_broker, name) == {("SCRAM-SHA-256", DEFAULT_ITERATIONS)}
    assert scram_login(sasl_broker, "SCRAM-SHA-512", name, password)[0] == SASL_AUTHENTICATION_FAILED
    assert scram_login(sasl_broker, "SCRAM-SHA-256", name, password)[0] == 0

    remove_user(sasl_broker, name)
    assert credentials_of(sasl_broker, name) == set()
    assert plain_login(sasl_broker, name, password)[0] == SASL_AUTHENTICATION_FAILED
    assert scram_login(sasl_broker, "SCRAM-SHA-256", name, password)[0] == SASL_AUTHENTICATION_FAILED
    assert plain_login(sasl_broker, CLIENT, PASSWORD)[0] == 0, "removing one user left the others alone"


@pytest.mark.parametrize("args", [["remove", "nobody-" + CLIENT], ["add", unique("user"), "--password", "pw",
                                                                    "--mechanism", "SCRAM-SHA-1"]],
                         ids=["remove-unknown-user", "add-unknown-mechanism"])
def test_users_cli_failures_exit_non_zero_with_a_message(sasl_broker, args):
    result = aseed_users(sasl_broker, *args)
    assert result.returncode != 0, f"aseed users {' '.join(args)} succeeded:\n{result.stdout}"
    assert result.stderr.strip(), f"aseed users {' '.join(args)} failed without a message on stderr"


def test_users_survive_a_restart(aseed_factory):
    broker = aseed_factory(SaslBroker).start()
    name, password = unique("durable"), unique("pw")
    add_user(broker, name, password)
    assert scram_login(broker, "SCRAM-SHA-256", name, password)[0] == 0
    assert broker.stop() == 0, broker.output()[-3000:]

    broker.start()
    assert credentials_of(broker, name) == {("SCRAM-SHA-256", DEFAULT_ITERATIONS)}
    metadata = AdminClient(sasl_config(broker, "SCRAM-SHA-256", name, password)).list_topics(timeout=15)
    assert broker_addresses(metadata) == [broker.sasl_bootstrap]
    assert scram_login(broker, "SCRAM-SHA-256", name, "wrong-" + password)[0] == SASL_AUTHENTICATION_FAILED
    assert broker.stop() == 0, broker.output()[-3000:]


# ---------------------------------------------------------------- the PLAINTEXT listener


def test_the_plaintext_listener_needs_no_credentials(sasl_broker):
    metadata = AdminClient({"bootstrap.servers": sasl_broker.bootstrap}).list_topics(timeout=15)
    assert broker_addresses(metadata) == [sasl_broker.bootstrap], \
        "Metadata on the PLAINTEXT listener must advertise the PLAINTEXT listener"
    topic = unique("plaintext")
    create_topic(sasl_broker.bootstrap, topic, 1)
    values = [f"plain-{i}".encode() for i in range(10)]
    assert produce_acked(sasl_broker.bootstrap, topic, values) == list(range(10))
    assert [m.value() for m in read_partition(sasl_broker.bootstrap, topic, 0, 10)] == values


# ---------------------------------------------------------------- the Java client


def test_java_client_sasl(java_client, sasl_broker):
    prefix = unique("java-sasl")
    user = f"{prefix}-user"
    out = run_check(java_client, "SaslCheck", sasl_broker.sasl_bootstrap, sasl_broker.bootstrap, prefix)
    assert f"OK alterUserScramCredentials: {user} SCRAM-SHA-512 8192 iterations" in out
    assert f"{CLIENT}=[SCRAM-SHA-256/4096, SCRAM-SHA-512/4096]" in out, "the admin API and aseed users agree"
    for mechanism in ("SCRAM-SHA-512", "PLAIN"):
        assert f"OK {mechanism}: 10 records produced and read back by group" in out
        assert f"OK {mechanism} with a wrong password: SaslAuthenticationException" in out
    assert f"OK deleted {user}: absent from describeUserScramCredentials, ResourceNotFoundException by name" in out
    assert "OK PLAIN after the deletion: SaslAuthenticationException" in out
    assert not any(row[0] == user for row in listed_credentials(sasl_broker)), "aseed users list still has it"
