#include "issa/maritime/config.h"

#include <map>
#include <string>

#include <gtest/gtest.h>

namespace issa::maritime {
namespace {

// The error of a configuration that must not parse.
Status ErrorOf(const std::string& toml, const std::map<std::string, std::string>& files = {}) {
  const ConfigFileReader read = [&](const std::string& path) -> Result<std::string> {
    const auto it = files.find(path);
    if (it == files.end()) return Status(StatusCode::kNotFound, "no such file " + path);
    return it->second;
  };
  Result<MaritimeConfig> r = ParseMaritimeConfig(toml, "conf", read);
  EXPECT_FALSE(r.ok()) << toml;
  return r.ok() ? Status::Ok() : r.status();
}

TEST(MaritimeConfigTest, EmptyConfigurationHasTheDefaults) {
  Result<MaritimeConfig> r = ParseMaritimeConfig("", "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const TrackSettings defaults;
  const AnomalySettings& a = r->tracking.anomalies;
  EXPECT_EQ(r->tracking.fix_sigma_m, defaults.fix_sigma_m);
  EXPECT_EQ(a.gap_threshold_ms, 12 * 3'600'000);
  EXPECT_EQ(a.encounter_max_distance_m, 500);
  EXPECT_EQ(a.encounter_min_ms, 2 * 3'600'000);
  EXPECT_EQ(a.encounter_min_port_distance_m, 10'000);
  EXPECT_EQ(a.fast_speed_knots, 30);
  EXPECT_TRUE(a.zone_entries);
  EXPECT_TRUE(r->geography.empty());
  EXPECT_TRUE(r->geography.built());
}

// The example shipped in data/maritime/ (documented in docs/maritime.md) loads, files and all.
TEST(MaritimeConfigTest, LoadsTheExample) {
  Result<MaritimeConfig> r = LoadMaritimeConfig(ISSA_MARITIME_EXAMPLE_DIR "/example.toml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const MaritimeConfig& c = *r;
  ASSERT_EQ(c.tracking.anomalies.gap_zones.size(), 1u);
  EXPECT_EQ(c.tracking.anomalies.gap_zones[0].gap_threshold_ms, 3'600'000);
  EXPECT_EQ(c.tracking.history_interval_ms, 60'000);
  EXPECT_EQ(c.tracking.anomalies.encounter_check_interval_ms, 60'000);
  EXPECT_EQ(c.tracking.anomalies.encounter_max_silence_ms, 30 * 60'000);
  ASSERT_EQ(c.geography.zones().size(), 3u);
  EXPECT_EQ(c.geography.zones()[0].name, "Exercise area A (illustrative)");
  EXPECT_EQ(c.geography.zones()[1].kind, ZoneKind::kMonitored);
  EXPECT_EQ(c.geography.zones()[2].name, "Pipeline corridor (illustrative)");
  EXPECT_EQ(c.geography.coastline_count(), 4u);  // Malta is two lines
  ASSERT_EQ(c.geography.ports().size(), 5u);
  EXPECT_EQ(c.geography.ports()[2].name, "Lampedusa");
  EXPECT_DOUBLE_EQ(c.geography.ports()[2].radius_m, 1000);  // the default radius
  EXPECT_EQ(c.geography.ZoneAt(36.65, 13.7), 0);
  EXPECT_EQ(c.geography.ZoneAt(36.75, 13.9), -1);  // the hole
  EXPECT_EQ(c.geography.ZoneAt(35.9, 12.85), 1);   // second part
  EXPECT_EQ(c.geography.ZoneAt(36.9, 12.2), 2);
  EXPECT_TRUE(c.geography.PortDistance(35.51, 12.61, 1000).has_value());
  EXPECT_TRUE(c.geography.CourseHitsCoast(36.9, 14.0, 0, 20'000).has_value());
}

TEST(MaritimeConfigTest, ThresholdsAndInlineGeography) {
  Result<MaritimeConfig> r = ParseMaritimeConfig(R"(
[tracking]
max_speed_knots = 60
[anomalies.encounter]
max_distance_m = 300
min_duration_h = 1.5
enabled = false
[anomalies.loitering]
min_port_distance_km = 5
[geography]
grid_cell_deg = 0.05
[[geography.zones]]
name = "box"
multipolygon = [ [[[0,0],[1,0],[1,1],[0,1]]], [[[2,0],[3,0],[3,1],[2,1]]] ]
[[geography.coastlines]]
name = "coast"
line = [[0, 2], [3, 2]]
)",
                                                 "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->tracking.max_speed_knots, 60);
  EXPECT_EQ(r->tracking.anomalies.encounter_max_distance_m, 300);
  EXPECT_EQ(r->tracking.anomalies.encounter_min_ms, 5'400'000);
  EXPECT_FALSE(r->tracking.anomalies.encounters);
  EXPECT_EQ(r->tracking.anomalies.loiter_min_port_distance_m, 5000);
  EXPECT_EQ(r->geography.ZoneAt(0.5, 2.5), 0);
  EXPECT_EQ(r->geography.zones()[0].kind, ZoneKind::kRestricted);
  EXPECT_TRUE(r->geography.CoastDistance(1.95, 1, 10'000).has_value());
}

TEST(MaritimeConfigTest, ErrorsNameTheKey) {
  Status s = ErrorOf("[anomalies.encounter]\nmax_distance_m = 0\n");
  EXPECT_EQ(s.message(), "anomalies.encounter.max_distance_m: must be > 0");
  EXPECT_EQ(s.field(), "anomalies.encounter.max_distance_m");
  s = ErrorOf("[anomalies.encounter]\nmax_distence_m = 400\n");
  EXPECT_EQ(s.message(), "anomalies.encounter.max_distence_m: unknown key");
  s = ErrorOf("[anomalie]\n");
  EXPECT_EQ(s.field(), "anomalie");
  s = ErrorOf("[anomalies.loitering]\nmin_duration_h = \"two\"\n");
  EXPECT_EQ(s.message(), "anomalies.loitering.min_duration_h: must be a number");
  s = ErrorOf("[anomalies.fast_craft]\nenabled = 1\n");
  EXPECT_EQ(s.field(), "anomalies.fast_craft.enabled");
  s = ErrorOf("[anomalies.gap]\nthreshold_h = -1\n");
  EXPECT_EQ(s.field(), "anomalies.gap.threshold_h");
  s = ErrorOf("[tracking]\nhistory_max_points = 2.5\n");
  EXPECT_EQ(s.message(), "tracking.history_max_points: must be a whole number");
  s = ErrorOf("[[anomalies.gap.zones]]\nmin_lat = 1\nmin_lon = 1\nmax_lat = 2\n");
  EXPECT_EQ(s.message(), "anomalies.gap.zones[0].max_lon: missing");
  s = ErrorOf("anomalies = 3\n");
  EXPECT_EQ(s.message(), "anomalies: must be a table");
  s = ErrorOf("[tracking\n");
  EXPECT_NE(s.message().find("line 1"), std::string::npos) << s.message();
  s = ErrorOf("[[geography.zones]]\nname = \"z\"\npolygon = [[[0,0],[1,0],[1,100]]]\n");
  EXPECT_EQ(s.message(), "geography.zones[0].polygon[0][2]: latitude out of range");
  s = ErrorOf(
      "[[geography.zones]]\nname = \"z\"\nkind = \"secret\"\npolygon = [[[0,0],[1,0],[1,1]]]\n");
  EXPECT_EQ(s.field(), "geography.zones[0].kind");
  s = ErrorOf("[[geography.zones]]\nname = \"z\"\n");
  EXPECT_EQ(s.message(), "geography.zones[0]: needs polygon or multipolygon");
  s = ErrorOf("[[geography.ports]]\nname = \"p\"\nlat = 10\nlon = 10\nradius_km = -2\n");
  EXPECT_EQ(s.field(), "geography.ports[0].radius_km");
  // Files: missing, and a GeoJSON error inside one (the key, then the feature and field).
  s = ErrorOf("[[geography.files]]\npath = \"zones.geojson\"\n");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.field(), "geography.files[0].path");
  s = ErrorOf("[[geography.files]]\npath = \"zones.geojson\"\n",
              {{"conf/zones.geojson",
                R"({"type":"FeatureCollection","features":[{"type":"Feature",
                   "geometry":{"type":"LineString","coordinates":[[0,0],[0,91]]}}]})"}});
  EXPECT_EQ(s.field(), "geography.files[0].path.features[0].geometry.coordinates[1]");
  EXPECT_NE(s.message().find("latitude out of range"), std::string::npos) << s.message();
}

TEST(MaritimeConfigTest, MissingFileIsNotFound) {
  Result<MaritimeConfig> r = LoadMaritimeConfig("/nonexistent/maritime.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace issa::maritime
