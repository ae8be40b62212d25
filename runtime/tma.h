// Tensor maps of the sm90 family: the TMA descriptors (TmaMaps, templates/fwd_params.cuh) that
// the kernel's producer warpgroup loads Q, K and V tiles through. Each is 4-D over (head dim,
// sequence, heads, batch) in the tensor's own strides, with a box of 64 head-dim columns (128
// bytes: one 128-byte swizzle row) x the tile's rows, and zero fill past the bounds, so edge
// tiles need no masking of their loads.
//
// The argument computation is a pure function, testable with no GPU; encoding calls the
// driver's cuTensorMapEncodeTiled.
#pragma once

#include "attnjit/attnjit.hpp"
#include "compiler/generate_cuda.h"
#include "runtime/cuda_driver.h"
#include "templates/fwd_params.cuh"

#include <cstdint>
#include <string>

namespace attnjit {

// Head-dim columns of one TMA box: 64 16-bit elements, the 128 bytes the swizzle spans.
constexpr int kTmaBoxColumns = 64;

// The arguments of one cuTensorMapEncodeTiled call.
struct TmaMapArgs {
  std::string tensor; // "q", "k" or "v", for messages
  int data_type = 0;  // kTensorMapBfloat16 or kTensorMapFloat16
  void* address = nullptr;
  uint64_t dims[4] = {};    // head dim, sequence, heads, batch
  uint64_t strides[3] = {}; // bytes between steps of dims 1..3
  uint32_t box[4] = {};     // 64, tile rows, 1, 1
  uint32_t element_strides[4] = {1, 1, 1, 1};
  int interleave = kTensorMapInterleaveNone;
  int swizzle = kTensorMapSwizzle128B;
  int l2_promotion = kTensorMapL2Promotion256B;
  int oob_fill = kTensorMapOobFillNone;
};

struct TmaMapsArgs {
  TmaMapArgs q, k, v;
};

// The arguments of the three maps for a dense problem (no varlen arrays) run by an sm90 kernel
// of `config`: Q with block_m-row boxes over (seq_q, heads), K and V with block_n-row boxes over
// (seq_k, kv_heads). A dimension of size 1 whose stride TMA would refuse (zero, not a multiple
// of 16 bytes) gets a legal one instead: it is never stepped. An error names the tensor, its
// dims and strides when a stride that is stepped is not one TMA can take (a multiple of 16
// bytes, nonzero, below 2^40).
Result<TmaMapsArgs> tma_maps_args(const Problem& p, const KernelConfig& config);

// Encodes the maps with the driver; an error when the driver lacks cuTensorMapEncodeTiled or
// refuses an argument (naming the tensor with its dims and strides).
Result<TmaMaps> encode_tma_maps(const CudaDriver& d, const TmaMapsArgs& args);

// "k: dims [128, 4097, 2, 1], strides [256, 1048832, 2097664] bytes, box [64, 128, 1, 1]".
std::string describe_tma_map(const TmaMapArgs& a);

} // namespace attnjit
