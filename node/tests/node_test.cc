#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "node_fixture.h"

namespace issa::node::testing {
namespace {

TEST_F(NodeFixture, CreateReadPatchHistory) {
  const Context fr = As("FR-PIU");
  const std::string id = Create(fr, PersonJson("Ivan Petrov", "1970-01-02", kOwnerOnly));
  ASSERT_FALSE(id.empty());
  auto r = node_->GetRecord(fr, id);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->owner, "FR-PIU");
  EXPECT_EQ(r->origin_node, "test-node");
  EXPECT_EQ(r->version, 1);

  clock_.Advance(1000);
  auto p = node_->PatchRecord(fr, id, R"({"properties":{"nationality":"UA"}})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->version, 2);
  auto h = node_->GetHistory(fr, id);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 2u);
  EXPECT_NE((*h)[0].properties_json.find("RU"), std::string::npos);
  EXPECT_NE((*h)[1].properties_json.find("UA"), std::string::npos);
  EXPECT_TRUE(Logged("record.create", "ok", id));
  EXPECT_TRUE(Logged("record.read", "ok", id));
  EXPECT_TRUE(Logged("record.update", "ok", id));
  EXPECT_TRUE(Logged("record.history", "ok", id));
  EXPECT_TRUE(VerifyChain().ok);
}

// A type whose schema names a key ("x-key": StixObject's stix_id) gets it on every write, not as
// words of the text search; records written before (no key, the id in the search text) get
// theirs derived again when the node opens, once.
TEST_F(NodeFixture, RecordKeysAreDerivedOnWriteAndForOlderRecordsAtOpen) {
  const Context cert = As("NL-CERT");
  const std::string stix_id = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
  const std::string id = Create(
      cert, R"({"type":"StixObject","properties":{"stix_id":")" + stix_id +
                R"(","stix_type":"indicator","object":{}},"handling":{"classification":"LIMITED",)"
                R"("distribution":"owner","purposes":["cyber"]}})");
  ASSERT_FALSE(id.empty());
  const auto stored = [&]() -> core::Record {
    auto txn = store_->BeginRead();
    EXPECT_TRUE(txn.ok());
    auto r = (*txn)->GetRecord(access::Viewer{access::Principal::System(), 0, {}}, id);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : core::Record{};
  };
  EXPECT_EQ(stored().key, stix_id);
  EXPECT_EQ(stored().search_text, "indicator");
  storage::RecordQuery q;
  q.key = stix_id;
  auto page = node_->ListRecords(cert, q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].id, id);
  q.key.reset();
  q.text = "8e2e2d2b";  // a word of the id: ids are not words
  EXPECT_TRUE(node_->ListRecords(cert, q)->records.empty());
  q.text = "indicator";  // the STIX type is
  EXPECT_EQ(node_->ListRecords(cert, q)->records.size(), 1u);

  // More than one reindex batch (1,000) of older records.
  std::vector<std::pair<std::string, std::string>> more;  // record id, stix id
  for (int i = 0; i < 1100; ++i) {
    const std::string sid = fmt::format("indicator--00000000-0000-4000-8000-{:012d}", i);
    more.emplace_back(
        Create(cert, R"({"type":"StixObject","properties":{"stix_id":")" + sid +
                         R"(","stix_type":"indicator","object":{}},"handling":{"classification":)"
                         R"("LIMITED","distribution":"owner","purposes":["cyber"]}})"),
        sid);
  }
  // As a store written before keys holds them.
  ASSERT_TRUE(store_
                  ->Write([&](storage::WriteTxn& t) {
                    ISSA_RETURN_IF_ERROR(t.ReindexRecord(id, stix_id, ""));
                    for (const auto& [rid, sid] : more) {
                      ISSA_RETURN_IF_ERROR(t.ReindexRecord(rid, sid, ""));
                    }
                    return t.SetMeta("record-keys.StixObject", "");
                  })
                  .ok());
  EXPECT_EQ(stored().key, "");
  NodeOptions o;
  o.node_id = "test-node";
  o.store = store_.get();
  o.clock = &clock_;
  o.key = key_;
  node_.reset();
  auto reopened = Node::Open(o);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  node_ = std::move(reopened).value();
  const core::Record after = stored();
  EXPECT_EQ(after.key, stix_id);
  EXPECT_EQ(after.search_text, "indicator");
  EXPECT_EQ(after.version, 1);  // in place, no new version
  auto txn = store_->BeginRead();
  EXPECT_EQ(*(*txn)->GetMeta("record-keys.StixObject"), std::optional<std::string>("stix_id"));
  size_t rekeyed = 0;
  for (const auto& [rid, sid] : more) {
    auto r = (*txn)->GetRecord(access::Viewer{access::Principal::System(), 0, {}}, rid);
    if (r.ok() && r->key == sid && r->search_text == "indicator" && r->version == 1) ++rekeyed;
  }
  EXPECT_EQ(rekeyed, more.size());
  txn->reset();
  EXPECT_TRUE(VerifyChain().ok);
}

TEST_F(NodeFixture, InvisibleLooksMissingAndIsAudited) {
  const Context fr = As("FR-PIU");
  const Context de = As("DE-BKA");
  const std::string id = Create(fr, PersonJson("Ivan Petrov", "1970-01-02", kOwnerOnly));
  const auto hidden = node_->GetRecord(de, id);
  const auto missing = node_->GetRecord(de, "01900000-0000-7000-8000-000000000000");
  ASSERT_FALSE(hidden.ok());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(hidden.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().message(), missing.status().message());
  EXPECT_TRUE(Logged("record.read", "not_found", id));
  EXPECT_FALSE(node_->PatchRecord(de, id, R"({"properties":{"name":"X"}})").ok());
  EXPECT_FALSE(node_->GetHistory(de, id).ok());
  storage::RecordQuery q;
  auto page = node_->ListRecords(de, q);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->records.empty());
}

// ScanRecords hands over only what the store lets the caller see, stops when the visitor says
// so (reporting where to resume and whether records remain), and leaves one audit entry whose
// commit it reports.
TEST_F(NodeFixture, ScanRecordsVisitsVisibleRecordsAndAuditsOnce) {
  const Context fr = As("FR-PIU");
  const Context de = As("DE-BKA");
  std::vector<std::string> shared;
  for (int i = 0; i < 5; ++i) {
    shared.push_back(Create(fr, PersonJson(fmt::format("Shared {}", i), "1970-01-02", kAll)));
    (void)Create(fr, PersonJson(fmt::format("Own {}", i), "1970-01-02", kOwnerOnly));
  }
  const auto searches = [&] {
    int n = 0;
    for (const auto& e : AuditLog()) n += e.event.action == "record.search" ? 1 : 0;
    return n;
  };
  std::sort(shared.begin(), shared.end());  // scans go in id order
  const int before = searches();
  storage::RecordQuery q;
  q.limit = 2;  // store pages of 2: the scan crosses pages
  std::vector<std::string> seen;
  int committed = 0;
  auto all = node_->ScanRecords(
      de, q, 1000,
      [&](core::Record& r) {
        seen.push_back(r.id);
        return true;
      },
      [&](Status s) {
        EXPECT_TRUE(s.ok()) << s.ToString();
        ++committed;
      });
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(seen, shared);  // id order, the owner-only records not among them
  EXPECT_EQ(all->visited, 5u);
  EXPECT_FALSE(all->more);
  EXPECT_EQ(committed, 1);
  EXPECT_EQ(searches(), before + 1);
  // Stopping after the third: resume after it, more remain.
  seen.clear();
  auto some = node_->ScanRecords(
      de, q, 1000,
      [&](core::Record& r) {
        seen.push_back(r.id);
        return seen.size() < 3;
      },
      [&](Status) { ++committed; });
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(some->visited, 3u);
  EXPECT_EQ(some->last_id, shared[2]);
  EXPECT_TRUE(some->more);
  // The row bound stops the scan too.
  auto bounded = node_->ScanRecords(
      de, q, 4, [](core::Record&) { return true; }, [&](Status) { ++committed; });
  ASSERT_TRUE(bounded.ok());
  EXPECT_EQ(bounded->visited, 4u);
  EXPECT_EQ(bounded->last_id, shared[3]);
  EXPECT_TRUE(bounded->more);
  EXPECT_EQ(committed, 3);
  EXPECT_EQ(searches(), before + 3);
  // A role that may not read records is refused before anything is read.
  const Context overseer = As("FR-PIU", core::Role::kOverseer);
  bool called = false;
  auto denied = node_->ScanRecords(
      overseer, q, 10,
      [&](core::Record&) {
        called = true;
        return true;
      },
      [&](Status) { called = true; });
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_FALSE(called);
}

TEST_F(NodeFixture, RolesAreEnforcedAndDenialsAudited) {
  const Context viewer = As("FR-PIU", core::Role::kViewer);
  const auto r = node_->CreateRecord(viewer, PersonJson("A B", "1970", kOwnerOnly));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(Logged("access.denied", "denied"));
  const Context overseer = As("FR-PIU", core::Role::kOverseer);
  EXPECT_EQ(node_->ListRecords(overseer, {}).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(NodeFixture, BadInputIsRejectedWithFieldAndNothingWritten) {
  const Context fr = As("FR-PIU");
  const auto bad = node_->CreateRecord(fr, PersonJson("", "1970-01-02", kOwnerOnly));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "properties.name");
  EXPECT_EQ(node_
                ->CreateRecord(
                    fr, PersonJson("A", "1970-01-02",
                                   R"({"classification":"CONFIDENTIAL","purposes":["crime"]})"))
                .status()
                .field(),
            "handling.classification");  // above the user's clearance
  EXPECT_EQ(
      node_
          ->CreateRecord(fr, PersonJson("A", "1970-01-02",
                                        R"({"classification":"LIMITED","purposes":["cyber"]})"))
          .status()
          .field(),
      "handling.purposes");  // not a purpose of a PIU
  EXPECT_EQ(
      node_
          ->CreateRecord(
              fr,
              PersonJson(
                  "A", "1970-01-02",
                  R"({"classification":"LIMITED","distribution":"authorities","authorities":["XX-NONE"],"purposes":["crime"]})"))
          .status()
          .field(),
      "handling.authorities[0]");
  EXPECT_EQ(
      node_
          ->CreateRecord(
              fr,
              PersonJson(
                  "A", "1970-01-02",
                  R"({"classification":"LIMITED","distribution":"group","group":"nope","purposes":["crime"]})"))
          .status()
          .field(),
      "handling.group");
  auto page = node_->ListRecords(fr, {});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->records.empty());
  EXPECT_TRUE(Logged("record.create", "invalid"));
}

TEST_F(NodeFixture, BatchCreateIsAllOrNothing) {
  const Context fr = As("FR-PIU");
  const auto r = node_->CreateRecords(
      fr, {PersonJson("A B", "1970", kOwnerOnly), PersonJson("C D", "19700", kOwnerOnly)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "records[1].properties.birth_date");
  EXPECT_TRUE(node_->ListRecords(fr, {})->records.empty());
}

TEST_F(NodeFixture, BatchLinksResolveToEarlierRecordsOfTheBatch) {
  const Context fr = As("FR-PIU");
  const std::string doc =
      R"({"type":"Document","properties":{"number":"X1234567","document_type":"passport"},)"
      R"("handling":)" +
      std::string(kOwnerOnly) + "}";
  const std::string holder =
      R"({"type":"Person","properties":{"name":"Anna Schmidt"},"links":[{"rel":"holder_of",)"
      R"("target":"@0"}],"handling":)" +
      std::string(kOwnerOnly) + "}";
  const auto ids = node_->CreateRecords(fr, {doc, holder});
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  ASSERT_EQ(ids->size(), 2u);
  const auto person = node_->GetRecord(fr, (*ids)[1]);
  ASSERT_TRUE(person.ok());
  ASSERT_EQ(person->links.size(), 1u);
  EXPECT_EQ(person->links[0].target, (*ids)[0]);
  EXPECT_EQ(node_->GetRecord(fr, (*ids)[0])->type, "Document");

  // A link forward, to itself or to no index: the batch is refused, nothing is written.
  for (const char* target : {"@1", "@2", "@", "@x"}) {
    std::string bad = holder;
    bad.replace(bad.find("@0"), 2, target);
    const auto r = node_->CreateRecords(fr, {doc, bad});
    ASSERT_FALSE(r.ok()) << target;
    EXPECT_EQ(r.status().field(), "records[1].links[0].target") << target;
  }
  EXPECT_EQ(node_->ListRecords(fr, {})->records.size(), 2u);
}

TEST_F(NodeFixture, ImportRejectsBadLinesAndKeepsTheRest) {
  const Context fr = As("FR-PIU");
  std::istringstream in(PersonJson("Anna Schmidt", "1980-05-05", kOwnerOnly) + "\n" +
                        "{not json\n\n" + PersonJson("Jan Kowalski", "1975", kOwnerOnly) + "\n" +
                        R"({"type":"Person","properties":{"name":"X","extra":1},"handling":)" +
                        kOwnerOnly + "}\n");
  auto stats = node_->Import(fr, in, {});
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->lines, 4u);
  EXPECT_EQ(stats->imported, 2u);
  EXPECT_EQ(stats->rejected, 2u);
  ASSERT_EQ(stats->errors.size(), 2u);
  EXPECT_NE(stats->errors[0].find("line 2: body"), std::string::npos) << stats->errors[0];
  EXPECT_NE(stats->errors[1].find("line 5: properties.extra"), std::string::npos)
      << stats->errors[1];
  EXPECT_EQ(node_->ListRecords(fr, {})->records.size(), 2u);
}

TEST_F(NodeFixture, ImportsGeoJson) {
  const Context it = As("IT-NCC");
  std::istringstream in(R"({"type":"FeatureCollection","features":[
    {"type":"Feature","geometry":{"type":"Point","coordinates":[12.6,35.5]},"properties":{"name":"Lampedusa","kind":"port"}},
    {"type":"Feature","geometry":{"type":"Point","coordinates":[200,35.5]},"properties":{"name":"Bad"}}]})");
  ImportOptions o;
  o.geojson_type = "Location";
  o.geojson_handling_json =
      R"({"classification":"PUBLIC","distribution":"all","purposes":["border"]})";
  auto stats = node_->Import(it, in, o);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->imported, 1u);
  EXPECT_EQ(stats->rejected, 1u);
  storage::RecordQuery q;
  q.bbox = core::BBox{12, 35, 13, 36};
  EXPECT_EQ(node_->ListRecords(it, q)->records.size(), 1u);
}

TEST_F(NodeFixture, ImportFileStaysInsideTheImportFolder) {
  const Context fr = As("FR-PIU");
  for (const char* path : {"/etc/passwd", "../issa.db", "a/../../x", ""}) {
    const auto r = node_->ImportFile(fr, path, {});
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_EQ(r.status().field(), "path") << path;
  }
}

TEST_F(NodeFixture, FailedLoginsAreAudited) {
  EXPECT_EQ(node_->Authenticate("issa_nope", "10.0.0.1:1").status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(node_->Authenticate("", "10.0.0.1:1").status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(Logged("login.failed", "denied"));
  (void)As("FR-PIU");
  EXPECT_TRUE(Logged("login", "ok"));
}

TEST_F(NodeFixture, AuditVisibility) {
  const Context fr = As("FR-PIU");
  const Context de = As("DE-BKA");
  Create(fr, PersonJson("Anna Schmidt", "1980-05-05", kOwnerOnly));
  Create(de, PersonJson("Jan Kowalski", "1975", kOwnerOnly));
  EXPECT_EQ(node_->ListAudit(fr, {}).status().code(), StatusCode::kPermissionDenied);
  const Context fr_admin = As("FR-PIU", core::Role::kAdmin);
  auto own = node_->ListAudit(fr_admin, {});
  ASSERT_TRUE(own.ok());
  for (const auto& e : *own) {
    EXPECT_TRUE(e.event.authority == "FR-PIU" || e.event.target_owner == "FR-PIU")
        << e.event.action;
  }
  const Context dpo = As("IT-NCC", core::Role::kDpo);
  auto all = node_->ListAudit(dpo, {});
  ASSERT_TRUE(all.ok());
  EXPECT_GT(all->size(), own->size());
}

TEST_F(NodeFixture, RetentionDepersonalisesThenDeletes) {
  const Context fr = As("FR-PIU");
  const std::string handling =
      R"({"classification":"LIMITED","distribution":"owner","purposes":["crime"],)"
      R"("depersonalise_after":"2026-06-01T00:00:00Z","delete_after":"2026-07-01T00:00:00Z"})";
  const std::string id = Create(fr, PersonJson("Ivan Petrov", "1970-01-02", handling));
  clock_.Set(*core::ParseTimestamp("2026-06-02T00:00:00Z"));
  auto report = node_->RunRetention(system_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->depersonalised, 1u);
  auto r = node_->GetRecord(fr, id);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->depersonalised);
  EXPECT_EQ(r->properties_json.find("Petrov"), std::string::npos);
  EXPECT_NE(r->properties_json.find("RU"), std::string::npos);  // not personal
  auto history = node_->GetHistory(fr, id);
  ASSERT_TRUE(history.ok());
  for (const auto& v : *history) EXPECT_EQ(v.properties_json.find("Petrov"), std::string::npos);
  clock_.Set(*core::ParseTimestamp("2026-07-02T00:00:00Z"));
  report = node_->RunRetention(system_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->deleted, 1u);
  EXPECT_EQ(node_->GetRecord(fr, id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Logged("retention.delete", "ok", id));
  EXPECT_TRUE(VerifyChain().ok);
}

TEST_F(NodeFixture, StreamDeliversOnlyWhatTheSubscriberMaySee) {
  const Context fr = As("FR-PIU");
  const Context de = As("DE-BKA");
  std::vector<Notice> got;
  auto sub = node_->Subscribe(de, [&](const Notice& n) { got.push_back(n); });
  Create(fr, PersonJson("Hidden Person", "1970", kOwnerOnly));
  const std::string shared =
      Create(fr, R"({"type":"Location","properties":{"name":"Port"},"handling":)" +
                     std::string(kAll) + "}");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, "record");
  EXPECT_EQ(got[0].id, shared);
  sub.reset();
  Create(fr, R"({"type":"Location","properties":{"name":"Port 2"},"handling":)" +
                 std::string(kAll) + "}");
  EXPECT_EQ(got.size(), 1u);
}

}  // namespace
}  // namespace issa::node::testing
