"""Kafka's ACLs (`--authorizer acls`, `--super-users`, `--allow-everyone-if-no-acl-found`) on a
broker with a PLAINTEXT and a SASL_PLAINTEXT listener whose users (admin, alice, bob) were made with
`aseed users` before the authorizer was turned on; afterwards `aseed users`, acting as
User:ANONYMOUS on the PLAINTEXT listener, is refused. The super user manages ACLs with
confluent-kafka, kafka-python, the Java client 3.9 and 4.3 and by hand-made requests: describing
with filters (any, MATCH, by principal and permission), deleting what a filter selects, invalid
creations refused one by one with INVALID_REQUEST and a message while the valid ones of the same
request are stored; nobody else may do any of it (CLUSTER_AUTHORIZATION_FAILED).

What clients may do: anonymous clients see no topic no ACL opens to them and cannot produce,
fetch or start an idempotent producer; a `User:*` Read opens a topic to them for reading only. A
DENY wins over every ALLOW, prefixed patterns cover the names they start (also for creating
topics), Metadata auto-creates a topic only with Create. Group APIs need Read on the group
(Describe for describing and listing it), an offset commit Read on the group and then on the
topic, the transaction APIs Write on the transactional id and then Write on the topic or Read on
the group. confluent-kafka, kcat, aiokafka and the Java client (java/AclCheck.java: producers,
group consumers, transactions and admin calls) get the matching errors and exceptions. Refusals are
logged once per principal, host, operation and resource. ACLs and users survive a restart. With
`--allow-everyone-if-no-acl-found true` what no ACL names is open; without an authorizer
DescribeAcls is empty, CreateAcls is SECURITY_DISABLED and DeleteAcls matches nothing."""
import asyncio
import contextlib
import json
import subprocess

import pytest
from confluent_kafka import KafkaError, KafkaException, Producer
from confluent_kafka.admin import (AclBinding, AclBindingFilter, AclOperation, AclPermissionType, AdminClient,
                                   NewTopic, ResourcePatternType, ResourceType)
from kafka import KafkaAdminClient, KafkaConsumer
from kafka import TopicPartition as KpTopicPartition
from kafka.admin import ACL, ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType, ResourcePattern
from kafka.admin import ResourcePatternFilter
from kafka.admin import ResourceType as KpResourceType
from kafka.errors import ClusterAuthorizationFailedError, NoError

import kafkaproto as kp
from conftest import broker_args, stop_module_broker, unique, wait_for
from javaclients import run_check
from kafkahelpers import create_topic, produce_acked
from test_admin_clients import error_code
from test_kafka_python import poll_values
from test_sasl import (SaslBroker, add_user, aiokafka_group_read, aiokafka_settings, aseed_users, answered,
                       authenticate, connect_sasl, create_sasl_topic, handshake, kafka_python_settings, plain_token,
                       sasl_config, sasl_settings)
from test_sasl import kcat_installed  # noqa: F401  (a fixture: imported so that the kcat test here can use it)

pytestmark = pytest.mark.needs_aseed

# The module's users: ADMIN is the super user, ALICE and BOB get what each test grants them.
ADMIN, ALICE, BOB = "admin", "alice", "bob"
PASSWORDS = {name: unique(f"{name}-secret") for name in (ADMIN, ALICE, BOB)}
MECHANISM = "SCRAM-SHA-512"
ANONYMOUS = "User:ANONYMOUS"
EVERYONE = "User:*"
CLUSTER = "kafka-cluster"

CREATE_ACLS, DESCRIBE_ACLS, DELETE_ACLS = 30, 29, 31
HEARTBEAT, DESCRIBE_GROUPS, LIST_GROUPS, DELETE_GROUPS = 12, 15, 16, 42
ADD_PARTITIONS_TO_TXN, ADD_OFFSETS_TO_TXN, END_TXN, TXN_OFFSET_COMMIT, DESCRIBE_TRANSACTIONS = 24, 25, 26, 28, 65
TOPIC_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED = 29, 30
CLUSTER_AUTHORIZATION_FAILED, INVALID_REQUEST, TRANSACTIONAL_ID_AUTHORIZATION_FAILED = 31, 42, 53
SECURITY_DISABLED = 54


def principal(name: str) -> str:
    return f"User:{name}"


@pytest.fixture(scope="module")
def acl_broker(tmp_path_factory):
    """One broker for the module: users made while it has no authorizer (`aseed users` talks to
    the PLAINTEXT listener as User:ANONYMOUS, which the authorizer refuses), then started again
    on the same data with ACLs on and ADMIN as the super user."""
    instance = SaslBroker(tmp_path_factory.mktemp("acl-broker"), broker_args()).start()
    try:
        for name, password in PASSWORDS.items():
            add_user(instance, name, password, mechanism=MECHANISM)
        assert instance.stop() == 0, instance.output()[-3000:]
        instance.extra_args = broker_args(authorizer="acls", super_users=principal(ADMIN))
        instance.start()
    except BaseException:
        instance.kill()
        raise
    yield instance
    stop_module_broker(instance, "ACL broker")


def config_of(broker, name: str) -> dict:
    """confluent-kafka settings logging `name` in on the SASL listener."""
    return sasl_config(broker, MECHANISM, name, PASSWORDS[name])


def settings_of(name: str) -> dict:
    return sasl_settings(MECHANISM, name, PASSWORDS[name])


def acl(resource_type, name, who, operation, permission=AclPermissionType.ALLOW,
        pattern=ResourcePatternType.LITERAL, host="*") -> AclBinding:
    return AclBinding(resource_type, name, pattern, who, host, operation, permission)


def filter_of(binding: AclBinding) -> AclBindingFilter:
    """The filter selecting exactly `binding`."""
    return AclBindingFilter(binding.restype, binding.name, binding.resource_pattern_type, binding.principal,
                            binding.host, binding.operation, binding.permission_type)


def admin_topic(broker, prefix: str) -> str:
    """A new one-partition topic made by ADMIN."""
    return create_sasl_topic(config_of(broker, ADMIN), prefix=prefix)


@pytest.fixture
def grant(acl_broker):
    """Creates ACLs as ADMIN and deletes them after the test, so that every test starts on a
    broker without any and what one grants cannot let another pass."""
    admin = AdminClient(config_of(acl_broker, ADMIN))
    made: list[AclBinding] = []

    def create(*bindings: AclBinding) -> None:
        for binding, future in admin.create_acls(list(bindings), request_timeout=15).items():
            assert future.result(timeout=20) is None, binding
        made.extend(bindings)

    yield create
    if made:
        for future in admin.delete_acls([filter_of(b) for b in made], request_timeout=15).values():
            future.result(timeout=20)


def delivery_error(bootstrap: str, topic: str, **config) -> int | None:
    """The error code in the delivery report of one record, None if it was stored. Without
    idempotence: InitProducerId has a check of its own."""
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": False, "acks": "all",
                         "message.timeout.ms": 15000, **config})
    reports = []
    producer.produce(topic, value=b"refused?", partition=0, on_delivery=lambda err, msg: reports.append(err))
    assert producer.flush(20) == 0, f"no delivery report for {topic} within 20 s"
    [report] = reports
    return None if report is None else report.code()


def listed_topics(config: dict) -> set[str]:
    return set(AdminClient(config).list_topics(timeout=15).topics)


# ---------------------------------------------------------------- the protocol by hand


@contextlib.contextmanager
def logged_in(broker, name: str):
    """A raw connection to the SASL listener, `name` logged in with PLAIN."""
    with connect_sasl(broker) as conn:
        assert handshake(conn, "PLAIN")[0] == 0
        error, message, _ = authenticate(conn, plain_token(name, PASSWORDS[name]))
        assert error == 0, f"PLAIN login of {name} refused with {error}: {message}"
        yield conn


def anonymous(broker) -> kp.Connection:
    """A raw connection to the PLAINTEXT listener, where requests act as User:ANONYMOUS."""
    return kp.Connection(broker.host, broker.port, 10)


def acl_fields(resource_type, name, pattern, who, host, operation, permission) -> bytes:
    """A creation of CreateAcls v1, or a filter of DescribeAcls / DeleteAcls v1 (same layout;
    a filter's strings may be None). The enums are Kafka's codes, as kafka-python's IntEnums."""
    return (kp.i8(resource_type) + kp.string(name) + kp.i8(pattern) + kp.string(who) + kp.string(host)
            + kp.i8(operation) + kp.i8(permission))


def create_acls_v1(conn, creations, correlation=60) -> list[tuple[int, str | None]]:
    """CreateAcls v1 -> [(error, message)], one per creation."""
    r = kp.Reader(answered(conn, CREATE_ACLS, 1, correlation, kp.array(creations)))
    r.i32(), r.i32()
    return r.array(lambda r: (r.i16(), r.string()))


def read_acl(r: kp.Reader) -> tuple:
    """(principal, host, operation, permission) of DescribeAcls v1."""
    return r.string(), r.string(), r.i8(), r.i8()


def describe_acls_v1(conn, acl_filter, correlation=61):
    """DescribeAcls v1 -> (error, message, {(type, name, pattern, principal, host, operation, permission)})."""
    r = kp.Reader(answered(conn, DESCRIBE_ACLS, 1, correlation, acl_filter))
    r.i32(), r.i32()
    error, message = r.i16(), r.string()
    found = set()
    for _ in range(r.i32()):
        resource = (r.i8(), r.string(), r.i8())
        found.update(resource + entry for entry in r.array(read_acl))
    return error, message, found


def read_matching_acl(r: kp.Reader) -> tuple:
    error, _message = r.i16(), r.string()
    return error, (r.i8(), r.string(), r.i8(), r.string(), r.string(), r.i8(), r.i8())


def delete_acls_v1(conn, filters, correlation=62):
    """DeleteAcls v1 -> [(error, message, [(error, (type, name, pattern, principal, host, operation, permission))])]."""
    r = kp.Reader(answered(conn, DELETE_ACLS, 1, correlation, kp.array(filters)))
    r.i32(), r.i32()
    return r.array(lambda r: (r.i16(), r.string(), r.array(read_matching_acl)))


def raw_produce(conn, topic, correlation=70) -> int:
    """The error of a Produce v3 of one record to partition 0."""
    body = kp.produce_v3_body(topic, 0, kp.record_batch([b"raw"]))
    return kp.parse_produce_v3(answered(conn, kp.PRODUCE, 3, correlation, body))[(topic, 0)][0]


def raw_metadata(conn, names, correlation=71) -> dict:
    """Metadata v1 (which auto-creates, as every version before 4) -> {topic: error}."""
    _, _, _, topics = kp.parse_metadata_v1(answered(conn, kp.METADATA, 1, correlation, kp.metadata_v1_body(names)))
    return {name: error for name, (error, _) in topics.items()}


def raw_offset_commit(conn, group, topic, correlation=72) -> int:
    """The error of an OffsetCommit v2 of offset 0 outside a generation (as a standalone consumer)."""
    body = kp.offset_commit_v2_body(group, -1, "", topic, 0, 0)
    return kp.parse_offset_commit_v2(answered(conn, kp.OFFSET_COMMIT, 2, correlation, body))[(topic, 0)]


def first_error(payload, throttle=True) -> int:
    """The error code right after the correlation id (and the throttle time) of a response."""
    r = kp.Reader(payload)
    r.i32()
    if throttle:
        r.i32()
    return r.i16()


def partition_errors(payload) -> dict:
    """{(topic, partition): error} of AddPartitionsToTxn v0 and TxnOffsetCommit v0."""
    r = kp.Reader(payload)
    r.i32(), r.i32()
    out = {}
    for _ in range(r.i32()):
        name = r.string()
        for _ in range(r.i32()):
            index = r.i32()
            out[(name, index)] = r.i16()
    return out


GROUP_APIS = ("JoinGroup", "Heartbeat", "LeaveGroup", "DescribeGroups", "DeleteGroups")


def raw_group_errors(conn, group, topic, correlation=100) -> dict:
    """The errors of the group APIs (GROUP_APIS) asked about `group` by a client that is no member of it."""
    errors = {"JoinGroup": kp.parse_join_group_v2(answered(
        conn, kp.JOIN_GROUP, 2, correlation, kp.join_group_v2_body(group, topics=(topic,))))[0]}
    errors["Heartbeat"] = first_error(answered(
        conn, HEARTBEAT, 0, correlation + 1, kp.string(group) + kp.i32(1) + kp.string("member")), throttle=False)
    errors["LeaveGroup"] = first_error(answered(
        conn, kp.LEAVE_GROUP, 0, correlation + 2, kp.leave_group_v0_body(group, "member")), throttle=False)
    r = kp.Reader(answered(conn, DESCRIBE_GROUPS, 0, correlation + 3, kp.array([kp.string(group)])))
    r.i32(), r.i32()  # correlation, one group
    errors["DescribeGroups"] = r.i16()
    r = kp.Reader(answered(conn, DELETE_GROUPS, 0, correlation + 4, kp.array([kp.string(group)])))
    r.i32(), r.i32(), r.i32()  # correlation, throttle, one result
    assert r.string() == group
    errors["DeleteGroups"] = r.i16()
    return errors


def listed_groups(conn, correlation=110) -> set[str]:
    """ListGroups v0 -> the group ids."""
    r = kp.Reader(answered(conn, LIST_GROUPS, 0, correlation, b""))
    r.i32()
    assert r.i16() == 0
    return {group for group, _ in r.array(lambda r: (r.string(), r.string()))}


NO_PRODUCER = kp.i64(-1) + kp.i16(-1)


def add_partitions_to_txn(conn, txn, topic, correlation=120) -> int:
    body = kp.string(txn) + NO_PRODUCER + kp.array([kp.string(topic) + kp.array([kp.i32(0)])])
    return partition_errors(answered(conn, ADD_PARTITIONS_TO_TXN, 0, correlation, body))[(topic, 0)]


def add_offsets_to_txn(conn, txn, group, correlation=121) -> int:
    return first_error(answered(conn, ADD_OFFSETS_TO_TXN, 0, correlation, kp.string(txn) + NO_PRODUCER
                                + kp.string(group)))


def txn_offset_commit(conn, txn, group, topic, correlation=122) -> int:
    body = (kp.string(txn) + kp.string(group) + NO_PRODUCER
            + kp.array([kp.string(topic) + kp.array([kp.i32(0) + kp.i64(0) + kp.string(None)])]))
    return partition_errors(answered(conn, TXN_OFFSET_COMMIT, 0, correlation, body))[(topic, 0)]


TRANSACTION_APIS = ("InitProducerId", "AddPartitionsToTxn", "AddOffsetsToTxn", "TxnOffsetCommit", "EndTxn",
                    "DescribeTransactions")


def raw_transaction_errors(conn, txn, group, topic, correlation=130) -> dict:
    """The errors of the transaction APIs (TRANSACTION_APIS) for transactional id `txn`, with no
    producer id of it."""
    errors = {"InitProducerId": kp.parse_init_producer_id_v0(answered(
        conn, kp.INIT_PRODUCER_ID, 0, correlation, kp.string(txn) + kp.i32(60000)))[0]}
    errors["AddPartitionsToTxn"] = add_partitions_to_txn(conn, txn, topic, correlation + 1)
    errors["AddOffsetsToTxn"] = add_offsets_to_txn(conn, txn, group, correlation + 2)
    errors["TxnOffsetCommit"] = txn_offset_commit(conn, txn, group, topic, correlation + 3)
    errors["EndTxn"] = first_error(answered(conn, END_TXN, 0, correlation + 4, kp.string(txn) + NO_PRODUCER
                                            + kp.i8(1)))
    # DescribeTransactions has flexible versions only: a compact array, tagged fields, and a
    # response header with tagged fields of its own (none here).
    r = kp.Reader(answered(conn, DESCRIBE_TRANSACTIONS, 0, correlation + 5,
                           kp.compact_array([kp.compact_string(txn)]) + kp.NO_TAGS, flexible=True))
    r.i32()
    assert r.uvarint() == 0, "no tagged fields in the response header"
    r.i32()
    assert r.uvarint() == 2, "one transaction state"
    errors["DescribeTransactions"] = r.i16()
    return errors


# ---------------------------------------------------------------- the super user manages ACLs


def test_users_cli_is_refused_once_acls_are_on(acl_broker):
    # AlterUserScramCredentials needs Alter on the cluster, which User:ANONYMOUS has not.
    result = aseed_users(acl_broker, "add", unique("late"), "--password", "pw")
    assert result.returncode != 0, f"aseed users add succeeded as User:ANONYMOUS:\n{result.stdout}"
    assert "authorization" in result.stderr.lower(), result.stderr


def test_confluent_kafka_admin_creates_describes_and_deletes_acls(acl_broker, grant):
    topic, group, prefix = unique("ck-acl"), unique("ck-acl-group"), unique("ck-acl-prefix")
    alice_reads = acl(ResourceType.TOPIC, topic, principal(ALICE), AclOperation.READ)
    alice_writes = acl(ResourceType.TOPIC, prefix, principal(ALICE), AclOperation.WRITE,
                       pattern=ResourcePatternType.PREFIXED)
    bob_denied = acl(ResourceType.TOPIC, topic, principal(BOB), AclOperation.ALL, AclPermissionType.DENY,
                     host="127.0.0.1")
    everyone_describes = acl(ResourceType.GROUP, group, EVERYONE, AclOperation.DESCRIBE)
    created = {alice_reads, alice_writes, bob_denied, everyone_describes}
    grant(*created)
    admin = AdminClient(config_of(acl_broker, ADMIN))

    def described(resource_type=ResourceType.ANY, name=None, pattern=ResourcePatternType.ANY, who=None,
                  permission=AclPermissionType.ANY):
        acl_filter = AclBindingFilter(resource_type, name, pattern, who, None, AclOperation.ANY, permission)
        return set(admin.describe_acls(acl_filter, request_timeout=15).result(timeout=20))

    assert described() >= created
    assert described(ResourceType.TOPIC, topic, ResourcePatternType.MATCH) == {alice_reads, bob_denied}
    assert described(ResourceType.TOPIC, f"{prefix}.orders", ResourcePatternType.MATCH) == {alice_writes}
    assert described(ResourceType.TOPIC, prefix, ResourcePatternType.LITERAL) == set(), \
        "a LITERAL filter does not select a PREFIXED ACL of the same name"
    assert described(ResourceType.GROUP, group) == {everyone_describes}
    assert described(who=principal(ALICE)) & created == {alice_reads, alice_writes}
    assert described(permission=AclPermissionType.DENY) & created == {bob_denied}

    everything_of_alice = AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY, principal(ALICE), None,
                                           AclOperation.ANY, AclPermissionType.ANY)
    deleted = admin.delete_acls([everything_of_alice], request_timeout=15)[everything_of_alice].result(timeout=20)
    assert set(deleted) == {alice_reads, alice_writes}
    assert described() & created == {bob_denied, everyone_describes}


def test_invalid_creations_are_refused_one_by_one(acl_broker):
    # Each creation carries one fault; the two valid ones of the same request are stored.
    topic = unique("invalid-acls")
    T, G, C = KpResourceType.TOPIC, KpResourceType.GROUP, KpResourceType.CLUSTER
    LITERAL, PREFIXED = ACLResourcePatternType.LITERAL, ACLResourcePatternType.PREFIXED
    READ, ALLOW = ACLOperation.READ, ACLPermissionType.ALLOW
    alice = principal(ALICE)
    valid_topic = (T, topic, LITERAL, alice, "*", READ, ALLOW)
    valid_group = (G, topic, PREFIXED, principal(BOB), "127.0.0.1", ACLOperation.DESCRIBE, ACLPermissionType.DENY)
    faults = {
        "resource type ANY": (KpResourceType.ANY, topic, LITERAL, alice, "*", READ, ALLOW),
        "resource type UNKNOWN": (KpResourceType.UNKNOWN, topic, LITERAL, alice, "*", READ, ALLOW),
        "pattern type MATCH": (T, topic, ACLResourcePatternType.MATCH, alice, "*", READ, ALLOW),
        "pattern type ANY": (T, topic, ACLResourcePatternType.ANY, alice, "*", READ, ALLOW),
        "operation ANY": (T, topic, LITERAL, alice, "*", ACLOperation.ANY, ALLOW),
        "permission ANY": (T, topic, LITERAL, alice, "*", READ, ACLPermissionType.ANY),
        "principal without a type": (T, topic, LITERAL, ALICE, "*", READ, ALLOW),
        "empty resource name": (T, "", LITERAL, alice, "*", READ, ALLOW),
        "cluster not named kafka-cluster": (C, "my-cluster", LITERAL, alice, "*", ACLOperation.ALTER, ALLOW),
    }
    with logged_in(acl_broker, ADMIN) as conn:
        results = create_acls_v1(conn, [acl_fields(*valid_topic)] + [acl_fields(*c) for c in faults.values()]
                                 + [acl_fields(*valid_group)])
        assert len(results) == len(faults) + 2
        assert results[0] == (0, None) and results[-1] == (0, None), results
        for fault, (error, message) in zip(faults, results[1:-1]):
            assert error == INVALID_REQUEST and message, f"{fault}: error {error}, message {message!r}"

        by_name = acl_fields(KpResourceType.ANY, topic, ACLResourcePatternType.ANY, None, None, ACLOperation.ANY,
                             ACLPermissionType.ANY)
        error, message, found = describe_acls_v1(conn, by_name)
        assert (error, message) == (0, None)
        assert found == {valid_topic, valid_group}
        [(error, message, removed)] = delete_acls_v1(conn, [by_name])
        assert (error, message) == (0, None)
        assert sorted(removed) == sorted([(0, valid_topic), (0, valid_group)])
        assert describe_acls_v1(conn, by_name, correlation=63) == (0, None, set())


def test_confluent_kafka_gets_a_result_per_creation(acl_broker):
    topic = unique("ck-invalid-acl")
    valid = acl(ResourceType.TOPIC, topic, principal(ALICE), AclOperation.READ)
    untyped = acl(ResourceType.TOPIC, topic, ALICE, AclOperation.WRITE)
    admin = AdminClient(config_of(acl_broker, ADMIN))
    futures = admin.create_acls([valid, untyped], request_timeout=15)
    everything = AclBindingFilter(ResourceType.TOPIC, topic, ResourcePatternType.ANY, None, None, AclOperation.ANY,
                                  AclPermissionType.ANY)
    try:
        assert futures[valid].result(timeout=20) is None
        with pytest.raises(KafkaException) as refused:
            futures[untyped].result(timeout=20)
        assert refused.value.args[0].code() == KafkaError.INVALID_REQUEST
        assert ALICE in refused.value.args[0].str(), "the message names the principal it could not read"
        assert admin.describe_acls(everything, request_timeout=15).result(timeout=20) == [valid]
    finally:
        admin.delete_acls([everything], request_timeout=15)[everything].result(timeout=20)


def test_kafka_python_admin_manages_acls_and_bob_is_refused(acl_broker):
    topic = unique("kp-acl")
    binding = ACL(principal(ALICE), "*", ACLOperation.READ, ACLPermissionType.ALLOW,
                  ResourcePattern(KpResourceType.TOPIC, topic, ACLResourcePatternType.LITERAL))
    acl_filter = ACLFilter(None, None, ACLOperation.ANY, ACLPermissionType.ANY,
                           ResourcePatternFilter(KpResourceType.TOPIC, topic, ACLResourcePatternType.ANY))
    admin = KafkaAdminClient(bootstrap_servers=acl_broker.sasl_bootstrap,
                             **kafka_python_settings(MECHANISM, ADMIN, PASSWORDS[ADMIN]))
    bob = KafkaAdminClient(bootstrap_servers=acl_broker.sasl_bootstrap,
                           **kafka_python_settings(MECHANISM, BOB, PASSWORDS[BOB]))
    try:
        assert admin.create_acls([binding]) == {"succeeded": [binding], "failed": []}
        assert admin.describe_acls(acl_filter) == ([binding], NoError)

        with pytest.raises(ClusterAuthorizationFailedError):
            bob.describe_acls(acl_filter)
        assert bob.create_acls([binding]) == {"succeeded": [], "failed": [ClusterAuthorizationFailedError]}
        [(_, removed, error)] = bob.delete_acls([acl_filter])
        assert (removed, error) == ([], ClusterAuthorizationFailedError)

        [(_, removed, error)] = admin.delete_acls([acl_filter])
        assert (removed, error) == ([binding], NoError)
        assert admin.describe_acls(acl_filter) == ([], NoError)
    finally:
        admin.close()
        bob.close()


# ---------------------------------------------------------------- what clients may do


def test_anonymous_clients_see_no_topic_and_cannot_produce(acl_broker):
    topic = admin_topic(acl_broker, "anonymous")
    plaintext = {"bootstrap.servers": acl_broker.bootstrap}
    assert listed_topics(plaintext) == set(), "no ACL opens any topic to User:ANONYMOUS"
    named = AdminClient(plaintext).list_topics(topic=topic, timeout=15).topics[topic]
    assert named.error is not None and named.error.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED, named.error
    assert delivery_error(acl_broker.bootstrap, topic) == KafkaError.TOPIC_AUTHORIZATION_FAILED
    with anonymous(acl_broker) as conn:
        # Past Metadata, Produce and Fetch refuse on their own, and an idempotent producer cannot start:
        # it needs IdempotentWrite on the cluster or Write on some topic.
        assert raw_produce(conn, topic) == TOPIC_AUTHORIZATION_FAILED
        fetched = kp.parse_fetch_v4(answered(conn, kp.FETCH, 4, 72, kp.fetch_v4_body(topic, 0, 0)))
        assert fetched[(topic, 0)][0] == TOPIC_AUTHORIZATION_FAILED
        error, _, _ = kp.parse_init_producer_id_v0(
            answered(conn, kp.INIT_PRODUCER_ID, 0, 73, kp.init_producer_id_v0_body()))
        assert error == CLUSTER_AUTHORIZATION_FAILED
    assert topic in listed_topics(config_of(acl_broker, ADMIN)), "the super user sees every topic"


def read_without_group(bootstrap, topic, count, timeout=20) -> list[bytes]:
    """kafka-python reads partition 0 from the beginning with no group (so no group ACL applies)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest")
    try:
        consumer.assign([KpTopicPartition(topic, 0)])
        return poll_values(consumer, count, timeout)
    finally:
        consumer.close()


def test_a_read_acl_for_every_user_opens_a_topic_to_anonymous_readers(acl_broker, grant):
    topic = admin_topic(acl_broker, "everyone-reads")
    values = [f"open-{i}".encode() for i in range(5)]
    assert produce_acked(acl_broker.sasl_bootstrap, topic, values, **settings_of(ADMIN)) == list(range(5))
    grant(acl(ResourceType.TOPIC, topic, EVERYONE, AclOperation.READ))

    # Read implies Describe: the topic is listed, and read by a consumer without a group.
    assert listed_topics({"bootstrap.servers": acl_broker.bootstrap}) == {topic}
    # (Not with kafkahelpers.read_partition: librdkafka looks up the coordinator of its group.id
    # even for assigned partitions, and reports the refusal of that group.)
    assert read_without_group(acl_broker.bootstrap, topic, len(values)) == values
    with anonymous(acl_broker) as conn:
        assert raw_produce(conn, topic) == TOPIC_AUTHORIZATION_FAILED, "Read does not imply Write"


def test_a_deny_wins_over_every_allow(acl_broker, grant):
    topic = admin_topic(acl_broker, "deny-wins")
    grant(acl(ResourceType.TOPIC, topic, EVERYONE, AclOperation.WRITE),
          acl(ResourceType.TOPIC, topic, principal(BOB), AclOperation.ALL),
          acl(ResourceType.TOPIC, topic, principal(BOB), AclOperation.WRITE, AclPermissionType.DENY,
              host="127.0.0.1"))
    assert produce_acked(acl_broker.sasl_bootstrap, topic, [b"from alice"], **settings_of(ALICE)) == [0]
    assert delivery_error(acl_broker.sasl_bootstrap, topic, **settings_of(BOB)) \
        == KafkaError.TOPIC_AUTHORIZATION_FAILED
    # Only Write is denied: bob still describes the topic through his ALLOW of All.
    assert topic in listed_topics(config_of(acl_broker, BOB))


def test_prefixed_acls_cover_the_names_they_start(acl_broker, grant):
    team = unique("team")
    grant(acl(ResourceType.TOPIC, f"{team}.", principal(ALICE), AclOperation.WRITE,
              pattern=ResourcePatternType.PREFIXED),
          acl(ResourceType.TOPIC, f"{team}.", principal(ALICE), AclOperation.CREATE,
              pattern=ResourcePatternType.PREFIXED),
          acl(ResourceType.TOPIC, f"{team}.secret", principal(ALICE), AclOperation.ALL, AclPermissionType.DENY,
              pattern=ResourcePatternType.PREFIXED))
    alice = config_of(acl_broker, ALICE)
    # Create on the prefix lets alice create topics under it, and nowhere else.
    orders = create_sasl_topic(alice, prefix=f"{team}.orders")
    admin = AdminClient(alice)
    refused = admin.create_topics([NewTopic(f"{team}-other", 1, 1)], request_timeout=15)
    assert error_code(refused[f"{team}-other"]) == KafkaError.TOPIC_AUTHORIZATION_FAILED
    secret = admin_topic(acl_broker, f"{team}.secret")
    outside = admin_topic(acl_broker, f"{team}-outside")

    assert produce_acked(acl_broker.sasl_bootstrap, orders, [b"one", b"two"], **settings_of(ALICE)) == [0, 1]
    assert delivery_error(acl_broker.sasl_bootstrap, secret, **settings_of(ALICE)) \
        == KafkaError.TOPIC_AUTHORIZATION_FAILED
    assert delivery_error(acl_broker.sasl_bootstrap, outside, **settings_of(ALICE)) \
        == KafkaError.TOPIC_AUTHORIZATION_FAILED
    assert {name for name in listed_topics(alice) if name.startswith(team)} == {orders}


def test_metadata_auto_creates_a_topic_only_with_create(acl_broker, grant):
    # The module's broker auto-creates topics; Metadata v1 always asks it to. A missing name the
    # principal may describe but not create is TOPIC_AUTHORIZATION_FAILED too, as in Kafka
    # (KafkaApis.handleTopicMetadataRequest), and is not created.
    prefix = unique("auto")
    hidden, known, made, by_cluster = (f"{prefix}.{name}" for name in ("hidden", "known", "made", "by-cluster"))
    grant(acl(ResourceType.TOPIC, known, ANONYMOUS, AclOperation.DESCRIBE),
          acl(ResourceType.TOPIC, by_cluster, ANONYMOUS, AclOperation.DESCRIBE),
          acl(ResourceType.TOPIC, made, ANONYMOUS, AclOperation.DESCRIBE),
          acl(ResourceType.TOPIC, made, ANONYMOUS, AclOperation.CREATE))
    with anonymous(acl_broker) as conn:
        assert raw_metadata(conn, [hidden, known, made, by_cluster]) == {
            hidden: TOPIC_AUTHORIZATION_FAILED, known: TOPIC_AUTHORIZATION_FAILED, made: 0,
            by_cluster: TOPIC_AUTHORIZATION_FAILED}
        grant(acl(ResourceType.BROKER, CLUSTER, ANONYMOUS, AclOperation.CREATE))
        assert raw_metadata(conn, [by_cluster], correlation=74) == {by_cluster: 0}
    assert {name for name in listed_topics(config_of(acl_broker, ADMIN)) if name.startswith(prefix)} \
        == {made, by_cluster}


def test_offset_commit_needs_read_on_the_group_then_on_the_topic(acl_broker, grant):
    topic, group = admin_topic(acl_broker, "commit"), unique("commit-group")
    with logged_in(acl_broker, BOB) as conn:
        assert raw_offset_commit(conn, group, topic) == GROUP_AUTHORIZATION_FAILED
        grant(acl(ResourceType.GROUP, group, principal(BOB), AclOperation.READ))
        assert raw_offset_commit(conn, group, topic, correlation=75) == TOPIC_AUTHORIZATION_FAILED
        grant(acl(ResourceType.TOPIC, topic, principal(BOB), AclOperation.READ))
        assert raw_offset_commit(conn, group, topic, correlation=76) == 0


def test_group_apis_need_the_group(acl_broker, grant):
    topic, group = admin_topic(acl_broker, "groups"), unique("acl-group")
    with logged_in(acl_broker, ADMIN) as conn:
        assert raw_offset_commit(conn, group, topic) == 0, "ADMIN's group, known by its offset"
        assert group in listed_groups(conn), "the super user lists every group"
    with logged_in(acl_broker, BOB) as conn:
        refused = dict.fromkeys(GROUP_APIS, GROUP_AUTHORIZATION_FAILED)
        assert raw_group_errors(conn, group, topic) == refused
        assert group not in listed_groups(conn)
        # Describe lists and describes the group; it does not let bob join, leave or delete it.
        grant(acl(ResourceType.GROUP, group, principal(BOB), AclOperation.DESCRIBE))
        assert group in listed_groups(conn, correlation=111)
        assert raw_group_errors(conn, group, topic, correlation=200) == {**refused, "DescribeGroups": 0}


def test_transaction_apis_need_write_on_the_transactional_id(acl_broker, grant):
    topic, group, txn = admin_topic(acl_broker, "txn-acl"), unique("txn-acl-group"), unique("txn-acl-id")
    with logged_in(acl_broker, BOB) as conn:
        assert raw_transaction_errors(conn, txn, group, topic) \
            == dict.fromkeys(TRANSACTION_APIS, TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
        # With the transactional id, the topic and the group are checked in turn.
        grant(acl(ResourceType.TRANSACTIONAL_ID, txn, principal(BOB), AclOperation.WRITE))
        assert add_partitions_to_txn(conn, txn, topic, correlation=140) == TOPIC_AUTHORIZATION_FAILED
        assert add_offsets_to_txn(conn, txn, group, correlation=141) == GROUP_AUTHORIZATION_FAILED
        assert txn_offset_commit(conn, txn, group, topic, correlation=142) == GROUP_AUTHORIZATION_FAILED
        grant(acl(ResourceType.GROUP, group, principal(BOB), AclOperation.READ))
        assert txn_offset_commit(conn, txn, group, topic, correlation=143) == TOPIC_AUTHORIZATION_FAILED


def test_aiokafka_consumer_reads_a_topic_alice_may_read(acl_broker, grant):
    topic, group = admin_topic(acl_broker, "aio-acl"), unique("aio-acl-group")
    values = [f"aio-{i}".encode() for i in range(6)]
    produce_acked(acl_broker.sasl_bootstrap, topic, values, **settings_of(ADMIN))
    grant(acl(ResourceType.TOPIC, topic, principal(ALICE), AclOperation.READ),
          acl(ResourceType.GROUP, group, principal(ALICE), AclOperation.READ))
    read, committed = asyncio.run(asyncio.wait_for(
        aiokafka_group_read(acl_broker.sasl_bootstrap, topic, group,
                            aiokafka_settings(MECHANISM, ALICE, PASSWORDS[ALICE]), len(values)), 60))
    assert read == values
    assert committed == len(values)


def kcat_as(broker, name, *args, stdin=None):
    """kcat on the SASL listener logged in as `name`."""
    command = ["kcat", "-b", broker.sasl_bootstrap, "-m", "10"]
    for key, value in settings_of(name).items():
        command += ["-X", f"{key}={value}"]
    return subprocess.run([*command, *args], input=stdin, capture_output=True, text=True, timeout=60)


def test_kcat_as_bob_is_refused_a_topic_only_alice_may_read(kcat_installed, acl_broker, grant):
    topic = admin_topic(acl_broker, "kcat-acl")
    grant(acl(ResourceType.TOPIC, topic, principal(ALICE), AclOperation.READ))
    for name, listed in ((ALICE, True), (BOB, False)):
        result = kcat_as(acl_broker, name, "-L", "-J")
        assert result.returncode == 0, f"kcat -L as {name} exited {result.returncode}:\n{result.stderr[-3000:]}"
        names = {entry["topic"] for entry in json.loads(result.stdout)["topics"]}
        assert (topic in names) == listed, f"kcat -L as {name} lists {sorted(names)}"
    produced = kcat_as(acl_broker, BOB, "-P", "-t", topic, "-p", "0", stdin="refused\n")
    assert "Topic authorization failed" in produced.stderr, produced.stderr[-3000:]


# ---------------------------------------------------------------- the broker's log


def test_a_repeated_refusal_is_logged_once(acl_broker, grant):
    topic = admin_topic(acl_broker, "logged")
    grant(acl(ResourceType.TOPIC, topic, principal(ALICE), AclOperation.WRITE))
    # Once per principal, host, operation and resource: not once per connection either.
    for _ in range(2):
        with logged_in(acl_broker, BOB) as conn:
            for attempt in range(3):
                assert raw_produce(conn, topic, correlation=80 + attempt) == TOPIC_AUTHORIZATION_FAILED
                assert raw_metadata(conn, [topic], correlation=90 + attempt) == {topic: TOPIC_AUTHORIZATION_FAILED}
    write = f"refused User:{BOB} from 127.0.0.1: Write on Topic '{topic}' (Produce request; logged once)"
    describe = f"refused User:{BOB} from 127.0.0.1: Describe on Topic '{topic}' (Metadata request; logged once)"
    log_file = acl_broker.log_dir / "broker.log"

    def logged():
        text = log_file.read_text()
        return text if write in text and describe in text else None

    log = wait_for(logged, 10, f"both refusals of {topic} in {log_file}")
    assert log.count(f"Write on Topic '{topic}'") == 1, log[-3000:]
    assert log.count(f"Describe on Topic '{topic}'") == 1, log[-3000:]


# ---------------------------------------------------------------- the Java client


def test_java_client_acls(java_client, acl_broker):
    prefix = unique("java-acl")
    out = run_check(java_client, "AclCheck", acl_broker.sasl_bootstrap, prefix, ADMIN, PASSWORDS[ADMIN], ALICE,
                    PASSWORDS[ALICE])
    for line in ("createAcls: 6 bindings", "describeAcls MATCH", "produced to", "read 3 records",
                 "other group: GroupAuthorizationException", "transaction committed",
                 "unknown transactional id: TransactionalIdAuthorizationException",
                 "deleteAcls: removed"):
        assert f"OK {line}" in out, f"missing 'OK {line}' in:\n{out}"
    assert f"refused User:{ALICE} from 127.0.0.1: Describe on Topic '{prefix}-forbidden'" \
        in (acl_broker.log_dir / "broker.log").read_text()


# ---------------------------------------------------------------- restarts and other settings


def test_acls_and_users_survive_a_restart(acl_broker, grant):
    topic = admin_topic(acl_broker, "durable")
    binding = acl(ResourceType.TOPIC, topic, principal(ALICE), AclOperation.READ)
    grant(binding)
    assert acl_broker.stop() == 0, acl_broker.output()[-3000:]
    acl_broker.start()
    admin = AdminClient(config_of(acl_broker, ADMIN))
    assert admin.describe_acls(filter_of(binding), request_timeout=15).result(timeout=20) == [binding]
    assert topic in listed_topics(config_of(acl_broker, ALICE))
    assert topic not in listed_topics(config_of(acl_broker, BOB))


def test_allow_everyone_if_no_acl_found_opens_what_no_acl_names(aseed_factory):
    broker = aseed_factory(authorizer="acls", allow_everyone_if_no_acl_found="true").start()
    plaintext = {"bootstrap.servers": broker.bootstrap}
    admin = AdminClient(plaintext)
    open_topic, named = unique("open"), unique("named")
    # No ACL names the cluster or these topics: User:ANONYMOUS may create both and ACLs too.
    create_topic(broker.bootstrap, open_topic, 1)
    create_topic(broker.bootstrap, named, 1)
    reader = acl(ResourceType.TOPIC, named, principal(ALICE), AclOperation.READ)
    assert admin.create_acls([reader], request_timeout=15)[reader].result(timeout=20) is None

    assert produce_acked(broker.bootstrap, open_topic, [b"open"]) == [0]
    assert listed_topics(plaintext) >= {open_topic} and named not in listed_topics(plaintext)
    with anonymous(broker) as conn:
        assert raw_produce(conn, named) == TOPIC_AUTHORIZATION_FAILED

    # Once an ACL names the cluster, only what it allows is allowed there.
    alterer = acl(ResourceType.BROKER, CLUSTER, principal(ALICE), AclOperation.ALTER)
    assert admin.create_acls([alterer], request_timeout=15)[alterer].result(timeout=20) is None
    again = acl(ResourceType.TOPIC, open_topic, principal(ALICE), AclOperation.READ)
    assert error_code(admin.create_acls([again], request_timeout=15)[again]) == KafkaError.CLUSTER_AUTHORIZATION_FAILED
    assert broker.stop() == 0, broker.output()[-3000:]


def test_without_an_authorizer_there_are_no_acls_and_none_can_be_made(broker):
    topic = unique("no-authorizer")
    everything = acl_fields(KpResourceType.ANY, None, ACLResourcePatternType.ANY, None, None, ACLOperation.ANY,
                            ACLPermissionType.ANY)
    creation = (KpResourceType.TOPIC, topic, ACLResourcePatternType.LITERAL, principal(ALICE), "*", ACLOperation.READ,
                ACLPermissionType.ALLOW)
    with kp.Connection(broker.host, broker.port, 10) as conn:
        assert describe_acls_v1(conn, everything) == (0, None, set())
        results = create_acls_v1(conn, [acl_fields(*creation), acl_fields(*creation[:-1], ACLPermissionType.DENY)])
        assert [error for error, _ in results] == [SECURITY_DISABLED] * 2
        assert all(message for _, message in results), results
        assert delete_acls_v1(conn, [everything]) == [(0, None, [])]
        assert describe_acls_v1(conn, everything, correlation=64) == (0, None, set())
