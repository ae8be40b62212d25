#!/usr/bin/env bash
# `attnjit tune` on a machine with no GPU: a clear message naming the cause, exit status 1, no
# table, and no tuning database written. Usage: tune_no_gpu.sh ATTNJIT_BINARY TESTS_DIR.
# Exits 77 (skipped) where a GPU is present.
set -uo pipefail
bin=$1
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
out=$(ATTNJIT_CACHE_DIR=$cache "$bin" tune causal --head-dim 64 --seq-q 256 2> "$cache/err")
rc=$?
err=$(cat "$cache/err")
if [ $rc -eq 0 ]; then
  echo "SKIPPED: this machine has a GPU (tune ran)"
  exit 77
fi
fails=0
checks=0
check() { # check NAME CONDITION...
  local name=$1; shift
  checks=$((checks + 1))
  if "$@"; then echo "ok   $name"; else echo "FAIL $name (rc $rc, stderr: $err, stdout: $out)"; fails=$((fails + 1)); fi
}
check "exit status 1" [ $rc -eq 1 ]
check "the message says there is no GPU" grep -q "cannot tune: no GPU" <<< "$err"
check "nothing on stdout" [ -z "$out" ]
check "no tuning database written" [ ! -e "$cache/tune" ]
# --json changes nothing about the failure.
ATTNJIT_CACHE_DIR=$cache "$bin" tune causal --json > /dev/null 2> "$cache/err2"
rc2=$?
check "--json fails the same way" [ $rc2 -eq 1 ]
check "--json names the cause" grep -q "no GPU" "$cache/err2"
# A bad mask is reported as such before anything about devices matters.
ATTNJIT_CACHE_DIR=$cache "$bin" tune "casual" > /dev/null 2> "$cache/err3"
rc3=$?
check "a mask error fails" [ $rc3 -eq 1 ]
check "a mask error is reported as one" grep -q "did you mean 'causal'" "$cache/err3"
# run --tune where the kernel runs on the CPU: nothing to tune, said once, and the run goes on.
if "$bin" compile causal --backend cpu > /dev/null 2>&1; then
  ATTNJIT_CACHE_DIR=$cache "$bin" run causal --seq-q 40 --heads 2 --head-dim 64 --iters 1 --tune \
    > /dev/null 2> "$cache/err4"
  rc4=$?
  check "run --tune on the CPU runs" [ $rc4 -eq 0 ]
  check "run --tune on the CPU says tuning was skipped" grep -q "tune skipped" "$cache/err4"
fi
echo "$((checks - fails)) passed, $fails failed"
[ $fails -eq 0 ]
