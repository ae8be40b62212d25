#include "dsl/parser.h"
#include "dsl/print.h"

#include <catch2/catch.hpp>

using namespace attnjit;

namespace {

// The tree's shape, every operator node in parentheses, so precedence shows.
std::string shape(const Expr& e) {
  if (e.args().empty()) return to_canonical(e);
  std::string out = std::string("(") + op_spelling(e.op());
  for (const ExprPtr& a : e.args()) out += " " + shape(*a);
  return out + ")";
}

std::string parsed(std::string_view text) {
  std::vector<Diagnostic> d;
  ExprPtr e = parse(text, d);
  if (!e) return "error: " + (d.empty() ? std::string("?") : d[0].message);
  return shape(*e);
}

std::string first_error(std::string_view text) {
  std::vector<Diagnostic> d;
  ExprPtr e = parse(text, d);
  return e || d.empty() ? "" : d[0].message;
}

} // namespace

TEST_CASE("parser: precedence from loosest to tightest", "[dsl][parser]") {
  CHECK(parsed("causal | full & none") == "(| causal (& full none))");
  CHECK(parsed("causal & full | none") == "(| (& causal full) none)");
  CHECK(parsed("!causal & full") == "(& (! causal) full)");
  CHECK(parsed("!q < k") == "(! (< q k))");
  CHECK(parsed("q + 1 < k * 2") == "(< (+ q 1) (* k 2))");
  CHECK(parsed("q - k - 1 == 0") == "(== (- (- q k) 1) 0)");
  CHECK(parsed("q / 2 % 3 * 4 == 0") == "(== (* (% (/ q 2) 3) 4) 0)");
  CHECK(parsed("-q * -2 == --k") == "(== (* (- q) (- 2)) (- (- k)))");
  CHECK(parsed("!!causal") == "(! (! causal))");
}

TEST_CASE("parser: calls, built-ins, positions and parameters", "[dsl][parser]") {
  CHECK(parsed("window(1023, 0)") == "(window 1023 0)");
  CHECK(parsed("dilated(L, R, 2)") == "(dilated L R 2)");
  CHECK(parsed("abs(q - k) <= max(W, min(1, 2))") == "(<= (abs (- q k)) (max W (min 1 2)))");
  CHECK(parsed("causal") == "causal");
  CHECK(parsed("causal()") == "causal");
  CHECK(parsed("full() | none()") == "(| full none)");
  CHECK(parsed("sink(S) | global((G))") == "(| (sink S) (global G))");
}

TEST_CASE("parser: nodes carry spans of the text they came from", "[dsl][parser]") {
  std::vector<Diagnostic> d;
  ExprPtr e = parse("causal & (window(1023, 0) | sink(4))", d);
  REQUIRE(e);
  CHECK(e->span().offset == 0);
  CHECK(e->span().length == 36);      // up to the closing parenthesis
  CHECK(e->arg(1)->span().col == 11); // the parentheses belong to the operand, not the node
  const Expr& win = *e->arg(1)->arg(0);
  CHECK(win.op() == Op::Window);
  CHECK(win.span().col == 11);
  CHECK(win.span().length == 15);
  CHECK(win.arg(0)->span().col == 18);
  CHECK(win.arg(0)->value() == 1023);
}

TEST_CASE("parser: syntax errors say what was expected and what was found", "[dsl][parser]") {
  CHECK(first_error("") == "empty mask");
  CHECK(first_error("causal &") == "expected an expression, found end of input");
  CHECK(first_error("(causal") == "expected ')', found end of input");
  CHECK(first_error("causal)") == "expected end of input, found ')'");
  CHECK(first_error("causal full") == "expected end of input, found identifier 'full'");
  CHECK(first_error("window(1 2)") == "expected ',' or ')', found integer 2");
  CHECK(first_error("window") == "expected '(' after 'window', found end of input");
  CHECK(first_error("window(1)") == "'window' takes 2 arguments, found 1");
  CHECK(first_error("causal(1)") == "'causal' takes no arguments, found 1");
  CHECK(first_error("windw(1, 2)") == "unknown function 'windw'");
  CHECK(first_error("q(1)") == "'q' is not a function");
  CHECK(first_error("true") == "'true' is a reserved name");
  CHECK(first_error("0 <= q <= 5") == "comparisons cannot be chained");
  CHECK(first_error("k < 2147483648") == "integer literal 2147483648 does not fit in 32 bits");
  CHECK(first_error("k < 2147483647").empty());
}

TEST_CASE("parser: nesting is capped, not a stack overflow", "[dsl][parser]") {
  const std::string too_deep = "mask is nested too deeply (more than 200 levels)";
  auto nest = [](int n, const std::string& open, const std::string& inner,
                 const std::string& close) {
    std::string s;
    for (int i = 0; i < n; ++i) s += open;
    s += inner;
    for (int i = 0; i < n; ++i) s += close;
    return s;
  };
  CHECK(first_error(nest(150, "(", "causal", ")")).empty());
  CHECK(first_error(nest(100000, "(", "causal", ")")) == too_deep);
  CHECK(first_error(nest(100000, "!", "causal", "")) == too_deep);
  CHECK(first_error(nest(100000, "-", "q < k", "")) == too_deep);
  CHECK(first_error(nest(100000, "abs(", "q", ")")) == too_deep);
  std::string chain = "q";
  for (int i = 0; i < 100000; ++i) chain += " + 1";
  CHECK(first_error(chain + " < k") == too_deep);
  std::string ors = "causal";
  for (int i = 0; i < 150; ++i) ors += " | sink(1)";
  CHECK(first_error(ors).empty());
}
