// The prebuilt modules (runtime/prebuilt.h): the table the build generated holds one cubin per
// prebuilt source, compile() finds it on a cold cache instead of running NVRTC, and other tile
// configs still compile.
#include "attnjit/attnjit.hpp"

#include "runtime/nvrtc.h"
#include "runtime/prebuilt.h"
#include "test_util.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>

using namespace attnjit;

namespace {

CompileOptions sm90_compile_only(const std::string& dir, int head_dim, DType dtype) {
  CompileOptions o;
  o.backend = BackendKind::Gpu;
  o.arch = "sm_90a";
  o.compile_only = true;
  o.cache_dir = dir;
  o.head_dim = head_dim;
  o.dtype = dtype;
  return o;
}

} // namespace

TEST_CASE("prebuilt: one cubin per prebuilt source", "[prebuilt][nvrtc]") {
  // The build had NVRTC when this machine has it (the same toolkit builds and tests).
  REQUIRE(nvrtc_info().ok());
  const std::vector<ModuleSource> sources = prebuilt_sources();
  REQUIRE(sources.size() == 6);
  REQUIRE(kPrebuiltModuleCount == sources.size());
  for (const ModuleSource& src : sources) {
    INFO(src.name);
    CHECK(src.arch == "sm_90a");
    CHECK(src.source.find("using Mask = attnjit::sm90::TableMask;") != std::string::npos);
    const PrebuiltModule* pre = find_prebuilt(src);
    REQUIRE(pre != nullptr);
    CHECK(std::string(pre->key) == prebuilt_key(src));
    REQUIRE(pre->size > 4);
    CHECK(std::memcmp(pre->cubin,
                      "\x7f"
                      "ELF",
                      4) == 0);
  }
  // Another source (another stage count) is not in the table.
  ModuleSource other = sources[0];
  other.source += "\n// another source\n";
  CHECK(find_prebuilt(other) == nullptr);
}

TEST_CASE("prebuilt: the table holds what NVRTC compiles from its source", "[prebuilt][nvrtc]") {
  REQUIRE(nvrtc_info().ok());
  const ModuleSource src = prebuilt_sources()[0]; // head dim 64, bf16: the quickest to compile
  const PrebuiltModule* pre = find_prebuilt(src);
  REQUIRE(pre != nullptr);
  auto cubin = compile_cubin({src.source, src.name, src.options, ""});
  REQUIRE(cubin.ok());
  REQUIRE(cubin->size() == pre->size);
  CHECK(std::memcmp(cubin->data(), pre->cubin, pre->size) == 0);
}

TEST_CASE("prebuilt: compile() on a cold cache takes the prebuilt module",
          "[prebuilt][api][nvrtc]") {
  TempDir dir;
  for (int hd : {64, 128, 256})
    for (DType dt : {DType::bf16, DType::fp16}) {
      INFO("hd " << hd << " " << dtype_name(dt));
      auto k = compile("causal & (window(W, 0) | sink(4))", sm90_compile_only(dir.path(), hd, dt));
      REQUIRE(k.ok());
      CHECK(k->info().cache == CacheStatus::Prebuilt);
      CHECK(k->info().mask_code == "table");
      // Written to the disk cache like a compiled module.
      CHECK(std::filesystem::exists(k->info().cache_path));
      CHECK(std::string(cache_status_name(k->info().cache)) == "prebuilt");
    }
  // Other tiles, or the mask inline, compile with NVRTC.
  CompileOptions o = sm90_compile_only(dir.path(), 128, DType::bf16);
  o.tiles = {128, 128, 12, 2, "sm90"}; // the default has 3 stages at head dim 128
  auto other = compile("causal", o);
  REQUIRE(other.ok());
  CHECK(other->info().cache == CacheStatus::Miss);
  o = sm90_compile_only(dir.path(), 128, DType::bf16);
  o.mask_code = MaskCode::Inline;
  auto inl = compile("causal", o);
  REQUIRE(inl.ok());
  CHECK(inl->info().cache == CacheStatus::Miss);
}
