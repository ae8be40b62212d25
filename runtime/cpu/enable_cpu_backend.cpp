// Kept apart from the compile entry so that linking the backend's compiler alone (its tests)
// does not require the runtime's backend registry.
#include "attnjit/cpu.hpp"

#include "runtime/backend.h"
#include "runtime/cpu/cpu_backend.h"

namespace attnjit {

void enable_cpu_backend() {
  set_cpu_backend(&cpu::compile_cpu_kernel);
}

} // namespace attnjit
