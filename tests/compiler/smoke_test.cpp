#include "compiler/classify_blocks.h"
#include "compiler/eval_mask.h"
#include "compiler/key_ranges.h"
#include "compiler/pipeline.h"
#include "dsl/print.h"

#include <catch2/catch.hpp>

using namespace attnjit;

TEST_CASE("pipeline builds and normalizes a mask") {
  auto m = build_mask_program("causal & (window(1023, 0) | sink(4))");
  REQUIRE(m.ok());
  CHECK(to_canonical(*m->normalized) == "k <= q & (q - 1023 <= k & k <= q | k < 4)");
}
