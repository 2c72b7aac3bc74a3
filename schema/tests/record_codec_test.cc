#include <gtest/gtest.h>

#include "issa/schema/registry.h"

namespace issa::schema {
namespace {

class RecordCodecTest : public ::testing::Test {
 protected:
  std::shared_ptr<const Registry> reg_ = *Registry::LoadBuiltin();

  std::string FieldOf(const std::string& json) {
    auto r = ParseRecord(*reg_, json);
    EXPECT_FALSE(r.ok()) << json;
    return r.ok() ? "" : r.status().field();
  }
};

constexpr const char* kPerson =
    R"({"type":"Person","properties":{"name":"Ivan Petrov","birth_date":"1970-01-02",)"
    R"("nationality":"RU"},"geometry":null,"handling":{"classification":"LIMITED",)"
    R"("distribution":"authorities","authorities":["FR-PIU"],"purposes":["crime"]}})";

TEST_F(RecordCodecTest, ParsesTheDocumentedForm) {
  auto d = ParseRecord(*reg_, kPerson);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->type, "Person");
  EXPECT_EQ(d->handling.classification, core::Classification::kLimited);
  EXPECT_EQ(d->handling.distribution, core::Distribution::kAuthorities);
  EXPECT_EQ(d->handling.authorities, std::vector<std::string>{"FR-PIU"});
  EXPECT_EQ(d->handling.purposes, static_cast<core::PurposeSet>(core::Purpose::kCrime));
  EXPECT_TRUE(d->geometry_json.empty());
  EXPECT_NE(d->search_text.find("Ivan"), std::string::npos);
}

TEST_F(RecordCodecTest, GeometryGivesABBox) {
  auto d = ParseRecord(*reg_, R"({"type":"Location","properties":{"name":"Port"},
      "geometry":{"type":"Polygon","coordinates":[[[10,40],[11,40],[11,41],[10,40]]]},
      "handling":{"classification":"PUBLIC","distribution":"all","purposes":["border"]}})");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_TRUE(d->bbox.has_value());
  EXPECT_DOUBLE_EQ(d->bbox->max_lat, 41);
}

TEST_F(RecordCodecTest, BadInputNamesTheField) {
  EXPECT_EQ(FieldOf("{"), "body");
  EXPECT_EQ(FieldOf("[1]"), "body");
  EXPECT_EQ(FieldOf("{\"type\":\"Person\xff\"}"), "body");
  EXPECT_EQ(FieldOf(R"({"type":"Spaceship","properties":{}})"), "type");
  EXPECT_EQ(FieldOf(R"({"type":"Person","properties":{"name":1},"handling":{}})"),
            "properties.name");
  EXPECT_EQ(FieldOf(R"({"type":"Person","properties":{"name":"A"}})"), "handling");
  EXPECT_EQ(
      FieldOf(R"({"type":"Person","properties":{"name":"A"},"handling":{"purposes":["crime"]}})"),
      "handling.classification");
  EXPECT_EQ(
      FieldOf(
          R"({"type":"Person","properties":{"name":"A"},"handling":{"classification":"SECRET","purposes":["crime"]}})"),
      "handling.classification");
  EXPECT_EQ(
      FieldOf(
          R"({"type":"Person","properties":{"name":"A"},"handling":{"classification":"LIMITED","purposes":[]}})"),
      "handling.purposes");
  EXPECT_EQ(
      FieldOf(
          R"({"type":"Person","properties":{"name":"A"},"handling":{"classification":"LIMITED","distribution":"authorities","purposes":["crime"]}})"),
      "handling.authorities");
  EXPECT_EQ(
      FieldOf(
          R"({"type":"Person","properties":{"name":"A"},"handling":{"classification":"LIMITED","distribution":"group","purposes":["crime"]}})"),
      "handling.group");
  EXPECT_EQ(
      FieldOf(
          R"({"type":"Person","properties":{"name":"A"},"handling":{"classification":"LIMITED","purposes":["crime"],"colour":"red"}})"),
      "handling.colour");
  EXPECT_EQ(FieldOf(R"({"id":"x","type":"Person","properties":{"name":"A"}})"), "id");
  EXPECT_EQ(
      FieldOf(
          R"({"type":"Location","properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[181,0]},"handling":{"classification":"LIMITED","purposes":["crime"]}})"),
      "geometry.coordinates");
  EXPECT_EQ(
      FieldOf(
          R"({"type":"Location","properties":{"name":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]},"handling":{"classification":"LIMITED","purposes":["crime"]}})"),
      "geometry.coordinates[0]");
  EXPECT_EQ(
      FieldOf(
          R"({"type":"Location","properties":{"name":"A"},"geometry":{"type":"Blob"},"handling":{"classification":"LIMITED","purposes":["crime"]}})"),
      "geometry.type");
  EXPECT_EQ(
      FieldOf(
          R"({"type":"Person","properties":{"name":"A"},"links":[{"rel":"x","target":"nope"}],"handling":{"classification":"LIMITED","purposes":["crime"]}})"),
      "links[0].target");
  EXPECT_EQ(
      FieldOf(
          R"({"type":"Person","properties":{"name":"A"},"valid_from":"2024-02-01","valid_to":"2024-01-01","handling":{"classification":"LIMITED","purposes":["crime"]}})"),
      "valid_to");
}

TEST_F(RecordCodecTest, PatchMergesAndRevalidates) {
  auto d = *ParseRecord(*reg_, kPerson);
  core::Record r;
  r.id = "0193a000-0000-7000-8000-000000000001";
  r.type = d.type;
  r.properties_json = d.properties_json;
  r.handling = d.handling;
  auto p = ApplyPatch(*reg_, r, R"({"properties":{"nationality":"UA","birth_date":null}})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_NE(p->properties_json.find("\"UA\""), std::string::npos);
  EXPECT_EQ(p->properties_json.find("birth_date"), std::string::npos);
  EXPECT_EQ(p->handling.authorities, std::vector<std::string>{"FR-PIU"});

  auto q = ApplyPatch(*reg_, r, R"({"handling":{"distribution":"all"}})");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->handling.distribution, core::Distribution::kAll);
  EXPECT_TRUE(q->handling.authorities.empty());

  EXPECT_EQ(ApplyPatch(*reg_, r, R"({"type":"Vessel"})").status().field(), "type");
  EXPECT_EQ(ApplyPatch(*reg_, r, R"({"properties":{"name":null}})").status().field(),
            "properties.name");
}

TEST_F(RecordCodecTest, RendersJson) {
  core::Record r;
  r.id = "id1";
  r.type = "Person";
  r.owner = "FR-PIU";
  r.properties_json = R"({"name":"A"})";
  r.grants = {"DE-BKA"};
  const std::string with = RecordToJson(r, true);
  EXPECT_NE(with.find("\"grants\":[\"DE-BKA\"]"), std::string::npos);
  EXPECT_EQ(RecordToJson(r, false).find("grants"), std::string::npos);
}

TEST(Utf8Test, FindsInvalidSequences) {
  EXPECT_FALSE(FindInvalidUtf8("plain ascii").has_value());
  EXPECT_FALSE(FindInvalidUtf8("Владимир مُحَمَّد 𝄞").has_value());
  EXPECT_EQ(FindInvalidUtf8("ab\xc0\xaf"), 2u);        // overlong
  EXPECT_EQ(FindInvalidUtf8("\xed\xa0\x80"), 0u);      // surrogate
  EXPECT_EQ(FindInvalidUtf8("x\xe2\x82"), 1u);         // truncated
  EXPECT_EQ(FindInvalidUtf8("\xf5\x80\x80\x80"), 0u);  // beyond U+10FFFF
  // Offsets past the eight-byte ASCII steps, at every alignment.
  for (size_t prefix = 0; prefix < 24; ++prefix) {
    const std::string ascii(prefix, 'a');
    EXPECT_EQ(FindInvalidUtf8(ascii + "\xc0\xaf" + std::string(20, 'b')), prefix) << prefix;
    EXPECT_EQ(FindInvalidUtf8(ascii + "\xe2\x82"), prefix) << prefix;
    EXPECT_FALSE(
        FindInvalidUtf8(ascii + "\xc3\xa9" + ascii + "\xf0\x9d\x84\x9e" + ascii).has_value())
        << prefix;
    EXPECT_EQ(FindInvalidUtf8(ascii + "\xc3\xa9" + ascii + "\xff"), 2 * prefix + 2) << prefix;
  }
}

}  // namespace
}  // namespace issa::schema
