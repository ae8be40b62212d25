// The analysis plan: a normalized mask lowered to the tables that templates/mask_support.cuh
// reads (atoms `D op 0`, interval programs, a postfix formula).
//
// plan_analysis() fixes the plan's shape from the expression alone: which atoms exist, which
// are linear, the programs, the formula, the formula's depth and the most key intervals the
// walk set can have. The numbers inside (coefficients, constants) are kept as parameter-only
// expressions; bind_plan() evaluates them for given values, and emit_mask_struct prints the same
// expressions into the generated constructor. Both then call finalize_mask_plan, so the host
// analysis and the kernel classify every block alike.
#pragma once

#include "dsl/ir.h"
#include "templates/mask_support.cuh"

#include <cstdint>
#include <string>
#include <vector>

namespace attnjit {

// A number of the plan: a q/k-free expression, or null for 0.
using PlanNumber = ExprPtr;

struct PlanInstr {
  unsigned char op; // kOp*
  PlanNumber a, b, c;
};

struct PlanAtom {
  ExprPtr source;   // the normalized comparison it came from
  unsigned char op; // kCmp*
  PlanNumber a, b, c;
  int code_begin = 0, code_end = 0;
  int kdiv_sign = 0;
  int h_begin = 0, h_end = 0;
  PlanNumber kdiv_div, kdiv_e;
};

struct AnalysisPlan {
  std::vector<PlanAtom> atoms;
  std::vector<PlanInstr> code;
  std::vector<short> formula; // postfix; kForm* or an atom index
  int formula_depth = 0;      // stack depth the formula needs (at least 1)
  int code_depth = 1;         // stack depth the deepest interval program needs (at least 1)
  int max_ranges = 1;         // bound on the walk set's interval count
  // True when the mask outgrew the fixed capacities: the plan is then empty, which classifies
  // every block PARTIAL and walks every key (correct, only slower).
  bool fallback = false;
};

// The most intervals a walk set can hold for any mask; more are merged (covering more).
constexpr int kMaxKeyRangesCap = 16;

AnalysisPlan plan_analysis(const ExprPtr& normalized);

// The plan's numbers for parameter values (names sorted, values in the same order).
struct BoundPlan {
  std::vector<MaskAtom> atoms;
  std::vector<MaskInstr> code;
  std::vector<short> formula;
  int max_ranges = 1;
  MaskPlanView view() const {
    return {atoms.data(), int(atoms.size()), code.data(), formula.data(), int(formula.size())};
  }
};

BoundPlan bind_plan(const AnalysisPlan& plan, const std::vector<std::string>& names,
                    const std::vector<int64_t>& values);

} // namespace attnjit
