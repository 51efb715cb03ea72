#!/usr/bin/env bash
# Checks the Swift sources against .swift-format (swift-format, shipped with the toolchain) and
# the 120-character line limit, which the formatter cannot enforce inside string literals.
# Generated files (Tools/kafka-codegen, Tools/embed-assets) are left as their generators write
# them. `scripts/check-format.sh --fix` formats in place first.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(find Sources Tests Tools Package.swift -name '*.swift' -not -path '*/Generated/*' | sort)
if [ ${#files[@]} -lt 100 ]; then
  echo "check-format: found only ${#files[@]} Swift files; run it from a checkout of the repository" >&2
  exit 1
fi

if [ "${1:-}" = "--fix" ]; then
  swift format format --in-place --parallel "${files[@]}"
fi

status=0
swift format lint --strict --parallel "${files[@]}" || status=1
if ! awk 'length > 120 { printf "%s:%d: %d characters, at most 120\n", FILENAME, FNR, length; long = 1 }
          END { exit long }' "${files[@]}"; then
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "format check failed: run scripts/check-format.sh --fix, then shorten the long lines by hand" >&2
fi
exit "$status"
