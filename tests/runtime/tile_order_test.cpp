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
