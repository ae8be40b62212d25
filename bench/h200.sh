#!/usr/bin/env bash
# The benchmark on the H200, in two device calls (each under the 10-minute limit of one call):
#
#   prep: runs the GPU tests and memcheck and tunes attnjit on every suite entry (`attnjit
#         tune`, the tuning database); packs the database into $OUT/state.tgz and the tuning
#         report into $OUT/tune.jsonl. Put both into $BUILD/state/ before the second call.
#   full: with that database restored, in one run: compile latency, attnjit (tuned, from the
#         database) on the suite, the tuning-quality check, attnjit against FlexAttention on
#         identical inputs, the PyTorch peers (SDPA flash and cuDNN, FlexAttention default, and
#         max-autotune-no-cudagraphs on the 16384 shapes: its autotuning takes 10-20 s a mask);
#         writes results.md and chart.png under $OUT and prints the table last. Steps are cut
#         short so that the call ends inside the device's 10 minutes.
#   short: one call when device time is short: tunes the suite, then compile latency, attnjit
#         (tuned) on the suite and the peers (SDPA, FlexAttention default) in the same run;
#         no GPU tests, no quality or agreement checks, no FlexAttention max-autotune.
#   quick: GPU tests, memcheck and compile latency only.
#
# Usage (from the repository root, on the GPU machine, with a build carried in $BUILD):
#   BUILD=build-carry OUT=/some/dir bash bench/h200.sh prep|full|quick
set -uo pipefail
BUILD=${BUILD:-build-carry}
OUT=${OUT:-/tmp/attnjit-out}
mode=${1:-full}
bin=$BUILD/bin
WORK=${WORK:-/tmp/attnjit-bench}
mkdir -p "$OUT" "$WORK/logs"
LOGS=$WORK/logs
export PYTHONUNBUFFERED=1
export ATTNJIT_CACHE_DIR=$WORK/cache
export TORCHINDUCTOR_CACHE_DIR=$WORK/inductor
export TRITON_CACHE_DIR=$WORK/triton
export ATTNJIT_CLI=$PWD/$bin/attnjit # the GPU tests' two-process check runs this program
PEER_FLAGS=""
[ "$mode" = short ] && PEER_FLAGS="--flex-modes default"
log() { echo "== $(date +%T) $*" | tee -a "$LOGS/steps.log"; }

if [ -f "$BUILD/state/state.tgz" ]; then
  tar xzf "$BUILD/state/state.tgz" -C "$WORK" && log "restored state: $(ls "$WORK")"
fi

nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,driver_version --format=csv | tee "$LOGS/gpu.txt"

source "$(dirname "$0")/suite_masks.sh"
NAMES="full causal window1024 sink4_window1024 longformer_w256_g64 chunk2048 prefix1024"
# The suite's shapes and head dims; SHAPES= and HDS= in the environment narrow a run.
SHAPES=${SHAPES:-"16384x1 4096x4"}
HDS=${HDS:-"128 64"}

gpu_tests() {
  log "GPU tests"
  for t in "$bin"/test_gpu*; do
    timeout 300 "$t" > "$LOGS/$(basename "$t").log" 2>&1
    local rc=$? # before any command substitution, which would reset $?
    echo "$(basename "$t") exit $rc" | tee -a "$LOGS/steps.log"
    tail -3 "$LOGS/$(basename "$t").log"
  done
}

memcheck() { # memcheck MASK ARGS...
  timeout 120 compute-sanitizer --tool memcheck --error-exitcode 9 "$bin/attnjit" run "$@" \
    --check --iters 1 --backend gpu >> "$LOGS/memcheck.log" 2>&1
  echo "memcheck [$*] exit $?" | tee -a "$LOGS/steps.log"
}

probe() { # probe [NAME]: the JSON line on stdin without this machine's paths, "probe": NAME added
  python3 -c 'import json, sys
r = json.loads(sys.stdin.read())
r.pop("cache_path", None)
if len(sys.argv) > 1: r["probe"] = sys.argv[1]
print(json.dumps(r))' "$@"
}

latency() {
  log "compile latency"
  local lat=$WORK/latency.jsonl
  : > "$lat"
  local m="causal & (window(W, 0) | sink(4))"
  for hd in 128 64; do
    local cold i
    # compile()'s default tiles into an empty cache: the library's prebuilt module (nothing
    # compiles). Five samples, as the host CPU's speed varies from call to call.
    for i in 1 2 3 4 5; do
      cold=$(mktemp -d)
      CUDA_CACHE_DISABLE=1 ATTNJIT_CACHE_DIR=$cold "$bin/attnjit" compile "$m" --head-dim $hd \
        --json | probe prebuilt >> "$lat"
    done
    # NVRTC: five cold compiles of a tile config that is not prebuilt (the other stage count),
    # each into an empty cache; then a disk-cache hit of the last one, and another mask on the
    # same tiles (the mask-free module again: nothing compiles). CUDA_CACHE_DISABLE: NVRTC
    # would otherwise reuse the driver's compute cache for a source this machine has seen.
    local tiles="--family sm90 --block-m 128 --block-n $((hd == 256 ? 64 : 128)) --warps 12"
    tiles="$tiles --stages $((hd == 64 ? 2 : 3))"
    for i in 1 2 3 4 5; do
      cold=$(mktemp -d)
      CUDA_CACHE_DISABLE=1 ATTNJIT_CACHE_DIR=$cold "$bin/attnjit" compile "$m" --head-dim $hd \
        $tiles --json | probe >> "$lat"
    done
    ATTNJIT_CACHE_DIR=$cold "$bin/attnjit" compile "$m" --head-dim $hd $tiles --json |
      probe >> "$lat"
    ATTNJIT_CACHE_DIR=$cold "$bin/attnjit" compile "window(256, 256) | global(64)" \
      --head-dim $hd $tiles --json | probe other_mask >> "$lat"
    # The kernel with the mask compiled in (what every new mask cost before the mask-free one).
    for i in 1 2 3; do
      cold=$(mktemp -d)
      CUDA_CACHE_DISABLE=1 ATTNJIT_CACHE_DIR=$cold "$bin/attnjit" compile "$m" --head-dim $hd \
        --mask-code inline --json | probe inline >> "$lat"
    done
  done
  cat "$lat"
}

problem() { # problem NAME HD SHAPE -> the problem flags of one suite entry
  local hd=$2 seq=${3%x*} batch=${3#*x}
  echo "--seq-q $seq --batch $batch --heads $((2048 / hd)) --head-dim $hd"
}

tag() { # tag NAME HD SHAPE JSON -> the JSON with the suite entry's keys added
  python3 - "$@" <<'PY'
import json, sys
name, hd, shape, text = sys.argv[1:]
try:
    r = json.loads(text)
except Exception:
    r = {"error": text[-300:]}
seq, batch = shape.split("x")
r.update(mask=name, seq=int(seq), batch=int(batch), head_dim=int(hd))
r.pop("db_path", None); r.pop("cache_path", None) # this machine's paths
print(json.dumps(r))
PY
}

tune_suite() {
  log "tune"
  : > "$WORK/tune.jsonl"
  for hd in $HDS; do for shape in $SHAPES; do for name in $NAMES; do
    j=$(timeout 300 "$bin/attnjit" tune "${MASK[$name]}" $(problem $name $hd $shape) \
        --backend gpu --json 2>>"$LOGS/tune.err")
    tag "$name" "$hd" "$shape" "$j" >> "$WORK/tune.jsonl"
    tail -1 "$WORK/tune.jsonl" | cut -c1-160
  done; done; done
}

peers() { # peers OUTFILE SECONDS_PER_HEAD_DIM
  log "peers"
  for hd in $HDS; do
    timeout $2 python3 bench/peers.py --shapes ${SHAPES// /,} --head-dim $hd $PEER_FLAGS \
      >> "$1" 2>> "$LOGS/peers.err"
    echo "peers hd$hd exit $?" | tee -a "$LOGS/steps.log"
  done
}

checks() {
  gpu_tests
  log "memcheck"
  memcheck "causal" --seq-q 127 --seq-k 300 --heads 4 --kv-heads 2 --head-dim 64
  memcheck "window(W, 0) | sink(4)" --param W=33 --seq-q 17 --seq-k 1000 --head-dim 128 --dtype fp16
  memcheck "global(5) | chunk(64)" --seq-q 300 --seq-k 200 --head-dim 256
  memcheck "causal" --seq-q 1 --seqlens-k 1000,0,3000 --heads 8 --kv-heads 2 --head-dim 128
  memcheck "window(256, 256) | global(64)" --seq-q 3000 --heads 2 --head-dim 128 --split-tiles 3
  # Persistent launches, by the dynamic schedule (the counter) and the static one.
  memcheck "causal & chunk(256)" --seq-q 3001 --heads 3 --head-dim 128 --persistent-blocks 5
  memcheck "causal & chunk(256)" --seq-q 3001 --heads 3 --head-dim 64 --persistent-blocks 5 \
    --item-schedule 1
}

if [ "$mode" = prep ]; then
  checks
  tune_suite
  log "pack state"
  (cd "$WORK" && tar czf "$OUT/state.tgz" cache/tune)
  ls -la "$OUT/state.tgz"
  cp "$WORK/tune.jsonl" "$OUT/"
  tar czf "$OUT/logs.tgz" -C "$WORK" logs
  grep -h "exit" "$LOGS/steps.log"
  python3 bench/report.py /dev/null /dev/null --tune "$WORK/tune.jsonl" | tail -n +5
  exit 0
fi

if [ "$mode" = short ]; then
  tune_suite
  cp "$WORK/tune.jsonl" "$OUT/"
  mkdir -p "$BUILD/state" && cp "$WORK/tune.jsonl" "$BUILD/state/tune.jsonl"
fi
if [ "$mode" = quick ]; then
  checks
  latency
  exit 0
fi
latency

suite_row() { # suite_row NAME HD SHAPE: one attnjit run of the suite, with explain's density
  local name=$1 hd=$2 shape=$3 text=${MASK[$1]} j e
  j=$(timeout 120 "$bin/attnjit" run "$text" $(problem $name $hd $shape) --backend gpu \
      --check --iters 20 --json 2>>"$LOGS/suite.err")
  # The walked ratio at the tiles the run used (the kernel's own walk), 128 x 128 if unknown.
  local tiles
  tiles=$(python3 -c 'import json, sys
try:
    t = json.loads(sys.argv[1])["tiles"]; print(t["block_m"], t["block_n"])
except Exception:
    print(128, 128)' "$j")
  e=$("$bin/attnjit" explain "$text" --seq-q ${shape%x*} --block-m ${tiles% *} \
      --block-n ${tiles#* } --json)
  python3 - "$(tag "$name" "$hd" "$shape" "$j")" "$e" >> "$ours" <<'PY'
import json, sys
r, x = json.loads(sys.argv[1]), json.loads(sys.argv[2])
r.update(density=x["pair_density"], ceiling=x["ratio"])
r.pop("cache_path", None); r.pop("cache_key", None)
print(json.dumps(r))
PY
  tail -1 "$ours" | cut -c1-160
}

log "attnjit suite (tiles from the tuning database)"
ours=$WORK/ours.jsonl
: > "$ours"
for hd in $HDS; do for shape in $SHAPES; do for name in $NAMES; do
  suite_row "$name" "$hd" "$shape"
done; done; done

if [ "$mode" = full ]; then
log "tuning quality: the database's choice against a fresh exhaustive sweep"
: > "$WORK/quality.jsonl"
for entry in "full 128 16384x1" "sink4_window1024 128 16384x1"; do
  set -- $entry
  j=$(ATTNJIT_CACHE_DIR=$WORK/sweep timeout 300 "$bin/attnjit" tune "${MASK[$1]}" \
      $(problem $1 $2 $3) --backend gpu --force --json 2>>"$LOGS/quality.err")
  tag "$1" "$2" "$3" "$j" >> "$WORK/quality.jsonl"
done

log "attnjit against FlexAttention on identical inputs"
dirs=()
for name in $NAMES; do
  d=$WORK/agree/$name
  timeout 120 "$bin/attnjit" run "${MASK[$name]}" --seq-q 4096 --heads 16 --head-dim 128 \
    --backend gpu --iters 1 --save "$d" > /dev/null 2>>"$LOGS/agree.err" && dirs+=("$d:$name")
done
(cd bench && timeout 200 python3 agree.py "${dirs[@]}") > "$WORK/agree.jsonl" 2>>"$LOGS/agree.err"
rm -rf "$WORK/agree"
cat "$WORK/agree.jsonl"

log "head dim 256: full and causal beside SDPA (compile()'s default tiles, not tuned)"
for name in full causal; do suite_row "$name" 256 16384x1; done
timeout 90 python3 bench/peers.py --shapes 16384x1 --head-dim 256 --masks full,causal --no-flex \
  >> "$WORK/peers.jsonl" 2>> "$LOGS/peers.err"
echo "peers hd256 exit $?" | tee -a "$LOGS/steps.log"

fi
# What is left of the call's ~9.5 minutes (BENCH_END seconds) goes to the peers, half per head dim.
end=${BENCH_END:-560}
[ "$mode" = short ] && end=${BENCH_END:-490}
peers "$WORK/peers.jsonl" $(( (end - SECONDS) / 2 > 45 ? (end - SECONDS) / 2 : 45 ))

log "table"
python3 bench/report.py "$ours" "$WORK/peers.jsonl" --latency "$WORK/latency.jsonl" \
  --tune "$BUILD/state/tune.jsonl" --quality "$WORK/quality.jsonl" --agree "$WORK/agree.jsonl" \
  > "$OUT/results.md"
python3 bench/chart.py "$ours" "$WORK/peers.jsonl" "$OUT/chart.png"
cp "$ours" "$WORK/peers.jsonl" "$OUT/"
tar czf "$OUT/logs.tgz" -C "$WORK" logs latency.jsonl $(cd "$WORK" && ls quality.jsonl agree.jsonl 2>/dev/null)
cat "$OUT/results.md"
