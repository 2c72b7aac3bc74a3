#include "issa/maritime/detection.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace issa::maritime {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Read {
  Status status;
  std::vector<Detection> detections;
  DetectionReadStats stats;
};

Read Csv(std::string_view text, DetectionReadOptions options = {}) {
  Read r;
  r.status = ReadDetectionsCsv(
      text, options, [&](Detection&& d) { r.detections.push_back(std::move(d)); }, r.stats);
  return r;
}

Read Json(std::string_view text, DetectionReadOptions options = {}) {
  Read r;
  r.status = ReadDetectionsJson(
      text, options, [&](Detection&& d) { r.detections.push_back(std::move(d)); }, r.stats);
  return r;
}

// Real RADARSAT-2 detections as published by Global Fishing Watch (tests/data/maritime).
TEST(DetectionTest, ReadsRealKsatSarDetections) {
  DetectionReadOptions options;
  options.sensor = Sensor::kSar;
  const Read r = Csv(
      ReadFile(std::string(ISSA_MARITIME_TEST_DATA) + "/ksat-detections-fp.head20.csv"), options);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.stats.rows, 20u);
  EXPECT_EQ(r.stats.accepted, 20u);
  EXPECT_EQ(r.stats.rejected, 0u) << (r.stats.errors.empty() ? "" : r.stats.errors[0]);
  ASSERT_EQ(r.detections.size(), 20u);
  const Detection& d = r.detections[0];
  EXPECT_EQ(d.id, "a40733c2-5382-4cd0-96e3-db4ee19db3d6");
  EXPECT_EQ(core::FormatTimestamp(d.time), "2019-08-10T04:17:41.648Z");
  EXPECT_DOUBLE_EQ(d.lat, -10.176017);
  EXPECT_DOUBLE_EQ(d.lon, -148.385947);
  ASSERT_TRUE(d.confidence);
  EXPECT_DOUBLE_EQ(*d.confidence, 0.5);  // "Probability" 50.0 (per cent)
  ASSERT_TRUE(d.length_m);
  EXPECT_DOUBLE_EQ(*d.length_m, 65.61);
  ASSERT_TRUE(d.heading_deg);
  EXPECT_DOUBLE_EQ(*d.heading_deg, 151.25);
  EXPECT_EQ(d.sensor, Sensor::kSar);
  EXPECT_EQ(d.scene_id, "RS2_20190810_041741_0074_DVWF_HH_SCS_748061_9282_29818027");
  ASSERT_EQ(d.footprint.size(), 5u);
  EXPECT_EQ(d.footprint.front(), d.footprint.back());
  EXPECT_DOUBLE_EQ(d.footprint[1].first, -145.157298587);
  EXPECT_DOUBLE_EQ(d.footprint[1].second, -6.578869388);
  EXPECT_DOUBLE_EQ(d.position_sigma_m, options.default_position_sigma_m);
  // Every detection lies inside the lon/lat bounds of its scene footprint.
  for (const Detection& x : r.detections) {
    double min_lon = 180, max_lon = -180, min_lat = 90, max_lat = -90;
    for (const auto& [lon, lat] : x.footprint) {
      min_lon = std::min(min_lon, lon);
      max_lon = std::max(max_lon, lon);
      min_lat = std::min(min_lat, lat);
      max_lat = std::max(max_lat, lat);
    }
    EXPECT_TRUE(x.lon >= min_lon && x.lon <= max_lon && x.lat >= min_lat && x.lat <= max_lat)
        << x.id;
  }
}

// Each bad row is rejected on its own, with its line and field named; good rows go through.
TEST(DetectionTest, BadRowsAreRejectedNamingLineAndField) {
  const std::string csv =
      "id,time,lat,lon,heading,probability,length,sensor,footprint\r\n"
      "ok-1,2024-05-01T10:00:00Z,43.5,7.25,90,0.9,30,radar,\r\n"
      "lat,2024-05-01T10:00:00Z,91.5,7.25,,,,,\r\n"
      "lon,2024-05-01T10:00:00Z,43.5,181,,,,,\r\n"
      "notime,,43.5,7.25,,,,,\r\n"
      "badtime,yesterday,43.5,7.25,,,,,\r\n"
      "heading,2024-05-01T10:00:00Z,43.5,7.25,north,,,,\r\n"
      "conf,2024-05-01T10:00:00Z,43.5,7.25,,150,,,\r\n"
      "len,2024-05-01T10:00:00Z,43.5,7.25,,,-3,,\r\n"
      "sensor,2024-05-01T10:00:00Z,43.5,7.25,,,,sonar,\r\n"
      "open,2024-05-01T10:00:00Z,43.5,7.25,,,,,\"POLYGON ((7 43, 8 43, 8 44, 7 44))\"\r\n"
      "short,2024-05-01T10:00:00Z,43.5\r\n"
      "ok-2,1714557600,-43.5,-7.25,-90,55,,SAR,\"POLYGON ((-8 -44, -7 -44, -7 -43, -8 -44))\"\r\n";
  const Read r = Csv(csv);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.stats.rows, 12u);
  EXPECT_EQ(r.stats.accepted, 2u);
  EXPECT_EQ(r.stats.rejected, 10u);
  const std::vector<std::string> expected_starts = {
      "line 3: lat: 91.5 is outside -90..90",
      "line 4: lon: 181 is outside -180..180",
      "line 5: time: is required",
      "line 6: time: 'yesterday' is not",
      "line 7: heading: 'north' is not a number",
      "line 8: confidence: 150 is outside 0..100",
      "line 9: length_m: -3 is outside 0..600",
      "line 10: sensor: 'sonar' is not sar, optical or radar",
      "line 11: footprint:",
      "line 12: 3 fields, the header has 9",
  };
  ASSERT_EQ(r.stats.errors.size(), expected_starts.size());
  for (size_t i = 0; i < expected_starts.size(); ++i) {
    EXPECT_EQ(r.stats.errors[i].rfind(expected_starts[i], 0), 0u) << r.stats.errors[i];
  }
  EXPECT_NE(r.stats.errors[8].find("not closed"), std::string::npos) << r.stats.errors[8];
  ASSERT_EQ(r.detections.size(), 2u);
  EXPECT_EQ(r.detections[0].sensor, Sensor::kRadar);
  EXPECT_EQ(r.detections[1].id, "ok-2");
  EXPECT_EQ(core::FormatTimestamp(r.detections[1].time), "2024-05-01T10:00:00.000Z");
  EXPECT_DOUBLE_EQ(*r.detections[1].heading_deg, 270);  // -90 normalised
  EXPECT_DOUBLE_EQ(*r.detections[1].confidence, 0.55);
  EXPECT_EQ(r.detections[1].sensor, Sensor::kSar);
  EXPECT_EQ(r.detections[1].footprint.size(), 4u);
}

TEST(DetectionTest, HeaderMustNameTimeLatAndLon) {
  for (const char* header : {"time,lat\n", "lat,lon\n", "time,lon,x\n", "", "\"unterminated"}) {
    const Read r = Csv(std::string(header) + "2024-05-01T10:00:00Z,1,2\n");
    EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument) << header;
    EXPECT_EQ(r.status.field(), "header") << header;
    EXPECT_TRUE(r.detections.empty());
  }
  const Read twice = Csv("lat,latitude,lon,time\n1,1,2,2024-05-01T10:00:00Z\n");
  EXPECT_EQ(twice.status.field(), "header");
}

// RFC 4180: quoted fields with commas, doubled quotes and line breaks; missing ids get the line.
TEST(DetectionTest, CsvQuotingAndLineNumbers) {
  const Read r =
      Csv("\xEF\xBB\xBFtime,lat,lon,scene_id\n"
          "2024-05-01 10:00:00+02:00,1,2,\"scene, \"\"quoted\"\"\nsecond line\"\n"
          "\n"
          "2024-05-01T10:00:00Z,3,4,plain\n"
          "2024-05-01T10:00:00Z,5,6,\"never closed\n");
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.detections.size(), 2u);
  EXPECT_EQ(r.detections[0].scene_id, "scene, \"quoted\"\nsecond line");
  EXPECT_EQ(core::FormatTimestamp(r.detections[0].time), "2024-05-01T08:00:00.000Z");
  EXPECT_EQ(r.detections[0].id, "line-2");
  EXPECT_EQ(r.detections[1].id, "line-5");  // the quoted line break counts
  ASSERT_EQ(r.stats.errors.size(), 1u);
  EXPECT_EQ(r.stats.errors[0], "line 6: unterminated quoted field");
}

TEST(DetectionTest, JsonArrayNdjsonAndGeoJsonFootprints) {
  const Read array = Json(R"([
    {"id":"a","time":"2024-05-01T10:00:00Z","lat":43.5,"lon":7.25,"length_m":25,
     "confidence":0.8,"sensor":"optical","position_sigma_m":30,
     "footprint":{"type":"Polygon","coordinates":[[[7,43],[8,43],[8,44],[7,44],[7,43]]]}},
    {"time":1714557600000,"latitude":"-1.5","longitude":"2.5","unknown_key":true},
    {"time":"2024-05-01T10:00:00Z","lat":[1],"lon":2},
    7
  ])");
  ASSERT_TRUE(array.status.ok()) << array.status.ToString();
  EXPECT_EQ(array.stats.rows, 4u);
  ASSERT_EQ(array.detections.size(), 2u);
  EXPECT_EQ(array.detections[0].sensor, Sensor::kOptical);
  EXPECT_DOUBLE_EQ(array.detections[0].position_sigma_m, 30);
  EXPECT_EQ(array.detections[0].footprint.size(), 5u);
  EXPECT_EQ(array.detections[1].id, "item-1");
  EXPECT_EQ(core::FormatTimestamp(array.detections[1].time), "2024-05-01T10:00:00.000Z");
  ASSERT_EQ(array.stats.errors.size(), 2u);
  EXPECT_EQ(array.stats.errors[0], "item 2: lat: must be a string or a number");
  EXPECT_EQ(array.stats.errors[1], "item 3: json: must be a JSON object");

  const Read lines = Json(
      "{\"time\":\"2024-05-01T10:00:00Z\",\"lat\":1,\"lon\":2}\n"
      "{broken\n"
      "\n"
      "{\"time\":\"2024-05-01T10:00:00Z\",\"lat\":1,\"lon\":200}\n");
  ASSERT_TRUE(lines.status.ok());
  EXPECT_EQ(lines.detections.size(), 1u);
  ASSERT_EQ(lines.stats.errors.size(), 2u);
  EXPECT_EQ(lines.stats.errors[0], "line 2: json: malformed JSON");
  EXPECT_EQ(lines.stats.errors[1].rfind("line 4: lon: 200 is outside", 0), 0u);

  EXPECT_EQ(Json("[1,2").status.field(), "json");
  EXPECT_EQ(Json(std::string(100, '[') + std::string(100, ']')).status.field(), "json");
  EXPECT_TRUE(Json("  \n").status.ok());
}

TEST(DetectionTest, WktPolygon) {
  auto ring = ParseWktPolygon("polygon((0 0,1 0,1 1,0 0),(0.2 0.2,0.3 0.2,0.3 0.3,0.2 0.2))");
  ASSERT_TRUE(ring.ok()) << ring.status().ToString();
  EXPECT_EQ(ring->size(), 4u);  // the outer ring only
  for (const char* bad : {"POINT (1 2)", "POLYGON (0 0, 1 0)", "POLYGON ((0 0, 1 0, 0 0))",
                          "POLYGON ((0 0, 1 0, 1 1, 0 1))", "POLYGON ((0 0, 1 x, 1 1, 0 0))",
                          "POLYGON ((0 0, 1 91, 1 1, 0 0))", "POLYGON ((0 0, 1 0, 1 1, 0 0)", ""}) {
    const auto r = ParseWktPolygon(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(r.status().field(), "footprint") << bad;
  }
}

}  // namespace
}  // namespace issa::maritime
