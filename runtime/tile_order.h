// The order in which thread blocks take query tiles: heaviest first, so that the tiles that walk
// the most keys (global rows under `global(n)`, the last rows under `causal`) do not start last
// and leave the GPU idle at the tail. The cost of a query tile is the number of key tiles its
// walk set touches, known on the host from the mask's key ranges before launch.
#pragma once

#include "compiler/key_ranges.h"

#include <cstdint>
#include <vector>

namespace attnjit {

struct TileGeometry {
  int seq_q = 0;
  int seq_k = 0;
  int block_m = 0;
  int block_n = 0;
};

// Key tiles walked by each query tile (index = query tile).
std::vector<int64_t> query_tile_costs(const KeyRanges& ranges, const TileGeometry& g);

// Query tiles sorted by cost, heaviest first, ties broken by higher index first. Empty when
// that is the kernel's own order (last tile first), so nothing needs uploading: the common
// case for causal, windows and dense masks.
std::vector<int32_t> heaviest_first_order(const std::vector<int64_t>& costs);

} // namespace attnjit
