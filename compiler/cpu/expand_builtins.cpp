#include "compiler/cpu/expand_builtins.h"

#include <cassert>

namespace attnjit::cpu {

namespace {

ExprPtr node(Op op, ExprPtr a, ExprPtr b, Span s) {
  return make_node(op, {std::move(a), std::move(b)}, s);
}

// q - left <= k & k <= q + right
ExprPtr window(const ExprPtr& left, const ExprPtr& right, Span s) {
  ExprPtr q = make_leaf(Op::Q, s), k = make_leaf(Op::K, s);
  return node(Op::And, node(Op::Le, node(Op::Sub, q, left, s), k, s),
              node(Op::Le, k, node(Op::Add, q, right, s), s), s);
}

ExprPtr expand_builtin(Op op, const std::vector<ExprPtr>& a, Span s) {
  ExprPtr q = make_leaf(Op::Q, s), k = make_leaf(Op::K, s);
  switch (op) {
  case Op::Causal:
    return node(Op::Le, k, q, s);
  case Op::Window:
    return window(a[0], a[1], s);
  case Op::Sink:
    return node(Op::Lt, k, a[0], s);
  case Op::Global:
    return node(Op::Or, node(Op::Lt, k, a[0], s), node(Op::Lt, q, a[0], s), s);
  case Op::Prefix:
    return node(Op::And, node(Op::Lt, q, a[0], s), node(Op::Lt, k, a[0], s), s);
  case Op::Chunk:
    return node(Op::Eq, node(Op::Div, q, a[0], s), node(Op::Div, k, a[0], s), s);
  case Op::Dilated: {
    ExprPtr phase = node(Op::Mod, node(Op::Sub, q, k, s), a[2], s);
    return node(Op::And, window(a[0], a[1], s), node(Op::Eq, phase, make_lit(0, s), s), s);
  }
  default:
    assert(false && "not a built-in");
    return nullptr;
  }
}

} // namespace

ExprPtr expand_builtins(const ExprPtr& e) {
  std::vector<ExprPtr> args;
  args.reserve(e->args().size());
  bool changed = false;
  for (const ExprPtr& a : e->args()) {
    args.push_back(expand_builtins(a));
    changed |= args.back() != a;
  }
  if (is_builtin(e->op())) return expand_builtin(e->op(), args, e->span());
  if (!changed) return e;
  return make_node(e->op(), std::move(args), e->span());
}

} // namespace attnjit::cpu
