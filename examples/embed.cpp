// A host program that uses the installed attnjit package: compile one mask, run it with two
// window sizes, check a few rows against a direct computation. Backend: `embed cpu`, `embed gpu`,
// or no argument for the GPU when there is one and the CPU backend otherwise.
#include "attnjit/attnjit.hpp"
#if defined(ATTNJIT_HAVE_CPU_BACKEND)
#include "attnjit/cpu.hpp"
#endif
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <dlfcn.h>
#include <type_traits>
#include <vector>

using bf16 = uint16_t; // the top half of a float (rounded half up: enough for test data)
auto to_f32 = [](bf16 h) { return std::bit_cast<float>(uint32_t(h) << 16); };
auto to_bf16 = [](float f) { return bf16((std::bit_cast<uint32_t>(f) + 0x8000) >> 16); };

// GPU memory through the CUDA driver, opened with dlopen as attnjit does, so this program builds
// without CUDA. attnjit runs on the device's primary context; the buffers live there too.
struct Driver {
  using Ptr = unsigned long long;
  int (*init)(unsigned), (*ctx_retain)(void**, int), (*ctx_set)(void*), (*sync)();
  int (*alloc)(Ptr*, size_t), (*htod)(Ptr, const void*, size_t), (*dtoh)(void*, Ptr, size_t);
  bool open() {
    void *h = dlopen("libcuda.so.1", RTLD_NOW), *ctx = nullptr;
    if (!h) return false;
    auto sym = [h](auto& f, const char* n) {
      f = reinterpret_cast<std::remove_reference_t<decltype(f)>>(dlsym(h, n));
    };
    sym(init, "cuInit"), sym(ctx_retain, "cuDevicePrimaryCtxRetain"), sym(sync, "cuCtxSynchronize");
    sym(ctx_set, "cuCtxSetCurrent"), sym(alloc, "cuMemAlloc_v2"), sym(htod, "cuMemcpyHtoD_v2");
    sym(dtoh, "cuMemcpyDtoH_v2");
    return init(0) == 0 && ctx_retain(&ctx, 0) == 0 && ctx_set(ctx) == 0;
  }
} cu;

int main(int argc, char** argv) {
#if defined(ATTNJIT_HAVE_CPU_BACKEND)
  attnjit::enable_cpu_backend();
#endif
  std::string want = argc > 1 ? argv[1] : "";
  bool gpu = want == "gpu" || (want.empty() && attnjit::system_info().gpu_available);
  if (gpu && !cu.open()) return std::puts("embed: no CUDA driver"), 1;
  constexpr int H = 2, KVH = 1, S = 256, D = 64; // [head][seq][dim]; K, V shared by both heads
  std::vector<bf16> q(H * S * D), k(KVH * S * D), v(KVH * S * D), o(H * S * D);
  int n = 0; // deterministic values in [-0.5, 0.5], different in each tensor
  for (auto* t : {&q, &k, &v})
    for (bf16& x : *t) x = to_bf16(0.5f * std::sin(0.7f * float(n++)));
  auto place = [&](std::vector<bf16>& t) -> void* {
    if (!gpu) return t.data();
    Driver::Ptr p = 0;
    cu.alloc(&p, t.size() * 2), cu.htod(p, t.data(), t.size() * 2);
    return reinterpret_cast<void*>(p);
  };
  attnjit::Problem p;
  p.heads = H, p.kv_heads = KVH, p.seq_q = p.seq_k = S;
  p.q = {place(q), H * S * D, S * D, D}, p.o = {place(o), H * S * D, S * D, D};
  p.k = {place(k), KVH * S * D, S * D, D}, p.v = {place(v), KVH * S * D, S * D, D};

  attnjit::CompileOptions opt;
  opt.head_dim = D, opt.dtype = attnjit::DType::bf16;
  opt.backend = gpu ? attnjit::BackendKind::Gpu : attnjit::BackendKind::Cpu;
  const char* mask = "causal & (window(W, 0) | sink(4))";
  for (int64_t w : {16, 100}) {
    // The window is a parameter: the second compile() is a memory hit on the same kernel.
    auto kernel = attnjit::compile(mask, opt);
    if (!kernel) return std::printf("compile: %s\n", kernel.error().message.c_str()), 1;
    const attnjit::KernelInfo& info = kernel->info();
    std::printf("compiled %s for %s (%s): cache %s, %.2f ms\n", info.canonical.c_str(),
                attnjit::backend_name(info.backend), info.arch.c_str(),
                attnjit::cache_status_name(info.cache), info.compile_ms);
    p.params = {{"W", w}};
    if (auto ran = kernel->run(p); !ran)
      return std::printf("run: %s\n", ran.error().message.c_str()), 1;
    if (gpu) cu.sync(), cu.dtoh(o.data(), reinterpret_cast<Driver::Ptr>(p.o.data), o.size() * 2);
    // Reference for a few rows: softmax over the keys the mask lets row r see.
    double worst = 0;
    for (int h = 0; h < H; ++h)
      for (int r : {0, 3, 50, 200, 255}) {
        std::vector<double> acc(D, 0.0);
        double sum = 0; // scores stay within +-2 here, so exp() needs no max subtracted
        for (int c = 0; c <= r; ++c) {
          if (c < r - w && c >= 4) continue;
          double dot = 0;
          for (int d = 0; d < D; ++d) dot += to_f32(q[(h * S + r) * D + d]) * to_f32(k[c * D + d]);
          double e = std::exp(dot / std::sqrt(double(D)));
          sum += e;
          for (int d = 0; d < D; ++d) acc[d] += e * to_f32(v[c * D + d]);
        }
        for (int d = 0; d < D; ++d)
          worst = std::max(worst, std::fabs(acc[d] / sum - to_f32(o[(h * S + r) * D + d])));
      }
    std::printf("ran W=%lld: %d rows checked, max |error| %.4f\n", (long long)w, H * 5, worst);
    if (!(worst < 2e-2)) return std::puts("embed: mismatch"), 1;
  }
  std::puts("embed: ok");
}
