// Runs a compiled tile function over every (batch, head, query tile) of a problem on all cores.
#pragma once

#include "compiler/cpu/kernel_abi.h"

#include <cstdint>

namespace attnjit::cpu {

void execute_tiles(TileFn tile, const TileArgs& args, int64_t batch, int64_t heads,
                   int64_t head_dim);

} // namespace attnjit::cpu
