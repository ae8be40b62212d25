#include "runtime/prebuilt.h"

#include "runtime/nvrtc.h"

#include <fmt/format.h>

#include <cassert>
#include <cstring>

namespace attnjit {

ModuleSource module_source(const MaskProgram& program, const KernelConfig& c,
                           const std::string& arch) {
  const std::string name =
      c.mask_table ? fmt::format("attnjit_table_d{}_{}_m{}n{}w{}s{}.cu", c.head_dim, c.dtype,
                                 c.block_m, c.block_n, c.warps, c.stages)
                   : fmt::format("attnjit_{}{}.cu", program.hash, c.general ? "_general" : "");
  return ModuleSource{generate_cuda(program, c), name, arch, nvrtc_options(arch)};
}

std::vector<ModuleSource> prebuilt_sources() {
  // A mask-free source does not depend on the program; any one will do.
  auto program = build_mask_program("full");
  assert(program.ok() && "the mask `full` parses");
  std::vector<ModuleSource> out;
  for (int hd : {64, 128, 256})
    for (const char* dtype : {"bf16", "fp16"}) {
      KernelConfig c = default_config(hd, dtype, "sm90");
      c.mask_table = true;
      out.push_back(module_source(*program, c, "sm_90a"));
    }
  return out;
}

std::string prebuilt_key(const ModuleSource& src) {
  return module_cache_key(src, "prebuilt");
}

const PrebuiltModule* find_prebuilt(const ModuleSource& src) {
  if (kPrebuiltModuleCount == 0) return nullptr;
  const std::string key = prebuilt_key(src);
  for (size_t i = 0; i < kPrebuiltModuleCount; ++i)
    if (key == kPrebuiltModules[i].key) return &kPrebuiltModules[i];
  return nullptr;
}

} // namespace attnjit
