// Lowers a mask and the forward-attention loop nest for one head dim and dtype into an LLVM
// module holding one function, `attnjit_tile` (signature and argument layout in kernel_abi.h),
// that computes one query tile of one (batch, head):
//   key tiles outside the mask's key range are never visited; inside it each block is
//   classified, EMPTY blocks are skipped, FULL blocks skip the element test (except the
//   sequence edge), PARTIAL blocks apply the inlined predicate; online softmax in fp32;
//   head-dim loops are emitted as 8-wide float vectors over scratch rows padded with zeros.
// The module is target-independent IR; the JIT picks the host CPU and optimizes it.
#pragma once

#include "attnjit/attnjit.hpp"
#include "dsl/ir.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include <memory>
#include <string>
#include <vector>

namespace attnjit::cpu {

struct CpuKernelSpec {
  ExprPtr mask;                    // any well-typed mask tree (checked or normalized)
  std::vector<std::string> params; // parameter names, in the order values are passed
  int head_dim = 0;
  DType dtype = DType::fp32;
};

std::unique_ptr<llvm::Module> lower_to_llvm(llvm::LLVMContext& ctx, const CpuKernelSpec& spec);

} // namespace attnjit::cpu
