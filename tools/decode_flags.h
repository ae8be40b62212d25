// Flags of `attnjit run` for decode and variable-length batches: --splits, --pack-gqa,
// --seqlens-k, --seqlens-q. Kept apart from the common problem flags because only `run` takes them.
#pragma once

#include "runtime/run_random.h"

#include <CLI/CLI.hpp>

#include <string>

namespace attnjit::cli {

struct DecodeFlags {
  int splits = 0;            // Problem::kv_splits
  int pack_gqa = 0;          // Problem::pack_gqa
  int persistent_blocks = 0; // Problem::persistent_blocks
  int split_tiles = 0;       // Problem::split_tiles
  int unit_group = 0;        // Problem::unit_group
  int item_schedule = 0;     // Problem::item_schedule
  std::string seqlens_q, seqlens_k;
};

void add_decode_flags(CLI::App* cmd, DecodeFlags& f);

// Fills the split and per-sequence fields of `ro` (whose batch came from --batch; with lengths
// the batch is their count, and a --batch that disagrees is an error). Empty string = fine,
// else the error message.
std::string apply_decode_flags(const DecodeFlags& f, RandomRunOptions& ro);

// For the text report: the per-sequence lengths of a varlen run (nothing otherwise), since the
// problem line's seq_q / seq_k then do not describe it.
void print_sequence_lengths(const RandomRunOptions& ro);

} // namespace attnjit::cli
