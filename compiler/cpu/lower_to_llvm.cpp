#include "compiler/cpu/lower_to_llvm.h"

#include "compiler/cpu/emit_exp.h"
#include "compiler/cpu/emit_mask.h"
#include "compiler/cpu/kernel_abi.h"
#include "compiler/normalize.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <cassert>
#include <cstddef>
#include <functional>
#include <limits>

namespace attnjit::cpu {

using llvm::BasicBlock;
using llvm::Value;

namespace {

constexpr int64_t kW = kVectorWidth;
// Accumulator vectors held in registers while walking the keys of one block: 8 x 8 floats fills
// half of AVX2's 16 registers and leaves the rest for the V loads.
constexpr int64_t kAccChunk = 8;

class TileLowering {
public:
  TileLowering(llvm::LLVMContext& ctx, const CpuKernelSpec& spec)
      : ctx_(ctx), spec_(spec), m_(std::make_unique<llvm::Module>("attnjit_cpu", ctx)), b_(ctx),
        d_(spec.head_dim), dp_(padded_head_dim(spec.head_dim)) {
    f32_ = b_.getFloatTy();
    i64_ = b_.getInt64Ty();
    v8_ = llvm::FixedVectorType::get(f32_, kW);
    switch (spec.dtype) {
    case DType::bf16:
      elem_ = b_.getInt16Ty();
      break;
    case DType::fp16:
      elem_ = b_.getHalfTy();
      break;
    case DType::fp32:
      elem_ = f32_;
      break;
    }
  }

  std::unique_ptr<llvm::Module> run();

private:
  Value* c64(int64_t v) { return b_.getInt64(uint64_t(v)); }
  Value* cf(float v) { return llvm::ConstantFP::get(f32_, v); }
  Value* splat(Value* s) { return b_.CreateVectorSplat(unsigned(kW), s); }
  Value* smin(Value* a, Value* b) { return b_.CreateBinaryIntrinsic(llvm::Intrinsic::smin, a, b); }
  Value* smax(Value* a, Value* b) { return b_.CreateBinaryIntrinsic(llvm::Intrinsic::smax, a, b); }
  Value* fptr(Value* base, Value* idx) { return b_.CreateGEP(f32_, base, idx); }
  Value* loadf(Value* base, Value* idx) { return b_.CreateLoad(f32_, fptr(base, idx)); }
  void storef(Value* v, Value* base, Value* idx) { b_.CreateStore(v, fptr(base, idx)); }
  Value* loadv(Value* base, Value* idx) {
    return b_.CreateAlignedLoad(v8_, fptr(base, idx), llvm::Align(4));
  }
  void storev(Value* v, Value* base, Value* idx) {
    b_.CreateAlignedStore(v, fptr(base, idx), llvm::Align(4));
  }
  Value* arg_field(size_t offset, llvm::Type* t, const char* name) {
    return b_.CreateLoad(t, b_.CreateConstGEP1_64(b_.getInt8Ty(), args_, offset), name);
  }
  Value* entry_alloca(llvm::Type* t) {
    llvm::IRBuilder<> eb(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
    return eb.CreateAlloca(t);
  }

  Value* load_elem(Value* base, Value* idx);
  void store_elem(Value* v, Value* base, Value* idx);
  // for (i = begin; i < end; ++i) body(i, latch); branching to `latch` continues the loop.
  void loop(Value* begin, Value* end, const std::function<void(Value*, BasicBlock*)>& body);
  void if_then(Value* cond, const std::function<void()>& body);

  void emit_block(Value* kt);
  void emit_row(Value* i, Value* k0, Value* nk, Value* cls, BasicBlock* latch);
  void emit_finalize();

  llvm::LLVMContext& ctx_;
  const CpuKernelSpec& spec_;
  std::unique_ptr<llvm::Module> m_;
  llvm::IRBuilder<> b_;
  int64_t d_, dp_;
  llvm::Type *f32_, *i64_, *elem_;
  llvm::FixedVectorType* v8_;
  llvm::Function* fn_ = nullptr;
  Value* args_ = nullptr;
  std::unique_ptr<MaskEmitter> mask_;

  // Values of the tile, set up in the entry block.
  Value *qs_, *kt_, *vs_, *acc_, *mrow_, *lrow_, *srow_, *prow_;
  Value *kbase_, *vbase_, *obase_, *k_ss_, *v_ss_, *o_ss_, *lse_;
  Value *seq_k_, *seq_q_, *mq_, *qp0_, *qp1_, *r0_, *b_idx_, *h_idx_, *heads_;
};

Value* TileLowering::load_elem(Value* base, Value* idx) {
  Value* raw = b_.CreateLoad(elem_, b_.CreateGEP(elem_, base, idx));
  switch (spec_.dtype) {
  case DType::bf16: // the upper half of an fp32
    return b_.CreateBitCast(b_.CreateShl(b_.CreateZExt(raw, b_.getInt32Ty()), 16), f32_);
  case DType::fp16:
    return b_.CreateFPExt(raw, f32_);
  case DType::fp32:
    return raw;
  }
  return raw;
}

void TileLowering::store_elem(Value* v, Value* base, Value* idx) {
  Value* out = v;
  if (spec_.dtype == DType::fp16) out = b_.CreateFPTrunc(v, elem_);
  if (spec_.dtype == DType::bf16) {
    // Round to nearest even on the bits; outputs are never NaN (masked rows give zeros).
    Value* bits = b_.CreateBitCast(v, b_.getInt32Ty());
    Value* lsb = b_.CreateAnd(b_.CreateLShr(bits, 16), b_.getInt32(1));
    bits = b_.CreateAdd(bits, b_.CreateAdd(lsb, b_.getInt32(0x7fff)));
    out = b_.CreateTrunc(b_.CreateLShr(bits, 16), elem_);
  }
  b_.CreateStore(out, b_.CreateGEP(elem_, base, idx));
}

void TileLowering::loop(Value* begin, Value* end,
                        const std::function<void(Value*, BasicBlock*)>& body) {
  BasicBlock* pre = b_.GetInsertBlock();
  BasicBlock* head = BasicBlock::Create(ctx_, "loop", fn_);
  BasicBlock* bodyb = BasicBlock::Create(ctx_, "body", fn_);
  BasicBlock* latch = BasicBlock::Create(ctx_, "latch", fn_);
  BasicBlock* exit = BasicBlock::Create(ctx_, "exit", fn_);
  b_.CreateBr(head);
  b_.SetInsertPoint(head);
  llvm::PHINode* i = b_.CreatePHI(i64_, 2, "i");
  i->addIncoming(begin, pre);
  b_.CreateCondBr(b_.CreateICmpSLT(i, end), bodyb, exit);
  b_.SetInsertPoint(bodyb);
  body(i, latch);
  if (!b_.GetInsertBlock()->getTerminator()) b_.CreateBr(latch);
  b_.SetInsertPoint(latch);
  i->addIncoming(b_.CreateAdd(i, c64(1)), latch);
  b_.CreateBr(head);
  b_.SetInsertPoint(exit);
}

void TileLowering::if_then(Value* cond, const std::function<void()>& body) {
  BasicBlock* then = BasicBlock::Create(ctx_, "then", fn_);
  BasicBlock* join = BasicBlock::Create(ctx_, "join", fn_);
  b_.CreateCondBr(cond, then, join);
  b_.SetInsertPoint(then);
  body();
  b_.CreateBr(join);
  b_.SetInsertPoint(join);
}

std::unique_ptr<llvm::Module> TileLowering::run() {
  llvm::Type* ptr = b_.getPtrTy();
  auto* fty = llvm::FunctionType::get(b_.getVoidTy(), {ptr, i64_, i64_, i64_, ptr}, false);
  fn_ = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, kTileFunctionName, *m_);
  fn_->addFnAttr(llvm::Attribute::NoUnwind);
  fn_->addParamAttr(4, llvm::Attribute::NoAlias);
  args_ = fn_->getArg(0);
  b_idx_ = fn_->getArg(1);
  h_idx_ = fn_->getArg(2);
  Value* qtile = fn_->getArg(3);
  Value* ws = fn_->getArg(4);
  b_.SetInsertPoint(BasicBlock::Create(ctx_, "entry", fn_));

#define FIELD(name, type) arg_field(offsetof(TileArgs, name), type, #name)
  Value *q = FIELD(q, ptr), *k = FIELD(k, ptr), *v = FIELD(v, ptr), *o = FIELD(o, ptr);
  lse_ = FIELD(lse, ptr);
  Value* params = FIELD(params, ptr);
  Value *q_sb = FIELD(q_sb, i64_), *q_sh = FIELD(q_sh, i64_), *q_ss = FIELD(q_ss, i64_);
  Value *k_sb = FIELD(k_sb, i64_), *k_sh = FIELD(k_sh, i64_);
  Value *v_sb = FIELD(v_sb, i64_), *v_sh = FIELD(v_sh, i64_);
  Value *o_sb = FIELD(o_sb, i64_), *o_sh = FIELD(o_sh, i64_);
  k_ss_ = FIELD(k_ss, i64_);
  v_ss_ = FIELD(v_ss, i64_);
  o_ss_ = FIELD(o_ss, i64_);
  heads_ = FIELD(heads, i64_);
  Value* group = FIELD(group, i64_);
  seq_q_ = FIELD(seq_q, i64_);
  seq_k_ = FIELD(seq_k, i64_);
  Value* scale = b_.CreateFPTrunc(FIELD(scale, b_.getDoubleTy()), f32_);
#undef FIELD
  // normalize() expands the built-ins, so the emitter meets only arithmetic, comparisons and
  // connectives; it is idempotent, so trees that are already normalized pass unchanged.
  mask_ = std::make_unique<MaskEmitter>(b_, normalize(spec_.mask), spec_.params, params);

  // Scratch layout: see workspace_floats().
  qs_ = ws;
  kt_ = fptr(qs_, c64(kBlockM * dp_));
  vs_ = fptr(kt_, c64(dp_ * kBlockN));
  acc_ = fptr(vs_, c64(kBlockN * dp_));
  mrow_ = fptr(acc_, c64(kBlockM * dp_));
  lrow_ = fptr(mrow_, c64(kBlockM));
  srow_ = fptr(lrow_, c64(kBlockM));
  prow_ = fptr(srow_, c64(kBlockN));
  // Zeroed so that padding lanes past the head dim and key columns past the sequence end hold
  // finite values (masked lanes are replaced by select, never multiplied).
  b_.CreateMemSet(qs_, b_.getInt8(0), c64(4 * (2 * kBlockM * dp_ + 2 * kBlockN * dp_)),
                  llvm::Align(4));

  // Query rows [r0, r0 + mq) at positions [qp0, qp1] (bottom-right alignment).
  r0_ = b_.CreateMul(qtile, c64(kBlockM));
  mq_ = smin(c64(kBlockM), b_.CreateSub(seq_q_, r0_));
  qp0_ = b_.CreateAdd(r0_, b_.CreateSub(seq_k_, seq_q_));
  qp1_ = b_.CreateAdd(qp0_, b_.CreateSub(mq_, c64(1)));
  Value* kvh = b_.CreateSDiv(h_idx_, group);
  auto base = [&](Value* p, Value* sb, Value* sh, Value* head) {
    return b_.CreateGEP(elem_, p, b_.CreateAdd(b_.CreateMul(b_idx_, sb), b_.CreateMul(head, sh)));
  };
  Value* qbase = b_.CreateGEP(elem_, base(q, q_sb, q_sh, h_idx_), b_.CreateMul(r0_, q_ss));
  kbase_ = base(k, k_sb, k_sh, kvh);
  vbase_ = base(v, v_sb, v_sh, kvh);
  obase_ = b_.CreateGEP(elem_, base(o, o_sb, o_sh, h_idx_), b_.CreateMul(r0_, o_ss_));

  loop(c64(0), c64(kBlockM), [&](Value* i, BasicBlock*) {
    storef(cf(-std::numeric_limits<float>::infinity()), mrow_, i);
    storef(cf(0), lrow_, i);
  });
  // The scale is folded into Q once, rather than into every score.
  loop(c64(0), mq_, [&](Value* i, BasicBlock*) {
    loop(c64(0), c64(d_), [&](Value* d, BasicBlock*) {
      Value* x = load_elem(qbase, b_.CreateAdd(b_.CreateMul(i, q_ss), d));
      storef(b_.CreateFMul(x, scale), qs_, b_.CreateAdd(b_.CreateMul(i, c64(dp_)), d));
    });
  });

  // Key tiles that may hold attended keys: the mask's key range clipped to the sequence.
  auto [klo, khi] = mask_->key_range(qp0_, qp1_);
  klo = smax(klo, c64(0));
  khi = smin(khi, b_.CreateSub(seq_k_, c64(1)));
  Value* kt_begin = b_.CreateSDiv(klo, c64(kBlockN));
  Value* kt_end = b_.CreateSelect(b_.CreateICmpSLE(klo, khi),
                                  b_.CreateAdd(b_.CreateSDiv(khi, c64(kBlockN)), c64(1)), kt_begin);
  loop(kt_begin, kt_end, [&](Value* kt, BasicBlock*) { emit_block(kt); });
  emit_finalize();
  b_.CreateRetVoid();

  std::string err;
  llvm::raw_string_ostream os(err);
  bool broken = llvm::verifyModule(*m_, &os);
  assert(!broken && "the CPU lowering produced invalid IR");
  (void)broken;
  return std::move(m_);
}

void TileLowering::emit_block(Value* kt) {
  Value* k0 = b_.CreateMul(kt, c64(kBlockN));
  Value* nk = smin(c64(kBlockN), b_.CreateSub(seq_k_, k0));
  Value* cls = mask_->block_class(qp0_, qp1_, k0, b_.CreateAdd(k0, b_.CreateSub(nk, c64(1))));
  if_then(b_.CreateICmpNE(cls, b_.getInt32(kEmpty)), [&] {
    // K transposed (kt[d][j]) so a score row is a sum of broadcast-multiply-adds over d.
    loop(c64(0), nk, [&](Value* j, BasicBlock*) {
      Value* krow = b_.CreateMul(b_.CreateAdd(k0, j), k_ss_);
      Value* vrow = b_.CreateMul(b_.CreateAdd(k0, j), v_ss_);
      loop(c64(0), c64(d_), [&](Value* d, BasicBlock*) {
        storef(load_elem(kbase_, b_.CreateAdd(krow, d)), kt_,
               b_.CreateAdd(b_.CreateMul(d, c64(kBlockN)), j));
        storef(load_elem(vbase_, b_.CreateAdd(vrow, d)), vs_,
               b_.CreateAdd(b_.CreateMul(j, c64(dp_)), d));
      });
    });
    loop(c64(0), mq_, [&](Value* i, BasicBlock* latch) { emit_row(i, k0, nk, cls, latch); });
  });
}

void TileLowering::emit_row(Value* i, Value* k0, Value* nk, Value* cls, BasicBlock* latch) {
  constexpr int64_t nb = kBlockN / kW;
  // Scores of row i: s[j] = sum_d qs[i][d] * kt[d][j], nb vectors kept in registers.
  std::vector<Value*> sacc(nb);
  for (int64_t c = 0; c < nb; ++c) {
    sacc[c] = entry_alloca(v8_);
    b_.CreateStore(llvm::Constant::getNullValue(v8_), sacc[c]);
  }
  Value* qrow = b_.CreateMul(i, c64(dp_));
  loop(c64(0), c64(d_), [&](Value* d, BasicBlock*) {
    Value* qd = splat(loadf(qs_, b_.CreateAdd(qrow, d)));
    Value* krow = b_.CreateMul(d, c64(kBlockN));
    for (int64_t c = 0; c < nb; ++c) {
      Value* kv = loadv(kt_, b_.CreateAdd(krow, c64(c * kW)));
      Value* s = b_.CreateLoad(v8_, sacc[c]);
      b_.CreateStore(b_.CreateIntrinsic(llvm::Intrinsic::fmuladd, {v8_}, {qd, kv, s}), sacc[c]);
    }
  });
  for (int64_t c = 0; c < nb; ++c) storev(b_.CreateLoad(v8_, sacc[c]), srow_, c64(c * kW));

  // The element test, only where the block needs it: PARTIAL blocks and the sequence's edge.
  Value* qpos = b_.CreateAdd(qp0_, i);
  Value* need_mask =
      b_.CreateOr(b_.CreateICmpEQ(cls, b_.getInt32(kPartial)), b_.CreateICmpSLT(nk, c64(kBlockN)));
  if_then(need_mask, [&] {
    Value* is_full = b_.CreateICmpEQ(cls, b_.getInt32(kFull));
    loop(c64(0), c64(kBlockN), [&](Value* j, BasicBlock*) {
      Value* in_seq = b_.CreateICmpSLT(j, nk);
      Value* attended = b_.CreateOr(is_full, mask_->predicate(qpos, b_.CreateAdd(k0, j)));
      Value* s = loadf(srow_, j);
      storef(b_.CreateSelect(b_.CreateAnd(in_seq, attended), s,
                             cf(-std::numeric_limits<float>::infinity())),
             srow_, j);
    });
  });

  // Online softmax: new running max, rescale factor, probabilities of this block.
  std::vector<Value*> s(nb);
  Value* vmax = nullptr;
  for (int64_t c = 0; c < nb; ++c) {
    s[c] = loadv(srow_, c64(c * kW));
    vmax = vmax ? b_.CreateBinaryIntrinsic(llvm::Intrinsic::maxnum, vmax, s[c]) : s[c];
  }
  Value* block_max = b_.CreateFPMaxReduce(vmax);
  Value* m_old = loadf(mrow_, i);
  Value* m_new = b_.CreateBinaryIntrinsic(llvm::Intrinsic::maxnum, m_old, block_max);
  // No key of this row attended yet: nothing to add (and exp(-inf - -inf) would be NaN).
  BasicBlock* live = BasicBlock::Create(ctx_, "row_live", fn_);
  b_.CreateCondBr(b_.CreateFCmpOEQ(m_new, cf(-std::numeric_limits<float>::infinity())), latch,
                  live);
  b_.SetInsertPoint(live);
  Value* alpha =
      b_.CreateExtractElement(emit_exp(b_, splat(b_.CreateFSub(m_old, m_new))), uint64_t(0));
  Value* vsum = nullptr;
  for (int64_t c = 0; c < nb; ++c) {
    Value* p = emit_exp(b_, b_.CreateFSub(s[c], splat(m_new)));
    storev(p, prow_, c64(c * kW));
    vsum = vsum ? b_.CreateFAdd(vsum, p) : p;
  }
  llvm::FastMathFlags reassoc;
  reassoc.setAllowReassoc();
  auto* sum = b_.CreateFAddReduce(cf(0), vsum);
  llvm::cast<llvm::Instruction>(sum)->setFastMathFlags(reassoc);
  Value* l_old = loadf(lrow_, i);
  storef(b_.CreateIntrinsic(llvm::Intrinsic::fmuladd, {f32_}, {l_old, alpha, sum}), lrow_, i);
  storef(m_new, mrow_, i);

  // acc[i] = alpha * acc[i] + sum_j p[j] * v[j], a chunk of the head dim at a time.
  Value* arow = b_.CreateMul(i, c64(dp_));
  Value* valpha = splat(alpha);
  for (int64_t c0 = 0; c0 < dp_ / kW; c0 += kAccChunk) {
    int64_t n = std::min(kAccChunk, dp_ / kW - c0);
    std::vector<Value*> a(n);
    for (int64_t c = 0; c < n; ++c) {
      a[c] = entry_alloca(v8_);
      Value* cur = loadv(acc_, b_.CreateAdd(arow, c64((c0 + c) * kW)));
      b_.CreateStore(b_.CreateFMul(cur, valpha), a[c]);
    }
    loop(c64(0), nk, [&](Value* j, BasicBlock*) {
      Value* pj = splat(loadf(prow_, j));
      Value* vrow = b_.CreateMul(j, c64(dp_));
      for (int64_t c = 0; c < n; ++c) {
        Value* vv = loadv(vs_, b_.CreateAdd(vrow, c64((c0 + c) * kW)));
        Value* cur = b_.CreateLoad(v8_, a[c]);
        b_.CreateStore(b_.CreateIntrinsic(llvm::Intrinsic::fmuladd, {v8_}, {pj, vv, cur}), a[c]);
      }
    });
    for (int64_t c = 0; c < n; ++c)
      storev(b_.CreateLoad(v8_, a[c]), acc_, b_.CreateAdd(arow, c64((c0 + c) * kW)));
  }
}

void TileLowering::emit_finalize() {
  Value* lse_base =
      b_.CreateAdd(b_.CreateMul(b_.CreateAdd(b_.CreateMul(b_idx_, heads_), h_idx_), seq_q_), r0_);
  loop(c64(0), mq_, [&](Value* i, BasicBlock*) {
    Value* l = loadf(lrow_, i);
    Value* seen = b_.CreateFCmpOGT(l, cf(0));
    // A row with no attended key: zeros and log-sum-exp -inf, never 0/0.
    Value* inv = b_.CreateSelect(seen, b_.CreateFDiv(cf(1), l), cf(0));
    Value* arow = b_.CreateMul(i, c64(dp_));
    Value* orow = b_.CreateMul(i, o_ss_);
    loop(c64(0), c64(d_), [&](Value* d, BasicBlock*) {
      store_elem(b_.CreateFMul(loadf(acc_, b_.CreateAdd(arow, d)), inv), obase_,
                 b_.CreateAdd(orow, d));
    });
    if_then(b_.CreateICmpNE(lse_, llvm::Constant::getNullValue(lse_->getType())), [&] {
      Value* lse = b_.CreateFAdd(loadf(mrow_, i), b_.CreateUnaryIntrinsic(llvm::Intrinsic::log, l));
      lse = b_.CreateSelect(seen, lse, cf(-std::numeric_limits<float>::infinity()));
      storef(lse, lse_, b_.CreateAdd(lse_base, i));
    });
  });
}

} // namespace

std::unique_ptr<llvm::Module> lower_to_llvm(llvm::LLVMContext& ctx, const CpuKernelSpec& spec) {
  assert(spec.mask && spec.mask->type() == Type::Bool && "the mask must be a boolean tree");
  assert(spec.head_dim > 0 && "head dim must be positive");
  return TileLowering(ctx, spec).run();
}

} // namespace attnjit::cpu
