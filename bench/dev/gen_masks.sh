#!/bin/sh
# Writes the Mask structs of a few PEERS masks, as `attnjit emit` generates them, into
# .devbuild/gen/*.cuh for the dev harness (which includes them when present).
#   bench/dev/gen_masks.sh [path to the attnjit CLI, default build-k/bin/attnjit]
set -eu
cli=${1:-build-k/bin/attnjit}
mkdir -p .devbuild/gen
emit() {
  # Keep the struct only: from its comment banner to the closing brace.
  "$cli" emit "$2" --head-dim 128 --dtype bf16 |
    sed -n '/^\/\/ The mask as a struct/,/^};$/p' >".devbuild/gen/$1.cuh"
  test -s ".devbuild/gen/$1.cuh"
}
emit window1024 'window(1023, 0)'
emit sink4_window1024 'causal & (window(1023, 0) | sink(4))'
emit longformer_w256_g64 'window(256, 256) | global(64)'
emit chunk2048 'causal & chunk(2048)'
emit prefix1024 'causal | prefix(1024)'
emit window_param 'window(W, 0)'
