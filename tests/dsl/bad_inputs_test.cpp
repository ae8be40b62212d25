// Diagnostics, tested from a folder: each tests/dsl/bad/NAME.mask holds the rendered
// diagnostics it must produce (lines starting with "# "), a line "---", then the input.
// The input is every byte after that line, less one final newline. UPDATE_GOLDENS=1 rewrites
// the expectations from the current output, for review in the diff.
#include "dsl/parse_mask.h"
#include "test_files.h"

#include <catch2/catch.hpp>

using namespace attnjit;
using namespace attnjit::test;

namespace {

struct BadCase {
  std::string header; // comment lines before the expectation, kept when rewriting
  std::string expected;
  std::string input;
};

BadCase split(const std::string& file) {
  BadCase c;
  size_t pos = 0;
  bool in_header = true;
  while (pos < file.size()) {
    size_t eol = file.find('\n', pos);
    if (eol == std::string::npos) eol = file.size();
    std::string line = file.substr(pos, eol - pos);
    pos = eol + 1;
    if (line == "---") {
      c.input = pos < file.size() ? file.substr(pos) : "";
      if (!c.input.empty() && c.input.back() == '\n') c.input.pop_back();
      return c;
    }
    if (line.rfind("## ", 0) == 0 && in_header) {
      c.header += line + "\n";
      continue;
    }
    in_header = false;
    if (line == "#")
      c.expected += "\n";
    else if (line.rfind("# ", 0) == 0)
      c.expected += line.substr(2) + "\n";
  }
  FAIL("no '---' line separating the expectation from the input");
  return c;
}

std::string join_expectation(const BadCase& c, const std::string& rendered) {
  std::string out = c.header;
  size_t pos = 0;
  while (pos < rendered.size()) {
    size_t eol = rendered.find('\n', pos);
    if (eol == std::string::npos) eol = rendered.size();
    std::string line = rendered.substr(pos, eol - pos);
    out += line.empty() ? "#\n" : "# " + line + "\n";
    pos = eol + 1;
  }
  return out + "---\n" + c.input + "\n";
}

} // namespace

TEST_CASE("bad inputs: each produces exactly its annotated diagnostics", "[dsl][diagnostics]") {
  auto files = list_files(data_dir("dsl/bad"), ".mask");
  REQUIRE(files.size() >= 30);
  for (const auto& path : files) {
    BadCase c = split(read_file(path));
    INFO("bad input file: " << path.filename().string());
    std::vector<Diagnostic> diags;
    auto m = parse_mask(c.input, &diags);
    REQUIRE_FALSE(m.ok());
    REQUIRE_FALSE(diags.empty());
    const std::string& got = m.error().message;
    if (update_goldens()) write_file(path, join_expectation(c, got));
    std::string diff = first_difference(c.expected, got);
    INFO(diff << "\nfull output:\n" << got);
    CHECK(diff.empty());
  }
}
