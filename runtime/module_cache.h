// The module cache: a process-wide memory map in front of the disk cache. The memory map is
// keyed by what the caller knows before generating anything (mask structure hash, tile config,
// architecture), so a memory hit neither regenerates source nor hashes it; the disk cache is
// keyed by the generated source and toolchain (see module_cache_key).
//
// Concurrency: the same key requested by many threads at once is built once (the others wait
// for the first); different keys build in parallel. Several processes may share a directory:
// each writes whole entries under a temporary name and renames them into place.
#pragma once

#include "attnjit/attnjit.hpp"
#include "runtime/disk_cache.h"
#include "runtime/gpu_module.h"

#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace attnjit {

struct CachedModule {
  std::shared_ptr<GpuModule> module;
  std::string key;  // disk key (hex)
  std::string path; // disk entry
};

struct ModuleLookup {
  std::shared_ptr<const CachedModule> entry;
  CacheStatus status = CacheStatus::Miss;
  double ms = 0; // time spent in this call generating, reading and compiling
};

class ModuleCache {
public:
  using MakeSource = std::function<Result<ModuleSource>()>;
  using Compile = std::function<Result<std::vector<char>>(const ModuleSource&, const DiskCache&)>;

  struct Options {
    std::string dir;
    std::string toolchain; // NVRTC version, part of the disk key
    std::string entry;     // kernel function name in every module
    Compile compile;       // null = NVRTC (compile_cubin)
    DiskCache::Warn warn;  // null = stderr
  };
  explicit ModuleCache(Options opts);

  // The module for `memory_key`. On a memory miss `make_source` produces the source; then the
  // disk cache is read, and only on a disk miss is the source compiled and stored.
  Result<ModuleLookup> get(const std::string& memory_key, const MakeSource& make_source);

  const DiskCache& disk() const { return disk_; }
  int compiles() const; // modules compiled by this object (tests check "compiled once")

private:
  Result<ModuleLookup> build(const MakeSource& make_source);

  Options opts_;
  DiskCache disk_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const CachedModule>> memory_;
  std::map<std::string, std::shared_future<Result<ModuleLookup>>> in_flight_;
  int compiles_ = 0;
};

// The process-wide cache for directory `dir` (one object per directory, created on first use).
ModuleCache& process_module_cache(const std::string& dir);

} // namespace attnjit
