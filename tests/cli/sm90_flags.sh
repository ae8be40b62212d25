#!/usr/bin/env bash
# The --family flag as a user meets it: emit and compile an sm90 kernel for sm_90a (no GPU
# needed), the family emit picks when none is named, and the clear refusals of sm90 for another
# target or of an unknown family.
# Usage: sm90_flags.sh ATTNJIT_BINARY TESTS_DIR
set -uo pipefail
bin=$1
fails=0
expect() { # expect NAME CONDITION-RESULT
  if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ATTNJIT_CACHE_DIR="$tmp/cache"

out=$("$bin" emit causal --head-dim 128 --family sm90 --arch sm_90a)
[ $? -eq 0 ] && grep -q '#include "fwd_sm90.cuh"' <<<"$out" &&
  grep -q "const __grid_constant__ attnjit::TmaMaps maps" <<<"$out" &&
  grep -q "constexpr int kWarps = 12;" <<<"$out"
expect "emit --family sm90 writes the sm90 entry with its tensor maps" $?

# The sm90 launch flags take their documented ranges only, and say which flag is wrong.
for bad in "--item-schedule 3" "--item-schedule -1" "--unit-group -1" "--persistent-blocks -2"; do
  out=$("$bin" run causal --seq-q 64 --head-dim 64 --backend gpu $bad 2>&1)
  rc=$?
  [ $rc -ne 0 ] && grep -q -- "${bad%% *}" <<<"$out"
  expect "run $bad is refused naming the flag" $?
done

out=$("$bin" emit causal --head-dim 64 --family sm80)
[ $? -eq 0 ] && grep -q '#include "fwd_sm80.cuh"' <<<"$out"
expect "emit --family sm80 writes the sm80 kernel" $?

# Without --family, emit picks the family as compile does: sm90 for sm_90a unless tile flags are
# given, sm80 otherwise (and with no --arch, where emit asks no device).
out=$("$bin" emit causal --head-dim 128 --arch sm_90a)
[ $? -eq 0 ] && grep -q "^//   kernel:    sm90, bf16, head dim 128," <<<"$out" &&
  grep -q '#include "fwd_sm90.cuh"' <<<"$out"
expect "emit --arch sm_90a without --family writes the sm90 kernel" $?

out=$("$bin" emit causal --head-dim 128 --arch sm_90a --family sm80)
[ $? -eq 0 ] && grep -q "^//   kernel:    sm80, bf16, head dim 128," <<<"$out" &&
  grep -q '#include "fwd_sm80.cuh"' <<<"$out"
expect "emit --arch sm_90a --family sm80 writes the sm80 kernel" $?

out=$("$bin" emit causal --head-dim 128 --arch sm_90a --block-n 64)
[ $? -eq 0 ] && grep -q "^//   kernel:    sm80, bf16, head dim 128, tile 128x64," <<<"$out"
expect "emit --arch sm_90a with tile flags and no --family writes sm80, as compile does" $?

out=$("$bin" emit causal --head-dim 128 --arch sm_80)
[ $? -eq 0 ] && grep -q "^//   kernel:    sm80, bf16, head dim 128," <<<"$out"
expect "emit --arch sm_80 writes the sm80 kernel" $?

out=$("$bin" emit causal --head-dim 128)
[ $? -eq 0 ] && grep -q "^//   kernel:    sm80, bf16, head dim 128," <<<"$out"
expect "emit with no --arch writes the sm80 kernel" $?

"$bin" emit causal --head-dim 128 --family sm90 --arch sm_80 > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "kernel family sm90 needs sm_90a (Hopper); the target is sm_80" "$tmp/err"
expect "emit of sm90 for sm_80 is refused with the reason" $?

"$bin" compile causal --head-dim 128 --family sm90 --arch sm_80 > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "kernel family sm90 needs sm_90a (Hopper); the target is sm_80" "$tmp/err"
expect "compile of sm90 for sm_80 is refused with the reason" $?

"$bin" emit causal --family sm90 --warps 8 > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "sm90: block_m 128 needs 12 warps" "$tmp/err"
expect "sm90 tiles its template cannot take are refused with the rule" $?

"$bin" compile causal --family sm70 --arch sm_90a > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "unknown kernel family 'sm70'" "$tmp/err"
expect "an unknown family is refused" $?

# Compiling needs NVRTC (not a GPU): without it the rest is skipped, not passed.
if "$bin" compile causal --arch sm_80 > /dev/null 2>&1; then
  j=$("$bin" compile causal --head-dim 256 --family sm90 --arch sm_90a --json)
  python3 - "$j" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
t = d["tiles"]
assert d["arch"] == "sm_90a", d
assert t["family"] == "sm90" and t["block_m"] == 128 and t["warps"] == 12, t
assert t["block_n"] == 64 and t["stages"] == 2, t
assert d["tiles_name"] == "sm90:128x64x12w2s", d["tiles_name"]
PY
  expect "compile --family sm90 --arch sm_90a builds the sm90 default for head dim 256" $?
else
  echo "SKIPPED compile for sm_90a: NVRTC is not available"
  [ $fails -eq 0 ] && exit 77
fi

[ $fails -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
