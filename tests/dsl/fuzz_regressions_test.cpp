// Replays every input the fuzzer ever crashed on (tests/fuzz/regressions/) and the seed corpus:
// each must parse or fail with diagnostics, and a success must survive the canonical round trip.
#include "dsl/parse_mask.h"
#include "test_files.h"

#include <catch2/catch.hpp>

using namespace attnjit;
using namespace attnjit::test;

namespace {

void replay(const std::filesystem::path& path) {
  INFO("input: " << path.filename().string());
  const std::string bytes = read_file(path);
  std::vector<Diagnostic> diags;
  auto m = parse_mask(bytes, &diags);
  if (!m.ok()) {
    CHECK_FALSE(diags.empty());
    CHECK_FALSE(m.error().message.empty());
    return;
  }
  auto again = parse_mask(m->canonical);
  REQUIRE(again.ok());
  CHECK(again->canonical == m->canonical);
  CHECK(again->hash == m->hash);
}

} // namespace

TEST_CASE("fuzz: regression inputs neither crash nor break the round trip", "[dsl][fuzz]") {
  for (const auto& path : list_files(data_dir("fuzz/regressions"))) replay(path);
}

TEST_CASE("fuzz: seed corpus inputs neither crash nor break the round trip", "[dsl][fuzz]") {
  auto files = list_files(data_dir("fuzz/corpus"));
  CHECK(files.size() >= 24);
  for (const auto& path : files) replay(path);
}
