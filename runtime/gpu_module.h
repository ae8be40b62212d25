// A compiled cubin and its kernel function, loaded lazily into each CUDA context that runs it
// (a caller may run one Kernel from threads bound to different contexts or devices).
#pragma once

#include "attnjit/result.hpp"
#include "runtime/cuda_driver.h"

#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace attnjit {

class GpuModule {
public:
  GpuModule(std::vector<char> cubin, std::string entry)
      : cubin_(std::move(cubin)), entry_(std::move(entry)) {}
  GpuModule(const GpuModule&) = delete;
  GpuModule& operator=(const GpuModule&) = delete;
  ~GpuModule();

  const std::vector<char>& cubin() const { return cubin_; }

  // The entry function in context `ctx` (which must be current), loading the module there on
  // first use and raising its dynamic shared memory limit to `smem_bytes`.
  Result<CUfunction> function(const CudaDriver& d, CUcontext ctx, int smem_bytes) const;

  // Another entry of the same module (the split-KV merge), in a context where function() has
  // loaded it already.
  Result<CUfunction> entry(const CudaDriver& d, CUcontext ctx, const char* name) const;

private:
  struct Loaded {
    CUcontext ctx;
    CUmodule module;
    CUfunction fn;
    int smem_bytes;
  };
  std::vector<char> cubin_;
  std::string entry_;
  mutable std::mutex mu_;
  mutable std::vector<Loaded> loaded_; // few contexts: a vector beats a map
};

} // namespace attnjit
