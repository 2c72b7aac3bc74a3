// Masked depersonalisation (schemas with "x-retention": "mask") and re-personalisation under a
// second person's approval. See docs/adr/0008-pnr-masking.md.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include "issa/core/ids.h"

#include "node_impl.h"

namespace issa::node {
namespace {

using nlohmann::json;

constexpr std::string_view kRequestPrefix = "repersonalisation/";
constexpr std::string_view kIndexPrefix = "repersonalisation-index/";
constexpr core::Timestamp kApprovalValidMs = 7 * core::kMsPerDay;

std::string ToHex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

json RequestToJson(const RepersonalisationRequest& r) {
  json o = {
      {"id", r.id},
      {"record", r.record_id},
      {"owner", r.owner},
      {"requester", r.requester},
      {"justification", r.justification},
      {"status", r.status},
      {"approver", r.approver},
      {"reason", r.reason},
      {"requested_at", core::FormatTimestamp(r.requested_at)},
      {"decided_at", r.decided_at ? json(core::FormatTimestamp(r.decided_at)) : json(nullptr)},
      {"uses", r.uses}};
  return o;
}

Result<RepersonalisationRequest> RequestFromJson(std::string_view text) {
  const json o = json::parse(text, nullptr, false);
  if (!o.is_object()) return DataLoss("stored re-personalisation request is unreadable");
  RepersonalisationRequest r;
  r.id = o.value("id", "");
  r.record_id = o.value("record", "");
  r.owner = o.value("owner", "");
  r.requester = o.value("requester", "");
  r.justification = o.value("justification", "");
  r.status = o.value("status", "");
  r.approver = o.value("approver", "");
  r.reason = o.value("reason", "");
  auto at = core::ParseTimestamp(o.value("requested_at", ""));
  if (at.ok()) r.requested_at = *at;
  if (o.contains("decided_at") && o["decided_at"].is_string()) {
    auto d = core::ParseTimestamp(o["decided_at"].get<std::string>());
    if (d.ok()) r.decided_at = *d;
  }
  r.uses = o.value("uses", 0u);
  return r;
}

Result<RepersonalisationRequest> LoadRequest(storage::ReadTxn& txn, std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(auto text, txn.GetMeta(std::string(kRequestPrefix) + std::string(id)));
  if (!text || text->empty()) return NotFound("re-personalisation request not found");
  return RequestFromJson(*text);
}

Status StoreRequest(storage::WriteTxn& t, const RepersonalisationRequest& r, bool is_new) {
  ISSA_RETURN_IF_ERROR(t.SetMeta(std::string(kRequestPrefix) + r.id, RequestToJson(r).dump()));
  if (!is_new) return Status::Ok();
  const std::string index_key = std::string(kIndexPrefix) + r.owner;
  ISSA_ASSIGN_OR_RETURN(auto index_text, t.GetMeta(index_key));
  json index =
      index_text && !index_text->empty() ? json::parse(*index_text, nullptr, false) : json::array();
  if (!index.is_array()) index = json::array();
  index.push_back(r.id);
  return t.SetMeta(index_key, index.dump());
}

bool MayRequest(core::Role role) {
  return role == core::Role::kAnalyst || role == core::Role::kOfficer;
}
bool MayApprove(core::Role role) {
  return role == core::Role::kOfficer || role == core::Role::kAdmin;
}

}  // namespace

std::string MaskedKey(std::string_view record_id) { return "masked/" + std::string(record_id); }

std::string RepersonalisationRequestJson(const RepersonalisationRequest& r) {
  return RequestToJson(r).dump();
}

Result<std::string> NodeImpl::Seal(std::string_view plain) const {
  if (!options_.key) {
    return FailedPrecondition("the node has no secret key: masked data cannot be sealed");
  }
  if (sodium_init() < 0) return Internal("libsodium did not initialise");
  const std::string secret = options_.key->SecretHex();
  unsigned char key[crypto_secretbox_KEYBYTES];
  crypto_generichash(key, sizeof key, reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), reinterpret_cast<const unsigned char*>("issa-mask-v1"), 12);
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                        key);
  sodium_memzero(key, sizeof key);
  return ToHex(reinterpret_cast<const unsigned char*>(out.data()), out.size());
}

Result<std::string> NodeImpl::Unseal(std::string_view sealed) const {
  if (!options_.key) return FailedPrecondition("the node has no secret key");
  std::string bin(sealed.size() / 2, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), sealed.data(),
                     sealed.size(), nullptr, &len, nullptr) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return DataLoss("sealed data are unreadable");
  }
  const std::string secret = options_.key->SecretHex();
  unsigned char key[crypto_secretbox_KEYBYTES];
  crypto_generichash(key, sizeof key, reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), reinterpret_cast<const unsigned char*>("issa-mask-v1"), 12);
  const auto* nonce = reinterpret_cast<const unsigned char*>(bin.data());
  std::string plain(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  const int rc = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                            nonce + crypto_secretbox_NONCEBYTES,
                                            len - crypto_secretbox_NONCEBYTES, nonce, key);
  sodium_memzero(key, sizeof key);
  if (rc != 0) return DataLoss("sealed data do not open with this node's key");
  return plain;
}

void NodeImpl::NotifyDpo(std::string_view id, std::string_view json_text) {
  Publish({"alert", std::string(id), ""}, [&](SubscriberEntry& sub) {
    if (sub.ctx.principal.role != core::Role::kDpo) return false;
    sub.callback({"alert", std::string(id), std::string(json_text)});
    return false;
  });
}

Result<RepersonalisationRequest> NodeImpl::RequestRepersonalisation(
    const Context& ctx, std::string_view record_id, std::string_view justification) {
  if (!MayRequest(ctx.principal.role)) {
    return Deny(ctx, access::Action::kRequestAccess, record_id);
  }
  if (justification.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Invalid(ctx, "repersonalisation.request",
                   InvalidArgument("is required", "justification"));
  }
  const core::Timestamp now = Now();
  RepersonalisationRequest r;
  Status s = store_->Write([&](storage::WriteTxn& t) -> Status {
    const access::Viewer system{access::Principal::System(), now, {}};
    auto rec = t.GetRecord(system, record_id);
    // Only the owner's users may ask; to anyone else the record does not exist.
    if (!rec.ok() || rec->owner != ctx.principal.authority) {
      return NotFound("record not found");
    }
    ISSA_ASSIGN_OR_RETURN(auto sealed, t.GetMeta(MaskedKey(record_id)));
    if (!sealed || sealed->empty()) {
      return FailedPrecondition("the record is not masked: read it as usual");
    }
    r.id = core::NewUuidV7(now);
    r.record_id = std::string(record_id);
    r.owner = rec->owner;
    r.requester = ctx.principal.user_id;
    r.justification = std::string(justification.substr(0, 2000));
    r.requested_at = now;
    ISSA_RETURN_IF_ERROR(StoreRequest(t, r, true));
    return t
        .AppendAudit(MakeEvent(ctx, "repersonalisation.request", r.record_id, "ok",
                               fmt::format("request {}: {}", r.id, r.justification), r.owner))
        .status();
  });
  if (!s.ok()) {
    if (s.code() == StatusCode::kNotFound || s.code() == StatusCode::kFailedPrecondition) {
      (void)AuditWrite(ctx, "repersonalisation.request", record_id,
                       s.code() == StatusCode::kNotFound ? "not_found" : "refused", s.message());
    }
    return s;
  }
  NotifyDpo(r.id, RepersonalisationRequestJson(r));
  return r;
}

Result<RepersonalisationRequest> NodeImpl::DecideRepersonalisation(const Context& ctx,
                                                                   std::string_view request_id,
                                                                   bool approve,
                                                                   std::string_view reason) {
  if (!MayApprove(ctx.principal.role)) {
    return Deny(ctx, access::Action::kDecideAccess, request_id);
  }
  if (reason.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Invalid(ctx, "repersonalisation.decide", InvalidArgument("is required", "reason"));
  }
  const core::Timestamp now = Now();
  RepersonalisationRequest r;
  Status s = store_->Write([&](storage::WriteTxn& t) -> Status {
    ISSA_ASSIGN_OR_RETURN(r, LoadRequest(t, request_id));
    if (r.owner != ctx.principal.authority) return NotFound("re-personalisation request not found");
    if (r.requester == ctx.principal.user_id) {
      return PermissionDenied("a second person must decide: you made this request");
    }
    if (r.status != "pending") {
      return FailedPrecondition(fmt::format("the request is already {}", r.status));
    }
    r.status = approve ? "approved" : "refused";
    r.approver = ctx.principal.user_id;
    r.reason = std::string(reason.substr(0, 2000));
    r.decided_at = now;
    ISSA_RETURN_IF_ERROR(StoreRequest(t, r, false));
    return t
        .AppendAudit(MakeEvent(ctx, "repersonalisation.decide", r.record_id, r.status,
                               fmt::format("request {}: {}", r.id, r.reason), r.owner))
        .status();
  });
  if (!s.ok()) {
    if (s.code() == StatusCode::kPermissionDenied || s.code() == StatusCode::kNotFound ||
        s.code() == StatusCode::kFailedPrecondition) {
      (void)AuditWrite(ctx, "repersonalisation.decide", request_id,
                       s.code() == StatusCode::kPermissionDenied ? "denied" : "refused",
                       s.message());
    }
    return s;
  }
  NotifyDpo(r.id, RepersonalisationRequestJson(r));
  return r;
}

Result<std::vector<RepersonalisationRequest>> NodeImpl::ListRepersonalisationRequests(
    const Context& ctx) {
  const bool dpo = ctx.principal.role == core::Role::kDpo;
  if (!dpo && !MayRequest(ctx.principal.role) && !MayApprove(ctx.principal.role)) {
    return Deny(ctx, access::Action::kRequestAccess, "repersonalisation");
  }
  std::vector<RepersonalisationRequest> out;
  {
    ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
    std::vector<std::string> owners;
    if (dpo) {
      ISSA_ASSIGN_OR_RETURN(const auto authorities, txn->ListAuthorities());
      for (const auto& a : authorities) owners.push_back(a.id);
    } else {
      owners.push_back(ctx.principal.authority);
    }
    for (const auto& owner : owners) {
      ISSA_ASSIGN_OR_RETURN(auto index_text, txn->GetMeta(std::string(kIndexPrefix) + owner));
      if (!index_text || index_text->empty()) continue;
      const json index = json::parse(*index_text, nullptr, false);
      if (!index.is_array()) continue;
      for (const auto& id : index) {
        if (!id.is_string()) continue;
        auto r = LoadRequest(*txn, id.get<std::string>());
        if (r.ok()) out.push_back(std::move(r).value());
      }
    }
  }
  ISSA_RETURN_IF_ERROR(
      AuditWrite(ctx, "repersonalisation.list", "", "ok", fmt::format("{} requests", out.size())));
  return out;
}

Result<core::Record> NodeImpl::Repersonalise(const Context& ctx, std::string_view request_id) {
  const core::Timestamp now = Now();
  core::Record record;
  RepersonalisationRequest r;
  Status s = store_->Write([&](storage::WriteTxn& t) -> Status {
    ISSA_ASSIGN_OR_RETURN(r, LoadRequest(t, request_id));
    if (r.owner != ctx.principal.authority || r.requester != ctx.principal.user_id) {
      return NotFound("re-personalisation request not found");
    }
    if (r.status != "approved") {
      return FailedPrecondition(fmt::format("the request is {}, not approved", r.status));
    }
    if (now > r.decided_at + kApprovalValidMs) {
      return FailedPrecondition("the approval has lapsed (valid 7 days): request again");
    }
    const access::Viewer system{access::Principal::System(), now, {}};
    ISSA_ASSIGN_OR_RETURN(record, t.GetRecord(system, r.record_id));
    ISSA_ASSIGN_OR_RETURN(auto sealed, t.GetMeta(MaskedKey(r.record_id)));
    if (!sealed || sealed->empty()) return NotFound("the masked data are gone (deleted)");
    ISSA_ASSIGN_OR_RETURN(const std::string plain, Unseal(*sealed));
    const json masked = json::parse(plain, nullptr, false);
    json props = json::parse(record.properties_json, nullptr, false);
    if (!masked.is_object() || !props.is_object()) return DataLoss("masked data are unreadable");
    const auto masked_props = masked.find("properties");
    if (masked_props != masked.end() && masked_props->is_object()) {
      for (auto it = masked_props->begin(); it != masked_props->end(); ++it) props[it.key()] = *it;
    }
    record.properties_json = props.dump();
    const auto masked_links = masked.find("links");
    if (masked_links != masked.end() && masked_links->is_array()) {
      for (const auto& l : *masked_links) {
        if (l.is_object()) record.links.push_back({l.value("rel", ""), l.value("target", "")});
      }
    }
    ++r.uses;
    ISSA_RETURN_IF_ERROR(StoreRequest(t, r, false));
    ISSA_RETURN_IF_ERROR(t.AppendAudit(MakeEvent(ctx, "record.repersonalise", r.record_id, "ok",
                                                 fmt::format("request {} approved by {}: {}", r.id,
                                                             r.approver, r.justification),
                                                 r.owner))
                             .status());
    return t
        .AppendAudit(MakeEvent(ctx, "dpo.notify", r.record_id, "ok",
                               fmt::format("re-personalised under request {}", r.id), r.owner))
        .status();
  });
  if (!s.ok()) {
    (void)AuditWrite(ctx, "record.repersonalise", request_id,
                     s.code() == StatusCode::kNotFound ? "not_found" : "refused", s.message());
    return s;
  }
  json notice = RequestToJson(r);
  notice["event"] = "record.repersonalise";
  NotifyDpo(r.id, notice.dump());
  return record;
}

}  // namespace issa::node
