// AdvisoryService over a real Node (in-memory store, manual clock): an advisory is made from an
// incident, published only when it and its sources are TLP:CLEAR, and then served to the public.
#include "issa/eisas/advisory_service.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/cyber/csaf.h"

#include "eisas_fixtures.h"
#include "node_fixture.h"

namespace issa::eisas {
namespace {

using nlohmann::json;
using testing::AdvisoryBody;
using testing::IncidentRecord;

class AdvisoryServiceTest : public node::testing::NodeFixture {
 protected:
  void SetUp() override {
    NodeFixture::SetUp();
    service_ = std::make_unique<AdvisoryService>(*node_);
    cert_ = As("NL-CERT");
  }
  static json Ok(const Result<std::string>& r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? json::parse(*r) : json();
  }
  std::unique_ptr<AdvisoryService> service_;
  node::Context cert_;
};

TEST_F(AdvisoryServiceTest, ClearIncidentIsPublished) {
  const std::string incident =
      Create(cert_, IncidentRecord("Parcel scam", "CLEAR", testing::kClearHandling));
  const json made = Ok(service_->Create(cert_, AdvisoryBody(incident, "NL-EISAS-2026-0001")));
  EXPECT_EQ(made["tlp"], "CLEAR");
  EXPECT_EQ(made["sources_tlp"], "CLEAR");
  // Translations left out are reported (fr incomplete, pt without labels).
  EXPECT_EQ(made["warnings"].size(), 2U) << made.dump();
  const std::string id = made["id"];

  // The CSAF document passes the mandatory tests and names the incident.
  const auto csaf = service_->Csaf(cert_, id);
  ASSERT_TRUE(csaf.ok()) << csaf.status().ToString();
  EXPECT_TRUE(cyber::CheckCsafMandatory(*csaf)->empty());
  const json doc = json::parse(*csaf);
  EXPECT_EQ(doc["document"]["tracking"]["id"], "NL-EISAS-2026-0001");
  EXPECT_EQ(doc["document"]["category"], "csaf_security_incident_response");

  // A draft is not public.
  EXPECT_EQ(json::parse(*service_->PublicJson())["advisories"].size(), 0U);
  EXPECT_EQ(service_->PublicPageHtml("NL-EISAS-2026-0001", "en").status().code(),
            StatusCode::kNotFound);

  const json published = Ok(service_->Publish(cert_, id));
  EXPECT_EQ(published["url"], "/advisories/NL-EISAS-2026-0001");
  EXPECT_TRUE(Logged("record.release", "ok", id));
  const json pub = json::parse(*service_->PublicJson());
  ASSERT_EQ(pub["advisories"].size(), 1U);
  EXPECT_EQ(pub["advisories"][0]["id"], "NL-EISAS-2026-0001");
  const auto page = service_->PublicPageHtml("NL-EISAS-2026-0001", "de");
  ASSERT_TRUE(page.ok());
  EXPECT_NE(page->find("<html lang=\"de\">"), std::string::npos);
  EXPECT_NE(service_->PublicFeedAtom()->find("NL-EISAS-2026-0001?lang=el"), std::string::npos);
  EXPECT_NE(service_->PublicIndexHtml("en")->find("Fake parcel texts steal bank logins"),
            std::string::npos);
}

// A published advisory is revised: the public keeps the released version until the revision is
// published; the CSAF document gains a revision and still passes the mandatory tests.
TEST_F(AdvisoryServiceTest, RevisionStaysDraftUntilPublished) {
  const std::string incident =
      Create(cert_, IncidentRecord("Parcel scam", "CLEAR", testing::kClearHandling));
  const json body = json::parse(AdvisoryBody(incident, "NL-EISAS-2026-0007"));
  const std::string id = Ok(service_->Create(cert_, body.dump()))["id"];
  Ok(service_->Publish(cert_, id));
  const json v1 = json::parse(*service_->PublicJson())["advisories"][0];
  ASSERT_EQ(v1["version"], "1");

  // Version 2: critical, one more step, the headline reworded.
  clock_.Advance(3'600'000);
  json advisory = body["advisory"];
  advisory["severity"] = "critical";
  advisory["texts"]["en"]["headline"] = "Fake parcel texts now also steal card numbers";
  advisory["texts"]["en"]["steps"].push_back("Block your card through your bank's app.");
  const json revised = Ok(service_->Revise(
      cert_, id,
      json{{"summary", "Card numbers are now targeted too"}, {"advisory", advisory}}.dump()));
  EXPECT_EQ(revised["version"], "2");
  EXPECT_EQ(revised["status"], "draft");
  EXPECT_TRUE(Logged("record.update", "ok", id));

  // The public still reads version 1, as released.
  const json still = json::parse(*service_->PublicJson())["advisories"];
  ASSERT_EQ(still.size(), 1U);
  EXPECT_EQ(still[0], v1);
  EXPECT_EQ(service_->PublicPageHtml("NL-EISAS-2026-0007", "en")->find("card numbers"),
            std::string::npos);

  // The CSAF document: two revisions, version 2, new title and severity, mandatory tests pass.
  const auto csaf = service_->Csaf(cert_, id);
  ASSERT_TRUE(csaf.ok()) << csaf.status().ToString();
  EXPECT_TRUE(cyber::CheckCsafMandatory(*csaf)->empty()) << *csaf;
  const json doc = json::parse(*csaf)["document"];
  EXPECT_EQ(doc["tracking"]["version"], "2");
  ASSERT_EQ(doc["tracking"]["revision_history"].size(), 2U);
  EXPECT_EQ(doc["tracking"]["revision_history"][1]["summary"], "Card numbers are now targeted too");
  EXPECT_NE(doc["tracking"]["current_release_date"], doc["tracking"]["initial_release_date"]);
  EXPECT_EQ(doc["title"], "Fake parcel texts now also steal card numbers");
  EXPECT_EQ(doc["aggregate_severity"]["text"], "Critical");

  // Published: version 2 is public, first published when version 1 was.
  clock_.Advance(60'000);
  Ok(service_->Publish(cert_, id));
  const json v2 = json::parse(*service_->PublicJson())["advisories"][0];
  EXPECT_EQ(v2["version"], "2");
  EXPECT_EQ(v2["severity"], "critical");
  EXPECT_EQ(v2["published_at"], v1["published_at"]);
  EXPECT_NE(v2["updated_at"], v1["updated_at"]);
  EXPECT_EQ(v2["texts"]["en"]["steps"].size(), v1["texts"]["en"]["steps"].size() + 1);
  EXPECT_NE(service_->PublicPageHtml("NL-EISAS-2026-0007", "en")->find("card numbers"),
            std::string::npos);

  // A revision without new text only bumps the version; the text stays.
  const json v3 = Ok(service_->Revise(cert_, id, R"({"summary":"Reporting contact checked"})"));
  EXPECT_EQ(v3["version"], "3");
  EXPECT_EQ(json::parse(*service_->Csaf(cert_, id))["document"]["title"],
            "Fake parcel texts now also steal card numbers");
}

TEST_F(AdvisoryServiceTest, RevisionsKeepTrackingIdAndTlp) {
  const std::string incident =
      Create(cert_, IncidentRecord("Parcel scam", "CLEAR", testing::kClearHandling));
  const json body = json::parse(AdvisoryBody(incident, "NL-EISAS-2026-0008"));
  const std::string id = Ok(service_->Create(cert_, body.dump()))["id"];
  auto field_of = [&](const json& revise) {
    const auto r = service_->Revise(cert_, id, revise.dump());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << revise.dump();
    return r.status().field();
  };
  EXPECT_EQ(field_of(json{{"advisory", body["advisory"]}}), "summary");
  json other_id = body["advisory"];
  other_id["id"] = "NL-EISAS-2026-0009";
  EXPECT_EQ(field_of(json{{"summary", "x"}, {"advisory", other_id}}), "advisory.id");
  json green = body["advisory"];
  green["tlp"] = "GREEN";
  EXPECT_EQ(field_of(json{{"summary", "x"}, {"advisory", green}}), "advisory.tlp");
  json no_texts = body["advisory"];
  no_texts.erase("texts");
  EXPECT_EQ(field_of(json{{"summary", "x"}, {"advisory", no_texts}}).rfind("advisory.", 0), 0U);
  // Only CERT officers revise: the police, who may read the CLEAR draft, may not.
  EXPECT_EQ(service_->Revise(As("DE-BKA"), id, R"({"summary":"x"})").status().code(),
            StatusCode::kPermissionDenied);
  // Nothing of the refused revisions was written: still version 1.
  EXPECT_EQ(json::parse(*service_->Csaf(cert_, id))["document"]["tracking"]["version"], "1");
}

TEST_F(AdvisoryServiceTest, AmberSourcesAreNeverPublished) {
  const std::string amber =
      Create(cert_, IncidentRecord("Intrusion", "AMBER", testing::kAmberHandling));
  const json made = Ok(service_->Create(cert_, AdvisoryBody(amber, "NL-EISAS-2026-0002")));
  EXPECT_EQ(made["sources_tlp"], "AMBER");
  const Status s = service_->Publish(cert_, made["id"].get<std::string>()).status();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("TLP:AMBER"), std::string::npos) << s.message();
  EXPECT_TRUE(Logged("advisory.publish", "refused"));

  // A CLEAR-labelled incident whose record is shared more narrowly is not CLEAR either.
  const std::string narrow =
      Create(cert_, IncidentRecord("Mislabelled", "CLEAR", testing::kAmberHandling));
  const json made2 = Ok(service_->Create(cert_, AdvisoryBody(narrow, "NL-EISAS-2026-0003")));
  EXPECT_EQ(made2["sources_tlp"], "AMBER");
  EXPECT_EQ(service_->Publish(cert_, made2["id"].get<std::string>()).status().code(),
            StatusCode::kFailedPrecondition);

  // An AMBER advisory is refused even from CLEAR sources.
  const std::string clear =
      Create(cert_, IncidentRecord("Parcel scam", "CLEAR", testing::kClearHandling));
  const json made3 =
      Ok(service_->Create(cert_, AdvisoryBody(clear, "NL-EISAS-2026-0004", "AMBER")));
  EXPECT_EQ(service_->Publish(cert_, made3["id"].get<std::string>()).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(json::parse(*service_->PublicJson())["advisories"].size(), 0U);
}

TEST_F(AdvisoryServiceTest, ASourceNarrowedAfterwardsStopsThePublication) {
  const std::string incident =
      Create(cert_, IncidentRecord("Parcel scam", "CLEAR", testing::kClearHandling));
  const json made = Ok(service_->Create(cert_, AdvisoryBody(incident, "NL-EISAS-2026-0007")));
  ASSERT_EQ(made["sources_tlp"], "CLEAR");
  // The incident is narrowed to AMBER after the advisory was made: the node's release check,
  // on the records as they are now, refuses.
  ASSERT_TRUE(node_
                  ->PatchRecord(cert_, incident,
                                std::string(R"({"handling":)") + testing::kAmberHandling + "}")
                  .ok());
  const std::string id = made["id"];
  const Status s = service_->Publish(cert_, id).status();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find(incident), std::string::npos) << s.message();
  EXPECT_TRUE(Logged("record.release", "refused", id));
  // The advisory is a draft again and nothing is public.
  const auto record = node_->GetRecord(cert_, id);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(json::parse(record->properties_json)["status"], "draft");
  EXPECT_EQ(json::parse(*service_->PublicJson())["advisories"].size(), 0U);
}

TEST_F(AdvisoryServiceTest, OnlyCertOfficersMakeAdvisories) {
  const std::string incident =
      Create(cert_, IncidentRecord("Parcel scam", "CLEAR", testing::kClearHandling));
  const std::string body = AdvisoryBody(incident, "NL-EISAS-2026-0005");
  EXPECT_EQ(service_->Create(As("NL-CERT", core::Role::kAnalyst), body).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->Create(As("EU-EUROPOL"), body).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(Logged("advisory.create", "denied"));
}

TEST_F(AdvisoryServiceTest, BadBodiesNameTheField) {
  const std::string incident =
      Create(cert_, IncidentRecord("Parcel scam", "CLEAR", testing::kClearHandling));
  auto body = json::parse(AdvisoryBody(incident, "NL-EISAS-2026-0006"));
  const auto field_of = [&](const json& b) {
    return service_->Create(cert_, b.dump()).status().field();
  };
  auto b = body;
  b["profile"] = "vex";
  EXPECT_EQ(field_of(b), "profile");
  b = body;
  b["advisory"]["texts"]["en"].erase("steps");
  EXPECT_EQ(field_of(b), "advisory.texts.en.steps");
  b = body;
  b.erase("incident");
  EXPECT_EQ(field_of(b), "incident");
  b = body;
  b["indicators"] = {incident};  // an Incident is not a STIX object
  EXPECT_EQ(field_of(b), "indicators[0]");
  b = body;
  b["stix"] = {{"type", "bundle"}, {"objects", {{{"type", "indicator"}, {"id", "x"}}}}};
  EXPECT_EQ(field_of(b), "stix.objects[0].id");
  EXPECT_EQ(service_->Create(cert_, "[").status().field(), "body");
}

}  // namespace
}  // namespace issa::eisas
