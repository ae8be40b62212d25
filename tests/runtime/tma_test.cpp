// The sm90 family's tensor-map arguments (runtime/tma.h), computed on the host without a GPU:
// dims, byte strides, boxes and the encoding choices TMA and the kernel agree on.
#include "runtime/tma.h"

#include <catch2/catch.hpp>

using namespace attnjit;

namespace {

alignas(16) char g_q[16], g_k[16], g_v[16];

// [B, H, S, D] for Q and [B, S, H, D] for K and V: both layouts a caller may pass.
Problem problem(int batch, int heads, int kv_heads, int seq_q, int seq_k, int hd) {
  Problem p;
  p.batch = batch, p.heads = heads, p.kv_heads = kv_heads, p.seq_q = seq_q, p.seq_k = seq_k;
  p.q = {g_q, int64_t(heads) * seq_q * hd, int64_t(seq_q) * hd, hd};
  p.k = {g_k, int64_t(seq_k) * kv_heads * hd, hd, int64_t(kv_heads) * hd};
  p.v = {g_v, int64_t(seq_k) * kv_heads * hd, hd, int64_t(kv_heads) * hd};
  p.o = p.q;
  return p;
}

} // namespace

TEST_CASE("tma: dims, strides in bytes and boxes of Q, K and V", "[tma][sm90]") {
  const KernelConfig c = default_config(128, "bf16", "sm90"); // 128 x 128 tiles
  const Problem p = problem(3, 8, 2, 1000, 4097, 128);
  auto a = tma_maps_args(p, c);
  REQUIRE(a.ok());
  const TmaMapArgs& q = a->q;
  CHECK(q.tensor == "q");
  CHECK(q.address == g_q);
  CHECK(q.data_type == 9); // CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
  CHECK((q.dims[0] == 128 && q.dims[1] == 1000 && q.dims[2] == 8 && q.dims[3] == 3));
  CHECK(q.strides[0] == 128 * 2);
  CHECK(q.strides[1] == 1000 * 128 * 2);
  CHECK(q.strides[2] == 8 * 1000 * 128 * 2);
  CHECK((q.box[0] == 64 && q.box[1] == 128 && q.box[2] == 1 && q.box[3] == 1));
  for (uint32_t e : q.element_strides) CHECK(e == 1);
  CHECK(q.interleave == 0);
  CHECK(q.swizzle == 3);  // CU_TENSOR_MAP_SWIZZLE_128B
  CHECK(q.oob_fill == 0); // zeros past the bounds
  CHECK((q.l2_promotion == 2 || q.l2_promotion == 3));

  const TmaMapArgs& k = a->k;
  CHECK(k.address == g_k);
  CHECK((k.dims[0] == 128 && k.dims[1] == 4097 && k.dims[2] == 2 && k.dims[3] == 3));
  CHECK(k.strides[0] == 2 * 128 * 2); // [B, S, H, D]: a row steps over the kv heads
  CHECK(k.strides[1] == 128 * 2);
  CHECK(k.strides[2] == int64_t(4097) * 2 * 128 * 2);
  CHECK(k.box[1] == 128);
  CHECK(a->v.address == g_v);
  CHECK(a->v.dims[2] == 2);
}

TEST_CASE("tma: fp16, key tiles of 64 and 192 rows", "[tma][sm90]") {
  KernelConfig c = default_config(256, "fp16", "sm90");
  auto a = tma_maps_args(problem(1, 4, 4, 17, 17, 256), c);
  REQUIRE(a.ok());
  CHECK(a->q.data_type == 6); // CU_TENSOR_MAP_DATA_TYPE_FLOAT16
  CHECK(a->q.box[1] == 128);
  CHECK(a->k.box[1] == 64);
  CHECK(a->v.box[1] == 64);
  CHECK(a->k.box[0] == 64); // 64 columns = 128 bytes: one swizzle row; head dim 256 takes four
  c = default_config(64, "bf16", "sm90");
  c.block_n = 192;
  auto b = tma_maps_args(problem(1, 4, 4, 17, 17, 64), c);
  REQUIRE(b.ok());
  CHECK(b->k.box[1] == 192);
  CHECK(b->q.box[1] == 192); // the head-dim-64 default: 192 rows over three consumer warpgroups
  CHECK(b->q.dims[0] == 64);
}

TEST_CASE("tma: a dimension of size 1 with an unusable stride gets a legal one", "[tma][sm90]") {
  const KernelConfig c = default_config(64, "bf16", "sm90");
  Problem p = problem(1, 1, 1, 1, 300, 64);
  p.q = {g_q, 0, 0, 0}; // one row of one head of one batch: no stride is ever stepped
  p.k.stride_batch = 0;
  auto a = tma_maps_args(p, c);
  REQUIRE(a.ok());
  for (int i = 0; i < 3; ++i) {
    INFO(describe_tma_map(a->q));
    CHECK(a->q.strides[i] != 0);
    CHECK(a->q.strides[i] % 16 == 0);
  }
  CHECK(a->q.strides[0] == 64 * 2); // the packed extent of the dims below
  CHECK(a->q.strides[1] == 64 * 2);
  CHECK(a->k.strides[2] == 300 * a->k.strides[0]); // batch 1: packed over (seq, heads)
  CHECK(a->k.strides[2] % 16 == 0);
  // A stride that is stepped is kept as given.
  CHECK(a->k.strides[0] == 64 * 2);
}

TEST_CASE("tma: a stride TMA cannot take is an error naming the tensor", "[tma][sm90]") {
  const KernelConfig c = default_config(128, "bf16", "sm90");
  Problem p = problem(2, 4, 2, 100, 100, 128);
  p.v.stride_head = 0; // two kv heads broadcast from one: TMA needs a nonzero stride
  auto a = tma_maps_args(p, c);
  REQUIRE(!a.ok());
  CHECK_THAT(a.error().message, Catch::Contains("v.stride_head = 0"));
  CHECK_THAT(a.error().message, Catch::Contains("dims [128, 100, 2, 2]"));
  p = problem(2, 4, 2, 100, 100, 128);
  p.k.stride_batch = int64_t(1) << 40; // 2^41 bytes
  auto big = tma_maps_args(p, c);
  REQUIRE(!big.ok());
  CHECK_THAT(big.error().message, Catch::Contains("k.stride_batch"));
  p = problem(2, 4, 2, 100, 100, 128);
  int32_t cu[3] = {0, 50, 100};
  p.cu_seqlens_q = p.cu_seqlens_k = cu;
  CHECK(!tma_maps_args(p, c).ok());
}

TEST_CASE("tma: encoding without cuTensorMapEncodeTiled is a clear error", "[tma][sm90]") {
  CudaDriver d{};
  d.cuTensorMapEncodeTiled = nullptr;
  auto a = tma_maps_args(problem(1, 1, 1, 8, 8, 64), default_config(64, "bf16", "sm90"));
  REQUIRE(a.ok());
  auto maps = encode_tma_maps(d, *a);
  REQUIRE(!maps.ok());
  CHECK_THAT(maps.error().message, Catch::Contains("cuTensorMapEncodeTiled"));
}

namespace {

// A stand-in for the driver's encoder: records the arguments, refuses a box over 256 rows.
int g_calls = 0;
CUresult fake_encode(CUtensorMap* map, int, unsigned rank, void*, const uint64_t* dims,
                     const uint64_t*, const uint32_t* box, const uint32_t*, int, int, int, int) {
  ++g_calls;
  if (rank != 4 || box[1] > 256) return 1; // CUDA_ERROR_INVALID_VALUE
  map->opaque[0] = dims[1];
  return 0;
}

} // namespace

TEST_CASE("tma: encoded maps land in TmaMaps in Q, K, V order; failures name the tensor",
          "[tma][sm90]") {
  CudaDriver d{};
  d.cuTensorMapEncodeTiled = fake_encode;
  auto a = tma_maps_args(problem(1, 2, 1, 10, 30, 64), default_config(64, "bf16", "sm90"));
  REQUIRE(a.ok());
  g_calls = 0;
  auto maps = encode_tma_maps(d, *a);
  REQUIRE(maps.ok());
  CHECK(g_calls == 3);
  CHECK(maps->q.opaque[0] == 10);
  CHECK(maps->k.opaque[0] == 30);
  CHECK(maps->v.opaque[0] == 30);
  a->k.box[1] = 512;
  auto bad = encode_tma_maps(d, *a);
  REQUIRE(!bad.ok());
  CHECK_THAT(bad.error().message,
             Catch::Contains("encoding the TMA map of k: dims [64, 30, 1, 1]"));
}
