// User-facing errors about a mask: a span, a message in lower case, and an optional hint.
// Rendered as
//   mask:1:17: error: expected ')', found ','
//   causal & window(1 , 2,)
//                   ^
//   hint: ...
#pragma once

#include "dsl/span.h"

#include <string>
#include <string_view>
#include <vector>

namespace attnjit {

struct Diagnostic {
  Span span;
  std::string message;
  std::string hint; // empty when there is nothing to suggest
};

// Renders one diagnostic against its source text. `file` names the input ("mask").
std::string format_diagnostic(std::string_view source, const Diagnostic& d,
                              std::string_view file = "mask");

// Renders all of them, one after another.
std::string format_diagnostics(std::string_view source, const std::vector<Diagnostic>& ds,
                               std::string_view file = "mask");

} // namespace attnjit
