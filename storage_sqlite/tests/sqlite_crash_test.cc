// kill -9 durability: a writer process is killed at random moments; every write it had
// acknowledged must be in the file afterwards, and the audit chain must verify.

#include <algorithm>
#include <chrono>
#include <random>
#include <set>
#include <string>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "issa/audit/chain.h"
#include "issa/storage/testing/verify_audit.h"
#include "issa/storage_sqlite/sqlite_store.h"

#include "temp_files.h"
#include "testing_hooks.h"

namespace issa::storage_sqlite {
namespace {

using Clock = std::chrono::steady_clock;

// Starts the writer, lets it run for `run`, kills it with SIGKILL and returns its stdout.
std::string RunAndKill(const std::string& path, const std::string& secret_hex,
                       std::chrono::milliseconds run) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execl(ISSA_CRASH_WRITER_PATH, ISSA_CRASH_WRITER_PATH, path.c_str(), secret_hex.c_str(), "4",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buffer[65536];
  const auto kill_at = Clock::now() + run;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(kill_at - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;  // the writer died early: the test fails on its exit status below
    out.append(buffer, static_cast<size_t>(n));
  }
  ::kill(pid, SIGKILL);
  for (;;) {  // what was written before the kill
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the writer exited on its own (status " << status << ")";
  return out;
}

TEST(SqliteCrashTest, KillNineLosesNoAcknowledgedWrite) {
  const std::string path = testing::TempPath("crash");
  const audit::NodeKey key = audit::NodeKey::Generate();
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> run_ms(30, 400);
  std::set<std::string> acknowledged;
  size_t boxed_found = 0;  // records found by box after the last reopen
  const auto deadline = Clock::now() + std::chrono::seconds(18);
  int rounds = 0;
  for (; rounds < 20 && Clock::now() < deadline; ++rounds) {
    const std::string out =
        RunAndKill(path, key.SecretHex(), std::chrono::milliseconds(run_ms(rng)));
    size_t start = 0;
    for (size_t end = out.find('\n'); end != std::string::npos; end = out.find('\n', start)) {
      acknowledged.insert(out.substr(start, end - start));
      start = end + 1;
    }
    // Reopen (WAL recovery) and check everything acknowledged so far.
    SqliteOptions options;
    options.path = path;
    options.signer = [&key](const std::string& m) { return key.Sign(m); };
    auto store = OpenSqliteStore(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    {
      auto txn = std::move((*store)->BeginRead()).value();
      const access::Viewer system{access::Principal::System(), 0, {}};
      size_t missing = 0;
      for (const std::string& id : acknowledged) {
        if (!txn->GetRecord(system, id).ok()) ++missing;
      }
      ASSERT_EQ(missing, 0u) << "round " << rounds << ": acknowledged writes lost";
      // Every Write put one record and one audit entry, atomically.
      int64_t records = 0;
      std::set<std::string> boxed;  // every third record has a box
      ASSERT_TRUE(txn->ScanRecords(system, {},
                                   [&](const core::Record& r) {
                                     ++records;
                                     if (r.bbox) boxed.insert(r.id);
                                     return true;
                                   })
                      .ok());
      EXPECT_EQ(records, txn->GetAuditHead()->seq);
      // The spatial index, rebuilt at open, finds exactly the records with a box, and so every
      // acknowledged one.
      std::set<std::string> found;
      storage::RecordQuery query;
      query.bbox = core::BBox{12.2, 41.2, 12.3, 41.3};
      query.limit = 1000;
      for (;;) {
        auto page = txn->QueryRecords(system, query);
        ASSERT_TRUE(page.ok()) << page.status().ToString();
        for (const core::Record& r : page->records) found.insert(r.id);
        if (page->next_cursor.empty()) break;
        query.after_id = page->next_cursor;
      }
      ASSERT_EQ(found, boxed) << "round " << rounds << ": the box query misses records";
      boxed_found = std::max(boxed_found, found.size());
    }
    const audit::VerifyReport report = storage::testing::VerifyStoreAudit(**store, key.PublicHex());
    ASSERT_TRUE(report.ok) << "round " << rounds << ": " << report.problem;
    store->reset();
    ASSERT_TRUE(testing_hooks::CheckIntegrity(path).ok());
  }
  EXPECT_GE(rounds, 10);
  EXPECT_GT(acknowledged.size(), 100u);
  EXPECT_GT(boxed_found, 30u);  // the box check saw records
  std::printf("[ info ] %d rounds, %zu acknowledged writes, all present\n", rounds,
              acknowledged.size());
}

}  // namespace
}  // namespace issa::storage_sqlite
