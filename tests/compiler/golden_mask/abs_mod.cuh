// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       abs(q - k) <= W & (q - k) % C != 1
//   normalized: -W <= q - k & q - k <= W & (q - k) % C != 1
// classify / key_ranges: straight-line code (every atom's kind fixed by literal coefficients;
// interval items within the walk-set bound). Masks with run-time coefficients, more
// pieces or more items than that use the analysis-plan interpreter instead.
struct Mask {
  static constexpr int kNumParams = 2;
  static constexpr int kMaxRanges = 1;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 3;
  static constexpr int kCodeSize = 5;
  static constexpr int kFormulaSize = 5;
  static constexpr int kFormulaDepth = 2;
  static constexpr int kCodeDepth = 2;

  long long p_C;
  long long p_W;

  ATTNJIT_HD explicit Mask(const long long* params) {
    p_C = params[0];
    p_W = params[1];
  }

  ATTNJIT_HD bool attend(int q, int k) const {
    const int C = int(p_C);
    const int W = int(p_W);
    return -W <= q - k && q - k <= W && attnjit::floor_mod(q - k, C) != 1;
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    if (q0 > q1 || k0 > k1) return attnjit::kMaskEmpty;
    int r = -1;
    long long e8 = q1;
    long long e9 = k1;
    {
      const long long t10 = k0 - e8, t11 = e9 - q0;
      long long c12, c13;
      bool u14, u15;
      attnjit::linear_cuts(1ll, -p_W, attnjit::kCmpLe, t10, t11, c12, u14, c13, u15);
      long long c16, c17;
      bool u18, u19;
      attnjit::linear_cuts(-1ll, -p_W, attnjit::kCmpLe, t10, t11, c16, u18, c17, u19);
      long long e20 = t11;
      e20 = attnjit::cut_end(e20, t10, c12, u14);
      e20 = attnjit::cut_end(e20, t10, c16, u18);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, -p_W, t10, e20), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -p_W, t10, e20), attnjit::kCmpLe);
        const attnjit::Interval iv21 = attnjit::t_linear_range(-1ll, 0, t10, e20);
        const attnjit::Interval iv22 = attnjit::make_interval(p_C, p_C);
        const attnjit::Interval iv23 = attnjit::interval_binary(attnjit::kOpMod, iv21, iv22);
        const attnjit::Interval iv24 = attnjit::make_interval(1ll, 1ll);
        const attnjit::Interval iv25 = attnjit::interval_binary(attnjit::kOpSub, iv23, iv24);
        const int v2 = attnjit::compare_range(iv25, attnjit::kCmpNe);
        r = attnjit::tv_combine(r, attnjit::tv_and(attnjit::tv_and(v0, v1), v2));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e26 = t11;
      e26 = attnjit::cut_end(e26, c12, t10, true);
      e26 = attnjit::cut_end(e26, c12, c16, u18);
      if (u14) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, -p_W, c12, e26), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -p_W, c12, e26), attnjit::kCmpLe);
        const attnjit::Interval iv27 = attnjit::t_linear_range(-1ll, 0, c12, e26);
        const attnjit::Interval iv28 = attnjit::make_interval(p_C, p_C);
        const attnjit::Interval iv29 = attnjit::interval_binary(attnjit::kOpMod, iv27, iv28);
        const attnjit::Interval iv30 = attnjit::make_interval(1ll, 1ll);
        const attnjit::Interval iv31 = attnjit::interval_binary(attnjit::kOpSub, iv29, iv30);
        const int v2 = attnjit::compare_range(iv31, attnjit::kCmpNe);
        r = attnjit::tv_combine(r, attnjit::tv_and(attnjit::tv_and(v0, v1), v2));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e32 = t11;
      e32 = attnjit::cut_end(e32, c16, t10, true);
      e32 = attnjit::cut_end(e32, c16, c12, u14);
      if (u18) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, -p_W, c16, e32), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -p_W, c16, e32), attnjit::kCmpLe);
        const attnjit::Interval iv33 = attnjit::t_linear_range(-1ll, 0, c16, e32);
        const attnjit::Interval iv34 = attnjit::make_interval(p_C, p_C);
        const attnjit::Interval iv35 = attnjit::interval_binary(attnjit::kOpMod, iv33, iv34);
        const attnjit::Interval iv36 = attnjit::make_interval(1ll, 1ll);
        const attnjit::Interval iv37 = attnjit::interval_binary(attnjit::kOpSub, iv35, iv36);
        const int v2 = attnjit::compare_range(iv37, attnjit::kCmpNe);
        r = attnjit::tv_combine(r, attnjit::tv_and(attnjit::tv_and(v0, v1), v2));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    return r;
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    attnjit::Interval x0, x1;
    attnjit::linear_key_items(attnjit::kCmpLe, -1ll, 1ll, -p_W, q0, q1, x0, x1);
    attnjit::Interval x2, x3;
    attnjit::linear_key_items(attnjit::kCmpLe, 1ll, -1ll, -p_W, q0, q1, x2, x3);
    const attnjit::Interval x4 = attnjit::item_and(x0, x2);
    const attnjit::Interval x5 = attnjit::make_interval(-attnjit::kMaskInf, attnjit::kMaskInf);
    const attnjit::Interval x6 = attnjit::item_and(x4, x5);
    (void)q0;
    (void)q1;
    attnjit::Interval w7 = x6;
    attnjit::Interval cur = attnjit::make_interval(0, -1);
    bool open = false;
    int n = 0;
    attnjit::item_emit(w7, cur, open, lo, hi, n);
    return attnjit::item_close(cur, open, lo, hi, n);
  }
};
