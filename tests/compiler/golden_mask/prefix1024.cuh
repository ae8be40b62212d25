// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       causal | prefix(1024)
//   normalized: k <= q | q < 1024 & k < 1024
// classify / key_ranges: straight-line code (every atom's kind fixed by literal coefficients;
// interval items within the walk-set bound). Masks with run-time coefficients, more
// pieces or more items than that use the analysis-plan interpreter instead.
struct Mask {
  static constexpr int kNumParams = 0;
  static constexpr int kMaxRanges = 2;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 3;
  static constexpr int kCodeSize = 0;
  static constexpr int kFormulaSize = 5;
  static constexpr int kFormulaDepth = 3;
  static constexpr int kCodeDepth = 1;

  ATTNJIT_HD explicit Mask(const long long* params) {
    (void)params;
  }

  ATTNJIT_HD bool attend(int q, int k) const {
    return k <= q || (q < 1024 && k < 1024);
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    if (q0 > q1 || k0 > k1) return attnjit::kMaskEmpty;
    int r = -1;
    long long c9, c10;
    bool u11, u12;
    attnjit::linear_cuts(1ll, -1023ll, attnjit::kCmpLe, q0, q1, c9, u11, c10, u12);
    long long c13, c14;
    bool u15, u16;
    attnjit::linear_cuts(1ll, -1023ll, attnjit::kCmpLe, k0, k1, c13, u15, c14, u16);
    long long e17 = q1;
    e17 = attnjit::cut_end(e17, q0, c9, u11);
    long long e18 = k1;
    e18 = attnjit::cut_end(e18, k0, c13, u15);
    {
      const int v1 = attnjit::compare_range(attnjit::linear_range(1ll, 0, -1023ll, q0, e17, k0, e18), attnjit::kCmpLe);
      const int v2 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -1023ll, q0, e17, k0, e18), attnjit::kCmpLe);
      const long long t19 = k0 - e17, t20 = e18 - q0;
      long long c21, c22;
      bool u23, u24;
      attnjit::linear_cuts(1ll, 0, attnjit::kCmpLe, t19, t20, c21, u23, c22, u24);
      long long e25 = t20;
      e25 = attnjit::cut_end(e25, t19, c21, u23);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, t19, e25), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(v0, attnjit::tv_and(v1, v2)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e26 = t20;
      e26 = attnjit::cut_end(e26, c21, t19, true);
      if (u23) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, c21, e26), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(v0, attnjit::tv_and(v1, v2)));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    long long e27 = k1;
    e27 = attnjit::cut_end(e27, c13, k0, true);
    if (u15) {
      const int v1 = attnjit::compare_range(attnjit::linear_range(1ll, 0, -1023ll, q0, e17, c13, e27), attnjit::kCmpLe);
      const int v2 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -1023ll, q0, e17, c13, e27), attnjit::kCmpLe);
      const long long t28 = c13 - e17, t29 = e27 - q0;
      long long c30, c31;
      bool u32, u33;
      attnjit::linear_cuts(1ll, 0, attnjit::kCmpLe, t28, t29, c30, u32, c31, u33);
      long long e34 = t29;
      e34 = attnjit::cut_end(e34, t28, c30, u32);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, t28, e34), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(v0, attnjit::tv_and(v1, v2)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e35 = t29;
      e35 = attnjit::cut_end(e35, c30, t28, true);
      if (u32) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, c30, e35), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(v0, attnjit::tv_and(v1, v2)));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    long long e36 = q1;
    e36 = attnjit::cut_end(e36, c9, q0, true);
    long long e37 = k1;
    e37 = attnjit::cut_end(e37, k0, c13, u15);
    if (u11) {
      const int v1 = attnjit::compare_range(attnjit::linear_range(1ll, 0, -1023ll, c9, e36, k0, e37), attnjit::kCmpLe);
      const int v2 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -1023ll, c9, e36, k0, e37), attnjit::kCmpLe);
      const long long t38 = k0 - e36, t39 = e37 - c9;
      long long c40, c41;
      bool u42, u43;
      attnjit::linear_cuts(1ll, 0, attnjit::kCmpLe, t38, t39, c40, u42, c41, u43);
      long long e44 = t39;
      e44 = attnjit::cut_end(e44, t38, c40, u42);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, t38, e44), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(v0, attnjit::tv_and(v1, v2)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e45 = t39;
      e45 = attnjit::cut_end(e45, c40, t38, true);
      if (u42) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, c40, e45), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(v0, attnjit::tv_and(v1, v2)));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    long long e46 = k1;
    e46 = attnjit::cut_end(e46, c13, k0, true);
    if (u11 && u15) {
      const int v1 = attnjit::compare_range(attnjit::linear_range(1ll, 0, -1023ll, c9, e36, c13, e46), attnjit::kCmpLe);
      const int v2 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -1023ll, c9, e36, c13, e46), attnjit::kCmpLe);
      const long long t47 = c13 - e36, t48 = e46 - c9;
      long long c49, c50;
      bool u51, u52;
      attnjit::linear_cuts(1ll, 0, attnjit::kCmpLe, t47, t48, c49, u51, c50, u52);
      long long e53 = t48;
      e53 = attnjit::cut_end(e53, t47, c49, u51);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, t47, e53), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(v0, attnjit::tv_and(v1, v2)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e54 = t48;
      e54 = attnjit::cut_end(e54, c49, t47, true);
      if (u51) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, c49, e54), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(v0, attnjit::tv_and(v1, v2)));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    return r;
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    attnjit::Interval x0, x1;
    attnjit::linear_key_items(attnjit::kCmpLe, -1ll, 1ll, 0, q0, q1, x0, x1);
    attnjit::Interval x2, x3;
    attnjit::linear_key_items(attnjit::kCmpLe, 1ll, 0, -1023ll, q0, q1, x2, x3);
    attnjit::Interval x4, x5;
    attnjit::linear_key_items(attnjit::kCmpLe, 0, 1ll, -1023ll, q0, q1, x4, x5);
    const attnjit::Interval x6 = attnjit::item_and(x2, x4);
    (void)q0;
    (void)q1;
    attnjit::Interval w7 = x0;
    attnjit::Interval w8 = x6;
    attnjit::item_order(w7, w8);
    attnjit::Interval cur = attnjit::make_interval(0, -1);
    bool open = false;
    int n = 0;
    attnjit::item_emit(w7, cur, open, lo, hi, n);
    attnjit::item_emit(w8, cur, open, lo, hi, n);
    return attnjit::item_close(cur, open, lo, hi, n);
  }
};
