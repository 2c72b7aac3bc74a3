// The zone test of the tracker (ZoneIndex::ZoneAt, a hand-written grid) against GEOS, the
// library that would otherwise do it: the same 40 zones (maritime_geography.h) as GEOS
// prepared geometries, each query point a GEOS point tested against each zone with
// GEOSPreparedContains (which checks the envelope first). Points anywhere on the oceans (most
// far from any zone) and inside the European zones' box. Also checks that both agree on every
// point. Prints ns per point and the ratio. Built when libgeos-dev is installed.
#include <chrono>
#include <cstdio>
#include <random>
#include <utility>
#include <vector>

#include <geos_c.h>

#include "issa/maritime/zones.h"

#include "maritime_geography.h"

namespace {

using issa::maritime::LonLat;
using issa::maritime::Ring;
using issa::maritime::Zone;
using issa::maritime::ZoneIndex;
namespace bench = issa::maritime::bench;

struct Geos {
  GEOSContextHandle_t h = GEOS_init_r();
  std::vector<GEOSGeometry*> geometries;
  std::vector<const GEOSPreparedGeometry*> prepared;

  explicit Geos(const ZoneIndex& index) {
    for (const Zone& z : index.zones()) {
      std::vector<GEOSGeometry*> polygons;
      for (const auto& polygon : z.polygons) {
        std::vector<GEOSGeometry*> rings;
        for (const Ring& r : polygon) {
          GEOSCoordSequence* cs = GEOSCoordSeq_create_r(h, static_cast<unsigned>(r.size() + 1), 2);
          for (size_t i = 0; i <= r.size(); ++i) {
            const LonLat& p = r[i % r.size()];
            GEOSCoordSeq_setXY_r(h, cs, static_cast<unsigned>(i), p.lon, p.lat);
          }
          rings.push_back(GEOSGeom_createLinearRing_r(h, cs));
        }
        polygons.push_back(GEOSGeom_createPolygon_r(h, rings[0],
                                                    rings.size() > 1 ? &rings[1] : nullptr,
                                                    static_cast<unsigned>(rings.size() - 1)));
      }
      geometries.push_back(GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polygons.data(),
                                                       static_cast<unsigned>(polygons.size())));
      prepared.push_back(GEOSPrepare_r(h, geometries.back()));
    }
  }
  ~Geos() {
    for (const GEOSPreparedGeometry* p : prepared) GEOSPreparedGeom_destroy_r(h, p);
    for (GEOSGeometry* g : geometries) GEOSGeom_destroy_r(h, g);
    GEOS_finish_r(h);
  }
  Geos(const Geos&) = delete;
  Geos& operator=(const Geos&) = delete;

  int ZoneAt(double lat, double lon) const {
    GEOSGeometry* point = GEOSGeom_createPointFromXY_r(h, lon, lat);
    int zone = -1;
    for (size_t i = 0; i < prepared.size() && zone < 0; ++i) {
      if (GEOSPreparedContains_r(h, prepared[i], point) == 1) zone = static_cast<int>(i);
    }
    GEOSGeom_destroy_r(h, point);
    return zone;
  }
};

}  // namespace

int main() {
  const ZoneIndex index = bench::MakeGeography();
  const Geos geos(index);
  for (const bool europe : {false, true}) {
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> lat(europe ? bench::kMinLat : -60,
                                               europe ? bench::kMaxLat : 60),
        lon(europe ? bench::kMinLon : -180, europe ? bench::kMaxLon : 180);
    std::vector<std::pair<double, double>> points(1 << 17);
    for (auto& p : points) p = {lat(rng), lon(rng)};
    size_t inside = 0, mismatches = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& [la, lo] : points) inside += geos.ZoneAt(la, lo) >= 0 ? 1 : 0;
    const auto t1 = std::chrono::steady_clock::now();
    for (int rep = 0; rep < 16; ++rep) {
      for (const auto& [la, lo] : points) inside += index.ZoneAt(la, lo) >= 0 ? 1 : 0;
    }
    const auto t2 = std::chrono::steady_clock::now();
    for (const auto& [la, lo] : points) {
      mismatches += geos.ZoneAt(la, lo) != index.ZoneAt(la, lo) ? 1 : 0;
    }
    const double n = static_cast<double>(points.size());
    const double geos_ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / n;
    const double grid_ns = std::chrono::duration<double, std::nano>(t2 - t1).count() / (16 * n);
    std::printf(
        "%-32s GEOS prepared %7.1f ns/point, ZoneIndex grid %5.1f ns/point, ratio %.0fx; "
        "%zu points, %zu disagreements\n",
        europe ? "points in the European box:" : "points anywhere on the oceans:", geos_ns, grid_ns,
        geos_ns / grid_ns, points.size(), mismatches);
    if (inside == 0) std::printf("(no point inside a zone)\n");
  }
  return 0;
}
