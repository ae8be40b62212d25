// Turns an LLVM module into native code for the host CPU: target machine of this CPU (all of its
// vector features), the O3 pipeline with that machine's cost model (so loops over the head dim
// vectorize for it), then ORC LLJIT. The result owns the JIT; the tile function lives as long
// as it does.
#pragma once

#include "attnjit/result.hpp"
#include "compiler/cpu/kernel_abi.h"

#include <memory>
#include <string>

namespace llvm {
class LLVMContext;
class Module;
namespace orc {
class LLJIT;
}
} // namespace llvm

namespace attnjit::cpu {

struct JitModule {
  JitModule();
  ~JitModule();
  std::unique_ptr<llvm::orc::LLJIT> jit;
  TileFn tile = nullptr;
  std::string cpu; // host CPU name as LLVM knows it ("znver3", ...)
};

Result<std::unique_ptr<JitModule>> jit_compile(std::unique_ptr<llvm::LLVMContext> ctx,
                                               std::unique_ptr<llvm::Module> module);

} // namespace attnjit::cpu
