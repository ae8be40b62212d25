// The autotuner's search space: every kernel configuration a family's template accepts for a
// head dim and dtype, and the pruning that removes, before anything is compiled, those a device
// cannot run well (shared memory over its opt-in limit, accumulators that cannot fit in the
// register file). Pure host functions: no device is touched; the limits are inputs.
#pragma once

#include "compiler/generate_cuda.h"

#include <string>
#include <vector>

namespace attnjit {

// What a device allows one block. The runtime reads these with cuDeviceGetAttribute.
struct DeviceLimits {
  int max_smem_optin = 227 * 1024; // bytes of dynamic shared memory a block may opt into
  int regs_per_block = 65536;      // 32-bit registers of one block
  int regs_per_thread = 255;       // the ISA's ceiling per thread
};

// The kernel families worth searching for the NVRTC target `arch`: "sm80" everywhere, and
// "sm90" beside it on "sm_90a" (the only target its wgmma and TMA code compiles for).
std::vector<std::string> tune_families(const std::string& arch);

// Every configuration of `family` the template accepts (check_config passes) for this head dim
// and dtype, in a fixed order. Empty for an unknown family.
std::vector<KernelConfig> tune_space(const std::string& family, int head_dim,
                                     const std::string& dtype);

// 32-bit registers one thread of the kernel needs, estimated from what must stay live across the
// key loop (see tune_space.cpp for the terms and why the estimate leaves mild spills in). For
// sm90, the registers of one consumer thread (the producer gives its registers back).
int estimate_registers(const KernelConfig& config);

// Registers an sm90 consumer thread may hold: what setmaxnreg raises it to once the producer
// warpgroup has dropped to its minimum (fwd_sm90.cuh FwdShape::kConsumerRegs): 232 with two
// consumer warpgroups (128 rows), 152 with three (192 rows).
constexpr int sm90_consumer_registers(int block_m) {
  return block_m == 192 ? 152 : 232;
}

// Why `config` is not worth compiling on a device with `limits`, or "" when it is.
std::string prune_reason(const KernelConfig& config, const DeviceLimits& limits);

// A pruned search space: the survivors to compile and time, and each removed configuration with
// its reason (shown by `attnjit tune --json`).
struct PrunedConfig {
  KernelConfig config;
  std::string reason;
};
struct TuneSpace {
  std::vector<KernelConfig> survivors;
  std::vector<PrunedConfig> pruned;
};
TuneSpace prune_tune_space(const std::vector<KernelConfig>& space, const DeviceLimits& limits);

// "128x64x4w3s": block_m x block_n, warps, stages, for the sm80 family (whose names predate the
// others); "sm90:128x128x12w2s" for any other family.
std::string config_name(int block_m, int block_n, int warps, int stages,
                        const std::string& family = "sm80");

} // namespace attnjit
