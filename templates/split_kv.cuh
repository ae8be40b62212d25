// Split-KV and variable-length batches: the arithmetic shared by the forward kernels, the merge
// kernel and the host (tests compile this header on the CPU and check the merge against the fp64
// reference over key subsets).
//
// Split-KV: when the query tiles alone leave SMs idle (decode: one query tile per head), the key
// tiles a query tile walks are cut into num_splits shares of equal tile count, one block each.
// Cutting the walk list (not the key axis) keeps a sparse mask's skipped tiles skipped and gives
// each block the same number of tile loads. A share's normalized output O_s and its log-sum-exp
// L_s combine exactly: L = log(sum_s exp(L_s)), O = sum_s exp(L_s - L) O_s. A share that saw no
// key has L_s = -inf and weight 0; when every share is empty the row is zeros and -inf.
#pragma once

#include "fwd_params.cuh"

#ifdef ATTNJIT_NVRTC
#define ATTNJIT_HD __host__ __device__ __forceinline__
#else
#include <cmath>
#include <limits>
#define ATTNJIT_HD inline
#endif

namespace attnjit {

template <class T> ATTNJIT_HD T split_neg_inf() {
#ifdef ATTNJIT_NVRTC
  return static_cast<T>(__int_as_float(0xff800000u));
#else
  return -std::numeric_limits<T>::infinity();
#endif
}

template <class T> ATTNJIT_HD T split_exp(T x) {
#ifdef ATTNJIT_NVRTC
  return expf(x);
#else
  return std::exp(x);
#endif
}

template <class T> ATTNJIT_HD T split_log(T x) {
#ifdef ATTNJIT_NVRTC
  return logf(x);
#else
  return std::log(x);
#endif
}

// Share s of n walk entries cut into `splits` shares of equal count: entries [lo, hi). Shares
// differ by at most one entry; with more shares than entries some are empty.
struct SplitShare {
  int lo, hi;
};
ATTNJIT_HD SplitShare split_share(int n, int splits, int s) {
  SplitShare r;
  r.lo = static_cast<int>(static_cast<long long>(n) * s / splits);
  r.hi = static_cast<int>(static_cast<long long>(n) * (s + 1) / splits);
  return r;
}

// Keeps share `split` of the candidate key tiles in the merged ranges [lo[i], hi[i]] (in order,
// equal counts per share: split_share) and returns the number of ranges left. In place: range
// i only ever moves to an index at or below i.
ATTNJIT_HD int keep_split_share(int* lo, int* hi, int count, int splits, int split) {
  int total = 0;
  for (int i = 0; i < count; ++i) total += hi[i] - lo[i] + 1;
  const SplitShare share = split_share(total, splits, split);
  int pos = 0, m = 0;
  for (int i = 0; i < count; ++i) {
    const int len = hi[i] - lo[i] + 1;
    const int a = share.lo > pos ? share.lo - pos : 0;
    const int b = share.hi - pos < len ? share.hi - pos : len;
    if (a < b) {
      const int base = lo[i];
      lo[m] = base + a;
      hi[m] = base + b - 1;
      ++m;
    }
    pos += len;
  }
  return m;
}

// The merged log-sum-exp of n shares' LSEs (lse[s * stride]); -inf when every share is empty.
// Subtracting the largest first keeps exp from overflowing.
template <class T> ATTNJIT_HD T split_merged_lse(const T* lse, int n, long long stride) {
  T m = split_neg_inf<T>();
  for (int s = 0; s < n; ++s) m = lse[s * stride] > m ? lse[s * stride] : m;
  if (m == split_neg_inf<T>()) return m;
  T sum = 0;
  for (int s = 0; s < n; ++s) sum += split_exp<T>(lse[s * stride] - m);
  return m + split_log<T>(sum);
}

// Weight of a share with LSE `lse_s` in the merged output: 0 for an empty share or row.
template <class T> ATTNJIT_HD T split_weight(T lse_s, T merged) {
  if (merged == split_neg_inf<T>() || lse_s == split_neg_inf<T>()) return 0;
  return split_exp<T>(lse_s - merged);
}

// Where sequence b of a (possibly variable-length) batch lives and how long it is.
struct SeqBounds {
  int q_start, len_q; // rows [q_start, q_start + len_q) of the query sequence dim
  int k_start, len_k;
};

// Reads the varlen arrays of FwdParams (device pointers on the GPU, host pointers on the host).
// seqused_k larger than the sequence's keys is clipped to them so no read leaves the tensor.
ATTNJIT_HD SeqBounds seq_bounds(const FwdParams& p, int b) {
  SeqBounds s;
  s.q_start = p.cu_seqlens_q ? p.cu_seqlens_q[b] : 0;
  s.len_q = p.cu_seqlens_q ? p.cu_seqlens_q[b + 1] - s.q_start : p.seq_q;
  s.k_start = p.cu_seqlens_k ? p.cu_seqlens_k[b] : 0;
  s.len_k = p.cu_seqlens_k ? p.cu_seqlens_k[b + 1] - s.k_start : p.seq_k;
  if (p.seqused_k) {
    const int used = p.seqused_k[b];
    s.len_k = used < 0 ? 0 : used < s.len_k ? used : s.len_k;
  }
  return s;
}

// Element offset of row `row` (within its sequence) of head h of sequence b: a packed batch has
// no batch stride, its sequences are consecutive rows.
ATTNJIT_HD int64_t seq_row_offset(int64_t stride_b, int64_t stride_h, int64_t stride_s, bool packed,
                                  int b, int h, int start, int row) {
  return (packed ? 0 : b * stride_b) + h * stride_h + static_cast<int64_t>(start + row) * stride_s;
}

// Index of a row's LSE: [batch, heads, seq_q], or [heads, total_q] for a packed batch.
ATTNJIT_HD int64_t lse_index(const FwdParams& p, const SeqBounds& s, int b, int h, int row) {
  if (p.cu_seqlens_q) return static_cast<int64_t>(h) * p.seq_q + s.q_start + row;
  return (static_cast<int64_t>(b) * p.heads + h) * p.seq_q + row;
}

// Index of a row in the split workspace ([splits, batch, heads, max_seq_q]).
ATTNJIT_HD int64_t partial_row(const FwdParams& p, int split, int b, int h, int row) {
  return ((static_cast<int64_t>(split) * p.batch + b) * p.heads + h) * p.max_seq_q + row;
}

#ifdef ATTNJIT_NVRTC
// The merge entry: one warp per (batch, head, row below max_seq_q), each lane owning HeadDim / 32
// consecutive columns. Reads every share's LSE (a broadcast: all lanes read the same word) and
// its output row, writes O in the input dtype and the merged LSE.
template <int HeadDim, class Elem, class Ops, int Warps>
__device__ __forceinline__ void merge_splits(const FwdParams& p) {
  static_assert(HeadDim % 64 == 0, "merge_splits: lanes take whole pairs of columns");
  constexpr int kCols = HeadDim / 32;
  const long long item = static_cast<long long>(blockIdx.x) * Warps + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (item >= static_cast<long long>(p.batch) * p.heads * p.max_seq_q) return;
  const int row = static_cast<int>(item % p.max_seq_q);
  const int h = static_cast<int>(item / p.max_seq_q % p.heads);
  const int b = static_cast<int>(item / p.max_seq_q / p.heads);
  const SeqBounds s = seq_bounds(p, b);
  if (row >= s.len_q) return;
  const long long stride = static_cast<long long>(p.batch) * p.heads * p.max_seq_q;
  const float* lse = p.lse_partial + partial_row(p, 0, b, h, row);
  const float merged = split_merged_lse<float>(lse, p.num_splits, stride);
  float acc[kCols];
#pragma unroll
  for (int c = 0; c < kCols; ++c) acc[c] = 0.f;
  for (int sp = 0; sp < p.num_splits; ++sp) {
    const float w = split_weight<float>(lse[sp * stride], merged);
    if (w == 0.f) continue; // an empty share's output is zeros; skip its read
    const float* src = p.o_partial + partial_row(p, sp, b, h, row) * HeadDim + lane * kCols;
#pragma unroll
    for (int c = 0; c < kCols; c += 2) {
      const float2 v = *reinterpret_cast<const float2*>(src + c);
      acc[c] += w * v.x;
      acc[c + 1] += w * v.y;
    }
  }
  Elem* dst = static_cast<Elem*>(p.o) +
              seq_row_offset(p.o_stride_b, p.o_stride_h, p.o_stride_s, p.cu_seqlens_q != nullptr, b,
                             h, s.q_start, row) +
              lane * kCols;
#pragma unroll
  for (int c = 0; c < kCols; c += 2)
    *reinterpret_cast<uint32_t*>(dst + c) = Ops::pack(acc[c], acc[c + 1]);
  if (p.lse != nullptr && lane == 0) p.lse[lse_index(p, s, b, h, row)] = merged;
}
#endif

} // namespace attnjit
