#include "issa/maritime/sections.h"

#include <string>

#include <gtest/gtest.h>

#include "issa/core/file.h"

namespace issa::maritime {
namespace {

constexpr const char* kSquare =
    R"({"type":"Polygon","coordinates":[[[12,35],[13,35],[13,36],[12,36],[12,35]]]})";

std::string Feature(const std::string& properties, const std::string& geometry = kSquare) {
  return R"({"type":"Feature","properties":)" + properties + R"(,"geometry":)" + geometry + "}";
}

std::string Collection(const std::string& features) {
  return R"({"type":"FeatureCollection","features":[)" + features + "]}";
}

constexpr const char* kGood = R"({"id":"IT-1","member_state":"IT","kind":"sea","name":"x"})";

TEST(BorderSections, ReadsTheFixture) {
  const auto text =
      core::ReadFile(std::string(ISSA_MARITIME_TEST_DATA) + "/border-sections.geojson");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  const auto sections = ParseBorderSections(*text);
  ASSERT_TRUE(sections.ok()) << sections.status().ToString();
  ASSERT_EQ(sections->size(), 6u);
  const BorderSection& lampedusa = (*sections)[0];
  EXPECT_EQ(lampedusa.id, "IT-SEA-PELAGIE");
  EXPECT_EQ(lampedusa.member_state, "IT");
  EXPECT_EQ(lampedusa.kind, SectionKind::kSea);
  EXPECT_EQ(lampedusa.neighbouring_country, "TN");
  EXPECT_DOUBLE_EQ(lampedusa.bbox.min_lon, 11.8);
  EXPECT_DOUBLE_EQ(lampedusa.bbox.max_lon, 13.2);
  EXPECT_DOUBLE_EQ(lampedusa.bbox.min_lat, 35.2);
  EXPECT_DOUBLE_EQ(lampedusa.bbox.max_lat, 36.0);
  EXPECT_EQ(lampedusa.geometry_json.rfind(R"({"coordinates":[[[11.8,35.2],)", 0), 0u)
      << lampedusa.geometry_json;
  EXPECT_TRUE((*sections)[1].neighbouring_country.empty());
  EXPECT_EQ((*sections)[3].kind, SectionKind::kLand);
  EXPECT_EQ((*sections)[3].member_state, "GR");
  // A MultiPolygon's box covers all of its polygons.
  const BorderSection& canarias = (*sections)[5];
  EXPECT_NE(canarias.geometry_json.find("MultiPolygon"), std::string::npos);
  EXPECT_DOUBLE_EQ(canarias.bbox.min_lon, -16.2);
  EXPECT_DOUBLE_EQ(canarias.bbox.max_lon, -13.0);
  EXPECT_DOUBLE_EQ(canarias.bbox.min_lat, 27.5);
  EXPECT_DOUBLE_EQ(canarias.bbox.max_lat, 29.5);
  for (const BorderSection& s : *sections) EXPECT_TRUE(s.bbox.Valid()) << s.id;
}

TEST(BorderSections, TakesTheFeatureIdAndAHeight) {
  const std::string text = Collection(
      R"({"type":"Feature","id":"GR-9","properties":{"member_state":"GR","kind":"land","name":"n",)"
      R"("neighbouring_country":null},"geometry":{"type":"Polygon","coordinates":)"
      R"([[[26,41,0],[27,41,0],[27,42,5],[26,41,0]]]}})");
  const auto sections = ParseBorderSections(text);
  ASSERT_TRUE(sections.ok()) << sections.status().ToString();
  EXPECT_EQ((*sections)[0].id, "GR-9");
  EXPECT_TRUE((*sections)[0].neighbouring_country.empty());
}

TEST(BorderSections, EmptyCollectionIsEmpty) {
  const auto sections = ParseBorderSections(Collection(""));
  ASSERT_TRUE(sections.ok());
  EXPECT_TRUE(sections->empty());
}

struct BadCase {
  std::string text;
  std::string field;
};

TEST(BorderSections, NamesTheBadField) {
  const std::string deep = std::string(40, '[') + std::string(40, ']');
  const BadCase cases[] = {
      {"not json", "geojson"},
      {"[]", "geojson"},
      {deep, "geojson"},
      {R"({"type":"Feature"})", "type"},
      {R"({"type":"FeatureCollection"})", "features"},
      {Collection("1"), "features[0]"},
      {Collection(R"({"type":"Feat","properties":{}})"), "features[0].type"},
      {Collection(R"({"type":"Feature","geometry":null})"), "features[0].properties"},
      {Collection(Feature(R"({"member_state":"IT","kind":"sea","name":"x"})")),
       "features[0].properties.id"},
      {Collection(Feature(R"({"id":"a b","member_state":"IT","kind":"sea","name":"x"})")),
       "features[0].properties.id"},
      {Collection(Feature(R"({"id":7,"member_state":"IT","kind":"sea","name":"x"})")),
       "features[0].properties.id"},
      {Collection(Feature(R"({"id":"A","kind":"sea","name":"x"})")),
       "features[0].properties.member_state"},
      {Collection(Feature(R"({"id":"A","member_state":"it","kind":"sea","name":"x"})")),
       "features[0].properties.member_state"},
      {Collection(Feature(R"({"id":"A","member_state":"EU","kind":"sea","name":"x"})")),
       "features[0].properties.member_state"},
      {Collection(Feature(R"({"id":"A","member_state":"IT","kind":"air","name":"x"})")),
       "features[0].properties.kind"},
      {Collection(Feature(R"({"id":"A","member_state":"IT","kind":"sea","name":""})")),
       "features[0].properties.name"},
      {Collection(Feature(
           R"({"id":"A","member_state":"IT","kind":"sea","name":"x","neighbouring_country":"IT"})")),
       "features[0].properties.neighbouring_country"},
      {Collection(Feature(
           R"({"id":"A","member_state":"IT","kind":"sea","name":"x","neighbouring_country":"Tunisia"})")),
       "features[0].properties.neighbouring_country"},
      {Collection(Feature(kGood, "null")), "features[0].geometry"},
      {Collection(Feature(kGood, R"({"type":"Point","coordinates":[1,2]})")),
       "features[0].geometry.type"},
      {Collection(Feature(kGood, R"({"type":"Polygon"})")), "features[0].geometry.coordinates"},
      {Collection(Feature(kGood, R"({"type":"Polygon","coordinates":[]})")),
       "features[0].geometry.coordinates"},
      {Collection(Feature(kGood, R"({"type":"Polygon","coordinates":[[[1,2],[2,2],[1,2]]]})")),
       "features[0].geometry.coordinates[0]"},
      {Collection(
           Feature(kGood, R"({"type":"Polygon","coordinates":[[[1,2],[2,2],[2,3],[1,3]]]})")),
       "features[0].geometry.coordinates[0]"},
      {Collection(
           Feature(kGood, R"({"type":"Polygon","coordinates":[[[1,2],[2,2],[2,91],[1,2]]]})")),
       "features[0].geometry.coordinates[0][2]"},
      {Collection(
           Feature(kGood, R"({"type":"Polygon","coordinates":[[[1,2],[2,"2"],[2,3],[1,2]]]})")),
       "features[0].geometry.coordinates[0][1]"},
      {Collection(Feature(kGood, R"({"type":"MultiPolygon","coordinates":[[[[1,2],[2,2],[2,3],)"
                                 R"([1,2]]],[[[1,2],[181,2],[2,3],[1,2]]]]})")),
       "features[0].geometry.coordinates[1][0][1]"},
      {Collection(Feature(kGood) + "," + Feature(kGood)), "features[1].properties.id"},
  };
  for (const BadCase& c : cases) {
    const auto r = ParseBorderSections(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_EQ(r.status().field(), c.field) << c.text << ": " << r.status().ToString();
  }
}

TEST(BorderSections, EnforcesLimits) {
  BorderSectionReadOptions options;
  options.max_sections = 1;
  const std::string two =
      Collection(Feature(kGood) + "," +
                 Feature(R"({"id":"IT-2","member_state":"IT","kind":"sea","name":"y"})"));
  EXPECT_EQ(ParseBorderSections(two, options).status().field(), "features");
  options = {};
  options.max_positions = 7;  // the second square's third position is the 8th
  const auto r = ParseBorderSections(two, options);
  EXPECT_EQ(r.status().field(), "features[1].geometry.coordinates[0][2]");
  options = {};
  options.max_bytes = 10;
  EXPECT_EQ(ParseBorderSections(two, options).status().field(), "geojson");
  EXPECT_TRUE(ParseBorderSections(two).ok());
}

TEST(BorderSections, KindNames) {
  EXPECT_EQ(SectionKindName(SectionKind::kLand), "land");
  EXPECT_EQ(ParseSectionKind("sea"), SectionKind::kSea);
  EXPECT_FALSE(ParseSectionKind("Sea").has_value());
}

}  // namespace
}  // namespace issa::maritime
