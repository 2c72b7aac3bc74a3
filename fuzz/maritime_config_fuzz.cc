// Fuzzes the maritime configuration parser (TOML). Files named in the input are never read
// from disk: the reader below serves one fixed GeoJSON document for "zones.geojson" and
// NotFound for anything else. Every input either parses or fails with a message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "issa/maritime/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const issa::maritime::ConfigFileReader read =
      [](const std::string& path) -> issa::Result<std::string> {
    if (path == "base/zones.geojson") {
      return std::string(
          R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"z"},)"
          R"("geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]})");
    }
    return issa::Status(issa::StatusCode::kNotFound, "not in the fuzz file system");
  };
  const issa::Result<issa::maritime::MaritimeConfig> r =
      issa::maritime::ParseMaritimeConfig(text, "base", read);
  if (!r.ok() && r.status().message().empty()) __builtin_trap();
  if (r.ok()) {
    const auto& a = r->tracking.anomalies;
    if (!(a.encounter_max_distance_m > 0) || a.gap_threshold_ms <= 0 ||
        !(r->tracking.fix_sigma_m > 0) || !r->geography.built()) {
      __builtin_trap();
    }
  }
  return 0;
}
