#include "issa/cyber/stix.h"

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../src/json_fast.h"

namespace issa::cyber {
namespace {

using json = nlohmann::json;

std::string Read(const std::string& name) {
  std::ifstream in(std::string(ISSA_CYBER_TEST_DATA) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class StixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = StixValidator::Builtin();
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    validator_ = *v;
  }

  std::vector<BundleItem> ReadAll(const std::string& text, Status* status = nullptr) {
    std::istringstream in(text);
    std::vector<BundleItem> items;
    Status s = ReadBundle(*validator_, in, BundleLimits{}, [&](BundleItem& item) {
      items.push_back(std::move(item));
      return true;
    });
    if (status != nullptr) *status = s;
    EXPECT_TRUE(status != nullptr || s.ok()) << s.ToString();
    return items;
  }

  std::shared_ptr<const StixValidator> validator_;
};

constexpr const char* kIndicator = R"({"type":"indicator","spec_version":"2.1",
  "id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z",
  "modified":"2016-04-06T20:03:48.000Z","pattern_type":"stix",
  "pattern":"[ipv4-addr:value = '198.51.100.1']","valid_from":"2016-01-01T00:00:00Z"})";

// The example bundles of the OASIS repositories validate object by object.
TEST_F(StixTest, OasisExamplesValidate) {
  for (const char* name :
       {"indicator-for-c2-ip-address.json", "malware-indicator-for-file-hash.json",
        "sighting-of-observed-data.json", "using-marking-definitions.json",
        "tlp-1.0-and-2.0-marking-definitions.bundle.json"}) {
    const auto items = ReadAll(Read(name));
    ASSERT_FALSE(items.empty()) << name;
    for (const BundleItem& item : items) {
      EXPECT_TRUE(item.object.ok())
          << name << " #" << item.index << ": " << item.object.status().ToString();
    }
  }
  Result<StixObject> ok = validator_->Validate(Read("identity.json"));
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST_F(StixTest, ValidatorSuiteFailures) {
  Result<StixObject> r = validator_->Validate(Read("invalid_identity.json"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "modified");
  EXPECT_NE(r.status().message().find("identity--8c6af861"), std::string::npos);
  r = validator_->Validate(Read("invalid_timestamp.json"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "modified");
  r = validator_->Validate(Read("invalid_comma.json"));
  ASSERT_FALSE(r.ok());
}

TEST_F(StixTest, ErrorsNameObjectAndProperty) {
  json o = json::parse(kIndicator);
  ASSERT_TRUE(validator_->Validate(o.dump()).ok());
  struct Case {
    std::function<void(json&)> mutate;
    std::string field;
    std::string message = "";  // a part of the message, when given
  };
  const std::vector<Case> cases = {
      {[](json& j) { j["id"] = "indicator--not-a-uuid"; }, "id"},
      {[](json& j) { j["id"] = "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"; }, "id"},
      {[](json& j) { j["pattern"] = "[ipv4-addr:value = ]"; }, "pattern"},
      {[](json& j) { j.erase("pattern_type"); }, "pattern_type"},
      {[](json& j) { j["confidence"] = 101; }, "confidence"},
      {[](json& j) { j["created"] = "2016-04-06 20:03:48"; }, "created"},
      {[](json& j) {
         j["kill_chain_phases"] = json::array({json{{"phase_name", 3}}});
       },
       "kill_chain_phases[0].kill_chain_name"},
      {[](json& j) { j["created_by_ref"] = "identity-x"; }, "created_by_ref"},
      {[](json& j) { j["object_marking_refs"] = json::array({j["id"]}); }, "object_marking_refs"},
      {[](json& j) { j["Bad-Name"] = 1; }, "Bad-Name"},
      {[](json& j) { j["modified"] = "2015-01-01T00:00:00.000Z"; }, "modified"},
      // The schema evaluator runs quietly first and again only for a refused object's message:
      // the rules reached through anyOf, not and patternProperties name the same property.
      // properties.json: a custom property's value is one of the JSON kinds (anyOf).
      {[](json& j) { j["x_custom"] = nullptr; }, "x_custom",
       "matches none of the allowed forms (first: must be of type array)"},
      // core.json: "not": {"anyOf": [{"required": ["severity"]}, …]}.
      {[](json& j) { j["severity"] = "high"; }, "",
       "has a property that is not allowed here: severity"},
      // Custom *_hex properties (patternProperties) must be hex.
      {[](json& j) { j["payload_hex"] = "xyz"; }, "payload_hex", "does not match"},
      // Enumerations and the timestamp and identifier formats.
      {[](json& j) { j["spec_version"] = "2.2"; }, "spec_version", "\"2.2\" is not one of"},
      {[](json& j) { j["valid_from"] = "2016-13-01T00:00:00Z"; }, "valid_from", "does not match"},
      {[](json& j) { j["created_by_ref"] = "identity--8e2e2d2b-17d4-7cbf-938f-98ee46b3cd3f"; },
       "created_by_ref", "does not match"},
      {[](json& j) { j["labels"] = json::array(); }, "labels", "needs at least 1 items"},
      {[](json& j) {
         j["extensions"] = json{{"Not-An-Ext", json::object()}};
       },
       "extensions.Not-An-Ext", "is not an allowed property"},
  };
  for (const Case& c : cases) {
    json j = o;
    c.mutate(j);
    Result<StixObject> r = validator_->Validate(j.dump());
    ASSERT_FALSE(r.ok()) << j.dump();
    EXPECT_EQ(r.status().field(), c.field) << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().ToString();
  }
  EXPECT_FALSE(validator_->Validate("[1,2]").ok());
  EXPECT_FALSE(validator_->Validate("{").ok());
}

// The literal patterns ("^marking-definition--"), matched without std::regex: a granular
// marking must point at a marking definition, not at another kind of object.
TEST_F(StixTest, LiteralPatternRulesStillRefuse) {
  json marked = json::parse(kIndicator);
  marked["granular_markings"] =
      json::array({json{{"marking_ref", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
                        {"selectors", json::array({"pattern"})}}});
  ASSERT_TRUE(validator_->Validate(marked.dump()).ok());
  marked["granular_markings"][0]["marking_ref"] = "identity--34098fce-860f-48ae-8e50-ebd3cc5e41da";
  Result<StixObject> r = validator_->Validate(marked.dump());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "granular_markings[0].marking_ref") << r.status().ToString();
  EXPECT_NE(r.status().message().find("does not match ^marking-definition--"), std::string::npos)
      << r.status().ToString();
}

// An indicator's STIX pattern comes back parsed (the cti service hands its observables to the
// correlator without a second parse); other pattern languages and other objects have none.
TEST_F(StixTest, IndicatorPatternComesBackParsed) {
  json indicator = json::parse(kIndicator);
  indicator["pattern"] =
      "[ipv4-addr:value = '198.51.100.7'] OR [domain-name:value = 'example.org']";
  Result<StixObject> r = validator_->Validate(indicator.dump());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->pattern.has_value());
  ASSERT_EQ(r->pattern->comparisons.size(), 2u);
  EXPECT_EQ(r->pattern->comparisons[0].object_type, "ipv4-addr");
  EXPECT_EQ(r->pattern->comparisons[0].values, std::vector<std::string>{"198.51.100.7"});
  EXPECT_EQ(r->pattern->comparisons[1].object_type, "domain-name");
  EXPECT_EQ(r->pattern->observations, 2u);
  indicator["pattern_type"] = "snort";
  indicator["pattern"] = "alert tcp any any -> any any";
  r = validator_->Validate(indicator.dump());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->pattern.has_value());
  r = validator_->Validate(
      R"({"type":"ipv4-addr","id":"ipv4-addr--ff26c055-6336-4bc6-b98d-13d6226742dd","value":"198.51.100.7"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->pattern.has_value());
}

// One parse per object: the validated object's text is its parsed value's canonical form, also
// after refs to replaced observable ids were rewritten.
TEST_F(StixTest, TextAndValueAgree) {
  const std::string bundle = R"({"type":"bundle","objects":[
    {"type":"ipv4-addr","id":"ipv4-addr--ff26c055-6336-4bc6-b98d-13d6226742dd","value":"198.51.100.7"},
    {"type":"relationship","spec_version":"2.1","id":"relationship--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
     "created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z",
     "relationship_type":"related-to","source_ref":"ipv4-addr--ff26c055-6336-4bc6-b98d-13d6226742dd",
     "target_ref":"malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3b"}]})";
  const auto items = ReadAll(bundle);
  ASSERT_EQ(items.size(), 2u);
  for (const BundleItem& item : items) {
    ASSERT_TRUE(item.object.ok()) << item.object.status().ToString();
    EXPECT_EQ(item.object->json, item.object->value.dump());
  }
  EXPECT_EQ(items[1].object->value["source_ref"], items[0].object->id);
  EXPECT_NE(items[0].object->id, "ipv4-addr--ff26c055-6336-4bc6-b98d-13d6226742dd");
}

TEST_F(StixTest, DeterministicObservableIds) {
  // UUIDv5 itself (the example of Python's uuid documentation).
  EXPECT_EQ(UuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"),
            "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  // The same address from two CERTs, with different random ids: one object.
  const std::string a = R"({"type":"ipv4-addr","spec_version":"2.1","value":"198.51.100.3",
    "id":"ipv4-addr--ff26c055-6336-4bc6-b98d-13d6226742dd"})";
  const std::string b = R"({"type":"ipv4-addr","value":"198.51.100.3"})";
  Result<StixObject> ra = validator_->Validate(a);
  Result<StixObject> rb = validator_->Validate(b);
  ASSERT_TRUE(ra.ok()) << ra.status().ToString();
  ASSERT_TRUE(rb.ok()) << rb.status().ToString();
  EXPECT_EQ(ra->id, "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
  EXPECT_EQ(ra->id, rb->id);
  EXPECT_EQ(ra->original_id, "ipv4-addr--ff26c055-6336-4bc6-b98d-13d6226742dd");
  EXPECT_TRUE(ra->observable);
  // Hashes: one, by preference (MD5 first), plus the name.
  Result<StixObject> f = validator_->Validate(
      R"({"type":"file","name":"foo.exe","hashes":{"SHA-256":"aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f","MD5":"cead3f77f6cda6ec00f57d76c9a6879f"}})");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->id, "file--1910ca30-1dd9-57f3-9d48-0c64b19f0d5c");
}

TEST_F(StixTest, BundleRewritesRefsAndRefusesCycles) {
  const std::string bundle =
      R"({"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[
    {"type":"directory","id":"directory--11111111-1111-4111-8111-111111111111","path":"C:\\a"},
    {"type":"file","id":"file--22222222-2222-4222-8222-222222222222","name":"x.dll",
     "parent_directory_ref":"directory--11111111-1111-4111-8111-111111111111"},
    {"type":"process","id":"process--33333333-3333-4333-8333-333333333333",
     "parent_ref":"process--44444444-4444-4444-8444-444444444444"},
    {"type":"process","id":"process--44444444-4444-4444-8444-444444444444",
     "parent_ref":"process--33333333-3333-4333-8333-333333333333"},
    {"type":"indicator","id":"indicator--x"},
    )" +
      std::string(kIndicator) + R"(]})";
  const auto items = ReadAll(bundle);
  ASSERT_EQ(items.size(), 6u);
  ASSERT_TRUE(items[0].object.ok());
  ASSERT_TRUE(items[1].object.ok()) << items[1].object.status().ToString();
  // The directory got its deterministic id and the file's ref follows it.
  const json file = json::parse(items[1].object->json);
  EXPECT_EQ(file["parent_directory_ref"], items[0].object->id);
  EXPECT_NE(items[0].object->id, "directory--11111111-1111-4111-8111-111111111111");
  // The two processes refer to each other as parents: both refused, naming the cycle.
  ASSERT_FALSE(items[2].object.ok());
  ASSERT_FALSE(items[3].object.ok());
  EXPECT_NE(items[2].object.status().message().find("cycle"), std::string::npos);
  ASSERT_FALSE(items[4].object.ok());
  EXPECT_EQ(items[4].submitted_id, "indicator--x");
  EXPECT_TRUE(items[5].object.ok());
}

TEST_F(StixTest, BundleLevelErrors) {
  Status s;
  ReadAll("not json", &s);
  EXPECT_FALSE(s.ok());
  ReadAll(R"({"type":"report","objects":[]})", &s);
  EXPECT_EQ(s.field(), "type");
  ReadAll(R"({"type":"bundle","objects":[{"a":1} {"b":2}]})", &s);
  EXPECT_FALSE(s.ok());
  std::istringstream big(std::string(2000, ' ') + "{}");
  s = ReadBundle(*validator_, big, BundleLimits{.max_bytes = 1000},
                 [](BundleItem&) { return true; });
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  // A TAXII envelope is read too.
  const auto items = ReadAll(std::string(R"({"objects":[)") + kIndicator + "]}");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_TRUE(items[0].object.ok());
  EXPECT_EQ(items[0].object->version, "2016-04-06T20:03:48.000Z");
}

}  // namespace
}  // namespace issa::cyber

// The objects' text goes through simdjson before the nlohmann tree is built: the tree and the
// verdict on bad JSON must be nlohmann's own, number kinds and duplicate keys included.
TEST(StixJsonParse, SameTreeAsNlohmann) {
  const char* texts[] = {
      R"({"a":1,"b":-1,"c":1.5,"d":-0,"e":-0.0,"f":1e2,"g":18446744073709551615})",
      R"({"h":9223372036854775807,"i":-9223372036854775808,"j":18446744073709551616})",
      R"({"k":-9223372036854775809,"l":1E400,"m":0.1,"n":123456789012345678901234567890})",
      R"({"dup":1,"dup":"two","o":{"dup":[1],"dup":{"x":null}}})",
      R"({"s":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t","t":true,"u":false,"v":null})",
      R"({"ctl":"\u0000\u0001\u001f\u007f\u0080 \u2028","z":[0.5,-2.25e-7,1e300,3.0]})",
      R"(  [ 1 , [ ] , { } , "" ]  )",
      R"("\ud800")",
      R"("\udc00")",
      R"("\ud800\u0041")",
      "\"\xff\"",
      "\"a\x01\"",
      R"({"a":1,})",
      R"({"a":1} x)",
      R"({"a":01})",
      R"({"a":.5})",
      R"({"a":1.})",
      R"({"a":+1})",
      "",
      "   ",
      R"({"a":[1,2,3]})",
      "nul",
      R"([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]])",
  };
  for (const char* text : texts) {
    const nlohmann::json expected = nlohmann::json::parse(text, nullptr, false);
    const nlohmann::json got = issa::cyber::detail::ParseJsonFast(text);
    ASSERT_EQ(got.is_discarded(), expected.is_discarded()) << text;
    if (expected.is_discarded()) continue;
    EXPECT_EQ(got.dump(), expected.dump()) << text;
    EXPECT_EQ(issa::cyber::detail::CanonicalJson(got), expected.dump()) << text;
    // Same number kinds (nlohmann's == compares across them).
    const auto kinds = [](const nlohmann::json& j) {
      std::string out;
      const auto walk = [&out](const auto& self, const nlohmann::json& v) -> void {
        out += std::to_string(static_cast<int>(v.type()));
        if (v.is_structured()) {
          for (const auto& e : v) self(self, e);
        }
      };
      walk(walk, j);
      return out;
    };
    EXPECT_EQ(kinds(got), kinds(expected)) << text;
  }
  // Deep nesting beyond simdjson's limit still parses (nlohmann has none).
  const std::string deep = std::string(3000, '[') + std::string(3000, ']');
  EXPECT_FALSE(issa::cyber::detail::ParseJsonFast(deep).is_discarded());
}
