// NVRTC compiles the generated kernels: every PEERS.md mask and every built-in, over head dims
// {64, 128, 256} x {bf16, fp16} x {sm_80, sm_90a} for the sm80 family, and over the full product
// of head dims x dtypes for the sm90 family (sm_90a only). By default the sm80 combinations are
// covered pairwise (each mask with each head dim, dtype and arch rotating, so every (head dim,
// dtype, arch) appears), since one compile takes seconds; ATTNJIT_TEST_ALL_KERNELS=1 compiles the
// full product. Every other sm80 job builds the general variant instead of the dense one (sm90 has
// only the dense one). Compiles run on parallel threads.
#include "compiler/generate_cuda.h"
#include "compiler/pipeline.h"
#include "runtime/nvrtc.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

using namespace attnjit;

namespace {

const char* const kMasks[] = {
    // shared/PEERS.md
    "full", "causal", "window(1023, 0)", "causal & (window(1023, 0) | sink(4))",
    "window(256, 256) | global(64)", "causal & chunk(2048)", "causal | prefix(1024)",
    // the other built-ins, and parameters in place of literals
    "sink(4)", "global(64)", "prefix(1024)", "chunk(2048)", "dilated(128, 0, 2)", "none",
    "causal & (window(W, 0) | sink(S))"};

struct Job {
  std::string mask;
  int head_dim;
  std::string dtype;
  std::string arch;
  std::string family = "sm80";
  // sm90: the mask-free kernel (KernelConfig::mask_table) with these key tiles and stages
  // (0: the default config's).
  bool mask_table = false;
  int block_n = 0, stages = 0;
};

bool all_kernels() {
  const char* all = std::getenv("ATTNJIT_TEST_ALL_KERNELS");
  return all && *all && std::string(all) != "0";
}

std::vector<Job> jobs() {
  const int dims[] = {64, 128, 256};
  const char* dtypes[] = {"bf16", "fp16"};
  const char* archs[] = {"sm_80", "sm_90a"};
  std::vector<Job> out;
  if (all_kernels()) {
    for (const char* m : kMasks)
      for (int d : dims)
        for (const char* t : dtypes)
          for (const char* a : archs) out.push_back({m, d, t, a});
    return out;
  }
  // Mask i gets combination i of the 12 (head dim, dtype, arch) triples: 14 masks cover all 12.
  int i = 0;
  for (const char* m : kMasks) {
    int c = i++ % 12;
    out.push_back({m, dims[c % 3], dtypes[(c / 3) % 2], archs[c / 6]});
  }
  return out;
}

// sm90 jobs: every mask x head dim x dtype (84 compiles; about a second each, so the full
// product stays affordable where sm80's is not).
std::vector<Job> sm90_jobs() {
  std::vector<Job> out;
  for (const char* m : kMasks)
    for (int d : {64, 128, 256})
      for (const char* t : {"bf16", "fp16"}) out.push_back({m, d, t, "sm_90a", "sm90"});
  return out;
}

// Mask-free sm90 jobs: one source per tile config whatever the mask; the default config of
// every head dim x dtype, and the other key-tile widths the tuner tries.
std::vector<Job> sm90_table_jobs() {
  std::vector<Job> out;
  for (int d : {64, 128, 256})
    for (const char* t : {"bf16", "fp16"}) out.push_back({"full", d, t, "sm_90a", "sm90", true});
  out.push_back({"full", 64, "bf16", "sm_90a", "sm90", true, 192, 3});
  out.push_back({"full", 128, "fp16", "sm_90a", "sm90", true, 64, 4});
  out.push_back({"full", 128, "bf16", "sm_90a", "sm90", true, 128, 3});
  return out;
}

// Compiles every job on parallel threads; the failures, each naming its job.
std::vector<std::string> compile_jobs(const std::vector<Job>& work) {
  std::vector<std::string> failures;
  std::mutex mu;
  std::atomic<size_t> next{0};
  auto t0 = std::chrono::steady_clock::now();
  auto worker = [&] {
    for (size_t i; (i = next++) < work.size();) {
      const Job& j = work[i];
      std::string what = j.mask + " d" + std::to_string(j.head_dim) + " " + j.dtype + " " + j.arch;
      auto program = build_mask_program(j.mask);
      if (!program) {
        std::lock_guard lock(mu);
        failures.push_back(what + ": " + program.error().message);
        continue;
      }
      KernelConfig config = default_config(j.head_dim, j.dtype, j.family);
      // Every other sm80 job compiles the general variant (varlen, GQA packing, split-KV +
      // merge).
      config.general = j.family == "sm80" && i % 2 == 1;
      config.mask_table = j.mask_table;
      if (j.block_n) config.block_n = j.block_n;
      if (j.stages) config.stages = j.stages;
      if (config.general) what += " general";
      if (config.mask_table)
        what +=
            " mask-free n" + std::to_string(config.block_n) + " s" + std::to_string(config.stages);
      if (j.family != "sm80") what += " " + j.family;
      std::string source = generate_cuda(*program, config);
      auto cubin = compile_cubin({source, "generated.cu", nvrtc_options(j.arch), ""});
      if (!cubin) {
        std::lock_guard lock(mu);
        failures.push_back(what + ": " + cubin.error().message);
      }
    }
  };
  unsigned n = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < n; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("generated kernels: %zu compiled on %u threads in %.1f s\n", work.size(), n, s);
  return failures;
}

} // namespace

TEST_CASE("generated kernels compile with NVRTC for sm_80 and sm_90a", "[nvrtc][generated]") {
  REQUIRE(nvrtc_info().ok());
  std::vector<std::string> failures = compile_jobs(jobs());
  for (const auto& f : failures) FAIL_CHECK(f);
  CHECK(failures.empty());
}

TEST_CASE("generated sm90 kernels compile with NVRTC for sm_90a", "[nvrtc][generated][sm90]") {
  REQUIRE(nvrtc_info().ok());
  std::vector<Job> work = sm90_jobs();
  for (const Job& j : work)
    REQUIRE(check_config(default_config(j.head_dim, j.dtype, "sm90")).empty());
  std::vector<std::string> failures = compile_jobs(work);
  for (const auto& f : failures) FAIL_CHECK(f);
  CHECK(failures.empty());
}

TEST_CASE("generated mask-free sm90 kernels compile with NVRTC for sm_90a",
          "[nvrtc][generated][sm90]") {
  REQUIRE(nvrtc_info().ok());
  std::vector<Job> work = sm90_table_jobs();
  for (const Job& j : work) {
    KernelConfig c = default_config(j.head_dim, j.dtype, "sm90");
    c.mask_table = true;
    if (j.block_n) c.block_n = j.block_n;
    if (j.stages) c.stages = j.stages;
    INFO(j.head_dim << " " << j.dtype << " n" << c.block_n << " s" << c.stages);
    REQUIRE(check_config(c).empty());
  }
  std::vector<std::string> failures = compile_jobs(work);
  for (const auto& f : failures) FAIL_CHECK(f);
  CHECK(failures.empty());
}
