#include "issa/storage_sqlite/sqlite_store.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <iterator>
#include <mutex>
#include <span>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "box_index.h"
#include "sqlite_db.h"
#include "sqlite_schema.h"
#include "sqlite_txn.h"

namespace issa::storage_sqlite {
namespace {

using WriteFn = std::function<Status(storage::WriteTxn&)>;

Status ValidateOptions(const SqliteOptions& o) {
  if (o.path.empty()) return InvalidArgument("SqliteOptions.path is empty", "path");
  if (o.path == ":memory:" || o.path.starts_with("file::memory:") ||
      o.path.find("mode=memory") != std::string::npos) {
    return InvalidArgument(
        "SqliteOptions.path names an in-memory database; readers need a file (use a temp file)",
        "path");
  }
  if (o.readers < 0) {
    return InvalidArgument(fmt::format("SqliteOptions.readers is {}, must be >= 0", o.readers),
                           "readers");
  }
  if (o.max_group_size < 1) {
    return InvalidArgument(
        fmt::format("SqliteOptions.max_group_size is {}, must be >= 1", o.max_group_size),
        "max_group_size");
  }
  if (o.checkpoint_pages < 1) {
    return InvalidArgument(
        fmt::format("SqliteOptions.checkpoint_pages is {}, must be >= 1", o.checkpoint_pages),
        "checkpoint_pages");
  }
  if (o.busy_timeout_ms < 0) {
    return InvalidArgument(
        fmt::format("SqliteOptions.busy_timeout_ms is {}, must be >= 0", o.busy_timeout_ms),
        "busy_timeout_ms");
  }
  return Status::Ok();
}

// One queued call. A Write's request lives on the caller's stack until `done`; the caller
// waits on `wake`, which the writer notifies while holding the queue lock (so the request
// outlives the notification). A WriteAsync's request owns its function and is deleted by the
// writer after `on_done` ran.
struct WriteRequest {
  const WriteFn* fn = nullptr;
  Status status;
  bool done = false;  // guarded by SqliteStore::queue_mu_
  std::condition_variable wake;
  // WriteAsync only.
  WriteFn owned_fn;
  std::function<void(Status)> on_done;
};

// Thread-safe. Owns one writer connection, used only by the writer thread, a checkpoint
// connection, used only by the checkpointer thread, and a pool of reader connections. See
// sqlite_store.h and docs/formats/storage-sqlite.md.
class SqliteStore final : public storage::Store {
 public:
  SqliteStore(SqliteOptions options, std::unique_ptr<Db> writer, std::unique_ptr<Db> checkpoint,
              std::unique_ptr<BoxIndex> boxes)
      : options_(std::move(options)),
        writer_db_(std::move(writer)),
        boxes_(std::move(boxes)),
        checkpoint_db_(std::move(checkpoint)) {
    // Replaces SQLite's auto-checkpoint on the writer connection (which ran checkpoints, with
    // their fsyncs, inside the writer's COMMIT): the hook only notes the WAL size.
    sqlite3_wal_hook(writer_db_->handle(), &SqliteStore::OnWalCommit, this);
    checkpointer_ = std::jthread([this](std::stop_token stop) { CheckpointLoop(stop); });
    writer_ = std::jthread([this](std::stop_token stop) { WriterLoop(stop); });
    writer_id_ = writer_.get_id();
  }

  ~SqliteStore() override {
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      closing_ = true;
    }
    writer_.request_stop();  // the writer drains the queue first
    writer_.join();
    checkpointer_.request_stop();
    checkpointer_.join();
    checkpoint_db_.reset();
    {
      std::lock_guard<std::mutex> lock(pool_mu_);
      ISSA_CHECK(checked_out_ == 0);  // every ReadTxn must be destroyed before its Store
      idle_readers_.clear();
    }
    writer_db_.reset();  // the last connection closes last and checkpoints the WAL
  }

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Result<std::unique_ptr<storage::ReadTxn>> BeginRead() override {
    // Registered before the snapshot starts: boxes retired from now on stay in the spatial
    // index until this snapshot ends.
    const uint64_t snapshot = boxes_->OpenSnapshot();
    std::unique_ptr<Db> db;
    {
      std::lock_guard<std::mutex> lock(pool_mu_);
      if (!idle_readers_.empty()) {
        db = std::move(idle_readers_.back());
        idle_readers_.pop_back();
      }
      ++checked_out_;
    }
    const auto give_back = [&](const Status& error) -> Status {
      boxes_->CloseSnapshot(snapshot);
      std::lock_guard<std::mutex> lock(pool_mu_);
      --checked_out_;
      return {error.code(), fmt::format("cannot start a read transaction on {}: {}", options_.path,
                                        error.message())};
    };
    if (!db) {
      auto opened = Db::Open(options_.path, SQLITE_OPEN_READONLY, options_.busy_timeout_ms);
      if (!opened.ok()) return give_back(opened.status());
      db = std::move(opened).value();
    }
    if (Status begun = db->Exec("BEGIN", "BEGIN"); !begun.ok()) return give_back(begun);
    // The snapshot starts with the first read, so read now: the transaction sees the database
    // as of BeginRead.
    if (auto head = ReadAuditHead(*db); !head.ok()) {
      (void)db->Exec("ROLLBACK", "ROLLBACK");
      return give_back(head.status());
    }
    return std::unique_ptr<storage::ReadTxn>(
        std::make_unique<SqliteReadTxn>(std::move(db), *boxes_, [this, snapshot](auto done) {
          ReleaseReader(std::move(done));
          boxes_->CloseSnapshot(snapshot);
        }));
  }

  Status Write(const WriteFn& fn) override {
    if (std::this_thread::get_id() == writer_id_) {
      return FailedPrecondition(
          "Store::Write called from inside a Write function (it would deadlock)");
    }
    WriteRequest request;
    request.fn = &fn;
    std::unique_lock<std::mutex> lock(queue_mu_);
    if (closing_) return Unavailable(fmt::format("the store {} is closing", options_.path));
    queue_.push_back(&request);
    queue_cv_.notify_one();
    request.wake.wait(lock, [&] { return request.done; });
    return std::move(request.status);
  }

  void WriteAsync(WriteFn fn, std::function<void(Status)> done) override {
    if (std::this_thread::get_id() == writer_id_) {
      return done(FailedPrecondition(
          "Store::WriteAsync called from inside a Write function (it would deadlock)"));
    }
    auto request = std::make_unique<WriteRequest>();
    request->owned_fn = std::move(fn);
    request->fn = &request->owned_fn;
    request->on_done = std::move(done);
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      if (!closing_) {
        queue_.push_back(request.release());
        queue_cv_.notify_one();
        return;
      }
    }
    request->on_done(Unavailable(fmt::format("the store {} is closing", options_.path)));
  }

 private:
  void ReleaseReader(std::unique_ptr<Db> db) {
    const Status ended = db->Exec("ROLLBACK", "ending a read transaction");
    std::unique_ptr<Db> close;  // closed outside the lock
    std::lock_guard<std::mutex> lock(pool_mu_);
    --checked_out_;
    if (ended.ok() && idle_readers_.size() < static_cast<size_t>(options_.readers)) {
      idle_readers_.push_back(std::move(db));
    } else {
      close = std::move(db);
    }
  }

  // sqlite3_wal_hook callback, on the writer thread after each commit: `pages` is the WAL size.
  static int OnWalCommit(void* self, sqlite3* /*db*/, const char* /*schema*/, int pages) {
    static_cast<SqliteStore*>(self)->wal_pages_ = pages;
    return SQLITE_OK;
  }

  // After a commit, on the writer thread. From checkpoint_pages on, the checkpointer copies the
  // WAL in the background. The WAL only restarts when a write transaction begins after a
  // checkpoint copied every frame, which a background checkpoint racing a busy writer rarely
  // achieves; so from 2 × checkpoint_pages the writer copies the (small) rest itself when the
  // checkpointer is idle, and from 8 × it waits for the checkpointer to do so: the WAL stays
  // bounded as long as no reader holds an old snapshot.
  void AfterCommit() {
    const int64_t pages = options_.checkpoint_pages;
    if (wal_pages_ >= 2 * pages) {
      std::unique_lock<std::mutex> run(checkpoint_run_mu_, std::defer_lock);
      if (wal_pages_ >= 8 * pages) {
        run.lock();
      } else {
        (void)run.try_lock();
      }
      if (run.owns_lock()) {
        (void)sqlite3_wal_checkpoint_v2(writer_db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                        nullptr, nullptr);
        wal_pages_ = 0;
        return;
      }
    }
    if (wal_pages_ >= pages) {
      {
        std::lock_guard<std::mutex> lock(checkpoint_mu_);
        checkpoint_wanted_ = true;
      }
      checkpoint_cv_.notify_one();
    }
  }

  // PASSIVE checkpoints on the checkpoint connection, when the writer asks (never more than one
  // checkpoint at a time: checkpoint_run_mu_). A failure (for example SQLITE_BUSY) only means
  // the next one copies more.
  void CheckpointLoop(const std::stop_token& stop) {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(checkpoint_mu_);
        checkpoint_cv_.wait(lock, stop, [&] { return checkpoint_wanted_; });
        if (!checkpoint_wanted_) return;  // stop requested
        checkpoint_wanted_ = false;
      }
      int copied = 0;
      int rc = SQLITE_OK;
      {
        std::lock_guard<std::mutex> run(checkpoint_run_mu_);
        rc = sqlite3_wal_checkpoint_v2(checkpoint_db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                       nullptr, &copied);
      }
      if (rc == SQLITE_OK && options_.on_checkpoint) {
        try {
          options_.on_checkpoint(copied);
        } catch (...) {  // an observer must not break the checkpointer
        }
      }
    }
  }

  void WriterLoop(const std::stop_token& stop) {
    std::vector<WriteRequest*> group;
    for (;;) {
      group.clear();
      {
        std::unique_lock<std::mutex> lock(queue_mu_);
        queue_cv_.wait(lock, stop, [&] { return !queue_.empty(); });
        if (queue_.empty()) return;  // stop requested and nothing left to write
        while (!queue_.empty() && group.size() < static_cast<size_t>(options_.max_group_size)) {
          group.push_back(queue_.front());
          queue_.pop_front();
        }
      }
      try {
        size_t next = 0;
        while (next < group.size()) next = RunTransaction(group, next);
      } catch (const std::exception& e) {  // e.g. bad_alloc in our own code: fail the group
        AbandonGroup(group, Internal(fmt::format("write failed: {}", e.what())));
      } catch (...) {
        AbandonGroup(group, Internal("write failed with a non-standard exception"));
      }
      // Wake the waiting callers; run the callbacks of WriteAsync calls outside the lock.
      async_done_.clear();
      {
        std::lock_guard<std::mutex> lock(queue_mu_);
        for (WriteRequest* r : group) {
          if (r->on_done) {
            async_done_.emplace_back(r);
          } else {
            r->done = true;
            r->wake.notify_one();
          }
        }
      }
      for (std::unique_ptr<WriteRequest>& r : async_done_) {
        try {
          r->on_done(std::move(r->status));
        } catch (...) {  // a callback must not break the writer
        }
      }
      async_done_.clear();
    }
  }

  void AbandonGroup(std::span<WriteRequest*> group, const Status& status) {
    if (sqlite3_get_autocommit(writer_db_->handle()) == 0) {
      (void)writer_db_->Exec("ROLLBACK", "ROLLBACK");
    }
    for (WriteRequest* r : group) r->status = status;
  }

  // Runs one call; `changes` receives what it did to the spatial index (its inserted boxes are
  // in the index, also when it fails: the caller takes them back).
  Status RunFn(const WriteFn& fn, BoxChanges& changes) {
    SqliteWriteTxn txn(*writer_db_, *boxes_, head_);
    Status status;
    try {
      status = fn(txn);
      if (status.ok()) status = txn.Finish();
    } catch (const std::exception& e) {
      status = Internal(fmt::format("write function threw: {}", e.what()));
    } catch (...) {
      status = Internal("write function threw a non-standard exception");
    }
    changes = std::move(txn.box_changes());
    return status;
  }

  // At the start of a write transaction: when the database holds boxes of a generation the
  // index has not seen (another process wrote), brings the index to the database's boxes. Boxes
  // the index holds but the database no longer does are retired, not dropped: older snapshots
  // may still hold them.
  Result<int64_t> SyncBoxIndex() {
    Db& db = *writer_db_;
    ISSA_ASSIGN_OR_RETURN(const int64_t generation, ReadBoxGeneration(db));
    if (generation == boxes_->generation()) return generation;
    ISSA_ASSIGN_OR_RETURN(const std::vector<IndexedBox> stored, ReadAllBoxes(db));
    const std::vector<IndexedBox> held = boxes_->Contents();
    std::vector<IndexedBox> missing;
    std::vector<IndexedBox> gone;
    std::set_difference(stored.begin(), stored.end(), held.begin(), held.end(),
                        std::back_inserter(missing));
    std::set_difference(held.begin(), held.end(), stored.begin(), stored.end(),
                        std::back_inserter(gone));
    boxes_->Insert(missing);
    boxes_->set_generation(generation);
    boxes_->Retire(std::move(gone));
    return generation;
  }

  Status SignHead() {
    if (!options_.signer) {
      head_.signature.clear();
      return Status::Ok();
    }
    try {
      head_.signature = options_.signer(audit::HeadMessage(head_.seq, head_.hash));
    } catch (const std::exception& e) {
      return Internal(fmt::format("signing the audit head failed: {}", e.what()));
    }
    return Status::Ok();
  }

  // Runs group[first..] in one BEGIN IMMEDIATE ... COMMIT, each call inside its own savepoint.
  // Sets each call's status and returns the index after the last call it handled (the end of the
  // group, unless SQLite rolled the whole transaction back and the rest needs a new one).
  size_t RunTransaction(std::span<WriteRequest*> group, size_t first) {
    Db& db = *writer_db_;
    const auto fail_rest = [&](size_t from, const Status& s) {
      for (size_t i = from; i < group.size(); ++i) group[i]->status = s;
      return group.size();
    };
    if (Status begun = db.Exec("BEGIN IMMEDIATE", "starting a write transaction"); !begun.ok()) {
      return fail_rest(first, begun);
    }
    // The committed head, re-read in the transaction: authoritative even if another process
    // wrote to the file.
    auto committed = ReadAuditHead(db);
    if (!committed.ok()) {
      (void)db.Exec("ROLLBACK", "ROLLBACK");
      return fail_rest(first, committed.status());
    }
    head_ = *committed;
    auto box_generation = SyncBoxIndex();
    if (!box_generation.ok()) {
      (void)db.Exec("ROLLBACK", "ROLLBACK");
      return fail_rest(first, box_generation.status());
    }
    BoxChanges box_changes;  // of the calls that succeeded
    const auto take_back_boxes = [&] { boxes_->Erase(box_changes.inserted); };
    std::vector<size_t> succeeded;
    for (size_t i = first; i < group.size(); ++i) {
      WriteRequest& request = *group[i];
      const audit::Head before = head_;
      Status status = db.Exec("SAVEPOINT issa_write", "starting a savepoint");
      if (status.ok()) {
        BoxChanges call_boxes;
        status = RunFn(*request.fn, call_boxes);
        if (status.ok()) status = db.Exec("RELEASE issa_write", "releasing a savepoint");
        if (!status.ok()) {  // undo this call only
          (void)db.Exec("ROLLBACK TO issa_write", "rolling back a savepoint");
          (void)db.Exec("RELEASE issa_write", "releasing a savepoint");
          head_ = before;
          boxes_->Erase(call_boxes.inserted);
        } else {
          box_changes.inserted.insert(box_changes.inserted.end(), call_boxes.inserted.begin(),
                                      call_boxes.inserted.end());
          box_changes.retired.insert(box_changes.retired.end(), call_boxes.retired.begin(),
                                     call_boxes.retired.end());
        }
      }
      request.status = status;
      if (status.ok()) succeeded.push_back(i);
      if (sqlite3_get_autocommit(db.handle()) != 0) {
        // SQLite rolled the whole transaction back (I/O error, disk full, ...): the calls that
        // had succeeded in it are lost with it.
        const Status lost = Unavailable(
            fmt::format("the write transaction on {} was rolled back by SQLite{}", options_.path,
                        status.ok() ? std::string() : ": " + status.message()));
        for (const size_t j : succeeded) group[j]->status = lost;
        head_ = *committed;
        take_back_boxes();
        return i + 1;
      }
    }
    if (succeeded.empty()) {
      (void)db.Exec("ROLLBACK", "ROLLBACK");
      return group.size();
    }
    Status sealed = Status::Ok();
    const bool boxes_changed = !box_changes.empty();
    if (boxes_changed) sealed = WriteBoxGeneration(db, *box_generation + 1);
    if (sealed.ok() && head_.seq != committed->seq) {
      sealed = SignHead();
      if (sealed.ok()) sealed = WriteAuditHead(db, head_);
    }
    if (sealed.ok()) {
      sealed = db.Exec("COMMIT", fmt::format("committing writes to {}", options_.path));
    }
    if (!sealed.ok()) {
      if (sqlite3_get_autocommit(db.handle()) == 0) (void)db.Exec("ROLLBACK", "ROLLBACK");
      head_ = *committed;
      take_back_boxes();
      for (const size_t j : succeeded) group[j]->status = sealed;
      return group.size();
    }
    if (boxes_changed) {
      // Readers whose snapshot holds this commit may now use the index (it holds the inserted
      // boxes since before the commit); the replaced boxes leave it when older snapshots end.
      boxes_->set_generation(*box_generation + 1);
      boxes_->Retire(std::move(box_changes.retired));
    }
    AfterCommit();
    if (options_.on_commit) {
      try {
        options_.on_commit(static_cast<int>(succeeded.size()));
      } catch (...) {  // an observer must not break the writer
      }
    }
    return group.size();
  }

  const SqliteOptions options_;
  std::unique_ptr<Db> writer_db_;    // after construction, used on the writer thread only
  std::unique_ptr<BoxIndex> boxes_;  // changed by the writer thread, read by every reader
  audit::Head head_;                 // writer thread only: the head including uncommitted entries

  std::mutex queue_mu_;
  std::condition_variable_any queue_cv_;                   // writer waits for work (or stop)
  std::deque<WriteRequest*> queue_;                        // guarded by queue_mu_
  std::vector<std::unique_ptr<WriteRequest>> async_done_;  // writer thread only
  bool closing_ = false;                                   // guarded by queue_mu_

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Db>> idle_readers_;  // guarded by pool_mu_
  int checked_out_ = 0;                            // guarded by pool_mu_

  std::unique_ptr<Db> checkpoint_db_;  // used on the checkpointer thread only
  int64_t wal_pages_ = 0;              // writer thread only: WAL size after the last commit
  std::mutex checkpoint_mu_;
  std::mutex checkpoint_run_mu_;  // held while a checkpoint runs (either thread)
  std::condition_variable_any checkpoint_cv_;
  bool checkpoint_wanted_ = false;  // guarded by checkpoint_mu_

  std::jthread checkpointer_;
  std::jthread writer_;
  std::thread::id writer_id_;
};

}  // namespace

Result<std::unique_ptr<storage::Store>> OpenSqliteStore(const SqliteOptions& options) {
  ISSA_RETURN_IF_ERROR(ValidateOptions(options));
  // SQLite's memory statistics take a global mutex on every allocation (about 5 % of ingest
  // instructions, bench/RESULTS.md); nothing in ISSA reads them. The setting is process-wide and
  // only possible before SQLite's first use in the process; later calls change nothing.
  static std::once_flag configured;
  std::call_once(configured, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  ISSA_ASSIGN_OR_RETURN(
      std::unique_ptr<Db> db,
      Db::Open(options.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, options.busy_timeout_ms));
  ISSA_ASSIGN_OR_RETURN(const std::string mode,
                        db->QueryText("PRAGMA journal_mode = WAL",
                                      fmt::format("switching {} to WAL mode", options.path)));
  if (mode != "wal") {
    return FailedPrecondition(
        fmt::format("{} cannot use WAL mode (journal_mode stays {})", options.path, mode));
  }
  ISSA_RETURN_IF_ERROR(db->Exec(
      options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
      "setting synchronous"));
  // Writer-side tuning: a larger page cache for ingest, temporary b-trees in memory, and a
  // bound on the WAL file size left after checkpoints.
  ISSA_RETURN_IF_ERROR(
      db->Exec("PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY; "
               "PRAGMA journal_size_limit = 67108864",
               "tuning the writer connection"));
  ISSA_RETURN_IF_ERROR(Migrate(*db, Migrations(), options.path).status());
  // The spatial index, from the boxes and their generation in one read transaction.
  auto boxes = std::make_unique<BoxIndex>();
  {
    ISSA_RETURN_IF_ERROR(db->Exec("BEGIN", fmt::format("{}: reading the boxes", options.path)));
    auto generation = ReadBoxGeneration(*db);
    auto stored = generation.ok() ? ReadAllBoxes(*db) : generation.status();
    (void)db->Exec("ROLLBACK", "ROLLBACK");
    ISSA_RETURN_IF_ERROR(stored.status());
    boxes->Load(std::move(stored).value(), *generation);
  }
  ISSA_ASSIGN_OR_RETURN(std::unique_ptr<Db> checkpoint,
                        Db::Open(options.path, SQLITE_OPEN_READWRITE, options.busy_timeout_ms));
  // A connection opens the file lazily; until it has read it, it does not know the file is in
  // WAL mode and sqlite3_wal_checkpoint_v2 does nothing (it reports -1 frames).
  ISSA_ASSIGN_OR_RETURN(const std::string checkpoint_mode,
                        checkpoint->QueryText("PRAGMA journal_mode", "opening the checkpointer"));
  if (checkpoint_mode != "wal") {
    return FailedPrecondition(fmt::format("{}: the checkpoint connection sees journal_mode {}",
                                          options.path, checkpoint_mode));
  }
  return std::unique_ptr<storage::Store>(std::make_unique<SqliteStore>(
      options, std::move(db), std::move(checkpoint), std::move(boxes)));
}

}  // namespace issa::storage_sqlite
