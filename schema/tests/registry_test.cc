#include "issa/schema/registry.h"

#include <gtest/gtest.h>

namespace issa::schema {
namespace {

TEST(RegistryTest, BuiltinHasTheCoreTypes) {
  auto reg = Registry::LoadBuiltin();
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  for (const char* t : {"Person", "Organisation", "Vessel", "Aircraft", "Vehicle", "Document",
                        "Account", "Location", "Event", "Alert", "Report"}) {
    EXPECT_TRUE((*reg)->Has(t)) << t;
  }
  EXPECT_FALSE((*reg)->Has("Spaceship"));
  const auto personal = (*reg)->PersonalProperties("Person");
  EXPECT_NE(std::find(personal.begin(), personal.end(), "name"), personal.end());
  EXPECT_EQ(std::find(personal.begin(), personal.end(), "nationality"), personal.end());
}

TEST(RegistryTest, ValidatesProperties) {
  auto reg = *Registry::LoadBuiltin();
  auto ok = reg->ValidateProperties("Person", R"({"name":"Ivan Petrov","birth_date":"1970-01-02",
                                                 "nationality":"RU","aliases":["I. Petrov"]})");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_NE(ok->search_text.find("Ivan Petrov"), std::string::npos);
  EXPECT_NE(ok->search_text.find("I. Petrov"), std::string::npos);

  const auto field_of = [&](const char* type, const char* props) {
    return reg->ValidateProperties(type, props).status().field();
  };
  EXPECT_EQ(field_of("Person", R"({"name":""})"), "properties.name");
  EXPECT_EQ(field_of("Person", R"({"name":"A","birth_date":"1970-13-01"})"),
            "properties.birth_date");
  EXPECT_EQ(field_of("Person", R"({"name":"A","nationality":"XX"})"), "properties.nationality");
  EXPECT_EQ(field_of("Person", R"({"name":"A","shoe_size":44})"), "properties.shoe_size");
  EXPECT_EQ(field_of("Person", R"({"name":"A","aliases":["ok", 3]})"), "properties.aliases[1]");
  EXPECT_EQ(field_of("Person", R"({"birth_date":"1970"})"), "properties.name");
  EXPECT_EQ(field_of("Vessel", R"({"imo":"12345"})"), "properties.imo");
  EXPECT_EQ(field_of("Vessel", R"({"flag":"IT"})"), "properties.name");
  EXPECT_EQ(field_of("Vessel", R"({"name":"X","length_m":-1})"), "properties.length_m");
  EXPECT_EQ(reg->ValidateProperties("Nope", "{}").status().field(), "type");
}

TEST(RegistryTest, RejectsUnsupportedSchemas) {
  auto bad = Registry::Load({{"x.json", R"({"title":"X","type":"object","oneOf":[]})"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("oneOf"), std::string::npos);
  EXPECT_FALSE(Registry::Load({{"x.json", "{"}}).ok());
  EXPECT_FALSE(Registry::Load({{"x.json", R"({"title":"X","type":"object","pattern":"("})"}}).ok());
  EXPECT_FALSE(Registry::Load({}).ok());
}

TEST(RegistryTest, RetentionMasksByTypeOrByAPropertyValue) {
  auto reg = *Registry::LoadBuiltin();
  EXPECT_TRUE(reg->MasksOnRetention("Passenger"));
  EXPECT_TRUE(reg->MasksOnRetention("Passenger", R"({"name":"A"})"));
  EXPECT_FALSE(reg->MasksOnRetention("Person", R"({"name":"A"})"));
  // Document: only PNR and API documents are masked; the others are erased.
  EXPECT_FALSE(reg->MasksOnRetention("Document"));
  EXPECT_TRUE(reg->MasksOnRetention("Document", R"({"number":"X1","source":"pnr"})"));
  EXPECT_TRUE(reg->MasksOnRetention("Document", R"({"number":"X1","source":"api"})"));
  EXPECT_FALSE(reg->MasksOnRetention("Document", R"({"number":"X1","source":"alert"})"));
  EXPECT_FALSE(reg->MasksOnRetention("Document", R"({"number":"X1"})"));
  EXPECT_FALSE(reg->MasksOnRetention("Document", "not json"));

  const auto field_of = [](const char* retention) {
    const std::string schema =
        std::string(R"({"title":"X","type":"object","properties":{"kind":{"type":"string"}},)") +
        R"("x-retention":)" + retention + "}";
    return Registry::Load({{"X.json", schema}}).status().field();
  };
  EXPECT_EQ(field_of(R"({"mask_when":{"kind":["a"]}})"), "");
  EXPECT_EQ(field_of(R"("seal")"), "X.json:x-retention");
  EXPECT_EQ(field_of(R"({"mask_when":{}})"), "X.json:x-retention");
  EXPECT_EQ(field_of(R"({"mask_when":{"kind":["a"]},"other":1})"), "X.json:x-retention");
  EXPECT_EQ(field_of(R"({"mask_when":{"kind":[]}})"), "X.json:x-retention.mask_when.kind");
  EXPECT_EQ(field_of(R"({"mask_when":{"kind":[1]}})"), "X.json:x-retention.mask_when.kind");
  EXPECT_EQ(field_of(R"({"mask_when":{"colour":["a"]}})"), "X.json:x-retention.mask_when.colour");
}

// "x-key" names the top-level string property whose value is the record key (exact lookups).
TEST(RegistryTest, KeyPropertyIsATopLevelString) {
  auto reg = *Registry::LoadBuiltin();
  EXPECT_EQ(reg->KeyProperty("StixObject"), "stix_id");
  EXPECT_EQ(reg->KeyProperty("Person"), "");
  auto stix = reg->ValidateProperties(
      "StixObject", R"({"stix_id":"indicator--1","stix_type":"indicator","object":{}})");
  ASSERT_TRUE(stix.ok()) << stix.status().ToString();
  EXPECT_EQ(stix->key, "indicator--1");
  EXPECT_EQ(stix->search_text, "indicator");  // the type is a word; the id is a key, not words
  auto person = reg->ValidateProperties("Person", R"({"name":"Ivan Petrov"})");
  ASSERT_TRUE(person.ok());
  EXPECT_EQ(person->key, "");

  const auto load = [](const char* key, const char* nested = "") {
    const std::string schema =
        std::string(R"({"title":"X","type":"object","x-key":)") + key +
        R"(,"properties":{"ref":{"type":"string")" + nested +
        R"(},"count":{"type":"integer"},"both":{"type":["string","null"]}}})";
    return Registry::Load({{"X.json", schema}});
  };
  auto good = load(R"("ref")");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ((*good)->ValidateProperties("X", R"({"ref":"r-1","count":2})")->key, "r-1");
  EXPECT_EQ((*good)->ValidateProperties("X", R"({"count":2})")->key, "");
  EXPECT_EQ(load(R"("count")").status().field(), "X.json:x-key");
  EXPECT_EQ(load(R"("both")").status().field(), "X.json:x-key");
  EXPECT_EQ(load(R"("missing")").status().field(), "X.json:x-key");
  EXPECT_EQ(load("1").status().field(), "X.json:x-key");
  EXPECT_FALSE(load(R"("ref")", R"(,"x-key":"ref")").ok());  // only at the top level
}

}  // namespace
}  // namespace issa::schema
