#include "runtime/gpu_compile.h"

#include "compiler/generate_cuda.h"
#include "runtime/cuda_driver.h"
#include "runtime/fs_util.h"
#include "runtime/gpu_kernel.h"
#include "runtime/module_cache.h"
#include "runtime/nvrtc.h"
#include "runtime/prebuilt.h"
#include "templates/fwd_params.cuh"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace attnjit {

std::string default_family(const CompileOptions& o, const std::string& arch) {
  if (!o.tiles.family.empty()) return o.tiles.family;
  const TileConfig& t = o.tiles;
  const bool tiles_given = t.block_m || t.block_n || t.warps || t.stages;
  return arch == "sm_90a" && !tiles_given ? "sm90" : "sm80";
}

std::optional<MaskCode> mask_code_named(std::string_view name) {
  if (name == "table") return MaskCode::Table;
  if (name == "inline") return MaskCode::Inline;
  if (name == "auto" || name.empty()) return MaskCode::Auto;
  return std::nullopt;
}

Result<KernelConfig> kernel_config(const CompileOptions& o, const std::string& arch) {
  if (o.head_dim != 64 && o.head_dim != 128 && o.head_dim != 256)
    return Error{
        fmt::format("head dim {} is not supported on the GPU (64, 128 or 256)", o.head_dim)};
  if (o.dtype != DType::bf16 && o.dtype != DType::fp16)
    return Error{
        fmt::format("dtype {} is not supported on the GPU (bf16 or fp16)", dtype_name(o.dtype))};
  // Zeros in TileConfig mean "keep the default" (of the family asked for).
  KernelConfig c = default_config(o.head_dim, dtype_name(o.dtype), default_family(o, arch));
  if (o.tiles.block_m) c.block_m = o.tiles.block_m;
  if (o.tiles.block_n) c.block_n = o.tiles.block_n;
  if (o.tiles.warps) c.warps = o.tiles.warps;
  if (o.tiles.stages) c.stages = o.tiles.stages;
  if (o.mask_code == MaskCode::Table && c.family != "sm90")
    return Error{fmt::format("mask code 'table' needs the sm90 family (sm_90a); this kernel is {}",
                             c.family)};
  c.mask_table = c.family == "sm90" && o.mask_code != MaskCode::Inline;
  if (std::string why = check_config(c); !why.empty())
    return Error{fmt::format("tile config m{} n{} w{} s{} {}: {}", c.block_m, c.block_n, c.warps,
                             c.stages, c.family, why)};
  return c;
}

namespace {

TileConfig tiles_of(const KernelConfig& c) {
  return {c.block_m, c.block_n, c.warps, c.stages, c.family};
}

// Everything the generated module depends on besides the toolchain, known before generating:
// a memory hit on this key regenerates nothing. A mask-free kernel depends on no mask.
std::string memory_key(const MaskProgram& program, const KernelConfig& c, const std::string& arch) {
  if (c.mask_table)
    return fmt::format("table|d{}|{}|m{}n{}w{}s{}|{}|{}|{}", c.head_dim, c.dtype, c.block_m,
                       c.block_n, c.warps, c.stages, c.family, arch,
                       fmt::join(extra_nvrtc_options(), " "));
  return fmt::format("{}|{}|d{}|{}|m{}n{}w{}s{}|{}|{}|{}|{}", program.hash, program.canonical,
                     c.head_dim, c.dtype, c.block_m, c.block_n, c.warps, c.stages, c.family,
                     c.general ? "general" : "dense", arch, fmt::join(extra_nvrtc_options(), " "));
}

Result<std::string> resolve_arch(const CompileOptions& o) {
  if (!o.arch.empty()) return o.arch;
  auto props = device_props(o.device);
  if (!props) return props.error();
  return props->arch;
}

// Loads the module on the device now, so that a kernel that cannot run there (wrong arch, too
// much shared memory) fails at compile() rather than at the first run().
Result<void> load_on_device(const GpuModule& module, int device, int smem_bytes) {
  const auto& drv = cuda_driver();
  if (!drv) return drv.error();
  auto props = device_props(device);
  if (!props) return props.error();
  if (smem_bytes > props->max_smem_optin)
    return Error{fmt::format("the tile config needs {} bytes of shared memory; {} allows {}",
                             smem_bytes, props->name, props->max_smem_optin)};
  ScopedContext scope;
  if (auto r = scope.enter(**drv, device); !r) return r;
  auto fn = module.function(**drv, scope.context(), smem_bytes);
  if (!fn) return fn.error();
  return {};
}

// The module of (program, config) for `arch` from the caches, generated and compiled on a miss.
Result<ModuleLookup> find_module(ModuleCache& cache, const MaskProgram& program,
                                 const KernelConfig& c, const std::string& arch) {
  auto make_source = [&]() -> Result<ModuleSource> { return module_source(program, c, arch); };
  return cache.get(memory_key(program, c, arch), make_source);
}

// Finds or builds the module of (program, config) through the caches and loads it on `device`,
// when called: another variant a run may need.
GeneralLoader module_loader(ModuleCache& cache, const MaskProgram& program, const KernelConfig& c,
                            const std::string& arch, int device) {
  return [program, c, arch, cache = &cache, device]() -> Result<std::shared_ptr<const GpuModule>> {
    auto hit = find_module(*cache, program, c, arch);
    if (!hit) return hit.error();
    if (auto r = load_on_device(*hit->entry->module, device, shared_memory_bytes(c)); !r)
      return r.error();
    return std::shared_ptr<const GpuModule>(hit->entry->module);
  };
}

} // namespace

Result<Kernel> compile_gpu(const MaskProgram& program, const CompileOptions& options) {
  if (program.params.size() > size_t(kMaxMaskParams))
    return Error{fmt::format("the mask has {} parameters; GPU kernels take at most {}",
                             program.params.size(), kMaxMaskParams)};
  // Config errors come first; the arch (the device's when not given) picks the default family.
  auto arch = resolve_arch(options);
  auto config = kernel_config(options, arch ? *arch : std::string());
  if (!config) return config.error();
  if (!arch) return arch.error();
  if (std::string why = check_family_arch(config->family, *arch); !why.empty()) return Error{why};
  const auto& nv = nvrtc_info();
  if (!nv) return nv.error();

  std::string dir = options.cache_dir.empty() ? default_cache_dir() : options.cache_dir;
  if (dir.empty())
    return Error{"no module cache directory: set ATTNJIT_CACHE_DIR, XDG_CACHE_HOME or HOME"};
  ModuleCache& cache = process_module_cache(dir);

  const KernelConfig& c = *config;
  auto found = find_module(cache, program, c, *arch);
  if (!found) return found.error();
  // The general variant (varlen, GQA packing, split-KV) is built by the first run that needs it,
  // through the same caches; most programs never do, and it costs nothing until then. It is
  // always of the sm80 family: an sm90 kernel's is the sm80 default for its head dim and dtype,
  // compiled for the same arch (sm_90a).
  const KernelConfig gc = general_config(c);
  GeneralLoader general = module_loader(cache, program, gc, *arch, options.device);
  // A mask-free kernel runs a problem whose keep bits would be too large on the kernel with the
  // mask inline (same tiles), built by the first run that needs it.
  GeneralLoader inline_loader;
  if (c.mask_table) {
    KernelConfig ic = c;
    ic.mask_table = false;
    inline_loader = module_loader(cache, program, ic, *arch, options.device);
  }

  const int smem = shared_memory_bytes(c);
  if (!options.compile_only)
    if (auto r = load_on_device(*found->entry->module, options.device, smem); !r) return r.error();

  KernelInfo info;
  info.canonical = program.canonical;
  info.hash = program.hash;
  info.params = program.params;
  info.backend = BackendKind::Gpu;
  info.head_dim = c.head_dim;
  info.dtype = options.dtype; // choose_config checked it is the one in `c`
  info.arch = *arch;
  info.tiles = tiles_of(c);
  const TileConfig& t = options.tiles;
  const bool explicit_tiles = t.block_m || t.block_n || t.warps || t.stages || !t.family.empty();
  info.tiles_from = explicit_tiles ? "explicit" : "default";
  info.mask_code = c.mask_table ? "table" : "inline";
  info.cache = found->status;
  info.compile_ms = found->ms;
  info.cache_key = found->entry->key;
  info.cache_path = found->entry->path;
  return Kernel(std::make_shared<GpuKernel>(program, std::move(info), found->entry->module,
                                            launch_shape(c), options.device, std::move(general),
                                            launch_shape(gc), std::move(inline_loader)));
}

} // namespace attnjit
