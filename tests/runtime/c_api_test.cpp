// The C API: a round trip through compile (compile_only with an arch), the info queries and the
// error paths of run, all without a GPU.
#include "attnjit/attnjit.h"

#include "test_util.h"

#include <catch2/catch.hpp>

#include <string>

using namespace attnjit;

namespace {

// hd 64, fp16, sm_90a: the combination the C++ API tests do not use.
attnjit_compile_options options_for(const std::string& dir) {
  attnjit_compile_options o;
  attnjit_compile_options_init(&o);
  o.backend = ATTNJIT_BACKEND_GPU;
  o.arch = "sm_90a";
  o.compile_only = 1;
  o.cache_dir = dir.c_str();
  o.head_dim = 64;
  o.dtype = ATTNJIT_FP16;
  return o;
}

alignas(16) char g_buffer[64];

attnjit_problem valid_problem() {
  attnjit_problem p;
  attnjit_problem_init(&p);
  p.seq_q = 10, p.seq_k = 20;
  for (attnjit_tensor* t : {&p.q, &p.k, &p.v, &p.o}) *t = {g_buffer, 20 * 64, 20 * 64, 64};
  return p;
}

} // namespace

TEST_CASE("c api: compile, query info, free", "[capi][nvrtc]") {
  std::string dir = persistent_cache_dir();
  attnjit_compile_options o = options_for(dir);
  attnjit_kernel* k = nullptr;
  REQUIRE(attnjit_compile("sink(S) | window(W, 0)", &o, &k) == ATTNJIT_OK);
  REQUIRE(k != nullptr);
  CHECK(std::string(attnjit_kernel_info_canonical(k)).find("sink(S)") != std::string::npos);
  CHECK(std::string(attnjit_kernel_info_hash(k)).size() == 16);
  REQUIRE(attnjit_kernel_info_num_params(k) == 2);
  CHECK(std::string(attnjit_kernel_info_param_name(k, 0)) == "S");
  CHECK(std::string(attnjit_kernel_info_param_name(k, 1)) == "W");
  CHECK(attnjit_kernel_info_param_name(k, 2) == nullptr);
  CHECK(attnjit_kernel_info_backend(k) == ATTNJIT_BACKEND_GPU);
  CHECK(attnjit_kernel_info_head_dim(k) == 64);
  CHECK(attnjit_kernel_info_dtype(k) == ATTNJIT_FP16);
  CHECK(std::string(attnjit_kernel_info_arch(k)) == "sm_90a");
  int bm = 0, bn = 0, warps = 0, stages = 0;
  attnjit_kernel_info_tiles(k, &bm, &bn, &warps, &stages);
  CHECK(bm > 0);
  CHECK(bn > 0);
  CHECK(warps > 0);
  CHECK(stages > 0);
  CHECK(std::string(attnjit_kernel_info_mask_code(k)) == "table");
  // The library's prebuilt module on the first run in this build folder, disk hit after.
  CHECK(attnjit_kernel_info_cache(k) != ATTNJIT_CACHE_MEMORY);
  CHECK(attnjit_kernel_info_compile_ms(k) > 0);
  CHECK(std::string(attnjit_kernel_info_cache_key(k)).size() == 32);
  CHECK(std::string(attnjit_kernel_info_cache_path(k)).find(dir) == 0);
  attnjit_kernel_free(k);
  attnjit_kernel_free(nullptr);
}

TEST_CASE("c api: errors come back as status plus message", "[capi][nvrtc]") {
  std::string dir = persistent_cache_dir();
  attnjit_compile_options o = options_for(dir);
  attnjit_kernel* k = nullptr;
  CHECK(attnjit_compile("casual", &o, &k) == ATTNJIT_ERROR_COMPILE);
  CHECK(k == nullptr);
  CHECK(std::string(attnjit_last_error()).find("causal") != std::string::npos);
  CHECK(attnjit_compile(nullptr, &o, &k) == ATTNJIT_ERROR_INVALID_ARGUMENT);
  CHECK(attnjit_compile("causal", &o, nullptr) == ATTNJIT_ERROR_INVALID_ARGUMENT);

  REQUIRE(attnjit_compile("sink(S) | window(W, 0)", &o, &k) == ATTNJIT_OK);
  const char* s_only[] = {"S"};
  int64_t s_value[] = {4};
  attnjit_problem p = valid_problem();
  p.param_names = s_only, p.param_values = s_value, p.num_params = 1;
  CHECK(attnjit_run(k, &p) == ATTNJIT_ERROR_RUN); // W unbound
  CHECK(std::string(attnjit_last_error()).find("W") != std::string::npos);

  const char* names[] = {"S", "W", "Z"};
  int64_t values[] = {4, 8, 1};
  p.param_names = names, p.param_values = values, p.num_params = 3;
  CHECK(attnjit_run(k, &p) == ATTNJIT_ERROR_RUN); // Z unknown
  CHECK(std::string(attnjit_last_error()).find("Z") != std::string::npos);

  p.num_params = 2;
  p.dtype = ATTNJIT_BF16;
  CHECK(attnjit_run(k, &p) == ATTNJIT_ERROR_RUN);
  CHECK(std::string(attnjit_last_error()).find("dtype is bf16") != std::string::npos);
  p.dtype = ATTNJIT_FP16;
  p.head_dim = 128;
  CHECK(attnjit_run(k, &p) == ATTNJIT_ERROR_RUN);
  CHECK(std::string(attnjit_last_error()).find("head_dim is 128") != std::string::npos);
  p.head_dim = 64;
  p.k.stride_seq = 65;
  CHECK(attnjit_run(k, &p) == ATTNJIT_ERROR_RUN);
  CHECK(std::string(attnjit_last_error()).find("k.stride_seq") != std::string::npos);
  p.k.stride_seq = 64;
  const int32_t cu[] = {0, 4, 10};
  p.batch = 2, p.cu_seqlens_q = cu;
  CHECK(attnjit_run(k, &p) == ATTNJIT_ERROR_RUN);
  CHECK(std::string(attnjit_last_error()).find("must be given together") != std::string::npos);
  p.batch = 1, p.cu_seqlens_q = nullptr, p.kv_splits = 500;
  CHECK(attnjit_run(k, &p) == ATTNJIT_ERROR_RUN);
  CHECK(std::string(attnjit_last_error()).find("kv_splits = 500") != std::string::npos);
  CHECK(attnjit_run(nullptr, &p) == ATTNJIT_ERROR_INVALID_ARGUMENT);
  CHECK(attnjit_run(k, nullptr) == ATTNJIT_ERROR_INVALID_ARGUMENT);
  attnjit_kernel_free(k);
}

TEST_CASE("c api: system info names both backends", "[capi]") {
  std::string s = attnjit_system_info();
  CHECK(s.find("gpu: ") == 0);
  CHECK(s.find("\ncpu: ") != std::string::npos);
}

TEST_CASE("c api: the mask code option", "[capi][nvrtc]") {
  std::string dir = persistent_cache_dir();
  attnjit_compile_options o = options_for(dir);
  o.mask_code = "inline";
  attnjit_kernel* k = nullptr;
  REQUIRE(attnjit_compile("causal", &o, &k) == ATTNJIT_OK);
  CHECK(std::string(attnjit_kernel_info_mask_code(k)) == "inline");
  attnjit_kernel_free(k);
  k = nullptr;
  o.mask_code = "tabel";
  CHECK(attnjit_compile("causal", &o, &k) == ATTNJIT_ERROR_INVALID_ARGUMENT);
  CHECK(k == nullptr);
  CHECK_THAT(std::string(attnjit_last_error()), Catch::Contains("options.mask_code = \"tabel\""));
  // The sm80 family has the mask inline only.
  o.mask_code = "table";
  o.arch = "sm_80";
  CHECK(attnjit_compile("causal", &o, &k) == ATTNJIT_ERROR_COMPILE);
  CHECK_THAT(std::string(attnjit_last_error()), Catch::Contains("needs the sm90 family"));
}
