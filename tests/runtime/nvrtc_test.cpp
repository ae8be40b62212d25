// The NVRTC wrapper: loading, compiling a small kernel that includes an embedded template, and
// a failure that keeps the log, the options and the dumped source.
#include "runtime/nvrtc.h"

#include "runtime/fs_util.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace attnjit;

namespace {

// Includes the embedded FwdParams header, as every generated kernel does.
constexpr const char* kTinyKernel = R"(
#include "fwd_params.cuh"
extern "C" __global__ void attnjit_fwd(attnjit::FwdParams p) {
  if (p.lse) p.lse[threadIdx.x] = p.scale;
}
)";

} // namespace

TEST_CASE("nvrtc loads and reports its version", "[nvrtc]") {
  const auto& info = nvrtc_info();
  REQUIRE(info.ok());
  CHECK(info->major >= 12);
  CHECK(!info->version.empty());
}

TEST_CASE("nvrtc compiles a kernel using an embedded template to a cubin", "[nvrtc]") {
  for (const char* arch : {"sm_80", "sm_90a"}) {
    auto cubin = compile_cubin({kTinyKernel, "tiny.cu", nvrtc_options(arch), ""});
    INFO(arch);
    REQUIRE(cubin.ok());
    REQUIRE(cubin->size() > 4);
    // A cubin is an ELF image.
    CHECK(std::string(cubin->data() + 1, 3) == "ELF");
  }
}

TEST_CASE("nvrtc options are deliberate: exact arch, no fast math", "[nvrtc]") {
  auto opts = nvrtc_options("sm_90a");
  CHECK(opts[0] == "--gpu-architecture=sm_90a");
  for (const auto& o : opts) CHECK(o != "--use_fast_math");
}

TEST_CASE("a compile error keeps the log, the options and the dumped source", "[nvrtc]") {
  TempDir dir;
  std::string failed = dir.path() + "/failed";
  auto r = compile_cubin(
      {"__global__ void f() { undeclared_thing(); }", "broken.cu", nvrtc_options("sm_80"), failed});
  REQUIRE(!r.ok());
  const std::string& msg = r.error().message;
  CHECK_THAT(msg, Catch::Contains("broken.cu"));
  CHECK_THAT(msg, Catch::Contains("undeclared_thing"));         // the log
  CHECK_THAT(msg, Catch::Contains("--gpu-architecture=sm_80")); // the options
  CHECK_THAT(msg, Catch::Contains("source: " + failed + "/"));  // the dump
  auto pos = msg.find("source: ");
  std::string path = msg.substr(pos + 8, msg.find('\n', pos) - pos - 8);
  auto text = read_file(path);
  REQUIRE(text.has_value());
  CHECK_THAT(std::string(text->begin(), text->end()), Catch::Contains("undeclared_thing"));
}

TEST_CASE("a bad nvrtc option gives a readable error naming it", "[nvrtc]") {
  auto opts = nvrtc_options("sm_80");
  opts.push_back("--no-such-option");
  auto r = compile_cubin({kTinyKernel, "tiny.cu", opts, ""});
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("--no-such-option"));
  CHECK_THAT(r.error().message, Catch::Contains("options:"));
}
