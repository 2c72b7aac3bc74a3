#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "issa/matching/matcher.h"
#include "issa/node/node.h"
#include "issa/schema/registry.h"

namespace issa::node {

class NodeImpl final : public Node {
 public:
  NodeImpl(NodeOptions options, std::shared_ptr<const schema::Registry> registry);
  ~NodeImpl() override;

  Status LoadMatchIndex();
  Status ReindexKeys();

  Result<access::Principal> Authenticate(std::string_view token, std::string_view remote) override;
  std::optional<access::Principal> CachedPrincipal(std::string_view token) override;
  Result<core::Authority> AddAuthority(const Context& ctx, core::Authority authority) override;
  Result<std::vector<core::Authority>> ListAuthorities(const Context& ctx) override;
  Result<NewToken> CreateToken(const Context& ctx, std::string_view authority, core::Role role,
                               core::Classification clearance, std::string_view name) override;

  Result<std::string> CreateRecord(const Context& ctx, std::string_view json) override;
  Result<std::vector<std::string>> CreateRecords(const Context& ctx,
                                                 const std::vector<std::string>& jsons) override;
  Status AddMatcher(const Context& ctx, std::vector<std::string> record_types,
                    std::shared_ptr<RecordMatcher> matcher) override;
  Result<std::vector<std::string>> CreateParsedRecords(const Context& ctx,
                                                       std::vector<ParsedRecord> records) override;
  Result<core::Record> GetRecord(const Context& ctx, std::string_view id) override;
  Result<std::vector<core::Record>> GetRecords(const Context& ctx,
                                               const std::vector<std::string>& ids) override;
  void GetRecordAsync(const Context& ctx, std::string_view id,
                      std::function<void(Result<core::Record>)> done) override;
  Result<core::Record> PatchRecord(const Context& ctx, std::string_view id,
                                   std::string_view json) override;
  Result<std::vector<core::Record>> GetHistory(const Context& ctx, std::string_view id) override;
  Result<storage::RecordPage> ListRecords(const Context& ctx,
                                          const storage::RecordQuery& query) override;
  Result<RecordScan> ScanRecords(const Context& ctx, storage::RecordQuery query,
                                 uint64_t max_records,
                                 const std::function<bool(core::Record&)>& visit,
                                 std::function<void(Status)> committed) override;
  std::string RenderRecord(const Context& ctx, const core::Record& record) const override;
  std::vector<std::string> RecordTypes() const override;
  Result<std::string> Schema(std::string_view type) const override;
  Result<ImportStats> Import(const Context& ctx, std::istream& in,
                             const ImportOptions& options) override;
  Result<ImportStats> ImportFile(const Context& ctx, std::string_view relative_path,
                                 const ImportOptions& options) override;
  Status Export(const Context& ctx, storage::RecordQuery query,
                const std::function<void(const core::Record&)>& visit) override;
  Result<RetentionReport> RunRetention(const Context& ctx) override;
  Result<RepersonalisationRequest> RequestRepersonalisation(
      const Context& ctx, std::string_view record_id, std::string_view justification) override;
  Result<RepersonalisationRequest> DecideRepersonalisation(const Context& ctx,
                                                           std::string_view request_id,
                                                           bool approve,
                                                           std::string_view reason) override;
  Result<std::vector<RepersonalisationRequest>> ListRepersonalisationRequests(
      const Context& ctx) override;
  Result<core::Record> Repersonalise(const Context& ctx, std::string_view request_id) override;

  Result<std::vector<HitView>> ListHits(const Context& ctx) override;
  Result<core::AccessRequest> RequestAccess(const Context& ctx, std::string_view hit_id,
                                            std::string_view justification) override;
  Result<core::AccessRequest> DecideAccess(const Context& ctx, std::string_view request_id,
                                           bool grant, std::string_view reason) override;
  Result<std::vector<core::AccessRequest>> ListAccessRequests(const Context& ctx) override;

  Result<core::SharingGroup> CreateGroup(const Context& ctx, std::string_view json) override;
  Result<std::vector<core::SharingGroup>> ListGroups(const Context& ctx) override;
  Result<core::SharingGroup> GetGroup(const Context& ctx, std::string_view id) override;

  Result<std::vector<audit::Entry>> ListAudit(const Context& ctx,
                                              storage::AuditQuery query) override;
  void Audit(const Context& ctx, std::string_view action, std::string_view target,
             std::string_view outcome, std::string_view detail) override;

  Status ReleaseToPublic(const Context& ctx, std::string_view id) override;
  Status WithdrawFromPublic(const Context& ctx, std::string_view id) override;
  Result<core::Record> GetPublicRecord(std::string_view type, std::string_view id) override;
  Result<storage::RecordPage> ListPublicRecords(std::string_view type, std::string_view after_id,
                                                int limit) override;

  std::unique_ptr<Subscription> Subscribe(const Context& ctx, Subscriber subscriber) override;
  NodeStats Stats() const override;
  const std::string& node_id() const override { return options_.node_id; }
  const core::Clock& clock() const override { return *clock_; }

 private:
  struct PreparedRecord {
    core::Record record;
    std::vector<matching::Candidate> candidates;
    const nlohmann::json* properties = nullptr;   // parsed, borrowed (CreateParsedRecords)
    const MatcherInput* matcher_input = nullptr;  // borrowed (CreateParsedRecords)
  };
  struct SubscriberEntry {
    Context ctx;
    Subscriber callback;
    access::Viewer viewer;
    core::Timestamp viewer_at = 0;
  };
  class SubscriptionImpl;
  struct DomainMatcherEntry {
    std::vector<std::string> types;
    std::shared_ptr<RecordMatcher> matcher;
  };

  std::vector<std::shared_ptr<RecordMatcher>> MatchersFor(std::string_view type) const;
  // Indexes a record's current version in the domain matchers of its type and appends their
  // matches to `candidates` (none asked for when null).
  Status DomainUpsert(const core::Record& record, std::vector<matching::Candidate>* candidates,
                      const nlohmann::json* properties = nullptr,
                      const MatcherInput* matcher_input = nullptr);
  void DomainRemove(const core::Record& record);

  core::Timestamp Now() const { return clock_->Now(); }
  audit::Event MakeEvent(const Context& ctx, std::string_view action, std::string_view target,
                         std::string_view outcome, std::string_view detail,
                         std::string_view target_owner = {}) const;
  // Appends one audit event in its own transaction.
  Status AuditWrite(const Context& ctx, std::string_view action, std::string_view target,
                    std::string_view outcome, std::string_view detail,
                    std::string_view target_owner = {});
  // Appends one audit event in its own transaction without waiting; `done` gets OK once it is
  // committed, Unavailable when it could not be (see storage::Store::WriteAsync).
  void AuditWriteAsync(const Context& ctx, std::string_view action, std::string_view target,
                       std::string_view outcome, std::string_view detail,
                       std::string_view target_owner, std::function<void(Status)> done);
  // Audits the denial and returns PermissionDenied.
  Status Deny(const Context& ctx, access::Action action, std::string_view target);
  // Audits an invalid request and returns its status.
  Status Invalid(const Context& ctx, std::string_view action, const Status& status);
  Status RequireRole(const Context& ctx, access::Action action, std::string_view target = {});
  // The role and the query of ListRecords and ScanRecords.
  Status CheckSearch(const Context& ctx, const storage::RecordQuery& query);

  // Parses, validates and matches one record (outside the write transaction).
  Result<PreparedRecord> Prepare(const Context& ctx, std::string_view json, core::Timestamp now);
  Result<PreparedRecord> PrepareDraft(const Context& ctx, schema::RecordDraft d,
                                      core::Timestamp now);
  // Checks what needs the store (authorities, group, links) inside the transaction.
  Status CheckReferences(storage::WriteTxn& txn, const access::Viewer& viewer,
                         const core::Record& record);
  // Writes hits for a record's candidates; returns them.
  Result<std::vector<core::Hit>> WriteHits(storage::WriteTxn& txn, const Context& ctx,
                                           const core::Record& record,
                                           const std::vector<matching::Candidate>& candidates);
  Result<std::vector<std::string>> WriteRecords(const Context& ctx,
                                                std::vector<PreparedRecord> prepared);
  // Prepares `count` records (prepare(i, now)) and writes them in one transaction; an invalid
  // one is audited and named records[i].
  // Prepares record i of `count` (given the batch's ids, drawn first so that a link to an
  // earlier record of the batch resolves) and writes them all in one transaction.
  Result<std::vector<std::string>> CreateEach(
      const Context& ctx, size_t count,
      const std::function<Result<PreparedRecord>(size_t, core::Timestamp,
                                                 const std::vector<std::string>&)>& prepare);
  std::optional<HitView> ViewOf(storage::ReadTxn& txn, const access::Viewer& viewer,
                                const core::Hit& hit,
                                const std::vector<core::AccessRequest>& requests);

  void Publish(const Notice& notice, const std::function<bool(SubscriberEntry&)>& may_receive);
  void PublishRecord(const core::Record& record);
  void PublishHit(const core::Hit& hit);
  void PublishAccessRequest(const core::AccessRequest& request);
  // Tells the DPOs subscribed to the stream (notice kind "alert").
  void NotifyDpo(std::string_view id, std::string_view json);
  // Seals (secretbox, key derived from the node's secret key) and opens masked data.
  Result<std::string> Seal(std::string_view plain) const;
  Result<std::string> Unseal(std::string_view sealed) const;

  NodeOptions options_;
  const core::Clock* clock_;
  storage::Store* store_;
  std::shared_ptr<const schema::Registry> registry_;
  matching::Matcher matcher_;
  mutable std::shared_mutex domain_mu_;
  std::vector<DomainMatcherEntry> domain_matchers_;  // guarded by domain_mu_

  mutable std::mutex subscribers_mu_;
  std::map<uint64_t, SubscriberEntry> subscribers_;
  uint64_t next_subscriber_ = 1;

  struct TokenCacheEntry {
    access::Principal principal;
    core::Timestamp until = 0;
  };
  std::mutex token_cache_mu_;
  std::unordered_map<std::string, TokenCacheEntry> token_cache_;

  std::atomic<uint64_t> records_written_{0};
  std::atomic<uint64_t> records_read_{0};
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> denied_{0};
  std::atomic<uint64_t> invalid_{0};
};

// Token secrets and their stored hashes.
std::string NewTokenSecret();
// The meta key under which a masked record's sealed personal data are kept.
std::string MaskedKey(std::string_view record_id);
std::string HashToken(std::string_view token);
// A stable id for the hit between two records (the same whichever side found it).
std::string HitIdFor(std::string_view record_a, std::string_view record_b);

}  // namespace issa::node
