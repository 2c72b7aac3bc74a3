#include <gtest/gtest.h>

#include "issa/schema/registry.h"

namespace issa::schema {
namespace {

TEST(GeoJsonTest, BBoxOfShapes) {
  auto p = GeometryBBox(R"({"type":"Point","coordinates":[12.5,41.9]})");
  ASSERT_TRUE(p.ok());
  EXPECT_DOUBLE_EQ(p->min_lon, 12.5);
  auto l = GeometryBBox(R"({"type":"LineString","coordinates":[[0,0],[2,3]]})");
  ASSERT_TRUE(l.ok());
  EXPECT_DOUBLE_EQ(l->max_lat, 3);
  auto mp = GeometryBBox(
      R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]})");
  ASSERT_TRUE(mp.ok()) << mp.status().ToString();
  EXPECT_DOUBLE_EQ(mp->max_lon, 6);
  auto gc = GeometryBBox(
      R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[-1,-2]}]})");
  ASSERT_TRUE(gc.ok());
}

TEST(GeoJsonTest, RejectsBadGeometry) {
  EXPECT_FALSE(GeometryBBox(R"({"type":"Point","coordinates":[0,91]})").ok());
  EXPECT_FALSE(GeometryBBox(R"({"type":"Point","coordinates":["a","b"]})").ok());
  EXPECT_FALSE(GeometryBBox(R"({"type":"Point"})").ok());
  EXPECT_FALSE(GeometryBBox(R"({"type":"LineString","coordinates":[[0,0]]})").ok());
  EXPECT_FALSE(GeometryBBox(R"({"type":"GeometryCollection","geometries":[]})").ok());
  EXPECT_FALSE(GeometryBBox(R"({"type":"Point","coordinates":[0,0],"crs":{}})").ok());
}

}  // namespace
}  // namespace issa::schema
