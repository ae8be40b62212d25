// A compiled GPU kernel behind the public Kernel handle: checks a Problem, binds the mask's
// parameters as kernel arguments (a new value never recompiles), orders query tiles heaviest
// first and launches on the caller's stream.
#pragma once

#include "compiler/generate_cuda.h"
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
#include <string>
#include <tuple>
#include <vector>

namespace attnjit {

// Whether `fp` needs the general variant: varlen arrays, GQA packing or split-KV shares.
bool needs_general_variant(const FwdParams& fp);

// What a launch needs from the kernel's tile configuration.
struct LaunchShape {
  int block_m = 0;
  int block_n = 0;
  int threads = 0;    // per block
  int smem_bytes = 0; // dynamic shared memory per block
  // "sm80": the kernel takes (FwdParams); "sm90": (FwdParams, TmaMaps), the maps encoded per run.
  std::string family = "sm80";
  // sm90 only: a mask-free kernel, whose launches need the keep bits (runtime/keep_bits.h).
  bool mask_table = false;
};

// The launch shape of a kernel of `config` (generate_cuda.h: threads_per_block,
// shared_memory_bytes).
LaunchShape launch_shape(const KernelConfig& config);

// Builds (or finds in the caches) the kernel's general variant: varlen batches, GQA packing and
// split-KV, with the merge entry. `module` of a GpuKernel is the dense-batch variant. The general
// variant is always of the sm80 family (generate_cuda.h: general_config): for an sm80 kernel it
// has the kernel's own tiles, for an sm90 kernel the sm80 default tiles of its head dim and dtype,
// and so a launch shape of its own.
using GeneralLoader = std::function<Result<std::shared_ptr<const GpuModule>>()>;

class GpuKernel final : public KernelImpl {
public:
  // `general` may be null: then problems that need the general variant are refused with an
  // error naming the feature (tests of the host side). `general_shape` is the general variant's
  // launch shape; left empty (block_m 0) it is `shape`, as for an sm80 kernel.
  // A mask-free kernel (shape.mask_table) takes `inline_loader`: it builds the kernel of the
  // same tiles with the mask inline, for problems whose keep bits would be too large (null:
  // those are refused with an error).
  GpuKernel(MaskProgram program, KernelInfo info, std::shared_ptr<const GpuModule> module,
            LaunchShape shape, int device, GeneralLoader general = nullptr,
            LaunchShape general_shape = {}, GeneralLoader inline_loader = nullptr);
  ~GpuKernel() override;

  const KernelInfo& info() const override { return info_; }
  Result<void> run(const Problem& p) const override;

  // The arguments `run` would pass for `p` (after the same checks), without touching the GPU:
  // lets tests check the host side on machines with no GPU. tile_order is left null and
  // num_splits 1 (run() plans the split with the device's SM count); num_q_tiles is counted in
  // the tiles of the variant that takes the problem (shape_for).
  Result<FwdParams> make_params(const Problem& p) const;

  // The launch shape of the variant that runs `fp`: the general one's when the problem needs it
  // (needs_general_variant), else the dense kernel's.
  const LaunchShape& shape_for(const FwdParams& fp) const;

private:
  // Device copies of what a launch of (context, shape, values) reads besides its arguments,
  // uploaded once: the heaviest-first order (null when the kernel's own order is already
  // heaviest first), and for the sm90 family the walk table (runtime/walk_table.h); with the
  // mean number of key tiles a query tile walks (0 when not known).
  // A launch holds the buffers until it is queued: the cache may let go of them meanwhile.
  struct DeviceWords; // a device buffer, freed in its context with the last reference
  struct TileOrder {
    std::shared_ptr<const DeviceWords> order_buffer, walk_buffer, keep_buffer, keep_base_buffer;
    const int32_t* order = nullptr;
    const int32_t* walk = nullptr;
    // A mask-free kernel's keep bits and their per-work-tile bases (FwdParams::keep_bits); when
    // the bits would pass kMaxKeepBitsBytes they are not built and `needs_inline` is set.
    const void* keep_bits = nullptr;
    const int32_t* keep_base = nullptr;
    int64_t keep_bytes = 0;
    bool needs_inline = false;
    double mean_walk = 0;
    // The walk table's work tiles (query tiles and the shares of split ones), the split tiles
    // and their most shares (runtime/walk_table.h); 0 work tiles without a table.
    int work_tiles = 0;
    int share_tiles = 0;
    int max_shares = 1;
  };
  Result<TileOrder> tile_order(const CudaDriver& d, CUcontext ctx, const Problem& p,
                               const FwdParams& fp, const LaunchShape& shape) const;

  // Launches the split-KV shares (`fn` of the general `module`) and their merge
  // (fp->num_splits > 1).
  Result<void> launch_split(const CudaDriver& d, CUcontext ctx, const GpuModule& module,
                            CUfunction fn, const LaunchShape& shape, const Problem& p,
                            FwdParams& fp, long long blocks) const;

  // Launches the dense sm90 kernel with its tensor maps, then the merge of split tiles' shares
  // when `plan` has split tiles.
  Result<void> launch_sm90(const CudaDriver& d, CUcontext ctx, const GpuModule& module,
                           CUfunction fn, const Problem& p, FwdParams& fp, long long blocks,
                           const TileOrder& plan) const;

  // The general variant, built on first need and kept (null until then).
  Result<const GpuModule*> general_module() const;
  // A mask-free kernel's inline twin, likewise.
  Result<const GpuModule*> inline_module() const;

  MaskProgram program_;
  KernelInfo info_;
  std::shared_ptr<const GpuModule> module_;
  GeneralLoader general_loader_;
  mutable std::mutex general_mu_;
  mutable std::shared_ptr<const GpuModule> general_;
  GeneralLoader inline_loader_;
  mutable std::shared_ptr<const GpuModule> inline_;
  LaunchShape shape_;
  LaunchShape general_shape_;
  int device_;

  // (context, seq_q, seq_k, block_m, block_n, with a walk table, split_tiles, heads x batch,
  // parameter values)
  using OrderKey =
      std::tuple<CUcontext, int, int, int, int, bool, int, int64_t, std::vector<int64_t>>;
  mutable std::mutex orders_mu_;
  mutable std::map<OrderKey, TileOrder> orders_;
  mutable int64_t orders_keep_bytes_ = 0; // keep bits held by orders_

  mutable std::atomic<int> sm_count_{0}; // the device's SMs, read on first use
  mutable StreamWorkspace workspace_;
  mutable StreamWorkspace counters_; // the dynamic schedule's item counter per stream
};

} // namespace attnjit
