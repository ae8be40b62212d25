#!/usr/bin/env bash
# The CLI as a user meets it: check, explain (text, JSON, SVG) and their error exits.
# Usage: check_explain.sh ATTNJIT_BINARY TESTS_DIR
set -uo pipefail
bin=$1
fails=0
expect() { # expect NAME CONDITION-RESULT
  if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$("$bin" check "( causal ) & (window(W , 0)|sink(4))")
[ $? -eq 0 ] && grep -q "canonical  causal & (window(W, 0) | sink(4))" <<<"$out" &&
  grep -q "params     W" <<<"$out"
expect "check prints the canonical form and parameters" $?

a=$("$bin" check "causal&window(1,2)" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['hash'])")
b=$("$bin" check "( causal ) & (window(1 , 2))" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['hash'])")
[ -n "$a" ] && [ "$a" = "$b" ]
expect "hash ignores white space and parentheses" $?

"$bin" check "casual & window(1, 2)" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "mask:1:1: error:" "$tmp/err" && grep -q "did you mean 'causal'" "$tmp/err" &&
  grep -q "^\^~~~~~" "$tmp/err"
expect "a bad mask exits 1 with a caret and a suggestion" $?

"$bin" check "window(1, 2" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "error: expected" "$tmp/err"
expect "an unbalanced parenthesis is an error" $?

j=$("$bin" explain "causal & window(1023, 0)" --seq-q 4096 --json)
python3 - "$j" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
assert set(["canonical", "hash", "params", "pair_density", "walked_density", "blocks", "map"]) <= d.keys(), d.keys()
assert d["attended_pairs"] == 3670528, d["attended_pairs"]
assert abs(d["pair_density"] - 3670528 / 16777216) < 1e-12
assert len(d["map"]) == 32 and all(len(r) == 32 for r in d["map"])
b = d["blocks"]
assert b["full"] + b["partial"] + b["empty"] == 32 * 32
assert d["map"][0][0] == "P" and d["map"][31][0] == "." and d["map"][31][30] == "F"
PY
expect "explain --json: keys, exact pair count, block map" $?

"$bin" explain "window(W, 0) | sink(S)" --seq-q 300 --seq-k 1000 --param W=64 --param S=4 \
  --block-m 64 --block-n 64 --svg "$tmp/map.svg" > "$tmp/out"
[ $? -eq 0 ] && grep -q "<svg" "$tmp/map.svg" && [ "$(grep -cE '^[FP.]+$' "$tmp/out")" -eq 5 ]
expect "explain with Lq < Lk, parameters and an SVG picture" $?

"$bin" explain "window(W, 0)" --seq-q 100 > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "'W'" "$tmp/err"
expect "an unbound parameter is an error naming it" $?

"$bin" explain "window(W, 0)" --seq-q 100 --param W=3 --param X=1 > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "'X'" "$tmp/err"
expect "a value for a name that is not a parameter is an error" $?

"$bin" explain "chunk(C)" --seq-q 100 --param C=0 > /dev/null 2> "$tmp/err"
[ $? -eq 1 ]
expect "a non-positive chunk parameter is a launch error" $?

if "$bin" compile causal --backend gpu > "$tmp/out" 2> "$tmp/err"; then
  echo "ok   (a GPU is present: compile succeeded)"
else
  grep -qi "no GPU" "$tmp/err"
  expect "without a GPU, --backend gpu says so cleanly" $?
fi

"$bin" compile "causal & (window(1023, 0) | sink(4))" --arch sm_90a --head-dim 128 --json \
  > "$tmp/c1" 2> "$tmp/err"
rc=$?
python3 - "$tmp/c1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["backend"] == "gpu" and d["arch"] == "sm_90a" and d["cache_key"], d
PY
[ $rc -eq 0 ] && [ $? -eq 0 ]
expect "compile --arch sm_90a works without a GPU and names its cache entry" $?

echo "$((12 - fails)) passed, $fails failed"
[ $fails -eq 0 ]
