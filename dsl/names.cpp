#include "dsl/names.h"

#include <algorithm>
#include <cctype>

namespace attnjit {

const std::vector<NameInfo>& builtin_names() {
  static const std::vector<NameInfo> names = {
      {"causal", Op::Causal, 0, "causal", true},
      {"window", Op::Window, 2, "window(left, right)", true},
      {"sink", Op::Sink, 1, "sink(n)", true},
      {"global", Op::Global, 1, "global(n)", true},
      {"prefix", Op::Prefix, 1, "prefix(n)", true},
      {"chunk", Op::Chunk, 1, "chunk(c)", true},
      {"dilated", Op::Dilated, 3, "dilated(left, right, d)", true},
      {"full", Op::True, 0, "full", true},
      {"none", Op::False, 0, "none", true},
      {"abs", Op::Abs, 1, "abs(x)", false},
      {"min", Op::Min, 2, "min(a, b)", false},
      {"max", Op::Max, 2, "max(a, b)", false},
  };
  return names;
}

const NameInfo* find_builtin(std::string_view name) {
  for (const NameInfo& n : builtin_names())
    if (name == n.name) return &n;
  return nullptr;
}

const char* reserved_hint(std::string_view name) {
  if (name == "true") return "write 'full' for a mask that attends everywhere";
  if (name == "false") return "write 'none' for a mask that attends nowhere";
  if (name == "and") return "write '&' for 'and'";
  if (name == "or") return "write '|' for 'or'";
  if (name == "not") return "write '!' for 'not'";
  if (name == "softcap" || name == "alibi")
    return "score modifiers are not supported yet; the name is kept for them";
  if (name.size() >= 2 && name[0] == '_' && name[1] == '_')
    return "names starting with '__' are kept for generated code";
  return nullptr;
}

int edit_distance(std::string_view a, std::string_view b) {
  // Masks are short and names shorter; inputs longer than this cannot be a typo of a built-in,
  // and the cap keeps the quadratic table small whatever the input.
  constexpr size_t kMax = 64;
  if (a.size() > kMax || b.size() > kMax) return static_cast<int>(std::max(a.size(), b.size()));
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

const NameInfo* nearest_builtin(std::string_view name, bool boolean_only) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const NameInfo* best = nullptr;
  int best_d = 0;
  for (const NameInfo& n : builtin_names()) {
    if (boolean_only && !n.boolean) continue;
    int d = edit_distance(lower, n.name);
    if (!best || d < best_d) best = &n, best_d = d;
  }
  // Two edits is a typo in a six-letter name; in a three-letter one it is a different word
  // (`max` is two edits from `none`'s neighbours), so short names must be closer.
  int len = static_cast<int>(std::min(name.size(), std::string_view(best->name).size()));
  int limit = len <= 3 ? 1 : 2;
  return best_d <= limit ? best : nullptr;
}

std::string did_you_mean(std::string_view name, bool boolean_only) {
  const NameInfo* n = nearest_builtin(name, boolean_only);
  if (!n) return {};
  return std::string("did you mean '") + n->signature + "'?";
}

} // namespace attnjit
