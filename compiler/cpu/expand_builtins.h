// Rewrites every built-in pattern (causal, window, sink, global, prefix, chunk, dilated) into the
// comparisons DESIGN.md defines it by, so the LLVM lowering only meets integer arithmetic,
// comparisons and connectives. Accepts any well-typed tree: the checked one or the normalized one.
#pragma once

#include "dsl/ir.h"

namespace attnjit::cpu {

ExprPtr expand_builtins(const ExprPtr& e);

} // namespace attnjit::cpu
