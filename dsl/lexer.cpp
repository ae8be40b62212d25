#include "dsl/lexer.h"

#include <cstdio>
#include <string>

namespace attnjit {

const char* token_kind_name(Tok kind) {
  switch (kind) {
  case Tok::Int:
    return "integer";
  case Tok::Ident:
    return "identifier";
  case Tok::LParen:
    return "'('";
  case Tok::RParen:
    return "')'";
  case Tok::Comma:
    return "','";
  case Tok::Plus:
    return "'+'";
  case Tok::Minus:
    return "'-'";
  case Tok::Star:
    return "'*'";
  case Tok::Slash:
    return "'/'";
  case Tok::Percent:
    return "'%'";
  case Tok::Lt:
    return "'<'";
  case Tok::Le:
    return "'<='";
  case Tok::Gt:
    return "'>'";
  case Tok::Ge:
    return "'>='";
  case Tok::EqEq:
    return "'=='";
  case Tok::Ne:
    return "'!='";
  case Tok::Amp:
    return "'&'";
  case Tok::Pipe:
    return "'|'";
  case Tok::Bang:
    return "'!'";
  case Tok::End:
    return "end of input";
  }
  return "?";
}

std::string describe_token(const Token& t) {
  if (t.kind == Tok::Int) return "integer " + std::string(t.text);
  if (t.kind == Tok::Ident) return "identifier '" + std::string(t.text) + "'";
  return token_kind_name(t.kind);
}

namespace {

bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ident_char(unsigned char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9');
}
bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

// Length of the well-formed UTF-8 sequence starting at s[0] and its code point, or 0 when the
// bytes are not valid UTF-8 (a stray continuation byte, a truncated or overlong sequence).
int decode_utf8(std::string_view s, uint32_t& cp) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(0);
  int n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  if (c >= 0xF5) n = 0;
  if (n == 0 || s.size() < static_cast<size_t>(n)) return 0;
  cp = c & (0xFF >> (n + 1));
  for (int i = 1; i < n; ++i) {
    if ((b(i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i) & 0x3F);
  }
  uint32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// Users paste masks from papers and chats, where the operators come typeset.
const char* hint_for_code_point(uint32_t cp) {
  switch (cp) {
  case 0x2264:
    return "write '<=' for '\u2264'";
  case 0x2265:
    return "write '>=' for '\u2265'";
  case 0x2260:
    return "write '!=' for '\u2260'";
  case 0x2227:
    return "write '&' for '\u2227'";
  case 0x2228:
    return "write '|' for '\u2228'";
  case 0x00AC:
    return "write '!' for '\u00ac'";
  case 0x2212:
    return "write '-' for '\u2212' (unicode minus)";
  case 0x00D7:
    return "write '*' for '\u00d7'";
  case 0x00F7:
    return "write '/' for '\u00f7'";
  default:
    return "";
  }
}

class Lexer {
public:
  Lexer(std::string_view text, std::vector<Diagnostic>& diags) : src_(text), diags_(diags) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    Span end{0, 0, 1, 1};
    if (src_.size() > kMaxMaskBytes) {
      error(0, 0,
            "mask is too long (" + std::to_string(src_.size()) + " bytes, the limit is " +
                std::to_string(kMaxMaskBytes) + ")");
      out.push_back(Token{Tok::End, end, std::string_view(), 0});
      return out;
    }
    while (true) {
      skip_space();
      if (pos_ >= src_.size()) break;
      Token t;
      if (!next(t)) break;
      end = Span{t.span.offset + t.span.length, 0, t.span.line, t.span.col + t.span.length};
      out.push_back(t);
    }
    out.push_back(Token{Tok::End, end, std::string_view(), 0});
    return out;
  }

private:
  void skip_space() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == '\n') {
        ++line_;
        line_start_ = pos_ + 1;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return;
      }
      ++pos_;
    }
  }

  Span span_at(size_t start, size_t len) const {
    return Span{static_cast<int32_t>(start), static_cast<int32_t>(len), line_,
                static_cast<int32_t>(start - line_start_ + 1)};
  }

  bool error(size_t start, size_t len, std::string message, std::string hint = {}) {
    diags_.push_back(Diagnostic{span_at(start, len), std::move(message), std::move(hint)});
    return false;
  }

  bool make(Token& t, Tok kind, size_t len) {
    t.kind = kind;
    t.span = span_at(pos_, len);
    t.text = src_.substr(pos_, len);
    pos_ += len;
    return true;
  }

  // Lexes one token at pos_ (not white space); false after reporting an error.
  bool next(Token& t) {
    const unsigned char c = static_cast<unsigned char>(src_[pos_]);
    const char n = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
    if (is_digit(c)) return number(t);
    if (is_ident_start(c)) {
      size_t len = 1;
      while (pos_ + len < src_.size() && is_ident_char(src_[pos_ + len])) ++len;
      return make(t, Tok::Ident, len);
    }
    switch (c) {
    case '(':
      return make(t, Tok::LParen, 1);
    case ')':
      return make(t, Tok::RParen, 1);
    case ',':
      return make(t, Tok::Comma, 1);
    case '+':
      return make(t, Tok::Plus, 1);
    case '-':
      return make(t, Tok::Minus, 1);
    case '*':
      return make(t, Tok::Star, 1);
    case '/':
      return make(t, Tok::Slash, 1);
    case '%':
      return make(t, Tok::Percent, 1);
    case '<':
      return n == '=' ? make(t, Tok::Le, 2) : make(t, Tok::Lt, 1);
    case '>':
      return n == '=' ? make(t, Tok::Ge, 2) : make(t, Tok::Gt, 1);
    case '!':
      return n == '=' ? make(t, Tok::Ne, 2) : make(t, Tok::Bang, 1);
    case '=':
      if (n == '=') return make(t, Tok::EqEq, 2);
      return error(pos_, 1, "unexpected character '='", "write '==' to compare");
    case '&':
      if (n == '&') return error(pos_, 2, "unexpected '&&'", "write a single '&' for 'and'");
      return make(t, Tok::Amp, 1);
    case '|':
      if (n == '|') return error(pos_, 2, "unexpected '||'", "write a single '|' for 'or'");
      return make(t, Tok::Pipe, 1);
    case '[':
    case ']':
      return error(pos_, 1, std::string("unexpected character '") + static_cast<char>(c) + "'",
                   "indexing runtime tensors is not supported yet");
    default:
      break;
    }
    if (c > 0x20 && c < 0x7F)
      return error(pos_, 1, std::string("unexpected character '") + static_cast<char>(c) + "'");
    uint32_t cp = 0;
    if (int len = c >= 0x80 ? decode_utf8(src_.substr(pos_), cp) : 0) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
      return error(pos_, static_cast<size_t>(len),
                   "unexpected character '" + std::string(src_.substr(pos_, len)) + "' (" + buf +
                       ")",
                   hint_for_code_point(cp));
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned>(c));
    return error(pos_, 1, std::string("unexpected byte ") + buf);
  }

  // [0-9]+, not followed by a letter: `10k` or `0x10` is one bad token, not two good ones.
  bool number(Token& t) {
    size_t len = 0;
    int64_t value = 0;
    while (pos_ + len < src_.size() && is_digit(src_[pos_ + len])) {
      value = value * 10 + (src_[pos_ + len] - '0');
      if (value > kLitSaturated) value = kLitSaturated;
      ++len;
    }
    if (pos_ + len < src_.size() && is_ident_char(src_[pos_ + len])) {
      size_t bad = len;
      while (pos_ + bad < src_.size() && is_ident_char(src_[pos_ + bad])) ++bad;
      return error(pos_, bad,
                   "invalid integer literal '" + std::string(src_.substr(pos_, bad)) + "'",
                   "integers are written in decimal digits only");
    }
    make(t, Tok::Int, len);
    t.value = value;
    return true;
  }

  std::string_view src_;
  std::vector<Diagnostic>& diags_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  int32_t line_ = 1;
};

} // namespace

std::vector<Token> lex(std::string_view text, std::vector<Diagnostic>& diags) {
  return Lexer(text, diags).run();
}

} // namespace attnjit
