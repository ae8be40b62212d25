#include "runtime/npy.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace attnjit {

Result<void> write_npy_f32(const std::string& path, const std::vector<int64_t>& shape,
                           const float* data) {
  std::string dims;
  int64_t count = 1;
  for (int64_t d : shape) {
    dims += std::to_string(d) + ", ";
    count *= d;
  }
  if (shape.size() > 1) dims.resize(dims.size() - 2); // a 1-d shape keeps its trailing comma
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Magic (6) + version (2) + length (2) + header + '\n' is padded to a multiple of 64.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');

  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) return Error{"cannot write '" + path + "': " + std::strerror(errno)};
  const unsigned char magic[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  uint16_t len = uint16_t(header.size());
  const unsigned char len_le[2] = {uint8_t(len & 0xff), uint8_t(len >> 8)};
  bool ok = std::fwrite(magic, 1, 8, f.get()) == 8 && std::fwrite(len_le, 1, 2, f.get()) == 2 &&
            std::fwrite(header.data(), 1, header.size(), f.get()) == header.size() &&
            std::fwrite(data, sizeof(float), size_t(count), f.get()) == size_t(count);
  if (!ok) return Error{"cannot write '" + path + "': " + std::strerror(errno)};
  return {};
}

} // namespace attnjit
