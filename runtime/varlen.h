// Variable-length batches on the host: the checks a Problem's varlen fields must pass before a
// launch, the lengths a launch is sized and proven for, and the arithmetic of cu_seqlens arrays
// (building them from lengths, validating host copies). See Problem in attnjit.hpp for the
// interface itself.
#pragma once

#include "attnjit/attnjit.hpp"

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace attnjit {

// The longest query and key sequences of a problem: max_seq_q / max_seq_k of a varlen problem,
// else seq_q / seq_k. Grids are sized by them and the 32-bit proof runs over them.
struct VarlenExtent {
  int max_seq_q = 0;
  int max_seq_k = 0;
  bool packed = false; // cu_seqlens given
  bool any = false;    // any varlen field given
};

// Checks the varlen fields that can be checked without reading the arrays (both cu_seqlens or
// neither, max lengths given where needed and within the totals) and returns the extent.
Result<VarlenExtent> varlen_extent(const Problem& p);

// Checks a host copy of a cu_seqlens array: cu[0] == 0, non-decreasing, cu[batch] == total and
// every length at most max_len. `name` is the field named in the message.
Result<void> check_cu_seqlens(const int32_t* cu, int batch, int total, int max_len,
                              std::string_view name);

// Checks a host copy of seqused_k against each sequence's key count (len_k(b) = cu_seqlens_k's
// length, or seq_k when not packed).
Result<void> check_seqused_k(const int32_t* used, const int32_t* cu_seqlens_k, int batch,
                             int seq_k);

// Offsets of packed sequences of the given lengths: [0, l0, l0 + l1, ...]; an error when a
// length is negative or the total passes 2^31 - 1.
Result<std::vector<int32_t>> cu_seqlens_of(const std::vector<int>& lengths);

// Parses a comma-separated list of lengths ("1000,70000,5"): non-negative integers that fit 32
// bits, at least one. `flag` names the option in the message.
Result<std::vector<int>> parse_lengths(std::string_view text, std::string_view flag);

// Runs a varlen problem one sequence at a time on the host (the CPU backend): validates the
// host arrays, then calls `run` with a dense problem of batch 1 per sequence (pointers moved to
// its rows, its own lengths, so positions are its own) and scatters a packed batch's LSE.
// `elem_bytes` is the size of one element of Q, K, V and O.
Result<void> for_each_sequence(const Problem& p, int elem_bytes,
                               const std::function<Result<void>(const Problem&)>& run);

} // namespace attnjit
