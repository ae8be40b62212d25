#include "runtime/fs_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

namespace attnjit {

Result<void> make_private_dir(const std::string& dir) {
  if (dir.empty()) return Error{"cache directory: empty path"};
  // Walk the path so that every missing parent is created private too.
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string part = dir.substr(0, pos);
    if (mkdir(part.c_str(), 0700) == 0 || errno == EEXIST) continue;
    return Error{fmt::format("cannot create cache directory {}: {}", part, std::strerror(errno))};
  }
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Error{fmt::format("cache directory {} is not a directory", dir)};
  return {};
}

Result<void> write_file_atomic(const std::string& path, std::string_view bytes) {
  // A name unique to this process and write, in the target's directory: rename() is atomic only
  // within one file system.
  static std::atomic<unsigned> counter{0};
  std::string tmp =
      fmt::format("{}.tmp.{}.{}.{}", path, getpid(),
                  std::hash<std::thread::id>{}(std::this_thread::get_id()) % 100000, counter++);
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error{fmt::format("cannot write {}: {}", tmp, std::strerror(errno))};
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string why = std::strerror(errno);
      close(fd);
      unlink(tmp.c_str());
      return Error{fmt::format("cannot write {}: {}", tmp, why)};
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    unlink(tmp.c_str());
    return Error{fmt::format("cannot rename {} to {}: {}", tmp, path, why)};
  }
  return {};
}

std::optional<std::vector<char>> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return bytes;
}

std::string default_cache_dir() {
  if (const char* d = std::getenv("ATTNJIT_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/attnjit";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/attnjit";
  return {};
}

} // namespace attnjit
