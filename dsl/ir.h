// The mask IR: an immutable expression tree. Every node carries the span of the text it came
// from; nodes are created through the `make_*` helpers and never edited afterwards (passes
// build new trees, sharing unchanged subtrees).
//
// Two types exist: integer expressions (positions, parameters, arithmetic) and boolean
// expressions (comparisons, connectives, built-in patterns). A tree that passed `check` is
// well typed: operands of `& | !` are boolean, everything else takes integers.
#pragma once

#include "dsl/span.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace attnjit {

enum class Op : uint8_t {
  // integer leaves
  Lit,   // integer literal (`value`)
  Param, // named parameter bound at launch (`name`)
  Q,     // the query position
  K,     // the key position
  // integer operators
  Neg, // -a
  Add, // a + b
  Sub, // a - b
  Mul, // a * b (one side must not mention q or k)
  Div, // floor division, divisor > 0
  Mod, // floor remainder, divisor > 0, result in [0, divisor)
  Abs, // abs(a)
  Min, // min(a, b)
  Max, // max(a, b)
  // boolean leaves
  True,  // `full`
  False, // `none`
  // comparisons: (int, int) -> bool
  Lt,
  Le,
  Gt,
  Ge,
  Eq,
  Ne,
  // boolean connectives
  And,
  Or,
  Not,
  // built-in patterns: integer arguments that do not mention q or k
  Causal,  // causal                    k <= q
  Window,  // window(left, right)       q - left <= k <= q + right
  Sink,    // sink(n)                   k < n
  Global,  // global(n)                 k < n | q < n
  Prefix,  // prefix(n)                 q < n & k < n
  Chunk,   // chunk(c)                  q / c == k / c
  Dilated, // dilated(left, right, d)   window(left, right) & (q - k) % d == 0
};

enum class Type : uint8_t { Int, Bool };

// The result type of an operator.
Type result_type(Op op);
// The spelling used in the canonical text and IR dumps ("+", "<=", "window", "q", ...).
const char* op_spelling(Op op);
// Number of arguments a built-in pattern takes (causal 0, window 2, ..., dilated 3); -1 otherwise.
int builtin_arity(Op op);
bool is_builtin(Op op);
bool is_comparison(Op op);
// The comparison that holds exactly when `op` does not (< becomes >=, == becomes !=).
Op negate_comparison(Op op);
// The comparison with its operands swapped: a op b  <=>  b mirror(op) a (< becomes >).
Op mirror_comparison(Op op);

class Expr;
using ExprPtr = std::shared_ptr<const Expr>;

class Expr {
public:
  Op op() const { return op_; }
  Type type() const { return result_type(op_); }
  const Span& span() const { return span_; }
  int64_t value() const { return value_; }          // Lit only
  const std::string& name() const { return name_; } // Param only
  const std::vector<ExprPtr>& args() const { return args_; }
  const ExprPtr& arg(size_t i) const { return args_[i]; }

  Expr(Op op, Span span, int64_t value, std::string name, std::vector<ExprPtr> args)
      : op_(op), span_(span), value_(value), name_(std::move(name)), args_(std::move(args)) {}

private:
  Op op_;
  Span span_;
  int64_t value_ = 0;
  std::string name_;
  std::vector<ExprPtr> args_;
};

ExprPtr make_lit(int64_t value, Span span = {});
ExprPtr make_param(std::string name, Span span = {});
ExprPtr make_leaf(Op op, Span span = {}); // Q, K, True, False, Causal
ExprPtr make_node(Op op, std::vector<ExprPtr> args, Span span = {});

// True when the integer expression mentions q (resp. k) anywhere below it.
bool mentions_q(const Expr& e);
bool mentions_k(const Expr& e);

// Parameters referenced by the expression, sorted by name, each once.
std::vector<std::string> collect_params(const Expr& e);

} // namespace attnjit
