#pragma once

// AIS messages as gpsd's AIS JSON (`man gpsd_json`, AIS section), field by field as printed by
// gpsd's `gpsdecode` (gpsd 3.22, the Debian 12 package), so output can be diffed against it.
// Type 24 parts A and B are written as separate objects with "part" (like `gpsdecode -s`).
// Messages 6 and 8 carry dac, fid and the application data as "data":"<bits>:<hex>".

#include <string>
#include <string_view>

#include "issa/maritime/ais.h"

namespace issa::maritime {

struct GpsdJsonOptions {
  // true: gpsdecode's default (degrees, knots, "nan"/"fastleft" sentinels, status text in type
  // 27); false: `gpsdecode -u` (raw integers as transmitted).
  bool scaled = true;
  // The "device" field (gpsdecode prints "stdin").
  std::string_view device = "stdin";
};

// Appends one JSON object (no newline) for `msg` to `out`. Never fails; allocates only when
// `out` must grow. Thread-compatible.
void AppendGpsdJson(const AisMessage& msg, const GpsdJsonOptions& options, std::string& out);

}  // namespace issa::maritime
