#!/usr/bin/env bash
# `attnjit run --save DIR` writes q, k, v, o, lse as float32 .npy files holding the exact values;
# an independent reference in plain Python (float64) recomputes o and lse from the saved inputs.
# Usage: save_npy.sh ATTNJIT_BINARY TESTS_DIR. Exits 77 (skipped) when the CPU backend is absent.
set -uo pipefail
bin=$1
if ! "$bin" compile causal --backend cpu > /dev/null 2>&1; then
  echo "SKIPPED: this attnjit has no CPU backend"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" run "causal & (window(W, 0) | sink(2)) | q % 5 == 0" --param W=3 --seq-q 13 --seq-k 21 \
  --heads 4 --kv-heads 2 --head-dim 16 --backend cpu --dtype bf16 --iters 1 --seed 7 \
  --save "$tmp" > "$tmp/log" || { cat "$tmp/log"; echo "FAIL run"; exit 1; }
python3 - "$tmp" <<'PY'
import array, ast, math, struct, sys

def load(path):
    with open(path, "rb") as f:
        assert f.read(6) == b"\x93NUMPY", "not a .npy file"
        major, minor = f.read(2)
        (n,) = struct.unpack("<H", f.read(2))
        header = ast.literal_eval(f.read(n).decode("latin1"))
        assert header["descr"] == "<f4" and not header["fortran_order"], header
        data = array.array("f")
        data.frombytes(f.read())
    shape = header["shape"]
    assert len(data) == math.prod(shape), (len(data), shape)
    return data, shape

d = sys.argv[1]
q, qs = load(d + "/q.npy"); k, ks = load(d + "/k.npy"); v, vs = load(d + "/v.npy")
o, os_ = load(d + "/o.npy"); lse, ls = load(d + "/lse.npy")
B, H, LQ, D = qs; _, HK, LK, _ = ks
assert os_ == qs and ls == (B, H, LQ) and vs == ks, (qs, ks, os_, ls)
W = 3
def attend(qp, kp):
    return (kp <= qp and (qp - W <= kp <= qp or kp < 2)) or qp % 5 == 0
scale = 1 / math.sqrt(D)
num = den = 0.0
worst_lse = 0.0
for b in range(B):
    for h in range(H):
        kh = h // (H // HK)
        for r in range(LQ):
            qp = r + LK - LQ
            qv = q[((b * H + h) * LQ + r) * D:][:D]
            s = {}
            for kp in range(LK):
                if attend(qp, kp):
                    kv = k[((b * HK + kh) * LK + kp) * D:][:D]
                    s[kp] = scale * sum(x * y for x, y in zip(qv, kv))
            ref = [0.0] * D
            ref_lse = -math.inf
            if s:
                m = max(s.values())
                l = sum(math.exp(x - m) for x in s.values())
                for kp, x in s.items():
                    w = math.exp(x - m) / l
                    vv = v[((b * HK + kh) * LK + kp) * D:][:D]
                    for i in range(D):
                        ref[i] += w * vv[i]
                ref_lse = m + math.log(l)
            got = o[((b * H + h) * LQ + r) * D:][:D]
            for i in range(D):
                num += (got[i] - ref[i]) ** 2
                den += ref[i] ** 2
            g = lse[(b * H + h) * LQ + r]
            if math.isinf(ref_lse):
                assert g == ref_lse, (b, h, r, g)
            else:
                worst_lse = max(worst_lse, abs(g - ref_lse))
err = math.sqrt(num / den)
print(f"rel err {err:.3g}, max |lse err| {worst_lse:.3g}")
assert err <= 1e-2, err
assert worst_lse <= 1e-2, worst_lse
assert any(x != 0 for x in q) and all(not math.isnan(x) for x in o)
PY
rc=$?
if [ $rc -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $rc
