// Standalone dev harness for templates/fwd_sm80.cuh (not built by CMake).
//
//   nvcc -O3 -std=c++17 -arch=sm_90 -I. -o .devbuild/harness bench/dev/harness.cu
//   .devbuild/harness check   # correctness sweep against an fp64 CPU reference
//   .devbuild/harness time    # effective TFLOP/s at B=1, L=16384 (full and causal)
//
// Correctness: random inputs, output poisoned with NaN before each launch, fp64 reference on
// a sample of rows, relative Frobenius error <= 1e-2 (bf16) / 2e-3 (fp16), LSE within 1e-3
// and -inf exactly where a row attends nothing. Exit status 1 when any case fails.
#include "bench/dev/dev_masks.cuh"
#include "templates/fwd_sm80.cuh"
#include "templates/mask_support.cuh"

// Generated mask structs (bench/dev/gen_masks.sh writes them with `attnjit emit`), so the real
// emitted classifier and key ranges run on the GPU. Absent headers leave those checks out.
// clang-format off
#if __has_include(".devbuild/gen/sink4_window1024.cuh")
#define HAVE_GEN_MASKS 1
namespace gen_window1024 {
#include ".devbuild/gen/window1024.cuh"
}
namespace gen_sink4_window1024 {
#include ".devbuild/gen/sink4_window1024.cuh"
}
namespace gen_longformer {
#include ".devbuild/gen/longformer_w256_g64.cuh"
}
namespace gen_chunk2048 {
#include ".devbuild/gen/chunk2048.cuh"
}
namespace gen_prefix1024 {
#include ".devbuild/gen/prefix1024.cuh"
}
namespace gen_window_param {
#include ".devbuild/gen/window_param.cuh"
}
#endif
// clang-format on

#include <cuda_fp16.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

using attnjit::FwdParams;
using attnjit::sm80::bf16;
using attnjit::sm80::fp16;

#define CUDA_CHECK(x)                                                                              \
  do {                                                                                             \
    cudaError_t e_ = (x);                                                                          \
    if (e_ != cudaSuccess) {                                                                       \
      std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e_));     \
      std::exit(2);                                                                                \
    }                                                                                              \
  } while (0)

template <class Mask, class Elem, int D, int BM, int BN, int W, int S, bool Split = false>
__global__ void __launch_bounds__(W * 32, 1) fwd_kernel(const __grid_constant__ FwdParams p) {
  extern __shared__ __align__(128) char smem[];
  attnjit::sm80::fwd<Mask, Elem, D, BM, BN, W, S, Split>(p, smem);
}

// ---- host 16-bit conversions --------------------------------------------------------------
static uint16_t f2bf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  u += 0x7fff + ((u >> 16) & 1); // round to nearest even (inputs are finite)
  return uint16_t(u >> 16);
}
static float bf2f(uint16_t h) {
  uint32_t u = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
static uint16_t f2h(float f) {
  __half h = __float2half_rn(f);
  uint16_t u;
  std::memcpy(&u, &h, 2);
  return u;
}
static float h2f(uint16_t u) {
  __half h;
  std::memcpy(&h, &u, 2);
  return __half2float(h);
}
template <class Elem> struct Host;
template <> struct Host<bf16> {
  static uint16_t from(float f) { return f2bf(f); }
  static float to(uint16_t u) { return bf2f(u); }
  static constexpr const char* name = "bf16";
  static constexpr double tol = 1e-2;
};
template <> struct Host<fp16> {
  static uint16_t from(float f) { return f2h(f); }
  static float to(uint16_t u) { return h2f(u); }
  static constexpr const char* name = "fp16";
  static constexpr double tol = 2e-3;
};

// ---- launch --------------------------------------------------------------------------------
template <class Mask, class Elem, int D, int BM, int BN, int W, int S, bool Split = false>
static void launch(FwdParams p, cudaStream_t stream = 0) {
  using Shape = attnjit::sm80::FwdShape<D, BM, BN, W, S>;
  auto k = fwd_kernel<Mask, Elem, D, BM, BN, W, S, Split>;
  static bool configured = false;
  if (!configured) {
    CUDA_CHECK(
        cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, Shape::kSmemBytes));
    configured = true;
  }
  p.num_q_tiles = (p.seq_q + BM - 1) / BM;
  if (p.num_q_tiles == 0) return;
  // generate_cuda's grid_dims: one linear dimension, query-tile rank slowest.
  dim3 grid(unsigned(p.num_q_tiles) * p.heads * p.batch);
  k<<<grid, Shape::kThreads, Shape::kSmemBytes, stream>>>(p);
  CUDA_CHECK(cudaGetLastError());
}

struct Case {
  int kind;
  long long a, b;
  int batch, heads, kv_heads, seq_q, seq_k;
  bool bshd; // [B, S, H, D] layout instead of [B, H, S, D]
};

static const char* kind_name(int k) {
  static const char* n[] = {"full", "causal", "window", "sink|window", "chunk", "global", "none"};
  return n[k];
}

// fp64 reference for one (b, h, row): returns lse (natural), writes D outputs.
template <class Mask>
static double ref_row(const std::vector<float>& q, const std::vector<float>& k,
                      const std::vector<float>& v, const Case& c, int D, long long qoff_b,
                      long long koff_b, long long voff_b, long long sq, long long sk, int row,
                      const Mask& m, double scale, double* out) {
  std::vector<double> s(c.seq_k);
  double mx = -INFINITY;
  const int qpos = row + (c.seq_k - c.seq_q);
  for (int j = 0; j < c.seq_k; ++j) {
    if (!m.attend(qpos, j)) {
      s[j] = -INFINITY;
      continue;
    }
    double acc = 0;
    for (int d = 0; d < D; ++d) acc += double(q[qoff_b + row * sq + d]) * k[koff_b + j * sk + d];
    s[j] = acc * scale;
    mx = std::max(mx, s[j]);
  }
  for (int d = 0; d < D; ++d) out[d] = 0;
  if (mx == -INFINITY) return -INFINITY;
  double l = 0;
  for (int j = 0; j < c.seq_k; ++j) {
    if (s[j] == -INFINITY) continue;
    const double p = std::exp(s[j] - mx);
    l += p;
    for (int d = 0; d < D; ++d) out[d] += p * v[voff_b + j * sk + d];
  }
  for (int d = 0; d < D; ++d) out[d] /= l;
  return mx + std::log(l);
}

// Mask defaults to the switchable dev mask (params: kind, a, b); a generated struct passes its
// own name and parameter values.
template <class Elem, int D, int BM, int BN, int W, int S, class Mask = devmask::AnyMask>
static bool check_case(const Case& c, std::mt19937& rng, const char* name = nullptr,
                       const long long* params = nullptr) {
  using H = Host<Elem>;
  const int B = c.batch, Hq = c.heads, Hk = c.kv_heads, Lq = c.seq_q, Lk = c.seq_k;
  // Strides in elements for both layouts (the same stride for K and V).
  auto strides = [&](int heads, int len, long long& sb, long long& sh, long long& ss) {
    if (c.bshd) {
      ss = (long long)heads * D;
      sh = D;
      sb = (long long)len * heads * D;
    } else {
      ss = D;
      sh = (long long)len * D;
      sb = (long long)heads * len * D;
    }
  };
  long long qsb, qsh, qss, ksb, ksh, kss;
  strides(Hq, Lq, qsb, qsh, qss);
  strides(Hk, Lk, ksb, ksh, kss);
  const size_t nq = size_t(B) * Hq * Lq * D, nk = size_t(B) * Hk * Lk * D;
  std::uniform_real_distribution<float> U(-2.f, 2.f);
  std::vector<uint16_t> hq(nq), hk(nk), hv(nk);
  std::vector<float> fq(nq), fk(nk), fv(nk);
  for (size_t i = 0; i < nq; ++i) fq[i] = H::to(hq[i] = H::from(U(rng)));
  for (size_t i = 0; i < nk; ++i) fk[i] = H::to(hk[i] = H::from(U(rng)));
  for (size_t i = 0; i < nk; ++i) fv[i] = H::to(hv[i] = H::from(U(rng)));

  void *dq, *dk, *dv, *dout;
  float* dlse;
  CUDA_CHECK(cudaMalloc(&dq, std::max<size_t>(nq, 1) * 2));
  CUDA_CHECK(cudaMalloc(&dk, std::max<size_t>(nk, 1) * 2));
  CUDA_CHECK(cudaMalloc(&dv, std::max<size_t>(nk, 1) * 2));
  CUDA_CHECK(cudaMalloc(&dout, std::max<size_t>(nq, 1) * 2));
  CUDA_CHECK(cudaMalloc(&dlse, std::max<size_t>(size_t(B) * Hq * Lq, 1) * 4));
  CUDA_CHECK(cudaMemcpy(dq, hq.data(), nq * 2, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(dk, hk.data(), nk * 2, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(dv, hv.data(), nk * 2, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemset(dout, 0xff, nq * 2)); // 0xffff is NaN in bf16 and fp16
  CUDA_CHECK(cudaMemset(dlse, 0xff, size_t(B) * Hq * Lq * 4));

  FwdParams p{};
  p.q = dq, p.k = dk, p.v = dv, p.o = dout, p.lse = dlse;
  p.q_stride_b = qsb, p.q_stride_h = qsh, p.q_stride_s = qss;
  p.k_stride_b = ksb, p.k_stride_h = ksh, p.k_stride_s = kss;
  p.v_stride_b = ksb, p.v_stride_h = ksh, p.v_stride_s = kss;
  p.o_stride_b = qsb, p.o_stride_h = qsh, p.o_stride_s = qss;
  p.batch = B, p.heads = Hq, p.kv_group = Hq / Hk, p.seq_q = Lq, p.seq_k = Lk;
  p.q_offset = Lk - Lq;
  const double scale = 1.0 / std::sqrt(double(D));
  p.scale = float(scale);
  p.scale_log2 = float(scale * 1.4426950408889634);
  p.tile_order = nullptr;
  const long long dev_params[3] = {c.kind, c.a, c.b};
  const long long* mp = params ? params : dev_params;
  for (int i = 0; i < attnjit::kMaxMaskParams && i < (params ? Mask::kNumParams : 3); ++i)
    p.mask_params[i] = mp[i];
  launch<Mask, Elem, D, BM, BN, W, S>(p);
  CUDA_CHECK(cudaDeviceSynchronize());

  std::vector<uint16_t> ho(nq);
  std::vector<float> hl(size_t(B) * Hq * Lq);
  CUDA_CHECK(cudaMemcpy(ho.data(), dout, nq * 2, cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaMemcpy(hl.data(), dlse, hl.size() * 4, cudaMemcpyDeviceToHost));
  cudaFree(dq), cudaFree(dk), cudaFree(dv), cudaFree(dout), cudaFree(dlse);

  // Every element written, nothing NaN.
  size_t bad = 0;
  for (size_t i = 0; i < nq; ++i) bad += std::isnan(H::to(ho[i]));
  for (float x : hl) bad += std::isnan(x);

  // Sample rows: all when short, else first/last few plus random ones.
  std::vector<int> rows;
  if (Lq <= 160) {
    for (int r = 0; r < Lq; ++r) rows.push_back(r);
  } else {
    for (int r = 0; r < 8; ++r) rows.push_back(r), rows.push_back(Lq - 1 - r);
    std::uniform_int_distribution<int> R(0, Lq - 1);
    for (int i = 0; i < 48; ++i) rows.push_back(R(rng));
  }
  const Mask mask(mp);
  struct Job {
    int b, h, r;
  };
  std::vector<Job> jobs;
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < Hq; ++h)
      for (int r : rows) jobs.push_back({b, h, r});
  std::vector<double> err2(jobs.size()), ref2(jobs.size()), lse_err(jobs.size());
  std::vector<int> lse_bad(jobs.size());
  auto work = [&](size_t j0, size_t j1) {
    std::vector<double> out(D);
    for (size_t j = j0; j < j1; ++j) {
      const Job& jb = jobs[j];
      const int kvh = jb.h / (Hq / Hk);
      const double lse = ref_row(fq, fk, fv, c, D, jb.b * qsb + jb.h * qsh, jb.b * ksb + kvh * ksh,
                                 jb.b * ksb + kvh * ksh, qss, kss, jb.r, mask, scale, out.data());
      double e = 0, n = 0;
      for (int d = 0; d < D; ++d) {
        const double o = H::to(ho[jb.b * qsb + jb.h * qsh + jb.r * qss + d]);
        e += (o - out[d]) * (o - out[d]);
        n += out[d] * out[d];
      }
      err2[j] = e, ref2[j] = n;
      const float got = hl[(size_t(jb.b) * Hq + jb.h) * Lq + jb.r];
      if (std::isinf(lse) || std::isinf(got)) {
        lse_bad[j] = !(std::isinf(lse) && std::isinf(got) && got < 0);
      } else {
        lse_err[j] = std::fabs(got - lse);
      }
    }
  };
  const unsigned nt = std::max(1u, std::min(16u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < nt; ++t)
    pool.emplace_back(work, jobs.size() * t / nt, jobs.size() * (t + 1) / nt);
  for (auto& t : pool) t.join();
  double e = 0, n = 0, le = 0;
  int lb = 0;
  for (size_t j = 0; j < jobs.size(); ++j)
    e += err2[j], n += ref2[j], le = std::max(le, lse_err[j]), lb += lse_bad[j];
  const double rel = n > 0 ? std::sqrt(e / n) : std::sqrt(e);
  const bool ok = bad == 0 && rel <= H::tol && le <= 1e-3 && lb == 0;
  std::printf("%s %-4s hd%-3d %3dx%-3d w%d s%d %-11s a=%-5lld b=%-4lld B%d H%d/%d Lq=%-5d Lk=%-5d "
              "%s  rel=%.2e lse=%.1e nan=%zu lse_inf_mismatch=%d\n",
              ok ? "PASS" : "FAIL", H::name, D, BM, BN, W, S, name ? name : kind_name(c.kind), c.a,
              c.b, B, Hq, Hk, Lq, Lk, c.bshd ? "bshd" : "bhsd", rel, le, bad, lb);
  return ok;
}

template <class Elem, int D, int BM, int BN, int W, int S> static int check_suite(bool quick) {
  std::mt19937 rng(1234 + D + BM + BN);
  std::vector<Case> cases;
  const int lens[] = {1, 17, 127, 1000, 4097};
  const int masks[][3] = {{0, 0, 0},   {1, 0, 0},  {2, 100, 20}, {3, 63, 4},
                          {4, 256, 0}, {5, 16, 0}, {6, 0, 0}};
  for (auto& m : masks)
    for (int L : lens) {
      if (quick && L == 4097 && m[0] != 1) continue;
      const bool gqa = (L % 2) == 1;
      cases.push_back({m[0], m[1], m[2], 1, gqa ? 4 : 2, gqa ? 2 : 2, L, L, L == 17});
    }
  // Lq != Lk (bottom-right aligned): decode, chunked prefill, and Lq > Lk (rows with no key).
  const int shapes[][2] = {{1, 4097}, {17, 1000}, {1000, 17}, {127, 4097}, {300, 129}};
  for (int mk : {0, 1, 2, 3, 4, 5})
    for (auto& s : shapes)
      cases.push_back({mk, masks[mk][1], masks[mk][2], 2, 4, 1, s[0], s[1], s[0] == 17});
  int failed = 0;
  for (const Case& c : cases) failed += !check_case<Elem, D, BM, BN, W, S>(c, rng);
  return failed;
}

#ifdef HAVE_GEN_MASKS
// The generated PEERS structs on shapes where their tiles are EMPTY, FULL and PARTIAL: long
// enough for a 1024-key window and 2048-key chunks, plus decode and Lq > Lk.
template <class Elem, int D, int BM, int BN, int W, int S> static int check_generated() {
  std::mt19937 rng(99 + D + BM + BN);
  const int shapes[][2] = {{4500, 4500}, {1, 5000}, {130, 3000}, {3000, 130}, {97, 97}};
  int failed = 0;
  for (auto& sh : shapes) {
    const Case c{0, 0, 0, 1, 2, 1, sh[0], sh[1], false};
    failed += !check_case<Elem, D, BM, BN, W, S, gen_window1024::Mask>(c, rng, "g:window1024");
    failed +=
        !check_case<Elem, D, BM, BN, W, S, gen_sink4_window1024::Mask>(c, rng, "g:sink4w1024");
    failed += !check_case<Elem, D, BM, BN, W, S, gen_longformer::Mask>(c, rng, "g:longformer");
    failed += !check_case<Elem, D, BM, BN, W, S, gen_chunk2048::Mask>(c, rng, "g:chunk2048");
    failed += !check_case<Elem, D, BM, BN, W, S, gen_prefix1024::Mask>(c, rng, "g:prefix1024");
    const long long w[1] = {300};
    failed += !check_case<Elem, D, BM, BN, W, S, gen_window_param::Mask>(c, rng, "g:window(W)", w);
  }
  return failed;
}
#endif

// ---- timing --------------------------------------------------------------------------------
// Attended pairs of an L x L problem under a mask (parallel over rows).
template <class Mask> static double count_pairs(int L, const long long* params) {
  const Mask m(params);
  const unsigned nt = std::max(1u, std::min(16u, std::thread::hardware_concurrency()));
  std::vector<double> part(nt);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < nt; ++t)
    pool.emplace_back([&, t] {
      double n = 0;
      for (int q = int(t); q < L; q += int(nt))
        for (int k = 0; k < L; ++k) n += m.attend(q, k);
      part[t] = n;
    });
  for (auto& th : pool) th.join();
  double n = 0;
  for (double x : part) n += x;
  return n;
}

template <class Mask, int D, int BM, int BN, int W, int S, bool Split = false>
static void time_case(const char* name, int heads, int L, double pairs) {
  using Shape = attnjit::sm80::FwdShape<D, BM, BN, W, S>;
  const size_t n = size_t(heads) * L * D;
  std::vector<uint16_t> h(n);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> U(-2.f, 2.f);
  for (auto& x : h) x = f2bf(U(rng));
  void *q, *k, *v, *o;
  CUDA_CHECK(cudaMalloc(&q, n * 2));
  CUDA_CHECK(cudaMalloc(&k, n * 2));
  CUDA_CHECK(cudaMalloc(&v, n * 2));
  CUDA_CHECK(cudaMalloc(&o, n * 2));
  CUDA_CHECK(cudaMemcpy(q, h.data(), n * 2, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(k, h.data(), n * 2, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(v, h.data(), n * 2, cudaMemcpyHostToDevice));
  FwdParams p{};
  p.q = q, p.k = k, p.v = v, p.o = o, p.lse = nullptr;
  // [B, S, H, D], as the benchmark's 2048-hidden activations are laid out.
  p.q_stride_s = p.k_stride_s = p.v_stride_s = p.o_stride_s = (long long)heads * D;
  p.q_stride_h = p.k_stride_h = p.v_stride_h = p.o_stride_h = D;
  p.q_stride_b = p.k_stride_b = p.v_stride_b = p.o_stride_b = (long long)L * heads * D;
  p.batch = 1, p.heads = heads, p.kv_group = 1, p.seq_q = L, p.seq_k = L, p.q_offset = 0;
  p.scale = float(1.0 / std::sqrt(double(D)));
  p.scale_log2 = p.scale * 1.4426950408889634f;
  cudaEvent_t e0, e1;
  CUDA_CHECK(cudaEventCreate(&e0));
  CUDA_CHECK(cudaEventCreate(&e1));
  for (int i = 0; i < 3; ++i) launch<Mask, bf16, D, BM, BN, W, S, Split>(p);
  std::vector<float> ms;
  for (int i = 0; i < 10; ++i) {
    CUDA_CHECK(cudaEventRecord(e0));
    launch<Mask, bf16, D, BM, BN, W, S, Split>(p);
    CUDA_CHECK(cudaEventRecord(e1));
    CUDA_CHECK(cudaEventSynchronize(e1));
    float t;
    CUDA_CHECK(cudaEventElapsedTime(&t, e0, e1));
    ms.push_back(t);
  }
  std::sort(ms.begin(), ms.end());
  const double med = ms[ms.size() / 2];
  const double tflops = 4.0 * heads * pairs * D / (med * 1e-3) / 1e12;
  cudaFuncAttributes fa;
  CUDA_CHECK(cudaFuncGetAttributes(&fa, fwd_kernel<Mask, bf16, D, BM, BN, W, S, Split>));
  std::printf("TIME %-12s bf16 hd%-3d H%-2d L=%d %3dx%-3d w%d s%d%s regs=%d smem=%dK local=%zu  "
              "%.3f ms  %.1f TFLOP/s\n",
              name, D, heads, L, BM, BN, W, S, Split ? " split" : "", fa.numRegs,
              Shape::kSmemBytes / 1024, size_t(fa.localSizeBytes), med, tflops);
  cudaFree(q), cudaFree(k), cudaFree(v), cudaFree(o);
}

template <int D, int BM, int BN, int W, int S, bool Split = false>
static void time_pair(int heads) {
  const double L = 16384;
  time_case<devmask::FullMask, D, BM, BN, W, S, Split>("full", heads, 16384, L * L);
  time_case<devmask::CausalMask, D, BM, BN, W, S, Split>("causal", heads, 16384, L * (L + 1) / 2);
}

#ifdef HAVE_GEN_MASKS
// The generated PEERS structs at the benchmark shape (hd128, 16 heads, 16k).
template <int BM, int BN, int W, int S> static void time_generated() {
  const int L = 16384;
  const long long none[1] = {0};
  time_case<gen_window1024::Mask, 128, BM, BN, W, S>("window1024", 16, L,
                                                     count_pairs<gen_window1024::Mask>(L, none));
  time_case<gen_sink4_window1024::Mask, 128, BM, BN, W, S>(
      "sink4_w1024", 16, L, count_pairs<gen_sink4_window1024::Mask>(L, none));
  time_case<gen_longformer::Mask, 128, BM, BN, W, S>("longformer", 16, L,
                                                     count_pairs<gen_longformer::Mask>(L, none));
  time_case<gen_chunk2048::Mask, 128, BM, BN, W, S>("chunk2048", 16, L,
                                                    count_pairs<gen_chunk2048::Mask>(L, none));
  time_case<gen_prefix1024::Mask, 128, BM, BN, W, S>("prefix1024", 16, L,
                                                     count_pairs<gen_prefix1024::Mask>(L, none));
}
#endif

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "check";
  int failed = 0;
  if (mode == "check" || mode == "all") {
    // Default configs (generate_cuda's default_config) in both dtypes, then alternatives.
    failed += check_suite<bf16, 64, 128, 64, 4, 2>(false);
    failed += check_suite<fp16, 64, 128, 64, 4, 2>(true);
    failed += check_suite<bf16, 128, 128, 64, 8, 2>(false);
    failed += check_suite<fp16, 128, 128, 64, 8, 2>(true);
    failed += check_suite<bf16, 256, 64, 64, 4, 2>(false);
    failed += check_suite<fp16, 256, 64, 64, 4, 2>(true);
    failed += check_suite<bf16, 128, 64, 64, 4, 3>(true);
    failed += check_suite<bf16, 64, 128, 128, 8, 2>(true);
#ifdef HAVE_GEN_MASKS
    failed += check_generated<bf16, 64, 128, 64, 4, 2>();
    failed += check_generated<bf16, 128, 128, 128, 8, 2>();
    failed += check_generated<fp16, 128, 128, 64, 4, 2>();
    failed += check_generated<bf16, 256, 64, 64, 4, 2>();
#endif
    std::printf("check: %d failed\n", failed);
  }
  if (mode == "time" || mode == "all") {
    time_pair<128, 128, 128, 8, 2>(16); // default
    time_pair<128, 128, 128, 8, 2, true>(16);
    time_pair<128, 128, 128, 8, 3>(16);
    time_pair<128, 128, 64, 8, 2>(16);
    time_pair<128, 128, 64, 4, 2>(16);
    time_pair<64, 128, 64, 4, 2>(32); // default
    time_pair<64, 128, 64, 4, 2, true>(32);
    time_pair<256, 64, 64, 4, 2>(8); // default
    time_pair<256, 64, 64, 4, 2, true>(8);
  }
#ifdef HAVE_GEN_MASKS
  if (mode == "time" || mode == "all" || mode == "peers") time_generated<128, 128, 8, 2>();
#endif
  return failed ? 1 : 0;
}
