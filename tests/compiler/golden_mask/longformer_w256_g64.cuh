// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       window(256, 256) | global(64)
//   normalized: q - 256 <= k & k <= q + 256 | (k < 64 | q < 64)
// classify / key_ranges: straight-line code (every atom's kind fixed by literal coefficients;
// interval items within the walk-set bound). Masks with run-time coefficients, more
// pieces or more items than that use the analysis-plan interpreter instead.
struct Mask {
  static constexpr int kNumParams = 0;
  static constexpr int kMaxRanges = 3;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 4;
  static constexpr int kCodeSize = 0;
  static constexpr int kFormulaSize = 7;
  static constexpr int kFormulaDepth = 3;
  static constexpr int kCodeDepth = 1;

  ATTNJIT_HD explicit Mask(const long long* params) {
    (void)params;
  }

  ATTNJIT_HD bool attend(int q, int k) const {
    return (q - 256 <= k && k <= q + 256) || (k < 64 || q < 64);
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    if (q0 > q1 || k0 > k1) return attnjit::kMaskEmpty;
    int r = -1;
    long long c12, c13;
    bool u14, u15;
    attnjit::linear_cuts(1ll, -63ll, attnjit::kCmpLe, q0, q1, c12, u14, c13, u15);
    long long c16, c17;
    bool u18, u19;
    attnjit::linear_cuts(1ll, -63ll, attnjit::kCmpLe, k0, k1, c16, u18, c17, u19);
    long long e20 = q1;
    e20 = attnjit::cut_end(e20, q0, c12, u14);
    long long e21 = k1;
    e21 = attnjit::cut_end(e21, k0, c16, u18);
    {
      const int v2 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -63ll, q0, e20, k0, e21), attnjit::kCmpLe);
      const int v3 = attnjit::compare_range(attnjit::linear_range(1ll, 0, -63ll, q0, e20, k0, e21), attnjit::kCmpLe);
      const long long t22 = k0 - e20, t23 = e21 - q0;
      long long c24, c25;
      bool u26, u27;
      attnjit::linear_cuts(-1ll, -256ll, attnjit::kCmpLe, t22, t23, c24, u26, c25, u27);
      long long c28, c29;
      bool u30, u31;
      attnjit::linear_cuts(1ll, -256ll, attnjit::kCmpLe, t22, t23, c28, u30, c29, u31);
      long long e32 = t23;
      e32 = attnjit::cut_end(e32, t22, c24, u26);
      e32 = attnjit::cut_end(e32, t22, c28, u30);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -256ll, t22, e32), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, -256ll, t22, e32), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_or(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e33 = t23;
      e33 = attnjit::cut_end(e33, c24, t22, true);
      e33 = attnjit::cut_end(e33, c24, c28, u30);
      if (u26) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -256ll, c24, e33), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, -256ll, c24, e33), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_or(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e34 = t23;
      e34 = attnjit::cut_end(e34, c28, t22, true);
      e34 = attnjit::cut_end(e34, c28, c24, u26);
      if (u30) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -256ll, c28, e34), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, -256ll, c28, e34), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_or(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    long long e35 = k1;
    e35 = attnjit::cut_end(e35, c16, k0, true);
    if (u18) {
      const int v2 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -63ll, q0, e20, c16, e35), attnjit::kCmpLe);
      const int v3 = attnjit::compare_range(attnjit::linear_range(1ll, 0, -63ll, q0, e20, c16, e35), attnjit::kCmpLe);
      const long long t36 = c16 - e20, t37 = e35 - q0;
      long long c38, c39;
      bool u40, u41;
      attnjit::linear_cuts(-1ll, -256ll, attnjit::kCmpLe, t36, t37, c38, u40, c39, u41);
      long long c42, c43;
      bool u44, u45;
      attnjit::linear_cuts(1ll, -256ll, attnjit::kCmpLe, t36, t37, c42, u44, c43, u45);
      long long e46 = t37;
      e46 = attnjit::cut_end(e46, t36, c38, u40);
      e46 = attnjit::cut_end(e46, t36, c42, u44);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -256ll, t36, e46), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, -256ll, t36, e46), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_or(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e47 = t37;
      e47 = attnjit::cut_end(e47, c38, t36, true);
      e47 = attnjit::cut_end(e47, c38, c42, u44);
      if (u40) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -256ll, c38, e47), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, -256ll, c38, e47), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_or(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e48 = t37;
      e48 = attnjit::cut_end(e48, c42, t36, true);
      e48 = attnjit::cut_end(e48, c42, c38, u40);
      if (u44) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -256ll, c42, e48), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, -256ll, c42, e48), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_or(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    long long e49 = q1;
    e49 = attnjit::cut_end(e49, c12, q0, true);
    long long e50 = k1;
    e50 = attnjit::cut_end(e50, k0, c16, u18);
    if (u14) {
      const int v2 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -63ll, c12, e49, k0, e50), attnjit::kCmpLe);
      const int v3 = attnjit::compare_range(attnjit::linear_range(1ll, 0, -63ll, c12, e49, k0, e50), attnjit::kCmpLe);
      const long long t51 = k0 - e49, t52 = e50 - c12;
      long long c53, c54;
      bool u55, u56;
      attnjit::linear_cuts(-1ll, -256ll, attnjit::kCmpLe, t51, t52, c53, u55, c54, u56);
      long long c57, c58;
      bool u59, u60;
      attnjit::linear_cuts(1ll, -256ll, attnjit::kCmpLe, t51, t52, c57, u59, c58, u60);
      long long e61 = t52;
      e61 = attnjit::cut_end(e61, t51, c53, u55);
      e61 = attnjit::cut_end(e61, t51, c57, u59);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -256ll, t51, e61), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, -256ll, t51, e61), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_or(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e62 = t52;
      e62 = attnjit::cut_end(e62, c53, t51, true);
      e62 = attnjit::cut_end(e62, c53, c57, u59);
      if (u55) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -256ll, c53, e62), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, -256ll, c53, e62), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_or(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e63 = t52;
      e63 = attnjit::cut_end(e63, c57, t51, true);
      e63 = attnjit::cut_end(e63, c57, c53, u55);
      if (u59) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -256ll, c57, e63), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, -256ll, c57, e63), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_or(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    long long e64 = k1;
    e64 = attnjit::cut_end(e64, c16, k0, true);
    if (u14 && u18) {
      const int v2 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -63ll, c12, e49, c16, e64), attnjit::kCmpLe);
      const int v3 = attnjit::compare_range(attnjit::linear_range(1ll, 0, -63ll, c12, e49, c16, e64), attnjit::kCmpLe);
      const long long t65 = c16 - e49, t66 = e64 - c12;
      long long c67, c68;
      bool u69, u70;
      attnjit::linear_cuts(-1ll, -256ll, attnjit::kCmpLe, t65, t66, c67, u69, c68, u70);
      long long c71, c72;
      bool u73, u74;
      attnjit::linear_cuts(1ll, -256ll, attnjit::kCmpLe, t65, t66, c71, u73, c72, u74);
      long long e75 = t66;
      e75 = attnjit::cut_end(e75, t65, c67, u69);
      e75 = attnjit::cut_end(e75, t65, c71, u73);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -256ll, t65, e75), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, -256ll, t65, e75), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_or(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e76 = t66;
      e76 = attnjit::cut_end(e76, c67, t65, true);
      e76 = attnjit::cut_end(e76, c67, c71, u73);
      if (u69) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -256ll, c67, e76), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, -256ll, c67, e76), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_or(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e77 = t66;
      e77 = attnjit::cut_end(e77, c71, t65, true);
      e77 = attnjit::cut_end(e77, c71, c67, u69);
      if (u73) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -256ll, c71, e77), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(1ll, -256ll, c71, e77), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_or(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    return r;
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    attnjit::Interval x0, x1;
    attnjit::linear_key_items(attnjit::kCmpLe, 1ll, -1ll, -256ll, q0, q1, x0, x1);
    attnjit::Interval x2, x3;
    attnjit::linear_key_items(attnjit::kCmpLe, -1ll, 1ll, -256ll, q0, q1, x2, x3);
    const attnjit::Interval x4 = attnjit::item_and(x0, x2);
    attnjit::Interval x5, x6;
    attnjit::linear_key_items(attnjit::kCmpLe, 0, 1ll, -63ll, q0, q1, x5, x6);
    attnjit::Interval x7, x8;
    attnjit::linear_key_items(attnjit::kCmpLe, 1ll, 0, -63ll, q0, q1, x7, x8);
    (void)q0;
    (void)q1;
    attnjit::Interval w9 = x4;
    attnjit::Interval w10 = x5;
    attnjit::Interval w11 = x7;
    attnjit::item_order(w9, w10);
    attnjit::item_order(w10, w11);
    attnjit::item_order(w9, w10);
    attnjit::Interval cur = attnjit::make_interval(0, -1);
    bool open = false;
    int n = 0;
    attnjit::item_emit(w9, cur, open, lo, hi, n);
    attnjit::item_emit(w10, cur, open, lo, hi, n);
    attnjit::item_emit(w11, cur, open, lo, hi, n);
    return attnjit::item_close(cur, open, lo, hi, n);
  }
};
