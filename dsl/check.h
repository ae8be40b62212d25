// Type and semantic checks on a parsed mask. A tree that passes is what every later stage may
// assume: the root and the operands of `& | !` are boolean; arithmetic, comparisons and every
// argument are integers; no product has q or k on both sides; no divisor or built-in argument
// mentions q or k; constant divisors, chunk sizes and dilations are positive; constant window,
// sink, global and prefix sizes are not negative. Parameter values are checked at launch.
#pragma once

#include "dsl/diagnostic.h"
#include "dsl/ir.h"

#include <vector>

namespace attnjit {

// At most this many diagnostics come from one check.
constexpr int kMaxCheckErrors = 20;

// Appends one diagnostic per problem found (all of them, up to kMaxCheckErrors, not just the
// first) and returns true when there was none.
bool check_mask(const Expr& root, std::vector<Diagnostic>& diags);

} // namespace attnjit
