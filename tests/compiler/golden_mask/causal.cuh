// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       causal
//   normalized: k <= q
// classify / key_ranges: straight-line code (every atom's kind fixed by literal coefficients;
// interval items within the walk-set bound). Masks with run-time coefficients, more
// pieces or more items than that use the analysis-plan interpreter instead.
struct Mask {
  static constexpr int kNumParams = 0;
  static constexpr int kMaxRanges = 1;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 1;
  static constexpr int kCodeSize = 0;
  static constexpr int kFormulaSize = 1;
  static constexpr int kFormulaDepth = 1;
  static constexpr int kCodeDepth = 1;

  ATTNJIT_HD explicit Mask(const long long* params) {
    (void)params;
  }

  ATTNJIT_HD bool attend(int q, int k) const {
    return k <= q;
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    if (q0 > q1 || k0 > k1) return attnjit::kMaskEmpty;
    int r = -1;
    long long e3 = q1;
    long long e4 = k1;
    {
      const long long t5 = k0 - e3, t6 = e4 - q0;
      long long c7, c8;
      bool u9, u10;
      attnjit::linear_cuts(1ll, 0, attnjit::kCmpLe, t5, t6, c7, u9, c8, u10);
      long long e11 = t6;
      e11 = attnjit::cut_end(e11, t5, c7, u9);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, t5, e11), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, v0);
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e12 = t6;
      e12 = attnjit::cut_end(e12, c7, t5, true);
      if (u9) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, c7, e12), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, v0);
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    return r;
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    attnjit::Interval x0, x1;
    attnjit::linear_key_items(attnjit::kCmpLe, -1ll, 1ll, 0, q0, q1, x0, x1);
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
