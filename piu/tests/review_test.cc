// The human review queue: owner-only pending matches, confirm/dismiss by an analyst or officer
// with a reason, only confirmed matches passed on or used, suppressions of dismissed matches.
#include <nlohmann/json.hpp>

#include "issa/piu/service.h"

#include "node_fixture.h"

namespace issa::piu {
namespace {

using nlohmann::json;
using node::testing::NodeFixture;

class ReviewTest : public NodeFixture {
 protected:
  void SetUp() override {
    NodeFixture::SetUp();
    service_ = std::make_unique<PiuService>(*node_);
    officer_ = As("FR-PIU", core::Role::kOfficer);
    analyst_ = As("FR-PIU", core::Role::kAnalyst);
    subject_ = Create(officer_, node::testing::PersonJson("Ivan Petrov", "1970-01-02",
                                                          node::testing::kOwnerOnly));
  }

  std::string Queue(const std::string& subject, const std::string& entry,
                    const std::string& version = "2026-11-01") {
    const json body = {{"subject", subject},
                       {"source", "list"},
                       {"list", "un-sc"},
                       {"entry_id", entry},
                       {"version", version},
                       {"score", 0.91},
                       {"features", {{{"feature", "name"}, {"score", 0.95}}}}};
    auto r = service_->QueueMatch(officer_, body.dump());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : "{}";
  }

  std::unique_ptr<PiuService> service_;
  node::Context officer_;
  node::Context analyst_;
  std::string subject_;
};

TEST_F(ReviewTest, PendingMatchIsOwnerOnlyAndUnusableUntilConfirmed) {
  const json queued = json::parse(Queue(subject_, "QDi.001"));
  ASSERT_TRUE(queued["queued"].get<bool>());
  const std::string id = queued["id"];
  const node::Context de = As("DE-BKA", core::Role::kOfficer);
  EXPECT_EQ(service_->GetMatch(de, id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->ConfirmedMatch(officer_, id).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      service_->PassOn(officer_, id, R"({"authorities":["DE-BKA"],"reason":"x"})").status().code(),
      StatusCode::kFailedPrecondition);

  // A viewer or an admin does not review; a reason is required.
  const node::Context viewer = As("FR-PIU", core::Role::kViewer);
  const node::Context admin = As("FR-PIU", core::Role::kAdmin);
  EXPECT_EQ(
      service_->ReviewMatch(viewer, id, Review::kConfirm, R"({"reason":"x"})").status().code(),
      StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->ReviewMatch(admin, id, Review::kConfirm, R"({"reason":"x"})").status().code(),
            StatusCode::kPermissionDenied);
  auto no_reason = service_->ReviewMatch(analyst_, id, Review::kConfirm, "{}");
  EXPECT_EQ(no_reason.status().field(), "reason");
  EXPECT_TRUE(Logged("screening.confirm", "denied", id));

  auto confirmed = service_->ReviewMatch(
      analyst_, id, Review::kConfirm,
      R"({"reason":"date of birth and passport match","pass_to":["DE-BKA"]})");
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  const json c = json::parse(*confirmed);
  EXPECT_EQ(c["status"], "confirmed");
  EXPECT_EQ(c["reviewer"], analyst_.principal.user_id);
  EXPECT_EQ(c["reviewer_role"], "analyst");
  // Now the named authority sees it, and it may be used.
  auto seen = service_->GetMatch(de, id);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(json::parse(*seen)["status"], "confirmed");
  EXPECT_EQ(node_->GetRecord(As("IT-NCC"), id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(service_->ConfirmedMatch(officer_, id).ok());
  // Reviewed once only; history kept as versions, each audited.
  EXPECT_EQ(
      service_->ReviewMatch(officer_, id, Review::kDismiss, R"({"reason":"x"})").status().code(),
      StatusCode::kFailedPrecondition);
  auto history = node_->GetHistory(officer_, id);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 2u);
  // Passing on to a further authority, confirmed only.
  auto passed = service_->PassOn(officer_, id, R"({"authorities":["IT-NCC"],"reason":"route"})");
  ASSERT_TRUE(passed.ok()) << passed.status().ToString();
  EXPECT_TRUE(node_->GetRecord(As("IT-NCC"), id).ok());
  EXPECT_TRUE(VerifyChain().ok);
}

TEST_F(ReviewTest, DismissedMatchIsRememberedAsSuppressionUntilRevoked) {
  const std::string first = json::parse(Queue(subject_, "QDi.002"))["id"];
  auto dismissed =
      service_->ReviewMatch(officer_, first, Review::kDismiss,
                            R"({"reason":"different person: born 1950","suppress":true})");
  ASSERT_TRUE(dismissed.ok()) << dismissed.status().ToString();
  const std::string suppression = json::parse(*dismissed)["suppression"];
  EXPECT_EQ(service_->ConfirmedMatch(officer_, first).status().code(),
            StatusCode::kFailedPrecondition);

  // Same subject (even another record of the same person), same entry and version: counted.
  const std::string same_person = Create(
      officer_, node::testing::PersonJson("IVAN  PETROV", "1970-01-02", node::testing::kOwnerOnly));
  json again = json::parse(Queue(same_person, "QDi.002"));
  EXPECT_FALSE(again["queued"].get<bool>());
  EXPECT_EQ(again["suppression"], suppression);
  EXPECT_EQ(again["suppressed_count"], 1);
  EXPECT_EQ(json::parse(Queue(subject_, "QDi.002"))["suppressed_count"], 2);
  // A new list version, another entry or another person is queued.
  EXPECT_TRUE(json::parse(Queue(subject_, "QDi.002", "2026-12-01"))["queued"].get<bool>());
  EXPECT_TRUE(json::parse(Queue(subject_, "QDi.003"))["queued"].get<bool>());
  const std::string other = Create(
      officer_, node::testing::PersonJson("Ivan Petrov", "1951-03-03", node::testing::kOwnerOnly));
  EXPECT_TRUE(json::parse(Queue(other, "QDi.002"))["queued"].get<bool>());

  auto listed = service_->ListSuppressions(officer_);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(json::parse(*listed)["suppressions"].size(), 1u);
  EXPECT_EQ(service_->RevokeSuppression(officer_, suppression, "{}").status().field(), "reason");
  ASSERT_TRUE(
      service_->RevokeSuppression(officer_, suppression, R"({"reason":"entry amended"})").ok());
  EXPECT_TRUE(json::parse(Queue(subject_, "QDi.002"))["queued"].get<bool>());
  auto pending = service_->ListMatches(officer_, "pending");
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(json::parse(*pending)["matches"].size(), 4u);
  EXPECT_EQ(service_->ListMatches(officer_, "maybe").status().field(), "status");
}

TEST_F(ReviewTest, BadQueueRequestsNameTheField) {
  const auto field = [&](const json& body) {
    auto r = service_->QueueMatch(officer_, body.dump());
    return r.ok() ? std::string("ok") : r.status().field();
  };
  const json good = {{"subject", subject_},
                     {"source", "rule"},
                     {"list", "rule-7"},
                     {"entry_id", "v3"},
                     {"score", 1.0}};
  EXPECT_EQ(field(good), "ok");
  json bad = good;
  bad["score"] = 1.5;
  EXPECT_EQ(field(bad), "score");
  bad = good;
  bad["source"] = "model";
  EXPECT_EQ(field(bad), "source");
  bad = good;
  bad.erase("entry_id");
  EXPECT_EQ(field(bad), "entry_id");
  bad = good;
  bad["features"] = 3;
  EXPECT_EQ(field(bad), "features");
  EXPECT_EQ(service_->QueueMatch(officer_, "[1]").status().field(), "body");
  const std::string id = json::parse(*service_->QueueMatch(officer_, good.dump()))["id"];
  EXPECT_EQ(
      service_->ReviewMatch(officer_, id, Review::kDismiss, R"({"reason":"r","suppress":"yes"})")
          .status()
          .field(),
      "suppress");
  // A subject the caller may not see does not exist for it.
  const node::Context de = As("DE-BKA", core::Role::kOfficer);
  EXPECT_EQ(service_->QueueMatch(de, good.dump()).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace issa::piu
