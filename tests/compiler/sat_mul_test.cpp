// sat_mul against the exact product: the overflow test divides by the first operand (so that a
// constant coefficient folds on the device), and must agree with the 128-bit truth for either
// operand order, signs and magnitudes around kMaskInf.
#include "templates/mask_support.cuh"

#include <catch2/catch.hpp>

#include <vector>

using attnjit::kMaskInf;
using attnjit::sat_mul;

namespace {

long long exact_sat_mul(long long a, long long b) {
  const __int128 p = static_cast<__int128>(a) * b;
  if (p > kMaskInf) return kMaskInf;
  if (p < -kMaskInf) return -kMaskInf;
  return static_cast<long long>(p);
}

} // namespace

TEST_CASE("sat_mul saturates exactly where the product leaves [-kMaskInf, kMaskInf]") {
  std::vector<long long> mags = {0,
                                 1,
                                 2,
                                 3,
                                 7,
                                 256,
                                 1023,
                                 4096,
                                 65536,
                                 1ll << 30,
                                 (1ll << 31) - 1,
                                 1ll << 31,
                                 3037000499ll,
                                 3037000500ll,
                                 1ll << 32};
  // Around kMaskInf's divisors: k * m right below, at and above kMaskInf.
  for (long long d : {1ll, 2ll, 3ll, 5ll, 7ll, 1000ll, 1ll << 20, 1ll << 30}) {
    for (long long off : {-1ll, 0ll, 1ll}) mags.push_back(kMaskInf / d + off);
  }
  mags.push_back(kMaskInf);
  for (long long x : mags)
    for (long long y : mags)
      for (int sx : {1, -1})
        for (int sy : {1, -1}) {
          const long long a = sx * x, b = sy * y;
          INFO("a = " << a << ", b = " << b);
          REQUIRE(sat_mul(a, b) == exact_sat_mul(a, b));
          REQUIRE(sat_mul(b, a) == exact_sat_mul(a, b));
        }
}
