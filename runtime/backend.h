// What a backend provides: a compiled kernel behind the public Kernel handle. The GPU backend
// lives in runtime/; the CPU backend in its own library (attnjit_cpu), which installs itself
// through set_cpu_backend() when a program calls attnjit::enable_cpu_backend().
#pragma once

#include "attnjit/attnjit.hpp"
#include "compiler/pipeline.h"

#include <memory>

namespace attnjit {

class KernelImpl {
public:
  virtual ~KernelImpl() = default;
  virtual const KernelInfo& info() const = 0;
  virtual Result<void> run(const Problem& p) const = 0;
};

using CpuCompileFn = Result<std::shared_ptr<KernelImpl>> (*)(const MaskProgram& mask,
                                                             const CompileOptions& options);

// The CPU backend's entry point, or null when the program did not link and enable it.
void set_cpu_backend(CpuCompileFn fn);
CpuCompileFn cpu_backend();

} // namespace attnjit
