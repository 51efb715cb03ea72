"""The classroom preset (`--authorizer classroom`) of `aseed run` with an anonymous PLAINTEXT
listener and a SASL_PLAINTEXT one, and of `aseed broker`. The preset is on from the appliance's
first start: operator commands on the machine that name no cluster act as the appliance
(`<data-dir>/appliance-login.conf`), so `aseed users add` makes the teacher and the students with
the preset on, while the same command against the PLAINTEXT listener is refused.

A student is their SASL user name (alice, bob) or, on the anonymous listener, their client id;
reserved names (students, orders, aseed, aseed-*) and a missing client id name nobody. With
confluent-kafka, kafka-python, kcat and hand-made requests: every student reads and describes
every topic and group and the cluster, and starts idempotent producers; a student owns
`<name>.*`, `students.<name>` and `students.<name>.*` (creates them, also by producing, produces,
alters their configs, adds partitions, deletes records and the topic) and the groups and
transactional ids that carry the name as a word (`g-alice`, `lab_alice_2`, not `malice`), where
group consumers commit and transactions commit. Everything else is refused with
TOPIC_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED (the appliance's groups too) or
TRANSACTIONAL_ID_AUTHORIZATION_FAILED. The teacher, the default super user, may do everything;
explicit ACLs come before the preset (an ALLOW opens `shared` to the class, a DENY stops alice
deleting her own topic). Refusals are logged once, the analyzer keeps counting orders, and users,
ACLs and the preset survive a restart."""
import os
import stat
import subprocess
import time

import pytest
from confluent_kafka import Consumer, ConsumerGroupState, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import (AclOperation, AclPermissionType, AdminClient, AlterConfigOpType, ConfigEntry,
                                   ConfigResource, NewPartitions, NewTopic, ResourcePatternType, ResourceType)
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka import TopicPartition as KpTopicPartition
from kafka.admin import ConfigResource as KpConfigResource
from kafka.admin import ConfigResourceType
from kafka.admin import NewPartitions as KpNewPartitions
from kafka.admin import NewTopic as KpNewTopic
from kafka.errors import GroupAuthorizationFailedError, TopicAuthorizationFailedError

import kafkaproto as kp
from conftest import ASEED_BIN, unique, wait_for
from kafkahelpers import produce_acked
from test_acls import (GROUP_APIS, GROUP_AUTHORIZATION_FAILED, TOPIC_AUTHORIZATION_FAILED, TRANSACTION_APIS,
                       TRANSACTIONAL_ID_AUTHORIZATION_FAILED, acl, delivery_error, filter_of, listed_topics, principal,
                       raw_group_errors, raw_metadata, raw_offset_commit, raw_produce, raw_transaction_errors,
                       read_without_group)
from test_admin_clients import error_code
from test_poison import Appliance
from test_sasl import SaslBroker, answered, sasl_config, sasl_settings, scram_login
from test_sasl import kcat_installed  # noqa: F401  (a fixture: imported so that the kcat test here can use it)

pytestmark = pytest.mark.needs_aseed

# The module's users, made with `aseed users add` (one SCRAM-SHA-256 credential each, which
# PLAIN logins use too): the teacher, the default super user, and two students.
TEACHER, ALICE, BOB = "teacher", "alice", "bob"
PASSWORDS = {name: unique(f"{name}-secret") for name in (TEACHER, ALICE, BOB)}
MECHANISM = "SCRAM-SHA-256"
EVERYONE = "User:*"
# Students on the anonymous listener, known by their client id only.
CAROL, DAVE = "carol", "dave"


def classroom_appliance(base) -> Appliance:
    """`aseed run --authorizer classroom` with a PLAINTEXT listener for anonymous students and a
    SASL_PLAINTEXT one for logins. No --super-users: the preset's own default (User:teacher) is
    under test. A short initial rebalance delay keeps the group tests fast."""
    return Appliance(base, "--authorizer", "classroom", "--group-initial-rebalance-delay-ms", "100",
                     "--group-min-session-timeout-ms", "1000", listeners=["PLAINTEXT", "SASL_PLAINTEXT"])


def as_the_appliance(appliance, *args) -> subprocess.CompletedProcess:
    """An operator command on the appliance's machine that names no cluster and no security
    protocol: with the appliance's data directory it finds appliance-login.conf there and logs in
    as the appliance's own user, a super user."""
    return subprocess.run([ASEED_BIN, *args], env={**os.environ, "ASEED_DATA_DIR": str(appliance.data_dir)},
                          capture_output=True, text=True, timeout=30)


def listed_users(appliance) -> set[str]:
    """The user names of `aseed users list`, run as the appliance."""
    result = as_the_appliance(appliance, "users", "list")
    assert result.returncode == 0, f"aseed users list exited {result.returncode}:\n{result.stderr}"
    return {fields[0] for fields in map(str.split, result.stdout.splitlines()[1:]) if len(fields) == 3}


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """One appliance for the module, the preset on from its first start; the teacher and the two
    students are made afterwards, by `aseed users add` acting as the appliance."""
    appliance = classroom_appliance(tmp_path_factory.mktemp("classroom"))
    try:
        for name, password in PASSWORDS.items():
            result = as_the_appliance(appliance, "users", "add", name, "--password", password)
            assert result.returncode == 0, f"aseed users add {name} exited {result.returncode}:\n{result.stderr}"
    except BaseException:
        appliance.process.kill()
        appliance.process.wait(10)
        raise
    yield appliance
    if appliance.process.poll() is None:
        status = appliance.stop()
        assert status == 0, f"the appliance exited with {status} on SIGTERM\n{appliance.log('broker')[-4000:]}"
    else:
        pytest.fail(f"the appliance died during the module\n{appliance.log('appliance')[-4000:]}")


def login(appliance, name, **extra) -> dict:
    """confluent-kafka settings of `name` logged in on the SASL listener."""
    return {**sasl_config(appliance, MECHANISM, name, PASSWORDS[name]), **extra}


def settings_of(name) -> dict:
    """`name`'s login without the address, for helpers that take the bootstrap apart."""
    return sasl_settings(MECHANISM, name, PASSWORDS[name])


def student(appliance, client_id, **extra) -> dict:
    """confluent-kafka settings of an anonymous student, named by the client id."""
    return {"bootstrap.servers": appliance.bootstrap, "client.id": client_id, **extra}


def delivery_errors(config: dict, topics) -> dict:
    """{topic: the error code in the delivery report of one record to its partition 0, None if
    stored}, all from one producer; without idempotence, so that only Produce (and Metadata's
    auto-creation) is checked."""
    producer = Producer({**config, "enable.idempotence": False, "acks": "all", "message.timeout.ms": 15000})
    reports = {}

    def report(err, msg):
        reports[msg.topic()] = None if err is None else err.code()

    for topic in topics:
        producer.produce(topic, value=b"refused?", partition=0, on_delivery=report)
    assert producer.flush(20) == 0, f"no delivery reports within 20 s, got {reports}"
    return reports


class StudentConnection(kp.Connection):
    """A raw connection to the PLAINTEXT listener whose requests carry `client_id` (None: none),
    the name an anonymous student goes by; the raw helpers of test_acls work on it."""

    def __init__(self, appliance, client_id):
        super().__init__(appliance.host, appliance.kafka_port, 10)
        self.client_id = client_id

    def request(self, api_key, version, correlation_id, body, flexible=False):
        header = kp.request_header(api_key, version, correlation_id, self.client_id, flexible=flexible)
        self.send(kp.frame(header + body))
        return self.read_frame()


def init_producer_id(conn, txn, correlation) -> int:
    """The error of an InitProducerId v0 for transactional id `txn`."""
    body = kp.string(txn) + kp.i32(60000)
    return kp.parse_init_producer_id_v0(answered(conn, kp.INIT_PRODUCER_ID, 0, correlation, body))[0]


# ---------------------------------------------------------------- the teacher's first steps


def test_operator_commands_on_the_machine_act_as_the_appliance(classroom):
    # The login file holds a password: only its owner may read it.
    login_file = classroom.data_dir / "appliance-login.conf"
    assert stat.S_IMODE(login_file.stat().st_mode) == 0o600, oct(login_file.stat().st_mode)
    assert listed_users(classroom) >= {TEACHER, ALICE, BOB}

    name, password = unique("late-student"), unique("pw")
    made = as_the_appliance(classroom, "users", "add", name, "--password", password)
    assert made.returncode == 0, f"aseed users add as the appliance exited {made.returncode}:\n{made.stderr}"
    assert scram_login(classroom, MECHANISM, name, password)[0] == 0

    # Naming the PLAINTEXT listener, the command is User:ANONYMOUS, and changing credentials
    # needs Alter on the cluster.
    refused_name = unique("refused-student")
    refused = as_the_appliance(classroom, "users", "add", refused_name, "--password", "pw",
                               "--bootstrap-servers", classroom.bootstrap)
    assert refused.returncode != 0, f"aseed users add as User:ANONYMOUS succeeded:\n{refused.stdout}"
    assert "CLUSTER_AUTHORIZATION_FAILED" in refused.stderr, refused.stderr
    assert refused_name not in listed_users(classroom)


# ---------------------------------------------------------------- what every student may do


def test_every_student_reads_and_describes_everything(classroom):
    admin = AdminClient(login(classroom, ALICE))
    assert "orders" in admin.list_topics(timeout=15).topics
    [topic_configs] = admin.describe_configs([ConfigResource(ResourceType.TOPIC, "orders")]).values()
    assert "retention.ms" in topic_configs.result(20)
    [broker_configs] = admin.describe_configs([ConfigResource(ResourceType.BROKER, "1")]).values()
    assert broker_configs.result(20)
    assert [node.id for node in admin.describe_cluster(request_timeout=15).result(20).nodes] == [1]
    listed = admin.list_consumer_groups(request_timeout=15).result(20)
    assert "aseed-analyzer" in {group.group_id for group in listed.valid}, listed.valid
    [analyzer] = admin.describe_consumer_groups(["aseed-analyzer"], request_timeout=15).values()
    assert analyzer.result(20).group_id == "aseed-analyzer"

    # The same for a student known by their client id, with kafka-python.
    kp_admin = KafkaAdminClient(bootstrap_servers=classroom.bootstrap, client_id=DAVE)
    try:
        assert "orders" in kp_admin.list_topics()
        described = kp_admin.describe_configs([KpConfigResource(ConfigResourceType.TOPIC, "orders")],
                                              config_filter="all")
        assert "retention.ms" in described["topic"]["orders"], described
        assert [b["broker_id"] for b in kp_admin.describe_cluster()["brokers"]] == [1]
        assert kp_admin.describe_groups(["aseed-analyzer"])["aseed-analyzer"]["error"] is None
    finally:
        kp_admin.close()
    # Reading orders needs no group (the group consumers are below).
    assert len(read_without_group(classroom.bootstrap, "orders", 5)) >= 5


# ---------------------------------------------------------------- a student's own topics


def test_a_logged_in_student_owns_her_topics(classroom):
    alice = login(classroom, ALICE)
    admin = AdminClient(alice)
    topic = f"alice.{unique('lab')}"
    admin.create_topics([NewTopic(topic, 1, 1)], request_timeout=15)[topic].result(20)
    # Idempotent, as produce_acked is: InitProducerId needs IdempotentWrite on the cluster.
    assert produce_acked(classroom.sasl_bootstrap, topic, [b"one", b"two", b"three"], **settings_of(ALICE)) \
        == [0, 1, 2]
    # The class topic and those under it, created by producing to them (Metadata auto-creates).
    for created in ("students.alice", f"students.alice.{unique('lab')}"):
        assert produce_acked(classroom.sasl_bootstrap, created, [b"auto"], **settings_of(ALICE)) == [0]

    retention = ConfigResource(ResourceType.TOPIC, topic, incremental_configs=[
        ConfigEntry("retention.ms", "3600000", incremental_operation=AlterConfigOpType.SET)])
    [altered] = admin.incremental_alter_configs([retention]).values()
    assert altered.result(20) is None
    [described] = admin.describe_configs([ConfigResource(ResourceType.TOPIC, topic)]).values()
    assert described.result(20)["retention.ms"].value == "3600000"
    admin.create_partitions([NewPartitions(topic, 2)], request_timeout=15)[topic].result(20)
    wait_for(lambda: len(admin.list_topics(topic, timeout=5).topics[topic].partitions) == 2, 20,
             f"{topic} with 2 partitions")
    [deleted] = admin.delete_records([TopicPartition(topic, 0, 2)], request_timeout=15).values()
    assert deleted.result(20).low_watermark == 2
    admin.delete_topics([topic], request_timeout=15)[topic].result(20)
    wait_for(lambda: topic not in listed_topics(alice), 20, f"{topic} deleted")


def test_a_student_known_by_client_id_owns_their_topics(classroom):
    topic, under_class = f"carol.{unique('lab')}", f"students.carol.{unique('lab')}"
    admin = KafkaAdminClient(bootstrap_servers=classroom.bootstrap, client_id=CAROL)
    producer = KafkaProducer(bootstrap_servers=classroom.bootstrap, client_id=CAROL, acks="all")
    try:
        admin.create_topics([KpNewTopic(topic, 1, 1)])
        assert [producer.send(topic, f"kp-{i}".encode(), partition=0).get(20).offset for i in range(3)] == [0, 1, 2]
        assert producer.send(under_class, b"auto", partition=0).get(20).offset == 0
        admin.create_partitions({topic: KpNewPartitions(2)})
        assert admin.alter_configs([KpConfigResource(ConfigResourceType.TOPIC, topic,
                                                     configs={"retention.ms": "3600000"})]) \
            == {"topic": {topic: "OK"}}
        assert admin.delete_records({KpTopicPartition(topic, 0): 2})[KpTopicPartition(topic, 0)]["low_watermark"] == 2

        # Not another student's topic, not orders, whichever way.
        with pytest.raises(TopicAuthorizationFailedError):
            admin.create_topics([KpNewTopic(f"dave.{unique('lab')}", 1, 1)])
        with pytest.raises(TopicAuthorizationFailedError):
            producer.send("orders", b"not an order", partition=0).get(20)
        with pytest.raises(TopicAuthorizationFailedError):
            admin.create_partitions({"orders": KpNewPartitions(4)})
        altered = admin.alter_configs([KpConfigResource(ConfigResourceType.TOPIC, "orders",
                                                        configs={"retention.ms": "1"})])
        assert altered["topic"]["orders"].startswith("[Error 29] TopicAuthorizationFailedError"), altered
        with pytest.raises(TopicAuthorizationFailedError):
            admin.delete_records({KpTopicPartition("orders", 0): 1})
        with pytest.raises(TopicAuthorizationFailedError):
            admin.delete_topics(["orders"])

        admin.delete_topics([topic])
        wait_for(lambda: topic not in admin.list_topics(), 20, f"{topic} deleted")
    finally:
        producer.close(10)
        admin.close()


def test_other_topics_are_refused(classroom):
    bobs, suffix = f"bob.{unique('lab')}", unique("lab")
    # Logged in, the user name is the student's name whatever the client id says.
    alice = login(classroom, ALICE, **{"client.id": BOB})
    refused = [bobs, "students.bob", f"students.bob.{suffix}", "orders", ALICE, f"students.alice{suffix}"]
    assert delivery_errors(alice, refused) == dict.fromkeys(refused, TOPIC_AUTHORIZATION_FAILED)
    assert not (set(refused) - {"orders"}) & listed_topics(alice), "Metadata auto-created a topic that is not alice's"
    # An anonymous student may not write alice's topics, another client id's or orders either.
    refused = ["students.alice", f"carol.{suffix}", "orders"]
    assert delivery_errors(student(classroom, DAVE), refused) == dict.fromkeys(refused, TOPIC_AUTHORIZATION_FAILED)

    admin = AdminClient(alice)
    created = admin.create_topics([NewTopic(bobs, 1, 1)], request_timeout=15)[bobs]
    assert error_code(created) == KafkaError.TOPIC_AUTHORIZATION_FAILED
    assert error_code(admin.delete_topics(["orders"], request_timeout=15)["orders"]) \
        == KafkaError.TOPIC_AUTHORIZATION_FAILED
    assert error_code(admin.create_partitions([NewPartitions("orders", 4)], request_timeout=15)["orders"]) \
        == KafkaError.TOPIC_AUTHORIZATION_FAILED
    retention = ConfigResource(ResourceType.TOPIC, "orders", incremental_configs=[
        ConfigEntry("retention.ms", "1", incremental_operation=AlterConfigOpType.SET)])
    [altered] = admin.incremental_alter_configs([retention]).values()
    assert error_code(altered) == KafkaError.TOPIC_AUTHORIZATION_FAILED
    [deleted] = admin.delete_records([TopicPartition("orders", 0, 1)], request_timeout=15).values()
    assert error_code(deleted) == KafkaError.TOPIC_AUTHORIZATION_FAILED
    # ACLs are the teacher's: CreateAcls needs Alter on the cluster.
    binding = acl(ResourceType.TOPIC, bobs, principal(ALICE), AclOperation.WRITE)
    assert error_code(admin.create_acls([binding], request_timeout=15)[binding]) \
        == KafkaError.CLUSTER_AUTHORIZATION_FAILED
    assert "orders" in admin.list_topics(timeout=15).topics


def test_reserved_names_and_a_missing_client_id_name_nobody(classroom):
    suffix = unique("lab")
    for correlation, name in enumerate(("students", "orders", "aseed", "aseed-analyzer"), start=1):
        with StudentConnection(classroom, name) as conn:
            # What the name would own is nobody's: Metadata creates none of it, groups are refused.
            owned = [f"{name}.{suffix}", f"students.{name}"]
            assert raw_metadata(conn, owned, correlation=correlation) \
                == dict.fromkeys(owned, TOPIC_AUTHORIZATION_FAILED)
            assert raw_offset_commit(conn, f"{name}-{suffix}", "orders", correlation=correlation + 10) \
                == GROUP_AUTHORIZATION_FAILED
            assert init_producer_id(conn, f"{name}-{suffix}", correlation + 20) == TRANSACTIONAL_ID_AUTHORIZATION_FAILED
    # Without a client id (none, or an empty one) nothing is anyone's.
    for client_id in (None, ""):
        with StudentConnection(classroom, client_id) as conn:
            assert raw_metadata(conn, [f"nobody.{suffix}"]) == {f"nobody.{suffix}": TOPIC_AUTHORIZATION_FAILED}
            assert raw_produce(conn, "orders") == TOPIC_AUTHORIZATION_FAILED
            assert raw_offset_commit(conn, f"nobody-{suffix}", "orders") == GROUP_AUTHORIZATION_FAILED
    topics = listed_topics(login(classroom, TEACHER))
    assert not {name for name in topics if suffix in name}, sorted(topics)


# ---------------------------------------------------------------- groups and transactional ids


def test_groups_and_transactional_ids_carrying_the_name_as_a_word(classroom):
    own = ("alice", "g-alice-raw", "alice.lab1", "lab_alice_2", "alice-")
    others = ("malice", "alicegroup", "g-bob", "alice2")
    with StudentConnection(classroom, ALICE) as conn:
        # A standalone commit (no generation) needs Read on the group; the appliance's groups
        # (aseed-*) are never a student's, whatever name they carry.
        commits = {group: raw_offset_commit(conn, group, "orders", correlation=10 + i)
                   for i, group in enumerate(own + others + ("aseed-alice",))}
        assert commits == {**dict.fromkeys(own, 0),
                           **dict.fromkeys(others + ("aseed-alice",), GROUP_AUTHORIZATION_FAILED)}
        inits = {txn: init_producer_id(conn, txn, 30 + i) for i, txn in enumerate(own + others)}
        assert inits == {**dict.fromkeys(own, 0), **dict.fromkeys(others, TRANSACTIONAL_ID_AUTHORIZATION_FAILED)}
        assert raw_transaction_errors(conn, "malice.tx", "g-alice-raw", "orders", correlation=50) \
            == dict.fromkeys(TRANSACTION_APIS, TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
        # The analyzer's group: described, never joined, left or deleted by a student.
        assert raw_group_errors(conn, "aseed-analyzer", "orders", correlation=60) \
            == {**dict.fromkeys(GROUP_APIS, GROUP_AUTHORIZATION_FAILED), "DescribeGroups": 0}


def consume_and_commit(config, group, count=5, timeout=30) -> tuple[dict, dict]:
    """A confluent-kafka consumer of orders in `group` reads `count` records and commits ->
    ({partition: offset after its last record read}, {partition: committed offset})."""
    consumer = Consumer({**config, "group.id": group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "session.timeout.ms": 6000})
    try:
        consumer.subscribe(["orders"])
        positions, read = {}, 0
        deadline = time.monotonic() + timeout
        while read < count and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                raise KafkaException(msg.error())
            positions[msg.partition()] = msg.offset() + 1
            read += 1
        assert read == count, f"read {read} of {count} orders in group {group}"
        consumer.commit(asynchronous=False)
        committed = consumer.committed([TopicPartition("orders", p) for p in positions], timeout=15)
        return positions, {tp.partition: tp.offset for tp in committed}
    finally:
        consumer.close()


def join_error(config, group, timeout=20) -> int:
    """The error a confluent-kafka consumer of orders in `group` gets instead of records."""
    consumer = Consumer({**config, "group.id": group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "session.timeout.ms": 6000})
    try:
        consumer.subscribe(["orders"])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is not None:
                assert msg.error() is not None, f"{config.get('client.id')} read orders in group {group}"
                return msg.error().code()
        raise AssertionError(f"no error for group {group} within {timeout} s")
    finally:
        consumer.close()


def test_a_group_carrying_the_name_is_the_students_alone(classroom):
    positions, committed = consume_and_commit(login(classroom, ALICE), "g-alice")
    assert committed == positions
    # bob may not join alice's group, logged in or known by his client id; no student may join
    # the analyzer's, not even one whose name it carries.
    assert join_error(login(classroom, BOB), "g-alice") == KafkaError.GROUP_AUTHORIZATION_FAILED
    assert join_error(student(classroom, BOB), "g-alice") == KafkaError.GROUP_AUTHORIZATION_FAILED
    assert join_error(student(classroom, "analyzer"), "aseed-analyzer") == KafkaError.GROUP_AUTHORIZATION_FAILED

    # Describing is everyone's; deleting the group is alice's.
    bob_admin, alice_admin = AdminClient(login(classroom, BOB)), AdminClient(login(classroom, ALICE))
    [described] = bob_admin.describe_consumer_groups(["g-alice"], request_timeout=15).values()
    assert described.result(20).state == ConsumerGroupState.EMPTY
    [refused] = bob_admin.delete_consumer_groups(["g-alice"], request_timeout=15).values()
    assert error_code(refused) == KafkaError.GROUP_AUTHORIZATION_FAILED
    [deleted] = alice_admin.delete_consumer_groups(["g-alice"], request_timeout=15).values()
    assert deleted.result(20) is None
    listed = alice_admin.list_consumer_groups(request_timeout=15).result(20).valid
    assert "g-alice" not in {group.group_id for group in listed}


def test_kafka_python_group_consumer_known_by_client_id(classroom):
    group = "lab_carol_2"
    settings = dict(bootstrap_servers=classroom.bootstrap, group_id=group, auto_offset_reset="earliest",
                    enable_auto_commit=False, session_timeout_ms=6000, heartbeat_interval_ms=500, max_poll_records=5)
    consumer = KafkaConsumer("orders", client_id=CAROL, **settings)
    try:
        positions = {}
        deadline = time.monotonic() + 30
        while not positions and time.monotonic() < deadline:
            for partition, records in consumer.poll(timeout_ms=500).items():
                positions[partition.partition] = records[-1].offset + 1
        assert positions, f"{CAROL} read no orders in group {group}"
        consumer.commit()
        assert {p: consumer.committed(KpTopicPartition("orders", p)) for p in positions} == positions
    finally:
        consumer.close()

    intruder = KafkaConsumer("orders", client_id=DAVE, **settings)
    try:
        with pytest.raises(GroupAuthorizationFailedError):
            for _ in range(40):
                intruder.poll(timeout_ms=500)
    finally:
        intruder.close()
    for name, deleted in ((DAVE, "GroupAuthorizationFailedError"), (CAROL, "OK")):
        admin = KafkaAdminClient(bootstrap_servers=classroom.bootstrap, client_id=name)
        try:
            assert admin.delete_groups([group]) == {group: deleted}, name
        finally:
            admin.close()


def test_a_transaction_with_an_id_carrying_the_name_commits(classroom):
    values = [f"tx-{i}".encode() for i in range(3)]
    producer = Producer(login(classroom, ALICE, **{"transactional.id": "alice-tx"}))
    producer.init_transactions(20)
    producer.begin_transaction()
    for value in values:
        producer.produce("alice.tx", value=value, partition=0)
    producer.commit_transaction(20)
    assert read_without_group(classroom.bootstrap, "alice.tx", len(values)) == values

    # An id not carrying the name is refused at once: FindCoordinator needs Describe on it.
    other = Producer(student(classroom, CAROL, **{"transactional.id": "bob-tx"}))
    with pytest.raises(KafkaException) as refused:
        other.init_transactions(20)
    assert refused.value.args[0].code() == KafkaError.TRANSACTIONAL_ID_AUTHORIZATION_FAILED


# ---------------------------------------------------------------- kcat


def kcat(*args, stdin=None) -> subprocess.CompletedProcess:
    return subprocess.run(["kcat", "-m", "10", *args], input=stdin, capture_output=True, text=True, timeout=60)


def test_kcat_students(kcat_installed, classroom):
    dave = ["-b", classroom.bootstrap, "-X", f"client.id={DAVE}"]
    listed = kcat(*dave, "-L")
    assert listed.returncode == 0 and ' topic "orders" with 3 partitions' in listed.stdout, listed.stderr[-3000:]
    read = kcat(*dave, "-C", "-t", "orders", "-p", "0", "-o", "beginning", "-c", "3", "-e")
    assert read.returncode == 0, read.stderr[-3000:]
    assert [line.startswith('{"order_id":') for line in read.stdout.splitlines()] == [True] * 3, read.stdout

    topic = f"dave.{unique('kcat')}"
    produced = kcat(*dave, "-P", "-t", topic, "-p", "0", stdin="one\ntwo\n")
    assert produced.returncode == 0, produced.stderr[-3000:]
    assert read_without_group(classroom.bootstrap, topic, 2) == [b"one", b"two"]
    refused = kcat(*dave, "-P", "-t", "orders", "-p", "0", stdin="not an order\n")
    assert refused.returncode != 0 and "Topic authorization failed" in refused.stderr, refused.stderr[-3000:]

    alice = ["-b", classroom.sasl_bootstrap]
    for key, value in settings_of(ALICE).items():
        alice += ["-X", f"{key}={value}"]
    refused = kcat(*alice, "-P", "-t", topic, "-p", "0", stdin="not alice's\n")
    assert refused.returncode != 0 and "Topic authorization failed" in refused.stderr, refused.stderr[-3000:]


# ---------------------------------------------------------------- the teacher and ACLs


def test_explicit_acls_come_before_the_preset(classroom):
    teacher = AdminClient(login(classroom, TEACHER))
    teacher.create_topics([NewTopic("shared", 1, 1)], request_timeout=15)["shared"].result(20)
    assert delivery_error(classroom.bootstrap, "shared", **{"client.id": DAVE}) == TOPIC_AUTHORIZATION_FAILED
    opened = acl(ResourceType.TOPIC, "shared", EVERYONE, AclOperation.WRITE)
    assert teacher.create_acls([opened], request_timeout=15)[opened].result(20) is None
    assert produce_acked(classroom.bootstrap, "shared", [b"from dave"], **{"client.id": DAVE}) == [0]
    assert produce_acked(classroom.sasl_bootstrap, "shared", [b"from bob"], **settings_of(BOB)) == [1]

    alice = AdminClient(login(classroom, ALICE))
    topic = f"alice.{unique('kept')}"
    alice.create_topics([NewTopic(topic, 1, 1)], request_timeout=15)[topic].result(20)
    closed = acl(ResourceType.TOPIC, "alice.", principal(ALICE), AclOperation.DELETE, AclPermissionType.DENY,
                 pattern=ResourcePatternType.PREFIXED)
    assert teacher.create_acls([closed], request_timeout=15)[closed].result(20) is None
    try:
        assert error_code(alice.delete_topics([topic], request_timeout=15)[topic]) \
            == KafkaError.TOPIC_AUTHORIZATION_FAILED
        # Only Delete is denied, and only to alice: the teacher, a super user, deletes her topic.
        assert produce_acked(classroom.sasl_bootstrap, topic, [b"still hers"], **settings_of(ALICE)) == [0]
        teacher.delete_topics([topic], request_timeout=15)[topic].result(20)
    finally:
        [removed] = teacher.delete_acls([filter_of(closed)], request_timeout=15).values()
        assert removed.result(20) == [closed]
    wait_for(lambda: topic not in listed_topics(login(classroom, ALICE)), 20, f"{topic} deleted by the teacher")


# ---------------------------------------------------------------- the broker's log and the appliance


def test_a_repeated_refusal_is_logged_once(classroom):
    bobs = f"bob.{unique('logged')}"
    # Once per principal, host, operation and resource: not per connection, nor per client id.
    for correlation, name in enumerate((CAROL, DAVE, CAROL)):
        with StudentConnection(classroom, name) as conn:
            assert raw_produce(conn, "orders", correlation=80 + correlation) == TOPIC_AUTHORIZATION_FAILED
            assert raw_metadata(conn, [bobs], correlation=90 + correlation) == {bobs: TOPIC_AUTHORIZATION_FAILED}
    for _ in range(2):
        assert delivery_error(classroom.sasl_bootstrap, bobs, **settings_of(ALICE)) == TOPIC_AUTHORIZATION_FAILED
    lines = [
        "refused User:ANONYMOUS from 127.0.0.1: Write on Topic 'orders' (Produce request; logged once)",
        f"refused User:ANONYMOUS from 127.0.0.1: Create on Topic '{bobs}' (Metadata request; logged once)",
        f"refused User:alice from 127.0.0.1: Create on Topic '{bobs}' (Metadata request; logged once)",
    ]

    def logged():
        text = classroom.log("broker")
        return text if all(line in text for line in lines) else None

    log = wait_for(logged, 10, f"the refusals in {classroom.log_dir / 'broker.log'}")
    for line in lines:
        assert log.count(line.split(" (")[0]) == 1, line


def test_the_analyzer_keeps_counting_orders(classroom):
    # The analyzer logs in as the appliance: neither the preset nor the students refused its
    # group above disturb it.
    counted = classroom.wait_for(lambda: classroom.pipeline()["orders_counted"], message="orders counted")
    classroom.wait_for(lambda: classroom.pipeline()["orders_counted"] > counted + 20, message="more orders counted")
    analyzer = classroom.analyzer()
    assert analyzer["status"] == "running" and analyzer["restarts"] == 0 and analyzer["last_error"] is None, analyzer


def test_the_broker_alone_with_the_classroom_preset(aseed_factory):
    broker = aseed_factory(SaslBroker, authorizer="classroom").start()
    topic = f"carol.{unique('lab')}"
    admin = AdminClient(student(broker, CAROL))
    admin.create_topics([NewTopic(topic, 1, 1)], request_timeout=15)[topic].result(20)
    assert produce_acked(broker.bootstrap, topic, [b"one", b"two"], **{"client.id": CAROL}) == [0, 1]
    assert delivery_error(broker.bootstrap, topic, **{"client.id": DAVE}) == TOPIC_AUTHORIZATION_FAILED
    assert broker.stop() == 0, broker.output()[-3000:]
    assert "authorizer: classroom preset over Kafka ACLs; super users: User:teacher" in broker.output()


def test_users_acls_and_the_preset_survive_a_restart(classroom):
    teacher = AdminClient(login(classroom, TEACHER))
    teacher.create_topics([NewTopic("notices", 1, 1)], request_timeout=15)["notices"].result(20)
    opened = acl(ResourceType.TOPIC, "notices", EVERYONE, AclOperation.WRITE)
    assert teacher.create_acls([opened], request_timeout=15)[opened].result(20) is None
    counted = classroom.wait_for(lambda: classroom.pipeline()["orders_counted"], message="orders counted")

    login_file = classroom.data_dir / "appliance-login.conf"
    old_login = login_file.read_text()

    assert classroom.stop() == 0, classroom.log("appliance")[-3000:]
    classroom.start()
    # The appliance's own login is made anew (a new password); operator commands find it again.
    assert login_file.read_text() != old_login
    assert listed_users(classroom) >= {TEACHER, ALICE, BOB}
    teacher = AdminClient(login(classroom, TEACHER))
    assert teacher.describe_acls(filter_of(opened), request_timeout=15).result(20) == [opened]
    assert produce_acked(classroom.bootstrap, "notices", [b"from dave"], **{"client.id": DAVE}) == [0]
    topic = f"alice.{unique('after')}"
    assert produce_acked(classroom.sasl_bootstrap, topic, [b"hers"], **settings_of(ALICE)) == [0]
    refused = [f"bob.{unique('after')}", "orders"]
    assert delivery_errors(login(classroom, ALICE), refused) == dict.fromkeys(refused, TOPIC_AUTHORIZATION_FAILED)
    classroom.wait_for(lambda: classroom.pipeline()["orders_counted"] > counted + 20,
                       message="orders counted after the restart")
