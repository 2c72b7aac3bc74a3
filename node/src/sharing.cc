// Cross-match hits, access requests, sharing groups and Joint Investigation Teams.
#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/core/ids.h"

#include "node_impl.h"

namespace issa::node {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxJustification = 2000;
constexpr int kMaxHits = 1000;

Result<json> ParseBody(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return InvalidArgument(fmt::format("malformed JSON at byte {}", e.byte), "body");
  }
  if (!doc.is_object()) return InvalidArgument("must be a JSON object", "body");
  return doc;
}

}  // namespace

std::optional<HitView> NodeImpl::ViewOf(storage::ReadTxn& txn, const access::Viewer& viewer,
                                        const core::Hit& hit,
                                        const std::vector<core::AccessRequest>& requests) {
  const std::string& me = viewer.principal.authority;
  HitView v;
  v.hit = hit;
  if (hit.owner_a == me && hit.notify_a) {
    v.your_record = hit.record_a;
    v.your_type = hit.type_a;
    v.other_authority = hit.owner_b;
    v.other_type = hit.type;
  } else if (hit.owner_b == me && hit.notify_b) {
    v.your_record = hit.record_b;
    v.your_type = hit.type;
    v.other_authority = hit.owner_a;
    v.other_type = hit.type_a;
  } else {
    return std::nullopt;
  }
  // A hit on a record the caller can no longer see (deleted, or clearance) is not shown.
  if (!txn.GetRecord(viewer, v.your_record).ok()) return std::nullopt;
  const std::string other = v.your_record == hit.record_a ? hit.record_b : hit.record_a;
  if (txn.GetRecord(viewer, other).ok()) v.other_record = other;
  for (const auto& r : requests) {
    if (r.hit_id == hit.id && r.requester == me) v.request = r;
  }
  return v;
}

Result<std::vector<HitView>> NodeImpl::ListHits(const Context& ctx) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kReadRecords, "hits"));
  std::vector<HitView> out;
  {
    ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
    ISSA_ASSIGN_OR_RETURN(const access::Viewer viewer, txn->ResolveViewer(ctx.principal, Now()));
    ISSA_ASSIGN_OR_RETURN(const auto hits, txn->ListHits(ctx.principal.authority, kMaxHits));
    ISSA_ASSIGN_OR_RETURN(const auto requests, txn->ListAccessRequests(ctx.principal.authority));
    for (const auto& h : hits) {
      if (auto v = ViewOf(*txn, viewer, h, requests)) out.push_back(std::move(*v));
    }
  }
  ISSA_RETURN_IF_ERROR(AuditWrite(ctx, "hit.list", "", "ok", fmt::format("{} hits", out.size())));
  return out;
}

Result<core::AccessRequest> NodeImpl::RequestAccess(const Context& ctx, std::string_view hit_id,
                                                    std::string_view justification) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kRequestAccess, hit_id));
  if (justification.size() < 10 || justification.size() > kMaxJustification) {
    return Invalid(
        ctx, "access.request",
        InvalidArgument("explain the need to know in 10 to 2000 characters", "justification"));
  }
  const core::Timestamp now = Now();
  core::AccessRequest req;
  const Status s = store_->Write([&](storage::WriteTxn& t) -> Status {
    ISSA_ASSIGN_OR_RETURN(const access::Viewer viewer, t.ResolveViewer(ctx.principal, now));
    auto hit = t.GetHit(hit_id);
    if (!hit.ok()) return NotFound("hit not found");
    ISSA_ASSIGN_OR_RETURN(const auto requests, t.ListAccessRequests(ctx.principal.authority));
    const auto view = ViewOf(t, viewer, *hit, requests);
    if (!view) return NotFound("hit not found");
    if (view->other_record) {
      return FailedPrecondition("you can already see the other record of this hit");
    }
    if (view->request && view->request->status == core::AccessRequestStatus::kPending) {
      return AlreadyExists("an access request on this hit is already pending");
    }
    req.id = core::NewUuidV7(now);
    req.hit_id = hit->id;
    req.record_id = view->your_record == hit->record_a ? hit->record_b : hit->record_a;
    req.owner = view->other_authority;
    req.requester = ctx.principal.authority;
    req.requested_by = ctx.principal.user_id;
    req.justification = std::string(justification);
    req.created_at = now;
    ISSA_RETURN_IF_ERROR(t.PutAccessRequest(req));
    return t
        .AppendAudit(MakeEvent(
            ctx, "access.request", req.id, "ok",
            fmt::format("hit {} -> {}: {}", req.hit_id, req.owner, req.justification), req.owner))
        .status();
  });
  if (!s.ok()) {
    if (s.code() == StatusCode::kNotFound) {
      ISSA_RETURN_IF_ERROR(AuditWrite(ctx, "access.request", hit_id, "not_found", ""));
    }
    return s;
  }
  PublishAccessRequest(req);
  return req;
}

Result<core::AccessRequest> NodeImpl::DecideAccess(const Context& ctx, std::string_view request_id,
                                                   bool grant, std::string_view reason) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kDecideAccess, request_id));
  if (reason.size() > kMaxJustification || (!grant && reason.empty())) {
    return Invalid(ctx, grant ? "access.grant" : "access.refuse",
                   InvalidArgument(grant ? "at most 2000 characters"
                                         : "a refusal needs a reason (at most 2000 characters)",
                                   "reason"));
  }
  const core::Timestamp now = Now();
  core::AccessRequest req;
  const Status s = store_->Write([&](storage::WriteTxn& t) -> Status {
    auto r = t.GetAccessRequest(request_id);
    if (!r.ok() || r->owner != ctx.principal.authority) {
      return NotFound("access request not found");
    }
    req = std::move(r).value();
    if (req.status != core::AccessRequestStatus::kPending) {
      return FailedPrecondition(
          fmt::format("the request was already {}", core::ToString(req.status)));
    }
    req.status = grant ? core::AccessRequestStatus::kGranted : core::AccessRequestStatus::kRefused;
    req.decided_by = ctx.principal.user_id;
    req.reason = std::string(reason);
    req.decided_at = now;
    if (grant) {
      const access::Viewer system{access::Principal::System(), now, {}};
      ISSA_ASSIGN_OR_RETURN(const core::Record record, t.GetRecord(system, req.record_id));
      std::vector<std::string> grants = record.grants;
      if (std::find(grants.begin(), grants.end(), req.requester) == grants.end()) {
        grants.push_back(req.requester);
        std::sort(grants.begin(), grants.end());
      }
      ISSA_RETURN_IF_ERROR(t.SetGrants(req.record_id, grants));
    }
    ISSA_RETURN_IF_ERROR(t.PutAccessRequest(req));
    return t
        .AppendAudit(
            MakeEvent(ctx, grant ? "access.grant" : "access.refuse", req.id, "ok",
                      fmt::format("record {} to {}: {}", req.record_id, req.requester, req.reason),
                      req.requester))
        .status();
  });
  if (!s.ok()) {
    if (s.code() == StatusCode::kNotFound) {
      ISSA_RETURN_IF_ERROR(
          AuditWrite(ctx, grant ? "access.grant" : "access.refuse", request_id, "not_found", ""));
    }
    return s;
  }
  PublishAccessRequest(req);
  return req;
}

Result<std::vector<core::AccessRequest>> NodeImpl::ListAccessRequests(const Context& ctx) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kReadRecords, "access-requests"));
  ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
  ISSA_ASSIGN_OR_RETURN(auto out, txn->ListAccessRequests(ctx.principal.authority));
  txn.reset();
  ISSA_RETURN_IF_ERROR(
      AuditWrite(ctx, "access.list", "", "ok", fmt::format("{} requests", out.size())));
  return out;
}

Result<core::SharingGroup> NodeImpl::CreateGroup(const Context& ctx, std::string_view text) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kManageGroups, "groups"));
  const auto invalid = [&](Status s) { return Invalid(ctx, "group.create", s); };
  auto parsed = ParseBody(text);
  if (!parsed.ok()) return invalid(parsed.status());
  const json& doc = *parsed;
  for (const auto& [key, value] : doc.items()) {
    if (key != "name" && key != "kind" && key != "members" && key != "valid_from" &&
        key != "valid_to") {
      return invalid(InvalidArgument("unknown member", key));
    }
  }
  const core::Timestamp now = Now();
  core::SharingGroup g;
  g.id = core::NewUuidV7(now);
  g.created_at = now;
  g.created_by = ctx.principal.user_id;
  g.owner = ctx.principal.authority;
  const auto name = doc.find("name");
  if (name == doc.end() || !name->is_string() || name->get_ref<const std::string&>().empty() ||
      name->get_ref<const std::string&>().size() > 200) {
    return invalid(InvalidArgument("needs a name of 1 to 200 characters", "name"));
  }
  g.name = name->get<std::string>();
  if (const auto kind = doc.find("kind"); kind != doc.end()) {
    auto k = kind->is_string() ? core::ParseGroupKind(kind->get<std::string>())
                               : Result<core::GroupKind>(InvalidArgument("must be a string"));
    if (!k.ok()) return invalid(InvalidArgument(k.status().message(), "kind"));
    g.kind = *k;
  }
  const auto members = doc.find("members");
  if (members == doc.end() || !members->is_array()) {
    return invalid(InvalidArgument("needs an array of authority ids", "members"));
  }
  for (size_t i = 0; i < members->size(); ++i) {
    const json& m = (*members)[i];
    if (!m.is_string() || !core::IsValidAuthorityId(m.get_ref<const std::string&>())) {
      return invalid(InvalidArgument("is not an authority id", fmt::format("members[{}]", i)));
    }
    g.members.push_back(m.get<std::string>());
  }
  if (std::find(g.members.begin(), g.members.end(), g.owner) == g.members.end()) {
    g.members.push_back(g.owner);
  }
  std::sort(g.members.begin(), g.members.end());
  g.members.erase(std::unique(g.members.begin(), g.members.end()), g.members.end());
  const auto time_of = [&](const char* key,
                           bool required) -> Result<std::optional<core::Timestamp>> {
    const auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) {
      if (required) return InvalidArgument("is required", key);
      return std::optional<core::Timestamp>();
    }
    if (!it->is_string()) return InvalidArgument("must be an RFC 3339 date-time", key);
    auto t = core::ParseTimestamp(it->get<std::string>());
    if (!t.ok()) return InvalidArgument(t.status().message(), key);
    return std::optional<core::Timestamp>(*t);
  };
  const bool jit = g.kind == core::GroupKind::kJointInvestigationTeam;
  auto from = time_of("valid_from", false);
  if (!from.ok()) return invalid(from.status());
  g.valid_from = from->value_or(now);
  auto to = time_of("valid_to", jit);
  if (!to.ok()) return invalid(to.status());
  g.valid_to = *to;
  if (g.valid_to && *g.valid_to <= g.valid_from) {
    return invalid(InvalidArgument("must be after valid_from", "valid_to"));
  }
  if (jit && g.members.size() < 2) {
    return invalid(
        InvalidArgument("a Joint Investigation Team needs two or more authorities", "members"));
  }
  const Status s = store_->Write([&](storage::WriteTxn& t) -> Status {
    for (size_t i = 0; i < g.members.size(); ++i) {
      if (!t.GetAuthority(g.members[i]).ok()) {
        return InvalidArgument(fmt::format("unknown authority {}", g.members[i]), "members");
      }
    }
    ISSA_RETURN_IF_ERROR(t.PutGroup(g));
    return t
        .AppendAudit(MakeEvent(ctx, "group.create", g.id, "ok",
                               fmt::format("{} '{}' members {} until {}", core::ToString(g.kind),
                                           g.name, fmt::join(g.members, ","),
                                           g.valid_to ? core::FormatTimestamp(*g.valid_to) : "-"),
                               g.owner))
        .status();
  });
  if (!s.ok()) {
    if (s.code() == StatusCode::kInvalidArgument) return invalid(s);
    return s;
  }
  return g;
}

Result<std::vector<core::SharingGroup>> NodeImpl::ListGroups(const Context& ctx) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kReadRecords, "groups"));
  ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
  return txn->ListGroups(ctx.principal.authority);
}

Result<core::SharingGroup> NodeImpl::GetGroup(const Context& ctx, std::string_view id) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kReadRecords, id));
  ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
  auto g = txn->GetGroup(id);
  const std::string& me = ctx.principal.authority;
  if (!g.ok() ||
      (g->owner != me && std::find(g->members.begin(), g->members.end(), me) == g->members.end())) {
    return NotFound("sharing group not found");
  }
  return g;
}

}  // namespace issa::node
