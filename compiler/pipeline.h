// The compile pipeline's front half, in order: parse -> check -> normalize. Everything after it
// (analysis, CUDA generation, LLVM lowering, NVRTC) starts from a MaskProgram.
// With ATTNJIT_DEBUG=1 each stage's output is printed to stderr.
#pragma once

#include "attnjit/result.hpp"
#include "dsl/ir.h"

#include <string>
#include <string_view>
#include <vector>

namespace attnjit {

struct MaskProgram {
  std::string source;    // the text as given
  ExprPtr checked;       // after parse + check: built-ins intact; prints as the canonical form
  ExprPtr normalized;    // built-ins expanded, negations pushed into comparisons, abs split
  std::string canonical; // canonical text of `checked`
  std::string hash;      // structural hash: 16 lower-case hex digits
  std::vector<std::string> params; // parameter names, sorted; values travel in this order
};

// Runs parse, check and normalize. On failure the error message holds every diagnostic,
// rendered with file name "mask", line, column, the source line and a caret.
Result<MaskProgram> build_mask_program(std::string_view text);

// The same from a tree that is already checked (built with the IR's make_* helpers, as tests
// and tools that generate masks do): normalize, canonical text, hash, parameters.
MaskProgram make_mask_program(ExprPtr checked, std::string source = {});

} // namespace attnjit
