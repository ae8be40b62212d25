// Modules built with the library: the mask-free sm90 kernels (KernelConfig::mask_table) of
// compile()'s default tile configs for sm_90a, one per head dim and dtype. A mask-free kernel is
// the same for every mask, so these serve any mask at the default tiles, and the first compile()
// on a new machine finds its module here instead of running NVRTC. The build compiles them with
// NVRTC (tools/prebuild/prebuild.cpp writes the table); a build with no NVRTC has none, and
// everything compiles at run time as before.
#pragma once

#include "compiler/generate_cuda.h"
#include "compiler/pipeline.h"
#include "runtime/disk_cache.h"

#include <cstddef>
#include <string>
#include <vector>

namespace attnjit {

struct PrebuiltModule {
  const char* key; // prebuilt_key of its source
  const unsigned char* cubin;
  size_t size;
};

// The table the build generated (kPrebuiltModuleCount entries; null when there are none).
extern const PrebuiltModule* const kPrebuiltModules;
extern const size_t kPrebuiltModuleCount;

// The source compile() generates and compiles for (program, config, arch).
ModuleSource module_source(const MaskProgram& program, const KernelConfig& config,
                           const std::string& arch);

// What the library prebuilds: the mask-free sm90 sources of default_config(hd, dtype, "sm90")
// for hd 64, 128, 256 and bf16, fp16, for sm_90a, with the NVRTC options of nvrtc_options().
std::vector<ModuleSource> prebuilt_sources();

// The key of a prebuilt module: module_cache_key without the NVRTC version (a cubin runs under
// any driver that takes its architecture, whichever NVRTC loads at run time); the source, the
// templates, the options, the architecture and the attnjit version are in it.
std::string prebuilt_key(const ModuleSource& src);

// The module prebuilt for `src`, or null.
const PrebuiltModule* find_prebuilt(const ModuleSource& src);

} // namespace attnjit
