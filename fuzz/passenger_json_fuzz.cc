// Fuzzes the JSON form of passenger data as input: every line is parsed or rejected with its
// field named; a rejected line has no content; a parsed one maps to record bodies whose links
// point to earlier bodies.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "issa/travel/passenger_data.h"
#include "issa/travel/passenger_records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace travel = issa::travel;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const travel::ParseBatch batch = travel::ParsePassengerJson(text);
  for (const auto& m : batch.messages) {
    if (!m.status.ok()) {
      if (m.pnr || m.api || m.status.field().rfind("line[", 0) != 0) __builtin_trap();
      continue;
    }
    const auto records = travel::MessageRecords(m);
    for (size_t i = 0; i < records.size(); ++i) {
      for (const auto& l : records[i].links) {
        if (l.target >= i) __builtin_trap();
      }
    }
  }
  return 0;
}
