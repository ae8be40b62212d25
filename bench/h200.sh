#!/usr/bin/env bash
# One device call: GPU tests, a memcheck pass, compile latency, attnjit on the benchmark suite
# and the PyTorch peers in the same run; the table is printed last.
# Usage (from the repository root, on the GPU machine, with a build carried in $BUILD):
#   BUILD=build-dev OUT=/some/dir bash bench/h200.sh [quick]
set -uo pipefail
BUILD=${BUILD:-build-dev}
OUT=${OUT:-/tmp/attnjit-out}
mode=${1:-full}
bin=$BUILD/bin
mkdir -p "$OUT"
export ATTNJIT_CACHE_DIR=$OUT/cache
export PYTHONUNBUFFERED=1
log() { echo "== $*" | tee -a "$OUT/steps.log"; }

nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,driver_version --format=csv | tee "$OUT/gpu.txt"

log "GPU tests"
timeout 300 "$bin/test_gpu" > "$OUT/gpu_tests.log" 2>&1
echo "test_gpu exit $?" | tee -a "$OUT/steps.log"
tail -4 "$OUT/gpu_tests.log"

log "memcheck"
memcheck() { # memcheck MASK ARGS...
  timeout 120 compute-sanitizer --tool memcheck --error-exitcode 9 "$bin/attnjit" run "$@" \
    --check --iters 1 --backend gpu >> "$OUT/memcheck.log" 2>&1
  echo "memcheck [$*] exit $?" | tee -a "$OUT/steps.log"
}
memcheck "causal" --seq-q 127 --seq-k 300 --heads 4 --kv-heads 2 --head-dim 64
memcheck "window(W, 0) | sink(4)" --param W=33 --seq-q 17 --seq-k 1000 --head-dim 128 --dtype fp16
memcheck "global(5) | chunk(64)" --seq-q 300 --seq-k 200 --head-dim 256

log "compile latency"
lat=$OUT/latency.jsonl
: > "$lat"
for hd in 128 64; do
  cold=$(mktemp -d)
  ATTNJIT_CACHE_DIR=$cold "$bin/attnjit" compile "causal & (window(W, 0) | sink(4))" --head-dim $hd --json >> "$lat"
  ATTNJIT_CACHE_DIR=$cold "$bin/attnjit" compile "causal & (window(W, 0) | sink(4))" --head-dim $hd --json >> "$lat"
done
cat "$lat"

[ "$mode" = quick ] && exit 0

log "attnjit suite"
ours=$OUT/ours.jsonl
: > "$ours"
declare -A MASK=(
  [full]="full" [causal]="causal" [window1024]="window(1023, 0)"
  [sink4_window1024]="causal & (window(1023, 0) | sink(4))"
  [longformer_w256_g64]="window(256, 256) | global(64)"
  [chunk2048]="causal & chunk(2048)" [prefix1024]="causal | prefix(1024)")
for hd in 128 64; do
  heads=$((2048 / hd))
  for shape in 16384x1 4096x4; do
    seq=${shape%x*}; batch=${shape#*x}
    for name in full causal window1024 sink4_window1024 longformer_w256_g64 chunk2048 prefix1024; do
      text=${MASK[$name]}
      j=$(timeout 120 "$bin/attnjit" run "$text" --seq-q $seq --batch $batch --heads $heads \
          --head-dim $hd --backend gpu --check --iters 20 --json 2>>"$OUT/suite.err")
      e=$("$bin/attnjit" explain "$text" --seq-q $seq --json)
      python3 - "$name" "$seq" "$batch" "$hd" "$j" "$e" >> "$ours" <<'PY'
import json, sys
name, seq, batch, hd, j, e = sys.argv[1:]
try:
    r = json.loads(j)
except Exception:
    r = {"ms": float("nan"), "tflops": 0.0, "error": j[:200]}
x = json.loads(e)
r.update(mask=name, seq=int(seq), batch=int(batch), head_dim=int(hd),
         density=x["pair_density"], ceiling=x["ratio"])
print(json.dumps(r))
PY
      tail -1 "$ours" | cut -c1-200
    done
  done
done

log "peers"
for hd in 128 64; do
  timeout 400 python3 bench/peers.py --shapes 16384x1,4096x4 --head-dim $hd \
    >> "$OUT/peers.jsonl" 2>> "$OUT/peers.err"
done

log "table"
python3 bench/report.py "$ours" "$OUT/peers.jsonl" | tee "$OUT/results.md"
