#include "tools/cli.h"

#include <charconv>
#include <cstdio>

namespace attnjit::cli {

void add_problem_flags(CLI::App* cmd, ProblemFlags& f) {
  cmd->add_option("--batch", f.batch, "batch size")->check(CLI::PositiveNumber);
  cmd->add_option("--heads", f.heads, "query heads")->check(CLI::PositiveNumber);
  cmd->add_option("--kv-heads", f.kv_heads, "key/value heads (default: --heads)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seq-q", f.seq_q, "query length")->check(CLI::NonNegativeNumber);
  cmd->add_option("--seq-k", f.seq_k, "key length (default: --seq-q)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--head-dim", f.head_dim, "head dimension")->check(CLI::PositiveNumber);
  cmd->add_option("--dtype", f.dtype, "bf16, fp16 or fp32 (fp32: CPU only)")
      ->check(CLI::IsMember({"bf16", "fp16", "fp32"}));
  cmd->add_option("--param", f.params, "mask parameter NAME=VALUE (repeatable)");
  cmd->add_option("--scale", f.scale, "softmax scale (default 1/sqrt(head dim))");
  cmd->add_option("--backend", f.backend, "gpu, cpu or auto (GPU when present)")
      ->check(CLI::IsMember({"auto", "gpu", "cpu"}));
  cmd->add_option("--arch", f.arch, "GPU architecture: sm_80 or sm_90a (default: the device's)");
  cmd->add_flag("--json", f.json, "print one JSON object");
}

bool parse_params(const std::vector<std::string>& in,
                  std::vector<std::pair<std::string, int64_t>>& out) {
  for (const std::string& s : in) {
    size_t eq = s.find('=');
    int64_t v = 0;
    const char* first = s.data() + (eq == std::string::npos ? 0 : eq + 1);
    const char* last = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(first, last, v);
    if (eq == std::string::npos || eq == 0 || ec != std::errc() || ptr != last) {
      std::fprintf(stderr, "error: --param expects NAME=VALUE with an integer value, got '%s'\n",
                   s.c_str());
      return false;
    }
    out.emplace_back(s.substr(0, eq), v);
  }
  return true;
}

int fail(const std::string& message) {
  std::fputs(message.c_str(), stderr);
  if (message.empty() || message.back() != '\n') std::fputc('\n', stderr);
  return 1;
}

} // namespace attnjit::cli
