// The masks whose emitted structs are golden files (tests/compiler/golden_mask/NAME.cuh) and are
// compiled into emitted_struct_test.cpp.
#pragma once

namespace attnjit::testing {

struct EmittedMask {
  const char* name;
  const char* text;
};

inline constexpr EmittedMask kEmittedMasks[] = {
    {"causal", "causal"},
    {"window", "window(W, 0)"},
    {"sink", "sink(S)"},
    {"global", "global(G)"},
    {"prefix", "prefix(P)"},
    {"chunk", "chunk(C)"},
    {"dilated", "dilated(L, R, D)"},
    {"full", "full"},
    {"none", "none"},
    {"sink4_window1024", "causal & (window(1023, 0) | sink(4))"},
    {"longformer_w256_g64", "window(256, 256) | global(64)"},
    {"chunk2048", "causal & chunk(2048)"},
    {"prefix1024", "causal | prefix(1024)"},
    {"abs_mod", "abs(q - k) <= W & (q - k) % C != 1"},
    {"not_div_min", "!(k > q) & (q + A) / 3 >= k / 3 - min(B, 2)"},
    {"neg_div", "k * 2 >= q - W & -q / 4 != max(k, A) | !global(G)"},
};

} // namespace attnjit::testing
