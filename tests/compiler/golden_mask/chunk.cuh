// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       chunk(C)
//   normalized: q / C == k / C
// classify / key_ranges: straight-line code (every atom's kind fixed by literal coefficients;
// interval items within the walk-set bound). Masks with run-time coefficients, more
// pieces or more items than that use the analysis-plan interpreter instead.
struct Mask {
  static constexpr int kNumParams = 1;
  static constexpr int kMaxRanges = 1;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 1;
  static constexpr int kCodeSize = 10;
  static constexpr int kFormulaSize = 1;
  static constexpr int kFormulaDepth = 1;
  static constexpr int kCodeDepth = 3;

  long long p_C;

  ATTNJIT_HD explicit Mask(const long long* params) {
    p_C = params[0];
  }

  ATTNJIT_HD bool attend(int q, int k) const {
    const int C = int(p_C);
    return attnjit::floor_div(q, C) == attnjit::floor_div(k, C);
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    if (q0 > q1 || k0 > k1) return attnjit::kMaskEmpty;
    int r = -1;
    long long e5 = q1;
    long long e6 = k1;
    {
      const attnjit::Interval iv7 = attnjit::linear_range(1ll, 0, 0, q0, e5, k0, e6);
      const attnjit::Interval iv8 = attnjit::make_interval(p_C, p_C);
      const attnjit::Interval iv9 = attnjit::interval_binary(attnjit::kOpDiv, iv7, iv8);
      const attnjit::Interval iv10 = attnjit::linear_range(0, 1ll, 0, q0, e5, k0, e6);
      const attnjit::Interval iv11 = attnjit::make_interval(p_C, p_C);
      const attnjit::Interval iv12 = attnjit::interval_binary(attnjit::kOpDiv, iv10, iv11);
      const attnjit::Interval iv13 = attnjit::interval_binary(attnjit::kOpSub, iv9, iv12);
      const int v0 = attnjit::compare_range(iv13, attnjit::kCmpEq);
      const long long t14 = k0 - e5, t15 = e6 - q0;
      long long e16 = t15;
      {
        r = attnjit::tv_combine(r, v0);
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    return r;
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    const attnjit::Interval iv1 = attnjit::linear_range(1ll, 0, 0, q0, q1, 0ll, 0ll);
    const attnjit::Interval iv2 = attnjit::make_interval(p_C, p_C);
    const attnjit::Interval iv3 = attnjit::interval_binary(attnjit::kOpDiv, iv1, iv2);
    const attnjit::Interval x0 = attnjit::kdiv_key_item(attnjit::kCmpEq, -1, p_C, 0, iv3);
    (void)q0;
    (void)q1;
    attnjit::Interval w4 = x0;
    attnjit::Interval cur = attnjit::make_interval(0, -1);
    bool open = false;
    int n = 0;
    attnjit::item_emit(w4, cur, open, lo, hi, n);
    return attnjit::item_close(cur, open, lo, hi, n);
  }
};
