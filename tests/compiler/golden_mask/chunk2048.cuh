// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       causal & chunk(2048)
//   normalized: k <= q & q / 2048 == k / 2048
// classify / key_ranges: straight-line code (every atom's kind fixed by literal coefficients;
// interval items within the walk-set bound). Masks with run-time coefficients, more
// pieces or more items than that use the analysis-plan interpreter instead.
struct Mask {
  static constexpr int kNumParams = 0;
  static constexpr int kMaxRanges = 1;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 2;
  static constexpr int kCodeSize = 10;
  static constexpr int kFormulaSize = 3;
  static constexpr int kFormulaDepth = 2;
  static constexpr int kCodeDepth = 3;

  ATTNJIT_HD explicit Mask(const long long* params) {
    (void)params;
  }

  ATTNJIT_HD bool attend(int q, int k) const {
    return k <= q && attnjit::floor_div(q, 2048) == attnjit::floor_div(k, 2048);
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    if (q0 > q1 || k0 > k1) return attnjit::kMaskEmpty;
    int r = -1;
    long long e8 = q1;
    long long e9 = k1;
    {
      const attnjit::Interval iv10 = attnjit::linear_range(1ll, 0, 0, q0, e8, k0, e9);
      const attnjit::Interval iv11 = attnjit::make_interval(2048ll, 2048ll);
      const attnjit::Interval iv12 = attnjit::interval_binary(attnjit::kOpDiv, iv10, iv11);
      const attnjit::Interval iv13 = attnjit::linear_range(0, 1ll, 0, q0, e8, k0, e9);
      const attnjit::Interval iv14 = attnjit::make_interval(2048ll, 2048ll);
      const attnjit::Interval iv15 = attnjit::interval_binary(attnjit::kOpDiv, iv13, iv14);
      const attnjit::Interval iv16 = attnjit::interval_binary(attnjit::kOpSub, iv12, iv15);
      const int v1 = attnjit::compare_range(iv16, attnjit::kCmpEq);
      const long long t17 = k0 - e8, t18 = e9 - q0;
      long long c19, c20;
      bool u21, u22;
      attnjit::linear_cuts(1ll, 0, attnjit::kCmpLe, t17, t18, c19, u21, c20, u22);
      long long e23 = t18;
      e23 = attnjit::cut_end(e23, t17, c19, u21);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, t17, e23), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, v1));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e24 = t18;
      e24 = attnjit::cut_end(e24, c19, t17, true);
      if (u21) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, c19, e24), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, v1));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    return r;
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    attnjit::Interval x0, x1;
    attnjit::linear_key_items(attnjit::kCmpLe, -1ll, 1ll, 0, q0, q1, x0, x1);
    const attnjit::Interval iv3 = attnjit::linear_range(1ll, 0, 0, q0, q1, 0ll, 0ll);
    const attnjit::Interval iv4 = attnjit::make_interval(2048ll, 2048ll);
    const attnjit::Interval iv5 = attnjit::interval_binary(attnjit::kOpDiv, iv3, iv4);
    const attnjit::Interval x2 = attnjit::kdiv_key_item(attnjit::kCmpEq, -1, 2048ll, 0, iv5);
    const attnjit::Interval x6 = attnjit::item_and(x0, x2);
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
