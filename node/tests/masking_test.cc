// Masked depersonalisation and re-personalisation with a second person's approval (ADR 0008).
#include <filesystem>
#include <fstream>

#include "issa/schema/registry.h"

#include "node_fixture.h"

namespace issa::node::testing {
namespace {

namespace fs = std::filesystem;

// A PNR-like type whose retention masks: name and contacts personal, route not.
constexpr const char* kMaskedSchema = R"({
  "title": "MaskedTraveller", "type": "object", "additionalProperties": false,
  "x-retention": "mask",
  "properties": {
    "name": {"type": "string", "x-personal": true, "x-search": true},
    "email": {"type": "string", "x-personal": true},
    "route": {"type": "string"}
  },
  "required": ["name"]
})";

class MaskingTest : public NodeFixture {
 protected:
  std::string SchemaDir() override {
    dir_ = fs::temp_directory_path() /
           ("issa-masking-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    for (const auto& [name, text] : schema::Registry::BuiltinFiles()) {
      std::ofstream(dir_ / name) << text;
    }
    std::ofstream(dir_ / "MaskedTraveller.json") << kMaskedSchema;
    return dir_.string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string CreateTraveller(const Context& ctx) {
    const std::string handling =
        R"({"classification":"LIMITED","distribution":"owner","purposes":["crime"],)"
        R"("depersonalise_after":"2026-06-01T00:00:00Z","delete_after":"2026-07-01T00:00:00Z"})";
    return Create(ctx, R"({"type":"MaskedTraveller","properties":{"name":"Ivan Petrov",)"
                       R"("email":"ivan@example.org","route":"CDG-IST"},"handling":)" +
                           handling + "}");
  }

  fs::path dir_;
};

TEST_F(MaskingTest, RetentionMasksAndOnlyAnApprovedRequestRepersonalises) {
  const Context officer = As("FR-PIU", core::Role::kOfficer);
  const Context approver = As("FR-PIU", core::Role::kOfficer);
  const Context analyst = As("FR-PIU", core::Role::kAnalyst);
  const Context other = As("DE-BKA", core::Role::kOfficer);
  const Context dpo = As("FR-PIU", core::Role::kDpo);
  std::vector<Notice> dpo_alerts;
  auto sub = node_->Subscribe(dpo, [&](const Notice& n) {
    if (n.kind == "alert") dpo_alerts.push_back(n);
  });
  const std::string id = CreateTraveller(officer);

  // Before the date nothing is masked and a request is refused (nothing to re-personalise).
  EXPECT_EQ(node_->RequestRepersonalisation(officer, id, "case 42").status().code(),
            StatusCode::kFailedPrecondition);

  clock_.Set(*core::ParseTimestamp("2026-06-02T00:00:00Z"));
  auto report = node_->RunRetention(system_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->depersonalised, 1u);
  EXPECT_EQ(report->masked, 1u);
  auto masked = node_->GetRecord(officer, id);
  ASSERT_TRUE(masked.ok());
  EXPECT_TRUE(masked->depersonalised);
  EXPECT_EQ(masked->properties_json.find("Petrov"), std::string::npos);
  EXPECT_EQ(masked->properties_json.find("example.org"), std::string::npos);
  EXPECT_NE(masked->properties_json.find("CDG-IST"), std::string::npos);
  auto history = node_->GetHistory(officer, id);
  ASSERT_TRUE(history.ok());
  for (const auto& v : *history) EXPECT_EQ(v.properties_json.find("Petrov"), std::string::npos);
  EXPECT_TRUE(Logged("retention.mask", "ok", id));

  // A justification is required; another authority does not see the record.
  EXPECT_EQ(node_->RequestRepersonalisation(officer, id, "  ").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(node_->RequestRepersonalisation(other, id, "case 42").status().code(),
            StatusCode::kNotFound);
  auto request = node_->RequestRepersonalisation(officer, id, "terrorist offence case 42");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->status, "pending");

  // Pending: no disclosure. The requester may not approve their own request; an analyst may
  // not approve; a decision needs a reason.
  EXPECT_EQ(node_->Repersonalise(officer, request->id).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(node_->DecideRepersonalisation(officer, request->id, true, "ok").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(node_->DecideRepersonalisation(analyst, request->id, true, "ok").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(node_->DecideRepersonalisation(approver, request->id, true, "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(node_->DecideRepersonalisation(other, request->id, true, "ok").status().code(),
            StatusCode::kNotFound);
  auto decided =
      node_->DecideRepersonalisation(approver, request->id, true, "proportionate: case 42");
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  EXPECT_EQ(decided->status, "approved");
  EXPECT_EQ(decided->approver, approver.principal.user_id);
  EXPECT_EQ(node_->DecideRepersonalisation(approver, request->id, false, "x").status().code(),
            StatusCode::kFailedPrecondition);

  // Only the requester gets the data; the DPO is told.
  EXPECT_EQ(node_->Repersonalise(approver, request->id).status().code(), StatusCode::kNotFound);
  const size_t alerts_before = dpo_alerts.size();
  auto full = node_->Repersonalise(officer, request->id);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_NE(full->properties_json.find("Ivan Petrov"), std::string::npos);
  EXPECT_NE(full->properties_json.find("ivan@example.org"), std::string::npos);
  EXPECT_EQ(dpo_alerts.size(), alerts_before + 1);
  EXPECT_TRUE(Logged("record.repersonalise", "ok", id));
  EXPECT_TRUE(Logged("dpo.notify", "ok", id));
  // The stored record stays masked.
  auto still = node_->GetRecord(officer, id);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->properties_json.find("Petrov"), std::string::npos);

  auto listed = node_->ListRepersonalisationRequests(dpo);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].uses, 1u);
  EXPECT_EQ(node_->ListRepersonalisationRequests(other)->size(), 0u);

  // The approval lapses after 7 days.
  clock_.Set(*core::ParseTimestamp("2026-06-10T00:00:00Z"));
  EXPECT_EQ(node_->Repersonalise(officer, request->id).status().code(),
            StatusCode::kFailedPrecondition);

  // Deletion removes the sealed data with the record.
  clock_.Set(*core::ParseTimestamp("2026-07-02T00:00:00Z"));
  report = node_->RunRetention(system_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->deleted, 1u);
  auto again = node_->RequestRepersonalisation(officer, id, "case 43");
  EXPECT_EQ(again.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(VerifyChain().ok);
}

TEST_F(MaskingTest, ErasingTypesAreNotSealed) {
  const Context officer = As("FR-PIU", core::Role::kOfficer);
  const std::string handling =
      R"({"classification":"LIMITED","distribution":"owner","purposes":["crime"],)"
      R"("depersonalise_after":"2026-06-01T00:00:00Z"})";
  const std::string id = Create(officer, PersonJson("Anna Berg", "1980", handling));
  clock_.Set(*core::ParseTimestamp("2026-06-02T00:00:00Z"));
  auto report = node_->RunRetention(system_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->depersonalised, 1u);
  EXPECT_EQ(report->masked, 0u);
  EXPECT_EQ(node_->RequestRepersonalisation(officer, id, "case").status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace issa::node::testing
