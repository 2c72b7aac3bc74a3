// Fuzzes the stay list of `issa stay` (outside input: a file of ENTRY,EXIT lines) and the
// 90/180-day check on what parses. Either a Status or a result; never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "issa/travel/stay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto stays = issa::travel::ParseStays(text);
  if (!stays.ok()) return 0;
  issa::travel::Day on = 0;
  for (const auto& s : *stays) on = std::max(on, s.exit ? *s.exit : s.entry);
  auto check = issa::travel::CheckStay(*stays, on);
  if (check.ok()) (void)issa::travel::StayCheckJson(*check);
  return 0;
}
