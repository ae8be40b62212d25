// attnjit tune: times every tile configuration worth trying for a mask and problem on this GPU,
// keeps the fastest in the tuning database and prints the table of candidates.
#include "tools/cli.h"

#include "compiler/tune_space.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace attnjit::cli {
namespace {

struct TuneFlags {
  std::string mask;
  ProblemFlags problem;
  bool force = false;
};

nlohmann::json ms_json(double ms) {
  return std::isfinite(ms) ? nlohmann::json(ms) : nlohmann::json();
}

// The same object as `run --json`'s "tiles".
nlohmann::json tiles_json(const TileConfig& t) {
  return {{"block_m", t.block_m},
          {"block_n", t.block_n},
          {"warps", t.warps},
          {"stages", t.stages},
          {"family", t.family}};
}

nlohmann::json candidate_json(const TuneCandidate& c) {
  nlohmann::json j = {{"tiles", tiles_json(c.tiles)},
                      {"name", tiles_name(c.tiles)},
                      {"ms", ms_json(c.ms)},
                      {"tflops", c.tflops}};
  if (!c.error.empty()) j["error"] = c.error;
  return j;
}

bool same_tiles(const TileConfig& a, const TileConfig& b) {
  return a.block_m == b.block_m && a.block_n == b.block_n && a.warps == b.warps &&
         a.stages == b.stages && a.family == b.family;
}

double tflops_of(const TuneReport& r, const Problem& p, int head_dim, double ms) {
  if (!(ms > 0) || !std::isfinite(ms)) return 0;
  return 4.0 * p.batch * p.heads * double(r.attended_pairs) * head_dim / (ms * 1e-3) / 1e12;
}

// One object: the winner and the default as tile objects with their names and times at the top
// level (best, best_tiles, best_ms, ...), every candidate, the pruned ones with their reasons.
void print_json(const TuneFlags& f, const TuneReport& r, const Problem& p) {
  const int d = f.problem.head_dim;
  nlohmann::json j = {{"mask", f.mask},
                      {"from_database", r.from_database},
                      {"best", tiles_json(r.best)},
                      {"best_tiles", tiles_name(r.best)},
                      {"best_ms", ms_json(r.best_ms)},
                      {"best_tflops", tflops_of(r, p, d, r.best_ms)},
                      {"default", tiles_json(r.default_tiles)},
                      {"default_tiles", tiles_name(r.default_tiles)},
                      {"default_ms", ms_json(r.default_ms)},
                      {"default_tflops", tflops_of(r, p, d, r.default_ms)},
                      {"speedup", std::isfinite(r.default_ms)
                                      ? nlohmann::json(r.default_ms / r.best_ms)
                                      : nlohmann::json()},
                      {"tune_s", r.seconds},
                      {"tuned_at", r.tuned_at},
                      {"db_path", r.db_path},
                      {"candidates", nlohmann::json::array()},
                      {"pruned", nlohmann::json::array()}};
  for (const TuneCandidate& c : r.candidates) j["candidates"].push_back(candidate_json(c));
  for (const TuneCandidate& c : r.pruned)
    j["pruned"].push_back(
        {{"tiles", tiles_json(c.tiles)}, {"name", tiles_name(c.tiles)}, {"reason", c.error}});
  if (!r.note.empty()) j["note"] = r.note;
  std::printf("%s\n", j.dump().c_str());
}

void print_table(const TuneFlags& f, const TuneReport& r, const Problem& p) {
  const int d = f.problem.head_dim;
  std::printf("mask      %s\n", f.mask.c_str());
  std::printf("problem   batch %d, heads %d/%d, seq_q %d, seq_k %d, head_dim %d, %s\n", p.batch,
              p.heads, p.kv_heads, p.seq_q, p.seq_k, d, f.problem.dtype.c_str());
  if (r.from_database) {
    std::printf("database  tuned %s; nothing measured (--force tunes again)\n", r.tuned_at.c_str());
  } else {
    std::printf("tuned     %zu candidates (%zu pruned before compiling) in %.1f s\n\n",
                r.candidates.size(), r.pruned.size(), r.seconds);
    std::printf("  %-14s %10s %9s\n", "tiles", "ms", "TFLOP/s");
    for (const TuneCandidate& c : r.candidates) {
      const bool is_best = c.ms == r.best_ms && same_tiles(c.tiles, r.best);
      const bool is_default = same_tiles(c.tiles, r.default_tiles);
      if (c.error.empty())
        std::printf("  %-14s %10.4f %9.1f%s%s\n", tiles_name(c.tiles).c_str(), c.ms, c.tflops,
                    is_best ? "  best" : "", is_default ? "  default" : "");
      else
        std::printf("  %-14s %10s %9s  failed: %s\n", tiles_name(c.tiles).c_str(), "-", "-",
                    c.error.substr(0, c.error.find('\n')).c_str());
    }
    std::printf("\n");
  }
  std::printf("winner    %s  %.4f ms  %.1f TFLOP/s\n", tiles_name(r.best).c_str(), r.best_ms,
              tflops_of(r, p, d, r.best_ms));
  if (std::isfinite(r.default_ms))
    std::printf("default   %s  %.4f ms  %.1f TFLOP/s  (winner is %.2fx faster)\n",
                tiles_name(r.default_tiles).c_str(), r.default_ms, tflops_of(r, p, d, r.default_ms),
                r.default_ms / r.best_ms);
  else
    std::printf("default   %s  failed\n", tiles_name(r.default_tiles).c_str());
  std::printf("database  %s\n", r.db_path.c_str());
  if (!r.note.empty()) std::printf("note      %s\n", r.note.c_str());
}

int tune_cmd(const TuneFlags& f) {
  std::vector<std::pair<std::string, int64_t>> params;
  if (!parse_params(f.problem.params, params)) return 1;
  const Problem shape = problem_shape_of(f.problem, params);
  Result<TuneReport> r = tune_with_progress(f.mask, compile_options_of(f.problem), shape, f.force);
  if (!r) return fail(r.error().message);
  if (f.problem.json)
    print_json(f, *r, shape);
  else
    print_table(f, *r, shape);
  return 0;
}

} // namespace

CompileOptions compile_options_of(const ProblemFlags& f) {
  CompileOptions o;
  o.head_dim = f.head_dim;
  o.dtype = f.dtype == "fp16" ? DType::fp16 : f.dtype == "fp32" ? DType::fp32 : DType::bf16;
  o.backend = f.backend == "gpu"   ? BackendKind::Gpu
              : f.backend == "cpu" ? BackendKind::Cpu
                                   : BackendKind::Auto;
  o.arch = f.arch;
  return o;
}

Problem problem_shape_of(const ProblemFlags& f,
                         const std::vector<std::pair<std::string, int64_t>>& params) {
  Problem p;
  p.batch = f.batch;
  p.heads = f.heads;
  p.kv_heads = f.kv_heads ? f.kv_heads : f.heads;
  p.seq_q = f.seq_q;
  p.seq_k = f.seq_k ? f.seq_k : f.seq_q;
  p.scale = f.scale;
  p.params = params;
  return p;
}

std::string tiles_name(const TileConfig& t) {
  return config_name(t.block_m, t.block_n, t.warps, t.stages, t.family);
}

Result<TuneReport> tune_with_progress(const std::string& mask, const CompileOptions& options,
                                      const Problem& shape, bool force) {
  TuneOptions t;
  t.force = force;
  const bool tty = isatty(STDERR_FILENO) == 1;
  if (tty)
    t.progress = [](const TuneProgress& p) {
      if (std::isfinite(p.best_ms))
        std::fprintf(stderr, "\rtune: %s %d/%d, best %s %.4f ms   ", p.phase, p.done, p.total,
                     tiles_name(p.best).c_str(), p.best_ms);
      else
        std::fprintf(stderr, "\rtune: %s %d/%d   ", p.phase, p.done, p.total);
      std::fflush(stderr);
    };
  Result<TuneReport> r = tune(mask, options, shape, t);
  if (tty) std::fprintf(stderr, "\r\033[K"); // clear the progress line
  return r;
}

void add_tune(CLI::App& app) {
  auto f = std::make_shared<TuneFlags>();
  CLI::App* cmd = app.add_subcommand(
      "tune", "time every tile configuration for a mask on this GPU and remember the fastest");
  cmd->add_option("mask", f->mask, "the mask text")->required();
  add_problem_flags(cmd, f->problem);
  cmd->add_flag("--force", f->force, "tune again even when the database has an entry");
  cmd->callback([f] {
    if (int rc = tune_cmd(*f)) throw CLI::RuntimeError(rc);
  });
}

} // namespace attnjit::cli
