// Split-KV on the host: how many shares each query tile's key walk is cut into, and the fp32
// workspace the shares write (templates/split_kv.cuh has the device side and the merge math).
#pragma once

#include "attnjit/result.hpp"
#include "runtime/cuda_driver.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace attnjit {

// Most shares per query tile. Beyond this the merge reads more partial rows than a share saves.
constexpr int kMaxKvSplits = 128;

struct SplitChoice {
  int64_t blocks = 0;     // query tiles x heads x batch, unsplit
  int sm_count = 0;       // SMs of the device
  int blocks_per_sm = 1;  // blocks of this kernel one SM holds at once
  int64_t walk_tiles = 0; // key tiles the longest query tile walks
  int forced = 0;         // Problem::kv_splits: 0 = auto, 1 = off, N = N
};

// The share count: `forced` when given (capped at kMaxKvSplits); otherwise 1 when the unsplit
// grid already fills 80% of one wave of the device, else the fewest shares whose last wave is
// nearly as full as the best count's, with at least two key tiles per share so a share's loads
// still overlap its math.
int choose_kv_splits(const SplitChoice& c);

// Query heads packed into one tile's rows (FwdParams::q_pack) for Problem::pack_gqa = `mode`:
// 1 when off or when there is no group to pack; kv_group when on, or in auto mode when one
// head's max_seq_q query rows fill less than a block_m-row tile (decode).
int gqa_pack(int mode, int kv_group, int max_seq_q, int block_m);

struct KernelInfo;
struct TileConfig;

// The tiles of the general variant that serves a GPU kernel's varlen, GQA-packed and split-KV
// problems (generate_cuda.h: general_config): the kernel's own for the sm80 family, the sm80
// default of the head dim and dtype for an sm90 kernel.
TileConfig general_variant_tiles(const KernelInfo& info);

// The share count a GPU kernel picks for a problem with these sizes (max_seq_k: the longest key
// sequence); `attnjit run` reports it. sm_count: the device's SMs. Planned in the tiles of the
// general variant (general_variant_tiles), which runs the shares.
// With GQA packing pass heads / pack and max_seq_q * pack.
int planned_kv_splits(const KernelInfo& info, int batch, int heads, int max_seq_q, int max_seq_k,
                      int forced, int sm_count);

// Blocks of a kernel with `smem_bytes` of shared memory (dynamic and static) and `threads`
// threads that one sm_80+ SM holds at once (228 KiB of shared memory, 2048 threads).
int blocks_per_sm(int smem_bytes, int threads);

// Bytes of workspace for `splits` shares: O rows in fp32 plus one LSE per row.
size_t split_workspace_bytes(int splits, int batch, int heads, int max_seq_q, int head_dim);

// Device workspace kept per (context, stream) and grown on demand: the split-KV and split-tile
// shares, and the dynamic schedule's item counter. Work queued on one stream runs in order, so
// consecutive runs on a stream may share a buffer; different streams never do. A buffer
// outgrown is kept until the kernel goes away, not freed: another thread may have just queued a
// launch on it.
class StreamWorkspace {
public:
  StreamWorkspace() = default;
  StreamWorkspace(const StreamWorkspace&) = delete;
  StreamWorkspace& operator=(const StreamWorkspace&) = delete;
  ~StreamWorkspace();

  // A buffer of at least `bytes` for (ctx, stream); ctx must be current. With `zeroed`, a
  // buffer allocated by this call is set to zero on the stream first (one that is reused keeps
  // what the stream's last work left in it).
  Result<CUdeviceptr> get(const CudaDriver& d, CUcontext ctx, void* stream, size_t bytes,
                          bool zeroed = false);

private:
  struct Buffer {
    CUdeviceptr ptr = 0;
    size_t bytes = 0;
  };
  std::mutex mu_;
  std::map<std::pair<CUcontext, void*>, Buffer> buffers_;
  std::vector<std::pair<CUcontext, CUdeviceptr>> retired_;
};

} // namespace attnjit
