#include "issa/piu/service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include "internal.h"

namespace issa::piu {

namespace detail {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json Properties(const core::Record& record) {
  json p = json::parse(record.properties_json, nullptr, false);
  return p.is_object() ? p : json::object();
}

Result<json> ParseBody(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object()) return InvalidArgument("must be a JSON object", "body");
  return j;
}

std::string Str(const json& j, const char* field) {
  const auto it = j.find(field);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<bool> Bool(const json& j, const char* field, bool fallback) {
  const auto it = j.find(field);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return InvalidArgument("must be true or false", field);
  return it->get<bool>();
}

Result<std::vector<core::Record>> ListAll(node::Node& node, const node::Context& ctx,
                                          const std::string& type) {
  std::vector<core::Record> out;
  storage::RecordQuery q;
  q.type = type;
  q.limit = 1000;
  for (;;) {
    ISSA_ASSIGN_OR_RETURN(storage::RecordPage page, node.ListRecords(ctx, q));
    for (auto& r : page.records) out.push_back(std::move(r));
    if (page.next_cursor.empty()) break;
    q.after_id = page.next_cursor;
  }
  return out;
}

json HandlingOr(const json& body, const char* purpose) {
  if (body.contains("handling") && body["handling"].is_object()) return body["handling"];
  return {{"classification", "LIMITED"}, {"distribution", "owner"}, {"purposes", {purpose}}};
}

}  // namespace detail

namespace {

using nlohmann::json;
using namespace detail;  // NOLINT(google-build-using-namespace): this module's own helpers

Result<std::string> RequiredString(const json& j, const char* field, size_t max = 2000) {
  const auto it = j.find(field);
  if (it == j.end() || !it->is_string() || it->get<std::string>().empty()) {
    return InvalidArgument("is required (a non-empty string)", field);
  }
  std::string s = it->get<std::string>();
  if (s.size() > max) return InvalidArgument(fmt::format("is longer than {}", max), field);
  return s;
}

json RecordView(const core::Record& r) {
  json p = Properties(r);
  if (r.type == "ScreeningMatch" && !p.contains("subject")) p["subject"] = MatchSubject(r);
  p["id"] = r.id;
  p["owner"] = r.owner;
  p["record_version"] = r.version;
  return p;
}

std::string NowText(const node::Node& node) { return core::FormatTimestamp(node.clock().Now()); }

// Owner-only handling derived from a subject record: its classification, the purposes both the
// subject and the caller process data for, its deletion date.
json OwnerHandlingLike(const core::Record& subject, const access::Principal& caller) {
  core::PurposeSet purposes = subject.handling.purposes & caller.purposes;
  if (purposes == 0) purposes = caller.purposes;
  json h = {{"classification", core::ToString(subject.handling.classification)},
            {"distribution", "owner"},
            {"purposes", core::PurposeNames(purposes)}};
  if (subject.handling.delete_after) {
    h["delete_after"] = core::FormatTimestamp(*subject.handling.delete_after);
  }
  return h;
}

std::string Normalise(std::string_view text) {
  std::string out;
  bool space = false;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '\t' || c == '-' || c == ',' || c == '.') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(u < 0x80 ? std::tolower(u) : u);
  }
  return out;
}

// The subject's identity for suppressions: normalised name, birth date and sorted document
// numbers, hashed (BLAKE2b, 16 bytes, hex).
std::string Fingerprint(const json& props) {
  std::string name = Normalise(Str(props, "name"));
  if (name.empty()) {
    name = Normalise(Str(props, "given_names") + " " + Str(props, "surname"));
  }
  std::vector<std::string> docs;
  if (props.contains("document_numbers") && props["document_numbers"].is_array()) {
    for (const auto& d : props["document_numbers"]) {
      if (d.is_string()) docs.push_back(Normalise(d.get<std::string>()));
    }
  }
  for (const char* f : {"document_number", "document"}) {
    if (props.contains(f) && props[f].is_string())
      docs.push_back(Normalise(props[f].get<std::string>()));
  }
  std::sort(docs.begin(), docs.end());
  std::string text = name + "|" + Str(props, "birth_date") + "|";
  for (const auto& d : docs) text += d + ";";
  if (sodium_init() < 0) std::abort();
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                     reinterpret_cast<const unsigned char*>("issa-subject-v1"), 15);
  std::string hex(sizeof h * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), h, sizeof h);
  hex.pop_back();
  return hex;
}

bool MayReview(core::Role role) {
  return role == core::Role::kAnalyst || role == core::Role::kOfficer;
}

Result<json> Features(const json& j) {
  json out = json::array();
  const auto it = j.find("features");
  if (it == j.end() || it->is_null()) return out;
  if (it->is_object()) {
    for (auto f = it->begin(); f != it->end(); ++f)
      out.push_back({{"feature", f.key()}, {"value", *f}});
  } else if (it->is_array()) {
    for (const auto& f : *it) {
      if (f.is_object()) {
        out.push_back(f);
      } else if (f.is_string()) {
        out.push_back({{"feature", f}});
      } else {
        return InvalidArgument("items must be objects or strings", "features");
      }
    }
  } else {
    return InvalidArgument("must be an array or an object", "features");
  }
  if (out.size() > 64) return InvalidArgument("at most 64", "features");
  return out;
}

}  // namespace

Result<std::string> TravellerKey(std::string_view nationality, std::string_view document_number) {
  if (nationality.size() != 2 || !std::isupper(static_cast<unsigned char>(nationality[0])) ||
      !std::isupper(static_cast<unsigned char>(nationality[1]))) {
    return InvalidArgument("must be an ISO 3166-1 alpha-2 code", "nationality");
  }
  std::string doc;
  for (const char c : document_number) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) doc += static_cast<char>(std::toupper(u));
  }
  if (doc.empty() || doc.size() > 40) {
    return InvalidArgument("must hold 1 to 40 letters or digits", "document_number");
  }
  return fmt::format("{}:{}", nationality, doc);
}

// ---- Review queue -------------------------------------------------------------------------------

namespace detail {

std::string MatchSubject(const core::Record& match) {
  const std::string subject = Str(Properties(match), "subject");
  if (!subject.empty()) return subject;
  for (const auto& l : match.links) {
    if (l.rel == "about") return l.target;
  }
  return {};
}

Result<MatchPlan> PlanMatch(const json& request, const json& subject_props,
                            std::string_view subject_type, std::string_view subject_target,
                            const json& handling, const std::vector<core::Record>& suppressions,
                            std::string_view authority, std::string_view now) {
  ISSA_ASSIGN_OR_RETURN(const std::string source, RequiredString(request, "source", 10));
  if (source != "list" && source != "rule")
    return InvalidArgument("must be list or rule", "source");
  ISSA_ASSIGN_OR_RETURN(const std::string list, RequiredString(request, "list", 120));
  ISSA_ASSIGN_OR_RETURN(const std::string entry_id, RequiredString(request, "entry_id", 120));
  const std::string version = Str(request, "version");
  if (!request.contains("score") || !request["score"].is_number() ||
      request["score"].get<double>() < 0 || request["score"].get<double>() > 1) {
    return InvalidArgument("is required: a number from 0 to 1", "score");
  }
  ISSA_ASSIGN_OR_RETURN(json features, Features(request));
  const std::string fingerprint = Fingerprint(subject_props);

  MatchPlan plan;
  for (const auto& s : suppressions) {
    if (s.owner != authority) continue;
    const json p = Properties(s);
    if (Str(p, "status") != "active" || Str(p, "subject_fingerprint") != fingerprint ||
        Str(p, "list") != list || Str(p, "entry_id") != entry_id || Str(p, "version") != version) {
      continue;
    }
    plan.suppression = s.id;
    return plan;
  }
  json props = {{"subject_type", subject_type},
                {"subject_fingerprint", fingerprint},
                {"source", source},
                {"list", list},
                {"entry_id", entry_id},
                {"score", request["score"]},
                {"features", std::move(features)},
                {"status", "pending"},
                {"queued_at", now}};
  // A record id; a subject of the same batch ("@<index>") is named by the "about" link only.
  if (subject_target.empty() || subject_target[0] != '@') props["subject"] = subject_target;
  if (!version.empty()) props["version"] = version;
  if (const std::string n = Str(request, "entry_name"); !n.empty()) props["entry_name"] = n;
  const std::string subject_name = Str(subject_props, "name");
  if (!subject_name.empty()) props["subject_name"] = subject_name;
  plan.record = {{"type", "ScreeningMatch"},
                 {"properties", std::move(props)},
                 {"handling", handling},
                 {"links", {{{"rel", "about"}, {"target", subject_target}}}}};
  return plan;
}

}  // namespace detail

Result<std::string> PiuService::QueueMatch(const node::Context& ctx, std::string_view body) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  ISSA_ASSIGN_OR_RETURN(const std::string subject_id, RequiredString(j, "subject", 64));
  std::lock_guard lock(mu_);
  return QueueMatchLocked(ctx, j, subject_id);
}

Result<std::string> PiuService::QueueMatchLocked(const node::Context& ctx, const nlohmann::json& j,
                                                 const std::string& subject_id) {
  ISSA_ASSIGN_OR_RETURN(const core::Record subject, node_.GetRecord(ctx, subject_id));
  ISSA_ASSIGN_OR_RETURN(const auto suppressions, ListAll(node_, ctx, "ScreeningSuppression"));
  ISSA_ASSIGN_OR_RETURN(MatchPlan plan,
                        PlanMatch(j, Properties(subject), subject.type, subject.id,
                                  OwnerHandlingLike(subject, ctx.principal), suppressions,
                                  ctx.principal.authority, NowText(node_)));
  if (!plan.suppression.empty()) {
    ISSA_ASSIGN_OR_RETURN(const int64_t count, CountSuppressed(ctx, plan.suppression, 1));
    return Dump(
        {{"queued", false}, {"suppression", plan.suppression}, {"suppressed_count", count}});
  }
  ISSA_ASSIGN_OR_RETURN(const std::string id, node_.CreateRecord(ctx, Dump(plan.record)));
  return Dump({{"queued", true}, {"id", id}});
}

Result<int64_t> PiuService::CountSuppressed(const node::Context& ctx, const std::string& id,
                                            int64_t n) {
  ISSA_ASSIGN_OR_RETURN(const core::Record s, node_.GetRecord(ctx, id));
  const int64_t count = Properties(s).value("suppressed_count", int64_t{0}) + n;
  ISSA_RETURN_IF_ERROR(
      node_
          .PatchRecord(
              ctx, id,
              Dump({{"properties",
                     {{"suppressed_count", count}, {"last_suppressed_at", NowText(node_)}}}}))
          .status());
  return count;
}

Result<std::string> PiuService::ListMatches(const node::Context& ctx, std::string_view status) {
  if (!status.empty() && status != "pending" && status != "confirmed" && status != "dismissed") {
    return InvalidArgument("must be pending, confirmed or dismissed", "status");
  }
  ISSA_ASSIGN_OR_RETURN(const auto matches, ListAll(node_, ctx, "ScreeningMatch"));
  json out = json::array();
  for (const auto& m : matches) {
    json v = RecordView(m);
    if (!status.empty() && Str(v, "status") != status) continue;
    out.push_back(std::move(v));
  }
  return Dump({{"matches", std::move(out)}});
}

Result<std::string> PiuService::GetMatch(const node::Context& ctx, std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(const core::Record r, node_.GetRecord(ctx, id));
  if (r.type != "ScreeningMatch") return NotFound("screening match not found");
  return Dump(RecordView(r));
}

Result<std::string> PiuService::ReviewMatch(const node::Context& ctx, std::string_view id,
                                            Review review, std::string_view body) {
  const char* action = review == Review::kConfirm ? "screening.confirm" : "screening.dismiss";
  if (!MayReview(ctx.principal.role)) {
    node_.Audit(ctx, action, id, "denied", "only an analyst or officer reviews matches");
    return PermissionDenied("only an analyst or officer reviews matches");
  }
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  ISSA_ASSIGN_OR_RETURN(const std::string reason, RequiredString(j, "reason"));
  std::vector<std::string> pass_to;
  if (j.contains("pass_to")) {
    if (review != Review::kConfirm) return InvalidArgument("only when confirming", "pass_to");
    if (!j["pass_to"].is_array())
      return InvalidArgument("must be an array of authority ids", "pass_to");
    for (const auto& a : j["pass_to"]) {
      if (!a.is_string()) return InvalidArgument("must be an array of authority ids", "pass_to");
      pass_to.push_back(a.get<std::string>());
    }
  }
  ISSA_ASSIGN_OR_RETURN(const bool suppress, Bool(j, "suppress", false));
  if (suppress && review != Review::kDismiss)
    return InvalidArgument("only when dismissing", "suppress");

  std::lock_guard lock(mu_);
  ISSA_ASSIGN_OR_RETURN(const core::Record match, node_.GetRecord(ctx, id));
  if (match.type != "ScreeningMatch") return NotFound("screening match not found");
  if (match.owner != ctx.principal.authority) {
    node_.Audit(ctx, action, id, "denied", "only the owner reviews a match");
    return PermissionDenied("only the authority that queued the match reviews it");
  }
  const json p = Properties(match);
  if (Str(p, "status") != "pending") {
    return FailedPrecondition(fmt::format("the match is already {}", Str(p, "status")));
  }
  json props = {{"status", review == Review::kConfirm ? "confirmed" : "dismissed"},
                {"reviewer", ctx.principal.user_id},
                {"reviewer_role", core::ToString(ctx.principal.role)},
                {"reason", reason},
                {"reviewed_at", NowText(node_)}};
  json patch = json::object();
  if (suppress) {
    json s = {{"subject_fingerprint", Str(p, "subject_fingerprint")},
              {"list", Str(p, "list")},
              {"entry_id", Str(p, "entry_id")},
              {"match", match.id},
              {"reviewer", ctx.principal.user_id},
              {"reason", reason},
              {"status", "active"},
              {"suppressed_count", 0}};
    if (p.contains("version")) s["version"] = p["version"];
    json h = {{"classification", core::ToString(match.handling.classification)},
              {"distribution", "owner"},
              {"purposes", core::PurposeNames(match.handling.purposes)}};
    ISSA_ASSIGN_OR_RETURN(const std::string sid,
                          node_.CreateRecord(ctx, Dump({{"type", "ScreeningSuppression"},
                                                        {"properties", std::move(s)},
                                                        {"handling", std::move(h)}})));
    props["suppression"] = sid;
  }
  if (!pass_to.empty()) {
    props["passed_to"] = pass_to;
    patch["handling"] = {{"distribution", "authorities"}, {"authorities", pass_to}};
  }
  patch["properties"] = std::move(props);
  ISSA_ASSIGN_OR_RETURN(const core::Record reviewed, node_.PatchRecord(ctx, id, Dump(patch)));
  json out = RecordView(reviewed);

  // A confirmed hit on a registered traveller ends the status.
  if (review == Review::kConfirm && Str(p, "subject_type") == "RegisteredTraveller") {
    auto traveller = node_.GetRecord(ctx, MatchSubject(match));
    if (traveller.ok() && traveller->owner == ctx.principal.authority) {
      ISSA_RETURN_IF_ERROR(
          node_
              .PatchRecord(ctx, traveller->id,
                           Dump({{"properties",
                                  {{"status", "revoked"},
                                   {"status_reason", "confirmed screening hit: " + reason},
                                   {"status_match", match.id}}}}))
              .status());
      out["traveller_revoked"] = traveller->id;
    }
  }
  return Dump(out);
}

Result<core::Record> PiuService::ConfirmedMatch(const node::Context& ctx, std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(core::Record r, node_.GetRecord(ctx, id));
  if (r.type != "ScreeningMatch") return NotFound("screening match not found");
  const std::string status = Str(Properties(r), "status");
  if (status != "confirmed") {
    node_.Audit(ctx, "screening.use", id, "refused", "match is " + status);
    return FailedPrecondition(
        fmt::format("the match is {}: only a confirmed match may be used", status));
  }
  return r;
}

Result<std::string> PiuService::PassOn(const node::Context& ctx, std::string_view id,
                                       std::string_view body) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  ISSA_ASSIGN_OR_RETURN(const std::string reason, RequiredString(j, "reason"));
  if (!j.contains("authorities") || !j["authorities"].is_array() || j["authorities"].empty()) {
    return InvalidArgument("is required: authority ids", "authorities");
  }
  std::lock_guard lock(mu_);
  ISSA_ASSIGN_OR_RETURN(const core::Record match, ConfirmedMatch(ctx, id));
  if (match.owner != ctx.principal.authority) {
    return PermissionDenied("only the authority that confirmed the match passes it on");
  }
  std::vector<std::string> to = match.handling.authorities;
  for (const auto& a : j["authorities"]) {
    if (!a.is_string()) return InvalidArgument("must be authority ids", "authorities");
    if (std::find(to.begin(), to.end(), a.get<std::string>()) == to.end()) to.push_back(a);
  }
  ISSA_ASSIGN_OR_RETURN(
      const core::Record passed,
      node_.PatchRecord(
          ctx, id,
          Dump({{"properties", {{"passed_to", to}}},
                {"handling", {{"distribution", "authorities"}, {"authorities", to}}}})));
  node_.Audit(ctx, "screening.pass_on", id, "ok",
              fmt::format("to {}: {}", fmt::join(to, ","), reason));
  return Dump(RecordView(passed));
}

Result<std::string> PiuService::ListSuppressions(const node::Context& ctx) {
  ISSA_ASSIGN_OR_RETURN(const auto list, ListAll(node_, ctx, "ScreeningSuppression"));
  json out = json::array();
  for (const auto& s : list) out.push_back(RecordView(s));
  return Dump({{"suppressions", std::move(out)}});
}

Result<std::string> PiuService::RevokeSuppression(const node::Context& ctx, std::string_view id,
                                                  std::string_view body) {
  if (!MayReview(ctx.principal.role)) {
    return PermissionDenied("only an analyst or officer revokes a suppression");
  }
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  ISSA_ASSIGN_OR_RETURN(const std::string reason, RequiredString(j, "reason"));
  std::lock_guard lock(mu_);
  ISSA_ASSIGN_OR_RETURN(const core::Record s, node_.GetRecord(ctx, id));
  if (s.type != "ScreeningSuppression") return NotFound("suppression not found");
  if (Str(Properties(s), "status") != "active") {
    return FailedPrecondition("the suppression is already revoked");
  }
  ISSA_ASSIGN_OR_RETURN(const core::Record revoked,
                        node_.PatchRecord(ctx, id,
                                          Dump({{"properties",
                                                 {{"status", "revoked"},
                                                  {"revoked_by", ctx.principal.user_id},
                                                  {"revoked_reason", reason}}}})));
  return Dump(RecordView(revoked));
}

}  // namespace issa::piu
