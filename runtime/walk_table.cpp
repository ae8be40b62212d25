#include "runtime/walk_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <limits>

namespace attnjit {
namespace {

// Runs of one query tile, appended to `words` as (first entry, count) pairs.
class RunWriter {
public:
  RunWriter(const BlockClassifier& classify, const TileGeometry& g, int64_t q0, int64_t q1,
            std::vector<int64_t>& words)
      : classify_(classify), g_(g), q0_(q0), q1_(q1), words_(words) {}

  // Key tiles [a, b]: one run if the classifier answers for the whole span, else the halves.
  void span(int64_t a, int64_t b) {
    const int64_t k0 = a * g_.block_n;
    const int64_t k1 = std::min<int64_t>(b * g_.block_n + g_.block_n - 1, int64_t(g_.seq_k) - 1);
    const BlockClass c = classify_(q0_, q1_, k0, k1);
    if (c == BlockClass::Empty) return;
    if (c == BlockClass::Full || a == b) {
      add(a, b - a + 1, c == BlockClass::Partial);
      return;
    }
    const int64_t m = a + (b - a) / 2;
    span(a, m);
    span(m + 1, b);
  }

  int64_t walked() const { return walked_; }

private:
  void add(int64_t tile, int64_t count, bool partial) {
    walked_ += count;
    // Extends the last run of this query tile when it is of the same class and ends just before.
    if (runs_ > 0) {
      const int64_t first = words_[words_.size() - 2], n = words_.back();
      if ((first & 1) == int64_t(partial) && first / 2 + n == tile) {
        words_.back() += count;
        return;
      }
    }
    words_.push_back(tile * 2 + (partial ? 1 : 0));
    words_.push_back(count);
    ++runs_;
  }

  const BlockClassifier& classify_;
  const TileGeometry& g_;
  int64_t q0_, q1_;
  std::vector<int64_t>& words_;
  int64_t runs_ = 0, walked_ = 0;
};

} // namespace

Result<WalkTable> build_walk_table(const KeyRanges& ranges, const BlockClassifier& classify,
                                   const TileGeometry& g) {
  assert(g.block_m > 0 && g.block_n > 0 && "tile sizes must be positive");
  const int64_t q_offset = int64_t(g.seq_k) - g.seq_q; // bottom-right alignment
  const int64_t tiles = g.seq_q > 0 ? (int64_t(g.seq_q) + g.block_m - 1) / g.block_m : 0;
  const int64_t key_tiles = g.seq_k > 0 ? (int64_t(g.seq_k) + g.block_n - 1) / g.block_n : 0;
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (key_tiles * 2 > kMax)
    return Error{fmt::format("walk table: {} key tiles of {} keys do not fit 32-bit entries",
                             key_tiles, g.block_n)};
  std::vector<int64_t> offsets{0}, runs;
  offsets.reserve(size_t(tiles) + 1);
  WalkTable out;
  for (int64_t t = 0; t < tiles; ++t) {
    const int64_t r0 = t * g.block_m, r1 = std::min<int64_t>(r0 + g.block_m, g.seq_q) - 1;
    const int64_t q0 = r0 + q_offset, q1 = r1 + q_offset;
    RunWriter w(classify, g, q0, q1, runs);
    if (key_tiles > 0) {
      // Key intervals (sorted, disjoint) -> clipped key-tile ranges, merged where they touch.
      int64_t lo_t = -1, hi_t = -2;
      for (const KeyInterval& iv : ranges(q0, q1)) {
        const int64_t lo = std::max<int64_t>(iv.lo, 0), hi = std::min<int64_t>(iv.hi, g.seq_k - 1);
        if (lo > hi) continue;
        const int64_t a = lo / g.block_n, b = hi / g.block_n;
        if (a <= hi_t + 1) {
          hi_t = std::max(hi_t, b);
          continue;
        }
        if (hi_t >= lo_t && lo_t >= 0) w.span(lo_t, hi_t);
        lo_t = a, hi_t = b;
      }
      if (hi_t >= lo_t && lo_t >= 0) w.span(lo_t, hi_t);
    }
    out.walked += w.walked();
    offsets.push_back(int64_t(runs.size() / 2));
  }
  if (int64_t(offsets.size() + runs.size()) > kMax)
    return Error{fmt::format("walk table: {} runs over {} query tiles pass 2^31 words",
                             runs.size() / 2, tiles)};
  out.num_q_tiles = int(tiles);
  out.words.reserve(offsets.size() + runs.size());
  for (int64_t v : offsets) out.words.push_back(int32_t(v));
  for (int64_t v : runs) out.words.push_back(int32_t(v));
  return out;
}

std::vector<int32_t> walk_entries(const WalkTable& table, int q_tile) {
  assert(q_tile >= 0 && q_tile < table.num_q_tiles && "query tile out of range");
  const int32_t* offsets = table.words.data();
  const int32_t* runs = offsets + table.num_q_tiles + 1;
  std::vector<int32_t> out;
  for (int32_t r = offsets[q_tile]; r < offsets[q_tile + 1]; ++r)
    for (int32_t i = 0; i < runs[2 * r + 1]; ++i) out.push_back(runs[2 * r] + 2 * i);
  return out;
}

} // namespace attnjit
