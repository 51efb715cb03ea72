#!/usr/bin/env bash
# Starts in the background what `make test` downloads and installs, so that it overlaps the
# Swift build instead of coming before or after it:
#
#   1. the test clients' Debian packages, the test virtualenv and the Kafka client jars
#      (`make test-deps`), under LOCK, which `make test` waits for before the tests;
#   2. then, side by side, the Debian root filesystem of the packaging tests
#      (scripts/bookworm-rootfs.sh; root only, as debootstrap needs it) and examples/flink's
#      virtualenv with the connector jars (examples/flink/setup.sh, for test_flink.py).
#
# The scripts of step 2 take locks of their own, so the step that needs one later waits for the
# run started here rather than starting another, and returns at once when it is done. A failure
# here is only logged (LOG_DIR/test-downloads.log): every step runs again where it is needed and
# reports there.
# Usage: scripts/start-test-downloads.sh LOG_DIR LOCK ROOTFS_TAR
set -euo pipefail

logs=$1
lock=$2
rootfs=$3
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$logs" "$(dirname "$lock")"

# Taken here, before returning, so that a wait for it cannot come first; the background job
# inherits it and lets it go when step 1 ends. Nothing it starts keeps the descriptor (9>&-):
# a service a package's install script left running would otherwise hold the lock for ever.
exec 9>"$lock"
flock 9
(
  make -C "$here/.." --no-print-directory test-deps 9>&- || echo "test-deps failed: make test runs it again"
  exec 9>&-
  # At the build's priority: they wait on the network mostly, but unpacking what they fetch
  # takes a minute of CPU or so, which a lower priority would put off until the tests wait
  # for it.
  if [ "$(id -u)" -eq 0 ]; then "$here/bookworm-rootfs.sh" "$rootfs" & fi
  "$here/../examples/flink/setup.sh" &
  wait
) >"$logs/test-downloads.log" 2>&1 </dev/null &
echo "test dependencies and downloads started in the background (log: $logs/test-downloads.log)"
