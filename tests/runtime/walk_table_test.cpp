// The sm90 family's walk table, built on the host: every query tile's walk against brute force
// over the element predicate (which key tiles hold an attended pair, and which of those hold
// only attended pairs), and against classifying tile by tile.
#include "runtime/walk_table.h"

#include "compiler/eval_mask.h"
#include "compiler/pipeline.h"

#include <catch2/catch.hpp>

#include <string>

using namespace attnjit;

namespace {

struct Case {
  std::string mask;
  std::vector<int64_t> values;
};

// The table for `g`, with no tile split unless `rule` says so.
WalkTable table_of(const MaskProgram& program, const std::vector<int64_t>& values,
                   const TileGeometry& g, const ShareRule& rule = {1, 1, 132}) {
  auto t = build_walk_table(KeyRanges(program, values), BlockClassifier(program, values), g, rule);
  REQUIRE(t.ok());
  return *t;
}

// Checks every query tile of `g`: the walk visits exactly the key tiles with an attended pair,
// in increasing order, and a tile is FULL only if every pair of it inside the sequences is
// attended; with `exact`, it is PARTIAL exactly when some pair is not (the classifier is exact
// for the built-ins and the benchmark masks). Also: the same entries as classifying tile by
// tile, and the walked count.
void check_table(const Case& c, const TileGeometry& g, bool exact) {
  INFO(c.mask << " seq_q " << g.seq_q << " seq_k " << g.seq_k << " tiles " << g.block_m << "x"
              << g.block_n);
  auto program = build_mask_program(c.mask);
  REQUIRE(program.ok());
  const WalkTable table = table_of(*program, c.values, g);
  const MaskEvaluator attend(*program, c.values);
  const BlockClassifier classify(*program, c.values);
  const int64_t q_offset = int64_t(g.seq_k) - g.seq_q;
  const int q_tiles = (g.seq_q + g.block_m - 1) / g.block_m;
  const int k_tiles = (g.seq_k + g.block_n - 1) / g.block_n;
  REQUIRE(table.num_q_tiles == q_tiles);
  REQUIRE(table.num_work_tiles == q_tiles);
  REQUIRE(table.words.size() >= size_t(3 * q_tiles) + 1);
  CHECK(table.words[0] == 0);
  CHECK(size_t(3 * q_tiles + 1 + 2 * table.words[size_t(q_tiles)]) == table.words.size());
  int64_t walked = 0, partial = 0;
  for (int qt = 0; qt < q_tiles; ++qt) {
    INFO("query tile " << qt);
    const std::vector<int32_t> got = walk_entries(table, qt);
    CHECK(work_q_tile(table, qt) == qt);
    CHECK(work_share(table, qt) == -1);
    CHECK(table.costs[size_t(qt)] == int64_t(got.size()));
    walked += int64_t(got.size());
    for (int32_t e : got) partial += e & 1;
    std::vector<int32_t> want, per_tile;
    const int64_t r0 = int64_t(qt) * g.block_m, r1 = std::min<int64_t>(r0 + g.block_m, g.seq_q);
    for (int kt = 0; kt < k_tiles; ++kt) {
      const int64_t k0 = int64_t(kt) * g.block_n, k1 = std::min<int64_t>(k0 + g.block_n, g.seq_k);
      int64_t on = 0, all = (r1 - r0) * (k1 - k0);
      for (int64_t r = r0; r < r1; ++r)
        for (int64_t k = k0; k < k1; ++k) on += attend(r + q_offset, k) ? 1 : 0;
      if (on > 0) want.push_back(kt * 2 + (on < all ? 1 : 0));
      const BlockClass bc = classify(r0 + q_offset, r1 - 1 + q_offset, k0, k1 - 1);
      if (bc != BlockClass::Empty) per_tile.push_back(kt * 2 + (bc == BlockClass::Partial ? 1 : 0));
    }
    if (exact) {
      CHECK(got == want);
    } else {
      // Sound: the same tiles as brute force (key ranges may add EMPTY-classified tiles never),
      // FULL only where brute force is FULL.
      REQUIRE(got.size() == want.size());
      for (size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i] / 2 == want[i] / 2);
        if (got[i] % 2 == 0) CHECK(want[i] % 2 == 0);
      }
    }
    for (size_t i = 1; i < got.size(); ++i) CHECK(got[i - 1] / 2 < got[i] / 2);
    // Classified tile by tile (as the sm80 family's device walk does) gives the same walk.
    CHECK(got == per_tile);
  }
  CHECK(table.walked == walked);
  CHECK(table.partial_tiles == partial);
}

const std::vector<Case>& masks() {
  static const std::vector<Case> cases = {
      {"full", {}},
      {"causal", {}},
      {"none", {}},
      {"window(W, 0)", {37}},
      {"causal & (window(W, 0) | sink(4))", {50}},
      {"window(64, 64) | global(G)", {9}},
      {"causal & chunk(C)", {48}},
      {"causal | prefix(P)", {70}},
      {"sink(3) | window(5, 2)", {}},
      {"window(20, 20) & !window(4, 4)", {}},
  };
  return cases;
}

} // namespace

TEST_CASE("walk table: every query tile's walk matches brute force", "[walk_table]") {
  const std::vector<TileGeometry> geometries = {
      {200, 200, 32, 32}, {257, 129, 64, 16}, {17, 300, 16, 32},   {300, 17, 32, 64},
      {1, 1, 16, 16},     {1, 333, 64, 32},   {130, 130, 128, 128}};
  for (const Case& c : masks())
    for (const TileGeometry& g : geometries)
      check_table(c, g, c.mask.find('!') == std::string::npos);
}

TEST_CASE("walk table: runs, not tiles", "[walk_table]") {
  // 16384 keys in 128-key tiles: one run per dense row, two per causal row (the FULL tiles
  // before the diagonal, then the diagonal), and the table stays small.
  auto full = build_mask_program("full");
  REQUIRE(full.ok());
  WalkTable t = table_of(*full, {}, {16384, 16384, 128, 128});
  CHECK(t.walked == 128 * 128);
  CHECK(t.words.size() == 3 * 128 + 1 + 2 * 128);
  auto causal = build_mask_program("causal");
  REQUIRE(causal.ok());
  t = table_of(*causal, {}, {16384, 16384, 128, 128});
  CHECK(t.walked == 128 * 129 / 2);
  CHECK(t.words.size() == 3 * 128 + 1 + 2 * (2 * 128 - 1)); // tile 0: the diagonal only
  const std::vector<int32_t> last = walk_entries(t, 127);
  REQUIRE(last.size() == 128);
  CHECK(last.front() == 0);          // key tile 0, FULL
  CHECK(last.back() == 127 * 2 + 1); // the diagonal, PARTIAL
}

TEST_CASE("walk table: no keys, no rows, rows with no key", "[walk_table]") {
  auto causal = build_mask_program("causal");
  REQUIRE(causal.ok());
  WalkTable t = table_of(*causal, {}, {100, 0, 64, 64});
  CHECK(t.num_q_tiles == 2);
  CHECK(t.words == std::vector<int32_t>{0, 0, 0, 0, -1, 1, -1});
  t = table_of(*causal, {}, {0, 100, 64, 64});
  CHECK(t.num_q_tiles == 0);
  CHECK(t.words == std::vector<int32_t>{0});
  // More queries than keys, bottom-right: the first 60 rows see no key, so query tile 0 (rows
  // 0-31) walks nothing and tile 1 (rows 32-63) the first key tile.
  t = table_of(*causal, {}, {100, 40, 32, 32});
  CHECK(walk_entries(t, 0).empty());
  CHECK(walk_entries(t, 1) == std::vector<int32_t>{1});
}

namespace {

// The shares of a split table, put back together, are the unsplit walk: per query tile, its
// work tiles in order, share codes naming the same heavy index and share count, slots 0..n-1.
void check_split(const WalkTable& whole, const WalkTable& split) {
  REQUIRE(split.num_q_tiles == whole.num_q_tiles);
  std::vector<std::vector<int32_t>> joined(size_t(whole.num_q_tiles));
  std::vector<int> seen(size_t(whole.num_q_tiles), 0);
  std::vector<int32_t> heavy_of(size_t(whole.num_q_tiles), -2);
  std::vector<int> shares_of(size_t(whole.num_q_tiles), 0);
  int64_t walked = 0;
  int max_shares = 1;
  for (int v = 0; v < split.num_work_tiles; ++v) {
    const int32_t qt = work_q_tile(split, v), code = work_share(split, v);
    REQUIRE(qt >= 0);
    REQUIRE(qt < whole.num_q_tiles);
    const std::vector<int32_t> e = walk_entries(split, v);
    CHECK(split.costs[size_t(v)] == int64_t(e.size()));
    walked += int64_t(e.size());
    joined[size_t(qt)].insert(joined[size_t(qt)].end(), e.begin(), e.end());
    if (code < 0) {
      CHECK(seen[size_t(qt)] == 0);
      seen[size_t(qt)] = -1;
      continue;
    }
    const int heavy = code >> 10, shares = (code >> 5) & 31, slot = code & 31;
    INFO("work tile " << v << " query tile " << qt << " share " << slot << " of " << shares);
    CHECK(shares >= 2);
    CHECK(shares <= kMaxTileShares);
    CHECK(slot == seen[size_t(qt)]);
    CHECK(heavy < split.heavy_tiles);
    if (heavy_of[size_t(qt)] == -2) heavy_of[size_t(qt)] = heavy;
    CHECK(heavy_of[size_t(qt)] == heavy);
    // The split tiles' list at the end of the table names this tile and its share count.
    const size_t list =
        size_t(3 * split.num_work_tiles + 1 + 2 * split.words[size_t(split.num_work_tiles)]);
    REQUIRE(split.words.size() == list + 2 * size_t(split.heavy_tiles));
    CHECK(split.words[list + 2 * size_t(heavy)] == qt);
    CHECK(split.words[list + 2 * size_t(heavy) + 1] == shares);
    if (slot == 0) shares_of[size_t(qt)] = shares;
    CHECK(shares_of[size_t(qt)] == shares);
    CHECK_FALSE(e.empty());
    max_shares = std::max(max_shares, shares);
    ++seen[size_t(qt)];
  }
  for (int qt = 0; qt < whole.num_q_tiles; ++qt) {
    INFO("query tile " << qt);
    CHECK(joined[size_t(qt)] == walk_entries(whole, qt));
    if (seen[size_t(qt)] > 0) CHECK(seen[size_t(qt)] == shares_of[size_t(qt)]);
  }
  CHECK(walked == whole.walked);
  CHECK(split.max_shares == max_shares);
}

} // namespace

TEST_CASE("walk table: forced shares put back together are the whole walk", "[walk_table]") {
  for (const Case& c : masks())
    for (TileGeometry g : {TileGeometry{200, 200, 32, 32}, TileGeometry{257, 129, 64, 16},
                           TileGeometry{1, 333, 64, 32}})
      for (int n : {2, 3, 7, 40}) {
        INFO(c.mask << " shares " << n << " seq_q " << g.seq_q);
        auto program = build_mask_program(c.mask);
        REQUIRE(program.ok());
        const WalkTable whole = table_of(*program, c.values, g);
        const WalkTable split = table_of(*program, c.values, g, {n, 1, 132});
        check_split(whole, split);
        // Every tile that walks two key tiles or more is split, into at most n shares.
        int64_t expect = 0;
        for (int64_t cost : whole.costs)
          expect += cost >= 2 ? std::min<int64_t>({cost, n, kMaxTileShares}) : 1;
        CHECK(split.num_work_tiles == expect);
      }
}

TEST_CASE("walk table: heavy rows alone are split, when the grid needs it", "[walk_table]") {
  // Longformer at 16384: query tile 0 holds the 64 global rows and walks all 128 key tiles; the
  // others walk about 7. With 16 heads on 132 SMs it is split, in shares of ~2x the median;
  // with 8 x 16 heads x batch the grid is full without splitting.
  auto program = build_mask_program("window(256, 256) | global(64)");
  REQUIRE(program.ok());
  const WalkTable whole = table_of(*program, {}, {16384, 16384, 128, 128});
  REQUIRE(whole.costs[0] == 128);
  const TileGeometry g{16384, 16384, 128, 128};
  const WalkTable split = table_of(*program, {}, g, {0, 16, 132});
  check_split(whole, split);
  CHECK(split.heavy_tiles == 1);
  CHECK(split.max_shares >= 8);
  CHECK(split.max_shares <= 16);
  CHECK(split.num_work_tiles == 128 - 1 + split.max_shares);
  CHECK(table_of(*program, {}, g, {0, 128, 132}).num_work_tiles == 128);
  CHECK(table_of(*program, {}, g, {1, 16, 132}).num_work_tiles == 128); // off
  // Dense and causal rows are never heavy.
  for (const char* mask : {"full", "causal", "causal | prefix(1024)"}) {
    auto p = build_mask_program(mask);
    REQUIRE(p.ok());
    CHECK(table_of(*p, {}, g, {0, 1, 132}).heavy_tiles == 0);
  }
}
