// The keep bits of the sm90 mask-free kernel (FwdParams::keep_bits, keep_base;
// templates/fwd_sm90.cuh): the element mask of every PARTIAL tile a walk table visits, evaluated
// on the host by the mask's interpreter at the first launch of a (shape, parameter values), so
// that the kernel reads one word per row and thread of a PARTIAL tile instead of running the
// mask's code. FULL tiles need no bits (the kernel cuts keys past the end itself) and EMPTY
// tiles are never walked, so the table follows the number of PARTIAL tiles: the diagonal under
// causal, the two edges of a window.
//
// Layout (the kernel reads exactly this):
// - PARTIAL tiles are numbered work tile by work tile (v = 0, 1, ...), within one in walk order
//   (walk_entries). Every share of a split tile numbers its own; base[v] is work tile v's first
//   number (the PARTIAL tiles of all earlier work tiles), also when v has none.
// - Tile i holds block_m rows of 4 words, word t (thread t of a quad) of row r at word index
//   (i * block_m + r) * 4 + t. Bit 2 n + e of it keeps key column c = 8 n + 2 t + e of the tile
//   (the columns thread t holds of the n-th 8-key column tile); the bits past block_n / 4 are 0.
// - Words are 32-bit for tiles of up to 128 keys, else 64-bit, stored in `words` as two uint32,
//   low half first.
// - Row r of query tile qt is query row R = qt * block_m + r at position R + seq_k - seq_q
//   (bottom-right alignment, negative when seq_q > seq_k); column c of key tile kt is key
//   k = kt * block_n + c. The bit is R < seq_q && k < seq_k && mask(position, k).
#pragma once

#include "attnjit/result.hpp"
#include "compiler/eval_mask.h"
#include "runtime/tile_order.h"
#include "runtime/walk_table.h"

#include <cstdint>
#include <vector>

namespace attnjit {

struct KeepBits {
  std::vector<uint32_t> words; // the table, as the kernel reads it (64-bit words: low half first)
  std::vector<int32_t> base;   // per work tile v of the walk table: the number of its first PARTIAL
  int64_t partial_tiles = 0;   // PARTIAL entries over all work tiles
};

// Bytes of the keep bits of `table` for tiles of `g`, without evaluating anything:
// partial tiles x block_m rows x 4 words of 4 bytes (8 for tiles of more than 128 keys).
int64_t keep_bits_bytes(const WalkTable& table, const TileGeometry& g);

// Builds them, on up to hardware_concurrency threads when there are many PARTIAL tiles (the
// result does not depend on the threads). Errors: a key tile width the kernel has no keep word
// for (a multiple of 8, at most 256), more than 2^31 - 1 PARTIAL tiles (the kernel's base is
// 32-bit), or a table past int64 word indices or past the host's memory.
Result<KeepBits> build_keep_bits(const WalkTable& table, const MaskEvaluator& mask,
                                 const TileGeometry& g);

} // namespace attnjit
