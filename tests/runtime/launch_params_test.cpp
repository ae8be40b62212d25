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

namespace {

// An sm90 kernel at head dim 256 as compile() builds it: 128x64 sm90 tiles for dense problems,
// the sm80 default (64x64, 4 warps) for the general variant, so the two shapes differ.
std::shared_ptr<GpuKernel> sm90_kernel(const char* mask) {
  auto program = build_mask_program(mask);
  REQUIRE(program.ok());
  const KernelConfig dense = default_config(256, "bf16", "sm90");
  const KernelConfig general = general_config(dense);
  KernelInfo info;
  info.canonical = program->canonical;
  info.head_dim = 256;
  info.dtype = DType::bf16;
  info.tiles = {dense.block_m, dense.block_n, dense.warps, dense.stages, dense.family};
  auto module = std::make_shared<GpuModule>(std::vector<char>{0}, "attnjit_fwd");
  return std::make_shared<GpuKernel>(*program, info, module, launch_shape(dense), 0, nullptr,
                                     launch_shape(general));
}

} // namespace

TEST_CASE("launch params: an sm90 kernel launches dense problems in its own shape", "[launch]") {
  const LaunchShape s = launch_shape(default_config(256, "bf16", "sm90"));
  CHECK(s.family == "sm90");
  CHECK(s.block_m == 128);
  CHECK(s.block_n == 64);
  CHECK(s.threads == 384);
  CHECK(s.smem_bytes == (128 * 256 + 2 * 2 * 64 * 256) * 2 + 1024);

  auto k = sm90_kernel("causal");
  Problem p = problem(300, 1000);
  p.heads = p.kv_heads = 4; // no group: nothing to pack
  auto fp = k->make_params(p);
  REQUIRE(fp.ok());
  CHECK_FALSE(needs_general_variant(*fp));
  CHECK(k->shape_for(*fp).family == "sm90");
  CHECK(k->shape_for(*fp).threads == 384);
  CHECK(fp->num_q_tiles == 3); // ceil(300 / 128)
}

TEST_CASE("launch params: varlen, GQA packing and split-KV on an sm90 kernel take the sm80 "
          "general variant's shape",
          "[launch]") {
  auto k = sm90_kernel("causal");
  const LaunchShape g = launch_shape(general_config(default_config(256, "bf16", "sm90")));
  REQUIRE(g.family == "sm80");
  REQUIRE(g.block_m == 64);

  // Packed sequences: tiles counted in the general variant's 64 rows.
  alignas(4) static int32_t cu[4] = {0, 100, 250, 300};
  Problem v = problem(300, 300);
  v.batch = 3, v.heads = v.kv_heads = 4;
  v.cu_seqlens_q = v.cu_seqlens_k = cu;
  v.max_seq_q = v.max_seq_k = 150;
  auto fv = k->make_params(v);
  REQUIRE(fv.ok());
  CHECK(needs_general_variant(*fv));
  const LaunchShape& sv = k->shape_for(*fv);
  CHECK(sv.family == "sm80");
  CHECK(sv.block_m == 64);
  CHECK(sv.threads == g.threads);
  CHECK(sv.smem_bytes == g.smem_bytes);
  CHECK(fv->num_q_tiles == 3); // ceil(150 / 64), not ceil(150 / 128)

  // Decode with 4 query heads per kv head: packed (one row per head is less than 64 rows).
  Problem d = problem(1, 4096); // 8 heads over 2 kv heads
  auto fd = k->make_params(d);
  REQUIRE(fd.ok());
  CHECK(fd->q_pack == 4);
  CHECK(k->shape_for(*fd).family == "sm80");
  CHECK(fd->num_q_tiles == 1);
  // 100 rows per head fill an sm90 tile less than once but the general variant's 64-row tile
  // more than once: the general variant's height decides, so no packing.
  Problem m = problem(100, 4096);
  auto fm = k->make_params(m);
  REQUIRE(fm.ok());
  CHECK(fm->q_pack == 1);
  CHECK(k->shape_for(*fm).family == "sm90");

  // Split-KV shares run on the general variant.
  FwdParams split = *fm;
  split.num_splits = 4;
  CHECK(k->shape_for(split).family == "sm80");
}

TEST_CASE("launch params: split-KV of an sm90 kernel is planned in the general variant's tiles",
          "[launch]") {
  KernelInfo sm90;
  sm90.head_dim = 256;
  sm90.dtype = DType::fp16;
  const KernelConfig dense = default_config(256, "fp16", "sm90");
  sm90.tiles = {dense.block_m, dense.block_n, dense.warps, dense.stages, dense.family};
  const TileConfig t = general_variant_tiles(sm90);
  const KernelConfig want = default_config(256, "fp16");
  CHECK(t.family == "sm80");
  CHECK((t.block_m == want.block_m && t.block_n == want.block_n && t.warps == want.warps &&
         t.stages == want.stages));
  KernelInfo sm80 = sm90;
  sm80.tiles = t;
  // The same plan as an sm80 kernel of those tiles, for decode and prefill shapes alike; and a
  // plan that differs from one made in the sm90 tiles somewhere (128 vs 64 rows).
  bool differs = false;
  for (int seq_q : {1, 64, 100, 1000})
    for (int seq_k : {1000, 32768}) {
      INFO(seq_q << " " << seq_k);
      const int a = planned_kv_splits(sm90, 1, 8, seq_q, seq_k, 0, 132);
      CHECK(a == planned_kv_splits(sm80, 1, 8, seq_q, seq_k, 0, 132));
      KernelInfo own = sm90;
      own.tiles.family = "sm80"; // the sm90 tiles read as if they ran the shares
      differs |= a != planned_kv_splits(own, 1, 8, seq_q, seq_k, 0, 132);
    }
  CHECK(differs);
  // An sm80 kernel keeps planning in its own tiles.
  KernelInfo own80 = sm80;
  own80.tiles = {128, 32, 8, 3, "sm80"};
  CHECK(general_variant_tiles(own80).block_n == 32);
}
