#include "compiler/generate_cuda.h"

#include "compiler/emit_mask_struct.h"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <sstream>

namespace attnjit {

namespace {

// Static shared memory of the templates beside the dynamic tiles: the walk list (two chunks
// of 128 entries, the tile ranges, key intervals), rounded up; the sm90 template reserves the
// same. fwd_sm80.cuh asserts it fits.
constexpr int kStaticSharedBytes = 2048;

// Slack in an sm90 kernel's dynamic shared memory so that it can align its tiles to 1024 bytes,
// the period of the 128-byte swizzle that TMA writes and wgmma reads.
constexpr int kSm90AlignSlack = 1024;

KernelConfig default_sm90_config(int head_dim, const std::string& dtype) {
  KernelConfig c;
  c.family = "sm90";
  c.head_dim = head_dim;
  c.dtype = dtype;
  // Two consumer warpgroups of 64 rows each and one producer warpgroup; three at head dim 64,
  // where 192 x 128 with 3 stages ran full 481 and causal 468 TFLOP/s against 382 and 374 for
  // 128 x 128 (H200, bf16, 16384; bench/results/kernel_notes.md v17).
  c.block_m = head_dim == 64 ? 192 : 128;
  c.warps = sm90_warps(c.block_m);
  // H200, bf16: head dim 128 with 128-key tiles and 3 stages. In the tuner's timings
  // (bench/results/h200_tune.jsonl, TFLOP/s, 3 stages against 2) at 16384 x 1: full 573 / 575,
  // causal 558 / 569, prefix1024 553 / 572, but window1024 486 / 440, sink4_window1024 439 /
  // 397, longformer_w256_g64 343 / 308, chunk2048 520 / 464; at 4096 x 4 ahead on every mask
  // (full 579 / 549, causal 539 / 489). One default for every mask: the tuner's database picks
  // 176-key tiles for the dense ones. At head dim 256 a 128-key tile with two stages needs
  // 321 KiB, 64-key tiles fit (194 KiB) and ran 658-706. Head dim 64: 128-key tiles with 3
  // stages, against 192-key tiles with 2 in the tuner's timings: full 6.027 against 6.003 ms at
  // 16384 and 1.673 against 1.612 at 4096 x 4, but causal 2.778 against 2.883, windows, chunks
  // and sinks 20-27% faster, longformer 0.545 against 0.941; and they compile faster.
  c.block_n = head_dim == 256 ? 64 : 128;
  c.stages = head_dim == 256 ? 2 : 3;
  return c;
}

std::string check_sm90(const KernelConfig& c) {
  std::ostringstream e;
  if (c.block_m != 128 && c.block_m != 192)
    e << "sm90: block_m must be 128 or 192 (two or three consumer warpgroups of 64 rows), got "
      << c.block_m;
  else if (c.warps != sm90_warps(c.block_m))
    e << "sm90: block_m " << c.block_m << " needs " << sm90_warps(c.block_m)
      << " warps (one producer and " << c.block_m / 64 << " consumer warpgroups), got " << c.warps;
  else if (std::find(std::begin(kSm90KeyTiles), std::end(kSm90KeyTiles), c.block_n) ==
           std::end(kSm90KeyTiles)) {
    e << "sm90: block_n " << c.block_n << " must be ";
    const int last = std::size(kSm90KeyTiles) - 1;
    for (int i = 0; i <= last; ++i)
      e << (i == 0 ? "" : i == last ? " or " : ", ") << kSm90KeyTiles[i];
  } else if (c.stages < 2 || c.stages > 4)
    e << "sm90: stages must be 2 to 4, got " << c.stages;
  else if (c.general)
    e << "sm90: only the dense variant exists (varlen, GQA packing and split-KV run on the sm80 "
         "family's general variant)";
  return e.str();
}

} // namespace

KernelConfig default_config(int head_dim, const std::string& dtype, const std::string& family) {
  if (family == "sm90") return default_sm90_config(head_dim, dtype);
  KernelConfig c;
  c.family = family;
  c.head_dim = head_dim;
  c.dtype = dtype;
  c.stages = 2;
  // Measured on an H200 (bf16, B=1, L=16384, full/causal effective TFLOP/s) with the dev
  // harness. More stages did not help: two K/V stages already hide the loads behind the
  // two GEMMs of a tile, and a third only costs shared memory.
  if (head_dim == 64) {
    // 32 rows per warp reuses each K/V fragment for two mma tiles: 298/278 against 226/257
    // for 128x128 with 8 warps. 48 KiB of shared memory lets two blocks share an SM.
    c.block_m = 128, c.block_n = 64, c.warps = 4;
  } else if (head_dim == 128) {
    // 16 rows per warp with 128-key tiles: 318/314, no spills. 128x64 with 4 warps ran
    // 327/295 but spills about 60 bytes, left to the autotuner.
    c.block_m = 128, c.block_n = 128, c.warps = 8;
  } else {
    // The O accumulator of 16 rows x 256 already takes 128 registers per thread: 16 rows per
    // warp, 64-key tiles, 160 KiB of shared memory (one block per SM): 242/222.
    c.block_m = 64, c.block_n = 64, c.warps = 4;
  }
  return c;
}

int shared_memory_bytes(const KernelConfig& c) {
  // Q tile plus `stages` x (K tile + V tile) of 16-bit elements: FwdShape::kSmemBytes.
  const int tiles = (c.block_m * c.head_dim + 2 * c.stages * c.block_n * c.head_dim) * 2;
  return c.family == "sm90" ? tiles + kSm90AlignSlack : tiles;
}

int threads_per_block(const KernelConfig& c) {
  return c.warps * 32;
}

GridDims grid_dims(const KernelConfig& c, int batch, int heads, int seq_q) {
  assert(batch >= 0 && heads >= 0 && seq_q >= 0 && "grid_dims: sizes must be non-negative");
  const long long tiles = (static_cast<long long>(seq_q) + c.block_m - 1) / c.block_m;
  const long long blocks = tiles * heads * batch;
  assert(blocks < (1ll << 31) && "grid_dims: more blocks than a grid's x dimension holds");
  GridDims g;
  g.x = static_cast<unsigned>(blocks);
  return g;
}

std::string check_config(const KernelConfig& c) {
  std::ostringstream e;
  if (c.family != "sm80" && c.family != "sm90")
    e << "unknown kernel family '" << c.family << "' (have: sm80, sm90)";
  else if (c.dtype != "bf16" && c.dtype != "fp16")
    e << "dtype " << c.dtype << " has no GPU kernel (use bf16 or fp16)";
  else if (c.head_dim != 64 && c.head_dim != 128 && c.head_dim != 256)
    e << "head dim " << c.head_dim << " is not supported (use 64, 128 or 256)";
  else if (c.mask_table && (c.family != "sm90" || c.general))
    e << "a mask-free kernel (keep bits from the runtime) is of the sm90 family's dense variant "
         "only";
  else if (c.family == "sm90" && !check_sm90(c).empty())
    e << check_sm90(c);
  else if (c.family == "sm80" && c.warps != 4 && c.warps != 8)
    e << "warps must be 4 or 8, got " << c.warps;
  else if (c.family == "sm80" &&
           (c.block_m <= 0 || c.block_m % (16 * c.warps) != 0 || c.block_m / c.warps > 32))
    e << "block_m " << c.block_m << " must give each of " << c.warps << " warps 16 or 32 rows";
  else if (c.family == "sm80" && (c.block_n < 16 || c.block_n > 128 || c.block_n % 16 != 0))
    e << "block_n " << c.block_n << " must be a multiple of 16 in [16, 128]";
  else if (c.stages < 2 || c.stages > 4)
    e << "stages must be 2 to 4, got " << c.stages;
  else if (c.family == "sm80" && (c.block_n * c.head_dim / 8) % (c.warps * 32) != 0)
    e << "a " << c.block_n << "-key tile does not split evenly over " << c.warps * 32 << " threads";
  else if (shared_memory_bytes(c) + kStaticSharedBytes > 227 * 1024)
    e << "tile " << c.block_m << "x" << c.block_n << " with " << c.stages << " stages needs "
      << shared_memory_bytes(c) << " bytes of shared memory (at most "
      << 227 * 1024 - kStaticSharedBytes << " beside the walk list)";
  return e.str();
}

std::string check_family_arch(const std::string& family, const std::string& arch) {
  if (family != "sm90" || arch == "sm_90a") return {};
  return "kernel family sm90 needs sm_90a (Hopper); the target is " + arch;
}

KernelConfig general_config(const KernelConfig& dense) {
  KernelConfig g = dense.family == "sm90" ? default_config(dense.head_dim, dense.dtype) : dense;
  g.general = true;
  return g;
}

namespace {

// Banner lines must stay comments whatever the mask text holds.
std::string one_line(const std::string& s) {
  std::string r;
  for (char ch : s) r += (ch == '\n' || ch == '\r') ? ' ' : ch;
  return r;
}

// The banner, the includes, the mask struct and the named constants: the same for every family.
// A mask-free kernel names no mask: its text is the same for every program.
void emit_head(std::ostringstream& o, const MaskProgram& program, const KernelConfig& c) {
  o << "// Generated by attnjit generate_cuda v" << kGenerateCudaVersion << ". Do not edit.\n";
  if (c.mask_table) {
    o << "//   mask:      none: the keep bits of PARTIAL tiles come from the runtime "
         "(FwdParams::keep_bits)\n";
  } else {
    o << "//   mask:      " << one_line(program.source) << "\n"
      << "//   canonical: " << one_line(program.canonical) << "\n"
      << "//   params:    ";
    if (program.params.empty()) o << "(none)";
    for (size_t i = 0; i < program.params.size(); ++i) o << (i ? ", " : "") << program.params[i];
    o << "\n";
  }
  o << "//   kernel:    " << c.family << ", " << c.dtype << ", head dim " << c.head_dim << ", tile "
    << c.block_m << "x" << c.block_n << ", " << c.warps << " warps, " << c.stages << " stages, "
    << shared_memory_bytes(c) << " bytes of dynamic shared memory\n"
    << "//   variant:   "
    << (c.general ? "general (varlen batches, GQA packing, split-KV)" : "dense batches") << "\n"
    << "#define ATTNJIT_NVRTC\n"
    << "#include \"mask_support.cuh\"\n"
    << "#include \"fwd_" << c.family << ".cuh\"\n\n";
  if (c.mask_table)
    o << "using Mask = attnjit::sm90::TableMask;\n\n";
  else
    o << emit_mask_struct(program) << "\n";
  o << "constexpr int kHeadDim = " << c.head_dim << ";\n"
    << "constexpr int kBlockM = " << c.block_m << ";\n"
    << "constexpr int kBlockN = " << c.block_n << ";\n"
    << "constexpr int kWarps = " << c.warps << ";\n"
    << "constexpr int kStages = " << c.stages << ";\n"
    << "using Elem = attnjit::" << c.family << "::" << c.dtype << ";\n"
    << "using Shape = attnjit::" << c.family
    << "::FwdShape<kHeadDim, kBlockM, kBlockN, kWarps, kStages>;\n"
    << "static_assert(Shape::kSmemBytes == " << shared_memory_bytes(c)
    << ", \"host and template disagree on shared memory\");\n\n";
}

// The sm90 entry: the tensor maps come as a second __grid_constant__ argument (TMA reads them
// from parameter space). The template aligns its tiles to 1024 bytes (the 128-byte swizzle's
// period) inside the Shape::kAlignSlack bytes of dynamic shared memory kept for that, so the
// array needs no alignment of its own (asking for 1024 here would also pad the static part).
void emit_sm90_entry(std::ostringstream& o) {
  o << "// One block per SM: kBlockM query rows over consumer warpgroups of 64 rows, one "
       "producer\n"
    << "// warpgroup loading Q, K and V by TMA (templates/fwd_sm90.cuh). Grid: query tiles x "
       "heads x\n"
    << "// batch in x (generate_cuda.h: grid_dims); block: kWarps * 32 threads; dynamic shared "
       "memory:\n"
    << "// Shape::kSmemBytes. `maps` holds the Q, K and V tensor maps (runtime/tma.h).\n"
    << "extern \"C\" __global__ void __launch_bounds__(kWarps * 32, 1)\n"
    << kKernelEntryName
    << "(const __grid_constant__ attnjit::FwdParams p, const __grid_constant__ "
       "attnjit::TmaMaps maps) {\n"
    << "  extern __shared__ __align__(128) char smem[];\n"
    << "  attnjit::sm90::fwd<Mask, Elem, kHeadDim, kBlockM, kBlockN, kWarps, kStages>(p, maps, "
       "smem);\n"
    << "}\n\n"
    << "// Merge of split query tiles' shares (templates/fwd_sm90.cuh): one warp per row, "
    << kMergeWarps << " warps per block.\n"
    << "extern \"C\" __global__ void __launch_bounds__(" << kMergeWarps * 32 << ")\n"
    << kShareMergeEntryName << "(const __grid_constant__ attnjit::FwdParams p) {\n"
    << "  attnjit::sm90::merge_shares<kHeadDim, kBlockM, Elem, " << kMergeWarps << ">(p);\n"
    << "}\n";
}

} // namespace

std::string generate_cuda(const MaskProgram& program, const KernelConfig& c) {
  assert(check_config(c).empty() && "generate_cuda: config must pass check_config");
  std::ostringstream o;
  emit_head(o, program, c);
  if (c.family == "sm90") {
    emit_sm90_entry(o);
    return o.str();
  }
  o << "// One block per SM is asked for: without it ptxas trades registers for occupancy the "
       "shared\n"
    << "// memory never allows, and the tiles spill (64 registers for a generated classifier).\n"
    << "// Grid: query tiles x heads x batch in x (generate_cuda.h: grid_dims); block: kWarps * "
       "32\n"
    << "// threads; dynamic shared memory: Shape::kSmemBytes.\n"
    << "extern \"C\" __global__ void __launch_bounds__(kWarps * 32, 1)\n"
    << kKernelEntryName << "(const __grid_constant__ attnjit::FwdParams p) {\n"
    << "  extern __shared__ __align__(128) char smem[];\n"
    << "  attnjit::" << c.family
    << "::fwd<Mask, Elem, kHeadDim, kBlockM, kBlockN, kWarps, kStages, false, "
    << (c.general ? "true" : "false") << ">(p, smem);\n"
    << "}\n";
  if (c.general)
    o << "\n// Split-KV merge (templates/split_kv.cuh): one warp per output row, " << kMergeWarps
      << " warps per block.\n"
      << "extern \"C\" __global__ void __launch_bounds__(" << kMergeWarps * 32 << ")\n"
      << kMergeEntryName << "(const __grid_constant__ attnjit::FwdParams p) {\n"
      << "  attnjit::merge_splits<kHeadDim, Elem, attnjit::" << c.family << "::ElemOps<Elem>, "
      << kMergeWarps << ">(p);\n"
      << "}\n";
  return o.str();
}

} // namespace attnjit
