// EUROSUR over HTTP: a real node over SQLite with the EurosurService behind api::Server.
#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/eurosur/service.h"

#include "api_fixture.h"

namespace issa::integration {
namespace {

using api::testing::HttpClient;
using api::testing::Response;
using api::testing::SseClient;
using json = nlohmann::json;

// The hand-drawn sections of tests/data/maritime (IT, GR and ES; see border-sections.md).
std::string Sections() {
  std::ifstream in(std::string(ISSA_MARITIME_TEST_DATA) + "/border-sections.geojson");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class EurosurApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_ = std::make_unique<ApiHarness>(Backend::kSqlite, api::ServerOptions{},
                                      [this](node::Node& n, api::ServerOptions& o) {
                                        eurosur_ = std::make_unique<eurosur::EurosurService>(n);
                                        o.eurosur = eurosur_.get();
                                      });
    ASSERT_TRUE(h_->ok());
    h_->AddAuthority("IT-NCC", "IT", core::AuthorityKind::kBorder);
    h_->AddAuthority("GR-NCC", "GR", core::AuthorityKind::kBorder);
    h_->AddAuthority("ES-NCC", "ES", core::AuthorityKind::kBorder);
    h_->AddAuthority("FR-PIU", "FR", core::AuthorityKind::kPiu);
    auto a = h_->node().AddAuthority(h_->system(), core::Authority{"EU-FRONTEX",
                                                                   "EU",
                                                                   {core::AuthorityKind::kEuAgency,
                                                                    core::AuthorityKind::kBorder},
                                                                   "Frontex",
                                                                   0});
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    it_ = h_->Token("IT-NCC", core::Role::kOfficer, core::Classification::kRestricted);
    gr_ = h_->Token("GR-NCC", core::Role::kOfficer, core::Classification::kRestricted);
    fx_ = h_->Token("EU-FRONTEX", core::Role::kOfficer, core::Classification::kRestricted);
    piu_ = h_->Token("FR-PIU", core::Role::kOfficer, core::Classification::kRestricted);
    c_ = std::make_unique<HttpClient>(h_->port());
  }

  void TearDown() override {
    c_.reset();
    h_.reset();  // the server stops before the service goes
    eurosur_.reset();
  }

  json Call(const std::string& method, const std::string& path, const std::string& token,
            const std::string& body, int status) {
    Response r = c_->Request(method, "/api/v1/eurosur" + path, token, body);
    EXPECT_EQ(r.status, status) << method << " " << path << ": " << r.body;
    return r.Json();
  }
  json Post(const std::string& path, const std::string& token, const json& body, int status) {
    return Call("POST", path, token, body.dump(), status);
  }
  json Get(const std::string& path, const std::string& token, int status = 200) {
    return Call("GET", path, token, "", status);
  }

  std::string ReportEvent(const std::string& token, double lat, double lon, json extra = {}) {
    json body = {{"category", "unauthorised_border_crossing"},
                 {"description", "rubber boat, 40 people"},
                 {"lat", lat},
                 {"lon", lon},
                 {"occurred_at", core::FormatTimestamp(h_->clock().Now() - 3'600'000)},
                 {"confidence", "high"},
                 {"impact", "high"}};
    if (extra.is_object()) body.update(extra);
    return Post("/events", token, body, 201).value("id", "");
  }

  static bool Has(const json& fc, const std::string& id) {
    if (!fc.contains("features")) return false;
    for (const auto& f : fc["features"]) {
      if (f.value("id", "") == id) return true;
    }
    return false;
  }

  std::unique_ptr<eurosur::EurosurService> eurosur_;
  std::unique_ptr<ApiHarness> h_;
  std::unique_ptr<HttpClient> c_;
  std::string it_, gr_, fx_, piu_;
};

TEST_F(EurosurApiTest, ImpactLevelAgreementWorkflow) {
  Response bad = c_->Request("POST", "/api/v1/eurosur/sections/import", fx_, R"({"type":"x"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.Json()["error"]["field"], "type");
  Post("/sections/import", gr_, json::parse(Sections()), 403);
  json imported = Post("/sections/import", fx_, json::parse(Sections()), 201);
  EXPECT_EQ(imported["imported"], 6);
  json sections = Get("/sections", it_);
  ASSERT_EQ(sections["sections"].size(), 6u);

  // NCC proposes high (its own agreement) -> the Agency attributes -> tasks to the NCC.
  json p = Post("/sections/IT-SEA-PELAGIE/impact/proposals", it_,
                {{"level", "high"}, {"reason", "arrivals tripled"}}, 201);
  const std::string proposal = p["state"]["proposal"]["id"];
  Post("/sections/IT-SEA-PELAGIE/impact/attribute", it_, {{"proposal_id", proposal}}, 403);
  json missing = Post("/sections/IT-SEA-PELAGIE/impact/proposals", it_, {{"level", "high"}}, 400);
  EXPECT_EQ(missing["error"]["field"], "reason");
  json att =
      Post("/sections/IT-SEA-PELAGIE/impact/attribute", fx_, {{"proposal_id", proposal}}, 200);
  EXPECT_EQ(att["state"]["level"], "high");
  json tasks = Get("/tasks", it_);
  ASSERT_FALSE(tasks["tasks"].empty());
  for (const auto& t : tasks["tasks"]) EXPECT_EQ(t["addressee"], "IT-NCC");
  EXPECT_TRUE(Get("/tasks", gr_)["tasks"].empty());

  // The Agency proposes for Greece -> Greece refuses -> the level stays; attribute is 409.
  json gp = Post("/sections/GR-SEA-LESVOS/impact/proposals", fx_,
                 {{"level", "medium"}, {"reason", "pressure"}}, 201);
  const std::string gprop = gp["state"]["proposal"]["id"];
  Post("/sections/GR-SEA-LESVOS/impact/agree", it_, {{"proposal_id", gprop}}, 403);
  json refused = Post("/sections/GR-SEA-LESVOS/impact/refuse", gr_,
                      {{"proposal_id", gprop}, {"reason", "not needed"}}, 200);
  EXPECT_EQ(refused["state"]["level"], "low");
  Post("/sections/GR-SEA-LESVOS/impact/attribute", fx_, {{"proposal_id", gprop}}, 409);

  // Critical, agreed and attributed, expires back to low.
  const core::Timestamp until = h_->clock().Now() + 2 * core::kMsPerDay;
  json cp = Post("/sections/GR-SEA-LESVOS/impact/proposals", fx_,
                 {{"level", "critical"},
                  {"reason", "mass arrivals"},
                  {"critical_until", core::FormatTimestamp(until)}},
                 201);
  const std::string cprop = cp["state"]["proposal"]["id"];
  Post("/sections/GR-SEA-LESVOS/impact/agree", gr_, {{"proposal_id", cprop}}, 200);
  json crit = Post("/sections/GR-SEA-LESVOS/impact/attribute", fx_, {{"proposal_id", cprop}}, 200);
  EXPECT_EQ(crit["state"]["level"], "critical");
  h_->clock().Set(until + 1000);
  json after = Get("/sections/GR-SEA-LESVOS/impact", gr_);
  EXPECT_EQ(after["state"]["level"], "low");
  json adv = Post("/sections/GR-SEA-LESVOS/impact/advance", gr_, json::object(), 200);
  EXPECT_EQ(adv["state"]["history"].back()["step"], "critical_expired");
  json history = Get("/sections/GR-SEA-LESVOS/impact", fx_)["state"]["history"];
  std::vector<std::string> steps;
  for (const auto& e : history) steps.push_back(e["step"]);
  EXPECT_EQ(steps, (std::vector<std::string>{"proposed", "refused", "proposed", "agreed",
                                             "attributed", "critical_expired"}));
  // Every step is a record version written and audited by the node.
  auto audit = h_->node().ListAudit(h_->system(), storage::AuditQuery{});
  ASSERT_TRUE(audit.ok());
  int creates = 0;
  for (const auto& e : *audit) creates += e.event.action == "record.create" ? 1 : 0;
  EXPECT_GT(creates, 10);
}

TEST_F(EurosurApiTest, EventLifeCycleRfiAndPictures) {
  Post("/sections/import", fx_, json::parse(Sections()), 201);
  const std::string id =
      ReportEvent(it_, 35.5, 12.5,
                  {{"mmsi", {"247123456"}},
                   {"persons_involved", {"Mario Rossi"}},
                   {"known_at", core::FormatTimestamp(h_->clock().Now() - 30 * 3'600'000)}});
  const std::string restricted = ReportEvent(
      it_, 35.6, 12.6,
      {{"handling",
        {{"classification", "RESTRICTED"}, {"distribution", "owner"}, {"purposes", {"border"}}}}});
  json ev = Get("/events/" + id, it_);
  EXPECT_EQ(ev["event"]["state"], "reported");
  EXPECT_TRUE(ev["timing"]["late"].get<bool>());
  Post("/events/" + id + "/update", it_, {{"description", "rescued by CP 940"}}, 201);
  json fu = Post("/events/" + id + "/follow-ups", it_, {{"description", "landed"}}, 201);
  EXPECT_EQ(fu["event"]["state"], "updated");
  EXPECT_EQ(fu["event"]["follow_ups"].size(), 2u);
  json rev = Post("/events/" + id + "/impact", it_, {{"level", "very_high"}, {"reason", "x"}}, 200);
  EXPECT_EQ(rev["event"]["impact"], "very_high");
  Post("/events/" + id + "/impact", gr_, {{"level", "low"}, {"reason", "x"}}, 404);
  // RFI to Greece: only Greece answers; the requester sees the answer.
  json rfi = Post("/events/" + id + "/rfis", it_,
                  {{"addressee", "GR-NCC"}, {"question", "seen from Lesvos?"}}, 201);
  const std::string rfi_id = rfi["id"];
  Post("/rfis/" + rfi_id + "/answer", piu_, {{"text", "no"}}, 404);
  Post("/rfis/" + rfi_id + "/answer", gr_, {{"text", "no sighting"}}, 201);
  json back = Get("/rfis/" + rfi_id, it_);
  ASSERT_EQ(back["request"]["answers"].size(), 1u);
  EXPECT_EQ(back["request"]["answers"][0]["answered_by"], "GR-NCC");

  // National picture of Italy has both; the European picture (Agency) only the shared one,
  // without personal data other than vessel identifiers; the PIU and Greece see neither.
  json national = Get("/pictures/national/layers/events", it_);
  EXPECT_TRUE(Has(national, id));
  EXPECT_TRUE(Has(national, restricted));
  json european = Get("/pictures/european/layers/events", fx_);
  ASSERT_TRUE(Has(european, id));
  EXPECT_FALSE(Has(european, restricted));
  for (const auto& f : european["features"]) {
    EXPECT_FALSE(f["properties"].contains("persons_involved"));
    if (f["id"] == id) {
      EXPECT_EQ(f["properties"]["mmsi"][0], "247123456");
    }
  }
  for (const std::string layer : {"events", "operational", "analysis"}) {
    json piu = Get("/pictures/national/layers/" + layer, piu_);
    EXPECT_FALSE(Has(piu, id));
    EXPECT_FALSE(Has(piu, restricted));
    json gr = Get("/pictures/european/layers/" + layer, gr_);
    EXPECT_FALSE(Has(gr, restricted));
    Get("/pictures/european/layers/" + layer, piu_, 403);
  }
  // Filters: a box elsewhere and a period before the event are empty.
  EXPECT_TRUE(Get("/pictures/national/layers/events?bbox=20,30,21,31", it_)["features"].empty());
  EXPECT_TRUE(Get("/pictures/national/layers/events?until=2020-01-01", it_)["features"].empty());
  EXPECT_EQ(
      Get("/pictures/national/layers/events?bbox=12.45,35.45,12.55,35.55", it_)["features"].size(),
      1u);
  json badq = Get("/pictures/national/layers/events?bbox=1,2", it_, 400);
  EXPECT_EQ(badq["error"]["field"], "bbox");
  json badl = Get("/pictures/national/layers/weather", it_, 400);
  EXPECT_EQ(badl["error"]["field"], "layer");
  // The analysis layer carries the section impact levels.
  json analysis = Get("/pictures/national/layers/analysis", it_);
  bool section = false;
  for (const auto& f : analysis["features"]) {
    section = section || f["properties"].value("kind", "") == "section_impact";
  }
  EXPECT_TRUE(section);

  // Close with a reason; then updates are 409.
  Post("/events/" + id + "/close", it_, {{"reason", "ended"}}, 200);
  Post("/events/" + id + "/follow-ups", it_, {{"description", "more"}}, 409);
}

TEST_F(EurosurApiTest, StreamPushesTasksAndEventUpdatesToWhoMaySee) {
  Post("/sections/import", fx_, json::parse(Sections()), 201);
  SseClient it_stream(h_->port(), it_);
  SseClient gr_stream(h_->port(), gr_);
  ASSERT_EQ(it_stream.Status(), 200);
  ASSERT_EQ(gr_stream.Status(), 200);
  ASSERT_TRUE(it_stream.WaitFor(": connected"));
  ASSERT_TRUE(gr_stream.WaitFor(": connected"));
  json p = Post("/sections/IT-SEA-PELAGIE/impact/proposals", it_,
                {{"level", "medium"}, {"reason", "more landings"}}, 201);
  Post("/sections/IT-SEA-PELAGIE/impact/attribute", fx_,
       {{"proposal_id", p["state"]["proposal"]["id"]}}, 200);
  // The Art. 35 reactions reach the NCC as Task records on its stream.
  EXPECT_TRUE(it_stream.WaitFor(R"("type":"Task")")) << it_stream.Text();
  EXPECT_TRUE(it_stream.WaitFor("appropriate_measures")) << it_stream.Text();
  // An event update reaches the Agency (shared with it), not Greece.
  SseClient fx_stream(h_->port(), fx_);
  ASSERT_EQ(fx_stream.Status(), 200);
  ASSERT_TRUE(fx_stream.WaitFor(": connected"));
  const std::string id = ReportEvent(it_, 35.5, 12.5);
  Post("/events/" + id + "/follow-ups", it_, {{"description", "second boat"}}, 201);
  EXPECT_TRUE(fx_stream.WaitFor("second boat")) << fx_stream.Text();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(gr_stream.Text().find(id), std::string::npos);
  EXPECT_EQ(gr_stream.Text().find(R"("type":"Task")"), std::string::npos);
}

TEST_F(EurosurApiTest, HotSpotsInTheAnalysisLayer) {
  Post("/sections/import", fx_, json::parse(Sections()), 201);
  // 30 incidents within ~1 km of (35.5 N, 12.5 E) among 20 spread over the section.
  for (int i = 0; i < 30; ++i) {
    ReportEvent(it_, 35.5 + 0.001 * (i % 5), 12.5 + 0.001 * (i / 5), {{"impact", "low"}});
  }
  for (int i = 0; i < 20; ++i) {
    ReportEvent(it_, 35.25 + 0.035 * i, 11.85 + 0.065 * ((i * 7) % 20), {{"impact", "low"}});
  }
  json analysis = Get("/pictures/national/layers/analysis", it_);
  int hotspots = 0;
  bool near = false;
  for (const auto& f : analysis["features"]) {
    if (f["properties"].value("kind", "") != "hotspot") continue;
    ++hotspots;
    EXPECT_EQ(f["properties"]["section_id"], "IT-SEA-PELAGIE");
    const auto& ring = f["geometry"]["coordinates"][0];
    const double lon = (ring[0][0].get<double>() + ring[2][0].get<double>()) / 2;
    const double lat = (ring[0][1].get<double>() + ring[2][1].get<double>()) / 2;
    near = near || (std::abs(lon - 12.5) < 0.1 && std::abs(lat - 35.5) < 0.1);
  }
  EXPECT_GT(hotspots, 0);
  EXPECT_TRUE(near);
  // A period before the incidents has none; the section's level is still there.
  json before = Get("/pictures/national/layers/analysis?until=2026-01-01", it_);
  for (const auto& f : before["features"]) {
    EXPECT_NE(f["properties"].value("kind", ""), "hotspot");
  }
  EXPECT_FALSE(before["features"].empty());
  // 50 incidents in 30 days suggest high for the section (score 50 >= 40).
  EXPECT_EQ(Get("/sections/IT-SEA-PELAGIE/impact", it_)["suggestion"]["level"], "high");
}

TEST_F(EurosurApiTest, OperationPictureOnlyForItsMembers) {
  auto group = h_->node().CreateGroup(
      node::Context{*h_->node().Authenticate(fx_, "t"), "", "t"},
      R"({"name":"Themis","kind":"sharing-group","members":["IT-NCC","EU-FRONTEX"]})");
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  const std::string id = ReportEvent(it_, 35.5, 12.5,
                                     {{"handling",
                                       {{"classification", "LIMITED"},
                                        {"distribution", "group"},
                                        {"group", group->id},
                                        {"purposes", {"border"}}}}});
  json op = Get("/pictures/" + group->id + "/layers/events", fx_);
  EXPECT_TRUE(Has(op, id));
  EXPECT_EQ(op["operation"], group->id);
  Get("/pictures/" + group->id + "/layers/events", gr_, 404);
}

}  // namespace
}  // namespace issa::integration
