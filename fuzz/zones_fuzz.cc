// Fuzzes the GeoJSON reader of the zone index and the queries on what it accepted: every input
// either loads or fails with the field named, and a loaded index answers its queries with
// in-range results.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "issa/maritime/zones.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  issa::maritime::ZoneIndex index;
  const issa::Status s =
      issa::maritime::LoadGeoJson(text, "fuzz", issa::maritime::ZoneKind::kRestricted, 1000, index);
  if (!s.ok() && s.message().empty()) __builtin_trap();
  index.Build(0.5);
  const int zones = static_cast<int>(index.zones().size());
  for (double lat = -89.5; lat < 90; lat += 7.3) {
    for (double lon = -179.5; lon < 180; lon += 11.9) {
      const int z = index.ZoneAt(lat, lon);
      if (z < -1 || z >= zones) __builtin_trap();
      if ((z >= 0) != !index.ZonesAt(lat, lon).empty()) __builtin_trap();
      const auto d = index.CoastDistance(lat, lon, 50'000);
      if (d && (!(*d >= 0) || *d > 50'000)) __builtin_trap();
      const auto hit = index.CourseHitsCoast(lat, lon, lon + 180, 50'000);
      if (hit && (!(*hit >= 0) || *hit > 50'000)) __builtin_trap();
      const auto port = index.PortDistance(lat, lon, 50'000);
      if (port && (!(*port >= 0) || *port > 50'000)) __builtin_trap();
    }
  }
  return 0;
}
