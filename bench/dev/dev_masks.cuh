// Hand-written Mask structs for the dev harness, following the contract that
// compiler/emit_mask_struct generates. `AnyMask` switches on params[0] so that one kernel
// instantiation covers every pattern in the correctness sweep; `FullMask` and `CausalMask` are
// the dedicated structs used for timing.
#pragma once

namespace devmask {

constexpr int kEmpty = 0, kPartial = 1, kFull = 2;
constexpr long long kBig = 1ll << 40;

__host__ __device__ inline long long floordiv(long long a, long long b) {
  long long q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
__host__ __device__ inline int and3(int a, int b) {
  if (a == kEmpty || b == kEmpty) return kEmpty;
  return (a == kFull && b == kFull) ? kFull : kPartial;
}
__host__ __device__ inline int or3(int a, int b) {
  if (a == kFull || b == kFull) return kFull;
  return (a == kEmpty && b == kEmpty) ? kEmpty : kPartial;
}
// k <= q
__host__ __device__ inline int causal3(long long q0, long long q1, long long k0, long long k1) {
  if (k0 > q1) return kEmpty;
  return k1 <= q0 ? kFull : kPartial;
}
// q - left <= k <= q + right
__host__ __device__ inline int window3(long long l, long long r, long long q0, long long q1,
                                       long long k0, long long k1) {
  if (k1 < q0 - l || k0 > q1 + r) return kEmpty;
  return (k0 >= q1 - l && k1 <= q0 + r) ? kFull : kPartial;
}
// k < n
__host__ __device__ inline int sink3(long long n, long long k0, long long k1) {
  if (k0 >= n) return kEmpty;
  return k1 < n ? kFull : kPartial;
}

struct FullMask {
  static constexpr int kNumParams = 0;
  static constexpr int kMaxRanges = 1;
  __host__ __device__ explicit FullMask(const long long*) {}
  __host__ __device__ bool attend(int, int) const { return true; }
  __host__ __device__ int classify(long long, long long, long long, long long) const {
    return kFull;
  }
  __host__ __device__ int key_ranges(long long, long long, long long* lo, long long* hi) const {
    lo[0] = 0;
    hi[0] = kBig;
    return 1;
  }
};

struct CausalMask {
  static constexpr int kNumParams = 0;
  static constexpr int kMaxRanges = 1;
  __host__ __device__ explicit CausalMask(const long long*) {}
  __host__ __device__ bool attend(int q, int k) const { return k <= q; }
  __host__ __device__ int classify(long long q0, long long q1, long long k0, long long k1) const {
    return causal3(q0, q1, k0, k1);
  }
  __host__ __device__ int key_ranges(long long, long long q1, long long* lo, long long* hi) const {
    lo[0] = 0;
    hi[0] = q1;
    return 1;
  }
};

// params: [kind, a, b]
//   0 full, 1 causal, 2 window(a, b), 3 causal & (window(a, 0) | sink(b)),
//   4 causal & chunk(a), 5 global(a), 6 none
struct AnyMask {
  static constexpr int kNumParams = 3;
  static constexpr int kMaxRanges = 2;
  int kind;
  long long a, b;
  __host__ __device__ explicit AnyMask(const long long* p) : kind(int(p[0])), a(p[1]), b(p[2]) {}

  __host__ __device__ bool attend(int q, int k) const {
    switch (kind) {
    case 0:
      return true;
    case 1:
      return k <= q;
    case 2:
      return q - a <= k && k <= q + b;
    case 3:
      return k <= q && (k >= q - a || k < b);
    case 4:
      return k <= q && floordiv(q, a) == floordiv(k, a);
    case 5:
      return k < a || q < a;
    default:
      return false;
    }
  }
  __host__ __device__ int classify(long long q0, long long q1, long long k0, long long k1) const {
    switch (kind) {
    case 0:
      return kFull;
    case 1:
      return causal3(q0, q1, k0, k1);
    case 2:
      return window3(a, b, q0, q1, k0, k1);
    case 3:
      return and3(causal3(q0, q1, k0, k1), or3(window3(a, 0, q0, q1, k0, k1), sink3(b, k0, k1)));
    case 4: {
      const long long c0 = floordiv(q0, a), c1 = floordiv(q1, a);
      int ch;
      if (k1 < c0 * a || k0 > (c1 + 1) * a - 1)
        ch = kEmpty;
      else if (c0 == c1 && k0 >= c0 * a && k1 <= (c0 + 1) * a - 1)
        ch = kFull;
      else
        ch = kPartial;
      return and3(causal3(q0, q1, k0, k1), ch);
    }
    case 5: {
      if (k1 < a || q1 < a) return kFull;
      if (k0 >= a && q0 >= a) return kEmpty;
      return kPartial;
    }
    default:
      return kEmpty;
    }
  }
  __host__ __device__ int key_ranges(long long q0, long long q1, long long* lo,
                                     long long* hi) const {
    switch (kind) {
    case 0:
      lo[0] = 0;
      hi[0] = kBig;
      return 1;
    case 1:
      lo[0] = 0;
      hi[0] = q1;
      return 1;
    case 2:
      lo[0] = q0 - a;
      hi[0] = q1 + b;
      return 1;
    case 3: {
      const long long s_hi = b - 1 < q1 ? b - 1 : q1;
      if (b <= 0 || s_hi + 1 >= q0 - a) {
        lo[0] = b <= 0 ? q0 - a : 0;
        hi[0] = q1;
        return 1;
      }
      lo[0] = 0;
      hi[0] = s_hi;
      lo[1] = q0 - a;
      hi[1] = q1;
      return 2;
    }
    case 4:
      lo[0] = floordiv(q0, a) * a;
      hi[0] = q1;
      return 1;
    case 5:
      lo[0] = 0;
      hi[0] = q0 < a ? kBig : a - 1;
      return 1;
    default:
      return 0;
    }
  }
};

} // namespace devmask
