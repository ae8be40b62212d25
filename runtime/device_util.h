// Small pieces every GPU timing path needs (the CLI's random runs and the autotuner): device
// buffers freed on scope exit, a pair of CUDA events, and the median of the timed samples.
#pragma once

#include "attnjit/result.hpp"
#include "runtime/cuda_driver.h"

#include <algorithm>
#include <string>
#include <vector>

namespace attnjit {

// Device memory freed when the arena goes out of scope. The caller's context must be current
// for every call and at destruction.
class DeviceArena {
public:
  explicit DeviceArena(const CudaDriver& d) : d_(d) {}
  DeviceArena(const DeviceArena&) = delete;
  DeviceArena& operator=(const DeviceArena&) = delete;
  ~DeviceArena() {
    for (CUdeviceptr p : ptrs_) d_.cuMemFree(p);
  }
  // `bytes` of device memory (at least 16, so that an empty tensor still has an address).
  Result<CUdeviceptr> alloc(size_t bytes, const char* what) {
    CUdeviceptr p = 0;
    if (auto r = cuda_check(d_, d_.cuMemAlloc(&p, std::max<size_t>(bytes, 16)),
                            std::string("allocate device memory for ") + what);
        !r)
      return r.error();
    ptrs_.push_back(p);
    return p;
  }
  // A device copy of `bytes` host bytes at `src`.
  Result<CUdeviceptr> upload(const void* src, size_t bytes, const char* what) {
    Result<CUdeviceptr> p = alloc(bytes, what);
    if (!p || bytes == 0) return p;
    if (auto r = cuda_check(d_, d_.cuMemcpyHtoD(*p, src, bytes),
                            std::string("copy ") + what + " to the device");
        !r)
      return r.error();
    return p;
  }

private:
  const CudaDriver& d_;
  std::vector<CUdeviceptr> ptrs_;
};

// Two CUDA events around a timed call, destroyed with the pair.
struct EventPair {
  const CudaDriver& d;
  CUevent a = nullptr, b = nullptr;
  explicit EventPair(const CudaDriver& drv) : d(drv) {}
  EventPair(const EventPair&) = delete;
  EventPair& operator=(const EventPair&) = delete;
  ~EventPair() {
    if (a) d.cuEventDestroy(a);
    if (b) d.cuEventDestroy(b);
  }
  Result<void> create() {
    if (auto r = cuda_check(d, d.cuEventCreate(&a, 0), "create event"); !r) return r;
    return cuda_check(d, d.cuEventCreate(&b, 0), "create event");
  }
};

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

} // namespace attnjit
