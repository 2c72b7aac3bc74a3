// The cyber record types (issue 6): Incident and Advisory load with the built-in registry and
// reject what the EISAS workflow must never store.
#include <gtest/gtest.h>

#include "issa/schema/registry.h"

namespace issa::schema {
namespace {

constexpr const char* kIncident = R"({
  "title":"Ransomware at regional hospitals","summary":"Encrypted patient systems.",
  "sectors":["health"],"member_states":["IT","AT"],
  "impact":{"level":"high","description":"Emergency admissions diverted."},
  "status":"contained","detected_at":"2026-11-20T07:10:00Z","started_at":"2026-11-19T22:00:00Z",
  "indicators":["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"],
  "attack_patterns":["attack-pattern--7e150503-88e7-4861-866b-ff1ac82c4475"],
  "vulnerabilities":["CVE-2023-4966"],
  "reporting_authority":"IT-CSIRT","tlp":"AMBER",
  "references":[{"url":"https://csirt.gov.it/","summary":"CSIRT Italia"}]})";

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(CyberSchemasTest, IncidentLoadsAndValidates) {
  auto reg = Registry::LoadBuiltin();
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  ASSERT_TRUE((*reg)->Has("Incident"));
  ASSERT_TRUE((*reg)->Has("Advisory"));
  auto ok = (*reg)->ValidateProperties("Incident", kIncident);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_NE(ok->search_text.find("Ransomware"), std::string::npos);
  EXPECT_NE(ok->search_text.find("IT-CSIRT"), std::string::npos);
  EXPECT_NE(ok->search_text.find("CVE-2023-4966"), std::string::npos);
}

TEST(CyberSchemasTest, IncidentErrorsNameTheField) {
  auto reg = *Registry::LoadBuiltin();
  const auto field_of = [&](const std::string& props) {
    return reg->ValidateProperties("Incident", props).status().field();
  };
  EXPECT_EQ(field_of(Replace(kIncident, R"("health")", R"("tourism")")), "properties.sectors[0]");
  // Member states are EU member states; Norway is not one.
  EXPECT_EQ(field_of(Replace(kIncident, R"("AT")", R"("NO")")), "properties.member_states[1]");
  EXPECT_EQ(field_of(Replace(kIncident, R"("contained")", R"("mitigated")")), "properties.status");
  EXPECT_EQ(field_of(Replace(kIncident, R"("level":"high")", R"("level":"severe")")),
            "properties.impact.level");
  EXPECT_EQ(field_of(Replace(kIncident, "indicator--8e2e", "malware--8e2e")),
            "properties.indicators[0]");
  EXPECT_EQ(field_of(Replace(kIncident, "attack-pattern--7e15", "attack-pattern--XX15")),
            "properties.attack_patterns[0]");
  EXPECT_EQ(field_of(Replace(kIncident, R"("AMBER")", R"("WHITE")")), "properties.tlp");
  EXPECT_EQ(field_of(Replace(kIncident, "2026-11-20T07:10:00Z", "yesterday")),
            "properties.detected_at");
  EXPECT_EQ(field_of(Replace(kIncident, R"("sectors":["health"],)", "")), "properties.sectors");
  EXPECT_EQ(field_of(Replace(kIncident, R"("sectors":["health"])", R"("sectors":[])")),
            "properties.sectors");
  EXPECT_EQ(field_of(Replace(kIncident, "https://csirt.gov.it/", "javascript:alert(1)")),
            "properties.references[0].url");
}

TEST(CyberSchemasTest, AdvisoryValidates) {
  auto reg = *Registry::LoadBuiltin();
  const std::string advisory = R"({"headline":"Fake parcel texts steal bank logins",
    "tracking_id":"EU-EISAS-2026-0001","version":"1","status":"draft","tlp":"CLEAR",
    "severity":"high","languages":["en","de"],"derived_from":["0190a1b2"],
    "advisory":{"texts":{}},"csaf":{"document":{}}})";
  auto ok = reg->ValidateProperties("Advisory", advisory);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(reg->ValidateProperties("Advisory", Replace(advisory, R"("draft")", R"("live")"))
                .status()
                .field(),
            "properties.status");
  EXPECT_EQ(reg->ValidateProperties("Advisory", Replace(advisory, R"("en")", R"("English")"))
                .status()
                .field(),
            "properties.languages[0]");
  EXPECT_EQ(reg->ValidateProperties("Advisory",
                                    Replace(advisory, R"("tracking_id":"EU-EISAS-2026-0001",)", ""))
                .status()
                .field(),
            "properties.tracking_id");
}

}  // namespace
}  // namespace issa::schema
