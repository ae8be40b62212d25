#include "compiler/classify_blocks.h"

namespace attnjit {

char block_char(BlockClass c) {
  switch (c) {
  case BlockClass::Empty:
    return '.';
  case BlockClass::Partial:
    return 'P';
  case BlockClass::Full:
    return 'F';
  }
  return '?';
}

BlockClassifier::BlockClassifier(const MaskProgram& program, const std::vector<int64_t>& values)
    : plan_(bind_plan(plan_analysis(program.normalized), program.params, values)) {}

BlockClass BlockClassifier::operator()(int64_t q0, int64_t q1, int64_t k0, int64_t k1) const {
  return BlockClass(attnjit::classify_block(plan_.view(), q0, q1, k0, k1));
}

BlockClass classify_block(const MaskProgram& program, const std::vector<int64_t>& values,
                          int64_t q0, int64_t q1, int64_t k0, int64_t k1) {
  return BlockClassifier(program, values)(q0, q1, k0, k1);
}

} // namespace attnjit
