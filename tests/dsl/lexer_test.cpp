#include "dsl/lexer.h"

#include <catch2/catch.hpp>

using namespace attnjit;

namespace {

std::vector<Tok> kinds(const std::vector<Token>& ts) {
  std::vector<Tok> out;
  for (const Token& t : ts) out.push_back(t.kind);
  return out;
}

} // namespace

TEST_CASE("lexer: every operator and punctuation", "[dsl][lexer]") {
  std::vector<Diagnostic> d;
  auto ts = lex("( ) , + - * / % < <= > >= == != & | !", d);
  REQUIRE(d.empty());
  CHECK(kinds(ts) == std::vector<Tok>{Tok::LParen, Tok::RParen, Tok::Comma, Tok::Plus, Tok::Minus,
                                      Tok::Star, Tok::Slash, Tok::Percent, Tok::Lt, Tok::Le,
                                      Tok::Gt, Tok::Ge, Tok::EqEq, Tok::Ne, Tok::Amp, Tok::Pipe,
                                      Tok::Bang, Tok::End});
}

TEST_CASE("lexer: spans hold offset, length, line and column", "[dsl][lexer]") {
  std::vector<Diagnostic> d;
  auto ts = lex("causal &\n  window(1023, 0)", d);
  REQUIRE(d.empty());
  REQUIRE(ts.size() == 9);
  CHECK(ts[0].kind == Tok::Ident);
  CHECK(ts[0].text == "causal");
  CHECK(ts[0].span.offset == 0);
  CHECK(ts[0].span.length == 6);
  CHECK(ts[1].span.col == 8);
  CHECK(ts[2].text == "window");
  CHECK(ts[2].span.line == 2);
  CHECK(ts[2].span.col == 3);
  CHECK(ts[2].span.offset == 11);
  CHECK(ts[4].kind == Tok::Int);
  CHECK(ts[4].value == 1023);
  CHECK(ts[4].span.length == 4);
  // The end token sits just after the last token, where a missing operand would go.
  CHECK(ts.back().kind == Tok::End);
  CHECK(ts.back().span.line == 2);
  CHECK(ts.back().span.col == 18);
  CHECK(ts.back().span.length == 0);
}

TEST_CASE("lexer: two-character operators are not split", "[dsl][lexer]") {
  std::vector<Diagnostic> d;
  auto ts = lex("q<=k!=1>=2==3<4>5!x", d);
  REQUIRE(d.empty());
  CHECK(kinds(ts) == std::vector<Tok>{Tok::Ident, Tok::Le, Tok::Ident, Tok::Ne, Tok::Int, Tok::Ge,
                                      Tok::Int, Tok::EqEq, Tok::Int, Tok::Lt, Tok::Int, Tok::Gt,
                                      Tok::Int, Tok::Bang, Tok::Ident, Tok::End});
}

TEST_CASE("lexer: identifiers with digits and underscores", "[dsl][lexer]") {
  std::vector<Diagnostic> d;
  auto ts = lex("_w1 W_2 q k", d);
  REQUIRE(d.empty());
  CHECK(ts[0].text == "_w1");
  CHECK(ts[1].text == "W_2");
  CHECK(ts.size() == 5);
}

TEST_CASE("lexer: huge integers saturate instead of overflowing", "[dsl][lexer]") {
  std::vector<Diagnostic> d;
  auto ts = lex("99999999999999999999999999999999", d);
  REQUIRE(d.empty());
  CHECK(ts[0].value == kLitSaturated);
}

TEST_CASE("lexer: errors stop at the first bad byte", "[dsl][lexer]") {
  std::vector<Diagnostic> d;
  lex("causal $ #", d);
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "unexpected character '$'");
  CHECK(d[0].span.col == 8);

  d.clear();
  lex("q \xe2\x89\xa4 k", d);
  REQUIRE(d.size() == 1);
  CHECK(d[0].span.length == 3);
  CHECK(d[0].hint == "write '<=' for '\xe2\x89\xa4'");

  d.clear();
  lex(std::string_view("q\0k", 3), d);
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "unexpected byte 0x00");

  d.clear();
  lex("\xe2\x89", d); // a truncated sequence is a bad byte, not a character
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "unexpected byte 0xe2");
}

TEST_CASE("lexer: input longer than the limit is refused", "[dsl][lexer]") {
  std::vector<Diagnostic> d;
  std::string big(kMaxMaskBytes + 1, ' ');
  auto ts = lex(big, d);
  REQUIRE(d.size() == 1);
  CHECK(ts.size() == 1);
}
