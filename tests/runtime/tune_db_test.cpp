// The tuning database: round trips, keys, corrupt entries, concurrent writers, permissions.
#include "runtime/tune_db.h"

#include "runtime/disk_cache.h"
#include "runtime/fs_util.h"
#include "test_util.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <thread>

using namespace attnjit;

namespace {

TuneKey sample_key() {
  TuneKey k;
  k.gpu_name = "NVIDIA H200";
  k.arch = "sm_90a";
  k.sm_count = 132;
  k.mask_hash = "3f2a9c";
  k.head_dim = 128;
  k.dtype = "bf16";
  k.gqa_ratio = 1;
  k.seq_q_bucket = 16384;
  k.seq_k_bucket = 16384;
  k.batch_heads_bucket = 16;
  return k;
}

TuneEntry sample_entry(double ms = 1.25) {
  TuneEntry e;
  e.key = sample_key();
  e.tiles = {128, 64, 4, 3, "sm80"};
  e.ms = ms;
  e.default_tiles = {128, 128, 8, 2, "sm80"};
  e.default_ms = 1.5;
  e.candidates = 22;
  e.tuned_at = "2026-11-22T10:00:00Z";
  return e;
}

bool same(const TileConfig& a, const TileConfig& b) {
  return a.block_m == b.block_m && a.block_n == b.block_n && a.warps == b.warps &&
         a.stages == b.stages && a.family == b.family;
}

struct Warnings {
  std::vector<std::string> lines;
  TuneDb::Warn fn() {
    return [this](const std::string& s) { lines.push_back(s); };
  }
};

void overwrite(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

} // namespace

TEST_CASE("tune db: an entry round-trips", "[tune]") {
  TempDir dir;
  Warnings w;
  TuneDb db(dir.path(), w.fn());
  CHECK_FALSE(db.load(sample_key()));
  REQUIRE(db.store(sample_entry()));
  auto e = db.load(sample_key());
  REQUIRE(e);
  CHECK(same(e->tiles, sample_entry().tiles));
  CHECK(same(e->default_tiles, sample_entry().default_tiles));
  CHECK(e->ms == 1.25);
  CHECK(e->default_ms == 1.5);
  CHECK(e->candidates == 22);
  CHECK(e->tuned_at == "2026-11-22T10:00:00Z");
  CHECK(tune_key_text(e->key) == tune_key_text(sample_key()));
  CHECK(db.path_for(sample_key()).rfind(dir.path() + "/tune/", 0) == 0);
  CHECK(w.lines.empty());

  // A default that failed to run is stored as +inf and comes back so.
  TuneEntry inf = sample_entry();
  inf.default_ms = std::numeric_limits<double>::infinity();
  REQUIRE(db.store(inf));
  CHECK(std::isinf(db.load(sample_key())->default_ms));
}

TEST_CASE("tune db: each key field changes the key", "[tune]") {
  const TuneKey base = sample_key();
  std::vector<std::function<void(TuneKey&)>> changes = {
      [](TuneKey& k) { k.gpu_name = "NVIDIA H100 80GB HBM3"; },
      [](TuneKey& k) { k.arch = "sm_80"; },
      [](TuneKey& k) { k.sm_count = 114; },
      [](TuneKey& k) { k.mask_hash = "3f2a9d"; },
      [](TuneKey& k) { k.head_dim = 64; },
      [](TuneKey& k) { k.dtype = "fp16"; },
      [](TuneKey& k) { k.gqa_ratio = 4; },
      [](TuneKey& k) { k.seq_q_bucket = 8192; },
      [](TuneKey& k) { k.seq_k_bucket = 8192; },
      [](TuneKey& k) { k.batch_heads_bucket = 32; },
  };
  std::set<std::string> hashes = {tune_key_hash(base)};
  for (size_t i = 0; i < changes.size(); ++i) {
    TuneKey k = base;
    changes[i](k);
    INFO("field " << i);
    CHECK(tune_key_text(k) != tune_key_text(base));
    CHECK(hashes.insert(tune_key_hash(k)).second);
  }
  CHECK(tune_key_hash(base) == tune_key_hash(sample_key())); // deterministic
  CHECK(tune_key_hash(base).size() == 32);
}

TEST_CASE("tune db: lengths bucket to the next power of two", "[tune]") {
  CHECK(length_bucket(0) == 1);
  CHECK(length_bucket(1) == 1);
  CHECK(length_bucket(1000) == 1024);
  CHECK(length_bucket(1024) == 1024);
  CHECK(length_bucket(1025) == 2048);
  CHECK(length_bucket(16384) == 16384);
}

TEST_CASE("tune db: a corrupt or truncated entry is reported once and treated as missing",
          "[tune]") {
  TempDir dir;
  Warnings w;
  TuneDb db(dir.path(), w.fn());
  const std::string path = db.path_for(sample_key());
  const std::string good = encode_tune_entry(sample_entry());

  SECTION("a flipped byte in the body") {
    std::string bad = good;
    bad[bad.size() - 10] ^= 0x5a;
    REQUIRE(db.store(sample_entry()));
    overwrite(path, bad);
  }
  SECTION("truncated") {
    REQUIRE(db.store(sample_entry()));
    overwrite(path, good.substr(0, good.size() / 2));
  }
  SECTION("shorter than the header") {
    REQUIRE(db.store(sample_entry()));
    overwrite(path, good.substr(0, 7));
  }
  SECTION("a valid wrapper around a body that is not JSON") {
    REQUIRE(make_private_dir(db.dir()));
    std::string body = "{ not json";
    std::vector<char> entry = encode_cache_entry(std::vector<char>(body.begin(), body.end()));
    overwrite(path, std::string(entry.begin(), entry.end()));
  }
  SECTION("another key's entry under this key's name") {
    TuneEntry other = sample_entry();
    other.key.head_dim = 64;
    REQUIRE(db.store(other));
    std::filesystem::rename(db.path_for(other.key), path);
  }
  CHECK_FALSE(db.load(sample_key()));
  REQUIRE(w.lines.size() == 1);
  CHECK(w.lines[0].find(path) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(path)); // dropped: the next load says nothing
  CHECK_FALSE(db.load(sample_key()));
  CHECK(w.lines.size() == 1);
  REQUIRE(db.store(sample_entry())); // and tuning again writes a good one
  CHECK(db.load(sample_key()));
}

TEST_CASE("tune db: decode names what is wrong", "[tune]") {
  const std::string good = encode_tune_entry(sample_entry());
  REQUIRE(decode_tune_entry(good, sample_key()));
  auto r = decode_tune_entry(good.substr(0, good.size() - 1), sample_key());
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("truncated") != std::string::npos);
  TuneKey other = sample_key();
  other.sm_count = 66;
  auto o = decode_tune_entry(good, other);
  REQUIRE_FALSE(o);
  CHECK(o.error().message.find("another key") != std::string::npos);
}

TEST_CASE("tune db: concurrent writers and readers never see a torn entry", "[tune]") {
  TempDir dir;
  Warnings w; // shared by every thread: must stay empty, so no lock is needed
  TuneDb db(dir.path(), w.fn());
  std::atomic<int> failures{0}, seen{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (t % 2) {
          if (!db.store(sample_entry(1.0 + t + i / 100.0))) ++failures;
        } else if (auto e = db.load(sample_key())) {
          ++seen;
          if (!(e->ms >= 1.0 && e->ms < 9.0) || e->tiles.block_n != 64) ++failures;
        }
      }
    });
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(w.lines.empty());
  REQUIRE(db.load(sample_key()));
  int files = 0;
  for (const auto& f : std::filesystem::directory_iterator(db.dir())) {
    ++files;
    CHECK(f.path().extension() == ".json"); // no temporary file left behind
  }
  CHECK(files == 1);
}

TEST_CASE("tune db: the directory is private", "[tune]") {
  TempDir dir;
  TuneDb db(dir.path() + "/nested/cache");
  REQUIRE(db.store(sample_entry()));
  for (const std::string& d : {dir.path() + "/nested", dir.path() + "/nested/cache", db.dir()}) {
    struct stat st {};
    REQUIRE(stat(d.c_str(), &st) == 0);
    INFO(d);
    CHECK((st.st_mode & 0777) == 0700);
  }
  struct stat st {};
  REQUIRE(stat(db.path_for(sample_key()).c_str(), &st) == 0);
  CHECK((st.st_mode & 0077) == 0);
}
