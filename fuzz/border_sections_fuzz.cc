// Fuzzes the border-section reader (GeoJSON FeatureCollection). Checks that every accepted
// section is well formed, ids are unique, and every refusal names its field.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "issa/maritime/sections.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  issa::maritime::BorderSectionReadOptions options;
  options.max_positions = 100'000;
  const auto sections = issa::maritime::ParseBorderSections(text, options);
  if (!sections.ok()) {
    if (sections.status().field().empty() ||
        sections.status().code() != issa::StatusCode::kInvalidArgument) {
      __builtin_trap();
    }
    return 0;
  }
  std::set<std::string> ids;
  for (const issa::maritime::BorderSection& s : *sections) {
    const bool ok = !s.id.empty() && ids.insert(s.id).second && s.member_state.size() == 2 &&
                    s.member_state != "EU" && !s.name.empty() && s.bbox.Valid() &&
                    s.neighbouring_country != s.member_state && !s.geometry_json.empty() &&
                    s.geometry_json.front() == '{';
    if (!ok) __builtin_trap();
  }
  return 0;
}
