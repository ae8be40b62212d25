#include "dsl/const_eval.h"

#include <cassert>

namespace attnjit {

int64_t floor_div(int64_t a, int64_t b) {
  assert(b > 0 && "floor_div needs a positive divisor");
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

int64_t floor_mod(int64_t a, int64_t b) {
  assert(b > 0 && "floor_mod needs a positive divisor");
  int64_t r = a % b;
  return r < 0 ? r + b : r;
}

std::optional<int64_t> constant_value(const Expr& e) {
  if (e.op() == Op::Lit) return e.value();
  if (e.type() != Type::Int || e.args().empty()) return std::nullopt;
  std::optional<int64_t> a = constant_value(*e.arg(0));
  if (!a) return std::nullopt;
  int64_t r = 0;
  switch (e.op()) {
  case Op::Neg:
    if (__builtin_sub_overflow(int64_t{0}, *a, &r)) return std::nullopt;
    return r;
  case Op::Abs:
    if (*a >= 0) return a;
    if (__builtin_sub_overflow(int64_t{0}, *a, &r)) return std::nullopt;
    return r;
  default:
    break;
  }
  assert(e.args().size() == 2 && "binary integer operator takes two operands");
  std::optional<int64_t> b = constant_value(*e.arg(1));
  if (!b) return std::nullopt;
  switch (e.op()) {
  case Op::Add:
    if (__builtin_add_overflow(*a, *b, &r)) return std::nullopt;
    return r;
  case Op::Sub:
    if (__builtin_sub_overflow(*a, *b, &r)) return std::nullopt;
    return r;
  case Op::Mul:
    if (__builtin_mul_overflow(*a, *b, &r)) return std::nullopt;
    return r;
  case Op::Div:
    return *b > 0 ? std::optional<int64_t>(floor_div(*a, *b)) : std::nullopt;
  case Op::Mod:
    return *b > 0 ? std::optional<int64_t>(floor_mod(*a, *b)) : std::nullopt;
  case Op::Min:
    return *a < *b ? *a : *b;
  case Op::Max:
    return *a > *b ? *a : *b;
  default:
    return std::nullopt;
  }
}

} // namespace attnjit
