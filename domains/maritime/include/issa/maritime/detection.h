#pragma once

// Non-cooperative vessel detections: radar plots and satellite (SAR, optical) detections, read
// from CSV or JSON. A detection is a position at a time with its uncertainty and, when the
// sensor gives them, length, heading, confidence and the footprint of the scene it came from
// (so that "no detection here" can be told from "not observed here"). See
// docs/formats/detections.md for the accepted columns and keys.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "issa/core/status.h"
#include "issa/core/time.h"

namespace issa::maritime {

enum class Sensor : uint8_t { kUnknown, kSar, kOptical, kRadar };

std::string_view SensorName(Sensor sensor);
// "sar", "optical", "radar" (case-insensitive); nullopt otherwise.
std::optional<Sensor> ParseSensor(std::string_view text);

struct Detection {
  std::string id;  // the source's detection id; "line-<n>" / "item-<n>" when it has none
  core::Timestamp time = 0;
  double lat = 0;
  double lon = 0;
  // One-sigma horizontal position uncertainty in metres (the reader's default when absent).
  double position_sigma_m = 0;
  std::optional<double> length_m;
  std::optional<double> heading_deg;  // true heading, [0, 360)
  std::optional<double> confidence;   // [0, 1]; percentages (1 < p <= 100) are scaled
  Sensor sensor = Sensor::kUnknown;
  std::string scene_id;
  // Outer ring of the scene footprint, (lon, lat) pairs, closed (first == last); empty if none.
  std::vector<std::pair<double, double>> footprint;
};

struct DetectionReadOptions {
  Sensor sensor = Sensor::kUnknown;  // when the input does not say
  double default_position_sigma_m = 100;
  size_t max_errors_kept = 100;
  size_t max_field_bytes = 1 << 16;  // longer fields (a huge footprint) are an error
};

// How a read went. Each bad row or item is rejected on its own with a message naming its line
// (CSV) or index (JSON) and the field, e.g. "line 4: lat: 91.5 is outside -90..90".
struct DetectionReadStats {
  uint64_t rows = 0;  // data rows (CSV) or items (JSON) seen
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  std::vector<std::string> errors;  // the first max_errors_kept
};

using DetectionSink = std::function<void(Detection&&)>;

// CSV with a header row (RFC 4180 quoting; comma separated; CRLF or LF). Columns are matched by
// name, case-insensitively, with the aliases of docs/formats/detections.md (e.g. GFW/KSAT's
// lon, lat, Probability, DetectionId, ProductStartTime, Length, Heading, scene_id, footprint).
// InvalidArgument (field "header") when the header lacks a time, latitude or longitude column;
// otherwise bad rows are counted in `stats` and skipped.
Status ReadDetectionsCsv(std::string_view text, const DetectionReadOptions& options,
                         const DetectionSink& sink, DetectionReadStats& stats);

// JSON: one array of objects, or one object per line (NDJSON). Keys as the CSV columns.
// InvalidArgument (field "json") when the text is neither; bad items are counted and skipped.
Status ReadDetectionsJson(std::string_view text, const DetectionReadOptions& options,
                          const DetectionSink& sink, DetectionReadStats& stats);

// Parses WKT "POLYGON ((lon lat, lon lat, ...), (...))" and returns the outer ring, checked:
// at least 4 positions, closed, coordinates in range. InvalidArgument otherwise.
Result<std::vector<std::pair<double, double>>> ParseWktPolygon(std::string_view wkt);

}  // namespace issa::maritime
