#include "runtime/disk_cache.h"

#include "runtime/fs_util.h"
#include "templates/embedded.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

#ifndef ATTNJIT_VERSION
#define ATTNJIT_VERSION "dev"
#endif

namespace attnjit {

namespace {

constexpr char kMagic[8] = {'A', 'T', 'N', 'J', 'C', 'U', 'B', '\0'};
constexpr uint32_t kFormatVersion = 1;

struct EntryHeader {
  char magic[8];
  uint32_t format;
  uint32_t header_size;
  uint64_t payload_size;
  uint64_t checksum;
};
static_assert(sizeof(EntryHeader) == 32, "the entry header is 32 bytes on disk");

// Each field is length-prefixed so that ("ab", "c") and ("a", "bc") hash differently.
void add_field(XXH3_state_t* st, std::string_view s) {
  uint64_t n = s.size();
  XXH3_128bits_update(st, &n, sizeof n);
  XXH3_128bits_update(st, s.data(), s.size());
}

} // namespace

std::string module_cache_key(const ModuleSource& src, std::string_view nvrtc_version) {
  XXH3_state_t* st = XXH3_createState();
  XXH3_128bits_reset(st);
  add_field(st, src.source);
  add_field(st, kEmbeddedTemplatesHash);
  for (const auto& o : src.options) add_field(st, o);
  add_field(st, src.arch);
  add_field(st, nvrtc_version);
  add_field(st, ATTNJIT_VERSION);
  XXH128_hash_t h = XXH3_128bits_digest(st);
  XXH3_freeState(st);
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

std::vector<char> encode_cache_entry(const std::vector<char>& payload) {
  EntryHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.format = kFormatVersion;
  h.header_size = sizeof(EntryHeader);
  h.payload_size = payload.size();
  h.checksum = XXH3_64bits(payload.data(), payload.size());
  std::vector<char> out(sizeof h + payload.size());
  std::memcpy(out.data(), &h, sizeof h);
  if (!payload.empty()) std::memcpy(out.data() + sizeof h, payload.data(), payload.size());
  return out;
}

Result<std::vector<char>> decode_cache_entry(const std::vector<char>& entry) {
  EntryHeader h{};
  if (entry.size() < sizeof h)
    return Error{fmt::format("truncated: {} bytes, shorter than the header", entry.size())};
  std::memcpy(&h, entry.data(), sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return Error{"not an attnjit cache entry"};
  if (h.format != kFormatVersion || h.header_size != sizeof h)
    return Error{fmt::format("format version {} (this build reads {})", h.format, kFormatVersion)};
  if (h.payload_size != entry.size() - sizeof h)
    return Error{fmt::format("truncated: payload of {} bytes, header says {}",
                             entry.size() - sizeof h, h.payload_size)};
  std::vector<char> payload(entry.begin() + sizeof h, entry.end());
  if (XXH3_64bits(payload.data(), payload.size()) != h.checksum) return Error{"checksum mismatch"};
  return payload;
}

DiskCache::DiskCache(std::string dir, Warn warn) : dir_(std::move(dir)), warn_(std::move(warn)) {
  if (!warn_) warn_ = [](const std::string& msg) { std::fprintf(stderr, "%s\n", msg.c_str()); };
}

std::string DiskCache::path_for(const std::string& key) const {
  return fmt::format("{}/{}.cubin", dir_, key);
}

std::optional<std::vector<char>> DiskCache::load(const std::string& key) const {
  std::string path = path_for(key);
  auto bytes = read_file(path);
  if (!bytes) return std::nullopt;
  auto payload = decode_cache_entry(*bytes);
  if (payload) return std::move(payload).value();
  // Deleting is safe against a concurrent writer: its rename() puts a whole new file in place,
  // and unlink() removes only the name we just read.
  warn_(fmt::format("attnjit: cache entry {} is corrupt ({}); deleting it and recompiling", path,
                    payload.error().message));
  unlink(path.c_str());
  return std::nullopt;
}

Result<void> DiskCache::store(const std::string& key, const std::vector<char>& payload) const {
  if (auto r = make_private_dir(dir_); !r) return r;
  std::vector<char> entry = encode_cache_entry(payload);
  return write_file_atomic(path_for(key), std::string_view(entry.data(), entry.size()));
}

} // namespace attnjit
