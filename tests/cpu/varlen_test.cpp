// Variable-length batches on the CPU backend: packed sequences (cu_seqlens) and a padded cache
// with per-sequence fill (seqused_k) against the fp64 reference, and the checks of the arrays.
#include "attnjit/attnjit.hpp"
#include "attnjit/cpu.hpp"
#include "runtime/reference.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

using namespace attnjit;

namespace {

constexpr int kD = 32;

Kernel compile_fp32(const char* mask) {
  enable_cpu_backend();
  CompileOptions o;
  o.head_dim = kD;
  o.dtype = DType::fp32;
  o.backend = BackendKind::Cpu;
  auto k = compile(mask, o);
  INFO((k ? std::string() : k.error().message));
  REQUIRE(k);
  return *k;
}

std::vector<float> random_floats(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  std::vector<float> v(n);
  for (float& x : v) x = normal(rng);
  return v;
}

// Rows [start, start + len) of every head of a [heads, total, D] tensor, as [1, heads, len, D].
std::vector<float> rows_of(const std::vector<float>& x, int heads, int total, int start, int len) {
  std::vector<float> out;
  for (int h = 0; h < heads; ++h)
    out.insert(out.end(), x.begin() + (size_t(h) * total + start) * kD,
               x.begin() + (size_t(h) * total + start + len) * kD);
  return out;
}

double max_diff(const float* got, const double* want, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, std::abs(double(got[i]) - want[i]));
  return std::isnan(m) ? INFINITY : m;
}

} // namespace

TEST_CASE("cpu: packed varlen batches match the reference per sequence", "[varlen]") {
  Kernel k = compile_fp32("causal & (window(W, 0) | sink(2))");
  const int H = 4, HK = 2;
  const std::vector<int32_t> cu_q = {0, 5, 5, 45, 46}, cu_k = {0, 9, 12, 52, 52};
  const int TQ = cu_q.back(), TK = cu_k.back();
  std::vector<float> q = random_floats(size_t(H) * TQ * kD, 1),
                     kk = random_floats(size_t(HK) * TK * kD, 2),
                     v = random_floats(size_t(HK) * TK * kD, 3);
  std::vector<float> o(q.size(), NAN), lse(size_t(H) * TQ, NAN);
  Problem p;
  p.batch = 4, p.heads = H, p.kv_heads = HK, p.seq_q = TQ, p.seq_k = TK;
  p.q = {q.data(), 0, int64_t(TQ) * kD, kD};
  p.k = {kk.data(), 0, int64_t(TK) * kD, kD};
  p.v = {v.data(), 0, int64_t(TK) * kD, kD};
  p.o = {o.data(), 0, int64_t(TQ) * kD, kD};
  p.lse = lse.data();
  p.cu_seqlens_q = cu_q.data(), p.cu_seqlens_k = cu_k.data();
  p.max_seq_q = 40, p.max_seq_k = 40;
  p.params = {{"W", 6}};
  auto ran = k.run(p);
  INFO((ran ? std::string() : ran.error().message));
  REQUIRE(ran);
  auto mask = [](int64_t qp, int64_t kp) { return kp <= qp && (qp - kp <= 6 || kp < 2); };
  for (int b = 0; b < 4; ++b) {
    const int lq = cu_q[b + 1] - cu_q[b], lk = cu_k[b + 1] - cu_k[b];
    if (lq == 0) continue;
    std::vector<float> qs = rows_of(q, H, TQ, cu_q[b], lq), ks = rows_of(kk, HK, TK, cu_k[b], lk),
                       vs = rows_of(v, HK, TK, cu_k[b], lk);
    ReferenceProblem rp{1, H, HK, lq, lk, kD, qs.data(), ks.data(), vs.data(), 0};
    ReferenceOutput ref = reference_attention(rp, mask, {}, 1);
    for (int h = 0; h < H; ++h)
      for (int r = 0; r < lq; ++r) {
        INFO("sequence " << b << " head " << h << " row " << r);
        const size_t at = size_t(h) * TQ + cu_q[b] + r;
        const size_t ri = size_t(h) * lq + r;
        CHECK(max_diff(o.data() + at * kD, ref.o.data() + ri * kD, kD) < 1e-4);
        if (std::isinf(ref.lse[ri]))
          CHECK((std::isinf(lse[at]) && lse[at] < 0)); // sequence 3 has no keys
        else
          CHECK(lse[at] == Approx(ref.lse[ri]).epsilon(1e-5));
      }
  }
}

TEST_CASE("cpu: decode with seqused_k matches the reference with per-sequence lengths",
          "[varlen]") {
  Kernel k = compile_fp32("causal");
  const int B = 3, H = 2, HK = 1, LQ = 2, LK = 70;
  const std::vector<int32_t> used = {70, 1, 33};
  std::vector<float> q = random_floats(size_t(B) * H * LQ * kD, 4),
                     kk = random_floats(size_t(B) * HK * LK * kD, 5),
                     v = random_floats(size_t(B) * HK * LK * kD, 6);
  std::vector<float> o(q.size(), NAN), lse(size_t(B) * H * LQ, NAN);
  Problem p;
  p.batch = B, p.heads = H, p.kv_heads = HK, p.seq_q = LQ, p.seq_k = LK;
  p.q = {q.data(), int64_t(H) * LQ * kD, int64_t(LQ) * kD, kD};
  p.k = {kk.data(), int64_t(HK) * LK * kD, int64_t(LK) * kD, kD};
  p.v = {v.data(), int64_t(HK) * LK * kD, int64_t(LK) * kD, kD};
  p.o = {o.data(), int64_t(H) * LQ * kD, int64_t(LQ) * kD, kD};
  p.lse = lse.data();
  p.seqused_k = used.data();
  REQUIRE(k.run(p));
  const int lens[B] = {70, 1, 33};
  ReferenceProblem rp{B, H, HK, LQ, LK, kD, q.data(), kk.data(), v.data(), 0, lens};
  ReferenceOutput ref = reference_attention(
      rp, [](int64_t qp, int64_t kp) { return kp <= qp; }, {}, 1);
  CHECK(max_diff(o.data(), ref.o.data(), o.size()) < 1e-4);
  // Sequence 1 holds one key: its first query row (position -1) sees nothing.
  CHECK((std::isinf(lse[2 * LQ]) && lse[2 * LQ] < 0));
  for (size_t i = 0; i < lse.size(); ++i)
    if (!std::isinf(ref.lse[i])) CHECK(lse[i] == Approx(ref.lse[i]).epsilon(1e-5));
}

TEST_CASE("cpu: malformed varlen arrays are errors naming the field", "[varlen]") {
  Kernel k = compile_fp32("full");
  std::vector<float> buf(64 * kD);
  Problem p;
  p.batch = 2, p.seq_q = 8, p.seq_k = 8;
  for (TensorRef* t : {&p.q, &p.k, &p.v, &p.o}) *t = {buf.data(), 0, 8 * kD, kD};
  const int32_t good[] = {0, 3, 8}, down[] = {0, 5, 3}, short_total[] = {0, 3, 7};
  p.cu_seqlens_q = good, p.cu_seqlens_k = down;
  p.max_seq_q = p.max_seq_k = 8;
  auto r = k.run(p);
  REQUIRE(!r);
  CHECK_THAT(r.error().message, Catch::Contains("cu_seqlens_k decreases at 2"));
  p.cu_seqlens_k = short_total;
  r = k.run(p);
  REQUIRE(!r);
  CHECK_THAT(r.error().message, Catch::Contains("cu_seqlens_k[2] = 7 must equal the total rows 8"));
  p.cu_seqlens_k = good, p.max_seq_q = 4;
  r = k.run(p);
  REQUIRE(!r);
  CHECK_THAT(r.error().message, Catch::Contains("sequence 1 has length 5 in cu_seqlens_q"));
  p.cu_seqlens_q = p.cu_seqlens_k = nullptr;
  const int32_t over[] = {3, 9};
  p.seqused_k = over;
  r = k.run(p);
  REQUIRE(!r);
  CHECK_THAT(r.error().message, Catch::Contains("seqused_k[1] = 9 is outside [0, 8]"));
}
