// Split-KV and varlen arithmetic on the host: the merge formula of templates/split_kv.cuh (the
// same code the merge kernel runs) against the fp64 reference over key subsets, the share cuts,
// the split-count choice, and the cu_seqlens checks.
#include "runtime/reference.h"
#include "runtime/split_kv.h"
#include "runtime/varlen.h"
#include "templates/split_kv.cuh"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

using namespace attnjit;

namespace {

struct Inputs {
  std::vector<float> q, k, v;
};

Inputs random_inputs(int heads, int kv_heads, int seq_q, int seq_k, int d, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.f, 1.f);
  Inputs x;
  x.q.resize(size_t(heads) * seq_q * d);
  x.k.resize(size_t(kv_heads) * seq_k * d);
  x.v.resize(x.k.size());
  for (auto* t : {&x.q, &x.k, &x.v})
    for (float& f : *t) f = n(rng);
  return x;
}

// Merges the reference outputs of `splits` key subsets the way the merge kernel does.
ReferenceOutput merge(const std::vector<ReferenceOutput>& parts, size_t rows, int d) {
  ReferenceOutput out;
  out.o.assign(rows * d, 0.0);
  out.lse.assign(rows, 0.0);
  const int n = int(parts.size());
  std::vector<double> lse(parts.size());
  for (size_t r = 0; r < rows; ++r) {
    for (int s = 0; s < n; ++s) lse[s] = parts[s].lse[r];
    const double merged = split_merged_lse<double>(lse.data(), n, 1);
    out.lse[r] = merged;
    for (int s = 0; s < n; ++s) {
      const double w = split_weight<double>(lse[s], merged);
      for (int c = 0; c < d; ++c) out.o[r * d + c] += w * parts[s].o[r * d + c];
    }
  }
  return out;
}

} // namespace

TEST_CASE("split-KV merge of key subsets equals attention over all keys", "[split]") {
  const int H = 4, HK = 2, LQ = 9, LK = 300, D = 16;
  Inputs x = random_inputs(H, HK, LQ, LK, D, 3);
  ReferenceProblem rp{1, H, HK, LQ, LK, D, x.q.data(), x.k.data(), x.v.data(), 0};
  // A window with a sink: some shares see no key for some rows, row 0 sees only the sink.
  auto mask = [](int64_t q, int64_t k) { return k <= q && (q - k <= 40 || k < 4); };
  ReferenceOutput whole = reference_attention(rp, mask, {}, 1);
  for (int splits : {1, 2, 3, 7, 64, 400}) {
    INFO("splits " << splits);
    std::vector<ReferenceOutput> parts;
    for (int s = 0; s < splits; ++s) {
      SplitShare share = split_share(LK, splits, s);
      parts.push_back(reference_attention(
          rp, [&](int64_t q, int64_t k) { return k >= share.lo && k < share.hi && mask(q, k); }, {},
          1));
    }
    ReferenceOutput merged = merge(parts, whole.lse.size(), D);
    CHECK(relative_error(merged.o, whole.o) < 1e-12);
    for (size_t r = 0; r < whole.lse.size(); ++r) CHECK(merged.lse[r] == Approx(whole.lse[r]));
  }
}

TEST_CASE("split-KV merge of rows with no key gives zeros and -inf", "[split]") {
  const double inf = std::numeric_limits<double>::infinity();
  const double lse[3] = {-inf, -inf, -inf};
  CHECK(split_merged_lse<double>(lse, 3, 1) == -inf);
  CHECK(split_weight<double>(-inf, -inf) == 0.0);
  const double some[3] = {-inf, 1.5, -inf};
  CHECK(split_merged_lse<double>(some, 3, 1) == 1.5);
  CHECK(split_weight<double>(1.5, 1.5) == 1.0);
  CHECK(split_weight<double>(-inf, 1.5) == 0.0);
  // Large LSEs do not overflow: the largest is subtracted first.
  const double big[2] = {800.0, 800.0};
  CHECK(split_merged_lse<double>(big, 2, 1) == Approx(800.0 + std::log(2.0)));
}

TEST_CASE("split shares cut a walk into equal, disjoint, covering parts", "[split]") {
  for (int n : {0, 1, 5, 33, 512, 1000})
    for (int splits : {1, 2, 3, 8, 33, 128}) {
      int next = 0, lo = n, hi = 0;
      for (int s = 0; s < splits; ++s) {
        SplitShare sh = split_share(n, splits, s);
        CHECK(sh.lo == next);
        next = sh.hi;
        lo = std::min(lo, sh.hi - sh.lo);
        hi = std::max(hi, sh.hi - sh.lo);
      }
      CHECK(next == n);
      CHECK(hi - lo <= 1);
    }
}

TEST_CASE("keep_split_share keeps one share of merged tile ranges in order", "[split]") {
  // Ranges as a window-with-sink walk: the sink tile and a window of tiles far away.
  const int lo0[] = {0, 479}, hi0[] = {0, 511};
  const int total = 1 + 33;
  for (int splits : {1, 2, 5, 34, 40}) {
    std::vector<int> seen;
    for (int s = 0; s < splits; ++s) {
      int lo[2] = {lo0[0], lo0[1]}, hi[2] = {hi0[0], hi0[1]};
      const int m = keep_split_share(lo, hi, 2, splits, s);
      for (int i = 0; i < m; ++i) {
        REQUIRE(lo[i] <= hi[i]);
        for (int t = lo[i]; t <= hi[i]; ++t) seen.push_back(t);
      }
      const SplitShare share = split_share(total, splits, s);
      int count = 0;
      for (int i = 0; i < m; ++i) count += hi[i] - lo[i] + 1;
      CHECK(count == share.hi - share.lo);
    }
    std::vector<int> want{0};
    for (int t = 479; t <= 511; ++t) want.push_back(t);
    CHECK(seen == want);
  }
}

TEST_CASE("split count: forced, full grid, decode", "[split]") {
  SplitChoice c;
  c.sm_count = 132;
  c.blocks_per_sm = 1;
  c.walk_tiles = 512;
  c.blocks = 32; // decode, batch 1, 32 heads: 4 x 32 = 128 blocks fill 97% of one wave
  CHECK(choose_kv_splits(c) == 4);
  c.blocks = 64; // 3 shares would leave a second wave 45% full; 2 fill one wave
  CHECK(choose_kv_splits(c) == 2);
  c.blocks = 110; // at least 80% of a wave already
  CHECK(choose_kv_splits(c) == 1);
  c.blocks = 4096; // prefill
  CHECK(choose_kv_splits(c) == 1);
  c.forced = 1;
  c.blocks = 8;
  CHECK(choose_kv_splits(c) == 1);
  c.forced = 16;
  CHECK(choose_kv_splits(c) == 16);
  c.forced = 1000;
  CHECK(choose_kv_splits(c) == kMaxKvSplits);
  c.forced = 0;
  c.blocks = 1;
  c.walk_tiles = 6; // a short walk: at least two tiles per share
  CHECK(choose_kv_splits(c) == 3);
  CHECK(blocks_per_sm(160 * 1024, 256) == 1);
  CHECK(blocks_per_sm(48 * 1024, 128) == 4);
  CHECK(split_workspace_bytes(4, 2, 8, 1, 128) == size_t(4 * 2 * 8) * 129 * 4);
}

TEST_CASE("reference with per-sequence key lengths equals each sequence alone", "[varlen]") {
  const int B = 3, H = 2, HK = 1, LQ = 4, LK = 50, D = 8;
  Inputs x = random_inputs(B * H, B * HK, LQ, LK, D, 9);
  const int used[B] = {50, 7, 0};
  auto causal = [](int64_t q, int64_t k) { return k <= q; };
  ReferenceProblem all{B, H, HK, LQ, LK, D, x.q.data(), x.k.data(), x.v.data(), 0, used};
  ReferenceOutput got = reference_attention(all, causal, {}, 1);
  for (int b = 0; b < B; ++b) {
    // Sequence b alone: its first used[b] keys of the padded cache.
    std::vector<float> k(x.k.begin() + size_t(b) * LK * D,
                         x.k.begin() + (size_t(b) * LK + used[b]) * D);
    std::vector<float> v(x.v.begin() + size_t(b) * LK * D,
                         x.v.begin() + (size_t(b) * LK + used[b]) * D);
    ReferenceProblem one{
        1, H, HK, LQ, used[b], D, x.q.data() + size_t(b) * H * LQ * D, k.data(), v.data(), 0};
    ReferenceOutput want = reference_attention(one, causal, {}, 1);
    for (size_t i = 0; i < want.o.size(); ++i)
      CHECK(got.o[size_t(b) * H * LQ * D + i] == want.o[i]);
    for (size_t i = 0; i < want.lse.size(); ++i)
      CHECK(got.lse[size_t(b) * H * LQ + i] == want.lse[i]);
  }
}

TEST_CASE("cu_seqlens: built from lengths, checked, and read per sequence", "[varlen]") {
  auto cu = cu_seqlens_of({3, 0, 5});
  REQUIRE(cu.ok());
  CHECK(*cu == std::vector<int32_t>{0, 3, 3, 8});
  CHECK(check_cu_seqlens(cu->data(), 3, 8, 5, "cu_seqlens_q").ok());
  CHECK_THAT(check_cu_seqlens(cu->data(), 3, 9, 5, "cu_seqlens_q").error().message,
             Catch::Contains("cu_seqlens_q[3] = 8 must equal the total rows 9"));
  CHECK_THAT(check_cu_seqlens(cu->data(), 3, 8, 4, "cu_seqlens_k").error().message,
             Catch::Contains("sequence 2 has length 5 in cu_seqlens_k, more than the maximum 4"));
  const int32_t down[] = {0, 4, 2, 8};
  CHECK_THAT(check_cu_seqlens(down, 3, 8, 8, "cu_seqlens_q").error().message,
             Catch::Contains("decreases at 2"));
  const int32_t start[] = {1, 4};
  CHECK_THAT(check_cu_seqlens(start, 1, 4, 8, "cu_seqlens_q").error().message,
             Catch::Contains("cu_seqlens_q[0] = 1 must be 0"));
  CHECK_THAT(cu_seqlens_of({5, -1}).error().message, Catch::Contains("negative length"));
  CHECK_THAT(cu_seqlens_of({2000000000, 2000000000}).error().message,
             Catch::Contains("at most 2^31 - 1"));
  const int32_t used[] = {3, 1, 6};
  CHECK_THAT(check_seqused_k(used, cu->data(), 3, 8).error().message,
             Catch::Contains("seqused_k[1] = 1 is outside [0, 0]"));

  FwdParams p{};
  p.seq_q = 8, p.seq_k = 8, p.heads = 2, p.batch = 3;
  p.cu_seqlens_q = cu->data();
  p.cu_seqlens_k = cu->data();
  const int32_t fill[] = {2, 0, 9};
  p.seqused_k = fill;
  SeqBounds s = seq_bounds(p, 2);
  CHECK((s.q_start == 3 && s.len_q == 5 && s.k_start == 3 && s.len_k == 5)); // 9 clipped to 5
  s = seq_bounds(p, 0);
  CHECK((s.q_start == 0 && s.len_q == 3 && s.len_k == 2));
  CHECK(lse_index(p, seq_bounds(p, 2), 2, 1, 4) == 1 * 8 + 3 + 4); // [heads, total_q]
  CHECK(seq_row_offset(100, 10, 20, true, 2, 1, 3, 4) == 10 + 7 * 20);
  CHECK(seq_row_offset(100, 10, 20, false, 2, 1, 0, 4) == 200 + 10 + 4 * 20);
}

TEST_CASE("varlen problems: fields checked before any array is read", "[varlen]") {
  Problem p;
  p.seq_q = 10, p.seq_k = 20;
  const int32_t cu[] = {0, 10};
  p.cu_seqlens_q = cu;
  CHECK_THAT(varlen_extent(p).error().message, Catch::Contains("must be given together"));
  p.cu_seqlens_k = cu;
  CHECK_THAT(varlen_extent(p).error().message, Catch::Contains("needs max_seq_q"));
  p.max_seq_q = 10;
  CHECK_THAT(varlen_extent(p).error().message, Catch::Contains("needs max_seq_k"));
  p.max_seq_k = 21;
  CHECK_THAT(varlen_extent(p).error().message, Catch::Contains("max_seq_k = 21 is more than"));
  p.max_seq_k = 20;
  auto e = varlen_extent(p);
  REQUIRE(e.ok());
  CHECK((e->packed && e->max_seq_q == 10 && e->max_seq_k == 20));
  Problem d; // decode with seqused_k: max_seq_k defaults to seq_k
  d.seq_q = 1, d.seq_k = 64;
  d.seqused_k = cu;
  e = varlen_extent(d);
  REQUIRE(e.ok());
  CHECK((!e->packed && e->any && e->max_seq_q == 1 && e->max_seq_k == 64));
}

TEST_CASE("length lists parse or say what is wrong", "[varlen]") {
  auto ok = parse_lengths("1000,70000,0", "--seqlens-k");
  REQUIRE(ok.ok());
  CHECK(*ok == std::vector<int>{1000, 70000, 0});
  for (const char* bad : {"", "1,,2", "1,x", "-3", "1,2,", "99999999999"}) {
    INFO(bad);
    auto r = parse_lengths(bad, "--seqlens-k");
    REQUIRE(!r.ok());
    CHECK_THAT(r.error().message, Catch::StartsWith("--seqlens-k: "));
  }
}

#include "runtime/gpu_kernel.h"

TEST_CASE("launch params of varlen problems: grid and 32-bit proof from the max lengths",
          "[varlen]") {
  auto program = build_mask_program("causal & (window(W, 0) | sink(4))");
  REQUIRE(program.ok());
  KernelInfo info;
  info.canonical = program->canonical;
  info.head_dim = 128;
  auto module = std::make_shared<GpuModule>(std::vector<char>{0}, "attnjit_fwd");
  GpuKernel k(*program, info, module, LaunchShape{128, 64, 256, 49152}, 0);
  alignas(16) static char buffer[64];
  Problem p;
  p.batch = 3, p.heads = 8, p.kv_heads = 2, p.seq_q = 1000, p.seq_k = 5000;
  for (TensorRef* t : {&p.q, &p.k, &p.v, &p.o}) *t = {buffer, 0, 8, 64};
  p.params = {{"W", 100}};
  static const int32_t cu_q[] = {0, 10, 700, 1000}, cu_k[] = {0, 4000, 4500, 5000};
  p.cu_seqlens_q = cu_q, p.cu_seqlens_k = cu_k;
  p.max_seq_q = 690, p.max_seq_k = 4000;
  auto fp = k.make_params(p);
  REQUIRE(fp.ok());
  CHECK(fp->num_q_tiles == 6); // ceil(690 / 128): the longest sequence
  CHECK(fp->max_seq_q == 690);
  CHECK(fp->cu_seqlens_q == cu_q);
  CHECK(fp->cu_seqlens_k == cu_k);
  CHECK(fp->seqused_k == nullptr);
  CHECK(fp->num_splits == 1);
  p.kv_splits = -1;
  CHECK_THAT(k.make_params(p).error().message, Catch::Contains("kv_splits = -1"));
  p.kv_splits = 0;
  // The sm90 launch knobs: a value out of range names itself.
  p.item_schedule = 3;
  CHECK_THAT(k.make_params(p).error().message, Catch::Contains("item_schedule = 3"));
  p.item_schedule = -1;
  CHECK_THAT(k.make_params(p).error().message, Catch::Contains("item_schedule = -1"));
  p.item_schedule = 2;
  CHECK(k.make_params(p).ok());
  p.item_schedule = 0;
  p.unit_group = -2;
  CHECK_THAT(k.make_params(p).error().message, Catch::Contains("unit_group = -2"));
  p.unit_group = 0;
  p.persistent_blocks = -1;
  CHECK_THAT(k.make_params(p).error().message, Catch::Contains("persistent_blocks = -1"));
  p.persistent_blocks = 0;
  // Window bounds near 2^31 with sequences this long cannot be proven to fit 32 bits.
  p.params = {{"W", 2147483000}};
  CHECK(!k.make_params(p).ok());
}

TEST_CASE("GQA packing: when it applies and what the launch then covers", "[split]") {
  CHECK(gqa_pack(0, 4, 1, 128) == 4);    // decode
  CHECK(gqa_pack(0, 4, 128, 128) == 1);  // a full tile per head already
  CHECK(gqa_pack(0, 1, 1, 128) == 1);    // no group to pack
  CHECK(gqa_pack(1, 8, 1, 128) == 1);    // off
  CHECK(gqa_pack(2, 8, 4096, 128) == 8); // forced on
  CHECK(gqa_pack(2, 1, 4096, 128) == 1);

  auto program = build_mask_program("causal");
  REQUIRE(program.ok());
  KernelInfo info;
  info.canonical = program->canonical;
  info.head_dim = 128;
  auto module = std::make_shared<GpuModule>(std::vector<char>{0}, "attnjit_fwd");
  GpuKernel k(*program, info, module, LaunchShape{64, 64, 128, 49152}, 0);
  alignas(16) static char buffer[64];
  Problem p;
  p.batch = 2, p.heads = 32, p.kv_heads = 8, p.seq_q = 5, p.seq_k = 9000;
  for (TensorRef* t : {&p.q, &p.k, &p.v, &p.o}) *t = {buffer, 0, 8, 64};
  auto fp = k.make_params(p);
  REQUIRE(fp.ok());
  CHECK(fp->q_pack == 4);
  CHECK(fp->num_q_tiles == 1); // 5 positions x 4 heads = 20 rows of a 64-row tile
  p.pack_gqa = 1;
  fp = k.make_params(p);
  REQUIRE(fp.ok());
  CHECK(fp->q_pack == 1);
  p.pack_gqa = 2, p.seq_q = 100;
  fp = k.make_params(p);
  REQUIRE(fp.ok());
  CHECK(fp->num_q_tiles == 7); // ceil(400 / 64)
  p.pack_gqa = 5;
  CHECK_THAT(k.make_params(p).error().message, Catch::Contains("pack_gqa = 5"));
}
