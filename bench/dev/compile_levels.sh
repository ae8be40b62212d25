#!/usr/bin/env bash
# Device experiment: NVRTC fast-compile levels (ATTNJIT_NVRTC_OPTIONS) against kernel speed, and
# a few explicit tile shapes per mask. Prints one line per run; logs under $OUT.
# Usage on the GPU machine: BUILD=build-carry OUT=/some/dir bash bench/dev/compile_levels.sh
set -uo pipefail
BUILD=${BUILD:-build-carry}
OUT=${OUT:-/tmp/attnjit-out}
bin=$BUILD/bin
mkdir -p "$OUT"
source "$(dirname "$0")/../suite_masks.sh"
names="full causal window1024 sink4_window1024 longformer_w256_g64 chunk2048 prefix1024"
row() { # row LABEL MASKNAME HD ARGS...
  local label=$1 name=$2 hd=$3; shift 3
  local j
  j=$(timeout 120 "$bin/attnjit" run "${MASK[$name]}" --seq-q 16384 --heads $((2048 / hd)) \
      --head-dim "$hd" --backend gpu --iters 20 --json "$@" 2>>"$OUT/err.log")
  python3 bench/dev/row.py "$label" "$name" "$hd" "$j" | tee -a "$OUT/levels.txt"
}
for lvl in 0 min mid; do
  export ATTNJIT_NVRTC_OPTIONS="--Ofast-compile=$lvl"
  export ATTNJIT_CACHE_DIR=/tmp/attnjit-cache-$lvl
  for name in $names; do row "fast-compile=$lvl" "$name" 128; done
  for name in full causal; do row "fast-compile=$lvl" "$name" 64; done
done
unset ATTNJIT_NVRTC_OPTIONS
export ATTNJIT_CACHE_DIR=/tmp/attnjit-cache-tiles
for t in "128 64 4 2" "64 64 4 3"; do
  set -- $t
  for name in $names; do row "tiles ${1}x${2} ${3}w ${4}s" "$name" 128 --block-m $1 --block-n $2 --warps $3 --stages $4; done
done
echo "== summary"; cat "$OUT/levels.txt"
