// The C API (attnjit.h) over the C++ one: converts structs, keeps the last error per thread,
// and catches everything at the boundary.
#include "attnjit/attnjit.h"

#include "attnjit/attnjit.hpp"
#include "runtime/gpu_compile.h"

#include <fmt/format.h>

#include <exception>
#include <string>
#include <string_view>

struct attnjit_kernel {
  attnjit::Kernel kernel;
};

namespace {

thread_local std::string t_last_error;
thread_local std::string t_system_info;

attnjit_status fail(attnjit_status status, std::string message) {
  t_last_error = std::move(message);
  return status;
}

const char* empty_if_null(const std::string* s) {
  return s ? s->c_str() : "";
}

attnjit::CompileOptions to_cpp(const attnjit_compile_options& c) {
  attnjit::CompileOptions o;
  o.head_dim = c.head_dim;
  o.dtype = static_cast<attnjit::DType>(c.dtype);
  o.backend = static_cast<attnjit::BackendKind>(c.backend);
  o.arch = c.arch ? c.arch : "";
  o.compile_only = c.compile_only != 0;
  o.cache_dir = c.cache_dir ? c.cache_dir : "";
  o.device = c.device;
  o.tiles = {c.block_m, c.block_n, c.warps, c.stages, c.family ? c.family : ""};
  // check_options has refused a name that is none of them.
  o.mask_code =
      attnjit::mask_code_named(c.mask_code ? c.mask_code : "").value_or(attnjit::MaskCode::Auto);
  return o;
}

attnjit::TensorRef to_cpp(const attnjit_tensor& t) {
  return {t.data, t.stride_batch, t.stride_head, t.stride_seq};
}

// Checks the C structs themselves; the C++ layer checks what they describe.
attnjit_status check_options(const attnjit_compile_options& c) {
  if (c.dtype < ATTNJIT_BF16 || c.dtype > ATTNJIT_FP32)
    return fail(ATTNJIT_ERROR_INVALID_ARGUMENT, fmt::format("options.dtype = {} is not an "
                                                            "attnjit_dtype",
                                                            int(c.dtype)));
  if (c.backend < ATTNJIT_BACKEND_AUTO || c.backend > ATTNJIT_BACKEND_CPU)
    return fail(ATTNJIT_ERROR_INVALID_ARGUMENT,
                fmt::format("options.backend = {} is not an attnjit_backend", int(c.backend)));
  if (c.mask_code && !attnjit::mask_code_named(c.mask_code))
    return fail(
        ATTNJIT_ERROR_INVALID_ARGUMENT,
        fmt::format("options.mask_code = \"{}\" is not one of auto, table, inline", c.mask_code));
  return ATTNJIT_OK;
}

attnjit_status compile_impl(const char* mask, const attnjit_compile_options* options,
                            attnjit_kernel** out) {
  if (!out) return fail(ATTNJIT_ERROR_INVALID_ARGUMENT, "attnjit_compile: out is NULL");
  *out = nullptr;
  if (!mask) return fail(ATTNJIT_ERROR_INVALID_ARGUMENT, "attnjit_compile: mask is NULL");
  attnjit_compile_options defaults;
  attnjit_compile_options_init(&defaults);
  const attnjit_compile_options& c = options ? *options : defaults;
  if (attnjit_status s = check_options(c); s != ATTNJIT_OK) return s;
  auto k = attnjit::compile(mask, to_cpp(c));
  if (!k) return fail(ATTNJIT_ERROR_COMPILE, k.error().message);
  *out = new attnjit_kernel{std::move(k).value()};
  return ATTNJIT_OK;
}

// The C++ problem for `p`, or INVALID_ARGUMENT naming the bad field (`who` is the caller).
attnjit_status to_cpp(const attnjit_problem& p, const char* who, attnjit::Problem& q) {
  if (p.num_params < 0 || (p.num_params > 0 && (!p.param_names || !p.param_values)))
    return fail(ATTNJIT_ERROR_INVALID_ARGUMENT,
                fmt::format("{}: num_params > 0 needs param_names and param_values", who));
  q.batch = p.batch, q.heads = p.heads, q.kv_heads = p.kv_heads;
  q.seq_q = p.seq_q, q.seq_k = p.seq_k;
  q.q = to_cpp(p.q), q.k = to_cpp(p.k), q.v = to_cpp(p.v), q.o = to_cpp(p.o);
  q.lse = p.lse;
  q.scale = p.scale;
  q.stream = p.stream;
  q.cu_seqlens_q = p.cu_seqlens_q, q.cu_seqlens_k = p.cu_seqlens_k, q.seqused_k = p.seqused_k;
  q.max_seq_q = p.max_seq_q, q.max_seq_k = p.max_seq_k;
  q.kv_splits = p.kv_splits, q.pack_gqa = p.pack_gqa;
  q.persistent_blocks = p.persistent_blocks;
  q.split_tiles = p.split_tiles;
  q.unit_group = p.unit_group;
  q.item_schedule = p.item_schedule;
  for (int i = 0; i < p.num_params; ++i) {
    if (!p.param_names[i])
      return fail(ATTNJIT_ERROR_INVALID_ARGUMENT, fmt::format("param_names[{}] is NULL", i));
    q.params.emplace_back(p.param_names[i], p.param_values[i]);
  }
  return ATTNJIT_OK;
}

attnjit_status run_impl(const attnjit_kernel* kernel, const attnjit_problem* problem) {
  if (!kernel) return fail(ATTNJIT_ERROR_INVALID_ARGUMENT, "attnjit_run: kernel is NULL");
  if (!problem) return fail(ATTNJIT_ERROR_INVALID_ARGUMENT, "attnjit_run: problem is NULL");
  const attnjit_problem& p = *problem;
  const attnjit::KernelInfo& info = kernel->kernel.info();
  if (p.dtype != ATTNJIT_DTYPE_UNSPECIFIED && int(p.dtype) != int(info.dtype))
    return fail(ATTNJIT_ERROR_RUN,
                fmt::format("problem.dtype is {} but the kernel was compiled for {}",
                            p.dtype >= ATTNJIT_BF16 && p.dtype <= ATTNJIT_FP32
                                ? attnjit::dtype_name(static_cast<attnjit::DType>(p.dtype))
                                : "invalid",
                            attnjit::dtype_name(info.dtype)));
  if (p.head_dim != 0 && p.head_dim != info.head_dim)
    return fail(ATTNJIT_ERROR_RUN,
                fmt::format("problem.head_dim is {} but the kernel was compiled for {}", p.head_dim,
                            info.head_dim));
  attnjit::Problem q;
  if (attnjit_status s = to_cpp(p, "attnjit_run", q); s != ATTNJIT_OK) return s;
  if (auto r = kernel->kernel.run(q); !r) return fail(ATTNJIT_ERROR_RUN, r.error().message);
  return ATTNJIT_OK;
}

// compile_for (tune = false) or tune (tune = true) from the C structs.
attnjit_status tuned_impl(const char* who, const char* mask, const attnjit_compile_options* options,
                          const attnjit_problem* problem, int force, attnjit_tune_result* result,
                          attnjit_kernel** out) {
  if (!mask || !problem)
    return fail(ATTNJIT_ERROR_INVALID_ARGUMENT, fmt::format("{}: mask or problem is NULL", who));
  attnjit_compile_options defaults;
  attnjit_compile_options_init(&defaults);
  const attnjit_compile_options& c = options ? *options : defaults;
  if (attnjit_status s = check_options(c); s != ATTNJIT_OK) return s;
  attnjit::Problem q;
  if (attnjit_status s = to_cpp(*problem, who, q); s != ATTNJIT_OK) return s;
  if (out) {
    *out = nullptr;
    auto k = attnjit::compile_for(mask, to_cpp(c), q);
    if (!k) return fail(ATTNJIT_ERROR_COMPILE, k.error().message);
    *out = new attnjit_kernel{std::move(k).value()};
    return ATTNJIT_OK;
  }
  attnjit::TuneOptions t;
  t.force = force != 0;
  auto r = attnjit::tune(mask, to_cpp(c), q, t);
  if (!r) return fail(ATTNJIT_ERROR_TUNE, r.error().message);
  *result = attnjit_tune_result{};
  result->block_m = r->best.block_m, result->block_n = r->best.block_n;
  result->warps = r->best.warps, result->stages = r->best.stages;
  result->best_ms = r->best_ms;
  result->default_block_m = r->default_tiles.block_m;
  result->default_block_n = r->default_tiles.block_n;
  result->default_warps = r->default_tiles.warps;
  result->default_stages = r->default_tiles.stages;
  result->default_ms = r->default_ms;
  result->seconds = r->seconds;
  result->candidates = int(r->candidates.size());
  for (const auto& cand : r->candidates) result->failed += cand.error.empty() ? 0 : 1;
  result->from_database = r->from_database;
  return ATTNJIT_OK;
}

// Runs `fn`, turning any exception into a status and message.
template <class Fn> attnjit_status guarded(const char* what, Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return fail(ATTNJIT_ERROR_RUN, fmt::format("internal error in {}: {}", what, e.what()));
  } catch (...) {
    return fail(ATTNJIT_ERROR_RUN, fmt::format("internal error in {}", what));
  }
}

const attnjit::KernelInfo* info_of(const attnjit_kernel* k) {
  return k ? &k->kernel.info() : nullptr;
}

} // namespace

extern "C" {

void attnjit_compile_options_init(attnjit_compile_options* options) {
  if (!options) return;
  *options = attnjit_compile_options{};
  options->head_dim = 128;
  options->dtype = ATTNJIT_BF16;
  options->backend = ATTNJIT_BACKEND_AUTO;
}

void attnjit_problem_init(attnjit_problem* problem) {
  if (!problem) return;
  *problem = attnjit_problem{};
  problem->batch = problem->heads = problem->kv_heads = 1;
  problem->dtype = ATTNJIT_DTYPE_UNSPECIFIED;
}

attnjit_status attnjit_compile(const char* mask, const attnjit_compile_options* options,
                               attnjit_kernel** out) {
  return guarded("attnjit_compile", [&] { return compile_impl(mask, options, out); });
}

attnjit_status attnjit_run(const attnjit_kernel* kernel, const attnjit_problem* problem) {
  return guarded("attnjit_run", [&] { return run_impl(kernel, problem); });
}

void attnjit_kernel_free(attnjit_kernel* kernel) {
  delete kernel;
}

const char* attnjit_last_error(void) {
  return t_last_error.c_str();
}

const char* attnjit_kernel_info_canonical(const attnjit_kernel* k) {
  auto* i = info_of(k);
  return empty_if_null(i ? &i->canonical : nullptr);
}
const char* attnjit_kernel_info_hash(const attnjit_kernel* k) {
  auto* i = info_of(k);
  return empty_if_null(i ? &i->hash : nullptr);
}
int attnjit_kernel_info_num_params(const attnjit_kernel* k) {
  auto* i = info_of(k);
  return i ? int(i->params.size()) : 0;
}
const char* attnjit_kernel_info_param_name(const attnjit_kernel* k, int n) {
  auto* i = info_of(k);
  if (!i || n < 0 || size_t(n) >= i->params.size()) return nullptr;
  return i->params[size_t(n)].c_str();
}
attnjit_backend attnjit_kernel_info_backend(const attnjit_kernel* k) {
  auto* i = info_of(k);
  return i ? static_cast<attnjit_backend>(i->backend) : ATTNJIT_BACKEND_AUTO;
}
int attnjit_kernel_info_head_dim(const attnjit_kernel* k) {
  auto* i = info_of(k);
  return i ? i->head_dim : 0;
}
attnjit_dtype attnjit_kernel_info_dtype(const attnjit_kernel* k) {
  auto* i = info_of(k);
  return i ? static_cast<attnjit_dtype>(i->dtype) : ATTNJIT_DTYPE_UNSPECIFIED;
}
const char* attnjit_kernel_info_arch(const attnjit_kernel* k) {
  auto* i = info_of(k);
  return empty_if_null(i ? &i->arch : nullptr);
}
void attnjit_kernel_info_tiles(const attnjit_kernel* k, int* block_m, int* block_n, int* warps,
                               int* stages) {
  auto* i = info_of(k);
  attnjit::TileConfig t = i ? i->tiles : attnjit::TileConfig{};
  if (block_m) *block_m = t.block_m;
  if (block_n) *block_n = t.block_n;
  if (warps) *warps = t.warps;
  if (stages) *stages = t.stages;
}
attnjit_cache_status attnjit_kernel_info_cache(const attnjit_kernel* k) {
  auto* i = info_of(k);
  return i ? static_cast<attnjit_cache_status>(i->cache) : ATTNJIT_CACHE_MISS;
}
double attnjit_kernel_info_compile_ms(const attnjit_kernel* k) {
  auto* i = info_of(k);
  return i ? i->compile_ms : 0.0;
}
const char* attnjit_kernel_info_cache_key(const attnjit_kernel* k) {
  auto* i = info_of(k);
  return empty_if_null(i ? &i->cache_key : nullptr);
}
const char* attnjit_kernel_info_cache_path(const attnjit_kernel* k) {
  auto* i = info_of(k);
  return empty_if_null(i ? &i->cache_path : nullptr);
}

attnjit_status attnjit_tune(const char* mask, const attnjit_compile_options* options,
                            const attnjit_problem* problem, int force, attnjit_tune_result* out) {
  if (!out) return fail(ATTNJIT_ERROR_INVALID_ARGUMENT, "attnjit_tune: out is NULL");
  return guarded("attnjit_tune", [&] {
    return tuned_impl("attnjit_tune", mask, options, problem, force, out, {});
  });
}

attnjit_status attnjit_compile_for(const char* mask, const attnjit_compile_options* options,
                                   const attnjit_problem* problem, attnjit_kernel** out) {
  if (!out) return fail(ATTNJIT_ERROR_INVALID_ARGUMENT, "attnjit_compile_for: out is NULL");
  return guarded("attnjit_compile_for", [&] {
    return tuned_impl("attnjit_compile_for", mask, options, problem, 0, nullptr, out);
  });
}

const char* attnjit_kernel_info_tiles_from(const attnjit_kernel* k) {
  auto* i = info_of(k);
  return empty_if_null(i ? &i->tiles_from : nullptr);
}

const char* attnjit_kernel_info_mask_code(const attnjit_kernel* k) {
  auto* i = info_of(k);
  return empty_if_null(i ? &i->mask_code : nullptr);
}

const char* attnjit_system_info(void) {
  try {
    attnjit::SystemInfo s = attnjit::system_info();
    t_system_info = s.gpu_available ? fmt::format("gpu: {} ({})\n", s.gpu_name, s.gpu_arch)
                                    : fmt::format("gpu: unavailable: {}\n", s.gpu_reason);
    t_system_info +=
        s.cpu_available ? "cpu: available\n" : fmt::format("cpu: unavailable: {}\n", s.cpu_reason);
  } catch (...) {
    t_system_info = "unknown\n";
  }
  return t_system_info.c_str();
}

} // extern "C"
