// The mask as a small CUDA C++ struct, the piece of generated source the kernel templates
// specialize on. The contract (one struct named Mask):
//
//   struct Mask {
//     static constexpr int kNumParams;  // values arrive in MaskProgram::params order
//     static constexpr int kMaxRanges;  // most intervals key_ranges returns
//     long long p_NAME;                 // one member per parameter
//     ATTNJIT_HD explicit Mask(const long long* params);
//     ATTNJIT_HD bool attend(int q, int k) const;  // element predicate, 32-bit arithmetic
//     ATTNJIT_HD int classify(long long q0, long long q1, long long k0, long long k1) const;
//     ATTNJIT_HD int key_ranges(long long q0, long long q1, long long* lo, long long* hi) const;
//   };
//
// classify returns 0 empty, 1 partial, 2 full; key_ranges writes sorted, disjoint, inclusive,
// unclipped intervals. Both run the analysis plan through templates/mask_support.cuh, which the
// including source must include first; they agree with the host's BlockClassifier and
// KeyRanges block for block. attend relies on check_launch's 32-bit proof.
#pragma once

#include "compiler/pipeline.h"

#include <string>

namespace attnjit {

std::string emit_mask_struct(const MaskProgram& program);

} // namespace attnjit
