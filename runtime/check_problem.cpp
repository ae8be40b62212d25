#include "runtime/check_problem.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

namespace attnjit {

namespace {

// cp.async and TMA move 16-byte chunks: every row must start on a 16-byte boundary, which for
// 16-bit elements means strides that are multiples of 8 and 16-byte-aligned base pointers.
constexpr int64_t kStrideMultiple = 8;
constexpr uintptr_t kPointerAlignment = 16;
// Grid dimensions y and z (heads, batch) are limited to 65535 by the hardware.
constexpr int kMaxGridYZ = 65535;

Result<void> check_tensor(const char* name, const TensorRef& t) {
  if (!t.data) return Error{fmt::format("{}.data is null", name)};
  auto addr = reinterpret_cast<uintptr_t>(t.data);
  if (addr % kPointerAlignment != 0)
    return Error{fmt::format("{}.data ({:#x}) is not 16-byte aligned", name, addr)};
  const std::pair<const char*, int64_t> strides[] = {{"stride_batch", t.stride_batch},
                                                     {"stride_head", t.stride_head},
                                                     {"stride_seq", t.stride_seq}};
  for (const auto& [field, s] : strides) {
    if (s < 0) return Error{fmt::format("{}.{} = {} is negative", name, field, s)};
    if (s % kStrideMultiple != 0)
      return Error{fmt::format("{}.{} = {} is not a multiple of 8 elements (rows must start on "
                               "16-byte boundaries)",
                               name, field, s)};
  }
  return {};
}

} // namespace

Result<void> check_gpu_problem(const Problem& p) {
  if (p.batch <= 0) return Error{fmt::format("batch = {} must be positive", p.batch)};
  if (p.heads <= 0) return Error{fmt::format("heads = {} must be positive", p.heads)};
  if (p.kv_heads <= 0) return Error{fmt::format("kv_heads = {} must be positive", p.kv_heads)};
  if (p.heads % p.kv_heads != 0)
    return Error{fmt::format("heads = {} is not a multiple of kv_heads = {}", p.heads, p.kv_heads)};
  if (p.batch > kMaxGridYZ || p.heads > kMaxGridYZ)
    return Error{fmt::format("batch = {} and heads = {} must each be at most {}", p.batch, p.heads,
                             kMaxGridYZ)};
  if (p.seq_q < 0) return Error{fmt::format("seq_q = {} is negative", p.seq_q)};
  if (p.seq_k < 0) return Error{fmt::format("seq_k = {} is negative", p.seq_k)};
  if (p.seq_k == 0 && p.seq_q > 0)
    return Error{fmt::format("seq_k = 0 with seq_q = {}: there are no keys to attend", p.seq_q)};
  if (!std::isfinite(p.scale)) return Error{"scale is not finite"};
  if (p.seq_q == 0) return {}; // nothing will be read or written
  for (auto [name, t] :
       {std::pair<const char*, const TensorRef*>{"q", &p.q}, {"k", &p.k}, {"v", &p.v}, {"o", &p.o}})
    if (auto r = check_tensor(name, *t); !r) return r;
  if (p.lse && reinterpret_cast<uintptr_t>(p.lse) % alignof(float) != 0)
    return Error{"lse is not 4-byte aligned"};
  return {};
}

} // namespace attnjit
