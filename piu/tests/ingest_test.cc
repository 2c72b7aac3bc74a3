// Passenger data through the service: PNRGOV ingestion with PNR handling, screening of every
// passenger against a list held by the service, review items, registered travellers re-screened
// when a list changes, masking after six months, and cross-matching of passengers with another
// authority's records.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "issa/piu/service.h"
#include "issa/schema/registry.h"
#include "issa/travel/watchlist.h"

#include "../src/internal.h"
#include "node_fixture.h"

namespace issa::piu {
namespace {

using nlohmann::json;
using node::testing::NodeFixture;

std::string ReadTestFile(const std::string& name) {
  std::ifstream in(std::string(ISSA_TRAVEL_TEST_DATA) + "/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// An alert on a passenger of tests/data/travel/pnrgov/gtas-loader__no_pnr_history.edi (SSR DOCS:
// Marcus Carrera, IT passport, born 17 April 1980) and, in version 2, on a registered traveller.
std::string Alerts(bool with_traveller) {
  json alerts = json::array();
  alerts.push_back(
      {{"id", "IT-1"},
       {"category", "discreet-check"},
       {"action", "record itinerary"},
       {"expiry", "2030-12-31"},
       {"person",
        {{"names", {"Marcus Carrera"}},
         {"birth_dates", {"1980-04-17"}},
         {"nationalities", {"IT"}},
         {"documents", {{{"type", "passport"}, {"number", "YA0196755"}, {"country", "IT"}}}}}}});
  if (with_traveller) {
    alerts.push_back({{"id", "SG-2"},
                      {"category", "refusal-of-entry"},
                      {"action", "refuse entry"},
                      {"expiry", "2030-12-31"},
                      {"person",
                       {{"names", {"Mei Lin Tan"}},
                        {"birth_dates", {"1985-02-03"}},
                        {"nationalities", {"SG"}}}}});
  }
  return json({{"format", "issa-alerts/1"},
               {"list", "pnr-test"},
               {"issuing_authority", "DE-BKA"},
               {"alerts", alerts}})
      .dump();
}

class IngestTest : public NodeFixture {
 protected:
  void SetUp() override {
    NodeFixture::SetUp();
    service_ = std::make_unique<PiuService>(*node_);
    officer_ = As("FR-PIU", core::Role::kOfficer);
    pnr_ = ReadTestFile("pnrgov/gtas-loader__no_pnr_history.edi");
    ASSERT_FALSE(pnr_.empty());
  }

  json Load(bool with_traveller, const std::string& version) {
    auto list = travel::ParseAlertsJson(Alerts(with_traveller), "alerts.json");
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    auto r = service_->LoadList(officer_, *list, version);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? json::parse(*r) : json::object();
  }

  json Ingest() {
    auto r = service_->IngestPassengerData(officer_, pnr_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? json::parse(*r) : json::object();
  }

  json Pending() { return json::parse(*service_->ListMatches(officer_, "pending"))["matches"]; }

  std::unique_ptr<PiuService> service_;
  node::Context officer_;
  std::string pnr_;
};

TEST_F(IngestTest, EveryPassengerIsScreenedAndHitsAwaitReview) {
  Load(false, "v1");
  const json report = Ingest();
  EXPECT_GT(report["passengers"].get<int>(), 1) << report.dump();
  EXPECT_EQ(report["rejected"], 0);
  EXPECT_GE(report["queued"].get<int>(), 1) << report.dump();
  const json pending = Pending();
  ASSERT_GE(pending.size(), 1u);
  const json m = pending[0];
  EXPECT_EQ(m["subject_type"], "Passenger");
  EXPECT_EQ(m["list"], "pnr-test");
  EXPECT_EQ(m["entry_id"], "IT-1");
  EXPECT_EQ(m["version"], "v1");
  // The passenger record: owner PIU, crime/terrorism, masked after ~6 months, deleted after 5 y.
  auto passenger = node_->GetRecord(officer_, m["subject"].get<std::string>());
  ASSERT_TRUE(passenger.ok());
  EXPECT_EQ(passenger->owner, "FR-PIU");
  ASSERT_TRUE(passenger->handling.depersonalise_after && passenger->handling.delete_after);
  EXPECT_EQ(*passenger->handling.depersonalise_after, clock_.Now() + 183 * core::kMsPerDay);
  EXPECT_EQ(*passenger->handling.delete_after, clock_.Now() + (5 * 365 + 1) * core::kMsPerDay);
  EXPECT_EQ(passenger->handling.distribution, core::Distribution::kOwner);

  // Dismissed and suppressed: the next push of the same passenger is counted, not queued.
  for (const auto& p : pending) {
    ASSERT_TRUE(service_
                    ->ReviewMatch(officer_, p["id"].get<std::string>(), Review::kDismiss,
                                  R"({"reason":"namesake","suppress":true})")
                    .ok());
  }
  const json again = Ingest();
  EXPECT_EQ(again["queued"], 0) << again.dump();
  EXPECT_GE(again["suppressed"].get<int>(), 1);
  // A new list version is screened afresh.
  Load(false, "v2");
  EXPECT_GE(Ingest()["queued"].get<int>(), 1);
}

// A node whose ScreeningMatch schema refuses the entry names screening writes: the review-queue
// match, the last record of the message's batch, fails validation.
class FailingMatchIngestTest : public IngestTest {
 protected:
  std::string SchemaDir() override {
    namespace fs = std::filesystem;
    dir_ = fs::temp_directory_path() /
           ("issa-piu-ingest-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    for (const auto& [name, text] : schema::Registry::BuiltinFiles()) {
      std::string t = text;
      if (name == "ScreeningMatch.json") {
        const std::string from = R"("entry_name": {"type": "string", "maxLength": 300})";
        const size_t at = t.find(from);
        EXPECT_NE(at, std::string::npos);
        if (at != std::string::npos) {
          t.replace(at, from.size(), R"("entry_name": {"type": "string", "maxLength": 2})");
        }
      }
      std::ofstream(dir_ / name) << t;
    }
    return dir_.string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  size_t Count(const std::string& type) {
    storage::RecordQuery q;
    q.type = type;
    q.limit = 1000;
    auto page = node_->ListRecords(system_, q);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->records.size() : 0;
  }

  std::filesystem::path dir_;
};

TEST_F(FailingMatchIngestTest, AMessageIsOneWriteAndAFailureLeavesNothingOfIt) {
  Load(false, "v1");
  const json report = Ingest();
  EXPECT_EQ(report["rejected"], 1) << report.dump();
  EXPECT_EQ(report["records"], 0);
  EXPECT_EQ(report["queued"], 0);
  ASSERT_EQ(report["errors"].size(), 1u);
  const std::string error = report["errors"][0];
  EXPECT_NE(error.find("message 1"), std::string::npos) << error;
  EXPECT_NE(error.find("properties.entry_name"), std::string::npos) << error;
  for (const char* type :
       {"Flight", "Booking", "Payment", "Document", "Passenger", "ScreeningMatch"}) {
    EXPECT_EQ(Count(type), 0u) << type;
  }
  EXPECT_TRUE(Logged("record.create", "invalid"));
  EXPECT_TRUE(VerifyChain().ok);

  // Without a list there is no match to write: the same message is stored whole.
  service_ = std::make_unique<PiuService>(*node_);
  const json stored = Ingest();
  EXPECT_EQ(stored["rejected"], 0) << stored.dump();
  EXPECT_GT(stored["records"].get<int>(), 0);
  EXPECT_EQ(Count("Passenger"), stored["passengers"].get<size_t>());
  EXPECT_GT(Count("Booking"), 0u);
  EXPECT_EQ(Count("ScreeningMatch"), 0u);
  EXPECT_TRUE(VerifyChain().ok);
}

TEST_F(IngestTest, RiskRuleHitsAreQueuedAsRuleMatches) {
  const node::Context viewer = As("FR-PIU", core::Role::kViewer);
  const std::string rule =
      R"([{"id":"R-ANY-LEG","version":2,"author":"piu.analyst.1","title":"Any flight",)"
      R"("when":{"fact":"legs","op":"ge","value":1}}])";
  EXPECT_EQ(service_->SetRiskRules(viewer, rule).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->SetRiskRules(officer_, R"([{"id":"x"}])").code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(service_->SetRiskRules(officer_, rule).ok());
  const json report = Ingest();
  EXPECT_EQ(report["rule_hits"], report["passengers"]) << report.dump();
  const json pending = Pending();
  ASSERT_EQ(pending.size(), report["passengers"].get<size_t>());
  for (const auto& m : pending) {
    EXPECT_EQ(m["source"], "rule");
    EXPECT_EQ(m["list"], "R-ANY-LEG");
    EXPECT_EQ(m["version"], "2");
  }
  EXPECT_TRUE(Logged("piu.risk_rules", "ok"));
}

TEST_F(IngestTest, RegisteredTravellersAreRescreenedWhenAListChanges) {
  const node::Context desk = As("FR-PIU", core::Role::kAnalyst);
  auto registered = service_->RegisterTraveller(
      officer_,
      json({{"name", "Mei Lin Tan"},
            {"nationality", "SG"},
            {"birth_date", "1985-02-03"},
            {"document_numbers", {"E1234567K"}},
            {"expires_on", "2028-01-01"},
            {"handling",
             {{"classification", "LIMITED"}, {"distribution", "owner"}, {"purposes", {"crime"}}}}})
          .dump());
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();
  const std::string traveller = json::parse(*registered)["id"];
  EXPECT_EQ(Load(false, "v1")["queued"], 0);
  const json changed = Load(true, "v2");
  EXPECT_EQ(changed["added"], 1);
  EXPECT_EQ(changed["travellers_rescreened"], 1);
  EXPECT_EQ(changed["queued"], 1);
  const json unchanged = Load(true, "v2");
  EXPECT_EQ(unchanged["travellers_rescreened"], 0);
  const json pending = Pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]["subject"], traveller);
  ASSERT_TRUE(service_
                  ->ReviewMatch(desk, pending[0]["id"].get<std::string>(), Review::kConfirm,
                                R"({"reason":"same person, same birth date"})")
                  .ok());
  auto t = node_->GetRecord(officer_, traveller);
  ASSERT_TRUE(t.ok());
  EXPECT_NE(t->properties_json.find("\"status\":\"revoked\""), std::string::npos);
}

TEST_F(IngestTest, PassengersAreMaskedAfterSixMonthsAndRepersonalisedOnApproval) {
  Ingest();
  auto page = node_->ListRecords(officer_, [] {
    storage::RecordQuery q;
    q.type = "Passenger";
    q.limit = 100;
    return q;
  }());
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->records.empty());
  std::string id;
  for (const auto& r : page->records) {
    if (r.properties_json.find("CARRERA") != std::string::npos) {
      id = r.id;
    }
  }
  ASSERT_FALSE(id.empty());
  clock_.Advance(182 * core::kMsPerDay);
  auto early = node_->RunRetention(system_);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->masked, 0u);
  clock_.Advance(2 * core::kMsPerDay);
  auto report = node_->RunRetention(system_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GE(report->masked, page->records.size());
  auto masked = node_->GetRecord(officer_, id);
  ASSERT_TRUE(masked.ok());
  EXPECT_EQ(masked->properties_json.find("CARRERA"), std::string::npos) << masked->properties_json;
  const node::Context approver = As("FR-PIU", core::Role::kOfficer);
  auto request = node_->RequestRepersonalisation(officer_, id, "terrorist offence, case 7");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  ASSERT_TRUE(node_->DecideRepersonalisation(approver, request->id, true, "necessary").ok());
  auto full = node_->Repersonalise(officer_, request->id);
  ASSERT_TRUE(full.ok());
  EXPECT_NE(full->properties_json.find("CARRERA"), std::string::npos);
  clock_.Advance(5 * 365 * core::kMsPerDay);
  report = node_->RunRetention(system_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(node_->GetRecord(officer_, id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(VerifyChain().ok);
}

TEST_F(IngestTest, PnrDocumentsAreMaskedNotErasedAndDeletedAfterFiveYears) {
  // A stolen-document alert held as a record with a depersonalisation date: erased, not masked.
  const std::string alert_doc =
      Create(officer_,
             R"({"type":"Document","properties":{"number":"ZZ1234567","holder_name":"Jan Novak",)"
             R"("status":"stolen","source":"alert"},"handling":{"classification":"LIMITED",)"
             R"("distribution":"owner","purposes":["crime"],)"
             R"("depersonalise_after":"2026-06-30T00:00:00Z"}})");
  Ingest();
  storage::RecordQuery q;
  q.type = "Document";
  q.limit = 100;
  auto page = node_->ListRecords(officer_, q);
  ASSERT_TRUE(page.ok());
  std::string id;
  for (const auto& r : page->records) {
    if (r.properties_json.find("YA0196755") != std::string::npos) id = r.id;
  }
  ASSERT_FALSE(id.empty()) << "Carrera's passport (SSR DOCS) as a Document record";
  const auto before = node_->GetRecord(officer_, id);
  ASSERT_TRUE(before.ok());
  EXPECT_NE(before->properties_json.find(R"("source":"pnr")"), std::string::npos);
  EXPECT_NE(before->properties_json.find("CARRERA"), std::string::npos) << before->properties_json;

  clock_.Advance(182 * core::kMsPerDay);
  ASSERT_TRUE(node_->RunRetention(system_).ok());
  EXPECT_NE(node_->GetRecord(officer_, id)->properties_json.find("YA0196755"), std::string::npos);
  clock_.Advance(2 * core::kMsPerDay);
  ASSERT_TRUE(node_->RunRetention(system_).ok());
  EXPECT_TRUE(Logged("retention.mask", "ok", id));
  EXPECT_TRUE(Logged("retention.depersonalise", "ok", alert_doc));
  const auto masked = node_->GetRecord(officer_, id);
  ASSERT_TRUE(masked.ok());
  EXPECT_TRUE(masked->depersonalised);
  for (const char* gone : {"YA0196755", "CARRERA", "holder_birth_date"}) {
    EXPECT_EQ(masked->properties_json.find(gone), std::string::npos) << masked->properties_json;
  }
  EXPECT_NE(masked->properties_json.find(R"("issuing_country":"IT")"), std::string::npos);
  EXPECT_EQ(node_->GetRecord(officer_, alert_doc)->properties_json.find("ZZ1234567"),
            std::string::npos);
  // The erased alert document has nothing sealed to give back.
  EXPECT_EQ(node_->RequestRepersonalisation(officer_, alert_doc, "case 9").status().code(),
            StatusCode::kFailedPrecondition);

  // Re-personalisation: requested with a justification, approved by another officer.
  const node::Context approver = As("FR-PIU", core::Role::kOfficer);
  auto request = node_->RequestRepersonalisation(officer_, id, "serious crime, case 12");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(node_->Repersonalise(officer_, request->id).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(node_->DecideRepersonalisation(officer_, request->id, true, "self").status().code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(node_->DecideRepersonalisation(approver, request->id, true, "necessary").ok());
  auto full = node_->Repersonalise(officer_, request->id);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_NE(full->properties_json.find("YA0196755"), std::string::npos);
  EXPECT_NE(full->properties_json.find("CARRERA"), std::string::npos);
  EXPECT_EQ(node_->GetRecord(officer_, id)->properties_json.find("YA0196755"), std::string::npos)
      << "the stored record stays masked";

  clock_.Advance(5 * 365 * core::kMsPerDay);
  ASSERT_TRUE(node_->RunRetention(system_).ok());
  EXPECT_EQ(node_->GetRecord(officer_, id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Logged("retention.delete", "ok", id));
  EXPECT_TRUE(VerifyChain().ok);
}

TEST_F(IngestTest, APassengerMeetsAnotherAuthoritysPerson) {
  // The police hold a person record shared for cross-matching; the PIU's passenger hits it.
  const node::Context police = As("DE-BKA", core::Role::kOfficer);
  const std::string person = Create(
      police, R"({"type":"Person","properties":{"name":"Marcus Carrera",)"
              R"("birth_date":"1980-04-17","nationality":"IT","document_numbers":["YA0196755"]},)"
              R"("handling":)" +
                  std::string(node::testing::kOwnerOnly) + "}");
  Ingest();
  auto hits = node_->ListHits(police);
  ASSERT_TRUE(hits.ok());
  bool met = false;
  for (const auto& h : *hits) {
    if (h.your_record == person && h.other_type == "Passenger" && h.other_authority == "FR-PIU") {
      met = true;
    }
  }
  EXPECT_TRUE(met) << hits->size() << " hits";
}

// What a reviewer reads of a linked designation: the feature and the candidate it follows.
TEST(HitFeaturesTest, ALinkedDesignationNamesItsCandidate) {
  travel::ScreeningHit hit;
  hit.features = {"!birth_date", "linked_designation", "name"};
  hit.linked_from = "un-sc/QDi.031";
  const nlohmann::json f = detail::HitFeatures(hit);
  ASSERT_EQ(f.size(), 3U);
  EXPECT_EQ(f[0]["feature"], "birth_date");
  EXPECT_EQ(f[0]["outcome"], "contradicts");
  EXPECT_EQ(f[1]["feature"], "linked_designation");
  EXPECT_EQ(f[1]["linked_from"], "un-sc/QDi.031");
  EXPECT_FALSE(f[2].contains("linked_from"));
}

}  // namespace
}  // namespace issa::piu
