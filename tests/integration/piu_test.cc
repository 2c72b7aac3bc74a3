// The PIU and border checks over HTTP: a real node over SQLite with the PiuService behind
// api::Server on a loopback port.
#include <memory>
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

}  // namespace
}  // namespace issa::integration
