#include "runtime/keep_bits.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>
#include <cstring>
#include <exception>
#include <limits>
#include <system_error>
#include <thread>

namespace attnjit {
namespace {

// Tiles below this many are built on the calling thread: starting threads costs more than the
// few milliseconds they would save.
constexpr int64_t kMinParallelTiles = 64;
// Tiles a thread takes at once from the shared counter: coarse enough that the counter is
// rarely touched, fine enough that the threads finish together.
constexpr int64_t kTilesPerTake = 8;

// 64-bit keep words for tiles of more than 128 keys (fwd_sm90.cuh KeepWord: a row's bits are
// 2 per 8-key column tile, block_n / 4 in all).
bool wide_words(const TileGeometry& g) {
  return g.block_n > 128;
}

// uint32 words per (row, thread).
int64_t halves(const TileGeometry& g) {
  return wide_words(g) ? 2 : 1;
}

// The words of one row from its keep bytes (0/1, one per key column; block_n of them): word t
// gets column 8 n + 2 t + e at bit 2 n + e. The bytes are first gathered into bits in column
// order, 8 columns per multiply (bit i of the product's top byte is byte i: the partial
// products land on distinct bits), then each thread's pairs of columns are pulled together.
void pack_row(const uint8_t* keep, int block_n, uint64_t (&w)[4]) {
  static_assert(std::endian::native == std::endian::little, "keep bytes read 8 at a time");
  for (uint64_t& x : w) x = 0;
  for (int g = 0; g * 64 < block_n; ++g) {
    uint64_t cols = 0; // bit i: column 64 g + i
    for (int n = 8 * g; n < std::min(8 * g + 8, block_n / 8); ++n) {
      uint64_t bytes;
      std::memcpy(&bytes, keep + 8 * n, 8);
      cols |= ((bytes * 0x0102040810204080ull) >> 56) << (8 * (n - 8 * g));
    }
    for (int t = 0; t < 4; ++t) {
      // Thread t's pairs sit at bits 8 i + 2 t (i: the column tile within the group); moved to
      // bits 2 i in three halvings.
      uint64_t h = (cols >> (2 * t)) & 0x0303030303030303ull;
      h = (h | (h >> 6)) & 0x000f000f000f000full;
      h = (h | (h >> 12)) & 0x000000ff000000ffull;
      h = (h | (h >> 24)) & 0xffffull;
      w[t] |= h << (16 * g);
    }
  }
}

struct PartialTile {
  int32_t q_tile, key_tile;
};

// Writes the words of PARTIAL tiles [first, last) (already zero).
void fill_tiles(const std::vector<PartialTile>& tiles, int64_t first, int64_t last,
                const MaskEvaluator& mask, const TileGeometry& g, uint32_t* words) {
  const int64_t q_offset = int64_t(g.seq_k) - g.seq_q; // bottom-right alignment
  std::vector<uint8_t> keep(size_t(g.block_n));
  for (int64_t i = first; i < last; ++i) {
    const PartialTile& tile = tiles[size_t(i)];
    const int64_t k0 = int64_t(tile.key_tile) * g.block_n;
    // Keys past seq_k keep nothing: only the keys inside are evaluated, the rest stay 0.
    const int keys = int(std::clamp<int64_t>(int64_t(g.seq_k) - k0, 0, g.block_n));
    std::fill(keep.begin(), keep.end(), 0);
    for (int r = 0; r < g.block_m; ++r) {
      const int64_t row = int64_t(tile.q_tile) * g.block_m + r;
      if (row >= g.seq_q) break; // rows past seq_q keep nothing
      mask.row(row + q_offset, k0, keys, keep.data());
      uint64_t w[4];
      pack_row(keep.data(), g.block_n, w);
      uint32_t* out = words + ((i * g.block_m + r) * 4) * halves(g);
      for (int t = 0; t < 4; ++t) {
        if (!wide_words(g)) {
          out[t] = uint32_t(w[t]);
          continue;
        }
        out[2 * t] = uint32_t(w[t]);
        out[2 * t + 1] = uint32_t(w[t] >> 32);
      }
    }
  }
}

// Runs fill_tiles over all tiles, on several threads when there are enough. Each tile's words
// have one place, so the order in which threads take tiles does not show in the result.
void fill_all(const std::vector<PartialTile>& tiles, const MaskEvaluator& mask,
              const TileGeometry& g, uint32_t* words) {
  const int64_t count = int64_t(tiles.size());
  const int64_t cores = std::max<int64_t>(std::thread::hardware_concurrency(), 1);
  const int64_t threads =
      count < kMinParallelTiles
          ? 1
          : std::min(cores, (count + 2 * kTilesPerTake - 1) / (2 * kTilesPerTake));
  if (threads <= 1) return fill_tiles(tiles, 0, count, mask, g, words);
  std::atomic<int64_t> next{0};
  auto work = [&] {
    for (int64_t i = next.fetch_add(kTilesPerTake); i < count; i = next.fetch_add(kTilesPerTake))
      fill_tiles(tiles, i, std::min(i + kTilesPerTake, count), mask, g, words);
  };
  std::vector<std::thread> pool;
  try {
    for (int64_t t = 1; t < threads; ++t) pool.emplace_back(work);
  } catch (const std::system_error&) {
    // No more threads to be had: the ones started and this one take the rest.
  }
  work();
  for (std::thread& t : pool) t.join();
}

} // namespace

int64_t keep_bits_bytes(const WalkTable& table, const TileGeometry& g) {
  assert(g.block_m > 0 && g.block_n > 0 && "tile sizes must be positive");
  const int64_t per_tile = int64_t(g.block_m) * 4 * 4 * halves(g);
  if (table.partial_tiles > std::numeric_limits<int64_t>::max() / per_tile)
    return std::numeric_limits<int64_t>::max();
  return table.partial_tiles * per_tile;
}

Result<KeepBits> build_keep_bits(const WalkTable& table, const MaskEvaluator& mask,
                                 const TileGeometry& g) {
  if (g.block_m <= 0 || g.block_n <= 0 || g.block_n % 8 != 0 || g.block_n > 256)
    return Error{fmt::format("keep bits: no keep word for {}x{} tiles (key tiles of a multiple "
                             "of 8 keys, at most 256)",
                             g.block_m, g.block_n)};
  KeepBits out;
  out.partial_tiles = table.partial_tiles;
  if (out.partial_tiles > std::numeric_limits<int32_t>::max())
    return Error{fmt::format("keep bits: {} PARTIAL tiles do not fit the kernel's 32-bit tile "
                             "numbers",
                             out.partial_tiles)};
  // uint32 words: partial tiles x block_m rows x 4 threads x halves, indexed in int64.
  const int64_t per_tile = int64_t(g.block_m) * 4 * halves(g);
  if (out.partial_tiles > std::numeric_limits<int64_t>::max() / per_tile)
    return Error{fmt::format("keep bits: {} PARTIAL tiles of {} rows pass 64-bit word indices",
                             out.partial_tiles, g.block_m)};
  std::vector<PartialTile> tiles;
  try {
    tiles.reserve(size_t(out.partial_tiles));
    out.words.assign(size_t(out.partial_tiles * per_tile), 0);
  } catch (const std::exception&) { // bad_alloc, or length_error past the vector's max_size
    return Error{fmt::format("keep bits: {:.0f} MiB for {} PARTIAL tiles do not fit in memory",
                             double(out.partial_tiles) * double(per_tile) * 4 / (1 << 20),
                             out.partial_tiles)};
  }
  // Work tile by work tile, in walk order: a tile's number is its place in `tiles`.
  out.base.reserve(size_t(table.num_work_tiles));
  for (int v = 0; v < table.num_work_tiles; ++v) {
    out.base.push_back(int32_t(tiles.size()));
    const int32_t q_tile = work_q_tile(table, v);
    const std::span<const int32_t> runs = work_runs(table, v);
    for (size_t r = 0; r < runs.size(); r += 2)
      if (runs[r] & 1)
        for (int32_t j = 0; j < runs[r + 1]; ++j) tiles.push_back({q_tile, runs[r] / 2 + j});
  }
  assert(int64_t(tiles.size()) == out.partial_tiles && "one number per PARTIAL entry");
  fill_all(tiles, mask, g, out.words.data());
  return out;
}

} // namespace attnjit
