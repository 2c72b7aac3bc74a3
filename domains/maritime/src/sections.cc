#include "issa/maritime/sections.h"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/core/model.h"
#include "issa/core/text.h"

namespace issa::maritime {
namespace {

using Json = nlohmann::json;

constexpr int kMaxJsonDepth = 16;
constexpr size_t kMaxIdBytes = 64;
constexpr size_t kMaxNameBytes = 200;

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

bool IsAlpha2(std::string_view s) { return core::IsValidCountry(s) && s != "EU"; }

// Bounds and counts positions while checking a GeoJSON geometry.
struct GeometryCheck {
  core::BBox box{180, 90, -180, -90};
  size_t positions = 0;
  size_t max_positions = 0;
};

Status CheckRing(const Json& ring, const std::string& field, GeometryCheck& g) {
  if (!ring.is_array()) return InvalidArgument("a ring must be an array of positions", field);
  if (ring.size() < 4) return InvalidArgument("a ring needs at least 4 positions", field);
  for (size_t i = 0; i < ring.size(); ++i) {
    const Json& p = ring[i];
    const std::string where = fmt::format("{}[{}]", field, i);
    if (!p.is_array() || p.size() < 2 || p.size() > 3 ||
        !std::all_of(p.begin(), p.end(), [](const Json& v) { return v.is_number(); })) {
      return InvalidArgument("a position must be [lon, lat] or [lon, lat, height] numbers", where);
    }
    const double lon = p[0].get<double>();
    const double lat = p[1].get<double>();
    if (!(lon >= -180 && lon <= 180)) {
      return InvalidArgument(fmt::format("longitude {} is outside -180..180", lon), where);
    }
    if (!(lat >= -90 && lat <= 90)) {
      return InvalidArgument(fmt::format("latitude {} is outside -90..90", lat), where);
    }
    if (++g.positions > g.max_positions) {
      return InvalidArgument(fmt::format("more than {} positions in all", g.max_positions), where);
    }
    g.box.min_lon = std::min(g.box.min_lon, lon);
    g.box.max_lon = std::max(g.box.max_lon, lon);
    g.box.min_lat = std::min(g.box.min_lat, lat);
    g.box.max_lat = std::max(g.box.max_lat, lat);
  }
  if (ring.front()[0] != ring.back()[0] || ring.front()[1] != ring.back()[1]) {
    return InvalidArgument("the ring is not closed (first position != last)", field);
  }
  return Status::Ok();
}

Status CheckPolygon(const Json& rings, const std::string& field, GeometryCheck& g) {
  if (!rings.is_array() || rings.empty()) {
    return InvalidArgument("a polygon must be a non-empty array of rings", field);
  }
  for (size_t r = 0; r < rings.size(); ++r) {
    ISSA_RETURN_IF_ERROR(CheckRing(rings[r], fmt::format("{}[{}]", field, r), g));
  }
  return Status::Ok();
}

Status CheckGeometry(const Json& geometry, const std::string& field, GeometryCheck& g) {
  if (!geometry.is_object()) return InvalidArgument("must be a GeoJSON geometry object", field);
  const auto type = geometry.find("type");
  if (type == geometry.end() || !type->is_string()) {
    return InvalidArgument("type must be Polygon or MultiPolygon", field + ".type");
  }
  const auto coordinates = geometry.find("coordinates");
  if (coordinates == geometry.end()) return InvalidArgument("is required", field + ".coordinates");
  const std::string where = field + ".coordinates";
  if (*type == "Polygon") return CheckPolygon(*coordinates, where, g);
  if (*type != "MultiPolygon") {
    return InvalidArgument(
        fmt::format("type {} is not Polygon or MultiPolygon", type->get<std::string>()),
        field + ".type");
  }
  if (!coordinates->is_array() || coordinates->empty()) {
    return InvalidArgument("a MultiPolygon needs at least one polygon", where);
  }
  for (size_t i = 0; i < coordinates->size(); ++i) {
    ISSA_RETURN_IF_ERROR(CheckPolygon((*coordinates)[i], fmt::format("{}[{}]", where, i), g));
  }
  return Status::Ok();
}

// A string property: nullopt when absent or null; InvalidArgument when present but not a string.
Result<std::optional<std::string>> StringProperty(const Json& properties, const char* key,
                                                  const std::string& field) {
  const auto it = properties.find(key);
  if (it == properties.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return InvalidArgument("must be a string", field);
  return std::optional<std::string>(it->get<std::string>());
}

Result<BorderSection> ReadFeature(const Json& feature, const std::string& field, GeometryCheck& g) {
  if (!feature.is_object()) return InvalidArgument("must be a GeoJSON Feature object", field);
  const auto type = feature.find("type");
  if (type == feature.end() || *type != "Feature") {
    return InvalidArgument("type must be Feature", field + ".type");
  }
  const auto properties = feature.find("properties");
  if (properties == feature.end() || !properties->is_object()) {
    return InvalidArgument("must be an object", field + ".properties");
  }
  const std::string props = field + ".properties";
  BorderSection s;

  ISSA_ASSIGN_OR_RETURN(std::optional<std::string> id,
                        StringProperty(*properties, "id", props + ".id"));
  if (!id) {
    // The Feature's own id, when the properties do not carry one.
    const auto fid = feature.find("id");
    if (fid != feature.end() && fid->is_string()) id = fid->get<std::string>();
  }
  if (!id) return InvalidArgument("is required", props + ".id");
  if (id->empty() || id->size() > kMaxIdBytes || !std::all_of(id->begin(), id->end(), IsIdChar)) {
    return InvalidArgument(fmt::format("must be 1-{} characters of A-Z a-z 0-9 - _ .", kMaxIdBytes),
                           props + ".id");
  }
  s.id = std::move(*id);

  ISSA_ASSIGN_OR_RETURN(std::optional<std::string> ms,
                        StringProperty(*properties, "member_state", props + ".member_state"));
  if (!ms) return InvalidArgument("is required", props + ".member_state");
  if (!IsAlpha2(*ms)) {
    return InvalidArgument("must be an ISO 3166-1 alpha-2 code in capitals, e.g. IT",
                           props + ".member_state");
  }
  s.member_state = std::move(*ms);

  ISSA_ASSIGN_OR_RETURN(std::optional<std::string> kind,
                        StringProperty(*properties, "kind", props + ".kind"));
  if (!kind) return InvalidArgument("is required", props + ".kind");
  const std::optional<SectionKind> k = ParseSectionKind(*kind);
  if (!k) return InvalidArgument("must be land or sea", props + ".kind");
  s.kind = *k;

  ISSA_ASSIGN_OR_RETURN(std::optional<std::string> name,
                        StringProperty(*properties, "name", props + ".name"));
  if (!name || name->empty()) return InvalidArgument("is required", props + ".name");
  if (name->size() > kMaxNameBytes) {
    return InvalidArgument(fmt::format("is longer than {} bytes", kMaxNameBytes), props + ".name");
  }
  s.name = std::move(*name);

  ISSA_ASSIGN_OR_RETURN(
      std::optional<std::string> neighbour,
      StringProperty(*properties, "neighbouring_country", props + ".neighbouring_country"));
  if (neighbour && !neighbour->empty()) {
    if (!IsAlpha2(*neighbour)) {
      return InvalidArgument("must be an ISO 3166-1 alpha-2 code in capitals",
                             props + ".neighbouring_country");
    }
    if (*neighbour == s.member_state) {
      return InvalidArgument("is the section's own member state", props + ".neighbouring_country");
    }
    s.neighbouring_country = std::move(*neighbour);
  }

  const auto geometry = feature.find("geometry");
  if (geometry == feature.end() || geometry->is_null()) {
    return InvalidArgument("is required", field + ".geometry");
  }
  GeometryCheck local;
  local.positions = g.positions;
  local.max_positions = g.max_positions;
  ISSA_RETURN_IF_ERROR(CheckGeometry(*geometry, field + ".geometry", local));
  g.positions = local.positions;
  s.bbox = local.box;
  s.geometry_json = geometry->dump();
  return s;
}

}  // namespace

std::string_view SectionKindName(SectionKind kind) {
  return kind == SectionKind::kLand ? "land" : "sea";
}

std::optional<SectionKind> ParseSectionKind(std::string_view text) {
  if (text == "land") return SectionKind::kLand;
  if (text == "sea") return SectionKind::kSea;
  return std::nullopt;
}

Result<std::vector<BorderSection>> ParseBorderSections(std::string_view geojson,
                                                       const BorderSectionReadOptions& options) {
  if (geojson.size() > options.max_bytes) {
    return InvalidArgument(fmt::format("is larger than {} bytes", options.max_bytes), "geojson");
  }
  if (core::JsonNestsDeeperThan(geojson, kMaxJsonDepth)) {
    return InvalidArgument(fmt::format("nests deeper than {} levels", kMaxJsonDepth), "geojson");
  }
  const Json doc = Json::parse(geojson, nullptr, false);
  if (doc.is_discarded()) return InvalidArgument("is not valid JSON", "geojson");
  if (!doc.is_object()) return InvalidArgument("must be a GeoJSON object", "geojson");
  const auto type = doc.find("type");
  if (type == doc.end() || *type != "FeatureCollection") {
    return InvalidArgument("must be FeatureCollection", "type");
  }
  const auto features = doc.find("features");
  if (features == doc.end() || !features->is_array()) {
    return InvalidArgument("must be an array", "features");
  }
  if (features->size() > options.max_sections) {
    return InvalidArgument(fmt::format("more than {} sections", options.max_sections), "features");
  }
  std::vector<BorderSection> out;
  out.reserve(features->size());
  std::set<std::string, std::less<>> ids;
  GeometryCheck g;
  g.max_positions = options.max_positions;
  for (size_t i = 0; i < features->size(); ++i) {
    const std::string field = fmt::format("features[{}]", i);
    ISSA_ASSIGN_OR_RETURN(BorderSection s, ReadFeature((*features)[i], field, g));
    if (!ids.insert(s.id).second) {
      return InvalidArgument(fmt::format("duplicate section id {}", s.id),
                             field + ".properties.id");
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace issa::maritime
