// Launch-time binding and checks, and normalize's output for the built-ins.
#include "compiler/bind_params.h"
#include "compiler/normalize.h"
#include "dsl/print.h"

#include <catch2/catch.hpp>

using namespace attnjit;

namespace {

MaskProgram program(const char* text) {
  Result<MaskProgram> m = build_mask_program(text);
  INFO(text);
  REQUIRE(m.ok());
  return std::move(m.value());
}

std::string error_of(const Result<void>& r) {
  return r.ok() ? "" : r.error().message;
}

} // namespace

TEST_CASE("normalize spells built-ins as comparisons and pushes negations down") {
  const std::pair<const char*, const char*> cases[] = {
      {"causal", "k <= q"},
      {"window(W, 0)", "q - W <= k & k <= q"},
      {"window(0, 0)", "q <= k & k <= q"},
      {"sink(4)", "k < 4"},
      {"global(G)", "k < G | q < G"},
      {"prefix(P)", "q < P & k < P"},
      {"chunk(C)", "q / C == k / C"},
      {"dilated(L, R, D)", "q - L <= k & k <= q + R & (q - k) % D == 0"},
      {"!causal", "k > q"},
      {"!(window(3, 1) | sink(2))", "(q - 3 > k | k > q + 1) & k >= 2"},
      {"abs(q - k) <= W", "-W <= q - k & q - k <= W"},
      {"W > abs(k - q)", "-W < k - q & k - q < W"},
      {"abs(q - k) >= 2", "q - k <= -2 | 2 <= q - k"},
      {"causal & full", "k <= q"},
      {"causal | full", "full"},
      {"!full | none", "none"},
  };
  for (const auto& [text, want] : cases) {
    INFO(text);
    CHECK(to_canonical(*program(text).normalized) == want);
  }
}

TEST_CASE("bind_params orders values and names the problem") {
  const MaskProgram m = program("causal & (window(W, 0) | sink(S))");
  REQUIRE(m.params == std::vector<std::string>{"S", "W"});
  Result<std::vector<int64_t>> v = bind_params(m, {{"W", 1023}, {"S", 4}});
  REQUIRE(v.ok());
  CHECK(*v == std::vector<int64_t>{4, 1023});

  Result<std::vector<int64_t>> missing = bind_params(m, {{"W", 1}});
  REQUIRE(!missing.ok());
  CHECK_THAT(missing.error().message, Catch::Contains("parameter 'S' is not bound"));

  Result<std::vector<int64_t>> typo = bind_params(m, {{"W", 1}, {"S", 2}, {"Ww", 3}});
  REQUIRE(!typo.ok());
  CHECK_THAT(typo.error().message, Catch::Contains("'Ww' is not a parameter of this mask"));
  CHECK_THAT(typo.error().message, Catch::Contains("did you mean 'W'?"));

  Result<std::vector<int64_t>> twice = bind_params(m, {{"W", 1}, {"S", 2}, {"W", 3}});
  REQUIRE(!twice.ok());
  CHECK_THAT(twice.error().message, Catch::Contains("'W' is given more than once"));

  Result<std::vector<int64_t>> none = bind_params(program("causal"), {{"W", 1}});
  REQUIRE(!none.ok());
  CHECK_THAT(none.error().message, Catch::Contains("(it has none)"));
}

TEST_CASE("check_launch refuses values the language rules out") {
  CHECK(error_of(check_launch(program("window(W, 0)"), {1023}, 4096, 4096)).empty());
  CHECK_THAT(error_of(check_launch(program("window(W, 0)"), {-1}, 16, 16)),
             Catch::Contains("left size of 'window' must not be negative, found 'W' = -1"));
  CHECK_THAT(error_of(check_launch(program("sink(S)"), {-2}, 16, 16)),
             Catch::Contains("size of 'sink' must not be negative, found 'S' = -2"));
  CHECK_THAT(error_of(check_launch(program("global(G) | prefix(P)"), {0, -1}, 16, 16)),
             Catch::Contains("size of 'prefix' must not be negative, found 'P' = -1"));
  CHECK_THAT(error_of(check_launch(program("chunk(C)"), {0}, 16, 16)),
             Catch::Contains("size of 'chunk' must be positive, found 'C' = 0"));
  CHECK_THAT(error_of(check_launch(program("dilated(1, 1, D)"), {-3}, 16, 16)),
             Catch::Contains("dilation of 'dilated' must be positive, found 'D' = -3"));
  CHECK_THAT(error_of(check_launch(program("q / C == k % C"), {0}, 16, 16)),
             Catch::Contains("divisor of '/' must be positive, found 'C' = 0"));
  CHECK_THAT(error_of(check_launch(program("causal"), {1}, 16, 16)),
             Catch::Contains("takes 0 parameter values, got 1"));
}

TEST_CASE("check_launch proves 32-bit arithmetic or names the subexpression") {
  CHECK(error_of(check_launch(program("causal & window(W, 0)"), {1023}, 1 << 20, 1 << 20)).empty());
  CHECK(error_of(check_launch(program("k * 1000 <= q"), {}, 1 << 20, 1 << 21)).empty());
  CHECK_THAT(error_of(check_launch(program("k * 1000 <= q"), {}, 16, 1 << 22)),
             Catch::Contains("'k * 1000' can reach 4194303000"));
  CHECK_THAT(error_of(check_launch(program("window(W, W)"), {2147483000}, 16, 4096)),
             Catch::Contains("'q + W'"));
  // Lq > Lk puts queries at negative positions: q - W goes below them.
  CHECK_THAT(error_of(check_launch(program("window(W, 0)"), {2147483600}, 4096, 16)),
             Catch::Contains("'q - W'"));
}
