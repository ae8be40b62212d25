// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       !k > q & (q + A) / 3 >= k / 3 - min(B, 2)
//   normalized: k <= q & (q + A) / 3 >= k / 3 - min(B, 2)
// classify / key_ranges: straight-line code (every atom's kind fixed by literal coefficients;
// interval items within the walk-set bound). Masks with run-time coefficients, more
// pieces or more items than that use the analysis-plan interpreter instead.
struct Mask {
  static constexpr int kNumParams = 2;
  static constexpr int kMaxRanges = 1;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 2;
  static constexpr int kCodeSize = 9;
  static constexpr int kFormulaSize = 3;
  static constexpr int kFormulaDepth = 2;
  static constexpr int kCodeDepth = 3;

  long long p_A;
  long long p_B;

  ATTNJIT_HD explicit Mask(const long long* params) {
    p_A = params[0];
    p_B = params[1];
  }

  ATTNJIT_HD bool attend(int q, int k) const {
    const int A = int(p_A);
    const int B = int(p_B);
    return k <= q && attnjit::floor_div(q + A, 3) >= attnjit::floor_div(k, 3) - attnjit::imin(B, 2);
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    if (q0 > q1 || k0 > k1) return attnjit::kMaskEmpty;
    int r = -1;
    long long e5 = q1;
    long long e6 = k1;
    {
      const attnjit::Interval iv7 = attnjit::linear_range(0, 1ll, 0, q0, e5, k0, e6);
      const attnjit::Interval iv8 = attnjit::make_interval(3ll, 3ll);
      const attnjit::Interval iv9 = attnjit::interval_binary(attnjit::kOpDiv, iv7, iv8);
      const attnjit::Interval iv10 = attnjit::make_interval(attnjit::lmin(p_B, 2ll), attnjit::lmin(p_B, 2ll));
      const attnjit::Interval iv11 = attnjit::interval_binary(attnjit::kOpSub, iv9, iv10);
      const attnjit::Interval iv12 = attnjit::linear_range(1ll, 0, p_A, q0, e5, k0, e6);
      const attnjit::Interval iv13 = attnjit::make_interval(3ll, 3ll);
      const attnjit::Interval iv14 = attnjit::interval_binary(attnjit::kOpDiv, iv12, iv13);
      const attnjit::Interval iv15 = attnjit::interval_binary(attnjit::kOpSub, iv11, iv14);
      const int v1 = attnjit::compare_range(iv15, attnjit::kCmpLe);
      const long long t16 = k0 - e5, t17 = e6 - q0;
      long long c18, c19;
      bool u20, u21;
      attnjit::linear_cuts(1ll, 0, attnjit::kCmpLe, t16, t17, c18, u20, c19, u21);
      long long e22 = t17;
      e22 = attnjit::cut_end(e22, t16, c18, u20);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, t16, e22), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, v1));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e23 = t17;
      e23 = attnjit::cut_end(e23, c18, t16, true);
      if (u20) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, c18, e23), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, v1));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    return r;
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    attnjit::Interval x0, x1;
    attnjit::linear_key_items(attnjit::kCmpLe, -1ll, 1ll, 0, q0, q1, x0, x1);
    const attnjit::Interval x2 = attnjit::make_interval(-attnjit::kMaskInf, attnjit::kMaskInf);
    const attnjit::Interval x3 = attnjit::item_and(x0, x2);
    (void)q0;
    (void)q1;
    attnjit::Interval w4 = x3;
    attnjit::Interval cur = attnjit::make_interval(0, -1);
    bool open = false;
    int n = 0;
    attnjit::item_emit(w4, cur, open, lo, hi, n);
    return attnjit::item_close(cur, open, lo, hi, n);
  }
};
