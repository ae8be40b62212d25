// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       causal
//   normalized: k <= q
struct Mask {
  static constexpr int kNumParams = 0;
  static constexpr int kMaxRanges = 1;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 1;
  static constexpr int kCodeSize = 0;
  static constexpr int kFormulaSize = 1;
  static constexpr int kFormulaDepth = 1;
  static constexpr int kCodeDepth = 1;

  ATTNJIT_HD explicit Mask(const long long* params) {
    (void)params;
  }

  // The analysis plan: numbers computed from the parameters, read by classify and key_ranges.
  struct Plan {
    attnjit::MaskAtom atoms[1];
    attnjit::MaskInstr code[1];
    short formula[1];

    ATTNJIT_HD explicit Plan(const Mask& m) {
      (void)m;
      // k <= q
      atoms[0] = attnjit::linear_atom(attnjit::kCmpLe, -1ll, 1ll, 0);
      // Postfix over atoms: -1 and, -2 or, -3 full, -4 none.
      const short f[1] = {0};
      for (int i = 0; i < kFormulaSize; ++i) formula[i] = f[i];
      attnjit::finalize_mask_plan(atoms, kNumAtoms, code);
    }

    ATTNJIT_HD attnjit::MaskPlanView view() const {
      attnjit::MaskPlanView v = {atoms, kNumAtoms, code, formula, kFormulaSize};
      return v;
    }
  };

  ATTNJIT_HD bool attend(int q, int k) const {
    return k <= q;
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    const Plan plan(*this);
    return attnjit::classify_block<1, kCodeDepth, kFormulaDepth, kFormulaSize>(plan.view(), q0, q1, k0, k1);
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    const Plan plan(*this);
    return attnjit::walk_key_ranges<kFormulaDepth, kMaxRanges, kCodeDepth, kFormulaSize>(plan.view(), q0, q1, lo, hi);
  }
};
