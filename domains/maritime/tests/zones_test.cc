#include "issa/maritime/zones.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace issa::maritime {
namespace {

Ring Box(double lon0, double lat0, double lon1, double lat1) {
  return {{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}};
}

// Even-odd over every ring of the zone, the plain way (no grid): the oracle.
bool NaiveInside(const Zone& z, double lat, double lon) {
  bool inside = false;
  for (const auto& polygon : z.polygons) {
    for (const Ring& ring : polygon) {
      for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        const LonLat& a = ring[i];
        const LonLat& b = ring[j];
        if ((a.lat > lat) != (b.lat > lat) &&
            lon < a.lon + (lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat)) {
          inside = !inside;
        }
      }
    }
  }
  return inside;
}

TEST(ZoneIndexTest, PolygonWithHoleAndMultiPolygon) {
  ZoneIndex index;
  Zone frame{.name = "frame", .kind = ZoneKind::kRestricted, .polygons = {}};
  frame.polygons.push_back({Box(10, 50, 12, 52), Box(10.5, 50.5, 11.5, 51.5)});  // with a hole
  ASSERT_TRUE(index.AddZone(frame).ok());
  Zone pair{.name = "pair", .kind = ZoneKind::kMonitored, .polygons = {}};
  pair.polygons.push_back({Box(20, 50, 21, 51)});
  pair.polygons.push_back({Box(22, 50, 23, 51)});
  ASSERT_TRUE(index.AddZone(pair).ok());
  index.Build(0.1);
  EXPECT_EQ(index.ZoneAt(50.2, 10.2), 0);   // in the frame
  EXPECT_EQ(index.ZoneAt(51.0, 11.0), -1);  // in the hole
  EXPECT_EQ(index.ZoneAt(51.9, 11.9), 0);
  EXPECT_EQ(index.ZoneAt(49.9, 11.0), -1);
  EXPECT_EQ(index.ZoneAt(50.5, 20.5), 1);   // first part
  EXPECT_EQ(index.ZoneAt(50.5, 22.5), 1);   // second part
  EXPECT_EQ(index.ZoneAt(50.5, 21.5), -1);  // between the parts
  EXPECT_EQ(index.ZoneAt(-30, -100), -1);   // far away
  EXPECT_EQ(ZoneKindName(index.zones()[1].kind), "monitored");
}

TEST(ZoneIndexTest, OverlappingZonesAreAllReported) {
  ZoneIndex index;
  ASSERT_TRUE(index.AddZone(Zone{.name = "a", .polygons = {{Box(0, 0, 2, 2)}}}).ok());
  ASSERT_TRUE(index.AddZone(Zone{.name = "b", .polygons = {{Box(1, 1, 3, 3)}}}).ok());
  index.Build(0.25);
  EXPECT_EQ(index.ZoneAt(1.5, 1.5), 0);
  EXPECT_EQ(index.ZonesAt(1.5, 1.5), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(index.ZonesAt(2.5, 2.5), (std::vector<uint32_t>{1}));
}

// A concave, many-edged ring and random points (some on grid lines): the grid answers as the
// plain even-odd test does.
TEST(ZoneIndexTest, AgreesWithPlainPointInPolygon) {
  Zone star{.name = "star", .polygons = {}};
  Ring ring;
  for (int i = 0; i < 40; ++i) {
    const double angle = i * 2 * M_PI / 40;
    const double r = i % 2 == 0 ? 1.0 : 0.35;
    ring.push_back({5 + r * std::cos(angle), 40 + r * std::sin(angle)});
  }
  star.polygons.push_back({ring, Box(4.9, 39.9, 5.1, 40.1)});  // with a hole in the middle
  ZoneIndex index;
  ASSERT_TRUE(index.AddZone(star).ok());
  index.Build(0.05);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lon(3.8, 6.2), lat(38.8, 41.2);
  int inside = 0;
  for (int i = 0; i < 200'000; ++i) {
    double x = lon(rng), y = lat(rng);
    if (i % 10 == 0) x = std::round(x * 20) / 20;  // on a cell border
    if (i % 15 == 0) y = std::round(y * 20) / 20;
    const bool expected = NaiveInside(star, y, x);
    inside += expected ? 1 : 0;
    ASSERT_EQ(index.ZoneAt(y, x) == 0, expected) << y << " " << x;
  }
  EXPECT_GT(inside, 10'000);
}

TEST(ZoneIndexTest, RingAcrossTheAntimeridian) {
  ZoneIndex index;
  Zone z{.name = "dateline", .polygons = {}};
  z.polygons.push_back({{{179, -10}, {-179, -10}, {-179, -8}, {179, -8}, {179, -10}}});
  ASSERT_TRUE(index.AddZone(z).ok());
  index.Build();
  EXPECT_EQ(index.ZoneAt(-9, 179.5), 0);
  EXPECT_EQ(index.ZoneAt(-9, -179.5), 0);
  EXPECT_EQ(index.ZoneAt(-9, 180), 0);
  EXPECT_EQ(index.ZoneAt(-9, 178.5), -1);
  EXPECT_EQ(index.ZoneAt(-9, -178.5), -1);
  EXPECT_EQ(index.ZoneAt(-9, 0), -1);
}

TEST(ZoneIndexTest, RejectsDegenerateRingsAndBadCoordinates) {
  ZoneIndex index;
  Status s = index.AddZone(Zone{.name = "line", .polygons = {{{{0, 0}, {1, 1}, {0, 0}}}}});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.field(), "polygons[0][0]");
  s = index.AddZone(Zone{.name = "far", .polygons = {{{{0, 0}, {1, 95}, {1, 0}}}}});
  EXPECT_EQ(s.field(), "polygons[0][0][1]");
  EXPECT_FALSE(index.AddCoastline("dot", {{1, 1}}).ok());
  EXPECT_FALSE(index.AddPort(Port{.name = "p", .lat = 0, .lon = 0, .radius_m = -1}).ok());
}

TEST(ZoneIndexTest, CoastDistanceCourseAndPorts) {
  ZoneIndex index;
  // A straight coast along 40° N from 0° to 2° E, and a second one across the antimeridian.
  ASSERT_TRUE(index.AddCoastline("north", {{0, 40}, {1, 40}, {2, 40}}).ok());
  ASSERT_TRUE(index.AddCoastline("pacific", {{179.5, 0}, {-179.5, 0}}).ok());
  ASSERT_TRUE(
      index.AddPort(Port{.name = "harbour", .lat = 39.95, .lon = 1, .radius_m = 1000}).ok());
  index.Build(0.1);
  constexpr double kMetresPerDeg = 111'195;
  const auto d = index.CoastDistance(39.9, 0.5, 20'000);
  ASSERT_TRUE(d.has_value());
  EXPECT_NEAR(*d, 0.1 * kMetresPerDeg, 20);
  EXPECT_FALSE(index.CoastDistance(39.7, 0.5, 20'000).has_value());
  EXPECT_FALSE(index.CoastDistance(39.9, 5, 20'000).has_value());  // past the coast's end
  const auto hit = index.CourseHitsCoast(39.9, 0.5, 0, 20'000);    // due north
  ASSERT_TRUE(hit.has_value());
  EXPECT_NEAR(*hit, 0.1 * kMetresPerDeg, 20);
  const auto slant = index.CourseHitsCoast(39.9, 0.5, 45, 20'000);
  ASSERT_TRUE(slant.has_value());
  EXPECT_NEAR(*slant, 0.1 * kMetresPerDeg * std::sqrt(2.0), 60);
  EXPECT_FALSE(index.CourseHitsCoast(39.9, 0.5, 180, 20'000).has_value());  // away
  EXPECT_FALSE(index.CourseHitsCoast(39.9, 0.5, 90, 20'000).has_value());   // along
  EXPECT_FALSE(index.CourseHitsCoast(39.7, 0.5, 0, 20'000).has_value());    // too far
  // Across 180: from the west and from the east.
  EXPECT_TRUE(index.CourseHitsCoast(-0.1, 179.9, 0, 20'000).has_value());
  EXPECT_TRUE(index.CourseHitsCoast(-0.1, -179.9, 0, 20'000).has_value());
  EXPECT_TRUE(index.CoastDistance(0.05, -179.8, 10'000).has_value());
  // Ports: distance from the edge.
  const auto port = index.PortDistance(39.95, 1.1, 20'000);
  ASSERT_TRUE(port.has_value());
  EXPECT_NEAR(*port, 0.1 * kMetresPerDeg * std::cos(39.95 * M_PI / 180) - 1000, 20);
  EXPECT_DOUBLE_EQ(*index.PortDistance(39.95, 1.001, 20'000), 0);  // inside the port
  EXPECT_FALSE(index.PortDistance(39.0, 1, 20'000).has_value());
}

TEST(ZoneIndexTest, LoadsGeoJson) {
  const std::string text = R"({
    "type": "FeatureCollection",
    "features": [
      {"type": "Feature", "properties": {"name": "Firing range"},
       "geometry": {"type": "Polygon", "coordinates": [[[10,50],[12,50],[12,52],[10,52],[10,50]],
                                                      [[10.5,50.5],[11.5,50.5],[11.5,51.5],[10.5,51.5],[10.5,50.5]]]}},
      {"type": "Feature", "id": "twins", "properties": {"kind": "monitored"},
       "geometry": {"type": "MultiPolygon", "coordinates": [[[[20,50],[21,50],[21,51],[20,50]]],
                                                           [[[22,50],[23,50],[23,51],[22,50]]]]}},
      {"type": "Feature", "properties": {"name": "coast"},
       "geometry": {"type": "LineString", "coordinates": [[0,40],[2,40]]}},
      {"type": "Feature", "properties": {"name": "islands"},
       "geometry": {"type": "MultiLineString", "coordinates": [[[5,40],[6,40]], [[7,40],[8,40]]]}},
      {"type": "Feature", "properties": {"name": "Harbour", "radius_km": 2},
       "geometry": {"type": "Point", "coordinates": [1, 39.9]}},
      {"type": "Feature", "properties": {},
       "geometry": {"type": "Point", "coordinates": [3, 39.9]}}
    ]})";
  ZoneIndex index;
  ASSERT_TRUE(LoadGeoJson(text, "test.geojson", ZoneKind::kRestricted, 500, index).ok());
  index.Build();
  ASSERT_EQ(index.zones().size(), 2u);
  EXPECT_EQ(index.zones()[0].name, "Firing range");
  EXPECT_EQ(index.zones()[0].kind, ZoneKind::kRestricted);
  EXPECT_EQ(index.zones()[1].name, "twins");
  EXPECT_EQ(index.zones()[1].kind, ZoneKind::kMonitored);
  EXPECT_EQ(index.coastline_count(), 3u);
  ASSERT_EQ(index.ports().size(), 2u);
  EXPECT_DOUBLE_EQ(index.ports()[0].radius_m, 2000);
  EXPECT_DOUBLE_EQ(index.ports()[1].radius_m, 500);
  EXPECT_EQ(index.ports()[1].name, "test.geojson#5");
  EXPECT_EQ(index.ZoneAt(51, 11), -1);
  EXPECT_EQ(index.ZoneAt(50.2, 22.8), 1);
}

TEST(ZoneIndexTest, GeoJsonErrorsNameTheFeatureAndField) {
  const auto error = [](const std::string& text) {
    ZoneIndex index;
    const Status s = LoadGeoJson(text, "x.geojson", ZoneKind::kRestricted, 0, index);
    EXPECT_FALSE(s.ok());
    return s.field();
  };
  EXPECT_EQ(error(R"({"type":"FeatureCollection","features":[
    {"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}},
    {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[200,1],[0,0]]]}}]})"),
            "features[1].geometry.coordinates[0][2]");
  EXPECT_EQ(error(R"({"type":"FeatureCollection","features":[
    {"type":"Feature","geometry":{"type":"Circle","coordinates":[1,2]}}]})"),
            "features[0].geometry.type");
  EXPECT_EQ(error(R"({"type":"FeatureCollection","features":[
    {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}]})"),
            "features[0].geometry.coordinates[0]");
  EXPECT_EQ(error(R"({"type":"FeatureCollection","features":[{"type":"Feature"}]})"),
            "features[0].geometry");
  EXPECT_EQ(error(R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"radius_km":-1},"geometry":{"type":"Point","coordinates":[1,2]}}]})"),
            "features[0].properties.radius_km");
  EXPECT_EQ(error(R"({"type":"Topology"})"), "type");
  ZoneIndex index;
  EXPECT_FALSE(LoadGeoJson("{nope", "x.geojson", ZoneKind::kRestricted, 0, index).ok());
}

}  // namespace
}  // namespace issa::maritime
