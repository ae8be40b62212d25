// Shared pieces of the `attnjit` command-line program: flags that describe a problem, and the
// subcommands' registration. The program is thin: every subcommand calls the library.
#pragma once

#include "attnjit/attnjit.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace attnjit::cli {

struct ProblemFlags {
  int batch = 1;
  int heads = 16;
  int kv_heads = 0; // 0 = heads
  int seq_q = 1024;
  int seq_k = 0; // 0 = seq_q
  int head_dim = 128;
  std::string dtype = "bf16";
  std::vector<std::string> params; // NAME=VALUE
  float scale = 0;
  std::string backend = "auto";
  std::string arch;
  bool json = false;
};

// --batch --heads --kv-heads --seq-q --seq-k --head-dim --dtype --param --scale --backend --json
void add_problem_flags(CLI::App* cmd, ProblemFlags& f);

// Parses NAME=VALUE strings. On a malformed one prints an error and returns false.
bool parse_params(const std::vector<std::string>& in,
                  std::vector<std::pair<std::string, int64_t>>& out);

// The CompileOptions the problem flags ask for (head dim, dtype, backend, arch; no tiles).
CompileOptions compile_options_of(const ProblemFlags& f);

// The problem's shapes and parameter values (no tensors): what tune() and compile_for() key on.
Problem problem_shape_of(const ProblemFlags& f,
                         const std::vector<std::pair<std::string, int64_t>>& params);

// tune() with a progress line on stderr when it is a terminal (nothing otherwise).
Result<TuneReport> tune_with_progress(const std::string& mask, const CompileOptions& options,
                                      const Problem& shape, bool force);

// "128x64x4w2s".
std::string tiles_name(const TileConfig& t);

// Prints `message` to stderr (it already names the problem) and returns exit code 1.
int fail(const std::string& message);

void add_check(CLI::App& app);
void add_explain(CLI::App& app);
void add_emit(CLI::App& app);
void add_compile(CLI::App& app);
void add_run(CLI::App& app);
void add_tune(CLI::App& app);

} // namespace attnjit::cli
