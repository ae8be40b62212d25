// The CPU backend end to end against the fp64 reference: every built-in, composed masks with
// negative operands of / and %, head dims, dtypes, GQA, Lq != Lk, strides, parameters, fully
// masked rows. Predicates here are hand-written lambdas, independent of the generated code.
#include "runtime/cpu/cpu_backend.h"
#include "tests/common/reference.h"
#include "tests/cpu/mask_builder.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <string>

using namespace attnjit;
using namespace attnjit::test;

namespace {

int64_t fdiv(int64_t a, int64_t d) {
  return a / d - ((a % d) < 0 ? 1 : 0);
}
int64_t fmod_(int64_t a, int64_t d) {
  return a - fdiv(a, d) * d;
}

using Params = std::vector<std::pair<std::string, int64_t>>;

double tolerance(DType t) {
  switch (t) {
  case DType::fp32:
    return 1e-5;
  case DType::fp16:
    return 2e-3;
  case DType::bf16:
    return 1e-2;
  }
  return 0;
}

std::shared_ptr<KernelImpl> compile(const MaskProgram& prog, int head_dim, DType dtype) {
  CompileOptions o;
  o.head_dim = head_dim;
  o.dtype = dtype;
  o.backend = BackendKind::Cpu;
  auto k = cpu::compile_cpu_kernel(prog, o);
  INFO((k ? "" : k.error().message));
  REQUIRE(k);
  return *k;
}

// Runs `kernel` on fresh data of shape `s` and checks O and LSE against the reference.
void check_against_reference(const KernelImpl& kernel, const Shape& s, const MaskPredicate& pred,
                             const Params& params = {}, uint64_t seed = 1) {
  Tensors t = make_tensors(s, seed);
  t.problem.params = params;
  auto r = kernel.run(t.problem);
  INFO((r ? "" : r.error().message));
  REQUIRE(r);
  ReferenceOutput ref = reference(t, pred);
  std::vector<double> out = read_output(t);
  double err = relative_error(out, ref.o);
  INFO("shape " << s.batch << "x" << s.heads << "/" << s.kv_heads << " Lq " << s.seq_q << " Lk "
                << s.seq_k << " D " << s.head_dim << " " << int(s.dtype) << ": rel err " << err);
  CHECK(err <= tolerance(s.dtype));
  int bad_lse = 0;
  for (size_t i = 0; i < ref.lse.size(); ++i) {
    double want = ref.lse[i], got = t.lse[i];
    if (std::isinf(want) ? !(std::isinf(got) && got < 0)
                         : !(std::fabs(got - want) <= 1e-4 * (1 + std::fabs(want))))
      ++bad_lse;
  }
  CHECK(bad_lse == 0);
}

struct MaskCase {
  const char* name;
  M mask;
  MaskPredicate pred;
};

std::vector<MaskCase> masks() {
  auto q = Q(), k = K();
  return {
      {"causal", causal(), [](int64_t q, int64_t k) { return k <= q; }},
      {"window(16, 3)", window(16, 3),
       [](int64_t q, int64_t k) { return q - 16 <= k && k <= q + 3; }},
      {"window(255, 0)", window(255, 0),
       [](int64_t q, int64_t k) { return q - 255 <= k && k <= q; }},
      {"sink(4)", sink(4), [](int64_t, int64_t k) { return k < 4; }},
      {"global(5)", global(5), [](int64_t q, int64_t k) { return k < 5 || q < 5; }},
      {"prefix(20)", prefix(20), [](int64_t q, int64_t k) { return q < 20 && k < 20; }},
      {"chunk(32)", chunk(32), [](int64_t q, int64_t k) { return fdiv(q, 32) == fdiv(k, 32); }},
      {"dilated(40, 8, 3)", dilated(40, 8, 3),
       [](int64_t q, int64_t k) { return q - 40 <= k && k <= q + 8 && fmod_(q - k, 3) == 0; }},
      {"full", full(), [](int64_t, int64_t) { return true; }},
      {"none", none(), [](int64_t, int64_t) { return false; }},
      {"causal | prefix(10)", causal() | prefix(10),
       [](int64_t q, int64_t k) { return k <= q || (q < 10 && k < 10); }},
      {"causal & chunk(40)", causal() & chunk(40),
       [](int64_t q, int64_t k) { return k <= q && fdiv(q, 40) == fdiv(k, 40); }},
      {"causal & (window(64, 0) | sink(4))", causal() & (window(64, 0) | sink(4)),
       [](int64_t q, int64_t k) { return k <= q && ((q - 64 <= k && k <= q) || k < 4); }},
      {"(q - k) % 7 == 3", (q - k) % 7 == 3,
       [](int64_t q, int64_t k) { return fmod_(q - k, 7) == 3; }},
      {"(k - q) / 5 >= -2", (k - q) / 5 >= -2,
       [](int64_t q, int64_t k) { return fdiv(k - q, 5) >= -2; }},
      {"-q / 3 < k % 11 - 4", -q / 3 < k % 11 - 4,
       [](int64_t q, int64_t k) { return fdiv(-q, 3) < fmod_(k, 11) - 4; }},
      {"abs(q - k) <= 9 | k % 16 == 0", abs_(q - k) <= 9 | k % 16 == 0,
       [](int64_t q, int64_t k) { return std::abs(q - k) <= 9 || fmod_(k, 16) == 0; }},
      {"min(q, 50) > k - max(3, q / 4)", min_(q, 50) > k - max_(3, q / 4),
       [](int64_t q, int64_t k) {
         return std::min<int64_t>(q, 50) > k - std::max<int64_t>(3, fdiv(q, 4));
       }},
      {"causal & !window(8, 0)", causal() & !window(8, 0),
       [](int64_t q, int64_t k) { return k <= q && !(q - 8 <= k && k <= q); }},
      {"k * 2 <= q + 3 & k >= q / 2 - 30", k * 2 <= q + 3 & k >= q / 2 - 30,
       [](int64_t q, int64_t k) { return k * 2 <= q + 3 && k >= fdiv(q, 2) - 30; }},
  };
}

} // namespace

TEST_CASE("every built-in and composed masks match the fp64 reference (fp32, D 64)") {
  const std::vector<std::pair<int, int>> lengths = {{1, 1},    {17, 17},  {127, 127}, {1000, 1000},
                                                    {17, 127}, {127, 17}, {1, 1000}};
  for (const MaskCase& mc : masks()) {
    INFO("mask " << mc.name);
    auto kernel = compile(program(mc.mask, mc.name), 64, DType::fp32);
    for (auto [lq, lk] : lengths) {
      Shape s;
      s.heads = 2;
      s.kv_heads = 2;
      s.batch = lq * lk > 100000 ? 1 : 2;
      s.seq_q = lq;
      s.seq_k = lk;
      check_against_reference(*kernel, s, mc.pred, {}, uint64_t(lq * 7919 + lk));
    }
  }
}

TEST_CASE("head dims 128, 80, 256 and 33 in every dtype") {
  auto pred = [](int64_t q, int64_t k) { return k <= q && (q - k <= 100 || k < 3); };
  MaskProgram prog =
      program(causal() & (window(100, 0) | sink(3)), "causal & (window(100, 0) | sink(3))");
  for (int d : {128, 80, 256, 33}) {
    for (DType t : {DType::fp32, DType::bf16, DType::fp16}) {
      if (d == 256 && t != DType::bf16) continue; // one dtype is enough for the widest
      auto kernel = compile(prog, d, t);
      for (auto [lq, lk] : std::vector<std::pair<int, int>>{{127, 127}, {300, 1000}}) {
        Shape s;
        s.heads = 2;
        s.kv_heads = 1;
        s.seq_q = lq;
        s.seq_k = lk;
        s.head_dim = d;
        s.dtype = t;
        check_against_reference(*kernel, s, pred, {}, uint64_t(d + lq));
      }
    }
  }
}

TEST_CASE("grouped-query attention, Lq > Lk and strided [B, S, H, D] layouts") {
  auto pred = [](int64_t q, int64_t k) { return k <= q || k < 2; };
  auto kernel = compile(program(causal() | sink(2), "causal | sink(2)"), 64, DType::bf16);
  for (int kv : {1, 2, 4}) {
    for (bool seq_major : {false, true}) {
      Shape s;
      s.batch = 2;
      s.heads = 4;
      s.kv_heads = kv;
      s.seq_q = 150;
      s.seq_k = 70;
      s.dtype = DType::bf16;
      s.seq_major = seq_major;
      s.pad = seq_major ? 8 : 0;
      check_against_reference(*kernel, s, pred, {}, uint64_t(kv));
    }
  }
}

TEST_CASE("parameters are run-time arguments, not recompiles") {
  MaskProgram prog = program(window(param("W"), 0) | sink(param("S")), "window(W, 0) | sink(S)");
  auto first = compile(prog, 64, DType::fp32);
  CHECK(first->info().cache == CacheStatus::Miss);
  CHECK(first->info().compile_ms > 0);
  CHECK(!first->info().arch.empty());
  Shape s;
  s.heads = 2;
  s.kv_heads = 2;
  s.seq_q = 300;
  s.seq_k = 300;
  check_against_reference(*first, s,
                          [](int64_t q, int64_t k) { return (q - 5 <= k && k <= q) || k < 2; },
                          {{"W", 5}, {"S", 2}});
  auto second = compile(prog, 64, DType::fp32);
  CHECK(second->info().cache == CacheStatus::MemoryHit);
  CHECK(second->info().compile_ms == 0);
  check_against_reference(*second, s,
                          [](int64_t q, int64_t k) { return (q - 130 <= k && k <= q) || k < 70; },
                          {{"S", 70}, {"W", 130}});

  MaskProgram chunked = program(causal() & chunk(param("C")), "causal & chunk(C)");
  auto ck = compile(chunked, 64, DType::fp32);
  for (int c : {1, 7, 64, 100}) {
    auto pred = [c](int64_t q, int64_t k) { return k <= q && fdiv(q, c) == fdiv(k, c); };
    check_against_reference(*ck, s, pred, {{"C", c}});
  }
}

TEST_CASE("fully masked rows give zeros and a log-sum-exp of -inf") {
  // prefix(5): rows at positions >= 5 see no key. With Lq > Lk the first rows have negative
  // positions, and `k <= q` leaves them empty too.
  struct Case {
    M mask;
    int lq, lk;
    MaskPredicate pred;
  };
  std::vector<Case> cases = {
      {prefix(5), 17, 17, [](int64_t q, int64_t k) { return q < 5 && k < 5; }},
      {causal(), 100, 30, [](int64_t q, int64_t k) { return k <= q; }},
  };
  for (const Case& c : cases) {
    auto kernel = compile(program(c.mask, "masked rows"), 64, DType::fp16);
    Shape s;
    s.seq_q = c.lq;
    s.seq_k = c.lk;
    s.dtype = DType::fp16;
    check_against_reference(*kernel, s, c.pred);
    Tensors t = make_tensors(s, 3);
    REQUIRE(kernel->run(t.problem));
    std::vector<double> out = read_output(t);
    int64_t empty_rows = 0;
    for (int i = 0; i < c.lq; ++i) {
      int64_t qpos = i + c.lk - c.lq;
      bool any = false;
      for (int k = 0; k < c.lk; ++k) any |= c.pred(qpos, k);
      if (any) continue;
      ++empty_rows;
      for (int d = 0; d < s.head_dim; ++d) CHECK(out[size_t(i * s.head_dim + d)] == 0.0);
      CHECK(std::isinf(t.lse[size_t(i)]));
      CHECK(t.lse[size_t(i)] < 0);
    }
    CHECK(empty_rows > 0);
  }
}
