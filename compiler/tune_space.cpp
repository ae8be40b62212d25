#include "compiler/tune_space.h"

#include <fmt/format.h>

namespace attnjit {

namespace {

// Registers a thread keeps besides the accumulators: Q fragments when they stay in registers,
// the running max and sum of its rows, loop counters, the key-walk state and the 64-bit tensor
// addresses. 48 is what ptxas reports for the smallest sm80 tiles minus their accumulators.
constexpr int kRegisterOverhead = 48;

// The axes of the sm80 template (fwd_sm80.cuh: FwdShape). check_config removes the combinations
// the template's static_asserts reject (e.g. 64 rows over 8 warps).
constexpr int kBlockM[] = {64, 128};
constexpr int kBlockN[] = {32, 64, 128};
constexpr int kWarps[] = {4, 8};
constexpr int kStages[] = {2, 3, 4};

// The axes of the sm90 template (fwd_sm90.cuh): 128 rows (two consumer warpgroups of 64, 12
// warps) or 192 (three, 16 warps); the key tile (kSm90KeyTiles) and the depth of the TMA
// pipeline vary. Key tiles of 160 and 176 are searched at head dim 128 only: there they beat 128 on
// dense and causal masks (H200, 16384, full 659 against 582 TFLOP/s for 128x176x2 and 128x128x2),
// while at head dim 256 they do not fit shared memory, and at 64 they would add nine configs to the
// tuner's time, unmeasured.
constexpr int kSm90BlockM[] = {128, 192};
bool sm90_searches(int head_dim, int block_n) {
  return head_dim == 128 || (block_n != 160 && block_n != 176);
}

// Registers an sm90 consumer thread keeps besides its accumulators: the row max and sum, the
// barrier phases, loop state and the wgmma descriptors. ptxas at head dim 128: 128x176 (estimate
// 232) spills 32 bytes and runs 13% faster than 128x128; 128x192 (244) spills 112 and runs 25%
// slower.
constexpr int kSm90RegisterOverhead = 36;

KernelConfig make_config(const std::string& family, int head_dim, const std::string& dtype, int m,
                         int n, int w, int s) {
  KernelConfig c;
  c.family = family;
  c.head_dim = head_dim;
  c.dtype = dtype;
  c.block_m = m, c.block_n = n, c.warps = w, c.stages = s;
  return c;
}

} // namespace

std::vector<std::string> tune_families(const std::string& arch) {
  if (arch == "sm_90a") return {"sm80", "sm90"};
  return {"sm80"};
}

std::vector<KernelConfig> tune_space(const std::string& family, int head_dim,
                                     const std::string& dtype) {
  std::vector<KernelConfig> out;
  if (family == "sm90") {
    for (int m : kSm90BlockM)
      for (int n : kSm90KeyTiles)
        for (int s : kStages) {
          if (!sm90_searches(head_dim, n)) continue;
          KernelConfig c = make_config(family, head_dim, dtype, m, n, sm90_warps(m), s);
          if (check_config(c).empty()) out.push_back(c);
        }
    return out;
  }
  if (family != "sm80") return out;
  for (int m : kBlockM)
    for (int n : kBlockN)
      for (int w : kWarps)
        for (int s : kStages) {
          KernelConfig c = make_config(family, head_dim, dtype, m, n, w, s);
          if (check_config(c).empty()) out.push_back(c);
        }
  return out;
}

// Each warp owns block_m / warps query rows; an m16n8 mma accumulator holds 4 fp32 values per
// thread. So per thread:
//   O (rows x head dim, fp32):  rows/16 * head_dim/8 * 4
//   S (rows x block_n, fp32):   rows/16 * block_n/8 * 4
// plus kRegisterOverhead. P is packed to 16 bits as each S value is exponentiated, so the fp32
// scores die while P grows and the two do not add up. The estimate is a floor, not a prediction:
// ptxas needs a few more, and a config a few registers over spills a little and may still win
// (128x64 with 4 warps at head dim 128 does), so only configurations whose estimate is already over
// the budget, which would spill heavily, are pruned; the rest are measured.
//
// sm90: a consumer warpgroup of 128 threads owns 64 rows; a wgmma accumulator of 64 rows x N
// holds N/2 fp32 values per thread. So per consumer thread: O (64 x head dim) head_dim/2, S
// (64 x block_n) block_n/2, P as 16-bit pairs block_n/4 (the P V of the previous tile reads it
// while the softmax of this one overlaps that product, the probabilities in S's registers; the
// key loop that runs one tile at a time, head dim 64 with tiles of up to 128 keys, packs P as S
// dies), plus kSm90RegisterOverhead. ptxas: 192 x 128 at head dim 64 (estimate 132) and 192 x 64
// (116) fit 152 registers with no spill; 192 x 64 at head dim 128 (148) spills 16 bytes.
int estimate_registers(const KernelConfig& c) {
  if (c.family == "sm90") {
    const bool overlap = c.head_dim > 64 || c.block_n == 192; // FwdShape::kOverlap
    return c.head_dim / 2 + c.block_n / 2 + (overlap ? c.block_n / 4 : 0) + kSm90RegisterOverhead;
  }
  const int rows = c.block_m / c.warps;
  const int o = rows / 16 * c.head_dim / 8 * 4;
  const int s = rows / 16 * c.block_n / 8 * 4;
  return o + s + kRegisterOverhead;
}

std::string prune_reason(const KernelConfig& c, const DeviceLimits& limits) {
  if (std::string why = check_config(c); !why.empty()) return why;
  const int smem = shared_memory_bytes(c);
  if (smem > limits.max_smem_optin)
    return fmt::format("needs {} bytes of shared memory; the device allows {}", smem,
                       limits.max_smem_optin);
  const int regs = estimate_registers(c);
  if (c.family == "sm90") {
    // The block's register file is split by setmaxnreg, not by the launch: the consumers'
    // ceiling is what matters.
    if (regs > sm90_consumer_registers(c.block_m))
      return fmt::format(
          "needs about {} registers per consumer thread; setmaxnreg gives at most {}", regs,
          sm90_consumer_registers(c.block_m));
    return {};
  }
  if (regs > limits.regs_per_thread)
    return fmt::format("needs about {} registers per thread; at most {}", regs,
                       limits.regs_per_thread);
  const long long block_regs = static_cast<long long>(threads_per_block(c)) * regs;
  if (block_regs > limits.regs_per_block)
    return fmt::format("needs about {} registers per block; the device has {}", block_regs,
                       limits.regs_per_block);
  return {};
}

TuneSpace prune_tune_space(const std::vector<KernelConfig>& space, const DeviceLimits& limits) {
  TuneSpace out;
  for (const KernelConfig& c : space) {
    std::string why = prune_reason(c, limits);
    if (why.empty())
      out.survivors.push_back(c);
    else
      out.pruned.push_back({c, std::move(why)});
  }
  return out;
}

std::string config_name(int block_m, int block_n, int warps, int stages,
                        const std::string& family) {
  const std::string name = fmt::format("{}x{}x{}w{}s", block_m, block_n, warps, stages);
  return family.empty() || family == "sm80" ? name : family + ":" + name;
}

} // namespace attnjit
