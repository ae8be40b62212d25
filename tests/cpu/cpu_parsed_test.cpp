// Masks through the real front end (parse -> check -> normalize): the CPU backend lowers the
// normalized tree, whose shape (negations pushed into comparisons, abs split, built-ins
// expanded) differs from the hand-built trees of cpu_attention_test.cpp.
#include "compiler/pipeline.h"
#include "runtime/cpu/cpu_backend.h"
#include "tests/common/reference.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>

using namespace attnjit;
using namespace attnjit::test;

namespace {

int64_t fdiv(int64_t a, int64_t d) {
  return a / d - ((a % d) < 0 ? 1 : 0);
}
int64_t fmod_(int64_t a, int64_t d) {
  return a - fdiv(a, d) * d;
}

struct ParsedCase {
  const char* text;
  std::vector<std::pair<std::string, int64_t>> params;
  MaskPredicate pred;
};

} // namespace

TEST_CASE("masks from the front end match the fp64 reference") {
  std::vector<ParsedCase> cases = {
      {"causal & (window(100, 0) | sink(4))",
       {},
       [](int64_t q, int64_t k) { return k <= q && (q - 100 <= k || k < 4); }},
      {"abs(q - k) <= 9 | k % 16 == 0",
       {},
       [](int64_t q, int64_t k) { return std::abs(q - k) <= 9 || fmod_(k, 16) == 0; }},
      {"!(q - k >= 5) & k % 3 != 1",
       {},
       [](int64_t q, int64_t k) { return !(q - k >= 5) && fmod_(k, 3) != 1; }},
      {"(k - q) / 5 >= -2 & (q - k) % 7 != 3",
       {},
       [](int64_t q, int64_t k) { return fdiv(k - q, 5) >= -2 && fmod_(q - k, 7) != 3; }},
      {"global(W) | dilated(20, 4, D)",
       {{"W", 3}, {"D", 3}},
       [](int64_t q, int64_t k) {
         return k < 3 || q < 3 || (q - 20 <= k && k <= q + 4 && fmod_(q - k, 3) == 0);
       }},
      {"causal | prefix(P)",
       {{"P", 30}},
       [](int64_t q, int64_t k) { return k <= q || (q < 30 && k < 30); }},
      {"!(window(8, 0) | chunk(16))",
       {},
       [](int64_t q, int64_t k) {
         return !((q - 8 <= k && k <= q) || fdiv(q, 16) == fdiv(k, 16));
       }},
      {"min(q, 50) > k - max(3, q / 4)",
       {},
       [](int64_t q, int64_t k) {
         return std::min<int64_t>(q, 50) > k - std::max<int64_t>(3, fdiv(q, 4));
       }},
  };
  for (const ParsedCase& c : cases) {
    INFO("mask " << c.text);
    auto prog = build_mask_program(c.text);
    INFO((prog ? "" : prog.error().message));
    REQUIRE(prog);
    CompileOptions o;
    o.head_dim = 64;
    o.dtype = DType::fp32;
    o.backend = BackendKind::Cpu;
    auto kernel = cpu::compile_cpu_kernel(*prog, o);
    INFO((kernel ? "" : kernel.error().message));
    REQUIRE(kernel);
    for (auto [lq, lk] : std::vector<std::pair<int, int>>{{127, 127}, {200, 700}, {700, 200}}) {
      Shape s;
      s.seq_q = lq;
      s.seq_k = lk;
      Tensors t = make_tensors(s, uint64_t(lq + lk));
      t.problem.params = c.params;
      auto r = (*kernel)->run(t.problem);
      INFO((r ? "" : r.error().message));
      REQUIRE(r);
      ReferenceOutput ref = reference(t, c.pred);
      double err = relative_error(read_output(t), ref.o);
      INFO("Lq " << lq << " Lk " << lk << ": rel err " << err);
      CHECK(err <= 1e-5);
    }
  }
}
