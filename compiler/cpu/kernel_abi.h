// The calling convention between the JIT-compiled CPU tile function and the executor that calls
// it. The generated code reads this struct by byte offset (offsetof), so the layout is the
// contract: every field is 8 bytes wide, which keeps the offsets identical on every 64-bit host.
#pragma once

#include <cstddef>
#include <cstdint>

namespace attnjit::cpu {

// Query rows per tile and keys per block. 64 x 64 keeps a block's K^T, V and score rows
// (3 x 64 x D floats at D = 128: 96 KiB) near L2 while the score row of 64 floats fits in
// eight AVX2 registers.
inline constexpr int64_t kBlockM = 64;
inline constexpr int64_t kBlockN = 64;

struct TileArgs {
  const void* q;
  const void* k;
  const void* v;
  void* o;
  float* lse;            // may be null
  const int64_t* params; // values in MaskProgram::params order
  int64_t q_sb, q_sh, q_ss;
  int64_t k_sb, k_sh, k_ss;
  int64_t v_sb, v_sh, v_ss;
  int64_t o_sb, o_sh, o_ss;
  int64_t heads;
  int64_t group; // query heads per key/value head
  int64_t seq_q;
  int64_t seq_k;
  double scale; // softmax scale (already defaulted)
};

// The head dim padded to whole vectors: scratch rows are this long and zero past the head dim, so
// every vector loop over the head dim runs without a tail.
inline constexpr int64_t kVectorWidth = 8;
inline int64_t padded_head_dim(int64_t head_dim) {
  return (head_dim + kVectorWidth - 1) / kVectorWidth * kVectorWidth;
}

// Floats of per-thread scratch one tile call needs: Q tile, K^T block, V block, accumulator,
// row max, row sum, one score row and one probability row. The executor hands each thread its
// own; passing it in (rather than stack allocation) keeps large head dims off thread stacks.
inline int64_t workspace_floats(int64_t head_dim) {
  int64_t dp = padded_head_dim(head_dim);
  return kBlockM * dp * 2 + kBlockN * dp * 2 + kBlockM * 2 + kBlockN * 2;
}

// void attnjit_tile(const TileArgs* args, int64_t batch, int64_t head, int64_t query_tile,
//                   float* workspace)
inline constexpr const char* kTileFunctionName = "attnjit_tile";
using TileFn = void (*)(const TileArgs*, int64_t, int64_t, int64_t, float*);

} // namespace attnjit::cpu
