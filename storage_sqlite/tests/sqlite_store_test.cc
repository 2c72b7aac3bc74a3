#include "issa/storage_sqlite/sqlite_store.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

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
  EXPECT_EQ(*hooks::CountRtreeRows(path_), want);
  auto txn = std::move(store->BeginRead()).value();
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

}  // namespace
}  // namespace issa::storage_sqlite
