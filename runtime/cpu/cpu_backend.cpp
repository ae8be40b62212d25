#include "runtime/cpu/cpu_backend.h"

#include "compiler/cpu/lower_to_llvm.h"
#include "runtime/cpu/check_problem.h"
#include "runtime/cpu/executor.h"
#include "runtime/cpu/jit_compile.h"
#include "runtime/varlen.h"

#include <llvm/IR/LLVMContext.h>

#include <chrono>
#include <cmath>
#include <map>
#include <mutex>

namespace attnjit::cpu {

namespace {

// Widest head dim accepted: the per-thread scratch grows with it (4 x 64 x D floats).
constexpr int kMaxHeadDim = 4096;

const ExprPtr& lowered_tree(const MaskProgram& m) {
  return m.normalized ? m.normalized : m.checked;
}

// An exact structural spelling of the tree: literals are in it (they are baked into the code),
// parameter names are, parameter values are not.
void structure(const Expr& e, std::string& out) {
  out += op_spelling(e.op());
  if (e.op() == Op::Lit) out += std::to_string(e.value());
  if (e.op() == Op::Param) out += "$" + e.name();
  if (e.args().empty()) return;
  out += '(';
  for (const ExprPtr& a : e.args()) {
    structure(*a, out);
    out += ',';
  }
  out += ')';
}

class CpuKernel final : public KernelImpl {
public:
  CpuKernel(KernelInfo info, MaskProgram mask, std::shared_ptr<const JitModule> jit)
      : info_(std::move(info)), mask_(std::move(mask)), jit_(std::move(jit)) {}
  const KernelInfo& info() const override { return info_; }
  Result<void> run(const Problem& p) const override;

private:
  KernelInfo info_;
  MaskProgram mask_;
  std::shared_ptr<const JitModule> jit_;
};

Result<void> CpuKernel::run(const Problem& p) const {
  // Variable-length batches run one sequence at a time (runtime/varlen.h).
  if (p.cu_seqlens_q || p.cu_seqlens_k || p.seqused_k)
    return for_each_sequence(p, info_.dtype == DType::fp32 ? 4 : 2,
                             [this](const Problem& s) { return run(s); });
  auto params = check_problem(p, mask_);
  if (!params) return params.error();
  TileArgs a{};
  a.q = p.q.data;
  a.k = p.k.data;
  a.v = p.v.data;
  a.o = p.o.data;
  a.lse = p.lse;
  a.params = params->data();
  a.q_sb = p.q.stride_batch, a.q_sh = p.q.stride_head, a.q_ss = p.q.stride_seq;
  a.k_sb = p.k.stride_batch, a.k_sh = p.k.stride_head, a.k_ss = p.k.stride_seq;
  a.v_sb = p.v.stride_batch, a.v_sh = p.v.stride_head, a.v_ss = p.v.stride_seq;
  a.o_sb = p.o.stride_batch, a.o_sh = p.o.stride_head, a.o_ss = p.o.stride_seq;
  a.heads = p.heads;
  a.group = p.heads / p.kv_heads;
  a.seq_q = p.seq_q;
  a.seq_k = p.seq_k;
  a.scale = p.scale != 0 ? double(p.scale) : 1.0 / std::sqrt(double(info_.head_dim));
  execute_tiles(jit_->tile, a, p.batch, p.heads, info_.head_dim);
  return {};
}

struct Cache {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<const JitModule>> modules;
};

Cache& cache() {
  static Cache c;
  return c;
}

} // namespace

Result<std::shared_ptr<KernelImpl>> compile_cpu_kernel(const MaskProgram& mask,
                                                       const CompileOptions& options) {
  if (!lowered_tree(mask)) return Error{"cpu backend: the mask program holds no tree"};
  if (options.head_dim < 1 || options.head_dim > kMaxHeadDim)
    return Error{"cpu backend: head dim must be in [1, " + std::to_string(kMaxHeadDim) + "], got " +
                 std::to_string(options.head_dim)};
  KernelInfo info;
  info.canonical = mask.canonical;
  info.hash = mask.hash;
  info.params = mask.params;
  info.backend = BackendKind::Cpu;
  info.head_dim = options.head_dim;
  info.dtype = options.dtype;

  std::string key;
  structure(*lowered_tree(mask), key);
  key += "|d" + std::to_string(options.head_dim) + "|dtype" + std::to_string(int(options.dtype));

  // The lock is held through the compile so that two threads asking for one kernel compile it
  // once; compiles of different kernels wait, which is rare and bounded by one LLVM compile.
  std::lock_guard lock(cache().mu);
  auto it = cache().modules.find(key);
  if (it != cache().modules.end()) {
    info.arch = it->second->cpu;
    info.cache = CacheStatus::MemoryHit;
    return std::shared_ptr<KernelImpl>(std::make_shared<CpuKernel>(info, mask, it->second));
  }
  auto start = std::chrono::steady_clock::now();
  auto ctx = std::make_unique<llvm::LLVMContext>();
  auto module =
      lower_to_llvm(*ctx, {lowered_tree(mask), mask.params, options.head_dim, options.dtype});
  auto jit = jit_compile(std::move(ctx), std::move(module));
  if (!jit) return jit.error();
  std::shared_ptr<const JitModule> shared = std::move(*jit);
  cache().modules.emplace(key, shared);
  info.arch = shared->cpu;
  info.cache = CacheStatus::Miss;
  info.compile_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return std::shared_ptr<KernelImpl>(std::make_shared<CpuKernel>(info, mask, shared));
}

} // namespace attnjit::cpu
