#!/usr/bin/env python3
"""Checks that attnjit and FlexAttention agree: loads q, k, v, o written by `attnjit run --save`
(float32 holding the exact bf16 values), runs FlexAttention on the same q, k, v with the same
mask and prints one JSON line per run with the relative Frobenius difference of the outputs.

Usage: agree.py DIR:MASK_NAME... [--tolerance 1e-2]   (MASK_NAME as in peers.py's MASKS)
Exit status 1 when any difference is over the tolerance.
"""
import argparse
import json
import sys

import numpy as np
import torch

from peers import MASKS


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="+", help="DIR:MASK_NAME")
    ap.add_argument("--tolerance", type=float, default=1e-2)
    a = ap.parse_args()
    from torch.nn.attention.flex_attention import create_block_mask, flex_attention
    flex = torch.compile(flex_attention, dynamic=False)
    all_ok = True
    for run in a.runs:
        d, name = run.rsplit(":", 1)

        def load(tensor):
            return torch.from_numpy(np.load(f"{d}/{tensor}.npy")).cuda()
        q, k, v = (load(n).to(torch.bfloat16) for n in ("q", "k", "v"))
        ours = load("o")
        _, pred = MASKS[name]
        B, H, L, D = q.shape
        bm = None
        if pred is not None:
            bm = create_block_mask(lambda b, h, qi, ki, p=pred: p(qi, ki), None, None, L,
                                   k.shape[2], device="cuda")
        theirs = flex(q, k, v, block_mask=bm, enable_gqa=(k.shape[1] != H)).float()
        diff = float(torch.linalg.vector_norm(theirs - ours) / torch.linalg.vector_norm(theirs))
        ok = diff <= a.tolerance
        all_ok = all_ok and ok
        print(json.dumps(dict(mask=name, seq=L, head_dim=D, heads=H, rel_diff=diff,
                              tolerance=a.tolerance, agree=ok)), flush=True)
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
