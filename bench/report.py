#!/usr/bin/env python3
"""Merges attnjit's and the peers' JSON lines (from bench/h200.sh) into one markdown table:
effective TFLOP/s per system, attnjit / best peer, and the walked-pair ceiling from explain."""
import json
import sys


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rows.append(json.loads(line))
    return rows


def main():
    ours = load(sys.argv[1])
    peers = {(r["mask"], r["seq"], r["head_dim"]): r for r in load(sys.argv[2])}
    cols = ["sdpa_flash", "sdpa_cudnn", "flex"]
    print("| mask | hd | seq | batch | density | walked ceiling | attnjit ms | attnjit TFLOP/s | "
          + " | ".join(cols) + " | attnjit / best peer | rel err |")
    print("|---" * (10 + len(cols)) + "|")
    for r in ours:
        p = peers.get((r["mask"], r["seq"], r["head_dim"]), {})
        vals = [p.get(c + "_tflops") for c in cols]
        best = max([v for v in vals if v], default=None)
        ratio = f"{r['tflops'] / best:.2f}" if best and r.get("tflops") else ""
        cells = [f"{v:.0f}" if v else "" for v in vals]
        err = r.get("rel_err")
        err_s = f"{err:.1e}" if isinstance(err, float) else ("FAILED" if "error" in r else "")
        print(f"| {r['mask']} | {r['head_dim']} | {r['seq']} | {r['batch']} | {r['density']:.3f} | "
              f"{r['ceiling']:.3f} | {r['ms']:.3f} | {r['tflops']:.0f} | " + " | ".join(cells)
              + f" | {ratio} | {err_s} |")


if __name__ == "__main__":
    main()
