// Fuzzes the STIX patterning parser on arbitrary bytes. Must never crash; every error names the
// field "pattern" and starts with the byte offset.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "issa/cyber/pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto p = issa::cyber::ParsePattern(text);
  if (!p.ok()) {
    if (p.status().field() != "pattern") std::abort();
    if (size <= (1 << 20) && !p.status().message().starts_with("at ")) std::abort();
  } else if (p->observations == 0) {
    std::abort();
  }
  return 0;
}
