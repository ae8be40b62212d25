// Golden tests of the generated .cu (tests/compiler/golden_cuda/*.cu). UPDATE_GOLDENS=1
// rewrites the files for review in the diff; a mismatch prints the first differing line.
#include "compiler/generate_cuda.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

using namespace attnjit;

namespace {

std::string golden_path(const std::string& name) {
  return std::string(ATTNJIT_TEST_DATA) + "/compiler/golden_cuda/" + name;
}

// Empty when equal, else "line N: expected ... / got ...".
std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ha = bool(std::getline(a, la)), hb = bool(std::getline(b, lb));
    if (!ha && !hb) return "";
    if (!ha) la = "<end of file>";
    if (!hb) lb = "<end of file>";
    if (la != lb || ha != hb)
      return "line " + std::to_string(line) + ":\n  expected: " + la + "\n  got:      " + lb;
  }
}

void check_golden(const std::string& name, const std::string& text) {
  const std::string path = golden_path(name);
  const char* update = std::getenv("UPDATE_GOLDENS");
  if (update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << text;
    SUCCEED("rewrote " + path);
    return;
  }
  std::ifstream in(path, std::ios::binary);
  INFO("golden file " << path << " (UPDATE_GOLDENS=1 rewrites it)");
  REQUIRE(in.good());
  std::stringstream want;
  want << in.rdbuf();
  const std::string diff = first_difference(want.str(), text);
  INFO(diff);
  CHECK(diff.empty());
}

std::string generate(const std::string& mask, const KernelConfig& c) {
  auto program = build_mask_program(mask);
  REQUIRE(program.ok());
  REQUIRE(check_config(c).empty());
  return generate_cuda(*program, c);
}

} // namespace

TEST_CASE("generate_cuda: golden sources") {
  check_golden("causal_hd128_bf16.cu", generate("causal", default_config(128, "bf16")));
  check_golden("sink_window_hd128_bf16.cu",
               generate("causal & (window(W, 0) | sink(4))", default_config(128, "bf16")));
  check_golden("full_hd64_fp16.cu", generate("full", default_config(64, "fp16")));
  KernelConfig c = default_config(256, "bf16");
  c.stages = 3;
  check_golden("longformer_hd256_bf16_s3.cu", generate("window(256, 256) | global(G)", c));
  KernelConfig g = default_config(128, "bf16");
  g.general = true;
  check_golden("sink_window_hd128_bf16_general.cu",
               generate("causal & (window(W, 0) | sink(4))", g));
  check_golden("sink_window_hd128_bf16_sm90.cu",
               generate("causal & (window(W, 0) | sink(4))", default_config(128, "bf16", "sm90")));
}

TEST_CASE("generate_cuda: the sm90 entry takes the tensor maps; the template aligns the tiles",
          "[sm90]") {
  const std::string src = generate("causal", default_config(64, "fp16", "sm90"));
  CHECK(src.find("#include \"fwd_sm90.cuh\"") != std::string::npos);
  CHECK(src.find("fwd_sm80") == std::string::npos);
  CHECK(src.find("using Elem = attnjit::sm90::fp16;") != std::string::npos);
  CHECK(src.find("const __grid_constant__ attnjit::TmaMaps maps") != std::string::npos);
  // One alignment mechanism: fwd_sm90 aligns its tiles to 1024 bytes inside the slack that
  // shared_memory_bytes counts (below); the array asks for no more than the sm80 entry does.
  CHECK(src.find("__align__(128) char smem[]") != std::string::npos);
  CHECK(src.find("__align__(1024)") == std::string::npos);
  CHECK(src.find("attnjit::sm90::fwd<Mask, Elem, kHeadDim, kBlockM, kBlockN, kWarps, kStages>(p, "
                 "maps, smem);") != std::string::npos);
  CHECK(src.find("static_assert(Shape::kSmemBytes == " +
                 std::to_string(shared_memory_bytes(default_config(64, "fp16", "sm90")))) !=
        std::string::npos);
  // No split-KV merge (the general variant's); the merge of split tiles' shares instead.
  CHECK(src.find(std::string(kMergeEntryName) + "(") == std::string::npos);
  CHECK(src.find(std::string(kShareMergeEntryName) + "(const __grid_constant__ attnjit::FwdParams "
                                                     "p)") != std::string::npos);
  CHECK(src.find("attnjit::sm90::merge_shares<kHeadDim, kBlockM, Elem, " +
                 std::to_string(kMergeWarps) + ">(p);") != std::string::npos);
}

TEST_CASE("generate_cuda: sm90 configs", "[sm90]") {
  for (int hd : {64, 128, 256})
    for (const char* dt : {"bf16", "fp16"}) {
      const KernelConfig c = default_config(hd, dt, "sm90");
      INFO("hd " << hd << " " << dt);
      CHECK(check_config(c).empty());
      CHECK(c.family == "sm90");
      CHECK(c.warps == (hd == 64 ? 16 : 12));
      CHECK(c.stages == (hd == 256 ? 2 : 3));
      CHECK(c.block_n == (hd == 256 ? 64 : 128));
      CHECK(c.block_m == (hd == 64 ? 192 : 128));
      CHECK(threads_per_block(c) == (hd == 64 ? 512 : 384));
      CHECK(shared_memory_bytes(c) == (c.block_m * hd + 2 * c.stages * c.block_n * hd) * 2 + 1024);
    }
  // The sm80 default is what it was.
  CHECK(default_config(128, "bf16").family == "sm80");
  CHECK(default_config(128, "bf16", "sm80").warps == 8);

  KernelConfig c = default_config(128, "bf16", "sm90");
  c.block_m = 64;
  CHECK(check_config(c) ==
        "sm90: block_m must be 128 or 192 (two or three consumer warpgroups of 64 rows), got 64");
  c = default_config(128, "bf16", "sm90");
  c.warps = 8;
  CHECK_THAT(check_config(c), Catch::StartsWith("sm90: block_m 128 needs 12 warps"));
  // 192 rows: three consumer warpgroups and the producer, 16 warps.
  c = default_config(64, "bf16", "sm90");
  REQUIRE(c.block_m == 192);
  c.warps = 12;
  CHECK(check_config(c) == "sm90: block_m 192 needs 16 warps (one producer and 3 consumer "
                           "warpgroups), got 12");
  c.warps = 16;
  CHECK(check_config(c).empty());
  CHECK(threads_per_block(c) == 512);
  CHECK(shared_memory_bytes(c) == (192 * 64 + 2 * 3 * 128 * 64) * 2 + 1024);
  for (int n : {32, 96, 144, 256}) {
    c = default_config(64, "bf16", "sm90");
    c.block_n = n;
    CHECK_THAT(check_config(c), Catch::Contains("sm90: block_n " + std::to_string(n)));
  }
  for (int n : {64, 128, 160, 176, 192}) {
    c = default_config(64, "bf16", "sm90");
    c.block_n = n;
    CHECK(check_config(c).empty());
  }
  c = default_config(128, "bf16", "sm90");
  c.stages = 1;
  CHECK_THAT(check_config(c), Catch::Contains("stages must be 2 to 4"));
  c.stages = 5;
  CHECK_THAT(check_config(c), Catch::Contains("stages must be 2 to 4"));
  c = default_config(128, "fp32", "sm90");
  CHECK_THAT(check_config(c), Catch::Contains("fp32"));
  c = default_config(96, "bf16", "sm90");
  CHECK_THAT(check_config(c), Catch::Contains("head dim 96"));
  // The shared-memory ceiling, static memory included: 128-key tiles at head dim 256 need 321 KiB;
  // 176-key tiles at head dim 128 fit 2 stages (209 KiB), not 3.
  c = default_config(256, "bf16", "sm90");
  c.block_n = 128;
  CHECK_THAT(check_config(c), Catch::Contains("shared memory"));
  c = default_config(128, "bf16", "sm90");
  c.block_n = 176;
  c.stages = 2;
  CHECK(check_config(c).empty());
  c.stages = 3;
  CHECK_THAT(check_config(c), Catch::Contains("shared memory"));
  c = default_config(128, "bf16", "sm90");
  c.stages = 4;
  CHECK_THAT(check_config(c), Catch::Contains("shared memory"));
  // Only the dense variant exists.
  c = default_config(128, "bf16", "sm90");
  c.general = true;
  CHECK_THAT(check_config(c), Catch::Contains("dense variant"));
  c.family = "sm70";
  CHECK_THAT(check_config(c), Catch::Contains("unknown kernel family 'sm70'"));
}

TEST_CASE("generate_cuda: sm90 needs the sm_90a target", "[sm90]") {
  CHECK(check_family_arch("sm90", "sm_90a").empty());
  CHECK(check_family_arch("sm90", "sm_80") ==
        "kernel family sm90 needs sm_90a (Hopper); the target is sm_80");
  CHECK_THAT(check_family_arch("sm90", "sm_90"), Catch::Contains("the target is sm_90"));
  CHECK_THAT(check_family_arch("sm90", "sm_100a"), Catch::Contains("needs sm_90a"));
  CHECK(check_family_arch("sm80", "sm_80").empty());
  CHECK(check_family_arch("sm80", "sm_90a").empty());
}

TEST_CASE("generate_cuda: the general variant is always of the sm80 family", "[sm90]") {
  for (int hd : {64, 128, 256}) {
    const KernelConfig g = general_config(default_config(hd, "fp16", "sm90"));
    KernelConfig want = default_config(hd, "fp16");
    CHECK(g.family == "sm80");
    CHECK(g.general);
    CHECK(g.head_dim == hd);
    CHECK(g.dtype == "fp16");
    CHECK(g.block_m == want.block_m);
    CHECK(g.block_n == want.block_n);
    CHECK(g.warps == want.warps);
    CHECK(g.stages == want.stages);
    CHECK(check_config(g).empty());
  }
  // An sm80 kernel's general variant keeps its own tiles.
  KernelConfig c = default_config(128, "bf16");
  c.block_m = 64, c.block_n = 32, c.warps = 4, c.stages = 3;
  const KernelConfig g = general_config(c);
  CHECK(g.general);
  CHECK((g.block_m == 64 && g.block_n == 32 && g.warps == 4 && g.stages == 3));
}

TEST_CASE("generate_cuda: the dense variant has no merge entry, the general one has") {
  KernelConfig c = default_config(64, "bf16");
  const std::string dense = generate("causal", c);
  CHECK(dense.find(kMergeEntryName) == std::string::npos);
  CHECK(dense.find("kStages, false, false>") != std::string::npos);
  CHECK(dense.find("//   variant:   dense batches") != std::string::npos);
  c.general = true;
  const std::string general = generate("causal", c);
  CHECK(general.find(kMergeEntryName) != std::string::npos);
  CHECK(general.find("kStages, false, true>") != std::string::npos);
  CHECK(general.find("//   variant:   general") != std::string::npos);
}

TEST_CASE("generate_cuda: banner, entry and constants") {
  const std::string src = generate("causal", default_config(128, "bf16"));
  CHECK(src.find("#define ATTNJIT_NVRTC") < src.find("#include"));
  CHECK(src.find("extern \"C\" __global__") != std::string::npos);
  CHECK(src.find(kKernelEntryName) != std::string::npos);
  CHECK(src.find("//   mask:      causal") != std::string::npos);
  CHECK(src.find("struct Mask") != std::string::npos);
}

TEST_CASE("generate_cuda: default configs are legal and fit shared memory") {
  for (int hd : {64, 128, 256})
    for (const char* dt : {"bf16", "fp16"}) {
      const KernelConfig c = default_config(hd, dt);
      INFO("hd " << hd << " " << dt);
      CHECK(check_config(c).empty());
      CHECK(shared_memory_bytes(c) <= 227 * 1024);
      CHECK(threads_per_block(c) == c.warps * 32);
    }
  CHECK(shared_memory_bytes(default_config(128, "bf16")) == (128 * 128 + 2 * 2 * 128 * 128) * 2);
}

TEST_CASE("generate_cuda: illegal configs say why") {
  KernelConfig c = default_config(128, "bf16");
  c.head_dim = 96;
  CHECK(check_config(c).find("head dim 96") != std::string::npos);
  c = default_config(128, "bf16");
  c.block_m = 48;
  CHECK(check_config(c).find("block_m 48") != std::string::npos);
  c = default_config(128, "bf16");
  c.block_n = 24;
  CHECK(check_config(c).find("block_n 24") != std::string::npos);
  c = default_config(256, "bf16");
  c.block_n = 128, c.stages = 4;
  CHECK(check_config(c).find("shared memory") != std::string::npos);
  c = default_config(128, "fp32");
  CHECK(check_config(c).find("fp32") != std::string::npos);
  c = default_config(128, "bf16");
  c.family = "sm90"; // sm80 tiles (8 warps) under the sm90 family
  CHECK(check_config(c).find("sm90") != std::string::npos);
}

TEST_CASE("generate_cuda: grid_dims is one linear dimension of tiles x heads x batch") {
  const KernelConfig c = default_config(128, "bf16"); // block_m 128
  GridDims g = grid_dims(c, 2, 16, 16384);
  CHECK(g.x == 128u * 16u * 2u);
  CHECK(g.y == 1u);
  CHECK(g.z == 1u);
  g = grid_dims(c, 1, 3, 129); // a partial last tile counts
  CHECK(g.x == 2u * 3u);
  CHECK(grid_dims(c, 1, 4, 0).x == 0u);
}

TEST_CASE("generate_cuda: a mask-free sm90 source is the same for every mask", "[sm90]") {
  KernelConfig c = default_config(128, "bf16", "sm90");
  c.mask_table = true;
  REQUIRE(check_config(c).empty());
  const std::string a = generate("causal", c);
  const std::string b = generate("window(W, W) | global(64)", c);
  CHECK(a == b);
  CHECK(a.find("using Mask = attnjit::sm90::TableMask;") != std::string::npos);
  CHECK(a.find("struct Mask") == std::string::npos);
  CHECK(a.find("causal") == std::string::npos);
  // Another tile config is another source; the inline kernel names its mask.
  KernelConfig wide = c;
  wide.block_n = 192;
  wide.head_dim = 64;
  wide.stages = 3;
  REQUIRE(check_config(wide).empty());
  CHECK(generate("causal", wide) != a);
  KernelConfig inl = c;
  inl.mask_table = false;
  CHECK(generate("causal", inl).find("struct Mask") != std::string::npos);
  // Only the sm90 family's dense variant comes mask-free.
  KernelConfig sm80 = default_config(128, "bf16");
  sm80.mask_table = true;
  CHECK_THAT(check_config(sm80), Catch::Contains("mask-free"));
  KernelConfig general = c;
  general.general = true;
  CHECK_THAT(check_config(general), Catch::Contains("mask-free"));
}
