// Entry/exit checks against visas and the 90/180-day rule, the overstayers list, registered
// travellers losing their status on a confirmed hit.
#include <nlohmann/json.hpp>

#include "issa/piu/service.h"

#include "node_fixture.h"

namespace issa::piu {
namespace {

using nlohmann::json;
using node::testing::NodeFixture;

class BorderTest : public NodeFixture {
 protected:
  void SetUp() override {
    NodeFixture::SetUp();
    service_ = std::make_unique<PiuService>(*node_);
    guard_ = As("IT-NCC", core::Role::kOfficer);
  }

  json Crossing(const std::string& direction, const std::string& on, const std::string& doc,
                bool visa_required = true) {
    return {{"direction", direction}, {"crossed_on", on},     {"border_crossing_point", "FCO"},
            {"member_state", "IT"},   {"border_kind", "air"}, {"nationality", "IN"},
            {"document_number", doc}, {"name", "Ravi Kumar"}, {"visa_required", visa_required}};
  }

  json Record(const json& body) {
    auto r = service_->RecordCrossing(guard_, body.dump());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? json::parse(*r) : json::object();
  }

  std::unique_ptr<PiuService> service_;
  node::Context guard_;
};

TEST_F(BorderTest, EntryNeedsAValidVisaWithEntriesLeft) {
  auto visa = service_->AddVisa(guard_, json({{"visa_number", "ITA001234"},
                                              {"nationality", "IN"},
                                              {"document_number", "z-1234567"},
                                              {"visa_type", "short-stay"},
                                              {"status", "issued"},
                                              {"applied_on", "2026-04-01"},
                                              {"decided_on", "2026-04-10"},
                                              {"valid_from", "2026-05-01"},
                                              {"valid_until", "2026-08-31"},
                                              {"entries", 1},
                                              {"duration_days", 30}})
                                            .dump());
  ASSERT_TRUE(visa.ok()) << visa.status().ToString();
  EXPECT_EQ(json::parse(*visa)["traveller_key"], "IN:Z1234567");

  json first = Record(Crossing("entry", "2026-05-28", "Z1234567"));
  EXPECT_TRUE(first["check"]["allowed"].get<bool>()) << first.dump();
  EXPECT_EQ(first["check"]["visa"]["entries_left"], 1);
  EXPECT_EQ(first["check"]["stay"]["days_used"], 1);
  EXPECT_EQ(first["check"]["authorised_until"], "2026-08-25");  // 90 days from 28 May
  Record(Crossing("exit", "2026-06-10", "Z1234567"));
  auto second = service_->CheckCrossing(guard_, Crossing("entry", "2026-06-20", "Z1234567").dump());
  ASSERT_TRUE(second.ok());
  const json s = json::parse(*second);
  EXPECT_FALSE(s["allowed"].get<bool>());
  EXPECT_EQ(s["visa"]["entries_left"], 0);
  EXPECT_EQ(s["stay"]["days_used"], 15);  // 28 May to 10 June, and 20 June

  // Another traveller without a visa is refused unless visa-exempt.
  auto none = service_->CheckCrossing(guard_, Crossing("entry", "2026-06-20", "P999").dump());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(json::parse(*none)["allowed"].get<bool>());
  auto exempt =
      service_->CheckCrossing(guard_, Crossing("entry", "2026-06-20", "P999", false).dump());
  ASSERT_TRUE(exempt.ok());
  EXPECT_TRUE(json::parse(*exempt)["allowed"].get<bool>());

  json bad = Crossing("entry", "2026-02-30", "P999");
  EXPECT_EQ(service_->CheckCrossing(guard_, bad.dump()).status().field(), "crossed_on");
  bad = Crossing("sideways", "2026-02-03", "P999");
  EXPECT_EQ(service_->CheckCrossing(guard_, bad.dump()).status().field(), "direction");
  bad = Crossing("entry", "2026-02-03", "P999");
  bad["visa_required"] = "no";
  EXPECT_EQ(service_->CheckCrossing(guard_, bad.dump()).status().field(), "visa_required");
  bad = Crossing("entry", "2026-02-03", "");
  EXPECT_EQ(service_->CheckCrossing(guard_, bad.dump()).status().field(), "document_number");
}

TEST_F(BorderTest, OverstayersAndOverstayAtExit) {
  Record(Crossing("entry", "2026-01-10", "K55", false));
  Record(Crossing("entry", "2026-03-01", "M77", false));
  Record(Crossing("exit", "2026-03-20", "M77", false));
  auto before = service_->Overstayers(guard_, "2026-04-09");
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(json::parse(*before)["overstayers"].empty());
  auto after = service_->Overstayers(guard_, "2026-04-20");
  ASSERT_TRUE(after.ok());
  const json list = json::parse(*after)["overstayers"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["traveller_key"], "IN:K55");
  EXPECT_EQ(list[0]["authorised_until"], "2026-04-09");
  EXPECT_EQ(list[0]["days_over"], 11);
  EXPECT_EQ(service_->Overstayers(guard_, "20260420").status().field(), "on");

  json exit = Record(Crossing("exit", "2026-04-20", "K55", false));
  EXPECT_EQ(exit["check"]["overstay_days"], 11);
  auto cleared = service_->Overstayers(guard_, "2026-04-21");
  ASSERT_TRUE(cleared.ok());
  EXPECT_TRUE(json::parse(*cleared)["overstayers"].empty());
}

TEST_F(BorderTest, OnlyConfirmedHitsStopAnEntry) {
  const std::string crossing = Record(Crossing("entry", "2026-05-01", "H42", false))["id"];
  Record(Crossing("exit", "2026-05-05", "H42", false));
  const json queued = json::parse(*service_->QueueMatch(guard_, json({{"subject", crossing},
                                                                      {"source", "list"},
                                                                      {"list", "sis-alerts"},
                                                                      {"entry_id", "IT-2026-1"},
                                                                      {"score", 0.97}})
                                                                    .dump()));
  const std::string match = queued["id"];
  auto pending =
      service_->CheckCrossing(guard_, Crossing("entry", "2026-06-01", "H42", false).dump());
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(json::parse(*pending)["allowed"].get<bool>());
  EXPECT_EQ(json::parse(*pending)["pending_matches_not_used"], 1);
  ASSERT_TRUE(
      service_->ReviewMatch(guard_, match, Review::kConfirm, R"({"reason":"photo matches"})").ok());
  auto confirmed =
      service_->CheckCrossing(guard_, Crossing("entry", "2026-06-01", "H42", false).dump());
  ASSERT_TRUE(confirmed.ok());
  const json c = json::parse(*confirmed);
  EXPECT_FALSE(c["allowed"].get<bool>());
  ASSERT_EQ(c["confirmed_hits"].size(), 1u);
  EXPECT_EQ(c["confirmed_hits"][0]["id"], match);
}

TEST_F(BorderTest, RegisteredTravellerLosesStatusOnConfirmedHitAndExpires) {
  auto registered = service_->RegisterTraveller(guard_, json({{"name", "Mei Lin"},
                                                              {"nationality", "SG"},
                                                              {"birth_date", "1985-02-03"},
                                                              {"document_numbers", {"E1234567K"}},
                                                              {"expires_on", "2027-05-28"}})
                                                            .dump());
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();
  const std::string id = json::parse(*registered)["id"];
  auto short_lived = service_->RegisterTraveller(guard_, json({{"name", "Old Timer"},
                                                               {"nationality", "SG"},
                                                               {"document_numbers", {"E1"}},
                                                               {"expires_on", "2026-05-01"}})
                                                             .dump());
  ASSERT_TRUE(short_lived.ok());
  EXPECT_EQ(service_
                ->RegisterTraveller(guard_,
                                    R"({"name":"X","nationality":"SG","expires_on":"2027-01-01"})")
                .status()
                .field(),
            "document_numbers[0]");

  const json queued = json::parse(*service_->QueueMatch(guard_, json({{"subject", id},
                                                                      {"source", "list"},
                                                                      {"list", "ofac-sdn"},
                                                                      {"entry_id", "36123"},
                                                                      {"score", 0.93}})
                                                                    .dump()));
  // Pending: the status stays; the other registration has expired.
  auto list = json::parse(*service_->ListTravellers(guard_))["travellers"];
  ASSERT_EQ(list.size(), 2u);
  for (const auto& t : list) {
    EXPECT_EQ(t["status"], t["id"] == id ? "active" : "expired");
  }
  auto confirmed = service_->ReviewMatch(guard_, queued["id"].get<std::string>(), Review::kConfirm,
                                         R"({"reason":"same passport"})");
  ASSERT_TRUE(confirmed.ok());
  EXPECT_EQ(json::parse(*confirmed)["traveller_revoked"], id);
  auto traveller = node_->GetRecord(guard_, id);
  ASSERT_TRUE(traveller.ok());
  EXPECT_NE(traveller->properties_json.find("\"status\":\"revoked\""), std::string::npos);
}

}  // namespace
}  // namespace issa::piu
