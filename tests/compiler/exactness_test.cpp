// Exactness of the block analysis for every built-in alone and the masks of shared/PEERS.md:
// over random tile sizes, shapes and parameter values, no block that is truly FULL or EMPTY is
// called PARTIAL, and the walk set is exactly the set of attended keys.
#include "compiler/classify_blocks.h"
#include "compiler/key_ranges.h"
#include "compiler/mask_stats.h"
#include "mask_testing.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>

using namespace attnjit;
using namespace attnjit::testing;

namespace {

MaskProgram program(const char* text) {
  Result<MaskProgram> m = build_mask_program(text);
  INFO(text);
  REQUIRE(m.ok());
  return std::move(m.value());
}

// Values for parameters named after their role, scaled to the shape.
std::vector<int64_t> values_for(const MaskProgram& m, MaskGen& g, int64_t span) {
  std::vector<int64_t> v;
  for (const std::string& p : m.params) {
    if (p == "C")
      v.push_back(g.uniform(0, 3) ? g.uniform(1, span) : g.uniform(1, 4));
    else if (p == "D")
      v.push_back(g.uniform(1, 9));
    else
      v.push_back(g.uniform(0, 3) ? g.uniform(0, span) : g.uniform(0, 3));
  }
  return v;
}

// Every block and every query tile of one shape and tiling.
void check_exact(const MaskProgram& m, const std::vector<int64_t>& values, int64_t lq, int64_t lk,
                 int64_t bm, int64_t bn, bool walk_is_exact) {
  const MaskEvaluator attend(m, values);
  const BlockClassifier classify(m, values);
  const KeyRanges ranges(m, values);
  const int64_t off = lk - lq;
  // prefix[r][c]: attended pairs among rows < r and keys < c.
  std::vector<int64_t> prefix(size_t((lq + 1) * (lk + 1)), 0);
  auto at = [&](int64_t r, int64_t c) -> int64_t& { return prefix[size_t(r * (lk + 1) + c)]; };
  for (int64_t r = 0; r < lq; ++r)
    for (int64_t c = 0; c < lk; ++c)
      at(r + 1, c + 1) = at(r, c + 1) + at(r + 1, c) - at(r, c) + attend(r + off, c);
  std::string vals;
  for (size_t i = 0; i < values.size(); ++i)
    vals += m.params[i] + "=" + std::to_string(values[i]) + " ";
  for (int64_t r0 = 0; r0 < lq; r0 += bm) {
    const int64_t r1 = std::min(r0 + bm, lq);
    const int64_t q0 = r0 + off, q1 = r1 - 1 + off;
    std::vector<char> keys(size_t(lk), 0);
    for (int64_t c0 = 0; c0 < lk; c0 += bn) {
      const int64_t c1 = std::min(c0 + bn, lk);
      const int64_t n = at(r1, c1) - at(r0, c1) - at(r1, c0) + at(r0, c0);
      const int64_t area = (r1 - r0) * (c1 - c0);
      const BlockClass want =
          n == 0 ? BlockClass::Empty : (n == area ? BlockClass::Full : BlockClass::Partial);
      const BlockClass got = classify(q0, q1, c0, c1 - 1);
      if (got != want) {
        INFO(m.canonical << "  " << vals << " Lq " << lq << " Lk " << lk << " tiles " << bm << "x"
                         << bn << " box q[" << q0 << ", " << q1 << "] k[" << c0 << ", " << c1 - 1
                         << "]: " << block_char(got) << ", truly " << block_char(want));
        FAIL("block class is not exact");
      }
    }
    for (int64_t q = q0; q <= q1; ++q)
      for (int64_t k = 0; k < lk; ++k) keys[size_t(k)] |= char(attend(q, k));
    std::vector<char> walked(size_t(lk), 0);
    for (const KeyInterval& iv : ranges(q0, q1))
      for (int64_t k = std::max<int64_t>(iv.lo, 0); k <= std::min(iv.hi, lk - 1); ++k)
        walked[size_t(k)] = 1;
    if (!walk_is_exact) {
      // dilated(A, B, D): the window's hull, [q0 - A, q1 + B] (values sorted by name: A, B, D).
      std::fill(keys.begin(), keys.end(), 0);
      for (int64_t k = std::max<int64_t>(q0 - values[0], 0); k <= std::min(q1 + values[1], lk - 1);
           ++k)
        keys[size_t(k)] = 1;
    }
    if (walked != keys) {
      INFO(m.canonical << "  " << vals << " Lq " << lq << " Lk " << lk << " query tile q[" << q0
                       << ", " << q1 << "]");
      FAIL("walk set is not the attended key set");
    }
  }
}

} // namespace

TEST_CASE("block classes and walk sets are exact for built-ins and peer masks") {
  struct Case {
    const char* text;
    bool walk_exact;
  };
  const Case cases[] = {
      {"causal", true},
      {"window(L, R)", true},
      {"sink(N)", true},
      {"global(N)", true},
      {"prefix(N)", true},
      {"chunk(C)", true},
      {"dilated(A, B, D)", false},
      {"full", true},
      {"none", true},
      {"window(1023, 0)", true},
      {"causal & (window(1023, 0) | sink(4))", true},
      {"window(256, 256) | global(64)", true},
      {"causal & chunk(2048)", true},
      {"causal | prefix(1024)", true},
      {"window(L, 0)", true},
      {"causal & (window(L, 0) | sink(N))", true},
      {"window(L, R) | global(N)", true},
      {"causal & chunk(C)", true},
      {"causal | prefix(N)", true},
  };
  MaskGen gen(2024);
  for (const Case& c : cases) {
    const MaskProgram m = program(c.text);
    for (int i = 0; i < 60; ++i) {
      const int64_t lq = gen.uniform(0, 3) ? gen.uniform(1, 400) : gen.uniform(1, 40);
      const int64_t lk = gen.uniform(0, 3) ? gen.uniform(1, 400) : gen.uniform(1, 40);
      const std::vector<int64_t> v = values_for(m, gen, std::max(lq, lk) + 20);
      const int64_t bm = gen.uniform(1, 300), bn = gen.uniform(1, 300);
      check_exact(m, v, lq, lk, bm, bn, c.walk_exact);
    }
  }
}

TEST_CASE("mask statistics of the peer masks") {
  const MaskProgram m = program("causal & window(1023, 0)");
  Result<MaskStats> s = mask_stats(m, {}, 4096, 4096, 128, 128);
  REQUIRE(s.ok());
  CHECK(s->attended_pairs == 3670528);
  CHECK(s->pair_density == Approx(0.218781).epsilon(1e-5));
  CHECK(s->walked_pairs >= s->attended_pairs);
  const char* peers[] = {"window(1023, 0)",
                         "causal & (window(1023, 0) | sink(4))",
                         "window(256, 256) | global(64)",
                         "causal & chunk(2048)",
                         "causal | prefix(1024)",
                         "causal",
                         "full"};
  for (const char* text : peers) {
    const MaskProgram p = program(text);
    const auto t0 = std::chrono::steady_clock::now();
    Result<MaskStats> st = mask_stats(p, {}, 16384, 16384, 128, 128);
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    REQUIRE(st.ok());
    std::printf("%-40s 16384x16384 128x128: density %.4f walked %.4f ratio %.3f  %.3f s\n", text,
                st->pair_density, st->walked_density, st->ratio, sec);
    CHECK(sec < 1.0);
  }
}
