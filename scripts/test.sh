#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test. GPU tests report SKIPPED without a GPU.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ATTNJIT_BUILD_DIR:-$root/build}
bash "$root/scripts/build.sh"
(cd "$build" && ctest --output-on-failure -j "$(nproc)" --timeout 1500)
# A bounded fuzzing run of the mask parser; a crash is kept in tests/fuzz/regressions/.
bash "$root/scripts/fuzz.sh" "${ATTNJIT_FUZZ_SECONDS:-60}"
