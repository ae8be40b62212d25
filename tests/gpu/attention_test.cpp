// GPU forward attention against an fp64 host reference, on fresh random data with the outputs
// poisoned before each run. Masks x head dims x dtypes x lengths x GQA x layouts are covered
// pairwise, not as a full product, so the suite fits a few minutes: kernels compile in
// parallel first, and the reference evaluates a sample of rows on every core.
#include "attnjit/attnjit.hpp"

#include "compiler/bind_params.h"
#include "compiler/eval_mask.h"
#include "device.h"
#include "runtime/half.h"
#include "runtime/reference.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <future>
#include <limits>
#include <map>
#include <random>
#include <tuple>

using namespace attnjit;

namespace {

struct Case {
  std::string mask;
  std::vector<std::pair<std::string, int64_t>> params;
  int head_dim;
  DType dtype;
  int batch, heads, kv_heads, seq_q, seq_k;
  bool bshd; // [B, S, H, D] layout instead of [B, H, S, D]
  bool lse;
  // Problem::pack_gqa and kv_splits: 1 and 1 keep a problem on the dense kernel (no packing, no
  // split-KV), 0 lets the runtime choose.
  int pack_gqa = 0;
  int kv_splits = 0;
  int persistent_blocks = 0; // Problem::persistent_blocks (sm90): 0 = chosen, N = at most N
  int split_tiles = 0;       // Problem::split_tiles (sm90): 0 = chosen, 1 = off, N = all in N
  int unit_group = 0;        // Problem::unit_group (sm90): 0 = chosen, N = N units per group
  int item_schedule = 0;     // Problem::item_schedule (sm90): 0 = chosen, 1 = static, 2 = dynamic
};

std::string describe(const Case& c) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s d%d %s b%d h%d/%d q%d k%d %s%s", c.mask.c_str(), c.head_dim,
                dtype_name(c.dtype), c.batch, c.heads, c.kv_heads, c.seq_q, c.seq_k,
                c.bshd ? "bshd" : "bhsd", c.lse ? "" : " no-lse");
  std::string s = buf;
  if (c.persistent_blocks > 0) s += " blocks<=" + std::to_string(c.persistent_blocks);
  if (c.split_tiles > 0) s += " split_tiles=" + std::to_string(c.split_tiles);
  if (c.unit_group > 0) s += " unit_group=" + std::to_string(c.unit_group);
  if (c.item_schedule > 0) s += c.item_schedule == 1 ? " static" : " dynamic";
  return s;
}

uint16_t to_bits(float x, DType t) {
  return t == DType::bf16 ? float_to_bf16(x) : float_to_fp16(x);
}
float from_bits(uint16_t x, DType t) {
  return t == DType::bf16 ? bf16_to_float(x) : fp16_to_float(x);
}

// One tensor: logical [B, H, S, D] floats (already rounded to the dtype) and its device layout.
struct Tensor {
  int b, h, s, d;
  bool bshd;
  std::vector<float> logical;
  int64_t stride_b() const { return int64_t(h) * s * d; }
  int64_t stride_h() const { return bshd ? d : int64_t(s) * d; }
  int64_t stride_s() const { return bshd ? int64_t(h) * d : d; }
  size_t offset(int bi, int hi, int si) const {
    return size_t(bi * stride_b() + hi * stride_h() + si * stride_s());
  }
  size_t elements() const { return size_t(b) * h * s * d; }
};

Tensor random_tensor(int b, int h, int s, int d, bool bshd, DType t, std::mt19937& rng) {
  Tensor x{b, h, s, d, bshd, {}};
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  x.logical.resize(x.elements());
  for (float& v : x.logical) v = from_bits(to_bits(u(rng), t), t);
  return x;
}

std::vector<uint16_t> device_layout(const Tensor& x, DType t) {
  std::vector<uint16_t> out(x.elements());
  size_t i = 0;
  for (int bi = 0; bi < x.b; ++bi)
    for (int hi = 0; hi < x.h; ++hi)
      for (int si = 0; si < x.s; ++si)
        for (int di = 0; di < x.d; ++di)
          out[x.offset(bi, hi, si) + di] = to_bits(x.logical[i++], t);
  return out;
}

// Rows to check: all of a short sequence; the first, last and evenly spaced ones of a long one.
std::vector<int> sample_rows(int seq_q) {
  std::vector<int> rows;
  if (seq_q <= 256) {
    for (int r = 0; r < seq_q; ++r) rows.push_back(r);
    return rows;
  }
  for (int r = 0; r < 48; ++r) rows.push_back(r);
  for (int r = 48; r < seq_q - 48; r += (seq_q - 96) / 64 + 1) rows.push_back(r);
  for (int r = seq_q - 48; r < seq_q; ++r) rows.push_back(r);
  return rows;
}

TensorRef ref_of(const DeviceBuffer& buf, const Tensor& x) {
  return {buf.data(), x.stride_b(), x.stride_h(), x.stride_s()};
}

// Runs one case and checks O and LSE against the reference.
// Runs `c` on fresh random data from `seed` (poisoned outputs first), checks it against the fp64
// reference, and returns the output as the kernel wrote it.
std::vector<uint16_t> check_case(const Kernel& kernel, const Case& c, unsigned seed) {
  INFO(describe(c));
  std::mt19937 rng(seed);
  Tensor q = random_tensor(c.batch, c.heads, c.seq_q, c.head_dim, c.bshd, c.dtype, rng);
  Tensor k = random_tensor(c.batch, c.kv_heads, c.seq_k, c.head_dim, c.bshd, c.dtype, rng);
  Tensor v = random_tensor(c.batch, c.kv_heads, c.seq_k, c.head_dim, c.bshd, c.dtype, rng);
  Tensor o{c.batch, c.heads, c.seq_q, c.head_dim, c.bshd, {}};

  DeviceBuffer dq(q.elements() * 2), dk(k.elements() * 2), dv(v.elements() * 2);
  DeviceBuffer dout(o.elements() * 2), dlse(size_t(c.batch) * c.heads * c.seq_q * 4);
  dq.upload(device_layout(q, c.dtype));
  dk.upload(device_layout(k, c.dtype));
  dv.upload(device_layout(v, c.dtype));
  dout.poison();
  dlse.poison();

  Problem p;
  p.batch = c.batch, p.heads = c.heads, p.kv_heads = c.kv_heads;
  p.seq_q = c.seq_q, p.seq_k = c.seq_k;
  p.q = ref_of(dq, q), p.k = ref_of(dk, k), p.v = ref_of(dv, v), p.o = ref_of(dout, o);
  p.lse = c.lse ? static_cast<float*>(dlse.data()) : nullptr;
  p.params = c.params;
  p.pack_gqa = c.pack_gqa;
  p.kv_splits = c.kv_splits;
  p.persistent_blocks = c.persistent_blocks;
  p.split_tiles = c.split_tiles;
  p.unit_group = c.unit_group;
  p.item_schedule = c.item_schedule;
  auto ran = kernel.run(p);
  INFO((ran.ok() ? std::string() : ran.error().message));
  REQUIRE(ran.ok());
  cuda_require(drv().cuCtxSynchronize(), "kernel execution");
  std::vector<uint16_t> out = dout.download<uint16_t>(o.elements());
  auto lse = dlse.download<float>(size_t(c.batch) * c.heads * c.seq_q);

  auto program = build_mask_program(c.mask);
  REQUIRE(program.ok());
  auto values = bind_params(*program, c.params);
  REQUIRE(values.ok());
  MaskEvaluator attend(*program, *values);
  ReferenceProblem rp{c.batch,    c.heads,          c.kv_heads,       c.seq_q,          c.seq_k,
                      c.head_dim, q.logical.data(), k.logical.data(), v.logical.data(), 0};
  std::vector<int> rows = sample_rows(c.seq_q);
  ReferenceOutput ref = reference_attention(
      rp, [&](int64_t qp, int64_t kp) { return attend(qp, kp); }, rows);

  std::vector<double> got(ref.o.size());
  size_t i = 0;
  int empty_rows = 0, bad_empty = 0, bad_lse = 0;
  double worst_lse = 0;
  for (int bi = 0; bi < c.batch; ++bi)
    for (int hi = 0; hi < c.heads; ++hi)
      for (size_t ri = 0; ri < rows.size(); ++ri) {
        const size_t row_start = i;
        for (int di = 0; di < c.head_dim; ++di)
          got[i++] = from_bits(out[o.offset(bi, hi, rows[ri]) + di], c.dtype);
        const double want = ref.lse[(size_t(bi) * c.heads + hi) * rows.size() + ri];
        const float have = lse[(size_t(bi) * c.heads + hi) * c.seq_q + rows[ri]];
        if (std::isinf(want)) {
          // A row with no key: zeros and -inf, never NaN.
          ++empty_rows;
          for (size_t j = row_start; j < i; ++j)
            if (got[j] != 0.0) ++bad_empty;
          if (c.lse && !(std::isinf(have) && have < 0)) ++bad_empty;
          continue;
        }
        if (!c.lse) continue;
        const double e = std::abs(double(have) - want) / std::max(1.0, std::abs(want));
        worst_lse = std::max(worst_lse, std::isnan(e) ? INFINITY : e);
        if (!(e <= 2e-3)) ++bad_lse;
      }
  const double err = relative_error(got, ref.o);
  const double tol = c.dtype == DType::bf16 ? 1e-2 : 2e-3;
  std::printf("  %-70s err %.2e lse %.1e empty rows %d\n", describe(c).c_str(), err, worst_lse,
              empty_rows);
  CHECK(bad_empty == 0);
  CHECK(bad_lse == 0);
  if (empty_rows < c.batch * c.heads * int(rows.size())) CHECK(err <= tol);
  return out;
}

const char* const kMasks[] = {"full",
                              "causal",
                              "window(1023, 0)",
                              "causal & (window(1023, 0) | sink(4))",
                              "window(256, 256) | global(64)",
                              "causal & chunk(2048)",
                              "causal | prefix(1024)",
                              "sink(4)",
                              "global(64)",
                              "prefix(100)",
                              "chunk(100)",
                              "dilated(128, 0, 3)",
                              "none",
                              "causal & (window(W, 0) | sink(S))"};

// Lengths {1, 17, 127, 1000, 4097} as (seq_q, seq_k) pairs, with Lq < Lk, Lq == Lk and Lq > Lk.
const std::pair<int, int> kShapes[] = {{1, 1000},    {17, 17},   {127, 4097}, {1000, 1000},
                                       {4097, 4097}, {1000, 17}, {17, 127},   {4097, 1}};

std::vector<Case> cases() {
  const int dims[] = {64, 128, 256};
  const DType dtypes[] = {DType::bf16, DType::fp16};
  const std::tuple<int, int> groups[] = {{4, 4}, {4, 1}, {8, 2}}; // heads, kv_heads
  std::vector<Case> out;
  int run = 0;
  for (int m = 0; m < int(std::size(kMasks)); ++m) {
    const int hd = dims[m % 3];
    const DType dt = dtypes[(m / 3) % 2];
    for (int j = 0; j < 3; ++j, ++run) {
      auto [sq, sk] = kShapes[(m + 3 * j) % std::size(kShapes)];
      auto [h, kv] = groups[run % 3];
      Case c{kMasks[m], {}, hd, dt, 1 + run % 2, h, kv, sq, sk, run % 2 == 1, run % 4 != 3};
      if (c.mask.find('W') != std::string::npos) c.params = {{"W", 300}, {"S", 4}};
      out.push_back(c);
    }
  }
  return out;
}

// The sm80 family's default tiles (named: on an sm_90a device compile() would pick sm90).
CompileOptions options_for(int head_dim, DType dtype) {
  CompileOptions o;
  o.backend = BackendKind::Gpu;
  o.head_dim = head_dim;
  o.dtype = dtype;
  o.tiles.family = "sm80";
  return o;
}

// The sm90 family's tiles: 128 rows, 12 warps, 128-key tiles and 3 stages (64-key tiles and 2
// stages at head dim 256), compile()'s default at head dims 128 and 256 (two stages at head dim
// 128 run in the 176-key tiles' test); the mask-free kernel (the default mask code).
CompileOptions sm90_options_for(int head_dim, DType dtype) {
  CompileOptions o = options_for(head_dim, dtype);
  o.tiles = {128, head_dim == 256 ? 64 : 128, 12, head_dim == 256 ? 2 : 3, "sm90"};
  return o;
}

// The same tiles with the mask's predicate compiled into the kernel.
CompileOptions sm90_inline_options_for(int head_dim, DType dtype) {
  CompileOptions o = sm90_options_for(head_dim, dtype);
  o.mask_code = MaskCode::Inline;
  return o;
}

// sm90 kernels need an sm_90a device; elsewhere compile() refuses them by design.
bool have_sm90() {
  if (system_info().gpu_arch == "sm_90a") return true;
  WARN("SKIPPED: sm90 kernels need an sm_90a (Hopper) device; this one is "
       << system_info().gpu_arch);
  return false;
}

// Compiles the kernel of every (mask, head dim, dtype) among `all` on parallel threads, so the
// GPU never waits on NVRTC while the cases run.
using KernelKey = std::tuple<std::string, int, DType>;
using KernelMap = std::map<KernelKey, std::shared_future<Result<Kernel>>>;
KernelMap compile_cases(const std::vector<Case>& all, CompileOptions (*options)(int, DType)) {
  KernelMap kernels;
  for (const Case& c : all) {
    KernelKey key{c.mask, c.head_dim, c.dtype};
    if (kernels.count(key)) continue;
    kernels[key] = std::async(std::launch::async, [c, options] {
                     return compile(c.mask, options(c.head_dim, c.dtype));
                   }).share();
  }
  return kernels;
}

// The kernel compile_cases built for case `c`; a failed compile fails the test with its error.
const Kernel& compiled(KernelMap& kernels, const Case& c) {
  const Result<Kernel>& k = kernels[{c.mask, c.head_dim, c.dtype}].get();
  INFO(describe(c));
  INFO((k.ok() ? std::string() : k.error().message));
  REQUIRE(k.ok());
  return *k;
}

// ||a - b|| / ||b|| of two bf16 outputs of one problem (Frobenius); fails the test when their
// sizes differ.
double bf16_rel_diff(const std::vector<uint16_t>& a, const std::vector<uint16_t>& b) {
  REQUIRE(a.size() == b.size());
  double diff = 0, ref = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double x = bf16_to_float(a[i]), y = bf16_to_float(b[i]);
    diff += (x - y) * (x - y), ref += y * y;
  }
  return std::sqrt(diff / std::max(ref, 1e-30));
}

// Case `c` on the sm90 kernel `k`, launched one block per work item; persistent on 3 blocks
// (every block loops over many query tiles, so walk-list chunks span tiles), by the dynamic and
// the static schedule; and with every
// query tile that walks two key tiles or more split into up to 3 shares, merged by LSE after the
// kernel (one block per work item, and 5 persistent blocks).
void check_sm90_launches(const Kernel& k, const Case& c, unsigned& seed) {
  check_case(k, c, seed++);
  Case few = c;
  few.persistent_blocks = 3;
  check_case(k, few, seed++);
  few.item_schedule = 1;
  check_case(k, few, seed++);
  Case split = c;
  split.split_tiles = 3;
  check_case(k, split, seed++);
  split.persistent_blocks = 5;
  check_case(k, split, seed++);
}

} // namespace

TEST_CASE("gpu: forward attention matches the fp64 reference", "[gpu]") {
  std::vector<Case> all = cases();
  auto kernels = compile_cases(all, options_for);
  unsigned seed = 1;
  for (const Case& c : all) {
    INFO(describe(c));
    const Kernel& k = compiled(kernels, c);
    check_case(k, c, seed++);
  }
}

TEST_CASE("gpu: a new parameter value runs without recompiling", "[gpu]") {
  auto k = compile("causal & (window(W, 0) | sink(S))", options_for(128, DType::bf16));
  REQUIRE(k.ok());
  unsigned seed = 100;
  for (int64_t w : {0, 15, 300}) {
    Case c{"causal & (window(W, 0) | sink(S))",
           {{"W", w}, {"S", 4}},
           128,
           DType::bf16,
           1,
           4,
           2,
           1000,
           1000,
           false,
           true};
    check_case(*k, c, seed++);
  }
  auto again = compile("causal & (window(W, 0) | sink(S))", options_for(128, DType::bf16));
  REQUIRE(again.ok());
  CHECK(again->info().cache == CacheStatus::MemoryHit);
  CHECK(again->info().cache_key == k->info().cache_key);
}

TEST_CASE("gpu: rows with no key give zeros and -inf", "[gpu]") {
  // `none` leaves every row empty; causal with more queries than keys leaves the first rows
  // (negative positions) empty.
  for (auto [mask, sq, sk] :
       {std::tuple<const char*, int, int>{"none", 130, 200}, {"causal", 300, 40}}) {
    auto k = compile(mask, options_for(64, DType::fp16));
    REQUIRE(k.ok());
    check_case(*k, {mask, {}, 64, DType::fp16, 2, 2, 1, sq, sk, false, true}, 7);
  }
}

TEST_CASE("gpu: launch errors are reported, not crashes", "[gpu]") {
  auto k = compile("causal", options_for(64, DType::bf16));
  REQUIRE(k.ok());
  DeviceBuffer buf(1 << 16);
  Problem p;
  p.seq_q = p.seq_k = 8;
  for (TensorRef* t : {&p.q, &p.k, &p.v, &p.o}) *t = {buf.data(), 512, 512, 64};
  p.k.data = static_cast<char*>(buf.data()) + 8;
  auto r = k->run(p);
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("k.data"));
}

TEST_CASE("gpu: sm90 forward attention matches the fp64 reference", "[gpu][sm90]") {
  if (!have_sm90()) return;
  // The same pairwise cases as the sm80 kernels, kept on the sm90 kernel itself: GQA packing
  // and split-KV off (those run on the sm80 general variant, tested below and in decode_test).
  // Both mask codes: the mask-free kernel (the default) and the mask inline.
  std::vector<Case> all = cases();
  for (Case& c : all) c.pack_gqa = 1, c.kv_splits = 1;
  unsigned seed = 500;
  using OptionsFn = CompileOptions (*)(int, DType);
  for (auto [options, code] :
       {std::pair<OptionsFn, const char*>{sm90_options_for, "table"},
        std::pair<OptionsFn, const char*>{sm90_inline_options_for, "inline"}}) {
    auto kernels = compile_cases(all, options);
    for (const Case& c : all) {
      INFO(describe(c) << " mask code " << code);
      const Kernel& k = compiled(kernels, c);
      REQUIRE(k.info().tiles.family == "sm90");
      REQUIRE(k.info().mask_code == code);
      check_sm90_launches(k, c, seed);
      // The same problem with packing and split-KV left to the runtime: short or GQA-decode
      // problems then take the general variant.
      Case chosen = c;
      chosen.pack_gqa = chosen.kv_splits = 0;
      check_case(k, chosen, seed++);
    }
  }
}

// The sm90 family's 192-key tiles at head dim 64, 3 stages: the overlapped key loop, which the
// 128-key tiles of sm90_options_for do not run at that head dim.
CompileOptions sm90_wide_options_for(int head_dim, DType dtype) {
  CompileOptions o = options_for(head_dim, dtype);
  o.tiles = {128, 192, 12, 3, "sm90"};
  return o;
}

// The pairwise cases of the head dims in `dims` on the sm90 kernels `options` gives, GQA packing
// and split-KV off, each launched as check_sm90_launches does; the kernel must have the tiles
// asked for.
void check_sm90_tiles(CompileOptions (*options)(int, DType), std::initializer_list<int> dims,
                      unsigned seed) {
  std::vector<Case> all;
  for (Case c : cases())
    if (std::find(dims.begin(), dims.end(), c.head_dim) != dims.end()) {
      c.pack_gqa = 1, c.kv_splits = 1;
      all.push_back(c);
    }
  REQUIRE(!all.empty());
  auto kernels = compile_cases(all, options);
  for (const Case& c : all) {
    INFO(describe(c));
    const Kernel& k = compiled(kernels, c);
    const TileConfig want = options(c.head_dim, c.dtype).tiles;
    REQUIRE(k.info().tiles.block_m == want.block_m);
    REQUIRE(k.info().tiles.block_n == want.block_n);
    REQUIRE(k.info().tiles.warps == want.warps);
    check_sm90_launches(k, c, seed);
  }
}

TEST_CASE("gpu: sm90 192-key tiles at head dim 64 match the fp64 reference", "[gpu][sm90]") {
  if (!have_sm90()) return;
  check_sm90_tiles(sm90_wide_options_for, {64}, 900);
}

// Key tiles that are not a power of two: 176 keys, 2 stages, at head dim 128 (the overlapped
// key loop; the tuner searches them there) and 64 (one tile at a time), 128 rows; and 160 keys
// with 192 rows at head dim 64. The last key tile of most cases' lengths is cut by the sequence
// bound, and masks' edges fall inside tiles.
CompileOptions sm90_176_options_for(int head_dim, DType dtype) {
  CompileOptions o = options_for(head_dim, dtype);
  o.tiles = {128, 176, 12, 2, "sm90"};
  return o;
}
CompileOptions sm90_odd_key_options_for(int head_dim, DType dtype) {
  if (head_dim != 64) return sm90_176_options_for(head_dim, dtype);
  CompileOptions o = options_for(head_dim, dtype);
  o.tiles = {192, 160, 16, 3, "sm90"};
  return o;
}

TEST_CASE("gpu: sm90 160- and 176-key tiles match the fp64 reference", "[gpu][sm90]") {
  if (!have_sm90()) return;
  check_sm90_tiles(sm90_odd_key_options_for, {64, 128}, 1700);
  check_sm90_tiles(sm90_176_options_for, {64}, 1800);
}

// Case `c` on kernel `k` by either item schedule over each of `blocks` persistent block counts
// (1 << 30: one block per item), each run checked against the fp64 reference: a tile's result
// does not depend on the block that computes it, so every output must be bit-identical to the
// first, which is returned.
std::vector<uint16_t> check_identical_launches(const Kernel& k, Case c,
                                               std::initializer_list<int> blocks, unsigned seed) {
  std::vector<uint16_t> first;
  for (int schedule : {2, 1})
    for (int b : blocks) {
      c.persistent_blocks = b;
      c.item_schedule = schedule;
      INFO("schedule " << schedule << " blocks " << b);
      std::vector<uint16_t> out = check_case(k, c, seed);
      if (first.empty())
        first = out;
      else
        CHECK(out == first);
    }
  return first;
}

// The sm90 family's 192-row tiles (three consumer warpgroups, 16 warps): 128-key tiles at head
// dim 64 (the key loop that runs one tile at a time), 64-key tiles at head dim 128 (the
// overlapped one), 3 stages.
CompileOptions sm90_tall_options_for(int head_dim, DType dtype) {
  CompileOptions o = options_for(head_dim, dtype);
  o.tiles = {192, head_dim == 64 ? 128 : 64, 16, 3, "sm90"};
  return o;
}

TEST_CASE("gpu: sm90 192-row tiles match the fp64 reference", "[gpu][sm90]") {
  if (!have_sm90()) return;
  check_sm90_tiles(sm90_tall_options_for, {64, 128}, 1300);
  // One block per item and persistent blocks by either schedule give bit-identical outputs.
  for (int hd : {64, 128}) {
    const char* mask = "window(256, 256) | global(64)";
    auto k = compile(mask, sm90_tall_options_for(hd, DType::bf16));
    INFO(mask << " hd " << hd << (k.ok() ? std::string() : " " + k.error().message));
    REQUIRE(k.ok());
    Case c{mask, {}, hd, DType::bf16, 2, 3, 3, 3000, 3000, false, true, 1, 1};
    check_identical_launches(*k, c, {1 << 30, 1, 7}, 13);
  }
}

TEST_CASE("gpu: sm90 persistent and one-block-per-tile launches give identical outputs",
          "[gpu][sm90]") {
  if (!have_sm90()) return;
  // A tile's result does not depend on which block computes it or what that block did before:
  // the same inputs give bit-identical outputs for any number of persistent blocks, either item
  // schedule, and any launch order (unit groups of 1 and of 5 of the 12 (head, batch) units: 5,
  // 5 and 2). The dynamic schedule's counter is reused from launch to launch on the stream: a
  // launch that left it off zero would make the next one skip items, which the fp64 check of
  // every run (poisoned outputs) catches.
  for (const char* mask : {"causal", "causal & (window(1023, 0) | sink(4))",
                           "window(256, 256) | global(64)", "causal & chunk(2048)"})
    for (int hd : {64, 128}) {
      auto k = compile(mask, sm90_options_for(hd, DType::bf16));
      INFO(mask << " hd " << hd << (k.ok() ? std::string() : " " + k.error().message));
      REQUIRE(k.ok());
      Case c{mask, {}, hd, DType::bf16, 2, 6, 2, 3000, 3000, false, true, 1, 1};
      const std::vector<uint16_t> first =
          check_identical_launches(*k, c, {1 << 30, 0, 1, 7, 132}, 11);
      for (int group : {1, 5})
        for (int blocks : {1 << 30, 3})
          for (int schedule : {2, 1}) {
            if (blocks == 1 << 30 && schedule == 1) continue; // one block per item: no schedule
            c.unit_group = group;
            c.persistent_blocks = blocks;
            c.item_schedule = schedule;
            INFO("unit_group " << group << " blocks " << blocks << " schedule " << schedule);
            CHECK(check_case(*k, c, 11) == first);
          }
      c.unit_group = 0;
      c.item_schedule = 0;
    }
}

TEST_CASE("gpu: sm90 walk streams that end at a chunk boundary", "[gpu][sm90]") {
  if (!have_sm90()) return;
  // The walk stream goes in chunks of kWalkCap (128) entries: an item's number, its key tiles,
  // its end. With 126 key tiles of 128 keys a query tile's stream is exactly one chunk, so the
  // stream's end (-1) falls in the next chunk: one block per tile, and one persistent block
  // whose two items fill two chunks, by both schedules.
  for (int hd : {64, 128}) {
    auto k = compile("full", sm90_options_for(hd, DType::bf16));
    INFO("hd " << hd << (k.ok() ? std::string() : " " + k.error().message));
    REQUIRE(k.ok());
    REQUIRE(k->info().tiles.block_n == 128);
    Case c{"full", {}, hd, DType::bf16, 1, 1, 1, 256, 126 * 128, false, true, 1, 1};
    c.split_tiles = 1; // keep every query tile whole
    for (int blocks : {1 << 30, 1})
      for (int schedule : {1, 2}) {
        c.persistent_blocks = blocks;
        c.item_schedule = schedule;
        INFO("blocks " << blocks << " schedule " << schedule);
        check_case(*k, c, 21);
      }
  }
}

TEST_CASE("gpu: sm90 split query tiles match the unsplit kernel and the reference", "[gpu][sm90]") {
  if (!have_sm90()) return;
  // Heavy rows: the global rows' tile walks all 64 key tiles of 8192 keys, the others about 7,
  // so the chosen plan (split_tiles 0) splits it; 1 keeps it whole; 2, 7 and 31 split every
  // tile. Each run is checked against the fp64 reference, and against the unsplit output.
  for (const char* mask : {"window(256, 256) | global(64)", "causal", "global(5) | sink(3)"})
    for (int hd : {64, 128}) {
      auto k = compile(mask, sm90_options_for(hd, DType::bf16));
      INFO(mask << " hd " << hd << (k.ok() ? std::string() : " " + k.error().message));
      REQUIRE(k.ok());
      Case c{mask, {}, hd, DType::bf16, 1, 2, 2, 8192, 8192, false, true, 1, 1};
      c.split_tiles = 1;
      const std::vector<uint16_t> whole = check_case(*k, c, 21);
      for (int split : {0, 2, 7, 31}) {
        c.split_tiles = split;
        INFO("split_tiles " << split);
        const std::vector<uint16_t> out = check_case(*k, c, 21);
        CHECK(bf16_rel_diff(out, whole) < 1e-2);
      }
    }
}

TEST_CASE("gpu: sm90 rows with no key give zeros and -inf", "[gpu][sm90]") {
  if (!have_sm90()) return;
  for (auto [mask, sq, sk] :
       {std::tuple<const char*, int, int>{"none", 130, 200}, {"causal", 300, 40}}) {
    for (int hd : {64, 256}) {
      auto k = compile(mask, sm90_options_for(hd, DType::fp16));
      INFO((k.ok() ? std::string() : k.error().message));
      REQUIRE(k.ok());
      Case c{mask, {}, hd, DType::fp16, 2, 2, 1, sq, sk, false, true, 1, 1};
      check_case(*k, c, 7);
    }
  }
}

TEST_CASE("gpu: sm90 for a target other than sm_90a is refused", "[gpu][sm90]") {
  CompileOptions o = sm90_options_for(128, DType::bf16);
  o.arch = "sm_80";
  o.compile_only = true;
  auto k = compile("causal", o);
  REQUIRE(!k.ok());
  CHECK_THAT(k.error().message, Catch::Contains("needs sm_90a"));
}

TEST_CASE("gpu: sm90 mask-free and inline kernels agree; large keep bits run the inline one",
          "[gpu][sm90]") {
  if (!have_sm90()) return;
  // Masks whose PARTIAL tiles differ in kind: diagonals, window edges, a sink, global rows and
  // columns, chunk edges, and element patterns no tile is FULL of (dilated, a modulus).
  const char* masks[] = {"causal & (window(1023, 0) | sink(4))", "window(256, 256) | global(64)",
                         "causal & chunk(300)", "dilated(500, 100, 3)", "(q - k) % 5 != 0"};
  for (const char* mask : masks)
    for (int hd : {64, 128}) {
      auto table = compile(mask, sm90_options_for(hd, DType::bf16));
      auto inl = compile(mask, sm90_inline_options_for(hd, DType::bf16));
      INFO(mask << " hd " << hd << (table.ok() ? std::string() : " " + table.error().message)
                << (inl.ok() ? std::string() : " " + inl.error().message));
      REQUIRE(table.ok());
      REQUIRE(inl.ok());
      REQUIRE(table->info().mask_code == "table");
      Case c{mask, {}, hd, DType::bf16, 1, 4, 2, 2500, 2900, false, true, 1, 1};
      const std::vector<uint16_t> a = check_case(*table, c, 31);
      const std::vector<uint16_t> b = check_case(*inl, c, 31);
      CHECK(bf16_rel_diff(a, b) < 1e-2);
      // With no room for keep bits, the mask-free kernel runs its inline twin: the same module
      // as `inl`, so the same bits. (Another shape: the first one's plan is cached.)
      ::setenv("ATTNJIT_KEEP_BITS_LIMIT", "0", 1);
      c.seq_q = 2400;
      const std::vector<uint16_t> fallback = check_case(*table, c, 32);
      ::unsetenv("ATTNJIT_KEEP_BITS_LIMIT");
      const std::vector<uint16_t> direct = check_case(*inl, c, 32);
      CHECK(fallback == direct);
    }
}
