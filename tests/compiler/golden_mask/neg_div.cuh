// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh first.
//   mask:       k * 2 >= q - W & -q / 4 != max(k, A) | !global(G)
//   normalized: k * 2 >= q - W & -q / 4 != max(k, A) | k >= G & q >= G
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

  // The analysis plan: numbers computed from the parameters, read by classify and key_ranges.
  struct Plan {
    attnjit::MaskAtom atoms[4];
    attnjit::MaskInstr code[7];
    short formula[7];

    ATTNJIT_HD explicit Plan(const Mask& m) {
      const long long p_A = m.p_A;
      const long long p_G = m.p_G;
      const long long p_W = m.p_W;
      code[0] = attnjit::mask_instr(attnjit::kOpLin, -1ll, 0, 0);
      code[1] = attnjit::mask_instr(attnjit::kOpConst, 0, 0, 4ll);
      code[2] = attnjit::mask_instr(attnjit::kOpDiv);
      code[3] = attnjit::mask_instr(attnjit::kOpLin, 0, 1ll, 0);
      code[4] = attnjit::mask_instr(attnjit::kOpConst, 0, 0, p_A);
      code[5] = attnjit::mask_instr(attnjit::kOpMax);
      code[6] = attnjit::mask_instr(attnjit::kOpSub);
      // k * 2 >= q - W
      atoms[0] = attnjit::linear_atom(attnjit::kCmpLe, 1ll, -2ll, -p_W);
      // -q / 4 != max(k, A)
      atoms[1] = attnjit::general_atom(attnjit::kCmpNe, 0, 7);
      // k >= G
      atoms[2] = attnjit::linear_atom(attnjit::kCmpLe, 0, -1ll, p_G);
      // q >= G
      atoms[3] = attnjit::linear_atom(attnjit::kCmpLe, -1ll, 0, p_G);
      // Postfix over atoms: -1 and, -2 or, -3 full, -4 none.
      const short f[7] = {0, 1, -1, 2, 3, -1, -2};
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
    const int G = int(p_G);
    const int W = int(p_W);
    return (k * 2 >= q - W && attnjit::floor_div(-q, 4) != attnjit::imax(k, A)) || (k >= G && q >= G);
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
