// Validation of a Problem before a GPU launch: shapes, strides, alignment and pointers. Every
// message names the tensor and the field, because the caller's bug is usually one stride.
#pragma once

#include "attnjit/attnjit.hpp"

namespace attnjit {

// Checks `p` for a GPU kernel. seq_q == 0 is valid (nothing to compute: run is a no-op);
// seq_k == 0 with seq_q > 0 is an error, since there are no keys to read and the caller almost
// certainly passed the wrong length (use the `none` mask for rows that must see nothing).
Result<void> check_gpu_problem(const Problem& p);

} // namespace attnjit
