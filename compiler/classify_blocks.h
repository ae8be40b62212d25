// Block classification: for query positions [q0, q1] and key positions [k0, k1] (inclusive),
// whether no pair is attended (Empty), every pair is (Full), or some are (Partial), under bound
// parameter values.
//
// Sound for every mask: Empty and Full are never wrong, Partial is the safe answer. Exact for
// every built-in alone and for the masks of shared/PEERS.md, for any box and values. The work
// is done by classify_block in templates/mask_support.cuh, the same code the generated kernel
// struct runs, so host and device agree block for block.
#pragma once

#include "compiler/analysis_plan.h"
#include "compiler/pipeline.h"

#include <cstdint>
#include <vector>

namespace attnjit {

enum class BlockClass { Empty = kMaskEmpty, Partial = kMaskPartial, Full = kMaskFull };

// 'F', 'P' or '.', as in block maps.
char block_char(BlockClass c);

class BlockClassifier {
public:
  // Values in MaskProgram::params order.
  BlockClassifier(const MaskProgram& program, const std::vector<int64_t>& values);
  BlockClass operator()(int64_t q0, int64_t q1, int64_t k0, int64_t k1) const;

private:
  BoundPlan plan_;
};

// One-off form of the above.
BlockClass classify_block(const MaskProgram& program, const std::vector<int64_t>& values,
                          int64_t q0, int64_t q1, int64_t k0, int64_t k1);

} // namespace attnjit
