// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       window(256, 256) | global(64)
//   normalized: q - 256 <= k & k <= q + 256 | (k < 64 | q < 64)
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

  // The analysis plan: numbers computed from the parameters, read by classify and key_ranges.
  struct Plan {
    attnjit::MaskAtom atoms[4];
    attnjit::MaskInstr code[1];
    short formula[7];

    ATTNJIT_HD explicit Plan(const Mask& m) {
      (void)m;
      // q - 256 <= k
      atoms[0] = attnjit::linear_atom(attnjit::kCmpLe, 1ll, -1ll, -256ll);
      // k <= q + 256
      atoms[1] = attnjit::linear_atom(attnjit::kCmpLe, -1ll, 1ll, -256ll);
      // k < 64
      atoms[2] = attnjit::linear_atom(attnjit::kCmpLe, 0, 1ll, -63ll);
      // q < 64
      atoms[3] = attnjit::linear_atom(attnjit::kCmpLe, 1ll, 0, -63ll);
      // Postfix over atoms: -1 and, -2 or, -3 full, -4 none.
      const short f[7] = {0, 1, -1, 2, 3, -2, -2};
      for (int i = 0; i < kFormulaSize; ++i) formula[i] = f[i];
      attnjit::finalize_mask_plan(atoms, kNumAtoms, code);
    }

    ATTNJIT_HD attnjit::MaskPlanView view() const {
      attnjit::MaskPlanView v = {atoms, kNumAtoms, code, formula, kFormulaSize};
      return v;
    }
  };

  ATTNJIT_HD bool attend(int q, int k) const {
    return (q - 256 <= k && k <= q + 256) || (k < 64 || q < 64);
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    const Plan plan(*this);
    return attnjit::classify_block<4, kCodeDepth, kFormulaDepth, kFormulaSize>(plan.view(), q0, q1, k0, k1);
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    const Plan plan(*this);
    return attnjit::walk_key_ranges<kFormulaDepth, kMaxRanges, kCodeDepth, kFormulaSize>(plan.view(), q0, q1, lo, hi);
  }
};
