// The arguments a GPU launch passes (FwdParams), built on the host without a GPU or a compile:
// the kernel object is made directly around a placeholder module.
#include "runtime/gpu_kernel.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace attnjit;

namespace {

std::shared_ptr<GpuKernel> kernel_for(const char* mask, int head_dim = 128) {
  auto program = build_mask_program(mask);
  REQUIRE(program.ok());
  KernelInfo info;
  info.canonical = program->canonical;
  info.head_dim = head_dim;
  auto module = std::make_shared<GpuModule>(std::vector<char>{0}, "attnjit_fwd");
  return std::make_shared<GpuKernel>(*program, info, module, LaunchShape{128, 64, 256, 49152}, 0);
}

alignas(16) char g_buffer[64];

Problem problem(int seq_q, int seq_k) {
  Problem p;
  p.batch = 3, p.heads = 8, p.kv_heads = 2, p.seq_q = seq_q, p.seq_k = seq_k;
  p.q = {g_buffer, 8000, 800, 8};
  p.k = {g_buffer, 16, 24, 32};
  p.v = {g_buffer, 40, 48, 56};
  p.o = {g_buffer, 64, 72, 80};
  return p;
}

} // namespace

TEST_CASE("launch params: shapes, strides, scale and parameters", "[launch]") {
  auto k = kernel_for("sink(S) | window(W, 0)");
  Problem p = problem(300, 1000);
  p.params = {{"W", 255}, {"S", 4}};
  auto fp = k->make_params(p);
  REQUIRE(fp.ok());
  CHECK(fp->q_stride_b == 8000);
  CHECK(fp->k_stride_h == 24);
  CHECK(fp->v_stride_s == 56);
  CHECK(fp->o_stride_b == 64);
  CHECK(fp->batch == 3);
  CHECK(fp->heads == 8);
  CHECK(fp->kv_group == 4);
  CHECK(fp->num_q_tiles == 3); // ceil(300 / 128)
  CHECK(fp->q_offset == 700);  // bottom-right: seq_k - seq_q
  CHECK(fp->scale == Approx(1 / std::sqrt(128.0)));
  CHECK(fp->scale_log2 == Approx(1.4426950408889634 / std::sqrt(128.0)));
  // Values travel in the sorted order of names, whatever order they were given in.
  CHECK(fp->mask_params[0] == 4);   // S
  CHECK(fp->mask_params[1] == 255); // W
  CHECK(fp->mask_params[2] == 0);
  CHECK(fp->tile_order == nullptr);
  CHECK(fp->lse == nullptr);

  p.scale = 0.5f;
  auto scaled = k->make_params(p);
  REQUIRE(scaled.ok());
  CHECK(scaled->scale == 0.5f);
  CHECK(scaled->scale_log2 == Approx(0.5 * 1.4426950408889634));
}

TEST_CASE("launch params: q_offset is negative when there are more queries than keys", "[launch]") {
  auto fp = kernel_for("causal")->make_params(problem(1000, 17));
  REQUIRE(fp.ok());
  CHECK(fp->q_offset == -983);
  CHECK(fp->num_q_tiles == 8);
}

TEST_CASE("launch params: mask arithmetic that could leave 32 bits is refused", "[launch]") {
  auto k = kernel_for("q * 4096 >= k");
  auto big = k->make_params(problem(1 << 20, 1 << 20)); // q * 4096 reaches 2^32
  REQUIRE(!big.ok());
  CHECK_THAT(big.error().message, Catch::Contains("32"));
  CHECK(k->make_params(problem(1000, 1000)).ok());
}

TEST_CASE("launch params: parameter errors name the parameter", "[launch]") {
  auto k = kernel_for("causal & chunk(C)");
  Problem p = problem(100, 100);
  auto unbound = k->make_params(p);
  REQUIRE(!unbound.ok());
  CHECK_THAT(unbound.error().message, Catch::Contains("C"));
  p.params = {{"C", 0}};
  auto zero = k->make_params(p);
  REQUIRE(!zero.ok());
  CHECK_THAT(zero.error().message, Catch::Contains("C"));
  p.params = {{"C", 64}, {"D", 1}};
  auto unknown = k->make_params(p);
  REQUIRE(!unknown.ok());
  CHECK_THAT(unknown.error().message, Catch::Contains("D"));
}
