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
