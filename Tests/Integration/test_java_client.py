"""The Apache Kafka Java client (what kafka-console-producer/-consumer, kafka-topics and
kafka-consumer-groups are built on), versions 3.9.1 and 4.3.0, through java/ClientCheck.java.
The jars come from scripts/fetch-kafka-client-jars.sh (run by `make test`)."""
import os
import pathlib
import shutil
import subprocess
import uuid

import pytest

from conftest import REPO

HERE = pathlib.Path(__file__).resolve().parent
SOURCE = HERE / "java" / "ClientCheck.java"
JARS = pathlib.Path(os.environ.get("ASEED_KAFKA_JARS", REPO / ".venv" / "jars"))
VERSIONS = ["3.9.1", "4.3.0"]

# Debian's libslf4j-java (logging silenced) and, for compressed batches, the codec libraries
# the Java client loads on demand (liblz4-java, libsnappy-java, libzstd-jni-java).
SYSTEM_JARS = ["slf4j-api.jar", "slf4j-nop.jar", "lz4-java.jar", "snappy-java.jar", "zstd-jni.jar"]


def system_classpath():
    paths = [pathlib.Path("/usr/share/java") / name for name in SYSTEM_JARS]
    missing = [str(p) for p in paths if not p.exists()]
    assert not missing, f"missing {missing}: run scripts/ensure-system-packages.sh test"
    return [str(p) for p in paths]


@pytest.fixture(scope="session", params=VERSIONS, ids=[f"kafka-clients-{v}" for v in VERSIONS])
def java_client(request, tmp_path_factory):
    version = request.param
    if shutil.which("javac") is None:
        pytest.fail("javac not found: run scripts/ensure-system-packages.sh test (openjdk-17-jdk-headless)")
    jar = JARS / f"kafka-clients-{version}.jar"
    assert jar.exists(), f"{jar} missing: run scripts/fetch-kafka-client-jars.sh"
    out = tmp_path_factory.mktemp(f"classes-{version}")
    compiled = subprocess.run(["javac", "-nowarn", "-d", str(out), "-cp", str(jar), str(SOURCE)],
                              capture_output=True, text=True, timeout=120)
    assert compiled.returncode == 0, compiled.stderr
    return os.pathsep.join([str(out), str(jar), *system_classpath()])


def run_check(classpath, broker, mode):
    topic = f"java-{mode}-{uuid.uuid4().hex[:8]}"
    group = f"java-group-{uuid.uuid4().hex[:8]}"
    result = subprocess.run(["java", "-Djava.library.path=/usr/lib/x86_64-linux-gnu/jni:/usr/lib/x86_64-linux-gnu",
                             "-cp", classpath, "ClientCheck", broker.bootstrap, topic, group, mode],
                            capture_output=True, text=True, timeout=110)
    report = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr[-4000:]}"
    assert result.returncode == 0, report
    assert "ALL CHECKS PASSED" in result.stdout, report
    return result.stdout


def test_console_tool_workflow(java_client, broker):
    """Producer with acks=all and idempotence, group consumer from the beginning with commits,
    topic listing and configs, group listing, description and offsets, resume after commit."""
    out = run_check(java_client, broker, "tools")
    assert "OK admin described group: state Stable" in out


def test_every_compression_codec(java_client, broker):
    out = run_check(java_client, broker, "codecs")
    for codec in ["none", "gzip", "snappy", "lz4", "zstd"]:
        assert f"OK produced 25 records with compression.type={codec}" in out
