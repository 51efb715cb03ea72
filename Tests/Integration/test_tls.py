"""TLS on the Kafka port, as Kafka does it: a broker with PLAINTEXT, SASL_PLAINTEXT, SSL and
SASL_SSL listeners (`--listeners`). Without `--tls-certificate` the broker makes a self-signed
ECDSA P-256 certificate at its first start, keeps it in `<data-dir>/tls/` (the key 0600), logs its
SHA-256 fingerprint and serves the same one after a restart; its subject alternative names let
clients that verify host names (librdkafka >= 2, the Java client, Python's ssl) accept 127.0.0.1.
Clients given `certificate.pem` as their CA produce and consume over SSL and, logged in with
PLAIN or SCRAM-SHA-256/512 as on SASL_PLAINTEXT, over SASL_SSL: confluent-kafka, kcat,
kafka-python, aiokafka and the Java client 3.9 and 4.3 (java/TlsCheck.java). A client that does
not trust the certificate and a plaintext client on the SSL port fail at once while the broker
serves the others; a wrong password over SASL_SSL is a SASL authentication error. With
`--tls-certificate`/`--tls-key` the broker serves that chain (a CA, an intermediate and a leaf made
here with the openssl command line) and generates nothing. `aseed run --dashboard-tls true` serves
the dashboard over HTTPS with the broker's certificate."""
import asyncio
import hashlib
import http.client
import json
import re
import secrets
import shutil
import signal
import socket
import ssl
import stat
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiokafka.helpers import create_ssl_context
from confluent_kafka import KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient

import kafkaproto as kp
from conftest import ASEED_BIN, broker_args, free_port, require, stop_module_broker, unique, wait_for, wait_for_port
from javaclients import run_check
from kafkahelpers import assert_broker_serves, produce_acked
from test_sasl import (SASL_AUTHENTICATION_FAILED, SaslBroker, add_user, aiokafka_round_trip, authenticate,
                       authentication_errors, broker_addresses, consume_in_group, create_sasl_topic,
                       find_coordinator, handshake, kafka_python_round_trip, metadata_brokers, plain_token,
                       request_or_closed,
                       sasl_settings, scram_exchange)
from test_sasl import kcat_installed  # noqa: F401  (a fixture: imported so that the kcat tests here can use it)

pytestmark = pytest.mark.needs_aseed

# The user every client logs in as on the module's broker: a SCRAM-SHA-256 and a SCRAM-SHA-512
# credential with the same password, made by `aseed users add` over the PLAINTEXT listener.
CLIENT = unique("tls-client")
PASSWORD = unique("tls-secret")

# (security protocol, SASL mechanism) of the clients that round-trip over TLS.
TLS_CONNECTIONS = [("SSL", None), ("SASL_SSL", "SCRAM-SHA-256"), ("SASL_SSL", "SCRAM-SHA-512"), ("SASL_SSL", "PLAIN")]


def connection_id(protocol, mechanism):
    return protocol.lower().replace("_", "-") + (f"-{mechanism.lower()}" if mechanism else "")


# Kafka-style: "SHA-256 fingerprint" and then 32 uppercase hex pairs separated by colons.
FINGERPRINT = re.compile(r"SHA-256 fingerprint.*?(?<![0-9A-Fa-f:])((?:[0-9A-F]{2}:){31}[0-9A-F]{2})(?![0-9A-Fa-f:])")

# "valid 10 years": between 10 years less a few days (a backdated start, leap days) and a little more.
TEN_YEARS = 10 * 365.25 * 86400
VALIDITY_SLACK = 4 * 86400


class TlsBroker(SaslBroker):
    """`aseed broker` with four listeners: PLAINTEXT on `port` and SASL_PLAINTEXT on `sasl_port`
    as SaslBroker, SSL on `ssl_port` and SASL_SSL on `sasl_ssl_port`. Clients trust `ca_file`:
    the certificate the broker generates under <data-dir>/tls unless a test gave its own
    (`--tls-certificate` in extra_args and its CA in `ca`)."""

    def __init__(self, base_dir, extra_args=(), port=None):
        super().__init__(base_dir, extra_args, port)
        self.ssl_port = free_port()
        self.sasl_ssl_port = free_port()
        self.ca: Path | None = None

    @property
    def ssl_bootstrap(self) -> str:
        return f"{self.host}:{self.ssl_port}"

    @property
    def sasl_ssl_bootstrap(self) -> str:
        return f"{self.host}:{self.sasl_ssl_port}"

    def bootstrap_for(self, protocol: str) -> str:
        return {"PLAINTEXT": self.bootstrap, "SASL_PLAINTEXT": self.sasl_bootstrap,
                "SSL": self.ssl_bootstrap, "SASL_SSL": self.sasl_ssl_bootstrap}[protocol]

    @property
    def tls_dir(self) -> Path:
        return self.data_dir / "tls"

    @property
    def certificate(self) -> Path:
        """The generated certificate: <data-dir>/tls/certificate.pem."""
        return self.tls_dir / "certificate.pem"

    @property
    def private_key(self) -> Path:
        return self.tls_dir / "private-key.pem"

    @property
    def ca_file(self) -> Path:
        return self.ca or self.certificate

    def listeners(self) -> str:
        return f"{super().listeners()},SSL://{self.ssl_bootstrap},SASL_SSL://{self.sasl_ssl_bootstrap}"

    def start(self, timeout: float = 30.0) -> "TlsBroker":
        super().start(timeout)
        try:
            for port in (self.ssl_port, self.sasl_ssl_port):
                wait_for_port(self.host, port, timeout, self.process)
        except Exception as error:
            self.kill()
            raise RuntimeError(f"TLS listener: {error}\n--- broker output ---\n{self.output()}") from None
        return self

    def log_text(self) -> str:
        path = self.log_dir / "broker.log"
        return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture(scope="module")
def tls_broker(tmp_path_factory):
    """One broker with the four listeners and a generated certificate for the module, CLIENT's
    two SCRAM credentials made."""
    instance = TlsBroker(tmp_path_factory.mktemp("tls-broker"), broker_args()).start()
    try:
        assert instance.certificate.exists(), \
            f"no {instance.certificate} once the TLS listeners accept connections\n{instance.output()[-3000:]}"
        add_user(instance, CLIENT, PASSWORD)
        add_user(instance, CLIENT, PASSWORD, mechanism="SCRAM-SHA-512")
    except BaseException:
        instance.kill()
        raise
    yield instance
    stop_module_broker(instance, "TLS broker")


# ---------------------------------------------------------------- certificates with the openssl command line


def openssl(*args) -> str:
    require(shutil.which("openssl") is not None, "openssl is not installed (scripts/ensure-system-packages.sh test)")
    result = subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"openssl {' '.join(map(str, args))} exited {result.returncode}:\n{result.stderr}"
    return result.stdout


@dataclass
class Issued:
    certificate: Path
    key: Path

    @property
    def der(self) -> bytes:
        return der_of(self.certificate)


CA_EXTENSIONS = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n"


def issue(directory: Path, name: str, extensions: str, issuer: Issued | None = None) -> Issued:
    """An ECDSA P-256 key and a certificate for CN=`name` valid two days, signed by `issuer`
    (self-signed without one), with the X.509v3 `extensions` (openssl extension-file lines)."""
    directory.mkdir(parents=True, exist_ok=True)
    key, request, certificate = (directory / f"{name}.key", directory / f"{name}.csr", directory / f"{name}.pem")
    extension_file = directory / f"{name}.ext"
    extension_file.write_text(extensions)
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
    openssl("req", "-new", "-key", key, "-subj", f"/CN=aseed test {name}", "-out", request)
    signer = ["-signkey", key] if issuer is None else ["-CA", issuer.certificate, "-CAkey", issuer.key]
    openssl("x509", "-req", "-in", request, *signer, "-extfile", extension_file, "-days", "2",
            "-set_serial", f"0x{secrets.token_hex(8)}", "-out", certificate)
    return Issued(certificate, key)


def make_ca(directory: Path, name: str, issuer: Issued | None = None) -> Issued:
    return issue(directory, name, CA_EXTENSIONS, issuer)


def make_server_certificate(directory: Path, name: str, issuer: Issued, names=("IP:127.0.0.1", "DNS:localhost")):
    return issue(directory, name, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                  "extendedKeyUsage=serverAuth\nsubjectAltName=" + ",".join(names) + "\n", issuer)


def der_of(pem_file: Path) -> bytes:
    """The DER of the first certificate in a PEM file."""
    return ssl.PEM_cert_to_DER_cert(pem_file.read_text())


def fingerprint(der: bytes) -> str:
    """SHA-256 as uppercase hex pairs separated by colons (AB:CD:...)."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def logged_fingerprints(text: str) -> list[str]:
    return [match.group(1) for line in text.splitlines() if (match := FINGERPRINT.search(line))]


def certificate_dates(pem_file: Path) -> tuple[float, float]:
    """(notBefore, notAfter) as epoch seconds."""
    fields = dict(line.split("=", 1) for line in openssl("x509", "-in", pem_file, "-noout", "-startdate",
                                                          "-enddate").splitlines() if "=" in line)
    return ssl.cert_time_to_seconds(fields["notBefore"]), ssl.cert_time_to_seconds(fields["notAfter"])


# ---------------------------------------------------------------- TLS by hand


class TlsConnection(kp.Connection):
    """kp.Connection over TLS, verifying the certificate against `ca_file` and `server_hostname`
    (the address connected to unless given)."""

    def __init__(self, host, port, ca_file, timeout=10.0, server_hostname=None):
        context = ssl.create_default_context(cafile=str(ca_file))
        raw = socket.create_connection((host, port), timeout=timeout)
        try:
            self.sock = context.wrap_socket(raw, server_hostname=server_hostname or host)
        except BaseException:
            raw.close()
            raise
        self.timeout = timeout

    def peer_der(self) -> bytes:
        return self.sock.getpeercert(binary_form=True)


def served_der(host, port, ca_file, server_hostname=None) -> bytes:
    """The certificate a TLS listener presents, after verifying it against `ca_file`."""
    with TlsConnection(host, port, ca_file, server_hostname=server_hostname) as conn:
        return conn.peer_der()


def handshake_refusal(host, port, ca_file, server_hostname=None, timeout=10.0):
    """The exception a TLS handshake failed with; fails the test if it succeeded or hung."""
    try:
        TlsConnection(host, port, ca_file, timeout=timeout, server_hostname=server_hostname).close()
    except socket.timeout:
        pytest.fail(f"TLS handshake with {host}:{port} neither succeeded nor failed within {timeout}s")
    except (ssl.SSLError, OSError) as error:
        return error
    pytest.fail(f"TLS handshake with {host}:{port} (as {server_hostname or host}) succeeded")


# ---------------------------------------------------------------- client settings


def rdkafka_settings(broker, protocol, mechanism=None, user=CLIENT, password=PASSWORD, ca_file=None):
    """librdkafka's settings (confluent-kafka, kcat -X) for `protocol` on `broker`; host name
    verification stays at librdkafka's default (https since 2.0)."""
    settings = sasl_settings(mechanism, user, password) if mechanism else {}
    settings["security.protocol"] = protocol
    if protocol in ("SSL", "SASL_SSL"):
        settings["ssl.ca.location"] = str(ca_file or broker.ca_file)
    return settings


def rdkafka_config(broker, protocol, mechanism=None, **kwargs):
    return {"bootstrap.servers": broker.bootstrap_for(protocol), **rdkafka_settings(broker, protocol, mechanism,
                                                                                     **kwargs)}


def kafka_python_settings(broker, protocol, mechanism=None, user=CLIENT, password=PASSWORD):
    settings = {"security_protocol": protocol, "ssl_cafile": str(broker.ca_file)}
    if mechanism:
        settings.update(sasl_mechanism=mechanism, sasl_plain_username=user, sasl_plain_password=password)
    return settings


def kcat(broker, protocol, *args, mechanism=None, ca_file=None, stdin=None, metadata_timeout=10):
    """kcat against `protocol`'s listener; without `ca_file` and `mechanism`, only
    security.protocol is set (librdkafka's default CA store)."""
    command = ["kcat", "-b", broker.bootstrap_for(protocol), "-m", str(metadata_timeout),
               "-X", f"security.protocol={protocol}"]
    if ca_file is not None:
        command += ["-X", f"ssl.ca.location={ca_file}"]
    if mechanism is not None:
        for key, value in sasl_settings(mechanism, CLIENT, PASSWORD).items():
            if key != "security.protocol":
                command += ["-X", f"{key}={value}"]
    return subprocess.run([*command, *args], input=stdin, capture_output=True, text=True, timeout=60)


def ssl_errors(client, errors, timeout=20):
    """Polls a confluent-kafka client until its error_cb got an SSL error for a certificate
    it could not verify; returns those errors."""
    def found():
        client.poll(0.2)
        return [e for e in errors if e.code() in (KafkaError._SSL, KafkaError._TRANSPORT)
                and "certificate verify failed" in e.str()]
    return wait_for(found, timeout, f"a certificate verification error in error_cb (got {[e.str() for e in errors]})")


def ssl_round_trip(broker, protocol="SSL", mechanism=None, count=10, prefix="tls-check", **kwargs):
    """A topic made, `count` records produced and read back by a group over `protocol`."""
    config = rdkafka_config(broker, protocol, mechanism, **kwargs)
    topic = create_sasl_topic(config, prefix=prefix)
    values = [f"{prefix}-{i}".encode() for i in range(count)]
    offsets = produce_acked(config["bootstrap.servers"], topic, values,
                            **rdkafka_settings(broker, protocol, mechanism, **kwargs))
    assert offsets == list(range(count))
    assert consume_in_group(config, topic, count) == values


# ---------------------------------------------------------------- confluent-kafka (librdkafka)


@pytest.mark.parametrize("protocol,mechanism", TLS_CONNECTIONS, ids=[connection_id(*c) for c in TLS_CONNECTIONS])
def test_confluent_kafka_produces_and_consumes_over_tls(tls_broker, protocol, mechanism):
    config = rdkafka_config(tls_broker, protocol, mechanism)
    bootstrap = config["bootstrap.servers"]
    metadata = AdminClient(config).list_topics(timeout=15)
    assert broker_addresses(metadata) == [bootstrap], f"Metadata on the {protocol} listener must advertise it"
    topic = create_sasl_topic(config, prefix=f"ck-{connection_id(protocol, mechanism)}")
    values = [f"{protocol}-{mechanism}-{i}".encode() for i in range(20)]
    offsets = produce_acked(bootstrap, topic, values, **rdkafka_settings(tls_broker, protocol, mechanism))
    assert offsets == list(range(20))
    assert consume_in_group(config, topic, 20) == values


def test_large_fetches_over_ssl_arrive_whole(tls_broker):
    """4 MB of records read back over SSL: fetch responses far larger than one TLS record (16 KB)."""
    config = rdkafka_config(tls_broker, "SSL")
    topic = create_sasl_topic(config, prefix="tls-large")
    values = [secrets.token_bytes(20_000) for _ in range(200)]
    offsets = produce_acked(tls_broker.ssl_bootstrap, topic, values, **rdkafka_settings(tls_broker, "SSL"))
    assert offsets == list(range(200))
    read = consume_in_group(config, topic, 200)
    assert [hashlib.sha256(v).digest() for v in read] == [hashlib.sha256(v).digest() for v in values]


def test_a_large_request_arriving_slowly_over_ssl_is_answered(tls_broker):
    """A 600 KB Produce sent over SSL in pieces with pauses between them: behind TLS the broker
    asks the kernel to wake it only once most of a large request's rest is there, and the wake
    must still come when the last piece arrives, however the pieces fall."""
    topic = create_sasl_topic(rdkafka_config(tls_broker, "SSL"), prefix="tls-slow")
    values = [secrets.token_bytes(30_000) for _ in range(20)]
    request = kp.frame(kp.request_header(kp.PRODUCE, 3, 7)
                       + kp.produce_v3_body(topic, 0, kp.record_batch(values)))
    host, port = tls_broker.ssl_bootstrap.rsplit(":", 1)
    with TlsConnection(host, int(port), tls_broker.ca_file, timeout=20) as conn:
        for start in range(0, len(request), 150_001):
            conn.send(request[start:start + 150_001])
            time.sleep(0.2)
        assert kp.parse_produce_v3(conn.read_frame()) == {(topic, 0): (0, 0)}
    read = consume_in_group(rdkafka_config(tls_broker, "SSL"), topic, 20)
    assert [hashlib.sha256(v).digest() for v in read] == [hashlib.sha256(v).digest() for v in values]


def test_every_listener_advertises_itself(tls_broker):
    for protocol, mechanism in [("PLAINTEXT", None), ("SASL_PLAINTEXT", "SCRAM-SHA-256"),
                                ("SSL", None), ("SASL_SSL", "SCRAM-SHA-512")]:
        metadata = AdminClient(rdkafka_config(tls_broker, protocol, mechanism)).list_topics(timeout=15)
        assert broker_addresses(metadata) == [tls_broker.bootstrap_for(protocol)], \
            f"Metadata on the {protocol} listener must advertise the {protocol} listener"


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_confluent_kafka_wrong_password_over_sasl_ssl_is_an_authentication_error(tls_broker, mechanism):
    errors = []
    producer = Producer({**rdkafka_config(tls_broker, "SASL_SSL", mechanism, password="wrong-" + PASSWORD),
                         "error_cb": errors.append})
    begin = time.monotonic()
    [first, *_] = authentication_errors(producer, errors)
    assert "SASL authentication error" in first.str(), first.str()
    assert time.monotonic() - begin < 15, "the refusal must come from the broker, not from a client timeout"
    assert not [e for e in errors if e.code() == KafkaError._SSL], \
        f"the TLS handshake itself must succeed: {[e.str() for e in errors]}"


# ---------------------------------------------------------------- the protocol by hand over TLS


def test_raw_requests_over_ssl_need_no_login(tls_broker):
    with TlsConnection(tls_broker.host, tls_broker.ssl_port, tls_broker.ca_file) as conn:
        assert conn.sock.version() in ("TLSv1.2", "TLSv1.3"), conn.sock.version()
        assert conn.peer_der() == der_of(tls_broker.certificate)
        _, error, _ = kp.parse_api_versions_v0(request_or_closed(conn, kp.API_VERSIONS, 0, 1, b""))
        assert error == 0
        assert metadata_brokers(conn) == [(tls_broker.host, tls_broker.ssl_port)]
        assert find_coordinator(conn, unique("tls-coordinated")) == (tls_broker.host, tls_broker.ssl_port)


def test_raw_requests_over_sasl_ssl_need_a_login_first(tls_broker):
    with TlsConnection(tls_broker.host, tls_broker.sasl_ssl_port, tls_broker.ca_file) as conn:
        answer = request_or_closed(conn, kp.METADATA, 1, 7, kp.metadata_v1_body([]))
    assert answer is kp.CLOSED, f"the SASL_SSL listener answered Metadata before a login: {answer[:60]!r}"

    with TlsConnection(tls_broker.host, tls_broker.sasl_ssl_port, tls_broker.ca_file) as conn:
        assert handshake(conn, "PLAIN")[0] == 0
        error, message, _ = authenticate(conn, plain_token(CLIENT, PASSWORD))
        assert error == 0, f"PLAIN login over TLS refused with {error}: {message}"
        assert metadata_brokers(conn) == [(tls_broker.host, tls_broker.sasl_ssl_port)]
        assert find_coordinator(conn, unique("tls-coordinated")) == (tls_broker.host, tls_broker.sasl_ssl_port)

    with TlsConnection(tls_broker.host, tls_broker.sasl_ssl_port, tls_broker.ca_file) as conn:
        assert handshake(conn, "SCRAM-SHA-512")[0] == 0
        correlations = iter(range(20, 30))
        error, message, _ = scram_exchange(lambda token: authenticate(conn, token, 1, next(correlations)),
                                           "SCRAM-SHA-512", CLIENT, PASSWORD)
        assert error == 0, f"SCRAM-SHA-512 login over TLS refused with {error}: {message}"
        assert metadata_brokers(conn) == [(tls_broker.host, tls_broker.sasl_ssl_port)]


def test_a_failed_login_over_sasl_ssl_gets_the_sasl_error_then_a_close(tls_broker):
    with TlsConnection(tls_broker.host, tls_broker.sasl_ssl_port, tls_broker.ca_file) as conn:
        assert handshake(conn, "PLAIN")[0] == 0
        error, message, _ = authenticate(conn, plain_token(CLIENT, "wrong-" + PASSWORD))
        assert error == SASL_AUTHENTICATION_FAILED and message, (error, message)
        assert conn.wait_closed(5), "the connection stays open after a failed login"


# ---------------------------------------------------------------- kcat


def test_kcat_lists_and_round_trips_over_sasl_ssl_with_scram_sha_512(kcat_installed, tls_broker):
    def run(*args, stdin=None):
        return kcat(tls_broker, "SASL_SSL", *args, mechanism="SCRAM-SHA-512", ca_file=tls_broker.ca_file, stdin=stdin)

    listed = run("-L", "-J")
    assert listed.returncode == 0, f"kcat -L exited {listed.returncode}:\n{listed.stderr[-3000:]}"
    assert [b["name"] for b in json.loads(listed.stdout)["brokers"]] == [tls_broker.sasl_ssl_bootstrap]

    topic = create_sasl_topic(rdkafka_config(tls_broker, "SASL_SSL", "SCRAM-SHA-512"), prefix="kcat-tls")
    lines = [f"kcat-tls-{i}" for i in range(10)]
    produced = run("-P", "-t", topic, "-p", "0", stdin="".join(f"{line}\n" for line in lines))
    assert produced.returncode == 0, f"kcat -P exited {produced.returncode}:\n{produced.stderr[-3000:]}"
    consumed = run("-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-f", "%s\n")
    assert consumed.returncode == 0, f"kcat -C exited {consumed.returncode}:\n{consumed.stderr[-3000:]}"
    assert consumed.stdout.splitlines() == lines


def test_kcat_over_ssl_without_the_certificate_as_ca_fails_verification(kcat_installed, tls_broker):
    result = kcat(tls_broker, "SSL", "-L", metadata_timeout=5)
    assert result.returncode != 0, f"kcat -L trusted a self-signed certificate:\n{result.stdout[-2000:]}"
    assert "certificate verify failed" in result.stderr, result.stderr[-3000:]
    assert tls_broker.running()


# ---------------------------------------------------------------- kafka-python


@pytest.mark.parametrize("protocol,mechanism", [("SSL", None), ("SASL_SSL", "PLAIN")], ids=["ssl", "sasl-ssl-plain"])
def test_kafka_python_produces_and_consumes_over_tls(tls_broker, protocol, mechanism):
    kafka_python_round_trip(tls_broker.bootstrap_for(protocol), kafka_python_settings(tls_broker, protocol, mechanism),
                            unique(f"kp-{connection_id(protocol, mechanism)}"))


# ---------------------------------------------------------------- aiokafka


def test_aiokafka_produces_and_consumes_over_sasl_ssl_with_scram_sha_256(tls_broker):
    topic = create_sasl_topic(rdkafka_config(tls_broker, "SASL_SSL", "SCRAM-SHA-256"), prefix="aio-tls")
    settings = {"security_protocol": "SASL_SSL", "ssl_context": create_ssl_context(cafile=str(tls_broker.ca_file)),
                "sasl_mechanism": "SCRAM-SHA-256", "sasl_plain_username": CLIENT, "sasl_plain_password": PASSWORD}
    offsets, values, committed = asyncio.run(asyncio.wait_for(
        aiokafka_round_trip(tls_broker.sasl_ssl_bootstrap, topic, settings, 12), 60))
    assert offsets == list(range(12))
    assert values == [f"aio-{i}".encode() for i in range(12)]
    assert committed == 12


# ---------------------------------------------------------------- the Java client


def test_java_client_tls(java_client, tls_broker):
    prefix = unique("java-tls")
    out = run_check(java_client, "TlsCheck", tls_broker.ssl_bootstrap, tls_broker.sasl_ssl_bootstrap,
                    str(tls_broker.ca_file), CLIENT, PASSWORD, prefix)
    for protocol, port in (("SSL", tls_broker.ssl_port), ("SASL_SSL SCRAM-SHA-512", tls_broker.sasl_ssl_port)):
        assert f"OK {protocol}: describeCluster gives port {port}" in out
        assert f"OK {protocol}: 10 records produced and read back by group" in out
    for protocol in ("SSL", "SASL_SSL"):
        assert f"OK {protocol} without the truststore: SslAuthenticationException" in out
    assert "OK SSL admin without the truststore: SslAuthenticationException" in out
    assert "OK SASL_SSL SCRAM-SHA-512 with a wrong password: SaslAuthenticationException" in out
    assert tls_broker.running()


# ---------------------------------------------------------------- refusals


def test_a_client_that_does_not_trust_the_certificate_is_refused(tls_broker, tmp_path):
    other = make_ca(tmp_path / "other-ca", "other-ca")
    errors = []
    admin = AdminClient({**rdkafka_config(tls_broker, "SSL", ca_file=other.certificate), "error_cb": errors.append})
    ssl_errors(admin, errors)
    with pytest.raises(KafkaException):
        admin.list_topics(timeout=3)

    sasl_errors = []
    producer = Producer({**rdkafka_config(tls_broker, "SASL_SSL", "SCRAM-SHA-256", ca_file=other.certificate),
                         "error_cb": sasl_errors.append})
    ssl_errors(producer, sasl_errors)

    error = handshake_refusal(tls_broker.host, tls_broker.ssl_port, other.certificate)
    assert isinstance(error, ssl.SSLCertVerificationError), repr(error)

    assert tls_broker.running(), f"the broker died\n{tls_broker.output()[-3000:]}"
    ssl_round_trip(tls_broker, prefix="after-untrusted")
    assert_broker_serves(tls_broker.bootstrap)


def test_a_plaintext_client_on_the_ssl_port_fails_quickly(tls_broker):
    begin = time.monotonic()
    with kp.Connection(tls_broker.host, tls_broker.ssl_port, timeout=15) as conn:
        answer = request_or_closed(conn, kp.API_VERSIONS, 0, 1, b"")
    assert answer is kp.CLOSED, f"the SSL listener answered a plaintext ApiVersions: {answer[:60]!r}"
    assert time.monotonic() - begin < 15

    errors = []
    admin = AdminClient({"bootstrap.servers": tls_broker.ssl_bootstrap, "error_cb": errors.append})
    begin = time.monotonic()
    with pytest.raises(KafkaException):
        admin.list_topics(timeout=8)
    assert time.monotonic() - begin < 12, "a plaintext client on the SSL port must fail, not hang"
    admin.poll(0.5)
    assert errors, "the plaintext client reports the failed connection"

    assert tls_broker.running(), f"the broker died\n{tls_broker.output()[-3000:]}"
    ssl_round_trip(tls_broker, prefix="after-plaintext")
    assert_broker_serves(tls_broker.bootstrap)


def test_a_tls_client_on_the_plaintext_port_fails_quickly(tls_broker):
    handshake_refusal(tls_broker.host, tls_broker.port, tls_broker.ca_file)
    assert tls_broker.running(), f"the broker died\n{tls_broker.output()[-3000:]}"
    assert_broker_serves(tls_broker.bootstrap)


# ---------------------------------------------------------------- the generated certificate


def test_the_generated_certificate_is_ecdsa_p256_for_ten_years_and_the_key_is_0600(tls_broker):
    pem = tls_broker.certificate.read_text()
    assert pem.count("-----BEGIN CERTIFICATE-----") == 1, "certificate.pem holds the one self-signed certificate"
    text = openssl("x509", "-in", tls_broker.certificate, "-noout", "-text")
    assert "id-ecPublicKey" in text and ("prime256v1" in text or "P-256" in text), text
    # Self-signed: its own issuer, so it verifies against itself.
    subject = openssl("x509", "-in", tls_broker.certificate, "-noout", "-subject").split("=", 1)[1].strip()
    issuer = openssl("x509", "-in", tls_broker.certificate, "-noout", "-issuer").split("=", 1)[1].strip()
    assert subject == issuer, (subject, issuer)

    not_before, not_after = certificate_dates(tls_broker.certificate)
    now = time.time()
    assert not_before <= now + 60, f"notBefore {not_before} is in the future"
    assert now + TEN_YEARS - VALIDITY_SLACK <= not_after <= not_before + TEN_YEARS + VALIDITY_SLACK, \
        f"valid from {not_before} to {not_after}, about 10 years wanted"

    key_mode = stat.S_IMODE(tls_broker.private_key.stat().st_mode)
    assert key_mode == 0o600, f"private-key.pem has mode {oct(key_mode)}"
    assert "prime256v1" in openssl("pkey", "-in", tls_broker.private_key, "-noout", "-text")
    assert openssl("pkey", "-in", tls_broker.private_key, "-pubout") == \
        openssl("x509", "-in", tls_broker.certificate, "-noout", "-pubkey"), "the key belongs to the certificate"

    der = der_of(tls_broker.certificate)
    for port in (tls_broker.ssl_port, tls_broker.sasl_ssl_port):
        assert served_der(tls_broker.host, port, tls_broker.certificate) == der


def test_the_generated_certificate_names_the_local_host_names(tls_broker):
    for name in ("127.0.0.1", "localhost", "::1", socket.gethostname()):
        served_der(tls_broker.host, tls_broker.ssl_port, tls_broker.certificate, server_hostname=name)
    error = handshake_refusal(tls_broker.host, tls_broker.ssl_port, tls_broker.certificate,
                              server_hostname="elsewhere.invalid")
    assert isinstance(error, ssl.SSLCertVerificationError), repr(error)


def test_the_logged_fingerprint_is_the_certificates_sha256(tls_broker):
    expected = fingerprint(der_of(tls_broker.certificate))
    assert logged_fingerprints(tls_broker.stderr_path.read_text(errors="replace")) == [expected], \
        f"one 'SHA-256 fingerprint {expected}' line on stderr\n{tls_broker.stderr_path.read_text()[-3000:]}"
    assert logged_fingerprints(tls_broker.log_text()) == [expected], \
        f"one 'SHA-256 fingerprint {expected}' line in broker.log\n{tls_broker.log_text()[-3000:]}"


def test_the_certificate_is_kept_across_restarts(aseed_factory, tmp_path):
    broker = aseed_factory(TlsBroker).start()
    certificate, key = broker.certificate.read_bytes(), broker.private_key.read_bytes()
    der = der_of(broker.certificate)
    expected = fingerprint(der)
    assert logged_fingerprints(broker.stderr_path.read_text(errors="replace")) == [expected]
    # Clients keep the file they were given at the first start.
    trusted = tmp_path / "trusted.pem"
    trusted.write_bytes(certificate)
    assert broker.stop() == 0, broker.output()[-3000:]

    broker.start()
    assert broker.certificate.read_bytes() == certificate, "certificate.pem changed at the restart"
    assert broker.private_key.read_bytes() == key, "private-key.pem changed at the restart"
    assert stat.S_IMODE(broker.private_key.stat().st_mode) == 0o600
    assert logged_fingerprints(broker.stderr_path.read_text(errors="replace")) == [expected], \
        f"the fingerprint logged after the restart\n{broker.stderr_path.read_text()[-3000:]}"
    assert logged_fingerprints(broker.log_text()) == [expected, expected]
    assert served_der(broker.host, broker.ssl_port, trusted) == der
    broker.ca = trusted
    metadata = AdminClient(rdkafka_config(broker, "SSL")).list_topics(timeout=15)
    assert broker_addresses(metadata) == [broker.ssl_bootstrap]
    assert broker.stop() == 0, broker.output()[-3000:]


# ---------------------------------------------------------------- an own certificate


def test_an_own_certificate_chain_is_served_and_nothing_is_generated(aseed_factory, tmp_path):
    pki = tmp_path / "pki"
    root = make_ca(pki, "root-ca")
    intermediate = make_ca(pki, "intermediate-ca", issuer=root)
    leaf = make_server_certificate(pki, "broker", intermediate)
    chain = pki / "chain.pem"
    chain.write_text(leaf.certificate.read_text() + intermediate.certificate.read_text())

    broker = aseed_factory(TlsBroker)
    broker.extra_args += ["--tls-certificate", str(chain), "--tls-key", str(leaf.key)]
    broker.ca = root.certificate  # clients trust the root only: the broker must send the intermediate
    broker.start()

    assert served_der(broker.host, broker.ssl_port, root.certificate) == leaf.der
    assert served_der(broker.host, broker.sasl_ssl_port, root.certificate) == leaf.der
    ssl_round_trip(broker, prefix="own-certificate")
    add_user(broker, CLIENT, PASSWORD, mechanism="SCRAM-SHA-512")
    metadata = AdminClient(rdkafka_config(broker, "SASL_SSL", "SCRAM-SHA-512")).list_topics(timeout=15)
    assert broker_addresses(metadata) == [broker.sasl_ssl_bootstrap]

    generated = sorted(p.name for p in broker.tls_dir.iterdir()) if broker.tls_dir.exists() else []
    assert generated == [], f"with --tls-certificate nothing is generated, found {generated} in {broker.tls_dir}"
    assert all(f == fingerprint(leaf.der) for f in logged_fingerprints(broker.output())), \
        "a fingerprint logged is the given certificate's"
    assert broker.stop() == 0, broker.output()[-3000:]


# ---------------------------------------------------------------- the dashboard over HTTPS


def https_get(url, context, timeout=10):
    with urllib.request.urlopen(url, context=context, timeout=timeout) as response:
        return response.status, response.read()


def test_dashboard_serves_https_with_the_broker_certificate(tmp_path):
    kafka, ssl_port, web = free_port(), free_port(), free_port()
    listeners = f"PLAINTEXT://127.0.0.1:{kafka},SSL://127.0.0.1:{ssl_port}"
    data, logs = tmp_path / "data", tmp_path / "logs"
    stderr_path = tmp_path / "stderr.txt"
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(
            [ASEED_BIN, "run", "--no-simulator", "--no-analyzer", "--data-dir", str(data), "--log-dir", str(logs),
             "--listeners", listeners, "--advertised-listeners", listeners,
             "--dashboard-listen", f"127.0.0.1:{web}", "--dashboard-tls", "true"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        try:
            for port in (web, kafka, ssl_port):
                wait_for_port("127.0.0.1", port, 30, process)
        except Exception as error:
            pytest.fail(f"{error}\n{stderr_path.read_text(errors='replace')[-3000:]}")
        certificate = data / "tls" / "certificate.pem"
        wait_for(certificate.exists, 10, f"{certificate}\n{stderr_path.read_text(errors='replace')[-3000:]}")
        context = ssl.create_default_context(cafile=str(certificate))

        status, body = https_get(f"https://127.0.0.1:{web}/healthz", context)
        assert status == 200, body[:300]
        assert json.loads(body) == {"status": "ok"}
        der = der_of(certificate)
        assert served_der("127.0.0.1", web, certificate) == der, "the dashboard serves the broker's certificate"
        assert served_der("127.0.0.1", ssl_port, certificate) == der

        with pytest.raises(urllib.error.URLError) as refused:
            https_get(f"https://127.0.0.1:{web}/healthz", ssl.create_default_context())
        assert isinstance(refused.value.reason, ssl.SSLCertVerificationError), repr(refused.value)
        try:
            plain_status = https_get(f"http://127.0.0.1:{web}/healthz", None)[0]
        except urllib.error.HTTPError as error:
            plain_status = error.code
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:  # closed, reset, not HTTP
            plain_status = repr(error)
        assert plain_status != 200, "the HTTPS dashboard must not answer plain HTTP"
        assert process.poll() is None, "aseed run died"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            status = process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
            raise
    assert status == 0, f"aseed run exited {status}\n{stderr_path.read_text(errors='replace')[-3000:]}"
