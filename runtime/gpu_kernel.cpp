#include "runtime/gpu_kernel.h"

#include "compiler/bind_params.h"
#include "compiler/eval_mask.h"
#include "compiler/generate_cuda.h"
#include "compiler/key_ranges.h"
#include "runtime/check_problem.h"
#include "runtime/keep_bits.h"
#include "runtime/tile_order.h"
#include "runtime/tma.h"
#include "runtime/varlen.h"
#include "runtime/walk_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace attnjit {

namespace {

// Distinct (shape, parameter values) pairs whose tile order one kernel keeps on the device.
// Beyond it the kernel's own order is used: still correct, only the tail may be less balanced.
constexpr size_t kMaxCachedOrders = 256;

// A mask-free kernel's keep bits: past this size a problem runs the kernel with the mask inline
// (the bits cost host time to build and device memory to hold). 16 MiB holds every PARTIAL
// tile of a 16384 x 8192 problem. The 32-bit word index of fwd_sm90.cuh needs < 8 GiB.
constexpr int64_t kMaxKeepBitsBytes = int64_t(16) << 20;
// Keep bits all cached tables of one kernel may hold before the cache starts over.
constexpr int64_t kMaxCachedKeepBytes = int64_t(256) << 20;

// The keep-bits limit: kMaxKeepBitsBytes, or ATTNJIT_KEEP_BITS_LIMIT (bytes, at most that) for
// tests and experiments that want the inline kernel's path on small problems.
int64_t keep_bits_limit() {
  const char* env = std::getenv("ATTNJIT_KEEP_BITS_LIMIT");
  if (!env || !*env) return kMaxKeepBitsBytes;
  char* end = nullptr;
  const long long v = std::strtoll(env, &end, 10);
  if (*end != '\0' || v < 0) return kMaxKeepBitsBytes;
  return std::min<int64_t>(v, kMaxKeepBitsBytes);
}

constexpr double kLog2e = 1.4426950408889634;

int tiles_of(int64_t rows, int block_m) {
  return int((rows + block_m - 1) / block_m);
}

} // namespace

LaunchShape launch_shape(const KernelConfig& c) {
  return {c.block_m, c.block_n,   threads_per_block(c), shared_memory_bytes(c),
          c.family,  c.mask_table};
}

bool needs_general_variant(const FwdParams& fp) {
  return fp.num_splits > 1 || fp.q_pack > 1 || fp.cu_seqlens_q || fp.cu_seqlens_k || fp.seqused_k;
}

GpuKernel::GpuKernel(MaskProgram program, KernelInfo info, std::shared_ptr<const GpuModule> module,
                     LaunchShape shape, int device, GeneralLoader general,
                     LaunchShape general_shape, GeneralLoader inline_loader)
    : program_(std::move(program)), info_(std::move(info)), module_(std::move(module)),
      general_loader_(std::move(general)), inline_loader_(std::move(inline_loader)), shape_(shape),
      general_shape_(general_shape.block_m > 0 ? general_shape : shape), device_(device) {
  assert(shape_.block_m > 0 && shape_.block_n > 0 && shape_.threads > 0 &&
         "launch shape must be filled in");
  assert(general_shape_.family == "sm80" && "the general variant is of the sm80 family");
}

const LaunchShape& GpuKernel::shape_for(const FwdParams& fp) const {
  return needs_general_variant(fp) ? general_shape_ : shape_;
}

GpuKernel::~GpuKernel() = default;

Result<FwdParams> GpuKernel::make_params(const Problem& p) const {
  if (auto r = check_gpu_problem(p); !r) return r.error();
  auto ext = varlen_extent(p);
  if (!ext) return ext.error();
  auto values = bind_params(program_, p.params);
  if (!values) return values.error();
  if (auto r = check_launch(program_, *values, ext->max_seq_q, ext->max_seq_k); !r)
    return r.error();
  // A varlen sequence's queries sit at len_k - len_q + r: anywhere in [-max_seq_q, max_seq_k),
  // which the proof over max_seq_q + max_seq_k query rows covers.
  if (ext->any && ext->max_seq_q > 0)
    if (auto r = check_launch(program_, *values, int64_t(ext->max_seq_q) + ext->max_seq_k,
                              ext->max_seq_k);
        !r)
      return r.error();
  if (p.pack_gqa < 0 || p.pack_gqa > 2)
    return Error{fmt::format("pack_gqa = {} must be 0 (auto), 1 (off) or 2 (on)", p.pack_gqa)};
  if (p.split_tiles < 0 || p.split_tiles > kMaxTileShares)
    return Error{fmt::format("split_tiles = {} must be in [0, {}] (0 = chosen, 1 = off)",
                             p.split_tiles, kMaxTileShares)};
  if (p.unit_group < 0)
    return Error{fmt::format(
        "unit_group = {} must be 0 (chosen) or a number of (head, batch) units", p.unit_group)};
  if (p.item_schedule < 0 || p.item_schedule > 2)
    return Error{fmt::format("item_schedule = {} must be 0 (chosen), 1 (static) or 2 (dynamic)",
                             p.item_schedule)};
  if (p.persistent_blocks < 0)
    return Error{fmt::format("persistent_blocks = {} must be 0 (chosen) or a block count",
                             p.persistent_blocks)};
  if (p.kv_splits < 0 || p.kv_splits > kMaxKvSplits)
    return Error{fmt::format("kv_splits = {} must be in [0, {}] (0 = chosen from the problem)",
                             p.kv_splits, kMaxKvSplits)};

  FwdParams fp{};
  fp.q = p.q.data;
  fp.k = p.k.data;
  fp.v = p.v.data;
  fp.o = p.o.data;
  fp.lse = p.lse;
  fp.q_stride_b = p.q.stride_batch, fp.q_stride_h = p.q.stride_head, fp.q_stride_s = p.q.stride_seq;
  fp.k_stride_b = p.k.stride_batch, fp.k_stride_h = p.k.stride_head, fp.k_stride_s = p.k.stride_seq;
  fp.v_stride_b = p.v.stride_batch, fp.v_stride_h = p.v.stride_head, fp.v_stride_s = p.v.stride_seq;
  fp.o_stride_b = p.o.stride_batch, fp.o_stride_h = p.o.stride_head, fp.o_stride_s = p.o.stride_seq;
  fp.batch = p.batch;
  fp.heads = p.heads;
  fp.kv_group = p.heads / p.kv_heads;
  fp.seq_q = p.seq_q;
  fp.seq_k = p.seq_k;
  // Packing runs on the general variant: its tile height decides whether a head fills a tile.
  fp.q_pack = gqa_pack(p.pack_gqa, fp.kv_group, ext->max_seq_q, general_shape_.block_m);
  fp.q_offset = p.seq_k - p.seq_q;
  const double scale = p.scale != 0 ? double(p.scale) : 1.0 / std::sqrt(double(info_.head_dim));
  fp.scale = float(scale);
  fp.scale_log2 = float(scale * kLog2e);
  fp.tile_order = nullptr;
  fp.walk_table = nullptr;
  fp.num_splits = 1;
  fp.cu_seqlens_q = p.cu_seqlens_q;
  fp.cu_seqlens_k = p.cu_seqlens_k;
  fp.seqused_k = p.seqused_k;
  fp.max_seq_q = ext->max_seq_q;
  fp.num_q_tiles = tiles_of(int64_t(ext->max_seq_q) * fp.q_pack, shape_for(fp).block_m);
  assert(values->size() <= size_t(kMaxMaskParams) && "compile() rejects masks with more params");
  for (size_t i = 0; i < values->size(); ++i) fp.mask_params[i] = (*values)[i];
  return fp;
}

struct GpuKernel::DeviceWords {
  CUcontext ctx = nullptr;
  CUdeviceptr ptr = 0;
  DeviceWords(CUcontext c, CUdeviceptr p) : ctx(c), ptr(p) {}
  DeviceWords(const DeviceWords&) = delete;
  DeviceWords& operator=(const DeviceWords&) = delete;
  ~DeviceWords() {
    const auto& drv = cuda_driver();
    if (!drv) return;
    const CudaDriver& d = **drv;
    // cuMemFree waits for work using the buffer to finish.
    if (d.cuCtxPushCurrent(ctx) != kCudaSuccess) return;
    d.cuMemFree(ptr);
    CUcontext popped = nullptr;
    d.cuCtxPopCurrent(&popped);
  }

  // A synchronous copy of `words` into a new buffer of the current context `ctx`. Synchronous on
  // purpose: the buffer is never written again, so launches queued on any stream may read it.
  template <class Word>
  static Result<std::shared_ptr<const DeviceWords>>
  upload(const CudaDriver& d, CUcontext ctx, const std::vector<Word>& words, const char* what) {
    CUdeviceptr buf = 0;
    const size_t bytes = std::max<size_t>(words.size(), 1) * sizeof(Word);
    if (auto r = cuda_check(d, d.cuMemAlloc(&buf, bytes), fmt::format("{} buffer", what)); !r)
      return r.error();
    auto owned = std::make_shared<const DeviceWords>(ctx, buf);
    if (words.empty()) return owned;
    if (auto r = cuda_check(d, d.cuMemcpyHtoD(buf, words.data(), words.size() * sizeof(Word)),
                            fmt::format("{} upload", what));
        !r)
      return r.error();
    return owned;
  }
};

Result<GpuKernel::TileOrder> GpuKernel::tile_order(const CudaDriver& d, CUcontext ctx,
                                                   const Problem& p, const FwdParams& fp,
                                                   const LaunchShape& shape) const {
  // The sm90 family cannot run without its walk table; the order alone is an optimization.
  const bool with_walk = shape.family == "sm90";
  if (fp.num_q_tiles <= 1 && !with_walk) return TileOrder{};
  std::vector<int64_t> values(fp.mask_params, fp.mask_params + program_.params.size());
  // Splitting depends on how many work items each work tile makes (heads x batch).
  // (The merge's grid takes heads and batch as its y and z extents, at most 65535 each.)
  const int split_mode = with_walk && p.heads <= 65535 && p.batch <= 65535 ? p.split_tiles : 1;
  const int64_t units = with_walk ? int64_t(p.heads) * p.batch : 0;
  OrderKey key{ctx,       p.seq_q,    p.seq_k, shape.block_m, shape.block_n,
               with_walk, split_mode, units,   values};
  std::lock_guard lock(orders_mu_);
  if (auto it = orders_.find(key); it != orders_.end()) return it->second;
  if (orders_.size() >= kMaxCachedOrders || orders_keep_bytes_ > kMaxCachedKeepBytes) {
    if (!with_walk) return TileOrder{};
    // Many shapes or parameter values in turn: start the cache over. Launches already queued
    // keep their buffers (DeviceWords is freed with its last reference, and cuMemFree waits).
    orders_.clear();
    orders_keep_bytes_ = 0;
  }

  const TileGeometry geometry{p.seq_q, p.seq_k, shape.block_m, shape.block_n};
  KeyRanges ranges(program_, values);
  TileOrder entry;
  std::vector<int64_t> costs;
  std::optional<WalkTable> table;
  if (with_walk) {
    auto built = build_walk_table(ranges, BlockClassifier(program_, values), geometry,
                                  {split_mode, units, sm_count_.load()});
    if (!built) return built.error();
    table = std::move(*built);
    // The order is over work tiles: a split tile's shares are ordered by their own walks.
    costs = table->costs;
    entry.mean_walk = table->num_q_tiles ? double(table->walked) / table->num_q_tiles : 0.0;
    entry.work_tiles = table->num_work_tiles;
    entry.share_tiles = table->heavy_tiles;
    entry.max_shares = table->max_shares;
  } else {
    costs = query_tile_costs(ranges, geometry);
    entry.mean_walk = mean_walk(costs);
  }
  auto order = heaviest_first_order(costs);
  if (!order.empty()) {
    auto buf = DeviceWords::upload(d, ctx, order, "tile order");
    if (!buf) return buf.error();
    entry.order_buffer = *buf;
    entry.order = reinterpret_cast<const int32_t*>((*buf)->ptr);
  }
  if (table) {
    auto buf = DeviceWords::upload(d, ctx, table->words, "walk table");
    if (!buf) return buf.error();
    entry.walk_buffer = *buf;
    entry.walk = reinterpret_cast<const int32_t*>((*buf)->ptr);
  }
  if (table && shape.mask_table) {
    // The mask-free kernel's keep bits, or the inline kernel when they would be too large.
    entry.keep_bytes = keep_bits_bytes(*table, geometry);
    if (entry.keep_bytes > keep_bits_limit()) {
      entry.needs_inline = true;
      entry.keep_bytes = 0;
    } else {
      auto bits = build_keep_bits(*table, MaskEvaluator(program_, values), geometry);
      if (!bits) return bits.error();
      auto words = DeviceWords::upload(d, ctx, bits->words, "keep bits");
      if (!words) return words.error();
      auto base = DeviceWords::upload(d, ctx, bits->base, "keep bases");
      if (!base) return base.error();
      entry.keep_buffer = *words;
      entry.keep_base_buffer = *base;
      entry.keep_bits = reinterpret_cast<const void*>((*words)->ptr);
      entry.keep_base = reinterpret_cast<const int32_t*>((*base)->ptr);
      orders_keep_bytes_ += entry.keep_bytes;
    }
  }
  orders_.emplace(std::move(key), entry);
  return entry;
}

Result<void> GpuKernel::run(const Problem& p) const {
  auto fp = make_params(p);
  if (!fp) return fp.error();
  if (fp->max_seq_q == 0) return {}; // nothing to compute

  const auto& drv = cuda_driver();
  if (!drv) return drv.error();
  const CudaDriver& d = **drv;
  ScopedContext scope;
  if (auto r = scope.enter(d, device_); !r) return r;
  if (int sms = sm_count_.load(); sms == 0) {
    auto props = device_props(device_);
    if (!props) return props.error();
    sm_count_.store(props->sm_count);
  }
  // The longest key sequence (varlen_extent's rule): it bounds the walk a share can take.
  const int max_seq_k =
      fp->cu_seqlens_k || (fp->seqused_k && p.max_seq_k > 0) ? p.max_seq_k : fp->seq_k;
  // Split-KV runs on the general variant, and is planned in its tiles (split_kv.h).
  fp->num_splits =
      planned_kv_splits(info_, p.batch, p.heads / fp->q_pack, fp->max_seq_q * fp->q_pack, max_seq_k,
                        p.kv_splits, sm_count_.load());
  // The dense-batch variant takes only dense problems (fwd_sm80.cuh, General); anything else
  // runs on the general one, in the general variant's tiles.
  const LaunchShape& shape = shape_for(*fp);
  fp->num_q_tiles = tiles_of(int64_t(fp->max_seq_q) * fp->q_pack, shape.block_m);
  // A varlen batch's tiles differ per sequence: the kernel's own order (last tile first).
  // `plan` holds the device buffers the launch reads until it is queued.
  TileOrder plan;
  if (!fp->cu_seqlens_q && !fp->seqused_k && fp->q_pack == 1) {
    auto order = tile_order(d, scope.context(), p, *fp, shape);
    if (!order) return order.error();
    plan = std::move(*order);
    fp->tile_order = plan.order;
    fp->walk_table = plan.walk;
    fp->keep_bits = plan.keep_bits;
    fp->keep_base = plan.keep_base;
    // The sm90 kernel counts work tiles: query tiles and the shares of split ones.
    if (plan.walk) fp->num_q_tiles = plan.work_tiles;
  }

  // One linear grid (compiler/generate_cuda.h grid_dims): the kernel takes the tile's rank in
  // the heaviest-first order as the slowest index, so every head's heaviest tiles start first.
  const long long blocks = (long long)fp->num_q_tiles * (p.heads / fp->q_pack) * p.batch;
  if (blocks >= (1ll << 31))
    return Error{fmt::format("the problem needs {} blocks ({} query tiles x {} heads x {} batch); "
                             "a launch takes at most 2^31 - 1",
                             blocks, fp->num_q_tiles, p.heads, p.batch)};
  const GpuModule* module = module_.get();
  if (needs_general_variant(*fp)) {
    auto g = general_module();
    if (!g) return g.error();
    module = *g;
  } else if (plan.needs_inline) {
    auto m = inline_module();
    if (!m) return m.error();
    module = *m;
  }
  auto fn = module->function(d, scope.context(), shape.smem_bytes);
  if (!fn) return fn.error();
  if (fp->num_splits > 1)
    return launch_split(d, scope.context(), *module, *fn, shape, p, *fp, blocks);
  if (shape.family == "sm90")
    return launch_sm90(d, scope.context(), *module, *fn, p, *fp, blocks, plan);
  void* args[] = {&fp.value()};
  CUresult r =
      d.cuLaunchKernel(*fn, unsigned(blocks), 1, 1, unsigned(shape.threads), 1, 1,
                       unsigned(shape.smem_bytes), static_cast<CUstream>(p.stream), args, nullptr);
  return cuda_check(d, r,
                    fmt::format("launching {} (grid {}, {} threads, {} bytes shared)",
                                info_.canonical, blocks, shape.threads, shape.smem_bytes));
}

Result<void> GpuKernel::launch_sm90(const CudaDriver& d, CUcontext ctx, const GpuModule& module,
                                    CUfunction fn, const Problem& p, FwdParams& fp,
                                    long long blocks, const TileOrder& plan) const {
  if (!fp.walk_table)
    return Error{fmt::format("launching {} (sm90): no walk table (the sm90 family runs dense "
                             "batches only, and needs one built for the problem's shape)",
                             info_.canonical)};
  if (shape_.mask_table && !plan.needs_inline && (!fp.keep_bits || !fp.keep_base))
    return Error{fmt::format("launching {} (sm90, mask-free): no keep bits built for the "
                             "problem's shape",
                             info_.canonical)};
  KernelConfig c;
  c.family = shape_.family;
  c.head_dim = info_.head_dim;
  c.dtype = dtype_name(info_.dtype);
  c.block_m = shape_.block_m;
  c.block_n = shape_.block_n;
  auto args = tma_maps_args(p, c);
  if (!args) return args.error();
  auto maps = encode_tma_maps(d, *args);
  if (!maps) return maps.error();
  void* params[] = {&fp, &maps.value()};
  // The kernel loops over work items (templates/fwd_sm90.cuh): a grid smaller than the work
  // makes it persistent.
  const long long grid =
      persistent_grid(blocks, sm_count_.load(), plan.mean_walk, p.persistent_blocks);
  // The kernel's 32-bit item numbers: the walk stream names items as kItemBegin - item, and a
  // persistent launch's draw computes grid + counter (templates/fwd_sm90.cuh, walk_list.cuh
  // draw_item).
  if (blocks > (1ll << 31) - 5 || (grid < blocks && blocks + grid > (1ll << 31) - 1))
    return Error{fmt::format("launching {} (sm90): {} work items on {} blocks pass the kernel's "
                             "32-bit item numbers (at most 2^31 - 5 items, and items + blocks "
                             "below 2^31 when persistent)",
                             info_.canonical, blocks, grid)};
  // A persistent launch hands out its items by the dynamic schedule unless asked for the static
  // one (Problem::item_schedule): a counter in the stream's workspace, zero before the first
  // launch, and set back to zero by each launch's last draw (templates/walk_list.cuh draw_item).
  const bool persistent = grid < blocks;
  fp.item_counter = nullptr;
  if (persistent && p.item_schedule != 1) {
    auto counter = counters_.get(d, ctx, p.stream, sizeof(int32_t), /*zeroed=*/true);
    if (!counter) return counter.error();
    fp.item_counter = reinterpret_cast<int32_t*>(*counter);
  }
  // The launch order by L2 footprint (FwdParams::unit_group). With one block per item the
  // hardware starts the blocks in order, so the order decides which keys and values the running
  // blocks share; a persistent launch takes its items in that order too. The static schedule
  // keeps one group when chosen: its pairing of heavy and light items relies on the plain
  // heaviest-first order (grouped, causal at 4096 x 4 ran 33% slower).
  const bool static_schedule = persistent && !fp.item_counter;
  fp.unit_group = p.unit_group > 0  ? p.unit_group
                  : static_schedule ? 0
                                    : l2_unit_group(p.seq_k, info_.head_dim, fp.kv_group,
                                                    p.heads * p.batch, kL2GroupBytes);
  CUfunction merge = nullptr;
  if (plan.share_tiles > 0) {
    // Split tiles: the shares' fp32 rows and LSEs (FwdParams::share_o, share_lse).
    const size_t rows = size_t(plan.share_tiles) * size_t(plan.max_shares) * size_t(p.batch) *
                        size_t(p.heads) * size_t(shape_.block_m);
    auto ws = workspace_.get(d, ctx, p.stream, rows * (size_t(info_.head_dim) + 1) * sizeof(float));
    if (!ws) return ws.error();
    auto entry = module.entry(d, ctx, kShareMergeEntryName);
    if (!entry) return entry.error();
    merge = *entry;
    fp.share_o = reinterpret_cast<float*>(*ws);
    fp.share_lse = fp.share_o + rows * size_t(info_.head_dim);
    fp.share_tiles = plan.share_tiles;
    fp.max_shares = plan.max_shares;
  }
  const auto stream = static_cast<CUstream>(p.stream);
  CUresult r = d.cuLaunchKernel(fn, unsigned(grid), 1, 1, unsigned(shape_.threads), 1, 1,
                                unsigned(shape_.smem_bytes), stream, params, nullptr);
  if (auto c = cuda_check(
          d, r,
          fmt::format("launching {} (sm90, grid {} for {} work items, {} threads, {} bytes shared)",
                      info_.canonical, grid, blocks, shape_.threads, shape_.smem_bytes));
      !c || !merge)
    return c;
  const unsigned merge_x =
      unsigned((plan.share_tiles * shape_.block_m + kMergeWarps - 1) / kMergeWarps);
  void* merge_args[] = {&fp};
  r = d.cuLaunchKernel(merge, merge_x, unsigned(p.heads), unsigned(p.batch), kMergeWarps * 32, 1, 1,
                       0, stream, merge_args, nullptr);
  return cuda_check(d, r,
                    fmt::format("launching the merge of {} split tiles (grid {} x {} x {})",
                                plan.share_tiles, merge_x, p.heads, p.batch));
}

Result<const GpuModule*> GpuKernel::general_module() const {
  std::lock_guard lock(general_mu_);
  if (general_) return general_.get();
  if (!general_loader_)
    return Error{"this kernel has no general variant (needed for varlen batches, GQA packing "
                 "and split-KV)"};
  auto m = general_loader_();
  if (!m)
    return Error{"building the kernel's general variant (varlen, GQA packing, split-KV): " +
                 m.error().message};
  general_ = std::move(*m);
  return general_.get();
}

Result<const GpuModule*> GpuKernel::inline_module() const {
  std::lock_guard lock(general_mu_);
  if (inline_) return inline_.get();
  if (!inline_loader_)
    return Error{fmt::format("the problem's keep bits would pass {} MiB and this kernel has no "
                             "inline-mask twin to run it",
                             kMaxKeepBitsBytes >> 20)};
  auto m = inline_loader_();
  if (!m)
    return Error{"building the kernel with the mask inline (the problem's keep bits would pass " +
                 std::to_string(kMaxKeepBitsBytes >> 20) + " MiB): " + m.error().message};
  inline_ = std::move(*m);
  return inline_.get();
}

Result<void> GpuKernel::launch_split(const CudaDriver& d, CUcontext ctx, const GpuModule& module,
                                     CUfunction fn, const LaunchShape& shape, const Problem& p,
                                     FwdParams& fp, long long blocks) const {
  const long long split_blocks = blocks * fp.num_splits;
  if (split_blocks >= (1ll << 31))
    return Error{fmt::format("{} split-KV shares of {} blocks pass the 2^31 - 1 blocks of a launch",
                             fp.num_splits, blocks)};
  const size_t rows = size_t(fp.num_splits) * p.batch * p.heads * fp.max_seq_q;
  auto ws = workspace_.get(
      d, ctx, p.stream,
      split_workspace_bytes(fp.num_splits, p.batch, p.heads, fp.max_seq_q, info_.head_dim));
  if (!ws) return ws.error();
  fp.o_partial = reinterpret_cast<float*>(*ws);
  fp.lse_partial = fp.o_partial + rows * size_t(info_.head_dim);
  auto merge = module.entry(d, ctx, kMergeEntryName);
  if (!merge) return merge.error();
  void* args[] = {&fp};
  const auto stream = static_cast<CUstream>(p.stream);
  CUresult r = d.cuLaunchKernel(fn, unsigned(split_blocks), 1, 1, unsigned(shape.threads), 1, 1,
                                unsigned(shape.smem_bytes), stream, args, nullptr);
  if (auto c = cuda_check(d, r,
                          fmt::format("launching {} with {} split-KV shares (grid {})",
                                      info_.canonical, fp.num_splits, split_blocks));
      !c)
    return c;
  const long long items = (long long)p.batch * p.heads * fp.max_seq_q;
  const long long merge_blocks = (items + kMergeWarps - 1) / kMergeWarps;
  r = d.cuLaunchKernel(*merge, unsigned(merge_blocks), 1, 1, kMergeWarps * 32, 1, 1, 0, stream,
                       args, nullptr);
  return cuda_check(d, r, fmt::format("launching the split-KV merge (grid {})", merge_blocks));
}

} // namespace attnjit
