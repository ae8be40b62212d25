// Host conversions between float and the 16-bit storage types (round to nearest even), used to
// make inputs, read outputs and compute references. Values are exact: a bf16 or fp16 element
// converts to exactly one float.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace attnjit {

inline uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

inline float bits_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

inline uint16_t float_to_bf16(float f) {
  uint32_t u = float_bits(f);
  if (std::isnan(f)) return uint16_t((u >> 16) | 0x40); // keep it a quiet NaN
  u += 0x7fffu + ((u >> 16) & 1u);
  return uint16_t(u >> 16);
}

inline float bf16_to_float(uint16_t h) {
  return bits_float(uint32_t(h) << 16);
}

inline uint16_t float_to_fp16(float f) {
  uint32_t x = float_bits(f);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t mag = x & 0x7fffffffu;
  if (mag >= 0x7f800000u) return uint16_t(sign | 0x7c00u | (mag > 0x7f800000u ? 0x200u : 0u));
  if (mag >= 0x477ff000u) return uint16_t(sign | 0x7c00u); // rounds past the largest half
  if (mag < 0x38800000u) {                                 // subnormal half or zero
    // Scale so the half's subnormal unit (2^-24) becomes 1, then round to nearest even.
    float v = bits_float(mag) * 16777216.0f;
    float r = std::nearbyint(v);
    return uint16_t(sign | uint32_t(r));
  }
  uint32_t e = ((mag >> 23) - 112u) << 10;
  uint32_t m = (mag >> 13) & 0x3ffu;
  uint32_t rest = mag & 0x1fffu;
  uint32_t h = e | m;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;
  return uint16_t(sign | h);
}

inline float fp16_to_float(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t e = (h >> 10) & 0x1fu;
  uint32_t m = h & 0x3ffu;
  if (e == 0) {
    float v = std::ldexp(float(m), -24);
    return sign ? -v : v;
  }
  if (e == 31) return bits_float(sign | 0x7f800000u | (m << 13));
  return bits_float(sign | ((e + 112u) << 23) | (m << 13));
}

} // namespace attnjit
