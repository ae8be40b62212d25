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
  c.family = "sm90";
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
