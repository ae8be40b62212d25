// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       causal & chunk(2048)
//   normalized: k <= q & q / 2048 == k / 2048
struct Mask {
  static constexpr int kNumParams = 0;
  static constexpr int kMaxRanges = 1;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 2;
  static constexpr int kCodeSize = 10;
  static constexpr int kFormulaSize = 3;
  static constexpr int kFormulaDepth = 2;
  static constexpr int kCodeDepth = 3;

  ATTNJIT_HD explicit Mask(const long long* params) {
    (void)params;
  }

  // The analysis plan: numbers computed from the parameters, read by classify and key_ranges.
  struct Plan {
    attnjit::MaskAtom atoms[2];
    attnjit::MaskInstr code[10];
    short formula[3];

    ATTNJIT_HD explicit Plan(const Mask& m) {
      (void)m;
      code[0] = attnjit::mask_instr(attnjit::kOpLin, 1ll, 0, 0);
      code[1] = attnjit::mask_instr(attnjit::kOpConst, 0, 0, 2048ll);
      code[2] = attnjit::mask_instr(attnjit::kOpDiv);
      code[3] = attnjit::mask_instr(attnjit::kOpLin, 0, 1ll, 0);
      code[4] = attnjit::mask_instr(attnjit::kOpConst, 0, 0, 2048ll);
      code[5] = attnjit::mask_instr(attnjit::kOpDiv);
      code[6] = attnjit::mask_instr(attnjit::kOpSub);
      code[7] = attnjit::mask_instr(attnjit::kOpLin, 1ll, 0, 0);
      code[8] = attnjit::mask_instr(attnjit::kOpConst, 0, 0, 2048ll);
      code[9] = attnjit::mask_instr(attnjit::kOpDiv);
      // k <= q
      atoms[0] = attnjit::linear_atom(attnjit::kCmpLe, -1ll, 1ll, 0);
      // q / 2048 == k / 2048
      atoms[1] = attnjit::with_kdiv(attnjit::general_atom(attnjit::kCmpEq, 0, 7), -1, 7, 10, 2048ll, 0);
      // Postfix over atoms: -1 and, -2 or, -3 full, -4 none.
      const short f[3] = {0, 1, -1};
      for (int i = 0; i < kFormulaSize; ++i) formula[i] = f[i];
      attnjit::finalize_mask_plan(atoms, kNumAtoms, code);
    }

    ATTNJIT_HD attnjit::MaskPlanView view() const {
      attnjit::MaskPlanView v = {atoms, kNumAtoms, code, formula, kFormulaSize};
      return v;
    }
  };

  ATTNJIT_HD bool attend(int q, int k) const {
    return k <= q && attnjit::floor_div(q, 2048) == attnjit::floor_div(k, 2048);
  }

  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {
    const Plan plan(*this);
    return attnjit::classify_block<2, kCodeDepth, kFormulaDepth, kFormulaSize>(plan.view(), q0, q1, k0, k1);
  }

  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const {
    const Plan plan(*this);
    return attnjit::walk_key_ranges<kFormulaDepth, kMaxRanges, kCodeDepth, kFormulaSize>(plan.view(), q0, q1, lo, hi);
  }
};
