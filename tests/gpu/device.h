// Device memory for the GPU tests, through the runtime's dlopen'd driver (the tests link no
// CUDA library either).
#pragma once

#include "runtime/cuda_driver.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

namespace attnjit {

inline const CudaDriver& drv() {
  return *cuda_driver().value();
}

inline void cuda_require(CUresult r, const char* what) {
  INFO(what << ": " << cuda_error_text(drv(), r));
  REQUIRE(r == kCudaSuccess);
}

class DeviceBuffer {
public:
  explicit DeviceBuffer(size_t bytes) : bytes_(bytes) {
    cuda_require(drv().cuMemAlloc(&ptr_, bytes ? bytes : 16), "cuMemAlloc");
  }
  ~DeviceBuffer() {
    if (ptr_) drv().cuMemFree(ptr_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void* data() const { return reinterpret_cast<void*>(ptr_); }
  template <class T> void upload(const std::vector<T>& v) {
    REQUIRE(v.size() * sizeof(T) <= bytes_);
    cuda_require(drv().cuMemcpyHtoD(ptr_, v.data(), v.size() * sizeof(T)), "upload");
  }
  template <class T> std::vector<T> download(size_t count) const {
    std::vector<T> v(count);
    cuda_require(drv().cuMemcpyDtoH(v.data(), ptr_, count * sizeof(T)), "download");
    return v;
  }
  // All bytes 0xff: NaN in bf16, fp16 and fp32, so an element the kernel never writes fails.
  void poison() { cuda_require(drv().cuMemsetD8(ptr_, 0xff, bytes_), "poison"); }

private:
  CUdeviceptr ptr_ = 0;
  size_t bytes_;
};

} // namespace attnjit
