#include "tests/common/reference.h"

#include "runtime/half.h"

#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace attnjit::test {

size_t dtype_size(DType t) {
  return t == DType::fp32 ? 4 : 2;
}

float load_as_float(const void* base, int64_t index, DType t) {
  if (t == DType::fp32) return static_cast<const float*>(base)[index];
  uint16_t h = static_cast<const uint16_t*>(base)[index];
  return t == DType::bf16 ? bf16_to_float(h) : fp16_to_float(h);
}

void store_from_float(void* base, int64_t index, DType t, float v) {
  if (t == DType::fp32) {
    static_cast<float*>(base)[index] = v;
    return;
  }
  static_cast<uint16_t*>(base)[index] = t == DType::bf16 ? float_to_bf16(v) : float_to_fp16(v);
}

namespace {

// A tensor of `heads` heads and `seq` positions in the layout of `s`; returns its TensorRef
// with data left null (storage may still move).
TensorRef layout(const Shape& s, int heads, int seq, std::vector<uint8_t>& storage) {
  TensorRef r;
  const int64_t row = s.head_dim + s.pad;
  if (s.seq_major) {
    r.stride_head = row;
    r.stride_seq = row * heads;
  } else {
    r.stride_seq = row;
    r.stride_head = row * seq;
  }
  r.stride_batch = row * heads * seq;
  storage.assign(size_t(r.stride_batch * s.batch) * dtype_size(s.dtype), 0);
  return r;
}

int64_t offset(const TensorRef& r, int b, int h, int i, int d) {
  return b * r.stride_batch + h * r.stride_head + i * r.stride_seq + d;
}

void fill(const Shape& s, int heads, int seq, std::vector<uint8_t>& storage, TensorRef& ref,
          std::vector<float>& flat, std::mt19937_64& rng) {
  std::normal_distribution<float> dist(0.0f, 1.0f);
  ref = layout(s, heads, seq, storage);
  flat.assign(size_t(s.batch) * heads * seq * s.head_dim, 0.0f);
  size_t n = 0;
  for (int b = 0; b < s.batch; ++b)
    for (int h = 0; h < heads; ++h)
      for (int i = 0; i < seq; ++i)
        for (int d = 0; d < s.head_dim; ++d) {
          int64_t at = offset(ref, b, h, i, d);
          store_from_float(storage.data(), at, s.dtype, dist(rng));
          flat[n++] = load_as_float(storage.data(), at, s.dtype);
        }
}

} // namespace

Tensors make_tensors(const Shape& s, uint64_t seed) {
  Tensors t;
  t.shape = s;
  std::mt19937_64 rng(seed);
  Problem& p = t.problem;
  p.batch = s.batch;
  p.heads = s.heads;
  p.kv_heads = s.kv_heads;
  p.seq_q = s.seq_q;
  p.seq_k = s.seq_k;
  fill(s, s.heads, s.seq_q, t.q, p.q, t.qf, rng);
  fill(s, s.kv_heads, s.seq_k, t.k, p.k, t.kf, rng);
  fill(s, s.kv_heads, s.seq_k, t.v, p.v, t.vf, rng);
  p.o = layout(s, s.heads, s.seq_q, t.o);
  t.lse.assign(size_t(s.batch) * s.heads * s.seq_q, 0.0f);
  p.q.data = t.q.data();
  p.k.data = t.k.data();
  p.v.data = t.v.data();
  p.o.data = t.o.data();
  p.lse = t.lse.data();
  poison(t);
  return t;
}

void poison(Tensors& t) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const size_t n = t.o.size() / dtype_size(t.shape.dtype);
  for (size_t i = 0; i < n; ++i) store_from_float(t.o.data(), int64_t(i), t.shape.dtype, nan);
  for (float& x : t.lse) x = nan;
}

std::vector<double> read_output(const Tensors& t) {
  const Shape& s = t.shape;
  std::vector<double> out;
  out.reserve(size_t(s.batch) * s.heads * s.seq_q * s.head_dim);
  for (int b = 0; b < s.batch; ++b)
    for (int h = 0; h < s.heads; ++h)
      for (int i = 0; i < s.seq_q; ++i)
        for (int d = 0; d < s.head_dim; ++d)
          out.push_back(load_as_float(t.o.data(), offset(t.problem.o, b, h, i, d), s.dtype));
  return out;
}

ReferenceOutput reference(const Tensors& t, const MaskPredicate& mask, float scale) {
  ReferenceProblem r;
  r.batch = t.shape.batch;
  r.heads = t.shape.heads;
  r.kv_heads = t.shape.kv_heads;
  r.seq_q = t.shape.seq_q;
  r.seq_k = t.shape.seq_k;
  r.head_dim = t.shape.head_dim;
  r.q = t.qf.data();
  r.k = t.kf.data();
  r.v = t.vf.data();
  r.scale = scale;
  return reference_attention(r, mask);
}

} // namespace attnjit::test
