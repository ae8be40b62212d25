#include "dsl/ir.h"

#include <algorithm>
#include <cassert>

namespace attnjit {

Type result_type(Op op) {
  switch (op) {
  case Op::Lit:
  case Op::Param:
  case Op::Q:
  case Op::K:
  case Op::Neg:
  case Op::Add:
  case Op::Sub:
  case Op::Mul:
  case Op::Div:
  case Op::Mod:
  case Op::Abs:
  case Op::Min:
  case Op::Max:
    return Type::Int;
  default:
    return Type::Bool;
  }
}

const char* op_spelling(Op op) {
  switch (op) {
  case Op::Lit:
    return "lit";
  case Op::Param:
    return "param";
  case Op::Q:
    return "q";
  case Op::K:
    return "k";
  case Op::Neg:
    return "-";
  case Op::Add:
    return "+";
  case Op::Sub:
    return "-";
  case Op::Mul:
    return "*";
  case Op::Div:
    return "/";
  case Op::Mod:
    return "%";
  case Op::Abs:
    return "abs";
  case Op::Min:
    return "min";
  case Op::Max:
    return "max";
  case Op::True:
    return "full";
  case Op::False:
    return "none";
  case Op::Lt:
    return "<";
  case Op::Le:
    return "<=";
  case Op::Gt:
    return ">";
  case Op::Ge:
    return ">=";
  case Op::Eq:
    return "==";
  case Op::Ne:
    return "!=";
  case Op::And:
    return "&";
  case Op::Or:
    return "|";
  case Op::Not:
    return "!";
  case Op::Causal:
    return "causal";
  case Op::Window:
    return "window";
  case Op::Sink:
    return "sink";
  case Op::Global:
    return "global";
  case Op::Prefix:
    return "prefix";
  case Op::Chunk:
    return "chunk";
  case Op::Dilated:
    return "dilated";
  }
  return "?";
}

int builtin_arity(Op op) {
  switch (op) {
  case Op::Causal:
    return 0;
  case Op::Sink:
  case Op::Global:
  case Op::Prefix:
  case Op::Chunk:
    return 1;
  case Op::Window:
    return 2;
  case Op::Dilated:
    return 3;
  default:
    return -1;
  }
}

bool is_builtin(Op op) {
  return builtin_arity(op) >= 0;
}

bool is_comparison(Op op) {
  return op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge || op == Op::Eq ||
         op == Op::Ne;
}

Op negate_comparison(Op op) {
  switch (op) {
  case Op::Lt:
    return Op::Ge;
  case Op::Le:
    return Op::Gt;
  case Op::Gt:
    return Op::Le;
  case Op::Ge:
    return Op::Lt;
  case Op::Eq:
    return Op::Ne;
  case Op::Ne:
    return Op::Eq;
  default:
    assert(false && "negate_comparison takes a comparison");
    return op;
  }
}

Op mirror_comparison(Op op) {
  switch (op) {
  case Op::Lt:
    return Op::Gt;
  case Op::Le:
    return Op::Ge;
  case Op::Gt:
    return Op::Lt;
  case Op::Ge:
    return Op::Le;
  default:
    return op; // == and != read the same both ways
  }
}

ExprPtr make_lit(int64_t value, Span span) {
  return std::make_shared<const Expr>(Op::Lit, span, value, std::string(), std::vector<ExprPtr>{});
}

ExprPtr make_param(std::string name, Span span) {
  return std::make_shared<const Expr>(Op::Param, span, 0, std::move(name), std::vector<ExprPtr>{});
}

ExprPtr make_leaf(Op op, Span span) {
  assert((op == Op::Q || op == Op::K || op == Op::True || op == Op::False || op == Op::Causal) &&
         "make_leaf takes a leaf operator");
  return std::make_shared<const Expr>(op, span, 0, std::string(), std::vector<ExprPtr>{});
}

ExprPtr make_node(Op op, std::vector<ExprPtr> args, Span span) {
  return std::make_shared<const Expr>(op, span, 0, std::string(), std::move(args));
}

static bool mentions(const Expr& e, Op leaf) {
  if (e.op() == leaf) return true;
  // Built-ins read both positions.
  if (is_builtin(e.op())) return true;
  for (const ExprPtr& a : e.args())
    if (mentions(*a, leaf)) return true;
  return false;
}

bool mentions_q(const Expr& e) {
  return mentions(e, Op::Q);
}
bool mentions_k(const Expr& e) {
  return mentions(e, Op::K);
}

static void collect(const Expr& e, std::vector<std::string>& out) {
  if (e.op() == Op::Param) out.push_back(e.name());
  for (const ExprPtr& a : e.args()) collect(*a, out);
}

std::vector<std::string> collect_params(const Expr& e) {
  std::vector<std::string> out;
  collect(e, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

} // namespace attnjit
