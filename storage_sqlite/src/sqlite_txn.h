#pragma once

// Read and write transactions over one connection. The caller (SqliteStore) owns the SQL
// transaction boundaries: BEGIN/ROLLBACK for readers, BEGIN IMMEDIATE/SAVEPOINT/COMMIT for the
// writer. These classes only run statements inside them.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "issa/access/policy.h"
#include "issa/audit/chain.h"
#include "issa/core/model.h"
#include "issa/core/status.h"
#include "issa/storage/store.h"

#include "box_index.h"
#include "sqlite_db.h"

namespace issa::storage_sqlite {

// The generation of the boxes in the database (record_box_generation): every write transaction
// that adds, moves or removes a box increments it.
Result<int64_t> ReadBoxGeneration(Db& db);
Status WriteBoxGeneration(Db& db, int64_t generation);
// Every box of a current record row, sorted.
Result<std::vector<IndexedBox>> ReadAllBoxes(Db& db);

// What one write call (or one transaction) did to the spatial index.
struct BoxChanges {
  std::vector<IndexedBox> inserted;  // already in the index; taken back if not committed
  std::vector<IndexedBox> retired;   // replaced or deleted; retired once committed
  bool empty() const { return inserted.empty() && retired.empty(); }
};

// Every ReadTxn method over one connection. Base is storage::ReadTxn or storage::WriteTxn.
// Not thread-safe. Record reads check access row by row (access::MaySee) while stepping, so
// that limits count visible rows only.
template <typename Base>
class SqliteReader : public Base {
 public:
  SqliteReader(Db& db, BoxIndex& boxes) : db_(&db), boxes_(&boxes) {}

  Result<access::Viewer> ResolveViewer(const access::Principal& principal,
                                       core::Timestamp now) override;
  Result<core::Record> GetRecord(const access::Viewer& viewer, std::string_view id) override;
  Result<std::vector<core::Record>> GetHistory(const access::Viewer& viewer,
                                               std::string_view id) override;
  Result<storage::RecordPage> QueryRecords(const access::Viewer& viewer,
                                           const storage::RecordQuery& query) override;
  Status ScanRecords(const access::Viewer& viewer, std::span<const std::string> types,
                     const std::function<bool(const core::Record&)>& visit) override;
  Result<core::Authority> GetAuthority(std::string_view id) override;
  Result<std::vector<core::Authority>> ListAuthorities() override;
  Result<core::User> GetUser(std::string_view id) override;
  Result<core::Token> GetToken(std::string_view hash) override;
  Result<core::SharingGroup> GetGroup(std::string_view id) override;
  Result<std::vector<core::SharingGroup>> ListGroups(std::string_view authority) override;
  Result<core::Hit> GetHit(std::string_view id) override;
  Result<std::vector<core::Hit>> ListHits(std::string_view authority, int limit) override;
  Result<core::AccessRequest> GetAccessRequest(std::string_view id) override;
  Result<std::vector<core::AccessRequest>> ListAccessRequests(std::string_view authority) override;
  Result<audit::Head> GetAuditHead() override;
  Status ScanAudit(const storage::AuditQuery& query,
                   const std::function<bool(const audit::Entry&)>& visit) override;
  Result<std::optional<std::string>> GetMeta(std::string_view key) override;

 protected:
  Db& db() { return *db_; }
  BoxIndex& boxes() { return *boxes_; }
  // Called before a query that uses the full-text index.
  virtual Status BeforeIndexedQuery() { return Status::Ok(); }
  // The rows whose boxes may intersect `box` (a superset), or nullopt when the spatial index
  // does not cover this snapshot (another process wrote boxes since the index was last brought
  // up to date): the query then tests the box of every row.
  virtual Result<std::optional<std::vector<int64_t>>> BoxCandidates(const core::BBox& box);

 private:
  Result<core::SharingGroup> ReadGroup(const Stmt& stmt);
  Db* db_;
  BoxIndex* boxes_;
};

// A read snapshot on a pooled connection; `release` gets the connection back when done (the
// store ends the SQL transaction and returns it to the pool).
class SqliteReadTxn final : public SqliteReader<storage::ReadTxn> {
 public:
  using Release = std::function<void(std::unique_ptr<Db>)>;
  SqliteReadTxn(std::unique_ptr<Db> db, BoxIndex& boxes, Release release);
  ~SqliteReadTxn() override;
  SqliteReadTxn(const SqliteReadTxn&) = delete;
  SqliteReadTxn& operator=(const SqliteReadTxn&) = delete;

 private:
  std::unique_ptr<Db> owned_;
  Release release_;
};

// The writer's view of one Write call. `head` is the writer's in-memory audit head: AppendAudit
// seals after it and advances it; the store signs and stores it at commit.
//
// Text index changes are deferred and applied by Finish, or before a text query in the same
// call: FTS5 flushes its pending terms at every statement savepoint, so indexing row by row
// would write one index segment per record. Rows inserted since the last flush are indexed from
// `records` (they are exactly the rows with rid >= the smallest rid inserted: a new rowid is
// always above every existing one). Text changes to rows the index already holds are queued (net
// per row) and applied with two statements.
//
// Box changes go to the in-memory spatial index (box_index.h): new boxes are inserted by Finish
// or before a box query in the call, and listed in box_changes() with the replaced and deleted
// boxes; the store takes them back if the call does not commit and retires the replaced ones
// after the commit.
class SqliteWriteTxn final : public SqliteReader<storage::WriteTxn> {
 public:
  SqliteWriteTxn(Db& db, BoxIndex& boxes, audit::Head& head)
      : SqliteReader(db, boxes), head_(head) {}

  // Applies queued index changes. The store calls it after fn returned OK, inside fn's
  // savepoint; an error fails the call.
  Status Finish() {
    FlushBoxes();
    return FlushIndexes();
  }
  // The call's changes to the spatial index so far (inserted ones are in the index).
  BoxChanges& box_changes() { return box_changes_; }

  // The head including this transaction's entries (unsigned until committed).
  Result<audit::Head> GetAuditHead() override { return head_; }

  Status PutAuthority(const core::Authority& authority) override;
  Status PutUser(const core::User& user) override;
  Status PutToken(const core::Token& token) override;
  Status PutRecord(const core::Record& record) override;
  Status SetGrants(std::string_view record_id, const std::vector<std::string>& grants) override;
  Status ReindexRecord(std::string_view record_id, std::string_view search_text,
                       std::string_view key) override;
  Status DeleteRecord(std::string_view id) override;
  Status PutGroup(const core::SharingGroup& group) override;
  Status PutHit(const core::Hit& hit) override;
  Status PutAccessRequest(const core::AccessRequest& request) override;
  Result<audit::Entry> AppendAudit(audit::Event event) override;
  Status SetMeta(std::string_view key, std::string_view value) override;

 protected:
  Status BeforeIndexedQuery() override { return FlushIndexes(); }
  Result<std::optional<std::vector<int64_t>>> BoxCandidates(const core::BBox& box) override;

 private:
  // What the FTS index holds for a row (`indexed`) and what it must hold (`wanted`).
  struct TextChange {
    std::optional<std::string> indexed;
    std::optional<std::string> wanted;
  };
  // Whether row `rid` was inserted since the last flush (the index holds nothing for it yet).
  bool Unindexed(int64_t rid) const { return first_new_rid_ && rid >= *first_new_rid_; }
  // Records that row `rid`, which the index holds, must index `wanted`; `indexed` is what the
  // index holds for it now, used only when no change is queued for the row yet.
  void QueueText(int64_t rid, std::optional<std::string_view> indexed,
                 std::optional<std::string_view> wanted);
  Status FlushIndexes();
  // Moves the pending boxes into the spatial index.
  void FlushBoxes();
  // The box of a row changes from `stored` to `wanted` (either may be absent).
  void ChangeBox(int64_t rid, const std::optional<core::BBox>& stored,
                 const std::optional<core::BBox>& wanted);

  audit::Head& head_;
  std::vector<IndexedBox> pending_boxes_;  // not yet in the index
  BoxChanges box_changes_;
  std::map<int64_t, TextChange> text_changes_;
  std::optional<int64_t> first_new_rid_;  // smallest rid inserted since the last flush
};

// Reads the audit head row (seq, hash, signature).
Result<audit::Head> ReadAuditHead(Db& db);
// Writes the audit head row.
Status WriteAuditHead(Db& db, const audit::Head& head);

}  // namespace issa::storage_sqlite
