// Passenger data ingestion (PNRGOV/PAXLST EDIFACT or the JSON form) as node records with PNR
// handling, screening of every passenger against the loaded lists and the risk rules, and
// re-screening of registered travellers when a list changes.
#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/piu/service.h"
#include "issa/travel/passenger_data.h"
#include "issa/travel/passenger_records.h"
#include "issa/travel/risk_criteria.h"
#include "issa/travel/screening.h"
#include "issa/travel/watchlist.h"

#include "internal.h"

namespace issa::piu {
namespace detail {

using nlohmann::json;

travel::Subject SubjectOf(const json& p) {
  travel::Subject s;
  s.name = Str(p, "name");
  if (s.name.empty()) s.name = Str(p, "given_names") + " " + Str(p, "surname");
  s.birth_date = Str(p, "birth_date");
  s.nationality = Str(p, "nationality");
  s.gender = Str(p, "gender");
  if (s.gender == "M") s.gender = "male";  // PNR DOCS codes
  if (s.gender == "F") s.gender = "female";
  if (p.contains("document_numbers") && p["document_numbers"].is_array() &&
      !p["document_numbers"].empty() && p["document_numbers"][0].is_string()) {
    s.document = p["document_numbers"][0].get<std::string>();
    s.document_country = s.nationality;
  }
  if (Str(p, "role") == "crew") s.role = travel::Role::kCrew;
  return s;
}

json HitFeatures(const travel::ScreeningHit& hit) {
  json out = json::array();
  for (const auto& f : hit.features) {
    const bool contradicts = !f.empty() && f[0] == '!';
    out.push_back({{"feature", contradicts ? f.substr(1) : f},
                   {"outcome", contradicts ? "contradicts" : "matches"}});
    // A linked designation: the reviewer sees which candidate matched for the same party.
    if (f == "linked_designation" && !hit.linked_from.empty())
      out.back()["linked_from"] = hit.linked_from;
  }
  return out;
}

}  // namespace detail

namespace {
using nlohmann::json;
using namespace detail;  // NOLINT(google-build-using-namespace): this module's own helpers
}  // namespace

Result<std::vector<json>> PiuService::ListHitRequests(const json& subject_props) {
  std::vector<json> out;
  std::shared_lock lock(screen_mu_);
  if (!screener_) return out;
  for (const auto& hit : screener_->Screen(SubjectOf(subject_props))) {
    out.push_back({{"source", "list"},
                   {"list", hit.list},
                   {"entry_id", hit.entry_id},
                   {"version", ListVersion(hit.list)},
                   {"score", std::min(1.0, std::max(0.0, hit.score))},
                   {"entry_name", hit.name},
                   {"features", HitFeatures(hit)}});
  }
  return out;
}

Status PiuService::ScreenRecord(const node::Context& ctx, const core::Record& record,
                                const std::string& list, const std::set<std::string>& entries,
                                uint64_t& queued, uint64_t& suppressed) {
  ISSA_ASSIGN_OR_RETURN(const std::vector<json> requests, ListHitRequests(Properties(record)));
  for (const auto& request : requests) {
    if (Str(request, "list") != list || entries.count(Str(request, "entry_id")) == 0) continue;
    ISSA_RETURN_IF_ERROR(QueueCounted(ctx, request, record.id, queued, suppressed));
  }
  return Status::Ok();
}

Status PiuService::QueueCounted(const node::Context& ctx, const json& request,
                                const std::string& subject_id, uint64_t& queued,
                                uint64_t& suppressed) {
  std::string result;
  {
    std::lock_guard lock(mu_);
    ISSA_ASSIGN_OR_RETURN(result, QueueMatchLocked(ctx, request, subject_id));
  }
  if (json::parse(result).value("queued", false)) {
    ++queued;
  } else {
    ++suppressed;
  }
  return Status::Ok();
}

std::string PiuService::ListVersion(std::string_view list) const {
  const auto it = list_versions_.find(std::string(list));
  return it == list_versions_.end() ? std::string() : it->second;
}

Result<std::string> PiuService::LoadList(const node::Context& ctx, const travel::Watchlist& list,
                                         std::string_view version) {
  if (ctx.principal.role != core::Role::kAnalyst && ctx.principal.role != core::Role::kOfficer) {
    node_.Audit(ctx, "piu.list_load", list.id, "denied", "only an analyst or officer loads lists");
    return PermissionDenied("only an analyst or officer loads lists");
  }
  travel::ListDelta delta;
  {
    std::unique_lock lock(screen_mu_);
    if (!screener_) screener_ = std::make_unique<travel::Screener>(travel::ScreeningConfig{});
    ISSA_ASSIGN_OR_RETURN(delta, screener_->Load(list));
    list_versions_[list.id] = std::string(version);
  }
  json out = {{"list", list.id},
              {"version", version},
              {"added", delta.added.size()},
              {"changed", delta.changed.size()},
              {"removed", delta.removed.size()}};
  // A changed list: every active registered traveller is screened again; its hits on the added
  // and changed entries are queued (those on unchanged entries were queued before).
  std::set<std::string> entries(delta.added.begin(), delta.added.end());
  for (const auto& c : delta.changed) entries.insert(c.id);
  uint64_t rescreened = 0, queued = 0, suppressed = 0;
  if (!entries.empty()) {
    ISSA_ASSIGN_OR_RETURN(const auto travellers, ListAll(node_, ctx, "RegisteredTraveller"));
    for (const auto& t : travellers) {
      if (t.owner != ctx.principal.authority || Str(Properties(t), "status") != "active") continue;
      ISSA_RETURN_IF_ERROR(ScreenRecord(ctx, t, list.id, entries, queued, suppressed));
      ++rescreened;
    }
  }
  node_.Audit(ctx, "piu.list_load", list.id, "ok",
              fmt::format("version {}: {} added, {} changed, {} removed", version,
                          delta.added.size(), delta.changed.size(), delta.removed.size()));
  out["travellers_rescreened"] = rescreened;
  out["queued"] = queued;
  out["suppressed"] = suppressed;
  return Dump(out);
}

Result<std::string> PiuService::LoadListText(const node::Context& ctx, std::string_view format,
                                             std::string_view id, std::string_view text,
                                             std::string_view version) {
  if (version.empty()) return InvalidArgument("is required", "version");
  Result<travel::Watchlist> list = InvalidArgument("must be un-xml or alerts-json", "format");
  if (format == "un-xml") {
    list = travel::ParseUnXml(text, "body", id.empty() ? std::string_view("un-sc") : id);
  } else if (format == "alerts-json") {
    list = travel::ParseAlertsJson(text, "body");
  }
  if (!list.ok()) return list.status();
  return LoadList(ctx, *list, version);
}

Status PiuService::SetRiskRules(const node::Context& ctx, std::string_view rules_json) {
  if (ctx.principal.role != core::Role::kAnalyst && ctx.principal.role != core::Role::kOfficer) {
    node_.Audit(ctx, "piu.risk_rules", "", "denied", "only an analyst or officer sets rules");
    return PermissionDenied("only an analyst or officer sets the risk criteria");
  }
  auto rules = travel::RuleSet::Compile(rules_json);
  if (!rules.ok()) {
    node_.Audit(ctx, "piu.risk_rules", "", "invalid", rules.status().ToString());
    return rules.status();
  }
  const size_t n = rules->rules().size();
  {
    std::unique_lock lock(screen_mu_);
    rules_ = std::make_unique<travel::RuleSet>(std::move(rules).value());
  }
  node_.Audit(ctx, "piu.risk_rules", "", "ok", fmt::format("{} rules", n));
  return Status::Ok();
}

Result<std::string> PiuService::IngestPassengerData(const node::Context& ctx,
                                                    std::string_view text) {
  ISSA_ASSIGN_OR_RETURN(const travel::ParseBatch batch, travel::ParseTravelMessages(text));
  const core::Timestamp received = node_.clock().Now();
  core::PurposeSet purposes =
      ctx.principal.purposes & (static_cast<core::PurposeSet>(core::Purpose::kCrime) |
                                static_cast<core::PurposeSet>(core::Purpose::kTerrorism));
  if (purposes == 0) {
    return PermissionDenied("PNR data are processed for crime and terrorism purposes only");
  }
  const json handling = {
      {"classification", options_.pnr_classification},
      {"distribution", "owner"},
      {"purposes", core::PurposeNames(purposes)},
      {"depersonalise_after", core::FormatTimestamp(received + options_.pnr_mask_after_ms)},
      {"delete_after", core::FormatTimestamp(received + options_.pnr_delete_after_ms)}};
  const std::string handling_text = handling.dump();

  json report = {{"messages", batch.messages.size()},
                 {"rejected", 0},
                 {"records", 0},
                 {"passengers", 0},
                 {"queued", 0},
                 {"suppressed", 0},
                 {"rule_hits", 0},
                 {"errors", json::array()}};
  for (const auto& e : batch.errors) report["errors"].push_back(e.ToString());
  // The review-queue matches share the PNR's handling, owner-only, without the masking date.
  const json match_handling = {{"classification", options_.pnr_classification},
                               {"distribution", "owner"},
                               {"purposes", core::PurposeNames(purposes)},
                               {"delete_after", handling["delete_after"]}};
  uint64_t queued = 0, suppressed = 0, records = 0, passengers = 0, rejected = 0, rule_hits = 0;
  for (const auto& message : batch.messages) {
    if (!message.status.ok()) {
      ++rejected;
      report["errors"].push_back(
          fmt::format("message {}: {}", message.reference, message.status.ToString()));
      continue;
    }
    // One message, one write: its records and the matches it queues are created in one
    // transaction (Node::CreateRecords), linked by their index in the batch ("@<i>").
    const std::vector<travel::RecordBody> bodies = travel::MessageRecords(message);
    std::vector<std::string> batch_ids;
    for (size_t i = 0; i < bodies.size(); ++i) batch_ids.push_back(fmt::format("@{}", i));
    std::vector<std::string> jsons;
    jsons.reserve(bodies.size());
    std::map<std::string, size_t> passenger_index;  // passenger key -> body index
    std::map<size_t, json> passenger_props;
    uint64_t message_passengers = 0;
    for (size_t i = 0; i < bodies.size(); ++i) {
      const auto& body = bodies[i];
      jsons.push_back(travel::RecordJson(body, batch_ids, handling_text));
      if (body.type != "Passenger") continue;
      ++message_passengers;
      // Keyed as rule hits name travellers: the Passenger's passenger_key.
      json props = json::parse(body.properties_json, nullptr, false);
      if (!props.is_object()) props = json::object();
      const std::string key = Str(props, "passenger_key");
      passenger_index[key.empty() ? body.key : key] = i;
      passenger_props[i] = std::move(props);
    }
    // Screening of every passenger and crew member, and the pre-determined criteria on every
    // PNR: the QueueMatch requests with the index of their subject.
    std::vector<std::pair<size_t, json>> requests;
    for (const auto& [key, index] : passenger_index) {
      ISSA_ASSIGN_OR_RETURN(auto hits, ListHitRequests(passenger_props[index]));
      for (auto& h : hits) requests.emplace_back(index, std::move(h));
    }
    std::vector<travel::RuleHit> hits;
    {
      std::shared_lock lock(screen_mu_);
      if (rules_ && message.pnr) hits = rules_->Evaluate(*message.pnr, travel::EvaluationInput{});
    }
    uint64_t message_rule_hits = 0;
    for (const auto& hit : hits) {
      const auto it = passenger_index.find(hit.passenger_key);
      if (it == passenger_index.end()) continue;
      json facts = json::array();
      for (const auto& f : hit.facts) {
        facts.push_back(
            {{"feature", f.fact}, {"op", f.op}, {"expected", f.expected}, {"actual", f.actual}});
      }
      requests.emplace_back(it->second, json{{"source", "rule"},
                                             {"list", hit.rule_id},
                                             {"entry_id", hit.rule_id},
                                             {"version", std::to_string(hit.version)},
                                             {"score", 1.0},
                                             {"entry_name", hit.title},
                                             {"features", facts}});
      ++message_rule_hits;
    }

    std::lock_guard lock(mu_);
    std::vector<core::Record> suppressions;
    if (!requests.empty()) {
      ISSA_ASSIGN_OR_RETURN(suppressions, ListAll(node_, ctx, "ScreeningSuppression"));
    }
    std::map<std::string, int64_t> held_back;  // suppression id -> matches it held back
    uint64_t message_queued = 0;
    const std::string now = core::FormatTimestamp(node_.clock().Now());
    for (const auto& [index, request] : requests) {
      ISSA_ASSIGN_OR_RETURN(
          MatchPlan plan, PlanMatch(request, passenger_props[index], "Passenger", batch_ids[index],
                                    match_handling, suppressions, ctx.principal.authority, now));
      if (!plan.suppression.empty()) {
        ++held_back[plan.suppression];
        continue;
      }
      jsons.push_back(Dump(plan.record));
      ++message_queued;
    }
    auto ids = node_.CreateRecords(ctx, jsons);
    if (!ids.ok()) {
      if (ids.status().code() != StatusCode::kInvalidArgument) {
        return ids.status().WithFieldPrefix(fmt::format("message {}", message.reference));
      }
      // Nothing of the message was written; the rest of the batch goes on.
      ++rejected;
      report["errors"].push_back(
          fmt::format("message {}: {}", message.reference, ids.status().ToString()));
      continue;
    }
    // Counters of the suppressions that held matches back, once the message is stored.
    for (const auto& [id, n] : held_back) {
      ISSA_RETURN_IF_ERROR(CountSuppressed(ctx, id, n).status());
      suppressed += static_cast<uint64_t>(n);
    }
    records += bodies.size();
    passengers += message_passengers;
    queued += message_queued;
    rule_hits += message_rule_hits;
  }
  report["rejected"] = rejected;
  report["records"] = records;
  report["passengers"] = passengers;
  report["queued"] = queued;
  report["suppressed"] = suppressed;
  report["rule_hits"] = rule_hits;
  return Dump(report);
}

}  // namespace issa::piu
