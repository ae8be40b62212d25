// The emitted structs (the golden files, so they are what the kernel gets) compiled as host
// C++ and brute-forced: attend against the reference evaluator and hand-written predicates,
// classify and key_ranges against the host analysis (identical) and against the truth.
#include "templates/mask_support.cuh"

// clang-format off
namespace g_causal {
#include "golden_mask/causal.cuh"
}
namespace g_window {
#include "golden_mask/window.cuh"
}
namespace g_sink {
#include "golden_mask/sink.cuh"
}
namespace g_global {
#include "golden_mask/global.cuh"
}
namespace g_prefix {
#include "golden_mask/prefix.cuh"
}
namespace g_chunk {
#include "golden_mask/chunk.cuh"
}
namespace g_dilated {
#include "golden_mask/dilated.cuh"
}
namespace g_full {
#include "golden_mask/full.cuh"
}
namespace g_none {
#include "golden_mask/none.cuh"
}
namespace g_sink4_window1024 {
#include "golden_mask/sink4_window1024.cuh"
}
namespace g_longformer_w256_g64 {
#include "golden_mask/longformer_w256_g64.cuh"
}
namespace g_chunk2048 {
#include "golden_mask/chunk2048.cuh"
}
namespace g_prefix1024 {
#include "golden_mask/prefix1024.cuh"
}
namespace g_abs_mod {
#include "golden_mask/abs_mod.cuh"
}
namespace g_not_div_min {
#include "golden_mask/not_div_min.cuh"
}
namespace g_neg_div {
#include "golden_mask/neg_div.cuh"
}
// clang-format on

#include "compiler/classify_blocks.h"
#include "compiler/key_ranges.h"
#include "emit_masks.h"
#include "mask_testing.h"

#include <catch2/catch.hpp>

#include <functional>
#include <map>

using namespace attnjit;
using namespace attnjit::testing;

// Millions of checks: count them only when one fails.
#define EXPECT(cond)                                                                               \
  do {                                                                                             \
    if (!(cond)) REQUIRE((cond));                                                                  \
  } while (0)

namespace {

int64_t value_for(const std::string& p, MaskGen& g) {
  if (p == "C" || p == "D") return g.uniform(1, 12);
  if (p == "A" || p == "B") return g.uniform(-20, 20);
  return g.uniform(0, 40);
}

// Hand-written predicates of the built-ins, by DESIGN.md's table (values sorted by name).
const std::map<std::string, std::function<bool(int64_t, int64_t, const std::vector<int64_t>&)>>&
hand_written() {
  static const std::map<std::string,
                        std::function<bool(int64_t, int64_t, const std::vector<int64_t>&)>>
      m = {
          {"causal", [](int64_t q, int64_t k, const auto&) { return k <= q; }},
          {"window", [](int64_t q, int64_t k, const auto& v) { return q - v[0] <= k && k <= q; }},
          {"sink", [](int64_t, int64_t k, const auto& v) { return k < v[0]; }},
          {"global", [](int64_t q, int64_t k, const auto& v) { return k < v[0] || q < v[0]; }},
          {"prefix", [](int64_t q, int64_t k, const auto& v) { return q < v[0] && k < v[0]; }},
          {"chunk",
           [](int64_t q, int64_t k, const auto& v) {
             return floor_div((long long)q, (long long)v[0]) ==
                    floor_div((long long)k, (long long)v[0]);
           }},
          {"dilated", // D, L, R
           [](int64_t q, int64_t k, const auto& v) {
             return q - v[1] <= k && k <= q + v[2] &&
                    floor_mod((long long)(q - k), (long long)v[0]) == 0;
           }},
          {"full", [](int64_t, int64_t, const auto&) { return true; }},
          {"none", [](int64_t, int64_t, const auto&) { return false; }},
          {"sink4_window1024",
           [](int64_t q, int64_t k, const auto&) { return k <= q && (q - 1023 <= k || k < 4); }},
      };
  return m;
}

const char* text_of(const std::string& name) {
  for (const auto& m : kEmittedMasks)
    if (name == m.name) return m.text;
  return nullptr;
}

template <class M> void check_struct(const std::string& name, MaskGen& gen) {
  Result<MaskProgram> p = build_mask_program(text_of(name));
  REQUIRE(p.ok());
  REQUIRE(M::kNumParams == int(p->params.size()));
  REQUIRE(M::kMaxRanges == max_key_ranges(*p));
  const auto hand = hand_written().find(name);
  for (int trial = 0; trial < 40; ++trial) {
    std::vector<int64_t> values;
    for (const std::string& n : p->params) values.push_back(value_for(n, gen));
    std::vector<long long> raw(values.begin(), values.end());
    raw.push_back(0);
    const M mask(raw.data());
    const MaskEvaluator attend(*p, values);
    const BlockClassifier classify(*p, values);
    const KeyRanges ranges(*p, values);
    INFO(name << ": " << p->canonical << " trial " << trial);
    for (int64_t q = -30; q <= 60; ++q)
      for (int64_t k = 0; k <= 60; ++k) {
        const bool want = attend(q, k);
        if (mask.attend(int(q), int(k)) != want ||
            (hand != hand_written().end() && hand->second(q, k, values) != want)) {
          INFO("q " << q << " k " << k);
          REQUIRE(mask.attend(int(q), int(k)) == want);
          REQUIRE(hand->second(q, k, values) == want);
        }
      }
    for (int b = 0; b < 60; ++b) {
      const int64_t q0 = gen.uniform(-40, 60), q1 = q0 + gen.uniform(0, 30);
      const int64_t k0 = gen.uniform(0, 60), k1 = k0 + gen.uniform(0, 30);
      const int c = mask.classify(q0, q1, k0, k1);
      INFO("box q[" << q0 << ", " << q1 << "] k[" << k0 << ", " << k1 << "]");
      EXPECT(c == int(classify(q0, q1, k0, k1)));
      const int64_t n = count_attended(attend, q0, q1, k0, k1);
      if (c == kMaskFull) EXPECT(n == (q1 - q0 + 1) * (k1 - k0 + 1));
      if (c == kMaskEmpty) EXPECT(n == 0);
      long long lo[M::kMaxRanges], hi[M::kMaxRanges];
      const int nr = mask.key_ranges(q0, q1, lo, hi);
      const std::vector<KeyInterval> host = ranges(q0, q1);
      EXPECT(nr == int(host.size()));
      for (int i = 0; i < nr; ++i)
        EXPECT(lo[i] == host[size_t(i)].lo && hi[i] == host[size_t(i)].hi);
      for (int64_t q = q0; q <= q1; ++q)
        for (int64_t k = 0; k <= 100; ++k) {
          if (!attend(q, k)) continue;
          bool covered = false;
          for (int i = 0; i < nr; ++i) covered = covered || (lo[i] <= k && k <= hi[i]);
          if (!covered) {
            INFO("query " << q << " key " << k);
            REQUIRE(covered);
          }
        }
    }
  }
}

} // namespace

TEST_CASE("emitted mask structs compile as host C++ and agree with the host analysis") {
  MaskGen gen(99);
  check_struct<g_causal::Mask>("causal", gen);
  check_struct<g_window::Mask>("window", gen);
  check_struct<g_sink::Mask>("sink", gen);
  check_struct<g_global::Mask>("global", gen);
  check_struct<g_prefix::Mask>("prefix", gen);
  check_struct<g_chunk::Mask>("chunk", gen);
  check_struct<g_dilated::Mask>("dilated", gen);
  check_struct<g_full::Mask>("full", gen);
  check_struct<g_none::Mask>("none", gen);
  check_struct<g_sink4_window1024::Mask>("sink4_window1024", gen);
  check_struct<g_longformer_w256_g64::Mask>("longformer_w256_g64", gen);
  check_struct<g_chunk2048::Mask>("chunk2048", gen);
  check_struct<g_prefix1024::Mask>("prefix1024", gen);
  check_struct<g_abs_mod::Mask>("abs_mod", gen);
  check_struct<g_not_div_min::Mask>("not_div_min", gen);
  check_struct<g_neg_div::Mask>("neg_div", gen);
}
