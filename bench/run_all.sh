#!/usr/bin/env bash
# Runs every benchmark of a release build and prints their figures; see bench/RESULTS.md for the
# recorded ones. Usage: bench/run_all.sh BUILD_DIR
set -euo pipefail
build=${1:-build-release}
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p')"
for b in "$build"/bin/*_bench; do
  [ -x "$b" ] || continue
  echo "=== $(basename "$b")"
  "$b"
done
for s in bench/*_bench.sh; do
  [ -x "$s" ] || continue
  echo "=== $(basename "$s")"
  "$s" "$build"
done
