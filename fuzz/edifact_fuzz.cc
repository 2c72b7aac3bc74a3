// Fuzzes the UN/EDIFACT syntax layer: any input either fails as a whole with a message or yields
// messages whose segments, elements and components stay inside the input, each message OK or
// failed with the segment named.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "issa/travel/edifact.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace edifact = issa::travel::edifact;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const bool strict : {true, false}) {
    edifact::ParseOptions options;
    options.strict_envelope = strict;
    auto ic = edifact::ParseInterchange(text, options);
    if (!ic.ok()) {
      if (ic.status().message().empty()) __builtin_trap();
      continue;
    }
    for (const auto& m : ic->messages) {
      if (m.first_segment + m.segment_count > ic->segments.size()) __builtin_trap();
      if (!m.status.ok() && m.status.field().find("segment[") == std::string::npos) {
        __builtin_trap();
      }
      for (const auto* s = ic->begin(m); s != ic->end(m); ++s) {
        for (size_t e = 1; e <= s->element_count; ++e) {
          for (size_t c = 0; c < ic->ComponentCount(*s, e); ++c) {
            const std::string_view raw = ic->Raw(*s, e, c);
            if (raw.data() < text.data() || raw.data() + raw.size() > text.data() + text.size()) {
              __builtin_trap();
            }
            if (ic->Text(*s, e, c).size() > raw.size() * 2) __builtin_trap();
          }
        }
      }
    }
    for (const auto& e : ic->errors) {
      if (e.message().empty()) __builtin_trap();
    }
  }
  return 0;
}
