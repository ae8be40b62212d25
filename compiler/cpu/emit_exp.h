// A vector exp for the softmax, emitted inline as LLVM IR. The llvm.exp intrinsic on vectors
// becomes one libm call per lane on x86; this polynomial keeps the whole softmax in registers.
// Accuracy: a few ulp in fp32 (degree-7 Taylor on |f| <= ln(2)/2, error below 1e-8 relative),
// well inside the 1e-5 fp32 contract. Inputs below -87 (including -inf) give exactly 0, which is
// how masked scores drop out.
#pragma once

#include <llvm/IR/IRBuilder.h>

namespace attnjit::cpu {

llvm::Value* emit_exp(llvm::IRBuilder<>& b, llvm::Value* x); // float vector -> float vector

} // namespace attnjit::cpu
