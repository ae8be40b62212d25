#include "compiler/analysis_plan.h"

#include "compiler/eval_mask.h"

#include <algorithm>
#include <cassert>
#include <optional>

namespace attnjit {
namespace {

bool reads_qk(const ExprPtr& e) {
  return mentions_q(*e) || mentions_k(*e);
}
bool is_lit(const PlanNumber& n, int64_t v) {
  return n && n->op() == Op::Lit && n->value() == v;
}

// Arithmetic on plan numbers; null is 0, and only literals fold.
PlanNumber num_add(const PlanNumber& x, const PlanNumber& y) {
  if (!x || is_lit(x, 0)) return y;
  if (!y || is_lit(y, 0)) return x;
  if (x->op() == Op::Lit && y->op() == Op::Lit) return make_lit(x->value() + y->value());
  return make_node(Op::Add, {x, y});
}
PlanNumber num_neg(const PlanNumber& x) {
  if (!x || is_lit(x, 0)) return nullptr;
  if (x->op() == Op::Lit) return make_lit(-x->value());
  if (x->op() == Op::Neg) return x->arg(0);
  return make_node(Op::Neg, {x});
}
PlanNumber num_sub(const PlanNumber& x, const PlanNumber& y) {
  if (!y || is_lit(y, 0)) return x;
  if (!x || is_lit(x, 0)) return num_neg(y);
  if (x->op() == Op::Lit && y->op() == Op::Lit) return make_lit(x->value() - y->value());
  return make_node(Op::Sub, {x, y});
}
PlanNumber num_mul(const PlanNumber& x, const PlanNumber& y) {
  if (!x || !y || is_lit(x, 0) || is_lit(y, 0)) return nullptr;
  if (is_lit(x, 1)) return y;
  if (is_lit(y, 1)) return x;
  if (is_lit(x, -1)) return num_neg(y);
  if (is_lit(y, -1)) return num_neg(x);
  if (x->op() == Op::Lit && y->op() == Op::Lit) return make_lit(x->value() * y->value());
  return make_node(Op::Mul, {x, y});
}

// a*q + b*k + c with parameter-only coefficients.
struct Linear {
  PlanNumber a, b, c;
};

std::optional<Linear> linear_form(const ExprPtr& e) {
  if (!reads_qk(e)) return Linear{nullptr, nullptr, e};
  switch (e->op()) {
  case Op::Q:
    return Linear{make_lit(1), nullptr, nullptr};
  case Op::K:
    return Linear{nullptr, make_lit(1), nullptr};
  case Op::Neg: {
    auto x = linear_form(e->arg(0));
    if (!x) return std::nullopt;
    return Linear{num_neg(x->a), num_neg(x->b), num_neg(x->c)};
  }
  case Op::Add:
  case Op::Sub: {
    auto x = linear_form(e->arg(0)), y = linear_form(e->arg(1));
    if (!x || !y) return std::nullopt;
    if (e->op() == Op::Add)
      return Linear{num_add(x->a, y->a), num_add(x->b, y->b), num_add(x->c, y->c)};
    return Linear{num_sub(x->a, y->a), num_sub(x->b, y->b), num_sub(x->c, y->c)};
  }
  case Op::Mul: {
    // One side is q/k-free (the checker's rule): scale the other.
    const bool left_const = !reads_qk(e->arg(0));
    const ExprPtr& s = left_const ? e->arg(0) : e->arg(1);
    if (reads_qk(s)) return std::nullopt;
    auto x = linear_form(left_const ? e->arg(1) : e->arg(0));
    if (!x) return std::nullopt;
    return Linear{num_mul(s, x->a), num_mul(s, x->b), num_mul(s, x->c)};
  }
  default:
    return std::nullopt;
  }
}

unsigned char program_op(Op op) {
  switch (op) {
  case Op::Neg:
    return kOpNeg;
  case Op::Add:
    return kOpAdd;
  case Op::Sub:
    return kOpSub;
  case Op::Mul:
    return kOpMul;
  case Op::Div:
    return kOpDiv;
  case Op::Mod:
    return kOpMod;
  case Op::Abs:
    return kOpAbs;
  case Op::Min:
    return kOpMin;
  case Op::Max:
    return kOpMax;
  default:
    assert(false && "not an integer operator");
    return kOpConst;
  }
}

struct Planner {
  AnalysisPlan plan;
  int sp = 0, depth = 0; // program stack while emitting

  void push(unsigned char op, PlanNumber a, PlanNumber b, PlanNumber c, int delta) {
    plan.code.push_back({op, std::move(a), std::move(b), std::move(c)});
    sp += delta;
    depth = std::max(depth, sp);
  }

  // Postfix interval program for an integer expression; linear pieces become one kOpLin.
  void program(const ExprPtr& e) {
    if (auto lin = linear_form(e)) {
      if (lin->a || lin->b) return push(kOpLin, lin->a, lin->b, lin->c, +1);
      return push(kOpConst, nullptr, nullptr, lin->c, +1);
    }
    for (const ExprPtr& x : e->args()) program(x);
    push(program_op(e->op()), nullptr, nullptr, nullptr, e->args().size() == 1 ? 0 : -1);
  }

  // `(k + e) / div` with e and div q/k-free: the shape whose key range is known.
  static bool is_kdiv(const ExprPtr& x, PlanNumber* e, PlanNumber* div) {
    if (x->op() != Op::Div || reads_qk(x->arg(1))) return false;
    auto lin = linear_form(x->arg(0));
    if (!lin || lin->a || !is_lit(lin->b, 1)) return false;
    *e = lin->c;
    *div = x->arg(1);
    return true;
  }

  int atom(const ExprPtr& cmp) {
    const ExprPtr &lhs = cmp->arg(0), &rhs = cmp->arg(1);
    // D = sl*lhs + sr*rhs + off, compared with 0.
    int sl = 1, sr = -1, off = 0;
    unsigned char op = kCmpLe;
    switch (cmp->op()) {
    case Op::Le:
      break;
    case Op::Lt:
      off = 1;
      break;
    case Op::Ge:
      sl = -1, sr = 1;
      break;
    case Op::Gt:
      sl = -1, sr = 1, off = 1;
      break;
    case Op::Eq:
      op = kCmpEq;
      break;
    case Op::Ne:
      op = kCmpNe;
      break;
    default:
      assert(false && "normalized atoms are comparisons");
    }
    PlanAtom at;
    at.source = cmp;
    at.op = op;
    const PlanNumber one = off ? make_lit(1) : nullptr;
    auto side = [](int s, const PlanNumber& n) { return s > 0 ? n : num_neg(n); };
    auto l = linear_form(lhs), r = linear_form(rhs);
    if (l && r) {
      at.a = num_add(side(sl, l->a), side(sr, r->a));
      at.b = num_add(side(sl, l->b), side(sr, r->b));
      at.c = num_add(num_add(side(sl, l->c), side(sr, r->c)), one);
    } else {
      sp = 0;
      at.code_begin = int(plan.code.size());
      program(sl > 0 ? lhs : rhs);
      program(sl > 0 ? rhs : lhs);
      push(kOpSub, nullptr, nullptr, nullptr, -1);
      if (off) {
        push(kOpConst, nullptr, nullptr, one, +1);
        push(kOpAdd, nullptr, nullptr, nullptr, -1);
      }
      at.code_end = int(plan.code.size());
      // D = sign * (G(k) - H(q)) when one side is (k + e) / div and the other reads no k.
      PlanNumber e, div;
      const bool g_left = is_kdiv(lhs, &e, &div) && !mentions_k(*rhs);
      const bool g_right = !g_left && is_kdiv(rhs, &e, &div) && !mentions_k(*lhs);
      if (g_left || g_right) {
        const int sign = g_left ? sl : sr;
        const ExprPtr& other = g_left ? rhs : lhs;
        // H = other - sign * off, from D = sign * (G - other) + off.
        at.kdiv_sign = sign;
        at.kdiv_e = e;
        at.kdiv_div = div;
        sp = 0;
        at.h_begin = int(plan.code.size());
        program(other);
        if (off) {
          push(kOpConst, nullptr, nullptr, one, +1);
          push(sign > 0 ? kOpSub : kOpAdd, nullptr, nullptr, nullptr, -1);
        }
        at.h_end = int(plan.code.size());
      }
    }
    plan.atoms.push_back(std::move(at));
    return int(plan.atoms.size()) - 1;
  }

  // Appends the postfix formula; returns its stack depth.
  int formula(const ExprPtr& e) {
    switch (e->op()) {
    case Op::True:
      plan.formula.push_back(kFormTrue);
      return 1;
    case Op::False:
      plan.formula.push_back(kFormFalse);
      return 1;
    case Op::And:
    case Op::Or: {
      int d = formula(e->arg(0));
      for (size_t i = 1; i < e->args().size(); ++i) {
        d = std::max(d, 1 + formula(e->arg(i)));
        plan.formula.push_back(e->op() == Op::And ? kFormAnd : kFormOr);
      }
      return d;
    }
    default:
      assert(is_comparison(e->op()) && "normalized formulas hold &, |, full, none, comparisons");
      plan.formula.push_back(short(atom(e)));
      return 1;
    }
  }
};

// Bound on the number of walk-set intervals (see walk_key_ranges): an atom gives at most one,
// except `b*k + ... != 0` with no q, which removes one point; AND of m and n sorted disjoint
// lists has at most m + n - 1 pieces, OR m + n.
int range_bound(const ExprPtr& e) {
  switch (e->op()) {
  case Op::True:
    return 1;
  case Op::False:
    return 0;
  case Op::And:
  case Op::Or: {
    int m = range_bound(e->arg(0));
    for (size_t i = 1; i < e->args().size(); ++i) {
      const int n = range_bound(e->arg(i));
      m = e->op() == Op::Or ? m + n : (m == 0 || n == 0 ? 0 : m + n - 1);
      m = std::min(m, 4 * kMaxKeyRangesCap); // keep the arithmetic small; capped below anyway
    }
    return m;
  }
  default: {
    if (e->op() != Op::Ne || !mentions_k(*e)) return 1;
    auto l = linear_form(e->arg(0)), r = linear_form(e->arg(1));
    if (!l || !r) return 1;
    const PlanNumber a = num_sub(l->a, r->a);
    const bool no_q = !a || is_lit(a, 0);
    const bool maybe_no_q = no_q || a->op() != Op::Lit;
    return maybe_no_q ? 2 : 1;
  }
  }
}

} // namespace

AnalysisPlan plan_analysis(const ExprPtr& normalized) {
  Planner p;
  p.plan.formula_depth = p.formula(normalized);
  p.plan.max_ranges = std::clamp(range_bound(normalized), 1, kMaxKeyRangesCap);
  p.plan.code_depth = std::max(p.depth, 1);
  const bool too_big = int(p.plan.atoms.size()) > kMaskMaxAtoms || p.depth > kMaskMaxStack ||
                       p.plan.formula_depth > kMaskMaxStack || p.plan.code.size() > 30000;
  if (too_big) {
    AnalysisPlan empty;
    empty.fallback = true;
    empty.max_ranges = 1;
    return empty;
  }
  return std::move(p.plan);
}

BoundPlan bind_plan(const AnalysisPlan& plan, const std::vector<std::string>& names,
                    const std::vector<int64_t>& values) {
  auto num = [&](const PlanNumber& n) -> long long {
    return n ? (long long)eval_constant(*n, names, values) : 0;
  };
  BoundPlan b;
  for (const PlanInstr& in : plan.code) b.code.push_back({in.op, num(in.a), num(in.b), num(in.c)});
  for (const PlanAtom& at : plan.atoms) {
    MaskAtom m{};
    m.op = at.op;
    m.code_begin = short(at.code_begin);
    m.code_end = short(at.code_end);
    m.a = num(at.a);
    m.b = num(at.b);
    m.c = num(at.c);
    m.kdiv_sign = (signed char)at.kdiv_sign;
    m.h_begin = short(at.h_begin);
    m.h_end = short(at.h_end);
    m.kdiv_div = num(at.kdiv_div);
    m.kdiv_e = num(at.kdiv_e);
    b.atoms.push_back(m);
  }
  b.formula = plan.formula;
  b.max_ranges = plan.max_ranges;
  finalize_mask_plan(b.atoms.data(), int(b.atoms.size()), b.code.data());
  return b;
}

} // namespace attnjit
