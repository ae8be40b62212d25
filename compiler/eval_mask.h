// The host interpreter of a mask: the element predicate attend(q, k) under bound parameter
// values. It is the reference every other part is checked against (block analysis, CPU fp64
// attention, GPU tests), so it reads the checked tree with built-ins evaluated by their
// definitions, independently of normalize. Construction folds every q/k-free subtree to a
// number and flattens the rest into a short bytecode, so a call costs a few dozen instructions.
#pragma once

#include "compiler/pipeline.h"
#include "dsl/ir.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attnjit {

// Value of an integer or boolean expression that mentions neither q nor k (booleans read 0/1).
// `names` are the parameter names (sorted) and `values` their values, in the same order.
int64_t eval_constant(const Expr& e, const std::vector<std::string>& names,
                      const std::vector<int64_t>& values);

class MaskEvaluator {
public:
  // The program's element predicate (its checked tree), values in MaskProgram::params order.
  MaskEvaluator(const MaskProgram& program, const std::vector<int64_t>& values);
  // Any boolean tree (checked or normalized).
  MaskEvaluator(const ExprPtr& mask, const std::vector<std::string>& names,
                const std::vector<int64_t>& values);

  bool operator()(int64_t q, int64_t k) const;

  // One query against `n` consecutive keys: out[j] = (*this)(q, k0 + j) for j < n, as 0 or 1.
  // The same values as the scalar call wherever its int64 arithmetic does not overflow, at a
  // fraction of the cost: each instruction runs over a chunk of keys at once, and what depends
  // on q alone is computed once per chunk (k0 + n - 1 must not overflow).
  void row(int64_t q, int64_t k0, int n, uint8_t* out) const;

  struct Instr {
    uint8_t op;
    uint8_t builtin; // the built-in's Op when op is the built-in opcode
    int64_t x, y, z;
  };

private:
  std::vector<Instr> code_;
  int depth_ = 0;
};

} // namespace attnjit
