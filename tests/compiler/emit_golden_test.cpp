// Golden files of the emitted mask structs. UPDATE_GOLDENS=1 rewrites them for review.
#include "compiler/emit_mask_struct.h"
#include "emit_masks.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace attnjit;

namespace {

// "" when equal, else the first differing line of each.
std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ha = bool(std::getline(a, la)), hb = bool(std::getline(b, lb));
    if (!ha && !hb) return "";
    if (!ha || !hb || la != lb)
      return "line " + std::to_string(line) + ":\n  golden: " + (ha ? la : "<end>") +
             "\n  output: " + (hb ? lb : "<end>");
  }
}

} // namespace

TEST_CASE("emitted mask structs match their golden files") {
  const bool update =
      std::getenv("UPDATE_GOLDENS") && std::string(std::getenv("UPDATE_GOLDENS")) == "1";
  for (const auto& m : attnjit::testing::kEmittedMasks) {
    Result<MaskProgram> p = build_mask_program(m.text);
    REQUIRE(p.ok());
    const std::string got = emit_mask_struct(*p);
    const std::string path =
        std::string(ATTNJIT_TEST_DATA) + "/compiler/golden_mask/" + m.name + ".cuh";
    if (update) {
      std::ofstream(path, std::ios::binary) << got;
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    INFO("golden file " << path << " (UPDATE_GOLDENS=1 writes it)");
    REQUIRE(in.good());
    std::stringstream want;
    want << in.rdbuf();
    const std::string diff = first_difference(want.str(), got);
    INFO(m.text << " differs from its golden file at " << diff);
    CHECK(diff.empty());
  }
}
