// attnjit explain MASK: the block map of a mask for one shape (F full, P partial, . empty), the
// densities of attended and walked pairs, and their ratio: the ceiling a kernel can reach on
// this mask relative to dense attention.
#include "compiler/bind_params.h"
#include "compiler/mask_stats.h"
#include "compiler/pipeline.h"
#include "tools/cli.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

namespace attnjit::cli {
namespace {

struct ExplainFlags {
  std::string mask;
  int64_t seq_q = 0, seq_k = 0, block_m = 128, block_n = 128;
  std::vector<std::string> params;
  bool json = false;
  std::string svg;
};

// One square per block; the colours follow the map's three classes.
std::string render_svg(const MaskStats& s, const std::string& title) {
  const int rows = int(s.block_map.size());
  const int cols = rows ? int(s.block_map[0].size()) : 0;
  const int cell = std::max(2, std::min(24, 768 / std::max({rows, cols, 1})));
  const int top = 28, w = cols * cell, h = rows * cell + top;
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(w + 2) +
                    "\" height=\"" + std::to_string(h + 2) + "\">\n";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out += "<text x=\"2\" y=\"18\" font-family=\"monospace\" font-size=\"13\">";
  for (char c : title)
    out += c == '<' ? std::string("&lt;") : c == '&' ? "&amp;" : std::string(1, c);
  out += "</text>\n";
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      char b = s.block_map[size_t(r)][size_t(c)];
      if (b == '.') continue;
      out += "<rect x=\"" + std::to_string(1 + c * cell) + "\" y=\"" +
             std::to_string(top + r * cell) + "\" width=\"" + std::to_string(cell) +
             "\" height=\"" + std::to_string(cell) + "\" fill=\"" +
             (b == 'F' ? "#1f5fa8" : "#f0a030") + "\"/>\n";
    }
  out += "<rect x=\"1\" y=\"" + std::to_string(top) + "\" width=\"" + std::to_string(w) +
         "\" height=\"" + std::to_string(rows * cell) +
         "\" fill=\"none\" stroke=\"#888\"/>\n</svg>\n";
  return out;
}

int explain(const ExplainFlags& f) {
  Result<MaskProgram> m = build_mask_program(f.mask);
  if (!m) return fail(m.error().message);
  std::vector<std::pair<std::string, int64_t>> given;
  if (!parse_params(f.params, given)) return 1;
  Result<std::vector<int64_t>> values = bind_params(*m, given);
  if (!values) return fail(values.error().message);
  const int64_t seq_k = f.seq_k ? f.seq_k : f.seq_q;
  if (Result<void> r = check_launch(*m, *values, f.seq_q, seq_k); !r)
    return fail(r.error().message);
  Result<MaskStats> s = mask_stats(*m, *values, f.seq_q, seq_k, f.block_m, f.block_n);
  if (!s) return fail(s.error().message);

  std::string bound;
  for (auto& [n, v] : given) bound += (bound.empty() ? "" : ", ") + n + "=" + std::to_string(v);
  if (!f.svg.empty()) {
    std::ofstream out(f.svg);
    out << render_svg(*s, m->canonical + (bound.empty() ? "" : "  [" + bound + "]") + "  " +
                              std::to_string(s->seq_q) + " x " + std::to_string(s->seq_k));
    if (!out) return fail("error: cannot write '" + f.svg + "'");
  }
  if (f.json) {
    nlohmann::json j = {
        {"canonical", m->canonical},
        {"hash", m->hash},
        {"params", m->params},
        {"seq_q", s->seq_q},
        {"seq_k", s->seq_k},
        {"block_m", s->block_m},
        {"block_n", s->block_n},
        {"attended_pairs", s->attended_pairs},
        {"walked_pairs", s->walked_pairs},
        {"pair_density", s->pair_density},
        {"walked_density", s->walked_density},
        {"ratio", s->ratio},
        {"blocks",
         {{"full", s->full_blocks}, {"partial", s->partial_blocks}, {"empty", s->empty_blocks}}},
        {"map", s->block_map}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  std::printf("mask      %s\n", m->canonical.c_str());
  std::printf("hash      %s\n", m->hash.c_str());
  if (!bound.empty()) std::printf("params    %s\n", bound.c_str());
  std::printf("shape     seq_q %lld, seq_k %lld, blocks %lld x %lld\n", (long long)s->seq_q,
              (long long)s->seq_k, (long long)s->block_m, (long long)s->block_n);
  std::printf("blocks    full %lld, partial %lld, empty %lld\n", (long long)s->full_blocks,
              (long long)s->partial_blocks, (long long)s->empty_blocks);
  std::printf("attended  %lld pairs, density %.6f\n", (long long)s->attended_pairs,
              s->pair_density);
  std::printf("walked    %lld pairs, density %.6f\n", (long long)s->walked_pairs,
              s->walked_density);
  std::printf("ceiling   attended / walked = %.4f\n\n", s->ratio);
  for (const std::string& row : s->block_map) std::printf("%s\n", row.c_str());
  return 0;
}

} // namespace

void add_explain(CLI::App& app) {
  auto f = std::make_shared<ExplainFlags>();
  CLI::App* cmd = app.add_subcommand("explain", "print the block map and densities of a mask");
  cmd->add_option("mask", f->mask, "the mask text")->required();
  cmd->add_option("--seq-q", f->seq_q, "query length")->required()->check(CLI::PositiveNumber);
  cmd->add_option("--seq-k", f->seq_k, "key length (default: --seq-q)")->check(CLI::PositiveNumber);
  cmd->add_option("--block-m", f->block_m, "query tile size")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--block-n", f->block_n, "key tile size")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--param", f->params, "mask parameter NAME=VALUE (repeatable)");
  cmd->add_flag("--json", f->json, "print one JSON object");
  cmd->add_option("--svg", f->svg, "also draw the block map into this SVG file");
  cmd->callback([f] {
    if (int rc = explain(*f)) throw CLI::RuntimeError(rc);
  });
}

} // namespace attnjit::cli
