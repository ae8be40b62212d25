// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       window(W, 0)
//   normalized: q - W <= k & k <= q
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

  long long p_W;

  ATTNJIT_HD explicit Mask(const long long* params) {
    p_W = params[0];
  }

  ATTNJIT_HD bool attend(int q, int k) const {
    const int W = int(p_W);
    return q - W <= k && k <= q;
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    if (q0 > q1 || k0 > k1) return attnjit::kMaskEmpty;
    int r = -1;
    long long e6 = q1;
    long long e7 = k1;
    {
      const long long t8 = k0 - e6, t9 = e7 - q0;
      long long c10, c11;
      bool u12, u13;
      attnjit::linear_cuts(-1ll, -p_W, attnjit::kCmpLe, t8, t9, c10, u12, c11, u13);
      long long c14, c15;
      bool u16, u17;
      attnjit::linear_cuts(1ll, 0, attnjit::kCmpLe, t8, t9, c14, u16, c15, u17);
      long long e18 = t9;
      e18 = attnjit::cut_end(e18, t8, c10, u12);
      e18 = attnjit::cut_end(e18, t8, c14, u16);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -p_W, t8, e18), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, t8, e18), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, v1));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e19 = t9;
      e19 = attnjit::cut_end(e19, c10, t8, true);
      e19 = attnjit::cut_end(e19, c10, c14, u16);
      if (u12) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -p_W, c10, e19), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, c10, e19), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, v1));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e20 = t9;
      e20 = attnjit::cut_end(e20, c14, t8, true);
      e20 = attnjit::cut_end(e20, c14, c10, u12);
      if (u16) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -p_W, c14, e20), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, c14, e20), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, v1));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    return r;
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    attnjit::Interval x0, x1;
    attnjit::linear_key_items(attnjit::kCmpLe, 1ll, -1ll, -p_W, q0, q1, x0, x1);
    attnjit::Interval x2, x3;
    attnjit::linear_key_items(attnjit::kCmpLe, -1ll, 1ll, 0, q0, q1, x2, x3);
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
