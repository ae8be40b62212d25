#include "runtime/run_random.h"

#include "compiler/bind_params.h"
#include "compiler/eval_mask.h"
#include "compiler/mask_stats.h"
#include "compiler/pipeline.h"
#include "runtime/cuda_driver.h"
#include "runtime/device_util.h"
#include "runtime/half.h"
#include "runtime/npy.h"
#include "runtime/reference.h"
#include "runtime/split_kv.h"
#include "runtime/varlen.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>

namespace attnjit {
namespace {

// One input or output tensor on the host: the exact values as floats, and the bytes in the
// kernel's dtype.
struct HostTensor {
  std::vector<float> values;
  std::vector<unsigned char> bytes;
};

size_t dtype_size(DType t) {
  return t == DType::fp32 ? 4 : 2;
}

void store(DType t, float f, unsigned char* out) {
  if (t == DType::fp32) {
    std::memcpy(out, &f, 4);
    return;
  }
  uint16_t h = t == DType::bf16 ? float_to_bf16(f) : float_to_fp16(f);
  std::memcpy(out, &h, 2);
}

float load(DType t, const unsigned char* in) {
  if (t == DType::fp32) {
    float f;
    std::memcpy(&f, in, 4);
    return f;
  }
  uint16_t h;
  std::memcpy(&h, in, 2);
  return t == DType::bf16 ? bf16_to_float(h) : fp16_to_float(h);
}

// Standard normal values rounded to the dtype, so `values` is exactly what the kernel reads.
HostTensor random_tensor(DType t, size_t count, std::mt19937_64& rng) {
  HostTensor x;
  x.values.resize(count);
  x.bytes.resize(count * dtype_size(t));
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (size_t i = 0; i < count; ++i) {
    store(t, normal(rng), x.bytes.data() + i * dtype_size(t));
    x.values[i] = load(t, x.bytes.data() + i * dtype_size(t));
  }
  return x;
}

std::vector<int> rows_to_check(int seq_q, int limit, uint64_t seed) {
  std::vector<int> rows;
  if (seq_q <= limit) {
    for (int r = 0; r < seq_q; ++r) rows.push_back(r);
    return rows;
  }
  // The first and last rows hold the edge cases (short causal rows, the partial last tile).
  int edge = limit / 4;
  for (int r = 0; r < edge; ++r) rows.push_back(r);
  for (int r = seq_q - edge; r < seq_q; ++r) rows.push_back(r);
  std::mt19937_64 rng(seed ^ 0x5eedull);
  std::uniform_int_distribution<int> pick(edge, seq_q - edge - 1);
  while (int(rows.size()) < limit) rows.push_back(pick(rng));
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  return rows;
}

// Runs the kernel `iters` times after `warmup` calls and returns the median milliseconds.
using Launch = std::function<Result<void>()>;

Result<double> time_host(const Launch& launch, int warmup, int iters) {
  for (int i = 0; i < warmup; ++i)
    if (Result<void> r = launch(); !r) return r.error();
  std::vector<double> ms;
  for (int i = 0; i < std::max(1, iters); ++i) {
    auto t0 = std::chrono::steady_clock::now();
    if (Result<void> r = launch(); !r) return r.error();
    auto t1 = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  return median(ms);
}

// GPU: the outputs on the device into `o` and `lse` (sized already).
Result<void> copy_back(const CudaDriver& d, CUdeviceptr dout, CUdeviceptr dlse,
                       std::vector<unsigned char>& o, std::vector<float>& lse) {
  if (!o.empty())
    if (auto r = cuda_check(d, d.cuMemcpyDtoH(o.data(), dout, o.size()), "copy back"); !r) return r;
  if (!lse.empty())
    return cuda_check(d, d.cuMemcpyDtoH(lse.data(), dlse, lse.size() * 4), "copy back");
  return {};
}

// GPU: whether the outputs now on the device (the last timed call's) differ bit for bit from
// `o` and `lse` (the first call's). The kernels are deterministic, so any difference is a
// fault that only later calls show, such as state one launch leaves for the next.
Result<bool> last_run_differs(const CudaDriver& d, CUdeviceptr dout, CUdeviceptr dlse,
                              const std::vector<unsigned char>& o, const std::vector<float>& lse) {
  std::vector<unsigned char> o2(o.size());
  std::vector<float> lse2(lse.size());
  if (auto r = copy_back(d, dout, dlse, o2, lse2); !r) return r.error();
  return o2 != o || std::memcmp(lse2.data(), lse.data(), lse.size() * 4) != 0;
}

// CPU backend: one run written over the poisoned outputs, whose o and lse are what the check
// reads (the timed runs after it write the same buffers again), then time_host.
Result<double> time_host_keeping_first(const Kernel& kernel, const Problem& p,
                                       std::vector<unsigned char>& o, std::vector<float>& lse,
                                       int warmup, int iters) {
  if (Result<void> r = kernel.run(p); !r) return r.error();
  std::vector<unsigned char> first = o;
  std::vector<float> first_lse = lse;
  Result<double> ms = time_host([&] { return kernel.run(p); }, warmup, iters);
  o.swap(first);
  lse.swap(first_lse);
  return ms;
}

Result<double> time_device(const CudaDriver& d, const Launch& launch, int warmup, int iters) {
  for (int i = 0; i < warmup; ++i)
    if (Result<void> r = launch(); !r) return r.error();
  if (auto r = cuda_check(d, d.cuCtxSynchronize(), "synchronize after warm-up"); !r)
    return r.error();
  EventPair ev(d);
  if (auto r = ev.create(); !r) return r.error();
  std::vector<double> ms;
  for (int i = 0; i < std::max(1, iters); ++i) {
    d.cuEventRecord(ev.a, nullptr);
    if (Result<void> r = launch(); !r) return r.error();
    d.cuEventRecord(ev.b, nullptr);
    if (auto r = cuda_check(d, d.cuEventSynchronize(ev.b), "kernel run"); !r) return r.error();
    float t = 0;
    d.cuEventElapsedTime(&t, ev.a, ev.b);
    ms.push_back(t);
  }
  return median(ms);
}

} // namespace

Result<int64_t> count_attended_pairs(const std::string& mask,
                                     const std::vector<std::pair<std::string, int64_t>>& params,
                                     int seq_q, int seq_k) {
  Result<MaskProgram> m = build_mask_program(mask);
  if (!m) return m.error();
  Result<std::vector<int64_t>> values = bind_params(*m, params);
  if (!values) return values.error();
  Result<MaskStats> s = mask_stats(*m, *values, seq_q, seq_k, 128, 128);
  if (!s) return s.error();
  return s->attended_pairs;
}

namespace {
// Decode and variable-length batches (defined at the end of this file).
Result<RandomRunReport> run_varlen(const Kernel& kernel, const RandomRunOptions& opt);
int splits_used(const KernelInfo& info, const RandomRunOptions& opt, int batch, int max_seq_q,
                int max_seq_k);
int64_t walked_keys(const MaskEvaluator& eval, int len_q, int len_k);
} // namespace

Result<RandomRunReport> run_random(const Kernel& kernel, const RandomRunOptions& opt) {
  if (!opt.seqlens_q.empty() || !opt.seqlens_k.empty()) return run_varlen(kernel, opt);
  const KernelInfo& info = kernel.info();
  const DType t = info.dtype;
  const int D = info.head_dim;
  const int B = opt.batch, H = opt.heads, HK = opt.kv_heads, LQ = opt.seq_q, LK = opt.seq_k;
  if (B <= 0 || H <= 0 || HK <= 0 || LQ < 0 || LK < 0)
    return Error{"run: batch, heads and kv_heads must be positive and lengths non-negative"};

  Result<MaskProgram> mask = build_mask_program(info.canonical);
  if (!mask) return mask.error();
  Result<std::vector<int64_t>> values = bind_params(*mask, opt.params);
  if (!values) return values.error();

  std::mt19937_64 rng(opt.seed);
  const size_t nq = size_t(B) * H * LQ * D, nkv = size_t(B) * HK * LK * D;
  HostTensor q = random_tensor(t, nq, rng), k = random_tensor(t, nkv, rng),
             v = random_tensor(t, nkv, rng);
  std::vector<unsigned char> o(nq * dtype_size(t), 0xff); // all-ones bits: NaN in every dtype
  std::vector<float> lse(size_t(B) * H * LQ, std::nanf(""));

  Problem p;
  p.batch = B, p.heads = H, p.kv_heads = HK, p.seq_q = LQ, p.seq_k = LK, p.scale = opt.scale;
  p.params = opt.params;
  p.kv_splits = opt.kv_splits;
  p.pack_gqa = opt.pack_gqa;
  p.persistent_blocks = opt.persistent_blocks;
  p.split_tiles = opt.split_tiles;
  p.unit_group = opt.unit_group;
  p.item_schedule = opt.item_schedule;
  auto layout = [](TensorRef& r, void* data, int heads, int seq, int d) {
    r.data = data;
    r.stride_seq = d;
    r.stride_head = int64_t(seq) * d;
    r.stride_batch = int64_t(heads) * seq * d;
  };

  RandomRunReport rep;
  Result<double> ms = 0.0;
  if (info.backend == BackendKind::Gpu) {
    Result<const CudaDriver*> drv = cuda_driver();
    if (!drv) return drv.error();
    const CudaDriver& d = **drv;
    ScopedContext ctx;
    if (auto r = ctx.enter(d, 0); !r) return r.error();
    DeviceArena buf(d);
    CUdeviceptr dq, dk, dv, dout, dlse;
    for (auto [dst, src, bytes, what] :
         {std::tuple{&dq, (const void*)q.bytes.data(), q.bytes.size(), "Q"},
          std::tuple{&dk, (const void*)k.bytes.data(), k.bytes.size(), "K"},
          std::tuple{&dv, (const void*)v.bytes.data(), v.bytes.size(), "V"},
          std::tuple{&dout, (const void*)o.data(), o.size(), "O"},
          std::tuple{&dlse, (const void*)lse.data(), lse.size() * 4, "the LSE"}}) {
      Result<CUdeviceptr> a = buf.upload(src, bytes, what);
      if (!a) return a.error();
      *dst = *a;
    }
    layout(p.q, (void*)dq, H, LQ, D);
    layout(p.k, (void*)dk, HK, LK, D);
    layout(p.v, (void*)dv, HK, LK, D);
    layout(p.o, (void*)dout, H, LQ, D);
    p.lse = (float*)dlse;
    // The first call alone, then copy back: the check sees the output of exactly one run over
    // the poisoned buffers. Its time includes what a first run of a shape prepares on the host
    // (the walk table, the keep bits) and their upload.
    const auto first0 = std::chrono::steady_clock::now();
    if (Result<void> r = kernel.run(p); !r) return r.error();
    if (auto r = cuda_check(d, d.cuCtxSynchronize(), "kernel run"); !r) return r.error();
    rep.first_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - first0)
            .count();
    if (auto r = copy_back(d, dout, dlse, o, lse); !r) return r.error();
    ms = time_device(
        d, [&] { return kernel.run(p); }, opt.warmup, opt.iters);
    if (!ms) return ms.error();
    auto differs = last_run_differs(d, dout, dlse, o, lse);
    if (!differs) return differs.error();
    rep.repeat_differs = *differs;
  } else {
    layout(p.q, q.bytes.data(), H, LQ, D);
    layout(p.k, k.bytes.data(), HK, LK, D);
    layout(p.v, v.bytes.data(), HK, LK, D);
    layout(p.o, o.data(), H, LQ, D);
    p.lse = lse.data();
    ms = time_host_keeping_first(kernel, p, o, lse, opt.warmup, opt.iters);
  }
  if (!ms) return ms.error();
  rep.ms = *ms;

  Result<int64_t> pairs = count_attended_pairs(info.canonical, opt.params, LQ, LK);
  if (!pairs) return pairs.error();
  rep.attended_pairs = *pairs;
  rep.tflops = rep.ms > 0 ? 4.0 * B * H * double(*pairs) * D / (rep.ms * 1e-3) / 1e12 : 0;
  rep.splits = splits_used(info, opt, B, LQ, LK);
  if (LQ <= kDecodeRows && rep.ms > 0) {
    const double bytes =
        double(walked_keys(MaskEvaluator(*mask, *values), LQ, LK)) * B * HK * D * dtype_size(t) * 2;
    rep.gbps = bytes / (rep.ms * 1e-3) / 1e9;
  }

  std::vector<float> of(nq);
  for (size_t i = 0; i < nq; ++i) {
    of[i] = load(t, o.data() + i * dtype_size(t));
    if (std::isnan(of[i])) rep.unwritten = true;
  }
  for (float x : lse)
    if (std::isnan(x)) rep.unwritten = true;

  if (opt.check) {
    std::vector<int> rows = rows_to_check(LQ, opt.check_rows, opt.seed);
    MaskEvaluator eval(*mask, *values);
    ReferenceProblem rp{
        B, H, HK, LQ, LK, D, q.values.data(), k.values.data(), v.values.data(), double(opt.scale)};
    ReferenceOutput ref = reference_attention(
        rp, [&](int64_t qp, int64_t kp) { return eval(qp, kp); }, rows);
    std::vector<double> got(ref.o.size());
    size_t R = rows.size();
    for (size_t bh = 0; bh < size_t(B) * H; ++bh)
      for (size_t i = 0; i < R; ++i) {
        const float* src = of.data() + (bh * LQ + rows[i]) * D;
        for (int dd = 0; dd < D; ++dd) got[(bh * R + i) * D + dd] = src[dd];
        double l = lse[bh * LQ + rows[i]], lr = ref.lse[bh * R + i];
        if (std::isinf(lr) || std::isinf(l)) {
          if (l != lr) rep.lse_max_err = INFINITY;
        } else {
          rep.lse_max_err = std::max(rep.lse_max_err, std::fabs(l - lr));
        }
        if (std::isnan(l)) rep.lse_max_err = NAN;
      }
    rep.rel_err = relative_error(got, ref.o);
    rep.checked = true;
    rep.checked_rows = int(R);
  }

  if (!opt.save_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(opt.save_dir, ec);
    if (ec) return Error{"cannot create '" + opt.save_dir + "': " + ec.message()};
    std::string dir = opt.save_dir + "/";
    for (auto [name, data, shape] :
         {std::tuple{"q", q.values.data(), std::vector<int64_t>{B, H, LQ, D}},
          std::tuple{"k", k.values.data(), std::vector<int64_t>{B, HK, LK, D}},
          std::tuple{"v", v.values.data(), std::vector<int64_t>{B, HK, LK, D}},
          std::tuple{"o", (float*)of.data(), std::vector<int64_t>{B, H, LQ, D}},
          std::tuple{"lse", lse.data(), std::vector<int64_t>{B, H, LQ}}})
      if (Result<void> r = write_npy_f32(dir + name + ".npy", shape, data); !r) return r.error();
  }
  return rep;
}

namespace {

int splits_used(const KernelInfo& info, const RandomRunOptions& opt, int batch, int max_seq_q,
                int max_seq_k) {
  if (info.backend != BackendKind::Gpu) return 1;
  Result<DeviceProps> props = device_props(0);
  if (!props) return 1;
  const int pack = gqa_pack(opt.pack_gqa, opt.heads / opt.kv_heads, max_seq_q,
                            general_variant_tiles(info).block_m);
  return planned_kv_splits(info, batch, opt.heads / pack, max_seq_q * pack, max_seq_k,
                           opt.kv_splits, props->sm_count);
}

// Keys that at least one of the sequence's query rows attends: what a walk must read at least.
int64_t walked_keys(const MaskEvaluator& eval, int len_q, int len_k) {
  int64_t n = 0;
  for (int k = 0; k < len_k; ++k)
    for (int r = 0; r < len_q; ++r)
      if (eval(int64_t(r) + len_k - len_q, k)) {
        ++n;
        break;
      }
  return n;
}

// A tensor of `seqs` sequences: padded ([seqs, heads, rows, D]) or packed ([heads, total, D]).
struct SeqLayout {
  bool packed;
  int heads, rows, d; // rows: per sequence when padded, the total when packed
  std::vector<int32_t> start;
  size_t index(int b, int h, int row) const {
    return packed ? (size_t(h) * rows + start[b] + row) * d
                  : ((size_t(b) * heads + h) * rows + row) * d;
  }
  TensorRef ref(void* data) const {
    return {data, int64_t(heads) * rows * d, int64_t(rows) * d, int64_t(d)};
  }
};

// One sequence's tensor as [1, heads, len, D] floats for the reference.
std::vector<float> slice(const SeqLayout& l, const std::vector<float>& x, int b, int len) {
  std::vector<float> out(size_t(l.heads) * len * l.d);
  for (int h = 0; h < l.heads; ++h)
    for (int r = 0; r < len; ++r)
      std::copy_n(x.begin() + l.index(b, h, r), l.d, out.begin() + (size_t(h) * len + r) * l.d);
  return out;
}

Result<RandomRunReport> run_varlen(const Kernel& kernel, const RandomRunOptions& opt) {
  const KernelInfo& info = kernel.info();
  const DType t = info.dtype;
  const int D = info.head_dim, H = opt.heads, HK = opt.kv_heads;
  if (H <= 0 || HK <= 0) return Error{"run: heads and kv_heads must be positive"};
  if (!opt.save_dir.empty()) return Error{"run: --save does not take variable-length batches"};
  const bool packed = !opt.seqlens_q.empty();
  std::vector<int> lq = opt.seqlens_q, lk = opt.seqlens_k;
  if (packed && lk.empty()) lk = lq;
  if (!packed) lq.assign(lk.size(), opt.seq_q);
  if (lq.size() != lk.size())
    return Error{fmt::format("run: {} query lengths but {} key lengths", lq.size(), lk.size())};
  const int B = int(lq.size());
  Result<std::vector<int32_t>> cu_q = cu_seqlens_of(lq), cu_k = cu_seqlens_of(lk);
  if (!cu_q) return cu_q.error();
  if (!cu_k) return cu_k.error();
  const int max_q = *std::max_element(lq.begin(), lq.end());
  const int max_k = *std::max_element(lk.begin(), lk.end());
  SeqLayout lay_q{packed, H, packed ? cu_q->back() : opt.seq_q, D, *cu_q};
  SeqLayout lay_k{packed, HK, packed ? cu_k->back() : max_k, D, *cu_k};
  const int seqs = packed ? 1 : B;

  Result<MaskProgram> mask = build_mask_program(info.canonical);
  if (!mask) return mask.error();
  Result<std::vector<int64_t>> values = bind_params(*mask, opt.params);
  if (!values) return values.error();

  std::mt19937_64 rng(opt.seed);
  const size_t nq = size_t(seqs) * H * lay_q.rows * D, nkv = size_t(seqs) * HK * lay_k.rows * D;
  HostTensor q = random_tensor(t, nq, rng), k = random_tensor(t, nkv, rng),
             v = random_tensor(t, nkv, rng);
  std::vector<unsigned char> o(nq * dtype_size(t), 0xff); // NaN in every dtype
  std::vector<float> lse(size_t(seqs) * H * lay_q.rows, std::nanf(""));
  std::vector<int32_t> used(lk.begin(), lk.end());

  Problem p;
  p.batch = B, p.heads = H, p.kv_heads = HK, p.scale = opt.scale, p.params = opt.params;
  p.seq_q = lay_q.rows, p.seq_k = lay_k.rows;
  p.max_seq_q = max_q, p.max_seq_k = max_k, p.kv_splits = opt.kv_splits;
  p.pack_gqa = opt.pack_gqa;
  p.persistent_blocks = opt.persistent_blocks;
  p.split_tiles = opt.split_tiles;
  p.unit_group = opt.unit_group;
  p.item_schedule = opt.item_schedule;

  RandomRunReport rep;
  Result<double> ms = 0.0;
  if (info.backend == BackendKind::Gpu) {
    Result<const CudaDriver*> drv = cuda_driver();
    if (!drv) return drv.error();
    const CudaDriver& d = **drv;
    ScopedContext ctx;
    if (auto r = ctx.enter(d, 0); !r) return r.error();
    DeviceArena buf(d);
    CUdeviceptr dq, dk, dv, dout, dlse, dcq, dck, dused;
    for (auto [dst, src, bytes, what] :
         {std::tuple{&dq, (const void*)q.bytes.data(), q.bytes.size(), "Q"},
          std::tuple{&dk, (const void*)k.bytes.data(), k.bytes.size(), "K"},
          std::tuple{&dv, (const void*)v.bytes.data(), v.bytes.size(), "V"},
          std::tuple{&dout, (const void*)o.data(), o.size(), "O"},
          std::tuple{&dlse, (const void*)lse.data(), lse.size() * 4, "the LSE"},
          std::tuple{&dcq, (const void*)cu_q->data(), cu_q->size() * 4, "cu_seqlens_q"},
          std::tuple{&dck, (const void*)cu_k->data(), cu_k->size() * 4, "cu_seqlens_k"},
          std::tuple{&dused, (const void*)used.data(), used.size() * 4, "seqused_k"}}) {
      Result<CUdeviceptr> a = buf.upload(src, bytes, what);
      if (!a) return a.error();
      *dst = *a;
    }
    p.q = lay_q.ref((void*)dq), p.k = lay_k.ref((void*)dk), p.v = lay_k.ref((void*)dv);
    p.o = lay_q.ref((void*)dout), p.lse = (float*)dlse;
    if (packed)
      p.cu_seqlens_q = (const int32_t*)dcq, p.cu_seqlens_k = (const int32_t*)dck;
    else
      p.seqused_k = (const int32_t*)dused;
    if (Result<void> r = kernel.run(p); !r) return r.error();
    if (auto r = cuda_check(d, d.cuCtxSynchronize(), "kernel run"); !r) return r.error();
    if (auto r = copy_back(d, dout, dlse, o, lse); !r) return r.error();
    ms = time_device(
        d, [&] { return kernel.run(p); }, opt.warmup, opt.iters);
    if (!ms) return ms.error();
    auto differs = last_run_differs(d, dout, dlse, o, lse);
    if (!differs) return differs.error();
    rep.repeat_differs = *differs;
  } else {
    p.q = lay_q.ref(q.bytes.data()), p.k = lay_k.ref(k.bytes.data()),
    p.v = lay_k.ref(v.bytes.data()), p.o = lay_q.ref(o.data()), p.lse = lse.data();
    if (packed)
      p.cu_seqlens_q = cu_q->data(), p.cu_seqlens_k = cu_k->data();
    else
      p.seqused_k = used.data();
    ms = time_host_keeping_first(kernel, p, o, lse, opt.warmup, opt.iters);
  }
  if (!ms) return ms.error();
  rep.ms = *ms;
  rep.splits = splits_used(info, opt, B, max_q, max_k);

  MaskEvaluator eval(*mask, *values);
  double pairs = 0, kv_bytes = 0;
  for (int b = 0; b < B; ++b) {
    if (lq[b] == 0 || lk[b] == 0) continue; // attends nothing, reads nothing
    Result<int64_t> n = count_attended_pairs(info.canonical, opt.params, lq[b], lk[b]);
    if (!n) return n.error();
    pairs += double(*n);
    if (max_q <= kDecodeRows)
      kv_bytes += double(walked_keys(eval, lq[b], lk[b])) * HK * D * dtype_size(t) * 2;
  }
  rep.attended_pairs = int64_t(pairs);
  if (rep.ms > 0) {
    rep.tflops = 4.0 * H * pairs * D / (rep.ms * 1e-3) / 1e12;
    rep.gbps = kv_bytes / (rep.ms * 1e-3) / 1e9;
  }
  for (size_t i = 0; i < o.size() / dtype_size(t); ++i)
    if (std::isnan(load(t, o.data() + i * dtype_size(t)))) rep.unwritten = true;
  for (float x : lse)
    if (std::isnan(x)) rep.unwritten = true;
  if (!opt.check) return rep;

  // Each sequence against the reference on its own slice, with its own positions.
  std::vector<double> got, want;
  for (int b = 0; b < B; ++b) {
    if (lq[b] == 0) continue;
    std::vector<int> rows = rows_to_check(lq[b], std::max(16, opt.check_rows / B), opt.seed + b);
    std::vector<float> qs = slice(lay_q, q.values, b, lq[b]), ks = slice(lay_k, k.values, b, lk[b]),
                       vs = slice(lay_k, v.values, b, lk[b]);
    ReferenceProblem rp{1, H,         HK,        lq[b],     lk[b],
                        D, qs.data(), ks.data(), vs.data(), double(opt.scale)};
    ReferenceOutput ref = reference_attention(
        rp, [&](int64_t qp, int64_t kp) { return eval(qp, kp); }, rows);
    const size_t R = rows.size();
    for (int h = 0; h < H; ++h)
      for (size_t i = 0; i < R; ++i) {
        const size_t at = lay_q.index(b, h, rows[i]);
        for (int dd = 0; dd < D; ++dd) got.push_back(load(t, o.data() + (at + dd) * dtype_size(t)));
        want.insert(want.end(), ref.o.begin() + (h * R + i) * D,
                    ref.o.begin() + (h * R + i + 1) * D);
        const double l = lse[at / D], lr = ref.lse[h * R + i];
        if (std::isnan(l))
          rep.lse_max_err = NAN;
        else if (std::isinf(lr) || std::isinf(l))
          rep.lse_max_err = l == lr ? rep.lse_max_err : INFINITY;
        else
          rep.lse_max_err = std::max(rep.lse_max_err, std::fabs(l - lr));
      }
    rep.checked_rows += int(R);
  }
  rep.rel_err = relative_error(got, want);
  rep.checked = true;
  return rep;
}

} // namespace

} // namespace attnjit
