// Arguments of every forward-attention kernel, shared by the host runtime (which fills them) and
// the device templates (which read them). Plain C++ with fixed-width types only, so it compiles
// under NVRTC with no host headers and in host code with the same layout.
#pragma once

#ifdef ATTNJIT_NVRTC
// NVRTC compiles without host headers: spell the fixed-width types ourselves.
typedef long long int64_t;
typedef int int32_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
#else
#include <cstdint>
#endif

namespace attnjit {

// Mask parameters travel by value; a mask may name at most this many.
constexpr int kMaxMaskParams = 16;

struct FwdParams {
  // Tensors. Strides are in elements; the head dim is contiguous.
  const void* q;
  const void* k;
  const void* v;
  void* o;
  float* lse; // [batch, heads, seq_q] contiguous, natural log; may be null

  int64_t q_stride_b, q_stride_h, q_stride_s;
  int64_t k_stride_b, k_stride_h, k_stride_s;
  int64_t v_stride_b, v_stride_h, v_stride_s;
  int64_t o_stride_b, o_stride_h, o_stride_s;

  int32_t batch;
  int32_t heads;    // query heads
  int32_t kv_group; // heads / kv_heads: query heads that share one key/value head
  int32_t seq_q;
  int32_t seq_k;
  int32_t num_q_tiles; // ceil(seq_q / block_m)

  // Position of query row r is r + q_offset, with q_offset = seq_k - seq_q (bottom-right).
  int32_t q_offset;

  float scale_log2; // softmax scale * log2(e)
  float scale;      // softmax scale (natural), for the log-sum-exp

  // Order in which blocks take query tiles (heaviest first): num_q_tiles entries; null means
  // the kernel's own order (last tile first).
  const int32_t* tile_order;

  // The sm90 family's walk table (templates/fwd_sm90.cuh, runtime/walk_table.h): which key
  // tiles each work tile visits, FULL or PARTIAL, as runs of consecutive tiles of one class,
  // built on the host from the mask's key ranges and block classifier. A work tile is a query
  // tile, or one share of a split one; for the sm90 family num_q_tiles counts work tiles.
  // Words: num_q_tiles + 1 offsets into the runs; per work tile its query tile and share code
  // (-1, or split index << 10 | shares << 5 | share); per run (first entry, count), an entry
  // being key tile * 2 + 1 for PARTIAL, + 0 for FULL; per split tile (query tile, shares). Null
  // for the sm80 family, which builds its walk on the device.
  const int32_t* walk_table;

  // Mask parameter values, in the order of the mask's sorted parameter names.
  int64_t mask_params[kMaxMaskParams];

  // Split-KV (templates/split_kv.cuh). With num_splits > 1 each (query tile, head, batch) is
  // done by num_splits blocks, block s walking the s-th share of the tile's key tiles, and each
  // writes its normalized fp32 output and natural-log LSE to the workspace; the merge entry
  // then combines the shares by LSE into o and lse. Row index in the workspace: the row within
  // its sequence, below max_seq_q. num_splits == 1: the pointers are unused.
  int32_t num_splits;
  float* o_partial;   // [num_splits, batch, heads, max_seq_q, head_dim]
  float* lse_partial; // [num_splits, batch, heads, max_seq_q]

  // Variable-length batches (FlashAttention's varlen interface); each pointer may be null.
  // cu_seqlens_q / cu_seqlens_k ([batch + 1], non-decreasing from 0): sequence b holds rows
  // [cu[b], cu[b + 1]) of the sequence dim, seq_q / seq_k are the totals and the batch strides
  // are unused; the lse of a packed batch is [heads, seq_q]. seqused_k ([batch]): sequence b
  // uses only its first seqused_k[b] keys. The grid is sized by max_seq_q and blocks past a
  // sequence's end return at once. Positions are per sequence, bottom-right aligned.
  const int32_t* cu_seqlens_q;
  const int32_t* cu_seqlens_k;
  const int32_t* seqused_k;
  int32_t max_seq_q; // longest query sequence (seq_q when not packed)

  // GQA packing (decode): with q_pack = kv_group > 1 a block owns one key/value head and its
  // tile rows are the (position, query head) pairs of that group, row R being query head
  // kv_head * q_pack + R % q_pack at position R / q_pack, so K and V are read once per group.
  // 1 = off: a block owns one query head.
  int32_t q_pack;

  // Shares of split query tiles (sm90 family, runtime/walk_table.h): each share writes its
  // normalized O (fp32) and base-2 LSE per row here instead of into o and lse, and the share
  // merge entry then combines them. Row r of share s of split tile i, batch b, head h:
  // (((i * max_shares + s) * batch + b) * heads + h) * block_m + r. share_tiles = 0: none.
  float* share_o;   // [share_tiles, max_shares, batch, heads, block_m, head_dim]
  float* share_lse; // [share_tiles, max_shares, batch, heads, block_m]
  int32_t share_tiles;
  int32_t max_shares;

  // Keep bits of the sm90 mask-free kernel (fwd_sm90.cuh TableMask; runtime/keep_bits.h): the
  // element mask of every PARTIAL tile the walk table visits, built on the host. The PARTIAL
  // tiles are numbered work tile by work tile in walk order, keep_base[v] being work tile v's
  // first. Tile i holds block_m rows of 4 words, word t of row r at (i * block_m + r) * 4 + t:
  // bit 2 n + e of it keeps key column 8 n + 2 t + e (the columns thread t of a quad holds).
  // Words are 32-bit up to 128-key tiles, 64-bit for 192. Null for kernels with the mask inline.
  const void* keep_bits;
  const int32_t* keep_base;

  // Launch order by L2 footprint: work items go group by group of unit_group (head, batch)
  // units, rank-major (heaviest query tile first) inside a group, so that the blocks running
  // at one time read the keys and values of a few heads, which stay in L2. 0 (or at least the
  // number of units): one group, every unit's heaviest tile first.
  int32_t unit_group;

  // The dynamic schedule of a persistent sm90 launch (fwd_sm90.cuh): block b starts with work
  // item b and then draws the next from this counter (one int, zero before the launch and left
  // at zero by the launch's last draw), so a block that finishes early takes the next heaviest
  // item. Null: the static schedule (persistent_item).
  int32_t* item_counter;
};

// Work item `linear` of a launch over `ranks` query-tile ranks x `splits` shares x `units`
// (head, batch) units -> its coordinates, in FwdParams::unit_group's order: group by group of
// `group` units (the last group may be smaller; 0 or at least `units`: one group), and inside a
// group by rank, then share, then unit. Host and device code share it.
struct ItemCoords {
  int rank, unit, split;
};
inline ItemCoords item_coords(long long linear, int units, int splits, int ranks, int group) {
  if (group <= 0 || group > units) group = units;
  const long long per_group = static_cast<long long>(group) * splits * ranks;
  const int g = static_cast<int>(linear / per_group);
  const int in_group = units - g * group < group ? units - g * group : group;
  const long long at = linear - g * per_group;
  const long long per_rank = static_cast<long long>(in_group) * splits;
  ItemCoords c;
  c.rank = static_cast<int>(at / per_rank);
  c.split = static_cast<int>(at % per_rank / in_group);
  c.unit = g * group + static_cast<int>(at % per_rank % in_group);
  return c;
}

// Tensor maps of the sm90 family (fwd_sm90.cuh): one CUtensorMap each for Q, K and V, encoded
// on the host by cuTensorMapEncodeTiled and passed as the kernel's second __grid_constant__
// argument. Each is 4-D over (head dim, sequence, heads, batch) with the tensor's strides,
// 16-bit elements, a box of 64 head-dim columns x (block_m rows for Q, block_n rows for K and V)
// x 1 x 1, 128-byte swizzle and zero fill past the bounds.
struct alignas(64) TmaMap {
  uint64_t opaque[16]; // CUtensorMap: 128 opaque bytes, 64-byte aligned
};
struct TmaMaps {
  TmaMap q, k, v;
};

} // namespace attnjit
