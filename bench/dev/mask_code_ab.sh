#!/usr/bin/env bash
# A/B of the sm90 mask-free kernel (--mask-code table) against the mask inline, one program,
# explicit sm90 tiles, the suite's masks at 16384 x 1, alternated twice:
#   BIN=build-carry/bin/attnjit OUT=dir bash bench/dev/mask_code_ab.sh
# Prints one line per (pass, row, mask code): TFLOP/s, and the first run's milliseconds (host
# preparation of the walk and keep bits included).
set -uo pipefail
OUT=${OUT:-/tmp/attnjit-out}
BIN=${BIN:-build-carry/bin/attnjit}
mkdir -p "$OUT"
source "$(dirname "$0")/../suite_masks.sh"
MASK[dilated]="dilated(2048, 0, 2)"
ROWS=${ROWS:-"full:128:128x128x3 causal:128:128x128x3 window1024:128:128x128x3 sink4_window1024:128:128x128x3 longformer_w256_g64:128:128x64x4 chunk2048:128:128x128x3 prefix1024:128:128x128x3 dilated:128:128x128x3 window1024:64:128x128x3 causal:64:128x192x3"}
for pass in 1 2; do
  for code in table inline; do
    for row in $ROWS; do
      IFS=: read -r name hd tiles <<< "$row"
      bm=${tiles%%x*}; rest=${tiles#*x}; bn=${rest%%x*}; s=${rest#*x}
      j=$(ATTNJIT_CACHE_DIR=$OUT/cache timeout 120 "$BIN" run "${MASK[$name]}" --seq-q 16384 \
          --heads $((2048 / hd)) --head-dim $hd --backend gpu --iters 20 --json --family sm90 \
          --block-m $bm --block-n $bn --warps 12 --stages $s --mask-code $code \
          2>>"$OUT/ab.err")
      python3 -c 'import json, sys
r = json.loads(sys.argv[1]); r.pop("cache_path", None); print(json.dumps(r))' "$j" \
        >> "$OUT/ab.jsonl" 2>/dev/null
      r=$(python3 -c 'import json,sys
j = json.loads(sys.argv[1]); print("%.1f first %.1f ms compile %.0f ms" % (j["tflops"], j.get("first_ms", 0), j["compile_ms"]))' "$j" 2>/dev/null)
      echo "pass$pass $name hd$hd $tiles $code ${r:-FAILED}" | tee -a "$OUT/ab.txt"
    done
  done
done
