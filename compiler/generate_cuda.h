// CUDA generation: one readable .cu per (mask, kernel config), holding a banner, the mask as a
// device struct (compiler/emit_mask_struct) and one instantiation of a kernel template behind
// an `extern "C" __global__ attnjit_fwd(FwdParams)` entry. The runtime compiles it with NVRTC,
// giving it the embedded templates (templates/*.cuh) as headers by name.
#pragma once

#include "compiler/pipeline.h"

#include <string>

namespace attnjit {

// Version of the generated source; part of the banner, so it reaches the module cache key.
constexpr int kGenerateCudaVersion = 6;

struct KernelConfig {
  int head_dim = 128;
  std::string dtype = "bf16"; // "bf16" or "fp16"
  int block_m = 128;
  int block_n = 128;
  int warps = 8;
  int stages = 2;
  // "sm80": mma.sync, cp.async (fwd_sm80.cuh), any sm_80+ device. "sm90": wgmma, TMA and a
  // producer warpgroup beside two consumer warpgroups (fwd_sm90.cuh), sm_90a only, dense
  // variant only.
  std::string family = "sm80";
  // The variant: false = dense batches only (no varlen arrays, no GQA packing, no split-KV),
  // the fast one compile() builds; true = every FwdParams feature plus the split-KV merge entry,
  // compiled on demand by the first run that needs it.
  bool general = false;
  // sm90 only: a mask-free kernel. The element mask of PARTIAL tiles comes from keep bits the
  // runtime builds on the host (runtime/keep_bits.h), so the source, and the compiled module,
  // are the same for every mask: one per tile config. False: the mask's predicate is inline.
  bool mask_table = false;
};

// The tile shape measured best on an H200 for this head dim among those with no register
// spills (see the comment in generate_cuda.cpp for the numbers behind each choice). For family
// "sm90": 128 query rows over two consumer warpgroups, 12 warps, 128-key tiles (64 at head dim
// 256, where shared memory allows no more), two stages.
KernelConfig default_config(int head_dim, const std::string& dtype,
                            const std::string& family = "sm80");

// Why `config` cannot be instantiated (family, head dim, tile shape, warps, stages, shared
// memory over the 227 KiB an sm_80+ block may have), or an empty string when it can.
std::string check_config(const KernelConfig& config);

// Why a kernel of `family` cannot be compiled for the NVRTC target `arch` ("sm_80", "sm_90a"),
// or "" when it can: sm90 kernels need the arch-specific sm_90a target (wgmma, setmaxnreg).
std::string check_family_arch(const std::string& family, const std::string& arch);

// The configuration of the general variant (varlen batches, GQA packing, split-KV) that serves
// problems a dense kernel of `dense` cannot take. The general variant is always of the sm80
// family: an sm80 kernel's own tiles with general = true; for an sm90 kernel, the sm80
// default_config of its head dim and dtype. It runs on sm_90a as well.
KernelConfig general_config(const KernelConfig& dense);

// Dynamic shared memory the kernel needs at launch, in bytes. The launcher must raise the
// function's limit to this (cuFuncSetAttribute) when it passes 48 KiB.
int shared_memory_bytes(const KernelConfig& config);

// Threads per block of the generated kernel (warps * 32).
int threads_per_block(const KernelConfig& config);

// Key tiles of the sm90 template (fwd_sm90.cuh FwdShape; sm90_wgmma.cuh has a product for each):
// check_config's rule and the tuner's axis.
inline constexpr int kSm90KeyTiles[] = {64, 128, 160, 176, 192};

// Warps of an sm90 block of `block_m` query rows: one producer warpgroup and a consumer
// warpgroup per 64 rows (12 for 128 rows, 16 for 192).
constexpr int sm90_warps(int block_m) {
  return 4 + block_m / 64 * 4;
}

// Launch grid of the generated kernel: one linear x dimension of query tiles x heads x batch,
// the query tile's rank in FwdParams::tile_order (heaviest first) varying slowest, so that the
// heaviest tiles of every head and batch start in the first wave. The kernel decodes any grid
// of the same block count, so the (tiles, heads, batch) shape of version 1 stays correct.
struct GridDims {
  unsigned x = 1, y = 1, z = 1;
};
GridDims grid_dims(const KernelConfig& config, int batch, int heads, int seq_q);

// The generated .cu. `config` must pass check_config (and is not general when of family sm90).
// With config.mask_table the source does not depend on `program`.
std::string generate_cuda(const MaskProgram& program, const KernelConfig& config);

// Name of the kernel entry in every generated source. sm80 kernels take (FwdParams); sm90
// kernels take (FwdParams, TmaMaps), the tensor maps built by the runtime (runtime/tma.h).
constexpr const char* kKernelEntryName = "attnjit_fwd";

// The second entry of every generated source: merges split-KV shares (FwdParams::num_splits > 1)
// into O and the LSE. Grid: ceil(batch * heads * max_seq_q / kMergeWarps) blocks of
// kMergeWarps * 32 threads, no dynamic shared memory.
constexpr const char* kMergeEntryName = "attnjit_merge";
constexpr int kMergeWarps = 4;

// The second entry of an sm90 source: merges the shares of split query tiles
// (FwdParams::share_tiles > 0; templates/fwd_sm90.cuh merge_shares). Grid: ceil(share_tiles *
// batch * heads * block_m / kMergeWarps) blocks of kMergeWarps * 32 threads.
constexpr const char* kShareMergeEntryName = "attnjit_merge_shares";

} // namespace attnjit
