#include "compiler/emit_mask_struct.h"

#include "compiler/analysis_plan.h"
#include "dsl/print.h"

#include <cassert>
#include <set>
#include <sstream>

namespace attnjit {
namespace {

// C++ precedence levels (lower binds tighter), for minimal parentheses.
int precedence(Op op) {
  switch (op) {
  case Op::Mul:
    return 5;
  case Op::Add:
  case Op::Sub:
    return 6;
  case Op::Lt:
  case Op::Le:
  case Op::Gt:
  case Op::Ge:
    return 9;
  case Op::Eq:
  case Op::Ne:
    return 10;
  case Op::And:
    return 14;
  case Op::Or:
    return 15;
  case Op::Neg:
    return 3;
  default:
    return 0; // leaves and function calls
  }
}

const char* cxx_spelling(Op op) {
  switch (op) {
  case Op::And:
    return "&&";
  case Op::Or:
    return "||";
  default:
    return op_spelling(op);
  }
}

bool is_cxx_keyword(const std::string& s) {
  static const std::set<std::string> kw = {
      "alignas",  "alignof", "asm",       "auto",      "bool",      "break",    "case",
      "catch",    "char",    "class",     "const",     "constexpr", "continue", "default",
      "delete",   "do",      "double",    "else",      "enum",      "explicit", "extern",
      "false",    "float",   "for",       "friend",    "goto",      "if",       "inline",
      "int",      "long",    "mutable",   "namespace", "new",       "noexcept", "nullptr",
      "operator", "private", "protected", "public",    "register",  "return",   "short",
      "signed",   "sizeof",  "static",    "struct",    "switch",    "template", "this",
      "throw",    "true",    "try",       "typedef",   "typename",  "union",    "unsigned",
      "using",    "virtual", "void",      "volatile",  "while",     "and",      "or",
      "not",      "xor",     "lo",        "hi",        "params",    "attnjit",  "Mask",
      "view"};
  return kw.count(s) > 0;
}

// Prints expressions as C++: 32-bit for the element predicate (parameters read through int
// locals), 64-bit for the plan's numbers (parameters read as the long long members).
struct Printer {
  bool wide;

  std::string param(const std::string& name) const {
    if (wide) return "p_" + name;
    return is_cxx_keyword(name) ? name + "_" : name;
  }

  std::string call(const char* narrow, const char* wide_fn, const Expr& e) const {
    std::string s = std::string("attnjit::") + (wide ? wide_fn : narrow) + "(";
    for (size_t i = 0; i < e.args().size(); ++i) s += (i ? ", " : "") + print(*e.arg(i));
    return s + ")";
  }

  // `outer` is the precedence the context allows without parentheses; `assoc` says an operand
  // of equal precedence may go bare (left operands, and right ones of + * && ||).
  std::string print(const Expr& e, int outer = 99, bool assoc = true) const {
    std::string s;
    switch (e.op()) {
    case Op::Lit:
      s = std::to_string(e.value()) + (wide ? "ll" : "");
      return e.value() < 0 && outer < 99 ? "(" + s + ")" : s;
    case Op::Param:
      return param(e.name());
    case Op::Q:
      return "q";
    case Op::K:
      return "k";
    case Op::True:
      return "true";
    case Op::False:
      return "false";
    case Op::Div:
      return call("floor_div", "floor_div", e);
    case Op::Mod:
      return call("floor_mod", "floor_mod", e);
    case Op::Abs:
      return call("iabs", "labs64", e);
    case Op::Min:
      return call("imin", "lmin", e);
    case Op::Max:
      return call("imax", "lmax", e);
    case Op::Neg:
      s = "-" + print(*e.arg(0), 2);
      break;
    default: {
      const int p = precedence(e.op());
      // && inside || gets parentheses anyway: it reads better and compilers ask for them.
      const int inner = e.op() == Op::Or ? 13 : p;
      const bool assoc_right =
          e.op() == Op::Add || e.op() == Op::Mul || e.op() == Op::And || e.op() == Op::Or;
      s = print(*e.arg(0), inner, true);
      for (size_t i = 1; i < e.args().size(); ++i)
        s += std::string(" ") + cxx_spelling(e.op()) + " " + print(*e.arg(i), inner, assoc_right);
    }
    }
    const int p = precedence(e.op());
    const bool paren = p > outer || (p == outer && !assoc);
    return paren ? "(" + s + ")" : s;
  }

  std::string number(const PlanNumber& n) const { return n ? print(*n) : "0"; }
};

const char* cmp_name(unsigned char op) {
  return op == kCmpLe ? "attnjit::kCmpLe" : (op == kCmpEq ? "attnjit::kCmpEq" : "attnjit::kCmpNe");
}

const char* instr_name(unsigned char op) {
  static const char* names[] = {"kOpConst", "kOpLin", "kOpNeg", "kOpAdd", "kOpSub", "kOpMul",
                                "kOpDiv",   "kOpMod", "kOpAbs", "kOpMin", "kOpMax"};
  assert(op < sizeof(names) / sizeof(names[0]) && "unknown program opcode");
  return names[op];
}

} // namespace

std::string emit_mask_struct(const MaskProgram& program) {
  const AnalysisPlan plan = plan_analysis(program.normalized);
  const Printer narrow{false}, wide{true};
  const int num_atoms = int(plan.atoms.size()), num_code = int(plan.code.size());
  const int num_form = int(plan.formula.size());
  std::ostringstream o;
  o << "// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh "
       "first.\n"
    << "//   mask:       " << program.canonical << "\n"
    << "//   normalized: " << to_canonical(*program.normalized) << "\n";
  if (plan.fallback)
    o << "// The mask is past the analysis plan's capacity: every block is PARTIAL, every key "
         "walked.\n";
  o << "struct Mask {\n"
    << "  static constexpr int kNumParams = " << program.params.size() << ";\n"
    << "  static constexpr int kMaxRanges = " << plan.max_ranges << ";\n"
    << "  // Analysis plan sizes: atoms, interval-program instructions, postfix formula.\n"
    << "  static constexpr int kNumAtoms = " << num_atoms << ";\n"
    << "  static constexpr int kCodeSize = " << num_code << ";\n"
    << "  static constexpr int kFormulaSize = " << num_form << ";\n"
    << "  static constexpr int kFormulaDepth = " << std::max(plan.formula_depth, 1) << ";\n"
    << "  static constexpr int kCodeDepth = " << plan.code_depth << ";\n\n";
  for (const std::string& p : program.params) o << "  long long p_" << p << ";\n";
  if (!program.params.empty()) o << "\n";
  o << "  ATTNJIT_HD explicit Mask(const long long* params) {\n";
  if (program.params.empty()) o << "    (void)params;\n";
  for (size_t i = 0; i < program.params.size(); ++i)
    o << "    p_" << program.params[i] << " = params[" << i << "];\n";
  o << "  }\n\n";

  // The plan is a separate struct built from the parameters inside classify and key_ranges: a
  // Mask is then only its parameters, cheap to hold in registers beside the kernel's tiles, and
  // the plan's tables exist only where the block analysis runs (the kernel's walk-list fill).
  o << "  // The analysis plan: numbers computed from the parameters, read by classify and "
       "key_ranges.\n"
    << "  struct Plan {\n"
    << "    attnjit::MaskAtom atoms[" << std::max(num_atoms, 1) << "];\n"
    << "    attnjit::MaskInstr code[" << std::max(num_code, 1) << "];\n"
    << "    short formula[" << std::max(num_form, 1) << "];\n\n"
    << "    ATTNJIT_HD explicit Plan(const Mask& m) {\n";
  if (program.params.empty()) o << "      (void)m;\n";
  for (const std::string& p : program.params)
    o << "      const long long p_" << p << " = m.p_" << p << ";\n";
  for (int i = 0; i < num_code; ++i) {
    const PlanInstr& in = plan.code[size_t(i)];
    o << "      code[" << i << "] = attnjit::mask_instr(attnjit::" << instr_name(in.op);
    if (in.op == kOpLin)
      o << ", " << wide.number(in.a) << ", " << wide.number(in.b) << ", " << wide.number(in.c);
    else if (in.op == kOpConst)
      o << ", 0, 0, " << wide.number(in.c);
    o << ");\n";
  }
  for (int i = 0; i < num_atoms; ++i) {
    const PlanAtom& at = plan.atoms[size_t(i)];
    o << "      // " << to_canonical(*at.source) << "\n";
    std::string a;
    if (at.code_begin == at.code_end) {
      a = std::string("attnjit::linear_atom(") + cmp_name(at.op) + ", " + wide.number(at.a) + ", " +
          wide.number(at.b) + ", " + wide.number(at.c) + ")";
    } else {
      a = std::string("attnjit::general_atom(") + cmp_name(at.op) + ", " +
          std::to_string(at.code_begin) + ", " + std::to_string(at.code_end) + ")";
      if (at.kdiv_sign)
        a = "attnjit::with_kdiv(" + a + ", " + std::to_string(at.kdiv_sign) + ", " +
            std::to_string(at.h_begin) + ", " + std::to_string(at.h_end) + ", " +
            wide.number(at.kdiv_div) + ", " + wide.number(at.kdiv_e) + ")";
    }
    o << "      atoms[" << i << "] = " << a << ";\n";
  }
  if (num_form) {
    o << "      // Postfix over atoms: -1 and, -2 or, -3 full, -4 none.\n"
      << "      const short f[" << num_form << "] = {";
    for (int i = 0; i < num_form; ++i) o << (i ? ", " : "") << plan.formula[size_t(i)];
    o << "};\n"
      << "      for (int i = 0; i < kFormulaSize; ++i) formula[i] = f[i];\n";
  }
  o << "      attnjit::finalize_mask_plan(atoms, kNumAtoms, code);\n"
    << "    }\n\n"
    << "    ATTNJIT_HD attnjit::MaskPlanView view() const {\n"
    << "      attnjit::MaskPlanView v = {atoms, kNumAtoms, code, formula, kFormulaSize};\n"
    << "      return v;\n"
    << "    }\n"
    << "  };\n\n";

  // The element predicate in 32-bit arithmetic.
  o << "  ATTNJIT_HD bool attend(int q, int k) const {\n";
  for (const std::string& p : program.params)
    o << "    const int " << narrow.param(p) << " = int(p_" << p << ");\n";
  o << "    return " << narrow.print(*program.normalized) << ";\n"
    << "  }\n\n";

  o << "  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const {\n"
    << "    const Plan plan(*this);\n"
    << "    return attnjit::classify_block<" << std::max(num_atoms, 1)
    << ", kCodeDepth, kFormulaDepth, kFormulaSize>(plan.view(), q0, q1, k0, k1);\n"
    << "  }\n\n"
    << "  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) "
       "const {\n"
    << "    const Plan plan(*this);\n"
    << "    return attnjit::walk_key_ranges<kFormulaDepth, kMaxRanges, kCodeDepth, "
       "kFormulaSize>(plan.view(), q0, q1, lo, hi);\n"
    << "  }\n"
    << "};\n";
  return o.str();
}

} // namespace attnjit
