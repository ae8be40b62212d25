// The autotuner behind attnjit::tune() and compile_for() (attnjit.hpp): prunes the search space
// by the device's limits, compiles the survivors in parallel, times each on the problem's shape
// with the L2 flushed between calls, and keeps the winner in the tuning database.
#pragma once

#include "attnjit/attnjit.hpp"
#include "compiler/pipeline.h"
#include "runtime/cuda_driver.h"
#include "runtime/tune_db.h"

#include <functional>
#include <string>

namespace attnjit {

// The database key of a problem on a device.
TuneKey make_tune_key(const DeviceProps& device, const std::string& mask_hash,
                      const CompileOptions& options, const Problem& problem);

// The tiles compile_for() uses when the database has no entry for a problem, or all zeros for
// "compile()'s default for the head dim". Chosen from the problem's shape and the mask's work per
// query tile, by what the tuner measured on an H200 over the benchmark suite
// (bench/results/h200_tune.jsonl): at head dim 128, 128x64 tiles with 4 warps beat the
// 128x128 / 8-warp default on every suite mask but one, by up to 19% (sink4_window1024); the one
// is a mask whose heaviest query tile walks far more keys than the median (global rows), where
// that tile's 4 warps of 32 rows each decide the runtime and 64x64 tiles win (1.5x). At head dim
// 64 only those heavy-row masks change, to 64x32 tiles (1.5x). Decode-like problems (fewer than
// 1024 query rows) and head dim 256 keep the default. On sm_90a compile()'s default is the sm90
// family (wgmma; 1.3-1.8x the sm80 tiles on the suite in the H200 sweep), kept for every mask but
// the heavy-row ones.
TileConfig untuned_tiles(const MaskProgram& program, const CompileOptions& options,
                         const Problem& problem);

// For tests: while set, a candidate for which `fail` returns true fails at launch with an error,
// as a kernel the device refuses would, so that the +inf scoring path can be exercised on a GPU
// where every real candidate launches. Set it only while no tuning runs.
void set_tune_launch_failure_for_test(std::function<bool(const TileConfig&)> fail);

// Candidates timed by this process so far: lets a test see that a tuned key measured nothing.
long long tune_measurement_count();

} // namespace attnjit
