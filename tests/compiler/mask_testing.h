// Helpers shared by the compiler tests: random masks drawn from the grammar, and brute-force
// truths about blocks and key sets computed with the reference evaluator.
#pragma once

#include "compiler/eval_mask.h"
#include "compiler/pipeline.h"
#include "dsl/ir.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace attnjit::testing {

// Parameters of random masks: A and B take any sign, N and W are sizes (>= 0), C is a divisor
// (> 0), so every random mask is one the launch checks accept.
struct RandomMask {
  MaskProgram program;
  std::vector<int64_t> values; // in program.params order
};

class MaskGen {
public:
  explicit MaskGen(uint64_t seed) : rng_(seed) {}
  RandomMask mask(int depth = 3);
  int64_t uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  std::mt19937_64& rng() { return rng_; }

  ExprPtr boolean(int depth);
  ExprPtr integer(int depth);

private:
  ExprPtr size_arg();    // >= 0
  ExprPtr divisor_arg(); // > 0
  ExprPtr builtin();
  std::mt19937_64 rng_;
};

int64_t param_value(const std::string& name, MaskGen& g);

// Brute-force truth of a box: number of attended pairs.
int64_t count_attended(const MaskEvaluator& attend, int64_t q0, int64_t q1, int64_t k0, int64_t k1);

} // namespace attnjit::testing
