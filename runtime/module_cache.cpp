#include "runtime/module_cache.h"

#include "compiler/generate_cuda.h"
#include "runtime/nvrtc.h"
#include "runtime/prebuilt.h"

#include <chrono>
#include <exception>

namespace attnjit {

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

Result<std::vector<char>> nvrtc_compile(const ModuleSource& src, const DiskCache& disk) {
  return compile_cubin({src.source, src.name, src.options, disk.failed_dir()});
}

} // namespace

ModuleCache::ModuleCache(Options opts) : opts_(std::move(opts)), disk_(opts_.dir, opts_.warn) {
  if (!opts_.compile) opts_.compile = nvrtc_compile;
}

int ModuleCache::compiles() const {
  std::lock_guard lock(mu_);
  return compiles_;
}

Result<ModuleLookup> ModuleCache::get(const std::string& memory_key,
                                      const MakeSource& make_source) {
  std::promise<Result<ModuleLookup>> promise;
  {
    std::unique_lock lock(mu_);
    if (auto it = memory_.find(memory_key); it != memory_.end())
      return ModuleLookup{it->second, CacheStatus::MemoryHit, 0};
    if (auto it = in_flight_.find(memory_key); it != in_flight_.end()) {
      // Another thread is building this module: wait for it rather than compile it twice.
      auto fut = it->second;
      lock.unlock();
      const Result<ModuleLookup>& r = fut.get();
      if (!r) return r.error();
      return ModuleLookup{r->entry, CacheStatus::MemoryHit, 0};
    }
    in_flight_.emplace(memory_key, promise.get_future().share());
  }
  // Waiters block on the promise, so it must be fulfilled whatever happens while building.
  Result<ModuleLookup> result = Error{"internal error while building a module"};
  try {
    result = build(make_source);
  } catch (const std::exception& e) {
    result = Error{std::string("internal error while building a module: ") + e.what()};
  }
  {
    std::lock_guard lock(mu_);
    // A failure is not remembered: the next request retries (the cause may be transient).
    if (result) memory_.emplace(memory_key, result->entry);
    in_flight_.erase(memory_key);
  }
  promise.set_value(result);
  return result;
}

Result<ModuleLookup> ModuleCache::build(const MakeSource& make_source) {
  auto t0 = std::chrono::steady_clock::now();
  auto src = make_source();
  if (!src) return src.error();
  auto entry = std::make_shared<CachedModule>();
  entry->key = module_cache_key(*src, opts_.toolchain);
  entry->path = disk_.path_for(entry->key);
  if (auto cubin = disk_.load(entry->key)) {
    entry->module = std::make_shared<GpuModule>(std::move(*cubin), opts_.entry);
    return ModuleLookup{entry, CacheStatus::DiskHit, ms_since(t0)};
  }
  if (const PrebuiltModule* pre = find_prebuilt(*src)) {
    std::vector<char> cubin(pre->cubin, pre->cubin + pre->size);
    if (auto stored = disk_.store(entry->key, cubin); !stored) entry->path.clear();
    entry->module = std::make_shared<GpuModule>(std::move(cubin), opts_.entry);
    return ModuleLookup{entry, CacheStatus::Prebuilt, ms_since(t0)};
  }
  auto cubin = opts_.compile(*src, disk_);
  if (!cubin) return cubin.error();
  {
    std::lock_guard lock(mu_);
    ++compiles_;
  }
  // A cache that cannot be written (read-only home, full disk) costs only speed: the module is
  // still returned, and the next process compiles again.
  if (auto stored = disk_.store(entry->key, *cubin); !stored) entry->path.clear();
  entry->module = std::make_shared<GpuModule>(std::move(cubin).value(), opts_.entry);
  return ModuleLookup{entry, CacheStatus::Miss, ms_since(t0)};
}

ModuleCache& process_module_cache(const std::string& dir) {
  static std::mutex mu;
  // Never destroyed: kernels hold modules from it until exit, and the driver may already be
  // unloading when static destructors run.
  static auto* caches = new std::map<std::string, std::unique_ptr<ModuleCache>>();
  std::lock_guard lock(mu);
  auto& c = (*caches)[dir];
  if (!c) {
    const auto& nv = nvrtc_info();
    c = std::make_unique<ModuleCache>(ModuleCache::Options{
        dir, nv ? nv->version : std::string("none"), kKernelEntryName, nullptr, nullptr});
  }
  return *c;
}

} // namespace attnjit
