#!/usr/bin/env bash
# The main job: builds attnjit if needed, then compiles an example mask and runs attention on
# the GPU when there is one, else on the CPU backend, checked against an fp64 reference.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ATTNJIT_BUILD_DIR:-$root/build}
bash "$root/scripts/build.sh" >/dev/null
mask=${1:-"causal & (window(W, 0) | sink(4))"}
"$build/bin/attnjit" explain "$mask" --seq-q 4096 --seq-k 4096 --param W=1023 --block-m 256 --block-n 256
