#include "compiler/cpu/emit_exp.h"

#include <llvm/IR/Intrinsics.h>

namespace attnjit::cpu {

llvm::Value* emit_exp(llvm::IRBuilder<>& b, llvm::Value* x) {
  auto* vt = llvm::cast<llvm::FixedVectorType>(x->getType());
  auto* it = llvm::FixedVectorType::get(b.getInt32Ty(), vt->getNumElements());
  auto c = [&](double v) { return llvm::ConstantFP::get(vt, v); };
  // exp(x) = 2^n * exp(f), n = round(x / ln 2), f = x - n ln 2. ln 2 is split in two (the high
  // part has few mantissa bits, so n * hi is exact) to keep f accurate for large |n|.
  constexpr double kLn2Hi = 0.693145751953125;
  constexpr double kLn2Lo = 1.428606820309417232e-6;
  llvm::Value* underflow = b.CreateFCmpOLT(x, c(-87.0));
  llvm::Value* xc = b.CreateBinaryIntrinsic(llvm::Intrinsic::maxnum, x, c(-87.0));
  xc = b.CreateBinaryIntrinsic(llvm::Intrinsic::minnum, xc, c(88.0));
  llvm::Value* n =
      b.CreateUnaryIntrinsic(llvm::Intrinsic::rint, b.CreateFMul(xc, c(1.4426950408889634)));
  llvm::Value* f = b.CreateFSub(xc, b.CreateFMul(n, c(kLn2Hi)));
  f = b.CreateFSub(f, b.CreateFMul(n, c(kLn2Lo)));
  // Horner form of sum f^i / i!, i = 0..7.
  llvm::Value* p = c(1.0 / 5040);
  for (double inv : {1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1.0, 1.0})
    p = b.CreateIntrinsic(llvm::Intrinsic::fmuladd, {vt}, {p, f, c(inv)});
  // 2^n built in the exponent field; n lies in [-126, 128) after the clamp, always a normal.
  llvm::Value* bits =
      b.CreateShl(b.CreateAdd(b.CreateFPToSI(n, it), llvm::ConstantInt::get(it, 127)),
                  llvm::ConstantInt::get(it, 23));
  llvm::Value* r = b.CreateFMul(p, b.CreateBitCast(bits, vt));
  return b.CreateSelect(underflow, llvm::Constant::getNullValue(vt), r);
}

} // namespace attnjit::cpu
