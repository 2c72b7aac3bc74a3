#include "issa/maritime/cise.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/core/ids.h"
#include "issa/maritime/detection.h"

#include "cise_xml.h"

namespace issa::maritime {

namespace {

using detail::XmlAttribute;
using detail::XmlElement;
using Json = nlohmann::json;

constexpr std::string_view kMessageNs = "http://www.cise.eu/servicemodel/v1/message/";
constexpr std::string_view kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";

// ---- Vocabulary ---------------------------------------------------------------------------------

constexpr std::array<std::string_view, 7> kPayloadHeader = {
    "InformationSecurityLevel", "InformationSensitivity", "IsPersonalData", "Purpose",
    "RetentionPeriod",          "EnsureEncryption",       "Entities"};

bool IsPayloadHeader(std::string_view name) {
  return std::find(kPayloadHeader.begin(), kPayloadHeader.end(), name) != kPayloadHeader.end();
}

// Children of the Payload that are entities (not its header fields).
bool IsPayloadEntity(const XmlElement& parent, const XmlElement& child) {
  return parent.ns.empty() && parent.local == "Payload" && !IsPayloadHeader(child.local);
}

// CISE VesselType values, and aliases for common free-text vessel types.
constexpr std::array<std::string_view, 11> kVesselTypes = {
    "PassengerShip",      "FishingVessel",
    "NuclearShip",        "BulkCarrier",
    "OilTanker",          "GeneralCargoShip",
    "HighSpeedCraft",     "MobileOffShoreDrillingUnit",
    "SpecialPurposeShip", "Other",
    "NonSpecified"};

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::string_view> CiseShipType(std::string_view vessel_type) {
  for (const std::string_view t : kVesselTypes) {
    if (t == vessel_type) return t;
  }
  static const std::map<std::string, std::string_view, std::less<>> kAliases = {
      {"passenger", "PassengerShip"},
      {"fishing", "FishingVessel"},
      {"cargo", "GeneralCargoShip"},
      {"general-cargo", "GeneralCargoShip"},
      {"tanker", "OilTanker"},
      {"oil-tanker", "OilTanker"},
      {"bulk-carrier", "BulkCarrier"},
      {"high-speed-craft", "HighSpeedCraft"},
      {"special-purpose", "SpecialPurposeShip"},
      {"other", "Other"},
  };
  const auto it = kAliases.find(ToLowerAscii(vessel_type));
  if (it != kAliases.end()) return it->second;
  return std::nullopt;
}

// Incident subtypes and the enumeration element each carries.
struct IncidentKind {
  std::string_view element;
  std::string_view type_element;  // empty: none used
  std::string_view default_category;
};

constexpr IncidentKind kIncident = {"Incident", "", "incident"};
constexpr IncidentKind kMaritimeSafety = {"MaritimeSafetyIncident", "MaritimeSafetyIncidentType",
                                          "maritime-safety"};
constexpr IncidentKind kIrregularMigration = {
    "IrregularMigrationIncident", "IrregularMigrationIncidentType", "irregular-migration"};
constexpr IncidentKind kLawInfringement = {"LawInfringementIncident", "LawInfringementIncidentType",
                                           "law-infringement"};
constexpr IncidentKind kCrisis = {"CrisisIncident", "CrisisIncidentType", "crisis"};
constexpr IncidentKind kPollution = {"PollutionIncident", "PollutionType", "pollution"};
constexpr std::array<const IncidentKind*, 6> kIncidentKinds = {
    &kIncident, &kMaritimeSafety, &kIrregularMigration, &kLawInfringement, &kCrisis, &kPollution};

constexpr std::array<std::string_view, 24> kMaritimeSafetyTypes = {
    "Pollution",
    "Waste",
    "LostFoundContainers",
    "VTSRulesInfringement",
    "BannedShip",
    "InsuranceFailure",
    "ResultInspection",
    "PilotOrPortReport",
    "Fire",
    "Collision",
    "Medico",
    "Grounding",
    "Flooding",
    "List",
    "Capsizing",
    "EngineFailure",
    "StructuralFailure",
    "SteeringGearFailure",
    "ElectricalGeneratingSystemFailure",
    "NavigationEquipmentFailure",
    "CommunicationEquipmentFailure",
    "IncidentNatureAbandonShip",
    "IncidentNatureSinking",
    "DetainedShip"};
constexpr std::array<std::string_view, 10> kIrregularMigrationTypes = {
    "IrregularBorderEntry",  "EventRefusedBorderEntry",
    "IrregularEntryAttempt", "IrregularBorderExit",
    "RefusedBorderEntry",    "IrregularExitAttempt",
    "IrregularStay",         "FacilitatorInterception",
    "FacilitatorDisclosure", "InterceptionInThirdCountryTerritory"};

struct IncidentChoice {
  const IncidentKind* kind = &kIncident;
  std::string_view type_value;  // empty: no enumeration value
};

// The incident element for an ISSA event category (docs/formats/cise.md).
IncidentChoice IncidentFor(std::string_view category) {
  for (const std::string_view t : kMaritimeSafetyTypes) {
    if (t == category) return {&kMaritimeSafety, t};
  }
  for (const std::string_view t : kIrregularMigrationTypes) {
    if (t == category) return {&kIrregularMigration, t};
  }
  static const std::map<std::string, const IncidentKind*, std::less<>> kAliases = {
      {"unauthorised-border-crossing", &kIrregularMigration},
      {"unauthorized-border-crossing", &kIrregularMigration},
      {"irregular-migration", &kIrregularMigration},
      {"unauthorised-secondary-movement", &kIrregularMigration},
      {"search-and-rescue", &kMaritimeSafety},
      {"sar", &kMaritimeSafety},
      {"maritime-safety", &kMaritimeSafety},
      {"cross-border-crime", &kLawInfringement},
      {"migrant-smuggling", &kLawInfringement},
      {"smuggling", &kLawInfringement},
      {"trafficking", &kLawInfringement},
      {"law-infringement", &kLawInfringement},
      {"crisis-situation", &kCrisis},
      {"crisis", &kCrisis},
      {"pollution", &kPollution},
  };
  const auto it = kAliases.find(ToLowerAscii(category));
  if (it != kAliases.end()) return {it->second, {}};
  return {};
}

const IncidentKind* IncidentKindByElement(std::string_view element) {
  for (const IncidentKind* k : kIncidentKinds) {
    if (k->element == element) return k;
  }
  return nullptr;
}

// EUROSUR impact level <-> CAP severity; EUROSUR confidence <-> CISE reliability.
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kImpactSeverity = {{
    {"low", "Minor"},
    {"medium", "Moderate"},
    {"high", "Severe"},
    {"very-high", "Extreme"},
}};
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kConfidenceReliability = {{
    {"confirmed", "VeryHighConfidence"},
    {"high", "HighConfidence"},
    {"medium", "Confident"},
    {"low", "LowConfidence"},
    {"unconfirmed", "VeryLowConfidence"},
}};

template <size_t N>
std::optional<std::string_view> MapForward(
    const std::array<std::pair<std::string_view, std::string_view>, N>& table,
    std::string_view key) {
  for (const auto& [a, b] : table) {
    if (a == key) return b;
  }
  return std::nullopt;
}

template <size_t N>
std::optional<std::string_view> MapBack(
    const std::array<std::pair<std::string_view, std::string_view>, N>& table,
    std::string_view value) {
  for (const auto& [a, b] : table) {
    if (b == value) return a;
  }
  return std::nullopt;
}

// ---- Handling <-> label -------------------------------------------------------------------------

int SensitivityRank(std::string_view s) {
  if (s == "White") return 0;
  if (s == "Green") return 1;
  if (s == "Amber") return 2;
  return 3;  // Red
}

std::string_view SecurityLevelFor(core::Classification c) {
  switch (c) {
    case core::Classification::kPublic:
    case core::Classification::kLimited:
      return "NonClassified";
    case core::Classification::kRestricted:
      return "EURestricted";
    case core::Classification::kConfidential:
      return "EUConfidential";
  }
  return "NonSpecified";
}

std::string_view SensitivityFor(const core::Handling& h) {
  if (h.classification == core::Classification::kPublic) return "White";
  if (h.distribution == core::Distribution::kOwner) return "Red";
  if (h.classification == core::Classification::kLimited &&
      h.distribution == core::Distribution::kAll) {
    return "Green";
  }
  return "Amber";
}

std::string_view PurposeFor(core::PurposeSet purposes) {
  using core::Purpose;
  const auto has = [&](Purpose p) { return (purposes & static_cast<core::PurposeSet>(p)) != 0; };
  if (has(Purpose::kBorder)) return "BorderMonitoring";
  if (has(Purpose::kTerrorism)) return "CounterTerrorism";
  if (has(Purpose::kCrime)) return "LawEnforcementMonitoring";
  if (has(Purpose::kCrisis)) return "Safety";
  if (has(Purpose::kCyber)) return "Security";
  return "NonSpecified";
}

// ---- Small helpers ------------------------------------------------------------------------------

std::string_view Trim(std::string_view s) {
  const std::string_view ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// The longest prefix of at most `max_chars` code points.
std::string TruncateUtf8(std::string_view s, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == max_chars) {
      return std::string(s.substr(0, i));
    }
  }
  return std::string(s);
}

// Whether text can go into XML 1.0 as is: valid UTF-8 without the control characters XML forbids.
bool IsXmlText(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      ++i;
      continue;
    }
    const size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (n == 0 || c > 0xF4 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<double> ParseDouble(std::string_view s) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string FormatDouble(double v) { return fmt::format("{}", v); }

// An indenting XML writer for the export.
class XmlWriter {
 public:
  void Open(std::string_view name, std::string_view attributes = {}) {
    Indent();
    out_ += '<';
    out_ += name;
    if (!attributes.empty()) {
      out_ += ' ';
      out_ += attributes;
    }
    out_ += ">\n";
    ++depth_;
  }
  void Close(std::string_view name) {
    --depth_;
    Indent();
    out_ += "</";
    out_ += name;
    out_ += ">\n";
  }
  void Leaf(std::string_view name, std::string_view value) {
    Indent();
    out_ += '<';
    out_ += name;
    out_ += '>';
    detail::AppendEscaped(out_, value);
    out_ += "</";
    out_ += name;
    out_ += ">\n";
  }
  std::string& text() { return out_; }

 private:
  void Indent() { out_.append(static_cast<size_t>(depth_) * 2, ' '); }
  std::string out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  int depth_ = 0;
};

// ---- Export -------------------------------------------------------------------------------------

// A location to write: a point or a polygon, and an optional name.
struct CiseLocation {
  std::optional<std::pair<double, double>> point;  // lon, lat
  std::string wkt;
  std::string name;
};

double CoordinateAt(const Json& position, size_t i) {
  return position.is_array() && position.size() > i && position[i].is_number()
             ? position[i].get<double>()
             : NAN;
}

Result<CiseLocation> LocationFromGeometry(const std::string& geometry_json,
                                          std::string_view field) {
  const Json g = Json::parse(geometry_json, nullptr, false);
  if (g.is_discarded() || !g.is_object() || !g.contains("type") || !g["type"].is_string()) {
    return InvalidArgument("not a GeoJSON geometry", std::string(field));
  }
  const std::string type = g["type"].get<std::string>();
  const Json& coords = g.contains("coordinates") ? g["coordinates"] : Json();
  CiseLocation loc;
  if (type == "Point") {
    const double lon = CoordinateAt(coords, 0);
    const double lat = CoordinateAt(coords, 1);
    if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
      return InvalidArgument("point coordinates out of range",
                             fmt::format("{}.coordinates", field));
    }
    loc.point = {lon, lat};
    return loc;
  }
  if (type == "Polygon") {
    if (!coords.is_array() || coords.empty()) {
      return InvalidArgument("polygon without rings", fmt::format("{}.coordinates", field));
    }
    std::string wkt = "POLYGON (";
    for (size_t r = 0; r < coords.size(); ++r) {
      if (!coords[r].is_array()) {
        return InvalidArgument("ring is not an array", fmt::format("{}.coordinates[{}]", field, r));
      }
      wkt += r == 0 ? "(" : ", (";
      for (size_t i = 0; i < coords[r].size(); ++i) {
        const double lon = CoordinateAt(coords[r][i], 0);
        const double lat = CoordinateAt(coords[r][i], 1);
        if (!std::isfinite(lon) || !std::isfinite(lat)) {
          return InvalidArgument("bad position",
                                 fmt::format("{}.coordinates[{}][{}]", field, r, i));
        }
        if (i > 0) wkt += ", ";
        wkt += FormatDouble(lon) + " " + FormatDouble(lat);
      }
      wkt += ")";
    }
    wkt += ")";
    loc.wkt = std::move(wkt);
    return loc;
  }
  return InvalidArgument(
      fmt::format("geometry type {} cannot be exported to CISE (Point and Polygon can)", type),
      fmt::format("{}.type", field));
}

void WriteLocation(XmlWriter& w, const CiseLocation& loc) {
  w.Open("Location");
  w.Open("Geometry");
  if (loc.point) {
    w.Leaf("Latitude", FormatDouble(loc.point->second));
    w.Leaf("Longitude", FormatDouble(loc.point->first));
  } else {
    w.Leaf("WKT", loc.wkt);
  }
  w.Close("Geometry");
  if (!loc.name.empty()) {
    w.Open("Metadata");
    w.Leaf("Designation", loc.name);
    w.Close("Metadata");
  }
  w.Close("Location");
}

std::string JsonString(const Json& props, const char* key) {
  if (!props.contains(key) || !props[key].is_string()) return {};
  return props[key].get<std::string>();
}

struct ExportContext {
  std::span<const core::Record> records;
  std::map<std::string, size_t, std::less<>> location_index;  // Location record id -> index
  std::vector<std::string>* notes;
};

// The record's own geometry and its linked Location records.
Result<std::vector<CiseLocation>> LocationsOf(const ExportContext& ctx, size_t i) {
  const core::Record& r = ctx.records[i];
  std::vector<CiseLocation> out;
  if (!r.geometry_json.empty() && r.geometry_json != "null") {
    ISSA_ASSIGN_OR_RETURN(
        CiseLocation own,
        LocationFromGeometry(r.geometry_json, fmt::format("records[{}].geometry", i)));
    out.push_back(std::move(own));
  }
  for (const core::Link& link : r.links) {
    const auto it = ctx.location_index.find(link.target);
    if (it == ctx.location_index.end()) continue;
    const core::Record& l = ctx.records[it->second];
    if (l.geometry_json.empty() || l.geometry_json == "null") {
      ctx.notes->push_back(fmt::format("records[{}]: linked Location {} has no geometry", i, l.id));
      continue;
    }
    ISSA_ASSIGN_OR_RETURN(
        CiseLocation loc,
        LocationFromGeometry(l.geometry_json, fmt::format("records[{}].geometry", it->second)));
    const Json props = Json::parse(l.properties_json, nullptr, false);
    if (props.is_object()) loc.name = JsonString(props, "name");
    out.push_back(std::move(loc));
  }
  return out;
}

void WriteEntityMetadata(XmlWriter& w, const core::Handling& h, std::string_view abstract,
                         std::string_view comments, std::string_view description,
                         std::string_view designation, std::string_view reliability) {
  w.Open("Metadata");
  if (!abstract.empty()) w.Leaf("Abstract", abstract);
  if (!comments.empty()) w.Leaf("Comments", comments);
  if (!description.empty()) w.Leaf("Description", description);
  if (!designation.empty()) w.Leaf("Designation", designation);
  if (!reliability.empty()) w.Leaf("InformationReliabilityLevel", reliability);
  w.Leaf("InformationSecurityClassification", SecurityLevelFor(h.classification));
  w.Leaf("InformationSensitivityDegree", SensitivityFor(h));
  w.Close("Metadata");
}

Status WriteVessel(XmlWriter& w, const ExportContext& ctx, size_t i, const Json& props) {
  const core::Record& r = ctx.records[i];
  ISSA_ASSIGN_OR_RETURN(const std::vector<CiseLocation> locations, LocationsOf(ctx, i));
  const auto field = [&](std::string_view name) {
    return fmt::format("records[{}].properties.{}", i, name);
  };
  w.Open("Vessel");
  if (!r.id.empty()) {
    w.Open("Identifier");
    w.Leaf("UUID", r.id);
    w.Close("Identifier");
  }
  WriteEntityMetadata(w, r.handling, {}, JsonString(props, "notes"), {}, {}, {});
  if (const std::string name = JsonString(props, "name"); !name.empty()) w.Leaf("Name", name);
  for (const CiseLocation& loc : locations) {
    w.Open("LocationRel");
    WriteLocation(w, loc);
    w.Close("LocationRel");
  }
  if (const std::string flag = JsonString(props, "flag"); !flag.empty()) {
    w.Leaf("Nationality", flag);
  }
  if (const std::string cs = JsonString(props, "call_sign"); !cs.empty()) w.Leaf("CallSign", cs);
  if (const std::string imo = JsonString(props, "imo"); !imo.empty()) {
    if (imo.size() != 7 || !AllDigits(imo)) {
      return InvalidArgument(fmt::format("'{}' is not a 7-digit IMO number", imo), field("imo"));
    }
    w.Leaf("IMONumber", imo);
  }
  if (props.contains("length_m")) {
    if (!props["length_m"].is_number()) {
      return InvalidArgument("length_m is not a number", field("length_m"));
    }
    w.Leaf("Length", FormatDouble(props["length_m"].get<double>()));
  }
  if (const std::string mmsi = JsonString(props, "mmsi"); !mmsi.empty()) {
    if (mmsi.size() != 9 || !AllDigits(mmsi)) {
      return InvalidArgument(fmt::format("'{}' is not a 9-digit MMSI", mmsi), field("mmsi"));
    }
    w.Leaf("MMSI", mmsi);
  }
  if (const std::string type = JsonString(props, "vessel_type"); !type.empty()) {
    if (const auto ship_type = CiseShipType(type)) {
      w.Leaf("ShipType", *ship_type);
    } else {
      ctx.notes->push_back(
          fmt::format("{}: '{}' has no CISE ShipType; not exported", field("vessel_type"), type));
    }
  }
  w.Close("Vessel");
  return Status::Ok();
}

Status WriteIncident(XmlWriter& w, const ExportContext& ctx, size_t i, const Json& props) {
  const core::Record& r = ctx.records[i];
  ISSA_ASSIGN_OR_RETURN(const std::vector<CiseLocation> locations, LocationsOf(ctx, i));
  const auto field = [&](std::string_view name) {
    return fmt::format("records[{}].properties.{}", i, name);
  };
  const std::string category = JsonString(props, "category");
  const IncidentChoice choice = IncidentFor(category);
  std::string_view reliability;
  if (const std::string c = JsonString(props, "confidence"); !c.empty()) {
    reliability = MapForward(kConfidenceReliability, c).value_or("");
  }
  // Times: Period has separate xs:date and xs:time; both written in UTC.
  std::optional<core::Timestamp> start;
  std::optional<core::Timestamp> end;
  for (const auto& [key, slot] : {std::pair{"occurred_at", &start}, std::pair{"ended_at", &end}}) {
    const std::string text = JsonString(props, key);
    if (text.empty()) continue;
    auto t = core::ParseTimestamp(text);
    if (!t.ok()) return InvalidArgument(t.status().message(), field(key));
    *slot = *t;
  }
  w.Open(choice.kind->element);
  if (!r.id.empty()) {
    w.Open("Identifier");
    w.Leaf("UUID", r.id);
    w.Close("Identifier");
  }
  WriteEntityMetadata(w, r.handling, JsonString(props, "title"), {},
                      JsonString(props, "description"), category, reliability);
  if (start || end) {
    w.Open("OccurrencePeriod");
    if (end) {
      const std::string s = core::FormatTimestamp(*end);
      w.Leaf("EndDate", s.substr(0, 10) + "Z");
      w.Leaf("EndTime", s.substr(11));
    }
    if (start) {
      const std::string s = core::FormatTimestamp(*start);
      w.Leaf("StartDate", s.substr(0, 10) + "Z");
      w.Leaf("StartTime", s.substr(11));
    }
    w.Close("OccurrencePeriod");
  }
  for (const CiseLocation& loc : locations) {
    w.Open("LocationRel");
    WriteLocation(w, loc);
    w.Close("LocationRel");
  }
  if (const std::string impact = JsonString(props, "impact_level"); !impact.empty()) {
    if (const auto severity = MapForward(kImpactSeverity, impact)) w.Leaf("Severity", *severity);
  }
  if (!choice.type_value.empty()) w.Leaf(choice.kind->type_element, choice.type_value);
  if (const std::string status = JsonString(props, "status"); !status.empty()) {
    ctx.notes->push_back(
        fmt::format("{}: CISE Incident has no status; not exported", field("status")));
  }
  w.Close(choice.kind->element);
  return Status::Ok();
}

// ---- Import -------------------------------------------------------------------------------------

struct ImportContext {
  const CiseImportOptions* options;
  CiseImportResult* result;
  core::Classification payload_classification = core::Classification::kLimited;
  std::optional<core::Timestamp> retention;
};

Json HandlingJson(const core::Handling& h) {
  Json j = Json::object();
  j["classification"] = std::string(core::ToString(h.classification));
  j["distribution"] = std::string(core::ToString(h.distribution));
  if (h.distribution == core::Distribution::kAuthorities) j["authorities"] = h.authorities;
  if (h.distribution == core::Distribution::kGroup) j["group"] = h.group;
  j["purposes"] = core::PurposeNames(h.purposes);
  if (h.delete_after) j["delete_after"] = core::FormatTimestamp(*h.delete_after);
  if (h.depersonalise_after) {
    j["depersonalise_after"] = core::FormatTimestamp(*h.depersonalise_after);
  }
  j["hit_notice"] = h.hit_notice;
  return j;
}

// First Location geometry of the entity's LocationRels, as GeoJSON; null when there is none.
Result<Json> ImportGeometry(const XmlElement& entity, const std::string& path,
                            std::vector<std::string>& notes) {
  size_t rel_index = 0;
  for (const XmlElement& rel : entity.children) {
    if (!rel.ns.empty() || rel.local != "LocationRel") continue;
    ++rel_index;
    const XmlElement* loc = rel.Child("Location");
    if (loc == nullptr) continue;
    const XmlElement* geo = loc->Child("Geometry");
    if (geo == nullptr) continue;
    const std::string where =
        fmt::format("{}/LocationRel{}/Location/Geometry", path,
                    rel_index > 1 ? fmt::format("[{}]", rel_index) : std::string());
    const std::string lat_text = geo->ChildText("Latitude");
    const std::string lon_text = geo->ChildText("Longitude");
    if (!lat_text.empty() || !lon_text.empty()) {
      const auto lat = ParseDouble(lat_text);
      const auto lon = ParseDouble(lon_text);
      if (!lat || *lat < -90 || *lat > 90) {
        return InvalidArgument(fmt::format("'{}' is not a latitude in -90..90", lat_text),
                               where + "/Latitude");
      }
      if (!lon || *lon < -180 || *lon > 180) {
        return InvalidArgument(fmt::format("'{}' is not a longitude in -180..180", lon_text),
                               where + "/Longitude");
      }
      return Json{{"type", "Point"}, {"coordinates", {*lon, *lat}}};
    }
    const std::string wkt = geo->ChildText("WKT");
    if (!wkt.empty()) {
      auto ring = ParseWktPolygon(wkt);
      if (!ring.ok()) {
        notes.push_back(
            fmt::format("{}/WKT: {}; geometry not imported", where, ring.status().message()));
        continue;
      }
      Json positions = Json::array();
      for (const auto& [lon, lat] : *ring) positions.push_back({lon, lat});
      return Json{{"type", "Polygon"}, {"coordinates", Json::array({positions})}};
    }
  }
  return Json(nullptr);
}

// Sets a string property when it fits the node schema's length limits; notes it otherwise.
void PutString(Json& props, const char* key, std::string value, size_t max_chars,
               const std::string& where, std::vector<std::string>& notes) {
  if (value.empty()) return;
  if (Utf8Length(value) > max_chars) {
    notes.push_back(fmt::format("{}: longer than {} characters; not imported", where, max_chars));
    return;
  }
  props[key] = std::move(value);
}

// The first Metadata child, or nullptr.
const XmlElement* MetadataOf(const XmlElement& entity) { return entity.Child("Metadata"); }

// Raises `c` to the entity's own Metadata classification.
Result<core::Classification> EntityClassification(const XmlElement& entity, core::Classification c,
                                                  const std::string& path) {
  for (const XmlElement& m : entity.children) {
    if (!m.ns.empty() || m.local != "Metadata") continue;
    const std::string level = m.ChildText("InformationSecurityClassification");
    if (level.empty()) continue;
    auto mapped = ClassificationForCise(level, m.ChildText("InformationSensitivityDegree"));
    if (!mapped.ok()) {
      return InvalidArgument(mapped.status().message(),
                             path + "/Metadata/InformationSecurityClassification");
    }
    c = std::max(c, *mapped);
  }
  return c;
}

Result<std::optional<Json>> ImportVessel(const XmlElement& e, const std::string& path,
                                         std::vector<std::string>& notes) {
  Json props = Json::object();
  PutString(props, "name", e.ChildText("Name"), 300, path + "/Name", notes);
  if (const std::string imo = e.ChildText("IMONumber"); !imo.empty()) {
    if (imo.size() == 7 && AllDigits(imo)) {
      props["imo"] = imo;
    } else {
      notes.push_back(
          fmt::format("{}/IMONumber: {} is not a 7-digit IMO number; not imported", path, imo));
    }
  }
  if (std::string mmsi = e.ChildText("MMSI"); !mmsi.empty()) {
    // xs:long drops leading zeros (coast stations, groups): pad back to nine digits.
    if (!mmsi.empty() && mmsi.front() == '+') mmsi.erase(0, 1);
    if (AllDigits(mmsi) && mmsi.size() <= 9) {
      props["mmsi"] = std::string(9 - mmsi.size(), '0') + mmsi;
    } else {
      notes.push_back(fmt::format("{}/MMSI: {} is not a 9-digit MMSI; not imported", path, mmsi));
    }
  }
  PutString(props, "call_sign", e.ChildText("CallSign"), 12, path + "/CallSign", notes);
  if (const std::string flag = e.ChildText("Nationality"); !flag.empty()) {
    if (flag.size() == 2 && core::IsValidCountry(flag)) {
      props["flag"] = flag;
    } else {
      notes.push_back(fmt::format(
          "{}/Nationality: '{}' is not an ISO 3166-1 alpha-2 code; not imported", path, flag));
    }
  }
  if (const std::string type = e.ChildText("ShipType"); !type.empty() && type != "NonSpecified") {
    PutString(props, "vessel_type", type, 100, path + "/ShipType", notes);
  }
  if (const std::string length = e.ChildText("Length"); !length.empty()) {
    const auto v = ParseDouble(length);
    if (v && *v >= 0 && *v <= 600) {
      props["length_m"] = *v;
    } else {
      notes.push_back(fmt::format("{}/Length: {} is not in 0..600 m; not imported", path, length));
    }
  }
  if (const XmlElement* m = MetadataOf(e)) {
    PutString(props, "notes", m->ChildText("Comments"), 10000, path + "/Metadata/Comments", notes);
  }
  if (!props.contains("name") && !props.contains("imo") && !props.contains("mmsi") &&
      !props.contains("call_sign")) {
    notes.push_back(fmt::format(
        "{}: no Name, IMONumber, MMSI or CallSign the node can hold; vessel not imported", path));
    return std::optional<Json>();
  }
  return std::optional<Json>(std::move(props));
}

// xs:date "2017-07-25+02:00" and xs:time "13:45:29.590Z" to one RFC 3339 date-time.
Result<std::string> PeriodTime(const XmlElement& period, const char* date_name,
                               const char* time_name, const std::string& where) {
  const std::string date = period.ChildText(date_name);
  const std::string time = period.ChildText(time_name);
  if (date.empty()) return std::string();
  if (date.size() < 10) {
    return InvalidArgument(fmt::format("'{}' is not a date", date), where + "/" + date_name);
  }
  const std::string_view day = std::string_view(date).substr(0, 10);
  std::string zone(std::string_view(date).substr(10));
  if (zone.empty()) zone = "Z";
  std::string text;
  if (time.empty()) {
    text = fmt::format("{}T00:00:00{}", day, zone);
  } else {
    const bool time_has_zone =
        time.back() == 'Z' ||
        (time.size() > 6 && (time[time.size() - 6] == '+' || time[time.size() - 6] == '-'));
    text = fmt::format("{}T{}{}", day, time, time_has_zone ? "" : zone);
  }
  auto t = core::ParseTimestamp(text);
  if (!t.ok()) {
    return InvalidArgument(fmt::format("'{}' is not a date-time", text), where + "/" + date_name);
  }
  return core::FormatTimestamp(*t);
}

Result<Json> ImportIncident(const XmlElement& e, const IncidentKind& kind, const std::string& path,
                            const std::string& uuid, std::vector<std::string>& notes) {
  Json props = Json::object();
  const XmlElement* m = MetadataOf(e);
  std::string title = m != nullptr ? m->ChildText("Abstract") : std::string();
  std::string category = m != nullptr ? m->ChildText("Designation") : std::string();
  if (category.empty() && !kind.type_element.empty()) {
    category = e.ChildText(kind.type_element);
    if (category == "NonSpecified" || category == "Other") category.clear();
  }
  if (category.empty() || Utf8Length(category) > 100) category = kind.default_category;
  if (title.empty() || Utf8Length(title) > 300) {
    title = uuid.empty() ? std::string(kind.element)
                         : TruncateUtf8(fmt::format("{} {}", kind.element, uuid), 300);
  }
  props["title"] = title;
  props["category"] = category;
  if (m != nullptr) {
    PutString(props, "description", m->ChildText("Description"), 10000,
              path + "/Metadata/Description", notes);
    if (const auto c =
            MapBack(kConfidenceReliability, m->ChildText("InformationReliabilityLevel"))) {
      props["confidence"] = std::string(*c);
    }
  }
  if (const XmlElement* period = e.Child("OccurrencePeriod")) {
    const std::string where = path + "/OccurrencePeriod";
    ISSA_ASSIGN_OR_RETURN(const std::string start,
                          PeriodTime(*period, "StartDate", "StartTime", where));
    ISSA_ASSIGN_OR_RETURN(const std::string end, PeriodTime(*period, "EndDate", "EndTime", where));
    if (!start.empty()) props["occurred_at"] = start;
    if (!end.empty()) props["ended_at"] = end;
  }
  if (const auto impact = MapBack(kImpactSeverity, e.ChildText("Severity"))) {
    props["impact_level"] = std::string(*impact);
  }
  return props;
}

}  // namespace

// ---- Public mapping functions -------------------------------------------------------------------

CiseLabel CiseLabelFor(const core::Handling& handling) {
  return CiseLabel{std::string(SecurityLevelFor(handling.classification)),
                   std::string(SensitivityFor(handling)),
                   std::string(PurposeFor(handling.purposes))};
}

Result<core::Classification> ClassificationForCise(std::string_view security_level,
                                                   std::string_view sensitivity) {
  if (security_level == "NonClassified") {
    return sensitivity == "White" ? core::Classification::kPublic : core::Classification::kLimited;
  }
  if (security_level == "NonSpecified") return core::Classification::kLimited;
  if (security_level == "EURestricted") return core::Classification::kRestricted;
  if (security_level == "EUConfidential") return core::Classification::kConfidential;
  if (security_level == "EUSecret" || security_level == "EUTopSecret") {
    return InvalidArgument(
        fmt::format("{} is above EU CONFIDENTIAL, the most this node may hold", security_level));
  }
  return InvalidArgument(fmt::format("unknown InformationSecurityLevel '{}'", security_level));
}

// ---- CiseCodec ----------------------------------------------------------------------------------

namespace {

// Line breaks in the text before child i of `parent`.
size_t CountNewlines(const XmlElement& parent, size_t i) {
  if (parent.chunks.size() != parent.children.size() + 1) return 0;
  return static_cast<size_t>(std::count(parent.chunks[i].begin(), parent.chunks[i].end(), '\n'));
}

}  // namespace

struct CiseCodec::Impl {
  std::unique_ptr<detail::XmlEngine> engine;

  // Envelope first, then each payload entity. Returns the entities with their paths.
  Status ValidateTree(const XmlElement& root,
                      std::vector<std::pair<const XmlElement*, std::string>>* entities,
                      size_t max_entities) const {
    if (root.ns != kMessageNs) {
      return InvalidArgument(
          fmt::format("not a CISE message: root element <{}> in namespace '{}' (expected {})",
                      root.qname, root.ns, kMessageNs),
          root.local);
    }
    const std::string envelope =
        detail::WriteXml(root, {}, &IsPayloadEntity, root.leading_newlines);
    ISSA_RETURN_IF_ERROR(engine->Validate(envelope, root.local));
    const XmlElement* payload = root.Child("Payload");
    if (payload == nullptr) return Status::Ok();
    // Line breaks before the payload's first child, so that entity errors give original lines.
    size_t newlines = root.leading_newlines;
    for (size_t i = 0; i < root.children.size(); ++i) {
      newlines += CountNewlines(root, i);
      if (&root.children[i] == payload) break;
      newlines += detail::NewlinesIn(root.children[i]);
    }
    std::vector<XmlAttribute> inherited = root.attributes;
    inherited.insert(inherited.end(), payload->attributes.begin(), payload->attributes.end());
    std::map<std::string, uint64_t> seen;
    size_t count = 0;
    for (size_t i = 0; i < payload->children.size(); ++i) {
      const XmlElement& child = payload->children[i];
      newlines += CountNewlines(*payload, i);
      const size_t entity_newlines = newlines;
      newlines += detail::NewlinesIn(child);
      if (!IsPayloadEntity(*payload, child)) continue;
      if (++count > max_entities) {
        return InvalidArgument(fmt::format("more than {} payload entities", max_entities),
                               root.local + "/Payload");
      }
      const uint64_t n = ++seen[child.local];
      std::string path = fmt::format("{}/Payload/{}", root.local, child.local);
      if (n > 1) path += fmt::format("[{}]", n);
      ISSA_RETURN_IF_ERROR(
          engine->Validate(detail::WriteXml(child, inherited, nullptr, entity_newlines), path));
      if (entities != nullptr) entities->emplace_back(&child, std::move(path));
    }
    return Status::Ok();
  }
};

CiseCodec::CiseCodec(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CiseCodec::~CiseCodec() = default;

Result<std::unique_ptr<CiseCodec>> CiseCodec::Create() {
  auto impl = std::make_unique<Impl>();
  ISSA_ASSIGN_OR_RETURN(impl->engine, detail::XmlEngine::Create());
  return std::unique_ptr<CiseCodec>(new CiseCodec(std::move(impl)));
}

Status CiseCodec::Validate(std::string_view xml) const {
  if (xml.size() > CiseImportOptions().max_message_bytes) {
    return InvalidArgument(fmt::format("message of {} bytes is too large", xml.size()));
  }
  ISSA_ASSIGN_OR_RETURN(const XmlElement root, impl_->engine->Parse(xml));
  return impl_->ValidateTree(root, nullptr, CiseImportOptions().max_entities);
}

Result<CiseExport> CiseCodec::Export(std::span<const core::Record> records,
                                     const CiseExportOptions& options) const {
  if (options.sender.service_id.empty()) {
    return InvalidArgument("the sender's ServiceID is required", "sender.service_id");
  }
  if (options.recipient && options.recipient->service_id.empty()) {
    return InvalidArgument("the recipient's ServiceID is required", "recipient.service_id");
  }
  CiseExport out;
  ExportContext ctx{records, {}, &out.notes};
  for (size_t i = 0; i < records.size(); ++i) {
    const std::string& type = records[i].type;
    if (type == "Location") {
      ctx.location_index.emplace(records[i].id, i);
    } else if (type != "Vessel" && type != "Event") {
      return InvalidArgument(
          fmt::format("type {} cannot be exported to CISE (Vessel, Event, Location can)", type),
          fmt::format("records[{}].type", i));
    }
  }
  // The payload label: the most restrictive of the exported records.
  core::Handling label_handling;
  label_handling.classification = core::Classification::kPublic;
  std::string sensitivity = "White";
  core::PurposeSet purposes = 0;
  std::optional<core::Timestamp> retention;
  std::string first_entity;
  for (const core::Record& r : records) {
    label_handling.classification =
        std::max(label_handling.classification, r.handling.classification);
    const std::string_view s = SensitivityFor(r.handling);
    if (SensitivityRank(s) > SensitivityRank(sensitivity)) sensitivity = std::string(s);
    if (r.type != "Location") {
      purposes |= r.handling.purposes;
      if (first_entity.empty()) first_entity = r.type;
    }
    if (r.handling.delete_after && (!retention || *r.handling.delete_after < *retention)) {
      retention = r.handling.delete_after;
    }
  }
  const std::string service_type = first_entity == "Event" ? "IncidentService" : "VesselService";
  const core::Timestamp now =
      options.created_at != 0 ? options.created_at : core::SystemClock().Now();
  const std::string message_id =
      options.message_id.empty() ? core::NewUuidV7(now) : options.message_id;

  XmlWriter w;
  w.Open("ns4:Push", fmt::format("xmlns:ns4=\"{}\"", kMessageNs));
  w.Leaf("CorrelationID", options.correlation_id.empty() ? message_id : options.correlation_id);
  w.Leaf("CreationDateTime", core::FormatTimestamp(now));
  w.Leaf("MessageID", message_id);
  constexpr std::array<std::string_view, 3> kPriorities = {"Low", "Medium", "High"};
  w.Leaf("Priority", kPriorities[static_cast<size_t>(options.priority)]);
  w.Leaf("RequiresAck", options.requires_ack ? "true" : "false");
  const auto write_service = [&](std::string_view element, const CiseService& s,
                                 std::string_view role) {
    w.Open(element);
    w.Leaf("ServiceID", s.service_id);
    w.Leaf("ServiceOperation", "Push");
    w.Leaf("ServiceRole", role);
    w.Leaf("ServiceType", s.service_type.empty() ? service_type : s.service_type);
    w.Close(element);
  };
  write_service("Sender", options.sender, "Provider");
  if (options.recipient) write_service("Recipient", *options.recipient, "Consumer");
  w.Open("Payload", fmt::format("xmlns:xsi=\"{}\" xsi:type=\"ns4:XmlEntityPayload\"", kXsiNs));
  w.Leaf("InformationSecurityLevel", SecurityLevelFor(label_handling.classification));
  w.Leaf("InformationSensitivity", sensitivity);
  w.Leaf("IsPersonalData", options.is_personal_data ? "true" : "false");
  w.Leaf("Purpose", PurposeFor(purposes));
  if (retention) w.Leaf("RetentionPeriod", core::FormatTimestamp(*retention));
  w.Leaf("EnsureEncryption", "false");
  for (size_t i = 0; i < records.size(); ++i) {
    const core::Record& r = records[i];
    if (r.type == "Location") continue;
    const Json props = Json::parse(r.properties_json, nullptr, false);
    if (!props.is_object()) {
      return InvalidArgument("properties are not a JSON object",
                             fmt::format("records[{}].properties", i));
    }
    if (!IsXmlText(r.id)) return InvalidArgument("not XML text", fmt::format("records[{}].id", i));
    for (const auto& [key, value] : props.items()) {
      if (value.is_string() && !IsXmlText(value.get_ref<const std::string&>())) {
        return InvalidArgument(
            "contains a control character or invalid UTF-8, which XML cannot carry",
            fmt::format("records[{}].properties.{}", i, key));
      }
    }
    if (r.type == "Vessel") {
      ISSA_RETURN_IF_ERROR(WriteVessel(w, ctx, i, props));
      ++out.vessels;
    } else {
      ISSA_RETURN_IF_ERROR(WriteIncident(w, ctx, i, props));
      ++out.incidents;
    }
  }
  w.Close("Payload");
  w.Close("ns4:Push");
  out.xml = std::move(w.text());
  if (Status s = Validate(out.xml); !s.ok()) {
    return Internal(
        fmt::format("exported message is not valid CISE: {} ({})", s.message(), s.field()));
  }
  return out;
}

Result<CiseImportResult> CiseCodec::Import(std::string_view xml,
                                           const CiseImportOptions& options) const {
  if (xml.size() > options.max_message_bytes) {
    return InvalidArgument(fmt::format("message of {} bytes is larger than the limit of {}",
                                       xml.size(), options.max_message_bytes));
  }
  ISSA_ASSIGN_OR_RETURN(const XmlElement root, impl_->engine->Parse(xml));
  std::vector<std::pair<const XmlElement*, std::string>> entities;
  ISSA_RETURN_IF_ERROR(impl_->ValidateTree(root, &entities, options.max_entities));

  CiseImportResult result;
  result.message_type = root.local;
  result.message_id = root.ChildText("MessageID");
  result.correlation_id = root.ChildText("CorrelationID");
  if (const XmlElement* sender = root.Child("Sender")) {
    result.sender_service_id = sender->ChildText("ServiceID");
  }
  const XmlElement* payload = root.Child("Payload");
  if (payload == nullptr) return result;
  const std::string payload_path = root.local + "/Payload";
  result.label.security_level = payload->ChildText("InformationSecurityLevel");
  result.label.sensitivity = payload->ChildText("InformationSensitivity");
  result.label.purpose = payload->ChildText("Purpose");
  auto level = ClassificationForCise(result.label.security_level, result.label.sensitivity);
  if (!level.ok()) {
    return InvalidArgument(level.status().message(), payload_path + "/InformationSecurityLevel");
  }
  std::optional<core::Timestamp> retention;
  if (const std::string r = payload->ChildText("RetentionPeriod"); !r.empty()) {
    auto t = core::ParseTimestamp(r);
    if (!t.ok()) {
      return InvalidArgument(fmt::format("'{}' is not a date-time", r),
                             payload_path + "/RetentionPeriod");
    }
    retention = *t;
  }
  if (payload->Child("Entities") != nullptr) {
    ++result.unsupported["EncryptedEntityPayload"];
    ++result.unsupported_total;
    result.notes.push_back(payload_path + "/Entities: encrypted payloads are not imported");
  }
  for (const auto& [entity, path] : entities) {
    const std::string uuid = entity->Child("Identifier") != nullptr
                                 ? entity->Child("Identifier")->ChildText("UUID")
                                 : std::string();
    const IncidentKind* incident = IncidentKindByElement(entity->local);
    if (entity->local != "Vessel" && incident == nullptr) {
      ++result.unsupported[entity->local];
      ++result.unsupported_total;
      continue;
    }
    core::Handling handling = options.handling;
    handling.classification = std::max(handling.classification, *level);
    ISSA_ASSIGN_OR_RETURN(handling.classification,
                          EntityClassification(*entity, handling.classification, path));
    if (retention && (!handling.delete_after || *retention < *handling.delete_after)) {
      handling.delete_after = retention;
    }
    Json record = Json::object();
    if (incident == nullptr) {
      ISSA_ASSIGN_OR_RETURN(std::optional<Json> props, ImportVessel(*entity, path, result.notes));
      if (!props) continue;
      record["type"] = "Vessel";
      record["properties"] = std::move(*props);
    } else {
      ISSA_ASSIGN_OR_RETURN(Json props,
                            ImportIncident(*entity, *incident, path, uuid, result.notes));
      record["type"] = "Event";
      record["properties"] = std::move(props);
    }
    ISSA_ASSIGN_OR_RETURN(record["geometry"], ImportGeometry(*entity, path, result.notes));
    record["handling"] = HandlingJson(handling);
    result.records.push_back(CiseImportedRecord{
        entity->local, uuid, record.dump(-1, ' ', false, Json::error_handler_t::replace)});
  }
  return result;
}

}  // namespace issa::maritime
