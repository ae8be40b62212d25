#!/usr/bin/env bash
# A/B of two attnjit programs on the same rows, alternated twice, explicit tiles (no database):
#   A=path/to/attnjit B=path/to/attnjit OUT=dir bash bench/dev/ab_cli.sh
# Prints one line per (row, program, pass): TFLOP/s.
set -uo pipefail
OUT=${OUT:-/tmp/attnjit-out}
mkdir -p "$OUT"
source "$(dirname "$0")/../suite_masks.sh"
ROWS=${ROWS:-"window1024:64:128x64x4w2s sink4_window1024:64:128x64x4w2s chunk2048:64:128x64x4w2s window1024:128:128x128x8w2s sink4_window1024:128:128x128x8w2s window1024:128:64x64x4w2s causal:128:128x128x8w2s"}
for pass in 1 2; do
  for prog in A B; do
    bin=${!prog}
    for row in $ROWS; do
      IFS=: read -r name hd tiles <<< "$row"
      bm=${tiles%%x*}; rest=${tiles#*x}; bn=${rest%%x*}; rest=${rest#*x}
      w=${rest%%w*}; s=${rest#*w}; s=${s%s}
      j=$(ATTNJIT_CACHE_DIR=$OUT/cache-$prog timeout 120 "$bin" run "${MASK[$name]}" --seq-q 16384 \
          --heads $((2048 / hd)) --head-dim $hd --backend gpu --iters 30 --json \
          --block-m $bm --block-n $bn --warps $w --stages $s 2>>"$OUT/ab.err")
      tf=$(python3 -c 'import json,sys; print("%.1f" % json.loads(sys.argv[1])["tflops"])' "$j" 2>/dev/null)
      echo "pass$pass $prog $name hd$hd $tiles ${tf:-FAILED}" | tee -a "$OUT/ab.txt"
    done
  done
done
