"""SASL re-authentication (KIP-368) with `--connections-max-reauth-ms`: a login's lifetime is
announced in SaslAuthenticate v1+, clients that support it (librdkafka through confluent-kafka,
the Java client 3.9 and 4.3, java/ReauthCheck.java) log in again on their open connections and
keep producing without an error, and a connection that does not is closed at its first request
after the lifetime ran out."""
import time

import pytest
from confluent_kafka import Producer

import kafkaproto as kp
from conftest import broker_args, unique, wait_for
from javaclients import run_check
from test_sasl import (SASL_AUTHENTICATE, SaslBroker, add_user, answered, authenticate_request, connect_sasl,
                       create_sasl_topic, handshake, plain_token, request_or_closed, sasl_config)

pytestmark = pytest.mark.needs_aseed

LIFETIME_MS = 1500
USER, SECRET = unique("reauth"), unique("secret")


@pytest.fixture(scope="module")
def reauth_broker(tmp_path_factory):
    """A broker whose SASL logins hold LIFETIME_MS, with USER's SCRAM-SHA-256 credential."""
    instance = SaslBroker(tmp_path_factory.mktemp("reauth-broker"),
                          broker_args() + ["--connections-max-reauth-ms", str(LIFETIME_MS)]).start()
    try:
        add_user(instance, USER, SECRET)
    except BaseException:
        instance.kill()
        raise
    yield instance
    assert instance.stop() == 0, instance.output()[-4000:]


def reauthentications(broker, user):
    return broker.output().count(f"re-authenticated as User:{user}")


def session_lifetime_ms(conn, token):
    """SaslAuthenticate v1 with a PLAIN token -> (error, session lifetime in ms)."""
    payload = answered(conn, SASL_AUTHENTICATE, 1, 12, authenticate_request(token, 1))
    r = kp.Reader(payload)
    r.i32()
    error = r.i16()
    r.string()
    r.nbytes()
    return error, r.i64()


def test_the_lifetime_is_announced_and_a_late_request_closes_the_connection(reauth_broker):
    with connect_sasl(reauth_broker) as conn:
        assert handshake(conn, "PLAIN")[0] == 0
        error, lifetime = session_lifetime_ms(conn, plain_token(USER, SECRET))
        assert error == 0
        assert 0 < lifetime <= LIFETIME_MS
        assert answered(conn, 3, 1, 20, kp.i32(0)) is not kp.CLOSED  # Metadata v1, no topics
        time.sleep(LIFETIME_MS / 1000 + 0.5)
        assert request_or_closed(conn, 3, 1, 21, kp.i32(0)) is kp.CLOSED
    assert "ended without re-authentication" in reauth_broker.output()


def test_librdkafka_reauthenticates_and_keeps_producing(reauth_broker):
    config = sasl_config(reauth_broker, "SCRAM-SHA-256", USER, SECRET)
    topic = create_sasl_topic(config, prefix="reauth")
    before = reauthentications(reauth_broker, USER)
    producer = Producer({**config, "linger.ms": 0})
    errors, delivered = [], []
    producer_started = time.monotonic()
    while time.monotonic() - producer_started < 3 * LIFETIME_MS / 1000 + 1:
        producer.produce(topic, b"x", on_delivery=lambda e, m: (errors if e else delivered).append(e or m))
        producer.poll(0.1)
    assert producer.flush(30) == 0
    assert not errors, f"deliveries failed: {errors[:3]}"
    assert len(delivered) > 20
    wait_for(lambda: reauthentications(reauth_broker, USER) >= before + 2, 10,
             "librdkafka to log in again on its connections")


def test_java_client_reauthenticates_and_keeps_producing(java_client, reauth_broker):
    before = reauthentications(reauth_broker, USER)
    out = run_check(java_client, "ReauthCheck", reauth_broker.sasl_bootstrap, USER, SECRET, unique("java-reauth"),
                    str(3 * LIFETIME_MS + 1000))
    assert "OK every record acknowledged" in out
    wait_for(lambda: reauthentications(reauth_broker, USER) >= before + 2, 10,
             "the Java client to log in again on its connections")
