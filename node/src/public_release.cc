// The node's public read path (EISAS advisories, issue 6 item 9): records released to the public
// by their owner, read with a public viewer that sees PUBLIC + all records and nothing else.
// The release flag is node metadata "public_release/<id>" holding the released version, written
// in the transaction that audits the release; a later version is not public until released, and
// until then the public keeps reading the released one (a revised advisory stays online in its
// released version while its revision is a draft). Nothing is public while the current version
// is not TLP:CLEAR: reclassifying a record hides its released versions too.
#include <fmt/format.h>

#include "node_impl.h"

namespace issa::node {
namespace {

constexpr std::string_view kReleaseKeyPrefix = "public_release/";
constexpr std::string_view kDerivedFrom = "derived_from";

std::string ReleaseKey(std::string_view id) {
  return std::string(kReleaseKeyPrefix) + std::string(id);
}

// TLP:CLEAR as the node handles it: PUBLIC, to every participant.
bool IsClear(const core::Handling& h) {
  return h.classification == core::Classification::kPublic &&
         h.distribution == core::Distribution::kAll;
}

// What the public is given of a released record: no user ids, grants or named authorities.
core::Record ForThePublic(core::Record r) {
  r.created_by.clear();
  r.grants.clear();
  r.handling.authorities.clear();
  r.handling.group.clear();
  return r;
}

// The released version of `current` (a current version the public viewer sees), or nullopt when
// none is released. An earlier released version is read from the record's history.
Result<std::optional<core::Record>> ReleasedVersion(storage::ReadTxn& txn,
                                                    const access::Viewer& viewer,
                                                    core::Record current) {
  ISSA_ASSIGN_OR_RETURN(const auto released, txn.GetMeta(ReleaseKey(current.id)));
  if (!released || released->empty()) return std::optional<core::Record>();
  if (*released == std::to_string(current.version)) {
    return std::optional<core::Record>(std::move(current));
  }
  ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> history, txn.GetHistory(viewer, current.id));
  for (core::Record& version : history) {
    if (std::to_string(version.version) == *released) {
      return std::optional<core::Record>(std::move(version));
    }
  }
  return std::optional<core::Record>();
}

}  // namespace

Status NodeImpl::ReleaseToPublic(const Context& ctx, std::string_view id) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kReleasePublic, id));
  // A refusal rolls the transaction back; its audit entry is written afterwards.
  Status refusal;
  std::string outcome;
  std::string owner;
  const Status written = store_->Write([&](storage::WriteTxn& txn) -> Status {
    ISSA_ASSIGN_OR_RETURN(const access::Viewer viewer, txn.ResolveViewer(ctx.principal, Now()));
    auto record = txn.GetRecord(viewer, id);
    if (!record.ok()) {
      if (record.status().code() == StatusCode::kNotFound) {
        refusal = NotFound("record not found");
        outcome = "not_found";
      }
      return record.status();
    }
    owner = record->owner;
    if (record->owner != ctx.principal.authority) {
      refusal = PermissionDenied("only the owner authority can release a record to the public");
      outcome = "denied";
      return refusal;
    }
    if (!IsClear(record->handling)) {
      refusal = FailedPrecondition(
          fmt::format("record {} is not TLP:CLEAR (classification PUBLIC, distribution all)", id));
      outcome = "refused";
      return refusal;
    }
    for (const auto& link : record->links) {
      if (link.rel != kDerivedFrom) continue;
      auto source = txn.GetRecord(viewer, link.target);
      if (!source.ok() && source.status().code() != StatusCode::kNotFound) return source.status();
      if (!source.ok() || !IsClear(source->handling)) {
        refusal = FailedPrecondition(fmt::format(
            "record {} is derived from record {}, which is not TLP:CLEAR (or not visible to you)",
            id, link.target));
        outcome = "refused";
        return refusal;
      }
    }
    ISSA_RETURN_IF_ERROR(txn.SetMeta(ReleaseKey(id), std::to_string(record->version)));
    return txn
        .AppendAudit(MakeEvent(ctx, "record.release", id, "ok",
                               fmt::format("version {}", record->version), record->owner))
        .status();
  });
  if (written.ok() || refusal.ok()) return written;
  if (outcome == "denied") ++denied_;
  ISSA_RETURN_IF_ERROR(AuditWrite(ctx, "record.release", id, outcome, refusal.message(), owner));
  return refusal;
}

Status NodeImpl::WithdrawFromPublic(const Context& ctx, std::string_view id) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kReleasePublic, id));
  Status refusal;
  std::string owner;
  const Status written = store_->Write([&](storage::WriteTxn& txn) -> Status {
    ISSA_ASSIGN_OR_RETURN(const access::Viewer viewer, txn.ResolveViewer(ctx.principal, Now()));
    auto record = txn.GetRecord(viewer, id);
    if (!record.ok()) {
      if (record.status().code() == StatusCode::kNotFound) refusal = NotFound("record not found");
      return record.status();
    }
    owner = record->owner;
    if (record->owner != ctx.principal.authority) {
      refusal = PermissionDenied("only the owner authority can withdraw a public release");
      return refusal;
    }
    ISSA_RETURN_IF_ERROR(txn.SetMeta(ReleaseKey(id), ""));
    return txn.AppendAudit(MakeEvent(ctx, "record.withdraw", id, "ok", "", record->owner)).status();
  });
  if (written.ok() || refusal.ok()) return written;
  ISSA_RETURN_IF_ERROR(AuditWrite(ctx, "record.withdraw", id,
                                  refusal.code() == StatusCode::kNotFound ? "not_found" : "denied",
                                  refusal.message(), owner));
  return refusal;
}

Result<core::Record> NodeImpl::GetPublicRecord(std::string_view type, std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
  ISSA_ASSIGN_OR_RETURN(const access::Viewer viewer,
                        txn->ResolveViewer(access::Principal::Public(), Now()));
  auto record = txn->GetRecord(viewer, id);
  if (!record.ok()) {
    if (record.status().code() == StatusCode::kNotFound) return NotFound("not found");
    return record.status();
  }
  if (record->type != type) return NotFound("not found");
  ISSA_ASSIGN_OR_RETURN(std::optional<core::Record> released,
                        ReleasedVersion(*txn, viewer, std::move(record).value()));
  if (!released) return NotFound("not found");
  ++records_read_;
  return ForThePublic(std::move(*released));
}

Result<storage::RecordPage> NodeImpl::ListPublicRecords(std::string_view type,
                                                        std::string_view after_id, int limit) {
  if (limit < 1 || limit > 1000) return InvalidArgument("must be between 1 and 1000", "limit");
  if (!registry_->Has(type)) return InvalidArgument("unknown record type", "type");
  ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
  ISSA_ASSIGN_OR_RETURN(const access::Viewer viewer,
                        txn->ResolveViewer(access::Principal::Public(), Now()));
  storage::RecordQuery query;
  query.type = std::string(type);
  query.after_id = std::string(after_id);
  query.limit = limit;
  ISSA_ASSIGN_OR_RETURN(storage::RecordPage page, txn->QueryRecords(viewer, query));
  storage::RecordPage out;
  out.next_cursor = page.next_cursor;
  for (auto& r : page.records) {
    ISSA_ASSIGN_OR_RETURN(std::optional<core::Record> released,
                          ReleasedVersion(*txn, viewer, std::move(r)));
    if (released) out.records.push_back(ForThePublic(std::move(*released)));
  }
  records_read_ += out.records.size();
  return out;
}

}  // namespace issa::node
