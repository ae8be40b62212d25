#include "tools/decode_flags.h"

#include "runtime/split_kv.h"
#include "runtime/varlen.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace attnjit::cli {

namespace {

// Rejects a malformed length list while the command line is parsed, before any compile.
CLI::Validator lengths_validator(const char* flag) {
  return CLI::Validator(
      [flag](std::string& text) {
        Result<std::vector<int>> r = parse_lengths(text, flag);
        return r ? std::string() : r.error().message;
      },
      "A,B,...");
}

} // namespace

void add_decode_flags(CLI::App* cmd, DecodeFlags& f) {
  cmd->add_option("--splits", f.splits,
                  "split-KV shares per query tile (GPU): 0 = chosen from the problem, 1 = off")
      ->check(CLI::Range(0, kMaxKvSplits));
  cmd->add_option("--pack-gqa", f.pack_gqa,
                  "GQA packing (GPU): 0 = when a head's queries underfill a tile, 1 = off, 2 = on")
      ->check(CLI::Range(0, 2));
  cmd->add_option("--persistent-blocks", f.persistent_blocks,
                  "persistent blocks (GPU, sm90 family): 0 = chosen from the mask, N = at most N "
                  "(a large N: one block per query tile)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--split-tiles", f.split_tiles,
                  "split query tiles (GPU, sm90 family): 0 = heavy tiles when the grid waits on "
                  "them, 1 = off, N = every tile into up to N shares")
      ->check(CLI::Range(0, 31));
  cmd->add_option("--unit-group", f.unit_group,
                  "launch order (GPU, sm90 family): (head, batch) units per group of heads that "
                  "share L2; 0 = chosen from the keys' and values' size")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--item-schedule", f.item_schedule,
                  "how persistent blocks take work items (GPU, sm90 family): 0 = chosen, 1 = "
                  "static, 2 = dynamic (the next item from a counter)")
      ->check(CLI::Range(0, 2));
  cmd->add_option("--seqlens-k", f.seqlens_k,
                  "per-sequence key lengths a,b,...: the batch is their count (with only these, "
                  "a padded cache read through seqused_k, --seq-q queries each)")
      ->check(lengths_validator("--seqlens-k"));
  cmd->add_option("--seqlens-q", f.seqlens_q,
                  "per-sequence query lengths a,b,...: a packed batch through cu_seqlens "
                  "(keys = queries unless --seqlens-k gives them)")
      ->check(lengths_validator("--seqlens-q"));
}

std::string apply_decode_flags(const DecodeFlags& f, RandomRunOptions& ro) {
  ro.kv_splits = f.splits;
  ro.pack_gqa = f.pack_gqa;
  ro.persistent_blocks = f.persistent_blocks;
  ro.split_tiles = f.split_tiles;
  ro.unit_group = f.unit_group;
  ro.item_schedule = f.item_schedule;
  for (auto [text, out, flag] : {std::tuple{&f.seqlens_q, &ro.seqlens_q, "--seqlens-q"},
                                 std::tuple{&f.seqlens_k, &ro.seqlens_k, "--seqlens-k"}}) {
    if (text->empty()) continue;
    Result<std::vector<int>> lengths = parse_lengths(*text, flag);
    if (!lengths) return lengths.error().message;
    *out = std::move(*lengths);
  }
  if (!ro.seqlens_q.empty() && !ro.seqlens_k.empty() && ro.seqlens_q.size() != ro.seqlens_k.size())
    return fmt::format("--seqlens-q gives {} sequences but --seqlens-k {}", ro.seqlens_q.size(),
                       ro.seqlens_k.size());
  const size_t count = !ro.seqlens_q.empty() ? ro.seqlens_q.size() : ro.seqlens_k.size();
  if (count == 0) return {};
  if (ro.batch != 1 && size_t(ro.batch) != count)
    return fmt::format("--batch {} disagrees with the {} sequence lengths given", ro.batch, count);
  ro.batch = int(count);
  return {};
}

void print_sequence_lengths(const RandomRunOptions& ro) {
  if (!ro.seqlens_q.empty())
    fmt::print("sequences packed, query lengths {}\n", fmt::join(ro.seqlens_q, ","));
  if (!ro.seqlens_k.empty())
    fmt::print("sequences key lengths {}{}\n", fmt::join(ro.seqlens_k, ","),
               ro.seqlens_q.empty() ? " (seqused_k)" : "");
}

} // namespace attnjit::cli
