#include "runtime/tile_order.h"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace attnjit {

std::vector<int64_t> query_tile_costs(const KeyRanges& ranges, const TileGeometry& g) {
  assert(g.block_m > 0 && g.block_n > 0 && "tile sizes must be positive");
  const int64_t q_offset = int64_t(g.seq_k) - g.seq_q; // bottom-right alignment
  const int64_t tiles = (int64_t(g.seq_q) + g.block_m - 1) / g.block_m;
  std::vector<int64_t> costs(size_t(tiles), 0);
  for (int64_t t = 0; t < tiles; ++t) {
    const int64_t r0 = t * g.block_m, r1 = std::min<int64_t>(r0 + g.block_m, g.seq_q) - 1;
    // Intervals are sorted and disjoint, but two may touch the same key tile: count each tile
    // once by remembering the last one counted.
    int64_t last = -1, cost = 0;
    for (const KeyInterval& iv : ranges(r0 + q_offset, r1 + q_offset)) {
      const int64_t lo = std::max<int64_t>(iv.lo, 0), hi = std::min<int64_t>(iv.hi, g.seq_k - 1);
      if (lo > hi) continue;
      int64_t first = std::max(lo / g.block_n, last + 1);
      const int64_t end = hi / g.block_n;
      if (first <= end) cost += end - first + 1, last = end;
    }
    costs[size_t(t)] = cost;
  }
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

} // namespace attnjit
