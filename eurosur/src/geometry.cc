#include <algorithm>
#include <cmath>
#include <utility>

#include "internal.h"

namespace issa::eurosur::detail {
namespace {

// Even-odd test of one ring of [lon, lat] positions.
bool RingContains(const nlohmann::json& ring, double lat, double lon) {
  if (!ring.is_array() || ring.size() < 4) return false;
  bool inside = false;
  const size_t n = ring.size();
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    const double xi = ring[i][0].get<double>();
    const double yi = ring[i][1].get<double>();
    const double xj = ring[j][0].get<double>();
    const double yj = ring[j][1].get<double>();
    if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) {
      inside = !inside;
    }
  }
  return inside;
}

bool PolygonContains(const nlohmann::json& rings, double lat, double lon) {
  if (!rings.is_array() || rings.empty() || !RingContains(rings[0], lat, lon)) return false;
  for (size_t h = 1; h < rings.size(); ++h) {
    if (RingContains(rings[h], lat, lon)) return false;
  }
  return true;
}

}  // namespace

bool GeometryContains(const nlohmann::json& geometry, double lat, double lon) {
  try {
    if (!geometry.is_object() || !geometry.contains("coordinates")) return false;
    const std::string type = geometry.value("type", "");
    const nlohmann::json& c = geometry["coordinates"];
    if (type == "Polygon") return PolygonContains(c, lat, lon);
    if (type == "MultiPolygon") {
      return std::any_of(c.begin(), c.end(),
                         [&](const nlohmann::json& p) { return PolygonContains(p, lat, lon); });
    }
  } catch (const nlohmann::json::exception&) {
    return false;
  }
  return false;
}

}  // namespace issa::eurosur::detail
