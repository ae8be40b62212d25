// Parser: tokens -> mask IR, by recursive descent. Builds the tree the text spells out and
// nothing more: types, argument ranges and q/k rules are `check`'s job. The parser itself
// reports what the IR cannot hold: syntax errors, unknown functions, wrong argument counts,
// reserved names, literals outside 32 bits, chained comparisons and nesting past kMaxDepth.
//
// Precedence, loosest first: `|`, `&`, `!`, comparison, `+ -`, `* / %`, unary minus.
// `causal`, `full` and `none` may also be written with empty parentheses (`causal()`), which
// users coming from function-call APIs type; the canonical form has none.
#pragma once

#include "dsl/diagnostic.h"
#include "dsl/ir.h"
#include "dsl/lexer.h"

#include <string_view>
#include <vector>

namespace attnjit {

// Deepest nesting accepted, counting both parentheses and operators (a chain `a + b + c` is a
// tree as deep as it is long). Every pass after the parser recurses over the tree, so this
// bounds their stack use too.
constexpr int kMaxDepth = 200;

// Parses a token list from `lex`. Returns nullptr after appending the first error to `diags`.
ExprPtr parse_tokens(const std::vector<Token>& tokens, std::vector<Diagnostic>& diags);

// lex + parse_tokens: an unchecked tree, or nullptr with diagnostics.
ExprPtr parse(std::string_view text, std::vector<Diagnostic>& diags);

} // namespace attnjit
