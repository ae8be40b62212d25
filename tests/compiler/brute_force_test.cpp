// Soundness of the block analysis on thousands of random masks, checked pair by pair against
// the reference evaluator.
#include "compiler/classify_blocks.h"
#include "compiler/key_ranges.h"
#include "compiler/mask_stats.h"
#include "dsl/print.h"
#include "mask_testing.h"

#include <catch2/catch.hpp>

#include <cstdio>

using namespace attnjit;
using namespace attnjit::testing;

namespace {

struct Tally {
  int64_t blocks = 0, partial = 0, needless = 0;
};

// Checks one box; returns false (after reporting) when the classifier is wrong.
bool check_box(const RandomMask& m, const BlockClassifier& classify, const MaskEvaluator& attend,
               int64_t q0, int64_t q1, int64_t k0, int64_t k1, Tally& t) {
  const int64_t n = count_attended(attend, q0, q1, k0, k1);
  const int64_t area = (q1 - q0 + 1) * (k1 - k0 + 1);
  const BlockClass c = classify(q0, q1, k0, k1);
  ++t.blocks;
  if (c == BlockClass::Partial) {
    ++t.partial;
    if (n == 0 || n == area) ++t.needless;
    return true;
  }
  if ((c == BlockClass::Full && n == area) || (c == BlockClass::Empty && n == 0)) return true;
  INFO("mask " << m.program.canonical << "  normalized " << to_canonical(*m.program.normalized));
  INFO("box q[" << q0 << ", " << q1 << "] k[" << k0 << ", " << k1 << "] attended " << n << " of "
                << area << ", classified " << block_char(c));
  FAIL_CHECK("unsound block class");
  return false;
}

} // namespace

TEST_CASE("normalize keeps the meaning of random masks") {
  MaskGen gen(11);
  for (int i = 0; i < 3000; ++i) {
    const RandomMask m = gen.mask(3);
    const MaskEvaluator checked(m.program, m.values);
    const MaskEvaluator normalized(m.program.normalized, m.program.params, m.values);
    for (int64_t q = -20; q <= 40; q += 3)
      for (int64_t k = -5; k <= 45; k += 2)
        if (checked(q, k) != normalized(q, k)) {
          INFO("mask " << m.program.canonical << "  normalized "
                       << to_canonical(*m.program.normalized) << " at q " << q << " k " << k);
          FAIL("normalize changed the predicate");
        }
  }
}

TEST_CASE("block classes and walk sets are sound on random masks") {
  MaskGen gen(7);
  Tally tally;
  int masks = 0;
  for (int i = 0; i < 3000; ++i, ++masks) {
    const RandomMask m = gen.mask(int(gen.uniform(1, 4)));
    const BlockClassifier classify(m.program, m.values);
    const KeyRanges ranges(m.program, m.values);
    const MaskEvaluator attend(m.program, m.values);
    const int bound = max_key_ranges(m.program);
    const int64_t lq = gen.uniform(1, 48), lk = gen.uniform(1, 48);
    const int64_t bm = gen.uniform(1, 16), bn = gen.uniform(1, 16);
    const int64_t off = lk - lq;
    bool ok = true;
    for (int64_t r0 = 0; r0 < lq && ok; r0 += bm) {
      const int64_t q0 = r0 + off, q1 = std::min(r0 + bm, lq) - 1 + off;
      for (int64_t k0 = 0; k0 < lk && ok; k0 += bn)
        ok = check_box(m, classify, attend, q0, q1, k0, std::min(k0 + bn, lk) - 1, tally);
      // The walk set: sorted, disjoint, within its bound, and holding every attended key.
      const std::vector<KeyInterval> walk = ranges(q0, q1);
      INFO("mask " << m.program.canonical << "  normalized " << to_canonical(*m.program.normalized)
                   << " tile q[" << q0 << ", " << q1 << "]");
      REQUIRE(int(walk.size()) <= bound);
      for (size_t j = 1; j < walk.size(); ++j) REQUIRE(walk[j - 1].hi + 1 < walk[j].lo);
      for (int64_t q = q0; q <= q1 && ok; ++q)
        for (int64_t k = 0; k < lk; ++k) {
          if (!attend(q, k)) continue;
          bool covered = false;
          for (const KeyInterval& iv : walk) covered = covered || (iv.lo <= k && k <= iv.hi);
          if (!covered) {
            INFO("mask " << m.program.canonical << "  normalized "
                         << to_canonical(*m.program.normalized));
            INFO("tile q[" << q0 << ", " << q1 << "] misses key " << k << " of query " << q);
            FAIL_CHECK("walk set misses an attended key");
            ok = false;
            break;
          }
        }
    }
    // Boxes anywhere, including negative query positions.
    for (int j = 0; j < 6 && ok; ++j) {
      const int64_t q0 = gen.uniform(-60, 60), k0 = gen.uniform(-10, 60);
      ok = check_box(m, classify, attend, q0, q0 + gen.uniform(0, 25), k0, k0 + gen.uniform(0, 25),
                     tally);
    }
    // Densities equal a pair-by-pair count.
    Result<MaskStats> s = mask_stats(m.program, m.values, lq, lk, bm, bn);
    REQUIRE(s.ok());
    const int64_t truth = count_attended(attend, off, lq - 1 + off, 0, lk - 1);
    REQUIRE(s->attended_pairs == truth);
    REQUIRE(s->walked_pairs >= truth);
    REQUIRE(s->pair_density == Approx(double(truth) / double(lq * lk)));
    if (!ok) break;
  }
  std::printf("random masks: %d masks, %lld blocks, %lld partial, %lld needlessly partial "
              "(%.2f%% of blocks, %.2f%% of partial)\n",
              masks, (long long)tally.blocks, (long long)tally.partial, (long long)tally.needless,
              100.0 * double(tally.needless) / double(tally.blocks),
              100.0 * double(tally.needless) / double(std::max<int64_t>(tally.partial, 1)));
}
