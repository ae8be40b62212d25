// Heaviest-first query tile order from the mask's key ranges.
#include "runtime/tile_order.h"

#include "compiler/pipeline.h"
#include "templates/fwd_params.cuh"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace attnjit;

namespace {

std::vector<int64_t> costs(const char* mask, std::vector<int64_t> values, TileGeometry g) {
  auto program = build_mask_program(mask);
  REQUIRE(program.ok());
  return query_tile_costs(KeyRanges(*program, values), g);
}

} // namespace

TEST_CASE("tile order: causal walks more keys on later tiles, in the default order",
          "[tile_order]") {
  auto c = costs("causal", {}, {512, 512, 128, 64});
  CHECK(c == std::vector<int64_t>{2, 4, 6, 8});
  CHECK(heaviest_first_order(c).empty());
}

TEST_CASE("tile order: dense and window masks keep the default order", "[tile_order]") {
  CHECK(heaviest_first_order(costs("full", {}, {1000, 1000, 128, 128})).empty());
  CHECK(heaviest_first_order(costs("window(255, 0)", {}, {4096, 4096, 128, 128})).empty());
}

TEST_CASE("tile order: global rows go first", "[tile_order]") {
  // The first query tile holds the 64 global rows and walks every key; the others see the
  // global keys and a 256-key window on each side.
  auto c = costs("window(256, 256) | global(G)", {64}, {2048, 2048, 128, 128});
  REQUIRE(c.size() == 16);
  CHECK(c[0] == 16);
  auto order = heaviest_first_order(c);
  REQUIRE(order.size() == 16);
  CHECK(order[0] == 0);
  for (size_t i = 1; i < order.size(); ++i) CHECK(c[size_t(order[i - 1])] >= c[size_t(order[i])]);
}

TEST_CASE("tile order: bottom-right alignment and edge tiles", "[tile_order]") {
  // Decode-like: 3 query rows at the end of 1000 keys, causal: one tile walking every key tile.
  auto c = costs("causal", {}, {3, 1000, 128, 64});
  CHECK(c == std::vector<int64_t>{16});
  // Key tiles touched by two intervals are counted once.
  auto s = costs("sink(4) | window(3, 0)", {}, {256, 256, 128, 128});
  CHECK(s == std::vector<int64_t>{1, 2});
  CHECK(costs("none", {}, {300, 300, 128, 128}) == std::vector<int64_t>{0, 0, 0});
}

TEST_CASE("persistent grid: one block per SM for short walks, one per tile otherwise",
          "[tile_order]") {
  // Chosen (requested 0): persistent only when the mean walk is known and short.
  CHECK(persistent_grid(2048, 132, 9.0, 0) == 132);
  CHECK(persistent_grid(2048, 132, kPersistentMaxWalk, 0) == 132);
  CHECK(persistent_grid(2048, 132, kPersistentMaxWalk + 1, 0) == 2048);
  CHECK(persistent_grid(2048, 132, 0.0, 0) == 2048); // unknown walk
  CHECK(persistent_grid(2048, 0, 9.0, 0) == 2048);   // unknown SM count
  CHECK(persistent_grid(100, 132, 9.0, 0) == 100);   // fewer tiles than SMs
  // Requested: at most that many, never more blocks than work items, never none.
  CHECK(persistent_grid(2048, 132, 128.0, 7) == 7);
  CHECK(persistent_grid(2048, 132, 9.0, 1 << 30) == 2048);
  CHECK(persistent_grid(5, 132, 9.0, 1) == 1);
  CHECK(persistent_grid(1, 132, 9.0, 0) == 1);
}

TEST_CASE("tile order: mean walk of the query tiles", "[tile_order]") {
  CHECK(mean_walk({}) == 0.0);
  CHECK(mean_walk({1, 2, 3, 6}) == 3.0);
  // Causal at 16384 with 128 x 128 tiles: tile t walks t + 1 key tiles. A 1024-key window:
  // 9 key tiles per query tile, except 1..8 for the first eight.
  CHECK(mean_walk(costs("causal", {}, {16384, 16384, 128, 128})) == Approx(64.5));
  CHECK(mean_walk(costs("window(1023, 0)", {}, {16384, 16384, 128, 128})) ==
        Approx((36.0 + 120 * 9) / 128));
}

TEST_CASE("L2 unit groups: the heads whose keys and values fit the budget", "[tile_order]") {
  // 16384 keys x head dim 128, 16-bit: 4 MiB of K and 4 of V per key/value head.
  const int64_t mib = int64_t(1) << 20;
  CHECK(l2_unit_group(16384, 128, 1, 16, 16 * mib) == 2);
  CHECK(l2_unit_group(16384, 64, 1, 32, 16 * mib) == 4);
  CHECK(l2_unit_group(16384, 256, 1, 8, 16 * mib) == 1); // one head fills the budget
  CHECK(l2_unit_group(32768, 256, 1, 8, 16 * mib) == 1); // or passes it: still one
  // GQA: whole key/value groups of 4 query heads.
  CHECK(l2_unit_group(16384, 128, 4, 32, 16 * mib) == 8);
  // Everything fits: one group (0), the plain order.
  CHECK(l2_unit_group(4096, 128, 1, 16, 16 * mib) == 8);
  CHECK(l2_unit_group(4096, 128, 1, 8, 16 * mib) == 0);
  CHECK(l2_unit_group(16384, 128, 1, 2, 16 * mib) == 0);
  CHECK(l2_unit_group(0, 128, 1, 16, 16 * mib) == 0);
}

TEST_CASE("item coordinates: each (rank, unit, share) once, group by group", "[tile_order]") {
  for (int units : {1, 5, 12})
    for (int splits : {1, 3})
      for (int ranks : {1, 7})
        for (int group : {0, 1, 2, 5, 12, 100}) {
          INFO("units " << units << " splits " << splits << " ranks " << ranks << " group "
                        << group);
          const int g = group <= 0 || group > units ? units : group;
          std::vector<int> seen(size_t(units) * splits * ranks, 0);
          int prev_group = 0, prev_rank = 0;
          for (long long i = 0; i < (long long)seen.size(); ++i) {
            const ItemCoords c = item_coords(i, units, splits, ranks, group);
            REQUIRE(c.rank >= 0);
            REQUIRE(c.rank < ranks);
            REQUIRE(c.unit >= 0);
            REQUIRE(c.unit < units);
            REQUIRE(c.split >= 0);
            REQUIRE(c.split < splits);
            ++seen[(size_t(c.rank) * splits + c.split) * units + c.unit];
            // Groups in order; inside one, ranks never go back (heaviest first).
            const int ug = c.unit / g;
            CHECK(ug >= prev_group);
            if (ug == prev_group) CHECK(c.rank >= prev_rank);
            prev_group = ug, prev_rank = c.rank;
          }
          CHECK(std::count(seen.begin(), seen.end(), 1) == (long)seen.size());
        }
  // One group is the plain order: rank slowest, then share, then unit.
  const ItemCoords a = item_coords(3 * 2 * 5 + 1 * 5 + 4, 5, 2, 7, 0);
  CHECK(a.rank == 3);
  CHECK(a.split == 1);
  CHECK(a.unit == 4);
  // Groups of 2 of 5 units: the third group holds unit 4 alone, after 2 x 2 x 7 items.
  const ItemCoords b = item_coords(2 * 2 * 7 + 3, 5, 1, 7, 2);
  CHECK(b.unit == 4);
  CHECK(b.rank == 3);
}
