// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       full
//   normalized: full
// classify / key_ranges: straight-line code (every atom's kind fixed by literal coefficients;
// interval items within the walk-set bound). Masks with run-time coefficients, more
// pieces or more items than that use the analysis-plan interpreter instead.
struct Mask {
  static constexpr int kNumParams = 0;
  static constexpr int kMaxRanges = 1;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 0;
  static constexpr int kCodeSize = 0;
  static constexpr int kFormulaSize = 1;
  static constexpr int kFormulaDepth = 1;
  static constexpr int kCodeDepth = 1;

  ATTNJIT_HD explicit Mask(const long long* params) {
    (void)params;
  }

  ATTNJIT_HD bool attend(int q, int k) const {
    return true;
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    if (q0 > q1 || k0 > k1) return attnjit::kMaskEmpty;
    int r = -1;
    long long e2 = q1;
    long long e3 = k1;
    {
      const long long t4 = k0 - e2, t5 = e3 - q0;
      long long e6 = t5;
      {
        r = attnjit::tv_combine(r, 2);
        if (r == attnjit::kMaskPartial) return r;
      }
    }
    return r;
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    const attnjit::Interval x0 = attnjit::make_interval(-attnjit::kMaskInf, attnjit::kMaskInf);
    (void)q0;
    (void)q1;
    attnjit::Interval w1 = x0;
    attnjit::Interval cur = attnjit::make_interval(0, -1);
    bool open = false;
    int n = 0;
    attnjit::item_emit(w1, cur, open, lo, hi, n);
    return attnjit::item_close(cur, open, lo, hi, n);
  }
};
