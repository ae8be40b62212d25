// libFuzzer target: parse_mask on arbitrary bytes. It must never crash, hang or trip a
// sanitizer; when a mask parses, its canonical text must parse again to the same canonical text
// and hash (the round trip the structural hash relies on).
#include "dsl/parse_mask.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto first = attnjit::parse_mask(text);
  if (!first.ok()) {
    if (first.error().message.empty()) {
      std::fprintf(stderr, "parse_mask failed without a message\n");
      std::abort();
    }
    return 0;
  }
  auto again = attnjit::parse_mask(first->canonical);
  if (!again.ok()) {
    std::fprintf(stderr, "canonical text does not parse: %s\n%s", first->canonical.c_str(),
                 again.error().message.c_str());
    std::abort();
  }
  if (again->canonical != first->canonical || again->hash != first->hash) {
    std::fprintf(stderr, "round trip changed the mask:\n  %s\n  %s\n", first->canonical.c_str(),
                 again->canonical.c_str());
    std::abort();
  }
  return 0;
}
