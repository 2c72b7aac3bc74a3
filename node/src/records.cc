// Records: create, read, patch, history, search, export, retention, with cross-matching.
#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/core/ids.h"

#include "node_impl.h"

namespace issa::node {
namespace {

std::string QuerySummary(const storage::RecordQuery& q) {
  std::string s;
  const auto add = [&](std::string_view k, std::string_view v) {
    if (!s.empty()) s += ' ';
    s += fmt::format("{}={}", k, v.substr(0, 200));
  };
  if (q.type) add("type", *q.type);
  if (q.owner) add("owner", *q.owner);
  if (q.group) add("group", *q.group);
  if (!q.text.empty()) add("q", q.text);
  if (q.bbox) {
    add("bbox", fmt::format("{},{},{},{}", q.bbox->min_lon, q.bbox->min_lat, q.bbox->max_lon,
                            q.bbox->max_lat));
  }
  if (q.since) add("since", core::FormatTimestamp(*q.since));
  if (q.until) add("until", core::FormatTimestamp(*q.until));
  if (!q.after_id.empty()) add("cursor", q.after_id);
  return s;
}

// A record of a batch whose links name earlier records of the same batch by index
// ("target": "@0"): the JSON with those targets replaced by the ids drawn for them, or nullopt
// when the record has no such link (the text is used as it is).
Result<std::optional<std::string>> ResolveBatchLinks(const std::string& text,
                                                     const std::vector<std::string>& ids,
                                                     size_t index) {
  if (text.find("\"@") == std::string::npos) return std::optional<std::string>();
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object() || !doc.contains("links") || !doc["links"].is_array()) {
    return std::optional<std::string>();  // validation reports what is wrong
  }
  bool changed = false;
  auto& links = doc["links"];
  for (size_t j = 0; j < links.size(); ++j) {
    if (!links[j].is_object() || !links[j].contains("target") || !links[j]["target"].is_string())
      continue;
    const std::string target = links[j]["target"].get<std::string>();
    if (target.empty() || target[0] != '@') continue;
    size_t k = 0;
    const char* first = target.data() + 1;
    const char* last = target.data() + target.size();
    const auto [end, ec] = std::from_chars(first, last, k);
    if (ec != std::errc() || end != last || first == last || k >= index) {
      return InvalidArgument("must be a record id, or @<index> of an earlier record of the batch",
                             fmt::format("links[{}].target", j));
    }
    links[j]["target"] = ids[k];
    changed = true;
  }
  if (!changed) return std::optional<std::string>();
  return std::optional<std::string>(doc.dump());
}

}  // namespace

Result<NodeImpl::PreparedRecord> NodeImpl::Prepare(const Context& ctx, std::string_view json,
                                                   core::Timestamp now) {
  ISSA_ASSIGN_OR_RETURN(schema::RecordDraft d, schema::ParseRecord(*registry_, json));
  return PrepareDraft(ctx, std::move(d), now);
}

Result<NodeImpl::PreparedRecord> NodeImpl::PrepareDraft(const Context& ctx, schema::RecordDraft d,
                                                        core::Timestamp now) {
  const access::Principal& p = ctx.principal;
  if (static_cast<int>(d.handling.classification) > static_cast<int>(p.clearance)) {
    return InvalidArgument(fmt::format("exceeds your clearance ({})", core::ToString(p.clearance)),
                           "handling.classification");
  }
  if (!p.IsSystem() && (d.handling.purposes & ~p.purposes) != 0) {
    return InvalidArgument(fmt::format("your authority processes data only for: {}",
                                       fmt::join(core::PurposeNames(p.purposes), ", ")),
                           "handling.purposes");
  }
  PreparedRecord out;
  core::Record& r = out.record;
  r.id = core::NewUuidV7(now);
  r.type = std::move(d.type);
  r.owner = p.authority;
  r.origin_node = options_.node_id;
  r.version = 1;
  r.created_at = now;
  r.updated_at = now;
  r.valid_from = d.valid_from;
  r.valid_to = d.valid_to;
  r.properties_json = std::move(d.properties_json);
  r.geometry_json = std::move(d.geometry_json);
  r.bbox = d.bbox;
  r.links = std::move(d.links);
  r.handling = std::move(d.handling);
  r.created_by = p.user_id;
  r.search_text = std::move(d.search_text);
  r.key = std::move(d.key);
  if (matching::IsMatchable(r.type))
    out.candidates = matcher_.Find(r, options_.match.max_candidates);
  return out;
}

Status NodeImpl::CheckReferences(storage::WriteTxn& txn, const access::Viewer& viewer,
                                 const core::Record& r) {
  const core::Handling& h = r.handling;
  for (size_t i = 0; i < h.authorities.size(); ++i) {
    if (!txn.GetAuthority(h.authorities[i]).ok()) {
      return InvalidArgument(fmt::format("unknown authority {}", h.authorities[i]),
                             fmt::format("handling.authorities[{}]", i));
    }
  }
  if (h.distribution == core::Distribution::kGroup) {
    auto g = txn.GetGroup(h.group);
    const bool member =
        g.ok() && (g->owner == r.owner ||
                   std::find(g->members.begin(), g->members.end(), r.owner) != g->members.end());
    if (!member) {
      return InvalidArgument("unknown sharing group, or your authority is not a member of it",
                             "handling.group");
    }
  }
  for (size_t i = 0; i < r.links.size(); ++i) {
    if (!txn.GetRecord(viewer, r.links[i].target).ok()) {
      return InvalidArgument("unknown record", fmt::format("links[{}].target", i));
    }
  }
  return Status::Ok();
}

Result<std::vector<core::Hit>> NodeImpl::WriteHits(
    storage::WriteTxn& txn, const Context& ctx, const core::Record& record,
    const std::vector<matching::Candidate>& candidates) {
  std::vector<core::Hit> hits;
  const access::Viewer system{access::Principal::System(), record.updated_at, {}};
  for (const auto& c : candidates) {
    if (c.record_id == record.id || c.owner == record.owner) continue;  // no silo to bridge
    auto other = txn.GetRecord(system, c.record_id);
    if (!other.ok()) continue;  // deleted meanwhile
    core::Hit h;
    h.id = HitIdFor(record.id, c.record_id);
    h.record_a = record.id;
    h.owner_a = record.owner;
    h.type_a = record.type;
    h.record_b = c.record_id;
    h.owner_b = other->owner;
    h.type = other->type;
    h.score = c.score;
    h.features = c.features;
    h.notify_a = other->handling.hit_notice;
    h.notify_b = record.handling.hit_notice;
    h.created_at = record.updated_at;
    ISSA_RETURN_IF_ERROR(txn.PutHit(h));
    ISSA_RETURN_IF_ERROR(
        txn.AppendAudit(
               MakeEvent(ctx, "hit.create", h.id, "ok",
                         fmt::format("{} {} ~ {} {} score {:.3f} [{}]", h.owner_a, h.record_a,
                                     h.owner_b, h.record_b, h.score, fmt::join(h.features, ",")),
                         h.owner_b))
            .status());
    hits.push_back(std::move(h));
  }
  return hits;
}

Result<std::vector<std::string>> NodeImpl::WriteRecords(const Context& ctx,
                                                        std::vector<PreparedRecord> prepared) {
  for (const auto& p : prepared) {
    ISSA_RETURN_IF_ERROR(matcher_.Upsert(p.record));
  }
  for (size_t i = 0; i < prepared.size(); ++i) {
    const Status indexed = DomainUpsert(prepared[i].record, &prepared[i].candidates,
                                        prepared[i].properties, prepared[i].matcher_input);
    if (!indexed.ok()) {
      for (size_t j = 0; j <= i; ++j) DomainRemove(prepared[j].record);
      for (const auto& p : prepared) matcher_.Remove(p.record.id);
      return indexed;
    }
  }
  std::vector<core::Hit> hits;
  const Status s = store_->Write([&](storage::WriteTxn& txn) -> Status {
    hits.clear();
    ISSA_ASSIGN_OR_RETURN(const access::Viewer viewer,
                          txn.ResolveViewer(ctx.principal, prepared.front().record.updated_at));
    for (size_t i = 0; i < prepared.size(); ++i) {
      const core::Record& r = prepared[i].record;
      Status check = CheckReferences(txn, viewer, r);
      if (!check.ok()) {
        return prepared.size() == 1 ? check : check.WithFieldPrefix(fmt::format("records[{}]", i));
      }
      ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
      ISSA_RETURN_IF_ERROR(
          txn.AppendAudit(MakeEvent(ctx, "record.create", r.id, "ok", r.type, r.owner)).status());
      ISSA_ASSIGN_OR_RETURN(auto new_hits, WriteHits(txn, ctx, r, prepared[i].candidates));
      for (auto& h : new_hits) hits.push_back(std::move(h));
    }
    return Status::Ok();
  });
  if (!s.ok()) {
    for (const auto& p : prepared) {
      matcher_.Remove(p.record.id);
      DomainRemove(p.record);
    }
    return s;
  }
  records_written_ += prepared.size();
  hits_ += hits.size();
  std::vector<std::string> ids;
  ids.reserve(prepared.size());
  for (const auto& p : prepared) {
    ids.push_back(p.record.id);
    PublishRecord(p.record);
  }
  for (const auto& h : hits) PublishHit(h);
  return ids;
}

Result<std::string> NodeImpl::CreateRecord(const Context& ctx, std::string_view json) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kWriteRecords));
  auto prepared = Prepare(ctx, json, Now());
  if (!prepared.ok()) return Invalid(ctx, "record.create", prepared.status());
  std::vector<PreparedRecord> one;
  one.push_back(std::move(prepared).value());
  auto ids = WriteRecords(ctx, std::move(one));
  if (!ids.ok()) {
    if (ids.status().code() == StatusCode::kInvalidArgument) {
      return Invalid(ctx, "record.create", ids.status());
    }
    return ids.status();
  }
  return ids->front();
}

Result<std::vector<std::string>> NodeImpl::CreateEach(
    const Context& ctx, size_t count,
    const std::function<Result<PreparedRecord>(size_t, core::Timestamp,
                                               const std::vector<std::string>&)>& prepare) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kWriteRecords));
  if (count == 0) return std::vector<std::string>{};
  std::vector<PreparedRecord> prepared;
  prepared.reserve(count);
  const core::Timestamp now = Now();
  // The ids are drawn first, so that a link to an earlier record of the batch ("@<index>")
  // resolves before the record is validated.
  std::vector<std::string> ids;
  ids.reserve(count);
  for (size_t i = 0; i < count; ++i) ids.push_back(core::NewUuidV7(now));
  for (size_t i = 0; i < count; ++i) {
    auto p = prepare(i, now, ids);
    if (!p.ok()) {
      return Invalid(ctx, "record.create",
                     p.status().WithFieldPrefix(fmt::format("records[{}]", i)));
    }
    p->record.id = ids[i];
    prepared.push_back(std::move(p).value());
  }
  return WriteRecords(ctx, std::move(prepared));
}

Result<std::vector<std::string>> NodeImpl::CreateRecords(const Context& ctx,
                                                         const std::vector<std::string>& jsons) {
  return CreateEach(ctx, jsons.size(),
                    [&](size_t i, core::Timestamp now,
                        const std::vector<std::string>& ids) -> Result<PreparedRecord> {
                      ISSA_ASSIGN_OR_RETURN(auto resolved, ResolveBatchLinks(jsons[i], ids, i));
                      return Prepare(ctx, resolved ? *resolved : jsons[i], now);
                    });
}

Result<std::vector<std::string>> NodeImpl::CreateParsedRecords(const Context& ctx,
                                                               std::vector<ParsedRecord> records) {
  return CreateEach(
      ctx, records.size(),
      [&](size_t i, core::Timestamp now,
          const std::vector<std::string>&) -> Result<PreparedRecord> {
        ParsedRecord& r = records[i];
        if (r.properties == nullptr) return InvalidArgument("is required", "properties");
        ISSA_ASSIGN_OR_RETURN(
            schema::RecordDraft d,
            schema::DraftFromParsed(*registry_, r.type, *r.properties, std::move(r.properties_json),
                                    std::move(r.handling)));
        ISSA_ASSIGN_OR_RETURN(PreparedRecord p, PrepareDraft(ctx, std::move(d), now));
        p.properties = r.properties;
        p.matcher_input = r.matcher_input;
        return p;
      });
}

Result<std::vector<std::string>> Node::CreateParsedRecords(const Context& ctx,
                                                           std::vector<ParsedRecord> records) {
  std::vector<std::string> jsons;
  jsons.reserve(records.size());
  for (const ParsedRecord& r : records) {
    jsons.push_back(fmt::format(R"({{"type":{},"properties":{},"handling":{}}})",
                                nlohmann::json(r.type).dump(), r.properties_json,
                                schema::HandlingToJson(r.handling)));
  }
  return CreateRecords(ctx, jsons);
}

Result<core::Record> NodeImpl::GetRecord(const Context& ctx, std::string_view id) {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Result<core::Record>> out;
  GetRecordAsync(ctx, id, [&](Result<core::Record> r) {
    std::lock_guard lock(mu);
    out.emplace(std::move(r));
    cv.notify_one();  // under the lock: `cv` outlives the notification
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return out.has_value(); });
  return std::move(*out);
}

// The read happens here; its audit entry (found, or probed and not found) is committed before
// `done` hears of the record, so no record leaves the node unaudited.
void NodeImpl::GetRecordAsync(const Context& ctx, std::string_view id,
                              std::function<void(Result<core::Record>)> done) {
  if (ctx.principal.IsPublic() ||
      (!ctx.principal.IsSystem() &&
       !access::RoleAllows(ctx.principal.role, access::Action::kReadRecords))) {
    return done(RequireRole(ctx, access::Action::kReadRecords, id));
  }
  Result<core::Record> record = NotFound("record not found");
  {
    auto txn = store_->BeginRead();
    if (!txn.ok()) return done(txn.status());
    auto viewer = (*txn)->ResolveViewer(ctx.principal, Now());
    if (!viewer.ok()) return done(viewer.status());
    record = (*txn)->GetRecord(*viewer, id);
  }
  if (!record.ok()) {
    if (record.status().code() != StatusCode::kNotFound) return done(record.status());
    // Probing for records one may not see is itself worth a trace.
    return AuditWriteAsync(ctx, "record.read", id, "not_found", "", "",
                           [done = std::move(done)](Status s) {
                             if (!s.ok()) return done(std::move(s));
                             done(NotFound("record not found"));
                           });
  }
  const std::string type = record->type;
  const std::string owner = record->owner;
  AuditWriteAsync(ctx, "record.read", id, "ok", type, owner,
                  [this, done = std::move(done), record = std::move(record)](Status s) mutable {
                    if (!s.ok()) return done(std::move(s));
                    ++records_read_;
                    done(std::move(record));
                  });
}

Result<core::Record> NodeImpl::PatchRecord(const Context& ctx, std::string_view id,
                                           std::string_view json) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kWriteRecords, id));
  const core::Timestamp now = Now();
  core::Record current;
  {
    ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
    ISSA_ASSIGN_OR_RETURN(const access::Viewer viewer, txn->ResolveViewer(ctx.principal, now));
    auto r = txn->GetRecord(viewer, id);
    if (!r.ok()) {
      if (r.status().code() != StatusCode::kNotFound) return r.status();
      ISSA_RETURN_IF_ERROR(AuditWrite(ctx, "record.update", id, "not_found", ""));
      return NotFound("record not found");
    }
    current = std::move(r).value();
  }
  if (current.owner != ctx.principal.authority) {
    ++denied_;
    (void)AuditWrite(ctx, "record.update", id, "denied", "not the owner", current.owner);
    return PermissionDenied("only the owner authority can change a record");
  }
  auto draft = schema::ApplyPatch(*registry_, current, json);
  if (!draft.ok()) return Invalid(ctx, "record.update", draft.status());
  if (static_cast<int>(draft->handling.classification) >
      static_cast<int>(ctx.principal.clearance)) {
    return Invalid(ctx, "record.update",
                   InvalidArgument("exceeds your clearance", "handling.classification"));
  }
  if ((draft->handling.purposes & ~ctx.principal.purposes) != 0) {
    return Invalid(ctx, "record.update",
                   InvalidArgument("your authority does not process data for this purpose",
                                   "handling.purposes"));
  }
  core::Record next = current;
  next.version = current.version + 1;
  next.updated_at = std::max(now, current.updated_at);
  next.origin_node = options_.node_id;
  next.created_by = ctx.principal.user_id;
  next.properties_json = std::move(draft->properties_json);
  next.search_text = std::move(draft->search_text);
  next.key = std::move(draft->key);
  next.geometry_json = std::move(draft->geometry_json);
  next.bbox = draft->bbox;
  next.links = std::move(draft->links);
  next.handling = std::move(draft->handling);
  next.valid_from = draft->valid_from;
  next.valid_to = draft->valid_to;
  std::vector<matching::Candidate> candidates;
  if (matching::IsMatchable(next.type) && !next.depersonalised) {
    candidates = matcher_.Find(next, options_.match.max_candidates);
    ISSA_RETURN_IF_ERROR(matcher_.Upsert(next));
  }
  ISSA_RETURN_IF_ERROR(DomainUpsert(next, &candidates));
  std::vector<core::Hit> hits;
  const Status s = store_->Write([&](storage::WriteTxn& txn) -> Status {
    hits.clear();
    ISSA_ASSIGN_OR_RETURN(const access::Viewer viewer, txn.ResolveViewer(ctx.principal, now));
    ISSA_RETURN_IF_ERROR(CheckReferences(txn, viewer, next));
    ISSA_RETURN_IF_ERROR(txn.PutRecord(next));
    ISSA_RETURN_IF_ERROR(
        txn.AppendAudit(MakeEvent(ctx, "record.update", next.id, "ok",
                                  fmt::format("version {}", next.version), next.owner))
            .status());
    ISSA_ASSIGN_OR_RETURN(hits, WriteHits(txn, ctx, next, candidates));
    return Status::Ok();
  });
  if (!s.ok()) {
    if (matching::IsMatchable(current.type)) (void)matcher_.Upsert(current);
    (void)DomainUpsert(current, nullptr);
    if (s.code() == StatusCode::kInvalidArgument) return Invalid(ctx, "record.update", s);
    if (s.code() == StatusCode::kAborted) {
      return Aborted("the record was changed concurrently; read it again and retry");
    }
    return s;
  }
  ++records_written_;
  hits_ += hits.size();
  PublishRecord(next);
  for (const auto& h : hits) PublishHit(h);
  return next;
}

Result<std::vector<core::Record>> NodeImpl::GetHistory(const Context& ctx, std::string_view id) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kReadRecords, id));
  Result<std::vector<core::Record>> history = NotFound("record not found");
  {
    ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
    ISSA_ASSIGN_OR_RETURN(const access::Viewer viewer, txn->ResolveViewer(ctx.principal, Now()));
    history = txn->GetHistory(viewer, id);
  }
  if (!history.ok()) {
    if (history.status().code() != StatusCode::kNotFound) return history.status();
    ISSA_RETURN_IF_ERROR(AuditWrite(ctx, "record.history", id, "not_found", ""));
    return NotFound("record not found");
  }
  ISSA_RETURN_IF_ERROR(AuditWrite(ctx, "record.history", id, "ok",
                                  fmt::format("{} versions", history->size()),
                                  history->back().owner));
  return history;
}

// Audits a refused role or an invalid query.
Status NodeImpl::CheckSearch(const Context& ctx, const storage::RecordQuery& query) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kReadRecords, "records"));
  if (query.limit < 1 || query.limit > 1000) {
    return Invalid(ctx, "record.search", InvalidArgument("must be between 1 and 1000", "limit"));
  }
  if (query.type && !registry_->Has(*query.type)) {
    return Invalid(ctx, "record.search",
                   InvalidArgument(
                       fmt::format("unknown record type '{}'", query.type->substr(0, 40)), "type"));
  }
  return Status::Ok();
}

Result<storage::RecordPage> NodeImpl::ListRecords(const Context& ctx,
                                                  const storage::RecordQuery& query) {
  ISSA_RETURN_IF_ERROR(CheckSearch(ctx, query));
  storage::RecordPage page;
  {
    ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
    ISSA_ASSIGN_OR_RETURN(const access::Viewer viewer, txn->ResolveViewer(ctx.principal, Now()));
    ISSA_ASSIGN_OR_RETURN(page, txn->QueryRecords(viewer, query));
  }
  ISSA_RETURN_IF_ERROR(
      AuditWrite(ctx, "record.search", "", "ok",
                 fmt::format("{} -> {} records", QuerySummary(query), page.records.size())));
  records_read_ += page.records.size();
  return page;
}

// One read transaction for the whole scan; the audit entry is queued, and `committed` hears of
// its commit (the caller holds back what it read until then, as GetRecordAsync does).
Result<Node::RecordScan> NodeImpl::ScanRecords(const Context& ctx, storage::RecordQuery query,
                                               uint64_t max_records,
                                               const std::function<bool(core::Record&)>& visit,
                                               std::function<void(Status)> committed) {
  ISSA_RETURN_IF_ERROR(CheckSearch(ctx, query));
  const std::string summary = QuerySummary(query);
  RecordScan scan;
  {
    ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
    ISSA_ASSIGN_OR_RETURN(const access::Viewer viewer, txn->ResolveViewer(ctx.principal, Now()));
    for (;;) {
      ISSA_ASSIGN_OR_RETURN(storage::RecordPage page, txn->QueryRecords(viewer, query));
      size_t taken = 0;
      bool stopped = false;
      for (core::Record& r : page.records) {
        ++taken;
        ++scan.visited;
        scan.last_id = r.id;
        if (!visit(r) || scan.visited >= max_records) {
          stopped = true;
          break;
        }
      }
      if (stopped || page.next_cursor.empty()) {
        scan.more = taken < page.records.size() || !page.next_cursor.empty();
        break;
      }
      query.after_id = page.next_cursor;
    }
  }
  records_read_ += scan.visited;
  AuditWriteAsync(ctx, "record.search", "", "ok",
                  fmt::format("{} -> {} records", summary, scan.visited), "", std::move(committed));
  return scan;
}

Status NodeImpl::Export(const Context& ctx, storage::RecordQuery query,
                        const std::function<void(const core::Record&)>& visit) {
  ISSA_RETURN_IF_ERROR(RequireRole(ctx, access::Action::kExport, "records"));
  uint64_t count = 0;
  {
    ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
    ISSA_ASSIGN_OR_RETURN(const access::Viewer viewer, txn->ResolveViewer(ctx.principal, Now()));
    query.limit = 1000;
    for (;;) {
      ISSA_ASSIGN_OR_RETURN(storage::RecordPage page, txn->QueryRecords(viewer, query));
      for (const auto& r : page.records) {
        visit(r);
        ++count;
      }
      if (page.next_cursor.empty()) break;
      query.after_id = page.next_cursor;
    }
  }
  return AuditWrite(ctx, "record.export", "", "ok",
                    fmt::format("{} -> {} records", QuerySummary(query), count));
}

Result<RetentionReport> NodeImpl::RunRetention(const Context& ctx) {
  if (!ctx.principal.IsSystem() &&
      !access::RoleAllows(ctx.principal.role, access::Action::kManageNode)) {
    return Deny(ctx, access::Action::kManageNode, "retention");
  }
  const core::Timestamp now = Now();
  std::vector<core::Record> to_delete;
  std::vector<core::Record> to_depersonalise;
  {
    ISSA_ASSIGN_OR_RETURN(auto txn, store_->BeginRead());
    const access::Viewer system{access::Principal::System(), now, {}};
    ISSA_RETURN_IF_ERROR(txn->ScanRecords(system, {}, [&](const core::Record& r) {
      // An authority's admin applies retention to its own records; the node to all.
      if (!ctx.principal.IsSystem() && r.owner != ctx.principal.authority) return true;
      if (r.handling.delete_after && *r.handling.delete_after <= now) {
        to_delete.push_back(r);
      } else if (r.handling.depersonalise_after && *r.handling.depersonalise_after <= now &&
                 !r.depersonalised) {
        to_depersonalise.push_back(r);
      }
      return true;
    }));
  }
  RetentionReport report;
  for (const auto& r : to_delete) {
    ISSA_RETURN_IF_ERROR(store_->Write([&](storage::WriteTxn& t) -> Status {
      ISSA_RETURN_IF_ERROR(t.DeleteRecord(r.id));
      // Sealed masked data go with the record.
      ISSA_ASSIGN_OR_RETURN(auto sealed, t.GetMeta(MaskedKey(r.id)));
      if (sealed && !sealed->empty()) ISSA_RETURN_IF_ERROR(t.SetMeta(MaskedKey(r.id), ""));
      return t
          .AppendAudit(MakeEvent(ctx, "retention.delete", r.id, "ok",
                                 fmt::format("{} past delete_after {}", r.type,
                                             core::FormatTimestamp(*r.handling.delete_after)),
                                 r.owner))
          .status();
    }));
    matcher_.Remove(r.id);
    DomainRemove(r);
    ++report.deleted;
  }
  const auto strip = [&](core::Record v) {
    nlohmann::json props = nlohmann::json::parse(v.properties_json, nullptr, false);
    if (props.is_object()) {
      for (const auto& name : registry_->PersonalProperties(v.type)) props.erase(name);
    }
    v.properties_json = props.dump();
    v.search_text.clear();
    v.key = registry_->KeyOf(v.type, props);  // gone when the key property is personal
    v.links.clear();
    v.depersonalised = true;
    return v;
  };
  for (const auto& r : to_depersonalise) {
    const bool mask = registry_->MasksOnRetention(r.type, r.properties_json);
    ISSA_RETURN_IF_ERROR(store_->Write([&](storage::WriteTxn& t) -> Status {
      // Every stored version loses its personal data, not only the current one.
      const access::Viewer system{access::Principal::System(), now, {}};
      ISSA_ASSIGN_OR_RETURN(const auto history, t.GetHistory(system, r.id));
      if (mask) {
        // Masking (ADR 0009): the current version's personal properties and links are sealed
        // with the node's key, in this transaction, before they are removed.
        nlohmann::json masked = {{"properties", nlohmann::json::object()},
                                 {"links", nlohmann::json::array()},
                                 {"version", history.back().version}};
        const nlohmann::json props =
            nlohmann::json::parse(history.back().properties_json, nullptr, false);
        if (props.is_object()) {
          for (const auto& name : registry_->PersonalProperties(r.type)) {
            if (props.contains(name)) masked["properties"][name] = props[name];
          }
        }
        for (const auto& l : history.back().links) {
          masked["links"].push_back({{"rel", l.rel}, {"target", l.target}});
        }
        ISSA_ASSIGN_OR_RETURN(const std::string sealed, Seal(masked.dump()));
        ISSA_RETURN_IF_ERROR(t.SetMeta(MaskedKey(r.id), sealed));
      }
      ISSA_RETURN_IF_ERROR(t.DeleteRecord(r.id));
      for (const auto& v : history) ISSA_RETURN_IF_ERROR(t.PutRecord(strip(v)));
      core::Record next = strip(history.back());
      next.version = history.back().version + 1;
      next.updated_at = std::max(now, history.back().updated_at);
      next.created_by = ctx.principal.user_id;
      next.origin_node = options_.node_id;
      ISSA_RETURN_IF_ERROR(t.PutRecord(next));
      if (!r.grants.empty()) ISSA_RETURN_IF_ERROR(t.SetGrants(r.id, r.grants));
      return t
          .AppendAudit(MakeEvent(ctx, mask ? "retention.mask" : "retention.depersonalise", r.id,
                                 "ok", fmt::format("{} version {}", r.type, next.version), r.owner))
          .status();
    }));
    matcher_.Remove(r.id);
    ++report.depersonalised;
    if (mask) ++report.masked;
  }
  return report;
}

}  // namespace issa::node
