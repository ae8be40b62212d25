// The LLVM CPU backend is a separate library (attnjit::cpu) so that programs using only the GPU
// never link LLVM. A program that links it calls enable_cpu_backend() once; after that,
// compile() with BackendKind::Cpu (or Auto on a machine without a GPU) uses it.
//
// On the CPU backend the tensors are host pointers, Problem::stream is ignored and run() returns
// when the output is written, using the calling thread.
#pragma once

namespace attnjit {

// Registers the backend for this process. Thread-safe; calling it again does nothing new.
void enable_cpu_backend();

} // namespace attnjit
