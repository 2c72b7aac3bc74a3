// Fuzzes the detection readers: the same bytes as CSV and as JSON. Checks that every accepted
// detection is in range and that the counters add up.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "issa/maritime/detection.h"

namespace {

void Check(const issa::maritime::Detection& d) {
  const bool ok = d.lat >= -90 && d.lat <= 90 && d.lon >= -180 && d.lon <= 180 &&
                  std::isfinite(d.position_sigma_m) && d.position_sigma_m >= 0 &&
                  (!d.heading_deg || (*d.heading_deg >= 0 && *d.heading_deg < 360)) &&
                  (!d.confidence || (*d.confidence >= 0 && *d.confidence <= 1)) &&
                  (!d.length_m || *d.length_m >= 0) &&
                  (d.footprint.empty() ||
                   (d.footprint.size() >= 4 && d.footprint.front() == d.footprint.back()));
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  issa::maritime::DetectionReadOptions options;
  options.max_field_bytes = 4096;
  for (const bool csv : {true, false}) {
    issa::maritime::DetectionReadStats stats;
    uint64_t seen = 0;
    const auto sink = [&](issa::maritime::Detection&& d) {
      Check(d);
      ++seen;
    };
    const issa::Status s = csv ? issa::maritime::ReadDetectionsCsv(text, options, sink, stats)
                               : issa::maritime::ReadDetectionsJson(text, options, sink, stats);
    if (!s.ok() && (s.field().empty() || seen != 0)) __builtin_trap();
    if (stats.accepted != seen || stats.accepted + stats.rejected != stats.rows) __builtin_trap();
  }
  (void)issa::maritime::ParseWktPolygon(text);
  return 0;
}
