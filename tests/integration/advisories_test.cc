// EISAS advisories over HTTP: a real node over SQLite with the AdvisoryService behind
// api::Server on a loopback port. An AMBER incident cannot be published; a CLEAR one appears in
// the public feed, pages and JSON; an anonymous client sees nothing else.
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/eisas/advisory_service.h"

#include "api_fixture.h"
#include "eisas_fixtures.h"

namespace issa::integration {
namespace {

using api::testing::HttpClient;
using api::testing::Response;
using json = nlohmann::json;

class AdvisoriesApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_ = std::make_unique<ApiHarness>(Backend::kSqlite, api::ServerOptions{},
                                      [this](node::Node& n, api::ServerOptions& o) {
                                        eisas::AdvisoryOptions ao;
                                        ao.public_base_url = "https://eisas.example.eu";
                                        service_ = std::make_unique<eisas::AdvisoryService>(n, ao);
                                        o.advisories = service_.get();
                                      });
    ASSERT_TRUE(h_->ok());
    h_->AddAuthority("NL-CERT", "NL", core::AuthorityKind::kCert);
    h_->AddAuthority("DE-BKA", "DE", core::AuthorityKind::kPolice);
    cert_ = h_->Token("NL-CERT", core::Role::kOfficer, core::Classification::kRestricted);
    analyst_ = h_->Token("NL-CERT", core::Role::kAnalyst, core::Classification::kRestricted);
    c_ = std::make_unique<HttpClient>(h_->port());
  }
  void TearDown() override {
    c_.reset();
    h_.reset();  // the server stops before the service goes
    service_.reset();
  }

  std::string CreateIncident(const std::string& title, const std::string& tlp,
                             const std::string& handling) {
    Response r =
        c_->Post("/api/v1/records", cert_, eisas::testing::IncidentRecord(title, tlp, handling));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }
  json MakeAdvisory(const std::string& incident, const std::string& tracking_id) {
    Response r =
        c_->Post("/api/v1/advisories", cert_, eisas::testing::AdvisoryBody(incident, tracking_id));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json();
  }

  std::unique_ptr<eisas::AdvisoryService> service_;
  std::unique_ptr<ApiHarness> h_;
  std::unique_ptr<HttpClient> c_;
  std::string cert_;
  std::string analyst_;
};

TEST_F(AdvisoriesApiTest, AmberIsRefusedClearIsPublishedAndNothingElseIsPublic) {
  // An AMBER incident (shared with DE-BKA only): the advisory is made but cannot be published.
  const std::string amber =
      CreateIncident("Intrusion at a ministry", "AMBER", eisas::testing::kAmberHandling);
  const json amber_advisory = MakeAdvisory(amber, "NL-EISAS-2026-0100");
  EXPECT_EQ(amber_advisory["sources_tlp"], "AMBER");
  const std::string amber_id = amber_advisory["id"];
  Response refused = c_->Post("/api/v1/advisories/" + amber_id + "/publish", cert_, "");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.Json()["error"]["message"].get<std::string>().find("TLP:AMBER"),
            std::string::npos);

  // A CLEAR incident: published, then in the feed, the pages and the JSON.
  const std::string clear = CreateIncident("Parcel scam", "CLEAR", eisas::testing::kClearHandling);
  const std::string clear_id = MakeAdvisory(clear, "NL-EISAS-2026-0101")["id"];
  EXPECT_EQ(c_->Post("/api/v1/advisories/" + clear_id + "/publish", analyst_, "").status, 403);
  Response published = c_->Post("/api/v1/advisories/" + clear_id + "/publish", cert_, "");
  ASSERT_EQ(published.status, 200) << published.body;

  Response feed = c_->Get("/advisories/feed.atom");
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_EQ(feed.Header("content-type"), "application/atom+xml; charset=utf-8");
  EXPECT_NE(
      feed.body.find("<id>https://eisas.example.eu/advisories/NL-EISAS-2026-0101?lang=en</id>"),
      std::string::npos);
  EXPECT_EQ(feed.body.find("NL-EISAS-2026-0100"), std::string::npos);
  EXPECT_EQ(feed.body.find("ministry"), std::string::npos);

  Response page = c_->Get("/advisories/NL-EISAS-2026-0101?lang=de");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("<html lang=\"de\">"), std::string::npos);
  EXPECT_NE(page.Header("content-security-policy").find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(c_->Get("/advisories/NL-EISAS-2026-0100").status, 404);  // the AMBER one
  EXPECT_EQ(c_->Get("/advisories/NL-EISAS-2026-0101?lang=%3Cb%3E").status, 400);

  Response index = c_->Get("/advisories/");
  ASSERT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("NL-EISAS-2026-0101"), std::string::npos);
  EXPECT_EQ(index.body.find("NL-EISAS-2026-0100"), std::string::npos);

  Response list = c_->Get("/advisories.json");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.Json()["advisories"].size(), 1U);
  EXPECT_EQ(list.Json()["advisories"][0]["id"], "NL-EISAS-2026-0101");

  // The CSAF document needs a token.
  EXPECT_EQ(c_->Get("/api/v1/advisories/" + clear_id + "/csaf").status, 401);
  Response csaf = c_->Get("/api/v1/advisories/" + clear_id + "/csaf", cert_);
  ASSERT_EQ(csaf.status, 200);
  EXPECT_EQ(csaf.Json()["document"]["distribution"]["tlp"]["label"], "WHITE");

  // Anonymous: no records, no incident (CLEAR or not), no advisory record, no CSAF.
  EXPECT_EQ(c_->Get("/api/v1/records").status, 401);
  EXPECT_EQ(c_->Get("/api/v1/records/" + clear).status, 401);
  EXPECT_EQ(c_->Get("/api/v1/records/" + clear_id).status, 401);
  EXPECT_EQ(c_->Post("/api/v1/advisories", "", "{}").status, 401);
  EXPECT_EQ(c_->Post("/api/v1/advisories/" + clear_id + "/publish", "", "").status, 401);
  // A CLEAR incident is PUBLIC + all, but was never released: not on the public pages.
  EXPECT_EQ(c_->Get("/advisories/" + clear).status, 404);
}

TEST_F(AdvisoriesApiTest, ARevisionIsPublicOnlyOncePublished) {
  const std::string clear = CreateIncident("Parcel scam", "CLEAR", eisas::testing::kClearHandling);
  const std::string id = MakeAdvisory(clear, "NL-EISAS-2026-0102")["id"];
  ASSERT_EQ(c_->Post("/api/v1/advisories/" + id + "/publish", cert_, "").status, 200);
  const std::string revise = "/api/v1/advisories/" + id + "/revisions";
  Response missing = c_->Post(revise, cert_, "{}");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.Json()["error"]["field"], "summary");
  EXPECT_EQ(c_->Post(revise, analyst_, R"({"summary":"x"})").status, 403);
  EXPECT_EQ(c_->Post(revise, "", R"({"summary":"x"})").status, 401);
  Response revised = c_->Post(revise, cert_, R"({"summary":"Reporting contact checked"})");
  ASSERT_EQ(revised.status, 201) << revised.body;
  EXPECT_EQ(revised.Json()["version"], "2");
  // The public still reads version 1; the CSAF document already has the new revision.
  EXPECT_EQ(c_->Get("/advisories.json").Json()["advisories"][0]["version"], "1");
  Response csaf = c_->Get("/api/v1/advisories/" + id + "/csaf", cert_);
  EXPECT_EQ(csaf.Json()["document"]["tracking"]["revision_history"].size(), 2U);
  ASSERT_EQ(c_->Post("/api/v1/advisories/" + id + "/publish", cert_, "").status, 200);
  EXPECT_EQ(c_->Get("/advisories.json").Json()["advisories"][0]["version"], "2");
}

}  // namespace
}  // namespace issa::integration
