// The public API on a machine without a GPU: backend choice and its errors, compile_only for an
// explicit arch (through NVRTC and the cache), KernelInfo, and the launch-time checks that
// happen before any GPU is touched.
#include "attnjit/attnjit.hpp"

#include "runtime/cuda_driver.h"
#include "test_util.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <optional>
#include <vector>

using namespace attnjit;

namespace {

bool have_gpu() {
  return cuda_driver().ok();
}

CompileOptions compile_only(const std::string& dir, const std::string& arch = "sm_80") {
  CompileOptions o;
  o.backend = BackendKind::Gpu;
  o.arch = arch;
  o.compile_only = true;
  o.cache_dir = dir;
  return o;
}

// The kernel most tests share, from the persistent cache: compiled once per build folder.
Kernel shared_kernel() {
  auto k = compile("causal & window(W, 0)", compile_only(persistent_cache_dir()));
  REQUIRE(k.ok());
  return *k;
}

// A valid problem over host memory that is never read (validation fails or there is no GPU).
struct FakeTensors {
  alignas(16) static inline char buffer[64];
  Problem problem(int seq_q = 17, int seq_k = 33) {
    Problem p;
    p.batch = 2, p.heads = 4, p.kv_heads = 2, p.seq_q = seq_q, p.seq_k = seq_k;
    for (TensorRef* t : {&p.q, &p.k, &p.v, &p.o}) *t = {buffer, 4 * 1024 * 128, 1024 * 128, 128};
    return p;
  }
};

} // namespace

TEST_CASE("api: names of enums", "[api]") {
  CHECK(std::string(dtype_name(DType::fp16)) == "fp16");
  CHECK(std::string(backend_name(BackendKind::Cpu)) == "cpu");
  CHECK(std::string(cache_status_name(CacheStatus::DiskHit)) == "disk");
}

TEST_CASE("api: without a GPU, compile(Gpu/Auto) fails cleanly and system_info says why",
          "[api][nogpu]") {
  if (have_gpu()) {
    WARN("a GPU is present: the no-GPU path is not exercised");
    return;
  }
  SystemInfo s = system_info();
  CHECK(!s.gpu_available);
  CHECK_THAT(s.gpu_reason, Catch::StartsWith("no GPU"));
  CHECK(!s.cpu_available); // this test program does not link the CPU backend
  CHECK_THAT(s.cpu_reason, Catch::Contains("not linked"));

  CompileOptions gpu;
  gpu.backend = BackendKind::Gpu;
  auto g = compile("causal", gpu);
  REQUIRE(!g.ok());
  CHECK_THAT(g.error().message, Catch::StartsWith("no GPU"));
  gpu.compile_only = true; // still needs an arch to compile for
  auto no_arch = compile("causal", gpu);
  REQUIRE(!no_arch.ok());
  CHECK_THAT(no_arch.error().message, Catch::Contains("explicit arch"));

  auto a = compile("causal");
  REQUIRE(!a.ok());
  CHECK_THAT(a.error().message, Catch::Contains("no GPU"));
  CHECK_THAT(a.error().message, Catch::Contains("CPU backend is not linked"));

  CompileOptions cpu;
  cpu.backend = BackendKind::Cpu;
  auto c = compile("causal", cpu);
  REQUIRE(!c.ok());
  CHECK(c.error().message == "the CPU backend is not linked into this program");
}

TEST_CASE("api: a mask error comes back with its caret diagnostic", "[api]") {
  TempDir dir;
  auto k = compile("causal & window(3,", compile_only(dir.path()));
  REQUIRE(!k.ok());
  CHECK_THAT(k.error().message, Catch::Contains("mask:1:"));
  CHECK_THAT(k.error().message, Catch::Contains("^"));
}

TEST_CASE("api: compile_only with an explicit arch, then memory hit", "[api][nvrtc]") {
  TempDir dir; // fresh: the first compile must be a miss
  auto k = compile("causal & window(W, 0)", compile_only(dir.path()));
  REQUIRE(k.ok());
  const KernelInfo& info = k->info();
  CHECK(info.backend == BackendKind::Gpu);
  CHECK(info.arch == "sm_80");
  CHECK(info.head_dim == 128);
  CHECK(info.dtype == DType::bf16);
  CHECK(info.params == std::vector<std::string>{"W"});
  CHECK(info.hash.size() == 16);
  CHECK(info.tiles.block_m > 0);
  CHECK(info.tiles.family == "sm80");
  CHECK(info.cache == CacheStatus::Miss);
  CHECK(info.compile_ms > 0);
  CHECK(info.cache_key.size() == 32);
  CHECK(std::filesystem::exists(info.cache_path));

  auto again = compile("causal & window(W, 0)", compile_only(dir.path()));
  REQUIRE(again.ok());
  CHECK(again->info().cache == CacheStatus::MemoryHit);
  // A memory hit reports the time of the lookup itself: microseconds, not a compile.
  CHECK(again->info().compile_ms < 1.0);
  CHECK(again->info().cache_key == info.cache_key);
}

TEST_CASE("api: unsupported head dim, dtype or tile config is a clear error", "[api]") {
  TempDir dir;
  CompileOptions o = compile_only(dir.path());
  o.head_dim = 96;
  auto a = compile("causal", o);
  REQUIRE(!a.ok());
  CHECK_THAT(a.error().message, Catch::Contains("head dim 96"));
  o = compile_only(dir.path());
  o.dtype = DType::fp32;
  auto b = compile("causal", o);
  REQUIRE(!b.ok());
  CHECK_THAT(b.error().message, Catch::Contains("fp32"));
  o = compile_only(dir.path());
  o.tiles.warps = 3;
  auto c = compile("causal", o);
  REQUIRE(!c.ok());
  CHECK_THAT(c.error().message, Catch::Contains("warps"));
}

TEST_CASE("api: run checks parameters and tensors before touching a GPU", "[api][nvrtc]") {
  auto k = std::optional<Kernel>(shared_kernel());
  FakeTensors t;

  auto expect = [&](Problem p, const std::string& what) {
    auto r = k->run(p);
    INFO(what);
    REQUIRE(!r.ok());
    CHECK_THAT(r.error().message, Catch::Contains(what));
  };

  Problem p = t.problem();
  expect(p, "W"); // unbound
  p.params = {{"W", 16}, {"X", 3}};
  expect(p, "X"); // unknown
  p.params = {{"W", -1}};
  expect(p, "W"); // negative window size

  Problem base = t.problem();
  base.params = {{"W", 16}};
  p = base;
  p.k.stride_seq = 100;
  expect(p, "k.stride_seq = 100 is not a multiple of 8");
  p = base;
  p.o.stride_head = -8;
  expect(p, "o.stride_head = -8 is negative");
  p = base;
  p.v.data = t.buffer + 4;
  expect(p, "v.data");
  expect(p, "16-byte aligned");
  p = base;
  p.q.data = nullptr;
  expect(p, "q.data is null");
  p = base;
  p.heads = 3;
  expect(p, "heads = 3 is not a multiple of kv_heads = 2");
  p = base;
  p.batch = 0;
  expect(p, "batch = 0");
  p = base;
  p.seq_k = 0;
  expect(p, "seq_k = 0");
  p = base;
  p.lse = reinterpret_cast<float*>(t.buffer + 2);
  expect(p, "lse");

  // seq_q = 0 is a no-op, even with no GPU.
  p = base;
  p.seq_q = 0;
  CHECK(k->run(p).ok());

  if (!have_gpu()) {
    auto r = k->run(base); // valid: fails only for want of a GPU
    REQUIRE(!r.ok());
    CHECK_THAT(r.error().message, Catch::StartsWith("no GPU"));
  }
}

TEST_CASE("api: a parameter value never recompiles", "[api][nvrtc]") {
  auto k = std::optional<Kernel>(shared_kernel());
  FakeTensors t;
  for (int64_t w : {0, 7, 1023}) {
    Problem p = t.problem(1000, 1000);
    p.params = {{"W", w}};
    auto r = k->run(p);
    if (!have_gpu()) CHECK_THAT(r.error().message, Catch::StartsWith("no GPU"));
  }
  // Compiling the mask again finds the loaded module: values are kernel arguments.
  auto k2 = compile("causal & window(W, 0)", compile_only(persistent_cache_dir()));
  REQUIRE(k2.ok());
  CHECK(k2->info().cache == CacheStatus::MemoryHit);
}

TEST_CASE("api: an empty Kernel refuses to run", "[api]") {
  Kernel k;
  CHECK(!k.valid());
  FakeTensors t;
  auto r = k.run(t.problem());
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("empty Kernel"));
}

TEST_CASE("api: the sm90 family for another target than sm_90a is a clear error", "[api][sm90]") {
  TempDir dir;
  CompileOptions o = compile_only(dir.path(), "sm_80");
  o.tiles.family = "sm90";
  auto k = compile("causal", o);
  REQUIRE(!k.ok());
  CHECK(k.error().message == "kernel family sm90 needs sm_90a (Hopper); the target is sm_80");
  o = compile_only(dir.path(), "sm_90");
  o.tiles.family = "sm90";
  auto plain = compile("causal", o);
  REQUIRE(!plain.ok());
  CHECK_THAT(plain.error().message, Catch::Contains("needs sm_90a"));
  // sm90 tiles that its template cannot take are named with the family's rule.
  o = compile_only(dir.path(), "sm_90a");
  o.tiles.family = "sm90";
  o.tiles.block_m = 64;
  auto tiles = compile("causal", o);
  REQUIRE(!tiles.ok());
  CHECK_THAT(tiles.error().message, Catch::Contains("sm90: block_m must be 128 or 192"));
  o.tiles.block_m = 0;
  o.tiles.family = "sm70";
  auto unknown = compile("causal", o);
  REQUIRE(!unknown.ok());
  CHECK_THAT(unknown.error().message, Catch::Contains("unknown kernel family 'sm70'"));
}

TEST_CASE("api: the default family is sm90 on sm_90a unless sm80 tiles are given",
          "[api][sm90][nvrtc]") {
  const std::string dir = persistent_cache_dir();
  auto hopper = compile("causal", compile_only(dir, "sm_90a"));
  REQUIRE(hopper.ok());
  CHECK(hopper->info().tiles.family == "sm90");
  CHECK(hopper->info().tiles.warps == 12);
  auto ampere = compile("causal", compile_only(dir, "sm_80"));
  REQUIRE(ampere.ok());
  CHECK(ampere->info().tiles.family == "sm80");
  // A tile field without a family describes an sm80 tile.
  CompileOptions o = compile_only(dir, "sm_90a");
  o.tiles.block_m = 64;
  o.tiles.warps = 4;
  auto tiles = compile("causal", o);
  REQUIRE(tiles.ok());
  CHECK(tiles->info().tiles.family == "sm80");
  CHECK(tiles->info().tiles.block_m == 64);
}

TEST_CASE("api: sm90 kernels are mask-free by default, one module for every mask",
          "[api][sm90][nvrtc]") {
  // The default sm90 kernel holds no mask code: a second mask with the same options finds the
  // first one's module in memory, with the same cache entry. The inline kernel is one per mask.
  TempDir dir;
  auto first = compile("causal", compile_only(dir.path(), "sm_90a"));
  REQUIRE(first.ok());
  CHECK(first->info().mask_code == "table");
  // The default tiles' module comes with the library (runtime/prebuilt.h).
  CHECK(first->info().cache == CacheStatus::Prebuilt);
  auto second = compile("window(256, 256) | global(64)", compile_only(dir.path(), "sm_90a"));
  REQUIRE(second.ok());
  CHECK(second->info().mask_code == "table");
  CHECK(second->info().cache == CacheStatus::MemoryHit);
  CHECK(second->info().cache_key == first->info().cache_key);
  CHECK(second->info().canonical != first->info().canonical);

  CompileOptions o = compile_only(dir.path(), "sm_90a");
  o.mask_code = MaskCode::Inline;
  auto inline_first = compile("causal", o);
  auto inline_second = compile("window(256, 256) | global(64)", o);
  REQUIRE(inline_first.ok());
  REQUIRE(inline_second.ok());
  CHECK(inline_first->info().mask_code == "inline");
  CHECK(inline_second->info().cache == CacheStatus::Miss);
  CHECK(inline_second->info().cache_key != inline_first->info().cache_key);
  CHECK(inline_first->info().cache_key != first->info().cache_key);
}

TEST_CASE("api: mask code table needs the sm90 family", "[api][sm90]") {
  TempDir dir;
  CompileOptions o = compile_only(dir.path(), "sm_80");
  o.mask_code = MaskCode::Table;
  auto k = compile("causal", o);
  REQUIRE(!k.ok());
  CHECK_THAT(k.error().message, Catch::Contains("mask code 'table' needs the sm90 family"));
  // The sm80 family on an sm_90a target, named by its tiles, is refused the same way.
  o = compile_only(dir.path(), "sm_90a");
  o.mask_code = MaskCode::Table;
  o.tiles.family = "sm80";
  auto sm80 = compile("causal", o);
  REQUIRE(!sm80.ok());
  CHECK_THAT(sm80.error().message, Catch::Contains("this kernel is sm80"));
  // Auto on sm80 is the inline mask, the only kind that family has.
  o.mask_code = MaskCode::Auto;
  o.arch = "sm_80";
  o.tiles.family = "";
  auto plain = compile("causal", o);
  REQUIRE(plain.ok());
  CHECK(plain->info().mask_code == "inline");
}
