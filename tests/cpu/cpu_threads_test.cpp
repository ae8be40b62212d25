// Thread safety through the public API on the CPU backend: many threads asking compile() for the
// same kernel at once get one compile (the others are memory hits on it), and one kernel runs
// from many threads at once with different parameter values.
#include "attnjit/attnjit.hpp"
#include "attnjit/cpu.hpp"
#include "tests/common/reference.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using namespace attnjit;
using namespace attnjit::test;

TEST_CASE("N threads compiling the same mask compile it once and run it at once") {
  enable_cpu_backend();
  CompileOptions o;
  o.head_dim = 64;
  o.dtype = DType::fp32;
  o.backend = BackendKind::Cpu;
  // A mask text no other test in this process compiles, so the first request is a miss.
  const char* mask = "causal & (window(W, 0) | sink(3)) & k != q - 7";
  constexpr int kThreads = 8;
  std::vector<Kernel> kernels(kThreads);
  std::vector<std::string> errors(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> pool;
  for (int i = 0; i < kThreads; ++i)
    pool.emplace_back([&, i] {
      // Start together so that the requests overlap the first compile.
      ++ready;
      while (ready < kThreads) std::this_thread::yield();
      auto k = compile(mask, o);
      if (k)
        kernels[i] = *k;
      else
        errors[i] = k.error().message;
    });
  for (auto& t : pool) t.join();
  int misses = 0;
  for (int i = 0; i < kThreads; ++i) {
    INFO("thread " << i << ": " << errors[i]);
    REQUIRE(kernels[i].valid());
    if (kernels[i].info().cache == CacheStatus::Miss) ++misses;
  }
  CHECK(misses == 1);

  // One kernel, every thread a different window, all running at once.
  std::vector<Tensors> tensors;
  for (int i = 0; i < kThreads; ++i) {
    Shape s;
    s.heads = 2;
    s.seq_q = s.seq_k = 150;
    tensors.push_back(make_tensors(s, uint64_t(100 + i)));
    tensors.back().problem.params = {{"W", 5 + 9 * i}};
  }
  std::vector<std::string> run_errors(kThreads);
  pool.clear();
  for (int i = 0; i < kThreads; ++i)
    pool.emplace_back([&, i] {
      if (auto r = kernels[i].run(tensors[i].problem); !r) run_errors[i] = r.error().message;
    });
  for (auto& t : pool) t.join();
  for (int i = 0; i < kThreads; ++i) {
    int64_t w = 5 + 9 * i;
    INFO("thread " << i << " W=" << w << ": " << run_errors[i]);
    REQUIRE(run_errors[i].empty());
    auto pred = [w](int64_t q, int64_t k) { return k <= q && (q - w <= k || k < 3) && k != q - 7; };
    CHECK(relative_error(read_output(tensors[i]), reference(tensors[i], pred).o) <= 1e-5);
  }
}
