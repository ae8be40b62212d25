// Helpers shared by the runtime tests.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace attnjit {

// A fresh directory under the system temp dir, removed with everything in it at scope exit.
class TempDir {
public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "attnjit-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

private:
  std::string path_;
};

// A module cache directory that outlives the test process (under the build folder): tests that
// do not check cache statuses share it, so each kernel they use is compiled once per build
// folder instead of once per test process (ctest runs every test case in its own process).
inline std::string persistent_cache_dir() {
  return ATTNJIT_BINARY_DIR "/test-module-cache";
}

} // namespace attnjit
