#include "issa/maritime/anomaly_json.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace issa::maritime {
namespace {

using Json = nlohmann::ordered_json;

double Hours(int64_t ms) { return static_cast<double>(ms) / 3'600'000.0; }

// The measured values of an anomaly (evidence) and the rule's parameters.
struct Fields {
  Json evidence = Json::object();
  Json parameters = Json::object();
};

Fields FieldsOf(const Anomaly& a, const AnomalySettings& settings) {
  Fields f;
  switch (a.kind) {
    case AnomalyKind::kAisGap:
    case AnomalyKind::kGoingDark:
      f.evidence["from_lat"] = a.from_lat;
      f.evidence["from_lon"] = a.from_lon;
      f.evidence["gap_hours"] = a.value;
      f.parameters["gap_threshold_hours"] = Hours(settings.gap_threshold_ms);
      f.parameters["gap_zones"] = settings.gap_zones.size();
      break;
    case AnomalyKind::kPositionJump:
    case AnomalyKind::kIdentityConflict:
      f.evidence["from_lat"] = a.from_lat;
      f.evidence["from_lon"] = a.from_lon;
      f.evidence["implied_knots"] = a.value;
      f.parameters["jump_speed_knots"] = settings.jump_speed_knots;
      break;
    case AnomalyKind::kLoitering:
      f.evidence["speed_knots"] = a.value;
      if (a.distance_m >= 0) f.evidence["port_distance_m"] = a.distance_m;
      f.parameters["loiter_speed_knots"] = settings.loiter_speed_knots;
      f.parameters["loiter_min_hours"] = Hours(settings.loiter_min_ms);
      f.parameters["loiter_min_port_distance_m"] = settings.loiter_min_port_distance_m;
      break;
    case AnomalyKind::kDarkTarget:
      // Fusion puts the sensor, scene and detection ids in `zone` and the confidence in value.
      if (a.value >= 0) f.evidence["confidence"] = a.value;
      f.evidence["detection"] = a.zone;
      return f;
    case AnomalyKind::kEncounter:
      f.evidence["hours_together"] = a.value;
      f.evidence["distance_m"] = a.distance_m;
      f.parameters["max_distance_m"] = settings.encounter_max_distance_m;
      f.parameters["min_hours"] = Hours(settings.encounter_min_ms);
      f.parameters["max_median_speed_knots"] = settings.encounter_speed_knots;
      f.parameters["min_port_distance_m"] = settings.encounter_min_port_distance_m;
      break;
    case AnomalyKind::kFastCraft:
      f.evidence["speed_knots"] = a.value;
      f.evidence["coast_distance_m"] = a.distance_m;
      f.parameters["fast_speed_knots"] = settings.fast_speed_knots;
      f.parameters["coast_distance_m"] = settings.fast_coast_distance_m;
      break;
    case AnomalyKind::kZoneEntry:
      break;
  }
  if (!a.zone.empty()) f.evidence["zone"] = a.zone;
  return f;
}

bool HasOrigin(const Anomaly& a) {
  return a.kind == AnomalyKind::kAisGap || a.kind == AnomalyKind::kPositionJump ||
         a.kind == AnomalyKind::kIdentityConflict;
}

std::string Dump(const Json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Title(const Anomaly& a) {
  const std::string vessel = a.other_mmsi != 0 ? fmt::format("MMSI {} and {}", a.mmsi, a.other_mmsi)
                                               : fmt::format("MMSI {}", a.mmsi);
  switch (a.kind) {
    case AnomalyKind::kAisGap:
      return fmt::format("AIS gap of {:.1f} h, {}", a.value, vessel);
    case AnomalyKind::kGoingDark:
      return fmt::format("Going dark: silent for {:.1f} h, {}", a.value, vessel);
    case AnomalyKind::kPositionJump:
      return fmt::format("Position jump ({:.0f} kn implied), {}", a.value, vessel);
    case AnomalyKind::kIdentityConflict:
      return fmt::format("Identity conflict: one MMSI in two places, {}", vessel);
    case AnomalyKind::kLoitering:
      return fmt::format("Loitering at {:.1f} kn, {}", a.value, vessel);
    case AnomalyKind::kEncounter:
      return fmt::format("Encounter, {}", vessel);
    case AnomalyKind::kDarkTarget:
      return "Dark target: detection without AIS";
    case AnomalyKind::kFastCraft:
      return fmt::format("Fast craft heading to the coast, {}", vessel);
    case AnomalyKind::kZoneEntry:
      return fmt::format("Entry into zone {}, {}", a.zone, vessel);
  }
  return "Maritime anomaly";
}

}  // namespace

std::string AnomalyJson(const Anomaly& a, const AnomalySettings& settings) {
  Json j;
  j["kind"] = AnomalyKindName(a.kind);
  if (a.other_mmsi != 0) {
    j["mmsis"] = {a.mmsi, a.other_mmsi};
  } else if (a.mmsi != 0) {
    j["mmsi"] = a.mmsi;
  }
  j["start"] = core::FormatTimestamp(a.start);
  j["end"] = core::FormatTimestamp(a.end);
  j["lat"] = a.lat;
  j["lon"] = a.lon;
  if (a.kind == AnomalyKind::kDarkTarget) {
    j["dark_track_id"] = a.track_id;  // numbered by the fusion, not the AIS track store
  } else if (a.other_track_id != 0) {
    j["track_ids"] = {a.track_id, a.other_track_id};
  } else {
    j["track_id"] = a.track_id;
  }
  Fields f = FieldsOf(a, settings);
  for (auto& [key, value] : f.evidence.items()) j[key] = value;
  if (!f.parameters.empty()) j["parameters"] = std::move(f.parameters);
  return Dump(j);
}

std::string AnomalyEventJson(const Anomaly& a, const AnomalySettings& settings,
                             std::string_view handling_json) {
  Json props;
  props["title"] = Title(a);
  props["category"] = fmt::format("maritime.{}", AnomalyKindName(a.kind));
  props["rule"] = AnomalyKindName(a.kind);
  props["occurred_at"] = core::FormatTimestamp(a.start);
  props["ended_at"] = core::FormatTimestamp(a.end);
  props["status"] = "reported";
  Json mmsis = Json::array();
  if (a.mmsi != 0) mmsis.push_back(fmt::format("{:09d}", a.mmsi));
  if (a.other_mmsi != 0) mmsis.push_back(fmt::format("{:09d}", a.other_mmsi));
  if (!mmsis.empty()) props["mmsi"] = std::move(mmsis);
  Json tracks = Json::array();
  if (a.track_id != 0 && a.kind != AnomalyKind::kDarkTarget) tracks.push_back(a.track_id);
  if (a.other_track_id != 0) tracks.push_back(a.other_track_id);
  if (!tracks.empty()) props["track_ids"] = std::move(tracks);
  Fields f = FieldsOf(a, settings);
  props["evidence"] = std::move(f.evidence);
  props["parameters"] = std::move(f.parameters);
  Json geometry;
  if (HasOrigin(a) && (a.from_lat != a.lat || a.from_lon != a.lon)) {
    geometry = {{"type", "LineString"},
                {"coordinates", {{a.from_lon, a.from_lat}, {a.lon, a.lat}}}};
  } else {
    geometry = {{"type", "Point"}, {"coordinates", {a.lon, a.lat}}};
  }
  Json record;
  record["type"] = "Event";
  record["properties"] = std::move(props);
  record["geometry"] = std::move(geometry);
  record["handling"] = Json::parse(handling_json, nullptr, false);
  return Dump(record);
}

}  // namespace issa::maritime
