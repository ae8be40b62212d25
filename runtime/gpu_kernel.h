// A compiled GPU kernel behind the public Kernel handle: checks a Problem, binds the mask's
// parameters as kernel arguments (a new value never recompiles), orders query tiles heaviest
// first and launches on the caller's stream.
#pragma once

#include "runtime/backend.h"
#include "runtime/cuda_driver.h"
#include "runtime/gpu_module.h"
#include "runtime/split_kv.h"
#include "templates/fwd_params.cuh"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <vector>

namespace attnjit {

// What a launch needs from the kernel's tile configuration.
struct LaunchShape {
  int block_m = 0;
  int block_n = 0;
  int threads = 0;    // per block
  int smem_bytes = 0; // dynamic shared memory per block
};

// Builds (or finds in the caches) the kernel's general variant: varlen batches, GQA packing and
// split-KV, with the merge entry. `module` of a GpuKernel is the dense-batch variant.
using GeneralLoader = std::function<Result<std::shared_ptr<const GpuModule>>()>;

class GpuKernel final : public KernelImpl {
public:
  // `general` may be null: then problems that need the general variant are refused with an
  // error naming the feature (tests of the host side).
  GpuKernel(MaskProgram program, KernelInfo info, std::shared_ptr<const GpuModule> module,
            LaunchShape shape, int device, GeneralLoader general = nullptr);
  ~GpuKernel() override;

  const KernelInfo& info() const override { return info_; }
  Result<void> run(const Problem& p) const override;

  // The arguments `run` would pass for `p` (after the same checks), without touching the GPU:
  // lets tests check the host side on machines with no GPU. tile_order is left null.
  Result<FwdParams> make_params(const Problem& p) const;

private:
  // Device copy of the heaviest-first order for (context, shape, values), uploaded once; null
  // when the kernel's own order is already heaviest first.
  Result<const int32_t*> tile_order(const CudaDriver& d, CUcontext ctx, const Problem& p,
                                    const FwdParams& fp) const;

  // Launches the split-KV shares (`fn` of the general `module`) and their merge
  // (fp->num_splits > 1).
  Result<void> launch_split(const CudaDriver& d, CUcontext ctx, const GpuModule& module,
                            CUfunction fn, const Problem& p, FwdParams& fp, long long blocks) const;

  // The general variant, built on first need and kept (null until then).
  Result<const GpuModule*> general_module() const;

  MaskProgram program_;
  KernelInfo info_;
  std::shared_ptr<const GpuModule> module_;
  GeneralLoader general_loader_;
  mutable std::mutex general_mu_;
  mutable std::shared_ptr<const GpuModule> general_;
  LaunchShape shape_;
  int device_;

  using OrderKey = std::tuple<CUcontext, int, int, std::vector<int64_t>>;
  struct Order {
    CUdeviceptr buffer = 0; // 0 = the kernel's own order
  };
  mutable std::mutex orders_mu_;
  mutable std::map<OrderKey, Order> orders_;

  mutable std::atomic<int> sm_count_{0}; // the device's SMs, read on first use
  mutable SplitWorkspace workspace_;
};

} // namespace attnjit
