#pragma once

#include <functional>
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

// The node's storage interface. Every read of records goes through an access::Viewer and is
// filtered here, by the backend, with access::MaySee: a record the viewer may not see is never
// returned, listed or counted, and looks exactly like a missing one (NotFound). No SQL or other
// backend detail leaves a backend. Backends: storage_sqlite (embedded, default), the in-memory
// twin below (tests), and later PostgreSQL/PostGIS.
namespace issa::storage {

// Filters for a page of current record versions, ordered by id (UUIDv7, so by creation time).
struct RecordQuery {
  std::optional<std::string> type;
  std::optional<std::string> owner;
  // Records shared with this sharing group (handling.group), e.g. a TAXII group collection.
  std::optional<std::string> group;
  std::string text;  // words that must all occur in search_text (prefixes ok)
  // Records whose key (core::Record::key, an external id such as a STIX id) is exactly this;
  // served by an exact index, not by the text index. Not empty.
  std::optional<std::string> key;
  std::optional<core::BBox> bbox;        // geometry bbox intersects
  std::optional<core::Timestamp> since;  // updated_at >= since
  std::optional<core::Timestamp> until;  // updated_at < until
  std::string after_id;                  // cursor: return ids > after_id
  int limit = 100;                       // 1..1000
};

struct RecordPage {
  std::vector<core::Record> records;
  std::string next_cursor;  // empty when there is no further page
};

// Filters for audit entries, in chain order.
struct AuditQuery {
  // When set, only entries whose acting authority or target owner is this authority.
  std::optional<std::string> authority;
  std::optional<std::string> user;
  std::optional<std::string> action;  // exact, or a prefix ending in '.' ("record.")
  std::optional<core::Timestamp> since;
  std::optional<core::Timestamp> until;
  int64_t after_seq = 0;
  int limit = 1000;  // 0 = no limit (verification)
};

// A consistent snapshot for reading. Not thread-safe: one thread uses a transaction at a time.
// Unless stated, methods return NotFound for a missing key and Internal/DataLoss on backend
// failure.
class ReadTxn {
 public:
  virtual ~ReadTxn() = default;

  // The principal at `now`, with its authority's sharing groups active at that moment.
  virtual Result<access::Viewer> ResolveViewer(const access::Principal& principal,
                                               core::Timestamp now) = 0;

  // ---- Records (access-checked) ----
  // The current version, or NotFound if missing, deleted, or not visible to the viewer.
  virtual Result<core::Record> GetRecord(const access::Viewer& viewer, std::string_view id) = 0;
  // All versions, oldest first; NotFound as GetRecord.
  virtual Result<std::vector<core::Record>> GetHistory(const access::Viewer& viewer,
                                                       std::string_view id) = 0;
  // A page of current versions visible to the viewer. InvalidArgument for a bad limit.
  virtual Result<RecordPage> QueryRecords(const access::Viewer& viewer,
                                          const RecordQuery& query) = 0;
  // Visits every current version of the given types (all types when empty) visible to the
  // viewer, in id order, until `visit` returns false.
  virtual Status ScanRecords(const access::Viewer& viewer, std::span<const std::string> types,
                             const std::function<bool(const core::Record&)>& visit) = 0;

  // ---- Node entities ----
  virtual Result<core::Authority> GetAuthority(std::string_view id) = 0;
  virtual Result<std::vector<core::Authority>> ListAuthorities() = 0;
  virtual Result<core::User> GetUser(std::string_view id) = 0;
  virtual Result<core::Token> GetToken(std::string_view hash) = 0;
  virtual Result<core::SharingGroup> GetGroup(std::string_view id) = 0;
  // Groups that `authority` is a member or the owner of (all groups when empty).
  virtual Result<std::vector<core::SharingGroup>> ListGroups(std::string_view authority) = 0;
  virtual Result<core::Hit> GetHit(std::string_view id) = 0;
  // Hits of which `authority` is told (owner_a with notify_a, or owner_b with notify_b), newest
  // first.
  virtual Result<std::vector<core::Hit>> ListHits(std::string_view authority, int limit) = 0;
  virtual Result<core::AccessRequest> GetAccessRequest(std::string_view id) = 0;
  // Requests made by or addressed to `authority`, newest first.
  virtual Result<std::vector<core::AccessRequest>> ListAccessRequests(
      std::string_view authority) = 0;

  // ---- Audit ----
  virtual Result<audit::Head> GetAuditHead() = 0;
  virtual Status ScanAudit(const AuditQuery& query,
                           const std::function<bool(const audit::Entry&)>& visit) = 0;

  // ---- Node metadata (node id, schema version, ...) ----
  virtual Result<std::optional<std::string>> GetMeta(std::string_view key) = 0;
};

// A write transaction; sees its own writes. Not thread-safe.
class WriteTxn : public ReadTxn {
 public:
  // Insert or replace.
  virtual Status PutAuthority(const core::Authority& authority) = 0;
  virtual Status PutUser(const core::User& user) = 0;
  virtual Status PutToken(const core::Token& token) = 0;
  // Appends a version. record.version must be 1 for a new id (AlreadyExists if the id exists)
  // or current + 1 (Aborted on a concurrent update, NotFound if the id is unknown).
  virtual Status PutRecord(const core::Record& record) = 0;
  // Replaces the grants of a record (not versioned).
  virtual Status SetGrants(std::string_view record_id, const std::vector<std::string>& grants) = 0;
  // Replaces the derived search fields of a record's current version (search_text and key) in
  // place, without a new version: for a schema whose "x-search"/"x-key" changed. NotFound if
  // the id is unknown.
  virtual Status ReindexRecord(std::string_view record_id, std::string_view search_text,
                               std::string_view key) = 0;
  // Purges every version of a record (retention). NotFound if unknown.
  virtual Status DeleteRecord(std::string_view id) = 0;
  virtual Status PutGroup(const core::SharingGroup& group) = 0;
  virtual Status PutHit(const core::Hit& hit) = 0;
  virtual Status PutAccessRequest(const core::AccessRequest& request) = 0;
  // Seals the event onto the chain (audit::Seal after the current head) in this transaction.
  virtual Result<audit::Entry> AppendAudit(audit::Event event) = 0;
  virtual Status SetMeta(std::string_view key, std::string_view value) = 0;
};

// Signs the audit chain head: given audit::HeadMessage(seq, hash), returns the hex signature.
using HeadSigner = std::function<std::string(const std::string& message)>;

// A store. Implementations are thread-safe: any number of threads may call BeginRead and Write.
class Store {
 public:
  virtual ~Store() = default;

  // A read snapshot. Unavailable if the backend cannot open one.
  virtual Result<std::unique_ptr<ReadTxn>> BeginRead() = 0;

  // Runs `fn` in a write transaction. If `fn` returns OK its changes, and the re-signed audit
  // head, are committed before Write returns (and survive a process crash); otherwise none of
  // them is and fn's status is returned. Concurrent calls may share one physical commit (group
  // commit) but each call's changes stay atomic on their own. `fn` may run on another thread.
  virtual Status Write(const std::function<Status(WriteTxn&)>& fn) = 0;

  // Write without waiting: runs `fn` like Write and then calls `done` with the status Write
  // would have returned, once the changes are committed (or not). `done` may run on the
  // calling thread before WriteAsync returns, or on a thread of the store; it must not block
  // and must not call Write. This default runs Write on the calling thread.
  virtual void WriteAsync(std::function<Status(WriteTxn&)> fn, std::function<void(Status)> done) {
    done(Write(fn));
  }
};

struct MemoryStoreOptions {
  HeadSigner signer;
};

// The in-memory twin, for tests: same semantics, no durability. Thread-safe.
std::unique_ptr<Store> NewMemoryStore(MemoryStoreOptions options);

}  // namespace issa::storage
