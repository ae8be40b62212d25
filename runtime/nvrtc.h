// NVRTC, loaded at run time with dlopen, and the one way attnjit compiles CUDA source: the
// generated .cu plus the embedded templates (as in-memory headers) straight to a cubin for one
// exact architecture.
#pragma once

#include "attnjit/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace attnjit {

struct NvrtcInfo {
  int major = 0;
  int minor = 0;
  std::string version;       // "13.0": part of every module cache key
  std::string shared_object; // the file dlopen found, for system_info and error messages
};

// Loads NVRTC once per process (thread-safe). Looks for libnvrtc.so.13, .so.12, .so through the
// loader's path, then under $CUDA_HOME/lib64 and the default toolkit location.
const Result<NvrtcInfo>& nvrtc_info();

// The options every attnjit module is compiled with, for `arch` ("sm_80", "sm_90a"), followed
// by extra_nvrtc_options(). These go into the cache key, so changing them invalidates old entries.
std::vector<std::string> nvrtc_options(std::string_view arch);

// Options appended to every NVRTC compile from $ATTNJIT_NVRTC_OPTIONS (split on blanks), read
// once per process. For experiments with the device compiler (e.g. "--Ofast-compile=min"); a bad
// option comes back as the compile error NVRTC gives for it.
const std::vector<std::string>& extra_nvrtc_options();

struct CubinRequest {
  std::string_view source;
  std::string name; // file name shown in the log, e.g. "attnjit_causal_d128.cu"
  std::vector<std::string> options;
  // Where a failing source is written for the user to inspect (created on demand); empty = no
  // dump.
  std::string failed_dir;
};

// Compiles to a cubin. On failure the error holds the NVRTC status, the options, the path of the
// dumped source and the compiler log.
Result<std::vector<char>> compile_cubin(const CubinRequest& req);

} // namespace attnjit
