// Fuzzes the UN consolidated list XML reader (Xerces-C SAX2): every input either fails with a
// message or yields entries with an id and a name; dates are valid partial dates.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "issa/travel/watchlist.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto list = issa::travel::ParseUnXml(text, "fuzz.xml");
  if (!list.ok()) {
    if (list.status().message().empty()) __builtin_trap();
    return 0;
  }
  for (const auto& e : list->entries) {
    if (e.id.empty() || e.primary_name().empty()) __builtin_trap();
    for (const auto& d : e.birth_dates) {
      if (!issa::travel::ParseIsoDate(issa::travel::FormatDate(d))) __builtin_trap();
    }
    (void)issa::travel::ToRecord(e);
  }
  return 0;
}
