# The benchmark suite's masks by name (PEERS.md's suite), for the bench scripts to source:
# MASK[name] is the mask text.
declare -A MASK=(
  [full]="full" [causal]="causal" [window1024]="window(1023, 0)"
  [sink4_window1024]="causal & (window(1023, 0) | sink(4))"
  [longformer_w256_g64]="window(256, 256) | global(64)"
  [chunk2048]="causal & chunk(2048)" [prefix1024]="causal | prefix(1024)")
