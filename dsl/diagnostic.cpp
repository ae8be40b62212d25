#include "dsl/diagnostic.h"

#include <algorithm>

namespace attnjit {
namespace {

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

} // namespace

std::string format_diagnostic(std::string_view source, const Diagnostic& d, std::string_view file) {
  std::string out;
  out += file;
  out += ":" + std::to_string(d.span.line) + ":" + std::to_string(d.span.col) +
         ": error: " + d.message + "\n";

  // The source line holding the span's first byte. Spans from elsewhere may point past the
  // text; clamp rather than trust them.
  const size_t off = std::min(static_cast<size_t>(std::max(d.span.offset, 0)), source.size());
  size_t begin = off == 0 ? std::string_view::npos : source.rfind('\n', off - 1);
  begin = begin == std::string_view::npos ? 0 : begin + 1;
  size_t end = source.find('\n', off);
  if (end == std::string_view::npos) end = source.size();
  std::string_view line = source.substr(begin, end - begin);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  out += line;
  out += "\n";

  // Pad with the line's own tabs so the caret stays aligned in a terminal, and count a
  // multi-byte UTF-8 character as one column.
  for (size_t i = begin; i < off && i - begin < line.size(); ++i) {
    if (is_continuation(source[i])) continue;
    out += source[i] == '\t' ? '\t' : ' ';
  }
  out += '^';
  const size_t span_end =
      std::min(off + static_cast<size_t>(std::max(d.span.length, 0)), begin + line.size());
  for (size_t i = off + 1; i < span_end; ++i)
    if (!is_continuation(source[i])) out += '~';
  out += "\n";
  if (!d.hint.empty()) out += "hint: " + d.hint + "\n";
  return out;
}

std::string format_diagnostics(std::string_view source, const std::vector<Diagnostic>& ds,
                               std::string_view file) {
  std::string out;
  for (const Diagnostic& d : ds) out += format_diagnostic(source, d, file);
  return out;
}

} // namespace attnjit
