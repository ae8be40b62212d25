// Test-side helpers around the fp64 reference (runtime/reference.h): random inputs stored in a
// chosen dtype and layout, the same values as floats for the reference, outputs poisoned before
// a run and read back as doubles. Shared by the CPU tests and, later, the GPU tests.
#pragma once

#include "attnjit/attnjit.hpp"
#include "runtime/reference.h"

#include <cstdint>
#include <vector>

namespace attnjit::test {

struct Shape {
  int batch = 1, heads = 1, kv_heads = 1, seq_q = 1, seq_k = 1, head_dim = 64;
  DType dtype = DType::fp32;
  // false: [B, H, S, D]; true: [B, S, H, D]. `pad` adds elements to each sequence row so that
  // the sequence stride is not the packed one.
  bool seq_major = false;
  int pad = 0;
};

size_t dtype_size(DType t);
float load_as_float(const void* base, int64_t index, DType t);
void store_from_float(void* base, int64_t index, DType t, float v);

struct Tensors {
  Shape shape;
  std::vector<uint8_t> q, k, v, o; // raw storage in the dtype and layout of `shape`
  std::vector<float> qf, kf, vf;   // the stored values, [B, H, S, D] contiguous, for the reference
  std::vector<float> lse;          // [B, H, seq_q]
  Problem problem;                 // points into the storage above
};

// Fresh normal(0, 1) data from `seed`, rounded to the dtype.
Tensors make_tensors(const Shape& s, uint64_t seed);
// NaN into every element of O and LSE so that an unwritten element fails the comparison.
void poison(Tensors& t);
// O as doubles, [B, H, seq_q, D].
std::vector<double> read_output(const Tensors& t);
ReferenceOutput reference(const Tensors& t, const MaskPredicate& mask, float scale = 0);

} // namespace attnjit::test
