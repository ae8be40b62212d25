// Lexer: mask text -> tokens. Every token carries its span (byte offset, length, 1-based line
// and column). White space (space, tab, CR, LF) separates tokens; any other byte that starts no
// token is an error.
#pragma once

#include "dsl/diagnostic.h"
#include "dsl/span.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnjit {

enum class Tok : uint8_t {
  Int,     // 123 (`value` holds it, saturated at kLitSaturated)
  Ident,   // [A-Za-z_][A-Za-z0-9_]*
  LParen,  // (
  RParen,  // )
  Comma,   // ,
  Plus,    // +
  Minus,   // -
  Star,    // *
  Slash,   // /
  Percent, // %
  Lt,      // <
  Le,      // <=
  Gt,      // >
  Ge,      // >=
  EqEq,    // ==
  Ne,      // !=
  Amp,     // &
  Pipe,    // |
  Bang,    // !
  End,     // end of input (length 0, placed just after the last token)
};

// Integer tokens larger than this keep this value: it is already far outside 32 bits, and
// saturating keeps the lexer free of overflow whatever the number of digits.
constexpr int64_t kLitSaturated = int64_t{1} << 40;

// Spans hold 32-bit offsets, and a real mask is one short line; longer input is refused.
constexpr size_t kMaxMaskBytes = size_t{1} << 20;

struct Token {
  Tok kind = Tok::End;
  Span span;
  std::string_view text; // the bytes of the source it covers
  int64_t value = 0;     // Int only
};

// How a token kind is shown in messages: "')'", "end of input", "integer", "identifier".
const char* token_kind_name(Tok kind);
// How a token is shown in "found ..." messages: "')'", "integer 12", "identifier 'foo'".
std::string describe_token(const Token& t);

// Splits `text` into tokens, always ending with one End token. Stops at the first error, which
// is appended to `diags`; the tokens are then incomplete and must not be parsed.
std::vector<Token> lex(std::string_view text, std::vector<Diagnostic>& diags);

} // namespace attnjit
