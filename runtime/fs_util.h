// Small file-system helpers the caches share: private directories and atomic file writes.
#pragma once

#include "attnjit/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnjit {

// Creates `dir` and any missing parents with mode 0700 (the cache may hold code built from a
// user's masks, so it is private). An existing directory is left as it is.
Result<void> make_private_dir(const std::string& dir);

// Writes `bytes` to `path` through a temporary file in the same directory and rename(), so a
// reader (another thread or process) sees either no file or the whole file, never a torn one.
Result<void> write_file_atomic(const std::string& path, std::string_view bytes);

// The whole file, or nullopt when it does not exist or cannot be read.
std::optional<std::vector<char>> read_file(const std::string& path);

// The default cache root: $ATTNJIT_CACHE_DIR, else $XDG_CACHE_HOME/attnjit, else
// $HOME/.cache/attnjit; empty when none of these variables is set.
std::string default_cache_dir();

} // namespace attnjit
