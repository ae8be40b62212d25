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
#include <vector>

namespace attnjit {

struct WalkTable {
  int num_q_tiles = 0;
  // num_q_tiles + 1 offsets (query tile t owns runs [words[t], words[t + 1])), then two words
  // per run: the run's first entry (key tile * 2, + 1 when PARTIAL) and its length in tiles.
  std::vector<int32_t> words;
  int64_t walked = 0; // key tiles visited over all query tiles
};

// Builds the table for `g`. Per query tile: the key-tile ranges of the mask's key intervals (as
// the sm80 family's device walk clips and merges them), then each range classified as a whole
// and halved while the classifier says PARTIAL, down to single tiles. A FULL or EMPTY answer
// for a span is exact for the whole span (the classifier is sound), so the result is what
// classifying tile by tile gives, at a cost that follows the number of runs. Errors: a table
// whose words or entries would not fit in 32 bits.
Result<WalkTable> build_walk_table(const KeyRanges& ranges, const BlockClassifier& classify,
                                   const TileGeometry& g);

// The walk entries of query tile `q_tile` in order (key tile * 2, + 1 when PARTIAL).
std::vector<int32_t> walk_entries(const WalkTable& table, int q_tile);

} // namespace attnjit
