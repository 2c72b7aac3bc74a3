#include "node_fixture.h"

namespace issa::node::testing {
namespace {

TEST_F(NodeFixture, CrossMatchTellsBothOwnersWithoutContent) {
  const Context fr = As("FR-PIU");
  const Context de = As("DE-BKA");
  const std::string a = Create(fr, PersonJson("Ivan PETROV", "1970-01-02", kOwnerOnly));
  const std::string b = Create(de, PersonJson("Иван Петров", "1970-02-01", kOwnerOnly));
  auto fr_hits = node_->ListHits(fr);
  auto de_hits = node_->ListHits(de);
  ASSERT_TRUE(fr_hits.ok());
  ASSERT_TRUE(de_hits.ok());
  ASSERT_EQ(fr_hits->size(), 1u);
  ASSERT_EQ(de_hits->size(), 1u);
  const HitView& h = fr_hits->front();
  EXPECT_EQ(h.your_record, a);
  EXPECT_EQ(h.other_authority, "DE-BKA");
  EXPECT_EQ(h.other_type, "Person");
  EXPECT_FALSE(h.other_record.has_value());  // not shared with FR-PIU
  EXPECT_GE(h.hit.score, 0.8);
  EXPECT_FALSE(h.hit.features.empty());
  const std::string rendered = HitJson(h);
  EXPECT_EQ(rendered.find(b), std::string::npos);  // the other record's id is not revealed
  EXPECT_EQ(rendered.find("Петров"), std::string::npos);
  EXPECT_NE(rendered.find("request access"), std::string::npos);
  EXPECT_EQ(de_hits->front().your_record, b);
  EXPECT_TRUE(Logged("hit.create", "ok", h.hit.id));
  // A third authority is told nothing.
  const Context it = As("IT-NCC");
  EXPECT_TRUE(node_->ListHits(it)->empty());
}

TEST_F(NodeFixture, SameOwnerAndDifferentPeopleMakeNoHit) {
  const Context fr = As("FR-PIU");
  const Context de = As("DE-BKA");
  Create(fr, PersonJson("Ivan Petrov", "1970-01-02", kOwnerOnly));
  Create(fr, PersonJson("Ivan Petrov", "1970-01-02", kOwnerOnly));
  Create(de, PersonJson("Maria Rossi", "1985-03-04", kOwnerOnly));
  EXPECT_TRUE(node_->ListHits(fr)->empty());
}

TEST_F(NodeFixture, HitNoticeFalseTellsOnlyTheOwner) {
  const Context fr = As("FR-PIU");
  const Context de = As("DE-BKA");
  Create(fr, PersonJson("Ivan Petrov", "1970-01-02", kOwnerOnly));
  Create(de, PersonJson("Ivan Petrov", "1970-01-02",
                        R"({"classification":"LIMITED","purposes":["crime"],"hit_notice":false})"));
  EXPECT_TRUE(node_->ListHits(fr)->empty());  // FR-PIU is not told DE-BKA's record exists
  EXPECT_EQ(node_->ListHits(de)->size(), 1u);
}

TEST_F(NodeFixture, AccessRequestGrantOpensTheRecord) {
  const Context fr = As("FR-PIU", core::Role::kAnalyst);
  const Context de = As("DE-BKA");
  Create(fr, PersonJson("Ivan Petrov", "1970-01-02", kOwnerOnly));
  const std::string b = Create(de, PersonJson("Ivan Petrov", "1970-01-02", kOwnerOnly));
  const auto hits = *node_->ListHits(fr);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(node_->RequestAccess(fr, hits[0].hit.id, "short").status().field(), "justification");
  auto req = node_->RequestAccess(fr, hits[0].hit.id, "Same person boarded AF1234, need file");
  ASSERT_TRUE(req.ok()) << req.status().ToString();
  EXPECT_EQ(
      node_->RequestAccess(fr, hits[0].hit.id, "Same person boarded AF1234, again").status().code(),
      StatusCode::kAlreadyExists);
  // The requester cannot decide its own request; an unrelated authority cannot see it.
  EXPECT_FALSE(node_->DecideAccess(As("FR-PIU"), req->id, true, "").ok());
  EXPECT_EQ(node_->DecideAccess(As("IT-NCC"), req->id, true, "").status().code(),
            StatusCode::kNotFound);
  const auto incoming = *node_->ListAccessRequests(de);
  ASSERT_EQ(incoming.size(), 1u);
  EXPECT_EQ(AccessRequestJson(incoming[0], "FR-PIU").find(b), std::string::npos);
  EXPECT_FALSE(node_->GetRecord(fr, b).ok());
  auto granted = node_->DecideAccess(de, req->id, true, "JIT partner");
  ASSERT_TRUE(granted.ok()) << granted.status().ToString();
  EXPECT_EQ(granted->status, core::AccessRequestStatus::kGranted);
  EXPECT_TRUE(node_->GetRecord(fr, b).ok());
  EXPECT_EQ(node_->DecideAccess(de, req->id, false, "changed my mind").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(node_->ListHits(fr)->front().other_record.has_value());
  EXPECT_TRUE(Logged("access.request", "ok", req->id));
  EXPECT_TRUE(Logged("access.grant", "ok", req->id));
  EXPECT_TRUE(VerifyChain().ok);
}

TEST_F(NodeFixture, RefusalKeepsTheRecordClosed) {
  const Context fr = As("FR-PIU", core::Role::kAnalyst);
  const Context de = As("DE-BKA");
  Create(fr, PersonJson("Ivan Petrov", "1970-01-02", kOwnerOnly));
  const std::string b = Create(de, PersonJson("Ivan Petrov", "1970-01-02", kOwnerOnly));
  const auto hits = *node_->ListHits(fr);
  auto req = node_->RequestAccess(fr, hits[0].hit.id, "Need to know for case 2026/17");
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(node_->DecideAccess(de, req->id, false, "").status().field(), "reason");
  ASSERT_TRUE(node_->DecideAccess(de, req->id, false, "ongoing covert operation").ok());
  EXPECT_FALSE(node_->GetRecord(fr, b).ok());
}

TEST_F(NodeFixture, JointInvestigationTeamAccessEndsWithNoOneActing) {
  const Context de = As("DE-BKA");
  const Context fr = As("FR-PIU");
  const Context it = As("IT-NCC");
  auto bad = node_->CreateGroup(de, R"({"name":"JIT X","kind":"jit","members":["DE-BKA"]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "valid_to");
  auto jit =
      node_->CreateGroup(de, R"({"name":"JIT AURORA","kind":"jit","members":["DE-BKA","FR-PIU"],
              "valid_from":"2026-05-01T00:00:00Z","valid_to":"2026-07-01T00:00:00Z"})");
  ASSERT_TRUE(jit.ok()) << jit.status().ToString();
  const std::string id = Create(
      de,
      R"({"type":"Organisation","properties":{"name":"Aurora Shipping Ltd"},"handling":{"classification":"LIMITED","distribution":"group","group":")" +
          jit->id + R"(","purposes":["crime"]}})");
  EXPECT_TRUE(node_->GetRecord(fr, id).ok());
  EXPECT_FALSE(node_->GetRecord(it, id).ok());
  EXPECT_EQ(node_->ListGroups(fr)->size(), 1u);
  EXPECT_FALSE(node_->GetGroup(it, jit->id).ok());
  clock_.Set(*core::ParseTimestamp("2026-07-01T00:00:00Z"));
  EXPECT_FALSE(node_->GetRecord(fr, id).ok());
  EXPECT_TRUE(node_->GetRecord(de, id).ok());  // the owner keeps its record
  // IT-NCC cannot put a record into a group it does not belong to.
  EXPECT_EQ(
      node_
          ->CreateRecord(
              it,
              R"({"type":"Location","properties":{"name":"X"},"handling":{"classification":"LIMITED","distribution":"group","group":")" +
                  jit->id + R"(","purposes":["border"]}})")
          .status()
          .field(),
      "handling.group");
}

}  // namespace
}  // namespace issa::node::testing
