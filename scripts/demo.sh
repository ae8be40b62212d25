#!/usr/bin/env bash
# The main job: builds attnjit if needed, shows the block map of an example mask, then compiles
# it and runs attention on random inputs, on the GPU when there is one and on the CPU backend
# otherwise, checked against an fp64 reference.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ATTNJIT_BUILD_DIR:-$root/build}
bash "$root/scripts/build.sh" >/dev/null
bin="$build/bin/attnjit"
mask=${1:-"causal & (window(W, 0) | sink(4))"}
"$bin" explain "$mask" --seq-q 4096 --param W=1023 --block-m 256 --block-n 256
echo
# Smaller problem on the CPU: a 2-core machine runs it in seconds.
if "$bin" compile causal --backend gpu >/dev/null 2>&1; then
  shape=(--seq-q 4096 --heads 16 --head-dim 128)
else
  shape=(--seq-q 1024 --heads 4 --head-dim 128)
fi
"$bin" run "$mask" --param W=255 "${shape[@]}" --backend auto --check --iters 5
