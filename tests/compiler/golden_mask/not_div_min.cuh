// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       !k > q & (q + A) / 3 >= k / 3 - min(B, 2)
//   normalized: k <= q & (q + A) / 3 >= k / 3 - min(B, 2)
struct Mask {
  static constexpr int kNumParams = 2;
  static constexpr int kMaxRanges = 1;
  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.
  static constexpr int kNumAtoms = 2;
  static constexpr int kCodeSize = 9;
  static constexpr int kFormulaSize = 3;
  static constexpr int kFormulaDepth = 2;
  static constexpr int kCodeDepth = 3;

  long long p_A;
  long long p_B;

  ATTNJIT_HD explicit Mask(const long long* params) {
    p_A = params[0];
    p_B = params[1];
  }

  // The analysis plan: numbers computed from the parameters, read by classify and key_ranges.
  struct Plan {
    attnjit::MaskAtom atoms[2];
    attnjit::MaskInstr code[9];
    short formula[3];

    ATTNJIT_HD explicit Plan(const Mask& m) {
      const long long p_A = m.p_A;
      const long long p_B = m.p_B;
      code[0] = attnjit::mask_instr(attnjit::kOpLin, 0, 1ll, 0);
      code[1] = attnjit::mask_instr(attnjit::kOpConst, 0, 0, 3ll);
      code[2] = attnjit::mask_instr(attnjit::kOpDiv);
      code[3] = attnjit::mask_instr(attnjit::kOpConst, 0, 0, attnjit::lmin(p_B, 2ll));
      code[4] = attnjit::mask_instr(attnjit::kOpSub);
      code[5] = attnjit::mask_instr(attnjit::kOpLin, 1ll, 0, p_A);
      code[6] = attnjit::mask_instr(attnjit::kOpConst, 0, 0, 3ll);
      code[7] = attnjit::mask_instr(attnjit::kOpDiv);
      code[8] = attnjit::mask_instr(attnjit::kOpSub);
      // k <= q
      atoms[0] = attnjit::linear_atom(attnjit::kCmpLe, -1ll, 1ll, 0);
      // (q + A) / 3 >= k / 3 - min(B, 2)
      atoms[1] = attnjit::general_atom(attnjit::kCmpLe, 0, 9);
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
    const int A = int(p_A);
    const int B = int(p_B);
    return k <= q && attnjit::floor_div(q + A, 3) >= attnjit::floor_div(k, 3) - attnjit::imin(B, 2);
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
