// The tuning database: the winning tile configuration per (GPU, mask structure, problem class),
// one small file per key under <cache dir>/tune/, so a later process starts tuned with no
// measurement. Files follow the module cache's rules (fs_util, disk_cache): written to a
// temporary name and renamed into place, in a private (0700) directory, wrapped in the cache
// entry's header with a checksum. A corrupt, truncated or foreign entry is reported once,
// deleted and treated as missing; it never stops a compile.
#pragma once

#include "attnjit/attnjit.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace attnjit {

// What a tuned choice depends on. Lengths are bucketed to the next power of two so that nearby
// shapes share one entry; batch x heads is bucketed too, because it decides how many blocks the
// grid has (query tiles x batch x heads): with few heads, smaller query tiles fill the SMs, while
// with many the grid is full anyway and larger tiles win, so one answer does not fit both.
struct TuneKey {
  std::string gpu_name;  // "NVIDIA H200"
  std::string arch;      // "sm_90a"
  int sm_count = 0;      // the same chip with fewer SMs enabled tunes differently
  std::string mask_hash; // structural hash of the mask (parameters' values do not enter)
  int head_dim = 0;
  std::string dtype; // "bf16", "fp16"
  int gqa_ratio = 1; // heads / kv_heads
  int seq_q_bucket = 0;
  int seq_k_bucket = 0;
  int batch_heads_bucket = 0;
};

// The smallest power of two >= n (1 for n <= 1).
int64_t length_bucket(int64_t n);

// One line naming every field, stored inside the entry and checked on load, so a hash collision
// or a renamed file cannot hand out another key's tiles.
std::string tune_key_text(const TuneKey& key);

// Hex XXH3-128 over the key text and the kernel's identity (generator version and the embedded
// templates' hash): a changed kernel is tuned again rather than trusting another kernel's times.
std::string tune_key_hash(const TuneKey& key);

struct TuneEntry {
  TuneKey key;
  TileConfig tiles; // the winner
  double ms = 0;    // the winner's median time when tuned
  TileConfig default_tiles;
  double default_ms = 0; // the heuristic default's median time (+inf when it failed)
  int candidates = 0;    // how many were timed
  std::string tuned_at;  // UTC, ISO 8601
};

// The entry's bytes (the cache entry header around a JSON body) and back. Decoding checks that
// the entry was written for `key` and names what is wrong with bad bytes.
std::string encode_tune_entry(const TuneEntry& entry);
Result<TuneEntry> decode_tune_entry(const std::string& bytes, const TuneKey& key);

class TuneDb {
public:
  using Warn = std::function<void(const std::string&)>;
  // `cache_dir` is the module cache's root; entries live in its tune/ folder. `warn` hears about
  // corrupt entries; null = a line on stderr.
  explicit TuneDb(std::string cache_dir, Warn warn = nullptr);

  const std::string& dir() const { return dir_; }
  std::string path_for(const TuneKey& key) const;

  // The entry for `key`, or nullopt when there is none or it was unreadable (then reported once
  // through `warn` and deleted).
  std::optional<TuneEntry> load(const TuneKey& key) const;
  Result<void> store(const TuneEntry& entry) const;

private:
  std::string dir_;
  Warn warn_;
};

} // namespace attnjit
