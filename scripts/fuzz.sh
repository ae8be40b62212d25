#!/usr/bin/env bash
# Fuzzes the mask front end: scripts/fuzz.sh SECONDS (default 60).
# Builds tests/fuzz/fuzz_parser with clang and libFuzzer in build-fuzz/, runs it on a copy of the
# seed corpus, and on a crash copies the crashing input into tests/fuzz/regressions/ (replayed
# by test_dsl from then on) and exits non-zero.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ATTNJIT_FUZZ_BUILD_DIR:-$root/build-fuzz}

if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DATTNJIT_FUZZ=ON -DATTNJIT_BUILD_TESTS=ON \
    -DATTNJIT_WITH_LLVM=OFF >/dev/null
fi
cmake --build "$build" --target fuzz_parser

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
cp "$root"/tests/fuzz/corpus/* "$work/corpus/"
if compgen -G "$root/tests/fuzz/regressions/*" >/dev/null; then
  cp "$root"/tests/fuzz/regressions/* "$work/corpus/"
fi

status=0
"$build/bin/fuzz_parser" "$work/corpus" -max_total_time="$seconds" -max_len=512 -timeout=10 \
  -dict="$root/tests/fuzz/mask.dict" \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" ||
  status=$?

if [[ $status -ne 0 ]]; then
  mkdir -p "$root/tests/fuzz/regressions"
  for f in "$work"/artifacts/*; do
    [[ -e "$f" ]] || continue
    name=$(basename "$f")
    cp "$f" "$root/tests/fuzz/regressions/$name"
    echo "fuzz.sh: kept $name in tests/fuzz/regressions/" >&2
  done
  echo "fuzz.sh: fuzz_parser failed (exit $status)" >&2
  exit 1
fi
echo "fuzz.sh: no crash in ${seconds}s"
