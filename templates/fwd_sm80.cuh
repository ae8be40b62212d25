// Forward attention for sm_80 and later (mma.sync family, the FlashAttention-2 design).
//
// One thread block owns BlockM query rows of one (batch, head) and walks only the key tiles the
// mask can attend. Before the main loop, warp 0 turns Mask::key_ranges into merged tile ranges
// and Mask::classify each of their tiles into a walk list in shared memory (EMPTY tiles
// dropped, FULL ones flagged so they skip the element mask); the hot loop then only reads that
// list and calls Mask::attend on PARTIAL tiles. Each warp owns BlockM / Warps rows end to end
// (S = Q K^T, online softmax, O += P V all stay in its registers), so warps only meet at the
// shared K/V stages.
//
// Shared memory: the Q tile, then Stages slots each holding one K tile and one V tile, all as
// rows of HeadDim 16-bit elements cut into 16-byte chunks. Chunk c of row r lives at chunk
// c ^ (r % 8): ldmatrix reads the same logical chunk of 8 consecutive rows, which then sit in 8
// different bank groups, so neither ldmatrix nor the cp.async writes conflict.
#pragma once

#include "fwd_params.cuh"
#include "sm80_primitives.cuh"
#include "split_kv.cuh"
#include "walk_list.cuh"

namespace attnjit {
namespace sm80 {

template <int HeadDim, int BlockM, int BlockN, int Warps, int Stages> struct FwdShape {
  static_assert(HeadDim == 64 || HeadDim == 128 || HeadDim == 256,
                "fwd_sm80: head dim must be 64, 128 or 256");
  static_assert(Warps == 4 || Warps == 8, "fwd_sm80: 4 or 8 warps per block");
  static_assert(BlockM % (16 * Warps) == 0,
                "fwd_sm80: BlockM must give each warp a whole number of 16-row mma tiles");
  static_assert(BlockM / Warps <= 32, "fwd_sm80: at most 32 rows per warp (register budget)");
  static_assert(BlockN % 16 == 0 && BlockN >= 16 && BlockN <= 128,
                "fwd_sm80: BlockN must be a multiple of 16 in [16, 128]");
  static_assert(Stages >= 2 && Stages <= 4, "fwd_sm80: 2 to 4 pipeline stages");

  static constexpr int kThreads = Warps * 32;
  static constexpr int kMTiles = BlockM / Warps / 16; // 16-row mma tiles per warp
  static constexpr int kNTiles = BlockN / 8;          // 8-key column tiles of S
  static constexpr int kDTiles = HeadDim / 8;         // 8-wide column tiles of O
  static constexpr int kChunks = HeadDim / 8;         // 16-byte chunks per row
  static constexpr int kTileElems = BlockN * HeadDim;
  static_assert((BlockN * kChunks) % kThreads == 0 && (BlockM * kChunks) % kThreads == 0,
                "fwd_sm80: tile loads must split evenly over the threads");
  // Q fragments stay in registers across key tiles when they fit in 16 registers (head dim 64,
  // 16 rows per warp); otherwise they are re-read from shared memory each tile, which costs
  // shared-memory bandwidth but leaves the registers to the O and S accumulators.
  static constexpr bool kQInRegs = kMTiles * (HeadDim / 16) * 4 <= 16;
  // Bytes of dynamic shared memory: Q tile plus Stages x (K tile + V tile), 16-bit elements.
  static constexpr int kSmemBytes = (BlockM * HeadDim + 2 * Stages * kTileElems) * 2;
};

// Element offset of (row, 16-byte chunk) in a swizzled tile.
template <int HeadDim> __device__ __forceinline__ int swz(int row, int chunk) {
  return row * HeadDim + ((chunk ^ (row & 7)) << 3);
}

// Byte address for ldmatrix of chunk 2 * step + half in rows `row`..: the XOR term only
// reaches the low three chunk bits, so steps s and s + 4 differ by a constant 128 bytes. The
// compiler then keeps four address registers per operand instead of one per step.
template <int HeadDim>
__device__ __forceinline__ uint32_t ldm_addr(uint32_t tile, int row, int step, int half) {
  const int low = ((2 * (step % 4) + half) ^ (row & 7)) << 4;
  return tile + row * HeadDim * 2 + (step / 4) * 128 + low;
}

// Copies up to Rows x HeadDim elements starting at `src` (row stride in elements) into a
// swizzled tile; rows at or past `valid` are zero-filled without reading global memory. Each
// thread walks its rows with one pointer and a fixed step, which keeps a single 64-bit address
// live instead of one per row.
template <int HeadDim, int Rows, int Threads, class Elem>
__device__ __forceinline__ void load_tile(Elem* dst, const Elem* src, int64_t stride, int valid,
                                          int tid) {
  constexpr int kChunks = HeadDim / 8;
  constexpr int kRowStep = Threads / kChunks;
  static_assert(Threads % kChunks == 0, "fwd_sm80: a thread keeps one chunk column");
  const int chunk = tid % kChunks;
  int row = tid / kChunks;
  const uint32_t tile = smem_addr(dst);
  const Elem* g = src + row * stride + chunk * 8;
  const int64_t step = kRowStep * stride;
#pragma unroll
  for (int i = 0; i < Rows / kRowStep; ++i, row += kRowStep, g += step) {
    const bool ok = row < valid;
    // A row past the end reads nothing; any legal address will do.
    cp_async_16(tile + swz<HeadDim>(row, chunk) * 2, ok ? g : src, ok);
  }
}

// load_tile for rows that do not sit at one stride (GQA packing: consecutive rows alternate
// between the heads of a group): row_ptr(row) gives each valid row's first element.
template <int HeadDim, int Rows, int Threads, class Elem, class RowPtr>
__device__ __forceinline__ void load_rows(Elem* dst, const RowPtr& row_ptr, int valid, int tid) {
  constexpr int kChunks = HeadDim / 8;
  constexpr int kRowStep = Threads / kChunks;
  const int chunk = tid % kChunks;
  const uint32_t tile = smem_addr(dst);
#pragma unroll
  for (int i = 0; i < Rows / kRowStep; ++i) {
    const int row = tid / kChunks + i * kRowStep;
    const bool ok = row < valid;
    const Elem* g = row_ptr(ok ? row : 0) + chunk * 8;
    cp_async_16(tile + swz<HeadDim>(row, chunk) * 2, g, ok);
  }
}

// SplitKV: wait for the K tile alone before S = Q K^T and for the V tile only before O += P V,
// so the softmax overlaps the V load, at the price of a second barrier per key tile.
// General: the variant for variable-length batches (cu_seqlens, seqused_k), GQA packing and
// split-KV shares. With General = false those fields must hold their dense values (no arrays,
// q_pack 1, num_splits 1; the runtime launches this variant only then) and the compiler folds
// their code away: the per-row position and head arithmetic, the sequence bounds and the
// split epilogue cost sparse masks, whose blocks walk few tiles, up to a fifth of their speed.
template <class Mask, class Elem, int HeadDim, int BlockM, int BlockN, int Warps, int Stages,
          bool SplitKV = false, bool General = true>
__device__ __forceinline__ void fwd(const FwdParams& p, char* smem_raw) {
  using Shape = FwdShape<HeadDim, BlockM, BlockN, Warps, Stages>;
  using Ops = ElemOps<Elem>;
  constexpr int kThreads = Shape::kThreads;
  constexpr int kMT = Shape::kMTiles;
  constexpr int kNT = Shape::kNTiles;
  constexpr int kDT = Shape::kDTiles;
  constexpr int kRanges = Mask::kMaxRanges > 0 ? Mask::kMaxRanges : 1;
  static_assert(kWalkCap >= Stages, "fwd_sm80: a walk chunk must outlast the pipeline depth");
  static_assert(sizeof(WalkList<kRanges, kWalkCap>) + 16 * kRanges <= 2048,
                "fwd_sm80: static shared memory past the 2 KiB that check_config reserves");

  __shared__ long long range_lo[kRanges], range_hi[kRanges];
  __shared__ WalkList<kRanges, kWalkCap> walk;

  Elem* sQ = reinterpret_cast<Elem*>(smem_raw);
  Elem* sK = sQ + BlockM * HeadDim;
  Elem* sV = sK + Stages * Shape::kTileElems;

  const int tid = threadIdx.x;
  const int warp = tid / 32;
  const int lane = tid % 32;
  const BlockWork work = block_work<General>(p);
  const int head = work.head; // the key/value head when GQA-packed
  const int batch = work.batch;
  const int pack = General ? p.q_pack : 1;
  const int kv_head = pack > 1 ? head : head / p.kv_group;
  const int row0 = work.q_tile * BlockM;
  // A varlen batch's grid covers its longest sequence; shorter ones' extra tiles leave here,
  // before any barrier. Only the general variant has such tiles, and only it may return here:
  // an early exit in the dense variant makes NVVM branch around each masked element of the
  // PARTIAL tiles instead of selecting (-14% on window1024 at hd 64).
  const SeqBounds seq = General ? seq_bounds(p, batch) : SeqBounds{0, p.seq_q, 0, p.seq_k};
  if (General && row0 >= seq.len_q * pack) return;
  const int rows = min(BlockM, seq.len_q * pack - row0);
  const int seq_k = seq.len_k;
  const int q_offset = seq.len_k - seq.len_q;
  // Tile row r -> (query head, row within the sequence).
  auto row_head = [&](int r) { return pack > 1 ? head * pack + (row0 + r) % pack : head; };
  auto row_pos = [&](int r) { return pack > 1 ? (row0 + r) / pack : row0 + r; };

  // The mask holds only its parameters: the analysis plan lives inside classify and key_ranges,
  // which run in warp 0's walk-list fills, never per element. int64_t is `long` in host builds
  // and `long long` under NVRTC: same bits, spell the contract type.
  const Mask mask(reinterpret_cast<const long long*>(p.mask_params));
  const long long q0 = static_cast<long long>(row_pos(0)) + q_offset;
  const long long q1 = static_cast<long long>(row_pos(rows - 1)) + q_offset;

  const bool packed_q = General && p.cu_seqlens_q != nullptr;
  const bool packed_k = General && p.cu_seqlens_k != nullptr;
  auto q_row = [&](int r) {
    return static_cast<const Elem*>(p.q) + seq_row_offset(p.q_stride_b, p.q_stride_h, p.q_stride_s,
                                                          packed_q, batch, row_head(r), seq.q_start,
                                                          row_pos(r));
  };
  const Elem* gK =
      static_cast<const Elem*>(p.k) + seq_row_offset(p.k_stride_b, p.k_stride_h, p.k_stride_s,
                                                     packed_k, batch, kv_head, seq.k_start, 0);
  const Elem* gV =
      static_cast<const Elem*>(p.v) + seq_row_offset(p.v_stride_b, p.v_stride_h, p.v_stride_s,
                                                     packed_k, batch, kv_head, seq.k_start, 0);

  // The Q load flies while warp 0 builds the walk list.
  if (pack > 1)
    load_rows<HeadDim, BlockM, kThreads>(sQ, q_row, rows, tid);
  else
    load_tile<HeadDim, BlockM, kThreads>(sQ, q_row(0), p.q_stride_s, rows, tid);
  cp_async_commit();

  if (warp == 0 && lane == 0)
    build_tile_ranges<BlockN>(walk, mask, q0, q1, seq_k, range_lo, range_hi,
                              General ? p.num_splits : 1, work.split);
  auto entry = [&](int i) { return walk.entry[i % (2 * kWalkCap)]; };
  auto issue_tile = [&](int slot, int e) {
    const int k0 = (e >> 1) * BlockN;
    const int valid = min(BlockN, seq_k - k0);
    if (e >= 0)
      load_tile<HeadDim, BlockN, kThreads>(sK + slot * Shape::kTileElems,
                                           gK + static_cast<int64_t>(k0) * p.k_stride_s,
                                           p.k_stride_s, valid, tid);
    // Commit even when nothing was issued so that group counting stays uniform.
    if constexpr (SplitKV) cp_async_commit();
    if (e >= 0)
      load_tile<HeadDim, BlockN, kThreads>(sV + slot * Shape::kTileElems,
                                           gV + static_cast<int64_t>(k0) * p.v_stride_s,
                                           p.v_stride_s, valid, tid);
    cp_async_commit();
  };
  auto issue = [&](int slot, int i) { issue_tile(slot, entry(i)); };

  // The merged ranges are visible: every warp starts the K/V loads of the first tiles of the
  // first range while warp 0 classifies, so the first load's latency hides behind the
  // classifier. They are the first walked tiles unless the classifier drops one as EMPTY (key
  // ranges are exact for the common masks); that is checked once the list exists.
  __syncthreads();
  const int first_lo = walk.count > 0 ? walk.tile_lo[0] : 0;
  const int first_hi = walk.count > 0 ? walk.tile_hi[0] : -1;
  // Entry-shaped guesses (tile * 2; the PARTIAL bit does not change what is loaded).
  auto guess = [&](int s) { return first_lo + s <= first_hi ? (first_lo + s) * 2 : -1; };
#pragma unroll
  for (int s = 0; s < Stages - 1; ++s) issue_tile(s, guess(s));

  if (warp == 0) {
    // Both chunks from one call site, kept rolled: the classifier is the kernel's largest piece
    // of code and NVRTC's time grows with each inlined copy.
#pragma unroll 1
    for (int c = 0; c < 2; ++c) {
      fill_walk<Mask, BlockN>(walk, mask, q0, q1, seq_k, c * kWalkCap, lane);
      __syncwarp();
    }
  }
  __syncthreads(); // walk list visible

  bool guessed = true;
#pragma unroll
  for (int s = 0; s < Stages - 1; ++s) {
    const int e = entry(s);
    guessed = guessed && (e < 0 ? -1 : e & ~1) == guess(s);
  }
  if (!guessed) {
    // A wrong guess: each thread lets its own copies land before rewriting the same bytes
    // (cp.async writes of one thread to one address are not ordered), then loads the real ones.
    cp_async_wait<0>();
#pragma unroll
    for (int s = 0; s < Stages - 1; ++s) issue(s, s);
  }

  // Thread (g, t) of the warp holds rows g and g + 8 of each 16-row tile, columns 2t, 2t + 1
  // of each 8-column tile (the mma accumulator layout).
  const int g = lane / 4;
  const int t = lane % 4;
  float o[kMT][kDT][4];
  float row_max[kMT][2];
  float row_sum[kMT][2];
#pragma unroll
  for (int mt = 0; mt < kMT; ++mt) {
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      row_max[mt][h] = neg_inf();
      row_sum[mt][h] = 0.f;
    }
#pragma unroll
    for (int d = 0; d < kDT; ++d)
#pragma unroll
      for (int i = 0; i < 4; ++i) o[mt][d][i] = 0.f;
  }

  const float scale_log2 = p.scale_log2;
  const int warp_row0 = warp * kMT * 16;
  const uint32_t sQ_addr = smem_addr(sQ);
  // ldmatrix lane -> (row, chunk) roles. A operand (Q): matrices are (rows 0-7 | 8-15) x
  // (k 0-7 | 8-15), column-major over the four. B operand (K, not transposed): keys 0-7 and
  // 8-15 of a 16-key pair of n-tiles x (k 0-7 | 8-15). V (transposed): keys (0-7 | 8-15) x
  // d (0-7 | 8-15).
  const int a_row = (lane % 8) + ((lane / 8) % 2) * 8;
  const int a_chunk = lane / 16;
  const int k_row = (lane % 8) + (lane / 16) * 8;
  const int k_chunk = (lane / 8) % 2;
  const int v_row = (lane % 8) + ((lane / 8) % 2) * 8;
  const int v_chunk = lane / 16;

  uint32_t q_frag[Shape::kQInRegs ? kMT : 1][Shape::kQInRegs ? HeadDim / 16 : 1][4];

  for (int it = 0;; ++it) {
    const int cur = entry(it);
    if (cur < 0) break;
    // Groups in flight past this tile's: the later tiles' (K and V apart under SplitKV).
    cp_async_wait<SplitKV ? 2 * Stages - 3 : Stages - 2>();
    // After this barrier every warp is done with the slot that the next issue overwrites, and
    // with the walk-list chunk that a refill overwrites.
    __syncthreads();
    if (it > 0 && it % kWalkCap == 0 && warp == 0)
      fill_walk<Mask, BlockN>(walk, mask, q0, q1, seq_k, it + kWalkCap, lane);
    issue((it + Stages - 1) % Stages, it + Stages - 1);

    const int slot = it % Stages;
    const uint32_t sK_addr = smem_addr(sK + slot * Shape::kTileElems);
    const uint32_t sV_addr = smem_addr(sV + slot * Shape::kTileElems);
    // A warp whose rows all lie past the tile's valid rows (decode: a few rows in a tall tile)
    // only helps with the loads. Not under SplitKV, whose second barrier every warp must reach.
    if (General && !SplitKV && warp_row0 >= rows) continue;

    if constexpr (Shape::kQInRegs) {
      if (it == 0) {
#pragma unroll
        for (int mt = 0; mt < kMT; ++mt)
#pragma unroll
          for (int ks = 0; ks < HeadDim / 16; ++ks) {
            const int r = warp_row0 + mt * 16 + a_row;
            ldmatrix_x4(ldm_addr<HeadDim>(sQ_addr, r, ks, a_chunk), q_frag[mt][ks][0],
                        q_frag[mt][ks][1], q_frag[mt][ks][2], q_frag[mt][ks][3]);
          }
      }
    }

    // S = Q K^T for this warp's rows and the tile's BlockN keys.
    float s[kMT][kNT][4];
#pragma unroll
    for (int mt = 0; mt < kMT; ++mt)
#pragma unroll
      for (int n = 0; n < kNT; ++n)
#pragma unroll
        for (int i = 0; i < 4; ++i) s[mt][n][i] = 0.f;
#pragma unroll
    for (int ks = 0; ks < HeadDim / 16; ++ks) {
      uint32_t a[kMT][4];
#pragma unroll
      for (int mt = 0; mt < kMT; ++mt) {
        if constexpr (Shape::kQInRegs) {
#pragma unroll
          for (int i = 0; i < 4; ++i) a[mt][i] = q_frag[mt][ks][i];
        } else {
          const int r = warp_row0 + mt * 16 + a_row;
          ldmatrix_x4(ldm_addr<HeadDim>(sQ_addr, r, ks, a_chunk), a[mt][0], a[mt][1], a[mt][2],
                      a[mt][3]);
        }
      }
#pragma unroll
      for (int np = 0; np < kNT / 2; ++np) {
        uint32_t b0, b1, b2, b3;
        ldmatrix_x4(ldm_addr<HeadDim>(sK_addr, np * 16 + k_row, ks, k_chunk), b0, b1, b2, b3);
#pragma unroll
        for (int mt = 0; mt < kMT; ++mt) {
          Ops::mma(s[mt][2 * np], a[mt], b0, b1);
          Ops::mma(s[mt][2 * np + 1], a[mt], b2, b3);
        }
      }
    }

    // Element mask: PARTIAL tiles ask the mask; FULL tiles only cut keys past the end.
    const int k0 = (cur >> 1) * BlockN;
    const bool partial = (cur & 1) != 0;
    if (partial || k0 + BlockN > seq_k) {
#pragma unroll
      for (int mt = 0; mt < kMT; ++mt)
#pragma unroll
        for (int h = 0; h < 2; ++h) {
          const int q = row_pos(warp_row0 + mt * 16 + g + h * 8) + q_offset;
#pragma unroll
          for (int n = 0; n < kNT; ++n)
#pragma unroll
            for (int e = 0; e < 2; ++e) {
              const int k = k0 + n * 8 + 2 * t + e;
              // Bitwise, not short-circuit: no branch per element (see fwd_sm90.cuh).
              const bool keep = (k < seq_k) & (!partial | mask.attend(q, k));
              s[mt][n][h * 2 + e] = keep ? s[mt][n][h * 2 + e] : neg_inf();
            }
        }
    }

    uint32_t pa[kMT][BlockN / 16][4];
    // Online softmax in base 2 with the scale folded in. A row keeps -inf as its max until it
    // sees an attended key; its exponent base is then 0 so that exp2(-inf - base) stays 0.
#pragma unroll
    for (int mt = 0; mt < kMT; ++mt)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        float mx = row_max[mt][h];
#pragma unroll
        for (int n = 0; n < kNT; ++n) mx = fmaxf(mx, fmaxf(s[mt][n][h * 2], s[mt][n][h * 2 + 1]));
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
        if (mx != row_max[mt][h]) {
          // Rescale only when the running max moved; exp2(-inf) = 0 covers the first hit.
          const float alpha = fast_exp2((row_max[mt][h] - mx) * scale_log2);
          row_sum[mt][h] *= alpha;
#pragma unroll
          for (int d = 0; d < kDT; ++d) {
            o[mt][d][h * 2] *= alpha;
            o[mt][d][h * 2 + 1] *= alpha;
          }
          row_max[mt][h] = mx;
        }
        const float base = mx == neg_inf() ? 0.f : mx * scale_log2;
        float sum = 0.f;
#pragma unroll
        for (int n = 0; n < kNT; ++n) {
          const float p0 = fast_exp2(s[mt][n][h * 2] * scale_log2 - base);
          const float p1 = fast_exp2(s[mt][n][h * 2 + 1] * scale_log2 - base);
          sum += p0 + p1;
          // The accumulators of n-tiles 2j and 2j+1 form the A fragment of the j-th 16-key
          // step of P V: pack to 16 bits now so the fp32 scores die early.
          pa[mt][n / 2][(n % 2) * 2 + h] = Ops::pack(p0, p1);
        }
        // Per-thread partial sum; the quad's partial sums are added once, at the end.
        row_sum[mt][h] += sum;
      }

    if constexpr (SplitKV) {
      cp_async_wait<2 * Stages - 2>();
      __syncthreads(); // every thread's part of the V tile landed
    }
    // O += P V.
#pragma unroll
    for (int ks = 0; ks < BlockN / 16; ++ks) {
#pragma unroll
      for (int dp = 0; dp < kDT / 2; ++dp) {
        uint32_t b0, b1, b2, b3;
        ldmatrix_x4_trans(ldm_addr<HeadDim>(sV_addr, ks * 16 + v_row, dp, v_chunk), b0, b1, b2, b3);
#pragma unroll
        for (int mt = 0; mt < kMT; ++mt) {
          Ops::mma(o[mt][2 * dp], pa[mt][ks], b0, b1);
          Ops::mma(o[mt][2 * dp + 1], pa[mt][ks], b2, b3);
        }
      }
    }
  }
  cp_async_wait<0>();
  // Natural-log LSE: (m * scale * log2(e) + log2(l)) * ln(2); -inf for a row with no key.
  auto row_lse = [&](int mt, int h, float sum) {
    return sum > 0.f ? (row_max[mt][h] * scale_log2 + __log2f(sum)) * 0.6931471805599453f
                     : neg_inf();
  };
  if (General && p.num_splits > 1) {
    // A split-KV share: its normalized rows and LSE go to the fp32 workspace, straight from
    // registers (few rows per block in the cases that split), for the merge entry to combine.
#pragma unroll
    for (int mt = 0; mt < kMT; ++mt)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        float sum = row_sum[mt][h];
        sum += __shfl_xor_sync(0xffffffffu, sum, 1);
        sum += __shfl_xor_sync(0xffffffffu, sum, 2);
        const float inv = sum > 0.f ? 1.f / sum : 0.f;
        const int r = warp_row0 + mt * 16 + g + h * 8;
        if (r >= rows) continue;
        const int64_t prow = partial_row(p, work.split, batch, row_head(r), row_pos(r));
        float* dst = p.o_partial + prow * HeadDim + 2 * t;
#pragma unroll
        for (int d = 0; d < kDT; ++d)
          *reinterpret_cast<float2*>(dst + d * 8) =
              make_float2(o[mt][d][h * 2] * inv, o[mt][d][h * 2 + 1] * inv);
        if (t == 0) p.lse_partial[prow] = row_lse(mt, h, sum);
      }
    return;
  }
  // Every warp is done reading Q: its tile is reused to stage O for 16-byte stores.
  __syncthreads();

  Elem* sO = sQ;
#pragma unroll
  for (int mt = 0; mt < kMT; ++mt)
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      float sum = row_sum[mt][h];
      sum += __shfl_xor_sync(0xffffffffu, sum, 1);
      sum += __shfl_xor_sync(0xffffffffu, sum, 2);
      // A row with no attended key has sum 0: O = 0 and LSE = -inf, never NaN.
      const float inv = sum > 0.f ? 1.f / sum : 0.f;
      const int r = warp_row0 + mt * 16 + g + h * 8;
#pragma unroll
      for (int d = 0; d < kDT; ++d) {
        const uint32_t v = Ops::pack(o[mt][d][h * 2] * inv, o[mt][d][h * 2 + 1] * inv);
        // Chunk d holds columns 8d..8d+7; this thread's pair starts at column 2t within it.
        *reinterpret_cast<uint32_t*>(sO + swz<HeadDim>(r, d) + 2 * t) = v;
      }
      if (p.lse != nullptr && t == 0 && r < rows)
        p.lse[General ? lse_index(p, seq, batch, row_head(r), row_pos(r))
                      : (static_cast<int64_t>(batch) * p.heads + head) * p.seq_q + row0 + r] =
            row_lse(mt, h, sum);
    }
  __syncthreads();

  constexpr int kChunks = Shape::kChunks;
#pragma unroll
  for (int i = 0; i < BlockM * kChunks / kThreads; ++i) {
    const int idx = i * kThreads + tid;
    const int row = idx / kChunks;
    const int chunk = idx % kChunks;
    if (row < rows) {
      const uint4 v = *reinterpret_cast<const uint4*>(sO + swz<HeadDim>(row, chunk));
      Elem* gO = static_cast<Elem*>(p.o) + seq_row_offset(p.o_stride_b, p.o_stride_h, p.o_stride_s,
                                                          packed_q, batch, row_head(row),
                                                          seq.q_start, row_pos(row));
      *reinterpret_cast<uint4*>(gO + chunk * 8) = v;
    }
  }
}

} // namespace sm80
} // namespace attnjit
