// JSON renderings of core values shared by the API and the command line.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/node/node.h"

namespace issa::node {
namespace {

using json = nlohmann::json;

json OptTime(const std::optional<core::Timestamp>& t) {
  return t ? json(core::FormatTimestamp(*t)) : json(nullptr);
}

json RequestObject(const core::AccessRequest& r, std::string_view viewer) {
  json o = {{"id", r.id},
            {"hit_id", r.hit_id},
            {"owner", r.owner},
            {"requester", r.requester},
            {"requested_by", r.requested_by},
            {"justification", r.justification},
            {"status", core::ToString(r.status)},
            {"decided_by", r.decided_by.empty() ? json(nullptr) : json(r.decided_by)},
            {"reason", r.reason},
            {"created_at", core::FormatTimestamp(r.created_at)},
            {"decided_at", OptTime(r.decided_at)}};
  // The requester learns the record id only once access is granted.
  const bool show_record = viewer == r.owner || r.status == core::AccessRequestStatus::kGranted;
  o["record_id"] = show_record ? json(r.record_id) : json(nullptr);
  o["direction"] = viewer == r.owner ? "incoming" : "outgoing";
  return o;
}

}  // namespace

std::string AuthorityJson(const core::Authority& a) {
  json kinds = json::array();
  for (const auto k : a.kinds) kinds.push_back(core::ToString(k));
  return json{{"id", a.id},
              {"country", a.country},
              {"kinds", kinds},
              {"name", a.name},
              {"created_at", core::FormatTimestamp(a.created_at)}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string GroupJson(const core::SharingGroup& g) {
  return json{{"id", g.id},
              {"name", g.name},
              {"kind", core::ToString(g.kind)},
              {"members", g.members},
              {"owner", g.owner},
              {"valid_from", core::FormatTimestamp(g.valid_from)},
              {"valid_to", OptTime(g.valid_to)},
              {"created_by", g.created_by},
              {"created_at", core::FormatTimestamp(g.created_at)}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string AccessRequestJson(const core::AccessRequest& r, std::string_view viewer_authority) {
  return RequestObject(r, viewer_authority)
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string HitJson(const HitView& h) {
  std::string features;
  for (const auto& f : h.hit.features) features += (features.empty() ? "" : ", ") + f;
  json o = {
      {"id", h.hit.id},
      {"created_at", core::FormatTimestamp(h.hit.created_at)},
      {"your_record", h.your_record},
      {"your_type", h.your_type},
      {"other_authority", h.other_authority},
      {"other_type", h.other_type},
      {"other_record", h.other_record ? json(*h.other_record) : json(nullptr)},
      {"score", h.hit.score},
      {"features", h.hit.features},
      {"message", h.other_record
                      ? fmt::format("{} holds a matching {} that is shared with you (score {:.2f}; "
                                    "matched {})",
                                    h.other_authority, h.other_type, h.hit.score, features)
                      : fmt::format("{} holds a matching record of type {} (score {:.2f}; matched "
                                    "{}); request access",
                                    h.other_authority, h.other_type, h.hit.score, features)}};
  o["access_request"] = h.request ? RequestObject(*h.request, h.request->requester) : json(nullptr);
  return o.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string AuditEntryJson(const audit::Entry& e) {
  return json{{"seq", e.seq},
              {"at", core::FormatTimestamp(e.event.at)},
              {"user", e.event.user},
              {"authority", e.event.authority},
              {"action", e.event.action},
              {"target", e.event.target},
              {"target_owner", e.event.target_owner},
              {"outcome", e.event.outcome},
              {"detail", e.event.detail},
              {"prev_hash", e.prev_hash},
              {"hash", e.hash}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace issa::node
