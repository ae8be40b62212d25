// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       sink(S)
//   normalized: k < S
// classify / key_ranges: straight-line code (every atom's kind fixed by literal coefficients;
// interval items within the walk-set bound). Masks with run-time coefficients, more
// pieces or more items than that use the analysis-plan interpreter instead.
struct Mask {
  static constexpr int kNumParams = 1;
  static constexpr int kMaxRanges = 1;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 1;
  static constexpr int kCodeSize = 0;
  static constexpr int kFormulaSize = 1;
  static constexpr int kFormulaDepth = 1;
  static constexpr int kCodeDepth = 1;

  long long p_S;

  ATTNJIT_HD explicit Mask(const long long* params) {
    p_S = params[0];
  }

  ATTNJIT_HD bool attend(int q, int k) const {
    const int S = int(p_S);
    return k < S;
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    if (q0 > q1 || k0 > k1) return attnjit::kMaskEmpty;
    int r = -1;
    long long c3, c4;
    bool u5, u6;
    attnjit::linear_cuts(1ll, -p_S + 1ll, attnjit::kCmpLe, k0, k1, c3, u5, c4, u6);
    long long e7 = q1;
    long long e8 = k1;
    e8 = attnjit::cut_end(e8, k0, c3, u5);
    {
      const int v0 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -p_S + 1ll, q0, e7, k0, e8), attnjit::kCmpLe);
      const long long t9 = k0 - e7, t10 = e8 - q0;
      long long e11 = t10;
      {
        r = attnjit::tv_combine(r, v0);
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    long long e12 = k1;
    e12 = attnjit::cut_end(e12, c3, k0, true);
    if (u5) {
      const int v0 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -p_S + 1ll, q0, e7, c3, e12), attnjit::kCmpLe);
      const long long t13 = c3 - e7, t14 = e12 - q0;
      long long e15 = t14;
      {
        r = attnjit::tv_combine(r, v0);
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    return r;
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    attnjit::Interval x0, x1;
    attnjit::linear_key_items(attnjit::kCmpLe, 0, 1ll, -p_S + 1ll, q0, q1, x0, x1);
    (void)q0;
    (void)q1;
    attnjit::Interval w2 = x0;
    attnjit::Interval cur = attnjit::make_interval(0, -1);
    bool open = false;
    int n = 0;
    attnjit::item_emit(w2, cur, open, lo, hi, n);
    return attnjit::item_close(cur, open, lo, hi, n);
  }
};
