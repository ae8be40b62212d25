// The on-disk half of the module cache: one file per compiled module, named by a hash of
// everything that determines the cubin, shared safely by concurrent processes.
//
// Entry layout (little-endian): 8-byte magic, u32 format version, u32 header size, u64 payload
// size, u64 XXH3-64 of the payload, then the payload (the cubin).
#pragma once

#include "attnjit/result.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnjit {

// What NVRTC is given for one module: with the NVRTC version, it determines the cubin.
struct ModuleSource {
  std::string source;
  std::string name; // file name for logs: "attnjit_<hash>.cu"
  std::string arch; // "sm_90a"
  std::vector<std::string> options;
};

// XXH3-128 (32 hex digits) over the generated source, the hash of the embedded templates, the
// options, the architecture, the NVRTC version and the attnjit version.
std::string module_cache_key(const ModuleSource& src, std::string_view nvrtc_version);

// An entry's bytes for `payload`, and the payload back out of an entry (an error naming what is
// wrong when the bytes are truncated, foreign or corrupt).
std::vector<char> encode_cache_entry(const std::vector<char>& payload);
Result<std::vector<char>> decode_cache_entry(const std::vector<char>& entry);

class DiskCache {
public:
  using Warn = std::function<void(const std::string&)>;
  // `warn` hears about corrupt entries; null = a line on stderr.
  explicit DiskCache(std::string dir, Warn warn = nullptr);

  const std::string& dir() const { return dir_; }
  std::string path_for(const std::string& key) const;
  std::string failed_dir() const { return dir_ + "/failed"; }

  // The payload stored under `key`; nullopt when there is none. A corrupt or truncated entry is
  // reported through `warn`, deleted and treated as absent, so the caller rebuilds it.
  std::optional<std::vector<char>> load(const std::string& key) const;
  Result<void> store(const std::string& key, const std::vector<char>& payload) const;

private:
  std::string dir_;
  Warn warn_;
};

} // namespace attnjit
