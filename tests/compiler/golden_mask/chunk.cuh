// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       chunk(C)
//   normalized: q / C == k / C
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

  // The analysis plan: numbers computed from the parameters, read by classify and key_ranges.
  struct Plan {
    attnjit::MaskAtom atoms[1];
    attnjit::MaskInstr code[10];
    short formula[1];

    ATTNJIT_HD explicit Plan(const Mask& m) {
      const long long p_C = m.p_C;
      code[0] = attnjit::mask_instr(attnjit::kOpLin, 1ll, 0, 0);
      code[1] = attnjit::mask_instr(attnjit::kOpConst, 0, 0, p_C);
      code[2] = attnjit::mask_instr(attnjit::kOpDiv);
      code[3] = attnjit::mask_instr(attnjit::kOpLin, 0, 1ll, 0);
      code[4] = attnjit::mask_instr(attnjit::kOpConst, 0, 0, p_C);
      code[5] = attnjit::mask_instr(attnjit::kOpDiv);
      code[6] = attnjit::mask_instr(attnjit::kOpSub);
      code[7] = attnjit::mask_instr(attnjit::kOpLin, 1ll, 0, 0);
      code[8] = attnjit::mask_instr(attnjit::kOpConst, 0, 0, p_C);
      code[9] = attnjit::mask_instr(attnjit::kOpDiv);
      // q / C == k / C
      atoms[0] = attnjit::with_kdiv(attnjit::general_atom(attnjit::kCmpEq, 0, 7), -1, 7, 10, p_C, 0);
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
    const int C = int(p_C);
    return attnjit::floor_div(q, C) == attnjit::floor_div(k, C);
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
