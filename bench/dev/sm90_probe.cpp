// Development probe of the sm90 kernel family, independent of the runtime: loads cubins built
// from generated sm90 sources, checks each against an fp64 reference on fresh random data with
// a poisoned output (GQA, odd lengths, Lq != Lk), then times it at sequence 16384, batch 1,
// 16 heads. Usage: sm90_probe CUBIN MASK HEAD_DIM BLOCK_N STAGES [DTYPE]...  (groups of six),
// MASK one of full, causal, window (window(1023, 0)), chunk (causal & chunk(2048)), sinkwin
// (causal & (window(1023, 0) | sink(4))). Each case is checked with one block per work item and
// with persistent launches of 132 and 5 blocks, and timed both ways.
#include "templates/fwd_params.cuh"

#include <cuda.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#define CK(x)                                                                                      \
  do {                                                                                             \
    CUresult r_ = (x);                                                                             \
    if (r_ != CUDA_SUCCESS) {                                                                      \
      const char* s_ = nullptr;                                                                    \
      cuGetErrorString(r_, &s_);                                                                   \
      std::fprintf(stderr, "%s:%d %s: %s\n", __FILE__, __LINE__, #x, s_ ? s_ : "?");               \
      std::exit(1);                                                                                \
    }                                                                                              \
  } while (0)

namespace {

uint16_t to_half_bits(float f, bool bf) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if (bf) return uint16_t((u + 0x7fff + ((u >> 16) & 1)) >> 16);
  // fp16, round to nearest even, normal range only (inputs are small).
  const uint32_t sign = (u >> 16) & 0x8000;
  int exp = int((u >> 23) & 0xff) - 127 + 15;
  uint32_t man = u & 0x7fffff;
  if (exp <= 0) return uint16_t(sign);
  uint32_t h = sign | (uint32_t(exp) << 10) | (man >> 13);
  const uint32_t rest = man & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) ++h;
  return uint16_t(h);
}
float from_half_bits(uint16_t h, bool bf) {
  if (bf) {
    uint32_t u = uint32_t(h) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
  const uint32_t sign = (h & 0x8000u) << 16;
  const int exp = (h >> 10) & 0x1f;
  const uint32_t man = h & 0x3ff;
  uint32_t u;
  if (exp == 0x1f)
    u = sign | 0x7f800000u | (man << 13);
  else if (exp == 0) {
    if (man == 0)
      u = sign;
    else {
      float f = std::ldexp(float(man), -24);
      return (h & 0x8000) ? -f : f;
    }
  } else
    u = sign | (uint32_t(exp - 15 + 127) << 23) | (man << 13);
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

bool attend(const std::string& mask, long q, long k) {
  switch (mask[0] == 'c' ? mask[1] : mask[0]) {
  case 'f':
    return true; // full
  case 'a':
    return k <= q; // causal
  case 'w':
    return k <= q && q - 1023 <= k; // window
  case 'h':
    return k <= q && k / 2048 == q / 2048; // chunk
  default:
    return k <= q && ((q - 1023 <= k && k <= q) || k < 4); // sinkwin
  }
}

struct Tensors {
  CUdeviceptr q = 0, k = 0, v = 0, o = 0, lse = 0;
};

struct Case {
  std::string cubin, mask, dtype;
  int hd, bn, stages;
};

CUtensorMap make_map(CUdeviceptr ptr, bool bf, int hd, int seq, int heads, int batch, int rows) {
  CUtensorMap m;
  cuuint64_t dims[4] = {cuuint64_t(hd), cuuint64_t(seq), cuuint64_t(heads), cuuint64_t(batch)};
  cuuint64_t strides[3] = {cuuint64_t(hd) * 2, cuuint64_t(seq) * hd * 2,
                           cuuint64_t(heads) * seq * hd * 2};
  cuuint32_t box[4] = {64, cuuint32_t(rows), 1, 1};
  cuuint32_t es[4] = {1, 1, 1, 1};
  CK(cuTensorMapEncodeTiled(&m,
                            bf ? CU_TENSOR_MAP_DATA_TYPE_BFLOAT16 : CU_TENSOR_MAP_DATA_TYPE_FLOAT16,
                            4, reinterpret_cast<void*>(ptr), dims, strides, box, es,
                            CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
                            CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE));
  return m;
}

CUdeviceptr upload(const void* data, size_t bytes);

// The walk table the runtime builds on the host (runtime/walk_table.h), here by brute force over
// the probe's own predicates: per query tile of 128 rows, runs of key tiles of one class (no
// tile split).
CUdeviceptr walk_table(const std::string& mask, int sq, int sk, int bn) {
  static std::map<std::string, CUdeviceptr> cache;
  const std::string key =
      mask + " " + std::to_string(sq) + " " + std::to_string(sk) + " " + std::to_string(bn);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  const int qt = (sq + 127) / 128, kt = (sk + bn - 1) / bn;
  std::vector<int32_t> offsets{0}, runs;
  for (int t = 0; t < qt; ++t) {
    const long r0 = long(t) * 128, r1 = std::min<long>(r0 + 128, sq);
    for (int j = 0; j < kt; ++j) {
      const long k0 = long(j) * bn, k1 = std::min<long>(k0 + bn, sk);
      bool any = false, all = true;
      for (long r = r0; r < r1 && (all || !any); ++r)
        for (long k = k0; k < k1; ++k) {
          const bool a = attend(mask, r + sk - sq, k);
          any |= a, all &= a;
          if (any && !all) break;
        }
      if (!any) continue;
      const int32_t entry = j * 2 + (all ? 0 : 1);
      const size_t n = runs.size();
      if (int(n / 2) > offsets.back() && (runs[n - 2] & 1) == (entry & 1) &&
          runs[n - 2] / 2 + runs[n - 1] == j)
        ++runs[n - 1];
      else
        runs.push_back(entry), runs.push_back(1);
    }
    offsets.push_back(int32_t(runs.size() / 2));
  }
  // Per work tile (here: every query tile, none split) its query tile and share code -1.
  for (int t = 0; t < qt; ++t) offsets.push_back(t), offsets.push_back(-1);
  offsets.insert(offsets.end(), runs.begin(), runs.end());
  const CUdeviceptr d = upload(offsets.data(), offsets.size() * 4);
  cache[key] = d;
  return d;
}

struct Run {
  CUfunction fn;
  std::string mask;
  int hd, bn, stages;
  bool bf;
  unsigned grid = 0; // blocks launched: 0 = one per work item, else at most this many
  int smem() const { return (128 * hd + 2 * stages * bn * hd) * 2 + 1024; }
  void launch(const Tensors& t, int batch, int heads, int kv_heads, int sq, int sk, CUstream st) {
    attnjit::FwdParams p{};
    p.q = reinterpret_cast<void*>(t.q);
    p.k = reinterpret_cast<void*>(t.k);
    p.v = reinterpret_cast<void*>(t.v);
    p.o = reinterpret_cast<void*>(t.o);
    p.lse = reinterpret_cast<float*>(t.lse);
    p.q_stride_s = p.o_stride_s = hd, p.k_stride_s = p.v_stride_s = hd;
    p.q_stride_h = p.o_stride_h = int64_t(sq) * hd;
    p.k_stride_h = p.v_stride_h = int64_t(sk) * hd;
    p.q_stride_b = p.o_stride_b = int64_t(heads) * sq * hd;
    p.k_stride_b = p.v_stride_b = int64_t(kv_heads) * sk * hd;
    p.batch = batch, p.heads = heads, p.kv_group = heads / kv_heads;
    p.seq_q = sq, p.seq_k = sk, p.num_q_tiles = (sq + 127) / 128, p.q_offset = sk - sq;
    const double scale = 1.0 / std::sqrt(double(hd));
    p.scale = float(scale), p.scale_log2 = float(scale * 1.4426950408889634);
    p.num_splits = 1, p.q_pack = 1, p.max_seq_q = sq;
    p.walk_table = reinterpret_cast<const int32_t*>(walk_table(mask, sq, sk, bn));
    attnjit::TmaMaps maps;
    CUtensorMap mq = make_map(t.q, bf, hd, sq, heads, batch, 128);
    CUtensorMap mk = make_map(t.k, bf, hd, sk, kv_heads, batch, bn);
    CUtensorMap mv = make_map(t.v, bf, hd, sk, kv_heads, batch, bn);
    std::memcpy(&maps.q, &mq, 128);
    std::memcpy(&maps.k, &mk, 128);
    std::memcpy(&maps.v, &mv, 128);
    void* args[] = {&p, &maps};
    const unsigned items = unsigned(p.num_q_tiles) * heads * batch;
    const unsigned blocks = grid > 0 && grid < items ? grid : items;
    CK(cuLaunchKernel(fn, blocks, 1, 1, 384, 1, 1, unsigned(smem()), st, args, nullptr));
  }
};

std::vector<uint16_t> random_half(size_t n, std::mt19937& rng, bool bf, float amp) {
  std::uniform_real_distribution<float> u(-amp, amp);
  std::vector<uint16_t> v(n);
  for (auto& x : v) x = to_half_bits(u(rng), bf);
  return v;
}

CUdeviceptr upload(const void* data, size_t bytes) {
  CUdeviceptr d;
  CK(cuMemAlloc(&d, std::max<size_t>(bytes, 16)));
  if (data) CK(cuMemcpyHtoD(d, data, bytes));
  return d;
}

// Returns the relative Frobenius error of O against fp64 (and LSE), or a large number.
double check(Run& run, const std::string& mask, int batch, int heads, int kv_heads, int sq, int sk,
             std::mt19937& rng, double* lse_err) {
  const int hd = run.hd;
  const bool bf = run.bf;
  auto q = random_half(size_t(batch) * heads * sq * hd, rng, bf, 2.f);
  auto k = random_half(size_t(batch) * kv_heads * sk * hd, rng, bf, 2.f);
  auto v = random_half(size_t(batch) * kv_heads * sk * hd, rng, bf, 1.f);
  std::vector<uint16_t> poison(q.size(), 0x7fff); // NaN in both types
  std::vector<float> lpoison(size_t(batch) * heads * sq, std::nanf(""));
  Tensors t;
  t.q = upload(q.data(), q.size() * 2);
  t.k = upload(k.data(), k.size() * 2);
  t.v = upload(v.data(), v.size() * 2);
  t.o = upload(poison.data(), poison.size() * 2);
  t.lse = upload(lpoison.data(), lpoison.size() * 4);
  run.launch(t, batch, heads, kv_heads, sq, sk, nullptr);
  CK(cuCtxSynchronize());
  std::vector<uint16_t> o(q.size());
  std::vector<float> lse(lpoison.size());
  CK(cuMemcpyDtoH(o.data(), t.o, o.size() * 2));
  CK(cuMemcpyDtoH(lse.data(), t.lse, lse.size() * 4));
  for (CUdeviceptr d : {t.q, t.k, t.v, t.o, t.lse}) cuMemFree(d);
  const double scale = 1.0 / std::sqrt(double(hd));
  double num = 0, den = 0, lnum = 0, lden = 0;
  bool bad = false;
  std::vector<double> s(sk), acc(hd);
  for (int b = 0; b < batch; ++b)
    for (int h = 0; h < heads; ++h) {
      const int kh = h / (heads / kv_heads);
      for (int i = 0; i < sq; ++i) {
        const long qpos = long(i) + sk - sq;
        const uint16_t* qr = &q[((size_t(b) * heads + h) * sq + i) * hd];
        double mx = -INFINITY;
        for (int j = 0; j < sk; ++j) {
          if (!attend(mask, qpos, j)) {
            s[j] = -INFINITY;
            continue;
          }
          const uint16_t* kr = &k[((size_t(b) * kv_heads + kh) * sk + j) * hd];
          double dot = 0;
          for (int d = 0; d < hd; ++d)
            dot += double(from_half_bits(qr[d], bf)) * from_half_bits(kr[d], bf);
          s[j] = dot * scale;
          mx = std::max(mx, s[j]);
        }
        std::fill(acc.begin(), acc.end(), 0.0);
        double sum = 0;
        for (int j = 0; j < sk; ++j) {
          if (s[j] == -INFINITY) continue;
          const double w = std::exp(s[j] - mx);
          sum += w;
          const uint16_t* vr = &v[((size_t(b) * kv_heads + kh) * sk + j) * hd];
          for (int d = 0; d < hd; ++d) acc[d] += w * from_half_bits(vr[d], bf);
        }
        const size_t orow = ((size_t(b) * heads + h) * sq + i);
        for (int d = 0; d < hd; ++d) {
          const double ref = sum > 0 ? acc[d] / sum : 0.0;
          const double got = from_half_bits(o[orow * hd + d], bf);
          if (!std::isfinite(got)) bad = true;
          num += (got - ref) * (got - ref);
          den += ref * ref;
        }
        const double lref = sum > 0 ? mx + std::log(sum) : -INFINITY;
        const double lgot = lse[orow];
        if (sum > 0) {
          if (!std::isfinite(lgot)) bad = true;
          lnum += (lgot - lref) * (lgot - lref);
          lden += lref * lref;
        } else if (!(std::isinf(lgot) && lgot < 0)) {
          bad = true;
        }
      }
    }
  *lse_err = lden > 0 ? std::sqrt(lnum / lden) : 0;
  if (bad) return 1e9;
  return den > 0 ? std::sqrt(num / den) : std::sqrt(num);
}

double attended_pairs(const std::string& mask, long sq, long sk) {
  double n = 0;
  for (long i = 0; i < sq; ++i) {
    const long qpos = i + sk - sq;
    for (long k = 0; k < sk; ++k) n += attend(mask, qpos, k) ? 1 : 0;
  }
  return n;
}

} // namespace

int main(int argc, char** argv) {
  CK(cuInit(0));
  CUdevice dev;
  CK(cuDeviceGet(&dev, 0));
  CUcontext ctx;
  CK(cuDevicePrimaryCtxRetain(&ctx, dev));
  CK(cuCtxSetCurrent(ctx));
  std::mt19937 rng(1234);
  std::printf("| cubin | mask | hd | bn | st | dtype | err 1000 gqa | err 127x4097 | err 17x17 b2 "
              "| lse err | TFLOP/s, a block per item | TFLOP/s, 132 blocks |\n");
  for (int a = 1; a + 5 < argc; a += 6) {
    Case c{argv[a],
           argv[a + 1],
           argv[a + 5],
           std::atoi(argv[a + 2]),
           std::atoi(argv[a + 3]),
           std::atoi(argv[a + 4])};
    std::ifstream f(c.cubin, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string image = ss.str();
    CUmodule mod;
    CK(cuModuleLoadData(&mod, image.data()));
    Run run;
    CK(cuModuleGetFunction(&run.fn, mod, "attnjit_fwd"));
    run.mask = c.mask;
    run.hd = c.hd, run.bn = c.bn, run.stages = c.stages, run.bf = c.dtype == "bf16";
    CK(cuFuncSetAttribute(run.fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, run.smem()));
    // Checked with one block per work item, and persistent: 132 blocks, then 5 (many items
    // per block, walk chunks spanning items); the worst of the three.
    double e1 = 0, e2 = 0, e3 = 0, l1 = 0, l2 = 0, l3 = 0;
    for (unsigned grid : {0u, 132u, 5u}) {
      run.grid = grid;
      double a, b, d;
      e1 = std::max(e1, check(run, c.mask, 1, 4, 2, 1000, 1000, rng, &a));
      e2 = std::max(e2, check(run, c.mask, 2, 3, 1, 127, 4097, rng, &b));
      e3 = std::max(e3, check(run, c.mask, 2, 2, 2, 17, 17, rng, &d));
      l1 = std::max(l1, a), l2 = std::max(l2, b), l3 = std::max(l3, d);
    }
    // Timing: batch 1, 16 heads, 16384 (8192 at head dim 256).
    const int L = c.hd == 256 ? 8192 : 16384, H = 16;
    const size_t n = size_t(H) * L * c.hd;
    // Independent Q, K and V, as in the benchmark: the tensor cores' power (and so the clock
    // the GPU holds under its power limit) depends on the data.
    Tensors t;
    for (CUdeviceptr* d : {&t.q, &t.k, &t.v}) {
      const auto x = random_half(n, rng, run.bf, 2.f);
      *d = upload(x.data(), n * 2);
    }
    t.o = upload(nullptr, n * 2);
    t.lse = upload(nullptr, size_t(H) * L * 4);
    const double flops = 4.0 * c.hd * attended_pairs(c.mask, L, L) * H;
    double tf[2];
    tf[1] = 0;
    const char* modes = std::getenv("PROBE_MODES"); // "0": time only one block per item
    for (int mode = 0; mode < (modes && modes[0] == '0' ? 1 : 2); ++mode) {
      run.grid = mode == 0 ? 0u : 132u;
      for (int w = 0; w < 3; ++w) run.launch(t, 1, H, H, L, L, nullptr);
      CK(cuCtxSynchronize());
      std::vector<float> ms;
      CUevent e0, e1v;
      CK(cuEventCreate(&e0, 0));
      CK(cuEventCreate(&e1v, 0));
      for (int r = 0; r < 15; ++r) {
        CK(cuEventRecord(e0, nullptr));
        run.launch(t, 1, H, H, L, L, nullptr);
        CK(cuEventRecord(e1v, nullptr));
        CK(cuEventSynchronize(e1v));
        float x;
        CK(cuEventElapsedTime(&x, e0, e1v));
        ms.push_back(x);
      }
      std::sort(ms.begin(), ms.end());
      tf[mode] = flops / ms[ms.size() / 2] / 1e9;
    }
    for (CUdeviceptr d : {t.q, t.k, t.v, t.o, t.lse}) cuMemFree(d);
    std::printf("| %s | %s | %d | %d | %d | %s | %.2e | %.2e | %.2e | %.1e | %.0f | %.0f |\n",
                c.cubin.c_str(), c.mask.c_str(), c.hd, c.bn, c.stages, c.dtype.c_str(), e1, e2, e3,
                std::max({l1, l2, l3}), tf[0], tf[1]);
    std::fflush(stdout);
    cuModuleUnload(mod);
  }
  return 0;
}
