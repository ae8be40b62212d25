// Checks a Problem before a CPU kernel runs on it (pointers, shapes, grouped heads) and binds the
// mask's parameters: every parameter given once, no unknown names, every divisor positive at
// the given values. Values come back in MaskProgram::params order, ready for the kernel.
#pragma once

#include "attnjit/attnjit.hpp"
#include "compiler/pipeline.h"

#include <cstdint>
#include <vector>

namespace attnjit::cpu {

Result<std::vector<int64_t>> check_problem(const Problem& p, const MaskProgram& mask);

} // namespace attnjit::cpu
