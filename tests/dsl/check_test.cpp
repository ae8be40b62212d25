#include "dsl/check.h"
#include "dsl/parser.h"

#include <catch2/catch.hpp>

using namespace attnjit;

namespace {

// The checker's diagnostics for a mask that parses, as "message | hint" strings.
std::vector<std::string> problems(std::string_view text) {
  std::vector<Diagnostic> d;
  ExprPtr e = parse(text, d);
  REQUIRE(e);
  check_mask(*e, d);
  std::vector<std::string> out;
  for (const Diagnostic& x : d) out.push_back(x.message + (x.hint.empty() ? "" : " | " + x.hint));
  return out;
}

} // namespace

TEST_CASE("check: well-typed masks pass", "[dsl][check]") {
  for (const char* ok :
       {"causal", "full", "none", "window(W, 0)", "causal & chunk(C)", "dilated(8, 8, 2)",
        "q * 2 - k * W < 0", "(q - k) % 4 == 0", "abs(q - k) <= W", "W > 0 & causal", "sink(0)",
        "window(0, 0)", "q / (1 + 1) == k / 2", "k % -(-3) == 0", "window(2 - 1, N)"}) {
    INFO(ok);
    CHECK(problems(ok).empty());
  }
}

TEST_CASE("check: type errors say what was expected and found", "[dsl][check]") {
  CHECK(problems("q & k") ==
        std::vector<std::string>{
            "expected a boolean operand of '&', found integer expression 'q' | compare "
            "integers with '<', '<=', '>', '>=', '==' or '!=' to get a boolean",
            "expected a boolean operand of '&', found integer expression 'k' | compare "
            "integers with '<', '<=', '>', '>=', '==' or '!=' to get a boolean"});
  CHECK(problems("!3").at(0).rfind("expected a boolean operand of '!', found integer 3", 0) == 0);
  CHECK(problems("window(1, 2) + 1")
            .at(0)
            .rfind("expected an integer operand of '+', found boolean expression 'window(1, 2)'",
                   0) == 0);
  CHECK(problems("q - k").at(0).rfind("expected a boolean mask, found integer expression", 0) == 0);
  CHECK(problems("causal < 3").at(0).rfind("expected an integer operand of '<'", 0) == 0);
  CHECK(problems("window(causal, 0)").at(0).rfind("expected an integer argument of 'window'", 0) ==
        0);
}

TEST_CASE("check: a parameter where a mask is expected suggests a built-in", "[dsl][check]") {
  CHECK(problems("casual") ==
        std::vector<std::string>{
            "expected a boolean mask, found parameter 'casual' | did you mean 'causal'?"});
  CHECK(problems("Causal & full").at(0) ==
        "expected a boolean operand of '&', found parameter 'Causal' | did you mean 'causal'?");
  CHECK(problems("causal | windwo").at(0) == "expected a boolean operand of '|', found parameter "
                                             "'windwo' | did you mean 'window(left, right)'?");
  CHECK(problems("causal | doc").at(0).find("compare it, e.g. 'k < doc'") != std::string::npos);
}

TEST_CASE("check: q and k stay out of products, divisors and built-in sizes", "[dsl][check]") {
  CHECK(problems("q * k < 10").at(0).rfind("cannot multiply 'q' by 'k'", 0) == 0);
  CHECK(problems("(q - 1) * (k + 1) < 10").size() == 1);
  CHECK(problems("q / k == 0").at(0).rfind("the divisor of '/' must not depend on q or k", 0) == 0);
  CHECK(problems("q % (k + 1) == 0").size() == 1);
  CHECK(problems("window(q, 0)").at(0).rfind("the arguments of 'window' must not depend", 0) == 0);
  CHECK(problems("sink(abs(k))").size() == 1);
}

TEST_CASE("check: constant sizes and divisors in range", "[dsl][check]") {
  CHECK(problems("window(-1, 0)").at(0) ==
        "the left size of 'window' must not be negative, found -1 | write 'causal' for every key "
        "up to the query, or 'window(n, 0)' for the last n + 1");
  CHECK(problems("window(0, 1 - 3)")
            .at(0)
            .rfind("the right size of 'window' must not be negative, found -2 from '1 - 3'", 0) ==
        0);
  CHECK(problems("sink(-4)").size() == 1);
  CHECK(problems("global(-1)").size() == 1);
  CHECK(problems("prefix(-(1))").size() == 1);
  CHECK(problems("chunk(0)") ==
        std::vector<std::string>{"the size of 'chunk' must be positive, found 0"});
  CHECK(problems("dilated(1, 1, -2)").at(0) ==
        "the dilation of 'dilated' must be positive, found -2");
  CHECK(problems("x / 0 < k") ==
        std::vector<std::string>{"the divisor of '/' must be positive, found 0"});
  CHECK(problems("x % (2 - 3) < k") ==
        std::vector<std::string>{"the divisor of '%' must be positive, found -1 from '2 - 3'"});
  // A parameter's value is only known at launch.
  CHECK(problems("chunk(C) & x / D < k").empty());
}

TEST_CASE("check: every problem is reported, not just the first", "[dsl][check]") {
  CHECK(problems("casual | !3 | chunk(0)").size() == 3);
}

TEST_CASE("check: a long mask full of mistakes reports a bounded number", "[dsl][check]") {
  std::string text = "!1";
  for (int i = 0; i < 150; ++i) text += " | !1";
  CHECK(problems(text).size() == static_cast<size_t>(kMaxCheckErrors));
}
