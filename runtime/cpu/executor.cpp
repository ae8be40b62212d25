#include "runtime/cpu/executor.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace attnjit::cpu {

void execute_tiles(TileFn tile, const TileArgs& args, int64_t batch, int64_t heads,
                   int64_t head_dim) {
  const int64_t q_tiles = (args.seq_q + kBlockM - 1) / kBlockM;
  const int64_t items = q_tiles * batch * heads;
  if (items == 0) return;
  // Items are taken from one counter; the last query tiles go first because under bottom-right
  // masks (causal and its relatives) they walk the most keys, so the longest work starts early.
  std::atomic<int64_t> next{0};
  auto worker = [&] {
    std::vector<float> workspace(size_t(workspace_floats(head_dim)));
    for (int64_t it; (it = next.fetch_add(1, std::memory_order_relaxed)) < items;) {
      const int64_t qt = q_tiles - 1 - it / (batch * heads);
      const int64_t bh = it % (batch * heads);
      tile(&args, bh / heads, bh % heads, qt, workspace.data());
    }
  };
  const int64_t cores = std::max(1u, std::thread::hardware_concurrency());
  const int64_t threads = std::min(cores, items);
  std::vector<std::thread> pool;
  for (int64_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
}

} // namespace attnjit::cpu
