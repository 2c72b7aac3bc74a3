// The PIU and border checks over HTTP: a real node over SQLite with the PiuService behind
// api::Server on a loopback port.
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/piu/service.h"

#include "api_fixture.h"

namespace issa::integration {
namespace {

using api::testing::HttpClient;
using api::testing::Response;
using json = nlohmann::json;

class PiuApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_ = std::make_unique<ApiHarness>(Backend::kSqlite, api::ServerOptions{},
                                      [this](node::Node& n, api::ServerOptions& o) {
                                        piu_ = std::make_unique<piu::PiuService>(n);
                                        o.piu = piu_.get();
                                      });
    ASSERT_TRUE(h_->ok());
    h_->AddAuthority("FR-PIU", "FR", core::AuthorityKind::kPiu);
    h_->AddAuthority("DE-BKA", "DE", core::AuthorityKind::kPolice);
    h_->AddAuthority("IT-NCC", "IT", core::AuthorityKind::kBorder);
    officer_ = h_->Token("FR-PIU", core::Role::kOfficer, core::Classification::kRestricted);
    analyst_ = h_->Token("FR-PIU", core::Role::kAnalyst, core::Classification::kRestricted);
    viewer_ = h_->Token("FR-PIU", core::Role::kViewer, core::Classification::kRestricted);
    police_ = h_->Token("DE-BKA", core::Role::kOfficer, core::Classification::kRestricted);
    guard_ = h_->Token("IT-NCC", core::Role::kOfficer, core::Classification::kRestricted);
    c_ = std::make_unique<HttpClient>(h_->port());
  }

  void TearDown() override {
    if (piu_) piu_->StopWatching();  // its subscriptions go before the harness's node
    c_.reset();
    h_.reset();  // the server stops before the service goes
    piu_.reset();
  }

  json Call(const std::string& method, const std::string& path, const std::string& token,
            const std::string& body, int status) {
    Response r = c_->Request(method, path, token, body);
    EXPECT_EQ(r.status, status) << method << " " << path << ": " << r.body;
    return r.body.empty() ? json() : r.Json();
  }
  json Post(const std::string& path, const std::string& token, const json& body, int status) {
    return Call("POST", "/api/v1/piu" + path, token, body.dump(), status);
  }
  json Get(const std::string& path, const std::string& token, int status = 200) {
    return Call("GET", "/api/v1/piu" + path, token, "", status);
  }

  std::string Subject(const std::string& name, const std::string& dob) {
    return Call("POST", "/api/v1/records", officer_,
                PersonJson(name, dob, Handling("LIMITED", "owner")), 201)
        .value("id", "");
  }

  json Match(const std::string& subject, const std::string& entry) {
    return {{"subject", subject},
            {"source", "list"},
            {"list", "un-sc"},
            {"entry_id", entry},
            {"version", "v1"},
            {"score", 0.9},
            {"features", {{{"feature", "name"}, {"score", 0.97}}}}};
  }

  std::unique_ptr<piu::PiuService> piu_;
  std::unique_ptr<ApiHarness> h_;
  std::unique_ptr<HttpClient> c_;
  std::string officer_, analyst_, viewer_, police_, guard_;
};

TEST_F(PiuApiTest, ReviewQueueConfirmPassOnAndSuppress) {
  const std::string subject = Subject("Ivan Petrov", "1970-01-02");
  const std::string id = Post("/matches", officer_, Match(subject, "QDi.1"), 201)["id"];
  // Owner-only while pending; not usable for passing on.
  Get("/matches/" + id, police_, 404);
  Post("/matches/" + id + "/pass-on", officer_,
       {{"authorities", {"DE-BKA"}}, {"reason", "too early"}}, 409);
  Post("/matches/" + id + "/confirm", viewer_, {{"reason", "x"}}, 403);
  const json no_reason = Post("/matches/" + id + "/confirm", analyst_, json::object(), 400);
  EXPECT_EQ(no_reason["error"]["field"], "reason");
  const json confirmed =
      Post("/matches/" + id + "/confirm", analyst_,
           {{"reason", "passport number matches"}, {"pass_to", {"DE-BKA"}}}, 200);
  EXPECT_EQ(confirmed["status"], "confirmed");
  EXPECT_EQ(Get("/matches/" + id, police_)["status"], "confirmed");
  Post("/matches/" + id + "/dismiss", officer_, {{"reason", "again"}}, 409);

  const std::string other = Post("/matches", officer_, Match(subject, "QDi.2"), 201)["id"];
  const json dismissed = Post("/matches/" + other + "/dismiss", officer_,
                              {{"reason", "other person"}, {"suppress", true}}, 200);
  const json again = Post("/matches", officer_, Match(subject, "QDi.2"), 201);
  EXPECT_FALSE(again["queued"].get<bool>());
  EXPECT_EQ(again["suppression"], dismissed["suppression"]);
  EXPECT_EQ(Get("/suppressions", officer_)["suppressions"].size(), 1u);
  EXPECT_EQ(Get("/suppressions", police_)["suppressions"].size(), 0u);
  EXPECT_EQ(Get("/matches?status=pending", officer_)["matches"].size(), 0u);
  EXPECT_EQ(Get("/matches?status=bogus", officer_, 400)["error"]["field"], "status");
  EXPECT_EQ(Get("/matches?colour=red", officer_, 400)["error"]["field"], "colour");

  // Every step is in the audit log (the DPO reads all).
  const std::string dpo = h_->Token("FR-PIU", core::Role::kDpo, core::Classification::kRestricted);
  const json audit = Call("GET", "/api/v1/audit?limit=500", dpo, "", 200);
  int updates = 0;
  for (const auto& e : audit["entries"]) {
    if (e.value("action", "") == "record.update" && e.value("target", "") == id) ++updates;
  }
  EXPECT_GE(updates, 1) << audit.dump();
}

TEST_F(PiuApiTest, CrossingsVisasAndOverstayers) {
  Post("/visas", guard_,
       {{"visa_number", "ITA0001"},
        {"nationality", "IN"},
        {"document_number", "Z123"},
        {"visa_type", "short-stay"},
        {"status", "issued"},
        {"applied_on", "2026-01-02"},
        {"valid_from", "2026-01-05"},
        {"valid_until", "2026-12-31"},
        {"entries", 0}},
       201);
  const json entry = Post("/crossings", guard_,
                          {{"direction", "entry"},
                           {"crossed_on", "2026-01-10"},
                           {"border_crossing_point", "FCO"},
                           {"member_state", "IT"},
                           {"nationality", "IN"},
                           {"document_number", "Z123"}},
                          201);
  EXPECT_TRUE(entry["check"]["allowed"].get<bool>()) << entry.dump();
  EXPECT_EQ(entry["check"]["authorised_until"], "2026-04-09");
  const json listed = Get("/overstayers?on=2026-04-20", guard_);
  ASSERT_EQ(listed["overstayers"].size(), 1u);
  EXPECT_EQ(listed["overstayers"][0]["days_over"], 11);
  EXPECT_EQ(Get("/overstayers", guard_, 400)["error"]["field"], "on");
  // The PIU does not see the border authority's crossings.
  EXPECT_EQ(Get("/overstayers?on=2026-04-20", officer_)["overstayers"].size(), 0u);
  const json bad = Post("/crossings/check", guard_,
                        {{"direction", "entry"},
                         {"crossed_on", "2026-13-01"},
                         {"border_crossing_point", "FCO"},
                         {"member_state", "IT"},
                         {"nationality", "IN"},
                         {"document_number", "Z123"}},
                        400);
  EXPECT_EQ(bad["error"]["field"], "crossed_on");
}

TEST_F(PiuApiTest, VisasAreCheckedAtEntry) {
  const auto crossing = [](const std::string& direction, const std::string& on,
                           const std::string& doc) {
    return json{{"direction", direction}, {"crossed_on", on},    {"border_crossing_point", "FCO"},
                {"member_state", "IT"},   {"nationality", "IN"}, {"document_number", doc}};
  };
  // No visa: refused, with the reason.
  const json none = Post("/crossings/check", guard_, crossing("entry", "2026-03-01", "Z1"), 200);
  EXPECT_FALSE(none["allowed"].get<bool>()) << none.dump();
  EXPECT_TRUE(none["visa"].is_null());
  EXPECT_EQ(none["reasons"][0], "no valid short-stay visa for the day of entry");
  // A visa-exempt traveller enters.
  json exempt = crossing("entry", "2026-03-01", "Z1");
  exempt["visa_required"] = false;
  EXPECT_TRUE(Post("/crossings/check", guard_, exempt, 200)["allowed"].get<bool>());

  // A single-entry visa: the first entry uses it, the second is refused.
  Post("/visas", guard_,
       {{"visa_number", "ITA0002"},
        {"nationality", "IN"},
        {"document_number", "Z1"},
        {"visa_type", "short-stay"},
        {"status", "issued"},
        {"applied_on", "2026-02-01"},
        {"valid_from", "2026-03-01"},
        {"valid_until", "2026-06-30"},
        {"entries", 1}},
       201);
  // Not valid yet on the day of entry.
  EXPECT_FALSE(
      Post("/crossings/check", guard_, crossing("entry", "2026-02-28", "Z1"), 200)["allowed"]
          .get<bool>());
  const json first = Post("/crossings", guard_, crossing("entry", "2026-03-02", "Z1"), 201);
  EXPECT_TRUE(first["check"]["allowed"].get<bool>()) << first.dump();
  EXPECT_EQ(first["check"]["visa"]["visa_number"], "ITA0002");
  EXPECT_EQ(first["check"]["visa"]["entries_left"], 1);
  EXPECT_EQ(first["check"]["authorised_until"], "2026-05-30");
  Post("/crossings", guard_, crossing("exit", "2026-03-10", "Z1"), 201);
  const json second = Post("/crossings/check", guard_, crossing("entry", "2026-04-01", "Z1"), 200);
  EXPECT_FALSE(second["allowed"].get<bool>()) << second.dump();
  EXPECT_EQ(second["visa"]["entries_left"], 0);
  EXPECT_EQ(second["reasons"][0], "the visa's entries are used up");
  // The PIU does not see the border authority's visa: for it the traveller has none.
  const json piu_view =
      Post("/crossings/check", officer_, crossing("entry", "2026-04-01", "Z1"), 200);
  EXPECT_TRUE(piu_view["visa"].is_null());
}

TEST_F(PiuApiTest, RegisteredTravellerLosesStatusOnAConfirmedHit) {
  const json registered =
      Post("/travellers", officer_,
           {{"name", "Mei Lin Tan"},
            {"nationality", "SG"},
            {"birth_date", "1985-02-03"},
            {"document_numbers", {"E1234567K"}},
            {"expires_on", "2028-01-01"},
            {"handling",
             {{"classification", "LIMITED"}, {"distribution", "owner"}, {"purposes", {"crime"}}}}},
           201);
  const std::string traveller = registered["id"];
  EXPECT_EQ(Get("/travellers", officer_)["travellers"][0]["status"], "active");

  // The police hold an alert list as records, shared with the PIU: the traveller is on it.
  const json alert = {{"type", "Person"},
                      {"properties",
                       {{"name", "Mei Lin Tan"},
                        {"birth_date", "1985-02-03"},
                        {"notes",
                         "list de-alerts entry DE-7; alert refusal-of-entry; action: refuse entry; "
                         "issued by DE-BKA; expires 2030-12-31"}}},
                      {"handling",
                       {{"classification", "LIMITED"},
                        {"distribution", "authorities"},
                        {"authorities", {"FR-PIU"}},
                        {"purposes", {"crime"}}}}};
  const std::string record =
      Call("POST", "/api/v1/records", police_, alert.dump(), 201).value("id", "");
  piu_->SettleNodeLists();  // the watch registering a traveller started
  const json rescreened = Post("/lists/rescreen", officer_, json::object(), 200);
  EXPECT_EQ(rescreened["lists"], 1) << rescreened.dump();
  EXPECT_EQ(rescreened["queued"], 0) << "queued once already, by the watch";
  Post("/lists/rescreen", viewer_, json::object(), 403);
  const json pending = Get("/matches?status=pending", officer_)["matches"];
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]["subject"], traveller);
  EXPECT_EQ(pending[0]["list"], "de-alerts");
  EXPECT_EQ(pending[0]["version"], "record " + record + " v1");
  // Pending: the traveller keeps the status.
  EXPECT_EQ(Get("/travellers", officer_)["travellers"][0]["status"], "active");

  const json confirmed = Post("/matches/" + pending[0]["id"].get<std::string>() + "/confirm",
                              analyst_, {{"reason", "same person, same birth date"}}, 200);
  EXPECT_EQ(confirmed["traveller_revoked"], traveller);
  const json after = Get("/travellers", officer_)["travellers"];
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0]["status"], "revoked");
  EXPECT_EQ(after[0]["status_match"], pending[0]["id"]);
  // The police neither see the traveller nor the match.
  EXPECT_EQ(Get("/travellers", police_)["travellers"].size(), 0u);
  Get("/matches/" + pending[0]["id"].get<std::string>(), police_, 404);
}

TEST_F(PiuApiTest, PassengerDataIngestedScreenedAndQueued) {
  std::ifstream in(std::string(ISSA_TRAVEL_TEST_DATA) + "/pnrgov/gtas-loader__no_pnr_history.edi",
                   std::ios::binary);
  std::stringstream pnr;
  pnr << in.rdbuf();
  ASSERT_FALSE(pnr.str().empty());
  const json alerts = {
      {"format", "issa-alerts/1"},
      {"list", "it-test"},
      {"issuing_authority", "IT-NCC"},
      {"alerts",
       {{{"id", "IT-1"},
         {"category", "discreet-check"},
         {"action", "record itinerary"},
         {"person",
          {{"names", {"Marcus Carrera"}},
           {"birth_dates", {"1980-04-17"}},
           {"documents",
            {{{"type", "passport"}, {"number", "YA0196755"}, {"country", "IT"}}}}}}}}}};
  Call("POST", "/api/v1/piu/lists?format=alerts-json", officer_, alerts.dump(), 400);
  Call("POST", "/api/v1/piu/lists?format=alerts-json&version=1", viewer_, alerts.dump(), 403);
  const json loaded =
      Call("POST", "/api/v1/piu/lists?format=alerts-json&version=1", officer_, alerts.dump(), 200);
  EXPECT_EQ(loaded["added"], 1);
  Response r = c_->Request("POST", "/api/v1/piu/passenger-data", officer_, pnr.str(), "text/plain");
  ASSERT_EQ(r.status, 201) << r.body;
  const json report = r.Json();
  EXPECT_EQ(report["passengers"], 4);
  EXPECT_EQ(report["queued"], 1);
  const json pending = Get("/matches?status=pending", officer_)["matches"];
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]["subject_type"], "Passenger");
  EXPECT_EQ(pending[0]["entry_id"], "IT-1");
  // The PIU's passengers are its own: the police do not see them or the match.
  Get("/matches/" + pending[0]["id"].get<std::string>(), police_, 404);
  Call("GET", "/api/v1/records/" + pending[0]["subject"].get<std::string>(), police_, "", 404);
  Response bad =
      c_->Request("POST", "/api/v1/piu/passenger-data", officer_, "not edifact", "text/plain");
  EXPECT_EQ(bad.status, 400) << bad.body;
}

}  // namespace
}  // namespace issa::integration
