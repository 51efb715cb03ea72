"""The appliance's own Kafka client logging in with SASL and speaking TLS: `--security-protocol`,
`--sasl-mechanism`, `--sasl-username`, `--sasl-password` (or ASEED_SASL_PASSWORD) and
`--ssl-ca-location` on the operator commands and on `aseed simulate`, `analyze`, `dashboard` and
`run`.

`aseed run --authorizer acls` with a PLAINTEXT and a SASL_PLAINTEXT listener: its simulator,
analyzer and dashboard log in on the SASL listener as the super user User:aseed-appliance, so
orders are counted and the broker console lists them and shows their messages, while anonymous
clients on the PLAINTEXT listener see no topic and may not produce; the teacher, a super user made
before the authorizer was on, reads the orders with confluent-kafka, lists them with `aseed topics`
and adds a user with `aseed users` over SASL_PLAINTEXT. With only a SASL_SSL listener the
components log in there; with no SASL listener `aseed run --authorizer acls` refuses to start.

Against a broker with SASL_PLAINTEXT, SSL and SASL_SSL listeners (test_tls.TlsBroker): operator
commands over SASL_SSL with PLAIN and SCRAM-SHA-512, the protocol and password from the
environment; a wrong password ends every operator command (`aseed status` too) and `aseed
simulate` and `analyze --exit-at-end` within seconds, non-zero and saying "refused"; a broker
certificate not trusted ends them with "TLS handshake"; a SASL protocol without user or password
is refused before connecting, naming the options. `aseed simulate` over SASL_SSL writes orders
confluent-kafka reads back, `aseed analyze` over SASL_PLAINTEXT (SCRAM-SHA-256, the default)
counts them, and `aseed run --bootstrap-servers` runs against the SASL_SSL listener."""
import json
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

from conftest import ASEED_BIN, broker_args, free_port, unique
from kafkahelpers import create_topic
from test_acls import delivery_error, listed_topics
from test_analyze import Analyzer
from test_operator import aseed, table
from test_poison import Appliance
from test_sasl import SaslBroker, add_user, sasl_config
from test_simulate import check_orders, simulate
from test_tls import CLIENT, PASSWORD, rdkafka_config
from test_tls import tls_broker  # noqa: F401  (a fixture: imported so that the tests here can use it)

pytestmark = pytest.mark.needs_aseed

# The super user of the ACL appliance, made while it had no authorizer.
TEACHER = "teacher"
TEACHER_PASSWORD = unique("chalk")
APPLIANCE_PRINCIPAL = "User:aseed-appliance"
SASL_LISTENER_NEEDED = "aseed run with --authorizer needs a SASL listener (SASL_PLAINTEXT or SASL_SSL)"
# A refused login is answered after about a second (the broker slows down guessing); the command
# must end right after it, without the retries it makes for an unreachable broker.
REFUSAL_SECONDS = 5
# What a SASL protocol without user or password is refused with.
MISSING_CREDENTIALS = ("--sasl-username", "--sasl-password")


@pytest.fixture(scope="module")
def acl_appliance(tmp_path_factory):
    """`aseed run --authorizer acls` on PLAINTEXT and SASL_PLAINTEXT listeners with the teacher as
    super user. The teacher is made first by a broker without authorizer on the same data, as in
    test_acls: with ACLs on, `aseed users` must log in as a super user, and there is none yet."""
    base = tmp_path_factory.mktemp("acl-appliance")
    broker = SaslBroker(base, broker_args()).start()
    try:
        add_user(broker, TEACHER, TEACHER_PASSWORD)
        assert broker.stop() == 0, broker.output()[-3000:]
    except BaseException:
        broker.kill()
        raise
    instance = Appliance(base, "--authorizer", "acls", "--super-users", f"User:{TEACHER}",
                         listeners=["PLAINTEXT", "SASL_PLAINTEXT"])
    yield instance
    running = instance.process.poll() is None
    status = instance.stop()
    assert running, f"the ACL appliance died during the module\n{instance.output()}"
    assert status == 0, f"the ACL appliance exited with {status} on SIGTERM\n{instance.output()}"


def login(protocol, user=None, password=None, mechanism=None, ca_file=None) -> list[str]:
    """The options of the appliance's client for `protocol`, with those given."""
    options = ["--security-protocol", protocol]
    for flag, value in (("--sasl-mechanism", mechanism), ("--sasl-username", user), ("--sasl-password", password),
                        ("--ssl-ca-location", ca_file)):
        if value is not None:
            options += [flag, str(value)]
    return options


def teacher_login() -> list[str]:
    """The teacher over SASL_PLAINTEXT with the default mechanism (SCRAM-SHA-256)."""
    return login("SASL_PLAINTEXT", TEACHER, TEACHER_PASSWORD)


def client_over_sasl_ssl(broker, mechanism="SCRAM-SHA-512", password=PASSWORD) -> list[str]:
    """test_tls.CLIENT over the SASL_SSL listener, trusting the broker's generated certificate."""
    return ["--bootstrap-servers", broker.sasl_ssl_bootstrap,
            *login("SASL_SSL", CLIENT, password, mechanism, broker.certificate)]


def listed_by_aseed(*args) -> dict[str, dict]:
    """`aseed topics list ARGS` -> {topic: its row}."""
    return {row["TOPIC"]: row for row in table(aseed("topics", "list", *args).stdout)}


def console_topics(appliance) -> dict[str, dict]:
    """The topics of the dashboard's broker console by name, once it answers."""
    topics = appliance.wait_for(lambda: appliance.json("/api/broker/topics")["topics"], message="the console")
    return {topic["name"]: topic for topic in topics}


def assert_the_console_shows_orders(appliance, topic: str) -> None:
    """The console's message viewer shows the 5 newest records of `topic`: orders keyed by their id."""
    messages = appliance.json(f"/api/broker/messages?topic={topic}&limit=5")["messages"]
    assert len(messages) == 5, messages
    assert all(json.loads(m["value"])["order_id"] == m["key"] for m in messages), messages


def read_orders(config: dict, topic: str, count: int, timeout: float = 30) -> list[tuple[int, str, dict]]:
    """`count` records of `topic` from the start of its partitions, read by confluent-kafka with
    `config`, as test_simulate.check_orders takes them: (partition, key, order)."""
    consumer = Consumer({**config, "group.id": unique("orders-reader"), "enable.auto.commit": False})
    try:
        partitions = consumer.list_topics(topic, timeout=15).topics[topic].partitions
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
        records = []
        deadline = time.monotonic() + timeout
        while len(records) < count and time.monotonic() < deadline:
            for message in consumer.consume(count - len(records), 0.5):
                if message.error():
                    raise KafkaException(message.error())
                records.append((message.partition(), message.key().decode(), json.loads(message.value())))
        return records
    finally:
        consumer.close()


def run_side_by_side(commands: dict[str, list[str]], timeout: float = 10) -> dict[str, tuple]:
    """Runs the aseed commands at the same time (a refused login costs each a second; they need
    not wait for each other) -> {name: (exit status, stderr, seconds)}; the status is None for a
    command still running after `timeout` s, which is then killed. Each gets a line on stdin, and
    no ASEED_* variable (ASEED_SASL_PASSWORD...): the command line alone decides."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("ASEED_")}

    def run(args):
        begin = time.monotonic()
        try:
            result = subprocess.run([ASEED_BIN, *args], input="a record\n", capture_output=True, text=True,
                                    timeout=timeout, env=env)
        except subprocess.TimeoutExpired as expired:
            stderr = expired.stderr.decode(errors="replace") if isinstance(expired.stderr, bytes) else expired.stderr
            return None, stderr or "", time.monotonic() - begin
        return result.returncode, result.stderr, time.monotonic() - begin

    with ThreadPoolExecutor(len(commands)) as pool:
        futures = {name: pool.submit(run, args) for name, args in commands.items()}
        return {name: future.result() for name, future in futures.items()}


def assert_each_ended(results: dict[str, tuple], says: dict[str, tuple[str, ...]]) -> None:
    """Each command of run_side_by_side exited non-zero within REFUSAL_SECONDS, its stderr
    holding every text `says` lists for it."""
    outcome = {name: (status not in (0, None), all(text in stderr for text in says[name]), seconds < REFUSAL_SECONDS)
               for name, (status, stderr, seconds) in results.items()}
    assert outcome == dict.fromkeys(results, (True, True, True)), \
        f"(failed, said what it should, within {REFUSAL_SECONDS} s) per command: {outcome}\n" + "\n".join(
            f"{name}: exit {status} after {seconds:.1f} s, wanted {says[name]}: {stderr.strip()[-500:]}"
            for name, (status, stderr, seconds) in results.items())


def operator_commands(topic: str) -> dict[str, list[str]]:
    """The operator commands that talk to Kafka, without their connection options; `aseed status`
    apart (status_command), as it reports the parts of the appliance that answer."""
    return {
        "topics": ["topics", "list"],
        "users": ["users", "list"],
        "groups": ["groups", "list"],
        "transactions": ["transactions"],
        "produce": ["produce", "--topic", topic],
        "consume": ["consume", "--topic", topic, "--from-beginning", "--max-messages", "1"],
    }


def status_command(tmp_path) -> list[str]:
    """`aseed status` with a dashboard address where nothing answers: only its Kafka part can."""
    return ["status", "--data-dir", str(tmp_path / "status-data"), "--dashboard", f"127.0.0.1:{free_port()}"]


def component_commands(tmp_path, topic: str) -> dict[str, list[str]]:
    """The components' own commands, each with its directories under tmp_path."""
    def dirs(name):
        return ["--data-dir", str(tmp_path / f"{name}-data"), "--log-dir", str(tmp_path / f"{name}-logs")]

    return {
        "simulate": ["simulate", "--topic", topic, "--count", "3", "--flood", "--log-dir", str(tmp_path / "sim-logs")],
        "analyze": ["analyze", "--topic", topic, "--exit-at-end", *dirs("analyze")],
        "dashboard": ["dashboard", "--dashboard-listen", f"127.0.0.1:{free_port()}", *dirs("dashboard")],
        "run": ["run", "--dashboard-listen", f"127.0.0.1:{free_port()}", *dirs("run")],
    }


# ---------------------------------------------------------------- aseed run with ACLs


def test_the_components_log_in_on_the_sasl_listener_and_count_orders(acl_appliance):
    acl_appliance.wait_for(lambda: acl_appliance.pipeline()["orders_counted"] > 0, message="orders counted")
    services = acl_appliance.json("/api/service-status")["services"]
    for name in ("simulator", "analyzer", "dashboard"):
        service = services[name]
        assert (service["status"], service["last_error"]) == ("running", None), f"{name}: {service}"
    log = (acl_appliance.log_dir / "broker.log").read_text()
    assert f"super users: User:{TEACHER}, {APPLIANCE_PRINCIPAL}" in log, log[-3000:]
    assert f"127.0.0.1 logged in as {APPLIANCE_PRINCIPAL} on SASL_PLAINTEXT" in log, log[-3000:]
    assert f"refused {APPLIANCE_PRINCIPAL}" not in log, log[-3000:]
    # The appliance's credential is in the metadata store like any user's.
    users = table(aseed("users", "list", "--bootstrap-servers", acl_appliance.sasl_bootstrap, *teacher_login()).stdout)
    assert sorted((row["USER"], row["MECHANISM"]) for row in users if row["USER"] == "aseed-appliance") \
        == [("aseed-appliance", "SCRAM-SHA-256"), ("aseed-appliance", "SCRAM-SHA-512")]


def test_the_dashboard_console_lists_the_orders_and_the_analyzer_group(acl_appliance):
    counted = acl_appliance.wait_for(lambda: acl_appliance.pipeline()["orders_counted"], message="orders counted")
    topics = console_topics(acl_appliance)
    assert list(topics) == ["orders"]
    orders = topics["orders"]
    assert [p["partition"] for p in orders["partitions"]] == [0, 1, 2]
    assert sum(p["latest_offset"] for p in orders["partitions"]) >= counted
    groups = acl_appliance.json("/api/broker/groups")["groups"]
    assert "aseed-analyzer" in [group["group_id"] for group in groups]
    assert_the_console_shows_orders(acl_appliance, "orders")


def test_anonymous_clients_on_the_plaintext_listener_see_no_topic_and_cannot_produce(acl_appliance):
    acl_appliance.wait_for(lambda: acl_appliance.pipeline()["orders_counted"] > 0, message="orders counted")
    assert listed_topics({"bootstrap.servers": acl_appliance.bootstrap}) == set()
    assert delivery_error(acl_appliance.bootstrap, "orders") == KafkaError.TOPIC_AUTHORIZATION_FAILED
    # The operator command is not refused: like Kafka's Metadata, it is simply shown nothing.
    assert listed_by_aseed("--bootstrap-servers", acl_appliance.bootstrap) == {}


def test_the_teacher_reads_and_lists_the_orders_over_sasl_plaintext(acl_appliance):
    acl_appliance.wait_for(lambda: acl_appliance.pipeline()["orders_counted"] >= 20, message="20 orders counted")
    config = sasl_config(acl_appliance, "SCRAM-SHA-256", TEACHER, TEACHER_PASSWORD)
    assert listed_topics(config) == {"orders"}
    check_orders(read_orders(config, "orders", 20), 20, 3)
    listed = listed_by_aseed("--bootstrap-servers", acl_appliance.sasl_bootstrap, *teacher_login())
    assert list(listed) == ["orders"]
    assert listed["orders"]["PARTITIONS"] == "3" and int(listed["orders"]["RECORDS"]) >= 20


def test_the_teacher_adds_a_user_who_logs_in_and_sees_nothing(acl_appliance):
    name, password = unique("student"), unique("pw")
    servers = ["--bootstrap-servers", acl_appliance.sasl_bootstrap]
    added = aseed("users", "add", name, "--password", password, "--mechanism", "SCRAM-SHA-512", *servers,
                  *teacher_login())
    assert added.stdout == f"User '{name}' may now log in with SCRAM-SHA-512 or PLAIN.\n"
    # Logged in (a refused login would fail the command), but no ACL opens anything to the student.
    assert listed_by_aseed(*servers, *login("SASL_PLAINTEXT", name, password, "SCRAM-SHA-512")) == {}
    assert listed_topics(sasl_config(acl_appliance, "SCRAM-SHA-512", name, password)) == set()


def test_with_only_a_sasl_ssl_listener_the_components_log_in_there(tmp_path):
    appliance = Appliance(tmp_path, "--authorizer", "acls", "--super-users", f"User:{TEACHER}",
                          listeners=["PLAINTEXT", "SASL_SSL"])
    try:
        appliance.wait_for(lambda: appliance.pipeline()["orders_counted"] > 0, message="orders counted")
        assert list(console_topics(appliance)) == ["orders"]
        log = (appliance.log_dir / "broker.log").read_text()
        assert f"127.0.0.1 logged in as {APPLIANCE_PRINCIPAL} on SASL_SSL" in log, log[-3000:]
        assert listed_topics({"bootstrap.servers": appliance.bootstrap}) == set()
    finally:
        status = appliance.stop()
    assert status == 0, f"aseed run exited with {status} on SIGTERM\n{appliance.output()}"


@pytest.mark.parametrize("protocols", [["PLAINTEXT"], ["PLAINTEXT", "SSL"]], ids=["plaintext", "plaintext-and-ssl"])
def test_run_with_acls_and_no_sasl_listener_refuses_to_start(tmp_path, protocols):
    listeners = ",".join(f"{protocol}://127.0.0.1:{free_port()}" for protocol in protocols)
    begin = time.monotonic()
    result = subprocess.run(
        [ASEED_BIN, "run", "--data-dir", str(tmp_path / "data"), "--log-dir", str(tmp_path / "logs"),
         "--listeners", listeners, "--advertised-listeners", listeners,
         "--dashboard-listen", f"127.0.0.1:{free_port()}", "--authorizer", "acls", "--super-users", f"User:{TEACHER}"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    seconds = time.monotonic() - begin
    assert result.returncode != 0, f"aseed run started without a SASL listener:\n{result.stderr[-3000:]}"
    assert SASL_LISTENER_NEEDED in result.stderr, result.stderr[-3000:]
    assert seconds < REFUSAL_SECONDS, f"refused after {seconds:.1f} s"


# ---------------------------------------------------------------- operator commands over TLS


def test_topics_are_listed_over_sasl_ssl_with_scram_sha_512(tls_broker):
    topic = unique("secured")
    create_topic(tls_broker.bootstrap, topic, 2)
    listed = listed_by_aseed(*client_over_sasl_ssl(tls_broker))
    assert listed[topic] == {"TOPIC": topic, "PARTITIONS": "2", "RECORDS": "0"}


def test_the_protocol_and_the_password_may_come_from_the_environment(tls_broker):
    topic = unique("from-env")
    create_topic(tls_broker.bootstrap, topic, 1)
    env = {**os.environ, "ASEED_SECURITY_PROTOCOL": "SASL_SSL", "ASEED_SASL_PASSWORD": PASSWORD}
    result = subprocess.run(
        [ASEED_BIN, "topics", "list", "--bootstrap-servers", tls_broker.sasl_ssl_bootstrap, "--sasl-mechanism",
         "SCRAM-SHA-512", "--sasl-username", CLIENT, "--ssl-ca-location", str(tls_broker.certificate)],
        capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode == 0, f"aseed topics list exited {result.returncode}:\n{result.stderr}"
    assert topic in {row["TOPIC"] for row in table(result.stdout)}


def test_records_round_trip_through_aseed_produce_and_consume_over_sasl_ssl_with_plain(tls_broker):
    topic = unique("notes")
    options = client_over_sasl_ssl(tls_broker, mechanism="PLAIN")
    aseed("topics", "create", topic, "--partitions", "1", *options)
    sent = aseed("produce", "--topic", topic, "--key-separator", "::", *options, input="a::first\nb::second\nplain\n")
    assert "sent 3 records" in sent.stderr
    got = aseed("consume", "--topic", topic, "--from-beginning", "--print-key", "--max-messages", "3", *options).stdout
    assert got.splitlines() == ["a\tfirst", "b\tsecond", "\tplain"]
    assert listed_by_aseed(*options)[topic]["RECORDS"] == "3"


def test_a_wrong_password_ends_every_operator_command_at_once(tls_broker):
    topic = unique("refused")
    create_topic(tls_broker.bootstrap, topic, 1)
    options = client_over_sasl_ssl(tls_broker, password="wrong-" + PASSWORD)
    results = run_side_by_side({name: [*args, *options] for name, args in operator_commands(topic).items()})
    assert_each_ended(results, dict.fromkeys(results, ("refused",)))
    assert tls_broker.running()


@pytest.mark.parametrize("protocol", ["SSL", "SASL_SSL"])
def test_a_certificate_not_trusted_ends_every_operator_command_with_a_tls_handshake_error(tls_broker, protocol):
    # No --ssl-ca-location: the system's CAs, which never signed the broker's own certificate.
    credentials = login(protocol, CLIENT, PASSWORD, "SCRAM-SHA-512") if protocol == "SASL_SSL" else login(protocol)
    options = ["--bootstrap-servers", tls_broker.bootstrap_for(protocol), *credentials]
    commands = operator_commands(unique("untrusted"))
    results = run_side_by_side({name: [*args, *options] for name, args in commands.items()})
    assert_each_ended(results, dict.fromkeys(results, ("TLS handshake",)))


@pytest.mark.parametrize("given", [[], ["--sasl-username", CLIENT]], ids=["no-credentials", "no-password"])
def test_a_sasl_protocol_without_credentials_is_refused_before_connecting(tmp_path, given):
    # Nothing listens at the address: a command that tried to connect would report that instead.
    options = ["--bootstrap-servers", f"127.0.0.1:{free_port()}", "--security-protocol", "SASL_SSL", *given]
    commands = {**operator_commands("orders"), **component_commands(tmp_path, "orders")}
    results = run_side_by_side({name: [*args, *options] for name, args in commands.items()})
    assert_each_ended(results, dict.fromkeys(results, MISSING_CREDENTIALS))


def test_status_over_sasl_ssl_reports_the_broker_and_says_why_it_cannot(tls_broker, tmp_path):
    shown = aseed(*status_command(tmp_path), *client_over_sasl_ssl(tls_broker)).stdout
    assert f"Kafka      {tls_broker.sasl_ssl_bootstrap}  up" in shown, shown
    # Without an answering dashboard, the Kafka part's failure is the command's: said as it is,
    # not as "no appliance answers".
    untrusted = ["--bootstrap-servers", tls_broker.sasl_ssl_bootstrap,
                 *login("SASL_SSL", CLIENT, PASSWORD, "SCRAM-SHA-512")]
    results = run_side_by_side({
        "wrong password": [*status_command(tmp_path), *client_over_sasl_ssl(tls_broker, password="wrong-" + PASSWORD)],
        "untrusted certificate": [*status_command(tmp_path), *untrusted],
        "no password": [*status_command(tmp_path), "--bootstrap-servers", tls_broker.sasl_ssl_bootstrap,
                        *login("SASL_SSL", CLIENT, mechanism="SCRAM-SHA-512", ca_file=tls_broker.certificate)],
    })
    assert_each_ended(results, {"wrong password": ("refused",), "untrusted certificate": ("TLS handshake",),
                                "no password": MISSING_CREDENTIALS})


def test_a_wrong_password_ends_simulate_and_analyze_at_once(tls_broker, tmp_path):
    topic = unique("refused-orders")
    create_topic(tls_broker.bootstrap, topic, 3)
    options = client_over_sasl_ssl(tls_broker, password="wrong-" + PASSWORD)
    commands = component_commands(tmp_path, topic)
    results = run_side_by_side({name: [*commands[name], *options] for name in ("simulate", "analyze")})
    assert_each_ended(results, dict.fromkeys(results, ("refused",)))


# ---------------------------------------------------------------- the components over TLS


def test_simulate_over_sasl_ssl_and_analyze_over_sasl_plaintext(tls_broker, tmp_path):
    topic = unique("secured-orders")
    create_topic(tls_broker.bootstrap, topic, 3)
    result = simulate(tls_broker.sasl_ssl_bootstrap, topic, 30,
                      *login("SASL_SSL", CLIENT, PASSWORD, "SCRAM-SHA-512", tls_broker.certificate),
                      "--log-dir", str(tmp_path / "simulator-logs"))
    assert result.returncode == 0, f"aseed simulate exited {result.returncode}:\n{result.stderr[-3000:]}"
    records = read_orders(rdkafka_config(tls_broker, "SASL_SSL", "SCRAM-SHA-512"), topic, 30)
    check_orders(records, 30, 3)

    # The default mechanism, SCRAM-SHA-256, on the SASL_PLAINTEXT listener.
    snapshot = Analyzer(tmp_path, tls_broker.sasl_bootstrap).run_to_end(
        "--topic", topic, *login("SASL_PLAINTEXT", CLIENT, PASSWORD))
    pipeline = snapshot["pipeline"]
    assert (pipeline["records_in"], pipeline["orders_counted"], pipeline["duplicates"], pipeline["malformed_total"]) \
        == (30, 30, 0, 0), pipeline


def test_run_against_an_external_cluster_over_sasl_ssl(tls_broker, tmp_path):
    topic = unique("run-orders")
    create_topic(tls_broker.bootstrap, topic, 3)
    appliance = Appliance(tmp_path, "--bootstrap-servers", tls_broker.sasl_ssl_bootstrap, "--topic", topic,
                          *login("SASL_SSL", CLIENT, PASSWORD, "SCRAM-SHA-512", tls_broker.certificate))
    try:
        appliance.wait_for(lambda: appliance.pipeline()["orders_counted"] > 0, message="orders counted")
        assert topic in console_topics(appliance)
        assert_the_console_shows_orders(appliance, topic)
    finally:
        status = appliance.stop()
    assert status == 0
    check_orders(read_orders(rdkafka_config(tls_broker, "SASL_SSL", "SCRAM-SHA-512"), topic, 5), 5, 3)
