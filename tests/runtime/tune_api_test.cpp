// tune() and compile_for() on a machine without a GPU: where the tiles come from, and tuning's
// errors (C++ and C). The GPU half is tests/gpu/tune_test.cpp.
#include "attnjit/attnjit.h"
#include "attnjit/attnjit.hpp"

#include "compiler/pipeline.h"
#include "runtime/cuda_driver.h"
#include "runtime/tune.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace attnjit;

namespace {

CompileOptions compile_only_sm80() {
  CompileOptions o;
  o.backend = BackendKind::Gpu;
  o.arch = "sm_80";
  o.compile_only = true;
  o.cache_dir = persistent_cache_dir();
  return o;
}

Problem shape() {
  Problem p;
  p.heads = p.kv_heads = 4;
  p.seq_q = p.seq_k = 1000;
  return p;
}

} // namespace

TEST_CASE("tune api: compile_for says where the tiles came from", "[tune][nvrtc]") {
  CompileOptions o = compile_only_sm80();
  auto d = compile_for("causal", o, shape());
  REQUIRE(d);
  CHECK(d->info().tiles_from == "default");
  CHECK(d->info().tiles.block_m == 128); // head dim 128's default: 128x128, 8 warps
  CHECK(d->info().tiles.warps == 8);
  o.tiles.block_n = 64;
  auto e = compile_for("causal", o, shape());
  REQUIRE(e);
  CHECK(e->info().tiles_from == "explicit");
  CHECK(e->info().tiles.block_n == 64);
  CHECK(e->info().tiles.block_m == 128); // zeros keep the default's value
  // compile() says the same.
  CHECK(compile("causal", o)->info().tiles_from == "explicit");
}

TEST_CASE("tune api: tuning needs a GPU and says so", "[tune]") {
  if (cuda_driver().ok()) {
    WARN("a GPU is present: the no-GPU path is not exercised");
    return;
  }
  CompileOptions o;
  o.cache_dir = persistent_cache_dir();
  auto r = tune("causal", o, shape());
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::StartsWith("cannot tune: no GPU"));

  // Errors the user controls come first, the same on every machine.
  auto bad = tune("causal & window(3,", o, shape());
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::Contains("error: "));
  Problem gqa = shape();
  gqa.kv_heads = 3;
  auto g = tune("causal", o, gqa);
  REQUIRE_FALSE(g);
  CHECK_THAT(g.error().message, Catch::Contains("multiple of kv_heads"));

  o.backend = BackendKind::Cpu;
  auto cpu = tune("causal", o, shape());
  REQUIRE_FALSE(cpu);
  CHECK_THAT(cpu.error().message, Catch::Contains("only for GPU kernels"));

  // The C API mirrors it.
  attnjit_compile_options co;
  attnjit_compile_options_init(&co);
  attnjit_problem p;
  attnjit_problem_init(&p);
  p.heads = p.kv_heads = 4;
  p.seq_q = p.seq_k = 1000;
  attnjit_tune_result res;
  CHECK(attnjit_tune("causal", &co, &p, 0, &res) == ATTNJIT_ERROR_TUNE);
  CHECK_THAT(std::string(attnjit_last_error()), Catch::Contains("no GPU"));
  CHECK(attnjit_tune("causal", &co, &p, 0, nullptr) == ATTNJIT_ERROR_INVALID_ARGUMENT);
  CHECK(attnjit_tune("causal", &co, nullptr, 0, &res) == ATTNJIT_ERROR_INVALID_ARGUMENT);
}

TEST_CASE("tune api: C compile_for reports the tile source", "[tune][capi][nvrtc]") {
  attnjit_compile_options co;
  attnjit_compile_options_init(&co);
  co.backend = ATTNJIT_BACKEND_GPU;
  co.arch = "sm_80";
  co.compile_only = 1;
  const std::string dir = persistent_cache_dir();
  co.cache_dir = dir.c_str();
  attnjit_problem p;
  attnjit_problem_init(&p);
  p.seq_q = p.seq_k = 1000;
  attnjit_kernel* k = nullptr;
  REQUIRE(attnjit_compile_for("causal", &co, &p, &k) == ATTNJIT_OK);
  CHECK(std::string(attnjit_kernel_info_tiles_from(k)) == "default");
  attnjit_kernel_free(k);
  CHECK(std::string(attnjit_kernel_info_tiles_from(nullptr)).empty());
}

TEST_CASE("tune api: the untuned default follows the shape and the mask's heavy rows", "[tune]") {
  auto tiles = [](const char* mask, int head_dim, int seq_q, int seq_k,
                  std::vector<std::pair<std::string, int64_t>> params = {},
                  const char* arch = "sm_80") {
    auto program = build_mask_program(mask);
    REQUIRE(program);
    CompileOptions o;
    o.head_dim = head_dim;
    o.arch = arch;
    Problem p;
    p.seq_q = seq_q, p.seq_k = seq_k;
    p.params = std::move(params);
    return untuned_tiles(*program, o, p);
  };
  auto is = [](const TileConfig& t, int m, int n, int w, int s) {
    return t.block_m == m && t.block_n == n && t.warps == w && t.stages == s;
  };
  // Balanced work per query tile: 128x64 tiles, 4 warps at head dim 128.
  for (const char* m : {"full", "causal", "window(1023, 0)", "causal & (window(1023, 0) | sink(4))",
                        "causal & chunk(2048)", "causal | prefix(1024)"}) {
    INFO(m);
    CHECK(is(tiles(m, 128, 16384, 16384), 128, 64, 4, 2));
    CHECK(is(tiles(m, 128, 4096, 4096), 128, 64, 4, 2));
    CHECK(is(tiles(m, 64, 16384, 16384), 0, 0, 0, 0)); // head dim 64 keeps compile()'s default
  }
  // Global rows: the first query tile walks every key while the rest walk a window.
  CHECK(is(tiles("window(256, 256) | global(64)", 128, 16384, 16384), 64, 64, 4, 2));
  CHECK(is(tiles("window(256, 256) | global(64)", 64, 4096, 4096), 64, 32, 4, 2));
  CHECK(is(tiles("window(W, W) | global(G)", 128, 16384, 16384, {{"G", 64}, {"W", 256}}), 64, 64, 4,
           2));
  // Parameters decide: without global rows the same mask is balanced.
  CHECK(is(tiles("window(W, W) | global(G)", 128, 16384, 16384, {{"G", 0}, {"W", 256}}), 128, 64, 4,
           2));
  // On sm_90a the sm90 default stays, heavy rows included (the global rows' tile is split into
  // shares).
  CHECK(is(tiles("causal", 128, 16384, 16384, {}, "sm_90a"), 0, 0, 0, 0));
  CHECK(is(tiles("window(256, 256) | global(64)", 128, 16384, 16384, {}, "sm_90a"), 0, 0, 0, 0));
  CHECK(is(tiles("window(256, 256) | global(64)", 64, 16384, 16384, {}, "sm_90a"), 0, 0, 0, 0));
  // Decode-sized problems, head dim 256 and unbound parameters keep compile()'s default.
  CHECK(is(tiles("causal", 128, 1, 65536), 0, 0, 0, 0));
  CHECK(is(tiles("causal", 256, 16384, 16384), 0, 0, 0, 0));
  CHECK(is(tiles("window(W, 0)", 128, 16384, 16384), 0, 0, 0, 0));
}
