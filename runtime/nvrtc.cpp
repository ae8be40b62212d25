#include "runtime/nvrtc.h"

#include "runtime/fs_util.h"
#include "templates/embedded.h"

#include <dlfcn.h>

#include <fmt/format.h>
#include <xxhash.h>

#include <cstdlib>
#include <memory>
#include <sstream>

namespace attnjit {

namespace {

using nvrtcResult = int;
using nvrtcProgram = struct _nvrtcProgram*;
constexpr nvrtcResult kNvrtcSuccess = 0;

struct NvrtcApi {
  const char* (*nvrtcGetErrorString)(nvrtcResult);
  nvrtcResult (*nvrtcVersion)(int*, int*);
  nvrtcResult (*nvrtcCreateProgram)(nvrtcProgram*, const char*, const char*, int,
                                    const char* const*, const char* const*);
  nvrtcResult (*nvrtcDestroyProgram)(nvrtcProgram*);
  nvrtcResult (*nvrtcCompileProgram)(nvrtcProgram, int, const char* const*);
  nvrtcResult (*nvrtcGetProgramLogSize)(nvrtcProgram, size_t*);
  nvrtcResult (*nvrtcGetProgramLog)(nvrtcProgram, char*);
  nvrtcResult (*nvrtcGetCUBINSize)(nvrtcProgram, size_t*);
  nvrtcResult (*nvrtcGetCUBIN)(nvrtcProgram, char*);
};

struct Loaded {
  NvrtcApi api{};
  Result<NvrtcInfo> info = Error{"not loaded"};
};

template <class Fn> bool resolve(void* lib, const char* name, Fn& fn) {
  fn = reinterpret_cast<Fn>(dlsym(lib, name));
  return fn != nullptr;
}

std::vector<std::string> candidate_paths() {
  const char* names[] = {"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"};
  std::vector<std::string> dirs = {""}; // first the loader's own search path
  if (const char* home = std::getenv("CUDA_HOME"); home && *home)
    dirs.push_back(std::string(home) + "/lib64/");
  if (const char* path = std::getenv("CUDA_PATH"); path && *path)
    dirs.push_back(std::string(path) + "/lib64/");
  dirs.push_back("/usr/local/cuda/lib64/"); // the toolkit's default install location
  std::vector<std::string> out;
  for (const auto& d : dirs)
    for (const char* n : names) out.push_back(d + n);
  return out;
}

Loaded load() {
  Loaded l;
  void* lib = nullptr;
  std::string found;
  for (const auto& path : candidate_paths()) {
    lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib) {
      found = path;
      break;
    }
  }
  if (!lib) {
    l.info = Error{"NVRTC not found: tried libnvrtc.so.13, .so.12 and .so on the library path, "
                   "$CUDA_HOME/lib64 and /usr/local/cuda/lib64"};
    return l;
  }
  NvrtcApi& a = l.api;
  bool ok = resolve(lib, "nvrtcGetErrorString", a.nvrtcGetErrorString) &&
            resolve(lib, "nvrtcVersion", a.nvrtcVersion) &&
            resolve(lib, "nvrtcCreateProgram", a.nvrtcCreateProgram) &&
            resolve(lib, "nvrtcDestroyProgram", a.nvrtcDestroyProgram) &&
            resolve(lib, "nvrtcCompileProgram", a.nvrtcCompileProgram) &&
            resolve(lib, "nvrtcGetProgramLogSize", a.nvrtcGetProgramLogSize) &&
            resolve(lib, "nvrtcGetProgramLog", a.nvrtcGetProgramLog) &&
            resolve(lib, "nvrtcGetCUBINSize", a.nvrtcGetCUBINSize) &&
            resolve(lib, "nvrtcGetCUBIN", a.nvrtcGetCUBIN);
  if (!ok) {
    l.info = Error{
        fmt::format("{} lacks nvrtcGetCUBIN and friends (NVRTC 11.1 or newer needed)", found)};
    return l;
  }
  NvrtcInfo info;
  a.nvrtcVersion(&info.major, &info.minor);
  info.version = fmt::format("{}.{}", info.major, info.minor);
  info.shared_object = found;
  l.info = info;
  return l;
}

const Loaded& loaded() {
  static const Loaded l = load();
  return l;
}

// The embedded templates as NVRTC headers, under their bare name and under "templates/": the
// generated source and the templates may include either spelling.
struct Headers {
  std::vector<std::string> names;
  std::vector<const char*> name_ptrs, text_ptrs;
  Headers() {
    for (const EmbeddedFile* f = kEmbeddedTemplates; f->name; ++f) {
      names.push_back(f->name);
      names.push_back(std::string("templates/") + f->name);
      text_ptrs.push_back(f->text);
      text_ptrs.push_back(f->text);
    }
    for (const auto& n : names) name_ptrs.push_back(n.c_str());
  }
};

const Headers& headers() {
  static const Headers h;
  return h;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

} // namespace

const Result<NvrtcInfo>& nvrtc_info() {
  return loaded().info;
}

const std::vector<std::string>& extra_nvrtc_options() {
  static const std::vector<std::string> extra = [] {
    std::vector<std::string> out;
    const char* v = std::getenv("ATTNJIT_NVRTC_OPTIONS");
    std::istringstream words(v ? v : "");
    for (std::string w; words >> w;) out.push_back(w);
    return out;
  }();
  return extra;
}

std::vector<std::string> nvrtc_options(std::string_view arch) {
  // Deliberately no --use_fast_math: it turns on flush-to-zero and approximate division and
  // square root for the whole kernel. The templates call the fast exp2 intrinsic themselves where
  // speed matters; everything else stays IEEE so results track the fp64 reference closely.
  std::vector<std::string> o{fmt::format("--gpu-architecture={}", arch), "-std=c++17",
                             "-default-device", "-DATTNJIT_NVRTC=1", "--fmad=true"};
  const auto& extra = extra_nvrtc_options();
  o.insert(o.end(), extra.begin(), extra.end());
  return o;
}

Result<std::vector<char>> compile_cubin(const CubinRequest& req) {
  const Loaded& l = loaded();
  if (!l.info) return l.info.error();
  const NvrtcApi& a = l.api;
  const Headers& h = headers();
  std::string source(req.source); // NVRTC wants a NUL-terminated string

  nvrtcProgram prog = nullptr;
  nvrtcResult r = a.nvrtcCreateProgram(&prog, source.c_str(), req.name.c_str(),
                                       static_cast<int>(h.names.size()), h.text_ptrs.data(),
                                       h.name_ptrs.data());
  if (r != kNvrtcSuccess)
    return Error{fmt::format("nvrtcCreateProgram: {}", a.nvrtcGetErrorString(r))};
  auto destroy = [&a](nvrtcProgram* p) { a.nvrtcDestroyProgram(p); };
  std::unique_ptr<nvrtcProgram, decltype(destroy)> guard(&prog, destroy);

  std::vector<const char*> opts;
  for (const auto& o : req.options) opts.push_back(o.c_str());
  r = a.nvrtcCompileProgram(prog, static_cast<int>(opts.size()), opts.data());

  size_t log_size = 0;
  a.nvrtcGetProgramLogSize(prog, &log_size);
  std::string log(log_size, '\0');
  if (log_size > 0) a.nvrtcGetProgramLog(prog, log.data());
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();

  if (r != kNvrtcSuccess) {
    std::string dumped = "(not written)";
    if (!req.failed_dir.empty() && make_private_dir(req.failed_dir)) {
      // Named by content, so retrying the same failure does not pile up copies.
      std::string path = fmt::format("{}/{:016x}-{}", req.failed_dir,
                                     XXH3_64bits(source.data(), source.size()), req.name);
      if (write_file_atomic(path, source)) dumped = path;
    }
    return Error{fmt::format("NVRTC {} failed to compile {}: {}\noptions: {}\nsource: {}\nlog:\n{}",
                             l.info->version, req.name, a.nvrtcGetErrorString(r), join(req.options),
                             dumped, log)};
  }
  size_t size = 0;
  a.nvrtcGetCUBINSize(prog, &size);
  std::vector<char> cubin(size);
  r = a.nvrtcGetCUBIN(prog, cubin.data());
  if (r != kNvrtcSuccess || size == 0)
    return Error{fmt::format("NVRTC produced no cubin for {} (options: {}); is the architecture a "
                             "real one such as sm_80 rather than compute_80?",
                             req.name, join(req.options))};
  return cubin;
}

} // namespace attnjit
