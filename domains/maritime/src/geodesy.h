#pragma once

// Small-area geodesy shared by the tracker, fusion and the anomaly rules: metric offsets around
// a point (equirectangular) and distances. Private to the maritime module.

#include <algorithm>
#include <cmath>
#include <numbers>

namespace issa::maritime::detail {

constexpr double kEarthRadiusM = 6'371'008.8;  // mean radius (IUGG)
constexpr double kRad = std::numbers::pi / 180;
constexpr double kKnot = 1852.0 / 3600.0;  // m/s

// Equirectangular offsets around (lat0, lon0): metres east and north. Accurate to well under a
// metre per kilometre within the tens of kilometres a track moves between re-centrings.
inline void ToMetres(double lat0, double lon0, double lat, double lon, double& east,
                     double& north) {
  double dlon = lon - lon0;
  if (dlon > 180) dlon -= 360;
  if (dlon < -180) dlon += 360;
  east = dlon * kRad * kEarthRadiusM * std::cos(lat0 * kRad);
  north = (lat - lat0) * kRad * kEarthRadiusM;
}

inline void ToDegrees(double lat0, double lon0, double east, double north, double& lat,
                      double& lon) {
  lat = std::clamp(lat0 + north / kEarthRadiusM / kRad, -90.0, 90.0);
  const double c = std::max(std::cos(lat0 * kRad), 1e-6);
  lon = lon0 + east / (kEarthRadiusM * c) / kRad;
  if (lon > 180) lon -= 360;
  if (lon < -180) lon += 360;
}

// Great-circle distance (haversine), metres.
inline double Haversine(double lat1, double lon1, double lat2, double lon2) {
  const double dlat = (lat2 - lat1) * kRad;
  const double dlon = (lon2 - lon1) * kRad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(a)));
}

// Distance in metres: equirectangular (one cosine) for points within about a degree of each
// other, where it is within 0.1 % of the great circle; haversine beyond.
inline double Distance(double lat1, double lon1, double lat2, double lon2) {
  double dlon = lon2 - lon1;
  if (dlon > 180) dlon -= 360;
  if (dlon < -180) dlon += 360;
  if (std::fabs(lat2 - lat1) < 1 && std::fabs(dlon) < 1 && std::fabs(lat1) < 80) {
    const double east = dlon * kRad * kEarthRadiusM * std::cos((lat1 + lat2) / 2 * kRad);
    const double north = (lat2 - lat1) * kRad * kEarthRadiusM;
    return std::hypot(east, north);
  }
  return Haversine(lat1, lon1, lat2, lon2);
}

}  // namespace issa::maritime::detail
