#!/usr/bin/env python3
"""Times the PyTorch peers on the benchmark suite: SDPA (flash and cuDNN backends, dense masks
only) and FlexAttention (torch.compile, default and max-autotune-no-cudagraphs). Prints one JSON object per (mask, shape, system).

Effective TFLOP/s = 4 * B * H * attended_pairs * D / time, so a sparse mask is credited only for
the pairs it attends. Each time is the median of many calls after warm-up, with CUDA events.
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

MASKS = {
    # name: (attnjit mask text, element predicate on position tensors)
    "full": ("full", None),
    "causal": ("causal", lambda q, k: k <= q),
    "window1024": ("window(1023, 0)", lambda q, k: (k <= q) & (k >= q - 1023)),
    "sink4_window1024": ("causal & (window(1023, 0) | sink(4))",
                         lambda q, k: (k <= q) & ((k >= q - 1023) | (k < 4))),
    "longformer_w256_g64": ("window(256, 256) | global(64)",
                            lambda q, k: ((k - q).abs() <= 256) | (k < 64) | (q < 64)),
    "chunk2048": ("causal & chunk(2048)", lambda q, k: (k <= q) & (q // 2048 == k // 2048)),
    "prefix1024": ("causal | prefix(1024)", lambda q, k: (k <= q) | ((q < 1024) & (k < 1024))),
}


def attended_pairs(pred, seq, device):
    if pred is None:
        return seq * seq
    total = 0
    k = torch.arange(seq, device=device)
    for start in range(0, seq, 2048):  # rows in slabs keep memory small
        q = torch.arange(start, min(seq, start + 2048), device=device)[:, None]
        total += int(pred(q, k[None, :]).sum().item())
    return total


def time_ms(fn, warmup=3, iters=20):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        a = torch.cuda.Event(enable_timing=True)
        b = torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b))
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--masks", default=",".join(MASKS))
    ap.add_argument("--shapes", default="16384x1", help="seqxbatch,... e.g. 4096x4,16384x1")
    ap.add_argument("--head-dim", type=int, default=128)
    ap.add_argument("--hidden", type=int, default=2048)
    ap.add_argument("--flex-modes", default="default,max-autotune-no-cudagraphs",
                    help="torch.compile modes of FlexAttention, comma-separated: 'default' is "
                         "reported as flex, any other mode as flex_tuned")
    ap.add_argument("--tuned-shapes", default="16384x1",
                    help="shapes (seqxbatch,...) on which the non-default modes run: "
                         "max-autotune compiles for a long time per mask and shape")
    ap.add_argument("--no-flex", action="store_true")
    args = ap.parse_args()

    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.nn.attention.flex_attention import create_block_mask, flex_attention

    # Every mask and shape is a new graph: past dynamo's default limit of 8 recompiles it falls
    # back to eager FlexAttention, which would time the fallback, not the peer.
    import torch._dynamo
    torch._dynamo.config.cache_size_limit = 256
    torch._dynamo.config.accumulated_cache_size_limit = 1024
    flexes = []  # (system name, compiled FlexAttention)
    for mode in args.flex_modes.split(","):
        name = "flex" if mode == "default" else "flex_tuned"
        flexes.append((name, torch.compile(flex_attention, dynamic=False,
                                           mode=None if mode == "default" else mode)))
    dev = "cuda"
    D = args.head_dim
    H = args.hidden // D
    for shape in args.shapes.split(","):
        seq, batch = (int(x) for x in shape.split("x"))
        torch.manual_seed(0)
        q, k, v = (torch.randn(batch, H, seq, D, device=dev, dtype=torch.bfloat16) for _ in range(3))
        for name in args.masks.split(","):
            text, pred = MASKS[name]
            pairs = attended_pairs(pred, seq, dev)
            flops = 4.0 * batch * H * pairs * D
            row = dict(mask=name, text=text, seq=seq, batch=batch, heads=H, head_dim=D,
                       pairs=pairs, density=pairs / (seq * seq))
            systems = {}
            if name in ("full", "causal"):
                for sys_name, backend in (("sdpa_flash", SDPBackend.FLASH_ATTENTION),
                                          ("sdpa_cudnn", SDPBackend.CUDNN_ATTENTION)):
                    try:
                        with sdpa_kernel(backend):
                            fn = lambda: F.scaled_dot_product_attention(q, k, v, is_causal=(name == "causal"))
                            systems[sys_name] = time_ms(fn)
                    except Exception as e:  # a backend missing on this build is reported, not fatal
                        print(f"# {sys_name} failed on {name}: {e}", file=sys.stderr)
            if not args.no_flex:
                mask_mod = None
                if pred is not None:
                    mask_mod = lambda b, h, qi, ki, p=pred: p(qi, ki)
                bm = create_block_mask(mask_mod, None, None, seq, seq, device=dev) if mask_mod else None
                for sys_name, flex in flexes:
                    if sys_name != "flex" and shape not in args.tuned_shapes.split(","):
                        continue
                    t0 = time.perf_counter()
                    flex(q, k, v, block_mask=bm)
                    torch.cuda.synchronize()
                    row[sys_name + "_first_call_s"] = time.perf_counter() - t0
                    systems[sys_name] = time_ms(lambda: flex(q, k, v, block_mask=bm))
            for s, ms in systems.items():
                row[s + "_ms"] = ms
                row[s + "_tflops"] = flops / (ms * 1e-3) / 1e12
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
