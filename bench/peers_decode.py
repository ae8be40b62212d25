#!/usr/bin/env python3
"""Times the PyTorch peers on the decode rows: SDPA (cuDNN backend, and flash for comparison) and
FlexAttention (torch.compile) with one query row per sequence against a long key/value cache.
Prints one JSON object per (mask, seq_k, system).

Bandwidth = bytes of K and V the mask needs (the keys the query row attends, each key/value head
once) / time, the measure `attnjit run --json` reports as "gbps"; time is the median of many calls
after warm-up, with CUDA events.
"""
import argparse
import json
import sys

import torch
import torch.nn.functional as F

import peers  # bench/peers.py: the same timing for every peer

# name: (attnjit mask text, predicate on (query position, key position), or None for full)
MASKS = {
    "full": ("full", None),
    "sink4_window4096": ("window(4095, 0) | sink(4)",
                         lambda q, k: ((k >= q - 4095) & (k <= q)) | (k < 4)),
}


def time_ms(fn):
    return peers.time_ms(fn, warmup=5, iters=50)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seq-k", default="8192,65536")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--heads", type=int, default=32)
    ap.add_argument("--kv-heads", type=int, default=8)
    ap.add_argument("--head-dim", type=int, default=128)
    args = ap.parse_args()

    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.nn.attention.flex_attention import create_block_mask, flex_attention

    import torch._dynamo
    torch._dynamo.config.cache_size_limit = 256
    flex = torch.compile(flex_attention, dynamic=False)
    dev = "cuda"
    B, H, HK, D = args.batch, args.heads, args.kv_heads, args.head_dim
    for lk in (int(x) for x in args.seq_k.split(",")):
        torch.manual_seed(0)
        q = torch.randn(B, H, 1, D, device=dev, dtype=torch.bfloat16)
        k, v = (torch.randn(B, HK, lk, D, device=dev, dtype=torch.bfloat16) for _ in range(2))
        for name, (text, pred) in MASKS.items():
            qpos = lk - 1  # the query row sits at the end of the keys (bottom-right)
            kpos = torch.arange(lk, device=dev)
            keys = lk if pred is None else int(pred(torch.tensor(qpos, device=dev), kpos).sum())
            kv_bytes = 2.0 * B * HK * keys * D * 2
            row = dict(mask=name, text=text, batch=B, heads=H, kv_heads=HK, head_dim=D, seq_q=1,
                       seq_k=lk, walked_keys=keys)
            systems = {}
            if pred is None:
                for sys_name, backend in (("sdpa_cudnn", SDPBackend.CUDNN_ATTENTION),
                                          ("sdpa_flash", SDPBackend.FLASH_ATTENTION)):
                    try:
                        with sdpa_kernel(backend):
                            fn = lambda: F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
                            systems[sys_name] = time_ms(fn)
                    except Exception as e:
                        # Some builds take GQA only with K and V expanded to every query head,
                        # which reads each of them H / HK times: reported under its own name.
                        print(f"# {sys_name} with enable_gqa failed: {e}", file=sys.stderr)
                        try:
                            ke, ve = (x.repeat_interleave(H // HK, dim=1) for x in (k, v))
                            with sdpa_kernel(backend):
                                fn = lambda: F.scaled_dot_product_attention(q, ke, ve)
                                systems[sys_name + "_expanded"] = time_ms(fn)
                        except Exception as e2:
                            print(f"# {sys_name} failed: {e2}", file=sys.stderr)
            mask_mod = None
            if pred is not None:
                mask_mod = lambda b, h, qi, ki, p=pred, off=lk - 1: p(qi + off, ki)
            try:
                bm = (create_block_mask(mask_mod, None, None, 1, lk, device=dev)
                      if mask_mod else None)
                systems["flex"] = time_ms(lambda: flex(q, k, v, block_mask=bm, enable_gqa=True))
            except Exception as e:
                print(f"# flex failed on {name} {lk}: {e}", file=sys.stderr)
            for s, ms in systems.items():
                row[s + "_ms"] = ms
                row[s + "_gbps"] = kv_bytes / (ms * 1e-3) / 1e9
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
