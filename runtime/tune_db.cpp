#include "runtime/tune_db.h"

#include "compiler/generate_cuda.h"
#include "runtime/disk_cache.h"
#include "runtime/fs_util.h"
#include "templates/embedded.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <xxhash.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <limits>

namespace attnjit {

namespace {

// Version of the JSON body; an entry of another version is treated as missing.
constexpr int kTuneEntryVersion = 1;

using nlohmann::json;

json tiles_json(const TileConfig& t) {
  return {{"block_m", t.block_m},
          {"block_n", t.block_n},
          {"warps", t.warps},
          {"stages", t.stages},
          {"family", t.family}};
}

// JSON has no infinity: a failed time is stored as null.
json time_json(double ms) {
  return std::isfinite(ms) ? json(ms) : json();
}

double time_of(const json& j) {
  return j.is_number() ? j.get<double>() : std::numeric_limits<double>::infinity();
}

bool read_tiles(const json& j, TileConfig& t) {
  if (!j.is_object()) return false;
  for (const char* f : {"block_m", "block_n", "warps", "stages"})
    if (!j.contains(f) || !j[f].is_number_integer() || j[f].get<int>() <= 0) return false;
  if (!j.contains("family") || !j["family"].is_string()) return false;
  t = {j["block_m"].get<int>(), j["block_n"].get<int>(), j["warps"].get<int>(),
       j["stages"].get<int>(), j["family"].get<std::string>()};
  return true;
}

} // namespace

int64_t length_bucket(int64_t n) {
  int64_t b = 1;
  while (b < n) b *= 2;
  return b;
}

std::string tune_key_text(const TuneKey& k) {
  return fmt::format("gpu={}|arch={}|sms={}|mask={}|d={}|{}|gqa={}|lq~{}|lk~{}|bh~{}", k.gpu_name,
                     k.arch, k.sm_count, k.mask_hash, k.head_dim, k.dtype, k.gqa_ratio,
                     k.seq_q_bucket, k.seq_k_bucket, k.batch_heads_bucket);
}

std::string tune_key_hash(const TuneKey& key) {
  const std::string text = fmt::format("{}|gen={}|templates={}", tune_key_text(key),
                                       kGenerateCudaVersion, kEmbeddedTemplatesHash);
  XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

std::string encode_tune_entry(const TuneEntry& e) {
  json j = {{"version", kTuneEntryVersion},
            {"key", tune_key_text(e.key)},
            {"tiles", tiles_json(e.tiles)},
            {"ms", time_json(e.ms)},
            {"default_tiles", tiles_json(e.default_tiles)},
            {"default_ms", time_json(e.default_ms)},
            {"candidates", e.candidates},
            {"tuned_at", e.tuned_at}};
  std::string body = j.dump(2);
  std::vector<char> entry = encode_cache_entry(std::vector<char>(body.begin(), body.end()));
  return std::string(entry.begin(), entry.end());
}

Result<TuneEntry> decode_tune_entry(const std::string& bytes, const TuneKey& key) {
  auto payload = decode_cache_entry(std::vector<char>(bytes.begin(), bytes.end()));
  if (!payload) return payload.error();
  json j = json::parse(payload->begin(), payload->end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Error{"the body is not a JSON object"};
  if (!j.contains("version") || j["version"] != kTuneEntryVersion)
    return Error{fmt::format("entry version is not {}", kTuneEntryVersion)};
  TuneEntry e;
  if (!j.contains("tiles") || !read_tiles(j["tiles"], e.tiles)) return Error{"no valid tiles"};
  if (!j.contains("default_tiles") || !read_tiles(j["default_tiles"], e.default_tiles))
    return Error{"no valid default tiles"};
  if (!j.contains("key") || !j["key"].is_string()) return Error{"no key"};
  if (j["key"] != tune_key_text(key))
    return Error{fmt::format("it holds another key ({})", j["key"].get<std::string>())};
  e.ms = time_of(j.value("ms", json()));
  e.default_ms = time_of(j.value("default_ms", json()));
  if (!std::isfinite(e.ms)) return Error{"the winner has no time"};
  e.candidates = j.value("candidates", 0);
  e.tuned_at = j.value("tuned_at", std::string());
  e.key = key;
  return e;
}

TuneDb::TuneDb(std::string cache_dir, Warn warn)
    : dir_(std::move(cache_dir) + "/tune"), warn_(std::move(warn)) {
  if (!warn_) warn_ = [](const std::string& msg) { std::fprintf(stderr, "%s\n", msg.c_str()); };
}

std::string TuneDb::path_for(const TuneKey& key) const {
  return fmt::format("{}/{}.json", dir_, tune_key_hash(key));
}

std::optional<TuneEntry> TuneDb::load(const TuneKey& key) const {
  const std::string path = path_for(key);
  auto bytes = read_file(path);
  if (!bytes) return std::nullopt;
  Result<TuneEntry> e = decode_tune_entry(std::string(bytes->begin(), bytes->end()), key);
  if (!e) {
    // Deleted after the report, so the next process neither repeats it nor trusts the bytes; a
    // concurrent writer's rename() puts a whole new file in place, unlink() only drops this name.
    warn_(fmt::format("attnjit: tuning entry {} is unusable ({}); deleting it, the default tiles "
                      "apply until it is tuned again",
                      path, e.error().message));
    unlink(path.c_str());
    return std::nullopt;
  }
  return std::move(e).value();
}

Result<void> TuneDb::store(const TuneEntry& entry) const {
  if (auto r = make_private_dir(dir_); !r) return r;
  return write_file_atomic(path_for(entry.key), encode_tune_entry(entry));
}

} // namespace attnjit
