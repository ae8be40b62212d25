// Heaviest-first query tile order from the mask's key ranges.
#include "runtime/tile_order.h"

#include "compiler/pipeline.h"

#include <catch2/catch.hpp>

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
