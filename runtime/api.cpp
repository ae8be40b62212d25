// The public C++ API: compile() picks a backend and runs the pipeline's back half; every entry
// point catches at the boundary so that no exception reaches the caller.
#include "attnjit/attnjit.hpp"

#include "compiler/pipeline.h"
#include "runtime/backend.h"
#include "runtime/cuda_driver.h"
#include "runtime/gpu_compile.h"
#include "runtime/nvrtc.h"

#include <fmt/format.h>

#include <atomic>
#include <cassert>
#include <chrono>
#include <exception>
#include <mutex>
#include <unordered_map>

namespace attnjit {

namespace {

std::atomic<CpuCompileFn> g_cpu_backend{nullptr};

constexpr const char* kNoCpuBackend = "the CPU backend is not linked into this program";

// Why the GPU backend cannot be used here, or empty when it can.
std::string gpu_unavailable(int device) {
  if (auto props = device_props(device); !props) return props.error().message;
  if (const auto& nv = nvrtc_info(); !nv) return "no GPU backend: " + nv.error().message;
  return {};
}

// True when the options ask for a GPU kernel without needing a device to load it on.
bool compile_only_gpu(const CompileOptions& o) {
  return o.compile_only && !o.arch.empty();
}

Result<Kernel> compile_cpu(const MaskProgram& program, const CompileOptions& options) {
  CpuCompileFn fn = g_cpu_backend.load();
  if (!fn) return Error{kNoCpuBackend};
  auto impl = fn(program, options);
  if (!impl) return impl.error();
  return Kernel(std::move(impl).value());
}

Result<Kernel> compile_checked(std::string_view mask, const CompileOptions& options) {
  auto program = build_mask_program(mask);
  if (!program) return program.error();
  switch (options.backend) {
  case BackendKind::Cpu:
    return compile_cpu(*program, options);
  case BackendKind::Gpu: {
    if (compile_only_gpu(options)) return compile_gpu(*program, options);
    if (std::string why = gpu_unavailable(options.device); !why.empty()) {
      if (options.compile_only) why += " (compile_only without a GPU needs an explicit arch)";
      return Error{why};
    }
    return compile_gpu(*program, options);
  }
  case BackendKind::Auto: {
    if (compile_only_gpu(options)) return compile_gpu(*program, options);
    std::string why = gpu_unavailable(options.device);
    if (why.empty()) return compile_gpu(*program, options);
    if (g_cpu_backend.load()) return compile_cpu(*program, options);
    return Error{fmt::format("no backend can run this mask: {}; and {}", why, kNoCpuBackend)};
  }
  }
  return Error{"unknown backend kind"};
}

} // namespace

const char* dtype_name(DType t) {
  switch (t) {
  case DType::bf16:
    return "bf16";
  case DType::fp16:
    return "fp16";
  case DType::fp32:
    return "fp32";
  }
  return "?";
}

const char* backend_name(BackendKind b) {
  switch (b) {
  case BackendKind::Auto:
    return "auto";
  case BackendKind::Gpu:
    return "gpu";
  case BackendKind::Cpu:
    return "cpu";
  }
  return "?";
}

const char* cache_status_name(CacheStatus s) {
  switch (s) {
  case CacheStatus::Miss:
    return "miss";
  case CacheStatus::MemoryHit:
    return "memory";
  case CacheStatus::DiskHit:
    return "disk";
  case CacheStatus::Prebuilt:
    return "prebuilt";
  }
  return "?";
}

void set_cpu_backend(CpuCompileFn fn) {
  g_cpu_backend.store(fn);
}
CpuCompileFn cpu_backend() {
  return g_cpu_backend.load();
}

const KernelInfo& Kernel::info() const {
  assert(impl_ && "info() on an empty Kernel (check valid())");
  return impl_->info();
}

Result<void> Kernel::run(const Problem& p) const {
  if (!impl_) return Error{"run() on an empty Kernel: compile one first"};
  try {
    return impl_->run(p);
  } catch (const std::exception& e) {
    return Error{std::string("internal error in run: ") + e.what()};
  } catch (...) {
    return Error{"internal error in run"};
  }
}

namespace {

// The request cache: (mask text as written, options) -> kernel, in front of everything else, so
// a program that calls compile() for a kernel it already has pays a hash lookup, not a parse.
// Only successes are kept; the handle it returns says "memory" hit.
class RequestCache {
public:
  static std::string key(std::string_view mask, const CompileOptions& o) {
    return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", o.head_dim, int(o.dtype),
                       int(o.backend), o.arch, o.compile_only, o.tiles.block_m, o.tiles.block_n,
                       o.tiles.warps, o.tiles.stages, o.tiles.family, int(o.mask_code), o.device,
                       o.cache_dir, mask);
  }
  std::shared_ptr<KernelImpl> find(const std::string& k) {
    std::lock_guard lock(mu_);
    auto it = map_.find(k);
    return it == map_.end() ? nullptr : it->second;
  }
  void put(const std::string& k, std::shared_ptr<KernelImpl> impl) {
    std::lock_guard lock(mu_);
    if (map_.size() >= kMaxEntries) map_.clear(); // bounded: a program making endless masks
    map_.emplace(k, std::move(impl));
  }

private:
  static constexpr size_t kMaxEntries = 4096;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<KernelImpl>> map_;
};

RequestCache& request_cache() {
  static RequestCache cache;
  return cache;
}

// A kernel handed out again from the request cache: the same compiled kernel, with an info
// that says where it came from this time.
class CachedKernel final : public KernelImpl {
public:
  CachedKernel(std::shared_ptr<KernelImpl> inner, double ms) : inner_(std::move(inner)) {
    info_ = inner_->info();
    info_.cache = CacheStatus::MemoryHit;
    info_.compile_ms = ms;
  }
  const KernelInfo& info() const override { return info_; }
  Result<void> run(const Problem& p) const override { return inner_->run(p); }

private:
  std::shared_ptr<KernelImpl> inner_;
  KernelInfo info_;
};

} // namespace

std::shared_ptr<KernelImpl> Kernel::impl_for_cache() const {
  return impl_;
}

Result<Kernel> compile(std::string_view mask, const CompileOptions& options) {
  try {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string key = RequestCache::key(mask, options);
    if (std::shared_ptr<KernelImpl> hit = request_cache().find(key)) {
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      return Kernel(std::make_shared<CachedKernel>(std::move(hit), ms));
    }
    Result<Kernel> k = compile_checked(mask, options);
    if (k) request_cache().put(key, k->impl_for_cache());
    return k;
  } catch (const std::exception& e) {
    return Error{std::string("internal error in compile: ") + e.what()};
  } catch (...) {
    return Error{"internal error in compile"};
  }
}

SystemInfo system_info() {
  SystemInfo s;
  try {
    if (auto props = device_props(0); props) {
      s.gpu_name = props->name;
      s.gpu_arch = props->arch;
      if (const auto& nv = nvrtc_info(); nv)
        s.gpu_available = true;
      else
        s.gpu_reason = "no GPU backend: " + nv.error().message;
    } else {
      s.gpu_reason = props.error().message;
    }
    s.cpu_available = g_cpu_backend.load() != nullptr;
    if (!s.cpu_available) s.cpu_reason = kNoCpuBackend;
  } catch (const std::exception& e) {
    s.gpu_reason = std::string("internal error: ") + e.what();
  }
  return s;
}

} // namespace attnjit
