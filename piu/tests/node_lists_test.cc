// Registered travellers re-screened against watchlist entries held as node records by another
// authority (or the PIU itself): only what the node lets the PIU see, only added or changed
// entries, and a confirmed hit ends the traveller's status.
#include <nlohmann/json.hpp>

#include "issa/piu/service.h"
#include "issa/travel/watchlist.h"

#include "node_fixture.h"

namespace issa::piu {
namespace {

using nlohmann::json;
using node::testing::NodeFixture;

constexpr const char* kSharedWithPiu =
    R"({"classification":"LIMITED","distribution":"authorities","authorities":["FR-PIU"],)"
    R"("purposes":["crime"]})";

// One alert on a person, as an authority's alert list holds it.
travel::WatchlistEntry Alert(const std::string& list, const std::string& id,
                             const std::string& name, const std::string& dob) {
  const json alerts = {{"format", "issa-alerts/1"},
                       {"list", list},
                       {"issuing_authority", "DE-BKA"},
                       {"alerts",
                        {{{"id", id},
                          {"category", "refusal-of-entry"},
                          {"action", "refuse entry"},
                          {"expiry", "2030-12-31"},
                          {"person", {{"names", {name}}, {"birth_dates", {dob}}}}}}}};
  auto parsed = travel::ParseAlertsJson(alerts.dump(), "alerts.json");
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed->entries.at(0);
}

// The entry as a node record (travel::ToRecord) with a handling.
std::string RecordJson(const travel::WatchlistEntry& e, const std::string& handling) {
  const core::Record r = travel::ToRecord(e);
  return json({{"type", r.type},
               {"properties", json::parse(r.properties_json)},
               {"handling", json::parse(handling)}})
      .dump();
}

class NodeListsTest : public NodeFixture {
 protected:
  void SetUp() override {
    NodeFixture::SetUp();
    service_ = std::make_unique<PiuService>(*node_);
    officer_ = As("FR-PIU", core::Role::kOfficer);
    police_ = As("DE-BKA", core::Role::kOfficer);
  }
  void TearDown() override { service_.reset(); }

  std::string Register(const std::string& name, const std::string& dob) {
    auto r = service_->RegisterTraveller(
        officer_,
        json(
            {{"name", name},
             {"nationality", "SG"},
             {"birth_date", dob},
             {"document_numbers", {"E1234567K"}},
             {"expires_on", "2028-01-01"},
             {"handling",
              {{"classification", "LIMITED"}, {"distribution", "owner"}, {"purposes", {"crime"}}}}})
            .dump());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? json::parse(*r)["id"].get<std::string>() : "";
  }

  json Pending() { return json::parse(*service_->ListMatches(officer_, "pending"))["matches"]; }

  std::unique_ptr<PiuService> service_;
  node::Context officer_, police_;
};

TEST_F(NodeListsTest, AnotherAuthoritysListRecordsRescreenTravellersWhenTheyChange) {
  const std::string traveller = Register("Mei Lin Tan", "1985-02-03");
  service_->SettleNodeLists();
  EXPECT_TRUE(Pending().empty());

  // The police import their alert list as records: one entry shared with the PIU, one kept to
  // themselves. Both name the traveller; the PIU is told of the one it may see.
  const std::string shared = Create(
      police_, RecordJson(Alert("de-alerts", "DE-7", "Mei Lin Tan", "1985-02-03"), kSharedWithPiu));
  Create(police_, RecordJson(Alert("de-internal", "DE-9", "Mei Lin Tan", "1985-02-03"),
                             node::testing::kOwnerOnly));
  service_->SettleNodeLists();
  json pending = Pending();
  ASSERT_EQ(pending.size(), 1u) << pending.dump();
  EXPECT_EQ(pending[0]["subject"], traveller);
  EXPECT_EQ(pending[0]["subject_type"], "RegisteredTraveller");
  EXPECT_EQ(pending[0]["list"], "de-alerts");
  EXPECT_EQ(pending[0]["entry_id"], "DE-7");
  EXPECT_EQ(pending[0]["version"], "record " + shared + " v1");
  EXPECT_TRUE(Logged("piu.node_lists", "ok"));

  // Nothing changed: nothing is queued again.
  auto again = service_->RescreenNodeLists(officer_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  const json unchanged = json::parse(*again);
  EXPECT_EQ(unchanged["added"], 0);
  EXPECT_EQ(unchanged["changed"], 0);
  EXPECT_EQ(unchanged["queued"], 0);
  EXPECT_EQ(unchanged["lists"], 1) << "the police's own list is not the PIU's to see";

  // An unrelated entry added to the shared list: re-screened, nothing queued.
  Create(police_,
         RecordJson(Alert("de-alerts", "DE-8", "Jonas Berger", "1970-01-01"), kSharedWithPiu));
  service_->SettleNodeLists();
  EXPECT_EQ(Pending().size(), 1u);

  // The shared entry changes (a new alias): the traveller's hit on it is queued again.
  auto changed = node_->PatchRecord(police_, shared,
                                    R"({"properties":{"aliases":["Tan Mei Lin","Meilin Tan"]}})");
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  service_->SettleNodeLists();
  pending = Pending();
  ASSERT_EQ(pending.size(), 2u) << pending.dump();
  std::string v2;
  for (const auto& m : pending) {
    if (m["version"] == "record " + shared + " v2") v2 = m["id"];
  }
  ASSERT_FALSE(v2.empty()) << pending.dump();

  // A confirmed hit ends the traveller's status; a revoked traveller is not screened again.
  const node::Context analyst = As("FR-PIU", core::Role::kAnalyst);
  auto confirmed =
      service_->ReviewMatch(analyst, v2, Review::kConfirm, R"({"reason":"same person"})");
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  EXPECT_EQ(json::parse(*confirmed)["traveller_revoked"], traveller);
  const json travellers = json::parse(*service_->ListTravellers(officer_))["travellers"];
  ASSERT_EQ(travellers.size(), 1u);
  EXPECT_EQ(travellers[0]["status"], "revoked");
  ASSERT_TRUE(
      node_->PatchRecord(police_, shared, R"({"properties":{"aliases":["M. L. Tan"]}})").ok());
  service_->SettleNodeLists();  // the watch took the change in
  bool rescreened_none = false;
  for (const auto& e : AuditLog()) {
    rescreened_none =
        rescreened_none ||
        (e.event.action == "piu.node_lists" &&
         e.event.detail.find("0 added, 1 changed, 0 removed; 0 travellers re-screened, 0 queued") !=
             std::string::npos);
  }
  EXPECT_TRUE(rescreened_none);
  EXPECT_EQ(Pending().size(), 1u) << "only the v1 match, still pending";
  EXPECT_EQ(json::parse(*service_->RescreenNodeLists(officer_))["changed"], 0);
}

TEST_F(NodeListsTest, ListsTheNodeStopsShowingAreDroppedAndOnlyReviewersRescreen) {
  Register("Mei Lin Tan", "1985-02-03");
  const std::string own = Create(
      officer_, RecordJson(Alert("fr-watch", "FR-1", "Jonas Berger", "1970-01-01"),
                           R"({"classification":"LIMITED","distribution":"owner",)"
                           R"("purposes":["crime"],"delete_after":"2026-06-01T00:00:00Z"})"));
  service_->SettleNodeLists();
  const json before = json::parse(*service_->RescreenNodeLists(officer_));
  EXPECT_EQ(before["lists"], 1);
  EXPECT_EQ(before["entries"], 1);
  clock_.Advance(10 * core::kMsPerDay);
  ASSERT_TRUE(node_->RunRetention(system_).ok());
  EXPECT_EQ(node_->GetRecord(officer_, own).status().code(), StatusCode::kNotFound);
  const json after = json::parse(*service_->RescreenNodeLists(officer_));
  EXPECT_EQ(after["lists"], 0);
  EXPECT_EQ(after["removed"], 1);

  const node::Context viewer = As("FR-PIU", core::Role::kViewer);
  EXPECT_EQ(service_->RescreenNodeLists(viewer).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->WatchNodeLists(viewer).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(Logged("piu.node_lists", "denied"));
}

TEST_F(NodeListsTest, AnEntryImportedTwiceCountsOnceAndTheLatestRecordIsScreened) {
  const std::string traveller = Register("Mei Lin Tan", "1985-02-03");
  // The same alert imported twice by the police, first under another name, a day apart, among
  // other entries of the list: one entry, the later record's names.
  Create(police_,
         RecordJson(Alert("de-alerts", "DE-7", "Jonas Berger", "1970-01-01"), kSharedWithPiu));
  Create(police_,
         RecordJson(Alert("de-alerts", "DE-8", "Anna Schmidt", "1980-05-05"), kSharedWithPiu));
  clock_.Advance(core::kMsPerDay);
  const std::string later = Create(
      police_, RecordJson(Alert("de-alerts", "DE-7", "Mei Lin Tan", "1985-02-03"), kSharedWithPiu));
  service_->SettleNodeLists();  // registering started the watch, which took the records in
  const json report = json::parse(*service_->RescreenNodeLists(officer_));
  EXPECT_EQ(report["lists"], 1);
  EXPECT_EQ(report["entries"], 2) << report.dump();
  EXPECT_EQ(report["changed"], 0);
  const json pending = Pending();
  ASSERT_EQ(pending.size(), 1u) << pending.dump();
  EXPECT_EQ(pending[0]["subject"], traveller);
  EXPECT_EQ(pending[0]["entry_id"], "DE-7");
  EXPECT_EQ(pending[0]["version"], "record " + later + " v1");
}

}  // namespace
}  // namespace issa::piu
