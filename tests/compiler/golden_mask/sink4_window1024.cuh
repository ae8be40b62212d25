// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       causal & (window(1023, 0) | sink(4))
//   normalized: k <= q & (q - 1023 <= k & k <= q | k < 4)
// classify / key_ranges: straight-line code (every atom's kind fixed by literal coefficients;
// interval items within the walk-set bound). Masks with run-time coefficients, more
// pieces or more items than that use the analysis-plan interpreter instead.
struct Mask {
  static constexpr int kNumParams = 0;
  static constexpr int kMaxRanges = 2;
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
    return k <= q && ((q - 1023 <= k && k <= q) || k < 4);
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    if (q0 > q1 || k0 > k1) return attnjit::kMaskEmpty;
    int r = -1;
    long long c11, c12;
    bool u13, u14;
    attnjit::linear_cuts(1ll, -3ll, attnjit::kCmpLe, k0, k1, c11, u13, c12, u14);
    long long e15 = q1;
    long long e16 = k1;
    e16 = attnjit::cut_end(e16, k0, c11, u13);
    {
      const int v3 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -3ll, q0, e15, k0, e16), attnjit::kCmpLe);
      const long long t17 = k0 - e15, t18 = e16 - q0;
      long long c19, c20;
      bool u21, u22;
      attnjit::linear_cuts(1ll, 0, attnjit::kCmpLe, t17, t18, c19, u21, c20, u22);
      long long c23, c24;
      bool u25, u26;
      attnjit::linear_cuts(-1ll, -1023ll, attnjit::kCmpLe, t17, t18, c23, u25, c24, u26);
      long long e27 = t18;
      e27 = attnjit::cut_end(e27, t17, c19, u21);
      e27 = attnjit::cut_end(e27, t17, c23, u25);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, t17, e27), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -1023ll, t17, e27), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, attnjit::tv_or(attnjit::tv_and(v1, v0), v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e28 = t18;
      e28 = attnjit::cut_end(e28, c19, t17, true);
      e28 = attnjit::cut_end(e28, c19, c23, u25);
      if (u21) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, c19, e28), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -1023ll, c19, e28), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, attnjit::tv_or(attnjit::tv_and(v1, v0), v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e29 = t18;
      e29 = attnjit::cut_end(e29, c23, t17, true);
      e29 = attnjit::cut_end(e29, c23, c19, u21);
      if (u25) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, c23, e29), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -1023ll, c23, e29), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, attnjit::tv_or(attnjit::tv_and(v1, v0), v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    long long e30 = k1;
    e30 = attnjit::cut_end(e30, c11, k0, true);
    if (u13) {
      const int v3 = attnjit::compare_range(attnjit::linear_range(0, 1ll, -3ll, q0, e15, c11, e30), attnjit::kCmpLe);
      const long long t31 = c11 - e15, t32 = e30 - q0;
      long long c33, c34;
      bool u35, u36;
      attnjit::linear_cuts(1ll, 0, attnjit::kCmpLe, t31, t32, c33, u35, c34, u36);
      long long c37, c38;
      bool u39, u40;
      attnjit::linear_cuts(-1ll, -1023ll, attnjit::kCmpLe, t31, t32, c37, u39, c38, u40);
      long long e41 = t32;
      e41 = attnjit::cut_end(e41, t31, c33, u35);
      e41 = attnjit::cut_end(e41, t31, c37, u39);
      {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, t31, e41), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -1023ll, t31, e41), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, attnjit::tv_or(attnjit::tv_and(v1, v0), v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e42 = t32;
      e42 = attnjit::cut_end(e42, c33, t31, true);
      e42 = attnjit::cut_end(e42, c33, c37, u39);
      if (u35) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, c33, e42), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -1023ll, c33, e42), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, attnjit::tv_or(attnjit::tv_and(v1, v0), v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
      long long e43 = t32;
      e43 = attnjit::cut_end(e43, c37, t31, true);
      e43 = attnjit::cut_end(e43, c37, c33, u35);
      if (u39) {
        const int v0 = attnjit::compare_range(attnjit::t_linear_range(1ll, 0, c37, e43), attnjit::kCmpLe);
        const int v1 = attnjit::compare_range(attnjit::t_linear_range(-1ll, -1023ll, c37, e43), attnjit::kCmpLe);
        r = attnjit::tv_combine(r, attnjit::tv_and(v0, attnjit::tv_or(attnjit::tv_and(v1, v0), v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    return r;
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    attnjit::Interval x0, x1;
    attnjit::linear_key_items(attnjit::kCmpLe, -1ll, 1ll, 0, q0, q1, x0, x1);
    attnjit::Interval x2, x3;
    attnjit::linear_key_items(attnjit::kCmpLe, 1ll, -1ll, -1023ll, q0, q1, x2, x3);
    const attnjit::Interval x4 = attnjit::item_and(x2, x0);
    attnjit::Interval x5, x6;
    attnjit::linear_key_items(attnjit::kCmpLe, 0, 1ll, -3ll, q0, q1, x5, x6);
    const attnjit::Interval x7 = attnjit::item_and(x0, x4);
    const attnjit::Interval x8 = attnjit::item_and(x0, x5);
    (void)q0;
    (void)q1;
    attnjit::Interval w9 = x7;
    attnjit::Interval w10 = x8;
    attnjit::item_order(w9, w10);
    attnjit::Interval cur = attnjit::make_interval(0, -1);
    bool open = false;
    int n = 0;
    attnjit::item_emit(w9, cur, open, lo, hi, n);
    attnjit::item_emit(w10, cur, open, lo, hi, n);
    return attnjit::item_close(cur, open, lo, hi, n);
  }
};
