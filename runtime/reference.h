// Reference attention in fp64 on the host: plain loops, independent of every generated kernel.
// Used by `attnjit run --check` and by the tests.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace attnjit {

struct ReferenceProblem {
  int batch = 1, heads = 1, kv_heads = 1, seq_q = 0, seq_k = 0, head_dim = 0;
  const float* q = nullptr; // [batch, heads, seq_q, head_dim], contiguous
  const float* k = nullptr; // [batch, kv_heads, seq_k, head_dim]
  const float* v = nullptr; // [batch, kv_heads, seq_k, head_dim]
  double scale = 0;         // 0 = 1/sqrt(head_dim)
  // Keys used by each sequence ([batch], each at most seq_k; null = seq_k for all): sequence b
  // attends keys [0, seqlens_k[b]) and its query row r has position r + seqlens_k[b] - seq_q.
  const int* seqlens_k = nullptr;
};

// The mask predicate on positions: query row r has position r + seq_k - seq_q (per sequence).
using MaskPredicate = std::function<bool(int64_t q, int64_t k)>;

struct ReferenceOutput {
  std::vector<double> o;   // [batch, heads, rows.size(), head_dim]
  std::vector<double> lse; // [batch, heads, rows.size()], natural log; -inf for a row with no key
};

// Computes the given query rows (all rows when `rows` is empty) for every batch and head, on
// `threads` threads (0 = all cores). Rows with no attended key give zeros and -inf.
ReferenceOutput reference_attention(const ReferenceProblem& p, const MaskPredicate& mask,
                                    std::vector<int> rows = {}, int threads = 0);

// ||a - b|| / ||b|| over all elements (Frobenius); a NaN anywhere gives NaN.
double relative_error(const std::vector<double>& a, const std::vector<double>& b);

} // namespace attnjit
