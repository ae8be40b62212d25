// The walk list of the sm80 family: which key tiles a query tile visits, built on the device
// from the mask's key ranges and block classifier; and the block -> work-item decoding of the
// launch grid (heaviest query tiles first) that both families share. The sm90 family copies its
// walk from a table the runtime builds on the host instead (runtime/walk_table.h).
#pragma once

#include "fwd_params.cuh"
#include "split_kv.cuh"

namespace attnjit {

enum : int { kEmpty = 0, kPartial = 1, kFull = 2 };

// The walk list of one query tile: the key tiles the block visits, in order, each tagged FULL or
// PARTIAL (EMPTY tiles never appear). Warp 0 builds it before the main loop from the mask's key
// ranges and block classifier, so that the hot loop reads one shared-memory word per key tile
// and keeps none of the mask's analysis state in registers. The list is a ring of two chunks of
// kCap entries: warp 0 refills the chunk behind the compute position every kCap tiles, so its
// size does not grow with the sequence length.
template <int Ranges, int Cap> struct WalkList {
  static_assert(Cap % 32 == 0 && (Cap & (Cap - 1)) == 0,
                "walk list: chunk must be a power of two holding whole warp rounds");
  int tile_lo[Ranges], tile_hi[Ranges]; // merged, clipped key-tile ranges
  int count;                            // number of ranges
  int r, t;                             // refill cursor: next candidate tile t of range r
  int entry[2 * Cap];                   // tile * 2 + (PARTIAL ? 1 : 0); -1 past the end
};

// Entries per walk-list chunk: 128 covers 16k keys with 128-key tiles without a refill and keeps
// the ring at 1 KiB of static shared memory.
constexpr int kWalkCap = 128;

template <class Mask, int BlockN>
__device__ __forceinline__ int tile_class(const Mask& mask, long long q0, long long q1, int t,
                                          int seq_k) {
  const long long k0 = static_cast<long long>(t) * BlockN;
  const long long k1 = k0 + BlockN - 1 < seq_k - 1 ? k0 + BlockN - 1 : seq_k - 1;
  return mask.classify(q0, q1, k0, k1);
}

// One warp appends walk entries from the refill cursor at list positions [base + n, base + Cap):
// each lane classifies one candidate tile per round and a ballot compacts the non-EMPTY ones in
// order. Stops when the chunk is full or the ranges are exhausted; returns the new n and leaves
// the cursor at the first tile not yet written. Called by all 32 lanes of one warp.
template <class Mask, int BlockN, int Ranges, int Cap>
__device__ __forceinline__ int walk_entries(WalkList<Ranges, Cap>& w, const Mask& mask,
                                            long long q0, long long q1, int seq_k, int base, int n,
                                            int lane) {
  const int count = w.count;
  int r = w.r, t = w.t;
  while (n < Cap && r < count) {
    // This lane's candidate: the lane-th tile at or after (r, t) across the ranges.
    int cr = r, ct = t + lane;
    while (cr < count && ct > w.tile_hi[cr]) {
      const int over = ct - w.tile_hi[cr] - 1;
      if (++cr < count) ct = w.tile_lo[cr] + over;
    }
    const int cls = cr < count ? tile_class<Mask, BlockN>(mask, q0, q1, ct, seq_k) : kEmpty;
    const unsigned keep = __ballot_sync(0xffffffffu, cls != kEmpty);
    const int pos = n + __popc(keep & ((1u << lane) - 1u));
    if (cls != kEmpty && pos < Cap)
      w.entry[(base + pos) % (2 * Cap)] = ct * 2 + (cls == kPartial ? 1 : 0);
    const unsigned spill = __ballot_sync(0xffffffffu, cls != kEmpty && pos >= Cap);
    if (spill) {
      // The chunk is full: resume at the first tile that did not fit.
      const int src = __ffs(spill) - 1;
      r = __shfl_sync(0xffffffffu, cr, src);
      t = __shfl_sync(0xffffffffu, ct, src);
      n = Cap;
    } else {
      n += __popc(keep);
      r = __shfl_sync(0xffffffffu, cr, 31);
      t = __shfl_sync(0xffffffffu, ct, 31) + 1;
    }
  }
  __syncwarp();
  if (lane == 0) {
    w.r = r;
    w.t = t;
  }
  __syncwarp();
  return n;
}

// Warp 0 writes list entries [base, base + Cap) from the refill cursor; entries past the end of
// the walk are -1. Called by all 32 lanes of one warp.
template <class Mask, int BlockN, int Ranges, int Cap>
__device__ __forceinline__ void fill_walk(WalkList<Ranges, Cap>& w, const Mask& mask, long long q0,
                                          long long q1, int seq_k, int base, int lane) {
  const int n = walk_entries<Mask, BlockN>(w, mask, q0, q1, seq_k, base, 0, lane);
  for (int i = n + lane; i < Cap; i += 32) w.entry[(base + i) % (2 * Cap)] = -1;
  __syncwarp();
}

// Block index -> (query tile, head, batch). The launch grid is linear with the query tile's rank
// in the heaviest-first order as the slowest index, so every head's heaviest tiles start in the
// first wave, not only those of the first heads. Any grid shape with the same block count decodes
// to the same set of work items (the y and z extents are folded in), so an older launcher
// that still passes (tiles, heads, batch) stays correct and only loses the ordering.
struct BlockWork {
  int q_tile, head, batch, split;
};

// Work item `linear` -> (query tile, head, batch, split). General = false: the dense-batch
// variant, where q_pack and num_splits are 1 by contract.
template <bool General>
__device__ __forceinline__ BlockWork work_item(const FwdParams& p, long long linear) {
  // Shares of one split-KV tile sit between the rank and the (head, batch) unit, so the query
  // heads of one key/value group reading the same share run side by side and share L2.
  // In groups of FwdParams::unit_group units (item_coords).
  const int q_pack = General ? p.q_pack : 1;
  const ItemCoords c = item_coords(linear, p.heads / q_pack * p.batch, General ? p.num_splits : 1,
                                   p.num_q_tiles, p.unit_group);
  const int rank = c.rank, unit = c.unit;
  BlockWork w;
  w.split = c.split;
  w.head = unit % (p.heads / q_pack);
  w.batch = unit / (p.heads / q_pack);
  // The runtime's order if given, else the last tile (which under causal-like masks walks the
  // most keys) first.
  w.q_tile = p.tile_order ? p.tile_order[rank] : p.num_q_tiles - 1 - rank;
  return w;
}

template <bool General> __device__ __forceinline__ BlockWork block_work(const FwdParams& p) {
  return work_item<General>(p, blockIdx.x + static_cast<long long>(gridDim.x) *
                                                (blockIdx.y + gridDim.y * blockIdx.z));
}

// The persistent schedule (dense-batch variant): a launch of G blocks takes the work items in
// the order above (heaviest query tiles first) in rounds of G. Block b takes item n * G + b in
// even rounds n and n * G + G - 1 - b in odd ones, so the block that drew the heaviest item of
// one round draws the lightest of the next. -1 past the last item; the items a block gets are
// always its first few rounds.
__device__ __forceinline__ int persistent_item(int n, int items) {
  const int g = static_cast<int>(gridDim.x), b = static_cast<int>(blockIdx.x);
  const long long k = static_cast<long long>(n) * g + ((n & 1) ? g - 1 - b : b);
  return k < items ? static_cast<int>(k) : -1;
}

// The dynamic schedule (dense-batch variant, FwdParams::item_counter): the item after a
// block's first (item b) is gridDim.x + the counter's value before an atomic add; -1 past the
// last item. Every block draws until it gets -1, so a launch of G <= items blocks makes exactly
// `items` draws with values 0 .. items - 1: the draw of items - 1 is the launch's last, and
// sets the counter back to zero for the next launch on the stream. One thread calls it.
__device__ __forceinline__ int draw_item(int* counter, int items) {
  const int g = static_cast<int>(gridDim.x);
  if (g >= items) return -1; // one block per item: nothing to draw
  const int k = atomicAdd(counter, 1);
  if (k == items - 1) atomicExch(counter, 0);
  return g + k < items ? g + k : -1;
}

// One lane: the mask's key intervals for query positions [q0, q1] -> clipped, merged key-tile
// ranges in `w`, and the refill cursor at the first tile. With splits > 1 only the share
// `split` of the tiles stays (split-KV). The interval count is a small compile-time bound.
template <int BlockN, class Mask, int Ranges, int Cap>
__device__ __forceinline__ void
build_tile_ranges(WalkList<Ranges, Cap>& walk, const Mask& mask, long long q0, long long q1,
                  int seq_k, long long* range_lo, long long* range_hi, int splits, int split) {
  const int n = seq_k > 0 ? mask.key_ranges(q0, q1, range_lo, range_hi) : 0;
  int m = 0;
  for (int i = 0; i < n; ++i) {
    const long long lo = range_lo[i] < 0 ? 0 : range_lo[i];
    const long long hi = range_hi[i] > seq_k - 1 ? seq_k - 1 : range_hi[i];
    if (lo > hi) continue;
    const int tlo = static_cast<int>(lo / BlockN);
    const int thi = static_cast<int>(hi / BlockN);
    // Intervals arrive sorted, so a tile range can only touch the previous one.
    if (m > 0 && tlo <= walk.tile_hi[m - 1] + 1) {
      if (thi > walk.tile_hi[m - 1]) walk.tile_hi[m - 1] = thi;
    } else {
      walk.tile_lo[m] = tlo;
      walk.tile_hi[m] = thi;
      ++m;
    }
  }
  if (splits > 1) m = keep_split_share(walk.tile_lo, walk.tile_hi, m, splits, split);
  walk.count = m;
  walk.r = 0;
  walk.t = m > 0 ? walk.tile_lo[0] : 0;
}

} // namespace attnjit
