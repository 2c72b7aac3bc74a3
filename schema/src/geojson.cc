#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "issa/schema/registry.h"

#include "json_util.h"

namespace issa::schema {
namespace {

using json = nlohmann::json;

struct Bounds {
  double min_lon = 1e9, min_lat = 1e9, max_lon = -1e9, max_lat = -1e9;
  bool any = false;
  void Add(double lon, double lat) {
    min_lon = std::min(min_lon, lon);
    max_lon = std::max(max_lon, lon);
    min_lat = std::min(min_lat, lat);
    max_lat = std::max(max_lat, lat);
    any = true;
  }
};

constexpr size_t kMaxPositions = 1'000'000;

Status Position(const json& p, const std::string& path, Bounds& b, size_t& count) {
  if (!p.is_array() || p.size() < 2 || p.size() > 3) {
    return InvalidArgument("a position is [longitude, latitude] or [lon, lat, altitude]", path);
  }
  for (const auto& c : p) {
    if (!c.is_number()) return InvalidArgument("coordinates must be numbers", path);
  }
  const double lon = p[0].get<double>();
  const double lat = p[1].get<double>();
  if (!std::isfinite(lon) || lon < -180 || lon > 180) {
    return InvalidArgument(fmt::format("longitude {} is outside [-180, 180]", lon), path);
  }
  if (!std::isfinite(lat) || lat < -90 || lat > 90) {
    return InvalidArgument(fmt::format("latitude {} is outside [-90, 90]", lat), path);
  }
  if (++count > kMaxPositions) return InvalidArgument("geometry has too many positions", path);
  b.Add(lon, lat);
  return Status::Ok();
}

Status Positions(const json& a, const std::string& path, size_t min, Bounds& b, size_t& count) {
  if (!a.is_array() || a.size() < min) {
    return InvalidArgument(fmt::format("needs an array of at least {} positions", min), path);
  }
  for (size_t i = 0; i < a.size(); ++i) {
    ISSA_RETURN_IF_ERROR(Position(a[i], fmt::format("{}[{}]", path, i), b, count));
  }
  return Status::Ok();
}

Status Polygon(const json& rings, const std::string& path, Bounds& b, size_t& count) {
  if (!rings.is_array() || rings.empty()) {
    return InvalidArgument("a polygon needs at least one linear ring", path);
  }
  for (size_t i = 0; i < rings.size(); ++i) {
    const std::string rp = fmt::format("{}[{}]", path, i);
    ISSA_RETURN_IF_ERROR(Positions(rings[i], rp, 4, b, count));
    if (rings[i].front() != rings[i].back()) {
      return InvalidArgument("a linear ring must end where it starts", rp);
    }
  }
  return Status::Ok();
}

Status Geometry(const json& g, const std::string& path, Bounds& b, size_t& count, int depth) {
  if (!g.is_object()) return InvalidArgument("must be a GeoJSON geometry object or null", path);
  if (depth > 8) return InvalidArgument("geometry collections nested too deep", path);
  const auto type_it = g.find("type");
  if (type_it == g.end() || !type_it->is_string()) {
    return InvalidArgument("needs a string \"type\"", path + ".type");
  }
  const std::string& type = type_it->get_ref<const std::string&>();
  for (const auto& [key, value] : g.items()) {
    if (key != "type" && key != "coordinates" && key != "geometries" && key != "bbox") {
      return InvalidArgument("unknown member of a geometry", path + "." + key);
    }
  }
  if (type == "GeometryCollection") {
    const auto it = g.find("geometries");
    if (it == g.end() || !it->is_array()) {
      return InvalidArgument("needs an array \"geometries\"", path + ".geometries");
    }
    for (size_t i = 0; i < it->size(); ++i) {
      ISSA_RETURN_IF_ERROR(
          Geometry((*it)[i], fmt::format("{}.geometries[{}]", path, i), b, count, depth + 1));
    }
    return Status::Ok();
  }
  static constexpr std::string_view kTypes[] = {"Point",           "MultiPoint", "LineString",
                                                "MultiLineString", "Polygon",    "MultiPolygon"};
  if (std::find(std::begin(kTypes), std::end(kTypes), type) == std::end(kTypes)) {
    return InvalidArgument(fmt::format("unknown geometry type '{}'", type.substr(0, 40)),
                           path + ".type");
  }
  const auto it = g.find("coordinates");
  const std::string cp = path + ".coordinates";
  if (it == g.end()) return InvalidArgument("needs \"coordinates\"", cp);
  const json& c = *it;
  if (type == "Point") return Position(c, cp, b, count);
  if (type == "MultiPoint") return Positions(c, cp, 1, b, count);
  if (type == "LineString") return Positions(c, cp, 2, b, count);
  if (type == "Polygon") return Polygon(c, cp, b, count);
  if (type == "MultiLineString" || type == "MultiPolygon") {
    if (!c.is_array() || c.empty()) return InvalidArgument("needs a non-empty array", cp);
    for (size_t i = 0; i < c.size(); ++i) {
      const std::string ip = fmt::format("{}[{}]", cp, i);
      if (type == "MultiLineString") {
        ISSA_RETURN_IF_ERROR(Positions(c[i], ip, 2, b, count));
      } else {
        ISSA_RETURN_IF_ERROR(Polygon(c[i], ip, b, count));
      }
    }
    return Status::Ok();
  }
  return InvalidArgument(fmt::format("unknown geometry type '{}'", type.substr(0, 40)),
                         path + ".type");
}

}  // namespace

Result<core::BBox> GeometryBBoxOf(const json& geometry) {
  Bounds b;
  size_t count = 0;
  ISSA_RETURN_IF_ERROR(Geometry(geometry, "geometry", b, count, 0));
  if (!b.any) return InvalidArgument("geometry has no positions", "geometry");
  return core::BBox{b.min_lon, b.min_lat, b.max_lon, b.max_lat};
}

Result<core::BBox> GeometryBBox(std::string_view geometry_json) {
  ISSA_ASSIGN_OR_RETURN(json g, ParseJsonObject(geometry_json));
  return GeometryBBoxOf(g);
}

}  // namespace issa::schema
