// attnjit: compile attention masks into kernels, inspect them, run them.
#include "tools/cli.h"

#if defined(ATTNJIT_HAVE_CPU_BACKEND)
#include "attnjit/cpu.hpp"
#endif

int main(int argc, char** argv) {
#if defined(ATTNJIT_HAVE_CPU_BACKEND)
  attnjit::enable_cpu_backend();
#endif
  CLI::App app{"attnjit: a JIT compiler for attention masks"};
  app.require_subcommand(1);
  attnjit::cli::add_check(app);
  attnjit::cli::add_explain(app);
  attnjit::cli::add_emit(app);
  attnjit::cli::add_compile(app);
  attnjit::cli::add_run(app);
  attnjit::cli::add_tune(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
