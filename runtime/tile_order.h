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

// Key tiles [first, last].
struct TileRange {
  int64_t first, last;
};

// The key-tile ranges query tile `q_tile` walks, in order: the mask's key intervals clipped to
// the keys and widened to whole tiles, merged where they touch (as the sm80 kernel's device
// walk builds them).
std::vector<TileRange> key_tile_ranges(const KeyRanges& ranges, const TileGeometry& g,
                                       int64_t q_tile);

// Key tiles walked by each query tile (index = query tile).
std::vector<int64_t> query_tile_costs(const KeyRanges& ranges, const TileGeometry& g);

// Query tiles sorted by cost, heaviest first, ties broken by higher index first. Empty when
// that is the kernel's own order (last tile first), so nothing needs uploading: the common
// case for causal, windows and dense masks.
std::vector<int32_t> heaviest_first_order(const std::vector<int64_t>& costs);

// Mean of the costs (0 for none).
double mean_walk(const std::vector<int64_t>& costs);

// Query tiles whose walk is at most this many key tiles on average make the sm90 kernel
// persistent by default: per tile, its start (Q load, first key tiles, pipeline fill) and end
// (the output stores) are then a large share, and a persistent block overlaps them with the
// previous and next tiles. Longer walks measured faster with one block per tile.
constexpr double kPersistentMaxWalk = 32;

// Blocks to launch for `blocks` work items of the sm90 kernel, which loops over items:
// `requested` > 0 asks for at most that many (Problem::persistent_blocks); 0 chooses one per SM
// (the kernel keeps one block per SM) when the mean walk is known and short, else one per item.
long long persistent_grid(long long blocks, int sm_count, double mean_walk, int requested);

// The keys and values that the blocks running at one time should share in L2: a budget well
// under the L2 of the GPUs the sm90 family runs on (50 MiB on H100 and H200).
constexpr int64_t kL2GroupBytes = int64_t(16) << 20;

// FwdParams::unit_group for a launch of one block per work item: the (head, batch) units whose
// keys and values (16-bit, `seq_k` x `head_dim` each, shared by `kv_group` query heads) fit in
// `budget` bytes, in whole key/value groups, at least one group; 0 (one group, the plain
// heaviest-first order) when all `units` fit.
int l2_unit_group(int64_t seq_k, int head_dim, int kv_group, int units, int64_t budget);

} // namespace attnjit
