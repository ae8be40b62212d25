#include "compiler/key_ranges.h"

#include <cassert>

namespace attnjit {

int max_key_ranges(const MaskProgram& program) {
  return plan_analysis(program.normalized).max_ranges;
}

KeyRanges::KeyRanges(const MaskProgram& program, const std::vector<int64_t>& values)
    : plan_(bind_plan(plan_analysis(program.normalized), program.params, values)) {}

std::vector<KeyInterval> KeyRanges::operator()(int64_t q0, int64_t q1) const {
  // The host runs the device's routine at the largest capacity, which is also the capacity the
  // generated struct uses whenever the bound reaches it: both merge (or not) alike.
  long long lo[kMaxKeyRangesCap], hi[kMaxKeyRangesCap];
  const int n = walk_key_ranges<kMaskMaxStack, kMaxKeyRangesCap>(plan_.view(), q0, q1, lo, hi);
  assert(n <= plan_.max_ranges && "walk set larger than its compile-time bound");
  std::vector<KeyInterval> out;
  for (int i = 0; i < n; ++i) out.push_back({lo[i], hi[i]});
  return out;
}

} // namespace attnjit
