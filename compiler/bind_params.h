// Binding a mask's parameters at launch, and the checks that need their values.
//
// bind_params turns `name = value` pairs into the value vector every later stage takes (in
// MaskProgram::params order). check_launch refuses values the language rules out (a divisor,
// chunk or dilation that is not positive; a negative window, sink, global or prefix size) and
// proves, by interval arithmetic over the normalized mask with q in [Lk - Lq, Lk - 1] and k in
// [0, Lk - 1], that every subexpression fits in 32 bits, which the kernels compute in.
// Both report user errors as Error with a message naming the parameter or subexpression.
#pragma once

#include "compiler/pipeline.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace attnjit {

Result<std::vector<int64_t>> bind_params(const MaskProgram& program,
                                         const std::vector<std::pair<std::string, int64_t>>& given);

Result<void> check_launch(const MaskProgram& program, const std::vector<int64_t>& values,
                          int64_t seq_q, int64_t seq_k);

} // namespace attnjit
