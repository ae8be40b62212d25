#!/usr/bin/env bash
# Hardware counters of the dense sm90 kernel beside cuDNN's (PyTorch SDPA), one warm launch
# each, full mask, bf16, 16384 x 1, heads = 2048 / head dim:
#   BIN=build-carry/bin/attnjit OUT=dir bash bench/dev/ncu_dense.sh
# ROWS: hd:tiles pairs (default "128:128x128x3 64:128x192x4"). Writes the full raw page per
# kernel to $OUT/ncu_<who>_hd<hd>.txt and prints a short table of chosen counters.
set -uo pipefail
OUT=${OUT:-/tmp/attnjit-out}
BIN=${BIN:-build-carry/bin/attnjit}
ROWS=${ROWS:-"128:128x128x3 64:128x192x4"}
mkdir -p "$OUT"
NCU="ncu --clock-control none --set full --page raw --csv"
cat > "$OUT/sdpa_one.py" <<'PY'
import sys, torch
import torch.nn.functional as F
from torch.nn.attention import sdpa_kernel, SDPBackend
d = int(sys.argv[1]); h = 2048 // d
q, k, v = (torch.randn(1, h, 16384, d, device="cuda", dtype=torch.bfloat16) for _ in range(3))
with sdpa_kernel(SDPBackend.CUDNN_ATTENTION):
    for _ in range(3):
        F.scaled_dot_product_attention(q, k, v)
torch.cuda.synchronize()
PY
for row in $ROWS; do
  IFS=: read -r hd tiles <<< "$row"
  bm=${tiles%%x*}; rest=${tiles#*x}; bn=${rest%%x*}; s=${rest#*x}
  ATTNJIT_CACHE_DIR=/tmp/attnjit-ncu-cache timeout 300 $NCU --kernel-name regex:attnjit --launch-skip 2 \
    --launch-count 1 "$BIN" run full --seq-q 16384 --heads $((2048 / hd)) --head-dim $hd \
    --backend gpu --iters 3 --family sm90 --block-m $bm --block-n $bn --warps $((bm / 64 * 4 + 4)) --stages $s \
    > "$OUT/ncu_ours_hd$hd.txt" 2> "$OUT/ncu_ours_hd$hd.err"
  timeout 300 $NCU --kernel-name 'regex:(?i)(cudnn|fmha|sdpa|flash|attn|fort)' --launch-skip 1 \
    --launch-count 1 python3 "$OUT/sdpa_one.py" $hd \
    > "$OUT/ncu_cudnn_hd$hd.txt" 2> "$OUT/ncu_cudnn_hd$hd.err"
done
python3 - "$OUT" $ROWS <<'PY'
import csv, sys, os, re
out = sys.argv[1]
want = [
  "Kernel Name", "gpu__time_duration.sum", "sm__cycles_elapsed.avg.per_second",
  "sm__throughput.avg.pct_of_peak_sustained_elapsed",
  "smsp__issue_active.avg.pct_of_peak_sustained_active",
  "smsp__inst_executed.sum", "sm__warps_active.avg.per_cycle_active",
  "launch__registers_per_thread", "launch__grid_size", "launch__block_size",
  "lts__throughput.avg.pct_of_peak_sustained_elapsed",
  "lts__t_sectors.avg.pct_of_peak_sustained_elapsed", "lts__t_bytes.sum",
  "lts__t_sector_hit_rate.pct", "dram__bytes_read.sum",
  "l1tex__m_xbar2l1tex_read_bytes.sum",
]
pat = re.compile(r"pipe_(tensor|xu|fma|alu|fmaheavy|lsu|uniform).*(pct_of_peak_sustained_active|pct_of_peak_sustained_elapsed)$|inst_executed_pipe_(xu|fma|alu|lsu|uniform)\.sum$|warp_latency_issue_stalled_.*\.ratio$|average_warps_issue_stalled_.*_per_issue_active\.ratio$")
for row in sys.argv[2:]:
    hd = row.split(":")[0]
    for who in ("ours", "cudnn"):
        path = os.path.join(out, f"ncu_{who}_hd{hd}.txt")
        try:
            lines = [l for l in open(path) if l.startswith('"')]
            rows = list(csv.reader(lines))
            head, units, vals = rows[0], rows[1], rows[2]
        except Exception as e:
            print(f"{who} hd{hd}: no profile ({e})"); continue
        m = dict(zip(head, vals))
        print(f"== {who} hd{hd}")
        for k in want:
            print(f"  {k} = {m.get(k)}")
        stalls = []
        for k, v in m.items():
            if pat.search(k):
                try: fv = float(v.replace(",", ""))
                except ValueError: continue
                if "stalled" in k:
                    stalls.append((fv, k))
                else:
                    print(f"  {k} = {v}")
        for fv, k in sorted(stalls, reverse=True)[:8]:
            print(f"  {k} = {fv}")
PY
