// Mask statistics for one shape and tiling: the block map (what `attnjit explain` prints), the
// count of attended pairs, and the pairs the kernel walks.
//
// Query row r sits at position r + (Lk - Lq). Edge tiles are clipped to the real sequence.
// attended_pairs is exact: the area of FULL blocks plus, inside PARTIAL ones, the areas of
// sub-blocks the classifier settles and a pair-by-pair count of the rest. walked_pairs counts every
// pair of the key tiles the walk set (key_ranges) touches, clipped to the sequence; attended /
// walked is the ceiling a kernel reaches relative to dense.
#pragma once

#include "compiler/pipeline.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attnjit {

struct MaskStats {
  int64_t seq_q = 0, seq_k = 0, block_m = 0, block_n = 0;
  std::vector<std::string> block_map; // one string per query tile, one char per key tile: F P .
  int64_t full_blocks = 0, partial_blocks = 0, empty_blocks = 0;
  int64_t attended_pairs = 0;
  int64_t walked_pairs = 0;
  double pair_density = 0;   // attended / (Lq * Lk)
  double walked_density = 0; // walked / (Lq * Lk)
  double ratio = 0;          // attended / walked (0 when nothing is walked)
};

// Values in MaskProgram::params order. Errors for non-positive sizes or a wrong value count.
Result<MaskStats> mask_stats(const MaskProgram& program, const std::vector<int64_t>& values,
                             int64_t seq_q, int64_t seq_k, int64_t block_m, int64_t block_n);

} // namespace attnjit
