#pragma once

// The Store conformance suite: one GoogleTest value-parameterised suite that every backend
// (memory, SQLite, later PostgreSQL) must pass unchanged, so that they stay interchangeable.
//
// Use: include this header from exactly ONE .cc of a test binary (it defines the tests) and
// instantiate it with a factory that opens a fresh, empty store:
//
//   INSTANTIATE_TEST_SUITE_P(Memory, StoreConformanceTest,
//                            ::testing::Values(StoreFactory{"Memory", OpenMyStore}),
//                            StoreFactoryName);
//
// Each test opens its own store through the factory and signs the audit head with a fresh
// audit::NodeKey.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "issa/access/policy.h"
#include "issa/audit/chain.h"
#include "issa/core/model.h"
#include "issa/core/status.h"
#include "issa/storage/store.h"
#include "issa/storage/testing/verify_audit.h"

namespace issa::storage::testing {

// Opens a fresh, empty store whose audit head is signed with `signer`.
using StoreOpener = std::function<Result<std::unique_ptr<Store>>(HeadSigner signer)>;

struct StoreFactory {
  std::string name;  // suffix of the test names: letters, digits and '_' only
  StoreOpener open;
};

inline void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

inline std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

namespace detail {

inline constexpr core::Timestamp kT0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
inline constexpr core::Timestamp kHour = 3'600'000;
inline constexpr core::PurposeSet kCrime = static_cast<core::PurposeSet>(core::Purpose::kCrime);
inline constexpr core::PurposeSet kCyber = static_cast<core::PurposeSet>(core::Purpose::kCyber);
inline constexpr core::PurposeSet kBorder = static_cast<core::PurposeSet>(core::Purpose::kBorder);

inline core::Record MakeRecord(std::string id, std::string owner,
                               core::Distribution distribution = core::Distribution::kOwner) {
  core::Record r;
  r.id = std::move(id);
  r.type = "Person";
  r.owner = std::move(owner);
  r.origin_node = "node-1";
  r.version = 1;
  r.created_at = kT0;
  r.updated_at = kT0;
  r.properties_json = R"({"family_name":"Rossi","given_names":"Mario"})";
  r.handling.classification = core::Classification::kLimited;
  r.handling.distribution = distribution;
  r.handling.purposes = kCrime;
  r.created_by = "u-" + r.owner;
  r.search_text = "rossi mario";
  return r;
}

inline core::Record NextVersion(const core::Record& r) {
  core::Record next = r;
  next.version = r.version + 1;
  next.updated_at = r.updated_at + 1000;
  return next;
}

inline access::Principal MakePrincipal(
    std::string authority, core::Classification clearance = core::Classification::kRestricted,
    core::PurposeSet purposes = kCrime) {
  access::Principal p;
  p.user_id = "u-" + authority;
  p.authority = std::move(authority);
  p.role = core::Role::kAnalyst;
  p.clearance = clearance;
  p.purposes = purposes;
  return p;
}

inline std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

inline void ExpectSameRecord(const core::Record& want, const core::Record& got) {
  EXPECT_EQ(want.id, got.id);
  EXPECT_EQ(want.type, got.type);
  EXPECT_EQ(want.owner, got.owner);
  EXPECT_EQ(want.origin_node, got.origin_node);
  EXPECT_EQ(want.version, got.version);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.updated_at, got.updated_at);
  EXPECT_EQ(want.valid_from, got.valid_from);
  EXPECT_EQ(want.valid_to, got.valid_to);
  EXPECT_EQ(want.properties_json, got.properties_json);
  EXPECT_EQ(want.geometry_json, got.geometry_json);
  ASSERT_EQ(want.bbox.has_value(), got.bbox.has_value()) << want.id;
  if (want.bbox) {
    EXPECT_EQ(want.bbox->min_lon, got.bbox->min_lon);
    EXPECT_EQ(want.bbox->min_lat, got.bbox->min_lat);
    EXPECT_EQ(want.bbox->max_lon, got.bbox->max_lon);
    EXPECT_EQ(want.bbox->max_lat, got.bbox->max_lat);
  }
  ASSERT_EQ(want.links.size(), got.links.size()) << want.id;
  for (size_t i = 0; i < want.links.size(); ++i) {
    EXPECT_EQ(want.links[i].rel, got.links[i].rel);
    EXPECT_EQ(want.links[i].target, got.links[i].target);
  }
  EXPECT_EQ(want.handling.classification, got.handling.classification);
  EXPECT_EQ(want.handling.distribution, got.handling.distribution);
  EXPECT_EQ(want.handling.authorities, got.handling.authorities);
  EXPECT_EQ(want.handling.group, got.handling.group);
  EXPECT_EQ(want.handling.purposes, got.handling.purposes);
  EXPECT_EQ(want.handling.delete_after, got.handling.delete_after);
  EXPECT_EQ(want.handling.depersonalise_after, got.handling.depersonalise_after);
  EXPECT_EQ(want.handling.hit_notice, got.handling.hit_notice);
  EXPECT_EQ(want.created_by, got.created_by);
  EXPECT_EQ(want.depersonalised, got.depersonalised);
  EXPECT_EQ(want.search_text, got.search_text);
  EXPECT_EQ(want.key, got.key);
  EXPECT_EQ(want.grants, got.grants);
}

// "rec-0007": ids that sort like their numbers.
inline std::string NumberedId(int i) {
  std::string digits = std::to_string(i);
  return "rec-" + std::string(digits.size() < 4 ? 4 - digits.size() : 0, '0') + digits;
}

template <typename T>
std::vector<std::string> Ids(const std::vector<T>& items) {
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const T& item : items) ids.push_back(item.id);
  return ids;
}

}  // namespace detail

class StoreConformanceTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    key_ = audit::NodeKey::Generate();
    auto opened = GetParam().open([key = key_](const std::string& m) { return key.Sign(m); });
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  Store& store() { return *store_; }

  std::unique_ptr<ReadTxn> Read() {
    auto txn = store_->BeginRead();
    EXPECT_TRUE(txn.ok()) << txn.status().ToString();
    if (!txn.ok()) return nullptr;
    return std::move(txn).value();
  }

  // Runs fn in a write transaction and expects it to commit.
  void MustWrite(const std::function<Status(WriteTxn&)>& fn) {
    const Status s = store_->Write(fn);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  void PutRecords(const std::vector<core::Record>& records) {
    MustWrite([&](WriteTxn& txn) {
      for (const core::Record& r : records) ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
      return Status::Ok();
    });
  }

  access::Viewer ViewerOf(const access::Principal& principal, core::Timestamp now = detail::kT0) {
    auto txn = Read();
    auto viewer = txn->ResolveViewer(principal, now);
    EXPECT_TRUE(viewer.ok()) << viewer.status().ToString();
    return viewer.ok() ? *viewer : access::Viewer{};
  }

  access::Viewer SystemViewer() { return ViewerOf(access::Principal::System()); }

  // Whether the viewer sees the record, checked on every read path; they must agree.
  bool Sees(const access::Viewer& viewer, const std::string& id) {
    auto txn = Read();
    auto got = txn->GetRecord(viewer, id);
    if (!got.ok()) {
      EXPECT_EQ(got.status().code(), StatusCode::kNotFound) << id;
    }
    auto history = txn->GetHistory(viewer, id);
    if (!history.ok()) {
      EXPECT_EQ(history.status().code(), StatusCode::kNotFound) << id;
    }
    bool in_query = false;
    RecordQuery q;
    q.limit = 1000;
    for (;;) {
      auto page = txn->QueryRecords(viewer, q);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      for (const core::Record& r : page->records) in_query = in_query || r.id == id;
      if (page->next_cursor.empty()) break;
      q.after_id = page->next_cursor;
    }
    bool in_scan = false;
    EXPECT_TRUE(txn->ScanRecords(viewer, {},
                                 [&](const core::Record& r) {
                                   in_scan = in_scan || r.id == id;
                                   return true;
                                 })
                    .ok());
    EXPECT_EQ(got.ok(), history.ok()) << id;
    EXPECT_EQ(got.ok(), in_query) << id;
    EXPECT_EQ(got.ok(), in_scan) << id;
    return got.ok();
  }

  std::vector<std::string> QueryIds(const RecordQuery& query,
                                    std::optional<access::Viewer> viewer = std::nullopt) {
    auto txn = Read();
    auto page = txn->QueryRecords(viewer ? *viewer : SystemViewer(), query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? detail::Ids(page->records) : std::vector<std::string>{};
  }

  std::vector<std::string> TextQuery(std::string text) {
    RecordQuery q;
    q.text = std::move(text);
    return QueryIds(q);
  }

  std::vector<int64_t> AuditSeqs(const AuditQuery& query) {
    std::vector<int64_t> seqs;
    auto txn = Read();
    const Status s = txn->ScanAudit(query, [&](const audit::Entry& e) {
      seqs.push_back(e.seq);
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return seqs;
  }

  audit::NodeKey key_;
  std::unique_ptr<Store> store_;
};

using detail::kHour;
using detail::kT0;

// ---- Empty store, node entities, meta ----------------------------------------------------------

TEST_P(StoreConformanceTest, FreshStoreIsEmpty) {
  auto txn = Read();
  auto head = txn->GetAuditHead();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq, 0);
  EXPECT_EQ(head->hash, audit::kGenesisHash);
  EXPECT_TRUE(txn->ListAuthorities()->empty());
  EXPECT_TRUE(txn->ListGroups("")->empty());
  EXPECT_TRUE(txn->ListHits("IT-NCC", 0)->empty());
  EXPECT_TRUE(txn->ListAccessRequests("IT-NCC")->empty());
  auto page = txn->QueryRecords(SystemViewer(), RecordQuery{});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->records.empty());
  EXPECT_TRUE(page->next_cursor.empty());
  EXPECT_EQ(txn->GetMeta("node_id")->has_value(), false);
  EXPECT_TRUE(AuditSeqs(AuditQuery{}).empty());
  EXPECT_TRUE(VerifyStoreAudit(store(), key_.PublicHex()).ok);
}

TEST_P(StoreConformanceTest, AuthoritiesPutReplaceGetList) {
  core::Authority it{"IT-NCC",
                     "IT",
                     {core::AuthorityKind::kBorder, core::AuthorityKind::kPolice},
                     "Centro Nazionale",
                     kT0};
  core::Authority de{"DE-BKA", "DE", {core::AuthorityKind::kPolice}, "Bundeskriminalamt", kT0 + 1};
  MustWrite([&](WriteTxn& txn) {
    ISSA_RETURN_IF_ERROR(txn.PutAuthority(it));
    return txn.PutAuthority(de);
  });
  it.name = "Centro Nazionale di Coordinamento";
  it.kinds = {core::AuthorityKind::kEuAgency};
  MustWrite([&](WriteTxn& txn) { return txn.PutAuthority(it); });

  auto txn = Read();
  auto got = txn->GetAuthority("IT-NCC");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->country, "IT");
  EXPECT_EQ(got->name, "Centro Nazionale di Coordinamento");
  EXPECT_EQ(got->kinds, std::vector<core::AuthorityKind>{core::AuthorityKind::kEuAgency});
  EXPECT_EQ(got->created_at, kT0);
  auto list = txn->ListAuthorities();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(detail::Ids(*list), (std::vector<std::string>{"DE-BKA", "IT-NCC"}));
  EXPECT_EQ((*list)[0].kinds, std::vector<core::AuthorityKind>{core::AuthorityKind::kPolice});
  EXPECT_EQ(txn->GetAuthority("FR-PIU").status().code(), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, UsersAndTokensRoundTrip) {
  core::User user{"u-1",
                  "IT-NCC",
                  core::Role::kOfficer,
                  core::Classification::kConfidential,
                  static_cast<core::PurposeSet>(detail::kCrime | detail::kBorder),
                  "Anna Bianchi",
                  kT0};
  core::Token token{"ab12", "u-1", kT0, kT0 + kHour, false};
  core::Token forever{"cd34", "u-1", kT0 + 1, std::nullopt, true};
  MustWrite([&](WriteTxn& txn) {
    ISSA_RETURN_IF_ERROR(txn.PutUser(user));
    ISSA_RETURN_IF_ERROR(txn.PutToken(token));
    return txn.PutToken(forever);
  });
  auto txn = Read();
  auto u = txn->GetUser("u-1");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->authority, "IT-NCC");
  EXPECT_EQ(u->role, core::Role::kOfficer);
  EXPECT_EQ(u->clearance, core::Classification::kConfidential);
  EXPECT_EQ(u->purposes, detail::kCrime | detail::kBorder);
  EXPECT_EQ(u->name, "Anna Bianchi");
  EXPECT_EQ(u->created_at, kT0);
  auto t = txn->GetToken("ab12");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->user_id, "u-1");
  EXPECT_EQ(t->created_at, kT0);
  EXPECT_EQ(t->expires_at, kT0 + kHour);
  EXPECT_FALSE(t->revoked);
  auto f = txn->GetToken("cd34");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->expires_at, std::nullopt);
  EXPECT_TRUE(f->revoked);
  EXPECT_EQ(txn->GetUser("u-2").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(txn->GetToken("ffff").status().code(), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, EmptyKeysAreInvalidArguments) {
  const auto expect_invalid = [&](const std::function<Status(WriteTxn&)>& fn) {
    const Status s = store().Write(fn);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  };
  expect_invalid([](WriteTxn& txn) { return txn.PutAuthority(core::Authority{}); });
  expect_invalid([](WriteTxn& txn) { return txn.PutUser(core::User{}); });
  expect_invalid([](WriteTxn& txn) { return txn.PutToken(core::Token{}); });
  expect_invalid([](WriteTxn& txn) { return txn.PutGroup(core::SharingGroup{}); });
  expect_invalid([](WriteTxn& txn) { return txn.PutHit(core::Hit{}); });
  expect_invalid([](WriteTxn& txn) { return txn.PutAccessRequest(core::AccessRequest{}); });
  expect_invalid([](WriteTxn& txn) { return txn.SetMeta("", "x"); });
}

TEST_P(StoreConformanceTest, MetaSetOverwriteAndReservedPrefix) {
  MustWrite([](WriteTxn& txn) {
    ISSA_RETURN_IF_ERROR(txn.SetMeta("node_id", "it-ncc-node-1"));
    ISSA_RETURN_IF_ERROR(txn.SetMeta("empty", ""));
    return txn.SetMeta("node_id", "it-ncc-node-2");
  });
  auto txn = Read();
  EXPECT_EQ(*txn->GetMeta("node_id"), std::optional<std::string>("it-ncc-node-2"));
  EXPECT_EQ(*txn->GetMeta("empty"), std::optional<std::string>(""));
  EXPECT_EQ(*txn->GetMeta("missing"), std::nullopt);
  const Status reserved =
      store().Write([](WriteTxn& w) { return w.SetMeta("storage.schema_version", "99"); });
  EXPECT_EQ(reserved.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(reserved.field(), "key");
}

// ---- Records: round trip, versions, grants, deletion -------------------------------------------

TEST_P(StoreConformanceTest, RecordRoundTripKeepsEveryField) {
  core::Record r = detail::MakeRecord("rec-1", "IT-NCC", core::Distribution::kAuthorities);
  r.valid_from = kT0 - kHour;
  r.valid_to = kT0 + 100 * kHour;
  r.properties_json = R"({"family_name":"Rossi","note":"quote \" and unicode é 日本"})";
  r.geometry_json = R"({"type":"Point","coordinates":[12.4964,41.9028]})";
  r.bbox = core::BBox{12.4964, 41.9028, 12.4964, 41.9028};
  r.links = {{"crew_of", "rec-ship"}, {"related", "rec-2"}};
  r.handling.classification = core::Classification::kRestricted;
  r.handling.authorities = {"DE-BKA", "FR-PIU"};
  r.handling.purposes = static_cast<core::PurposeSet>(detail::kCrime | detail::kBorder);
  r.handling.delete_after = kT0 + 1000 * kHour;
  r.handling.depersonalise_after = kT0 + 500 * kHour;
  r.handling.hit_notice = false;
  r.depersonalised = true;
  r.grants = {"ES-CNP"};
  r.key = "person--0f4c0c6e-2b6f-4c8a-9d8e-1a2b3c4d5e6f";
  core::Record plain = detail::MakeRecord("rec-2", "IT-NCC");  // optional fields unset
  plain.handling.group = "g-1";
  plain.handling.distribution = core::Distribution::kGroup;
  PutRecords({r, plain});

  auto txn = Read();
  auto got = txn->GetRecord(SystemViewer(), "rec-1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  detail::ExpectSameRecord(r, *got);
  auto got_plain = txn->GetRecord(SystemViewer(), "rec-2");
  ASSERT_TRUE(got_plain.ok());
  detail::ExpectSameRecord(plain, *got_plain);
}

TEST_P(StoreConformanceTest, PutRecordVersionRules) {
  const core::Record v1 = detail::MakeRecord("rec-1", "IT-NCC");
  PutRecords({v1});
  const auto put = [&](const core::Record& r) {
    return store().Write([&](WriteTxn& txn) { return txn.PutRecord(r); });
  };
  EXPECT_EQ(put(v1).code(), StatusCode::kAlreadyExists);
  core::Record v3 = detail::NextVersion(detail::NextVersion(v1));
  EXPECT_EQ(put(v3).code(), StatusCode::kAborted);
  core::Record unknown = detail::NextVersion(detail::MakeRecord("rec-2", "IT-NCC"));
  EXPECT_EQ(put(unknown).code(), StatusCode::kNotFound);
  const core::Record v2 = detail::NextVersion(v1);
  EXPECT_TRUE(put(v2).ok());
  EXPECT_EQ(put(v2).code(), StatusCode::kAborted);  // a concurrent writer lost the race
  EXPECT_TRUE(put(v3).ok());
  auto txn = Read();
  EXPECT_EQ(txn->GetRecord(SystemViewer(), "rec-1")->version, 3);
}

TEST_P(StoreConformanceTest, PutRecordRejectsInvalidRecords) {
  const auto field_of = [&](core::Record r) {
    const Status s = store().Write([&](WriteTxn& txn) { return txn.PutRecord(r); });
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
    return s.field();
  };
  core::Record r = detail::MakeRecord("rec-1", "IT-NCC");
  r.id.clear();
  EXPECT_EQ(field_of(r), "id");
  r = detail::MakeRecord("rec-1", "IT-NCC");
  r.type.clear();
  EXPECT_EQ(field_of(r), "type");
  r = detail::MakeRecord("rec-1", "");
  EXPECT_EQ(field_of(r), "owner");
  r = detail::MakeRecord("rec-1", "IT-NCC");
  r.version = 0;
  EXPECT_EQ(field_of(r), "version");
  r = detail::MakeRecord("rec-1", "IT-NCC");
  r.bbox = core::BBox{10, 50, 9, 51};
  EXPECT_EQ(field_of(r), "bbox");
  EXPECT_EQ(Read()->GetRecord(SystemViewer(), "rec-1").status().code(), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, HistoryListsEveryVersionOldestFirst) {
  core::Record v1 = detail::MakeRecord("rec-1", "IT-NCC");
  core::Record v2 = detail::NextVersion(v1);
  v2.properties_json = R"({"family_name":"Rossi","given_names":"Mario Luigi"})";
  v2.search_text = "rossi mario luigi";
  core::Record v3 = detail::NextVersion(v2);
  v3.handling.classification = core::Classification::kPublic;
  PutRecords({v1});
  PutRecords({v2});
  PutRecords({v3});
  auto txn = Read();
  auto history = txn->GetHistory(SystemViewer(), "rec-1");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 3u);
  detail::ExpectSameRecord(v1, (*history)[0]);
  detail::ExpectSameRecord(v2, (*history)[1]);
  detail::ExpectSameRecord(v3, (*history)[2]);
  EXPECT_EQ(txn->GetHistory(SystemViewer(), "rec-9").status().code(), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, GrantsAreNotVersioned) {
  core::Record v1 = detail::MakeRecord("rec-1", "IT-NCC");
  v1.grants = {"DE-BKA"};
  PutRecords({v1});
  MustWrite([](WriteTxn& txn) { return txn.SetGrants("rec-1", {"DE-BKA", "FR-PIU"}); });
  core::Record v2 = detail::NextVersion(v1);
  v2.grants = {"ES-CNP"};  // ignored: only SetGrants changes grants after version 1
  PutRecords({v2});
  auto txn = Read();
  const std::vector<std::string> want{"DE-BKA", "FR-PIU"};
  EXPECT_EQ(txn->GetRecord(SystemViewer(), "rec-1")->grants, want);
  auto history = txn->GetHistory(SystemViewer(), "rec-1");
  ASSERT_TRUE(history.ok());
  for (const core::Record& r : *history) EXPECT_EQ(r.grants, want);
  const Status missing =
      store().Write([](WriteTxn& w) { return w.SetGrants("rec-9", {"DE-BKA"}); });
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, DeleteRecordPurgesEveryVersion) {
  core::Record keep = detail::MakeRecord("rec-0", "IT-NCC");
  core::Record v1 = detail::MakeRecord("rec-1", "IT-NCC");
  v1.search_text = "purgeable";
  v1.bbox = core::BBox{10, 45, 10, 45};
  PutRecords({keep, v1});
  PutRecords({detail::NextVersion(v1)});
  MustWrite([](WriteTxn& txn) { return txn.DeleteRecord("rec-1"); });

  auto txn = Read();
  const access::Viewer sys = SystemViewer();
  EXPECT_EQ(txn->GetRecord(sys, "rec-1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(txn->GetHistory(sys, "rec-1").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(Sees(sys, "rec-1"));
  EXPECT_TRUE(TextQuery("purgeable").empty());
  RecordQuery box;
  box.bbox = core::BBox{9, 44, 11, 46};
  EXPECT_TRUE(QueryIds(box).empty());
  EXPECT_TRUE(Sees(sys, "rec-0"));
  EXPECT_EQ(store().Write([](WriteTxn& w) { return w.DeleteRecord("rec-1"); }).code(),
            StatusCode::kNotFound);
  // The id is free again: version 1 may be written anew, with no trace of the old history.
  PutRecords({v1});
  EXPECT_EQ(Read()->GetHistory(sys, "rec-1")->size(), 1u);
}

// ---- Access filtering --------------------------------------------------------------------------

TEST_P(StoreConformanceTest, OwnerDistribution) {
  PutRecords({detail::MakeRecord("rec-1", "IT-NCC", core::Distribution::kOwner)});
  EXPECT_TRUE(Sees(ViewerOf(detail::MakePrincipal("IT-NCC")), "rec-1"));
  EXPECT_FALSE(Sees(ViewerOf(detail::MakePrincipal("DE-BKA")), "rec-1"));
  EXPECT_FALSE(Sees(ViewerOf(detail::MakePrincipal("")), "rec-1"));
  EXPECT_TRUE(Sees(SystemViewer(), "rec-1"));
}

TEST_P(StoreConformanceTest, AuthoritiesDistribution) {
  core::Record r = detail::MakeRecord("rec-1", "IT-NCC", core::Distribution::kAuthorities);
  r.handling.authorities = {"DE-BKA", "FR-PIU"};
  PutRecords({r});
  EXPECT_TRUE(Sees(ViewerOf(detail::MakePrincipal("DE-BKA")), "rec-1"));
  EXPECT_TRUE(Sees(ViewerOf(detail::MakePrincipal("FR-PIU")), "rec-1"));
  EXPECT_FALSE(Sees(ViewerOf(detail::MakePrincipal("ES-CNP")), "rec-1"));
}

TEST_P(StoreConformanceTest, GroupDistributionFollowsTheValidityWindow) {
  core::SharingGroup jit;
  jit.id = "g-jit";
  jit.name = "JIT Adriatic";
  jit.kind = core::GroupKind::kJointInvestigationTeam;
  jit.members = {"IT-NCC", "DE-BKA"};
  jit.valid_from = kT0;
  jit.valid_to = kT0 + 24 * kHour;
  jit.owner = "IT-NCC";
  core::Record r = detail::MakeRecord("rec-1", "IT-NCC", core::Distribution::kGroup);
  r.handling.group = "g-jit";
  MustWrite([&](WriteTxn& txn) {
    ISSA_RETURN_IF_ERROR(txn.PutGroup(jit));
    return txn.PutRecord(r);
  });
  const access::Principal de = detail::MakePrincipal("DE-BKA");
  EXPECT_FALSE(Sees(ViewerOf(de, kT0 - 1), "rec-1"));
  EXPECT_TRUE(Sees(ViewerOf(de, kT0), "rec-1"));
  EXPECT_TRUE(Sees(ViewerOf(de, kT0 + 24 * kHour - 1), "rec-1"));
  // After valid_to access stops, with no one acting.
  EXPECT_FALSE(Sees(ViewerOf(de, kT0 + 24 * kHour), "rec-1"));
  EXPECT_FALSE(Sees(ViewerOf(detail::MakePrincipal("FR-PIU"), kT0 + kHour), "rec-1"));
  // The owner sees its record whatever the group's window.
  EXPECT_TRUE(Sees(ViewerOf(detail::MakePrincipal("IT-NCC"), kT0 + 48 * kHour), "rec-1"));
}

TEST_P(StoreConformanceTest, AllDistribution) {
  PutRecords({detail::MakeRecord("rec-1", "IT-NCC", core::Distribution::kAll)});
  EXPECT_TRUE(Sees(ViewerOf(detail::MakePrincipal("DE-BKA")), "rec-1"));
  EXPECT_TRUE(Sees(ViewerOf(detail::MakePrincipal("ES-CNP")), "rec-1"));
}

TEST_P(StoreConformanceTest, ClearanceBindsEveryoneIncludingTheOwner) {
  core::Record r = detail::MakeRecord("rec-1", "IT-NCC", core::Distribution::kAll);
  r.handling.classification = core::Classification::kConfidential;
  PutRecords({r});
  EXPECT_FALSE(
      Sees(ViewerOf(detail::MakePrincipal("IT-NCC", core::Classification::kRestricted)), "rec-1"));
  EXPECT_TRUE(Sees(ViewerOf(detail::MakePrincipal("IT-NCC", core::Classification::kConfidential)),
                   "rec-1"));
  EXPECT_FALSE(
      Sees(ViewerOf(detail::MakePrincipal("DE-BKA", core::Classification::kRestricted)), "rec-1"));
  EXPECT_TRUE(Sees(ViewerOf(detail::MakePrincipal("DE-BKA", core::Classification::kConfidential)),
                   "rec-1"));
}

TEST_P(StoreConformanceTest, PurposesBindOtherAuthorities) {
  PutRecords({detail::MakeRecord("rec-1", "IT-NCC", core::Distribution::kAll)});  // crime
  const auto clearance = core::Classification::kRestricted;
  EXPECT_FALSE(
      Sees(ViewerOf(detail::MakePrincipal("FR-CERT", clearance, detail::kCyber)), "rec-1"));
  EXPECT_TRUE(Sees(
      ViewerOf(detail::MakePrincipal(
          "DE-BKA", clearance, static_cast<core::PurposeSet>(detail::kCrime | detail::kCyber))),
      "rec-1"));
  // The owner is not bound by purposes.
  EXPECT_TRUE(Sees(ViewerOf(detail::MakePrincipal("IT-NCC", clearance, detail::kCyber)), "rec-1"));
}

TEST_P(StoreConformanceTest, GrantsOpenARecordToAnAuthority) {
  PutRecords({detail::MakeRecord("rec-1", "IT-NCC", core::Distribution::kOwner)});
  const access::Principal de = detail::MakePrincipal("DE-BKA");
  EXPECT_FALSE(Sees(ViewerOf(de), "rec-1"));
  MustWrite([](WriteTxn& txn) { return txn.SetGrants("rec-1", {"DE-BKA"}); });
  EXPECT_TRUE(Sees(ViewerOf(de), "rec-1"));
  EXPECT_FALSE(Sees(ViewerOf(detail::MakePrincipal("DE-BKA", core::Classification::kPublic)),
                    "rec-1"));  // clearance still applies
  EXPECT_FALSE(Sees(ViewerOf(detail::MakePrincipal("FR-PIU")), "rec-1"));
  MustWrite([](WriteTxn& txn) { return txn.SetGrants("rec-1", {}); });
  EXPECT_FALSE(Sees(ViewerOf(de), "rec-1"));
}

TEST_P(StoreConformanceTest, AccessFollowsTheCurrentVersion) {
  core::Record v1 = detail::MakeRecord("rec-1", "IT-NCC", core::Distribution::kAll);
  PutRecords({v1});
  const access::Viewer de = ViewerOf(detail::MakePrincipal("DE-BKA"));
  EXPECT_TRUE(Sees(de, "rec-1"));
  core::Record v2 = detail::NextVersion(v1);
  v2.handling.distribution = core::Distribution::kOwner;
  PutRecords({v2});
  EXPECT_FALSE(Sees(de, "rec-1"));  // also hides the earlier, wider-shared versions
}

TEST_P(StoreConformanceTest, InvisibleRecordLooksExactlyLikeAMissingOne) {
  PutRecords({detail::MakeRecord("rec-hidden", "IT-NCC", core::Distribution::kOwner)});
  const access::Viewer de = ViewerOf(detail::MakePrincipal("DE-BKA"));
  auto txn = Read();
  const auto hidden = txn->GetRecord(de, "rec-hidden");
  const auto missing = txn->GetRecord(de, "rec-absent");
  ASSERT_FALSE(hidden.ok());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(hidden.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().code(), missing.status().code());
  EXPECT_EQ(hidden.status().message(),
            detail::ReplaceAll(missing.status().message(), "rec-absent", "rec-hidden"));
  EXPECT_EQ(hidden.status().field(), missing.status().field());
  const auto hidden_history = txn->GetHistory(de, "rec-hidden");
  const auto missing_history = txn->GetHistory(de, "rec-absent");
  EXPECT_EQ(hidden_history.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(hidden_history.status().message(),
            detail::ReplaceAll(missing_history.status().message(), "rec-absent", "rec-hidden"));
}

TEST_P(StoreConformanceTest, ResolveViewerListsActiveMemberGroupsSorted) {
  const auto group = [](std::string id, std::vector<std::string> members, core::Timestamp from,
                        std::optional<core::Timestamp> to, std::string owner) {
    core::SharingGroup g;
    g.id = std::move(id);
    g.name = g.id;
    g.members = std::move(members);
    g.valid_from = from;
    g.valid_to = to;
    g.owner = std::move(owner);
    g.created_at = from;
    return g;
  };
  MustWrite([&](WriteTxn& txn) {
    ISSA_RETURN_IF_ERROR(
        txn.PutGroup(group("g-c", {"DE-BKA", "IT-NCC"}, kT0, std::nullopt, "IT-NCC")));
    ISSA_RETURN_IF_ERROR(txn.PutGroup(group("g-a", {"DE-BKA"}, kT0, kT0 + kHour, "DE-BKA")));
    ISSA_RETURN_IF_ERROR(txn.PutGroup(group("g-b", {"FR-PIU"}, kT0, std::nullopt, "DE-BKA")));
    return txn.PutGroup(group("g-d", {"DE-BKA"}, kT0 + kHour, std::nullopt, "IT-NCC"));
  });
  const access::Principal de = detail::MakePrincipal("DE-BKA");
  auto v = ViewerOf(de, kT0);
  EXPECT_EQ(v.principal.authority, "DE-BKA");
  EXPECT_EQ(v.now, kT0);
  EXPECT_EQ(v.active_groups, (std::vector<std::string>{"g-a", "g-c"}));  // g-b: owner only
  EXPECT_EQ(ViewerOf(de, kT0 + kHour).active_groups, (std::vector<std::string>{"g-c", "g-d"}));
  EXPECT_TRUE(ViewerOf(detail::MakePrincipal("ES-CNP"), kT0).active_groups.empty());
}

// ---- Queries -----------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, QueryFiltersByTypeOwnerAndTime) {
  core::Record a = detail::MakeRecord("rec-a", "IT-NCC", core::Distribution::kAll);
  core::Record b = detail::MakeRecord("rec-b", "DE-BKA", core::Distribution::kAll);
  b.type = "Vessel";
  b.updated_at = kT0 + 10;
  core::Record c = detail::MakeRecord("rec-c", "IT-NCC", core::Distribution::kAll);
  c.updated_at = kT0 + 20;
  PutRecords({a, b, c});
  RecordQuery q;
  q.type = "Person";
  EXPECT_EQ(QueryIds(q), (std::vector<std::string>{"rec-a", "rec-c"}));
  q = {};
  q.owner = "DE-BKA";
  EXPECT_EQ(QueryIds(q), (std::vector<std::string>{"rec-b"}));
  q = {};
  q.since = kT0 + 10;
  EXPECT_EQ(QueryIds(q), (std::vector<std::string>{"rec-b", "rec-c"}));
  q = {};
  q.until = kT0 + 10;
  EXPECT_EQ(QueryIds(q), (std::vector<std::string>{"rec-a"}));
  q.since = kT0 + 10;
  q.until = kT0 + 20;
  EXPECT_EQ(QueryIds(q), (std::vector<std::string>{"rec-b"}));
  q = {};
  q.type = "Person";
  q.owner = "IT-NCC";
  q.since = kT0 + 1;
  EXPECT_EQ(QueryIds(q), (std::vector<std::string>{"rec-c"}));
  // A new version moves updated_at.
  PutRecords({detail::NextVersion(a)});
  q = {};
  q.since = kT0 + 30;
  EXPECT_EQ(QueryIds(q), (std::vector<std::string>{"rec-a"}));
}

// The group filter (TAXII group collections) selects the records shared with one sharing group.
TEST_P(StoreConformanceTest, QueryFiltersBySharingGroup) {
  core::Record a = detail::MakeRecord("rec-a", "IT-NCC", core::Distribution::kGroup);
  a.handling.group = "g-1";
  core::Record b = detail::MakeRecord("rec-b", "IT-NCC", core::Distribution::kGroup);
  b.handling.group = "g-2";
  core::Record c = detail::MakeRecord("rec-c", "IT-NCC", core::Distribution::kAll);
  PutRecords({a, b, c});
  RecordQuery q;
  q.group = "g-1";
  EXPECT_EQ(QueryIds(q), (std::vector<std::string>{"rec-a"}));
  q.group = "g-3";
  EXPECT_TRUE(QueryIds(q).empty());
}

TEST_P(StoreConformanceTest, QueryTextMatchesAllWordsAsPrefixes) {
  core::Record a = detail::MakeRecord("rec-a", "IT-NCC");
  a.search_text = "rossi mario 1984-03-12 YA1234567 napoli";
  core::Record b = detail::MakeRecord("rec-b", "IT-NCC");
  b.search_text = "rossini maria";
  core::Record c = detail::MakeRecord("rec-c", "IT-NCC");
  c.search_text = "bianchi \u2014 mario";  // an em dash between the words
  core::Record d = detail::MakeRecord("rec-d", "IT-NCC");
  d.search_text = "müller hans";
  core::Record e = detail::MakeRecord("rec-e", "IT-NCC");
  e.search_text = "";
  PutRecords({a, b, c, d, e});
  using V = std::vector<std::string>;
  EXPECT_EQ(TextQuery("mario"), (V{"rec-a", "rec-c"}));
  EXPECT_EQ(TextQuery("ROSSI"), (V{"rec-a", "rec-b"}));  // case-insensitive, prefix of rossini
  EXPECT_EQ(TextQuery("ross mar"), (V{"rec-a", "rec-b"}));
  EXPECT_EQ(TextQuery("ross mario"), (V{"rec-a"}));
  EXPECT_EQ(TextQuery("ya12"), (V{"rec-a"}));
  EXPECT_EQ(TextQuery("1984"), (V{"rec-a"}));
  EXPECT_EQ(TextQuery("napoli roma"), V{});
  EXPECT_EQ(TextQuery("müll"), (V{"rec-d"}));
  // Unicode punctuation separates words like ASCII punctuation does.
  EXPECT_EQ(TextQuery("ross \u2014 \u201cmario\u201d"), (V{"rec-a"}));
  EXPECT_EQ(TextQuery("\u00abbianchi\u00bb\u2014mario"), (V{"rec-c"}));
  // Query syntax characters are plain separators, never operators.
  EXPECT_EQ(TextQuery("mario*"), (V{"rec-a", "rec-c"}));
  EXPECT_EQ(TextQuery("-mario"), (V{"rec-a", "rec-c"}));
  EXPECT_EQ(TextQuery("\"rossi\" OR bianchi"), V{});  // "or" is a required word
  EXPECT_EQ(TextQuery("NEAR(mario rossi)"), V{});
  EXPECT_EQ(TextQuery("bianchi\""), (V{"rec-c"}));
  EXPECT_EQ(TextQuery("ma^r"), (V{"rec-a", "rec-b"}));
  EXPECT_EQ(TextQuery("search_text:mario"), V{});
  EXPECT_EQ(TextQuery("{mario}"), (V{"rec-a", "rec-c"}));
  // No words at all: no text filter.
  EXPECT_EQ(TextQuery(" ()*:\"- \u2014 "), (V{"rec-a", "rec-b", "rec-c", "rec-d", "rec-e"}));
}

// A key is found exactly: not as words, not as a prefix, not another record's, and with the
// other filters and access rules applying as to any query.
TEST_P(StoreConformanceTest, QueryKeyFindsExactlyThatKey) {
  core::Record a = detail::MakeRecord("rec-a", "IT-NCC");
  a.key = "indicator--00000001-0000-4000-8000-000000000001";
  a.search_text = "";
  core::Record a2 = detail::MakeRecord("rec-a2", "DE-BKA");  // another version, another owner
  a2.key = a.key;
  a2.search_text = "";
  core::Record b = detail::MakeRecord("rec-b", "IT-NCC", core::Distribution::kGroup);
  b.handling.group = "g-1";
  b.key = "indicator--00000001-0000-4000-8000-0000000000010";  // a's key is a prefix of it
  core::Record c = detail::MakeRecord("rec-c", "IT-NCC");      // no key
  PutRecords({a, a2, b, c});
  using V = std::vector<std::string>;
  RecordQuery q;
  q.key = a.key;
  EXPECT_EQ(QueryIds(q), (V{"rec-a", "rec-a2"}));
  q.owner = "IT-NCC";
  EXPECT_EQ(QueryIds(q), (V{"rec-a"}));
  q.owner.reset();
  q.type = "Vessel";
  EXPECT_EQ(QueryIds(q), V{});
  q.type.reset();
  q.after_id = "rec-a";
  EXPECT_EQ(QueryIds(q), (V{"rec-a2"}));
  q.after_id.clear();
  q.key = b.key;
  EXPECT_EQ(QueryIds(q), (V{"rec-b"}));
  q.group = "g-1";
  EXPECT_EQ(QueryIds(q), (V{"rec-b"}));
  q.key = "indicator--00000001";
  q.group.reset();
  EXPECT_EQ(QueryIds(q), V{});
  // Keys are not words of the text index.
  EXPECT_EQ(TextQuery("indicator"), V{});
  // Access rules apply: DE-BKA sees its own record only.
  q.key = a.key;
  EXPECT_EQ(QueryIds(q, ViewerOf(detail::MakePrincipal("DE-BKA"))), (V{"rec-a2"}));
  // An empty key is refused (it would mean "records without a key").
  q.key = "";
  auto txn = Read();
  auto page = txn->QueryRecords(SystemViewer(), q);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(page.status().field(), "key");
}

// Reindexing replaces the search text and key of the current version in place: no new version,
// the text index and the key index follow, the history keeps what it had.
TEST_P(StoreConformanceTest, ReindexRecordReplacesSearchFieldsInPlace) {
  core::Record a = detail::MakeRecord("rec-a", "IT-NCC");
  a.search_text = "indicator 00000001 alpha";
  core::Record a2 = detail::NextVersion(a);
  a2.search_text = "indicator 00000001 beta";
  core::Record b = detail::MakeRecord("rec-b", "IT-NCC");
  b.search_text = "indicator gamma";
  PutRecords({a});
  PutRecords({a2, b});
  MustWrite([](WriteTxn& txn) {
    ISSA_RETURN_IF_ERROR(txn.ReindexRecord("rec-a", "", "indicator--1"));
    return txn.ReindexRecord("rec-b", "gamma", "indicator--2");
  });
  using V = std::vector<std::string>;
  EXPECT_EQ(TextQuery("indicator"), V{});
  EXPECT_EQ(TextQuery("beta"), V{});
  EXPECT_EQ(TextQuery("gam"), (V{"rec-b"}));
  RecordQuery q;
  q.key = "indicator--1";
  EXPECT_EQ(QueryIds(q), (V{"rec-a"}));
  auto txn = Read();
  auto got = txn->GetRecord(SystemViewer(), "rec-a");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->key, "indicator--1");
  EXPECT_EQ(got->search_text, "");
  EXPECT_EQ(got->properties_json, a2.properties_json);
  auto history = txn->GetHistory(SystemViewer(), "rec-a");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].search_text, "indicator 00000001 alpha");
  txn.reset();
  const Status missing =
      store_->Write([](WriteTxn& w) { return w.ReindexRecord("rec-none", "x", "indicator--3"); });
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  // Writing a new version afterwards keeps both indexes right.
  core::Record a3 = detail::NextVersion(*std::move(got));
  a3.search_text = "delta";
  a3.key = "indicator--4";
  PutRecords({a3});
  EXPECT_EQ(TextQuery("delta"), (V{"rec-a"}));
  q.key = "indicator--1";
  EXPECT_EQ(QueryIds(q), V{});
  q.key = "indicator--4";
  EXPECT_EQ(QueryIds(q), (V{"rec-a"}));
}

TEST_P(StoreConformanceTest, QueryBBoxIntersectsExactly) {
  core::Record p1 = detail::MakeRecord("rec-1", "IT-NCC");
  p1.bbox = core::BBox{10, 45, 10, 45};
  core::Record p2 = detail::MakeRecord("rec-2", "IT-NCC");
  p2.bbox = core::BBox{11, 46, 12, 47};
  core::Record p3 = detail::MakeRecord("rec-3", "IT-NCC");  // no geometry
  core::Record p4 = detail::MakeRecord("rec-4", "IT-NCC");
  p4.bbox = core::BBox{10.0000001, 45, 10.0000001, 45};
  PutRecords({p1, p2, p3, p4});
  RecordQuery q;
  q.bbox = core::BBox{9, 44, 10, 45};  // touches p1 at a corner
  EXPECT_EQ(QueryIds(q), (std::vector<std::string>{"rec-1"}));
  q.bbox = core::BBox{10.00000005, 44, 11, 46};  // excludes p1 by 5e-8 degrees
  EXPECT_EQ(QueryIds(q), (std::vector<std::string>{"rec-2", "rec-4"}));
  q.bbox = core::BBox{-180, -90, 180, 90};
  EXPECT_EQ(QueryIds(q), (std::vector<std::string>{"rec-1", "rec-2", "rec-4"}));
  q.bbox = core::BBox{-10, -10, -5, -5};
  EXPECT_TRUE(QueryIds(q).empty());
  q.bbox = core::BBox{11.5, 46.5, 11.6, 46.6};  // inside p2
  q.text = "rossi";
  EXPECT_EQ(QueryIds(q), (std::vector<std::string>{"rec-2"}));
}

TEST_P(StoreConformanceTest, QueryIndexesFollowNewVersions) {
  core::Record v1 = detail::MakeRecord("rec-1", "IT-NCC");
  v1.search_text = "alpha";
  v1.bbox = core::BBox{1, 1, 2, 2};
  PutRecords({v1});
  core::Record v2 = detail::NextVersion(v1);
  v2.search_text = "beta";
  v2.bbox = core::BBox{20, 20, 21, 21};
  PutRecords({v2});
  RecordQuery old_box;
  old_box.bbox = core::BBox{0, 0, 3, 3};
  RecordQuery new_box;
  new_box.bbox = core::BBox{19, 19, 22, 22};
  EXPECT_TRUE(TextQuery("alpha").empty());
  EXPECT_EQ(TextQuery("beta"), std::vector<std::string>{"rec-1"});
  EXPECT_TRUE(QueryIds(old_box).empty());
  EXPECT_EQ(QueryIds(new_box), std::vector<std::string>{"rec-1"});
  core::Record v3 = detail::NextVersion(v2);
  v3.bbox.reset();
  PutRecords({v3});
  EXPECT_TRUE(QueryIds(new_box).empty());
  EXPECT_EQ(TextQuery("beta"), std::vector<std::string>{"rec-1"});
}

TEST_P(StoreConformanceTest, QueryPagesByCursor) {
  std::vector<core::Record> records;
  for (int i = 0; i < 25; ++i) {
    records.push_back(detail::MakeRecord(detail::NumberedId(i), "IT-NCC"));
  }
  PutRecords(records);
  auto txn = Read();
  RecordQuery q;
  q.limit = 10;
  std::vector<std::string> seen;
  std::vector<size_t> sizes;
  for (;;) {
    auto page = txn->QueryRecords(SystemViewer(), q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    sizes.push_back(page->records.size());
    for (const core::Record& r : page->records) seen.push_back(r.id);
    if (page->next_cursor.empty()) break;
    EXPECT_EQ(page->next_cursor, page->records.back().id);
    q.after_id = page->next_cursor;
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{10, 10, 5}));
  ASSERT_EQ(seen.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(seen[i], detail::NumberedId(i));
  // A page that ends exactly at the last row has no cursor.
  q.after_id = detail::NumberedId(14);
  auto last = txn->QueryRecords(SystemViewer(), q);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->records.size(), 10u);
  EXPECT_TRUE(last->next_cursor.empty());
  q.after_id = "zzz";
  EXPECT_TRUE(txn->QueryRecords(SystemViewer(), q)->records.empty());
}

TEST_P(StoreConformanceTest, QueryPagesAreFullOfVisibleRows) {
  std::vector<core::Record> records;
  for (int i = 0; i < 60; ++i) {
    // Two of every three are invisible to DE-BKA.
    records.push_back(
        detail::MakeRecord(detail::NumberedId(i), "IT-NCC",
                           i % 3 == 0 ? core::Distribution::kAll : core::Distribution::kOwner));
  }
  PutRecords(records);
  const access::Viewer de = ViewerOf(detail::MakePrincipal("DE-BKA"));
  auto txn = Read();
  RecordQuery q;
  q.limit = 7;
  std::vector<std::string> seen;
  std::vector<size_t> sizes;
  for (;;) {
    auto page = txn->QueryRecords(de, q);
    ASSERT_TRUE(page.ok());
    sizes.push_back(page->records.size());
    for (const core::Record& r : page->records) seen.push_back(r.id);
    if (page->next_cursor.empty()) break;
    q.after_id = page->next_cursor;
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{7, 7, 6}));
  ASSERT_EQ(seen.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(seen[i], detail::NumberedId(3 * i));
}

TEST_P(StoreConformanceTest, QueryRejectsBadLimitAndBBox) {
  auto txn = Read();
  RecordQuery q;
  q.limit = 0;
  EXPECT_EQ(txn->QueryRecords(SystemViewer(), q).status().code(), StatusCode::kInvalidArgument);
  q.limit = 1001;
  EXPECT_EQ(txn->QueryRecords(SystemViewer(), q).status().field(), "limit");
  q.limit = 1000;
  EXPECT_TRUE(txn->QueryRecords(SystemViewer(), q).ok());
  q.bbox = core::BBox{0, 0, 200, 1};
  EXPECT_EQ(txn->QueryRecords(SystemViewer(), q).status().field(), "bbox");
}

TEST_P(StoreConformanceTest, ScanRecordsFiltersTypesInIdOrderAndStops) {
  core::Record a = detail::MakeRecord("rec-a", "IT-NCC", core::Distribution::kAll);
  core::Record b = detail::MakeRecord("rec-b", "IT-NCC", core::Distribution::kAll);
  b.type = "Vessel";
  core::Record c = detail::MakeRecord("rec-c", "IT-NCC", core::Distribution::kOwner);
  core::Record d = detail::MakeRecord("rec-d", "IT-NCC", core::Distribution::kAll);
  d.type = "Document";
  PutRecords({d, c, b, a});
  auto txn = Read();
  const auto scan = [&](const access::Viewer& v, std::vector<std::string> types, size_t stop) {
    std::vector<std::string> ids;
    const Status s = txn->ScanRecords(v, types, [&](const core::Record& r) {
      ids.push_back(r.id);
      return ids.size() < stop;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return ids;
  };
  using V = std::vector<std::string>;
  const access::Viewer sys = SystemViewer();
  EXPECT_EQ(scan(sys, {}, 100), (V{"rec-a", "rec-b", "rec-c", "rec-d"}));
  EXPECT_EQ(scan(sys, {"Person"}, 100), (V{"rec-a", "rec-c"}));
  EXPECT_EQ(scan(sys, {"Vessel", "Document"}, 100), (V{"rec-b", "rec-d"}));
  EXPECT_EQ(scan(sys, {"Aircraft"}, 100), V{});
  EXPECT_EQ(scan(sys, {}, 2), (V{"rec-a", "rec-b"}));
  EXPECT_EQ(scan(ViewerOf(detail::MakePrincipal("DE-BKA")), {"Person"}, 100), (V{"rec-a"}));
}

// ---- Groups, hits, access requests ------------------------------------------------------------

TEST_P(StoreConformanceTest, GroupsRoundTripAndListByMemberOrOwner) {
  core::SharingGroup g1;
  g1.id = "g-1";
  g1.name = "Balkan route";
  g1.kind = core::GroupKind::kSharingGroup;
  g1.members = {"IT-NCC", "DE-BKA"};
  g1.valid_from = kT0;
  g1.valid_to = kT0 + kHour;
  g1.created_by = "u-1";
  g1.owner = "IT-NCC";
  g1.created_at = kT0 - 5;
  core::SharingGroup g2 = g1;
  g2.id = "g-2";
  g2.kind = core::GroupKind::kJointInvestigationTeam;
  g2.members = {"FR-PIU"};
  g2.valid_to.reset();
  g2.owner = "ES-CNP";
  MustWrite([&](WriteTxn& txn) {
    ISSA_RETURN_IF_ERROR(txn.PutGroup(g1));
    return txn.PutGroup(g2);
  });
  auto txn = Read();
  auto got = txn->GetGroup("g-1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->name, "Balkan route");
  EXPECT_EQ(got->kind, core::GroupKind::kSharingGroup);
  EXPECT_EQ(got->members, (std::vector<std::string>{"IT-NCC", "DE-BKA"}));
  EXPECT_EQ(got->valid_from, kT0);
  EXPECT_EQ(got->valid_to, kT0 + kHour);
  EXPECT_EQ(got->created_by, "u-1");
  EXPECT_EQ(got->owner, "IT-NCC");
  EXPECT_EQ(got->created_at, kT0 - 5);
  auto got2 = txn->GetGroup("g-2");
  ASSERT_TRUE(got2.ok());
  EXPECT_EQ(got2->kind, core::GroupKind::kJointInvestigationTeam);
  EXPECT_EQ(got2->valid_to, std::nullopt);
  using V = std::vector<std::string>;
  EXPECT_EQ(detail::Ids(*txn->ListGroups("DE-BKA")), V{"g-1"});
  EXPECT_EQ(detail::Ids(*txn->ListGroups("ES-CNP")), V{"g-2"});  // owner, not member
  EXPECT_EQ(detail::Ids(*txn->ListGroups("")), (V{"g-1", "g-2"}));
  EXPECT_TRUE(txn->ListGroups("PL-ABW")->empty());
  EXPECT_EQ(txn->GetGroup("g-3").status().code(), StatusCode::kNotFound);
  txn.reset();
  // Replacing a group replaces its members.
  g1.members = {"IT-NCC", "PL-ABW"};
  MustWrite([&](WriteTxn& w) { return w.PutGroup(g1); });
  auto after = Read();
  EXPECT_TRUE(after->ListGroups("DE-BKA")->empty());
  EXPECT_EQ(detail::Ids(*after->ListGroups("PL-ABW")), V{"g-1"});
  EXPECT_EQ(after->GetGroup("g-1")->members, (V{"IT-NCC", "PL-ABW"}));
}

TEST_P(StoreConformanceTest, HitsRoundTripAndListWhatEachSideIsTold) {
  const auto hit = [](std::string id, std::string owner_a, bool notify_a, std::string owner_b,
                      bool notify_b, core::Timestamp at) {
    core::Hit h;
    h.id = std::move(id);
    h.record_a = "rec-a-" + h.id;
    h.owner_a = std::move(owner_a);
    h.record_b = "rec-b-" + h.id;
    h.owner_b = std::move(owner_b);
    h.type = "Person";
    h.type_a = "Traveller";
    h.score = 0.875;
    h.features = {"name", "birth_date~swapped"};
    h.notify_a = notify_a;
    h.notify_b = notify_b;
    h.created_at = at;
    return h;
  };
  const std::vector<core::Hit> hits = {
      hit("h-1", "IT-NCC", true, "DE-BKA", false, kT0 + 1),
      hit("h-2", "DE-BKA", true, "IT-NCC", true, kT0 + 2),
      hit("h-3", "FR-PIU", true, "IT-NCC", false, kT0 + 3),
      hit("h-4", "IT-NCC", false, "FR-PIU", true, kT0 + 3),
      hit("h-5", "IT-NCC", true, "ES-CNP", true, kT0 + 2),
  };
  MustWrite([&](WriteTxn& txn) {
    for (const core::Hit& h : hits) ISSA_RETURN_IF_ERROR(txn.PutHit(h));
    return Status::Ok();
  });
  auto txn = Read();
  auto got = txn->GetHit("h-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->record_a, "rec-a-h-1");
  EXPECT_EQ(got->owner_a, "IT-NCC");
  EXPECT_EQ(got->record_b, "rec-b-h-1");
  EXPECT_EQ(got->owner_b, "DE-BKA");
  EXPECT_EQ(got->type, "Person");
  EXPECT_EQ(got->type_a, "Traveller");
  EXPECT_EQ(got->score, 0.875);
  EXPECT_EQ(got->features, (std::vector<std::string>{"name", "birth_date~swapped"}));
  EXPECT_TRUE(got->notify_a);
  EXPECT_FALSE(got->notify_b);
  EXPECT_EQ(got->created_at, kT0 + 1);
  EXPECT_EQ(txn->GetHit("h-9").status().code(), StatusCode::kNotFound);
  using V = std::vector<std::string>;
  // Newest first; equal times by id, descending.
  EXPECT_EQ(detail::Ids(*txn->ListHits("IT-NCC", 0)), (V{"h-5", "h-2", "h-1"}));
  EXPECT_EQ(detail::Ids(*txn->ListHits("IT-NCC", 2)), (V{"h-5", "h-2"}));
  EXPECT_EQ(detail::Ids(*txn->ListHits("DE-BKA", 0)), V{"h-2"});
  EXPECT_EQ(detail::Ids(*txn->ListHits("FR-PIU", 10)), (V{"h-4", "h-3"}));
  EXPECT_TRUE(txn->ListHits("PL-ABW", 0)->empty());
  EXPECT_EQ(txn->ListHits("IT-NCC", -1).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreConformanceTest, AccessRequestsRoundTripAndListByRequesterOrOwner) {
  const auto request = [](std::string id, std::string requester, std::string owner,
                          core::Timestamp at) {
    core::AccessRequest r;
    r.id = std::move(id);
    r.hit_id = "h-" + r.id;
    r.record_id = "rec-" + r.id;
    r.owner = std::move(owner);
    r.requester = std::move(requester);
    r.requested_by = "u-" + r.requester;
    r.justification = "ongoing investigation 42/2026";
    r.created_at = at;
    return r;
  };
  core::AccessRequest r1 = request("ar-1", "DE-BKA", "IT-NCC", kT0 + 1);
  core::AccessRequest r2 = request("ar-2", "IT-NCC", "FR-PIU", kT0 + 2);
  r2.status = core::AccessRequestStatus::kRefused;
  r2.decided_by = "u-fr";
  r2.reason = "not proportionate";
  r2.decided_at = kT0 + 5;
  core::AccessRequest r3 = request("ar-3", "ES-CNP", "PL-ABW", kT0 + 3);
  MustWrite([&](WriteTxn& txn) {
    ISSA_RETURN_IF_ERROR(txn.PutAccessRequest(r1));
    ISSA_RETURN_IF_ERROR(txn.PutAccessRequest(r2));
    return txn.PutAccessRequest(r3);
  });
  r1.status = core::AccessRequestStatus::kGranted;
  r1.decided_by = "u-it";
  r1.decided_at = kT0 + 9;
  MustWrite([&](WriteTxn& txn) { return txn.PutAccessRequest(r1); });
  auto txn = Read();
  auto got = txn->GetAccessRequest("ar-2");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->hit_id, "h-ar-2");
  EXPECT_EQ(got->record_id, "rec-ar-2");
  EXPECT_EQ(got->owner, "FR-PIU");
  EXPECT_EQ(got->requester, "IT-NCC");
  EXPECT_EQ(got->requested_by, "u-IT-NCC");
  EXPECT_EQ(got->justification, "ongoing investigation 42/2026");
  EXPECT_EQ(got->status, core::AccessRequestStatus::kRefused);
  EXPECT_EQ(got->decided_by, "u-fr");
  EXPECT_EQ(got->reason, "not proportionate");
  EXPECT_EQ(got->created_at, kT0 + 2);
  EXPECT_EQ(got->decided_at, kT0 + 5);
  auto granted = txn->GetAccessRequest("ar-1");
  ASSERT_TRUE(granted.ok());
  EXPECT_EQ(granted->status, core::AccessRequestStatus::kGranted);
  EXPECT_EQ(granted->decided_at, kT0 + 9);
  EXPECT_EQ(txn->GetAccessRequest("ar-3")->decided_at, std::nullopt);
  EXPECT_EQ(txn->GetAccessRequest("ar-9").status().code(), StatusCode::kNotFound);
  using V = std::vector<std::string>;
  EXPECT_EQ(detail::Ids(*txn->ListAccessRequests("IT-NCC")), (V{"ar-2", "ar-1"}));
  EXPECT_EQ(detail::Ids(*txn->ListAccessRequests("DE-BKA")), V{"ar-1"});
  EXPECT_EQ(detail::Ids(*txn->ListAccessRequests("PL-ABW")), V{"ar-3"});
  EXPECT_TRUE(txn->ListAccessRequests("SE-NOA")->empty());
}

// ---- Audit -------------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, AuditChainIsSealedSignedAndVerifies) {
  std::vector<audit::Entry> appended;
  MustWrite([&](WriteTxn& txn) {
    for (int i = 0; i < 3; ++i) {
      audit::Event e{kT0 + i,
                     "u-1",
                     "IT-NCC",
                     "record.read",
                     "rec-" + std::to_string(i),
                     "ok",
                     "detail with \"quotes\"",
                     "DE-BKA"};
      ISSA_ASSIGN_OR_RETURN(audit::Entry entry, txn.AppendAudit(e));
      appended.push_back(entry);
    }
    return Status::Ok();
  });
  ASSERT_EQ(appended.size(), 3u);
  EXPECT_EQ(appended[0].seq, 1);
  EXPECT_EQ(appended[0].prev_hash, audit::kGenesisHash);
  EXPECT_EQ(appended[1].prev_hash, appended[0].hash);
  EXPECT_EQ(appended[2].hash, audit::ComputeHash(3, appended[2].event, appended[1].hash));
  auto txn = Read();
  auto head = txn->GetAuditHead();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq, 3);
  EXPECT_EQ(head->hash, appended[2].hash);
  EXPECT_TRUE(
      audit::VerifySignature(key_.PublicHex(), audit::HeadMessage(3, head->hash), head->signature));
  std::vector<audit::Entry> stored;
  ASSERT_TRUE(txn->ScanAudit(AuditQuery{},
                             [&](const audit::Entry& e) {
                               stored.push_back(e);
                               return true;
                             })
                  .ok());
  ASSERT_EQ(stored.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(stored[i].seq, appended[i].seq);
    EXPECT_EQ(stored[i].hash, appended[i].hash);
    EXPECT_EQ(stored[i].prev_hash, appended[i].prev_hash);
    EXPECT_EQ(stored[i].event.at, appended[i].event.at);
    EXPECT_EQ(stored[i].event.user, "u-1");
    EXPECT_EQ(stored[i].event.authority, "IT-NCC");
    EXPECT_EQ(stored[i].event.action, "record.read");
    EXPECT_EQ(stored[i].event.target, appended[i].event.target);
    EXPECT_EQ(stored[i].event.outcome, "ok");
    EXPECT_EQ(stored[i].event.detail, "detail with \"quotes\"");
    EXPECT_EQ(stored[i].event.target_owner, "DE-BKA");
  }
  txn.reset();
  // A later write continues the chain and re-signs the head.
  MustWrite([](WriteTxn& w) {
    return w.AppendAudit(audit::Event{kT0 + 9, "system", "", "retention.run", "", "ok", "", ""})
        .status();
  });
  const audit::VerifyReport report = VerifyStoreAudit(store(), key_.PublicHex());
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, 4);
}

TEST_P(StoreConformanceTest, ScanAuditFilters) {
  const std::vector<audit::Event> events = {
      {kT0, "u1", "IT-NCC", "record.create", "rec-1", "ok", "", "IT-NCC"},
      {kT0 + 1, "u2", "DE-BKA", "record.read", "rec-1", "ok", "", "IT-NCC"},
      {kT0 + 2, "u2", "DE-BKA", "login.failed", "", "denied", "", ""},
      {kT0 + 3, "system", "", "retention.delete", "rec-7", "ok", "", "FR-PIU"},
      {kT0 + 4, "u1", "IT-NCC", "record.read.bulk", "", "ok", "q=rossi", ""},
  };
  MustWrite([&](WriteTxn& txn) {
    for (const audit::Event& e : events) ISSA_RETURN_IF_ERROR(txn.AppendAudit(e).status());
    return Status::Ok();
  });
  using V = std::vector<int64_t>;
  AuditQuery q;
  EXPECT_EQ(AuditSeqs(q), (V{1, 2, 3, 4, 5}));
  q.authority = "IT-NCC";  // acting or owning the target
  EXPECT_EQ(AuditSeqs(q), (V{1, 2, 5}));
  q.authority = "FR-PIU";
  EXPECT_EQ(AuditSeqs(q), V{4});
  q = {};
  q.user = "u2";
  EXPECT_EQ(AuditSeqs(q), (V{2, 3}));
  q = {};
  q.action = "record.read";  // exact
  EXPECT_EQ(AuditSeqs(q), V{2});
  q.action = "record.";  // prefix
  EXPECT_EQ(AuditSeqs(q), (V{1, 2, 5}));
  q.action = "record";  // exact, matches nothing
  EXPECT_EQ(AuditSeqs(q), V{});
  q.action = "record.read.";
  EXPECT_EQ(AuditSeqs(q), V{5});
  q = {};
  q.since = kT0 + 2;
  EXPECT_EQ(AuditSeqs(q), (V{3, 4, 5}));
  q.until = kT0 + 4;
  EXPECT_EQ(AuditSeqs(q), (V{3, 4}));
  q = {};
  q.after_seq = 3;
  EXPECT_EQ(AuditSeqs(q), (V{4, 5}));
  q.after_seq = 5;
  EXPECT_EQ(AuditSeqs(q), V{});
  q = {};
  q.limit = 2;
  EXPECT_EQ(AuditSeqs(q), (V{1, 2}));
  q.authority = "IT-NCC";
  q.after_seq = 1;
  EXPECT_EQ(AuditSeqs(q), (V{2, 5}));
  q = {};
  q.user = "u1";
  q.action = "record.";
  q.since = kT0 + 1;
  EXPECT_EQ(AuditSeqs(q), V{5});
  // The visitor stops the scan.
  auto txn = Read();
  V seen;
  ASSERT_TRUE(txn->ScanAudit(AuditQuery{},
                             [&](const audit::Entry& e) {
                               seen.push_back(e.seq);
                               return e.seq < 2;
                             })
                  .ok());
  EXPECT_EQ(seen, (V{1, 2}));
  q = {};
  q.limit = -1;
  EXPECT_EQ(txn->ScanAudit(q, [](const audit::Entry&) { return true; }).code(),
            StatusCode::kInvalidArgument);
}

// ---- Write semantics ---------------------------------------------------------------------------

TEST_P(StoreConformanceTest, FailedWriteLeavesNothingBehind) {
  core::Record kept = detail::MakeRecord("rec-kept", "IT-NCC");
  core::Record doomed = detail::MakeRecord("rec-doomed", "IT-NCC");
  MustWrite([&](WriteTxn& txn) {
    ISSA_RETURN_IF_ERROR(txn.PutRecord(kept));
    ISSA_RETURN_IF_ERROR(txn.PutRecord(doomed));
    ISSA_RETURN_IF_ERROR(txn.SetMeta("node_id", "before"));
    return txn
        .AppendAudit(
            audit::Event{kT0, "u1", "IT-NCC", "record.create", "rec-kept", "ok", "", "IT-NCC"})
        .status();
  });
  auto before = Read()->GetAuditHead();
  ASSERT_TRUE(before.ok());

  const Status refused = store().Write([&](WriteTxn& txn) {
    core::Authority a{"PL-ABW", "PL", {core::AuthorityKind::kPolice}, "ABW", kT0};
    ISSA_RETURN_IF_ERROR(txn.PutAuthority(a));
    ISSA_RETURN_IF_ERROR(txn.PutUser(core::User{"u-9", "PL-ABW", core::Role::kAdmin,
                                                core::Classification::kLimited, 0, "x", kT0}));
    ISSA_RETURN_IF_ERROR(txn.PutToken(core::Token{"tok", "u-9", kT0, std::nullopt, false}));
    ISSA_RETURN_IF_ERROR(txn.PutRecord(detail::MakeRecord("rec-new", "PL-ABW")));
    ISSA_RETURN_IF_ERROR(txn.PutRecord(detail::NextVersion(kept)));
    ISSA_RETURN_IF_ERROR(txn.SetGrants("rec-kept", {"PL-ABW"}));
    ISSA_RETURN_IF_ERROR(txn.DeleteRecord("rec-doomed"));
    core::SharingGroup g;
    g.id = "g-9";
    g.members = {"PL-ABW"};
    ISSA_RETURN_IF_ERROR(txn.PutGroup(g));
    core::Hit h;
    h.id = "h-9";
    h.owner_a = "PL-ABW";
    ISSA_RETURN_IF_ERROR(txn.PutHit(h));
    core::AccessRequest r;
    r.id = "ar-9";
    r.requester = "PL-ABW";
    ISSA_RETURN_IF_ERROR(txn.PutAccessRequest(r));
    ISSA_RETURN_IF_ERROR(txn.SetMeta("node_id", "after"));
    for (int i = 0; i < 3; ++i) {
      ISSA_RETURN_IF_ERROR(
          txn.AppendAudit(audit::Event{kT0 + 1, "u-9", "PL-ABW", "x.y", "", "ok", "", ""})
              .status());
    }
    // Everything above is visible inside the transaction...
    EXPECT_TRUE(
        txn.GetRecord(access::Viewer{access::Principal::System(), kT0, {}}, "rec-new").ok());
    EXPECT_EQ(txn.GetAuditHead()->seq, 4);
    // ...and all of it is dropped with the error.
    return PermissionDenied("officer role required");
  });
  EXPECT_EQ(refused.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(refused.message(), "officer role required");

  auto txn = Read();
  const access::Viewer sys = SystemViewer();
  EXPECT_EQ(txn->GetAuthority("PL-ABW").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(txn->GetUser("u-9").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(txn->GetToken("tok").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(txn->GetRecord(sys, "rec-new").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(txn->GetRecord(sys, "rec-kept")->version, 1);
  EXPECT_TRUE(txn->GetRecord(sys, "rec-kept")->grants.empty());
  EXPECT_EQ(txn->GetHistory(sys, "rec-kept")->size(), 1u);
  EXPECT_TRUE(txn->GetRecord(sys, "rec-doomed").ok());
  EXPECT_EQ(txn->GetGroup("g-9").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(txn->GetHit("h-9").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(txn->GetAccessRequest("ar-9").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*txn->GetMeta("node_id"), std::optional<std::string>("before"));
  auto head = txn->GetAuditHead();
  EXPECT_EQ(head->seq, before->seq);
  EXPECT_EQ(head->hash, before->hash);
  EXPECT_EQ(head->signature, before->signature);
  EXPECT_EQ(AuditSeqs(AuditQuery{}), std::vector<int64_t>{1});
  txn.reset();
  // The chain continues from the committed head.
  MustWrite([](WriteTxn& w) {
    auto e = w.AppendAudit(audit::Event{kT0 + 2, "u1", "IT-NCC", "record.read", "", "ok", "", ""});
    if (e.ok() && e->seq != 2) return Internal("expected seq 2");
    return e.status();
  });
  EXPECT_TRUE(VerifyStoreAudit(store(), key_.PublicHex()).ok);
}

TEST_P(StoreConformanceTest, ThrowingWriteFunctionIsInternalAndLeavesNothing) {
  const Status s = store().Write([](WriteTxn& txn) -> Status {
    ISSA_RETURN_IF_ERROR(txn.PutRecord(detail::MakeRecord("rec-1", "IT-NCC")));
    ISSA_RETURN_IF_ERROR(
        txn.AppendAudit(audit::Event{kT0, "u", "IT-NCC", "a", "", "ok", "", ""}).status());
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("boom"), std::string::npos) << s.message();
  auto txn = Read();
  EXPECT_EQ(txn->GetRecord(SystemViewer(), "rec-1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(txn->GetAuditHead()->seq, 0);
}

TEST_P(StoreConformanceTest, WriteTxnSeesItsOwnWrites) {
  MustWrite([](WriteTxn& txn) {
    const access::Viewer sys{access::Principal::System(), kT0, {}};
    core::Record r = detail::MakeRecord("rec-1", "IT-NCC");
    r.search_text = "ownwrite";
    r.bbox = core::BBox{5, 5, 6, 6};
    ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
    EXPECT_TRUE(txn.GetRecord(sys, "rec-1").ok());
    RecordQuery q;
    q.text = "ownwr";
    q.bbox = core::BBox{4, 4, 5, 5};
    auto page = txn.QueryRecords(sys, q);
    EXPECT_TRUE(page.ok() && page->records.size() == 1u);
    ISSA_RETURN_IF_ERROR(txn.PutRecord(detail::NextVersion(r)));
    EXPECT_EQ(txn.GetHistory(sys, "rec-1")->size(), 2u);
    core::SharingGroup g;
    g.id = "g-1";
    g.members = {"DE-BKA"};
    g.valid_from = kT0;
    ISSA_RETURN_IF_ERROR(txn.PutGroup(g));
    auto viewer = txn.ResolveViewer(detail::MakePrincipal("DE-BKA"), kT0);
    EXPECT_EQ(viewer->active_groups, std::vector<std::string>{"g-1"});
    ISSA_RETURN_IF_ERROR(txn.SetMeta("k", "v"));
    EXPECT_EQ(*txn.GetMeta("k"), std::optional<std::string>("v"));
    ISSA_ASSIGN_OR_RETURN(audit::Entry e,
                          txn.AppendAudit(audit::Event{kT0, "u", "IT-NCC", "a", "", "ok", "", ""}));
    EXPECT_EQ(txn.GetAuditHead()->seq, e.seq);
    EXPECT_EQ(txn.GetAuditHead()->hash, e.hash);
    int scanned = 0;
    ISSA_RETURN_IF_ERROR(txn.ScanAudit(AuditQuery{}, [&](const audit::Entry&) {
      ++scanned;
      return true;
    }));
    EXPECT_EQ(scanned, 1);
    ISSA_RETURN_IF_ERROR(txn.DeleteRecord("rec-1"));
    EXPECT_EQ(txn.GetRecord(sys, "rec-1").status().code(), StatusCode::kNotFound);
    return Status::Ok();
  });
}

TEST_P(StoreConformanceTest, ReadTxnIsASnapshot) {
  PutRecords({detail::MakeRecord("rec-1", "IT-NCC")});
  auto old = Read();
  const access::Viewer sys = SystemViewer();
  ASSERT_TRUE(old->GetRecord(sys, "rec-1").ok());
  MustWrite([](WriteTxn& txn) {
    ISSA_RETURN_IF_ERROR(txn.PutRecord(detail::MakeRecord("rec-2", "IT-NCC")));
    ISSA_RETURN_IF_ERROR(txn.PutRecord(detail::NextVersion(detail::MakeRecord("rec-1", "IT-NCC"))));
    return txn.AppendAudit(audit::Event{kT0, "u", "IT-NCC", "a", "", "ok", "", ""}).status();
  });
  EXPECT_EQ(old->GetRecord(sys, "rec-2").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(old->GetRecord(sys, "rec-1")->version, 1);
  EXPECT_EQ(old->GetAuditHead()->seq, 0);
  auto fresh = Read();
  EXPECT_TRUE(fresh->GetRecord(sys, "rec-2").ok());
  EXPECT_EQ(fresh->GetRecord(sys, "rec-1")->version, 2);
  EXPECT_EQ(fresh->GetAuditHead()->seq, 1);
}

TEST_P(StoreConformanceTest, WriteFromInsideAWriteIsRefused) {
  MustWrite([&](WriteTxn& txn) {
    const Status nested = store().Write([](WriteTxn&) { return Status::Ok(); });
    EXPECT_EQ(nested.code(), StatusCode::kFailedPrecondition) << nested.ToString();
    return txn.SetMeta("k", "v");
  });
  EXPECT_EQ(*Read()->GetMeta("k"), std::optional<std::string>("v"));
}

TEST_P(StoreConformanceTest, ConcurrentWritesStayAtomicAndTheChainIntact) {
  constexpr int kThreads = 8;
  constexpr int kWritesPerThread = 40;
  std::atomic<int> failures{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kWritesPerThread; ++i) {
          const std::string base = "rec-" + std::to_string(t) + "-" + std::to_string(i);
          const bool fail = i % 5 == 3;
          const Status s = store().Write([&](WriteTxn& txn) {
            for (const char* part : {"-a", "-b"}) {
              ISSA_RETURN_IF_ERROR(txn.PutRecord(detail::MakeRecord(base + part, "IT-NCC")));
              ISSA_RETURN_IF_ERROR(txn.AppendAudit(audit::Event{kT0, "u", "IT-NCC", "record.create",
                                                                base + part, "ok", "", "IT-NCC"})
                                       .status());
            }
            if (fail) return Aborted("deliberate failure of " + base);
            return Status::Ok();
          });
          if (fail) {
            EXPECT_EQ(s.code(), StatusCode::kAborted);
            ++failures;
          } else {
            EXPECT_TRUE(s.ok()) << s.ToString();
          }
        }
      });
    }
  }
  const int committed = kThreads * kWritesPerThread - failures.load();
  auto txn = Read();
  int records = 0;
  ASSERT_TRUE(
      txn->ScanRecords(SystemViewer(), {},
                       [&](const core::Record& r) {
                         ++records;
                         const bool failed_write =
                             std::stoi(r.id.substr(r.id.rfind('-', r.id.size() - 3) + 1)) % 5 == 3;
                         EXPECT_FALSE(failed_write) << r.id;
                         return true;
                       })
          .ok());
  EXPECT_EQ(records, 2 * committed);
  std::vector<audit::Entry> entries;
  AuditQuery all;
  all.limit = 0;
  ASSERT_TRUE(txn->ScanAudit(all,
                             [&](const audit::Entry& e) {
                               entries.push_back(e);
                               return true;
                             })
                  .ok());
  ASSERT_EQ(entries.size(), static_cast<size_t>(2 * committed));
  // The two entries of each call are adjacent: no call interleaves with another.
  for (size_t i = 0; i + 1 < entries.size(); i += 2) {
    const std::string& a = entries[i].event.target;
    EXPECT_EQ(a.substr(a.size() - 2), "-a");
    EXPECT_EQ(entries[i + 1].event.target, a.substr(0, a.size() - 2) + "-b");
  }
  const audit::VerifyReport report = VerifyStoreAudit(store(), key_.PublicHex());
  EXPECT_TRUE(report.ok) << report.problem;
}

// WriteAsync: each call commits (or not) on its own like Write, and its callback gets the
// status once the changes are visible; callbacks come from any thread, many calls in flight.
TEST_P(StoreConformanceTest, WriteAsyncCommitsAndReportsEachCall) {
  constexpr int kCalls = 200;
  std::mutex mu;
  std::condition_variable cv;
  int finished = 0;
  std::vector<Status> statuses(kCalls);
  std::vector<bool> visible(kCalls, false);
  for (int i = 0; i < kCalls; ++i) {
    const std::string id = "rec-async-" + std::to_string(i);
    const bool fail = i % 7 == 3;
    store().WriteAsync(
        [id, fail](WriteTxn& txn) -> Status {
          ISSA_RETURN_IF_ERROR(txn.PutRecord(detail::MakeRecord(id, "IT-NCC")));
          ISSA_RETURN_IF_ERROR(
              txn.AppendAudit(audit::Event{kT0, "u", "IT-NCC", "record.read", id, "ok", "", ""})
                  .status());
          if (fail) return Aborted("deliberate failure of " + id);
          return Status::Ok();
        },
        [&, i, id](Status s) {
          // Committed before the callback: a new snapshot sees the record.
          auto txn = store().BeginRead();
          const bool seen = txn.ok() && (*txn)->GetRecord(SystemViewer(), id).ok();
          std::lock_guard<std::mutex> lock(mu);
          statuses[i] = std::move(s);
          visible[i] = seen;
          ++finished;
          cv.notify_all();
        });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return finished == kCalls; });
  }
  int committed = 0;
  for (int i = 0; i < kCalls; ++i) {
    if (i % 7 == 3) {
      EXPECT_EQ(statuses[i].code(), StatusCode::kAborted) << i;
      EXPECT_FALSE(visible[i]) << i;
    } else {
      EXPECT_TRUE(statuses[i].ok()) << i << ": " << statuses[i].ToString();
      EXPECT_TRUE(visible[i]) << i;
      ++committed;
    }
  }
  EXPECT_EQ(Read()->GetAuditHead()->seq, committed);
  const audit::VerifyReport report = VerifyStoreAudit(store(), key_.PublicHex());
  EXPECT_TRUE(report.ok) << report.problem;
}

TEST_P(StoreConformanceTest, WriteAsyncFromInsideAWriteIsRefused) {
  MustWrite([&](WriteTxn& txn) {
    bool called = false;
    store().WriteAsync([](WriteTxn&) { return Status::Ok(); },
                       [&](Status s) {
                         called = true;
                         EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
                       });
    EXPECT_TRUE(called);
    return txn.SetMeta("k", "v");
  });
}

}  // namespace issa::storage::testing
