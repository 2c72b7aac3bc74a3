// Node: opening, authentication, administration, audit and the notification stream.
#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/core/ids.h"

#include "node_impl.h"

namespace issa::node {
namespace {

constexpr core::Timestamp kTokenCacheMs = 10'000;
constexpr core::Timestamp kViewerRefreshMs = 10'000;
constexpr size_t kTokenCacheMax = 10'000;

matching::MatchConfig MatchConfigFrom(const MatchSettings& s) {
  matching::MatchConfig c;
  c.threshold = s.threshold;
  return c;
}

}  // namespace

Result<std::unique_ptr<Node>> Node::Open(NodeOptions options) {
  if (options.store == nullptr) return InvalidArgument("NodeOptions.store is required");
  if (options.node_id.empty()) return InvalidArgument("NodeOptions.node_id is required");
  if (options.clock == nullptr) options.clock = &core::SystemClock();
  if (options.match.threshold <= 0 || options.match.threshold > 1) {
    return InvalidArgument("match threshold must be in (0, 1]", "match.threshold");
  }
  std::shared_ptr<const schema::Registry> registry;
  if (options.schema_dir.empty()) {
    ISSA_ASSIGN_OR_RETURN(registry, schema::Registry::LoadBuiltin());
  } else {
    ISSA_ASSIGN_OR_RETURN(registry, schema::Registry::LoadDir(options.schema_dir));
  }
  auto node = std::make_unique<NodeImpl>(std::move(options), std::move(registry));
  ISSA_RETURN_IF_ERROR(node->ReindexKeys());
  ISSA_RETURN_IF_ERROR(node->LoadMatchIndex());
  return std::unique_ptr<Node>(std::move(node));
}

NodeImpl::NodeImpl(NodeOptions options, std::shared_ptr<const schema::Registry> registry)
    : options_(std::move(options)),
      clock_(options_.clock),
      store_(options_.store),
      registry_(std::move(registry)),
      matcher_(MatchConfigFrom(options_.match)) {}

NodeImpl::~NodeImpl() = default;

// A type whose schema names a key ("x-key") had its records written without one (before the
// store had keys, or before the schema named it; the id was then in the search text, StixObject's
// stix_id): their key and search text are derived again from the properties, in place (no new
// version, nothing the record says changes), 1,000 per transaction while the scan goes on (a
// record changed since the scan's snapshot is left as its writer derived it). Done once per type
// and key property: the meta entry "record-keys.<type>" holds the property the keys were derived
// from, written with the last batch (a crash before it derives again).
Status NodeImpl::ReindexKeys() {
  constexpr size_t kPerTransaction = 1000;
  struct Derived {
    std::string id;
    int64_t version = 0;
    std::string search_text, key;
  };
  const access::Viewer system{access::Principal::System(), Now(), {}};
  const auto write = [&](const std::vector<Derived>& batch,
                         const std::optional<std::pair<std::string, std::string>>& meta) {
    return store_->Write([&](storage::WriteTxn& t) -> Status {
      for (const Derived& d : batch) {
        auto current = t.GetRecord(system, d.id);
        if (!current.ok() || current->version != d.version) continue;  // deleted or rewritten
        ISSA_RETURN_IF_ERROR(t.ReindexRecord(d.id, d.search_text, d.key));
      }
      return meta ? t.SetMeta(meta->first, meta->second) : Status::Ok();
    });
  };
  for (const std::string& type : registry_->Types()) {
    const std::string property = registry_->KeyProperty(type);
    if (property.empty()) continue;
    const std::string marker = "record-keys." + type;
    ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
    ISSA_ASSIGN_OR_RETURN(const std::optional<std::string> done, txn->GetMeta(marker));
    if (done && *done == property) continue;
    std::vector<Derived> batch;
    Status written;
    const std::string types[] = {type};
    ISSA_RETURN_IF_ERROR(txn->ScanRecords(system, types, [&](const core::Record& r) {
      // A record the schema no longer accepts keeps its search text; a depersonalised one has
      // none.
      std::string search_text = r.search_text;
      std::string key;
      if (auto valid = registry_->ValidateProperties(r.type, r.properties_json); valid.ok()) {
        if (!r.depersonalised) search_text = std::move(valid->search_text);
        key = std::move(valid->key);
      } else {
        key = registry_->KeyOf(
            r.type, nlohmann::json::parse(r.properties_json, nullptr, /*allow_exceptions=*/false));
      }
      if (search_text == r.search_text && key == r.key) return true;
      batch.push_back({r.id, r.version, std::move(search_text), std::move(key)});
      if (batch.size() < kPerTransaction) return true;
      written = write(batch, std::nullopt);
      batch.clear();
      return written.ok();
    }));
    ISSA_RETURN_IF_ERROR(written);
    txn.reset();
    ISSA_RETURN_IF_ERROR(write(batch, std::make_pair(marker, property)));
  }
  return Status::Ok();
}

Status NodeImpl::LoadMatchIndex() {
  ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
  const access::Viewer system{access::Principal::System(), Now(), {}};
  std::vector<std::string> types;
  for (const auto& t : registry_->Types()) {
    if (matching::IsMatchable(t)) types.push_back(t);
  }
  if (types.empty()) return Status::Ok();
  Status status;
  ISSA_RETURN_IF_ERROR(txn->ScanRecords(system, types, [&](const core::Record& r) {
    status = matcher_.Upsert(r);
    return status.ok();
  }));
  return status;
}

audit::Event NodeImpl::MakeEvent(const Context& ctx, std::string_view action,
                                 std::string_view target, std::string_view outcome,
                                 std::string_view detail, std::string_view target_owner) const {
  audit::Event e;
  e.at = Now();
  e.user = ctx.principal.user_id.empty() ? "anonymous" : ctx.principal.user_id;
  e.authority = ctx.principal.authority;
  e.action = std::string(action);
  e.target = std::string(target);
  e.outcome = std::string(outcome);
  e.detail = std::string(detail.substr(0, 2000));
  e.target_owner = std::string(target_owner);
  return e;
}

Status NodeImpl::AuditWrite(const Context& ctx, std::string_view action, std::string_view target,
                            std::string_view outcome, std::string_view detail,
                            std::string_view target_owner) {
  audit::Event e = MakeEvent(ctx, action, target, outcome, detail, target_owner);
  const Status s = store_->Write([&](storage::WriteTxn& t) { return t.AppendAudit(e).status(); });
  if (!s.ok()) return Unavailable("the access could not be recorded in the audit log");
  return s;
}

void NodeImpl::AuditWriteAsync(const Context& ctx, std::string_view action, std::string_view target,
                               std::string_view outcome, std::string_view detail,
                               std::string_view target_owner, std::function<void(Status)> done) {
  store_->WriteAsync(
      [e = MakeEvent(ctx, action, target, outcome, detail, target_owner)](storage::WriteTxn& t) {
        return t.AppendAudit(e).status();
      },
      [done = std::move(done)](Status s) {
        done(s.ok() ? std::move(s)
                    : Unavailable("the access could not be recorded in the audit log"));
      });
}

void NodeImpl::Audit(const Context& ctx, std::string_view action, std::string_view target,
                     std::string_view outcome, std::string_view detail) {
  if (outcome == "denied") ++denied_;
  if (outcome == "invalid") ++invalid_;
  (void)AuditWrite(ctx, action, target, outcome, detail);
}

Status NodeImpl::Deny(const Context& ctx, access::Action action, std::string_view target) {
  ++denied_;
  (void)AuditWrite(ctx, "access.denied", target, "denied",
                   fmt::format("role {} may not {}", core::ToString(ctx.principal.role),
                               access::ToString(action)));
  return PermissionDenied(fmt::format(
      "your role ({}) may not {}", core::ToString(ctx.principal.role), access::ToString(action)));
}

Status NodeImpl::Invalid(const Context& ctx, std::string_view action, const Status& status) {
  ++invalid_;
  (void)AuditWrite(
      ctx, action, "", "invalid",
      status.field().empty() ? status.message() : status.field() + ": " + status.message());
  return status;
}

Status NodeImpl::RequireRole(const Context& ctx, access::Action action, std::string_view target) {
  // The public reads only through the public read path (public_release.cc).
  if (ctx.principal.IsPublic()) return Deny(ctx, action, target);
  if (ctx.principal.IsSystem() || access::RoleAllows(ctx.principal.role, action)) {
    return Status::Ok();
  }
  return Deny(ctx, action, target);
}

// ---- Authentication -----------------------------------------------------------------------------

std::optional<access::Principal> NodeImpl::CachedPrincipal(std::string_view token) {
  if (token.empty() || token.size() > 200) return std::nullopt;
  const std::string hash = HashToken(token);
  const core::Timestamp now = Now();
  std::lock_guard lock(token_cache_mu_);
  const auto it = token_cache_.find(hash);
  if (it == token_cache_.end() || it->second.until <= now) return std::nullopt;
  return it->second.principal;
}

Result<access::Principal> NodeImpl::Authenticate(std::string_view token, std::string_view remote) {
  const core::Timestamp now = Now();
  const std::string hash = HashToken(token);
  {
    std::lock_guard lock(token_cache_mu_);
    const auto it = token_cache_.find(hash);
    if (it != token_cache_.end() && it->second.until > now) return it->second.principal;
  }
  Context anonymous;
  anonymous.remote = std::string(remote);
  const auto fail = [&](std::string_view why) -> Status {
    (void)AuditWrite(anonymous, "login.failed", "", "denied",
                     fmt::format("{} from {}", why, remote));
    return Unauthenticated("invalid, expired or revoked token");
  };
  if (token.empty() || token.size() > 200) return fail("malformed token");
  ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
  auto stored = txn->GetToken(hash);
  if (!stored.ok()) return fail("unknown token");
  if (stored->revoked) return fail("revoked token");
  if (stored->expires_at && *stored->expires_at <= now) return fail("expired token");
  auto user = txn->GetUser(stored->user_id);
  if (!user.ok()) return fail("token of an unknown user");
  access::Principal p;
  p.user_id = user->id;
  p.authority = user->authority;
  p.role = user->role;
  p.clearance = user->clearance;
  p.purposes = user->purposes;
  bool first_use = false;
  {
    std::lock_guard lock(token_cache_mu_);
    if (token_cache_.size() >= kTokenCacheMax) token_cache_.clear();
    first_use = token_cache_.find(hash) == token_cache_.end();
    token_cache_[hash] = {p, now + kTokenCacheMs};
  }
  if (first_use) {
    Context ctx{p, "", std::string(remote)};
    ISSA_RETURN_IF_ERROR(
        AuditWrite(ctx, "login", p.user_id, "ok", fmt::format("token accepted from {}", remote)));
  }
  return p;
}

// ---- Administration -----------------------------------------------------------------------------

Result<core::Authority> NodeImpl::AddAuthority(const Context& ctx, core::Authority a) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kManageNode, a.id));
  if (!ctx.principal.IsSystem() && ctx.principal.authority != a.id) {
    // An authority's admin manages its own users; adding participants is the node operator's.
    return Deny(ctx, access::Action::kManageNode, a.id);
  }
  if (!core::IsValidAuthorityId(a.id)) {
    return Invalid(
        ctx, "authority.add",
        InvalidArgument("must be upper-case letters, digits and dashes, such as IT-NCC", "id"));
  }
  if (!core::IsValidCountry(a.country)) {
    return Invalid(ctx, "authority.add",
                   InvalidArgument("must be an ISO 3166-1 alpha-2 code or EU", "country"));
  }
  if (a.kinds.empty()) {
    return Invalid(ctx, "authority.add", InvalidArgument("needs at least one kind", "kinds"));
  }
  if (a.name.empty()) a.name = a.id;
  a.created_at = Now();
  ISSA_RETURN_IF_ERROR(store_->Write([&](storage::WriteTxn& t) -> Status {
    if (t.GetAuthority(a.id).ok()) {
      return AlreadyExists(fmt::format("authority {} already exists", a.id));
    }
    ISSA_RETURN_IF_ERROR(t.PutAuthority(a));
    return t.AppendAudit(MakeEvent(ctx, "authority.add", a.id, "ok", a.country, a.id)).status();
  }));
  return a;
}

Result<std::vector<core::Authority>> NodeImpl::ListAuthorities(const Context& ctx) {
  if (ctx.principal.authority.empty() && !ctx.principal.IsSystem()) {
    return Unauthenticated("sign in first");
  }
  ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
  return txn->ListAuthorities();
}

Result<Node::NewToken> NodeImpl::CreateToken(const Context& ctx, std::string_view authority,
                                             core::Role role, core::Classification clearance,
                                             std::string_view name) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kManageNode, authority));
  if (!ctx.principal.IsSystem()) {
    if (ctx.principal.authority != authority) {
      return Deny(ctx, access::Action::kManageNode, authority);
    }
    if (static_cast<int>(clearance) > static_cast<int>(ctx.principal.clearance)) {
      return Invalid(ctx, "token.create",
                     InvalidArgument("cannot exceed your own clearance", "clearance"));
    }
  }
  NewToken out;
  const core::Timestamp now = Now();
  out.user.id = core::NewUuidV7(now);
  out.user.authority = std::string(authority);
  out.user.role = role;
  out.user.clearance = clearance;
  out.user.name =
      name.empty() ? fmt::format("{} {}", authority, core::ToString(role)) : std::string(name);
  out.user.created_at = now;
  out.token = NewTokenSecret();
  core::Token token;
  token.hash = HashToken(out.token);
  token.user_id = out.user.id;
  token.created_at = now;
  ISSA_RETURN_IF_ERROR(store_->Write([&](storage::WriteTxn& t) -> Status {
    auto a = t.GetAuthority(authority);
    if (!a.ok()) {
      return InvalidArgument(fmt::format("unknown authority {}", authority), "authority");
    }
    out.user.purposes = core::DefaultPurposes(a->kinds);
    ISSA_RETURN_IF_ERROR(t.PutUser(out.user));
    ISSA_RETURN_IF_ERROR(t.PutToken(token));
    return t
        .AppendAudit(MakeEvent(
            ctx, "token.create", out.user.id, "ok",
            fmt::format("role {} clearance {}", core::ToString(role), core::ToString(clearance)),
            authority))
        .status();
  }));
  return out;
}

// ---- Audit --------------------------------------------------------------------------------------

Result<std::vector<audit::Entry>> NodeImpl::ListAudit(const Context& ctx,
                                                      storage::AuditQuery query) {
  const bool all = ctx.principal.IsSystem() ||
                   access::RoleAllows(ctx.principal.role, access::Action::kReadAuditAll);
  if (!all) {
    if (!access::RoleAllows(ctx.principal.role, access::Action::kReadAuditOwn)) {
      return Deny(ctx, access::Action::kReadAuditOwn, "audit");
    }
    query.authority = ctx.principal.authority;
  }
  if (query.limit <= 0 || query.limit > 10'000) {
    return Invalid(ctx, "audit.read", InvalidArgument("must be between 1 and 10000", "limit"));
  }
  std::vector<audit::Entry> out;
  {
    ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
    ISSA_RETURN_IF_ERROR(txn->ScanAudit(query, [&](const audit::Entry& e) {
      out.push_back(e);
      return true;
    }));
  }
  ISSA_RETURN_IF_ERROR(
      AuditWrite(ctx, "audit.read", "", "ok",
                 fmt::format("{} entries{}", out.size(), all ? "" : " of own authority")));
  return out;
}

// ---- Stream -------------------------------------------------------------------------------------

class NodeImpl::SubscriptionImpl final : public Node::Subscription {
 public:
  SubscriptionImpl(NodeImpl& node, uint64_t id) : node_(node), id_(id) {}
  ~SubscriptionImpl() override {
    std::lock_guard lock(node_.subscribers_mu_);
    node_.subscribers_.erase(id_);
  }

 private:
  NodeImpl& node_;
  uint64_t id_;
};

std::unique_ptr<Node::Subscription> NodeImpl::Subscribe(const Context& ctx, Subscriber subscriber) {
  std::lock_guard lock(subscribers_mu_);
  const uint64_t id = next_subscriber_++;
  subscribers_.emplace(id, SubscriberEntry{ctx, std::move(subscriber), {}, 0});
  return std::make_unique<SubscriptionImpl>(*this, id);
}

void NodeImpl::Publish(const Notice& notice,
                       const std::function<bool(SubscriberEntry&)>& may_receive) {
  std::lock_guard lock(subscribers_mu_);
  for (auto& [id, sub] : subscribers_) {
    if (may_receive(sub)) sub.callback(notice);
  }
}

void NodeImpl::PublishRecord(const core::Record& record) {
  const core::Timestamp now = Now();
  std::unique_ptr<storage::ReadTxn> txn;
  Publish({"record", record.id, ""}, [&](SubscriberEntry& sub) {
    if (sub.viewer_at + kViewerRefreshMs <= now || sub.viewer_at > now) {
      // Group validity changes with time: refresh the subscriber's viewer regularly.
      if (!txn) {
        auto t = store_->BeginRead();
        if (!t.ok()) return false;
        txn = std::move(t).value();
      }
      auto v = txn->ResolveViewer(sub.ctx.principal, now);
      if (!v.ok()) return false;
      sub.viewer = std::move(v).value();
      sub.viewer_at = now;
    }
    sub.viewer.now = now;
    if (!access::MaySee(sub.viewer, record)) return false;
    const Notice n{"record", record.id,
                   schema::RecordToJson(record, sub.ctx.principal.authority == record.owner)};
    sub.callback(n);
    return false;  // delivered with its own rendering above
  });
}

void NodeImpl::PublishHit(const core::Hit& hit) {
  std::unique_ptr<storage::ReadTxn> txn;
  Publish({"hit", hit.id, ""}, [&](SubscriberEntry& sub) {
    const std::string& me = sub.ctx.principal.authority;
    const bool told = (hit.owner_a == me && hit.notify_a) || (hit.owner_b == me && hit.notify_b);
    if (!told) return false;
    if (!txn) {
      auto t = store_->BeginRead();
      if (!t.ok()) return false;
      txn = std::move(t).value();
    }
    auto viewer = txn->ResolveViewer(sub.ctx.principal, Now());
    if (!viewer.ok()) return false;
    const auto view = ViewOf(*txn, *viewer, hit, {});
    if (!view) return false;
    sub.callback({"hit", hit.id, HitJson(*view)});
    return false;
  });
}

void NodeImpl::PublishAccessRequest(const core::AccessRequest& r) {
  Publish({"access_request", r.id, ""}, [&](SubscriberEntry& sub) {
    const std::string& me = sub.ctx.principal.authority;
    if (me != r.owner && me != r.requester) return false;
    sub.callback({"access_request", r.id, AccessRequestJson(r, me)});
    return false;
  });
}

NodeStats NodeImpl::Stats() const {
  NodeStats s;
  s.records_written = records_written_.load();
  s.records_read = records_read_.load();
  s.hits = hits_.load();
  s.denied = denied_.load();
  s.invalid = invalid_.load();
  s.match_index_size = matcher_.size();
  {
    std::lock_guard lock(subscribers_mu_);
    s.subscribers = subscribers_.size();
  }
  return s;
}

std::vector<std::string> NodeImpl::RecordTypes() const { return registry_->Types(); }

Result<std::string> NodeImpl::Schema(std::string_view type) const {
  return registry_->SchemaText(type);
}

std::string NodeImpl::RenderRecord(const Context& ctx, const core::Record& record) const {
  return schema::RecordToJson(record, ctx.principal.authority == record.owner);
}

}  // namespace issa::node
