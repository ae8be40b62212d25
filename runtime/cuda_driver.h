// The CUDA driver API, loaded at run time with dlopen("libcuda.so.1") on first use. Nothing here
// needs cuda.h or the driver stub to build, so a program linking attnjit starts on a machine
// with no driver and learns why through `cuda_driver()`'s error.
//
// Only the entry points the runtime and the GPU tests use are declared; their C signatures and
// enum values are those of the driver's ABI (stable across releases), and the symbol names are
// the versioned ones the driver exports (cuMemAlloc_v2, ...).
#pragma once

#include "attnjit/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace attnjit {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st*;
using CUmodule = struct CUmod_st*;
using CUfunction = struct CUfunc_st*;
using CUstream = struct CUstream_st*;
using CUevent = struct CUevent_st*;

constexpr CUresult kCudaSuccess = 0;
// Device attributes (CUdevice_attribute values).
constexpr int kAttrMultiprocessorCount = 16;
constexpr int kAttrComputeCapabilityMajor = 75;
constexpr int kAttrComputeCapabilityMinor = 76;
constexpr int kAttrMaxSharedMemoryPerBlockOptin = 97;
constexpr int kAttrMaxRegistersPerBlock = 12;
constexpr int kAttrL2CacheSize = 38;
// Function attribute CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES.
constexpr int kFuncAttrMaxDynamicSharedBytes = 8;

// Tensor map encoding (cuTensorMapEncodeTiled; the CUtensorMap* enums of cuda.h).
struct alignas(64) CUtensorMap {
  uint64_t opaque[16];
};
constexpr int kTensorMapFloat16 = 6;         // CU_TENSOR_MAP_DATA_TYPE_FLOAT16
constexpr int kTensorMapBfloat16 = 9;        // CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
constexpr int kTensorMapInterleaveNone = 0;  // CU_TENSOR_MAP_INTERLEAVE_NONE
constexpr int kTensorMapSwizzle128B = 3;     // CU_TENSOR_MAP_SWIZZLE_128B
constexpr int kTensorMapL2Promotion128B = 2; // CU_TENSOR_MAP_L2_PROMOTION_L2_128B
constexpr int kTensorMapL2Promotion256B = 3; // CU_TENSOR_MAP_L2_PROMOTION_L2_256B
constexpr int kTensorMapOobFillNone = 0;     // CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE: zeros

struct CudaDriver {
  CUresult (*cuInit)(unsigned flags);
  CUresult (*cuDriverGetVersion)(int* version);
  CUresult (*cuGetErrorString)(CUresult error, const char** str);
  CUresult (*cuGetErrorName)(CUresult error, const char** str);
  CUresult (*cuDeviceGetCount)(int* count);
  CUresult (*cuDeviceGet)(CUdevice* device, int ordinal);
  CUresult (*cuDeviceGetName)(char* name, int len, CUdevice device);
  CUresult (*cuDeviceGetAttribute)(int* value, int attribute, CUdevice device);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext* ctx, CUdevice device);
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice device);
  CUresult (*cuCtxGetCurrent)(CUcontext* ctx);
  CUresult (*cuCtxGetDevice)(CUdevice* device);
  CUresult (*cuCtxPushCurrent)(CUcontext ctx);
  CUresult (*cuCtxPopCurrent)(CUcontext* ctx);
  CUresult (*cuCtxSynchronize)();
  CUresult (*cuModuleLoadData)(CUmodule* module, const void* image);
  CUresult (*cuModuleUnload)(CUmodule module);
  CUresult (*cuModuleGetFunction)(CUfunction* fn, CUmodule module, const char* name);
  CUresult (*cuFuncSetAttribute)(CUfunction fn, int attribute, int value);
  CUresult (*cuLaunchKernel)(CUfunction fn, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                             unsigned by, unsigned bz, unsigned shared_bytes, CUstream stream,
                             void** params, void** extra);
  CUresult (*cuMemAlloc)(CUdeviceptr* ptr, size_t bytes);
  CUresult (*cuMemFree)(CUdeviceptr ptr);
  CUresult (*cuMemcpyHtoD)(CUdeviceptr dst, const void* src, size_t bytes);
  CUresult (*cuMemcpyDtoH)(void* dst, CUdeviceptr src, size_t bytes);
  CUresult (*cuMemsetD8)(CUdeviceptr dst, unsigned char value, size_t count);
  CUresult (*cuMemsetD8Async)(CUdeviceptr dst, unsigned char value, size_t count, CUstream s);
  CUresult (*cuStreamCreate)(CUstream* stream, unsigned flags);
  CUresult (*cuStreamDestroy)(CUstream stream);
  CUresult (*cuStreamSynchronize)(CUstream stream);
  CUresult (*cuEventCreate)(CUevent* event, unsigned flags);
  CUresult (*cuEventDestroy)(CUevent event);
  CUresult (*cuEventRecord)(CUevent event, CUstream stream);
  CUresult (*cuEventSynchronize)(CUevent event);
  CUresult (*cuEventElapsedTime)(float* ms, CUevent start, CUevent end);
  // Optional (CUDA 12.0+ drivers): null when the driver lacks it; only sm90 kernels need it.
  CUresult (*cuTensorMapEncodeTiled)(CUtensorMap* map, int data_type, unsigned rank,
                                     void* global_address, const uint64_t* global_dim,
                                     const uint64_t* global_strides, const uint32_t* box_dim,
                                     const uint32_t* element_strides, int interleave, int swizzle,
                                     int l2_promotion, int oob_fill);

  int version = 0; // cuDriverGetVersion, e.g. 13000
};

// The driver, loaded and initialized once per process (thread-safe). The error says why there
// is none: "no GPU: libcuda.so.1 not found (...)", "no GPU: cuInit failed: ...".
const Result<const CudaDriver*>& cuda_driver();

// "CUDA_ERROR_OUT_OF_MEMORY (out of memory)" for a driver status.
std::string cuda_error_text(const CudaDriver& d, CUresult r);

// An Error "<what>: <driver error text>" when r is not success.
Result<void> cuda_check(const CudaDriver& d, CUresult r, const std::string& what);

struct DeviceProps {
  CUdevice device = 0;
  std::string name;
  int cc_major = 0;
  int cc_minor = 0;
  int sm_count = 0;
  int max_smem_optin = 0; // bytes of dynamic shared memory a block may opt into
  int regs_per_block = 0; // 32-bit registers available to one block
  int l2_bytes = 0;       // L2 cache size
  std::string arch;       // NVRTC target: "sm_80", "sm_90a" (Hopper gets its `a` features)
};

// Properties of device `ordinal`; an error when there is no driver or no such device.
Result<DeviceProps> device_props(int ordinal);

// Makes a context current for the scope: the calling thread's current one if it has one (the
// caller's stream belongs to it), else the device's primary context, pushed and popped again.
class ScopedContext {
public:
  ScopedContext() = default;
  ScopedContext(const ScopedContext&) = delete;
  ScopedContext& operator=(const ScopedContext&) = delete;
  ~ScopedContext();
  Result<void> enter(const CudaDriver& d, int ordinal);
  CUcontext context() const { return ctx_; }

private:
  const CudaDriver* driver_ = nullptr;
  CUcontext ctx_ = nullptr;
  bool pushed_ = false;
};

} // namespace attnjit
