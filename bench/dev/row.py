"""Formats one `attnjit run --json` result as a line: label, mask, head dim, TFLOP/s, compile."""
import json
import sys

label, name, hd, text = sys.argv[1:]
try:
    r = json.loads(text)
    print(f"{label:28s} {name:22s} hd{hd:4s} {r.get('tflops', 0):7.1f} TF  "
          f"compile {r.get('compile_ms', 0):7.0f} ms  {r.get('cache', '')}")
except Exception:
    print(f"{label:28s} {name:22s} hd{hd:4s} FAILED {text[:120]}")
