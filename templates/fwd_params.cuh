// Arguments of every forward-attention kernel, shared by the host runtime (which fills them) and
// the device templates (which read them). Plain C++ with fixed-width types only, so it compiles
// under NVRTC with no host headers and in host code with the same layout.
#pragma once

#ifdef ATTNJIT_NVRTC
// NVRTC compiles without host headers: spell the fixed-width types ourselves.
typedef long long int64_t;
typedef int int32_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
#else
#include <cstdint>
#endif

namespace attnjit {

// Mask parameters travel by value; a mask may name at most this many.
constexpr int kMaxMaskParams = 16;

struct FwdParams {
  // Tensors. Strides are in elements; the head dim is contiguous.
  const void* q;
  const void* k;
  const void* v;
  void* o;
  float* lse; // [batch, heads, seq_q] contiguous, natural log; may be null

  int64_t q_stride_b, q_stride_h, q_stride_s;
  int64_t k_stride_b, k_stride_h, k_stride_s;
  int64_t v_stride_b, v_stride_h, v_stride_s;
  int64_t o_stride_b, o_stride_h, o_stride_s;

  int32_t batch;
  int32_t heads;    // query heads
  int32_t kv_group; // heads / kv_heads: query heads that share one key/value head
  int32_t seq_q;
  int32_t seq_k;
  int32_t num_q_tiles; // ceil(seq_q / block_m)

  // Position of query row r is r + q_offset, with q_offset = seq_k - seq_q (bottom-right).
  int32_t q_offset;

  float scale_log2; // softmax scale * log2(e)
  float scale;      // softmax scale (natural), for the log-sum-exp

  // Order in which blocks take query tiles (heaviest first): num_q_tiles entries; null means
  // the kernel's own order (last tile first).
  const int32_t* tile_order;

  // Mask parameter values, in the order of the mask's sorted parameter names.
  int64_t mask_params[kMaxMaskParams];
};

} // namespace attnjit
