// Integer semantics shared by every stage that computes on masks: floor division and its
// remainder (Python's `//` and `%`), and the value of a constant subexpression.
#pragma once

#include "dsl/ir.h"

#include <cstdint>
#include <optional>

namespace attnjit {

// a / b rounded towards negative infinity (-7 / 2 == -4). Requires b > 0.
int64_t floor_div(int64_t a, int64_t b);
// a - b * floor_div(a, b), always in [0, b) (-7 % 2 == 1). Requires b > 0.
int64_t floor_mod(int64_t a, int64_t b);

// The value of an integer expression made of literals only (no q, k or parameter), or nothing
// when it has other leaves, divides by a non-positive number, or leaves 64 bits on the way.
std::optional<int64_t> constant_value(const Expr& e);

} // namespace attnjit
