#!/bin/sh
# Writes the generated .cu of every PEERS mask at head dims 64/128/256 (default configs) into
# .devbuild/ptx/ for ptxas reports (bench/dev/device_run.sh compiles them).
#   bench/dev/emit_ptx_sources.sh [path to the attnjit CLI, default build-k/bin/attnjit]
set -eu
cli=${1:-build-k/bin/attnjit}
mkdir -p .devbuild/ptx
for hd in 64 128 256; do
  "$cli" emit 'full' --head-dim $hd --dtype bf16 >.devbuild/ptx/full_hd$hd.cu
  "$cli" emit 'causal' --head-dim $hd --dtype bf16 >.devbuild/ptx/causal_hd$hd.cu
  "$cli" emit 'window(1023, 0)' --head-dim $hd --dtype bf16 >.devbuild/ptx/window1024_hd$hd.cu
  "$cli" emit 'causal & (window(1023, 0) | sink(4))' --head-dim $hd --dtype bf16 \
    >.devbuild/ptx/sink4_window1024_hd$hd.cu
  "$cli" emit 'window(256, 256) | global(64)' --head-dim $hd --dtype bf16 \
    >.devbuild/ptx/longformer_hd$hd.cu
  "$cli" emit 'causal & chunk(2048)' --head-dim $hd --dtype bf16 >.devbuild/ptx/chunk2048_hd$hd.cu
  "$cli" emit 'causal | prefix(1024)' --head-dim $hd --dtype bf16 >.devbuild/ptx/prefix1024_hd$hd.cu
done
# nvcc (unlike NVRTC) pre-includes host headers: let fwd_params.cuh take <cstdint>.
sed -i '/#define ATTNJIT_NVRTC/d' .devbuild/ptx/*.cu
