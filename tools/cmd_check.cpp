// attnjit check MASK: the canonical form, the structural hash and the parameters, or the
// diagnostics.
#include "compiler/pipeline.h"
#include "tools/cli.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace attnjit::cli {

void add_check(CLI::App& app) {
  struct Flags {
    std::string mask;
    bool json = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand("check", "parse and check a mask; print its canonical form");
  cmd->add_option("mask", f->mask, "the mask text")->required();
  cmd->add_flag("--json", f->json, "print one JSON object");
  cmd->callback([f] {
    Result<MaskProgram> m = build_mask_program(f->mask);
    if (!m) throw CLI::RuntimeError(fail(m.error().message));
    if (f->json) {
      nlohmann::json j = {{"canonical", m->canonical}, {"hash", m->hash}, {"params", m->params}};
      std::printf("%s\n", j.dump().c_str());
      return;
    }
    std::string params;
    for (const std::string& p : m->params) params += (params.empty() ? "" : ", ") + p;
    std::printf("canonical  %s\nhash       %s\nparams     %s\n", m->canonical.c_str(),
                m->hash.c_str(), params.empty() ? "(none)" : params.c_str());
  });
}

} // namespace attnjit::cli
