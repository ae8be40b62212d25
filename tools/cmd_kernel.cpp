// attnjit emit / compile / run: the commands that build a kernel for a problem.
#include "attnjit/attnjit.hpp"
#include "compiler/generate_cuda.h"
#include "compiler/pipeline.h"
#include "runtime/gpu_compile.h"
#include "runtime/run_random.h"
#include "tools/cli.h"
#include "tools/decode_flags.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>

namespace attnjit::cli {
namespace {

struct KernelFlags {
  std::string mask;
  ProblemFlags problem;
  int block_m = 0, block_n = 0, warps = 0, stages = 0;
  std::string family;
  std::string mask_code = "auto";
  uint64_t seed = 0;
  bool check = false;
  std::string save;
  int iters = 20;
  DecodeFlags decode;
  bool tune = false;
};

void add_tile_flags(CLI::App* cmd, KernelFlags& f) {
  cmd->add_option("--block-m", f.block_m, "query tile (GPU; default: tuned per head dim)");
  cmd->add_option("--block-n", f.block_n, "key tile (GPU)");
  cmd->add_option("--warps", f.warps, "warps per block (GPU)");
  cmd->add_option("--stages", f.stages, "pipeline stages (GPU)");
  cmd->add_option("--family", f.family,
                  "kernel family (GPU): sm80 (mma.sync, any sm_80+) or sm90 (wgmma + TMA, "
                  "sm_90a; the default there unless tile flags are given)");
  cmd->add_option("--mask-code", f.mask_code,
                  "sm90 family: where the element mask comes from: table (no mask code in the "
                  "kernel, one kernel per tile config for every mask; keep bits built at the "
                  "first run), inline (the predicate compiled in), auto (table)")
      ->check(CLI::IsMember({"auto", "inline", "table"}));
}

CompileOptions options_of(const KernelFlags& f) {
  CompileOptions o = compile_options_of(f.problem);
  o.tiles.block_m = f.block_m;
  o.tiles.block_n = f.block_n;
  o.tiles.warps = f.warps;
  o.tiles.stages = f.stages;
  o.tiles.family = f.family;
  o.mask_code = mask_code_named(f.mask_code).value_or(MaskCode::Auto); // checked by CLI11
  return o;
}

int emit(const KernelFlags& f) {
  Result<MaskProgram> m = build_mask_program(f.mask);
  if (!m) return fail(m.error().message);
  if (f.problem.dtype == "fp32") return fail("error: GPU kernels take bf16 or fp16, not fp32");
  // The config compile() would build for --arch; with no --arch, sm80 (emit asks no device).
  Result<KernelConfig> config = kernel_config(options_of(f), f.problem.arch);
  if (!config) return fail("error: " + config.error().message);
  const KernelConfig& c = *config;
  if (!f.problem.arch.empty())
    if (std::string why = check_family_arch(c.family, f.problem.arch); !why.empty())
      return fail("error: " + why);
  std::fputs(generate_cuda(*m, c).c_str(), stdout);
  return 0;
}

nlohmann::json info_json(const KernelInfo& i) {
  return {{"canonical", i.canonical},
          {"hash", i.hash},
          {"backend", backend_name(i.backend)},
          {"arch", i.arch},
          {"head_dim", i.head_dim},
          {"dtype", dtype_name(i.dtype)},
          {"compile_ms", i.compile_ms},
          {"cache", i.cache == CacheStatus::Miss ? "miss" : "hit"},
          {"cache_level", cache_status_name(i.cache)},
          {"cache_key", i.cache_key},
          {"cache_path", i.cache_path},
          {"tiles_name", i.backend == BackendKind::Gpu ? tiles_name(i.tiles) : ""},
          {"tiles_from", i.tiles_from},
          {"mask_code", i.mask_code},
          {"tiles",
           {{"block_m", i.tiles.block_m},
            {"block_n", i.tiles.block_n},
            {"warps", i.tiles.warps},
            {"stages", i.tiles.stages},
            {"family", i.tiles.family}}}};
}

int compile_cmd(const KernelFlags& f) {
  CompileOptions o = options_of(f);
  o.compile_only = !o.arch.empty() && o.backend != BackendKind::Cpu;
  if (o.compile_only && o.backend == BackendKind::Auto) o.backend = BackendKind::Gpu;
  Result<Kernel> k = compile(f.mask, o);
  if (!k) return fail(k.error().message);
  const KernelInfo& i = k->info();
  // The same request again in this process: the whole compile() call on a memory hit.
  auto t0 = std::chrono::steady_clock::now();
  Result<Kernel> again = compile(f.mask, o);
  double again_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  if (!again) return fail(again.error().message);
  if (f.problem.json) {
    nlohmann::json j = info_json(i);
    j["repeat_us"] = again_us;
    j["repeat_cache"] = cache_status_name(again->info().cache);
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  std::printf("mask        %s\nbackend     %s (%s)\n", i.canonical.c_str(), backend_name(i.backend),
              i.arch.c_str());
  if (i.backend == BackendKind::Gpu)
    std::printf("tiles       %d x %d, %d warps, %d stages (%s, mask %s)\ncache key   %s\n"
                "cache path  %s\n",
                i.tiles.block_m, i.tiles.block_n, i.tiles.warps, i.tiles.stages,
                i.tiles.family.c_str(), i.mask_code.c_str(), i.cache_key.c_str(),
                i.cache_path.c_str());
  std::printf("compile     %.3f ms (%s)\n", i.compile_ms,
              i.cache == CacheStatus::Miss ? "miss" : cache_status_name(i.cache));
  std::printf("again      %.1f us (%s)\n", again_us, cache_status_name(again->info().cache));
  return 0;
}

int run_cmd(const KernelFlags& f) {
  std::vector<std::pair<std::string, int64_t>> params;
  if (!parse_params(f.problem.params, params)) return 1;
  const Problem shape = problem_shape_of(f.problem, params);
  std::optional<TuneReport> tuned;
  // Tiles exist only for GPU kernels: on the CPU backend --tune has nothing to do, and says so.
  const bool on_cpu = options_of(f).backend == BackendKind::Cpu ||
                      (options_of(f).backend == BackendKind::Auto && !system_info().gpu_available);
  if (f.tune && on_cpu)
    std::fprintf(stderr, "note: --tune skipped: the kernel runs on the CPU, which has no tiles\n");
  if (f.tune && !on_cpu) {
    Result<TuneReport> t = tune_with_progress(f.mask, options_of(f), shape, /*force=*/false);
    if (!t) return fail(t.error().message);
    tuned = *t;
  }
  Result<Kernel> k = compile_for(f.mask, options_of(f), shape);
  if (!k) return fail(k.error().message);
  const KernelInfo& i = k->info();
  RandomRunOptions ro;
  ro.batch = f.problem.batch;
  ro.heads = f.problem.heads;
  ro.kv_heads = f.problem.kv_heads ? f.problem.kv_heads : f.problem.heads;
  ro.seq_q = f.problem.seq_q;
  ro.seq_k = f.problem.seq_k ? f.problem.seq_k : f.problem.seq_q;
  ro.scale = f.problem.scale;
  ro.params = params;
  ro.seed = f.seed;
  ro.check = f.check;
  ro.save_dir = f.save;
  ro.iters = f.iters;
  if (std::string why = apply_decode_flags(f.decode, ro); !why.empty())
    return fail("error: " + why);
  Result<RandomRunReport> r = run_random(*k, ro);
  if (!r) return fail(r.error().message);
  const double tol = i.dtype == DType::bf16 ? 1e-2 : i.dtype == DType::fp16 ? 2e-3 : 1e-5;
  const bool bad = r->unwritten || r->repeat_differs || (r->checked && !(r->rel_err <= tol));
  if (f.problem.json) {
    nlohmann::json j = info_json(i);
    j["ms"] = r->ms;
    j["tflops"] = r->tflops;
    j["attended_pairs"] = r->attended_pairs;
    j["unwritten"] = r->unwritten;
    j["repeat_identical"] = !r->repeat_differs;
    j["splits"] = r->splits;
    if (r->gbps > 0) j["gbps"] = r->gbps;
    if (r->first_ms > 0) j["first_ms"] = r->first_ms;
    if (tuned)
      j["tune"] = {{"from_database", tuned->from_database},
                   {"seconds", tuned->seconds},
                   {"candidates", tuned->candidates.size()}};
    if (r->checked) {
      j["rel_err"] = std::isfinite(r->rel_err) ? nlohmann::json(r->rel_err) : nlohmann::json();
      j["lse_max_err"] =
          std::isfinite(r->lse_max_err) ? nlohmann::json(r->lse_max_err) : nlohmann::json();
      j["checked_rows"] = r->checked_rows;
      j["tolerance"] = tol;
      j["passed"] = !bad;
    }
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("mask      %s\n", i.canonical.c_str());
    std::printf("backend   %s (%s)\n", backend_name(i.backend), i.arch.c_str());
    std::printf("problem   batch %d, heads %d/%d, seq_q %d, seq_k %d, head_dim %d, %s\n", ro.batch,
                ro.heads, ro.kv_heads, ro.seq_q, ro.seq_k, i.head_dim, dtype_name(i.dtype));
    print_sequence_lengths(ro);
    std::printf("compile   %.1f ms (%s)\n", i.compile_ms,
                i.cache == CacheStatus::Miss ? "miss" : cache_status_name(i.cache));
    if (i.backend == BackendKind::Gpu)
      std::printf("tiles     %s (%s)\n", tiles_name(i.tiles).c_str(), i.tiles_from.c_str());
    if (tuned && !tuned->from_database)
      std::printf("tuned     %zu candidates in %.1f s\n", tuned->candidates.size(), tuned->seconds);
    std::printf("time      %.3f ms (median of %d)\n", r->ms, ro.iters);
    std::printf("speed     %.2f TFLOP/s effective (%lld attended pairs per head)\n", r->tflops,
                (long long)r->attended_pairs);
    if (r->gbps > 0) std::printf("bandwidth %.1f GB/s of K and V walked\n", r->gbps);
    if (r->splits > 1) std::printf("split-KV  %d shares per query tile\n", r->splits);
    if (r->checked)
      std::printf("check     rel err %.3g (limit %.0e) over %d rows, max |lse err| %.3g: %s\n",
                  r->rel_err, tol, r->checked_rows, r->lse_max_err, bad ? "FAILED" : "ok");
    if (r->unwritten) std::printf("check     output elements left unwritten or NaN: FAILED\n");
    if (r->repeat_differs)
      std::printf("check     the last timed call's output differs from the first's: FAILED\n");
  }
  return bad ? 2 : 0;
}

} // namespace

void add_emit(CLI::App& app) {
  auto f = std::make_shared<KernelFlags>();
  CLI::App* cmd = app.add_subcommand("emit", "print the generated CUDA source of a mask");
  cmd->add_option("mask", f->mask, "the mask text")->required();
  add_problem_flags(cmd, f->problem);
  add_tile_flags(cmd, *f);
  cmd->callback([f] {
    if (int rc = emit(*f)) throw CLI::RuntimeError(rc);
  });
}

void add_compile(CLI::App& app) {
  auto f = std::make_shared<KernelFlags>();
  CLI::App* cmd = app.add_subcommand(
      "compile",
      "compile a mask (works without a GPU when --arch is given); print the cache entry");
  cmd->add_option("mask", f->mask, "the mask text")->required();
  add_problem_flags(cmd, f->problem);
  add_tile_flags(cmd, *f);
  cmd->callback([f] {
    if (int rc = compile_cmd(*f)) throw CLI::RuntimeError(rc);
  });
}

void add_run(CLI::App& app) {
  auto f = std::make_shared<KernelFlags>();
  CLI::App* cmd = app.add_subcommand("run", "run a mask on random inputs");
  cmd->add_option("mask", f->mask, "the mask text")->required();
  add_problem_flags(cmd, f->problem);
  add_tile_flags(cmd, *f);
  cmd->add_option("--seed", f->seed, "random seed");
  cmd->add_flag("--check", f->check, "compare with the fp64 reference");
  cmd->add_option("--save", f->save, "write q, k, v, o, lse as float32 .npy files here");
  cmd->add_option("--iters", f->iters, "timed calls (median)")->check(CLI::PositiveNumber);
  add_decode_flags(cmd, f->decode);
  cmd->add_flag("--tune", f->tune, "tune first when the tuning database has no entry");
  cmd->callback([f] {
    if (int rc = run_cmd(*f)) throw CLI::RuntimeError(rc);
  });
}

} // namespace attnjit::cli
