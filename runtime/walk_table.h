// The walk table of the sm90 kernel family (FwdParams::walk_table): for every query tile, the key
// tiles its walk visits, each FULL or PARTIAL, stored as runs of consecutive key tiles of one
// class. The runtime builds it on the host from the mask's key ranges and block classifier at
// the first launch of a (shape, parameter values), and uploads it once; the kernel only copies
// it into its walk stream, so the generated code holds no mask analysis, only the element
// predicate, and NVRTC has a third less to compile. Its size follows the number of runs (one for
// a dense row, two under causal, three or four for a window with a sink), not the number of
// tiles walked.
#pragma once

#include "attnjit/result.hpp"
#include "compiler/classify_blocks.h"
#include "compiler/key_ranges.h"
#include "runtime/tile_order.h"

#include <cstdint>
#include <span>
#include <vector>

namespace attnjit {

// Most shares a split query tile takes (the share code's 5-bit fields).
constexpr int kMaxTileShares = 31;

struct WalkTable {
  int num_q_tiles = 0;    // query tiles of the problem
  int num_work_tiles = 0; // what the kernel's work items count: query tiles, a split one's shares
  // Words: num_work_tiles + 1 offsets (work tile v owns runs [words[v], words[v + 1])); per work
  // tile two words, its query tile and its share code (-1: not split, else heavy index << 10 |
  // shares << 5 | share); then two words per run: the run's first entry (key tile * 2, + 1 when
  // PARTIAL) and its length in tiles; then per split tile, by heavy index, its query tile and
  // its number of shares.
  std::vector<int32_t> words;
  std::vector<int64_t> costs; // key tiles each work tile walks
  int heavy_tiles = 0;        // split query tiles (their shares share a merge workspace)
  int max_shares = 1;         // most shares of one split tile
  int64_t walked = 0;         // key tiles visited over all query tiles
  int64_t partial_tiles = 0;  // PARTIAL entries over all work tiles
};

// When the sm90 kernel splits query tiles into shares (Problem::split_tiles).
struct ShareRule {
  int mode = 0;       // 0: heavy tiles only (see build_walk_table), 1: never, N >= 2: every tile
  int64_t units = 1;  // heads x batch: work items per work tile
  int sm_count = 132; // SMs of the device
};

// Builds the table for `g`. Per query tile: its key-tile ranges (key_tile_ranges), each
// classified as a whole and halved while the classifier says PARTIAL, down to single tiles. A
// FULL or EMPTY answer for a span is exact for the whole span (the classifier is sound), so the
// result is what classifying tile by tile gives, at a cost that follows the number of runs.
// Then query tiles are split into shares per `rule`, each share a work tile of its own that
// walks a consecutive part of the tile's walk; the kernel merges a split tile's shares by their
// LSE. Heavy (mode 0): a tile whose walk is over 4x the median and at least 16 key tiles, when
// its walk is also over half the work one SM gets (so a grid with many heads and batches is left
// alone); its shares walk about 2x the median (at least 8 tiles). Forced (mode N >= 2): every
// tile walking at least two key tiles, in min(N, walk) shares. At most kMaxTileShares. Errors:
// a table whose words or entries would not fit in 32 bits.
Result<WalkTable> build_walk_table(const KeyRanges& ranges, const BlockClassifier& classify,
                                   const TileGeometry& g, const ShareRule& rule);

// The walk entries of work tile `v` in order (key tile * 2, + 1 when PARTIAL).
std::vector<int32_t> walk_entries(const WalkTable& table, int v);

// Work tile `v`'s runs, as (first entry, count) pairs: the entries first, first + 2, ...
std::span<const int32_t> work_runs(const WalkTable& table, int v);

// Work tile `v`'s query tile and share code.
int32_t work_q_tile(const WalkTable& table, int v);
int32_t work_share(const WalkTable& table, int v);

} // namespace attnjit
