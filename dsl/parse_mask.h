// The front end in one call: lex, parse and check a mask, and print its canonical form.
#pragma once

#include "attnjit/result.hpp"
#include "dsl/diagnostic.h"
#include "dsl/ir.h"

#include <string>
#include <string_view>
#include <vector>

namespace attnjit {

struct ParsedMask {
  ExprPtr expr;                    // the checked tree, built-ins intact
  std::string canonical;           // to_canonical(*expr)
  std::string hash;                // structural_hash(*expr): 16 lower-case hex digits
  std::vector<std::string> params; // parameter names, sorted, each once
};

// Never crashes or hangs, whatever the bytes. On failure the error message holds every
// diagnostic rendered against `text` (file name "mask"), and `diags`, when given, receives them.
Result<ParsedMask> parse_mask(std::string_view text, std::vector<Diagnostic>* diags = nullptr);

} // namespace attnjit
