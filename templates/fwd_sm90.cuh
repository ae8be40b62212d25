// Forward attention for sm_90a (Hopper): wgmma tensor-core products, TMA tile loads into a
// shared-memory ring completing on mbarriers, and warp specialization.
//
// A block of three or four warpgroups works on query tiles of BlockM = 128 or 192 rows of one
// (batch, head), one work item after another (heaviest tiles first, by the static schedule
// persistent_item or the dynamic one draw_item; with one block per item it is the classic
// one-tile block):
// - warpgroup 0 is the producer. It gives most of its registers back (setmaxnreg). Its warp 1
//   builds the walk stream: for each of the block's items in turn, the item's number, the key
//   tiles the mask can attend, each tagged FULL or PARTIAL (as in the sm80 family), then
//   kTileEnd; under the dynamic schedule it draws each item as it starts writing it. It copies
//   them from the walk table the runtime builds on the host from the mask's key ranges and block
//   classifier (FwdParams::walk_table), so the kernel carries no mask analysis code of its own:
//   only the element predicate of PARTIAL tiles. One lane of its warp 0 issues the TMA copies:
//   each item's Q tile (prefetched into L2 when the producer reaches the item's entry, copied
//   once every consumer is past the previous item's last S) with the item's coordinates beside
//   it in shared memory (q_work, which tells the consumers which item comes next, or that none
//   does), then each walked tile's K and V into the next free stage of the ring.
// - warpgroups 1 to BlockM / 64 are consumers, 64 query rows each, with the registers the
//   producer gave back. Per key tile: S = Q K^T (wgmma, both operands in shared memory), the
//   element mask on PARTIAL tiles, the online softmax in fp32 (exp2 with the scale folded in),
//   then O += P V (wgmma with P from registers). Key tiles are 64 to 192 keys (160 and 176 too:
//   the swizzled tiles' column blocks still start on 1024-byte boundaries). Each consumer warp
//   releases the stage when its products are done. At kTileEnd they store the item's O and LSE and
//   go on with the next item, whose first tiles the producer has already loaded. A third consumer
//   (192 rows) gives the tensor cores a third stream of products to interleave with the others'
//   softmax, at 152 registers a consumer thread instead of 232 (head dim 64).
// Stage s has two mbarriers per tile (K and V): `full` (the producer's arrive with the expected
// byte count; the TMA copies complete it) and `empty` (one arrive per consumer warp). The
// producer also writes the stage's stream entry beside it, so the consumers never read the walk
// list; a kTileEnd entry takes a stage with no copies.
// Shared memory tiles are written by TMA with the 128-byte swizzle: a tile of R rows x HeadDim
// columns is stored as HeadDim / 64 column blocks, each R rows of 128 bytes (64 elements), the
// 16-byte chunk c of row r at chunk c ^ (r % 8); every block starts on a 1024-byte boundary.
// wgmma reads Q and K as K-major operands (the head dim is the reduction) and V as an MN-major
// one (its rows are the reduction), straight from that layout through matrix descriptors.
//
// A mask-free kernel (Mask = TableMask) reads the element mask of PARTIAL tiles from the keep
// bits instead: each consumer thread loads its two rows' words of a PARTIAL tile as soon as it
// sees the tile's stream entry, so the load runs beside the tile's products.
//
// A work item may be one share of a split query tile (a tile whose walk is far longer than the
// others', runtime/walk_table.h): it walks a consecutive part of the tile's walk and writes its
// normalized O in fp32 and its LSE to the share workspace; the second entry, merge_shares,
// then combines a tile's shares by their LSE into O.
//
// This family serves dense batches (FwdParams::cu_seqlens_*, seqused_k null, q_pack 1,
// num_splits 1); the runtime sends varlen, GQA-packed and split-KV problems to the sm80
// family's general variant.
#pragma once

#include "fwd_params.cuh"
#include "sm80_primitives.cuh"
#include "sm90_wgmma.cuh"
#include "walk_list.cuh"

namespace attnjit {
namespace sm90 {

template <int HeadDim, int BlockM, int BlockN, int Warps, int Stages> struct FwdShape {
  static_assert(HeadDim == 64 || HeadDim == 128 || HeadDim == 256,
                "fwd_sm90: head dim must be 64, 128 or 256");
  static_assert((BlockM == 128 && Warps == 12) || (BlockM == 192 && Warps == 16),
                "fwd_sm90: 128 or 192 query rows over one producer warpgroup and two or three "
                "consumer warpgroups of 64 rows");
  static_assert(BlockN == 64 || BlockN == 128 || BlockN == 160 || BlockN == 176 || BlockN == 192,
                "fwd_sm90: BlockN must be 64, 128, 160, 176 or 192");
  static_assert(Stages >= 2 && Stages <= 4, "fwd_sm90: 2 to 4 pipeline stages");

  static constexpr int kThreads = Warps * 32;
  static constexpr int kConsumers = BlockM / 64; // consumer warpgroups, 64 rows each
  static constexpr int kColBlocks = HeadDim / 64;
  static constexpr int kQBytes = BlockM * HeadDim * 2;
  static constexpr int kTileBytes = BlockN * HeadDim * 2; // one K or V tile
  // Tiles plus the slack in which fwd() aligns their start to the swizzle pattern's 1024-byte
  // period (the dynamic array itself is only 128-byte aligned).
  static constexpr int kAlignSlack = 1024;
  static constexpr int kSmemBytes = kQBytes + 2 * Stages * kTileBytes + kAlignSlack;
  // Registers per thread after setmaxnreg. The warpgroups trade within what the block got at
  // launch (168 x 384 = 64512 under __launch_bounds__(384, 1), 128 x 512 = 65536 under
  // __launch_bounds__(512, 1)): a consumer that asks for more than the producer gave back waits
  // forever. The producer only hands out walk entries and issues copies; a consumer holds O
  // (HeadDim / 2 fp32), S (BlockN / 2, the newest tile's scores, then its probabilities in fp32)
  // and the previous tile's P (BlockN / 4), read by the product in flight. The producer's code
  // spills below 40 (ptxas: 20 bytes at 32), so three consumers get 152 each.
  static constexpr int kProducerRegs = 40;
  // The key loop overlaps the softmax of tile j with P V of tile j - 1 (tile j's probabilities
  // wait in fp32 until that product frees P's registers). At head dim 64 only 192-key tiles do;
  // the others run one tile at a time (see the consumer loop).
  static constexpr bool kOverlap = HeadDim > 64 || BlockN == 192;
  // In the overlapped loop, where the P V in flight is waited for: at head dim 256 within the
  // iteration that issued it, right after the softmax (128x64x2, H200, TFLOP/s: causal 686-688
  // against 648-653; full 686-712 against 642-669 in one call, level in another); elsewhere at
  // the top of the next iteration, behind that tile's barrier wait (head dim 128: causal 655
  // against 640 at 128x176x2, full 653 against 620 at 128x128x3). Kernel notes v20.
  static constexpr bool kWaitPvInTile = HeadDim == 256;
  static constexpr int kConsumerRegs = kConsumers == 2 ? 232 : 152;
  static constexpr int kLaunchRegs = (65536 / kThreads) & ~7; // what ptxas gives at launch
  static_assert(128 * kProducerRegs + 128 * kConsumers * kConsumerRegs <= kLaunchRegs * kThreads,
                "fwd_sm90: register trade");
};

// ---- mbarrier, TMA, wgmma and register-count primitives (PTX) ----

__device__ __forceinline__ void mbar_init(uint32_t bar, int count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" ::"r"(bar), "r"(count));
}
__device__ __forceinline__ void mbar_expect_tx(uint32_t bar, int bytes) {
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(bar), "r"(bytes)
               : "memory");
}
__device__ __forceinline__ void mbar_arrive(uint32_t bar) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];" ::"r"(bar) : "memory");
}
// One arrive for the whole (converged) warp, from a lane elect.sync picks: no lane number needed.
__device__ __forceinline__ void mbar_arrive_warp(uint32_t bar) {
  asm volatile("{\n.reg .pred e;\n"
               "elect.sync _|e, 0xffffffff;\n"
               "@e mbarrier.arrive.shared::cta.b64 _, [%0];\n}\n" ::"r"(bar)
               : "memory");
}
// Waits until the phase of parity `parity` has completed.
__device__ __forceinline__ void mbar_wait(uint32_t bar, int parity) {
  uint32_t done;
  do {
    asm volatile("{\n.reg .pred p;\n"
                 "mbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n"
                 "selp.u32 %0, 1, 0, p;\n}\n"
                 : "=r"(done)
                 : "r"(bar), "r"(parity)
                 : "memory");
  } while (!done);
}

// A 4-D tile (head-dim column, row, head, batch) of `map` into shared memory at `dst`,
// completing `bar`'s transaction count.
__device__ __forceinline__ void tma_load(uint32_t dst, const TmaMap& map, int col, int row,
                                         int head, int batch, uint32_t bar) {
  asm volatile("cp.async.bulk.tensor.4d.shared::cluster.global.tile.mbarrier::complete_tx::bytes"
               " [%0], [%1, {%2, %3, %4, %5}], [%6];" ::"r"(dst),
               "l"(reinterpret_cast<uint64_t>(&map)), "r"(col), "r"(row), "r"(head), "r"(batch),
               "r"(bar)
               : "memory");
}
// The same tile into L2 only (no shared memory, no barrier): a hint that may be dropped.
__device__ __forceinline__ void tma_prefetch_l2(const TmaMap& map, int col, int row, int head,
                                                int batch) {
  asm volatile("cp.async.bulk.prefetch.tensor.4d.L2.global.tile [%0, {%1, %2, %3, %4}];" ::"l"(
                   reinterpret_cast<uint64_t>(&map)),
               "r"(col), "r"(row), "r"(head), "r"(batch)
               : "memory");
}
__device__ __forceinline__ void tma_prefetch_map(const TmaMap& map) {
  asm volatile("prefetch.tensormap [%0];" ::"l"(reinterpret_cast<uint64_t>(&map)) : "memory");
}

__device__ __forceinline__ void wgmma_fence() {
  asm volatile("wgmma.fence.sync.aligned;" ::: "memory");
}
__device__ __forceinline__ void wgmma_commit() {
  asm volatile("wgmma.commit_group.sync.aligned;" ::: "memory");
}
template <int N> __device__ __forceinline__ void wgmma_wait() {
  asm volatile("wgmma.wait_group.sync.aligned %0;" ::"n"(N) : "memory");
}
// Keeps the compiler from moving reads or writes of accumulator registers across the
// asynchronous products, which write them after the issuing instruction.
template <int N> __device__ __forceinline__ void fence_regs(float (&r)[N]) {
#pragma unroll
  for (int i = 0; i < N; ++i) asm volatile("" : "+f"(r[i])::"memory");
}

template <int Regs> __device__ __forceinline__ void regs_dec() {
  asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;" ::"n"(Regs));
}
template <int Regs> __device__ __forceinline__ void regs_inc() {
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;" ::"n"(Regs));
}

// Matrix descriptor of a 128-byte-swizzled operand at shared address `addr`: `lead` and
// `stride` bytes as wgmma's leading and stride dimension offsets.
__device__ __forceinline__ uint64_t smem_desc(uint32_t addr, uint32_t lead, uint32_t stride) {
  return static_cast<uint64_t>((addr & 0x3ffff) >> 4) | (static_cast<uint64_t>(lead >> 4) << 16) |
         (static_cast<uint64_t>(stride >> 4) << 32) | (1ull << 62);
}

// The walk stream of a persistent block: the walk lists of its work items one after another,
// each opened by the item's number (kItemBegin - item) and closed by kTileEnd, in a ring of two
// chunks of kWalkCap entries. One warp fills it chunk by chunk (fill_stream) from the walk
// table; `item` is the work item whose entries come next (-1: none left; kDrawNext: to be drawn
// from the dynamic schedule's counter), `n` its number in the block's schedule, `open` whether
// [seg, seg_end) are the item's segments still to copy, `done` how many entries of segment `seg`
// are already copied.
struct StreamCursor {
  int seg, seg_end, done;
  int n, item, open;
};

// The word holding the element mask's keep bits of one row of a thread: 32 bits when they fit.
template <bool Narrow> struct KeepWord { using Type = unsigned long long; };
template <> struct KeepWord<true> { using Type = uint32_t; };

// The mask of a mask-free kernel: the same kernel serves every mask, and the element mask of
// PARTIAL tiles comes from the keep bits the runtime built on the host (FwdParams::keep_bits,
// keep_base). Only the sequence bound of a FULL tile crossing the end is left to compute.
struct TableMask {
  __device__ explicit TableMask(const long long*) {}
  __device__ bool attend(int, int) const { return true; }
};
template <class Mask> struct MaskFromTable { static constexpr bool value = false; };
template <> struct MaskFromTable<TableMask> { static constexpr bool value = true; };

// Stream entries other than tiles (>= 0): -1 ends the stream; kTileEnd closes a work item's
// walk and takes a pipeline stage like a tile, so the consumers see it; the producer alone reads
// kChunkRest (the rest of this chunk is empty: go on at the next chunk) and the item entries
// (kItemBegin - item: the walk of work item `item` follows).
constexpr int kTileEnd = -2;
constexpr int kChunkRest = -3;
constexpr int kItemBegin = -4;
// StreamCursor::item: the next item comes from the dynamic schedule's counter.
constexpr int kDrawNext = -2;

// One warp writes stream positions [base, base + kWalkCap) of the ring: the rest of the current
// item's walk, kTileEnd, the next item's entry and walk, and so on; -1 once no item is left.
// Under the dynamic schedule (FwdParams::item_counter) a chunk ends with its last item: the rest
// is kChunkRest, and the next item is drawn when the next chunk is filled, which waits until the
// producer has read the chunk before this one. So a block holds at most one item beyond the one
// its producer is loading, and a block that runs ahead draws the next heaviest item. The walk
// table (FwdParams::walk_table, num_q_tiles work tiles) holds num_q_tiles + 1 segment offsets,
// two words per work tile (table_work reads them), then the segments as (first entry, count)
// pairs: a segment stands for the entries first, first + 2, ... (count consecutive key tiles of
// one class).
__device__ __forceinline__ bool fill_stream(int* ring, StreamCursor& c, const FwdParams& p,
                                            int items, int base, int lane) {
  const int* offsets = p.walk_table;
  const int* segments = offsets + 3 * p.num_q_tiles + 1;
  auto put = [&](int pos, int value) { ring[(base + pos) % (2 * kWalkCap)] = value; };
  if (c.item == kDrawNext) {
    if (lane == 0) c.item = draw_item(p.item_counter, items);
    __syncwarp();
  }
  int n = 0;
  while (n < kWalkCap && c.item >= 0) {
    if (!c.open) {
      const int v = work_item<false>(p, c.item).q_tile; // the work tile
      if (lane == 0) {
        put(n, kItemBegin - c.item);
        c.seg = offsets[v];
        c.seg_end = offsets[v + 1];
        c.done = 0;
        c.open = 1;
      }
      __syncwarp();
      ++n;
    }
    int seg = c.seg, done = c.done;
    const int seg_end = c.seg_end;
    while (seg < seg_end && n < kWalkCap) {
      const int first = segments[2 * seg], count = segments[2 * seg + 1];
      const int m = min(count - done, kWalkCap - n);
      for (int j = lane; j < m; j += 32) put(n + j, first + 2 * (done + j));
      n += m;
      done += m;
      if (done == count) ++seg, done = 0;
    }
    __syncwarp();
    if (lane == 0) c.seg = seg, c.done = done;
    __syncwarp();
    if (n == kWalkCap) break; // the chunk is full; the item may go on in the next one
    if (lane == 0) {
      put(n, kTileEnd);
      c.n += 1;
      c.item = p.item_counter ? kDrawNext : persistent_item(c.n, items);
      c.open = 0;
    }
    __syncwarp();
    ++n;
  }
  const int rest = c.item == kDrawNext ? kChunkRest : -1;
  for (int i = n + lane; i < kWalkCap; i += 32) put(i, rest);
  __syncwarp();
  // The producer reads on to the -1 after the last item's kTileEnd: a stream whose last entry
  // fills its chunk goes on into one more chunk, of -1 only.
  return rest == -1 && n < kWalkCap;
}

// Row r of share s of split tile i (FwdParams::share_o, share_lse).
__device__ __forceinline__ int64_t share_row(const FwdParams& p, int i, int s, int b, int h,
                                             int block_m, int r) {
  return (((static_cast<int64_t>(i) * p.max_shares + s) * p.batch + b) * p.heads + h) * block_m + r;
}

// Work item `item` -> (query tile, head, batch) with its share code in `split` (-1: not a
// share), and its work tile of the walk table in `v` (work_item's tile).
__device__ __forceinline__ BlockWork table_work(const FwdParams& p, int item, int& v) {
  BlockWork w = work_item<false>(p, item);
  v = w.q_tile;
  const int* tiles = p.walk_table + p.num_q_tiles + 1;
  w.split = tiles[2 * v + 1];
  w.q_tile = tiles[2 * v];
  return w;
}
__device__ __forceinline__ BlockWork table_work(const FwdParams& p, int item) {
  int v;
  return table_work(p, item, v);
}

template <class Mask, class Elem, int HeadDim, int BlockM, int BlockN, int Warps, int Stages>
__device__ __forceinline__ void fwd(const FwdParams& p, const TmaMaps& maps, char* smem_raw) {
  using Shape = FwdShape<HeadDim, BlockM, BlockN, Warps, Stages>;
  using Ops = sm80::ElemOps<Elem>;
  constexpr int kCB = Shape::kColBlocks;
  constexpr int kNT = BlockN / 8;  // 8-key column tiles of S
  constexpr int kDT = HeadDim / 8; // 8-wide column tiles of O
  constexpr bool kTable = MaskFromTable<Mask>::value;
  static_assert(
      4 * 2 * kWalkCap + sizeof(StreamCursor) + 2 * sizeof(BlockWork) + 44 * Stages + 48 <= 2048,
      "fwd_sm90: static shared memory past the 2 KiB that check_config reserves");

  // The walk stream's ring: chunk slot s holds entries [s kWalkCap, (s + 1) kWalkCap).
  __shared__ int ring[2 * kWalkCap];
  __shared__ StreamCursor cursor;
  // K and V of a stage complete and are released apart: a consumer is done with K_j as soon as
  // S_j is, while V_j stays in use until the next iteration's P V.
  __shared__ __align__(8) uint64_t full_k[Stages], full_v[Stages];
  __shared__ __align__(8) uint64_t empty_k[Stages], empty_v[Stages];
  // The Q tile of the current work item: loaded (q_full), no longer read (q_empty). The
  // coordinates of the block's item n are in q_work[n % 2] (q_tile -1: no item left), where they
  // stay through the item's O store while the next item's go in beside them.
  __shared__ __align__(8) uint64_t q_full, q_empty;
  __shared__ BlockWork q_work[2];
  // Walk-list chunk slot s: filled (walk_bar[s]), read by the producer (walk_free[s]).
  __shared__ __align__(8) uint64_t walk_bar[2], walk_free[2];
  __shared__ int stage_entry[Stages];
  // The number of the entry's work item in the block's schedule (its coordinates are
  // item_work(item)): the consumers read the item's coordinates through it rather than hold them
  // in registers across the key loop.
  __shared__ int stage_item[Stages];
  // Mask-free kernels: the number of the stage's PARTIAL tile in the keep bits.
  __shared__ int stage_keep[Stages];

  // Tiles: Q, then Stages K tiles, then Stages V tiles; column block c of a tile of R rows sits
  // at c * R * 128 bytes from its start.
  const uint32_t base = (sm80::smem_addr(smem_raw) + 1023u) & ~1023u;
  const uint32_t sQ = base;
  const uint32_t sK = sQ + Shape::kQBytes;
  const uint32_t sV = sK + Stages * Shape::kTileBytes;

  const int tid = threadIdx.x;
  const int wg = tid / 128;
  // Work items: (query tile rank, head, batch); the runtime launches at most one block per
  // item, and each block loops over its share: item b first, then those of its schedule
  // (persistent_item, or draw_item with FwdParams::item_counter).
  const int items = p.num_q_tiles * p.heads * p.batch;
  const int seq_k = p.seq_k;
  const Mask mask(reinterpret_cast<const long long*>(p.mask_params));
  const int first_item = persistent_item(0, items);
  if (first_item < 0) return; // a launch wider than the work

  // The coordinates of the block's item n: q_work's slot rule, for the producer and the
  // consumers alike.
  auto item_work = [&](int n) -> BlockWork& { return q_work[n & 1]; };
  // The Q tile of work item `w`, the block's n-th, into shared memory, completing q_full; `w`
  // goes to item_work(n) (the arrive on q_full releases it to the consumers).
  auto load_q = [&](const BlockWork& w, int n) {
    const uint32_t bar = sm80::smem_addr(&q_full);
    item_work(n) = w;
    mbar_expect_tx(bar, Shape::kQBytes);
#pragma unroll
    for (int c = 0; c < kCB; ++c)
      tma_load(sQ + c * BlockM * 128, maps.q, c * 64, w.q_tile * BlockM, w.head, w.batch, bar);
  };

  if (tid == 0) {
    for (int s = 0; s < Stages; ++s) {
      mbar_init(sm80::smem_addr(&full_k[s]), 1);
      mbar_init(sm80::smem_addr(&full_v[s]), 1);
      mbar_init(sm80::smem_addr(&empty_k[s]), Shape::kConsumers * 4);
      mbar_init(sm80::smem_addr(&empty_v[s]), Shape::kConsumers * 4);
    }
    mbar_init(sm80::smem_addr(&q_full), 1);
    mbar_init(sm80::smem_addr(&q_empty), Shape::kConsumers * 4);
    mbar_init(sm80::smem_addr(&walk_bar[0]), 1);
    mbar_init(sm80::smem_addr(&walk_bar[1]), 1);
    mbar_init(sm80::smem_addr(&walk_free[0]), 1);
    mbar_init(sm80::smem_addr(&walk_free[1]), 1);
    // The copy engine (the async proxy) must see the initialized barriers.
    asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
    asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
    tma_prefetch_map(maps.q);
    tma_prefetch_map(maps.k);
    tma_prefetch_map(maps.v);
    load_q(table_work(p, first_item), 0);
    cursor.n = 0;
    cursor.item = first_item;
    cursor.open = 0;
  }
  __syncthreads();

  if (wg == 0) {
    // ---- producer ----
    regs_dec<Shape::kProducerRegs>();
    if (tid >= 64) return;
    if (tid >= 32) {
      // Warp 1 fills the walk stream from the walk table, chunk f into slot
      // f % 2 once the producer has read chunk f - 2 there, until the stream's -1 is written.
      const int lane = tid - 32;
      bool ended = false;
#pragma unroll 1
      for (int f = 0; !ended; ++f) {
        if (f >= 2) mbar_wait(sm80::smem_addr(&walk_free[f % 2]), ((f - 2) / 2) & 1);
        ended = fill_stream(ring, cursor, p, items, (f % 2) * kWalkCap, lane);
        __threadfence_block();
        __syncwarp();
        if (lane == 0) mbar_arrive(sm80::smem_addr(&walk_bar[f % 2]));
      }
      return;
    }
    const int lane = tid;
    int n = -1;  // the work item in progress, by its number in this block's schedule
    BlockWork w; // its coordinates
    // Mask-free kernels: the number of the item's next PARTIAL tile in the keep bits.
    int keep = 0;
    bool q_pending = false; // item n's Q is not loaded yet
    int it = 0;             // stage position: the stream entries that take a stage
#pragma unroll 1
    for (int pos = 0;; ++pos) {
      // Entry `pos` lives in chunk f = pos / kWalkCap, slot f % 2: the (f / 2)-th completion
      // of that slot's barrier.
      const int f = pos / kWalkCap;
      if (pos % kWalkCap == 0) mbar_wait(sm80::smem_addr(&walk_bar[f % 2]), (f / 2) & 1);
      const int e = ring[pos % (2 * kWalkCap)];
      if ((e == kChunkRest || pos % kWalkCap == kWalkCap - 1) && lane == 0)
        mbar_arrive(sm80::smem_addr(&walk_free[f % 2])); // chunk read
      if (e == kChunkRest) {
        pos = f * kWalkCap + kWalkCap - 1;
        continue;
      }
      if (e == -1) {
        // No item left: once every consumer warp is past the last S of item n (so is done with
        // item n - 1's coordinates), item_work(n + 1) says so and q_full completes with no copy.
        mbar_wait(sm80::smem_addr(&q_empty), n & 1);
        if (lane == 0) {
          item_work(n + 1).q_tile = -1;
          mbar_arrive(sm80::smem_addr(&q_full));
        }
        break;
      }
      if (e <= kItemBegin) {
        int v; // the work tile
        w = table_work(p, kItemBegin - e, v);
        if (kTable) keep = p.keep_base[v];
        q_pending = ++n > 0; // item 0's Q went in before the roles split
        // Its Q goes into shared memory only once every consumer is past the last S of the
        // item before; meanwhile it comes from DRAM into L2.
        if (q_pending && lane == 0) {
#pragma unroll
          for (int c = 0; c < kCB; ++c)
            tma_prefetch_l2(maps.q, c * 64, w.q_tile * BlockM, w.head, w.batch);
        }
        continue;
      }
      const int s = it % Stages;
      // Wait until every consumer warp released the stage's previous K (then V) tile: the first
      // pass over the ring finds the barriers in their initial phase and passes at once. An
      // entry with no tile (kTileEnd) still takes the stage's K and V phases, so that the
      // parity of stage s is always that of it / Stages.
      const int parity = ((it / Stages) & 1) ^ 1;
      mbar_wait(sm80::smem_addr(&empty_k[s]), parity);
      const int k0 = (e >> 1) * BlockN;
      const int kv_head = w.head / p.kv_group;
      if (lane == 0) {
        stage_entry[s] = e;
        stage_item[s] = n;
        if (kTable && e >= 0 && (e & 1) != 0) stage_keep[s] = keep++;
        const uint32_t bar = sm80::smem_addr(&full_k[s]);
        if (e >= 0) {
          mbar_expect_tx(bar, Shape::kTileBytes);
#pragma unroll
          for (int c = 0; c < kCB; ++c)
            tma_load(sK + s * Shape::kTileBytes + c * BlockN * 128, maps.k, c * 64, k0, kv_head,
                     w.batch, bar);
        } else {
          mbar_arrive(bar); // no copies: the entry alone completes the phase
        }
      }
      // The next item's Q goes in once every consumer warp is past the last S of the previous
      // one, which happens before the previous item's V tiles are released: this wait comes
      // after the first K tile of the item is on its way, and before any wait on a V stage.
      if (q_pending) {
        mbar_wait(sm80::smem_addr(&q_empty), (n - 1) & 1);
        if (lane == 0) load_q(w, n);
        q_pending = false;
      }
      mbar_wait(sm80::smem_addr(&empty_v[s]), parity);
      if (lane == 0) {
        const uint32_t bar = sm80::smem_addr(&full_v[s]);
        if (e >= 0) {
          mbar_expect_tx(bar, Shape::kTileBytes);
#pragma unroll
          for (int c = 0; c < kCB; ++c)
            tma_load(sV + s * Shape::kTileBytes + c * BlockN * 128, maps.v, c * 64, k0, kv_head,
                     w.batch, bar);
        } else {
          mbar_arrive(bar);
        }
      }
      ++it;
    }
    return;
  }

  // ---- consumers ----
  regs_inc<Shape::kConsumerRegs>();
  const int cw = wg - 1;             // consumer index: rows [64 cw, 64 cw + 64) of the tile
  const int warp = (tid % 128) / 32; // warp within the warpgroup: 16 of those rows
  const int lane = tid % 32;
  const int g = lane / 4;
  const int t = lane % 4;
  const int warp_row0 = cw * 64 + warp * 16;
  const float scale_log2 = p.scale_log2;
  const int q_offset = p.q_offset;
  // Q rows of this warpgroup: 64 rows into each column block.
  const uint32_t sQw = sQ + cw * 64 * 128;

  float o[HeadDim / 2];
  float row_max[2], row_sum[2];

  // S = Q K^T: HeadDim / 16 steps of 16 columns; a step's 32 bytes sit inside one 128-byte
  // swizzle row, so it starts 32 bytes further into the same column block.
  auto issue_qk = [&](float(&sc)[BlockN / 2], uint32_t sKs) {
    wgmma_fence();
#pragma unroll
    for (int ks = 0; ks < HeadDim / 16; ++ks) {
      const uint32_t off = (ks % 4) * 32;
      const uint64_t da = smem_desc(sQw + (ks / 4) * BlockM * 128 + off, 16, 1024);
      const uint64_t db = smem_desc(sKs + (ks / 4) * BlockN * 128 + off, 16, 1024);
      Wgmma<Elem, BlockN>::ss(sc, da, db, ks > 0);
    }
    wgmma_commit();
  };
  // O += P V: BlockN / 16 steps of 16 keys; a step's 16 rows of 128 bytes are 2048 bytes into
  // every column block, and column blocks sit BlockN * 128 bytes apart (the leading dimension
  // offset of an MN-major operand).
  auto issue_pv = [&](const uint32_t(&pa)[BlockN / 16][4], uint32_t sVs) {
    wgmma_fence();
#pragma unroll
    for (int kk = 0; kk < BlockN / 16; ++kk) {
      const uint64_t db = smem_desc(sVs + kk * 2048, BlockN * 128, 1024);
      Wgmma<Elem, HeadDim>::rs(o, pa[kk], db, 1);
    }
    wgmma_commit();
  };
  // P is read by the tensor cores after the instruction that names it: keep its registers
  // live (and unwritten) until the product is waited for.
  auto hold = [](uint32_t(&pa)[BlockN / 16][4]) {
#pragma unroll
    for (int k = 0; k < BlockN / 16; ++k)
#pragma unroll
      for (int i = 0; i < 4; ++i) asm volatile("" : "+r"(pa[k][i])::"memory");
  };
  // Element mask: PARTIAL tiles ask the mask; FULL tiles only cut keys past the end. The keep
  // bits come first, from a loop over the 8-key column tiles that is not unrolled (the mask's
  // code once rather than once per element: NVRTC's compile time follows the code size), then
  // one select per element. Bit 2n + e of a row's word keeps key column 8n + 2t + e; the loop
  // runs from the last column down so that each bit goes in with a shift by one, and the words
  // are 32-bit up to 128-key tiles.
  // A mask-free kernel has the keep words of PARTIAL tiles loaded already (fetch_keep, `kept`);
  // the sequence bound is in them.
  static_assert(2 * kNT <= 64, "fwd_sm90: keep bits of a row fit one 64-bit word");
  using Keep = typename KeepWord<2 * kNT <= 32>::Type;
  auto mask_tile = [&](float(&sc)[BlockN / 2], int cur, int it, const Keep(&kept)[2]) {
    const int k0 = (cur >> 1) * BlockN;
    const bool partial = (cur & 1) != 0;
    if (partial || k0 + BlockN > seq_k) {
      // Row h of this thread: q + 8 h.
      const int row0 = item_work(stage_item[it % Stages]).q_tile * BlockM;
      const int q = row0 + warp_row0 + g + q_offset;
      Keep keep0 = 0, keep1 = 0;
      if (kTable && partial) {
        keep0 = kept[0];
        keep1 = kept[1];
      } else {
#pragma unroll 1
        for (int n = kNT - 1; n >= 0; --n) {
#pragma unroll
          for (int e = 1; e >= 0; --e) {
            const int k = k0 + n * 8 + 2 * t + e;
            // Bitwise, not short-circuit: no branch per element.
            const bool in = k < seq_k;
            keep0 = keep0 << 1 | Keep(in & (!partial | mask.attend(q, k)));
            keep1 = keep1 << 1 | Keep(in & (!partial | mask.attend(q + 8, k)));
          }
        }
      }
#pragma unroll
      for (int n = 0; n < kNT; ++n)
#pragma unroll
        for (int e = 0; e < 2; ++e) {
          float& x0 = sc[n * 4 + e];
          float& x1 = sc[n * 4 + 2 + e];
          x0 = keep0 & (Keep(1) << (n * 2 + e)) ? x0 : sm80::neg_inf();
          x1 = keep1 & (Keep(1) << (n * 2 + e)) ? x1 : sm80::neg_inf();
        }
    }
  };
  // Mask-free kernels: the keep words of this thread's two rows of the PARTIAL tile `cur` at
  // stream position `it` (the producer wrote the tile's number beside the entry).
  auto fetch_keep = [&](int cur, int it, Keep(&kept)[2]) {
    if constexpr (kTable) {
      if (cur >= 0 && (cur & 1) != 0) {
        // 32-bit index: the runtime keeps the table under 2^31 words.
        const Keep* w = static_cast<const Keep*>(p.keep_bits) +
                        ((stage_keep[it % Stages] * BlockM + warp_row0 + g) * 4 + t);
        kept[0] = __ldg(w);
        kept[1] = __ldg(w + 8 * 4); // row + 8
      }
    }
  };
  // Online softmax in base 2 (as in the sm80 family). With `pa`, P goes straight into the A
  // fragments of O += P V as it is made (8-key tiles 2j and 2j + 1 of S form the j-th 16-key
  // step); with none, the probabilities replace S in place, in fp32, for pack_p once the
  // registers of the P in flight are free. The running sums are rescaled here; O's factor goes
  // to `alpha`, applied once the product in flight is done.
  // The A-fragment register of P that holds the pair of 8-key column tile n in row h.
  auto p_slot = [](uint32_t(*pa)[4], int n, int h) -> uint32_t& {
    return pa[n / 2][(n % 2) * 2 + h];
  };
  auto softmax = [&](float(&sc)[BlockN / 2], float(&alpha)[2], uint32_t(*pa)[4]) {
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      float mx = row_max[h];
#pragma unroll
      for (int n = 0; n < kNT; ++n) mx = fmaxf(mx, fmaxf(sc[n * 4 + h * 2], sc[n * 4 + h * 2 + 1]));
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
      alpha[h] = 1.f;
      if (mx != row_max[h]) {
        // exp2(-inf) = 0 covers a row's first attended key.
        alpha[h] = sm80::fast_exp2((row_max[h] - mx) * scale_log2);
        row_sum[h] *= alpha[h];
        row_max[h] = mx;
      }
      const float base_h = mx == sm80::neg_inf() ? 0.f : mx * scale_log2;
      float sum = 0.f;
#pragma unroll
      for (int n = 0; n < kNT; ++n) {
        const float p0 = sm80::fast_exp2(sc[n * 4 + h * 2] * scale_log2 - base_h);
        const float p1 = sm80::fast_exp2(sc[n * 4 + h * 2 + 1] * scale_log2 - base_h);
        sum += p0 + p1;
        if (pa != nullptr) {
          p_slot(pa, n, h) = Ops::pack(p0, p1);
        } else {
          sc[n * 4 + h * 2] = p0;
          sc[n * 4 + h * 2 + 1] = p1;
        }
      }
      row_sum[h] += sum;
    }
  };
  auto pack_p = [&](const float(&sc)[BlockN / 2], uint32_t(&pa)[BlockN / 16][4]) {
#pragma unroll
    for (int n = 0; n < kNT; ++n)
#pragma unroll
      for (int h = 0; h < 2; ++h)
        p_slot(pa, n, h) = Ops::pack(sc[n * 4 + h * 2], sc[n * 4 + h * 2 + 1]);
  };
  auto rescale = [&](const float(&alpha)[2]) {
#pragma unroll
    for (int h = 0; h < 2; ++h)
      if (alpha[h] != 1.f)
#pragma unroll
        for (int d = 0; d < kDT; ++d) {
          o[d * 4 + h * 2] *= alpha[h];
          o[d * 4 + h * 2 + 1] *= alpha[h];
        }
  };
  // This warp is done with the K (or V) tile of stage s, or with the Q tile.
  auto release = [&](uint64_t* bar) {
    __syncwarp();
    mbar_arrive_warp(sm80::smem_addr(bar));
  };
  // O += P V with the V tile of stream position `pos`, waited for to the end; then that V tile
  // is released.
  auto pv_to_end = [&](uint32_t(&pa)[BlockN / 16][4], int pos) {
    const int vs = pos % Stages;
    mbar_wait(sm80::smem_addr(&full_v[vs]), (pos / Stages) & 1);
    issue_pv(pa, sV + vs * Shape::kTileBytes);
    wgmma_wait<0>();
    fence_regs(o);
    hold(pa);
    release(&empty_v[vs]);
  };
  // The stream entry at position `it`, once its stage is loaded (its K tile; V apart).
  auto entry_at = [&](int it) {
    mbar_wait(sm80::smem_addr(&full_k[it % Stages]), (it / Stages) & 1);
    return stage_entry[it % Stages];
  };
  // A kTileEnd entry at position `it` took a stage with no tile: hand both halves back. Returns
  // the number of the item it ends.
  auto pass_end = [&](int it) {
    const int s = it % Stages;
    const int item = stage_item[s];
    release(&empty_k[s]);
    mbar_wait(sm80::smem_addr(&full_v[s]), (it / Stages) & 1);
    release(&empty_v[s]);
    return item;
  };

  int it = 0; // stream position, continued across work items
  // The work item in progress, by its number in this block's schedule: read at the item's start,
  // then again from its kTileEnd stage, so that no register holds it through the key loop.
  int n = 0;
#pragma unroll 1
  for (;; ++n) {
    mbar_wait(sm80::smem_addr(&q_full), n & 1);
    if (item_work(n).q_tile < 0) break; // no item left
#pragma unroll
    for (int i = 0; i < HeadDim / 2; ++i) o[i] = 0.f;
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      row_max[h] = sm80::neg_inf();
      row_sum[h] = 0.f;
    }

    if constexpr (!Shape::kOverlap) {
      // One tile at a time: S, softmax, then P V. At head dim 64 the products are short; with
      // 128-key tiles this order measured level with the overlapped loop below on dense masks
      // and ahead on windows and chunks (probe, persistent: window 241 against 225, chunk 174
      // against 160 TFLOP/s); with 192-key tiles the overlapped loop is ahead (full 432
      // against 406).
      for (;; ++it) {
        const int s = it % Stages;
        const int cur = entry_at(it);
        if (cur < 0) {
          release(&q_empty);
          n = pass_end(it++);
          break;
        }
        Keep kept[2] = {0, 0};
        fetch_keep(cur, it, kept);
        float sc[BlockN / 2];
        issue_qk(sc, sK + s * Shape::kTileBytes);
        wgmma_wait<0>();
        fence_regs(sc);
        release(&empty_k[s]);
        mask_tile(sc, cur, it, kept);
        uint32_t pa[BlockN / 16][4];
        float alpha[2];
        softmax(sc, alpha, pa);
        rescale(alpha);
        pv_to_end(pa, it);
      }
    } else {
      const int first = entry_at(it);
      if (first < 0) {
        release(&q_empty);
        n = pass_end(it++);
      } else {
        // S of the newest tile, then its probabilities in fp32 until the P V before it is done;
        // P of the tile before, read by that product.
        float sc[BlockN / 2];
        uint32_t pa[BlockN / 16][4];
        float alpha[2];
        {
          Keep kept[2] = {0, 0};
          fetch_keep(first, it, kept);
          issue_qk(sc, sK + (it % Stages) * Shape::kTileBytes);
          wgmma_wait<0>();
          fence_regs(sc);
          release(&empty_k[it % Stages]);
          mask_tile(sc, first, it, kept);
          softmax(sc, alpha, pa); // O is still zero: nothing to rescale
        }
        int prev = it++; // stream position of the tile whose P is in pa
        // Tile `cur` at stream position `pos`: its S issued beside P V of the tile at `pv_pos`,
        // waited for (that P V may still run), then masked and turned into probabilities in
        // fp32 (P once the P V in flight is done).
        auto next_tile = [&](int cur, int pos, int pv_pos, const Keep(&kept)[2]) {
          const int s = pos % Stages;
          const int ps = pv_pos % Stages;
          mbar_wait(sm80::smem_addr(&full_v[ps]), (pv_pos / Stages) & 1);
          issue_qk(sc, sK + s * Shape::kTileBytes);
          issue_pv(pa, sV + ps * Shape::kTileBytes);
          wgmma_wait<1>(); // S of this tile is done; P V of the previous one may still run
          fence_regs(sc);
          release(&empty_k[s]);
          mask_tile(sc, cur, pos, kept);
          softmax(sc, alpha, nullptr);
        };
        // The P V in flight (of the tile at stream position `pos`) waited for; then the newest
        // tile's probabilities become P, in the registers that product was reading.
        auto pv_done = [&](int pos) {
          wgmma_wait<0>();
          fence_regs(o);
          hold(pa);
          release(&empty_v[pos % Stages]);
          rescale(alpha);
          pack_p(sc, pa);
        };
        if constexpr (Shape::kWaitPvInTile) {
          // The P V issued with a tile's S is waited for in the same iteration, after that
          // tile's softmax (the fence on S keeps the wait below it): every iteration issues
          // one and waits for it, and the item ends with none in flight.
          for (;; ++it) {
            const int cur = entry_at(it);
            if (cur < 0) {
              release(&q_empty);
              break;
            }
            Keep kept[2] = {0, 0};
            fetch_keep(cur, it, kept);
            next_tile(cur, it, prev, kept);
            fence_regs(sc);
            pv_done(prev);
            prev = it;
          }
        } else {
          int in_flight = -1; // stream position of the tile whose P V is in flight, if any
          for (;; ++it) {
            const int cur = entry_at(it);
            // The item's end: its last S is done (the previous iteration waited for it), so the
            // producer may load the next item's Q now, while the last P V runs.
            if (cur < 0) release(&q_empty);
            Keep kept[2] = {0, 0};
            fetch_keep(cur, it, kept);
            // The P V issued by the previous iteration is waited for here, behind this tile's
            // barrier wait (another basic block), so that the instruction scheduler cannot hoist
            // the wait above the softmax it is meant to overlap.
            if (in_flight >= 0) pv_done(in_flight);
            if (cur < 0) break;
            next_tile(cur, it, prev, kept);
            in_flight = prev;
            prev = it;
          }
        }
        pv_to_end(pa, prev);
        n = pass_end(it++);
      }
    }

    // Epilogue: normalize and store this thread's O pairs and its rows' natural-log LSE. A row
    // with no attended key has sum 0: O = 0 and LSE = -inf, never NaN.
    const BlockWork& work = item_work(n);
    const int row0 = work.q_tile * BlockM;
    float inv[2], lse2[2]; // 1 / the row's sum, and its base-2 LSE
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      float sum = row_sum[h];
      sum += __shfl_xor_sync(0xffffffffu, sum, 1);
      sum += __shfl_xor_sync(0xffffffffu, sum, 2);
      inv[h] = sum > 0.f ? 1.f / sum : 0.f;
      lse2[h] = sum > 0.f ? row_max[h] * scale_log2 + __log2f(sum) : sm80::neg_inf();
    }
    if (work.split >= 0) {
      // A share of a split tile: its normalized O and LSE go to the workspace, for the share
      // merge entry (merge_shares).
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const int64_t i = share_row(p, work.split >> 10, work.split & 31, work.batch, work.head,
                                    BlockM, warp_row0 + g + h * 8);
        float* so = p.share_o + i * HeadDim + 2 * t;
#pragma unroll
        for (int d = 0; d < kDT; ++d)
          *reinterpret_cast<float2*>(so + d * 8) =
              make_float2(o[d * 4 + h * 2] * inv[h], o[d * 4 + h * 2 + 1] * inv[h]);
        if (t == 0) p.share_lse[i] = lse2[h];
      }
      continue; // merged by the merge entry
    }
    // A quad of threads holds a row's 8-column tiles, 2 columns each; a 4 x 4 transpose inside
    // the quad (two exchanges by shuffle) gives thread t all 8 columns of tile 4 b + t, so the
    // row goes out in 16-byte stores (rows start on 16-byte boundaries: check_problem.cpp), a
    // quarter of the store instructions of 4-byte ones.
    static_assert(kDT % 4 == 0, "fwd_sm90: O is stored in groups of four 8-column tiles");
    const int rows = min(BlockM, p.seq_q - row0);
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int r = warp_row0 + g + h * 8;
      Elem* gO = static_cast<Elem*>(p.o) + work.batch * p.o_stride_b + work.head * p.o_stride_h +
                 static_cast<int64_t>(row0 + r) * p.o_stride_s + 8 * t;
#pragma unroll
      for (int b = 0; b < kDT / 4; ++b) {
        uint32_t w[4]; // w[j]: this thread's 2 columns of tile 4 b + j
#pragma unroll
        for (int j = 0; j < 4; ++j) {
          const int d = 4 * b + j;
          w[j] = Ops::pack(o[d * 4 + h * 2] * inv[h], o[d * 4 + h * 2 + 1] * inv[h]);
        }
        // Exchange bit 1 of the thread, then bit 0: afterwards w[i] holds thread i's columns
        // of tile 4 b + t. Every lane shuffles (a row past the end only skips the store).
#pragma unroll
        for (int m = 2; m >= 1; m /= 2) {
          const bool up = (t & m) != 0;
#pragma unroll
          for (int j = 0; j < 4; ++j) {
            if (j & m) continue;
            const uint32_t got = __shfl_xor_sync(0xffffffffu, up ? w[j] : w[j + m], m);
            w[j] = up ? got : w[j];
            w[j + m] = up ? w[j + m] : got;
          }
        }
        if (r < rows) *reinterpret_cast<uint4*>(gO + 32 * b) = make_uint4(w[0], w[1], w[2], w[3]);
      }
      if (r < rows && p.lse != nullptr && t == 0)
        p.lse[(static_cast<int64_t>(work.batch) * p.heads + work.head) * p.seq_q + row0 + r] =
            lse2[h] * 0.6931471805599453f;
    }
  }
}

// The share merge entry: one warp per row of a split tile, each lane owning HeadDim / 32
// consecutive columns. Grid: (ceil(share_tiles * BlockM / Warps), heads, batch). Share s weighs
// 2^(lse_s - max lse); the merged row is the weighted mean of the shares' rows, its LSE the log
// of the summed weights plus the max.
template <int HeadDim, int BlockM, class Elem, int Warps>
__device__ __forceinline__ void merge_shares(const FwdParams& p) {
  using Ops = sm80::ElemOps<Elem>;
  constexpr int kCols = HeadDim / 32;
  const int item = blockIdx.x * Warps + threadIdx.x / 32; // split tile * BlockM + row
  const int lane = threadIdx.x % 32;
  const int h = blockIdx.y, b = blockIdx.z;
  if (item >= p.share_tiles * BlockM) return;
  const int i = item / BlockM, r = item % BlockM;
  // The split tiles' list ends the walk table: offsets, work tiles, runs, then (tile, shares).
  const int v = p.num_q_tiles;
  const int* split = p.walk_table + 3 * v + 1 + 2 * p.walk_table[v] + 2 * i;
  const int row = split[0] * BlockM + r, shares = split[1];
  if (row >= p.seq_q) return;
  const int64_t at0 = share_row(p, i, 0, b, h, BlockM, r);
  const int64_t step = static_cast<int64_t>(p.batch) * p.heads * BlockM; // share s -> s + 1
  float mx = sm80::neg_inf(), wsum = 0.f;
#pragma unroll 1
  for (int s = 0; s < shares; ++s) mx = fmaxf(mx, p.share_lse[at0 + s * step]);
  float acc[kCols];
#pragma unroll
  for (int c = 0; c < kCols; ++c) acc[c] = 0.f;
#pragma unroll 1
  for (int s = 0; s < shares; ++s) {
    const float l = p.share_lse[at0 + s * step];
    // A share with no key has LSE -inf and zeros: weight 0.
    const float w = l == sm80::neg_inf() ? 0.f : sm80::fast_exp2(l - mx);
    wsum += w;
    const float* src = p.share_o + (at0 + s * step) * HeadDim + lane * kCols;
#pragma unroll
    for (int c = 0; c < kCols; c += 2) {
      const float2 x = *reinterpret_cast<const float2*>(src + c);
      acc[c] += w * x.x;
      acc[c + 1] += w * x.y;
    }
  }
  const float inv = wsum > 0.f ? 1.f / wsum : 0.f;
  Elem* dst = static_cast<Elem*>(p.o) + b * p.o_stride_b + h * p.o_stride_h +
              static_cast<int64_t>(row) * p.o_stride_s + lane * kCols;
#pragma unroll
  for (int c = 0; c < kCols; c += 2)
    *reinterpret_cast<uint32_t*>(dst + c) = Ops::pack(acc[c] * inv, acc[c + 1] * inv);
  if (p.lse != nullptr && lane == 0)
    p.lse[(static_cast<int64_t>(b) * p.heads + h) * p.seq_q + row] =
        wsum > 0.f ? (mx + __log2f(wsum)) * 0.6931471805599453f : sm80::neg_inf();
}

} // namespace sm90
} // namespace attnjit
