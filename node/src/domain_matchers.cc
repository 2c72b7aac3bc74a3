// Domain matchers (Node::AddMatcher): a domain's own matcher for record types the built-in
// cross-matching does not cover; its matches become hits like the built-in matcher's candidates.
// And the batch read (Node::GetRecords) that such domains use to decide what a caller may see.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "node_impl.h"

namespace issa::node {

namespace {
constexpr size_t kMaxBatchRead = 1000;
}  // namespace

Status NodeImpl::AddMatcher(const Context& ctx, std::vector<std::string> record_types,
                            std::shared_ptr<RecordMatcher> matcher) {
  if (!ctx.principal.IsSystem()) return Deny(ctx, access::Action::kManageNode, "matchers");
  if (matcher == nullptr || record_types.empty()) {
    return InvalidArgument("a matcher and at least one record type", "record_types");
  }
  // Load it with the current version of every record of its types (the system reads them all,
  // once, before the node serves); audited as one entry.
  uint64_t loaded = 0;
  {
    ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
    const access::Viewer system{access::Principal::System(), Now(), {}};
    Status status;
    ISSA_RETURN_IF_ERROR(txn->ScanRecords(system, record_types, [&](const core::Record& r) {
      Result<std::vector<DomainMatch>> m = matcher->Upsert(r, 0);
      status = m.status();
      ++loaded;
      return status.ok();
    }));
    ISSA_RETURN_IF_ERROR(status);
  }
  ISSA_RETURN_IF_ERROR(
      AuditWrite(ctx, "matcher.load", fmt::format("{}", fmt::join(record_types, ",")), "ok",
                 fmt::format("{} records of {} indexed", loaded, fmt::join(record_types, ", "))));
  std::unique_lock lock(domain_mu_);
  domain_matchers_.push_back({std::move(record_types), std::move(matcher)});
  return Status::Ok();
}

std::vector<std::shared_ptr<RecordMatcher>> NodeImpl::MatchersFor(std::string_view type) const {
  std::vector<std::shared_ptr<RecordMatcher>> out;
  std::shared_lock lock(domain_mu_);
  for (const DomainMatcherEntry& e : domain_matchers_) {
    for (const std::string& t : e.types) {
      if (t == type) {
        out.push_back(e.matcher);
        break;
      }
    }
  }
  return out;
}

Status NodeImpl::DomainUpsert(const core::Record& record,
                              std::vector<matching::Candidate>* candidates,
                              const nlohmann::json* properties, const MatcherInput* matcher_input) {
  for (const std::shared_ptr<RecordMatcher>& m : MatchersFor(record.type)) {
    const size_t max = candidates ? options_.match.max_candidates : 0;
    ISSA_ASSIGN_OR_RETURN(std::vector<DomainMatch> found,
                          properties ? m->UpsertParsed(record, *properties, matcher_input, max)
                                     : m->Upsert(record, max));
    if (candidates == nullptr) continue;
    for (DomainMatch& d : found) {
      matching::Candidate c;
      c.record_id = std::move(d.record_id);
      c.owner = std::move(d.owner);
      c.type = record.type;
      c.score = d.score;
      c.features = std::move(d.features);
      candidates->push_back(std::move(c));
    }
  }
  return Status::Ok();
}

void NodeImpl::DomainRemove(const core::Record& record) {
  for (const std::shared_ptr<RecordMatcher>& m : MatchersFor(record.type)) m->Remove(record.id);
}

Result<std::vector<core::Record>> NodeImpl::GetRecords(const Context& ctx,
                                                       const std::vector<std::string>& ids) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kReadRecords, "records"));
  if (ids.size() > kMaxBatchRead) {
    return Invalid(ctx, "record.read_many",
                   InvalidArgument(fmt::format("at most {} ids", kMaxBatchRead), "ids"));
  }
  std::vector<core::Record> out;
  {
    ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
    ISSA_ASSIGN_OR_RETURN(const access::Viewer viewer, txn->ResolveViewer(ctx.principal, Now()));
    for (const std::string& id : ids) {
      Result<core::Record> r = txn->GetRecord(viewer, id);
      if (r.ok()) out.push_back(std::move(r).value());
    }
  }
  std::string detail = fmt::format("{} of {} visible:", out.size(), ids.size());
  for (const core::Record& r : out) {
    if (detail.size() > 1900) break;
    detail += ' ';
    detail += r.id;
  }
  ISSA_RETURN_IF_ERROR(AuditWrite(ctx, "record.read_many", "", "ok", detail));
  records_read_ += out.size();
  return out;
}

}  // namespace issa::node
