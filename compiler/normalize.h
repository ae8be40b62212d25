// Normalization: the checked mask rewritten into the form every analysis reads.
//
// The result means the same predicate over (q, k) for every parameter value, and has:
//   - no built-ins: each is spelled as the comparisons of its definition (DESIGN.md):
//       causal            k <= q
//       window(l, r)      q - l <= k & k <= q + r
//       sink(n)           k < n
//       global(n)         k < n | q < n
//       prefix(n)         q < n & k < n
//       chunk(c)          q / c == k / c
//       dilated(l, r, d)  q - l <= k & k <= q + r & (q - k) % d == 0
//     The analysis handles the non-linear atoms (`q / c == k / c`, `(q - k) % d == 0`) exactly
//     by their own rules, so no built-in needs to stay opaque;
//   - no `!`: negations pushed down to the comparisons (negation normal form);
//   - no `abs` on either side of an inequality: `abs(x) <= y` becomes `-y <= x & x <= y`
//     (and `abs(x) >= y` becomes `x <= -y | y <= x`), so both key bounds are visible;
//   - `full` / `none` only as the whole mask: they vanish from `&` and `|`.
// Only literal arithmetic is folded; nothing depends on a parameter's value.
#pragma once

#include "dsl/ir.h"

namespace attnjit {

ExprPtr normalize(const ExprPtr& checked);

} // namespace attnjit
