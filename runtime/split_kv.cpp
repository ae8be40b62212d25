#include "runtime/split_kv.h"

#include "attnjit/attnjit.hpp"
#include "compiler/generate_cuda.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

namespace attnjit {

namespace {

// Shared memory and threads of one sm_80 / sm_90 SM; 1 KiB of each block's shared memory is
// reserved by the hardware.
constexpr int kSmemPerSm = 228 * 1024;
constexpr int kSmemReservedPerBlock = 1024;
constexpr int kThreadsPerSm = 2048;

// Static shared memory of the sm80 template (the walk list) beside the dynamic tiles.
constexpr int kStaticSmem = 2048;

// Key tiles a share should keep at least, so its cp.async pipeline has a next tile to load.
constexpr int64_t kMinTilesPerShare = 2;

} // namespace

int choose_kv_splits(const SplitChoice& c) {
  if (c.forced > 0) return std::min(c.forced, kMaxKvSplits);
  const int64_t wave = int64_t(std::max(c.sm_count, 1)) * std::max(c.blocks_per_sm, 1);
  // Most of a wave is already busy: splitting would only add merge work.
  if (c.blocks <= 0 || c.blocks * 5 >= wave * 4) return 1;
  const int64_t cap = std::clamp<int64_t>(c.walk_tiles / kMinTilesPerShare, 1, kMaxKvSplits);
  // Occupancy of the last wave decides: 64 blocks split 3 ways fill 1.45 waves of 132 and take
  // as long as 2 full ones, split 2 ways they fill exactly one. Take the fewest shares whose
  // waves are at least 85% busy relative to the best share count.
  auto busy = [&](int64_t s) {
    const int64_t n = c.blocks * s;
    return double(n) / double((n + wave - 1) / wave * wave);
  };
  double best = 0;
  for (int64_t s = 1; s <= cap; ++s) best = std::max(best, busy(s));
  for (int64_t s = 1; s <= cap; ++s)
    if (busy(s) >= 0.85 * best) return int(s);
  return 1;
}

int gqa_pack(int mode, int kv_group, int max_seq_q, int block_m) {
  if (mode == 1 || kv_group <= 1) return 1;
  if (mode == 2 || max_seq_q < block_m) return kv_group;
  return 1;
}

TileConfig general_variant_tiles(const KernelInfo& info) {
  if (info.tiles.family != "sm90") return info.tiles;
  KernelConfig g = general_config(default_config(info.head_dim, dtype_name(info.dtype), "sm90"));
  return {g.block_m, g.block_n, g.warps, g.stages, g.family};
}

int planned_kv_splits(const KernelInfo& info, int batch, int heads, int max_seq_q, int max_seq_k,
                      int forced, int sm_count) {
  const TileConfig t = general_variant_tiles(info);
  if (t.block_m <= 0 || t.block_n <= 0) return 1;
  const int smem = (t.block_m + 2 * t.stages * t.block_n) * info.head_dim * 2 + kStaticSmem;
  SplitChoice c;
  c.blocks = int64_t((max_seq_q + t.block_m - 1) / t.block_m) * heads * batch;
  c.sm_count = sm_count;
  c.blocks_per_sm = blocks_per_sm(smem, t.warps * 32);
  c.walk_tiles = (int64_t(max_seq_k) + t.block_n - 1) / t.block_n;
  c.forced = forced;
  return choose_kv_splits(c);
}

int blocks_per_sm(int smem_bytes, int threads) {
  const int by_smem = kSmemPerSm / std::max(1, smem_bytes + kSmemReservedPerBlock);
  const int by_threads = kThreadsPerSm / std::max(1, threads);
  return std::max(1, std::min(by_smem, by_threads));
}

size_t split_workspace_bytes(int splits, int batch, int heads, int max_seq_q, int head_dim) {
  const size_t rows = size_t(splits) * batch * heads * max_seq_q;
  return rows * (size_t(head_dim) + 1) * sizeof(float);
}

StreamWorkspace::~StreamWorkspace() {
  const auto& drv = cuda_driver();
  if (!drv) return;
  const CudaDriver& d = **drv;
  std::vector<std::pair<CUcontext, CUdeviceptr>> all = retired_;
  for (const auto& [key, buf] : buffers_) all.emplace_back(key.first, buf.ptr);
  for (const auto& [ctx, ptr] : all) {
    if (!ptr || d.cuCtxPushCurrent(ctx) != kCudaSuccess) continue;
    d.cuMemFree(ptr);
    CUcontext popped = nullptr;
    d.cuCtxPopCurrent(&popped);
  }
}

Result<CUdeviceptr> StreamWorkspace::get(const CudaDriver& d, CUcontext ctx, void* stream,
                                         size_t bytes, bool zeroed) {
  std::lock_guard lock(mu_);
  Buffer& buf = buffers_[{ctx, stream}];
  if (buf.bytes >= bytes) return buf.ptr;
  if (buf.ptr) retired_.emplace_back(ctx, buf.ptr);
  buf = {};
  // Powers of two: the retired buffers then add up to less than the live one.
  bytes = std::bit_ceil(bytes);
  CUdeviceptr ptr = 0;
  if (auto r =
          cuda_check(d, d.cuMemAlloc(&ptr, bytes), fmt::format("a workspace of {} bytes", bytes));
      !r)
    return r.error();
  if (zeroed) {
    if (auto r = cuda_check(d, d.cuMemsetD8Async(ptr, 0, bytes, static_cast<CUstream>(stream)),
                            fmt::format("zeroing a workspace of {} bytes", bytes));
        !r) {
      d.cuMemFree(ptr);
      return r.error();
    }
  }
  buf = {ptr, bytes};
  return ptr;
}

} // namespace attnjit
