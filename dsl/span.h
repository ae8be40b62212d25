// Where a token or node came from in the mask text.
#pragma once

#include <cstdint>

namespace attnjit {

struct Span {
  int32_t offset = 0; // byte offset into the source
  int32_t length = 0; // bytes covered (0 for "end of input")
  int32_t line = 1;   // 1-based
  int32_t col = 1;    // 1-based, in bytes
};

// The smallest span covering both.
inline Span join(const Span& a, const Span& b) {
  const Span& first = a.offset <= b.offset ? a : b;
  int32_t end_a = a.offset + a.length, end_b = b.offset + b.length;
  Span s = first;
  s.length = (end_a > end_b ? end_a : end_b) - first.offset;
  return s;
}

} // namespace attnjit
