// The mask language's vocabulary: the functions and patterns it knows, the identifiers it
// reserves, and "did you mean" suggestions for names that are close to one of them. The parser
// and the checker share this table so their messages agree.
#pragma once

#include "dsl/ir.h"

#include <string>
#include <string_view>
#include <vector>

namespace attnjit {

struct NameInfo {
  const char* name;      // as written in a mask ("window")
  Op op;                 // the node it builds
  int arity;             // arguments it takes (0 for `causal`, `full`, `none`)
  const char* signature; // how to call it, shown in hints ("window(left, right)")
  bool boolean;          // true for patterns (usable as a mask), false for abs/min/max
};

// Every built-in name: patterns, `full`/`none` and the integer functions abs/min/max.
// `q` and `k` are not in the table: they are positions, not functions.
const std::vector<NameInfo>& builtin_names();

// The entry for `name`, or nullptr when the name is not a built-in.
const NameInfo* find_builtin(std::string_view name);

// A hint for an identifier that cannot be used as a parameter (`true` -> "write 'full'"), or
// nullptr when the name is free. Reserved: the words of other languages that mean something
// here already (true, false, and, or, not), names kept for later features (softcap, alibi)
// and names starting with "__", which generated code uses.
const char* reserved_hint(std::string_view name);

// Optimal-string-alignment distance: insertions, deletions, substitutions and transpositions of
// neighbours each cost 1, so `casual` is 1 away from `causal`.
int edit_distance(std::string_view a, std::string_view b);

// The built-in nearest to `name` (only patterns when `boolean_only`), or nullptr when none is
// close enough to be a plausible typo.
const NameInfo* nearest_builtin(std::string_view name, bool boolean_only);

// "did you mean 'window(left, right)'?" or an empty string when nothing is close.
std::string did_you_mean(std::string_view name, bool boolean_only);

} // namespace attnjit
