#!/usr/bin/env bash
# `attnjit run` on decode and variable-length batches: flag errors (any build), then packed and
# seqused_k batches on the CPU backend checked per sequence against the fp64 reference.
# Usage: run_varlen.sh ATTNJIT_BINARY TESTS_DIR. The CPU part exits 77 without the CPU backend.
set -uo pipefail
bin=$1
fails=0
expect_error() { # expect_error NAME MESSAGE ARGS...
  local name=$1 want=$2; shift 2
  local out
  out=$("$bin" run "$@" 2>&1)
  if [ $? -ne 0 ] && grep -qF -- "$want" <<< "$out"; then echo "ok   $name"
  else echo "FAIL $name: wanted '$want', got: $out"; fails=$((fails + 1)); fi
}
expect_error "bad length" "--seqlens-k: 'x' is not a length" causal --seqlens-k 10,x
expect_error "empty length" "--seqlens-q: '' is not a length" causal --seqlens-q 4,,5
expect_error "negative length" "--seqlens-k: '-3' is not a length" causal --seqlens-k=-3
expect_error "splits range" "--splits" causal --splits 129
if ! "$bin" compile causal --backend cpu > /dev/null 2>&1; then
  echo "$((4 - fails)) passed, $fails failed; SKIPPED: this attnjit has no CPU backend"
  [ $fails -eq 0 ] && exit 77
  exit 1
fi
expect_error "counts differ" "--seqlens-q gives 2 sequences but --seqlens-k 3" causal \
  --backend cpu --seqlens-q 3,4 --seqlens-k 5,6,7
expect_error "batch disagrees" "--batch 3 disagrees with the 2 sequence lengths" causal \
  --backend cpu --batch 3 --seqlens-k 5,6
run() { # run NAME MASK ARGS...
  local name=$1; shift
  local j
  j=$("$bin" run "$@" --backend cpu --check --iters 2 --json)
  local rc=$?
  if [ $rc -eq 0 ] && python3 -c "
import json, sys
d = json.loads(sys.argv[1])
assert d['passed'] and d['rel_err'] <= d['tolerance'] and not d['unwritten'], d
assert d['checked_rows'] > 0 and d['splits'] == 1, d
" "$j"; then echo "ok   $name"; else echo "FAIL $name: $j"; fails=$((fails + 1)); fi
}
run "decode with seqused_k, GQA, sink and window" "causal & (window(W, 0) | sink(4))" \
  --param W=40 --seq-q 3 --seqlens-k 1,90,0,300 --heads 4 --kv-heads 2 --head-dim 64
run "packed prefill, causal" causal --seqlens-q 1,50,0,130 --heads 2 --head-dim 64 --dtype fp32
run "packed chunked prefill, keys > queries" "window(8, 8)" --seqlens-q 5,60,20 \
  --seqlens-k 40,60,7 --heads 2 --kv-heads 1 --head-dim 32 --dtype fp16
j=$("$bin" run full --backend cpu --seq-q 1 --seq-k 256 --heads 2 --head-dim 64 --iters 2 --json)
if python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['gbps'] > 0, d" "$j"; then
  echo "ok   decode reports gbps"; else echo "FAIL decode reports gbps: $j"; fails=$((fails + 1)); fi
echo "$((10 - fails)) passed, $fails failed"
[ $fails -eq 0 ]
