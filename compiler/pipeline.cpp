#include "compiler/pipeline.h"

#include "compiler/normalize.h"
#include "dsl/parse_mask.h"
#include "dsl/print.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace attnjit {
namespace {

bool debug_enabled() {
  const char* v = std::getenv("ATTNJIT_DEBUG");
  return v && *v && std::strcmp(v, "0") != 0;
}

void dump_stage(const char* stage, const std::string& text) {
  std::fprintf(stderr, "-- attnjit: %s\n%s%s", stage, text.c_str(),
               !text.empty() && text.back() == '\n' ? "" : "\n");
}

// The front half of the compile pipeline, in order. Everything after it reads the program.
MaskProgram run_passes(ExprPtr checked, std::string source, std::string canonical, std::string hash,
                       std::vector<std::string> params) {
  const bool debug = debug_enabled();
  if (debug) dump_stage("checked", canonical + "\n" + dump_ir(*checked));
  MaskProgram m;
  m.normalized = normalize(checked);
  if (debug) dump_stage("normalized", to_canonical(*m.normalized));
  m.source = std::move(source);
  m.checked = std::move(checked);
  m.canonical = std::move(canonical);
  m.hash = std::move(hash);
  m.params = std::move(params);
  return m;
}

} // namespace

Result<MaskProgram> build_mask_program(std::string_view text) {
  if (debug_enabled()) dump_stage("source", std::string(text));
  Result<ParsedMask> parsed = parse_mask(text); // lex, parse, check
  if (!parsed) return parsed.error();
  ParsedMask& p = parsed.value();
  return run_passes(std::move(p.expr), std::string(text), std::move(p.canonical), std::move(p.hash),
                    std::move(p.params));
}

MaskProgram make_mask_program(ExprPtr checked, std::string source) {
  std::string canonical = to_canonical(*checked);
  if (source.empty()) source = canonical;
  std::string hash = structural_hash(*checked);
  std::vector<std::string> params = collect_params(*checked);
  return run_passes(std::move(checked), std::move(source), std::move(canonical), std::move(hash),
                    std::move(params));
}

} // namespace attnjit
