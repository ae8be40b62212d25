#!/bin/bash
# One device call: ptxas reports of the generated sources in .devbuild/ptx/*.cu (written here by
# bench/dev/emit_ptx_sources.sh), then the dev harness built and run (check, time).
#   bench/dev/device_run.sh [harness mode, default all]
set -uo pipefail
out=${OUT:-.devbuild/out}
mkdir -p "$out" .devbuild
if ls .devbuild/ptx/*.cu >/dev/null 2>&1; then
  for f in .devbuild/ptx/*.cu; do
    (nvcc -arch=sm_90 -cubin -Xptxas -v -Itemplates -o "${f%.cu}.cubin" "$f" >"${f%.cu}.log" 2>&1 ||
      echo "COMPILE FAILED $f") &
  done
fi
nvcc -O3 -std=c++17 -arch=sm_90 -I. -o .devbuild/harness bench/dev/harness.cu 2>&1 | grep -v Wno
wait
if ls .devbuild/ptx/*.log >/dev/null 2>&1; then
  for f in .devbuild/ptx/*.log; do
    n=$(basename "$f" .log)
    st=$(grep -o "[0-9]* bytes stack frame, [0-9]* bytes spill stores, [0-9]* bytes spill loads" "$f" | head -1)
    regs=$(grep -o "Used [0-9]* registers" "$f" | head -1)
    echo "PTXAS $n | $regs | $st"
  done | tee "$out/ptxas.txt"
fi
test -x .devbuild/harness || exit 1
./.devbuild/harness "${1:-all}" >"$out/harness.log" 2>&1
rc=$?
grep -E "FAIL|check:" "$out/harness.log" | head -40
grep -c PASS "$out/harness.log"
grep TIME "$out/harness.log"
exit $rc
