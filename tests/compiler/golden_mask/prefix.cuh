// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       prefix(P)
//   normalized: q < P & k < P
// classify / key_ranges: straight-line code (every atom's kind fixed by literal coefficients;
// interval items within the walk-set bound). Masks with run-time coefficients, more
// pieces or more items than that use the analysis-plan interpreter instead.
struct Mask {
  static constexpr int kNumParams = 1;
  static constexpr int kMaxRanges = 1;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 2;
  static constexpr int kCodeSize = 0;
  static constexpr int kFormulaSize = 3;
  static constexpr int kFormulaDepth = 2;
  static constexpr int kCodeDepth = 1;

  long long p_P;

  ATTNJIT_HD explicit Mask(const long long* params) {
    p_P = params[0];
  }

  ATTNJIT_HD bool attend(int q, int k) const {
    const int P = int(p_P);
    return q < P && k < P;
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    if (q0 > q1 || k0 > k1) return attnjit::kMaskEmpty;
    int r = -1;
    long long c6, c7;
    bool u8, u9;
    attnjit::linear_cuts(1ll, -p_P + 1ll, attnjit::kCmpLe, q0, q1, c6, u8, c7, u9);
    long long c10, c11;
    bool u12, u13;
    attnjit::linear_cuts(1ll, -p_P + 1ll, attnjit::kCmpLe, k0, k1, c10, u12, c11, u13);
    long long e14 = q1;
    e14 = attnjit::cut_end(e14, q0, c6, u8);
    long long e15 = k1;
    e15 = attnjit::cut_end(e15, k0, c10, u12);
    {
      const int v0 = attnjit::compare_range(attnjit::linear_range(1ll, 0, -p_P + 1ll, q0, e14, k0, e15), attnjit::kCmpLe);
      const int v1 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -p_P + 1ll, q0, e14, k0, e15), attnjit::kCmpLe);
      const long long t16 = k0 - e14, t17 = e15 - q0;
      long long e18 = t17;
      {
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, v1));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    long long e19 = k1;
    e19 = attnjit::cut_end(e19, c10, k0, true);
    if (u12) {
      const int v0 = attnjit::compare_range(attnjit::linear_range(1ll, 0, -p_P + 1ll, q0, e14, c10, e19), attnjit::kCmpLe);
      const int v1 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -p_P + 1ll, q0, e14, c10, e19), attnjit::kCmpLe);
      const long long t20 = c10 - e14, t21 = e19 - q0;
      long long e22 = t21;
      {
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, v1));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    long long e23 = q1;
    e23 = attnjit::cut_end(e23, c6, q0, true);
    long long e24 = k1;
    e24 = attnjit::cut_end(e24, k0, c10, u12);
    if (u8) {
      const int v0 = attnjit::compare_range(attnjit::linear_range(1ll, 0, -p_P + 1ll, c6, e23, k0, e24), attnjit::kCmpLe);
      const int v1 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -p_P + 1ll, c6, e23, k0, e24), attnjit::kCmpLe);
      const long long t25 = k0 - e23, t26 = e24 - c6;
      long long e27 = t26;
      {
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, v1));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    long long e28 = k1;
    e28 = attnjit::cut_end(e28, c10, k0, true);
    if (u8 && u12) {
      const int v0 = attnjit::compare_range(attnjit::linear_range(1ll, 0, -p_P + 1ll, c6, e23, c10, e28), attnjit::kCmpLe);
      const int v1 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -p_P + 1ll, c6, e23, c10, e28), attnjit::kCmpLe);
      const long long t29 = c10 - e23, t30 = e28 - c6;
      long long e31 = t30;
      {
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, v1));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    return r;
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    attnjit::Interval x0, x1;
    attnjit::linear_key_items(attnjit::kCmpLe, 1ll, 0, -p_P + 1ll, q0, q1, x0, x1);
    attnjit::Interval x2, x3;
    attnjit::linear_key_items(attnjit::kCmpLe, 0, 1ll, -p_P + 1ll, q0, q1, x2, x3);
    const attnjit::Interval x4 = attnjit::item_and(x0, x2);
    (void)q0;
    (void)q1;
    attnjit::Interval w5 = x4;
    attnjit::Interval cur = attnjit::make_interval(0, -1);
    bool open = false;
    int n = 0;
    attnjit::item_emit(w5, cur, open, lo, hi, n);
    return attnjit::item_close(cur, open, lo, hi, n);
  }
};
