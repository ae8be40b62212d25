// The keep bits of the sm90 mask-free kernel: the batched evaluator against the scalar one, and
// the built table read back the way the kernel reads it (work tile by work tile, a counter from
// keep_base over the PARTIAL walk entries, one word per row and thread) against the element
// predicate, over every row and column of every PARTIAL tile.
#include "runtime/keep_bits.h"

#include "compiler/eval_mask.h"
#include "compiler/pipeline.h"

#include <catch2/catch.hpp>

#include <limits>
#include <map>
#include <random>
#include <string>

using namespace attnjit;

namespace {

struct Case {
  std::string mask;
  std::map<std::string, int64_t> values; // by parameter name
};

MaskProgram program_of(const Case& c) {
  auto program = build_mask_program(c.mask);
  INFO(c.mask << ": " << (program.ok() ? "" : program.error().message));
  REQUIRE(program.ok());
  return *program;
}

// The values in MaskProgram::params order.
std::vector<int64_t> values_of(const MaskProgram& program, const Case& c) {
  std::vector<int64_t> out;
  for (const std::string& name : program.params) {
    INFO(c.mask << " parameter " << name);
    REQUIRE(c.values.count(name) == 1);
    out.push_back(c.values.at(name));
  }
  return out;
}

// Checks row() against the scalar call for query q and keys k0 .. k0 + n - 1: the same 0/1
// values, and nothing written past n.
void check_row(const MaskEvaluator& attend, int64_t q, int64_t k0, int n) {
  std::vector<uint8_t> got(size_t(n) + 8, 0xAB);
  attend.row(q, k0, n, got.data());
  int wrong = 0, first = -1;
  for (int j = 0; j < n; ++j)
    if (got[size_t(j)] != (attend(q, k0 + j) ? 1 : 0)) {
      ++wrong;
      if (first < 0) first = j;
    }
  for (size_t j = size_t(n); j < got.size(); ++j) wrong += got[j] != 0xAB ? 1 : 0;
  INFO("q " << q << " k0 " << k0 << " n " << n << " first wrong lane " << first);
  CHECK(wrong == 0);
}

} // namespace

TEST_CASE("keep bits: row() gives the scalar predicate's values", "[keep_bits]") {
  // `extreme`: the scalar evaluation cannot overflow, so positions near the int64 ends are fair.
  struct RowCase {
    Case c;
    bool extreme;
  };
  const std::vector<RowCase> cases = {
      {{"causal", {}}, true},
      {{"full", {}}, true},
      {{"none", {}}, true},
      {{"sink(S)", {{"S", 5}}}, true},
      {{"sink(S)", {{"S", -7}}}, true},
      {{"global(G)", {{"G", 40}}}, true},
      {{"prefix(P)", {{"P", 70}}}, true},
      {{"chunk(C)", {{"C", 48}}}, true},
      {{"chunk(C)", {{"C", 1}}}, true},
      // Divisors the launch refuses still have Python's values in the interpreter.
      {{"chunk(C)", {{"C", 0}}}, true},
      {{"chunk(C)", {{"C", -5}}}, true},
      {{"causal & chunk(C)", {{"C", 100}}}, true},
      {{"window(W, 0)", {{"W", 37}}}, false},
      {{"window(L, R)", {{"L", 3}, {"R", 70}}}, false},
      {{"window(L, R)", {{"L", -10}, {"R", 20}}}, false},
      {{"causal & (window(W, 0) | sink(4))", {{"W", 50}}}, false},
      {{"window(W, W) | global(G)", {{"W", 64}, {"G", 9}}}, false},
      {{"dilated(L, R, D)", {{"L", 200}, {"R", 50}, {"D", 3}}}, false},
      {{"dilated(L, R, D)", {{"L", 100}, {"R", 100}, {"D", 1}}}, false},
      {{"dilated(L, R, D)", {{"L", 300}, {"R", 300}, {"D", 100}}}, false},
      {{"dilated(L, R, D)", {{"L", 90}, {"R", 9}, {"D", -4}}}, false},
      {{"dilated(L, R, D)", {{"L", 90}, {"R", 9}, {"D", 0}}}, false},
      {{"sink(3) | window(5, 2)", {}}, false},
      {{"window(20, 20) & !window(4, 4)", {}}, false},
      {{"!causal | sink(2)", {}}, true},
      {{"abs(q - k) <= W", {{"W", 33}}}, false},
      {{"q / C == k / C", {{"C", 17}}}, false},
      {{"q / C == k / C", {{"C", -6}}}, false},
      {{"(q - k) % 3 == 0", {}}, false},
      {{"(k - q) % C == 1 | k % C == 0", {{"C", 5}}}, false},
      {{"min(q, k) + 2 * max(q - 4, k) >= q * 3 - 10", {}}, false},
      {{"-k < -q + 12 & k != q - 3", {}}, false},
      {{"k > q | k < q - 5 | q == 7", {}}, false},
      {{"causal & !(q % C == 0 & k % C != 0)", {{"C", 4}}}, false},
      // Comparisons without arithmetic cannot overflow: also near the int64 ends.
      {{"k < q", {}}, true},
      {{"q <= k & k != 7", {}}, true},
      {{"k > q | q >= 100", {}}, true},
      {{"max(q, k) >= min(k, 5) & !(q == k)", {}}, true},
  };
  std::mt19937_64 rng(20240611);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  for (const RowCase& rc : cases) {
    INFO(rc.c.mask);
    const MaskProgram program = program_of(rc.c);
    const MaskEvaluator attend(program, values_of(program, rc.c));
    for (int n : {0, 1, 7, 64, 65, 200}) {
      for (int i = 0; i < 60; ++i) {
        // Near the diagonal, where the masks change.
        const int64_t q = pick(-400, 400);
        check_row(attend, q, q + pick(-450, 250), n);
      }
      for (int i = 0; i < 10; ++i) {
        const int64_t q = pick(-(int64_t(1) << 40), int64_t(1) << 40);
        check_row(attend, q, q + pick(-300, 100), n);
        check_row(attend, q, pick(-(int64_t(1) << 40), int64_t(1) << 40), n);
      }
      if (!rc.extreme) continue;
      for (int64_t q : {kMax, kMin, kMax - 3, kMin + 100, int64_t(0)})
        for (int64_t k0 : {kMin, kMin + 37, int64_t(-64), kMax - 300}) check_row(attend, q, k0, n);
    }
  }
}

namespace {

// The walk table of `g` under `rule`.
WalkTable table_of(const MaskProgram& program, const std::vector<int64_t>& values,
                   const TileGeometry& g, const ShareRule& rule) {
  auto t = build_walk_table(KeyRanges(program, values), BlockClassifier(program, values), g, rule);
  REQUIRE(t.ok());
  return *t;
}

// Word t of row r of PARTIAL tile i, as the kernel reads it (64-bit words as two uint32).
uint64_t read_word(const KeepBits& bits, const TileGeometry& g, int64_t i, int r, int t) {
  const size_t x = size_t((i * g.block_m + r) * 4 + t);
  if (g.block_n <= 128) return bits.words.at(x);
  return bits.words.at(2 * x) | uint64_t(bits.words.at(2 * x + 1)) << 32;
}

// Builds the keep bits of `c` for `g` under `rule` and reads them back as the kernel does:
// every work tile's walk in order, a counter from base[v] over its PARTIAL entries; every bit of
// every row and thread against R < seq_q && k < seq_k && attend(q, k), the unused high bits 0.
// Returns the number of work tiles that are shares of a split tile.
int64_t check_keep_bits(const Case& c, const TileGeometry& g, const ShareRule& rule) {
  INFO(c.mask << " seq_q " << g.seq_q << " seq_k " << g.seq_k << " tiles " << g.block_m << "x"
              << g.block_n << " share mode " << rule.mode);
  const MaskProgram program = program_of(c);
  const std::vector<int64_t> values = values_of(program, c);
  const WalkTable table = table_of(program, values, g, rule);
  const MaskEvaluator attend(program, values);
  auto built = build_keep_bits(table, attend, g);
  REQUIRE(built.ok());
  const KeepBits& bits = *built;
  REQUIRE(bits.base.size() == size_t(table.num_work_tiles));
  const int64_t word_bytes = g.block_n <= 128 ? 4 : 8;
  CHECK(int64_t(bits.words.size()) * 4 == bits.partial_tiles * g.block_m * 4 * word_bytes);
  CHECK(keep_bits_bytes(table, g) == int64_t(bits.words.size() * sizeof(uint32_t)));
  const int64_t q_offset = int64_t(g.seq_k) - g.seq_q;
  const int used_bits = g.block_n / 4;
  int64_t numbered = 0, checked = 0, wrong = 0, high_bits = 0, shares = 0;
  std::string first_wrong;
  for (int v = 0; v < table.num_work_tiles; ++v) {
    CHECK(bits.base[size_t(v)] == numbered);
    int64_t i = bits.base[size_t(v)];
    const int64_t q_tile = work_q_tile(table, v);
    shares += work_share(table, v) >= 0 ? 1 : 0;
    for (int32_t entry : walk_entries(table, v)) {
      if ((entry & 1) == 0) continue;
      const int64_t key_tile = entry / 2;
      for (int r = 0; r < g.block_m; ++r) {
        const int64_t row = q_tile * g.block_m + r, q = row + q_offset;
        for (int t = 0; t < 4; ++t) {
          const uint64_t word = read_word(bits, g, i, r, t);
          if (used_bits < 64 && (word >> used_bits) != 0) ++high_bits;
          for (int n = 0; n < g.block_n / 8; ++n)
            for (int e = 0; e < 2; ++e) {
              const int64_t k = key_tile * g.block_n + 8 * n + 2 * t + e;
              const bool want = row < g.seq_q && k < g.seq_k && attend(q, k);
              const bool got = (word >> (2 * n + e)) & 1;
              ++checked;
              if (got == want) continue;
              if (wrong++ == 0)
                first_wrong = "work tile " + std::to_string(v) + " tile " + std::to_string(i) +
                              " row " + std::to_string(row) + " key " + std::to_string(k);
            }
        }
      }
      ++i;
      ++numbered;
    }
  }
  INFO("first wrong bit: " << first_wrong);
  CHECK(wrong == 0);
  CHECK(high_bits == 0);
  CHECK(numbered == bits.partial_tiles);
  CHECK(checked == bits.partial_tiles * g.block_m * g.block_n);
  return shares;
}

const std::vector<Case>& table_masks() {
  static const std::vector<Case> cases = {
      {"causal", {}},
      {"causal & (window(W, 0) | sink(4))", {{"W", 300}}},
      {"window(W, W) | global(G)", {{"W", 200}, {"G", 70}}},
      {"causal & chunk(C)", {{"C", 100}}},
      {"dilated(L, R, D)", {{"L", 200}, {"R", 50}, {"D", 3}}},
  };
  return cases;
}

} // namespace

TEST_CASE("keep bits: read back as the kernel reads them", "[keep_bits]") {
  const std::vector<std::pair<int, int>> tiles = {
      {128, 64}, {64, 128}, {128, 128}, {64, 192}, {128, 192}};
  const std::vector<std::pair<int, int>> lengths = {
      {1, 1}, {17, 17}, {1000, 1000}, {17, 1000}, {1000, 17}, {1000, 4097}, {4097, 1000}, {300, 1}};
  int64_t shares = 0;
  for (const Case& c : table_masks())
    for (auto [bm, bn] : tiles)
      for (auto [sq, sk] : lengths)
        for (int mode : {1, 3}) shares += check_keep_bits(c, {sq, sk, bm, bn}, {mode, 1, 132});
  // The longest sequences, in fewer shapes (enough PARTIAL tiles to take the threaded path).
  for (const Case& c : table_masks()) {
    check_keep_bits(c, {4097, 4097, 128, 128}, {1, 1, 132});
    shares += check_keep_bits(c, {4097, 4097, 64, 192}, {2, 1, 132});
  }
  CHECK(shares > 1000); // split tiles were read back, each share numbering its own tiles
}

TEST_CASE("keep bits: words by hand", "[keep_bits]") {
  // Causal on one 64x64 tile: row r keeps columns 0..r. Row 9 keeps 0..9: thread 0 holds
  // columns 0, 1 (bits 0, 1) and 8, 9 (bits 2, 3), threads 1..3 columns 2t, 2t + 1 (bits 0, 1).
  const MaskProgram causal = program_of({"causal", {}});
  const MaskEvaluator attend(causal, {});
  TileGeometry g{64, 64, 64, 64};
  WalkTable table = table_of(causal, {}, g, {1, 1, 132});
  auto bits = build_keep_bits(table, attend, g);
  REQUIRE(bits.ok());
  REQUIRE(bits->partial_tiles == 1);
  REQUIRE(bits->words.size() == 64 * 4);
  CHECK(bits->base == std::vector<int32_t>{0});
  CHECK(std::vector<uint32_t>(bits->words.begin(), bits->words.begin() + 4) ==
        std::vector<uint32_t>{1, 0, 0, 0});
  CHECK(std::vector<uint32_t>(bits->words.begin() + 9 * 4, bits->words.begin() + 10 * 4) ==
        std::vector<uint32_t>{15, 3, 3, 3});
  CHECK(bits->words[63 * 4] == 0xffffu); // 16 bits of a 32-bit word
  // 192-key tiles: 64-bit words, low half first; the last row keeps all 48 bits of each.
  g = {192, 192, 64, 192};
  table = table_of(causal, {}, g, {1, 1, 132});
  bits = build_keep_bits(table, attend, g);
  REQUIRE(bits.ok());
  // Query tiles 0..2 against the one key tile: all three PARTIAL (the diagonal crosses them).
  REQUIRE(bits->partial_tiles == 3);
  CHECK(bits->base == std::vector<int32_t>{0, 1, 2});
  const size_t last = size_t((2 * 64 + 63) * 4) * 2;
  CHECK(std::vector<uint32_t>(bits->words.begin() + last, bits->words.begin() + last + 8) ==
        std::vector<uint32_t>{0xffffffffu, 0xffffu, 0xffffffffu, 0xffffu, 0xffffffffu, 0xffffu,
                              0xffffffffu, 0xffffu});
  // Row 64 (tile 1, row 0) keeps columns 0..64: thread 0 holds 64 as column tile 8, bit 16.
  const size_t row64 = size_t((1 * 64 + 0) * 4) * 2;
  CHECK(bits->words[row64] == 0xffffu + (1u << 16));
  CHECK(bits->words[row64 + 2] == 0xffffu);
}

TEST_CASE("keep bits: base per work tile, also with none", "[keep_bits]") {
  // Causal, 100 queries on 40 keys in 32x32 tiles, bottom-right (positions -60..39): query tile
  // 0 walks nothing, tile 1 the diagonal key tile 0, tile 2 key tiles 0 and 1 (both PARTIAL),
  // tile 3 (positions 36..39) key tile 0 FULL and 1 PARTIAL.
  const MaskProgram causal = program_of({"causal", {}});
  const MaskEvaluator attend(causal, {});
  TileGeometry g{100, 40, 32, 32};
  auto bits = build_keep_bits(table_of(causal, {}, g, {1, 1, 132}), attend, g);
  REQUIRE(bits.ok());
  CHECK(bits->base == std::vector<int32_t>{0, 0, 1, 3});
  CHECK(bits->partial_tiles == 4);
  CHECK(bits->words.size() == 4 * 32 * 4);
  // Chunks on tile boundaries: every walked tile FULL, no bits, every base 0.
  const MaskProgram chunk = program_of({"chunk(64)", {}});
  g = {300, 300, 64, 64};
  const WalkTable table = table_of(chunk, {}, g, {1, 1, 132});
  bits = build_keep_bits(table, MaskEvaluator(chunk, {}), g);
  REQUIRE(bits.ok());
  CHECK(bits->base == std::vector<int32_t>(5, 0));
  CHECK(bits->partial_tiles == 0);
  CHECK(bits->words.empty());
  CHECK(keep_bits_bytes(table, g) == 0);
}

TEST_CASE("keep bits: tiles with no keep word, tables past 32-bit numbers", "[keep_bits]") {
  const MaskProgram causal = program_of({"causal", {}});
  const MaskEvaluator attend(causal, {});
  for (int bn : {100, 264}) {
    const TileGeometry g{256, 256, 64, bn};
    const WalkTable table = table_of(causal, {}, g, {1, 1, 132});
    auto bits = build_keep_bits(table, attend, g);
    REQUIRE_FALSE(bits.ok());
    CHECK(bits.error().message.find("keep word") != std::string::npos);
  }
  // Two work tiles of 2^30 + 1 PARTIAL tiles each (a table made by hand; nothing is evaluated:
  // the count is refused first).
  WalkTable huge;
  huge.num_q_tiles = huge.num_work_tiles = 2;
  const int32_t run = (1 << 30) + 1;
  huge.words = {0, 1, 2, 0, -1, 1, -1, 1, run, 1, run};
  huge.partial_tiles = int64_t(2) * run;
  const TileGeometry g{1 << 30, 1 << 30, 64, 128};
  CHECK(keep_bits_bytes(huge, g) == int64_t(2) * run * 64 * 16);
  auto bits = build_keep_bits(huge, attend, g);
  REQUIRE_FALSE(bits.ok());
  CHECK(bits.error().message.find("32-bit") != std::string::npos);
}
