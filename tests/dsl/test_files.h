// Helpers for the data-driven DSL tests: reading the files under tests/ and comparing output
// with golden files. ATTNJIT_TEST_DATA is the tests/ folder.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace attnjit::test {

inline std::filesystem::path data_dir(const std::string& sub) {
  return std::filesystem::path(ATTNJIT_TEST_DATA) / sub;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// Files in `dir` ending with `ext` (all files when empty), sorted so failures are reproducible.
inline std::vector<std::filesystem::path> list_files(const std::filesystem::path& dir,
                                                     const std::string& ext = "") {
  std::vector<std::filesystem::path> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file() && (ext.empty() || e.path().extension() == ext))
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

inline bool update_goldens() {
  const char* v = std::getenv("UPDATE_GOLDENS");
  return v && std::string(v) == "1";
}

// Empty when equal; otherwise the first differing line of each, numbered from 1.
inline std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  for (int n = 1;; ++n) {
    bool ha = static_cast<bool>(std::getline(a, la)), hb = static_cast<bool>(std::getline(b, lb));
    if (!ha && !hb) return want == got ? "" : "texts differ only in the final newline";
    if (ha != hb || la != lb)
      return "line " + std::to_string(n) + ":\n  want: " + (ha ? la : "<end of file>") +
             "\n  got:  " + (hb ? lb : "<end of file>");
  }
}

} // namespace attnjit::test
