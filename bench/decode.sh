#!/usr/bin/env bash
# Decode and variable-length rows on the GPU: attnjit (split-KV chosen and forced, two tile
# shapes) and, in the same run, cuDNN SDPA and FlexAttention on the same decode shapes
# (bench/peers_decode.py). Prints one JSON object per row; "gbps" = bytes of K and V walked /
# time. Usage (repository root, GPU machine, a build in $BUILD):
#   BUILD=build-dev OUT=/some/dir bash bench/decode.sh
# SEQS (default "8192 65536") picks the cache lengths, VARIANTS (default "auto nopack 1 4 16
# tile64 tile64s4 t64n64"; nopack = GQA packing off, tile64 = 64x128 tiles of 4 warps, digits =
# forced split-KV shares) the attnjit settings per length, PARTS (default "decode mixed varlen peers") the
# groups of rows: at 64k the host-side random inputs of one run take tens of seconds.
set -uo pipefail
SEQS=${SEQS:-8192 65536}
VARIANTS=${VARIANTS:-auto nopack 1 4 16 tile64 tile64s4 t64n64}
PARTS=${PARTS:-decode mixed varlen peers}
here=$(dirname "$0")
BUILD=${BUILD:-build-dev}
OUT=${OUT:-/tmp/attnjit-out}
bin=$BUILD/bin
mkdir -p "$OUT"
export ATTNJIT_CACHE_DIR=${ATTNJIT_CACHE_DIR:-$OUT/cache}
rows=$OUT/decode.jsonl
: > "$rows"

row() { # row NAME ARGS...: one attnjit run, tagged with NAME
  local name=$1; shift
  local j
  j=$(timeout 120 "$bin/attnjit" run "$@" --backend gpu --check --json 2>>"$OUT/decode.err")
  python3 -c '
import json, sys
name, text = sys.argv[1], sys.argv[2]
try:
    r = json.loads(text)
except Exception:
    r = {"error": text[:200]}
r["row"] = name
r.pop("cache_path", None)  # a path on the GPU machine
print(json.dumps(r))' "$name" "$j" | tee -a "$rows"
}

has() { [[ " $PARTS " == *" $1 "* ]]; }

decode="--seq-q 1 --batch 8 --heads 32 --kv-heads 8 --head-dim 128 --iters 50"
has decode && for lk in $SEQS; do
  for m in full "window(4095, 0) | sink(4)"; do
    tag="decode_${lk}_$( [ "$m" = full ] && echo full || echo sink4_window4096 )"
    for v in $VARIANTS; do
      case $v in
      auto) row "$tag" "$m" $decode --seq-k $lk ;;
      nopack) row "${tag}_nopack" "$m" $decode --seq-k $lk --pack-gqa 1 ;;
      tile64) row "${tag}_tile64" "$m" $decode --seq-k $lk --block-m 64 --warps 4 ;;
      t64n64) row "${tag}_tile64x64" "$m" $decode --seq-k $lk --block-m 64 --block-n 64 --warps 4 ;;
      tile64s*) row "${tag}_tile64_splits${v#tile64s}" "$m" $decode --seq-k $lk --block-m 64 \
        --warps 4 --splits ${v#tile64s} ;;
      *) row "${tag}_splits$v" "$m" $decode --seq-k $lk --splits $v ;;
      esac
    done
  done
done
# A cache of unequal fill (seqused_k): 8 sequences from 1000 to 70000 keys.
has mixed && row decode_seqused_mixed full --seq-q 1 --heads 32 --kv-heads 8 --head-dim 128 --iters 50 \
  --seqlens-k 1000,70000,8192,30000,512,65536,4096,20000

# Packed varlen prefill (16 sequences of mixed lengths, 16384 tokens) vs equal-length causal.
lens=2048,512,1536,256,3072,128,1024,768,2304,384,640,1280,896,1152,192,192
has varlen && row varlen_prefill_causal causal --seqlens-q $lens --heads 16 --head-dim 128 --iters 20
has varlen && row dense_causal_16384x1 causal --seq-q 16384 --heads 16 --head-dim 128 --iters 20
has varlen && row dense_causal_1024x16 causal --seq-q 1024 --batch 16 --heads 16 --head-dim 128 \
  --iters 20

if has peers; then
  timeout 300 python3 "$here/peers_decode.py" --seq-k "${SEQS// /,}" \
    > "$OUT/peers_decode.jsonl" 2>"$OUT/peers_decode.err"
  cat "$OUT/peers_decode.jsonl"
fi
