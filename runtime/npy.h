// Writes NumPy .npy files (format 1.0, little-endian float32, C order).
#pragma once

#include "attnjit/result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace attnjit {

Result<void> write_npy_f32(const std::string& path, const std::vector<int64_t>& shape,
                           const float* data);

} // namespace attnjit
