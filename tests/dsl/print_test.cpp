#include "dsl/const_eval.h"
#include "dsl/parse_mask.h"
#include "dsl/print.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace attnjit;

namespace {

std::string canon(std::string_view text) {
  auto m = parse_mask(text);
  INFO(text);
  REQUIRE(m.ok());
  return m->canonical;
}

} // namespace

TEST_CASE("print: canonical text has minimal parentheses and single spaces", "[dsl][print]") {
  CHECK(canon("causal&(window( 1023 ,0 )|sink(4))") == "causal & (window(1023, 0) | sink(4))");
  CHECK(canon("((causal & full)) | none") == "causal & full | none");
  CHECK(canon("causal & (full | none)") == "causal & (full | none)");
  CHECK(canon("!(causal)") == "!causal");
  CHECK(canon("!(causal & full)") == "!(causal & full)");
  CHECK(canon("!(q < k)") == "!q < k");
  CHECK(canon("-(q) < -(k + 1)") == "-q < -(k + 1)");
  CHECK(canon("(q - k) - 1 < 0") == "q - k - 1 < 0");
  CHECK(canon("q - (k - 1) < 0") == "q - (k - 1) < 0");
  CHECK(canon("q / (2 * 3) == (q / 2) * 3") == "q / (2 * 3) == q / 2 * 3");
  CHECK(canon("(q < k) & (k < q + 1)") == "q < k & k < q + 1");
  CHECK(canon("abs((q - k)) <= min((W), 2)") == "abs(q - k) <= min(W, 2)");
  CHECK(canon("causal()") == "causal");
}

TEST_CASE("print: negative literals built by later passes read back the same", "[dsl][print]") {
  ExprPtr e = make_node(Op::Lt, {make_node(Op::Sub, {make_leaf(Op::Q), make_lit(-5)}),
                                 make_node(Op::Mul, {make_lit(-2), make_leaf(Op::K)})});
  std::string text = to_canonical(*e);
  CHECK(text == "q - -5 < -2 * k");
  CHECK(canon(text) == text);
  CHECK(to_canonical(*make_node(Op::Neg, {make_lit(-3)})) == "--3");
}

TEST_CASE("print: the IR dump shows one node per line with spans", "[dsl][print]") {
  auto m = parse_mask("causal & window(1, 2)");
  REQUIRE(m.ok());
  CHECK(dump_ir(*m->expr) == "and 1:1+21\n"
                             "  causal 1:1+6\n"
                             "  window 1:10+12\n"
                             "    lit 1 1:17+1\n"
                             "    lit 2 1:20+1\n");
}

TEST_CASE("hash: white space and redundant parentheses do not change it", "[dsl][hash]") {
  auto a = parse_mask("causal&window(1,2)");
  auto b = parse_mask("( causal ) & (window(1 , 2))");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->hash == b->hash);
  CHECK(a->hash.size() == 16);
  CHECK(a->hash.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("hash: different masks hash differently", "[dsl][hash]") {
  std::vector<std::string> hashes;
  for (const char* m : {"causal", "full", "window(1, 2)", "window(2, 1)", "causal & window(1, 2)",
                        "window(1, 2) & causal", "sink(4)", "global(4)", "prefix(4)", "chunk(4)",
                        "q - (k - 1) < 0", "q - k - 1 < 0", "window(W, 0)", "window(V, 0)"}) {
    auto r = parse_mask(m);
    REQUIRE(r.ok());
    hashes.push_back(r->hash);
  }
  std::sort(hashes.begin(), hashes.end());
  CHECK(std::adjacent_find(hashes.begin(), hashes.end()) == hashes.end());
}

TEST_CASE("const_eval: floor division and remainder for every sign", "[dsl][const]") {
  CHECK(floor_div(-7, 2) == -4);
  CHECK(floor_mod(-7, 2) == 1);
  CHECK(floor_div(7, 2) == 3);
  CHECK(floor_mod(7, 2) == 1);
  CHECK(floor_div(-8, 2) == -4);
  CHECK(floor_mod(-8, 2) == 0);
  CHECK(floor_div(0, 5) == 0);
  ExprPtr e = make_node(Op::Add, {make_node(Op::Div, {make_lit(-7), make_lit(2)}),
                                  make_node(Op::Mod, {make_lit(-7), make_lit(2)})});
  CHECK(constant_value(*e) == -3);
  CHECK(constant_value(*make_node(Op::Abs, {make_lit(-4)})) == 4);
  CHECK(constant_value(*make_node(Op::Div, {make_lit(1), make_lit(0)})) == std::nullopt);
  CHECK(constant_value(*make_node(Op::Add, {make_param("W"), make_lit(1)})) == std::nullopt);
  const int64_t big = int64_t{1} << 62;
  CHECK(constant_value(*make_node(Op::Mul, {make_lit(big), make_lit(4)})) == std::nullopt);
}
