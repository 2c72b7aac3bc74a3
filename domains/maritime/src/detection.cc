#include "issa/maritime/detection.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/core/csv.h"
#include "issa/core/text.h"

namespace issa::maritime {
namespace {

enum Field : uint8_t {
  kId,
  kTime,
  kLat,
  kLon,
  kSigma,
  kLength,
  kHeading,
  kConfidence,
  kSensor,
  kScene,
  kFootprint,
  kFieldCount,
};

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "id",      "time",       "lat",    "lon",      "position_sigma_m", "length_m",
    "heading", "confidence", "sensor", "scene_id", "footprint"};

// Lower-case column names and keys accepted for each field.
struct Alias {
  std::string_view name;
  Field field;
};
constexpr Alias kAliases[] = {
    {"id", kId},
    {"detection_id", kId},
    {"detectionid", kId},
    {"detect_id", kId},
    {"time", kTime},
    {"timestamp", kTime},
    {"datetime", kTime},
    {"detect_timestamp", kTime},
    {"productstarttime", kTime},
    {"lat", kLat},
    {"latitude", kLat},
    {"lon", kLon},
    {"lng", kLon},
    {"long", kLon},
    {"longitude", kLon},
    {"position_sigma_m", kSigma},
    {"position_uncertainty_m", kSigma},
    {"uncertainty_m", kSigma},
    {"sigma_m", kSigma},
    {"length", kLength},
    {"length_m", kLength},
    {"heading", kHeading},
    {"heading_deg", kHeading},
    {"confidence", kConfidence},
    {"probability", kConfidence},
    {"score", kConfidence},
    {"sensor", kSensor},
    {"scene_id", kScene},
    {"scene", kScene},
    {"footprint", kFootprint},
    {"scene_footprint", kFootprint},
};

std::optional<Field> FieldOf(std::string_view name) {
  std::string lower;
  lower.reserve(name.size());
  for (const char c : name) {
    if (c == ' ' || c == '\t') continue;
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  for (const Alias& a : kAliases) {
    if (a.name == lower) return a.field;
  }
  return std::nullopt;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

Status Bad(Field f, std::string message) {
  return InvalidArgument(std::move(message), std::string(kFieldNames[f]));
}

// A quoted excerpt of outside text for an error message (printable ASCII only).
std::string Excerpt(std::string_view text) {
  std::string out = "'";
  for (const char c : text.substr(0, 40)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  if (text.size() > 40) out += "...";
  out.push_back('\'');
  return out;
}

Result<double> Number(Field f, std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    return Bad(f, fmt::format("{} is not a number", Excerpt(text)));
  }
  return v;
}

Result<double> InRange(Field f, std::string_view text, double lo, double hi, bool hi_open) {
  ISSA_ASSIGN_OR_RETURN(const double v, Number(f, text));
  if (v < lo || v > hi || (hi_open && v == hi)) {
    return Bad(f, fmt::format("{} is outside {}..{}{}", v, lo, hi, hi_open ? " (exclusive)" : ""));
  }
  return v;
}

Result<core::Timestamp> Time(std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    // UNIX time: seconds, or milliseconds when above 10^11 (year 5138 in seconds).
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v > 253'402'300'799'999) {
      return Bad(kTime, fmt::format("{} is not a time", Excerpt(text)));
    }
    return v > 100'000'000'000 ? v : v * 1000;
  }
  auto t = core::ParseTimestamp(text);
  if (!t.ok()) {
    return Bad(kTime, fmt::format("{} is not an RFC 3339 date-time or UNIX time", Excerpt(text)));
  }
  return *t;
}

// The cells of one row or item by field; absent fields are nullopt.
using Cells = std::array<std::optional<std::string_view>, kFieldCount>;

Result<Detection> Build(const Cells& c, const DetectionReadOptions& options,
                        std::string fallback_id) {
  Detection d;
  const auto present = [&](Field f) { return c[f].has_value() && !Trim(*c[f]).empty(); };
  for (const Field f : {kTime, kLat, kLon}) {
    if (!present(f)) return Bad(f, "is required");
  }
  ISSA_ASSIGN_OR_RETURN(d.time, Time(*c[kTime]));
  ISSA_ASSIGN_OR_RETURN(d.lat, InRange(kLat, *c[kLat], -90, 90, false));
  ISSA_ASSIGN_OR_RETURN(d.lon, InRange(kLon, *c[kLon], -180, 180, false));
  d.id = present(kId) ? std::string(Trim(*c[kId])) : std::move(fallback_id);
  if (d.id.size() > 256) return Bad(kId, "is longer than 256 bytes");
  d.position_sigma_m = options.default_position_sigma_m;
  if (present(kSigma)) {
    ISSA_ASSIGN_OR_RETURN(d.position_sigma_m, InRange(kSigma, *c[kSigma], 0, 100'000, false));
  }
  if (present(kLength)) {
    ISSA_ASSIGN_OR_RETURN(d.length_m, InRange(kLength, *c[kLength], 0, 600, false));
  }
  if (present(kHeading)) {
    ISSA_ASSIGN_OR_RETURN(double h, InRange(kHeading, *c[kHeading], -360, 360, false));
    if (h < 0) h += 360;
    d.heading_deg = h == 360 ? 0 : h;
  }
  if (present(kConfidence)) {
    ISSA_ASSIGN_OR_RETURN(double p, InRange(kConfidence, *c[kConfidence], 0, 100, false));
    d.confidence = p > 1 ? p / 100 : p;
  }
  d.sensor = options.sensor;
  if (present(kSensor)) {
    const auto s = ParseSensor(Trim(*c[kSensor]));
    if (!s) {
      return Bad(kSensor, fmt::format("{} is not sar, optical or radar", Excerpt(*c[kSensor])));
    }
    d.sensor = *s;
  }
  if (present(kScene)) {
    d.scene_id = std::string(Trim(*c[kScene]));
    if (d.scene_id.size() > 256) return Bad(kScene, "is longer than 256 bytes");
  }
  if (present(kFootprint)) {
    auto ring = ParseWktPolygon(*c[kFootprint]);
    if (!ring.ok()) return Bad(kFootprint, ring.status().message());
    d.footprint = std::move(ring).value();
  }
  return d;
}

void Reject(DetectionReadStats& stats, const DetectionReadOptions& options, std::string_view where,
            const Status& s) {
  ++stats.rejected;
  if (stats.errors.size() < options.max_errors_kept) {
    stats.errors.push_back(s.field().empty()
                               ? fmt::format("{}: {}", where, s.message())
                               : fmt::format("{}: {}: {}", where, s.field(), s.message()));
  }
}

bool BlankRecord(const std::vector<std::string>& fields) {
  return fields.size() == 1 && Trim(fields[0]).empty();
}

// JSON: each value as the text the CSV reader would have seen; footprints may also be GeoJSON
// Polygons, turned into WKT.
Result<Detection> FromJson(const nlohmann::json& item, const DetectionReadOptions& options,
                           std::string fallback_id) {
  if (!item.is_object()) return InvalidArgument("must be a JSON object", "json");
  Cells cells;
  std::array<std::string, kFieldCount> texts;
  for (const auto& [key, value] : item.items()) {
    const std::optional<Field> f = FieldOf(key);
    if (!f || value.is_null()) continue;
    if (value.is_string()) {
      texts[*f] = value.get<std::string>();
    } else if (value.is_number()) {
      texts[*f] = value.dump();
    } else if (*f == kFootprint && value.is_object() && value.contains("coordinates") &&
               value.value("type", "") == "Polygon" && value["coordinates"].is_array() &&
               !value["coordinates"].empty() && value["coordinates"][0].is_array()) {
      std::string wkt = "POLYGON ((";
      bool first = true;
      for (const auto& position : value["coordinates"][0]) {
        if (!position.is_array() || position.size() < 2 || !position[0].is_number() ||
            !position[1].is_number()) {
          return Bad(kFootprint, "coordinates must be [lon, lat] numbers");
        }
        if (!first) wkt += ", ";
        first = false;
        wkt += position[0].dump() + " " + position[1].dump();
      }
      texts[*f] = wkt + "))";
    } else {
      return Bad(*f, "must be a string or a number");
    }
    cells[*f] = texts[*f];
  }
  return Build(cells, options, std::move(fallback_id));
}

constexpr int kMaxJsonDepth = 16;

}  // namespace

std::string_view SensorName(Sensor sensor) {
  switch (sensor) {
    case Sensor::kSar:
      return "sar";
    case Sensor::kOptical:
      return "optical";
    case Sensor::kRadar:
      return "radar";
    case Sensor::kUnknown:
      break;
  }
  return "unknown";
}

std::optional<Sensor> ParseSensor(std::string_view text) {
  std::string lower;
  for (const char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "sar") return Sensor::kSar;
  if (lower == "optical") return Sensor::kOptical;
  if (lower == "radar") return Sensor::kRadar;
  return std::nullopt;
}

Result<std::vector<std::pair<double, double>>> ParseWktPolygon(std::string_view wkt) {
  std::string_view s = Trim(wkt);
  const auto bad = [&](std::string why) {
    return InvalidArgument(fmt::format("{}: {}", Excerpt(wkt), why), "footprint");
  };
  constexpr std::string_view kKeyword = "POLYGON";
  if (s.size() < kKeyword.size()) return bad("expected POLYGON ((lon lat, ...))");
  for (size_t i = 0; i < kKeyword.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != kKeyword[i]) {
      return bad("expected POLYGON ((lon lat, ...))");
    }
  }
  s = Trim(s.substr(kKeyword.size()));
  if (s.size() < 2 || s[0] != '(' || s.back() != ')') return bad("expected ((...))");
  s = Trim(s.substr(1, s.size() - 2));
  if (s.empty() || s[0] != '(') return bad("expected a ring in parentheses");
  const size_t close = s.find(')');
  if (close == std::string_view::npos) return bad("unclosed ring");
  std::string_view ring = s.substr(1, close - 1);
  std::vector<std::pair<double, double>> out;
  while (!ring.empty()) {
    const size_t comma = ring.find(',');
    std::string_view pos = Trim(ring.substr(0, comma));
    ring = comma == std::string_view::npos ? std::string_view() : ring.substr(comma + 1);
    const size_t space = pos.find_first_of(" \t");
    if (space == std::string_view::npos) return bad("a position needs lon and lat");
    auto lon = InRange(kLon, pos.substr(0, space), -180, 180, false);
    auto lat = InRange(kLat, Trim(pos.substr(space + 1)), -90, 90, false);
    if (!lon.ok()) return bad(fmt::format("lon {}", lon.status().message()));
    if (!lat.ok()) return bad(fmt::format("lat {}", lat.status().message()));
    out.emplace_back(*lon, *lat);
    if (out.size() > 100'000) return bad("more than 100,000 positions");
  }
  if (out.size() < 4) return bad("a ring needs at least 4 positions");
  if (out.front() != out.back()) return bad("the ring is not closed");
  return out;
}

Status ReadDetectionsCsv(std::string_view text, const DetectionReadOptions& options,
                         const DetectionSink& sink, DetectionReadStats& stats) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM
  core::CsvReader reader(text, core::CsvOptions{.max_field_bytes = options.max_field_bytes});
  std::vector<std::string> fields;
  uint64_t line = 0;
  std::string error;
  if (!reader.Next(fields, line, error) || !error.empty()) {
    return InvalidArgument("no header row", "header");
  }
  std::vector<std::optional<Field>> columns;
  std::array<bool, kFieldCount> seen{};
  for (const std::string& name : fields) {
    columns.push_back(FieldOf(name));
    if (columns.back()) {
      if (seen[*columns.back()]) {
        return InvalidArgument(fmt::format("two columns for {}", kFieldNames[*columns.back()]),
                               "header");
      }
      seen[*columns.back()] = true;
    }
  }
  for (const Field f : {kTime, kLat, kLon}) {
    if (!seen[f]) {
      return InvalidArgument(
          fmt::format("no {} column (see docs/formats/detections.md)", kFieldNames[f]), "header");
    }
  }
  while (reader.Next(fields, line, error)) {
    if (error.empty() && BlankRecord(fields)) continue;
    ++stats.rows;
    const std::string where = fmt::format("line {}", line);
    if (!error.empty()) {
      Reject(stats, options, where, InvalidArgument(error));
      continue;
    }
    if (fields.size() != columns.size()) {
      Reject(stats, options, where,
             InvalidArgument(
                 fmt::format("{} fields, the header has {}", fields.size(), columns.size())));
      continue;
    }
    Cells cells;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (columns[i]) cells[*columns[i]] = fields[i];
    }
    Result<Detection> d = Build(cells, options, fmt::format("line-{}", line));
    if (!d.ok()) {
      Reject(stats, options, where, d.status());
      continue;
    }
    ++stats.accepted;
    sink(std::move(d).value());
  }
  return Status::Ok();
}

Status ReadDetectionsJson(std::string_view text, const DetectionReadOptions& options,
                          const DetectionSink& sink, DetectionReadStats& stats) {
  const auto accept = [&](const nlohmann::json& item, std::string where, std::string id) {
    ++stats.rows;
    Result<Detection> d = FromJson(item, options, std::move(id));
    if (!d.ok()) {
      Reject(stats, options, where, d.status());
      return;
    }
    ++stats.accepted;
    sink(std::move(d).value());
  };
  const std::string_view trimmed = Trim(text);
  const size_t start = trimmed.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return Status::Ok();  // nothing to read
  if (core::JsonNestsDeeperThan(trimmed, kMaxJsonDepth)) {
    return InvalidArgument(fmt::format("nested deeper than {} levels", kMaxJsonDepth), "json");
  }
  if (trimmed[start] == '[') {
    nlohmann::json doc = nlohmann::json::parse(trimmed, nullptr, false);
    if (doc.is_discarded() || !doc.is_array()) {
      return InvalidArgument("not a JSON array of detections", "json");
    }
    for (size_t i = 0; i < doc.size(); ++i) {
      accept(doc[i], fmt::format("item {}", i), fmt::format("item-{}", i));
    }
    return Status::Ok();
  }
  // NDJSON: one object per line.
  uint64_t line = 0;
  while (!text.empty()) {
    ++line;
    const size_t nl = text.find('\n');
    const std::string_view row = Trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (row.empty()) continue;
    nlohmann::json item = nlohmann::json::parse(row, nullptr, false);
    const std::string where = fmt::format("line {}", line);
    if (item.is_discarded()) {
      ++stats.rows;
      Reject(stats, options, where, InvalidArgument("malformed JSON", "json"));
      continue;
    }
    accept(item, where, fmt::format("line-{}", line));
  }
  return Status::Ok();
}

}  // namespace issa::maritime
