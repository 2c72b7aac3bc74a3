#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "issa/access/policy.h"
#include "issa/audit/chain.h"
#include "issa/core/model.h"
#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/storage/store.h"

// The node's services: records, sharing groups, cross-match hits and access requests, tokens,
// audit. API, CLI and (later) federation call these with a Context; the role check and the
// audit entry happen here, in the same transaction as the change, and what a caller may see is
// decided by the store's read path. Thread-safe.
namespace issa::node {

// Who calls and from where (RequestContext).
struct Context {
  access::Principal principal;
  std::string request_id;
  std::string remote;  // e.g. "127.0.0.1:53412" or "cli"
};

struct MatchSettings {
  double threshold = 0.80;  // candidates at or above become hits
  size_t max_candidates = 20;
};

struct NodeOptions {
  std::string node_id;                 // e.g. "it-ncc-node-1"
  storage::Store* store = nullptr;     // borrowed, outlives the Node
  const core::Clock* clock = nullptr;  // borrowed; SystemClock() when null
  std::optional<audit::NodeKey> key;   // signs federation messages later; audit uses the store's
  std::string schema_dir;              // JSON schemas; the built-in set when empty
  std::string import_dir;              // the only folder POST /imports may read from
  MatchSettings match;
  size_t max_body_bytes = 1 << 20;
};

// What one side of a hit is told.
struct HitView {
  core::Hit hit;
  std::string your_record;
  std::string your_type;
  std::string other_authority;
  std::string other_type;
  std::optional<std::string> other_record;     // only when the caller may see it
  std::optional<core::AccessRequest> request;  // the caller's request on this hit, if any
};

// A notification pushed to subscribers (server-sent events).
struct Notice {
  std::string kind;  // "record", "hit", "alert", "access_request"
  std::string id;
  std::string json;  // the body as the caller may see it
};

struct NodeStats {
  uint64_t records_written = 0;
  uint64_t records_read = 0;
  uint64_t hits = 0;
  uint64_t denied = 0;
  uint64_t invalid = 0;
  size_t match_index_size = 0;
  size_t subscribers = 0;
};

// How a bulk import went. Each bad line is rejected on its own (nothing of it is written) and
// the rest is imported.
struct ImportStats {
  uint64_t lines = 0;
  uint64_t imported = 0;
  uint64_t rejected = 0;
  std::vector<std::string> errors;  // the first 100: "line 12: properties.name: is required"
};

struct ImportOptions {
  // For GeoJSON FeatureCollections: the record type and handling of every feature (the
  // feature's properties become the record's properties, its geometry the record's geometry).
  std::string geojson_type;
  std::string geojson_handling_json;  // e.g. {"classification":"LIMITED","purposes":["border"]}
  size_t batch = 1000;
  // Called after each batch with the bytes read so far.
  std::function<void(uint64_t bytes_read, const ImportStats&)> progress;
};

struct RetentionReport {
  uint64_t deleted = 0;
  uint64_t depersonalised = 0;
  uint64_t masked = 0;  // of the depersonalised: sealed for re-personalisation, not erased
};

// A request to re-personalise a record whose personal data were masked at retention (types
// with "x-retention": "mask", e.g. PNR data: Directive (EU) 2016/681 Art. 12(3)). Made by an
// analyst or officer of the record's owner with a justification; approved or refused by another
// user (officer or admin) of that authority; every step audited and the DPO notified.
struct RepersonalisationRequest {
  std::string id;
  std::string record_id;
  std::string owner;  // the record's owner; the request belongs to it
  std::string requester;
  std::string justification;
  std::string status = "pending";  // pending, approved, refused
  std::string approver;
  std::string reason;
  core::Timestamp requested_at = 0;
  core::Timestamp decided_at = 0;
  uint32_t uses = 0;  // disclosures made under an approval
};

// What a domain matcher found for a record: another record that resembles it or is linked to
// it by value (the node writes a hit when it belongs to another authority).
struct DomainMatch {
  std::string record_id;
  std::string owner;
  double score = 1;                   // in [0, 1]
  std::vector<std::string> features;  // what linked them, e.g. "same-value", "ipv4"
};

// What a caller derived from a record's properties before writing it, for the matcher of the
// record's type (a domain's own type derives from this one), so that the matcher need not derive
// it again from the properties: e.g. the observables of a STIX pattern the cti service's
// validator parsed. Handed through Node::ParsedRecord to RecordMatcher::UpsertParsed, which
// checks the type and otherwise derives what it needs itself.
struct MatcherInput {
  virtual ~MatcherInput() = default;
};

// A domain's matcher, for record types the built-in cross-matching does not cover (a domain plugs
// in through Node::AddMatcher; e.g. cti/ correlates STIX observables by value). The node calls
// Upsert with every new current version of a record of the types it was added for, before the write
// transaction, and writes hits for what it returns exactly as for the built-in matcher's
// candidates (other authorities only; HitView, access requests); when the write fails it calls
// Upsert again with the previous version (or Remove for a new record). The node never passes
// the matches to a caller: what a caller may see is decided on the node's read paths.
// Implementations are thread-safe.
class RecordMatcher {
 public:
  virtual ~RecordMatcher() = default;
  // Indexes `record` (replacing an earlier version of it; a version that no longer takes part is
  // removed) and returns up to `max_matches` records it matches, best first, never itself.
  virtual Result<std::vector<DomainMatch>> Upsert(const core::Record& record,
                                                  size_t max_matches) = 0;
  // Upsert with the record's properties already parsed (`properties` is record.properties_json
  // parsed; Node::CreateParsedRecords passes the caller's tree), so that the matcher need not
  // parse them again, and what the caller derived from them (`input`, ParsedRecord's
  // matcher_input; may be null). The default parses nothing and calls Upsert.
  virtual Result<std::vector<DomainMatch>> UpsertParsed(const core::Record& record,
                                                        const nlohmann::json& properties,
                                                        const MatcherInput* input,
                                                        size_t max_matches) {
    (void)properties, (void)input;
    return Upsert(record, max_matches);
  }
  virtual void Remove(std::string_view record_id) = 0;
};

class Node {
 public:
  static Result<std::unique_ptr<Node>> Open(NodeOptions options);
  virtual ~Node() = default;

  // ---- Authentication ----
  // The principal of a bearer token; Unauthenticated (and audited as login.failed) otherwise.
  virtual Result<access::Principal> Authenticate(std::string_view token,
                                                 std::string_view remote) = 0;
  // The principal of a token that Authenticate accepted in the last few seconds, without
  // reading or writing the store; nullopt otherwise (the caller then uses Authenticate, which
  // checks the store and audits). Never blocks.
  virtual std::optional<access::Principal> CachedPrincipal(std::string_view token) {
    (void)token;
    return std::nullopt;
  }

  // ---- Administration (role admin; the CLI uses a local admin context) ----
  virtual Result<core::Authority> AddAuthority(const Context& ctx, core::Authority authority) = 0;
  virtual Result<std::vector<core::Authority>> ListAuthorities(const Context& ctx) = 0;
  // Creates a user and its token; returns the secret token, shown once.
  struct NewToken {
    core::User user;
    std::string token;
  };
  virtual Result<NewToken> CreateToken(const Context& ctx, std::string_view authority,
                                       core::Role role, core::Classification clearance,
                                       std::string_view name) = 0;

  // ---- Domain matchers ----
  // Adds a matcher for `record_types`: the node loads it with the current version of every record
  // of those types (one system read, audited as "matcher.load") and calls it on every later write
  // and deletion. Call before serving. Shared: the node's write path and the domain service that
  // queries the matcher both use it. Errors: those of the store and of the matcher.
  virtual Status AddMatcher(const Context& ctx, std::vector<std::string> record_types,
                            std::shared_ptr<RecordMatcher> matcher) {
    (void)ctx, (void)record_types, (void)matcher;
    return Unimplemented("domain matchers");
  }

  // ---- Records ----
  // Validates the JSON form against the schema registry and writes version 1; returns the id.
  // Cross-matching runs in the same transaction.
  virtual Result<std::string> CreateRecord(const Context& ctx, std::string_view json) = 0;
  // Many records at once, one transaction per batch: all or none. Returns the ids. A link may
  // name an earlier record of the same batch by its index: {"rel":"holder_of","target":"@0"}.
  virtual Result<std::vector<std::string>> CreateRecords(const Context& ctx,
                                                         const std::vector<std::string>& jsons) = 0;
  // A record built in-process by a service that holds its properties parsed already (the cti
  // service's STIX objects, validated and serialised once): the node validates `properties`
  // against the type's schema and the handling as for the JSON form, and stores
  // `properties_json` (the canonical text of `properties`: compact, keys sorted, as nlohmann's
  // dump() writes it) as given, without parsing or serialising it again.
  struct ParsedRecord {
    std::string type;
    const nlohmann::json* properties = nullptr;  // borrowed for the call
    std::string properties_json;
    core::Handling handling;
    // For the type's matchers (RecordMatcher::UpsertParsed); borrowed for the call; may be null.
    const MatcherInput* matcher_input = nullptr;
  };
  // CreateRecords of parsed records: one transaction, all or none; returns the ids. The
  // default writes their JSON form through CreateRecords.
  virtual Result<std::vector<std::string>> CreateParsedRecords(const Context& ctx,
                                                               std::vector<ParsedRecord> records);
  virtual Result<core::Record> GetRecord(const Context& ctx, std::string_view id) = 0;
  // The current versions of those of `ids` the caller may see, in the order given; the others
  // are left out, as if they did not exist. One audit entry ("record.read_many") for the call.
  // At most 1000 ids (InvalidArgument on "ids").
  virtual Result<std::vector<core::Record>> GetRecords(const Context& ctx,
                                                       const std::vector<std::string>& ids) {
    (void)ctx, (void)ids;
    return Unimplemented("batch read");
  }
  // GetRecord without waiting for its audit entry to commit: reads on the calling thread, then
  // calls `done` with what GetRecord would return once the entry is committed, on the calling
  // thread or on a store thread. `done` must not block. Used by the HTTP server's I/O threads.
  virtual void GetRecordAsync(const Context& ctx, std::string_view id,
                              std::function<void(Result<core::Record>)> done) {
    done(GetRecord(ctx, id));
  }
  // A new version from a merge patch of properties/geometry/handling/links/valid_*.
  virtual Result<core::Record> PatchRecord(const Context& ctx, std::string_view id,
                                           std::string_view json) = 0;
  virtual Result<std::vector<core::Record>> GetHistory(const Context& ctx, std::string_view id) = 0;
  virtual Result<storage::RecordPage> ListRecords(const Context& ctx,
                                                  const storage::RecordQuery& query) = 0;
  // What ScanRecords read: the records handed to `visit`, the id of the last one (a cursor to
  // resume after) and whether records remain after it.
  struct RecordScan {
    uint64_t visited = 0;
    std::string last_id;
    bool more = false;
  };
  // ListRecords page after page (query.limit rows a store page, `max_records` rows at most) in
  // one read transaction, for a caller that selects among the records it may see (a TAXII page
  // skips superseded versions): each record is handed to `visit` on the calling thread until
  // `visit` returns false. Access is decided by the store as for ListRecords; the scan is
  // audited as one `record.search` entry. Returns what was read once the entry is queued, not
  // committed: `committed` is called exactly once when the entry is committed (Unavailable when
  // it could not be), maybe before ScanRecords returns, on the calling thread or a store thread;
  // it must not block. Nothing read may leave the node before `committed` says OK. On an error
  // return `committed` is never called. Used by the HTTP server's I/O threads (ADR 0005).
  virtual Result<RecordScan> ScanRecords(const Context& ctx, storage::RecordQuery query,
                                         uint64_t max_records,
                                         const std::function<bool(core::Record&)>& visit,
                                         std::function<void(Status)> committed) {
    (void)ctx, (void)query, (void)max_records, (void)visit, (void)committed;
    return Unimplemented("record scans");
  }
  // The JSON form of a record as this caller may see it.
  virtual std::string RenderRecord(const Context& ctx, const core::Record& record) const = 0;
  // Record types of the schema registry, and one schema.
  virtual std::vector<std::string> RecordTypes() const = 0;
  virtual Result<std::string> Schema(std::string_view type) const = 0;

  // Imports NDJSON (one record in the JSON form per line) or a GeoJSON FeatureCollection.
  virtual Result<ImportStats> Import(const Context& ctx, std::istream& in,
                                     const ImportOptions& options) = 0;
  // Imports a file named relative to NodeOptions::import_dir; a path that leaves that folder
  // (absolute, "..", or a link pointing outside) is refused with InvalidArgument on "path".
  virtual Result<ImportStats> ImportFile(const Context& ctx, std::string_view relative_path,
                                         const ImportOptions& options) = 0;
  // Visits every record the caller may see that matches the query (all pages); audited as one
  // export.
  virtual Status Export(const Context& ctx, storage::RecordQuery query,
                        const std::function<void(const core::Record&)>& visit) = 0;
  // Deletes records past delete_after and depersonalises those past depersonalise_after
  // (removes the properties the schema marks personal). Role admin or the system.
  virtual Result<RetentionReport> RunRetention(const Context& ctx) = 0;

  // ---- Re-personalisation of masked records (see RepersonalisationRequest) ----
  // FailedPrecondition when the record is not masked; NotFound when it is not the caller's
  // authority's; InvalidArgument on an empty justification.
  virtual Result<RepersonalisationRequest> RequestRepersonalisation(
      const Context& ctx, std::string_view record_id, std::string_view justification) {
    (void)ctx, (void)record_id, (void)justification;
    return Unimplemented("re-personalisation");
  }
  // PermissionDenied when the caller requested it (a second person decides) or may not decide.
  virtual Result<RepersonalisationRequest> DecideRepersonalisation(const Context& ctx,
                                                                   std::string_view request_id,
                                                                   bool approve,
                                                                   std::string_view reason) {
    (void)ctx, (void)request_id, (void)approve, (void)reason;
    return Unimplemented("re-personalisation");
  }
  // The requests of the caller's authority (dpo: all).
  virtual Result<std::vector<RepersonalisationRequest>> ListRepersonalisationRequests(
      const Context& ctx) {
    (void)ctx;
    return Unimplemented("re-personalisation");
  }
  // The record's current version with its masked personal properties and links restored, for
  // the requester of an approved request only; audited, the DPO notified.
  virtual Result<core::Record> Repersonalise(const Context& ctx, std::string_view request_id) {
    (void)ctx, (void)request_id;
    return Unimplemented("re-personalisation");
  }

  // ---- Cross-match hits and access requests ----
  virtual Result<std::vector<HitView>> ListHits(const Context& ctx) = 0;
  virtual Result<core::AccessRequest> RequestAccess(const Context& ctx, std::string_view hit_id,
                                                    std::string_view justification) = 0;
  virtual Result<core::AccessRequest> DecideAccess(const Context& ctx, std::string_view request_id,
                                                   bool grant, std::string_view reason) = 0;
  virtual Result<std::vector<core::AccessRequest>> ListAccessRequests(const Context& ctx) = 0;

  // ---- Sharing groups and Joint Investigation Teams ----
  virtual Result<core::SharingGroup> CreateGroup(const Context& ctx, std::string_view json) = 0;
  virtual Result<std::vector<core::SharingGroup>> ListGroups(const Context& ctx) = 0;
  virtual Result<core::SharingGroup> GetGroup(const Context& ctx, std::string_view id) = 0;

  // ---- Audit ----
  // Entries the caller may see: all for dpo, its authority's for admin/overseer.
  virtual Result<std::vector<audit::Entry>> ListAudit(const Context& ctx,
                                                      storage::AuditQuery query) = 0;
  // Audits an event outside any other action (e.g. a denied or malformed request).
  virtual void Audit(const Context& ctx, std::string_view action, std::string_view target,
                     std::string_view outcome, std::string_view detail) = 0;

  // ---- Public release (EISAS advisories; docs/cyber.md#publication) ----
  // Releases the current version of a record to the public (anyone, without a token). The
  // caller needs role officer or admin and must belong to the owner authority; the record must
  // be TLP:CLEAR (classification PUBLIC, distribution all), and so must every record it links
  // with rel "derived_from" (each visible to the caller). Audited as record.release (ok, denied
  // or refused). FailedPrecondition naming the record that is not CLEAR; PermissionDenied;
  // NotFound. A later version of the record is not public until released again.
  virtual Status ReleaseToPublic(const Context& ctx, std::string_view id) {
    (void)ctx;
    (void)id;
    return Unimplemented("public release");
  }
  // Ends the public release of a record (same rights as ReleaseToPublic). Audited.
  virtual Status WithdrawFromPublic(const Context& ctx, std::string_view id) {
    (void)ctx;
    (void)id;
    return Unimplemented("public release");
  }
  // The public read path: released records only, read with a public viewer that sees PUBLIC +
  // all records and nothing else, and served only while the released version is current.
  // Not audited (public material; anonymous reads would flood the chain); counted in
  // records_read. NotFound for anything else, indistinguishable from a missing id.
  virtual Result<core::Record> GetPublicRecord(std::string_view type, std::string_view id) {
    (void)type;
    (void)id;
    return Unimplemented("public release");
  }
  // One page (by id, after `after_id`, at most `limit` 1..1000 scanned) of released records of
  // a type.
  virtual Result<storage::RecordPage> ListPublicRecords(std::string_view type,
                                                        std::string_view after_id, int limit) {
    (void)type;
    (void)after_id;
    (void)limit;
    return Unimplemented("public release");
  }

  // ---- Stream ----
  using Subscriber = std::function<void(const Notice&)>;
  // Notices the caller may see, until the returned handle is destroyed.
  class Subscription {
   public:
    virtual ~Subscription() = default;
  };
  virtual std::unique_ptr<Subscription> Subscribe(const Context& ctx, Subscriber subscriber) = 0;

  virtual NodeStats Stats() const = 0;
  virtual const std::string& node_id() const = 0;
  virtual const core::Clock& clock() const = 0;
};

// Renders core values as JSON (shared by api/ and cli/).
std::string AuthorityJson(const core::Authority& a);
std::string GroupJson(const core::SharingGroup& g);
std::string AccessRequestJson(const core::AccessRequest& r, std::string_view viewer_authority);
std::string HitJson(const HitView& h);
std::string AuditEntryJson(const audit::Entry& e);
std::string RepersonalisationRequestJson(const RepersonalisationRequest& r);

}  // namespace issa::node
