#include "issa/storage_sqlite/sqlite_store.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "issa/storage/testing/store_conformance.h"
#include "issa/storage/testing/verify_audit.h"

#include "temp_files.h"
#include "testing_hooks.h"

namespace issa::storage::testing {
namespace {

Result<std::unique_ptr<Store>> OpenFreshSqlite(HeadSigner signer) {
  storage_sqlite::SqliteOptions options;
  options.path = storage_sqlite::testing::TempPath("conformance");
  options.signer = std::move(signer);
  return storage_sqlite::OpenSqliteStore(options);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest,
                         ::testing::Values(StoreFactory{"Sqlite", OpenFreshSqlite}),
                         StoreFactoryName);

}  // namespace
}  // namespace issa::storage::testing

namespace issa::storage_sqlite {
namespace {

namespace hooks = testing_hooks;
using storage::testing::VerifyStoreAudit;
using testing::TempPath;

constexpr core::Timestamp kT0 = 1'767'225'600'000;

core::Record Person(std::string id, std::string owner = "IT-NCC",
                    core::Distribution d = core::Distribution::kOwner) {
  core::Record r;
  r.id = std::move(id);
  r.type = "Person";
  r.owner = std::move(owner);
  r.origin_node = "node-1";
  r.created_at = kT0;
  r.updated_at = kT0;
  r.properties_json = R"({"family_name":"Rossi"})";
  r.handling.distribution = d;
  r.handling.purposes = static_cast<core::PurposeSet>(core::Purpose::kCrime);
  r.search_text = "rossi mario";
  return r;
}

audit::Event Event(std::string target) {
  return audit::Event{kT0, "u-1", "IT-NCC", "record.create", std::move(target), "ok", "", "IT-NCC"};
}

access::Viewer System() { return access::Viewer{access::Principal::System(), kT0, {}}; }

std::vector<std::string> QueryIds(storage::ReadTxn& txn, storage::RecordQuery q) {
  q.limit = 1000;
  std::vector<std::string> ids;
  for (;;) {
    auto page = txn.QueryRecords(System(), q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) break;
    for (const core::Record& r : page->records) ids.push_back(r.id);
    if (page->next_cursor.empty()) break;
    q.after_id = page->next_cursor;
  }
  return ids;
}

storage::RecordQuery TextQuery(std::string text) {
  storage::RecordQuery q;
  q.text = std::move(text);
  return q;
}

storage::RecordQuery BoxQuery(core::BBox box) {
  storage::RecordQuery q;
  q.bbox = box;
  return q;
}

using Ids = std::vector<std::string>;

class SqliteStoreTest : public ::testing::Test {
 protected:
  SqliteOptions Options() {
    SqliteOptions o;
    o.path = path_;
    o.signer = [key = key_](const std::string& m) { return key.Sign(m); };
    return o;
  }

  std::unique_ptr<storage::Store> Open(SqliteOptions options) {
    auto store = OpenSqliteStore(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  std::unique_ptr<storage::Store> Open() { return Open(Options()); }

  static void MustWrite(storage::Store& store,
                        const std::function<Status(storage::WriteTxn&)>& fn) {
    const Status s = store.Write(fn);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::string path_ = TempPath("sqlite");
  audit::NodeKey key_ = audit::NodeKey::Generate();
};

TEST_F(SqliteStoreTest, OpenRejectsBadOptions) {
  SqliteOptions o;
  EXPECT_EQ(OpenSqliteStore(o).status().field(), "path");
  o.path = ":memory:";
  EXPECT_EQ(OpenSqliteStore(o).status().code(), StatusCode::kInvalidArgument);
  o.path = path_;
  o.readers = -1;
  EXPECT_EQ(OpenSqliteStore(o).status().field(), "readers");
  o.readers = 0;
  o.max_group_size = 0;
  EXPECT_EQ(OpenSqliteStore(o).status().field(), "max_group_size");
  o.max_group_size = 1;
  o.path = "/nonexistent-dir/x/y.db";
  EXPECT_EQ(OpenSqliteStore(o).status().code(), StatusCode::kUnavailable);
}

TEST_F(SqliteStoreTest, FreshFileIsWalWithTheLatestSchema) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*hooks::JournalMode(path_), "wal");
  EXPECT_EQ(*hooks::ReadSchemaVersion(path_), hooks::LatestSchemaVersion());
  auto txn = store->BeginRead();
  ASSERT_TRUE(txn.ok());
  EXPECT_EQ(*(*txn)->GetMeta("storage.schema_version"),
            std::optional<std::string>(std::to_string(hooks::LatestSchemaVersion())));
}

TEST_F(SqliteStoreTest, ReopenKeepsDataAndTheAuditHead) {
  audit::Head head;
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    core::Record r = Person("rec-1");
    r.bbox = core::BBox{1, 2, 3, 4};
    MustWrite(*store, [&](storage::WriteTxn& txn) {
      ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
      ISSA_RETURN_IF_ERROR(txn.SetMeta("node_id", "n1"));
      return txn.AppendAudit(Event("rec-1")).status();
    });
    MustWrite(*store, [&](storage::WriteTxn& txn) {
      ISSA_RETURN_IF_ERROR(txn.PutRecord([&] {
        core::Record v2 = r;
        v2.version = 2;
        v2.search_text = "bianchi";
        return v2;
      }()));
      return txn.AppendAudit(Event("rec-1")).status();
    });
    head = *(*store->BeginRead())->GetAuditHead();
    EXPECT_EQ(head.seq, 2);
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  {
    auto txn = std::move(store->BeginRead()).value();
    auto reopened = txn->GetAuditHead();
    ASSERT_TRUE(reopened.ok());
    EXPECT_EQ(reopened->seq, head.seq);
    EXPECT_EQ(reopened->hash, head.hash);
    EXPECT_EQ(reopened->signature, head.signature);
    EXPECT_EQ(txn->GetHistory(System(), "rec-1")->size(), 2u);
    EXPECT_EQ(*txn->GetMeta("node_id"), std::optional<std::string>("n1"));
    storage::RecordQuery q;
    q.text = "bianchi";
    q.bbox = core::BBox{0, 0, 2, 3};
    EXPECT_EQ(txn->QueryRecords(System(), q)->records.size(), 1u);
  }
  // The chain continues across the reopen.
  MustWrite(*store, [](storage::WriteTxn& txn) {
    auto e = txn.AppendAudit(Event("rec-1"));
    if (e.ok() && e->seq != 3) return Internal("expected entry 3");
    return e.status();
  });
  const audit::VerifyReport report = VerifyStoreAudit(*store, key_.PublicHex());
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, 3);
}

TEST_F(SqliteStoreTest, RefusesANewerSchema) {
  { ASSERT_NE(Open(), nullptr); }
  ASSERT_TRUE(hooks::SetSchemaVersion(path_, hooks::LatestSchemaVersion() + 1).ok());
  auto store = OpenSqliteStore(Options());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("newer"), std::string::npos) << store.status().message();
}

TEST_F(SqliteStoreTest, MigrationsRunInOneTransaction) {
  { ASSERT_NE(Open(), nullptr); }
  const int latest = hooks::LatestSchemaVersion();
  // A failing migration leaves nothing behind.
  auto failed = hooks::ApplyTestMigration(path_, /*fail_halfway=*/true);
  EXPECT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("test migration"), std::string::npos)
      << failed.status().message();
  EXPECT_EQ(*hooks::ReadSchemaVersion(path_), latest);
  EXPECT_FALSE(*hooks::TableExists(path_, "test_migration"));
  // A good one applies only the missing step, and records the new version.
  auto applied = hooks::ApplyTestMigration(path_, /*fail_halfway=*/false);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, latest);
  EXPECT_EQ(*hooks::ReadSchemaVersion(path_), latest + 1);
  EXPECT_TRUE(*hooks::TableExists(path_, "test_migration"));
  // This build then refuses the file.
  EXPECT_EQ(OpenSqliteStore(Options()).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, MigratesAnEmptyFileFromVersionZero) {
  auto applied = hooks::ApplyTestMigration(path_, /*fail_halfway=*/false);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(*applied, 0);
  EXPECT_EQ(*hooks::ReadSchemaVersion(path_), hooks::LatestSchemaVersion() + 1);
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotAnIssaStore) {
  ASSERT_TRUE(hooks::CreateForeignDatabase(path_).ok());
  auto store = OpenSqliteStore(Options());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("not an ISSA store"), std::string::npos);
}

TEST_F(SqliteStoreTest, CorruptColumnIsDataLoss) {
  {
    auto store = Open();
    MustWrite(*store, [](storage::WriteTxn& txn) { return txn.PutRecord(Person("rec-1")); });
  }
  ASSERT_TRUE(hooks::CorruptRecordClassification(path_, "rec-1").ok());
  auto store = Open();
  auto txn = std::move(store->BeginRead()).value();
  const auto got = txn->GetRecord(System(), "rec-1");
  EXPECT_EQ(got.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(got.status().message().find("rec-1"), std::string::npos);
  EXPECT_NE(got.status().message().find("classification"), std::string::npos);
}

TEST_F(SqliteStoreTest, UnsignedHeadWithoutSigner) {
  SqliteOptions o = Options();
  o.signer = nullptr;
  auto store = Open(o);
  MustWrite(*store, [](storage::WriteTxn& txn) { return txn.AppendAudit(Event("x")).status(); });
  auto head = (*store->BeginRead())->GetAuditHead();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq, 1);
  EXPECT_TRUE(head->signature.empty());
}

// Once the WAL passes checkpoint_pages, the background thread copies it into the database
// file while writes go on (a connection that never read the file would silently copy nothing).
TEST_F(SqliteStoreTest, BackgroundCheckpointsCopyTheWal) {
  std::atomic<int> checkpoints{0};
  std::atomic<int64_t> frames{0};
  SqliteOptions o = Options();
  o.checkpoint_pages = 8;
  o.on_checkpoint = [&](int copied) {
    ++checkpoints;
    frames += copied;
  };
  auto store = Open(o);
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 300 && frames.load() == 0; ++i) {
    MustWrite(*store, [&](storage::WriteTxn& txn) {
      for (int j = 0; j < 5; ++j) {
        ISSA_RETURN_IF_ERROR(
            txn.PutRecord(Person("rec-ck-" + std::to_string(i) + "-" + std::to_string(j))));
      }
      return txn.AppendAudit(Event("ck-" + std::to_string(i))).status();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_GT(checkpoints.load(), 0);
  EXPECT_GT(frames.load(), 0);
  store.reset();
  EXPECT_TRUE(hooks::CheckIntegrity(path_).ok()) << hooks::CheckIntegrity(path_).ToString();
}

// Many threads, each call writing two records and two audit entries (some calls fail on
// purpose): calls share commits, each stays atomic, and the chain verifies.
TEST_F(SqliteStoreTest, GroupCommitKeepsEveryCallAtomicAndTheChainIntact) {
  std::atomic<int> commits{0};
  std::atomic<int> committed_calls{0};
  SqliteOptions o = Options();
  o.on_commit = [&](int writes) {
    ++commits;
    committed_calls += writes;
  };
  auto store = Open(o);
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 16;
  constexpr int kCalls = 60;
  std::atomic<int> ok_calls{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kCalls; ++i) {
          const std::string base = "t" + std::to_string(t) + "-" + std::to_string(i);
          const bool fail = (t + i) % 4 == 0;
          const Status s = store->Write([&](storage::WriteTxn& txn) {
            for (const char* part : {"-a", "-b"}) {
              ISSA_RETURN_IF_ERROR(txn.PutRecord(Person(base + part)));
              ISSA_RETURN_IF_ERROR(txn.AppendAudit(Event(base + part)).status());
            }
            if (fail) return Aborted("deliberate");
            return Status::Ok();
          });
          EXPECT_EQ(s.ok(), !fail) << s.ToString();
          if (s.ok()) ++ok_calls;
        }
      });
    }
  }
  EXPECT_EQ(committed_calls.load(), ok_calls.load());
  EXPECT_LT(commits.load(), ok_calls.load()) << "no two calls ever shared a commit";
  auto txn = std::move(store->BeginRead()).value();
  int records = 0;
  ASSERT_TRUE(txn->ScanRecords(System(), {},
                               [&](const core::Record&) {
                                 ++records;
                                 return true;
                               })
                  .ok());
  EXPECT_EQ(records, 2 * ok_calls.load());
  std::vector<audit::Entry> entries;
  storage::AuditQuery all;
  all.limit = 0;
  ASSERT_TRUE(txn->ScanAudit(all,
                             [&](const audit::Entry& e) {
                               entries.push_back(e);
                               return true;
                             })
                  .ok());
  ASSERT_EQ(entries.size(), static_cast<size_t>(2 * ok_calls.load()));
  for (size_t i = 0; i + 1 < entries.size(); i += 2) {
    const std::string& a = entries[i].event.target;
    ASSERT_EQ(a.substr(a.size() - 2), "-a");
    EXPECT_EQ(entries[i + 1].event.target, a.substr(0, a.size() - 2) + "-b");
  }
  txn.reset();
  const audit::VerifyReport report = VerifyStoreAudit(*store, key_.PublicHex());
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_TRUE(hooks::CheckIntegrity(path_).ok());
}

TEST_F(SqliteStoreTest, PagesOfAFilteredViewAreFullAtScale) {
  auto store = Open();
  constexpr int kRecords = 3000;
  MustWrite(*store, [&](storage::WriteTxn& txn) {
    for (int i = 0; i < kRecords; ++i) {
      std::string id = std::to_string(100000 + i);
      core::Record r = Person("rec-" + id, "IT-NCC",
                              i % 10 == 7 ? core::Distribution::kAll : core::Distribution::kOwner);
      r.search_text = i % 2 == 0 ? "even rossi" : "odd rossi";
      ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
    }
    return Status::Ok();
  });
  access::Principal de;
  de.user_id = "u-de";
  de.authority = "DE-BKA";
  de.clearance = core::Classification::kRestricted;
  de.purposes = static_cast<core::PurposeSet>(core::Purpose::kCrime);
  auto txn = std::move(store->BeginRead()).value();
  const access::Viewer viewer = *txn->ResolveViewer(de, kT0);
  storage::RecordQuery q;
  q.limit = 100;
  q.text = "odd ross";
  int pages = 0;
  int total = 0;
  for (;;) {
    auto page = txn->QueryRecords(viewer, q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    total += static_cast<int>(page->records.size());
    if (page->next_cursor.empty()) break;
    EXPECT_EQ(page->records.size(), 100u);  // full pages of visible rows
    q.after_id = page->next_cursor;
  }
  EXPECT_EQ(total, kRecords / 10);  // i % 10 == 7 is odd
  EXPECT_EQ(pages, 3);
}

TEST_F(SqliteStoreTest, TextAndBoxIndexesStayConsistent) {
  auto store = Open();
  MustWrite(*store, [](storage::WriteTxn& txn) {
    for (int i = 0; i < 50; ++i) {
      core::Record r = Person("rec-" + std::to_string(100 + i));
      r.search_text = "name" + std::to_string(i) + " common";
      // Texts the JSON hand-over to FTS5 must keep byte for byte.
      if (i % 7 == 0) r.search_text += " q\"uo\\te \t\x01 \xc3\xa9t\xc3\xa9 \xff\xfe {\"x\":1}";
      if (i % 2 == 0) r.bbox = core::BBox{static_cast<double>(i), 0, i + 0.5, 0.5};
      ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
    }
    return Status::Ok();
  });
  MustWrite(*store, [](storage::WriteTxn& txn) {
    for (int i = 0; i < 50; i += 3) {
      core::Record r = Person("rec-" + std::to_string(100 + i));
      r.version = 2;
      r.search_text = "renamed" + std::to_string(i);
      if (i % 4 == 0) r.bbox = core::BBox{-10, -10, -9, -9};
      ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
    }
    for (int i = 1; i < 50; i += 5)
      ISSA_RETURN_IF_ERROR(txn.DeleteRecord("rec-" + std::to_string(100 + i)));
    return Status::Ok();
  });
  EXPECT_TRUE(hooks::CheckIntegrity(path_).ok()) << hooks::CheckIntegrity(path_).ToString();
  // Boxes: even i not updated (i % 3 != 0) keep theirs; updated i with i % 4 == 0 get the new
  // one; deleted i (i % 5 == 1) lose theirs.
  int64_t want = 0;
  for (int i = 0; i < 50; ++i) {
    const bool deleted = i % 5 == 1;
    const bool updated = i % 3 == 0;
    if (deleted) continue;
    if (updated ? i % 4 == 0 : i % 2 == 0) ++want;
  }
  auto counted = hooks::CountBoxIndexRows(path_);
  ASSERT_TRUE(counted.ok()) << counted.status().ToString();
  EXPECT_EQ(*counted, want);
  auto txn = std::move(store->BeginRead()).value();
  EXPECT_EQ(static_cast<int64_t>(QueryIds(*txn, BoxQuery({-180, -90, 180, 90})).size()), want);
  storage::RecordQuery q;
  q.limit = 1000;
  q.text = "renamed";
  int renamed = 0;
  for (int i = 0; i < 50; i += 3) renamed += i % 5 == 1 ? 0 : 1;
  EXPECT_EQ(static_cast<int>(txn->QueryRecords(System(), q)->records.size()), renamed);
}

TEST_F(SqliteStoreTest, TextQueryWithOnlyNonAsciiSeparatorsIsHarmless) {
  auto store = Open();
  MustWrite(*store, [](storage::WriteTxn& txn) { return txn.PutRecord(Person("rec-1")); });
  auto txn = std::move(store->BeginRead()).value();
  for (const char* text :
       {"\xe2\x80\x94", "rossi \xe2\x80\x94", "\"\xe2\x80\x9c\"", "*\xc2\xa0*"}) {
    storage::RecordQuery q;
    q.text = text;
    auto page = txn->QueryRecords(System(), q);
    EXPECT_TRUE(page.ok()) << text << ": " << page.status().ToString();
  }
}

TEST_F(SqliteStoreTest, ManyReadersBeyondThePoolAndWritesMeanwhile) {
  SqliteOptions o = Options();
  o.readers = 1;
  auto store = Open(o);
  MustWrite(*store, [](storage::WriteTxn& txn) { return txn.PutRecord(Person("rec-0")); });
  std::vector<std::unique_ptr<storage::ReadTxn>> open;
  for (int i = 0; i < 6; ++i) {
    auto txn = store->BeginRead();
    ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    open.push_back(std::move(txn).value());
    // Each snapshot sees the i + 1 records written before it.
    MustWrite(*store, [i](storage::WriteTxn& w) {
      return w.PutRecord(Person("rec-" + std::to_string(i + 1)));
    });
  }
  for (size_t i = 0; i < open.size(); ++i) {
    int n = 0;
    ASSERT_TRUE(open[i]
                    ->ScanRecords(System(), {},
                                  [&](const core::Record&) {
                                    ++n;
                                    return true;
                                  })
                    .ok());
    EXPECT_EQ(n, static_cast<int>(i) + 1);
  }
  open.clear();
  // Concurrent readers and writers.
  std::atomic<bool> stop{false};
  std::vector<std::jthread> readers;
  std::atomic<int> reads{0};
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        auto txn = store->BeginRead();
        ASSERT_TRUE(txn.ok());
        storage::RecordQuery q;
        q.text = "rossi";
        ASSERT_TRUE((*txn)->QueryRecords(System(), q).ok());
        ++reads;
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    MustWrite(*store, [i](storage::WriteTxn& w) {
      return w.PutRecord(Person("rec-w" + std::to_string(i)));
    });
  }
  stop = true;
  readers.clear();
  EXPECT_GT(reads.load(), 0);
}

TEST_F(SqliteStoreTest, SynchronousFullOpensAndWrites) {
  SqliteOptions o = Options();
  o.synchronous_full = true;
  auto store = Open(o);
  MustWrite(*store, [](storage::WriteTxn& txn) { return txn.PutRecord(Person("rec-1")); });
  EXPECT_TRUE((*store->BeginRead())->GetRecord(System(), "rec-1").ok());
}

TEST_F(SqliteStoreTest, OpenRejectsABadCheckpointSize) {
  SqliteOptions o = Options();
  o.checkpoint_pages = 0;
  EXPECT_EQ(OpenSqliteStore(o).status().field(), "checkpoint_pages");
}

// Schema version 2 rebuilt the text index: a file written by version 1 keeps its records,
// history, text and boxes.
TEST_F(SqliteStoreTest, MigratesAVersion1FileWithRecordsTextAndBoxes) {
  core::Record a = Person("rec-a");
  a.search_text = "alpha rossi";
  a.bbox = core::BBox{10, 45, 10, 45};
  core::Record b = Person("rec-b");
  b.search_text = "beta";
  core::Record a2 = a;
  a2.version = 2;
  a2.search_text = "gamma rossi";
  a2.bbox = core::BBox{-5, 40, -4, 41};
  core::Record c = Person("rec-c");
  c.search_text = "delta";
  c.bbox = core::BBox{-20, -10, 30, 60};
  const std::vector<core::Record> v1 = {a, b, a2, c};
  ASSERT_TRUE(hooks::WriteVersion1Store(path_, v1).ok());
  ASSERT_EQ(*hooks::ReadSchemaVersion(path_), 1);
  ASSERT_TRUE(*hooks::TableExists(path_, "record_rtree"));

  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*hooks::ReadSchemaVersion(path_), hooks::LatestSchemaVersion());
  EXPECT_FALSE(*hooks::TableExists(path_, "record_rtree"));
  EXPECT_TRUE(hooks::CheckIntegrity(path_).ok()) << hooks::CheckIntegrity(path_).ToString();
  EXPECT_EQ(*hooks::CountBoxIndexRows(path_), 2);  // a and c have boxes
  {
    auto txn = std::move(store->BeginRead()).value();
    auto history = txn->GetHistory(System(), "rec-a");
    ASSERT_TRUE(history.ok()) << history.status().ToString();
    ASSERT_EQ(history->size(), 2u);
    EXPECT_EQ((*history)[0].search_text, "alpha rossi");
    EXPECT_EQ((*history)[1].search_text, "gamma rossi");
    EXPECT_EQ(QueryIds(*txn, TextQuery("gam")), Ids{"rec-a"});
    EXPECT_EQ(QueryIds(*txn, TextQuery("alpha")), Ids{});
    EXPECT_EQ(QueryIds(*txn, TextQuery("beta")), Ids{"rec-b"});
    EXPECT_EQ(QueryIds(*txn, BoxQuery({-6, 39, -3, 42})), (Ids{"rec-a", "rec-c"}));
    EXPECT_EQ(QueryIds(*txn, BoxQuery({9, 44, 11, 46})), Ids{"rec-c"});
    EXPECT_EQ(QueryIds(*txn, BoxQuery({100, 0, 101, 1})), Ids{});
  }
  // And keeps working as a version 2 store.
  MustWrite(*store, [](storage::WriteTxn& txn) {
    core::Record d = Person("rec-d");
    d.search_text = "epsilon";
    d.bbox = core::BBox{10, 45, 10, 45};
    ISSA_RETURN_IF_ERROR(txn.PutRecord(d));
    return txn.DeleteRecord("rec-c");
  });
  auto txn = std::move(store->BeginRead()).value();
  EXPECT_EQ(QueryIds(*txn, BoxQuery({9, 44, 11, 46})), Ids{"rec-d"});
  EXPECT_EQ(QueryIds(*txn, TextQuery("delta")), Ids{});
  EXPECT_EQ(QueryIds(*txn, TextQuery("epsilon")), Ids{"rec-d"});
  txn.reset();
  EXPECT_TRUE(hooks::CheckIntegrity(path_).ok());
}

// Box queries return exactly the records whose boxes intersect, at every scale and at the edges
// of the domain.
TEST_F(SqliteStoreTest, BoxQueriesMatchABruteForceScan) {
  std::mt19937_64 rng(11);
  const auto box = [&rng](double max_size) {
    std::uniform_real_distribution<double> lon(-180, 180);
    std::uniform_real_distribution<double> lat(-90, 90);
    std::uniform_real_distribution<double> size(0, max_size);
    const double x = lon(rng);
    const double y = lat(rng);
    return core::BBox{x, y, std::min(180.0, x + size(rng)), std::min(90.0, y + size(rng) / 2)};
  };
  std::vector<core::Record> records;
  for (int i = 0; i < 600; ++i) {
    core::Record r = Person("rec-" + std::to_string(1000 + i));
    const double scale[] = {0, 1e-4, 0.5, 20, 400};
    if (i % 7 != 0) r.bbox = box(scale[i % 5]);
    records.push_back(std::move(r));
  }
  records[1].bbox = core::BBox{-180, -90, -180, -90};
  records[2].bbox = core::BBox{180, 90, 180, 90};
  records[3].bbox = core::BBox{-180, -90, 180, 90};
  records[4].bbox = core::BBox{-1e-9, -1e-9, 1e-9, 1e-9};
  auto store = Open();
  MustWrite(*store, [&](storage::WriteTxn& txn) {
    for (const core::Record& r : records) ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
    return Status::Ok();
  });
  std::vector<core::BBox> queries = {{-180, -90, 180, 90}, {0, 0, 0, 0}, {180, 90, 180, 90}};
  for (int i = 0; i < 60; ++i) queries.push_back(box(i % 3 == 0 ? 0.01 : i % 3 == 1 ? 5 : 90));
  auto txn = std::move(store->BeginRead()).value();
  for (const core::BBox& q : queries) {
    Ids want;
    for (const core::Record& r : records) {
      if (r.bbox && r.bbox->Intersects(q)) want.push_back(r.id);
    }
    EXPECT_EQ(QueryIds(*txn, BoxQuery(q)), want)
        << q.min_lon << "," << q.min_lat << "," << q.max_lon << "," << q.max_lat;
  }
}

// New boxes reach the spatial index at the end of the call or before a box query in it; rows it
// already holds are re-indexed when their box changes or goes, and deleted rows leave it.
TEST_F(SqliteStoreTest, BoxIndexFollowsInsertsUpdatesAndDeletesWithinACall) {
  const auto at = [](std::string id, std::optional<core::BBox> box, int64_t version = 1) {
    core::Record r = Person(std::move(id));
    r.bbox = box;
    r.version = version;
    return r;
  };
  const core::BBox rome{12.4, 41.8, 12.6, 42.0};
  const core::BBox oslo{10.6, 59.8, 10.9, 60.0};
  auto store = Open();
  MustWrite(*store, [&](storage::WriteTxn& txn) -> Status {
    ISSA_RETURN_IF_ERROR(txn.PutRecord(at("rec-b1", rome)));
    ISSA_RETURN_IF_ERROR(txn.PutRecord(at("rec-b2", rome)));
    auto page = txn.QueryRecords(System(), BoxQuery(rome));  // own inserts, before the call ends
    ISSA_RETURN_IF_ERROR(page.status());
    if (page->records.size() != 2) return Internal("own boxes not found");
    ISSA_RETURN_IF_ERROR(txn.PutRecord(at("rec-b2", oslo, 2)));  // indexed row moves
    ISSA_RETURN_IF_ERROR(txn.PutRecord(at("rec-b3", rome)));
    return txn.PutRecord(at("rec-b3", std::nullopt, 2));  // new row loses its box
  });
  EXPECT_TRUE(hooks::CheckIntegrity(path_).ok()) << hooks::CheckIntegrity(path_).ToString();
  EXPECT_EQ(*hooks::CountBoxIndexRows(path_), 2);
  {
    auto txn = std::move(store->BeginRead()).value();
    EXPECT_EQ(QueryIds(*txn, BoxQuery(rome)), Ids{"rec-b1"});
    EXPECT_EQ(QueryIds(*txn, BoxQuery(oslo)), Ids{"rec-b2"});
  }
  MustWrite(*store, [&](storage::WriteTxn& txn) -> Status {
    ISSA_RETURN_IF_ERROR(txn.DeleteRecord("rec-b2"));  // the highest row with a box
    ISSA_RETURN_IF_ERROR(txn.DeleteRecord("rec-b3"));
    return txn.PutRecord(at("rec-b4", oslo));  // takes a deleted row's id
  });
  EXPECT_EQ(*hooks::CountBoxIndexRows(path_), 2);
  auto txn = std::move(store->BeginRead()).value();
  EXPECT_EQ(QueryIds(*txn, BoxQuery(oslo)), Ids{"rec-b4"});
  EXPECT_EQ(QueryIds(*txn, BoxQuery(rome)), Ids{"rec-b1"});
}

// A store of the previous schema version (3, SQLite's R*Tree) opens, migrates to the in-memory
// index with its boxes, text and history intact, and its records are found by box.
TEST_F(SqliteStoreTest, MigratesAVersion3StoreToTheInMemoryBoxIndex) {
  core::Record a = Person("rec-a");
  a.bbox = core::BBox{10, 45, 10, 45};
  core::Record a2 = a;
  a2.version = 2;
  a2.bbox = core::BBox{-5, 40, -4, 41};
  core::Record b = Person("rec-b");
  b.bbox = core::BBox{-20, -10, 30, 60};
  core::Record c = Person("rec-c");  // no box
  c.search_text = "charlie";
  const std::vector<core::Record> v3 = {a, b, a2, c};
  ASSERT_TRUE(hooks::WriteOldStore(path_, 3, v3).ok());
  ASSERT_EQ(*hooks::ReadSchemaVersion(path_), 3);
  ASSERT_EQ(*hooks::CountRtreeRows(path_), 2);

  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*hooks::ReadSchemaVersion(path_), hooks::LatestSchemaVersion());
  EXPECT_FALSE(*hooks::TableExists(path_, "record_rtree"));
  EXPECT_TRUE(*hooks::TableExists(path_, "record_box_generation"));
  EXPECT_EQ(*hooks::CountBoxIndexRows(path_), 2);
  EXPECT_TRUE(hooks::CheckIntegrity(path_).ok()) << hooks::CheckIntegrity(path_).ToString();
  {
    auto txn = std::move(store->BeginRead()).value();
    EXPECT_EQ(QueryIds(*txn, BoxQuery({-6, 39, -3, 42})), (Ids{"rec-a", "rec-b"}));
    EXPECT_EQ(QueryIds(*txn, BoxQuery({9, 44, 11, 46})), Ids{"rec-b"});  // a moved away
    EXPECT_EQ(QueryIds(*txn, BoxQuery({100, 0, 101, 1})), Ids{});
    EXPECT_EQ(QueryIds(*txn, TextQuery("charlie")), Ids{"rec-c"});
    EXPECT_EQ(txn->GetHistory(System(), "rec-a")->size(), 2u);
  }
  MustWrite(*store, [&](storage::WriteTxn& txn) {
    core::Record c2 = c;
    c2.version = 2;
    c2.bbox = core::BBox{10, 45, 10.5, 45.5};
    return txn.PutRecord(c2);
  });
  store.reset();  // and the boxes come back from the file at the next open
  store = Open();
  auto txn = std::move(store->BeginRead()).value();
  EXPECT_EQ(QueryIds(*txn, BoxQuery({9, 44, 11, 46})), (Ids{"rec-b", "rec-c"}));
}

// Version 5 adds record keys and makes the group index partial: a version 4 store keeps its
// records, versions, text, boxes and group queries, its records have no key until reindexed, and
// new writes use both indexes.
TEST_F(SqliteStoreTest, MigratesAVersion4StoreToRecordKeys) {
  core::Record a = Person("rec-a");
  a.search_text = "indicator 0001 alpha";
  a.bbox = core::BBox{10, 45, 10, 45};
  core::Record a2 = a;
  a2.version = 2;
  a2.search_text = "indicator 0001 beta";
  core::Record b = Person("rec-b", "IT-NCC", core::Distribution::kGroup);
  b.handling.group = "g-1";
  b.search_text = "indicator 0002";
  core::Record c = Person("rec-c");
  c.search_text = "";
  ASSERT_TRUE(hooks::WriteOldStore(path_, 4, std::vector<core::Record>{a, b, a2, c}).ok());
  ASSERT_EQ(*hooks::ReadSchemaVersion(path_), 4);

  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*hooks::ReadSchemaVersion(path_), 5);
  EXPECT_EQ(hooks::LatestSchemaVersion(), 5);
  EXPECT_TRUE(hooks::CheckIntegrity(path_).ok()) << hooks::CheckIntegrity(path_).ToString();
  storage::RecordQuery by_group;
  by_group.group = "g-1";
  storage::RecordQuery by_key;
  by_key.key = "indicator--0001";
  {
    auto txn = std::move(store->BeginRead()).value();
    EXPECT_EQ(QueryIds(*txn, TextQuery("indicator")), (Ids{"rec-a", "rec-b"}));
    EXPECT_EQ(QueryIds(*txn, TextQuery("beta")), Ids{"rec-a"});
    EXPECT_EQ(QueryIds(*txn, by_group), Ids{"rec-b"});
    EXPECT_EQ(QueryIds(*txn, by_key), Ids{});
    EXPECT_EQ(QueryIds(*txn, BoxQuery({9, 44, 11, 46})), Ids{"rec-a"});
    auto history = txn->GetHistory(System(), "rec-a");
    ASSERT_TRUE(history.ok()) << history.status().ToString();
    ASSERT_EQ(history->size(), 2u);
    EXPECT_EQ((*history)[0].key, "");
    EXPECT_EQ((*history)[1].search_text, "indicator 0001 beta");
  }
  // What the node does at open for a type whose schema names a key.
  MustWrite(*store, [](storage::WriteTxn& txn) {
    ISSA_RETURN_IF_ERROR(txn.ReindexRecord("rec-a", "", "indicator--0001"));
    return txn.ReindexRecord("rec-b", "", "indicator--0002");
  });
  MustWrite(*store, [](storage::WriteTxn& txn) {
    core::Record d = Person("rec-d", "IT-NCC", core::Distribution::kGroup);
    d.handling.group = "g-1";
    d.search_text = "";
    d.key = "indicator--0001";
    return txn.PutRecord(d);
  });
  auto txn = std::move(store->BeginRead()).value();
  EXPECT_EQ(QueryIds(*txn, TextQuery("indicator")), Ids{});
  EXPECT_EQ(QueryIds(*txn, by_key), (Ids{"rec-a", "rec-d"}));
  EXPECT_EQ(QueryIds(*txn, by_group), (Ids{"rec-b", "rec-d"}));
  by_key.group = "g-1";
  EXPECT_EQ(QueryIds(*txn, by_key), Ids{"rec-d"});
  txn.reset();
  EXPECT_TRUE(hooks::CheckIntegrity(path_).ok()) << hooks::CheckIntegrity(path_).ToString();
}

// Another store moves a box back while this one still keeps the old copy for an open snapshot:
// after syncing, the box stays found once that snapshot has ended and old copies are removed.
TEST_F(SqliteStoreTest, BoxMovedBackByAnotherStoreSurvivesTheRetiredCopy) {
  const core::BBox rome{12.4, 41.8, 12.6, 42.0};
  const core::BBox oslo{10.6, 59.8, 10.9, 60.0};
  auto mine = Open();
  auto other = Open();
  const auto put = [](storage::Store& store, int64_t version, const core::BBox& box) {
    MustWrite(store, [&](storage::WriteTxn& txn) {
      core::Record r = Person("rec-1");
      r.version = version;
      r.bbox = box;
      return txn.PutRecord(r);
    });
  };
  const auto touch = [](storage::Store& store, const std::string& id) {
    MustWrite(store, [&](storage::WriteTxn& txn) {
      core::Record r = Person(id);
      r.bbox = core::BBox{0, 0, 1, 1};
      return txn.PutRecord(r);
    });
  };
  put(*mine, 1, rome);
  auto old = std::move(mine->BeginRead()).value();
  put(*mine, 2, oslo);     // the rome copy waits for `old`
  put(*other, 3, rome);    // moved back by the other store
  touch(*mine, "rec-t1");  // syncs
  old.reset();
  touch(*mine, "rec-t2");  // removes what waited
  touch(*mine, "rec-t3");
  auto txn = std::move(mine->BeginRead()).value();
  EXPECT_EQ(QueryIds(*txn, BoxQuery(rome)), Ids{"rec-1"});
  EXPECT_EQ(QueryIds(*txn, BoxQuery(oslo)), Ids{});
}

// Box queries with many candidates first walk the records in id order, within a bound, and
// continue with the candidate list after it: pages come out complete and in id order whether
// the boxed records come first, last or interleaved, also for a viewer who sees only some.
TEST_F(SqliteStoreTest, LargeBoxQueriesPageInIdOrderWhicheverPlanAnswers) {
  std::vector<core::Record> records;
  const auto add = [&](int n, bool boxed, const char* prefix) {
    for (int i = 0; i < n; ++i) {
      core::Record r = Person(fmt::format("{}{:05}", prefix, i), "IT-NCC",
                              i % 3 == 0 ? core::Distribution::kAll : core::Distribution::kOwner);
      if (boxed) r.bbox = core::BBox{10.0 + i % 7, 45.0 + i % 5, 10.0 + i % 7, 45.0 + i % 5};
      records.push_back(std::move(r));
    }
  };
  add(400, true, "rec-a");         // boxed first
  add(3000, false, "rec-b");       // a long run without boxes
  add(300, true, "rec-c");         // boxed last: the walk stops at its bound before reaching them
  for (int i = 0; i < 600; ++i) {  // interleaved
    core::Record r = Person(fmt::format("rec-d{:05}", i));
    if (i % 4 == 0) r.bbox = core::BBox{12, 46, 12.5, 46.5};
    records.push_back(std::move(r));
  }
  auto store = Open();
  for (size_t from = 0; from < records.size(); from += 500) {
    MustWrite(*store, [&](storage::WriteTxn& txn) {
      for (size_t i = from; i < std::min(records.size(), from + 500); ++i) {
        ISSA_RETURN_IF_ERROR(txn.PutRecord(records[i]));
      }
      return Status::Ok();
    });
  }
  access::Viewer other = System();
  other.principal = access::Principal{};
  other.principal.authority = "FR-PIU";
  other.principal.clearance = core::Classification::kConfidential;
  other.principal.purposes = core::kAllPurposes;
  auto txn = std::move(store->BeginRead()).value();
  for (const core::BBox& box : {core::BBox{0, 0, 30, 60}, core::BBox{11.5, 45.5, 13, 47}}) {
    for (const access::Viewer& viewer : {System(), other}) {
      for (const int limit : {1, 7, 100, 1000}) {
        Ids want;
        for (const core::Record& r : records) {
          if (r.bbox && r.bbox->Intersects(box) && access::MaySee(viewer, r)) {
            want.push_back(r.id);
          }
        }
        Ids got;
        storage::RecordQuery q = BoxQuery(box);
        q.limit = limit;
        for (int pages = 0; pages < 2000; ++pages) {
          auto page = txn->QueryRecords(viewer, q);
          ASSERT_TRUE(page.ok()) << page.status().ToString();
          if (page->records.size() != static_cast<size_t>(limit)) {
            EXPECT_TRUE(page->next_cursor.empty());
          }
          for (const core::Record& r : page->records) got.push_back(r.id);
          if (page->next_cursor.empty()) break;
          q.after_id = page->next_cursor;
        }
        EXPECT_EQ(got, want) << "limit " << limit;
      }
    }
  }
}

// A read snapshot keeps finding a record by the box it had when the snapshot began, after a
// commit moved or deleted it; a later snapshot finds it only by its new box.
TEST_F(SqliteStoreTest, BoxQueriesFollowTheReadersSnapshot) {
  const core::BBox rome{12.4, 41.8, 12.6, 42.0};
  const core::BBox oslo{10.6, 59.8, 10.9, 60.0};
  auto store = Open();
  MustWrite(*store, [&](storage::WriteTxn& txn) -> Status {
    for (const char* id : {"rec-m", "rec-d"}) {
      core::Record r = Person(id);
      r.bbox = rome;
      ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
    }
    return Status::Ok();
  });
  auto before = std::move(store->BeginRead()).value();
  MustWrite(*store, [&](storage::WriteTxn& txn) -> Status {
    core::Record m = Person("rec-m");
    m.version = 2;
    m.bbox = oslo;
    ISSA_RETURN_IF_ERROR(txn.PutRecord(m));
    return txn.DeleteRecord("rec-d");
  });
  // More commits, so that retired boxes whose snapshots are gone would be removed.
  for (int i = 0; i < 3; ++i) {
    MustWrite(*store, [&](storage::WriteTxn& txn) {
      core::Record r = Person("rec-x" + std::to_string(i));
      r.bbox = core::BBox{0, 0, 1, 1};
      return txn.PutRecord(r);
    });
  }
  auto after = std::move(store->BeginRead()).value();
  EXPECT_EQ(QueryIds(*before, BoxQuery(rome)), (Ids{"rec-d", "rec-m"}));
  EXPECT_EQ(QueryIds(*before, BoxQuery(oslo)), Ids{});
  EXPECT_EQ(QueryIds(*after, BoxQuery(rome)), Ids{});
  EXPECT_EQ(QueryIds(*after, BoxQuery(oslo)), Ids{"rec-m"});
  before.reset();
  MustWrite(*store, [&](storage::WriteTxn& txn) {
    core::Record r = Person("rec-y");
    r.bbox = oslo;
    return txn.PutRecord(r);
  });
  EXPECT_EQ(QueryIds(*after, BoxQuery(oslo)), Ids{"rec-m"});
  auto latest = std::move(store->BeginRead()).value();
  EXPECT_EQ(QueryIds(*latest, BoxQuery(rome)), Ids{});
  EXPECT_EQ(QueryIds(*latest, BoxQuery(oslo)), (Ids{"rec-m", "rec-y"}));
}

// A call that fails leaves no box behind, even one a box query in the call had already indexed;
// a moved box can move back.
TEST_F(SqliteStoreTest, BoxesOfFailedCallsAreTakenBack) {
  const core::BBox rome{12.4, 41.8, 12.6, 42.0};
  const core::BBox oslo{10.6, 59.8, 10.9, 60.0};
  auto store = Open();
  MustWrite(*store, [&](storage::WriteTxn& txn) {
    core::Record r = Person("rec-k");
    r.bbox = rome;
    return txn.PutRecord(r);
  });
  const Status failed = store->Write([&](storage::WriteTxn& txn) -> Status {
    core::Record n = Person("rec-n");
    n.bbox = oslo;
    ISSA_RETURN_IF_ERROR(txn.PutRecord(n));
    core::Record k = Person("rec-k");
    k.version = 2;
    k.bbox = oslo;
    ISSA_RETURN_IF_ERROR(txn.PutRecord(k));
    auto page = txn.QueryRecords(System(), BoxQuery(oslo));
    ISSA_RETURN_IF_ERROR(page.status());
    if (page->records.size() != 2) return Internal("own boxes not found");
    return Aborted("changed my mind");
  });
  EXPECT_EQ(failed.code(), StatusCode::kAborted);
  // rec-n's row id is taken by a record without a box.
  MustWrite(*store, [&](storage::WriteTxn& txn) { return txn.PutRecord(Person("rec-o")); });
  {
    auto txn = std::move(store->BeginRead()).value();
    EXPECT_EQ(QueryIds(*txn, BoxQuery(oslo)), Ids{});
    EXPECT_EQ(QueryIds(*txn, BoxQuery(rome)), Ids{"rec-k"});
  }
  for (int v = 2; v <= 5; ++v) {  // rome, oslo, rome, ...: each move retires the other box
    MustWrite(*store, [&](storage::WriteTxn& txn) {
      core::Record k = Person("rec-k");
      k.version = v;
      k.bbox = v % 2 == 0 ? oslo : rome;
      return txn.PutRecord(k);
    });
    auto txn = std::move(store->BeginRead()).value();
    EXPECT_EQ(QueryIds(*txn, BoxQuery(v % 2 == 0 ? oslo : rome)), Ids{"rec-k"});
    EXPECT_EQ(QueryIds(*txn, BoxQuery(v % 2 == 0 ? rome : oslo)), Ids{});
  }
}

// Two stores on one file (as two processes would be): boxes written through one are found
// through the other, before and after the other writes itself.
TEST_F(SqliteStoreTest, BoxesWrittenByAnotherStoreOnTheFileAreFound) {
  const core::BBox rome{12.4, 41.8, 12.6, 42.0};
  const core::BBox oslo{10.6, 59.8, 10.9, 60.0};
  auto mine = Open();
  auto other = Open();
  ASSERT_NE(mine, nullptr);
  ASSERT_NE(other, nullptr);
  MustWrite(*mine, [&](storage::WriteTxn& txn) {
    core::Record r = Person("rec-1");
    r.bbox = rome;
    return txn.PutRecord(r);
  });
  MustWrite(*other, [&](storage::WriteTxn& txn) -> Status {
    core::Record r = Person("rec-2");
    r.bbox = rome;
    ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
    core::Record moved = Person("rec-1");
    moved.version = 2;
    moved.bbox = oslo;
    return txn.PutRecord(moved);
  });
  {  // before `mine` wrote again: its index does not know rec-2 or the move
    auto txn = std::move(mine->BeginRead()).value();
    EXPECT_EQ(QueryIds(*txn, BoxQuery(rome)), Ids{"rec-2"});
    EXPECT_EQ(QueryIds(*txn, BoxQuery(oslo)), Ids{"rec-1"});
  }
  MustWrite(*mine, [&](storage::WriteTxn& txn) -> Status {
    core::Record r = Person("rec-3");
    r.bbox = oslo;
    ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
    auto page = txn.QueryRecords(System(), BoxQuery(rome));  // inside the write: synced
    ISSA_RETURN_IF_ERROR(page.status());
    if (page->records.size() != 1 || page->records[0].id != "rec-2") {
      return Internal("the writer's index missed the other store's box");
    }
    return Status::Ok();
  });
  auto txn = std::move(mine->BeginRead()).value();
  EXPECT_EQ(QueryIds(*txn, BoxQuery(rome)), Ids{"rec-2"});
  EXPECT_EQ(QueryIds(*txn, BoxQuery(oslo)), (Ids{"rec-1", "rec-3"}));
  auto theirs = std::move(other->BeginRead()).value();
  EXPECT_EQ(QueryIds(*theirs, BoxQuery(oslo)), (Ids{"rec-1", "rec-3"}));
}

// New rows reach the text index from `records` at the end of the call (every rid at or above
// the smallest one inserted since the last flush); rows the index already holds are updated by
// queued changes. Row ids are reused when the highest rows are deleted, in the same call too.
TEST_F(SqliteStoreTest, TextIndexFollowsInsertsUpdatesDeletesAndReusedRowIds) {
  const auto with_text = [](std::string id, std::string text, int64_t version = 1) {
    core::Record r = Person(std::move(id));
    r.search_text = std::move(text);
    r.version = version;
    return r;
  };
  auto store = Open();
  MustWrite(*store, [&](storage::WriteTxn& txn) {
    ISSA_RETURN_IF_ERROR(txn.PutRecord(with_text("rec-p1", "pone")));
    return txn.PutRecord(with_text("rec-p2", "ptwo"));  // the highest row id
  });
  MustWrite(*store, [&](storage::WriteTxn& txn) -> Status {
    ISSA_RETURN_IF_ERROR(txn.DeleteRecord("rec-p2"));
    ISSA_RETURN_IF_ERROR(txn.PutRecord(with_text("rec-n1", "nfirst")));  // reuses p2's row id
    ISSA_RETURN_IF_ERROR(txn.PutRecord(with_text("rec-n1", "nsecond", 2)));
    // Own writes, text included, before the call ends.
    auto page = txn.QueryRecords(System(), TextQuery("nsecond"));
    ISSA_RETURN_IF_ERROR(page.status());
    if (page->records.size() != 1) return Internal("own insert not found by text");
    page = txn.QueryRecords(System(), TextQuery("ptwo"));
    ISSA_RETURN_IF_ERROR(page.status());
    if (!page->records.empty()) return Internal("deleted text still found");
    ISSA_RETURN_IF_ERROR(txn.PutRecord(with_text("rec-n1", "nthird", 3)));  // after the flush
    ISSA_RETURN_IF_ERROR(txn.PutRecord(with_text("rec-n2", "ngone")));
    ISSA_RETURN_IF_ERROR(txn.DeleteRecord("rec-n2"));
    return txn.PutRecord(with_text("rec-p1", "pnew", 2));
  });
  EXPECT_TRUE(hooks::CheckIntegrity(path_).ok()) << hooks::CheckIntegrity(path_).ToString();
  // The smallest new row id goes down within a call: insert x, delete it and the row below it,
  // insert z (which takes the deleted row's id).
  MustWrite(*store, [&](storage::WriteTxn& txn) {
    ISSA_RETURN_IF_ERROR(txn.PutRecord(with_text("rec-x", "xtext")));
    ISSA_RETURN_IF_ERROR(txn.DeleteRecord("rec-x"));
    ISSA_RETURN_IF_ERROR(txn.DeleteRecord("rec-n1"));
    return txn.PutRecord(with_text("rec-z", "ztext"));
  });
  EXPECT_TRUE(hooks::CheckIntegrity(path_).ok()) << hooks::CheckIntegrity(path_).ToString();
  auto txn = std::move(store->BeginRead()).value();
  EXPECT_EQ(QueryIds(*txn, TextQuery("pnew")), Ids{"rec-p1"});
  EXPECT_EQ(QueryIds(*txn, TextQuery("pone")), Ids{});
  EXPECT_EQ(QueryIds(*txn, TextQuery("ptwo")), Ids{});
  EXPECT_EQ(QueryIds(*txn, TextQuery("n")), Ids{});
  EXPECT_EQ(QueryIds(*txn, TextQuery("xtext")), Ids{});
  EXPECT_EQ(QueryIds(*txn, TextQuery("ztext")), Ids{"rec-z"});
}

// Checkpoints run on a background thread (and on the writer past 4 times the threshold): the
// WAL stays small while far more than that is written, and closing leaves no WAL behind.
TEST_F(SqliteStoreTest, CheckpointsKeepTheWalSmall) {
  SqliteOptions o = Options();
  o.checkpoint_pages = 16;
  const std::string wal = path_ + "-wal";
  uintmax_t largest_wal = 0;
  {
    auto store = Open(o);
    for (int call = 0; call < 200; ++call) {
      MustWrite(*store, [&](storage::WriteTxn& txn) {
        for (int i = 0; i < 25; ++i) {
          core::Record r = Person("rec-" + std::to_string(100000 + call * 25 + i));
          r.properties_json = std::string(400, 'x');
          ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
          ISSA_RETURN_IF_ERROR(txn.AppendAudit(Event(r.id)).status());
        }
        return Status::Ok();
      });
      largest_wal = std::max(largest_wal, std::filesystem::file_size(wal));
    }
    EXPECT_TRUE(hooks::CheckIntegrity(path_).ok());
  }
  // About 5,000 rows of half a kilobyte went through; the WAL never held more than a few
  // hundred kilobytes (4 x 16 pages plus one call's pages).
  EXPECT_LT(largest_wal, uintmax_t{1} << 20);
  EXPECT_FALSE(std::filesystem::exists(wal));
  auto store = Open(o);
  int n = 0;
  ASSERT_TRUE((*store->BeginRead())
                  ->ScanRecords(System(), {},
                                [&](const core::Record&) {
                                  ++n;
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(n, 5000);
  const audit::VerifyReport report = VerifyStoreAudit(*store, key_.PublicHex());
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, 5000);
}

}  // namespace
}  // namespace issa::storage_sqlite
