#include "dsl/diagnostic.h"
#include "dsl/parse_mask.h"

#include <catch2/catch.hpp>

using namespace attnjit;

TEST_CASE("diagnostic: header, source line, caret and hint", "[dsl][diagnostic]") {
  Diagnostic d{Span{9, 6, 1, 10}, "unknown function 'windw'", "did you mean 'window'?"};
  CHECK(format_diagnostic("causal & windw(1, 2)", d) == "mask:1:10: error: unknown function "
                                                        "'windw'\n"
                                                        "causal & windw(1, 2)\n"
                                                        "         ^~~~~~\n"
                                                        "hint: did you mean 'window'?\n");
}

TEST_CASE("diagnostic: no hint line without a hint; file name is used", "[dsl][diagnostic]") {
  Diagnostic d{Span{3, 1, 1, 4}, "expected end of input, found ')'", ""};
  CHECK(format_diagnostic("q<k)", d, "in.mask") ==
        "in.mask:1:4: error: expected end of input, found ')'\nq<k)\n   ^\n");
}

TEST_CASE("diagnostic: the caret is on the span's own line", "[dsl][diagnostic]") {
  Diagnostic d{Span{11, 5, 2, 3}, "m", ""};
  CHECK(format_diagnostic("causal &\n  windw(1)\nfull", d) == "mask:2:3: error: m\n"
                                                              "  windw(1)\n"
                                                              "  ^~~~~\n");
}

TEST_CASE("diagnostic: tabs are kept and UTF-8 counts as one column", "[dsl][diagnostic]") {
  Diagnostic d{Span{1, 6, 1, 2}, "m", ""};
  CHECK(format_diagnostic("\tcasual", d) == "mask:1:2: error: m\n\tcasual\n\t^~~~~~\n");
  Diagnostic u{Span{2, 3, 1, 3}, "m", ""};
  CHECK(format_diagnostic("q \xe2\x89\xa4 k", u) == "mask:1:3: error: m\nq \xe2\x89\xa4 k\n  ^\n");
}

TEST_CASE("diagnostic: a span at the end of input puts the caret after the text",
          "[dsl][diagnostic]") {
  Diagnostic d{Span{8, 0, 1, 9}, "expected an expression, found end of input", ""};
  CHECK(format_diagnostic("causal &", d) ==
        "mask:1:9: error: expected an expression, found end of input\ncausal &\n        ^\n");
}

TEST_CASE("diagnostic: spans outside the text are clamped", "[dsl][diagnostic]") {
  Diagnostic d{Span{100, 50, 1, 101}, "m", ""};
  CHECK(format_diagnostic("q", d) == "mask:1:101: error: m\nq\n ^\n");
  CHECK(format_diagnostic("", Diagnostic{Span{-5, -2, 1, 1}, "m", ""}) ==
        "mask:1:1: error: m\n\n^\n");
}

TEST_CASE("diagnostic: several render one after another", "[dsl][diagnostic]") {
  std::vector<Diagnostic> ds;
  auto m = parse_mask("casual | !3", &ds);
  REQUIRE_FALSE(m.ok());
  REQUIRE(ds.size() == 2);
  CHECK(m.error().message == format_diagnostics("casual | !3", ds));
  CHECK(m.error().message.find("mask:1:1: error:") == 0);
  CHECK(m.error().message.find("mask:1:11: error:") != std::string::npos);
}

TEST_CASE("diagnostic: a megabyte of mistakes renders quickly and boundedly", "[dsl][diagnostic]") {
  // Wide, not deep: 'sink(-1) | (sink(-1) | ...)' would hit the depth cap, so nest in groups.
  std::string group = "(!1 | !1 | !1 | !1 | !1 | !1 | !1 | !1)";
  std::string text = group;
  while (text.size() < (size_t{1} << 19)) text = "(" + text + " & " + text + ")";
  std::vector<Diagnostic> ds;
  auto m = parse_mask(text, &ds);
  REQUIRE_FALSE(m.ok());
  CHECK(ds.size() == 20);
  CHECK(m.error().message.size() < 25 * (text.size() + 200));
}
