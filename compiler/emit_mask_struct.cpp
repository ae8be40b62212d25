#include "compiler/emit_mask_struct.h"

#include "compiler/analysis_plan.h"
#include "dsl/print.h"

#include <cassert>
#include <map>
#include <set>
#include <sstream>
#include <vector>

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

// A plan number known at generation time: null is 0, a literal its value.
bool literal(const PlanNumber& n, long long* v) {
  if (!n) return *v = 0, true;
  if (n->op() != Op::Lit) return false;
  *v = n->value();
  return true;
}

// Straight-line classify and key_ranges: the plan's shapes fixed at generation time (every
// atom's kind decided by literal coefficients), the interval programs' stacks resolved here,
// the piece and segment cuts unrolled. Computes what classify_block / walk_key_ranges compute.
struct StraightLine {
  const AnalysisPlan& plan;
  const Printer& wide;
  std::vector<unsigned char> kind; // kAtom* per atom
  int var = 0;
  std::vector<int> rep; // the first atom equal to each

  std::string fresh(const char* stem) { return stem + std::to_string(var++); }

  // Decides every atom's kind; false when some coefficient is a run-time value.
  bool decide() {
    // Atoms with equal numbers (or, for general ones, the same source) are one atom: their
    // values are computed once and their cuts made once.
    std::vector<std::string> keys;
    for (const PlanAtom& at : plan.atoms) {
      std::string key = std::to_string(at.op) + "|";
      key += at.code_begin == at.code_end
                 ? wide.number(at.a) + "|" + wide.number(at.b) + "|" + wide.number(at.c)
                 : "g|" + to_canonical(*at.source);
      size_t r = 0;
      while (r < keys.size() && keys[r] != key) ++r;
      rep.push_back(int(r));
      keys.push_back(key);
    }
    for (const PlanAtom& at : plan.atoms) {
      long long a = 0, b = 0;
      if (at.code_begin == at.code_end) {
        if (!literal(at.a, &a) || !literal(at.b, &b)) return false;
        kind.push_back(a == 0 && b == 0 ? kAtomConst
                       : b == 0         ? kAtomQ
                       : a == 0         ? kAtomK
                       : a == -b        ? kAtomT
                                        : kAtomLinear);
        continue;
      }
      bool t_only = true;
      for (int j = at.code_begin; j < at.code_end; ++j) {
        const PlanInstr& in = plan.code[size_t(j)];
        if (in.op != kOpLin) continue;
        if (!literal(in.a, &a) || !literal(in.b, &b)) return false;
        if (a != -b) t_only = false;
      }
      kind.push_back(t_only ? kAtomTFunc : kAtomGeneral);
    }
    return true;
  }

  // Emits the interval program [begin, end) over a domain; returns the result's name.
  // dom: "box" (q0..k1 names given), "t" (t range), "q" (queries only, keys 0).
  std::string program(std::ostream& o, const std::string& ind, int begin, int end,
                      const std::string& dom, const std::string& qa, const std::string& qb,
                      const std::string& ka, const std::string& kb) {
    std::vector<std::string> st;
    for (int i = begin; i < end; ++i) {
      const PlanInstr& in = plan.code[size_t(i)];
      std::string v = fresh("iv"), rhs;
      if (in.op == kOpConst) {
        rhs = "attnjit::make_interval(" + wide.number(in.c) + ", " + wide.number(in.c) + ")";
      } else if (in.op == kOpLin) {
        if (dom == "t")
          rhs = "attnjit::t_linear_range(" + wide.number(in.b) + ", " + wide.number(in.c) + ", " +
                qa + ", " + qb + ")";
        else
          rhs = "attnjit::linear_range(" + wide.number(in.a) + ", " + wide.number(in.b) + ", " +
                wide.number(in.c) + ", " + qa + ", " + qb + ", " + ka + ", " + kb + ")";
      } else if (in.op == kOpNeg || in.op == kOpAbs) {
        rhs = std::string("attnjit::interval_unary(attnjit::") + instr_name(in.op) + ", " +
              st.back() + ")";
        st.pop_back();
      } else {
        const std::string y = st.back();
        st.pop_back();
        rhs = std::string("attnjit::interval_binary(attnjit::") + instr_name(in.op) + ", " +
              st.back() + ", " + y + ")";
        st.pop_back();
      }
      o << ind << "const attnjit::Interval " << v << " = " << rhs << ";\n";
      st.push_back(v);
    }
    return st.front();
  }

  std::string formula3() const {
    std::vector<std::string> st;
    for (short f : plan.formula) {
      if (f >= 0)
        st.push_back("v" + std::to_string(rep[size_t(f)]));
      else if (f == kFormTrue)
        st.push_back("2");
      else if (f == kFormFalse)
        st.push_back("0");
      else {
        const std::string y = st.back();
        st.pop_back();
        st.back() = std::string(f == kFormAnd ? "attnjit::tv_and(" : "attnjit::tv_or(") +
                    st.back() + ", " + y + ")";
      }
    }
    return st.size() == 1 ? st[0] : "1";
  }

  // Cut lists: names of (position, valid) pairs, the first always valid.
  struct Cuts {
    std::vector<std::pair<std::string, std::string>> c;
  };

  // Emits the cuts of [lo, hi] by the atoms of kind `k` (coefficient via `coef`).
  Cuts cuts(std::ostream& o, const std::string& ind, unsigned char k, bool use_a,
            const std::string& lo, const std::string& hi) {
    Cuts r;
    r.c.push_back({lo, "true"});
    for (size_t i = 0; i < plan.atoms.size(); ++i) {
      if (kind[i] != k || rep[i] != int(i)) continue;
      const PlanAtom& at = plan.atoms[i];
      const std::string p0 = fresh("c"), p1 = fresh("c"), v0 = fresh("u"), v1 = fresh("u");
      o << ind << "long long " << p0 << ", " << p1 << ";\n"
        << ind << "bool " << v0 << ", " << v1 << ";\n"
        << ind << "attnjit::linear_cuts(" << wide.number(use_a ? at.a : at.b) << ", "
        << wide.number(at.c) << ", " << cmp_name(at.op) << ", " << lo << ", " << hi << ", " << p0
        << ", " << v0 << ", " << p1 << ", " << v1 << ");\n";
      r.c.push_back({p0, v0});
      if (at.op != kCmpLe) r.c.push_back({p1, v1});
    }
    return r;
  }

  // For cut i: the piece [c_i, end] where end is the nearest later cut minus one, or hi.
  std::string cut_end(std::ostream& o, const std::string& ind, const Cuts& cs, size_t i,
                      const std::string& hi) {
    const std::string e = fresh("e");
    o << ind << "long long " << e << " = " << hi << ";\n";
    for (size_t j = 0; j < cs.c.size(); ++j)
      if (j != i)
        o << ind << e << " = attnjit::cut_end(" << e << ", " << cs.c[i].first << ", "
          << cs.c[j].first << ", " << cs.c[j].second << ");\n";
    return e;
  }

  void classify(std::ostream& o) {
    o << "    if (q0 > q1 || k0 > k1) return attnjit::kMaskEmpty;\n"
      << "    int r = -1;\n";
    const std::string ind = "    ";
    const Cuts qc = cuts(o, ind, kAtomQ, true, "q0", "q1");
    const Cuts kc = cuts(o, ind, kAtomK, false, "k0", "k1");
    for (size_t i = 0; i < qc.c.size(); ++i) {
      const std::string qe = cut_end(o, ind, qc, i, "q1");
      for (size_t j = 0; j < kc.c.size(); ++j) {
        const std::string ke = cut_end(o, ind, kc, j, "k1");
        std::string guard = qc.c[i].second == "true" ? "" : qc.c[i].second;
        if (kc.c[j].second != "true") guard += (guard.empty() ? "" : " && ") + kc.c[j].second;
        o << ind << (guard.empty() ? "" : "if (" + guard + ") ") << "{\n";
        const std::string in = ind + "  ";
        const std::string a0 = qc.c[i].first, a1 = qe, b0 = kc.c[j].first, b1 = ke;
        for (size_t n = 0; n < plan.atoms.size(); ++n) {
          const PlanAtom& at = plan.atoms[n];
          if (kind[n] == kAtomT || kind[n] == kAtomTFunc || rep[n] != int(n)) continue;
          std::string d;
          if (kind[n] == kAtomGeneral)
            d = program(o, in, at.code_begin, at.code_end, "box", a0, a1, b0, b1);
          else
            d = "attnjit::linear_range(" + wide.number(at.a) + ", " + wide.number(at.b) + ", " +
                wide.number(at.c) + ", " + a0 + ", " + a1 + ", " + b0 + ", " + b1 + ")";
          o << in << "const int v" << n << " = attnjit::compare_range(" << d << ", "
            << cmp_name(at.op) << ");\n";
        }
        const std::string t0 = fresh("t"), t1 = fresh("t");
        o << in << "const long long " << t0 << " = " << b0 << " - " << a1 << ", " << t1 << " = "
          << b1 << " - " << a0 << ";\n";
        const Cuts tc = cuts(o, in, kAtomT, false, t0, t1);
        for (size_t s = 0; s < tc.c.size(); ++s) {
          const std::string te = cut_end(o, in, tc, s, t1);
          o << in << (tc.c[s].second == "true" ? "" : "if (" + tc.c[s].second + ") ") << "{\n";
          const std::string in2 = in + "  ";
          const std::string lo = tc.c[s].first;
          for (size_t n = 0; n < plan.atoms.size(); ++n) {
            const PlanAtom& at = plan.atoms[n];
            if (rep[n] != int(n)) continue;
            std::string d;
            if (kind[n] == kAtomT)
              d = "attnjit::t_linear_range(" + wide.number(at.b) + ", " + wide.number(at.c) + ", " +
                  lo + ", " + te + ")";
            else if (kind[n] == kAtomTFunc)
              d = program(o, in2, at.code_begin, at.code_end, "t", lo, te, "", "");
            else
              continue;
            o << in2 << "const int v" << n << " = attnjit::compare_range(" << d << ", "
              << cmp_name(at.op) << ");\n";
          }
          o << in2 << "r = attnjit::tv_combine(r, " << formula3() << ");\n"
            << in2 << "if (r == attnjit::kMaskPartial) return r;\n"
            << in << "}\n";
        }
        o << ind << "}\n";
      }
    }
    o << "    return r;\n";
  }

  // key_ranges; false (nothing usable written) when some node's items outgrow the plan's bound.
  bool key_ranges(std::ostream& o) {
    std::vector<std::vector<std::string>> st;
    std::map<int, std::vector<std::string>> cache; // key items per distinct atom
    const std::string ind = "    ";
    for (short f : plan.formula) {
      if (f == kFormTrue || f == kFormFalse) {
        std::vector<std::string> l;
        if (f == kFormTrue) {
          l.push_back(fresh("x"));
          o << ind << "const attnjit::Interval " << l[0]
            << " = attnjit::make_interval(-attnjit::kMaskInf, attnjit::kMaskInf);\n";
        }
        st.push_back(l);
        continue;
      }
      if (f >= 0 && cache.count(rep[size_t(f)])) {
        st.push_back(cache[rep[size_t(f)]]);
      } else if (f >= 0) {
        const PlanAtom& at = plan.atoms[size_t(f)];
        std::vector<std::string> l;
        if (at.code_begin == at.code_end) {
          long long a = 0;
          literal(at.a, &a);
          const std::string x = fresh("x"), y = fresh("x");
          o << ind << "attnjit::Interval " << x << ", " << y << ";\n"
            << ind << "attnjit::linear_key_items(" << cmp_name(at.op) << ", " << wide.number(at.a)
            << ", " << wide.number(at.b) << ", " << wide.number(at.c) << ", q0, q1, " << x << ", "
            << y << ");\n";
          l.push_back(x);
          if (at.op == kCmpNe && a == 0) l.push_back(y);
        } else {
          const std::string x = fresh("x");
          if (at.kdiv_sign == 0) {
            o << ind << "const attnjit::Interval " << x
              << " = attnjit::make_interval(-attnjit::kMaskInf, attnjit::kMaskInf);\n";
          } else {
            const std::string h =
                program(o, ind, at.h_begin, at.h_end, "q", "q0", "q1", "0ll", "0ll");
            o << ind << "const attnjit::Interval " << x << " = attnjit::kdiv_key_item("
              << cmp_name(at.op) << ", " << at.kdiv_sign << ", " << wide.number(at.kdiv_div) << ", "
              << wide.number(at.kdiv_e) << ", " << h << ");\n";
          }
          l.push_back(x);
        }
        cache[rep[size_t(f)]] = l;
        st.push_back(l);
      } else {
        std::vector<std::string> y = st.back();
        st.pop_back();
        std::vector<std::string>& x = st.back();
        if (f == kFormOr) {
          x.insert(x.end(), y.begin(), y.end());
        } else {
          std::vector<std::string> r;
          for (const std::string& u : x)
            for (const std::string& w : y) {
              r.push_back(fresh("x"));
              o << ind << "const attnjit::Interval " << r.back() << " = attnjit::item_and(" << u
                << ", " << w << ");\n";
            }
          x = r;
        }
      }
      if (int(st.back().size()) > plan.max_ranges) return false;
    }
    if (st.size() != 1) return false;
    const std::vector<std::string>& items = st[0];
    const size_t n = items.size();
    o << ind << "(void)q0;\n" << ind << "(void)q1;\n";
    if (n == 0) {
      o << ind << "(void)lo;\n" << ind << "(void)hi;\n" << ind << "return 0;\n";
      return true;
    }
    std::vector<std::string> w;
    for (size_t i = 0; i < n; ++i) {
      w.push_back(fresh("w"));
      o << ind << "attnjit::Interval " << w[i] << " = " << items[i] << ";\n";
    }
    // Odd-even transposition sort: n rounds order n items.
    for (size_t round = 0; round < n; ++round)
      for (size_t i = round % 2; i + 1 < n; i += 2)
        o << ind << "attnjit::item_order(" << w[i] << ", " << w[i + 1] << ");\n";
    o << ind << "attnjit::Interval cur = attnjit::make_interval(0, -1);\n"
      << ind << "bool open = false;\n"
      << ind << "int n = 0;\n";
    for (size_t i = 0; i < n; ++i)
      o << ind << "attnjit::item_emit(" << w[i] << ", cur, open, lo, hi, n);\n";
    o << ind << "return attnjit::item_close(cur, open, lo, hi, n);\n";
    return true;
  }
};

} // namespace

std::string emit_mask_struct(const MaskProgram& program) {
  const AnalysisPlan plan = plan_analysis(program.normalized);
  const Printer narrow{false}, wide{true};
  const int num_atoms = int(plan.atoms.size()), num_code = int(plan.code.size());
  const int num_form = int(plan.formula.size());
  // Straight-line classify/key_ranges when every atom's kind is fixed by literal coefficients,
  // the walk set's items stay within the plan's bound and the unrolled pieces stay few;
  // otherwise the plan interpreter of mask_support.cuh.
  StraightLine sl{plan, wide, {}, 0, {}};
  std::ostringstream cls, kr;
  bool straight = !plan.fallback && !plan.formula.empty() && sl.decide();
  if (straight) {
    auto count = [&](unsigned char k, bool use_a) {
      int n = 1;
      for (size_t i = 0; i < plan.atoms.size(); ++i)
        if (sl.kind[i] == k && sl.rep[i] == int(i)) n += plan.atoms[i].op == kCmpLe ? 1 : 2;
      (void)use_a;
      return n;
    };
    straight = count(kAtomQ, true) * count(kAtomK, false) * count(kAtomT, false) <= 64 &&
               sl.key_ranges(kr);
  }
  if (straight) sl.classify(cls);
  std::ostringstream o;
  o << "// The mask as a struct (attnjit emit_mask_struct). Include templates/mask_support.cuh "
       "first.\n"
    << "//   mask:       " << program.canonical << "\n"
    << "//   normalized: " << to_canonical(*program.normalized) << "\n";
  if (plan.fallback)
    o << "// The mask is past the analysis plan's capacity: every block is PARTIAL, every key "
         "walked.\n";
  if (straight)
    o << "// classify / key_ranges: straight-line code (every atom's kind fixed by literal "
         "coefficients;\n// interval items within the walk-set bound). Masks with run-time "
         "coefficients, more\n// pieces or more items than that use the analysis-plan "
         "interpreter instead.\n";
  else
    o << "// classify / key_ranges: the analysis-plan interpreter (run-time coefficients, many "
         "pieces,\n// or more walk-set items than the bound: straight-line code is not "
         "emitted for these).\n";
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

  if (!straight) {
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
        a = std::string("attnjit::linear_atom(") + cmp_name(at.op) + ", " + wide.number(at.a) +
            ", " + wide.number(at.b) + ", " + wide.number(at.c) + ")";
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
  }

  // The element predicate in 32-bit arithmetic.
  o << "  ATTNJIT_HD bool attend(int q, int k) const {\n";
  for (const std::string& p : program.params)
    o << "    const int " << narrow.param(p) << " = int(p_" << p << ");\n";
  o << "    return " << narrow.print(*program.normalized) << ";\n"
    << "  }\n\n";

  if (straight) {
    o << "  ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) "
         "const {\n"
      << cls.str() << "  }\n\n"
      << "  ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) "
         "const {\n"
      << kr.str() << "  }\n"
      << "};\n";
    return o.str();
  }
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
