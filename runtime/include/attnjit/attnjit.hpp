// attnjit public C++ API.
//
// Compile a mask (one line of text) into a kernel for a head dim and dtype, then run it on
// caller-owned tensors. On a GPU the tensors are device pointers and the work is queued on the
// caller's CUDA stream; on the CPU backend they are host pointers and `run` returns when done.
// Nothing here throws: every call that can fail returns a Result holding the value or an Error
// whose message names the problem.
//
// Linking: `attnjit::attnjit` (CMake) or `attnjit` (pkg-config) is the GPU path; the CUDA driver
// (libcuda.so.1) and NVRTC are opened with dlopen on first use, so a program starts on machines
// without them. The LLVM CPU backend is the optional `attnjit::cpu` / `attnjit-cpu`; see cpu.hpp.
//
// Threads: every function here may be called from many threads at once. compile() of the same
// mask and options from N threads at once compiles once: the others wait for it and get a memory
// hit. A Kernel is immutable and may run from many threads at once, each with its own Problem.
// On the GPU, work is queued on the Problem's stream; ordering across streams is the caller's.
//
// Process-wide state, all keyed and locked: a request cache (mask text + options -> kernel), the
// GPU module cache (one per cache directory, in front of the disk cache) and the CPU backend's
// compiled modules. Entries live until the process ends. GPU kernels are loaded into the device's
// primary context, pushed around each call, so the caller's current context is left as it was.
//
// Environment, read when used: ATTNJIT_CACHE_DIR, then XDG_CACHE_HOME (+ "/attnjit"), then HOME
// (+ "/.cache/attnjit") choose the disk cache, and the tuning database in its tune/ folder, when
// CompileOptions::cache_dir is empty; ATTNJIT_DEBUG=1 prints each compile stage to stderr;
// CUDA_HOME and CUDA_PATH add places to look for NVRTC; ATTNJIT_NVRTC_OPTIONS (blank-separated)
// appends options to every NVRTC compile, and is part of the cache key. NVRTC itself may reuse
// results from the CUDA driver's compute cache (CUDA_CACHE_DISABLE=1 turns that off, e.g. to time
// a truly cold compile). Nothing else is global: the device and cache directory are
// CompileOptions fields.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attnjit/result.hpp"

namespace attnjit {

// Element type of Q, K, V and O. The GPU takes bf16 and fp16; the CPU backend all three.
// Accumulation is fp32 in every case.
enum class DType : uint8_t { bf16, fp16, fp32 };
// Auto: the GPU when one is usable, else the CPU backend when it is linked and enabled.
enum class BackendKind : uint8_t { Auto, Gpu, Cpu };

const char* dtype_name(DType t);         // "bf16", "fp16", "fp32"
const char* backend_name(BackendKind b); // "auto", "gpu", "cpu"

// Tile configuration of a GPU kernel. Zeros mean "the default for this head dim and device".
struct TileConfig {
  int block_m = 0;
  int block_n = 0;
  int warps = 0;
  int stages = 0;
  std::string family; // "sm80" (mma.sync) or "sm90" (wgmma); empty = default for the device
};

// Where a kernel of the sm90 family gets the element mask of its PARTIAL tiles.
// - Table (what Auto picks): the kernel holds no mask code, so one kernel per tile config
//   serves every mask: it is compiled once, and a new mask then compiles nothing. The runtime
//   computes each PARTIAL tile's keep bits on the host at the first run of a shape and
//   parameter values (cached like the walk). A problem whose bits would pass 16 MiB runs the
//   Inline kernel instead, compiled on that first need.
// - Inline: the mask's predicate is compiled into the kernel.
// The sm80 family always has the mask inline.
enum class MaskCode { Auto, Inline, Table };

// What to compile for. Every field is part of the kernel's identity: the same mask with equal
// options is a cache hit.
struct CompileOptions {
  int head_dim = 128; // 64, 128 or 256 on the GPU
  DType dtype = DType::bf16;
  BackendKind backend = BackendKind::Auto;
  // GPU only: target architecture ("sm_80", "sm_90a"). Empty = the current device's.
  // With an explicit arch, `compile_only` works on a machine without a GPU.
  std::string arch;
  bool compile_only = false;
  TileConfig tiles;
  MaskCode mask_code = MaskCode::Auto;
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

// One attention call: shapes, tensors, parameter values and stream. Changing any of these never
// recompiles; only the kernel's CompileOptions and the mask's structure do.
struct Problem {
  int batch = 1;
  int heads = 1;    // query heads
  int kv_heads = 1; // key/value heads; heads % kv_heads == 0
  int seq_q = 0;
  int seq_k = 0;
  TensorRef q, k, v, o;
  float* lse = nullptr; // optional [batch, heads, seq_q] fp32, natural log; contiguous
  float scale = 0.0f;   // 0 = 1/sqrt(head_dim)
  // Values of the mask's parameters by name ({"W", 1023}); each must be given, and no other.
  std::vector<std::pair<std::string, int64_t>> params;
  void* stream = nullptr; // CUstream on the GPU; ignored on the CPU

  // Variable-length batches, as FlashAttention's varlen interface. Arrays of int32 on the device
  // for a GPU kernel, on the host for the CPU backend; null = not used.
  // - cu_seqlens_q and cu_seqlens_k ([batch + 1], given together): packed sequences. Sequence b
  //   holds rows [cu[b], cu[b + 1]) of the sequence dim; seq_q / seq_k are the total rows,
  //   stride_batch is unused, and lse is [heads, seq_q]. max_seq_q / max_seq_k must be at least
  //   every sequence's length (they size the grid and the 32-bit check).
  // - seqused_k ([batch]): sequence b attends only its first seqused_k[b] keys (a key/value
  //   cache with unequal fill); max_seq_k bounds them (0 = seq_k).
  // Positions are per sequence and bottom-right aligned: query row r of sequence b has position
  // r + len_k(b) - len_q(b). The GPU reads the arrays on the device and does not validate them
  // (a wrong array is the caller's out-of-bounds access); the CPU backend validates them.
  const int32_t* cu_seqlens_q = nullptr;
  const int32_t* cu_seqlens_k = nullptr;
  const int32_t* seqused_k = nullptr;
  int max_seq_q = 0;
  int max_seq_k = 0;

  // Split-KV on the GPU: 0 = chosen from the problem (split when the query tiles leave most SMs
  // idle, as in decode), 1 = off, N = N shares per query tile (at most 128). The fp32 workspace
  // of the shares is allocated by the kernel and kept per (context, stream); runs on one stream
  // are ordered, so they may share it. Ignored by the CPU backend.
  int kv_splits = 0;
  // GQA packing on the GPU: the query heads that share a key/value head go into one tile's rows
  // (row r: head r % group, position r / group), so K and V are read once per group. 0 = when
  // one head's query rows fill less than a tile (decode), 1 = off, 2 = on.
  int pack_gqa = 0;
  // Persistent blocks on the GPU (sm90 family): the kernel's blocks loop over query tiles,
  // heaviest first, each block overlapping one tile's end with the next one's start. 0 = chosen
  // from the problem (one block per SM when the mask's query tiles walk at most 32 key tiles on
  // average, else one block per query tile), N = at most N blocks (N >= the query tiles x heads
  // x batch: one block per tile). The other kernels ignore it.
  int persistent_blocks = 0;
  // Split query tiles on the GPU (sm90 family): a query tile whose mask walks far more key tiles
  // than the others (the global rows of `global(n)`) is cut into shares that run as separate
  // work items, merged by their LSE after the kernel. 0 = chosen from the problem (tiles that
  // walk over 4x the median, when the grid would otherwise wait on them), 1 = off, N = 2..31:
  // every query tile that walks two key tiles or more is split into up to N shares (for tests).
  // The fp32 workspace of the shares is kept per (context, stream), as for kv_splits.
  int split_tiles = 0;
  // Launch order on the GPU (sm90 family): work items go group by group of this many (head,
  // batch) units, heaviest query tile first inside a group, so that the blocks running at one
  // time read the keys and values of a few heads and find them in L2. 0 = chosen (the units
  // whose keys and values fit in 16 MiB, except under a persistent launch's static schedule:
  // one group), N = N units per group (N >= heads x batch: one group, every
  // unit's heaviest tile first). The order never changes the result.
  int unit_group = 0;
  // How a persistent launch (sm90 family) hands out work items: 0 = chosen (dynamic), 1 =
  // static (block b takes items b, 2G - 1 - b, 2G + b, ... of G blocks, pairing heavy items
  // with light ones), 2 = dynamic (after its first item a block draws the next one from a
  // counter in the (context, stream) workspace when it is about to need it, so blocks that
  // finish early take more). The schedule never changes the result.
  int item_schedule = 0;
  // On the GPU, a kernel has two variants: compile() builds the dense-batch one; the first run
  // that uses varlen arrays, GQA packing or split-KV builds the general one (through the same
  // memory and disk caches, so that run takes the NVRTC time once) and later runs reuse it.
};

// Where compile() found the kernel: compiled by this call, already in this process, or read
// from the disk cache (GPU).
// Prebuilt: the module came with the library (the mask-free sm90 kernels of compile()'s default
// tiles, runtime/prebuilt.h) and was written to the disk cache; nothing was compiled.
enum class CacheStatus : uint8_t { Miss, MemoryHit, DiskHit, Prebuilt };
const char* cache_status_name(CacheStatus s); // "miss", "memory", "disk", "prebuilt"

// What a compiled kernel is and where it came from.
struct KernelInfo {
  std::string canonical;           // canonical mask text
  std::string hash;                // structural hash of the mask
  std::vector<std::string> params; // parameter names, sorted
  BackendKind backend = BackendKind::Cpu;
  int head_dim = 0;
  DType dtype = DType::bf16;
  std::string arch; // GPU: "sm_90a"...; CPU: the host CPU name
  TileConfig tiles; // GPU only
  CacheStatus cache = CacheStatus::Miss;
  double compile_ms = 0;  // time this compile() took to produce it (a memory hit: the lookup)
  std::string cache_key;  // GPU: hex key of the module cache entry
  std::string cache_path; // GPU: path of the disk cache entry
  // GPU: where `tiles` came from: "explicit" (non-zero CompileOptions::tiles), "database" (a
  // tuned entry, through compile_for) or "default" (the heuristic for the head dim, or through
  // compile_for, for the problem's shape).
  std::string tiles_from;
  // GPU: "table" (an sm90 kernel with no mask code: keep bits from the runtime, see MaskCode)
  // or "inline" (the mask's predicate compiled in).
  std::string mask_code;
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

// Parses, checks and compiles `mask`, or returns the cached kernel (see KernelInfo::cache).
// Thread-safe; concurrent requests for the same kernel compile it once. Errors carry the rendered
// diagnostics (with caret) or the compiler log.
Result<Kernel> compile(std::string_view mask, const CompileOptions& options = {});

// --- Autotuning ---------------------------------------------------------------------------
//
// tune() times every tile configuration worth trying for a mask on this GPU and a problem's
// shape and remembers the fastest in a tuning database under <cache dir>/tune/, keyed by (GPU
// name, architecture, SM count, mask structure, head dim, dtype, GQA ratio, power-of-two buckets
// of seq_q, seq_k and batch x heads). compile_for() then builds the kernel with the remembered
// tiles, with no measurement, in any later process.

// One timed (or failed) candidate.
struct TuneCandidate {
  TileConfig tiles;
  double ms = 0;     // median of the timed calls; +inf when it failed
  double tflops = 0; // effective: 4 * batch * heads * attended pairs * head_dim / time
  std::string error; // why it failed to compile or run; empty when it ran
};

// Called as tuning advances; calls never overlap. phase is "compile" or "measure".
struct TuneProgress {
  const char* phase = "";
  int done = 0;
  int total = 0;
  double best_ms = 0; // +inf until a candidate ran
  TileConfig best;
};

struct TuneOptions {
  bool force = false; // tune again even when the database holds an entry for this key
  std::function<void(const TuneProgress&)> progress;
  // Timed calls per candidate: at least min_reps, then until target_ms of kernel time or
  // max_reps calls, whichever comes first, spread over three interleaved rounds (so that clock
  // drift during tuning touches every candidate alike); candidates over 1.25x the best after
  // the first round stop there. The L2 cache is flushed before each call.
  int min_reps = 10;
  int max_reps = 50;
  double target_ms = 100;
  // Non-empty: time exactly these configurations (zeros take the default's value) instead of
  // the pruned search space.
  std::vector<TileConfig> candidates;
};

struct TuneReport {
  std::vector<TuneCandidate> candidates; // timed, fastest first; failures last
  std::vector<TuneCandidate> pruned;     // removed before compiling; `error` says why
  TileConfig best;
  double best_ms = 0;
  TileConfig default_tiles;   // what compile() picks without a database entry
  double default_ms = 0;      // its time (+inf when it failed)
  double seconds = 0;         // wall time of the whole tuning
  int64_t attended_pairs = 0; // per (batch, head), for effective TFLOP/s
  bool from_database = false; // the entry existed: nothing was measured
  std::string tuned_at;       // when the entry was measured (UTC)
  std::string db_path;        // the database entry
  std::string note;           // set when the entry could not be written (the report still holds)
};

// Tunes `mask` for `options` (head dim, dtype, device, cache dir) on the problem's shape and
// parameter values (its tensors and stream are not used: tuning allocates its own random inputs
// and runs on the default stream). With an entry already in the database and !force, returns it
// with from_database set and measures nothing. Needs a GPU.
Result<TuneReport> tune(std::string_view mask, const CompileOptions& options,
                        const Problem& problem, const TuneOptions& tune_options = {});

// compile() with the tiles the database holds for this problem's key when options.tiles is all
// zeros; without an entry, with a default chosen from the problem's shape and the mask's work
// per query tile (at head dims 64 and 128 for prefill-sized problems; measured on an H200, see
// runtime/tune.h untuned_tiles), which tune() also reports as its "default"; with explicit tiles,
// exactly compile(). KernelInfo::tiles_from says which was used ("database", "default",
// "explicit").
Result<Kernel> compile_for(std::string_view mask, const CompileOptions& options,
                           const Problem& problem);

// What is available on this machine: device 0's name and arch, or why there is no GPU backend
// ("no GPU: libcuda.so.1 not found"); whether the CPU backend is enabled in this program.
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
