// The module cache: memory and disk hits, corrupt entries, concurrent threads and processes,
// private directories. Most cases use a fake compiler (fast, countable); one goes through NVRTC.
#include "runtime/module_cache.h"

#include "runtime/fs_util.h"
#include "runtime/nvrtc.h"
#include "test_util.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

using namespace attnjit;

namespace {

ModuleSource tiny_source(const std::string& tag = "") {
  return {"extern \"C\" __global__ void attnjit_fwd() {} // " + tag, "tiny.cu", "sm_80",
          nvrtc_options("sm_80")};
}

// A compiler that returns the source's bytes after `delay`, counting its calls.
ModuleCache::Compile fake_compile(std::atomic<int>* calls,
                                  std::chrono::milliseconds delay = std::chrono::milliseconds(0)) {
  return [calls, delay](const ModuleSource& src, const DiskCache&) -> Result<std::vector<char>> {
    if (calls) ++*calls;
    std::this_thread::sleep_for(delay);
    return std::vector<char>(src.source.begin(), src.source.end());
  };
}

ModuleCache::Options fake_options(const std::string& dir, std::atomic<int>* calls,
                                  std::vector<std::string>* warnings = nullptr) {
  ModuleCache::Options o{dir, "test-toolchain", "attnjit_fwd", fake_compile(calls), nullptr};
  if (warnings) o.warn = [warnings](const std::string& w) { warnings->push_back(w); };
  return o;
}

void overwrite(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

} // namespace

TEST_CASE("cache: miss, then memory hit, then disk hit in a fresh cache", "[cache]") {
  TempDir dir;
  std::atomic<int> calls{0};
  int sources = 0;
  auto make = [&]() -> Result<ModuleSource> {
    ++sources;
    return tiny_source();
  };
  {
    ModuleCache cache(fake_options(dir.path(), &calls));
    auto a = cache.get("mask-a", make);
    REQUIRE(a.ok());
    CHECK(a->status == CacheStatus::Miss);
    CHECK(a->entry->key.size() == 32);
    CHECK(a->entry->path == dir.path() + "/" + a->entry->key + ".cubin");
    auto b = cache.get("mask-a", make);
    REQUIRE(b.ok());
    CHECK(b->status == CacheStatus::MemoryHit);
    CHECK(b->entry == a->entry); // same loaded module
    CHECK(sources == 1);         // a memory hit regenerates nothing
  }
  ModuleCache fresh(fake_options(dir.path(), &calls));
  auto c = fresh.get("mask-a", make);
  REQUIRE(c.ok());
  CHECK(c->status == CacheStatus::DiskHit);
  CHECK(calls == 1);
  CHECK(fresh.compiles() == 0);
  std::string expected = tiny_source().source;
  CHECK(c->entry->module->cubin() == std::vector<char>(expected.begin(), expected.end()));
}

TEST_CASE("cache: the disk key covers source, options, arch and toolchain", "[cache]") {
  ModuleSource base = tiny_source();
  std::string k = module_cache_key(base, "13.0");
  CHECK(k.size() == 32);
  CHECK(module_cache_key(base, "13.0") == k);
  CHECK(module_cache_key(base, "12.8") != k);
  ModuleSource s = base;
  s.source += " ";
  CHECK(module_cache_key(s, "13.0") != k);
  s = base;
  s.arch = "sm_90a";
  CHECK(module_cache_key(s, "13.0") != k);
  s = base;
  s.options.push_back("-lineinfo");
  CHECK(module_cache_key(s, "13.0") != k);
}

TEST_CASE("cache: a corrupt or truncated entry is reported, deleted and rebuilt", "[cache]") {
  for (int mode = 0; mode < 3; ++mode) {
    TempDir dir;
    std::atomic<int> calls{0};
    std::string path;
    {
      ModuleCache cache(fake_options(dir.path(), &calls));
      auto a = cache.get("k", [] { return Result<ModuleSource>(tiny_source()); });
      REQUIRE(a.ok());
      path = a->entry->path;
    }
    auto bytes = read_file(path);
    REQUIRE(bytes.has_value());
    if (mode == 0) (*bytes)[bytes->size() - 3] ^= 0x40; // flip a payload byte
    if (mode == 1) bytes->resize(bytes->size() - 5);    // truncate the payload
    if (mode == 2) bytes->resize(10);                   // truncate the header
    overwrite(path, *bytes);

    std::vector<std::string> warnings;
    ModuleCache fresh(fake_options(dir.path(), &calls, &warnings));
    auto b = fresh.get("k", [] { return Result<ModuleSource>(tiny_source()); });
    INFO("mode " << mode);
    REQUIRE(b.ok());
    CHECK(b->status == CacheStatus::Miss); // rebuilt
    CHECK(calls == 2);
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Catch::Contains(path));
    CHECK_THAT(warnings[0], Catch::Contains(mode == 0 ? "checksum" : "truncated"));
    auto rebuilt = read_file(path);
    REQUIRE(rebuilt.has_value());
    CHECK(decode_cache_entry(*rebuilt).ok());
  }
}

TEST_CASE("cache: entries round-trip through encode/decode", "[cache]") {
  std::vector<char> payload = {1, 2, 3, 0, 5};
  auto entry = encode_cache_entry(payload);
  auto back = decode_cache_entry(entry);
  REQUIRE(back.ok());
  CHECK(*back == payload);
  entry[0] = 'X';
  REQUIRE(!decode_cache_entry(entry).ok());
  CHECK_THAT(decode_cache_entry(entry).error().message, Catch::Contains("not an attnjit"));
}

TEST_CASE("cache: directories are created private (0700)", "[cache]") {
  TempDir dir;
  std::string nested = dir.path() + "/a/b/cache";
  std::atomic<int> calls{0};
  ModuleCache cache(fake_options(nested, &calls));
  REQUIRE(cache.get("k", [] { return Result<ModuleSource>(tiny_source()); }).ok());
  for (const std::string& d : {dir.path() + "/a", dir.path() + "/a/b", nested}) {
    struct stat st {};
    REQUIRE(stat(d.c_str(), &st) == 0);
    INFO(d);
    CHECK((st.st_mode & 0777) == 0700);
  }
}

TEST_CASE("cache: N threads asking for the same kernel compile it once", "[cache]") {
  TempDir dir;
  std::atomic<int> calls{0};
  // Slow compiles make the threads overlap for sure.
  ModuleCache::Options o = fake_options(dir.path(), &calls);
  o.compile = fake_compile(&calls, std::chrono::milliseconds(100));
  ModuleCache slow(o);
  constexpr int kThreads = 16;
  std::vector<std::shared_ptr<const CachedModule>> got(kThreads);
  std::atomic<int> sources{0};
  std::vector<std::thread> pool;
  for (int i = 0; i < kThreads; ++i)
    pool.emplace_back([&, i] {
      auto r = slow.get("same", [&] {
        ++sources;
        return Result<ModuleSource>(tiny_source());
      });
      if (r) got[i] = r->entry;
    });
  for (auto& t : pool) t.join();
  CHECK(calls == 1);
  CHECK(sources == 1);
  CHECK(slow.compiles() == 1);
  for (const auto& g : got) CHECK(g == got[0]);
  REQUIRE(got[0] != nullptr);
}

TEST_CASE("cache: a failed compile reaches every waiter and is retried later", "[cache]") {
  TempDir dir;
  std::atomic<int> calls{0};
  ModuleCache::Options o = fake_options(dir.path(), &calls);
  o.compile = [&calls](const ModuleSource&, const DiskCache&) -> Result<std::vector<char>> {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return Error{"boom"};
  };
  ModuleCache cache(o);
  std::atomic<int> failures{0};
  std::vector<std::thread> pool;
  for (int i = 0; i < 4; ++i)
    pool.emplace_back([&] {
      auto r = cache.get("bad", [] { return Result<ModuleSource>(tiny_source()); });
      if (!r && r.error().message == "boom") ++failures;
    });
  for (auto& t : pool) t.join();
  CHECK(failures == 4);
  CHECK(calls == 1);
  CHECK(!cache.get("bad", [] { return Result<ModuleSource>(tiny_source()); }).ok());
  CHECK(calls == 2);
}

TEST_CASE("cache: two processes compiling the same key at once both succeed", "[cache]") {
  TempDir dir;
  constexpr int kProcs = 4;
  std::vector<pid_t> kids;
  for (int i = 0; i < kProcs; ++i) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // The child: a fresh cache on the shared directory, a slow compile so that all overlap.
      std::atomic<int> calls{0};
      ModuleCache::Options o = fake_options(dir.path(), &calls);
      o.compile = fake_compile(&calls, std::chrono::milliseconds(200));
      ModuleCache cache(o);
      auto r = cache.get("k", [] { return Result<ModuleSource>(tiny_source("procs")); });
      _exit(r.ok() && r->entry->module->cubin().size() > 0 ? 0 : 1);
    }
    kids.push_back(pid);
  }
  for (pid_t pid : kids) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  // The entry left behind is whole, and no temporary file is.
  std::atomic<int> calls{0};
  ModuleCache after(fake_options(dir.path(), &calls));
  auto r = after.get("k", [] { return Result<ModuleSource>(tiny_source("procs")); });
  REQUIRE(r.ok());
  CHECK(r->status == CacheStatus::DiskHit);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    CHECK(e.path().extension() == ".cubin");
    ++files;
  }
  CHECK(files == 1);
}

TEST_CASE("cache: a real NVRTC module goes to disk and comes back", "[cache][nvrtc]") {
  TempDir dir;
  const auto& nv = nvrtc_info();
  REQUIRE(nv.ok());
  ModuleCache::Options o{dir.path(), nv->version, "attnjit_fwd", nullptr, nullptr};
  std::vector<char> first;
  {
    ModuleCache cache(o);
    auto r = cache.get("tiny", [] { return Result<ModuleSource>(tiny_source()); });
    REQUIRE(r.ok());
    CHECK(r->status == CacheStatus::Miss);
    first = r->entry->module->cubin();
  }
  ModuleCache fresh(o);
  auto r = fresh.get("tiny", [] { return Result<ModuleSource>(tiny_source()); });
  REQUIRE(r.ok());
  CHECK(r->status == CacheStatus::DiskHit);
  CHECK(r->entry->module->cubin() == first);
}
