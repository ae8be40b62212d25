#!/usr/bin/env bash
# A/B of kernel or runtime variants, explicit tiles, each variant in a cache of its own. A variant
# is NAME:WORDS, its words separated by commas: -D... options go to NVRTC (ATTNJIT_NVRTC_OPTIONS,
# for development switches in the templates), --flag=value ones to `attnjit run`, NAME=VALUE ones
# to the environment, and @PATH names another attnjit program for the variant (a build of another
# commit: the templates are inside the program):
#   VARIANTS="base: x:-DSWITCH=1" BIN=build-carry/bin/attnjit OUT=dir bash bench/dev/variant_ab.sh
# The mask codes against each other: VARIANTS="table:--mask-code=table inline:--mask-code=inline".
# Masks are the suite's names (bench/suite_masks.sh) or DEV_MASKS's.
# First every variant runs the fp64 check on small odd-length problems (GQA, Lq != Lk, split and
# persistent schedules; CHECKS); then the timing rows (ROWS: mask:hd:tiles[:seq:batch], 16384 x 1
# unless given), variants alternated, PASSES times. Prints one line per check and per (pass,
# row, variant).
set -uo pipefail
OUT=${OUT:-/tmp/attnjit-out}
BIN=${BIN:-build-carry/bin/attnjit}
PASSES=${PASSES:-2}
CACHE=${CACHE:-/tmp/attnjit-variant-cache}
VARIANTS=${VARIANTS:?VARIANTS=\"name:words ...\" is required}
mkdir -p "$OUT"
source "$(dirname "$0")/../suite_masks.sh"
# More masks for the rows and checks: DEV_MASKS="name=mask text;name=mask text".
IFS=';' read -ra dev_masks <<< "${DEV_MASKS:-}"
for m in "${dev_masks[@]}"; do [ -n "$m" ] && MASK[${m%%=*}]=${m#*=}; done
ROWS=${ROWS:-"full:128:128x128x3 causal:128:128x128x3 full:64:128x192x4 causal:64:128x192x4 full:64:128x128x3 full:256:128x64x2 window1024:128:128x128x3 chunk2048:128:128x128x3"}
# name:hd:tiles:seq_q:seq_k:heads:kv_heads:dtype:extra flags (commas for spaces)
CHECKS=${CHECKS:-"causal:128:128x128x3:1000:1000:4:2:bf16: full:64:128x192x4:777:1203:4:4:fp16: sink4_window1024:128:128x128x2:2049:2049:2:1:bf16:--persistent-blocks,3 longformer_w256_g64:128:128x128x3:3001:3001:2:2:bf16:--split-tiles,4 full:256:128x64x2:513:700:2:2:bf16: causal:64:128x128x3:999:999:2:2:bf16: chunk2048:64:128x192x3:5000:5000:1:1:bf16:--persistent-blocks,5"}

# A variant's words: -D... options for NVRTC, NAME=VALUE environment settings.
split_variant() {
  local w; nv=""; envs=""; flags=""; vbin=$BIN
  for w in ${1//,/ }; do
    case $w in
      --*) flags="$flags $w" ;; -*) nv="$nv $w" ;; @*) vbin=${w#@} ;; *=*) envs="$envs $w" ;;
    esac
  done
}

tiles_flags() {
  local t=$1 bm bn s rest
  bm=${t%%x*}; rest=${t#*x}; bn=${rest%%x*}; s=${rest#*x}
  echo "--family sm90 --block-m $bm --block-n $bn --warps $((bm / 64 * 4 + 4)) --stages $s"
}

for v in $VARIANTS; do
  name=${v%%:*}; split_variant "${v#*:}"
  for c in $CHECKS; do
    IFS=: read -r mask hd tiles sq sk h kvh dt extra <<< "$c"
    j=$(env $envs ATTNJIT_NVRTC_OPTIONS="$nv" ATTNJIT_CACHE_DIR=$CACHE/$name timeout 300 "$vbin" run \
        "${MASK[$mask]}" --seq-q $sq --seq-k $sk --heads $h --kv-heads $kvh --head-dim $hd \
        --dtype $dt --backend gpu --check --json $(tiles_flags $tiles) ${extra//,/ } $flags \
        2>>"$OUT/variant_ab.err")
    r=$(python3 -c 'import json,sys
j = json.loads(sys.argv[1]); print("%s rel_err %.2e lse %.2e" % ("ok" if j["passed"] else "FAILED", j["rel_err"], j["lse_max_err"]))' "$j" 2>/dev/null)
    echo "check $name $mask hd$hd $tiles $sq/$sk $h/$kvh $dt $extra: ${r:-FAILED (no result)}" \
      | tee -a "$OUT/variant_ab.txt"
  done
done

for pass in $(seq "$PASSES"); do
  for row in $ROWS; do
    IFS=: read -r mask hd tiles seq batch <<< "$row"
    seq=${seq:-16384}; batch=${batch:-1}
    for v in $VARIANTS; do
      name=${v%%:*}; split_variant "${v#*:}"
      j=$(env $envs ATTNJIT_NVRTC_OPTIONS="$nv" ATTNJIT_CACHE_DIR=$CACHE/$name timeout 300 "$vbin" run \
          "${MASK[$mask]}" --seq-q $seq --batch $batch --heads $((2048 / hd)) --head-dim $hd --backend gpu \
          --iters 20 --json $(tiles_flags $tiles) $flags 2>>"$OUT/variant_ab.err")
      python3 -c 'import json, sys
r = json.loads(sys.argv[1]); r.pop("cache_path", None); r["variant"] = sys.argv[2]; print(json.dumps(r))' \
        "$j" "$name" >> "$OUT/variant_ab.jsonl" 2>/dev/null
      r=$(python3 -c 'import json,sys
j = json.loads(sys.argv[1])
print("%.1f (first run %.1f ms)%s" % (j["tflops"], j.get("first_ms", 0),
      "" if j.get("repeat_identical", True) else " LAST RUN DIFFERS FROM THE FIRST"))' "$j" 2>/dev/null)
      echo "pass$pass $mask hd$hd $tiles ${seq}x$batch $name ${r:-FAILED}" | tee -a "$OUT/variant_ab.txt"
    done
  done
done
