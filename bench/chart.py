#!/usr/bin/env python3
"""Draws the benchmark's grouped bar chart (effective TFLOP/s per mask and system) as a PNG.

Usage: chart.py OURS.jsonl PEERS.jsonl OUT.png [--head-dim 128] [--seq 16384]

Written with the standard library only (zlib + struct and a 5x7 pixel font), so it runs on any
machine that runs the benchmark, with or without plotting packages.
"""
import argparse
import json
import struct
import zlib

# 5x7 glyphs: seven rows of five bits, most significant bit on the left.
FONT = {
    "0": (14, 17, 19, 21, 25, 17, 14), "1": (4, 12, 4, 4, 4, 4, 14),
    "2": (14, 17, 1, 2, 4, 8, 31), "3": (31, 2, 4, 2, 1, 17, 14),
    "4": (2, 6, 10, 18, 31, 2, 2), "5": (31, 16, 30, 1, 1, 17, 14),
    "6": (6, 8, 16, 30, 17, 17, 14), "7": (31, 1, 2, 4, 8, 8, 8),
    "8": (14, 17, 17, 14, 17, 17, 14), "9": (14, 17, 17, 15, 1, 2, 12),
    "a": (0, 0, 14, 1, 15, 17, 15), "b": (16, 16, 22, 25, 17, 17, 30),
    "c": (0, 0, 14, 16, 16, 17, 14), "d": (1, 1, 13, 19, 17, 17, 15),
    "e": (0, 0, 14, 17, 31, 16, 14), "f": (6, 9, 8, 28, 8, 8, 8),
    "g": (0, 15, 17, 17, 15, 1, 14), "h": (16, 16, 22, 25, 17, 17, 17),
    "i": (4, 0, 12, 4, 4, 4, 14), "j": (2, 0, 6, 2, 2, 18, 12),
    "k": (16, 16, 18, 20, 24, 20, 18), "l": (12, 4, 4, 4, 4, 4, 14),
    "m": (0, 0, 26, 21, 21, 17, 17), "n": (0, 0, 22, 25, 17, 17, 17),
    "o": (0, 0, 14, 17, 17, 17, 14), "p": (0, 0, 30, 17, 30, 16, 16),
    "q": (0, 0, 13, 19, 15, 1, 1), "r": (0, 0, 22, 25, 16, 16, 16),
    "s": (0, 0, 14, 16, 14, 1, 30), "t": (8, 8, 28, 8, 8, 9, 6),
    "u": (0, 0, 17, 17, 17, 19, 13), "v": (0, 0, 17, 17, 17, 10, 4),
    "w": (0, 0, 17, 17, 21, 21, 10), "x": (0, 0, 17, 10, 4, 10, 17),
    "y": (0, 0, 17, 17, 15, 1, 14), "z": (0, 0, 31, 2, 4, 8, 31),
    "A": (14, 17, 17, 31, 17, 17, 17), "F": (31, 16, 16, 30, 16, 16, 16),
    "L": (16, 16, 16, 16, 16, 16, 31), "O": (14, 17, 17, 17, 17, 17, 14),
    "P": (30, 17, 17, 30, 16, 16, 16), "T": (31, 4, 4, 4, 4, 4, 4),
    "_": (0, 0, 0, 0, 0, 0, 31), "-": (0, 0, 0, 31, 0, 0, 0), ".": (0, 0, 0, 0, 0, 12, 12),
    "/": (1, 1, 2, 4, 8, 16, 16), ":": (0, 12, 12, 0, 12, 12, 0), " ": (0,) * 7,
    "(": (2, 4, 8, 8, 8, 4, 2), ")": (8, 4, 2, 2, 2, 4, 8), ",": (0, 0, 0, 0, 12, 4, 8),
}

SYSTEMS = [("attnjit", (214, 39, 40)), ("sdpa_flash", (31, 119, 180)),
           ("sdpa_cudnn", (44, 160, 44)), ("flex", (255, 187, 120)),
           ("flex_tuned", (255, 127, 14))]


class Canvas:
    def __init__(self, w, h):
        self.w, self.h = w, h
        self.px = bytearray(b"\xff" * (w * h * 3))

    def rect(self, x0, y0, x1, y1, rgb):
        for y in range(max(0, y0), min(self.h, y1)):
            row = y * self.w * 3
            for x in range(max(0, x0), min(self.w, x1)):
                self.px[row + 3 * x:row + 3 * x + 3] = bytes(rgb)

    def text(self, x, y, s, rgb=(0, 0, 0), scale=1, vertical=False):
        """Draws `s` with its top-left corner at (x, y); vertical text reads bottom to top."""
        for i, ch in enumerate(s):
            glyph = FONT.get(ch, FONT[" "])
            for r, bits in enumerate(glyph):
                for c in range(5):
                    if bits >> (4 - c) & 1:
                        if vertical:  # rotate 90 degrees counter-clockwise
                            gx, gy = x + r * scale, y - (i * 6 + c) * scale
                        else:
                            gx, gy = x + (i * 6 + c) * scale, y + r * scale
                        self.rect(gx, gy, gx + scale, gy + scale, rgb)

    def png(self):
        raw = b"".join(b"\x00" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3])
                       for y in range(self.h))

        def chunk(tag, data):
            body = tag + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
        return (b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ours")
    ap.add_argument("peers")
    ap.add_argument("out")
    ap.add_argument("--head-dim", type=int, default=128)
    ap.add_argument("--seq", type=int, default=16384)
    a = ap.parse_args()

    peers = {(r["mask"], r["seq"], r["head_dim"]): r for r in load(a.peers)}
    groups = []
    for r in load(a.ours):
        if r["head_dim"] != a.head_dim or r["seq"] != a.seq:
            continue
        p = peers.get((r["mask"], r["seq"], r["head_dim"]), {})
        vals = [r.get("tflops") or 0.0] + [p.get(s + "_tflops") or 0.0 for s, _ in SYSTEMS[1:]]
        groups.append((r["mask"], vals))
    if not groups:
        raise SystemExit(f"chart.py: no rows for head dim {a.head_dim}, sequence {a.seq}")

    top = max(max(v) for _, v in groups)
    step = 100 if top > 300 else 50
    ymax = (int(top // step) + 1) * step
    bar, gap = 14, 24
    left, right, topm, bottom = 60, 20, 50, 140
    plot_w = len(groups) * (len(SYSTEMS) * bar + gap)
    W, H = left + plot_w + right, 480
    plot_h = H - topm - bottom
    cv = Canvas(W, H)
    cv.text(left, 12, f"effective TFLOP/s, hd{a.head_dim}, seq {a.seq}, bf16", scale=2)
    for t in range(0, ymax + 1, step):  # grid and y labels
        y = topm + plot_h - t * plot_h // ymax
        cv.rect(left, y, left + plot_w, y + 1, (220, 220, 220))
        cv.text(left - 6 - 6 * len(str(t)), y - 3, str(t))
    cv.rect(left, topm, left + 1, topm + plot_h, (0, 0, 0))
    cv.rect(left, topm + plot_h, left + plot_w, topm + plot_h + 1, (0, 0, 0))
    x = left + gap // 2
    for name, vals in groups:
        for (sname, rgb), v in zip(SYSTEMS, vals):
            if v > 0:
                h = int(v * plot_h / ymax)
                cv.rect(x, topm + plot_h - h, x + bar - 2, topm + plot_h, rgb)
            x += bar
        cv.text(x - len(SYSTEMS) * bar // 2 - 4, topm + plot_h + 8 + 6 * len(name), name,
                vertical=True)
        x += gap
    lx = left + plot_w - len(SYSTEMS) * 95  # legend
    for i, (sname, rgb) in enumerate(SYSTEMS):
        cv.rect(lx + i * 95, 34, lx + i * 95 + 10, 44, rgb)
        cv.text(lx + i * 95 + 14, 36, sname)
    with open(a.out, "wb") as f:
        f.write(cv.png())


if __name__ == "__main__":
    main()
