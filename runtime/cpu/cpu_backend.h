// The CPU backend's compile entry (the CpuCompileFn of runtime/backend.h): lowers the mask to
// LLVM IR, JIT-compiles it for the host and wraps it as a KernelImpl. Compiled kernels are
// cached per process by (mask structure, head dim, dtype); parameter values are not part of the
// key, they are arguments of every run.
#pragma once

#include "runtime/backend.h"

namespace attnjit::cpu {

Result<std::shared_ptr<KernelImpl>> compile_cpu_kernel(const MaskProgram& mask,
                                                       const CompileOptions& options);

} // namespace attnjit::cpu
