// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       dilated(L, R, D)
//   normalized: q - L <= k & k <= q + R & (q - k) % D == 0
struct Mask {
  static constexpr int kNumParams = 3;
  static constexpr int kMaxRanges = 1;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 3;
  static constexpr int kCodeSize = 5;
  static constexpr int kFormulaSize = 5;
  static constexpr int kFormulaDepth = 2;
  static constexpr int kCodeDepth = 2;

  long long p_D;
  long long p_L;
  long long p_R;

  ATTNJIT_HD explicit Mask(const long long* params) {
    p_D = params[0];
    p_L = params[1];
    p_R = params[2];
  }

  // The analysis plan: numbers computed from the parameters, read by classify and key_ranges.
  struct Plan {
    attnjit::MaskAtom atoms[3];
    attnjit::MaskInstr code[5];
    short formula[5];

    ATTNJIT_HD explicit Plan(const Mask& m) {
      const long long p_D = m.p_D;
      const long long p_L = m.p_L;
      const long long p_R = m.p_R;
      code[0] = attnjit::mask_instr(attnjit::kOpLin, 1ll, -1ll, 0);
      code[1] = attnjit::mask_instr(attnjit::kOpConst, 0, 0, p_D);
      code[2] = attnjit::mask_instr(attnjit::kOpMod);
      code[3] = attnjit::mask_instr(attnjit::kOpConst, 0, 0, 0ll);
      code[4] = attnjit::mask_instr(attnjit::kOpSub);
      // q - L <= k
      atoms[0] = attnjit::linear_atom(attnjit::kCmpLe, 1ll, -1ll, -p_L);
      // k <= q + R
      atoms[1] = attnjit::linear_atom(attnjit::kCmpLe, -1ll, 1ll, -p_R);
      // (q - k) % D == 0
      atoms[2] = attnjit::general_atom(attnjit::kCmpEq, 0, 5);
      // Postfix over atoms: -1 and, -2 or, -3 full, -4 none.
      const short f[5] = {0, 1, -1, 2, -1};
      for (int i = 0; i < kFormulaSize; ++i) formula[i] = f[i];
      attnjit::finalize_mask_plan(atoms, kNumAtoms, code);
    }

    ATTNJIT_HD attnjit::MaskPlanView view() const {
      attnjit::MaskPlanView v = {atoms, kNumAtoms, code, formula, kFormulaSize};
      return v;
    }
  };

  ATTNJIT_HD bool attend(int q, int k) const {
    const int D = int(p_D);
    const int L = int(p_L);
    const int R = int(p_R);
    return q - L <= k && k <= q + R && attnjit::floor_mod(q - k, D) == 0;
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    const Plan plan(*this);
    return attnjit::classify_block<3, kCodeDepth, kFormulaDepth, kFormulaSize>(plan.view(), q0, q1, k0, k1);
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    const Plan plan(*this);
    return attnjit::walk_key_ranges<kFormulaDepth, kMaxRanges, kCodeDepth, kFormulaSize>(plan.view(), q0, q1, lo, hi);
  }
};
