// Printing the mask IR: the canonical text (what hashes and caches key on), an indented dump
// for golden tests and ATTNJIT_DEBUG, and the structural hash.
#pragma once

#include "dsl/ir.h"

#include <string>

namespace attnjit {

// The mask as text in one normal form: single spaces around binary operators, none after
// unary ones or inside calls' parentheses, ", " between arguments, and parentheses only where
// precedence needs them to rebuild the same tree (`a - (b - c)` keeps them, `(a - b) - c`
// does not). Parsing the result gives back a tree with the same canonical text.
std::string to_canonical(const Expr& e);

// One node per line, indented two spaces per level, each with its span as LINE:COL+LENGTH:
//   and 1:1+19
//     causal 1:1+6
//     window 1:10+10
//       lit 1 1:17+1
std::string dump_ir(const Expr& e);

// 16 lower-case hex digits: XXH3-64 of the canonical text, so two masks that differ only in
// white space or redundant parentheses hash alike.
std::string structural_hash(const Expr& e);

} // namespace attnjit
