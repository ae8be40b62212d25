// The GPU half of compile(): tile config -> generated CUDA -> module cache (memory, disk,
// NVRTC) -> loaded kernel.
#pragma once

#include "attnjit/attnjit.hpp"
#include "compiler/generate_cuda.h"
#include "compiler/pipeline.h"

#include <optional>
#include <string_view>

namespace attnjit {

// The kernel family compile() uses for `o` on `arch`: the one named in o.tiles, else sm90 (wgmma,
// TMA) on sm_90a unless tile fields were given (those describe an sm80 tile), else sm80.
std::string default_family(const CompileOptions& o, const std::string& arch);

// The kernel configuration compile() builds for `o` on `arch`: default_family's defaults with
// the non-zero tile fields of o.tiles, and the mask code; errors name what cannot be built.
Result<KernelConfig> kernel_config(const CompileOptions& o, const std::string& arch);

// The mask code called `name`: "table", "inline", or "auto" / "" (Auto); none for another name.
std::optional<MaskCode> mask_code_named(std::string_view name);

// Compiles `program` for options.arch (or the device's), loading it onto options.device unless
// options.compile_only.
Result<Kernel> compile_gpu(const MaskProgram& program, const CompileOptions& options);

} // namespace attnjit
