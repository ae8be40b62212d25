#!/bin/bash
# One device call comparing two sets of generated Mask structs: the harness built twice (the
# structs of .devbuild/old/.devbuild/gen as "old", .devbuild/gen as "new"), ptxas reports of
# .devbuild/ptx/*.cu, then the new harness's check sweep and both harnesses' PEERS timing, alternated.
#   bench/dev/device_ab.sh
set -uo pipefail
out=${OUT:-.devbuild/out}
mkdir -p "$out"
for f in .devbuild/ptx/*.cu; do
  nvcc -arch=sm_90 -cubin -Xptxas -v -Itemplates -o "${f%.cu}.cubin" "$f" >"${f%.cu}.log" 2>&1 &
done
nvcc -O3 -std=c++17 -arch=sm_90 -I.devbuild/old -I. -o .devbuild/harness_old \
  bench/dev/harness.cu >"$out/old_build.log" 2>&1 &
nvcc -O3 -std=c++17 -arch=sm_90 -I. -o .devbuild/harness bench/dev/harness.cu \
  >"$out/new_build.log" 2>&1 &
wait
for f in .devbuild/ptx/*.log; do
  echo "PTXAS $(basename "$f" .log) | $(grep -o 'Used [0-9]* registers' "$f" | head -1) |" \
    "$(grep -o '[0-9]* bytes stack frame, [0-9]* bytes spill stores, [0-9]* bytes spill loads' \
      "$f" | sort -u | tr '\n' ';')"
done | tee "$out/ptxas.txt"
test -x .devbuild/harness || { tail -20 "$out/new_build.log"; exit 1; }
timeout 70 ./.devbuild/harness check >"$out/new_check.log" 2>&1
echo "new check rc=$?"
grep -E "FAIL|check:" "$out/new_check.log" | head -20
echo "PASS $(grep -c PASS "$out/new_check.log")"
for run in new old new old; do
  h=.devbuild/harness
  test $run = old && h=.devbuild/harness_old
  test -x $h || continue
  timeout 20 $h peers 2>&1 | grep TIME | sed "s/^/$run /" | tee -a "$out/peers.txt"
done
