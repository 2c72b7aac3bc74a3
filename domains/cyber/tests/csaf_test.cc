#include "issa/cyber/csaf.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/core/file.h"

#include "csaf_fixtures.h"

namespace issa::cyber {
namespace {

using nlohmann::json;
using testing::BaseRequest;
using testing::IncidentRequest;
using testing::StixRequest;

const std::string kData = ISSA_CYBER_TEST_DATA;

std::vector<CsafFinding> Findings(const std::string& doc) {
  auto findings = CheckCsafMandatory(doc);
  EXPECT_TRUE(findings.ok()) << findings.status().ToString();
  return findings.ok() ? *findings : std::vector<CsafFinding>{{"parse", "", ""}};
}

TEST(CsafTest, IncidentResponseDocument) {
  auto text = GenerateCsaf(IncidentRequest());
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_TRUE(Findings(*text).empty());
  const json doc = json::parse(*text);
  const auto& d = doc["document"];
  EXPECT_EQ(d["category"], "csaf_security_incident_response");
  EXPECT_EQ(d["csaf_version"], "2.0");
  EXPECT_EQ(d["distribution"]["tlp"]["label"], "WHITE");  // TLP 2.0 CLEAR
  EXPECT_EQ(d["tracking"]["version"], "2");
  EXPECT_EQ(d["tracking"]["initial_release_date"], "2026-11-20T09:00:00.000Z");
  EXPECT_EQ(d["tracking"]["current_release_date"], "2026-11-21T09:00:00.000Z");
  EXPECT_EQ(d["tracking"]["revision_history"].size(), 2U);
  EXPECT_EQ(d["tracking"]["generator"]["engine"]["name"], "ISSA");
  EXPECT_EQ(d["publisher"]["namespace"], "https://cert.europa.eu");
  EXPECT_EQ(d["aggregate_severity"]["text"], "High");
  // Notes: summary, the incident (sectors, states, impact) and the STIX indicators.
  std::map<std::string, std::string> notes;
  for (const auto& n : d["notes"]) notes[n["category"]] = n["text"];
  EXPECT_EQ(notes["summary"], "Patient systems were encrypted.");
  EXPECT_NE(notes["description"].find("Sectors (NIS2): health"), std::string::npos);
  EXPECT_NE(notes["description"].find("Member states: IT, AT"), std::string::npos);
  EXPECT_NE(notes["description"].find("Impact: high"), std::string::npos);
  EXPECT_NE(notes["details"].find("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
            std::string::npos);
  EXPECT_NE(notes["details"].find("attack-pattern--7e150503"), std::string::npos);
  // The duplicated CVE is listed once (test 6.1.23).
  ASSERT_EQ(doc["vulnerabilities"].size(), 2U);
  EXPECT_EQ(doc["vulnerabilities"][0]["cve"], "CVE-2023-4966");
  EXPECT_EQ(doc["vulnerabilities"][1]["cve"], "CVE-2024-3400");
  EXPECT_EQ(d["references"][0]["category"], "external");
}

TEST(CsafTest, RevisionAppendsToTheHistoryAndKeepsTheRest) {
  const auto original = GenerateCsaf(IncidentRequest());
  ASSERT_TRUE(original.ok()) << original.status().ToString();
  CsafRevisionUpdate update;
  update.summary = "Decryptor available";
  update.date = *core::ParseTimestamp("2026-11-22T10:00:00Z");
  update.title = "Ransomware at hospitals: decryptor available";
  update.summary_note = "A decryptor restores the files.";
  update.aggregate_severity = "Medium";
  update.generated_at = update.date;
  const auto revised = ReviseCsaf(*original, update);
  ASSERT_TRUE(revised.ok()) << revised.status().ToString();
  EXPECT_TRUE(Findings(*revised).empty()) << *revised;
  const json before = json::parse(*original);
  const json after = json::parse(*revised);
  const auto& t = after["document"]["tracking"];
  EXPECT_EQ(t["version"], "3");
  EXPECT_EQ(t["initial_release_date"], "2026-11-20T09:00:00.000Z");
  EXPECT_EQ(t["current_release_date"], "2026-11-22T10:00:00.000Z");
  ASSERT_EQ(t["revision_history"].size(), 3U);
  EXPECT_EQ(t["revision_history"][2]["number"], "3");
  EXPECT_EQ(t["revision_history"][2]["summary"], "Decryptor available");
  EXPECT_EQ(after["document"]["title"], "Ransomware at hospitals: decryptor available");
  EXPECT_EQ(after["document"]["aggregate_severity"]["text"], "Medium");
  std::map<std::string, std::string> notes;
  for (const auto& n : after["document"]["notes"]) notes[n["category"]] = n["text"];
  EXPECT_EQ(notes["summary"], "A decryptor restores the files.");
  EXPECT_NE(notes["description"].find("Sectors (NIS2): health"), std::string::npos);
  EXPECT_EQ(after["vulnerabilities"], before["vulnerabilities"]);
  EXPECT_EQ(after["document"]["publisher"], before["document"]["publisher"]);

  // Refused: no summary, a date before the last revision, not a CSAF document.
  CsafRevisionUpdate no_summary = update;
  no_summary.summary.clear();
  EXPECT_EQ(ReviseCsaf(*original, no_summary).status().field(), "summary");
  CsafRevisionUpdate earlier = update;
  earlier.date = *core::ParseTimestamp("2026-11-21T08:00:00Z");
  EXPECT_EQ(ReviseCsaf(*original, earlier).status().field(), "date");
  EXPECT_EQ(ReviseCsaf("[1]", update).status().field(), "document");
  json no_history = before;
  no_history["document"]["tracking"].erase("revision_history");
  EXPECT_EQ(ReviseCsaf(no_history.dump(), update).status().field(),
            "document.tracking.revision_history");
}

TEST(CsafTest, InformationalAdvisoryFromStixHasNoVulnerabilities) {
  auto text = GenerateCsaf(StixRequest(CsafProfile::kInformationalAdvisory, kData));
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_TRUE(Findings(*text).empty());
  const json doc = json::parse(*text);
  EXPECT_EQ(doc["document"]["category"], "csaf_informational_advisory");
  EXPECT_FALSE(doc.contains("vulnerabilities"));
  // The six CVEs of the bundle become references.
  size_t cve_refs = 0;
  for (const auto& ref : doc["document"]["references"]) {
    cve_refs += ref["url"].get<std::string>().starts_with("https://www.cve.org/") ? 1 : 0;
  }
  EXPECT_EQ(cve_refs, 6U);
  std::string details;
  for (const auto& n : doc["document"]["notes"]) {
    if (n["category"] == "details") details = n["text"];
  }
  EXPECT_EQ(std::count(details.begin(), details.end(), '\n') + 1, 25);  // 25 indicators
}

TEST(CsafTest, IncidentResponseFromStixListsItsVulnerabilities) {
  auto text = GenerateCsaf(StixRequest(CsafProfile::kSecurityIncidentResponse, kData));
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_TRUE(Findings(*text).empty());
  EXPECT_EQ(json::parse(*text)["vulnerabilities"].size(), 6U);
}

TEST(CsafTest, TlpMapping) {
  EXPECT_EQ(CsafTlpOf("CLEAR")->label, "WHITE");
  EXPECT_EQ(CsafTlpOf("GREEN")->label, "GREEN");
  EXPECT_EQ(CsafTlpOf("RED")->label, "RED");
  const auto strict = CsafTlpOf("AMBER+STRICT");
  ASSERT_TRUE(strict.ok());
  EXPECT_EQ(strict->label, "AMBER");
  EXPECT_NE(strict->text.find("AMBER+STRICT"), std::string::npos);
  EXPECT_EQ(CsafTlpOf("WHITE").status().field(), "tlp");  // a TLP 1.0 label is not accepted

  auto request = IncidentRequest();
  request.tlp = "AMBER+STRICT";
  const json doc = json::parse(*GenerateCsaf(request));
  EXPECT_EQ(doc["document"]["distribution"]["tlp"]["label"], "AMBER");
  EXPECT_NE(doc["document"]["distribution"]["text"].get<std::string>().find("organisation"),
            std::string::npos);
}

TEST(CsafTest, BadRequestsNameTheField) {
  const auto field_of = [](const CsafRequest& r) { return GenerateCsaf(r).status().field(); };
  auto r = IncidentRequest();
  r.revisions.clear();
  EXPECT_EQ(field_of(r), "revisions");
  r = IncidentRequest();
  r.revisions[1].number = "3";
  EXPECT_EQ(field_of(r), "revisions[1].number");
  r = IncidentRequest();
  r.revisions[1].date = r.revisions[0].date - 1;
  EXPECT_EQ(field_of(r), "revisions[1].date");
  r = IncidentRequest();
  r.revisions = {{"0", testing::At("2026-11-20T09:00:00Z"), "Draft"}};
  EXPECT_EQ(field_of(r), "revisions[0].number");  // version 0 is a draft
  r.status = "draft";
  EXPECT_TRUE(GenerateCsaf(r).ok());
  r = IncidentRequest();
  r.lang = "ez";
  EXPECT_EQ(field_of(r), "lang");
  r = IncidentRequest();
  r.tracking_id = " EU-1";
  EXPECT_EQ(field_of(r), "tracking_id");
  r = IncidentRequest();
  r.publisher.namespace_url = "cert.europa.eu";
  EXPECT_EQ(field_of(r), "publisher.namespace_url");
  r = IncidentRequest();
  r.tlp = "PURPLE";
  EXPECT_EQ(field_of(r), "tlp");
  r = IncidentRequest();
  r.incident->vulnerabilities = {"CVE-23-1"};
  EXPECT_EQ(field_of(r), "incident.vulnerabilities[0]");
  // The profiles need an external reference (test 6.1.27.2).
  r = IncidentRequest();
  r.incident->references.clear();
  EXPECT_EQ(field_of(r), "references");
}

TEST(CsafTest, IncidentParsing) {
  auto in = ParseIncident(testing::kIncidentJson);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->sectors, std::vector<std::string>{"health"});
  EXPECT_EQ(in->impact_level, "high");
  EXPECT_EQ(*in->detected_at, testing::At("2026-11-20T07:10:00Z"));
  EXPECT_FALSE(in->ended_at.has_value());
  EXPECT_EQ(ParseIncident("{").status().field(), "properties");
  EXPECT_EQ(ParseIncident(R"({"status":"open","tlp":"CLEAR"})").status().field(),
            "properties.title");
  EXPECT_EQ(ParseIncident(R"({"title":"x","status":"open","tlp":"CLEAR","sectors":"health"})")
                .status()
                .field(),
            "properties.sectors");
  EXPECT_EQ(ParseIncident(R"({"title":"x","status":"open","tlp":"WHITE"})").status().field(),
            "properties.tlp");
}

TEST(CsafTest, StixIndicatorSetsAndTheirTlp) {
  auto ivy = ParseStixIndicatorSet(*core::ReadFile(kData + "/stix/poisonivy.json"));
  ASSERT_TRUE(ivy.ok()) << ivy.status().ToString();
  EXPECT_EQ(ivy->indicators.size(), 25U);
  EXPECT_EQ(ivy->vulnerabilities.size(), 6U);
  EXPECT_EQ(ivy->tlp, "");  // unmarked: never treated as CLEAR
  auto amber =
      ParseStixIndicatorSet(*core::ReadFile(kData + "/stix/using-marking-definitions.json"));
  ASSERT_TRUE(amber.ok()) << amber.status().ToString();
  ASSERT_EQ(amber->indicators.size(), 1U);
  EXPECT_EQ(amber->tlp, "AMBER");  // the TLP 1.0 AMBER marking of the STIX 2.1 spec

  const std::string clear_ref = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
  const std::string red_ref = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
  const auto indicator = [](const std::string& uuid, const std::string& ref) {
    return R"({"type":"indicator","id":"indicator--)" + uuid +
           R"(","pattern":"[ipv4-addr:value = '198.51.100.1']","object_marking_refs":[")" + ref +
           R"("]})";
  };
  const std::string a = indicator("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", clear_ref);
  const std::string b = indicator("9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", red_ref);
  EXPECT_EQ(ParseStixIndicatorSet("[" + a + "]")->tlp, "CLEAR");
  EXPECT_EQ(ParseStixIndicatorSet("[" + a + "," + b + "]")->tlp, "RED");
  EXPECT_EQ(ParseStixIndicatorSet(R"([{"type":"indicator","id":"indicator--x","pattern":"p"}])")
                .status()
                .field(),
            "objects[0].id");
  EXPECT_EQ(ParseStixIndicatorSet(R"({"type":"bundle","objects":[{"type":3}]})").status().field(),
            "objects[0].type");
  EXPECT_EQ(ParseStixIndicatorSet(R"({"type":"report"})").status().field(), "bundle");
  EXPECT_EQ(StricterTlp("GREEN", "AMBER+STRICT"), "AMBER+STRICT");
  EXPECT_EQ(StricterTlp("CLEAR", ""), "");
}

}  // namespace
}  // namespace issa::cyber
