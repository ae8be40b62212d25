#include "runtime/tune.h"

#include "compiler/bind_params.h"
#include "compiler/generate_cuda.h"
#include "compiler/key_ranges.h"
#include "compiler/pipeline.h"
#include "compiler/tune_space.h"
#include "runtime/backend.h"
#include "runtime/device_util.h"
#include "runtime/fs_util.h"
#include "runtime/gpu_compile.h"
#include "runtime/half.h"
#include "runtime/run_random.h"
#include "runtime/tile_order.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

namespace attnjit {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::mutex g_hook_mu;
std::function<bool(const TileConfig&)> g_fail_launch;
std::atomic<long long> g_measured{0};

TileConfig tiles_of(const KernelConfig& c) {
  return {c.block_m, c.block_n, c.warps, c.stages, c.family};
}

// A TileConfig with zeros filled in from `base`, or from its family's default when it names
// another family than base's.
KernelConfig complete(const TileConfig& t, KernelConfig base) {
  if (!t.family.empty() && t.family != base.family)
    base = default_config(base.head_dim, base.dtype, t.family);
  if (t.block_m) base.block_m = t.block_m;
  if (t.block_n) base.block_n = t.block_n;
  if (t.warps) base.warps = t.warps;
  if (t.stages) base.stages = t.stages;
  if (!t.family.empty()) base.family = t.family;
  return base;
}

bool same_tiles(const TileConfig& a, const TileConfig& b) {
  return a.block_m == b.block_m && a.block_n == b.block_n && a.warps == b.warps &&
         a.stages == b.stages && a.family == b.family;
}

std::string cache_root(const CompileOptions& o) {
  return o.cache_dir.empty() ? default_cache_dir() : o.cache_dir;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A device buffer of `count` random 16-bit values in [-2, 2): the timing depends on the data only
// through the exponentials, which need values of a realistic size, not zeros.
Result<CUdeviceptr> random_buffer(DeviceArena& arena, size_t count, DType t, uint64_t seed,
                                  const char* what) {
  std::vector<uint16_t> host(count);
  uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
  for (uint16_t& h : host) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const float f = float(x >> 40) / float(1 << 24) * 4.0f - 2.0f;
    h = t == DType::fp16 ? float_to_fp16(f) : float_to_bf16(f);
  }
  return arena.upload(host.data(), count * 2, what);
}

// What every candidate's timing shares: the problem on the tuner's buffers and the L2 flush.
struct Bench {
  const CudaDriver& d;
  Problem problem;
  CUdeviceptr flush = 0;
  size_t flush_bytes = 0;
  const TuneOptions& options;
};

// Milliseconds of `reps` calls of `k` (at least `min_reps`, then until `target_ms` of kernel time
// or `max_reps`), one sample per call. Before each timed call a buffer of twice the L2 size is
// written, so every candidate starts from a cold L2 as a call in a real model would (the previous
// layer's activations evict K and V).
Result<std::vector<double>> time_candidate(const Bench& b, const Kernel& k, const TileConfig& tiles,
                                           int min_reps, int max_reps, double target_ms) {
  std::function<bool(const TileConfig&)> hook;
  {
    std::lock_guard lock(g_hook_mu);
    hook = g_fail_launch;
  }
  auto launch = [&]() -> Result<void> {
    if (hook && hook(tiles)) return Error{"launch failed: refused by the test hook"};
    return k.run(b.problem);
  };
  const CudaDriver& d = b.d;
  // Two untimed calls: the first loads the tile order and pays one-time costs; a fault shows at
  // the synchronize rather than inside the timed loop.
  for (int i = 0; i < 2; ++i)
    if (auto r = launch(); !r) return r.error();
  if (auto r = cuda_check(d, d.cuCtxSynchronize(), "warm-up run"); !r) return r.error();
  EventPair ev(d);
  if (auto r = ev.create(); !r) return r.error();
  min_reps = std::max(1, min_reps);
  max_reps = std::max(min_reps, max_reps);
  std::vector<double> ms;
  double total = 0;
  while (int(ms.size()) < max_reps && (int(ms.size()) < min_reps || total < target_ms)) {
    if (auto r = cuda_check(
            d, d.cuMemsetD8Async(b.flush, uint8_t(ms.size()), b.flush_bytes, nullptr), "flush L2");
        !r)
      return r.error();
    d.cuEventRecord(ev.a, nullptr);
    if (auto r = launch(); !r) return r.error();
    d.cuEventRecord(ev.b, nullptr);
    if (auto r = cuda_check(d, d.cuEventSynchronize(ev.b), "timed run"); !r) return r.error();
    float t = 0;
    if (auto r = cuda_check(d, d.cuEventElapsedTime(&t, ev.a, ev.b), "read timer"); !r)
      return r.error();
    ms.push_back(t);
    total += t;
  }
  return ms;
}

// The configurations to time: the caller's list, else every family's space pruned by the
// device's limits. The default is always timed (the speed-up is measured against it).
void choose_candidates(const TuneOptions& t, const KernelConfig& def, const DeviceProps& props,
                       std::vector<KernelConfig>& out, TuneReport& report) {
  if (!t.candidates.empty()) {
    for (const TileConfig& c : t.candidates) out.push_back(complete(c, def));
  } else {
    DeviceLimits limits;
    if (props.max_smem_optin > 0) limits.max_smem_optin = props.max_smem_optin;
    if (props.regs_per_block > 0) limits.regs_per_block = props.regs_per_block;
    // On sm_90a the sm90 family's space is searched beside sm80's.
    for (const std::string& family : tune_families(props.arch)) {
      TuneSpace space = prune_tune_space(tune_space(family, def.head_dim, def.dtype), limits);
      out.insert(out.end(), space.survivors.begin(), space.survivors.end());
      for (const PrunedConfig& p : space.pruned)
        report.pruned.push_back({tiles_of(p.config), kInf, 0, p.reason});
    }
  }
  const TileConfig dt = tiles_of(def);
  if (std::none_of(out.begin(), out.end(),
                   [&](const KernelConfig& c) { return same_tiles(tiles_of(c), dt); }))
    out.push_back(def);
}

// compile() of every candidate on a pool of threads (compile is thread-safe and NVRTC spends
// its time on one core per call). Progress is reported under a lock so calls never overlap.
std::vector<Result<Kernel>> compile_all(std::string_view mask, const CompileOptions& options,
                                        const std::vector<KernelConfig>& configs,
                                        const TuneOptions& t, std::mutex& progress_mu) {
  std::vector<Result<Kernel>> out(configs.size(), Error{"not compiled"});
  std::atomic<size_t> next{0};
  int done = 0;
  auto work = [&] {
    for (size_t i = next++; i < configs.size(); i = next++) {
      CompileOptions o = options;
      o.tiles = tiles_of(configs[i]);
      o.compile_only = false;
      out[i] = compile(mask, o);
      std::lock_guard lock(progress_mu);
      ++done;
      if (t.progress) t.progress({"compile", done, int(configs.size()), kInf, {}});
    }
  };
  const size_t n = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, configs.size());
  std::vector<std::thread> pool;
  for (size_t i = 1; i < n; ++i) pool.emplace_back(work);
  work();
  for (std::thread& th : pool) th.join();
  return out;
}

// Random Q, K, V, an output, an LSE and the L2 flush buffer on the device, in a contiguous
// [batch, heads, seq, head dim] layout, put into bench.problem (which keeps the caller's shapes,
// parameters and scale).
Result<void> place_inputs(DeviceArena& arena, const CompileOptions& options, Bench& bench) {
  Problem& p = bench.problem;
  const int D = options.head_dim;
  const size_t nq = size_t(p.batch) * p.heads * p.seq_q * D;
  const size_t nkv = size_t(p.batch) * p.kv_heads * p.seq_k * D;
  auto layout = [](TensorRef& r, CUdeviceptr data, int heads, int seq, int dim) {
    r = {reinterpret_cast<void*>(data), int64_t(heads) * seq * dim, int64_t(seq) * dim, dim};
  };
  Result<CUdeviceptr> q = random_buffer(arena, nq, options.dtype, 1, "Q");
  Result<CUdeviceptr> k = q ? random_buffer(arena, nkv, options.dtype, 2, "K") : q;
  Result<CUdeviceptr> v = k ? random_buffer(arena, nkv, options.dtype, 3, "V") : k;
  Result<CUdeviceptr> o = v ? arena.alloc(nq * 2, "O") : v;
  Result<CUdeviceptr> lse = o ? arena.alloc(size_t(p.batch) * p.heads * p.seq_q * 4, "LSE") : o;
  Result<CUdeviceptr> flush = lse ? arena.alloc(bench.flush_bytes, "the L2 flush") : lse;
  if (!flush) return flush.error();
  layout(p.q, *q, p.heads, p.seq_q, D);
  layout(p.k, *k, p.kv_heads, p.seq_k, D);
  layout(p.v, *v, p.kv_heads, p.seq_k, D);
  layout(p.o, *o, p.heads, p.seq_q, D);
  p.lse = reinterpret_cast<float*>(*lse);
  p.stream = nullptr;
  bench.flush = *flush;
  return {};
}

// Times every compiled candidate and records each in the report (a failure with its error and
// +inf); returns the fastest. The GPU's clock drifts over a tuning run (it heats up under a long
// sequence of dense kernels), so candidates are not timed one after the other to the end: the
// budget of calls is spread over kRounds rounds, forwards then backwards, so that drift touches
// every candidate alike. After the first round, candidates more than kKeep x slower than the best
// so far stop (their first-round median stands); each survivor's time is the median of all its
// samples.
TuneCandidate measure_all(const Bench& bench, int head_dim,
                          const std::vector<KernelConfig>& configs,
                          const std::vector<Result<Kernel>>& kernels, TuneReport& report,
                          std::mutex& progress_mu) {
  constexpr int kRounds = 3;
  constexpr double kKeep = 1.25;
  const Problem& p = bench.problem;
  const TuneOptions& t = bench.options;
  // Effective TFLOP/s x milliseconds: divided by a time, the rate.
  const double tflop_ms = 4.0 * p.batch * p.heads * double(report.attended_pairs) * head_dim / 1e9;
  const size_t n = configs.size();
  std::vector<std::vector<double>> samples(n);
  std::vector<std::string> errors(n);
  std::vector<bool> live(n);
  for (size_t i = 0; i < n; ++i) {
    live[i] = bool(kernels[i]);
    if (!kernels[i]) errors[i] = kernels[i].error().message;
  }
  auto med = [&](size_t i) { return samples[i].empty() ? kInf : median(samples[i]); };
  const int min_reps = std::max(1, (t.min_reps + kRounds - 1) / kRounds);
  const int max_reps = std::max(min_reps, t.max_reps / kRounds);
  int done = 0;
  TuneCandidate best{{}, kInf, 0, {}};
  for (int round = 0; round < kRounds; ++round) {
    for (size_t j = 0; j < n; ++j) {
      const size_t i = round % 2 == 0 ? j : n - 1 - j;
      if (!live[i]) continue;
      if (round == 0) ++g_measured;
      Result<std::vector<double>> ms = time_candidate(bench, *kernels[i], tiles_of(configs[i]),
                                                      min_reps, max_reps, t.target_ms / kRounds);
      if (!ms) {
        errors[i] = ms.error().message;
        samples[i].clear();
        live[i] = false;
        continue;
      }
      samples[i].insert(samples[i].end(), ms->begin(), ms->end());
      if (med(i) < best.ms) best = {tiles_of(configs[i]), med(i), 0, {}};
      if (round == 0) {
        std::lock_guard lock(progress_mu);
        if (t.progress) t.progress({"measure", ++done, int(n), best.ms, best.tiles});
      }
    }
    if (round == 0)
      for (size_t i = 0; i < n; ++i)
        if (live[i] && med(i) > kKeep * best.ms) live[i] = false;
  }
  best = {{}, kInf, 0, {}};
  for (size_t i = 0; i < n; ++i) {
    TuneCandidate c{tiles_of(configs[i]), kInf, 0, errors[i]};
    if (errors[i].empty()) {
      c.ms = med(i);
      c.tflops = c.ms > 0 ? tflop_ms / c.ms : 0;
    }
    if (c.ms < best.ms) best = c;
    if (same_tiles(c.tiles, report.default_tiles)) report.default_ms = c.ms;
    report.candidates.push_back(c);
  }
  return best;
}

Result<void> check_shape(const Problem& p) {
  if (p.batch <= 0 || p.heads <= 0 || p.kv_heads <= 0 || p.seq_q <= 0 || p.seq_k <= 0)
    return Error{"tune: batch, heads, kv_heads, seq_q and seq_k must be positive"};
  if (p.heads % p.kv_heads != 0)
    return Error{
        fmt::format("tune: heads ({}) must be a multiple of kv_heads ({})", p.heads, p.kv_heads)};
  return {};
}

Result<TuneReport> tune_impl(std::string_view mask, const CompileOptions& options,
                             const Problem& problem, const TuneOptions& t) {
  const auto t0 = std::chrono::steady_clock::now();
  if (options.backend == BackendKind::Cpu)
    return Error{"cannot tune: tiles exist only for GPU kernels (the backend is cpu)"};
  if (options.compile_only) return Error{"cannot tune with compile_only: tuning runs kernels"};
  // What the user wrote is checked first: a bad mask or shape is the same error everywhere.
  Result<MaskProgram> program = build_mask_program(mask);
  if (!program) return program.error();
  if (auto r = check_shape(problem); !r) return r.error();
  Result<DeviceProps> props = device_props(options.device);
  if (!props) return Error{"cannot tune: " + props.error().message};
  if (!options.arch.empty() && options.arch != props->arch)
    return Error{
        fmt::format("cannot tune for {} on a {} ({})", options.arch, props->name, props->arch)};
  // The default the speed-up is measured against is what compile_for() runs without an entry.
  KernelConfig def = default_config(options.head_dim, dtype_name(options.dtype),
                                    default_family(options, props->arch));
  if (const TileConfig u = untuned_tiles(*program, options, problem); u.block_m != 0) {
    def = default_config(options.head_dim, dtype_name(options.dtype), u.family);
    def.block_m = u.block_m, def.block_n = u.block_n, def.warps = u.warps, def.stages = u.stages;
  }
  if (std::string why = check_config(def); !why.empty()) return Error{"cannot tune: " + why};
  Result<int64_t> pairs =
      count_attended_pairs(std::string(mask), problem.params, problem.seq_q, problem.seq_k);
  if (!pairs) return pairs.error();

  TuneReport report;
  report.attended_pairs = *pairs;
  report.default_tiles = tiles_of(def);
  const TuneKey key = make_tune_key(*props, program->hash, options, problem);
  const std::string root = cache_root(options);
  std::optional<TuneDb> db;
  if (!root.empty()) {
    db.emplace(root);
    report.db_path = db->path_for(key);
    if (!t.force)
      if (std::optional<TuneEntry> e = db->load(key)) {
        report.from_database = true;
        report.best = e->tiles;
        report.best_ms = e->ms;
        report.default_tiles = e->default_tiles;
        report.default_ms = e->default_ms;
        report.tuned_at = e->tuned_at;
        return report;
      }
  }

  std::vector<KernelConfig> configs;
  choose_candidates(t, def, *props, configs, report);
  std::mutex progress_mu;
  std::vector<Result<Kernel>> kernels = compile_all(mask, options, configs, t, progress_mu);

  Result<const CudaDriver*> drv = cuda_driver();
  if (!drv) return drv.error();
  const CudaDriver& d = **drv;
  ScopedContext ctx;
  if (auto r = ctx.enter(d, options.device); !r) return r.error();
  DeviceArena arena(d);
  Bench bench{d, problem, 0, std::max<size_t>(size_t(props->l2_bytes) * 2, size_t(64) << 20), t};
  if (auto r = place_inputs(arena, options, bench); !r) return r.error();
  const TuneCandidate best =
      measure_all(bench, options.head_dim, configs, kernels, report, progress_mu);
  std::stable_sort(report.candidates.begin(), report.candidates.end(),
                   [](const TuneCandidate& a, const TuneCandidate& b) { return a.ms < b.ms; });
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!std::isfinite(best.ms)) {
    const TuneCandidate& first = report.candidates.front();
    return Error{fmt::format("tuning failed: none of the {} candidates ran; {}: {}", configs.size(),
                             config_name(first.tiles.block_m, first.tiles.block_n,
                                         first.tiles.warps, first.tiles.stages, first.tiles.family),
                             first.error)};
  }
  report.best = best.tiles;
  report.best_ms = best.ms;
  report.tuned_at = utc_now();
  if (!db) {
    report.note = "no cache directory (set ATTNJIT_CACHE_DIR, XDG_CACHE_HOME or HOME): the "
                  "result was not saved";
    return report;
  }
  TuneEntry entry{key,
                  best.tiles,
                  best.ms,
                  report.default_tiles,
                  report.default_ms,
                  int(configs.size()),
                  report.tuned_at};
  if (auto r = db->store(entry); !r) report.note = "the result was not saved: " + r.error().message;
  return report;
}

// A kernel handed out by compile_for() with the database's tiles: the same compiled kernel, with
// an info that says where its tiles came from.
// A kernel compiled with tiles compile_for() chose, reporting where they came from
// ("database", or "default" for untuned_tiles) rather than "explicit".
class RelabeledKernel final : public KernelImpl {
public:
  RelabeledKernel(Kernel inner, const char* tiles_from)
      : inner_(std::move(inner)), info_(inner_.info()) {
    info_.tiles_from = tiles_from;
  }
  const KernelInfo& info() const override { return info_; }
  Result<void> run(const Problem& p) const override { return inner_.run(p); }

private:
  Kernel inner_;
  KernelInfo info_;
};

Result<Kernel> compile_for_impl(std::string_view mask, const CompileOptions& options,
                                const Problem& problem) {
  const TileConfig& t = options.tiles;
  const bool explicit_tiles = t.block_m || t.block_n || t.warps || t.stages || !t.family.empty();
  if (explicit_tiles || options.backend == BackendKind::Cpu || options.compile_only)
    return compile(mask, options);
  Result<DeviceProps> props = device_props(options.device);
  const std::string root = cache_root(options);
  // No device (the CPU backend may take it), another architecture than this device's, or no
  // cache: there is no database entry that could apply.
  if (!props || root.empty() || (!options.arch.empty() && options.arch != props->arch))
    return compile(mask, options);
  Result<MaskProgram> program = build_mask_program(mask);
  if (!program) return program.error();
  const TuneKey key = make_tune_key(*props, program->hash, options, problem);
  std::optional<TuneEntry> entry = TuneDb(root).load(key);
  if (!entry) {
    CompileOptions o = options;
    o.tiles = untuned_tiles(*program, options, problem);
    if (o.tiles.block_m == 0) return compile(mask, options);
    Result<Kernel> k = compile(mask, o);
    // These tiles fit every sm_80+ device; should one refuse them, compile()'s default stands.
    if (!k) return compile(mask, options);
    return Kernel(std::make_shared<RelabeledKernel>(std::move(k).value(), "default"));
  }
  CompileOptions tuned = options;
  tuned.tiles = entry->tiles;
  Result<Kernel> k = compile(mask, tuned);
  if (!k)
    return Error{fmt::format("the tuned tiles in {} do not compile ({}); tune again with "
                             "--force or delete the entry",
                             TuneDb(root).path_for(key), k.error().message)};
  return Kernel(std::make_shared<RelabeledKernel>(std::move(k).value(), "database"));
}

} // namespace

TileConfig untuned_tiles(const MaskProgram& program, const CompileOptions& options,
                         const Problem& problem) {
  const TileConfig keep{};
  if ((options.head_dim != 64 && options.head_dim != 128) || problem.seq_q < 1024 ||
      problem.seq_k <= 0)
    return keep;
  // On sm_90a compile()'s default is the sm90 family, kept for heavy rows too: their query tile
  // is split into shares (runtime/walk_table.h), which measured faster than the 64-row sm80
  // tiles below (longformer_w256_g64 at 16384 on the H200: 0.370 against 0.423 ms at head dim
  // 128; at head dim 64 the sm90 128x128x3 default 0.549 against 0.570 for sm80 64x32).
  std::string arch = options.arch;
  if (arch.empty())
    if (Result<DeviceProps> props = device_props(options.device)) arch = props->arch;
  if (default_family(options, arch) == "sm90") return keep;
  Result<std::vector<int64_t>> values = bind_params(program, problem.params);
  if (!values) return keep; // run() reports the parameters
  // Key tiles walked per 128-row query tile (64-key tiles): a heavy row stands out as a tile
  // that walks more than 4x the median.
  std::vector<int64_t> costs =
      query_tile_costs(KeyRanges(program, *values), {problem.seq_q, problem.seq_k, 128, 64});
  if (costs.empty()) return keep;
  std::vector<int64_t> sorted = costs;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const int64_t middle = sorted[sorted.size() / 2];
  const int64_t heaviest = *std::max_element(costs.begin(), costs.end());
  const bool heavy_rows = heaviest > 4 * std::max<int64_t>(middle, 1);
  if (options.head_dim == 128)
    return heavy_rows ? TileConfig{64, 64, 4, 2, "sm80"} : TileConfig{128, 64, 4, 2, "sm80"};
  return heavy_rows ? TileConfig{64, 32, 4, 2, "sm80"} : keep;
}

TuneKey make_tune_key(const DeviceProps& device, const std::string& mask_hash,
                      const CompileOptions& options, const Problem& problem) {
  TuneKey k;
  k.gpu_name = device.name;
  k.arch = device.arch;
  k.sm_count = device.sm_count;
  k.mask_hash = mask_hash;
  k.head_dim = options.head_dim;
  k.dtype = dtype_name(options.dtype);
  k.gqa_ratio = problem.kv_heads > 0 ? problem.heads / problem.kv_heads : 1;
  k.seq_q_bucket = int(length_bucket(problem.seq_q));
  k.seq_k_bucket = int(length_bucket(problem.seq_k));
  k.batch_heads_bucket = int(length_bucket(int64_t(problem.batch) * problem.heads));
  return k;
}

void set_tune_launch_failure_for_test(std::function<bool(const TileConfig&)> fail) {
  std::lock_guard lock(g_hook_mu);
  g_fail_launch = std::move(fail);
}

long long tune_measurement_count() {
  return g_measured.load();
}

Result<TuneReport> tune(std::string_view mask, const CompileOptions& options,
                        const Problem& problem, const TuneOptions& tune_options) {
  try {
    return tune_impl(mask, options, problem, tune_options);
  } catch (const std::exception& e) {
    return Error{std::string("internal error in tune: ") + e.what()};
  } catch (...) {
    return Error{"internal error in tune"};
  }
}

Result<Kernel> compile_for(std::string_view mask, const CompileOptions& options,
                           const Problem& problem) {
  try {
    return compile_for_impl(mask, options, problem);
  } catch (const std::exception& e) {
    return Error{std::string("internal error in compile_for: ") + e.what()};
  } catch (...) {
    return Error{"internal error in compile_for"};
  }
}

} // namespace attnjit
