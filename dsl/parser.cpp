#include "dsl/parser.h"

#include "dsl/names.h"
#include "dsl/print.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <string>

namespace attnjit {
namespace {

// A subtree, its height (so that long operator chains are caught as they are built) and the
// text it was written as, parentheses included: `(q - k) / 2` spans from the '(' although the
// subtraction node itself spans `q - k`.
struct Node {
  ExprPtr e;
  int height = 0;
  Span outer;
  explicit operator bool() const { return e != nullptr; }
};

Node leaf(ExprPtr e) {
  Span s = e->span();
  return Node{std::move(e), 1, s};
}

std::string at(const Span& s) {
  return std::to_string(s.line) + ":" + std::to_string(s.col);
}

bool is_comparison_token(Tok t) {
  return t == Tok::Lt || t == Tok::Le || t == Tok::Gt || t == Tok::Ge || t == Tok::EqEq ||
         t == Tok::Ne;
}

Op comparison_op(Tok t) {
  switch (t) {
  case Tok::Lt:
    return Op::Lt;
  case Tok::Le:
    return Op::Le;
  case Tok::Gt:
    return Op::Gt;
  case Tok::Ge:
    return Op::Ge;
  case Tok::EqEq:
    return Op::Eq;
  case Tok::Ne:
    return Op::Ne;
  default:
    assert(false && "comparison_op takes a comparison token");
    return Op::Eq;
  }
}

bool starts_operand(Tok t) {
  return t == Tok::Int || t == Tok::Ident || t == Tok::LParen || t == Tok::Bang;
}

class Parser {
public:
  Parser(const std::vector<Token>& tokens, std::vector<Diagnostic>& diags)
      : toks_(tokens), diags_(diags) {
    assert(!toks_.empty() && toks_.back().kind == Tok::End && "token list must end with End");
  }

  // mask := or END
  ExprPtr run() {
    if (peek().kind == Tok::End) {
      error(peek().span, "empty mask",
            "write 'full' to attend everywhere or 'causal' for causal attention");
      return nullptr;
    }
    Node e = parse_or();
    if (!e) return nullptr;
    if (peek().kind != Tok::End) {
      const Token& t = peek();
      std::string hint;
      const char* reserved = t.kind == Tok::Ident ? reserved_hint(t.text) : nullptr;
      if (t.kind == Tok::RParen)
        hint = "this ')' has no matching '('";
      else if (reserved)
        hint = reserved;
      else if (starts_operand(t.kind))
        hint = "join two masks with '&' or '|'";
      expected("end of input", hint);
      return nullptr;
    }
    return e.e;
  }

private:
  // Counts recursion into nested parentheses, calls and unary operators.
  class DepthGuard {
  public:
    explicit DepthGuard(Parser& p) : p_(p) { ++p_.depth_; }
    ~DepthGuard() { --p_.depth_; }
    bool ok() const { return p_.depth_ <= kMaxDepth; }

  private:
    Parser& p_;
  };

  const Token& peek(size_t ahead = 0) const {
    return toks_[std::min(pos_ + ahead, toks_.size() - 1)];
  }
  const Token& advance() {
    const Token& t = peek();
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }

  Node error(const Span& span, std::string message, std::string hint = {}) {
    diags_.push_back(Diagnostic{span, std::move(message), std::move(hint)});
    return {};
  }
  Node expected(const std::string& what, std::string hint = {}) {
    return error(peek().span, "expected " + what + ", found " + describe_token(peek()),
                 std::move(hint));
  }
  Node too_deep(const Span& span) {
    return error(span,
                 "mask is nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)",
                 "split it into simpler parts");
  }

  // Builds a node over `args`; `where` is the operator, blamed when the tree gets too deep.
  Node node(Op op, const std::vector<Node>& args, const Span& span, const Span& where) {
    int h = 0;
    std::vector<ExprPtr> es;
    es.reserve(args.size());
    for (const Node& a : args) {
      h = std::max(h, a.height);
      es.push_back(a.e);
    }
    if (h + 1 > kMaxDepth) return too_deep(where);
    return Node{make_node(op, std::move(es), span), h + 1, span};
  }

  // or := and ('|' and)*
  Node parse_or() {
    Node l = parse_and();
    while (l && peek().kind == Tok::Pipe) {
      const Token& op = advance();
      Node r = parse_and();
      if (!r) return {};
      l = node(Op::Or, {l, r}, join(l.outer, r.outer), op.span);
    }
    return l;
  }

  // and := not ('&' not)*
  Node parse_and() {
    Node l = parse_not();
    while (l && peek().kind == Tok::Amp) {
      const Token& op = advance();
      Node r = parse_not();
      if (!r) return {};
      l = node(Op::And, {l, r}, join(l.outer, r.outer), op.span);
    }
    return l;
  }

  // not := '!' not | comparison
  Node parse_not() {
    if (peek().kind != Tok::Bang) return parse_comparison();
    DepthGuard guard(*this);
    const Token& op = advance();
    if (!guard.ok()) return too_deep(op.span);
    Node x = parse_not();
    if (!x) return {};
    return node(Op::Not, {x}, join(op.span, x.outer), op.span);
  }

  // comparison := additive (('<' | '<=' | '>' | '>=' | '==' | '!=') additive)?
  // A second comparison operator is an error: `a <= b <= c` reads as a range but would
  // compare a boolean with an integer.
  Node parse_comparison() {
    Node l = parse_additive();
    if (!l || !is_comparison_token(peek().kind)) return l;
    const Token& op = advance();
    Node r = parse_additive();
    if (!r) return {};
    if (is_comparison_token(peek().kind)) return chained(l, op, r);
    return node(comparison_op(op.kind), {l, r}, join(l.outer, r.outer), op.span);
  }

  Node chained(const Node& a, const Token& op1, const Node& b) {
    const Token& op2 = advance();
    std::string hint = "write 'a <= b & b <= c'";
    // Spell the hint with the user's own operands when the third one parses.
    size_t mark = diags_.size();
    if (Node c = parse_additive()) {
      std::string bt = to_canonical(*b.e);
      hint = "write '" + to_canonical(*a.e) + " " + std::string(op1.text) + " " + bt + " & " + bt +
             " " + std::string(op2.text) + " " + to_canonical(*c.e) + "'";
    }
    diags_.resize(mark);
    return error(op2.span, "comparisons cannot be chained", hint);
  }

  // additive := multiplicative (('+' | '-') multiplicative)*
  Node parse_additive() {
    Node l = parse_multiplicative();
    while (l && (peek().kind == Tok::Plus || peek().kind == Tok::Minus)) {
      const Token& op = advance();
      Node r = parse_multiplicative();
      if (!r) return {};
      Op o = op.kind == Tok::Plus ? Op::Add : Op::Sub;
      l = node(o, {l, r}, join(l.outer, r.outer), op.span);
    }
    return l;
  }

  // multiplicative := unary (('*' | '/' | '%') unary)*
  Node parse_multiplicative() {
    Node l = parse_unary();
    while (l &&
           (peek().kind == Tok::Star || peek().kind == Tok::Slash || peek().kind == Tok::Percent)) {
      const Token& op = advance();
      Node r = parse_unary();
      if (!r) return {};
      Op o = op.kind == Tok::Star ? Op::Mul : op.kind == Tok::Slash ? Op::Div : Op::Mod;
      l = node(o, {l, r}, join(l.outer, r.outer), op.span);
    }
    return l;
  }

  // unary := '-' unary | primary
  Node parse_unary() {
    if (peek().kind != Tok::Minus) return parse_primary();
    DepthGuard guard(*this);
    const Token& op = advance();
    if (!guard.ok()) return too_deep(op.span);
    Node x = parse_unary();
    if (!x) return {};
    return node(Op::Neg, {x}, join(op.span, x.outer), op.span);
  }

  // primary := INT | IDENT | IDENT '(' args ')' | '(' or ')'
  Node parse_primary() {
    const Token& t = peek();
    switch (t.kind) {
    case Tok::Int:
      return literal();
    case Tok::Ident:
      return identifier();
    case Tok::LParen: {
      DepthGuard guard(*this);
      const Token& open = advance();
      if (!guard.ok()) return too_deep(open.span);
      Node e = parse_or();
      if (!e) return {};
      if (peek().kind != Tok::RParen)
        return expected("')'", "to close the '(' at " + at(open.span));
      e.outer = join(open.span, advance().span);
      return e;
    }
    default:
      return expected("an expression");
    }
  }

  Node literal() {
    const Token& t = advance();
    if (t.value > std::numeric_limits<int32_t>::max())
      return error(t.span, "integer literal " + std::string(t.text) + " does not fit in 32 bits",
                   "the largest integer is 2147483647");
    return leaf(make_lit(t.value, t.span));
  }

  // IDENT: `q`, `k`, a built-in (with its arguments when it takes any), or a parameter.
  Node identifier() {
    const Token& t = advance();
    const std::string name(t.text);
    const bool call = peek().kind == Tok::LParen;
    if (name == "q" || name == "k") {
      if (call)
        return error(t.span, "'" + name + "' is not a function",
                     name == "q" ? "'q' is the query position" : "'k' is the key position");
      return leaf(make_leaf(name == "q" ? Op::Q : Op::K, t.span));
    }
    if (const char* hint = reserved_hint(name))
      return error(t.span, "'" + name + "' is a reserved name", hint);
    const NameInfo* info = find_builtin(name);
    if (!info) {
      if (!call) return leaf(make_param(name, t.span));
      std::string hint = did_you_mean(name, false);
      if (hint.empty())
        hint = "the functions are abs, min, max and the patterns causal, window, sink, global, "
               "prefix, chunk, dilated";
      return error(t.span, "unknown function '" + name + "'", hint);
    }
    if (!call) {
      if (info->arity == 0) return leaf(make_node(info->op, {}, t.span));
      return expected("'(' after '" + name + "'", std::string("write '") + info->signature + "'");
    }
    return call_args(t, *info);
  }

  // args := '(' [or (',' or)*] ')'
  Node call_args(const Token& name, const NameInfo& info) {
    DepthGuard guard(*this);
    const Token& open = advance();
    if (!guard.ok()) return too_deep(open.span);
    std::vector<Node> args;
    if (peek().kind != Tok::RParen) {
      while (true) {
        Node a = parse_or();
        if (!a) return {};
        args.push_back(a);
        if (peek().kind == Tok::Comma) {
          advance();
          continue;
        }
        if (peek().kind != Tok::RParen)
          return expected("',' or ')'", "to close the '(' at " + at(open.span));
        break;
      }
    }
    const Token& close = advance();
    Span span = join(name.span, close.span);
    if (static_cast<int>(args.size()) != info.arity) {
      std::string n = info.arity == 1 ? "1 argument" : std::to_string(info.arity) + " arguments";
      if (info.arity == 0) n = "no arguments";
      return error(span,
                   "'" + std::string(info.name) + "' takes " + n + ", found " +
                       std::to_string(args.size()),
                   std::string("write '") + info.signature + "'");
    }
    return node(info.op, args, span, name.span);
  }

  const std::vector<Token>& toks_;
  std::vector<Diagnostic>& diags_;
  size_t pos_ = 0;
  int depth_ = 0;
};

} // namespace

ExprPtr parse_tokens(const std::vector<Token>& tokens, std::vector<Diagnostic>& diags) {
  return Parser(tokens, diags).run();
}

ExprPtr parse(std::string_view text, std::vector<Diagnostic>& diags) {
  size_t before = diags.size();
  std::vector<Token> tokens = lex(text, diags);
  if (diags.size() != before) return nullptr;
  return parse_tokens(tokens, diags);
}

} // namespace attnjit
