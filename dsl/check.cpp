#include "dsl/check.h"

#include "dsl/const_eval.h"
#include "dsl/names.h"
#include "dsl/print.h"

#include <cassert>
#include <string>

namespace attnjit {
namespace {

bool mentions_position(const Expr& e) {
  return mentions_q(e) || mentions_k(e);
}

// The expression's canonical text, shortened: the caret already shows where it is.
std::string quoted(const Expr& e) {
  constexpr size_t kMax = 40;
  std::string t = to_canonical(e);
  if (t.size() > kMax) t = t.substr(0, kMax - 3) + "...";
  return "'" + t + "'";
}

// What was found, for "expected ..., found ..." messages.
std::string describe(const Expr& e) {
  if (e.op() == Op::Param) return "parameter '" + e.name() + "'";
  if (e.op() == Op::Lit) return "integer " + std::to_string(e.value());
  if (e.type() == Type::Int) return "integer expression " + quoted(e);
  if (is_comparison(e.op())) return "comparison " + quoted(e);
  return "boolean expression " + quoted(e);
}

class Checker {
public:
  explicit Checker(std::vector<Diagnostic>& diags) : diags_(diags) {}

  // Checks that `e` has type `want` where `role` ("operand of '&'") says what it is for, then
  // checks inside it.
  void expect(const Expr& e, Type want, const std::string& role) {
    if (full()) return;
    // `window(1, 2) + 1` is one mistake: the operand error below says it, and a second error
    // about the sum's own type would only repeat it.
    if (e.type() != want && !has_mistyped_operand(e)) type_error(e, want, role);
    visit(e);
  }

private:
  void error(const Span& span, std::string message, std::string hint = {}) {
    if (full()) return;
    diags_.push_back(Diagnostic{span, std::move(message), std::move(hint)});
    ++reported_;
  }

  // Each diagnostic prints its source line: a long mask full of mistakes would otherwise
  // render into megabytes. Past the cap the rest is not even visited.
  bool full() const { return reported_ >= kMaxCheckErrors; }

  // True when an operand of `e` has the wrong type for it (reported when `e` is visited).
  static bool has_mistyped_operand(const Expr& e) {
    const Op op = e.op();
    Type want = (op == Op::And || op == Op::Or || op == Op::Not) ? Type::Bool : Type::Int;
    for (const ExprPtr& a : e.args())
      if (a->type() != want) return true;
    return false;
  }

  void type_error(const Expr& e, Type want, const std::string& role) {
    std::string message = (want == Type::Bool ? "expected a boolean " : "expected an integer ") +
                          role + ", found " + describe(e);
    std::string hint;
    if (want == Type::Int) {
      hint = "patterns and comparisons are booleans: combine them with '&', '|' and '!'";
    } else if (e.op() == Op::Param) {
      hint = did_you_mean(e.name(), true);
      if (hint.empty())
        hint = "a parameter is an integer bound at launch; compare it, e.g. 'k < " + e.name() + "'";
    } else {
      hint = "compare integers with '<', '<=', '>', '>=', '==' or '!=' to get a boolean";
    }
    error(e.span(), std::move(message), std::move(hint));
  }

  void visit(const Expr& e) {
    const Op op = e.op();
    const std::string spelled = op_spelling(op);
    switch (op) {
    case Op::And:
    case Op::Or:
    case Op::Not:
      for (const ExprPtr& a : e.args()) expect(*a, Type::Bool, "operand of '" + spelled + "'");
      return;
    case Op::Mul:
      binary_ints(e);
      return multiplication(e);
    case Op::Div:
    case Op::Mod:
      binary_ints(e);
      return division(e);
    default:
      break;
    }
    if (is_builtin(op)) return builtin(e);
    const std::string role = op == Op::Abs || op == Op::Min || op == Op::Max
                                 ? "argument of '" + spelled + "'"
                                 : "operand of '" + spelled + "'";
    for (const ExprPtr& a : e.args()) expect(*a, Type::Int, role);
  }

  void binary_ints(const Expr& e) {
    assert(e.args().size() == 2 && "binary operator takes two operands");
    for (const ExprPtr& a : e.args())
      expect(*a, Type::Int, std::string("operand of '") + op_spelling(e.op()) + "'");
  }

  bool is_int(const Expr& e) const { return e.type() == Type::Int; }

  // Products of two position-dependent factors would make the mask non-linear in q and k,
  // which the block analysis cannot bound exactly.
  void multiplication(const Expr& e) {
    const Expr &a = *e.arg(0), &b = *e.arg(1);
    if (!is_int(a) || !is_int(b)) return;
    if (mentions_position(a) && mentions_position(b))
      error(e.span(),
            "cannot multiply " + quoted(a) + " by " + quoted(b) + ": both sides depend on q or k",
            "masks stay piecewise linear: one factor must be a constant or a parameter");
  }

  void division(const Expr& e) {
    const Expr& d = *e.arg(1);
    const std::string what = std::string("divisor of '") + op_spelling(e.op()) + "'";
    if (!is_int(d)) return;
    if (mentions_position(d)) {
      error(d.span(), "the " + what + " must not depend on q or k",
            "divide by a positive constant or parameter");
      return;
    }
    if (std::optional<int64_t> v = constant_value(d); v && *v <= 0)
      error(d.span(), "the " + what + " must be positive, found " + value_text(d, *v));
  }

  // "0", or "0 from '1 - 1'" when the constant is not written as a plain number.
  static std::string value_text(const Expr& e, int64_t v) {
    std::string text = to_canonical(e), value = std::to_string(v);
    return text == value ? value : value + " from " + quoted(e);
  }

  void builtin(const Expr& e) {
    const Op op = e.op();
    const std::string name = op_spelling(op);
    assert(static_cast<int>(e.args().size()) == builtin_arity(op) && "built-in arity");
    for (const ExprPtr& a : e.args()) {
      expect(*a, Type::Int, "argument of '" + name + "'");
      if (is_int(*a) && mentions_position(*a))
        error(a->span(), "the arguments of '" + name + "' must not depend on q or k",
              "sizes are constants or parameters; write position-dependent masks as "
              "comparisons, e.g. 'q - k <= 8'");
    }
    switch (op) {
    case Op::Window:
      not_negative(*e.arg(0), "left size of 'window'", window_hint());
      not_negative(*e.arg(1), "right size of 'window'", window_hint());
      return;
    case Op::Dilated:
      not_negative(*e.arg(0), "left size of 'dilated'", window_hint());
      not_negative(*e.arg(1), "right size of 'dilated'", window_hint());
      positive(*e.arg(2), "dilation of 'dilated'");
      return;
    case Op::Sink:
    case Op::Global:
    case Op::Prefix:
      not_negative(*e.arg(0), "size of '" + name + "'", {});
      return;
    case Op::Chunk:
      positive(*e.arg(0), "size of 'chunk'");
      return;
    default:
      return;
    }
  }

  static std::string window_hint() {
    return "write 'causal' for every key up to the query, or 'window(n, 0)' for the last n + 1";
  }

  void not_negative(const Expr& a, const std::string& what, const std::string& hint) {
    if (!is_int(a) || mentions_position(a)) return;
    if (std::optional<int64_t> v = constant_value(a); v && *v < 0)
      error(a.span(), "the " + what + " must not be negative, found " + value_text(a, *v), hint);
  }

  void positive(const Expr& a, const std::string& what) {
    if (!is_int(a) || mentions_position(a)) return;
    if (std::optional<int64_t> v = constant_value(a); v && *v <= 0)
      error(a.span(), "the " + what + " must be positive, found " + value_text(a, *v));
  }

  std::vector<Diagnostic>& diags_;
  int reported_ = 0;
};

} // namespace

bool check_mask(const Expr& root, std::vector<Diagnostic>& diags) {
  size_t before = diags.size();
  Checker(diags).expect(root, Type::Bool, "mask");
  return diags.size() == before;
}

} // namespace attnjit
