#include "runtime/gpu_module.h"

#include <fmt/format.h>

namespace attnjit {

GpuModule::~GpuModule() {
  // Modules are unloaded only when the last Kernel holding them goes away. A context the caller
  // destroyed meanwhile took its modules with it; unloading then fails harmlessly.
  if (loaded_.empty()) return;
  const auto& drv = cuda_driver();
  if (!drv) return;
  for (const auto& l : loaded_) (*drv)->cuModuleUnload(l.module);
}

Result<CUfunction> GpuModule::function(const CudaDriver& d, CUcontext ctx, int smem_bytes) const {
  std::lock_guard lock(mu_);
  for (const auto& l : loaded_)
    if (l.ctx == ctx && l.smem_bytes >= smem_bytes) return l.fn;
  Loaded l{ctx, nullptr, nullptr, smem_bytes};
  for (const auto& old : loaded_)
    if (old.ctx == ctx) l.module = old.module, l.fn = old.fn;
  if (!l.module) {
    if (auto r = cuda_check(d, d.cuModuleLoadData(&l.module, cubin_.data()),
                            "cannot load the compiled kernel (cuModuleLoadData)");
        !r)
      return r.error();
    if (auto r = cuda_check(d, d.cuModuleGetFunction(&l.fn, l.module, entry_.c_str()),
                            fmt::format("kernel {} not found in the module", entry_));
        !r)
      return r.error();
  }
  // Above 48 KiB a block must opt in to its dynamic shared memory, once per function.
  if (auto r =
          cuda_check(d, d.cuFuncSetAttribute(l.fn, kFuncAttrMaxDynamicSharedBytes, smem_bytes),
                     fmt::format("cannot give the kernel {} bytes of shared memory", smem_bytes));
      !r)
    return r.error();
  std::erase_if(loaded_, [&](const Loaded& x) { return x.ctx == ctx; });
  loaded_.push_back(l);
  return l.fn;
}

Result<CUfunction> GpuModule::entry(const CudaDriver& d, CUcontext ctx, const char* name) const {
  std::lock_guard lock(mu_);
  for (const auto& l : loaded_) {
    if (l.ctx != ctx) continue;
    CUfunction fn = nullptr;
    if (auto r = cuda_check(d, d.cuModuleGetFunction(&fn, l.module, name),
                            fmt::format("kernel {} not found in the module", name));
        !r)
      return r.error();
    return fn;
  }
  return Error{fmt::format("kernel {}: the module is not loaded in this context", name)};
}

} // namespace attnjit
