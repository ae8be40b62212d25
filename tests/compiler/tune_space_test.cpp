// The autotuner's search space and its pruning by device limits (no device needed: the limits
// are inputs).
#include "compiler/tune_space.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <tuple>

using namespace attnjit;

namespace {

// An H200's limits: 227 KiB of opt-in shared memory, 64K registers per block.
DeviceLimits h200() {
  DeviceLimits l;
  l.max_smem_optin = 232448;
  l.regs_per_block = 65536;
  return l;
}

bool has(const std::vector<KernelConfig>& v, int m, int n, int w, int s) {
  return std::any_of(v.begin(), v.end(), [&](const KernelConfig& c) {
    return c.block_m == m && c.block_n == n && c.warps == w && c.stages == s;
  });
}

} // namespace

TEST_CASE("tune space: every sm80 shape the template accepts, each once", "[tune]") {
  for (int d : {64, 128, 256})
    for (const char* dtype : {"bf16", "fp16"}) {
      std::vector<KernelConfig> space = tune_space("sm80", d, dtype);
      std::set<std::tuple<int, int, int, int>> seen;
      for (const KernelConfig& c : space) {
        INFO(d << " " << dtype << " " << config_name(c.block_m, c.block_n, c.warps, c.stages));
        CHECK(check_config(c).empty());
        CHECK(c.head_dim == d);
        CHECK(c.dtype == dtype);
        CHECK(c.family == "sm80");
        CHECK(seen.insert({c.block_m, c.block_n, c.warps, c.stages}).second);
      }
      // 64 rows over 8 warps gives 8 rows a warp, which the template rejects: 3 (block_m,
      // warps) pairs x 3 key tiles x 3 stage counts, less the tiles past the 227 KiB any sm80
      // block may have: none at head dim 64; 128-key tiles with 4 stages at 128; at 256 all
      // 128-key tiles, 64-key tiles past 3 (64 rows) or 2 (128 rows) stages.
      const size_t expected = d == 64 ? 27 : d == 128 ? 24 : 13;
      CHECK(space.size() == expected);
      CHECK_FALSE(has(space, 64, 64, 8, 2));
    }
  CHECK(tune_space("sm99", 128, "bf16").empty());
  CHECK(tune_families("sm_80") == std::vector<std::string>{"sm80"});
  CHECK(tune_families("sm_89") == std::vector<std::string>{"sm80"});
  CHECK(tune_families("sm_90a") == std::vector<std::string>{"sm80", "sm90"});
}

TEST_CASE("tune space: sm90 varies the rows, the key tile and stages", "[tune]") {
  for (int d : {64, 128, 256})
    for (const char* dtype : {"bf16", "fp16"}) {
      std::vector<KernelConfig> space = tune_space("sm90", d, dtype);
      std::set<std::tuple<int, int, int>> seen;
      for (const KernelConfig& c : space) {
        INFO(d << " " << dtype << " "
               << config_name(c.block_m, c.block_n, c.warps, c.stages, c.family));
        CHECK(check_config(c).empty());
        CHECK(c.family == "sm90");
        CHECK(c.head_dim == d);
        CHECK(c.dtype == dtype);
        CHECK((c.block_m == 128 || c.block_m == 192));
        CHECK(c.warps == (c.block_m == 128 ? 12 : 16));
        CHECK(seen.insert({c.block_m, c.block_n, c.stages}).second);
      }
      // Q + stages x (K + V) + 1 KiB of alignment slack + 2 KiB static within 227 KiB. 128
      // rows: all 9 of 64, 128 and 192 keys at head dim 64 (160 and 176 are searched at 128
      // only); at 128, 64-key tiles x 3 stage counts, 128-key tiles at 2 and 3 stages (exactly
      // 227 KiB), 160-, 176- and 192-key tiles at 2; at 256, only 64 keys x 2 stages. 192 rows:
      // all 9 at head dim 64; at 128, 64-key tiles x 3, 128-, 160- and 176-key tiles at 2
      // (176: exactly 227 KiB); at 256, 64 keys x 2 stages (exactly 227 KiB).
      const size_t expected = d == 64 ? 9 + 9 : d == 128 ? 8 + 6 : 1 + 1;
      CHECK(space.size() == expected);
    }
  CHECK(has(tune_space("sm90", 128, "bf16"), 128, 128, 12, 3));
  CHECK_FALSE(has(tune_space("sm90", 128, "bf16"), 128, 128, 12, 4));
  CHECK(has(tune_space("sm90", 256, "fp16"), 128, 64, 12, 2));
  CHECK(has(tune_space("sm90", 64, "bf16"), 192, 128, 16, 4));
  CHECK(has(tune_space("sm90", 128, "bf16"), 192, 128, 16, 2));
  CHECK_FALSE(has(tune_space("sm90", 128, "bf16"), 192, 128, 16, 3));
  CHECK(has(tune_space("sm90", 128, "bf16"), 128, 176, 12, 2));
  CHECK_FALSE(has(tune_space("sm90", 128, "bf16"), 128, 176, 12, 3));
  CHECK_FALSE(has(tune_space("sm90", 64, "bf16"), 128, 160, 12, 2));
}

TEST_CASE("tune space: sm90 registers are a consumer thread's, pruned at setmaxnreg's ceiling",
          "[tune]") {
  // O: 64 rows x 128 over 128 threads = 64; S: 128 / 2 = 64; P: 128 / 4 = 32; overhead 36.
  KernelConfig c = default_config(128, "bf16", "sm90");
  CHECK(estimate_registers(c) == 64 + 64 + 32 + 36);
  c.stages = 2; // the wider tiles' shared memory fits two stages
  c.block_n = 192;
  CHECK(estimate_registers(c) == 64 + 96 + 48 + 36); // 244: over the consumers' 232
  CHECK_THAT(prune_reason(c, h200()), Catch::Contains("at most 232"));
  c.block_n = 176;
  CHECK(estimate_registers(c) == 64 + 88 + 44 + 36); // 232: at the ceiling, kept
  CHECK(prune_reason(c, h200()).empty());
  // 384 threads x 200 registers is more than an H200's 64K per block: not a reason for sm90,
  // whose producer warpgroup hands its registers to the consumers.
  CHECK(prune_reason(default_config(128, "bf16", "sm90"), h200()).empty());
  // Head dim 64 with up to 128-key tiles runs one tile at a time: no second P.
  c = default_config(64, "bf16", "sm90");
  CHECK(estimate_registers(c) == 32 + 64 + 36);
  // Three consumer warpgroups (192 rows, the default at head dim 64) get 152 registers each.
  REQUIRE(c.block_m == 192);
  CHECK(prune_reason(c, h200()).empty());
  c.block_n = 192;
  CHECK(estimate_registers(c) == 32 + 96 + 48 + 36);
  CHECK_THAT(prune_reason(c, h200()), Catch::Contains("at most 152"));
  // sm80 estimates are unchanged by the family's presence.
  CHECK(estimate_registers(default_config(128, "bf16")) == 64 + 64 + 48);

  TuneSpace s = prune_tune_space(tune_space("sm90", 128, "bf16"), h200());
  CHECK(s.survivors.size() == 7 + 3);
  CHECK(s.pruned.size() == 1 + 3);
  CHECK(has(s.survivors, 128, 160, 12, 2));
  CHECK(has(s.survivors, 128, 176, 12, 2));
  CHECK_FALSE(has(s.survivors, 128, 192, 12, 2));
  CHECK_FALSE(has(s.survivors, 192, 160, 16, 2));
  CHECK_FALSE(has(s.survivors, 192, 128, 16, 2));
  CHECK(has(s.survivors, 192, 64, 16, 3));
  TuneSpace h = prune_tune_space(tune_space("sm90", 64, "bf16"), h200());
  CHECK(h.survivors.size() == 9 + 6);
  CHECK_FALSE(has(h.survivors, 192, 192, 16, 2));
  TuneSpace w = prune_tune_space(tune_space("sm90", 256, "bf16"), h200());
  REQUIRE(w.survivors.size() == 1); // 128 + 32 + 16 + 36 = 212 registers
  CHECK(w.survivors[0].block_n == 64);
  CHECK(w.survivors[0].block_m == 128);
}

TEST_CASE("tune space: config names tell the sm90 family apart, sm80's are unchanged", "[tune]") {
  CHECK(config_name(128, 64, 4, 2) == "128x64x4w2s");
  CHECK(config_name(128, 64, 4, 2, "sm80") == "128x64x4w2s");
  CHECK(config_name(128, 128, 12, 2, "sm90") == "sm90:128x128x12w2s");
}

TEST_CASE("tune space: register estimate counts the O and S accumulators", "[tune]") {
  KernelConfig c = default_config(128, "bf16"); // 128x128, 8 warps: 16 rows per warp
  // O: 1 x 16 x 4 = 64, S: 1 x 16 x 4 = 64.
  CHECK(estimate_registers(c) == 64 + 64 + 48);
  c.warps = 4; // 32 rows per warp doubles both
  CHECK(estimate_registers(c) == 128 + 128 + 48);
  c.block_n = 64;
  CHECK(estimate_registers(c) == 128 + 64 + 48);
}

TEST_CASE("tune space: pruning by shared memory and registers on an H200", "[tune]") {
  // Head dim 256 worked by hand: 32 rows per warp needs a 256-register O accumulator (all nine
  // 128-row 4-warp shapes go); the rest must fit their Q tile and stages x (K + V) in 227 KiB:
  // 128x64x8w2s, 128x32x8w{2,3,4}s, 64x64x4w{2,3}s, 64x32x4w{2,3,4}s.
  TuneSpace s = prune_tune_space(tune_space("sm80", 256, "bf16"), h200());
  CHECK(s.survivors.size() == 9);
  CHECK(has(s.survivors, 64, 64, 4, 3));
  CHECK_FALSE(has(s.survivors, 64, 64, 4, 4));
  CHECK_FALSE(has(s.survivors, 128, 32, 4, 2));
  CHECK(has(s.survivors, 64, 64, 4, 2)); // the default survives
  for (const PrunedConfig& p : s.pruned) CHECK_FALSE(p.reason.empty());
  for (const KernelConfig& c : s.survivors) CHECK(prune_reason(c, h200()).empty());

  // Head dim 128: of the 24 shapes, only 32 rows per warp with 128-key tiles (304 registers)
  // go, at 2 and 3 stages.
  TuneSpace t = prune_tune_space(tune_space("sm80", 128, "bf16"), h200());
  CHECK(t.survivors.size() == 22);
  CHECK(has(t.survivors, 128, 64, 4, 2)); // a few registers over in practice: left to timing
  CHECK_FALSE(has(t.survivors, 128, 128, 4, 2));
}

TEST_CASE("tune space: a smaller shared-memory budget removes candidates", "[tune]") {
  DeviceLimits small = h200();
  small.max_smem_optin = 99 * 1024; // an sm_86 part
  std::vector<KernelConfig> space = tune_space("sm80", 128, "fp16");
  TuneSpace big = prune_tune_space(space, h200());
  TuneSpace s = prune_tune_space(space, small);
  CHECK(s.survivors.size() < big.survivors.size());
  CHECK(s.survivors.size() + s.pruned.size() == space.size());
  for (const KernelConfig& c : s.survivors) CHECK(shared_memory_bytes(c) <= small.max_smem_optin);
  bool named = false;
  for (const PrunedConfig& p : s.pruned)
    named |= p.reason.find("shared memory") != std::string::npos;
  CHECK(named);
}

TEST_CASE("tune space: the per-block register file prunes wide blocks", "[tune]") {
  DeviceLimits l = h200();
  l.regs_per_block = 32768; // 256 threads may then use 128 registers each
  TuneSpace s = prune_tune_space(tune_space("sm80", 128, "bf16"), l);
  for (const KernelConfig& c : s.survivors)
    CHECK(threads_per_block(c) * estimate_registers(c) <= l.regs_per_block);
  CHECK_FALSE(has(s.survivors, 128, 128, 8, 2)); // 256 x 176
  CHECK(has(s.survivors, 64, 32, 4, 2));         // 128 x 128
  bool named = false;
  for (const PrunedConfig& p : s.pruned)
    named |= p.reason.find("registers per block") != std::string::npos;
  CHECK(named);
}
