#!/usr/bin/env bash
# Installs what is missing, builds, fuzzes the mask parser for a bounded time, and runs every
# test. GPU tests report SKIPPED without a GPU. ctest's summary is the last thing printed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ATTNJIT_BUILD_DIR:-$root/build}
bash "$root/scripts/build.sh"
# A crash is kept in tests/fuzz/regressions/ (replayed by test_dsl) and fails the run.
bash "$root/scripts/fuzz.sh" "${ATTNJIT_FUZZ_SECONDS:-60}"
cd "$build"
ctest --output-on-failure -j "$(nproc)" --timeout 1500
