#!/usr/bin/env python3
"""Writes the benchmark's markdown from the JSON lines of bench/h200.sh: the throughput table
(effective TFLOP/s per system, attnjit / best peer, the walked-pair ceiling from `explain`, the
tiles attnjit ran with), and when given, the compile-latency table, tuning times, the tuning-
quality check and the attnjit / FlexAttention agreement.

Usage: report.py OURS PEERS [--latency F] [--tune F] [--quality F] [--agree F]
"""
import argparse
import json
import os


def load(path):
    if not path or not os.path.exists(path):
        return []
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rows.append(json.loads(line))
    return rows


def tiles_name(t):
    """128x64x4w2s from a tiles object of `run --json`; strings (from `tune --json`) pass."""
    if not t:
        return ""
    if isinstance(t, str):
        return t
    return f"{t['block_m']}x{t['block_n']}x{t['warps']}w{t['stages']}s"


def key(r):
    return (r["mask"], r["seq"], r["head_dim"])


def throughput(ours, peers):
    cols = ["sdpa_flash", "sdpa_cudnn", "flex", "flex_tuned"]
    print("| mask | hd | seq | batch | density | walked ceiling | tiles | attnjit ms | "
          "attnjit TFLOP/s | " + " | ".join(cols) + " | attnjit / best peer | rel err |")
    print("|---" * (11 + len(cols)) + "|")
    for r in ours:
        p = peers.get(key(r), {})
        vals = [p.get(c + "_tflops") for c in cols]
        best = max([v for v in vals if v], default=None)
        tf = r.get("tflops")
        ratio = f"{tf / best:.2f}" if best and tf else ""
        cells = [f"{v:.0f}" if v else "" for v in vals]
        err = r.get("rel_err")
        err_s = f"{err:.1e}" if isinstance(err, float) else ("FAILED" if "error" in r else "")
        # A failed check (over the tolerance, unwritten elements, or a last timed call whose
        # output differs from the first's) marks the row.
        if r.get("passed") is False:
            err_s += " FAILED"
        if r.get("repeat_identical") is False:
            err_s += " (last call differs)"
        tiles = tiles_name(r.get("tiles"))
        if r.get("tiles_from"):
            tiles += f" ({r['tiles_from']})"
        ms = f"{r['ms']:.3f}" if "ms" in r else ""
        tfs = f"{tf:.0f}" if tf else ""
        print(f"| {r['mask']} | {r['head_dim']} | {r['seq']} | {r['batch']} | "
              f"{r.get('density', 0):.3f} | {r.get('ceiling', 0):.3f} | {tiles} | {ms} | {tfs} | "
              + " | ".join(cells) + f" | {ratio} | {err_s} |")


def latency(rows, peers_rows):
    by_hd = {}
    for r in rows:
        by_hd.setdefault(r["head_dim"], []).append(r)
    hds = sorted(by_hd, reverse=True)
    if not hds:
        return
    print("\n## Compile latency (CUDA context excluded)\n")
    print("| | " + " | ".join(f"hd{h}" for h in hds) + " |")
    print("|---" * (len(hds) + 1) + "|")

    # "probe" rows: the same measurements on another kernel (h200.sh latency): "prebuilt" (the
    # default tiles, a module that comes with the library), "inline" (the sm90 kernel with the
    # mask compiled in), "other_mask" (a second mask after the cold compile).
    def samples(h, cache, field, probe=None):
        return sorted(r[field] for r in by_hd[h]
                      if r.get("cache") == cache and field in r and r.get("probe") == probe)

    def cold(h, probe=None):
        v = samples(h, "miss", "compile_ms", probe)
        if not v:
            return ""
        if len(v) == 1:
            return f"{v[0]:.0f} ms"
        return f"{v[len(v) // 2]:.0f} ms (median of {len(v)}; {v[0]:.0f}-{v[-1]:.0f})"

    def hit(h, field, unit, probe=None):
        v = samples(h, "hit", field, probe)
        return f"{v[len(v) // 2]:.2f} {unit}" if v else ""
    if any(r.get("probe") == "prebuilt" for r in rows):
        def first(h):
            v = samples(h, "hit", "compile_ms", "prebuilt")
            return f"{v[len(v) // 2]:.2f} ms (median of {len(v)})" if v else ""
        print("| attnjit first compile() at the default tiles, empty cache (the prebuilt module) | "
              + " | ".join(first(h) for h in hds) + " |")
    print("| attnjit cold compile (NVRTC, driver cache off; tiles not prebuilt) | "
          + " | ".join(cold(h) for h in hds) + " |")
    if any(r.get("probe") == "other_mask" for r in rows):
        print("| attnjit another mask after it, new process (the mask-free kernel's module) | "
              + " | ".join(hit(h, "compile_ms", "ms", "other_mask") or cold(h, "other_mask")
                           for h in hds) + " |")
    if any(r.get("probe") == "inline" for r in rows):
        print("| attnjit cold compile, mask inline (--mask-code inline) | "
              + " | ".join(cold(h, "inline") for h in hds) + " |")
    print("| attnjit disk-cache hit, new process | "
          + " | ".join(hit(h, "compile_ms", "ms") for h in hds) + " |")
    print("| attnjit memory hit (whole compile() call) | "
          + " | ".join(hit(h, "repeat_us", "us") for h in hds) + " |")
    firsts = {}
    for p in peers_rows:
        if "flex_tuned_first_call_s" in p and p["seq"] == 16384:
            firsts.setdefault(p["head_dim"], []).append((p["mask"], p["flex_tuned_first_call_s"]))
    if firsts:
        def median_s(h):
            v = sorted(s for _, s in firsts.get(h, []))
            return f"{v[len(v) // 2]:.1f} s" if v else ""
        print("| FlexAttention max-autotune first call (compile + autotune), seq 16384, median over masks | "
              + " | ".join(median_s(h) for h in hds) + " |")


def tuning(rows):
    if not rows:
        return
    print("\n## Tuning (attnjit tune, per suite entry)\n")
    print("| mask | hd | seq | batch | candidates | failed | tuned tiles | tuned ms | default ms "
          "| speed-up | tuning time |")
    print("|---" * 11 + "|")
    for r in rows:
        if "candidates" not in r:
            print(f"| {r['mask']} | {r['head_dim']} | {r['seq']} | {r['batch']} | FAILED: "
                  f"{str(r.get('error', ''))[:80]} | | | | | | |")
            continue
        cands = r["candidates"]
        failed = sum(1 for c in cands if c.get("error"))
        best, default = r.get("best_ms"), r.get("default_ms")
        speed = f"{default / best:.2f}x" if best and default else ""
        print(f"| {r['mask']} | {r['head_dim']} | {r['seq']} | {r['batch']} | {len(cands)} | "
              f"{failed} | {tiles_name(r.get('best'))} | {best or 0:.3f} | {default or 0:.3f} | "
              f"{speed} | {r.get('tune_s', 0):.1f} s |")


def quality(rows, tuned):
    if not rows:
        return
    chosen = {key(r): r for r in tuned}
    print("\n## Tuning quality: the database's choice against a fresh exhaustive sweep\n")
    print("| mask | hd | seq | batch | database's tiles | its ms in the sweep | sweep's best "
          "| best ms | within | default ms in the sweep |")
    print("|---" * 10 + "|")
    for r in rows:
        t = tiles_name(chosen.get(key(r), {}).get("best"))
        cands = {tiles_name(c.get("tiles")): c for c in r.get("candidates", [])}
        mine = cands.get(t, {}).get("ms")
        best = r.get("best_ms")
        within = f"{(mine / best - 1) * 100:+.1f}%" if mine and best else ""
        ms = f"{mine:.3f}" if mine else "not in sweep"
        print(f"| {r['mask']} | {r['head_dim']} | {r['seq']} | {r['batch']} | {t} | {ms} | "
              f"{tiles_name(r.get('best'))} | {best or 0:.3f} | {within} | "
              f"{r.get('default_ms') or 0:.3f} |")


def agreement(rows):
    if not rows:
        return
    print("\n## attnjit against FlexAttention on identical inputs (seq 4096, bf16)\n")
    print("| mask | hd | relative difference of the outputs | agree (<= tolerance) |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['mask']} | {r['head_dim']} | {r['rel_diff']:.1e} | "
              f"{'yes' if r['agree'] else 'NO'} (tol {r['tolerance']:.0e}) |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ours")
    ap.add_argument("peers")
    ap.add_argument("--latency")
    ap.add_argument("--tune")
    ap.add_argument("--quality")
    ap.add_argument("--agree")
    a = ap.parse_args()
    peers_rows = load(a.peers)
    peers = {key(r): r for r in peers_rows}
    print("## Throughput\n")
    throughput(load(a.ours), peers)
    latency(load(a.latency), peers_rows)
    tuned = load(a.tune)
    tuning(tuned)
    quality(load(a.quality), tuned)
    agreement(load(a.agree))


if __name__ == "__main__":
    main()
