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

// One work tile while a table is built: its query tile, share code and runs.
struct Work {
  int64_t q_tile = 0;
  int64_t share = -1;
  std::vector<int64_t> runs; // (first entry, count) pairs
  int64_t cost = 0;
};

Result<WalkTable> pack(const std::vector<Work>& works, int64_t q_tiles) {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  int64_t run_words = 0;
  for (const Work& w : works) run_words += int64_t(w.runs.size());
  const int64_t v = int64_t(works.size());
  if (v + 1 + 2 * v + run_words + 2 * v > kMax)
    return Error{
        fmt::format("walk table: {} runs over {} work tiles pass 2^31 words", run_words / 2, v)};
  WalkTable out;
  out.num_q_tiles = int(q_tiles);
  out.num_work_tiles = int(v);
  out.words.reserve(size_t(v + 1 + 2 * v + run_words));
  for (const Work& w : works) out.heavy_tiles += w.share >= 0 && (w.share & 31) == 0 ? 1 : 0;
  int64_t runs = 0;
  out.words.push_back(0);
  for (const Work& w : works) out.words.push_back(int32_t(runs += int64_t(w.runs.size()) / 2));
  for (const Work& w : works) {
    out.words.push_back(int32_t(w.q_tile));
    out.words.push_back(int32_t(w.share));
    out.costs.push_back(w.cost);
    out.walked += w.cost;
  }
  for (const Work& w : works)
    for (size_t i = 0; i < w.runs.size(); i += 2) {
      out.words.push_back(int32_t(w.runs[i]));
      out.words.push_back(int32_t(w.runs[i + 1]));
      if (w.runs[i] & 1) out.partial_tiles += w.runs[i + 1];
    }
  // Split tiles, by split index: (query tile, shares), from each one's first share.
  for (const Work& w : works)
    if (w.share >= 0 && (w.share & 31) == 0) {
      out.words.push_back(int32_t(w.q_tile));
      out.words.push_back(int32_t((w.share >> 5) & 31));
    }
  return out;
}

// Query tiles (work tiles with no share yet) cut into shares per `rule` (build_walk_table in
// the header says which); returns the shares and the unsplit tiles in order, and the most shares
// of one tile.
std::vector<Work> split(std::vector<Work> works, const ShareRule& rule, int64_t& max_shares) {
  max_shares = 1;
  if (rule.mode == 1 || works.empty()) return works;
  std::vector<int64_t> sorted;
  int64_t total = 0;
  for (const Work& w : works) sorted.push_back(w.cost), total += w.cost;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const int64_t median = std::max<int64_t>(sorted[sorted.size() / 2], 1);
  const double per_sm = double(total) * double(rule.units) / double(std::max(rule.sm_count, 1));
  auto shares_of = [&](int64_t cost) -> int64_t {
    if (rule.mode >= 2) return cost >= 2 ? std::min<int64_t>({rule.mode, cost, kMaxTileShares}) : 1;
    if (cost <= 4 * median || cost < 16 || double(cost) <= per_sm / 2) return 1;
    const int64_t length = std::max<int64_t>(2 * median, 8);
    return std::min<int64_t>((cost + length - 1) / length, kMaxTileShares);
  };
  std::vector<Work> out;
  int64_t heavy = 0;
  for (Work& w : works) {
    const int64_t n = shares_of(w.cost);
    if (n <= 1) {
      out.push_back(std::move(w));
      continue;
    }
    max_shares = std::max(max_shares, n);
    // Share s walks entries [s * cost / n, (s + 1) * cost / n) of the tile's walk, cutting a
    // run where a share ends.
    size_t r = 0;
    int64_t used = 0; // entries of run r already given to earlier shares
    for (int64_t s = 0; s < n; ++s) {
      Work share;
      share.q_tile = w.q_tile;
      share.share = (heavy << 10) | (n << 5) | s;
      share.cost = (s + 1) * w.cost / n - s * w.cost / n;
      for (int64_t need = share.cost; need > 0;) {
        const int64_t first = w.runs[2 * r], count = w.runs[2 * r + 1];
        const int64_t take = std::min(need, count - used);
        share.runs.push_back(first + 2 * used);
        share.runs.push_back(take);
        need -= take;
        used += take;
        if (used == count) ++r, used = 0;
      }
      out.push_back(std::move(share));
    }
    ++heavy;
  }
  return out;
}

} // namespace

Result<WalkTable> build_walk_table(const KeyRanges& ranges, const BlockClassifier& classify,
                                   const TileGeometry& g, const ShareRule& rule) {
  assert(g.block_m > 0 && g.block_n > 0 && "tile sizes must be positive");
  const int64_t q_offset = int64_t(g.seq_k) - g.seq_q; // bottom-right alignment
  const int64_t tiles = g.seq_q > 0 ? (int64_t(g.seq_q) + g.block_m - 1) / g.block_m : 0;
  const int64_t key_tiles = g.seq_k > 0 ? (int64_t(g.seq_k) + g.block_n - 1) / g.block_n : 0;
  if (key_tiles * 2 > std::numeric_limits<int32_t>::max())
    return Error{fmt::format("walk table: {} key tiles of {} keys do not fit 32-bit entries",
                             key_tiles, g.block_n)};
  std::vector<Work> works(static_cast<size_t>(tiles));
  for (int64_t t = 0; t < tiles; ++t) {
    const int64_t r0 = t * g.block_m, r1 = std::min<int64_t>(r0 + g.block_m, g.seq_q) - 1;
    Work& work = works[size_t(t)];
    work.q_tile = t;
    RunWriter w(classify, g, r0 + q_offset, r1 + q_offset, work.runs);
    for (const TileRange& r : key_tile_ranges(ranges, g, t)) w.span(r.first, r.last);
    work.cost = w.walked();
  }
  int64_t max_shares = 1;
  auto table = pack(split(std::move(works), rule, max_shares), tiles);
  if (table) table->max_shares = int(max_shares);
  return table;
}

std::span<const int32_t> work_runs(const WalkTable& table, int v) {
  assert(v >= 0 && v < table.num_work_tiles && "work tile out of range");
  const int32_t* offsets = table.words.data();
  const int32_t* runs = offsets + 3 * table.num_work_tiles + 1;
  return {runs + 2 * offsets[v], size_t(2 * (offsets[v + 1] - offsets[v]))};
}

std::vector<int32_t> walk_entries(const WalkTable& table, int v) {
  std::vector<int32_t> out;
  const std::span<const int32_t> runs = work_runs(table, v);
  for (size_t r = 0; r < runs.size(); r += 2)
    for (int32_t i = 0; i < runs[r + 1]; ++i) out.push_back(runs[r] + 2 * i);
  return out;
}

int32_t work_q_tile(const WalkTable& table, int v) {
  assert(v >= 0 && v < table.num_work_tiles && "work tile out of range");
  return table.words[size_t(table.num_work_tiles + 1 + 2 * v)];
}

int32_t work_share(const WalkTable& table, int v) {
  assert(v >= 0 && v < table.num_work_tiles && "work tile out of range");
  return table.words[size_t(table.num_work_tiles + 2 + 2 * v)];
}

} // namespace attnjit
