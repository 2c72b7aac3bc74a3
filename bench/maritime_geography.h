#pragma once

// The synthetic European-waters geography of the maritime benchmarks (tracks_bench,
// zones_geos_bench): 40 zones of 12-40 vertices (some with holes, some in two parts), 60
// coastlines of 200 vertices (random walks, ~1,000 km each) and 400 ports, fixed seed. It
// loads the indexes as a real setup would; it is not a map.

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "issa/maritime/zones.h"

namespace issa::maritime::bench {

// European waters: 30° N to 62° N, 15° W to 40° E.
constexpr double kMinLat = 30, kMaxLat = 62, kMinLon = -15, kMaxLon = 40;

inline ZoneIndex MakeGeography() {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lat(kMinLat, kMaxLat), lon(kMinLon, kMaxLon), unit(0, 1),
      step(-0.05, 0.05);
  ZoneIndex g;
  for (int z = 0; z < 40; ++z) {  // zones: 12-40 vertex rings of 0.2-1.5° radius
    const double clat = lat(rng), clon = lon(rng), radius = 0.2 + 1.3 * unit(rng);
    const auto ring = [&](double la, double lo, double rad, int n) {
      Ring r;
      for (int i = 0; i < n; ++i) {
        const double a = 2 * std::numbers::pi * i / n;
        const double k = rad * (0.7 + 0.3 * unit(rng));
        r.push_back(
            {lo + k * std::sin(a) / std::cos(la * (std::numbers::pi / 180)), la + k * std::cos(a)});
      }
      return r;
    };
    Zone zone{.name = "zone " + std::to_string(z),
              .kind = z % 2 == 0 ? ZoneKind::kRestricted : ZoneKind::kMonitored,
              .polygons = {}};
    const int n = 12 + static_cast<int>(28 * unit(rng));
    zone.polygons.push_back({ring(clat, clon, radius, n)});
    if (z % 4 == 0) zone.polygons.back().push_back(ring(clat, clon, radius * 0.3, 8));  // hole
    if (z % 5 == 0) zone.polygons.push_back({ring(clat + 2 * radius, clon, radius * 0.5, 10)});
    (void)g.AddZone(std::move(zone));
  }
  for (int c = 0; c < 60; ++c) {  // coastlines: random walks of 200 vertices (~ 1,000 km)
    std::vector<LonLat> line;
    double la = lat(rng), lo = lon(rng);
    for (int i = 0; i < 200; ++i) {
      line.push_back({lo, la});
      la = std::clamp(la + step(rng), -89.0, 89.0);
      lo = std::clamp(lo + step(rng) + 0.02, -180.0, 180.0);
    }
    for (int p = 0; p < 7; ++p) {  // ports along it
      const LonLat& at = line[static_cast<size_t>(p * 28 + 5)];
      (void)g.AddPort({.name = "port", .lat = at.lat, .lon = at.lon, .radius_m = 2000});
    }
    (void)g.AddCoastline("coast " + std::to_string(c), std::move(line));
  }
  for (int p = 0; p < 400 - 60 * 7; ++p) {
    (void)g.AddPort({.name = "port", .lat = lat(rng), .lon = lon(rng), .radius_m = 2000});
  }
  g.Build();
  return g;
}

}  // namespace issa::maritime::bench
