// attnjit public C++ API.
//
// Compile a mask (one line of text) into a kernel for a head dim and dtype, then run it on
// caller-owned tensors. On a GPU the tensors are device pointers and the work is queued on the
// caller's CUDA stream; on the CPU backend they are host pointers and `run` returns when done.
// Nothing here throws: every call that can fail returns a Result holding the value or an Error
// whose message names the problem.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attnjit/result.hpp"

namespace attnjit {

enum class DType : uint8_t { bf16, fp16, fp32 };
enum class BackendKind : uint8_t { Auto, Gpu, Cpu };

const char* dtype_name(DType t);        // "bf16", "fp16", "fp32"
const char* backend_name(BackendKind b); // "auto", "gpu", "cpu"

// Tile configuration of a GPU kernel. Zeros mean "the default for this head dim and device".
struct TileConfig {
  int block_m = 0;
  int block_n = 0;
  int warps = 0;
  int stages = 0;
  std::string family; // "sm80" (mma.sync) or "sm90" (wgmma); empty = default for the device
};

struct CompileOptions {
  int head_dim = 128;
  DType dtype = DType::bf16;
  BackendKind backend = BackendKind::Auto;
  // GPU only: target architecture ("sm_80", "sm_90a"). Empty = the current device's.
  // With an explicit arch, `compile_only` works on a machine without a GPU.
  std::string arch;
  bool compile_only = false;
  TileConfig tiles;
  // Module cache directory. Empty = $ATTNJIT_CACHE_DIR, else $XDG_CACHE_HOME/attnjit, else
  // ~/.cache/attnjit.
  std::string cache_dir;
  int device = 0; // CUDA device ordinal
};

// A view of one of Q, K, V or O: element strides for batch, head and sequence; the head dim is
// contiguous. Shapes come from Problem. On the GPU the strides must be multiples of 8 elements
// and the pointer 16-byte aligned.
struct TensorRef {
  void* data = nullptr;
  int64_t stride_batch = 0;
  int64_t stride_head = 0;
  int64_t stride_seq = 0;
};

struct Problem {
  int batch = 1;
  int heads = 1;    // query heads
  int kv_heads = 1; // key/value heads; heads % kv_heads == 0
  int seq_q = 0;
  int seq_k = 0;
  TensorRef q, k, v, o;
  float* lse = nullptr; // optional [batch, heads, seq_q] fp32, natural log; contiguous
  float scale = 0.0f;   // 0 = 1/sqrt(head_dim)
  std::vector<std::pair<std::string, int64_t>> params;
  void* stream = nullptr; // CUstream on the GPU; ignored on the CPU
};

enum class CacheStatus : uint8_t { Miss, MemoryHit, DiskHit };
const char* cache_status_name(CacheStatus s); // "miss", "memory", "disk"

struct KernelInfo {
  std::string canonical; // canonical mask text
  std::string hash;      // structural hash of the mask
  std::vector<std::string> params;
  BackendKind backend = BackendKind::Cpu;
  int head_dim = 0;
  DType dtype = DType::bf16;
  std::string arch;  // GPU: "sm_90a"...; CPU: the host CPU name
  TileConfig tiles;  // GPU only
  CacheStatus cache = CacheStatus::Miss;
  double compile_ms = 0; // time spent producing this kernel (0 on a memory hit)
  std::string cache_key;  // GPU: hex key of the module cache entry
  std::string cache_path; // GPU: path of the disk cache entry
};

class KernelImpl;
class Kernel;
struct CompileOptions;
Result<Kernel> compile(std::string_view mask, const CompileOptions& options);

// A compiled kernel. Cheap to copy (shared); safe to run from several threads at once.
class Kernel {
public:
  Kernel() = default;
  explicit Kernel(std::shared_ptr<KernelImpl> impl) : impl_(std::move(impl)) {}
  const KernelInfo& info() const;
  // Runs attention. Errors: bad shapes, strides or alignment; unbound or unknown parameters;
  // a shape whose positions or mask arithmetic could leave 32 bits; launch failures.
  Result<void> run(const Problem& p) const;
  bool valid() const { return impl_ != nullptr; }

private:
  friend Result<Kernel> compile(std::string_view mask, const CompileOptions& options);
  std::shared_ptr<KernelImpl> impl_for_cache() const;
  std::shared_ptr<KernelImpl> impl_;
};

// Parses, checks and compiles `mask`. Errors carry the rendered diagnostics (with caret) or the
// compiler log.
Result<Kernel> compile(std::string_view mask, const CompileOptions& options = {});

// What is available on this machine: "gpu: NVIDIA H200 (sm_90a)" or why not ("no GPU: ...").
struct SystemInfo {
  bool gpu_available = false;
  std::string gpu_name;
  std::string gpu_arch;
  std::string gpu_reason; // why there is no GPU backend, when there is none
  bool cpu_available = false;
  std::string cpu_reason;
};
SystemInfo system_info();

} // namespace attnjit
