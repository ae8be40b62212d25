// Decode, split-KV and variable-length batches on the GPU against the fp64 reference, one
// sequence at a time with its own positions, on fresh random data with O and the LSE poisoned
// before every run. Each case also runs with split-KV forced off and on: both must match the
// reference (and so each other within the dtype's tolerance).
#include "attnjit/attnjit.hpp"

#include "compiler/bind_params.h"
#include "compiler/eval_mask.h"
#include "device.h"
#include "runtime/half.h"
#include "runtime/reference.h"
#include "runtime/varlen.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <future>
#include <map>
#include <numeric>
#include <random>

using namespace attnjit;

namespace {

struct VarCase {
  std::string mask;
  std::vector<std::pair<std::string, int64_t>> params;
  int head_dim;
  DType dtype;
  int heads, kv_heads;
  std::vector<int> lens_q, lens_k;
  bool packed; // cu_seqlens; else a padded cache read through seqused_k (lens_q all equal)
  bool used;   // padded: pass seqused_k (false: every sequence uses all keys)
};

std::string describe(const VarCase& c, int splits, int pack) {
  std::string s = c.mask + " d" + std::to_string(c.head_dim) + " " + dtype_name(c.dtype) + " h" +
                  std::to_string(c.heads) + "/" + std::to_string(c.kv_heads) +
                  (c.packed ? " packed"
                   : c.used ? " seqused"
                            : " dense") +
                  " splits " + std::to_string(splits) + " pack " + std::to_string(pack) + " q";
  for (int l : c.lens_q) s += " " + std::to_string(l);
  s += " k";
  for (int l : c.lens_k) s += " " + std::to_string(l);
  return s;
}

uint16_t to_bits(float x, DType t) {
  return t == DType::bf16 ? float_to_bf16(x) : float_to_fp16(x);
}
float from_bits(uint16_t x, DType t) {
  return t == DType::bf16 ? bf16_to_float(x) : fp16_to_float(x);
}

// A tensor of B sequences, [B, H, rows, D] (padded) or [H, total, D] (packed), as floats rounded
// to the dtype.
struct Seqs {
  bool packed;
  int b, h, rows, d; // rows: per sequence (padded) or the total (packed)
  std::vector<int32_t> start;
  std::vector<float> values;
  size_t index(int bi, int hi, int r) const {
    return packed ? (size_t(hi) * rows + start[bi] + r) * d
                  : ((size_t(bi) * h + hi) * rows + r) * d;
  }
  std::vector<float> slice(int bi, int len) const {
    std::vector<float> out(size_t(h) * len * d);
    for (int hi = 0; hi < h; ++hi)
      for (int r = 0; r < len; ++r)
        std::copy_n(values.begin() + index(bi, hi, r), d, out.begin() + (size_t(hi) * len + r) * d);
    return out;
  }
  TensorRef ref(const DeviceBuffer& buf) const {
    return {buf.data(), int64_t(h) * rows * d, int64_t(rows) * d, int64_t(d)};
  }
};

Seqs make_seqs(bool packed, int b, int h, const std::vector<int>& lens) {
  Seqs s{packed, b, h, 0, 0, {0}, {}};
  for (int l : lens) s.start.push_back(s.start.back() + l);
  s.rows = packed ? s.start.back() : *std::max_element(lens.begin(), lens.end());
  return s;
}

void fill(Seqs& s, int d, DType t, std::mt19937& rng) {
  s.d = d;
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  s.values.resize(size_t(s.packed ? 1 : s.b) * s.h * s.rows * d);
  for (float& v : s.values) v = from_bits(to_bits(u(rng), t), t);
}

std::vector<uint16_t> bits(const Seqs& s, DType t) {
  std::vector<uint16_t> out(s.values.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = to_bits(s.values[i], t);
  return out;
}

std::vector<int> sample_rows(int n) {
  std::vector<int> rows;
  for (int r = 0; r < n; r += n <= 192 ? 1 : n / 64 + 1) rows.push_back(r);
  for (int r = std::max(0, n - 32); r < n; ++r) rows.push_back(r);
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  return rows;
}

// Runs one case with `splits` (Problem::kv_splits) and `pack` (Problem::pack_gqa) and checks
// every sequence. Returns the
// output (as floats) so that runs with different splits can be compared.
std::vector<float> check_case(const Kernel& kernel, const VarCase& c, int splits, int pack,
                              unsigned seed) {
  INFO(describe(c, splits, pack));
  const int B = int(c.lens_k.size()), D = c.head_dim;
  std::mt19937 rng(seed);
  Seqs q = make_seqs(c.packed, B, c.heads, c.lens_q);
  Seqs k = make_seqs(c.packed, B, c.kv_heads, c.lens_k);
  fill(q, D, c.dtype, rng);
  fill(k, D, c.dtype, rng);
  Seqs v = k;
  fill(v, D, c.dtype, rng);
  Seqs o = q;

  DeviceBuffer dq(q.values.size() * 2), dk(k.values.size() * 2), dv(v.values.size() * 2);
  DeviceBuffer dout(o.values.size() * 2), dlse(o.values.size() / D * 4);
  DeviceBuffer dcq(q.start.size() * 4), dck(k.start.size() * 4), dused(size_t(B) * 4);
  dq.upload(bits(q, c.dtype));
  dk.upload(bits(k, c.dtype));
  dv.upload(bits(v, c.dtype));
  dcq.upload(q.start);
  dck.upload(k.start);
  dused.upload(std::vector<int32_t>(c.lens_k.begin(), c.lens_k.end()));
  dout.poison();
  dlse.poison();

  Problem p;
  p.batch = B, p.heads = c.heads, p.kv_heads = c.kv_heads;
  p.seq_q = q.rows, p.seq_k = k.rows;
  p.q = q.ref(dq), p.k = k.ref(dk), p.v = v.ref(dv), p.o = o.ref(dout);
  p.lse = static_cast<float*>(dlse.data());
  p.params = c.params;
  p.kv_splits = splits;
  p.pack_gqa = pack;
  if (c.packed) {
    p.cu_seqlens_q = static_cast<const int32_t*>(dcq.data());
    p.cu_seqlens_k = static_cast<const int32_t*>(dck.data());
    p.max_seq_q = *std::max_element(c.lens_q.begin(), c.lens_q.end());
    p.max_seq_k = *std::max_element(c.lens_k.begin(), c.lens_k.end());
  } else if (c.used) {
    p.seqused_k = static_cast<const int32_t*>(dused.data());
  }
  auto ran = kernel.run(p);
  INFO((ran.ok() ? std::string() : ran.error().message));
  REQUIRE(ran.ok());
  cuda_require(drv().cuCtxSynchronize(), "kernel execution");
  auto out_bits = dout.download<uint16_t>(o.values.size());
  auto lse = dlse.download<float>(o.values.size() / D);
  for (size_t i = 0; i < out_bits.size(); ++i) o.values[i] = from_bits(out_bits[i], c.dtype);

  auto program = build_mask_program(c.mask);
  REQUIRE(program.ok());
  auto values = bind_params(*program, c.params);
  REQUIRE(values.ok());
  MaskEvaluator attend(*program, *values);
  std::vector<double> got, want;
  int empty_rows = 0, bad_empty = 0, bad_lse = 0, unwritten = 0;
  for (int b = 0; b < B; ++b) {
    // Rows past a padded sequence's length do not exist: lens_q are equal when padded.
    const int lq = c.lens_q[b], lk = c.lens_k[b];
    if (lq == 0) continue;
    std::vector<float> qs = q.slice(b, lq), ks = k.slice(b, lk), vs = v.slice(b, lk);
    ReferenceProblem rp{1, c.heads, c.kv_heads, lq, lk, D, qs.data(), ks.data(), vs.data(), 0};
    std::vector<int> rows = sample_rows(lq);
    ReferenceOutput ref = reference_attention(
        rp, [&](int64_t qp, int64_t kp) { return attend(qp, kp); }, rows);
    const size_t R = rows.size();
    for (int h = 0; h < c.heads; ++h)
      for (size_t i = 0; i < R; ++i) {
        const size_t at = o.index(b, h, rows[i]);
        const double w = ref.lse[h * R + i];
        const float have = lse[at / D];
        bool nan = std::isnan(have);
        for (int dd = 0; dd < D; ++dd) nan = nan || std::isnan(o.values[at + dd]);
        unwritten += nan;
        if (std::isinf(w)) {
          ++empty_rows;
          for (int dd = 0; dd < D; ++dd) bad_empty += o.values[at + dd] != 0.f;
          bad_empty += !(std::isinf(have) && have < 0);
          continue;
        }
        for (int dd = 0; dd < D; ++dd) {
          got.push_back(o.values[at + dd]);
          want.push_back(ref.o[(h * R + i) * D + dd]);
        }
        const double e = std::abs(double(have) - w) / std::max(1.0, std::abs(w));
        if (!(e <= 2e-3)) ++bad_lse;
      }
  }
  const double err = want.empty() ? 0.0 : relative_error(got, want);
  const double tol = c.dtype == DType::bf16 ? 1e-2 : 2e-3;
  std::printf("  %-100s err %.2e empty rows %d\n", describe(c, splits, pack).c_str(), err,
              empty_rows);
  CHECK(unwritten == 0);
  CHECK(bad_empty == 0);
  CHECK(bad_lse == 0);
  CHECK(err <= tol);
  return o.values;
}

CompileOptions options_for(int head_dim, DType dtype) {
  CompileOptions o;
  o.backend = BackendKind::Gpu;
  o.head_dim = head_dim;
  o.dtype = dtype;
  return o;
}

const char* const kSinkWindow = "causal & (window(W, 0) | sink(S))";

std::vector<VarCase> cases() {
  std::vector<VarCase> out;
  const std::vector<std::pair<std::string, int64_t>> sw = {{"W", 700}, {"S", 4}};
  // Decode: Lq 1, 4, 16 against caches of widely different fill, GQA 1, 4, 8.
  const std::vector<int> fills = {1, 70, 1000, 3000, 2500, 128, 129, 0};
  const std::pair<int, int> groups[] = {{8, 8}, {16, 4}, {16, 2}};
  int g = 0;
  for (int lq : {1, 4, 16})
    for (const char* mask : {"causal", "window(255, 0)", kSinkWindow, "full"}) {
      auto [h, kv] = groups[g++ % 3];
      VarCase c{mask,
                {},
                g % 2 ? 128 : 64,
                g % 3 == 2 ? DType::fp16 : DType::bf16,
                h,
                kv,
                std::vector<int>(fills.size(), lq),
                fills,
                false,
                true};
      if (c.mask == kSinkWindow) c.params = sw;
      out.push_back(c);
    }
  // Dense decode with a long cache (one length for all): the automatic split engages.
  out.push_back({"full", {}, 128, DType::bf16, 32, 8, {1, 1}, {40000, 40000}, false, false});
  out.push_back({kSinkWindow, sw, 256, DType::bf16, 8, 1, {2, 2}, {30000, 30000}, false, false});
  // Packed prefill: self-attention and chunked prefill (more keys than queries), lengths from
  // 0 to over a thousand in one batch.
  const std::vector<int> lq = {1, 300, 17, 1000, 0, 129, 64};
  std::vector<int> lk_more = lq;
  for (size_t i = 0; i < lk_more.size(); ++i) lk_more[i] += int(i * 97);
  out.push_back({"causal", {}, 128, DType::bf16, 4, 1, lq, lq, true, false});
  out.push_back(
      {kSinkWindow, {{"W", 100}, {"S", 4}}, 64, DType::fp16, 8, 2, lq, lk_more, true, false});
  out.push_back({"window(64, 64)", {}, 128, DType::bf16, 4, 4, lq, lk_more, true, false});
  // More queries than keys in a sequence: its first rows see nothing under causal.
  out.push_back({"causal", {}, 64, DType::bf16, 2, 1, {50, 7}, {10, 300}, true, false});
  return out;
}

} // namespace

TEST_CASE("gpu: decode and varlen batches match the fp64 reference, split and packing on and off",
          "[gpu][varlen]") {
  std::vector<VarCase> all = cases();
  using Key = std::tuple<std::string, int, DType>;
  std::map<Key, std::shared_future<Result<Kernel>>> kernels;
  for (const VarCase& c : all) {
    Key key{c.mask, c.head_dim, c.dtype};
    if (kernels.count(key)) continue;
    kernels[key] = std::async(std::launch::async, [c] {
                     return compile(c.mask, options_for(c.head_dim, c.dtype));
                   }).share();
  }
  unsigned seed = 11;
  for (const VarCase& c : all) {
    const Result<Kernel>& k = kernels[{c.mask, c.head_dim, c.dtype}].get();
    INFO((k.ok() ? std::string() : k.error().message));
    REQUIRE(k.ok());
    // The same inputs (same seed) with split-KV and GQA packing off, chosen, and forced on.
    const std::vector<float> off = check_case(*k, c, 1, 1, seed);
    check_case(*k, c, 0, 0, seed);
    const std::vector<float> on = check_case(*k, c, 7, 2, seed);
    double num = 0, den = 0;
    for (size_t i = 0; i < on.size(); ++i) {
      if (std::isnan(off[i]) || std::isnan(on[i])) continue; // rows past a sequence's end
      num += (on[i] - off[i]) * double(on[i] - off[i]);
      den += double(off[i]) * off[i];
    }
    CHECK(std::sqrt(num / std::max(den, 1e-30)) <= (c.dtype == DType::bf16 ? 1e-2 : 2e-3));
    ++seed;
  }
}

TEST_CASE("gpu: an sm90 kernel runs decode and varlen batches on the sm80 general variant",
          "[gpu][varlen][sm90]") {
  if (system_info().gpu_arch != "sm_90a") {
    WARN("SKIPPED: sm90 kernels need an sm_90a device");
    return;
  }
  std::vector<VarCase> all = cases();
  unsigned seed = 900;
  for (const VarCase& c : all) {
    // One case of each kind: decode over a padded cache (seqused_k), dense decode long enough
    // to split, packed prefill (cu_seqlens), more queries than keys.
    const bool pick = (c.used && c.lens_q[0] == 4) || (!c.packed && !c.used) || c.packed;
    if (!pick) continue;
    CompileOptions o = options_for(c.head_dim, c.dtype);
    o.tiles = {128, c.head_dim == 256 ? 64 : 128, 12, 2, "sm90"};
    auto k = compile(c.mask, o);
    INFO((k.ok() ? std::string() : k.error().message));
    REQUIRE(k.ok());
    REQUIRE(k->info().tiles.family == "sm90");
    // Off (a dense problem stays on the sm90 kernel), chosen, and forced on.
    const std::vector<float> off = check_case(*k, c, 1, 1, seed);
    const std::vector<float> on = check_case(*k, c, 7, 2, seed);
    check_case(*k, c, 0, 0, seed);
    double num = 0, den = 0;
    for (size_t i = 0; i < on.size(); ++i) {
      if (std::isnan(off[i]) || std::isnan(on[i])) continue;
      num += (on[i] - off[i]) * double(on[i] - off[i]);
      den += double(off[i]) * off[i];
    }
    CHECK(std::sqrt(num / std::max(den, 1e-30)) <= (c.dtype == DType::bf16 ? 1e-2 : 2e-3));
    ++seed;
  }
}

TEST_CASE("gpu: varlen launch errors are reported", "[gpu][varlen]") {
  auto k = compile("causal", options_for(64, DType::bf16));
  REQUIRE(k.ok());
  DeviceBuffer buf(1 << 16);
  Problem p;
  p.seq_q = p.seq_k = 8;
  for (TensorRef* t : {&p.q, &p.k, &p.v, &p.o}) *t = {buf.data(), 512, 512, 64};
  p.cu_seqlens_q = static_cast<const int32_t*>(buf.data());
  auto r = k->run(p);
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("must be given together"));
  p.cu_seqlens_k = p.cu_seqlens_q;
  r = k->run(p);
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("max_seq_q"));
  p.cu_seqlens_q = p.cu_seqlens_k = nullptr;
  p.kv_splits = 500;
  r = k->run(p);
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("kv_splits = 500"));
  p.kv_splits = 0;
  p.pack_gqa = 3;
  r = k->run(p);
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("pack_gqa = 3"));
}
