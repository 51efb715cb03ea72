#!/usr/bin/env bash
# Installs the Debian packages that building, running and testing aseed need, when missing.
# Usage: scripts/ensure-system-packages.sh [build|run|packaging|test]
# With ASEED_LIST_PACKAGES=1 it prints the packages it wants, one per line, and installs nothing.
set -euo pipefail

build_packages=(pkg-config liblz4-dev zlib1g-dev libzstd-dev libsnappy-dev libsqlite3-dev)
# What the running appliance uses beside its binary (the .deb depends on the same): Chart.js,
# which the dashboard serves for its charts.
runtime_packages=(libjs-chart.js)
# Test clients: kcat, the JDK for the Kafka Java client, its logging and compression libraries;
# Chromium for the dashboard page test; wrk for the dashboard benchmark.
test_packages=(kcat python3-venv openjdk-17-jdk-headless libslf4j-java liblz4-java libsnappy-java libzstd-jni-java
  chromium wrk)
# The .deb, the apt repository and the container image (make deb / apt-repo / image) and their
# tests: a root filesystem, an image unpacked and run without a container engine, lintian.
packaging_packages=(dpkg-dev apt-utils binutils help2man lintian systemd debootstrap umoci runc skopeo)

wanted=("${build_packages[@]}")
case "${1:-build}" in
  run) wanted+=("${runtime_packages[@]}") ;;
  test) wanted+=("${runtime_packages[@]}" "${test_packages[@]}" "${packaging_packages[@]}") ;;
  packaging) wanted+=("${packaging_packages[@]}") ;;
  build) ;;
  *) echo "usage: $0 [build|run|packaging|test]" >&2; exit 2 ;;
esac

if [ "${ASEED_LIST_PACKAGES:-}" = 1 ]; then
  printf '%s\n' "${wanted[@]}"
  exit 0
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "swift is not on PATH: install the Swift 6 toolchain (https://www.swift.org/install/linux/)" >&2
  exit 1
fi
