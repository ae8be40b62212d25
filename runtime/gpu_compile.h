// The GPU half of compile(): tile config -> generated CUDA -> module cache (memory, disk,
// NVRTC) -> loaded kernel.
#pragma once

#include "attnjit/attnjit.hpp"
#include "compiler/pipeline.h"

namespace attnjit {

// Compiles `program` for options.arch (or the device's), loading it onto options.device unless
// options.compile_only.
Result<Kernel> compile_gpu(const MaskProgram& program, const CompileOptions& options);

} // namespace attnjit
