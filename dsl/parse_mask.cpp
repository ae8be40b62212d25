#include "dsl/parse_mask.h"

#include "dsl/check.h"
#include "dsl/parser.h"
#include "dsl/print.h"

namespace attnjit {

Result<ParsedMask> parse_mask(std::string_view text, std::vector<Diagnostic>* diags) {
  std::vector<Diagnostic> found;
  ExprPtr e = parse(text, found);
  if (e) check_mask(*e, found);
  if (diags) *diags = found;
  if (!found.empty()) return Error{format_diagnostics(text, found)};
  ParsedMask m;
  m.canonical = to_canonical(*e);
  m.hash = structural_hash(*e);
  m.params = collect_params(*e);
  m.expr = std::move(e);
  return m;
}

} // namespace attnjit
