// Key ranges: for query positions [q0, q1], a short sorted union of disjoint key intervals that
// holds every key some query of the tile attends (the walk set). The kernel visits only the key
// tiles these touch.
//
// Ranges come from comparisons linear in k (`abs(q - k) <= W` gives two bounds, after
// normalize) and from `q / c == k / c`-like atoms; any other atom allows every key. AND
// intersects, OR unions, q-only atoms allow all keys or none. Exact (the hull of the attended
// keys, per atom) for every built-in alone and the masks of shared/PEERS.md. The number of
// intervals is bounded at compile time (max_key_ranges), the bounds come from the values.
// Bounds are not clipped to the sequence: an unbounded side reads -kMaskInf or kMaskInf.
#pragma once

#include "compiler/analysis_plan.h"
#include "compiler/pipeline.h"

#include <cstdint>
#include <vector>

namespace attnjit {

struct KeyInterval {
  int64_t lo, hi; // inclusive
  bool operator==(const KeyInterval&) const = default;
};

// The most intervals key_ranges can return for this mask, whatever the values and tile.
int max_key_ranges(const MaskProgram& program);

class KeyRanges {
public:
  // Values in MaskProgram::params order.
  KeyRanges(const MaskProgram& program, const std::vector<int64_t>& values);
  std::vector<KeyInterval> operator()(int64_t q0, int64_t q1) const;
  int max_ranges() const { return plan_.max_ranges; }

private:
  BoundPlan plan_;
};

} // namespace attnjit
