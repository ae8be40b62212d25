#include "runtime/tile_order.h"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace attnjit {

std::vector<TileRange> key_tile_ranges(const KeyRanges& ranges, const TileGeometry& g,
                                       int64_t q_tile) {
  assert(g.block_m > 0 && g.block_n > 0 && "tile sizes must be positive");
  std::vector<TileRange> out;
  if (g.seq_k <= 0) return out;
  const int64_t q_offset = int64_t(g.seq_k) - g.seq_q; // bottom-right alignment
  const int64_t r0 = q_tile * g.block_m, r1 = std::min<int64_t>(r0 + g.block_m, g.seq_q) - 1;
  // Intervals are sorted and disjoint, but two may touch the same key tile: merge those.
  for (const KeyInterval& iv : ranges(r0 + q_offset, r1 + q_offset)) {
    const int64_t lo = std::max<int64_t>(iv.lo, 0), hi = std::min<int64_t>(iv.hi, g.seq_k - 1);
    if (lo > hi) continue;
    const int64_t a = lo / g.block_n, b = hi / g.block_n;
    if (!out.empty() && a <= out.back().last + 1)
      out.back().last = std::max(out.back().last, b);
    else
      out.push_back({a, b});
  }
  return out;
}

std::vector<int64_t> query_tile_costs(const KeyRanges& ranges, const TileGeometry& g) {
  const int64_t tiles = (int64_t(g.seq_q) + g.block_m - 1) / g.block_m;
  std::vector<int64_t> costs(size_t(tiles), 0);
  for (int64_t t = 0; t < tiles; ++t)
    for (const TileRange& r : key_tile_ranges(ranges, g, t))
      costs[size_t(t)] += r.last - r.first + 1;
  return costs;
}

std::vector<int32_t> heaviest_first_order(const std::vector<int64_t>& costs) {
  const int32_t n = int32_t(costs.size());
  std::vector<int32_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return costs[size_t(a)] != costs[size_t(b)] ? costs[size_t(a)] > costs[size_t(b)] : a > b;
  });
  for (int32_t i = 0; i < n; ++i)
    if (order[size_t(i)] != n - 1 - i) return order;
  return {};
}

double mean_walk(const std::vector<int64_t>& costs) {
  if (costs.empty()) return 0;
  double sum = 0;
  for (int64_t c : costs) sum += double(c);
  return sum / double(costs.size());
}

long long persistent_grid(long long blocks, int sm_count, double mean_walk, int requested) {
  long long cap = blocks;
  if (requested > 0)
    cap = requested;
  else if (sm_count > 0 && mean_walk > 0 && mean_walk <= kPersistentMaxWalk)
    cap = sm_count;
  return std::max<long long>(1, std::min(blocks, cap));
}

int l2_unit_group(int64_t seq_k, int head_dim, int kv_group, int units, int64_t budget) {
  const int64_t kv_bytes = 2 * std::max<int64_t>(seq_k, 1) * head_dim * 2;
  const int64_t groups = std::max<int64_t>(1, budget / kv_bytes);
  const int64_t group = groups * std::max(kv_group, 1);
  return group >= units ? 0 : int(group);
}

} // namespace attnjit
