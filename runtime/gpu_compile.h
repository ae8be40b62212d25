// The GPU half of compile(): tile config -> generated CUDA -> module cache (memory, disk,
// NVRTC) -> loaded kernel.
#pragma once

#include "attnjit/attnjit.hpp"
#include "compiler/pipeline.h"

namespace attnjit {

// The kernel family compile() uses for `o` on `arch`: the one named in o.tiles, else sm90 (wgmma,
// TMA) on sm_90a unless tile fields were given (those describe an sm80 tile), else sm80.
std::string default_family(const CompileOptions& o, const std::string& arch);

// Compiles `program` for options.arch (or the device's), loading it onto options.device unless
// options.compile_only.
Result<Kernel> compile_gpu(const MaskProgram& program, const CompileOptions& options);

} // namespace attnjit
