// Correlation, hit/no-hit and confidence over HTTP (issue 6, items 5-6): three CERTs write STIX
// objects through TAXII; /api/v1/cyber/correlations shows each caller the correlations with what
// it may see, a hit notice (the node's cross-matching) for its own record's correlation with
// what it may not see, and nothing else of it; the access-request flow opens it up; sightings
// any authority shares move an indicator's confidence. docs/cyber.md, "Correlation and handling".
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/cti/service.h"
#include "issa/cyber/confidence.h"

#include "api_fixture.h"
#include "cti_fixture.h"

namespace issa::integration {
namespace {

using api::testing::HttpClient;
using api::testing::Response;
using json = nlohmann::json;

constexpr const char* kTaxii = "application/taxii+json;version=2.1";
constexpr const char* kGreen = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
constexpr const char* kAmber = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";

std::string IndicatorJson(const std::string& id, const std::string& pattern,
                          const std::string& marking, const std::string& extra = "") {
  return fmt::format(
      R"({{"type":"indicator","spec_version":"2.1","id":"{}","created":"2026-05-01T00:00:00.000Z","modified":"2026-05-01T00:00:00.000Z","pattern_type":"stix","pattern":"{}","valid_from":"2026-05-01T00:00:00Z","object_marking_refs":["{}"]{}}})",
      id, pattern, marking, extra);
}

std::string SightingJson(const std::string& id, const std::string& of, const std::string& marking,
                         const std::string& kind) {
  return fmt::format(
      R"({{"type":"sighting","spec_version":"2.1","id":"{}","created":"2026-05-28T00:00:00.000Z","modified":"2026-05-28T00:00:00.000Z","sighting_of_ref":"{}","count":1,"last_seen":"2026-05-28T00:00:00.000Z","object_marking_refs":["{}"],"x_misp_sighting_type":"{}"}})",
      id, of, marking, kind);
}

// The objects: A (DE-CERT, AMBER: DE only) shares 203.0.113.7 and evil.example with N (NL-CERT,
// GREEN: everyone); F (FR-CERT, GREEN) holds the network of that address, G (FR-CERT, GREEN) a
// subdomain of N's name.
const std::string kA = "indicator--0000a000-17d4-4cbf-938f-98ee46b3cd3f";
const std::string kF = "indicator--0000f000-17d4-4cbf-938f-98ee46b3cd3f";
const std::string kG = "indicator--00006000-17d4-4cbf-938f-98ee46b3cd3f";
const std::string kN = "indicator--0000e000-17d4-4cbf-938f-98ee46b3cd3f";

class CorrelationTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    h_ = std::make_unique<ApiHarness>(GetParam(), api::ServerOptions{},
                                      ServeCti(cti_, "correlation test cursor key"));
    ASSERT_TRUE(h_->ok());
    for (const char* id : {"NL-CERT", "DE-CERT", "FR-CERT"}) {
      h_->AddAuthority(id, std::string(id, 2), core::AuthorityKind::kCert);
      tokens_[id] = h_->Token(id, core::Role::kOfficer, core::Classification::kRestricted);
    }
    c_ = std::make_unique<HttpClient>(h_->port());
  }

  void TearDown() override {
    h_.reset();
    cti_.reset();
  }

  void Post(const std::string& authority, const std::string& object) {
    const std::string path = "/taxii2/cti/collections/" +
                             cti::CtiService::AuthorityCollectionId(authority) + "/objects/";
    Response r = c_->Request("POST", path, tokens_.at(authority), R"({"objects":[)" + object + "]}",
                             kTaxii, {{"Accept", kTaxii}});
    ASSERT_EQ(r.status, 202) << r.body;
    ASSERT_EQ(r.Json()["success_count"], 1) << r.body;
  }

  Response Correlations(const std::string& authority, const std::string& id,
                        const std::string& query = "") {
    return c_->Get("/api/v1/cyber/correlations/" + id + query, tokens_.at(authority));
  }

  void WriteAll() {
    Post(
        "DE-CERT",
        IndicatorJson(kA, "[ipv4-addr:value = '203.0.113.7' OR domain-name:value = 'evil.example']",
                      kAmber));
    Post("FR-CERT", IndicatorJson(kF, "[ipv4-addr:value = '203.0.113.0/24']", kGreen));
    Post("FR-CERT", IndicatorJson(kG, "[domain-name:value = 'cdn.www.evil.example']", kGreen));
    Post("NL-CERT",
         IndicatorJson(
             kN, "[ipv4-addr:value = '203.0.113.7' OR domain-name:value = 'www.evil.example']",
             kGreen, R"(,"confidence":60)"));
  }

  static std::set<std::string> Ids(const json& answer) {
    std::set<std::string> ids;
    for (const auto& c : answer["correlations"]) ids.insert(c["id"].get<std::string>());
    return ids;
  }

  std::unique_ptr<cti::CtiService> cti_;
  std::unique_ptr<ApiHarness> h_;
  std::unique_ptr<HttpClient> c_;
  std::map<std::string, std::string> tokens_;
};

TEST_P(CorrelationTest, VisibleCorrelationsWithContentHiddenOnesAsHitNotices) {
  WriteAll();
  Response r = Correlations("NL-CERT", kN);
  ASSERT_EQ(r.status, 200) << r.body;
  const json nl = r.Json();
  EXPECT_EQ(nl["object"]["id"], kN);
  EXPECT_EQ(nl["object"]["owner"], "NL-CERT");
  EXPECT_EQ(Ids(nl), (std::set<std::string>{kF, kG})) << r.body;
  for (const auto& c : nl["correlations"]) {
    if (c["id"] == kF) {
      EXPECT_EQ(c["kind"], "within-network");
      EXPECT_EQ(c["value"], "203.0.113.0/24");
      EXPECT_EQ(c["owner"], "FR-CERT");
    } else {
      EXPECT_EQ(c["kind"], "parent-domain-of");
      EXPECT_EQ(c["value"], "cdn.www.evil.example");
    }
  }
  // A is hidden from NL: one hit notice, without the record, its id or its own values.
  ASSERT_EQ(nl["notices"].size(), 1u) << r.body;
  const json notice = nl["notices"][0];
  EXPECT_EQ(notice["other_authority"], "DE-CERT");
  EXPECT_EQ(notice["other_type"], "StixObject");
  EXPECT_TRUE(notice["other_record"].is_null());
  EXPECT_EQ(notice["your_record"], nl["object"]["record"]);
  const auto features = notice["features"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(features.begin(), features.end(), "same-value"), features.end()) << r.body;
  EXPECT_EQ(r.body.find(kA), std::string::npos);
  EXPECT_EQ(r.body.find("\"evil.example\""), std::string::npos) << r.body;
  // The graph: the network and the subdomain, never the hidden evil.example group.
  Response g = c_->Get("/api/v1/cyber/correlations/" + kN + "/graph?depth=3", tokens_["NL-CERT"]);
  ASSERT_EQ(g.status, 200) << g.body;
  std::set<std::string> values;
  const json graph = g.Json();
  for (const auto& n : graph["nodes"]) {
    values.insert(n["value"].get<std::string>());
    for (const auto& m : n["members"]) EXPECT_NE(m["id"], kA) << g.body;
  }
  EXPECT_EQ(values, (std::set<std::string>{"203.0.113.7", "www.evil.example", "203.0.113.0/24",
                                           "cdn.www.evil.example"}))
      << g.body;
  EXPECT_EQ(g.body.find(kA), std::string::npos);

  // DE-CERT sees both sides: A correlates with N (same value and parent domain), no notice.
  Response de = Correlations("DE-CERT", kA);
  ASSERT_EQ(de.status, 200) << de.body;
  EXPECT_EQ(Ids(de.Json()), (std::set<std::string>{kN, kF, kG})) << de.body;
  EXPECT_TRUE(de.Json()["notices"].empty()) << de.body;
  // FR-CERT may not see A: the same answer as for an unknown object.
  Response fr = Correlations("FR-CERT", kA);
  Response unknown = Correlations("FR-CERT", "indicator--00000000-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_EQ(fr.status, 404);
  EXPECT_EQ(unknown.status, 404);
  json a = fr.Json(), b = unknown.Json();
  a["error"].erase("request_id");
  b["error"].erase("request_id");
  EXPECT_EQ(a, b);
  EXPECT_EQ(c_->Get("/api/v1/cyber/correlations/" + kA + "/graph", tokens_["FR-CERT"]).status, 404);

  // The hit-notice flow: NL asks, DE grants, A shows with its content.
  Response asked = c_->Post("/api/v1/hits/" + notice["id"].get<std::string>() + "/access-requests",
                            tokens_["NL-CERT"],
                            R"({"justification":"same C2 address in an incident at a ministry"})");
  ASSERT_EQ(asked.status, 201) << asked.body;
  Response granted =
      c_->Post("/api/v1/access-requests/" + asked.Json()["id"].get<std::string>() + "/grant",
               tokens_["DE-CERT"], R"({"reason":"ok"})");
  ASSERT_EQ(granted.status, 200) << granted.body;
  Response after = Correlations("NL-CERT", kN);
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(Ids(after.Json()), (std::set<std::string>{kA, kF, kG})) << after.body;
  EXPECT_TRUE(after.Json()["notices"].empty()) << after.body;
}

TEST_P(CorrelationTest, NoNoticeOnceTheHiddenObjectIsWithdrawnOrReplaced) {
  WriteAll();
  ASSERT_EQ(Correlations("NL-CERT", kN).Json()["notices"].size(), 1u);
  // DE replaces A by a version without the shared address: still a notice (the new version's
  // own hit on the shared name), one only.
  Post(
      "DE-CERT",
      fmt::format(
          R"({{"type":"indicator","spec_version":"2.1","id":"{}","created":"2026-05-01T00:00:00.000Z","modified":"2026-05-02T00:00:00.000Z","pattern_type":"stix","pattern":"[domain-name:value = 'evil.example']","valid_from":"2026-05-01T00:00:00Z","object_marking_refs":["{}"]}})",
          kA, kAmber));
  Response replaced = Correlations("NL-CERT", kN);
  ASSERT_EQ(replaced.Json()["notices"].size(), 1u) << replaced.body;
  const auto features = replaced.Json()["notices"][0]["features"].get<std::vector<std::string>>();
  EXPECT_EQ(std::find(features.begin(), features.end(), "same-value"), features.end());
  // DE withdraws A: no notice is left.
  Response deleted =
      c_->Request("DELETE",
                  "/taxii2/cti/collections/" + cti::CtiService::AuthorityCollectionId("DE-CERT") +
                      "/objects/" + kA + "/",
                  tokens_["DE-CERT"], {}, "application/json", {{"Accept", kTaxii}});
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  Response gone = Correlations("NL-CERT", kN);
  EXPECT_TRUE(gone.Json()["notices"].empty()) << gone.body;
  EXPECT_EQ(Ids(gone.Json()), (std::set<std::string>{kF, kG}));
}

TEST_P(CorrelationTest, PagesOverWhatTheCallerMaySee) {
  WriteAll();
  std::set<std::string> seen;
  size_t offset = 0;
  for (int i = 0; i < 10; ++i) {
    Response r = Correlations("NL-CERT", kN, fmt::format("?limit=1&offset={}", offset));
    ASSERT_EQ(r.status, 200) << r.body;
    const json page = r.Json();
    ASSERT_LE(page["correlations"].size(), 1u);
    for (const auto& id : Ids(page)) EXPECT_TRUE(seen.insert(id).second);
    if (!page.contains("next_offset")) break;
    offset = page["next_offset"];
  }
  EXPECT_EQ(seen, (std::set<std::string>{kF, kG}));
  EXPECT_EQ(Correlations("NL-CERT", kN, "?limit=0").status, 400);
  EXPECT_EQ(Correlations("NL-CERT", kN, "?bogus=1").status, 400);
  EXPECT_EQ(Correlations("NL-CERT", "not-a-stix-id").status, 400);
}

TEST_P(CorrelationTest, SightingsTheCallerMaySeeMoveTheConfidence) {
  WriteAll();
  const auto score = [&](const std::string& authority) {
    Response r = Correlations(authority, kN);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json()["object"]["confidence"];
  };
  const json before = score("NL-CERT");
  EXPECT_EQ(before["stated"], 60);
  EXPECT_EQ(before["sightings"], 0);
  // DE shares a sighting (GREEN); FR reports a false positive for itself only (AMBER).
  Post("DE-CERT",
       SightingJson("sighting--0000d000-17d4-4cbf-938f-98ee46b3cd3f", kN, kGreen, "sighting"));
  Post("FR-CERT", SightingJson("sighting--0000f000-17d4-4cbf-938f-98ee46b3cd3f", kN, kAmber,
                               "false-positive"));
  const json nl = score("NL-CERT");
  const json fr = score("FR-CERT");
  EXPECT_EQ(nl["sightings"], 1);
  EXPECT_EQ(nl["false_positives"], 0);
  EXPECT_EQ(fr["sightings"], 1);
  EXPECT_EQ(fr["false_positives"], 1);
  EXPECT_GT(nl["score"].get<double>(), before["score"].get<double>());
  EXPECT_LT(fr["score"].get<double>(), nl["score"].get<double>());
  // The score is the model's (ConfidenceModel::Default, the server's default).
  const auto created = core::ParseTimestamp("2026-05-01T00:00:00.000Z");
  const auto seen = core::ParseTimestamp("2026-05-28T00:00:00.000Z");
  ASSERT_TRUE(created.ok() && seen.ok());
  const double want = cyber::ConfidenceScore(
      cyber::ConfidenceModel::Default(), cyber::ObservableType::kIpv4, *created, 60,
      {{"DE-CERT", cyber::SightingKind::kSighting, *seen, 1}}, h_->clock().Now());
  EXPECT_NEAR(nl["score"].get<double>(), want, 0.051);
  // Time lowers it (half-life of an IPv4 indicator).
  h_->clock().Advance(60 * core::kMsPerDay);
  EXPECT_LT(score("NL-CERT")["score"].get<double>(), nl["score"].get<double>());
}

INSTANTIATE_TEST_SUITE_P(Backends, CorrelationTest,
                         ::testing::Values(Backend::kMemory, Backend::kSqlite),
                         [](const auto& param_info) { return BackendName(param_info.param); });

}  // namespace
}  // namespace issa::integration
