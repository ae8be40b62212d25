#include "compiler/normalize.h"

#include "templates/mask_support.cuh"

#include <cassert>
#include <utility>

namespace attnjit {
namespace {

bool is_lit(const ExprPtr& e, int64_t v) {
  return e->op() == Op::Lit && e->value() == v;
}

// Integer node with literal-only folding: what is folded never depends on a parameter.
ExprPtr arith(Op op, std::vector<ExprPtr> args, Span span) {
  bool all_lit = true;
  for (const ExprPtr& a : args) all_lit = all_lit && a->op() == Op::Lit;
  if (all_lit) {
    const int64_t x = args[0]->value(), y = args.size() > 1 ? args[1]->value() : 0;
    switch (op) {
    case Op::Neg:
      return make_lit(-x, span);
    case Op::Add:
      return make_lit(x + y, span);
    case Op::Sub:
      return make_lit(x - y, span);
    case Op::Mul:
      return make_lit(x * y, span);
    case Op::Div:
      if (y > 0) return make_lit(floor_div((long long)x, (long long)y), span);
      break;
    case Op::Mod:
      if (y > 0) return make_lit(floor_mod((long long)x, (long long)y), span);
      break;
    case Op::Abs:
      return make_lit(x < 0 ? -x : x, span);
    case Op::Min:
      return make_lit(x < y ? x : y, span);
    case Op::Max:
      return make_lit(x > y ? x : y, span);
    default:
      break;
    }
  }
  if ((op == Op::Add || op == Op::Sub) && is_lit(args[1], 0)) return args[0];
  if (op == Op::Add && is_lit(args[0], 0)) return args[1];
  return make_node(op, std::move(args), span);
}

ExprPtr connective(Op op, ExprPtr a, ExprPtr b, Span span) {
  // full / none vanish from & and |; they only survive as the whole mask.
  const Op absorb = op == Op::And ? Op::False : Op::True;
  const Op unit = op == Op::And ? Op::True : Op::False;
  if (a->op() == absorb || b->op() == absorb) return make_leaf(absorb, span);
  if (a->op() == unit) return b;
  if (b->op() == unit) return a;
  return make_node(op, {std::move(a), std::move(b)}, span);
}

ExprPtr compare(Op op, ExprPtr a, ExprPtr b, Span span);

// abs(x) op y for an inequality op, split into two comparisons on x.
ExprPtr split_abs(Op op, const ExprPtr& x, const ExprPtr& y, Span span) {
  ExprPtr neg_y = arith(Op::Neg, {y}, y->span());
  switch (op) {
  case Op::Le:
  case Op::Lt: // -y op x & x op y
    return connective(Op::And, compare(op, neg_y, x, span), compare(op, x, y, span), span);
  default: { // Ge / Gt: x op' -y | y op' x, with op' the same strictness
    const Op o = op == Op::Ge ? Op::Le : Op::Lt;
    return connective(Op::Or, compare(o, x, neg_y, span), compare(o, y, x, span), span);
  }
  }
}

ExprPtr compare(Op op, ExprPtr a, ExprPtr b, Span span) {
  if (a->op() == Op::Lit && b->op() == Op::Lit) {
    const int64_t x = a->value(), y = b->value();
    bool v = false;
    switch (op) {
    case Op::Lt:
      v = x < y;
      break;
    case Op::Le:
      v = x <= y;
      break;
    case Op::Gt:
      v = x > y;
      break;
    case Op::Ge:
      v = x >= y;
      break;
    case Op::Eq:
      v = x == y;
      break;
    default:
      v = x != y;
      break;
    }
    return make_leaf(v ? Op::True : Op::False, span);
  }
  if (op != Op::Eq && op != Op::Ne) {
    if (a->op() == Op::Abs) return split_abs(op, a->arg(0), b, span);
    if (b->op() == Op::Abs) return split_abs(mirror_comparison(op), b->arg(0), a, span);
  }
  return make_node(op, {std::move(a), std::move(b)}, span);
}

ExprPtr norm_int(const ExprPtr& e) {
  if (e->args().empty()) return e;
  std::vector<ExprPtr> args;
  for (const ExprPtr& a : e->args()) args.push_back(norm_int(a));
  return arith(e->op(), std::move(args), e->span());
}

// The definition of a built-in, as comparisons (see normalize.h).
ExprPtr expand_builtin(const Expr& e) {
  const Span s = e.span();
  const ExprPtr q = make_leaf(Op::Q, s), k = make_leaf(Op::K, s);
  auto arg = [&](size_t i) { return norm_int(e.arg(i)); };
  auto window = [&](const ExprPtr& l, const ExprPtr& r) {
    return make_node(Op::And,
                     {make_node(Op::Le, {make_node(Op::Sub, {q, l}, s), k}, s),
                      make_node(Op::Le, {k, make_node(Op::Add, {q, r}, s)}, s)},
                     s);
  };
  switch (e.op()) {
  case Op::Causal:
    return make_node(Op::Le, {k, q}, s);
  case Op::Window:
    return window(arg(0), arg(1));
  case Op::Sink:
    return make_node(Op::Lt, {k, arg(0)}, s);
  case Op::Global:
    return make_node(Op::Or, {make_node(Op::Lt, {k, arg(0)}, s), make_node(Op::Lt, {q, arg(0)}, s)},
                     s);
  case Op::Prefix:
    return make_node(Op::And,
                     {make_node(Op::Lt, {q, arg(0)}, s), make_node(Op::Lt, {k, arg(0)}, s)}, s);
  case Op::Chunk:
    return make_node(Op::Eq,
                     {make_node(Op::Div, {q, arg(0)}, s), make_node(Op::Div, {k, arg(0)}, s)}, s);
  case Op::Dilated: {
    ExprPtr mod = make_node(Op::Mod, {make_node(Op::Sub, {q, k}, s), arg(2)}, s);
    return make_node(Op::And, {window(arg(0), arg(1)), make_node(Op::Eq, {mod, make_lit(0, s)}, s)},
                     s);
  }
  default:
    assert(false && "not a built-in");
    return nullptr;
  }
}

// Boolean rewriting; `negate` is the parity of the `!`s above this node.
ExprPtr norm_bool(const ExprPtr& e, bool negate) {
  const Op op = e->op();
  if (op == Op::True || op == Op::False)
    return make_leaf((op == Op::True) != negate ? Op::True : Op::False, e->span());
  if (op == Op::Not) return norm_bool(e->arg(0), !negate);
  if (op == Op::And || op == Op::Or) {
    const Op o = negate ? (op == Op::And ? Op::Or : Op::And) : op;
    ExprPtr acc = norm_bool(e->arg(0), negate);
    for (size_t i = 1; i < e->args().size(); ++i)
      acc = connective(o, acc, norm_bool(e->arg(i), negate), e->span());
    return acc;
  }
  if (is_builtin(op)) return norm_bool(expand_builtin(*e), negate);
  assert(is_comparison(op) && "a checked boolean node is a connective, a leaf or a comparison");
  const Op o = negate ? negate_comparison(op) : op;
  return compare(o, norm_int(e->arg(0)), norm_int(e->arg(1)), e->span());
}

} // namespace

ExprPtr normalize(const ExprPtr& checked) {
  assert(checked && checked->type() == Type::Bool && "normalize takes a checked boolean mask");
  return norm_bool(checked, false);
}

} // namespace attnjit
