#!/usr/bin/env bash
# `attnjit run` end to end on the CPU backend, checked against the fp64 reference.
# Usage: run_cpu.sh ATTNJIT_BINARY TESTS_DIR. Exits 77 (skipped) when the CPU backend is absent.
set -uo pipefail
bin=$1
if ! "$bin" compile causal --backend cpu > /dev/null 2>&1; then
  echo "SKIPPED: this attnjit has no CPU backend"
  exit 77
fi
fails=0
run() { # run NAME MASK ARGS...
  local name=$1; shift
  local j
  j=$("$bin" run "$@" --backend cpu --check --iters 2 --json)
  local rc=$?
  if [ $rc -eq 0 ] && python3 -c "
import json, sys
d = json.loads(sys.argv[1])
assert d['backend'] == 'cpu' and d['passed'] and d['rel_err'] <= d['tolerance'] and not d['unwritten'], d
assert d['ms'] > 0 and d['tflops'] > 0 and 'compile_ms' in d and d['cache'] in ('hit', 'miss')
" "$j"; then echo "ok   $name"; else echo "FAIL $name: $j"; fails=$((fails + 1)); fi
}
run "sink and window, GQA, Lq < Lk, bf16" "causal & (window(W, 0) | sink(4))" --param W=7 \
  --seq-q 37 --seq-k 50 --heads 4 --kv-heads 2 --head-dim 64
run "longformer, Lq > Lk, fp16" "window(8, 8) | global(3)" --seq-q 70 --seq-k 40 --heads 2 \
  --head-dim 128 --dtype fp16
run "floor division on negatives, fp32, odd head dim" "(k - q) / 5 >= -2 & (q - k) % 7 != 3" \
  --seq-q 33 --heads 1 --head-dim 80 --dtype fp32
run "rows with no key among others" "k > q + 10" --seq-q 20 --seq-k 60 --heads 1 --head-dim 64 --dtype fp32
echo "$((4 - fails)) passed, $fails failed"
[ $fails -eq 0 ]
