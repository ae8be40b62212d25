#include "runtime/cuda_driver.h"

#include <dlfcn.h>

#include <fmt/format.h>

#include <mutex>
#include <vector>

namespace attnjit {

namespace {

// Resolves one symbol into a function pointer member; remembers the first missing name.
template <class Fn> void resolve(void* lib, const char* name, Fn& fn, std::string& missing) {
  fn = reinterpret_cast<Fn>(dlsym(lib, name));
  if (!fn && missing.empty()) missing = name;
}

Result<const CudaDriver*> load_driver() {
  // Never the toolkit's stub (libcuda.so in stubs/): only the real driver's soname.
  void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = dlerror();
    return Error{fmt::format("no GPU: libcuda.so.1 not found ({})", why ? why : "dlopen failed")};
  }
  static CudaDriver d;
  std::string missing;
  resolve(lib, "cuInit", d.cuInit, missing);
  resolve(lib, "cuDriverGetVersion", d.cuDriverGetVersion, missing);
  resolve(lib, "cuGetErrorString", d.cuGetErrorString, missing);
  resolve(lib, "cuGetErrorName", d.cuGetErrorName, missing);
  resolve(lib, "cuDeviceGetCount", d.cuDeviceGetCount, missing);
  resolve(lib, "cuDeviceGet", d.cuDeviceGet, missing);
  resolve(lib, "cuDeviceGetName", d.cuDeviceGetName, missing);
  resolve(lib, "cuDeviceGetAttribute", d.cuDeviceGetAttribute, missing);
  resolve(lib, "cuDevicePrimaryCtxRetain", d.cuDevicePrimaryCtxRetain, missing);
  resolve(lib, "cuDevicePrimaryCtxRelease_v2", d.cuDevicePrimaryCtxRelease, missing);
  resolve(lib, "cuCtxGetCurrent", d.cuCtxGetCurrent, missing);
  resolve(lib, "cuCtxGetDevice", d.cuCtxGetDevice, missing);
  resolve(lib, "cuCtxPushCurrent_v2", d.cuCtxPushCurrent, missing);
  resolve(lib, "cuCtxPopCurrent_v2", d.cuCtxPopCurrent, missing);
  resolve(lib, "cuCtxSynchronize", d.cuCtxSynchronize, missing);
  resolve(lib, "cuModuleLoadData", d.cuModuleLoadData, missing);
  resolve(lib, "cuModuleUnload", d.cuModuleUnload, missing);
  resolve(lib, "cuModuleGetFunction", d.cuModuleGetFunction, missing);
  resolve(lib, "cuFuncSetAttribute", d.cuFuncSetAttribute, missing);
  resolve(lib, "cuLaunchKernel", d.cuLaunchKernel, missing);
  resolve(lib, "cuMemAlloc_v2", d.cuMemAlloc, missing);
  resolve(lib, "cuMemFree_v2", d.cuMemFree, missing);
  resolve(lib, "cuMemcpyHtoD_v2", d.cuMemcpyHtoD, missing);
  resolve(lib, "cuMemcpyDtoH_v2", d.cuMemcpyDtoH, missing);
  resolve(lib, "cuMemsetD8_v2", d.cuMemsetD8, missing);
  resolve(lib, "cuMemsetD8Async", d.cuMemsetD8Async, missing);
  resolve(lib, "cuStreamCreate", d.cuStreamCreate, missing);
  resolve(lib, "cuStreamDestroy_v2", d.cuStreamDestroy, missing);
  resolve(lib, "cuStreamSynchronize", d.cuStreamSynchronize, missing);
  resolve(lib, "cuEventCreate", d.cuEventCreate, missing);
  resolve(lib, "cuEventDestroy_v2", d.cuEventDestroy, missing);
  resolve(lib, "cuEventRecord", d.cuEventRecord, missing);
  resolve(lib, "cuEventSynchronize", d.cuEventSynchronize, missing);
  resolve(lib, "cuEventElapsedTime", d.cuEventElapsedTime, missing);
  if (!missing.empty())
    return Error{fmt::format("no GPU: libcuda.so.1 lacks {} (driver too old?)", missing)};
  // Optional: a driver without it still runs every kernel but those of the sm90 family, which
  // report it at run (runtime/tma.h).
  d.cuTensorMapEncodeTiled =
      reinterpret_cast<decltype(d.cuTensorMapEncodeTiled)>(dlsym(lib, "cuTensorMapEncodeTiled"));

  CUresult r = d.cuInit(0);
  if (r != kCudaSuccess)
    return Error{fmt::format("no GPU: cuInit failed: {}", cuda_error_text(d, r))};
  d.cuDriverGetVersion(&d.version);
  int count = 0;
  d.cuDeviceGetCount(&count);
  if (count <= 0) return Error{"no GPU: the CUDA driver reports no device"};
  return &d;
}

} // namespace

const Result<const CudaDriver*>& cuda_driver() {
  // A function-local static: loaded once, thread-safe, never unloaded (modules outlive callers).
  static const Result<const CudaDriver*> driver = load_driver();
  return driver;
}

std::string cuda_error_text(const CudaDriver& d, CUresult r) {
  const char* name = nullptr;
  const char* text = nullptr;
  if (d.cuGetErrorName) d.cuGetErrorName(r, &name);
  if (d.cuGetErrorString) d.cuGetErrorString(r, &text);
  return fmt::format("{} ({})", name ? name : fmt::format("CUDA error {}", r),
                     text ? text : "unknown");
}

Result<void> cuda_check(const CudaDriver& d, CUresult r, const std::string& what) {
  if (r == kCudaSuccess) return {};
  return Error{fmt::format("{}: {}", what, cuda_error_text(d, r))};
}

Result<DeviceProps> device_props(int ordinal) {
  const auto& drv = cuda_driver();
  if (!drv) return drv.error();
  const CudaDriver& d = **drv;
  int count = 0;
  d.cuDeviceGetCount(&count);
  if (ordinal < 0 || ordinal >= count)
    return Error{fmt::format("no CUDA device {} (this machine has {})", ordinal, count)};
  DeviceProps p;
  if (auto r = cuda_check(d, d.cuDeviceGet(&p.device, ordinal), "cuDeviceGet"); !r)
    return r.error();
  char name[256] = {};
  d.cuDeviceGetName(name, sizeof name, p.device);
  p.name = name;
  d.cuDeviceGetAttribute(&p.cc_major, kAttrComputeCapabilityMajor, p.device);
  d.cuDeviceGetAttribute(&p.cc_minor, kAttrComputeCapabilityMinor, p.device);
  d.cuDeviceGetAttribute(&p.sm_count, kAttrMultiprocessorCount, p.device);
  d.cuDeviceGetAttribute(&p.max_smem_optin, kAttrMaxSharedMemoryPerBlockOptin, p.device);
  d.cuDeviceGetAttribute(&p.regs_per_block, kAttrMaxRegistersPerBlock, p.device);
  d.cuDeviceGetAttribute(&p.l2_bytes, kAttrL2CacheSize, p.device);
  // Hopper's wgmma/TMA/setmaxnreg exist only in the arch-specific `sm_90a` target; a cubin for
  // it still runs only on 9.0, which is exactly this device.
  p.arch = fmt::format("sm_{}{}{}", p.cc_major, p.cc_minor, p.cc_major == 9 ? "a" : "");
  return p;
}

namespace {

// Primary contexts, retained once per device for the life of the process: modules loaded into
// them must stay valid as long as any Kernel handle may run.
Result<CUcontext> primary_context(const CudaDriver& d, int ordinal) {
  static std::mutex mu;
  static std::vector<CUcontext> contexts;
  std::lock_guard lock(mu);
  if (ordinal < 0) return Error{fmt::format("no CUDA device {}", ordinal)};
  if (contexts.size() <= static_cast<size_t>(ordinal)) contexts.resize(ordinal + 1, nullptr);
  if (contexts[ordinal]) return contexts[ordinal];
  CUdevice dev = 0;
  if (auto r = cuda_check(d, d.cuDeviceGet(&dev, ordinal), fmt::format("device {}", ordinal)); !r)
    return r.error();
  CUcontext ctx = nullptr;
  if (auto r = cuda_check(d, d.cuDevicePrimaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain"); !r)
    return r.error();
  contexts[ordinal] = ctx;
  return ctx;
}

} // namespace

Result<void> ScopedContext::enter(const CudaDriver& d, int ordinal) {
  driver_ = &d;
  CUcontext cur = nullptr;
  d.cuCtxGetCurrent(&cur);
  if (cur) {
    ctx_ = cur;
    return {};
  }
  auto ctx = primary_context(d, ordinal);
  if (!ctx) return ctx.error();
  if (auto r = cuda_check(d, d.cuCtxPushCurrent(*ctx), "cuCtxPushCurrent"); !r) return r;
  ctx_ = *ctx;
  pushed_ = true;
  return {};
}

ScopedContext::~ScopedContext() {
  if (!pushed_) return;
  CUcontext popped = nullptr;
  driver_->cuCtxPopCurrent(&popped);
}

} // namespace attnjit
