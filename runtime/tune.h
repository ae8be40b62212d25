// The autotuner behind attnjit::tune() and compile_for() (attnjit.hpp): prunes the search space
// by the device's limits, compiles the survivors in parallel, times each on the problem's shape
// with the L2 flushed between calls, and keeps the winner in the tuning database.
#pragma once

#include "attnjit/attnjit.hpp"
#include "runtime/cuda_driver.h"
#include "runtime/tune_db.h"

#include <functional>
#include <string>

namespace attnjit {

// The database key of a problem on a device.
TuneKey make_tune_key(const DeviceProps& device, const std::string& mask_hash,
                      const CompileOptions& options, const Problem& problem);

// For tests: while set, a candidate for which `fail` returns true fails at launch with an error,
// as a kernel the device refuses would, so that the +inf scoring path can be exercised on a GPU
// where every real candidate launches. Set it only while no tuning runs.
void set_tune_launch_failure_for_test(std::function<bool(const TileConfig&)> fail);

// Candidates timed by this process so far: lets a test see that a tuned key measured nothing.
long long tune_measurement_count();

} // namespace attnjit
