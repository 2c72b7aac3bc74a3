#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "issa/core/ids.h"
#include "issa/node/node.h"

// A scripted Node for the HTTP layer's unit tests: one token per principal, records in a map
// visible to their owner only, every Audit call recorded, and a settable error for the next
// record call.
namespace issa::api::testing {

class FakeNode final : public node::Node {
 public:
  FakeNode() {
    access::Principal p;
    p.user_id = "u-analyst";
    p.authority = "IT-NCC";
    p.role = core::Role::kAnalyst;
    p.clearance = core::Classification::kRestricted;
    p.purposes = static_cast<core::PurposeSet>(core::Purpose::kCrime);
    tokens["good-token"] = p;
    access::Principal q = p;
    q.user_id = "u-other";
    q.authority = "FR-DGSI";
    tokens["other-token"] = q;
  }

  struct AuditCall {
    std::string user, action, target, outcome, detail;
  };

  std::vector<AuditCall> Audits() const {
    std::lock_guard lock(mu);
    return audits;
  }

  Result<access::Principal> Authenticate(std::string_view token, std::string_view) override {
    std::lock_guard lock(mu);
    auto it = tokens.find(std::string(token));
    if (it == tokens.end()) {
      audits.push_back({"anonymous", "login.failed", "", "denied", ""});
      return Unauthenticated("bad token");
    }
    return it->second;
  }
  Result<core::Authority> AddAuthority(const node::Context&, core::Authority a) override {
    return a;
  }
  Result<std::vector<core::Authority>> ListAuthorities(const node::Context&) override {
    core::Authority a;
    a.id = "IT-NCC";
    a.country = "IT";
    a.name = "Italy NCC";
    return std::vector<core::Authority>{a};
  }
  Result<NewToken> CreateToken(const node::Context&, std::string_view, core::Role,
                               core::Classification, std::string_view) override {
    return Unimplemented("fake");
  }
  Result<std::string> CreateRecord(const node::Context& ctx, std::string_view json) override {
    std::lock_guard lock(mu);
    if (!next_error.ok()) return std::exchange(next_error, Status());
    core::Record r;
    r.id = core::NewUuidV7(1'700'000'000'000 + static_cast<int64_t>(records.size()));
    r.type = "Person";
    r.owner = ctx.principal.authority;
    r.properties_json = std::string(json);
    records[r.id] = r;
    return r.id;
  }
  Result<std::vector<std::string>> CreateRecords(const node::Context&,
                                                 const std::vector<std::string>&) override {
    return Unimplemented("fake");
  }
  Result<core::Record> GetRecord(const node::Context& ctx, std::string_view id) override {
    std::lock_guard lock(mu);
    if (!next_error.ok()) return std::exchange(next_error, Status());
    auto it = records.find(std::string(id));
    if (it == records.end() || it->second.owner != ctx.principal.authority) {
      return NotFound("no such record");
    }
    return it->second;
  }
  Result<core::Record> PatchRecord(const node::Context& ctx, std::string_view id,
                                   std::string_view json) override {
    ISSA_ASSIGN_OR_RETURN(core::Record r, GetRecord(ctx, id));
    std::lock_guard lock(mu);
    r.version += 1;
    r.properties_json = std::string(json);
    records[r.id] = r;
    return r;
  }
  Result<std::vector<core::Record>> GetHistory(const node::Context& ctx,
                                               std::string_view id) override {
    ISSA_ASSIGN_OR_RETURN(core::Record r, GetRecord(ctx, id));
    return std::vector<core::Record>{r, r};
  }
  Result<storage::RecordPage> ListRecords(const node::Context& ctx,
                                          const storage::RecordQuery& query) override {
    std::lock_guard lock(mu);
    last_query = query;
    storage::RecordPage page;
    for (const auto& [id, r] : records) {
      if (r.owner == ctx.principal.authority && id > query.after_id) {
        if (static_cast<int>(page.records.size()) == query.limit) {
          page.next_cursor = page.records.back().id;
          break;
        }
        page.records.push_back(r);
      }
    }
    return page;
  }
  std::string RenderRecord(const node::Context&, const core::Record& r) const override {
    return R"({"id":")" + r.id + R"(","version":)" + std::to_string(r.version) +
           R"(,"properties":)" + r.properties_json + "}";
  }
  std::vector<std::string> RecordTypes() const override { return {"Person", "Vessel"}; }
  Result<std::string> Schema(std::string_view type) const override {
    if (type == "Person") return std::string(R"({"title":"Person"})");
    return NotFound("no such type");
  }
  Result<node::ImportStats> Import(const node::Context&, std::istream&,
                                   const node::ImportOptions&) override {
    return Unimplemented("fake");
  }
  Result<node::ImportStats> ImportFile(const node::Context&, std::string_view,
                                       const node::ImportOptions&) override {
    return Unimplemented("fake");
  }
  Status Export(const node::Context&, storage::RecordQuery,
                const std::function<void(const core::Record&)>&) override {
    return Unimplemented("fake");
  }
  Result<node::RetentionReport> RunRetention(const node::Context&) override {
    return Unimplemented("fake");
  }
  Result<std::vector<node::HitView>> ListHits(const node::Context&) override {
    return std::vector<node::HitView>{};
  }
  Result<core::AccessRequest> RequestAccess(const node::Context& ctx, std::string_view hit_id,
                                            std::string_view justification) override {
    core::AccessRequest r;
    r.id = "req-1";
    r.hit_id = std::string(hit_id);
    r.requester = ctx.principal.authority;
    r.justification = std::string(justification);
    return r;
  }
  Result<core::AccessRequest> DecideAccess(const node::Context& ctx, std::string_view id,
                                           bool grant, std::string_view reason) override {
    core::AccessRequest r;
    r.id = std::string(id);
    r.owner = ctx.principal.authority;
    r.status = grant ? core::AccessRequestStatus::kGranted : core::AccessRequestStatus::kRefused;
    r.reason = std::string(reason);
    return r;
  }
  Result<std::vector<core::AccessRequest>> ListAccessRequests(const node::Context&) override {
    return std::vector<core::AccessRequest>{};
  }
  Result<core::SharingGroup> CreateGroup(const node::Context&, std::string_view) override {
    core::SharingGroup g;
    g.id = "g-1";
    g.name = "JIT";
    return g;
  }
  Result<std::vector<core::SharingGroup>> ListGroups(const node::Context&) override {
    return std::vector<core::SharingGroup>{};
  }
  Result<core::SharingGroup> GetGroup(const node::Context&, std::string_view) override {
    return NotFound("no such group");
  }
  Result<std::vector<audit::Entry>> ListAudit(const node::Context&,
                                              storage::AuditQuery query) override {
    std::vector<audit::Entry> out;
    for (int i = 1; i <= query.limit && i <= 3; ++i) {
      audit::Entry e;
      e.seq = query.after_seq + i;
      e.event.action = "record.read";
      out.push_back(e);
    }
    return out;
  }
  void Audit(const node::Context& ctx, std::string_view action, std::string_view target,
             std::string_view outcome, std::string_view detail) override {
    std::lock_guard lock(mu);
    audits.push_back({ctx.principal.user_id, std::string(action), std::string(target),
                      std::string(outcome), std::string(detail)});
  }

  class FakeSubscription : public Subscription {
   public:
    FakeSubscription(FakeNode& node, uint64_t id) : node_(node), id_(id) {}
    ~FakeSubscription() override {
      std::lock_guard lock(node_.mu);
      node_.subscribers.erase(id_);
    }

   private:
    FakeNode& node_;
    uint64_t id_;
  };
  std::unique_ptr<Subscription> Subscribe(const node::Context& ctx, Subscriber s) override {
    std::lock_guard lock(mu);
    const uint64_t id = next_subscriber++;
    subscribers[id] = {ctx.principal.authority, std::move(s)};
    return std::make_unique<FakeSubscription>(*this, id);
  }
  // Delivers a notice to subscribers of `authority`.
  void Publish(const std::string& authority, const node::Notice& n) {
    std::lock_guard lock(mu);
    for (auto& [id, sub] : subscribers) {
      if (sub.first == authority) sub.second(n);
    }
  }
  size_t SubscriberCount() const {
    std::lock_guard lock(mu);
    return subscribers.size();
  }

  node::NodeStats Stats() const override {
    node::NodeStats s;
    s.records_written = 7;
    return s;
  }
  const std::string& node_id() const override { return node_name; }
  const core::Clock& clock() const override { return core::SystemClock(); }

  mutable std::mutex mu;
  std::string node_name = "fake-node";
  std::map<std::string, access::Principal> tokens;
  std::map<std::string, core::Record> records;
  std::vector<AuditCall> audits;
  Status next_error;
  storage::RecordQuery last_query;
  std::map<uint64_t, std::pair<std::string, Subscriber>> subscribers;
  uint64_t next_subscriber = 1;
};

}  // namespace issa::api::testing
