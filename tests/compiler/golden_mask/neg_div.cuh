// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       k * 2 >= q - W & -q / 4 != max(k, A) | !global(G)
//   normalized: k * 2 >= q - W & -q / 4 != max(k, A) | k >= G & q >= G
// classify / key_ranges: straight-line code (every atom's kind fixed by literal coefficients;
// interval items within the walk-set bound). Masks with run-time coefficients, more
// pieces or more items than that use the analysis-plan interpreter instead.
struct Mask {
  static constexpr int kNumParams = 3;
  static constexpr int kMaxRanges = 2;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 4;
  static constexpr int kCodeSize = 7;
  static constexpr int kFormulaSize = 7;
  static constexpr int kFormulaDepth = 3;
  static constexpr int kCodeDepth = 3;

  long long p_A;
  long long p_G;
  long long p_W;

  ATTNJIT_HD explicit Mask(const long long* params) {
    p_A = params[0];
    p_G = params[1];
    p_W = params[2];
  }

  ATTNJIT_HD bool attend(int q, int k) const {
    const int A = int(p_A);
    const int G = int(p_G);
    const int W = int(p_W);
    return (k * 2 >= q - W && attnjit::floor_div(-q, 4) != attnjit::imax(k, A)) || (k >= G && q >= G);
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    if (q0 > q1 || k0 > k1) return attnjit::kMaskEmpty;
    int r = -1;
    long long c11, c12;
    bool u13, u14;
    attnjit::linear_cuts(-1ll, p_G, attnjit::kCmpLe, q0, q1, c11, u13, c12, u14);
    long long c15, c16;
    bool u17, u18;
    attnjit::linear_cuts(-1ll, p_G, attnjit::kCmpLe, k0, k1, c15, u17, c16, u18);
    long long e19 = q1;
    e19 = attnjit::cut_end(e19, q0, c11, u13);
    long long e20 = k1;
    e20 = attnjit::cut_end(e20, k0, c15, u17);
    {
      const int v0 = attnjit::compare_range(attnjit::linear_range(1ll, -2ll, -p_W, q0, e19, k0, e20), attnjit::kCmpLe);
      const attnjit::Interval iv21 = attnjit::linear_range(-1ll, 0, 0, q0, e19, k0, e20);
      const attnjit::Interval iv22 = attnjit::make_interval(4ll, 4ll);
      const attnjit::Interval iv23 = attnjit::interval_binary(attnjit::kOpDiv, iv21, iv22);
      const attnjit::Interval iv24 = attnjit::linear_range(0, 1ll, 0, q0, e19, k0, e20);
      const attnjit::Interval iv25 = attnjit::make_interval(p_A, p_A);
      const attnjit::Interval iv26 = attnjit::interval_binary(attnjit::kOpMax, iv24, iv25);
      const attnjit::Interval iv27 = attnjit::interval_binary(attnjit::kOpSub, iv23, iv26);
      const int v1 = attnjit::compare_range(iv27, attnjit::kCmpNe);
      const int v2 = attnjit::compare_range(attnjit::linear_range(0, -1ll, p_G, q0, e19, k0, e20), attnjit::kCmpLe);
      const int v3 = attnjit::compare_range(attnjit::linear_range(-1ll, 0, p_G, q0, e19, k0, e20), attnjit::kCmpLe);
      const long long t28 = k0 - e19, t29 = e20 - q0;
      long long e30 = t29;
      {
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_and(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    long long e31 = k1;
    e31 = attnjit::cut_end(e31, c15, k0, true);
    if (u17) {
      const int v0 = attnjit::compare_range(attnjit::linear_range(1ll, -2ll, -p_W, q0, e19, c15, e31), attnjit::kCmpLe);
      const attnjit::Interval iv32 = attnjit::linear_range(-1ll, 0, 0, q0, e19, c15, e31);
      const attnjit::Interval iv33 = attnjit::make_interval(4ll, 4ll);
      const attnjit::Interval iv34 = attnjit::interval_binary(attnjit::kOpDiv, iv32, iv33);
      const attnjit::Interval iv35 = attnjit::linear_range(0, 1ll, 0, q0, e19, c15, e31);
      const attnjit::Interval iv36 = attnjit::make_interval(p_A, p_A);
      const attnjit::Interval iv37 = attnjit::interval_binary(attnjit::kOpMax, iv35, iv36);
      const attnjit::Interval iv38 = attnjit::interval_binary(attnjit::kOpSub, iv34, iv37);
      const int v1 = attnjit::compare_range(iv38, attnjit::kCmpNe);
      const int v2 = attnjit::compare_range(attnjit::linear_range(0, -1ll, p_G, q0, e19, c15, e31), attnjit::kCmpLe);
      const int v3 = attnjit::compare_range(attnjit::linear_range(-1ll, 0, p_G, q0, e19, c15, e31), attnjit::kCmpLe);
      const long long t39 = c15 - e19, t40 = e31 - q0;
      long long e41 = t40;
      {
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_and(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    long long e42 = q1;
    e42 = attnjit::cut_end(e42, c11, q0, true);
    long long e43 = k1;
    e43 = attnjit::cut_end(e43, k0, c15, u17);
    if (u13) {
      const int v0 = attnjit::compare_range(attnjit::linear_range(1ll, -2ll, -p_W, c11, e42, k0, e43), attnjit::kCmpLe);
      const attnjit::Interval iv44 = attnjit::linear_range(-1ll, 0, 0, c11, e42, k0, e43);
      const attnjit::Interval iv45 = attnjit::make_interval(4ll, 4ll);
      const attnjit::Interval iv46 = attnjit::interval_binary(attnjit::kOpDiv, iv44, iv45);
      const attnjit::Interval iv47 = attnjit::linear_range(0, 1ll, 0, c11, e42, k0, e43);
      const attnjit::Interval iv48 = attnjit::make_interval(p_A, p_A);
      const attnjit::Interval iv49 = attnjit::interval_binary(attnjit::kOpMax, iv47, iv48);
      const attnjit::Interval iv50 = attnjit::interval_binary(attnjit::kOpSub, iv46, iv49);
      const int v1 = attnjit::compare_range(iv50, attnjit::kCmpNe);
      const int v2 = attnjit::compare_range(attnjit::linear_range(0, -1ll, p_G, c11, e42, k0, e43), attnjit::kCmpLe);
      const int v3 = attnjit::compare_range(attnjit::linear_range(-1ll, 0, p_G, c11, e42, k0, e43), attnjit::kCmpLe);
      const long long t51 = k0 - e42, t52 = e43 - c11;
      long long e53 = t52;
      {
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_and(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    long long e54 = k1;
    e54 = attnjit::cut_end(e54, c15, k0, true);
    if (u13 && u17) {
      const int v0 = attnjit::compare_range(attnjit::linear_range(1ll, -2ll, -p_W, c11, e42, c15, e54), attnjit::kCmpLe);
      const attnjit::Interval iv55 = attnjit::linear_range(-1ll, 0, 0, c11, e42, c15, e54);
      const attnjit::Interval iv56 = attnjit::make_interval(4ll, 4ll);
      const attnjit::Interval iv57 = attnjit::interval_binary(attnjit::kOpDiv, iv55, iv56);
      const attnjit::Interval iv58 = attnjit::linear_range(0, 1ll, 0, c11, e42, c15, e54);
      const attnjit::Interval iv59 = attnjit::make_interval(p_A, p_A);
      const attnjit::Interval iv60 = attnjit::interval_binary(attnjit::kOpMax, iv58, iv59);
      const attnjit::Interval iv61 = attnjit::interval_binary(attnjit::kOpSub, iv57, iv60);
      const int v1 = attnjit::compare_range(iv61, attnjit::kCmpNe);
      const int v2 = attnjit::compare_range(attnjit::linear_range(0, -1ll, p_G, c11, e42, c15, e54), attnjit::kCmpLe);
      const int v3 = attnjit::compare_range(attnjit::linear_range(-1ll, 0, p_G, c11, e42, c15, e54), attnjit::kCmpLe);
      const long long t62 = c15 - e42, t63 = e54 - c11;
      long long e64 = t63;
      {
        r = attnjit::tv_combine(r, attnjit::tv_or(attnjit::tv_and(v0, v1), attnjit::tv_and(v2, v3)));
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    return r;
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    attnjit::Interval x0, x1;
    attnjit::linear_key_items(attnjit::kCmpLe, 1ll, -2ll, -p_W, q0, q1, x0, x1);
    const attnjit::Interval x2 = attnjit::make_interval(-attnjit::kMaskInf, attnjit::kMaskInf);
    const attnjit::Interval x3 = attnjit::item_and(x0, x2);
    attnjit::Interval x4, x5;
    attnjit::linear_key_items(attnjit::kCmpLe, 0, -1ll, p_G, q0, q1, x4, x5);
    attnjit::Interval x6, x7;
    attnjit::linear_key_items(attnjit::kCmpLe, -1ll, 0, p_G, q0, q1, x6, x7);
    const attnjit::Interval x8 = attnjit::item_and(x4, x6);
    (void)q0;
    (void)q1;
    attnjit::Interval w9 = x3;
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
