// The autotuner on a real GPU: one process tunes and stores the winner; a later one (the CLI, a
// separate process) compiles with it and measures nothing. A candidate that cannot launch scores
// +inf without stopping the tuning.
#include "attnjit/attnjit.hpp"

#include "runtime/tune.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace attnjit;

namespace {

// A fresh cache directory for one test, removed afterwards.
struct ScratchCache {
  std::string path;
  ScratchCache() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "attnjit-tune-test-XXXXXX").string();
    path = mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~ScratchCache() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

Problem small_problem() {
  Problem p;
  p.batch = 1;
  p.heads = 4;
  p.kv_heads = 4;
  p.seq_q = 1000;
  p.seq_k = 1000;
  return p;
}

// The attnjit program: $ATTNJIT_CLI, else the one this build made.
std::string cli_path() {
  if (const char* p = std::getenv("ATTNJIT_CLI"); p && *p) return p;
  return ATTNJIT_CLI_PATH;
}

// Output of a shell command (stdout), and its exit status.
std::string capture(const std::string& cmd, int& status) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) {
    status = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  status = pclose(f);
  return out;
}

std::string tiles_name(const TileConfig& t) {
  return std::to_string(t.block_m) + "x" + std::to_string(t.block_n) + "x" +
         std::to_string(t.warps) + "w" + std::to_string(t.stages) + "s";
}

} // namespace

TEST_CASE("gpu: tuning stores a winner that a second process uses without measuring",
          "[gpu][tune]") {
  ScratchCache cache;
  REQUIRE_FALSE(cache.path.empty());
  CompileOptions o;
  o.head_dim = 64;
  o.cache_dir = cache.path;
  const Problem p = small_problem();

  int progress_calls = 0;
  TuneOptions t;
  t.progress = [&](const TuneProgress&) { ++progress_calls; };
  auto r = tune("causal", o, p, t);
  REQUIRE(r);
  CHECK_FALSE(r->from_database);
  CHECK(r->candidates.size() >= 10);
  CHECK(progress_calls >= int(2 * r->candidates.size()));
  REQUIRE(std::isfinite(r->best_ms));
  CHECK(r->best_ms > 0);
  CHECK(std::isfinite(r->default_ms));
  CHECK(r->best_ms <= r->default_ms);
  CHECK(r->candidates.front().ms == r->best_ms); // fastest first
  for (const TuneCandidate& c : r->candidates) CHECK(c.error.empty());
  CHECK(r->note.empty());
  REQUIRE(std::filesystem::exists(r->db_path));
  std::printf("tuned causal hd64 seq 1000 x 4 heads: %zu candidates in %.1f s, best %s %.4f ms, "
              "default %s %.4f ms\n",
              r->candidates.size(), r->seconds, tiles_name(r->best).c_str(), r->best_ms,
              tiles_name(r->default_tiles).c_str(), r->default_ms);

  // In this process: the entry answers, nothing is measured.
  const long long before = tune_measurement_count();
  auto again = tune("causal", o, p);
  REQUIRE(again);
  CHECK(again->from_database);
  CHECK(again->candidates.empty());
  CHECK(tiles_name(again->best) == tiles_name(r->best));
  CHECK(tune_measurement_count() == before);
  auto k = compile_for("causal", o, p);
  REQUIRE(k);
  CHECK(k->info().tiles_from == "database");
  CHECK(tiles_name(k->info().tiles) == tiles_name(r->best));
  // A length in the same power-of-two bucket shares the entry; another bucket does not.
  Problem near = p;
  near.seq_q = near.seq_k = 600;
  CHECK(compile_for("causal", o, near)->info().tiles_from == "database");
  Problem far = p;
  far.seq_q = far.seq_k = 5000;
  CHECK(compile_for("causal", o, far)->info().tiles_from == "default");
  // Explicit tiles always win.
  CompileOptions pinned = o;
  pinned.tiles = {64, 64, 4, 2, ""};
  CHECK(compile_for("causal", pinned, p)->info().tiles_from == "explicit");

  // A second process: the CLI's run, with the same cache directory.
  auto run_cli = [&](const std::string& extra, int& status) {
    return capture("ATTNJIT_CACHE_DIR='" + cache.path + "' '" + cli_path() +
                       "' run causal --head-dim 64 --heads 4 --seq-q 1000 --iters 3 --json" + extra,
                   status);
  };
  int status = 0;
  const std::string out = run_cli("", status);
  INFO(out);
  REQUIRE(status == 0);
  CHECK(out.find("\"tiles_from\":\"database\"") != std::string::npos);
  CHECK(out.find("\"tiles_name\":\"" + tiles_name(r->best) + "\"") != std::string::npos);
  CHECK(out.find("\"tune\"") == std::string::npos); // it measured no candidate
  // run --tune with an entry present tunes nothing either.
  const std::string tuned_run = run_cli(" --tune", status);
  INFO(tuned_run);
  REQUIRE(status == 0);
  CHECK(tuned_run.find("\"tune\":{\"candidates\":0,\"from_database\":true") != std::string::npos);
}

TEST_CASE("gpu: a candidate that fails to compile or launch scores +inf; tuning goes on",
          "[gpu][tune]") {
  ScratchCache cache;
  CompileOptions o;
  o.head_dim = 64;
  o.cache_dir = cache.path;
  o.tiles.family = "sm80"; // on sm_90a the default would be an sm90 tile outside the list
  TuneOptions t;
  t.force = true;
  t.max_reps = 12;
  // 128x64x4w2s is the sm80 head-dim-64 default; 96 rows do not split over 4 warps (compile error);
  // the test hook refuses to launch 64x64x4w2s.
  t.candidates = {{128, 64, 4, 2, "sm80"},
                  {64, 64, 4, 2, "sm80"},
                  {96, 64, 4, 2, "sm80"},
                  {128, 32, 8, 3, "sm80"}};
  set_tune_launch_failure_for_test(
      [](const TileConfig& c) { return c.block_m == 64 && c.block_n == 64; });
  auto r = tune("causal", o, small_problem(), t);
  set_tune_launch_failure_for_test(nullptr);
  REQUIRE(r);
  REQUIRE(r->candidates.size() == 4);
  int failed = 0;
  for (const TuneCandidate& c : r->candidates) {
    INFO(tiles_name(c.tiles) << ": " << c.error);
    if (c.tiles.block_m == 96) {
      CHECK(std::isinf(c.ms));
      CHECK(c.error.find("block_m 96") != std::string::npos);
      ++failed;
    } else if (c.tiles.block_m == 64) {
      CHECK(std::isinf(c.ms));
      CHECK(c.error.find("test hook") != std::string::npos);
      ++failed;
    } else {
      CHECK(std::isfinite(c.ms));
      CHECK(c.error.empty());
    }
  }
  CHECK(failed == 2);
  CHECK(std::isinf(r->candidates.back().ms)); // failures sort last
  CHECK(std::isfinite(r->best_ms));
  CHECK(r->best.block_m == 128);
  CHECK(std::isfinite(r->default_ms));
}
