// Problems the CPU backend must refuse with a clear message instead of running.
#include "runtime/cpu/cpu_backend.h"
#include "tests/common/reference.h"
#include "tests/cpu/mask_builder.h"

#include <catch2/catch.hpp>

using namespace attnjit;
using namespace attnjit::test;

namespace {

std::shared_ptr<KernelImpl> compile_fp32(const MaskProgram& prog) {
  CompileOptions o;
  o.head_dim = 64;
  o.dtype = DType::fp32;
  o.backend = BackendKind::Cpu;
  auto k = cpu::compile_cpu_kernel(prog, o);
  REQUIRE(k);
  return *k;
}

std::string run_error(const KernelImpl& k, const Problem& p) {
  auto r = k.run(p);
  return r ? std::string() : r.error().message;
}

} // namespace

TEST_CASE("invalid problems are errors with a message") {
  auto kernel = compile_fp32(program(chunk(param("C")) & sink(param("S")), "chunk(C) & sink(S)"));
  Shape s;
  s.heads = 4;
  s.kv_heads = 2;
  s.seq_q = 10;
  s.seq_k = 10;
  Tensors t = make_tensors(s, 5);
  Problem good = t.problem;
  good.params = {{"C", 4}, {"S", 3}};
  CHECK(kernel->run(good));

  Problem p = good;
  p.k.data = nullptr;
  CHECK_THAT(run_error(*kernel, p), Catch::Contains("tensor k is null"));
  p = good;
  p.kv_heads = 3;
  CHECK_THAT(run_error(*kernel, p), Catch::Contains("multiple of kv_heads"));
  p = good;
  p.seq_k = -1;
  CHECK_THAT(run_error(*kernel, p), Catch::Contains("must not be negative"));
  p = good;
  p.params = {{"C", 4}};
  CHECK_THAT(run_error(*kernel, p), Catch::Contains("parameter 'S' is not bound"));
  p = good;
  p.params = {{"C", 4}, {"S", 3}, {"W", 1}};
  CHECK_THAT(run_error(*kernel, p), Catch::Contains("'W' is not a parameter of the mask"));
  p = good;
  p.params = {{"C", 4}, {"S", 3}, {"C", 5}};
  CHECK_THAT(run_error(*kernel, p), Catch::Contains("given more than once"));
  p = good;
  p.params = {{"C", 0}, {"S", 3}};
  CHECK_THAT(run_error(*kernel, p), Catch::Contains("must be positive"));
}

TEST_CASE("head dims outside the supported range are compile errors") {
  CompileOptions o;
  o.head_dim = 0;
  auto k = cpu::compile_cpu_kernel(program(causal(), "causal"), o);
  REQUIRE(!k);
  CHECK_THAT(k.error().message, Catch::Contains("head dim"));
}
