// The LLVM CPU backend is a separate library (attnjit::cpu) so that programs using only the GPU
// never link LLVM. A program that links it calls enable_cpu_backend() once; after that,
// compile() with BackendKind::Cpu (or Auto on a machine without a GPU) uses it.
#pragma once

namespace attnjit {

void enable_cpu_backend();

} // namespace attnjit
