"""The Apache Kafka Java client, versions 3.9.1 and 4.3.0, for the checks under java/: the
jars come from scripts/fetch-kafka-client-jars.sh (run by `make test`), the JDK and the
logging and codec libraries from Debian (scripts/ensure-system-packages.sh test)."""
import os
import pathlib
import shutil
import subprocess

import pytest

SOURCES = pathlib.Path(__file__).resolve().parent / "java"
JARS = pathlib.Path(os.environ.get("ASEED_KAFKA_JARS", SOURCES.parents[2] / ".venv" / "jars"))
VERSIONS = ["3.9.1", "4.3.0"]

# Debian's libslf4j-java (logging silenced) and, for compressed batches, the codec libraries
# the Java client loads on demand (liblz4-java, libsnappy-java, libzstd-jni-java).
SYSTEM_JARS = ["slf4j-api.jar", "slf4j-nop.jar", "lz4-java.jar", "snappy-java.jar", "zstd-jni.jar"]
NATIVE_LIBRARIES = "/usr/lib/x86_64-linux-gnu/jni:/usr/lib/x86_64-linux-gnu"


def system_classpath() -> list[str]:
    paths = [pathlib.Path("/usr/share/java") / name for name in SYSTEM_JARS]
    missing = [str(p) for p in paths if not p.exists()]
    assert not missing, f"missing {missing}: run scripts/ensure-system-packages.sh test"
    return [str(p) for p in paths]


def compile_checks(version: str, out: pathlib.Path) -> str:
    """Compiles every check under java/ against kafka-clients `version`; returns the classpath
    to run them with."""
    if shutil.which("javac") is None:
        pytest.fail("javac not found: run scripts/ensure-system-packages.sh test (openjdk-17-jdk-headless)")
    jar = JARS / f"kafka-clients-{version}.jar"
    assert jar.exists(), f"{jar} missing: run scripts/fetch-kafka-client-jars.sh"
    sources = sorted(str(path) for path in SOURCES.glob("*.java"))
    compiled = subprocess.run(["javac", "-nowarn", "-d", str(out), "-cp", str(jar), *sources],
                              capture_output=True, text=True, timeout=120)
    assert compiled.returncode == 0, compiled.stderr
    return os.pathsep.join([str(out), str(jar), *system_classpath()])


def run_check(classpath: str, main: str, *args: str, timeout: float = 110) -> str:
    """Runs check class `main`; asserts it passed every check and returns what it printed."""
    result = subprocess.run(["java", f"-Djava.library.path={NATIVE_LIBRARIES}", "-cp", classpath, main, *args],
                            capture_output=True, text=True, timeout=timeout)
    report = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr[-4000:]}"
    assert result.returncode == 0, report
    assert "ALL CHECKS PASSED" in result.stdout, report
    return result.stdout

