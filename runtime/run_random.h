// Runs a compiled kernel on fresh random inputs, as `attnjit run` does: allocates Q, K, V (on the
// device for a GPU kernel), poisons O and the LSE so an unwritten element shows, times many calls
// (median after warm-up, compilation excluded), optionally checks against the fp64 reference and
// saves every tensor as .npy.
#pragma once

#include "attnjit/attnjit.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace attnjit {

struct RandomRunOptions {
  int batch = 1, heads = 1, kv_heads = 1, seq_q = 0, seq_k = 0;
  float scale = 0;
  std::vector<std::pair<std::string, int64_t>> params;
  uint64_t seed = 0;
  int warmup = 3;
  int iters = 20;
  bool check = false;
  // Largest number of query rows the check computes; when seq_q is larger, rows are sampled
  // (the first, the last and random ones) so that a check stays affordable at 16k.
  int check_rows = 512;
  std::string save_dir; // write q, k, v, o, lse as float32 .npy here (all rows)
  // Split-KV shares on the GPU (Problem::kv_splits): 0 = chosen, 1 = off, N = forced.
  int kv_splits = 0;
  int pack_gqa = 0;          // Problem::pack_gqa: 0 = auto, 1 = off, 2 = on
  int persistent_blocks = 0; // Problem::persistent_blocks: 0 = chosen, N = at most N blocks
  int split_tiles = 0;       // Problem::split_tiles: 0 = chosen, 1 = off, N = every tile in N
  int unit_group = 0;        // Problem::unit_group: 0 = chosen, N = N units per L2 group
  int item_schedule = 0;     // Problem::item_schedule: 0 = chosen, 1 = static, 2 = dynamic
  // Variable-length batches; `batch` is then the number of lengths. seqlens_k alone: a padded
  // key/value cache of max(seqlens_k) rows per sequence with seqused_k, seq_q queries each
  // (decode). seqlens_q (with seqlens_k of the same count, or keys = queries when empty): packed
  // sequences through cu_seqlens. save_dir is not supported with them.
  std::vector<int> seqlens_q, seqlens_k;
};

struct RandomRunReport {
  double ms = 0;              // median time of one call
  double first_ms = 0;        // GPU: the first call to its end, host preparation included
  double tflops = 0;          // 4 * batch * heads * attended_pairs * head_dim / time
  int64_t attended_pairs = 0; // per (batch, head)
  bool checked = false;
  double rel_err = 0;     // ||O - O_ref|| / ||O_ref|| over the checked rows
  double lse_max_err = 0; // largest |LSE - LSE_ref| over the checked rows with finite LSE
  int checked_rows = 0;
  bool unwritten = false; // an output element still held the poison after the run
  // GPU: the last timed call's O or LSE differs bit for bit from the first call's.
  bool repeat_differs = false;
  int splits = 1; // split-KV shares the GPU kernel used
  // Bytes of K and V the walk reads (keys any query row of a sequence attends, per key/value
  // head) over the time, in GB/s; computed when no sequence has more than kDecodeRows queries.
  double gbps = 0;
};

// Query rows up to which a run counts as decode and reports K/V bandwidth.
constexpr int kDecodeRows = 64;

Result<RandomRunReport> run_random(const Kernel& kernel, const RandomRunOptions& options);

// Pairs (q, k) the mask attends for one (batch, head), exact.
Result<int64_t> count_attended_pairs(const std::string& mask,
                                     const std::vector<std::pair<std::string, int64_t>>& params,
                                     int seq_q, int seq_k);

} // namespace attnjit
