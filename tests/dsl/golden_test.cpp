// Golden tests: each tests/dsl/golden/NAME.mask is parsed, and its canonical form, hash,
// parameters and IR dump are compared with NAME.golden. UPDATE_GOLDENS=1 rewrites the files.
#include "dsl/parse_mask.h"
#include "dsl/print.h"
#include "test_files.h"

#include <catch2/catch.hpp>

using namespace attnjit;
using namespace attnjit::test;

namespace {

std::string strip_final_newline(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

std::string render(const std::string& text, const ParsedMask& m) {
  std::string params;
  for (const std::string& p : m.params) params += (params.empty() ? "" : ", ") + p;
  return "canonical: " + m.canonical + "\nhash: " + m.hash +
         "\nparams: " + (params.empty() ? "(none)" : params) + "\n\n" + dump_ir(*m.expr);
}

} // namespace

TEST_CASE("golden: canonical form and IR dump of every golden mask", "[dsl][golden]") {
  auto masks = list_files(data_dir("dsl/golden"), ".mask");
  REQUIRE(masks.size() >= 24);
  for (const auto& path : masks) {
    const std::string text = strip_final_newline(read_file(path));
    INFO("mask file: " << path.filename().string() << "\ntext: " << text);
    auto m = parse_mask(text);
    REQUIRE(m.ok());
    std::string got = render(text, *m);
    auto golden = std::filesystem::path(path).replace_extension(".golden");
    if (update_goldens()) write_file(golden, got);
    REQUIRE(std::filesystem::exists(golden));
    std::string diff = first_difference(read_file(golden), got);
    INFO("golden file: " << golden.filename().string() << "\n" << diff);
    CHECK(diff.empty());
  }
}

TEST_CASE("golden: every golden mask survives the canonical round trip", "[dsl][golden]") {
  for (const auto& path : list_files(data_dir("dsl/golden"), ".mask")) {
    const std::string text = strip_final_newline(read_file(path));
    INFO(path.filename().string() << ": " << text);
    auto first = parse_mask(text);
    REQUIRE(first.ok());
    auto again = parse_mask(first->canonical);
    REQUIRE(again.ok());
    CHECK(again->canonical == first->canonical);
    CHECK(again->hash == first->hash);
    CHECK(again->params == first->params);
  }
}
