#include "issa/eurosur/service.h"

#include <algorithm>
#include <functional>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "issa/core/ids.h"
#include "issa/maritime/sections.h"

#include "codec.h"
#include "internal.h"

namespace issa::eurosur {

using nlohmann::json;

namespace detail {

std::map<std::string, json> LatestImpactStates(const std::vector<core::Record>& impacts) {
  std::map<std::string, std::pair<int64_t, json>> best;
  for (const auto& r : impacts) {
    json p = Properties(r);
    const std::string id = p.value("section_id", "");
    const int64_t seq = p.value("seq", int64_t{0});
    auto it = best.find(id);
    if (it == best.end() || it->second.first < seq) {
      best[id] = std::make_pair(seq, p.value("state", json()));
    }
  }
  std::map<std::string, json> out;
  for (auto& [id, v] : best) out[id] = std::move(v.second);
  return out;
}

json CurrentLevel(const std::map<std::string, json>& latest, const std::string& section_id,
                  core::Timestamp now, const maritime::WorkflowSettings& settings) {
  json out = {{"level", nullptr}, {"critical_until", nullptr}, {"open_proposal", nullptr}};
  auto it = latest.find(section_id);
  if (it == latest.end()) return out;
  Result<maritime::SectionImpactState> st = ImpactStateFromJson(it->second);
  if (!st.ok()) return out;
  Result<maritime::ImpactOutcome> adv = maritime::AdvanceImpactState(*st, now, settings);
  const maritime::SectionImpactState& cur = adv.ok() ? adv->state : *st;
  out["level"] = maritime::SectionImpactName(cur.level);
  out["level_since"] = core::FormatTimestamp(cur.level_since);
  if (cur.critical_until) out["critical_until"] = core::FormatTimestamp(*cur.critical_until);
  if (cur.proposal) out["open_proposal"] = cur.proposal->id;
  return out;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json Properties(const core::Record& record) {
  json p = json::parse(record.properties_json, nullptr, false);
  return p.is_object() ? p : json::object();
}

const core::Authority* Directory::Find(std::string_view id) const {
  for (const auto& a : authorities) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

namespace {
bool HasKind(const core::Authority& a, core::AuthorityKind k) {
  return std::find(a.kinds.begin(), a.kinds.end(), k) != a.kinds.end();
}
}  // namespace

std::optional<std::string> Directory::NccOf(std::string_view country) const {
  std::optional<std::string> only;
  int border = 0;
  for (const auto& a : authorities) {
    if (a.country != country || !HasKind(a, core::AuthorityKind::kBorder) ||
        HasKind(a, core::AuthorityKind::kEuAgency)) {
      continue;
    }
    if (a.id == std::string(country) + "-NCC") return a.id;
    ++border;
    only = a.id;
  }
  return border == 1 ? only : std::nullopt;
}

Result<Directory> LoadDirectory(node::Node& node, const node::Context& ctx) {
  Directory dir;
  ISSA_ASSIGN_OR_RETURN(dir.authorities, node.ListAuthorities(ctx));
  std::vector<std::string> agencies;
  for (const auto& a : dir.authorities) {
    if (!HasKind(a, core::AuthorityKind::kEuAgency)) continue;
    if (HasKind(a, core::AuthorityKind::kBorder)) {
      dir.agency = a.id;
      break;
    }
    agencies.push_back(a.id);
  }
  if (!dir.agency && agencies.size() == 1) dir.agency = agencies[0];
  return dir;
}

Result<maritime::Actor> ActorOf(const Directory& dir, const node::Context& ctx) {
  const core::Authority* a = dir.Find(ctx.principal.authority);
  if (a == nullptr) return PermissionDenied("your authority is not registered on this node");
  maritime::Actor actor;
  actor.authority_id = a->id;
  actor.member_state = a->country;
  actor.agency = dir.agency && *dir.agency == a->id;
  actor.ncc = !actor.agency && dir.NccOf(a->country) == a->id;
  actor.role = ctx.principal.role;
  return actor;
}

Result<std::vector<core::Record>> ListAll(node::Node& node, const node::Context& ctx,
                                          const std::string& type,
                                          const std::optional<core::BBox>& bbox) {
  std::vector<core::Record> out;
  storage::RecordQuery q;
  q.type = type;
  q.bbox = bbox;
  q.limit = 1000;
  while (true) {
    ISSA_ASSIGN_OR_RETURN(storage::RecordPage page, node.ListRecords(ctx, q));
    for (auto& r : page.records) out.push_back(std::move(r));
    if (page.next_cursor.empty()) break;
    q.after_id = page.next_cursor;
  }
  return out;
}

Result<std::vector<EventRecord>> LoadEvents(node::Node& node, const node::Context& ctx,
                                            const std::optional<core::BBox>& bbox) {
  ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> records, ListAll(node, ctx, "Event", bbox));
  std::vector<EventRecord> out;
  for (auto& r : records) {
    json p = Properties(r);
    if (!p.contains("report") || !p["report"].is_object()) continue;
    Result<maritime::EventReport> report = EventReportFromJson(p["report"]);
    if (!report.ok() || !report->follows_up.empty()) continue;
    out.push_back({std::move(r), std::move(p), std::move(report).value()});
  }
  return out;
}

}  // namespace detail

namespace {

using detail::Dump;
using detail::ToJson;

constexpr size_t kMaxText = 10'000;

Result<json> ParseBody(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgument("must be a JSON object", "body");
  }
  return j;
}

Result<std::string> RequiredString(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return InvalidArgument("is required", key);
  if (!j[key].is_string()) return InvalidArgument("must be a string", key);
  std::string s = j[key].get<std::string>();
  if (s.empty()) return InvalidArgument("must not be empty", key);
  if (s.size() > kMaxText) return InvalidArgument("is too long", key);
  return s;
}

Result<std::string> OptionalString(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::string();
  if (!j[key].is_string()) return InvalidArgument("must be a string", key);
  std::string s = j[key].get<std::string>();
  if (s.size() > kMaxText) return InvalidArgument("is too long", key);
  return s;
}

// A time as RFC 3339 text or milliseconds since the epoch.
Result<std::optional<core::Timestamp>> OptionalTime(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::optional<core::Timestamp>();
  if (j[key].is_number_integer()) return std::optional<core::Timestamp>(j[key].get<int64_t>());
  if (!j[key].is_string()) return InvalidArgument("must be an RFC 3339 date-time", key);
  Result<core::Timestamp> t = core::ParseTimestamp(j[key].get<std::string>());
  if (!t.ok()) return InvalidArgument("must be an RFC 3339 date-time", key);
  return std::optional<core::Timestamp>(*t);
}

Result<double> RequiredNumber(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return InvalidArgument("is required", key);
  if (!j[key].is_number()) return InvalidArgument("must be a number", key);
  return j[key].get<double>();
}

Result<core::Classification> OptionalClassification(const json& j) {
  ISSA_ASSIGN_OR_RETURN(std::string text, OptionalString(j, "classification"));
  if (text.empty()) return core::Classification::kLimited;
  Result<core::Classification> c = core::ParseClassification(text);
  if (!c.ok()) return InvalidArgument("must be PUBLIC, LIMITED or RESTRICTED", "classification");
  return *c;
}

Status CheckKeys(const json& j, std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      return InvalidArgument("unknown member", k);
    }
  }
  return Status::Ok();
}

json BorderHandling(std::string_view distribution, const std::vector<std::string>& authorities,
                    std::string_view classification = "LIMITED") {
  json h = {
      {"classification", classification}, {"distribution", distribution}, {"purposes", {"border"}}};
  if (distribution == "authorities") h["authorities"] = authorities;
  return h;
}

// Shared with one authority, or kept by the owner when it is the owner itself.
json SharedWith(const std::string& me, const std::string& other,
                std::string_view classification = "LIMITED") {
  if (other.empty() || other == me) return BorderHandling("owner", {}, classification);
  return BorderHandling("authorities", {other}, classification);
}

std::string IncidentLevelProperty(maritime::IncidentImpact i) {
  std::string s(maritime::IncidentImpactName(i));
  std::replace(s.begin(), s.end(), '_', '-');
  return s;
}

// The Event record properties derived from a report (the report itself under "report").
json EventProperties(const maritime::EventReport& e, const json& extras) {
  const std::string where =
      e.section_id.empty() ? fmt::format("{:.4f}, {:.4f}", e.lat, e.lon) : e.section_id;
  json p = {{"title", fmt::format("{} ({})", maritime::EventCategoryName(e.category), where)},
            {"category", maritime::EventCategoryName(e.category)},
            {"description", e.description},
            {"occurred_at", core::FormatTimestamp(e.occurred_at)},
            {"impact_level", IncidentLevelProperty(e.impact)},
            {"confidence", maritime::ConfidenceLevelName(e.confidence)},
            {"status", maritime::EventStateName(e.state)},
            {"report", ToJson(e)}};
  if (!e.section_id.empty()) p["section_id"] = e.section_id;
  // An operator's own title (kept through later versions), else one made of category and place.
  if (extras.contains("title") && extras["title"].is_string() &&
      !extras["title"].get_ref<const std::string&>().empty()) {
    p["title"] = extras["title"];
  }
  for (const char* key :
       {"mmsi", "imo", "call_signs", "aircraft_registrations", "persons_involved"}) {
    if (extras.contains(key)) p[key] = extras[key];
  }
  return p;
}

json PointGeometry(double lat, double lon) {
  return json{{"type", "Point"}, {"coordinates", {lon, lat}}};
}

Result<maritime::EventReportInput> ParseEventInput(const json& j, const maritime::Actor& actor,
                                                   core::Timestamp now,
                                                   const maritime::EventReport* event) {
  ISSA_RETURN_IF_ERROR(CheckKeys(j, {"id",
                                     "title",
                                     "category",
                                     "single_event",
                                     "description",
                                     "lat",
                                     "lon",
                                     "section_id",
                                     "occurred_at",
                                     "known_at",
                                     "confidence",
                                     "impact",
                                     "reaction",
                                     "owner",
                                     "mmsi",
                                     "imo",
                                     "call_signs",
                                     "aircraft_registrations",
                                     "persons_involved",
                                     "handling"}));
  maritime::EventReportInput in;
  ISSA_ASSIGN_OR_RETURN(in.id, OptionalString(j, "id"));
  if (in.id.empty()) in.id = core::NewUuidV7(now);
  if (event != nullptr && !j.contains("category")) {
    in.category = event->category;
  } else {
    ISSA_ASSIGN_OR_RETURN(std::string category, RequiredString(j, "category"));
    ISSA_ASSIGN_OR_RETURN(in.category, maritime::ParseEventCategory(category, "category"));
  }
  if (j.contains("single_event")) {
    if (!j["single_event"].is_boolean())
      return InvalidArgument("must be a boolean", "single_event");
    in.single_event = j["single_event"].get<bool>();
  }
  ISSA_ASSIGN_OR_RETURN(in.description, RequiredString(j, "description"));
  if (event != nullptr && !j.contains("lat") && !j.contains("lon")) {
    in.lat = event->lat;
    in.lon = event->lon;
  } else {
    ISSA_ASSIGN_OR_RETURN(in.lat, RequiredNumber(j, "lat"));
    ISSA_ASSIGN_OR_RETURN(in.lon, RequiredNumber(j, "lon"));
  }
  ISSA_ASSIGN_OR_RETURN(in.section_id, OptionalString(j, "section_id"));
  if (event != nullptr && in.section_id.empty()) in.section_id = event->section_id;
  ISSA_ASSIGN_OR_RETURN(std::optional<core::Timestamp> occurred, OptionalTime(j, "occurred_at"));
  if (!occurred && event != nullptr) occurred = event->occurred_at;
  if (!occurred) return InvalidArgument("is required", "occurred_at");
  in.occurred_at = *occurred;
  ISSA_ASSIGN_OR_RETURN(std::optional<core::Timestamp> known, OptionalTime(j, "known_at"));
  if (!known && event != nullptr) known = event->known_at;
  in.known_at = known.value_or(in.occurred_at);
  ISSA_ASSIGN_OR_RETURN(std::string confidence, OptionalString(j, "confidence"));
  if (!confidence.empty()) {
    ISSA_ASSIGN_OR_RETURN(in.confidence, maritime::ParseConfidenceLevel(confidence, "confidence"));
  } else if (event != nullptr) {
    in.confidence = event->confidence;
  }
  ISSA_ASSIGN_OR_RETURN(std::string impact, OptionalString(j, "impact"));
  if (!impact.empty()) {
    ISSA_ASSIGN_OR_RETURN(in.impact, maritime::ParseIncidentImpact(impact, "impact"));
  } else if (event != nullptr) {
    in.impact = event->originator_impact;
  }
  ISSA_ASSIGN_OR_RETURN(in.reaction, OptionalString(j, "reaction"));
  ISSA_ASSIGN_OR_RETURN(std::string owner, OptionalString(j, "owner"));
  if (!owner.empty() && owner != actor.authority_id && event == nullptr) {
    return InvalidArgument(
        "must be your own authority: the reporting authority owns the event in its picture",
        "owner");
  }
  in.originator = event != nullptr ? event->originator : actor.authority_id;
  in.owner = event != nullptr ? event->owner : actor.authority_id;
  if (event == nullptr) in.originator = actor.authority_id;
  return in;
}

json TaskRecord(const maritime::ReactionTask& t, const std::string& me) {
  json p = {{"task_id", t.id},
            {"kind", t.kind == maritime::ReactionKind::kTask ? "task" : "notification"},
            {"action", maritime::ReactionActionName(t.action)},
            {"addressee", t.addressee},
            {"section_id", t.section_id},
            {"level", maritime::SectionImpactName(t.level)},
            {"legal_basis", t.legal_basis},
            {"text", t.text},
            {"raised_at", core::FormatTimestamp(t.created_at)},
            {"due_at", core::FormatTimestamp(t.due_at)}};
  return json{
      {"type", "Task"}, {"properties", std::move(p)}, {"handling", SharedWith(me, t.addressee)}};
}

json ImpactRecord(const maritime::SectionImpactState& s, int64_t seq, std::string_view step) {
  return json{{"type", "SectionImpact"},
              {"properties",
               {{"section_id", s.section_id},
                {"level", maritime::SectionImpactName(s.level)},
                {"seq", seq},
                {"step", step},
                {"state", ToJson(s)}}},
              {"handling", BorderHandling("all", {})}};
}

// The rendered record's member (handling, links) as the caller may see it.
json RenderedMember(node::Node& node, const node::Context& ctx, const core::Record& r,
                    const char* key) {
  json j = json::parse(node.RenderRecord(ctx, r), nullptr, false);
  if (j.is_object() && j.contains(key)) return j[key];
  return json(nullptr);
}

struct ImpactRecordState {
  maritime::SectionImpactState state;
  int64_t seq = 0;
  std::string record_id;
};

Result<ImpactRecordState> LoadImpact(node::Node& node, const node::Context& ctx,
                                     std::string_view section_id) {
  ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> records,
                        detail::ListAll(node, ctx, "SectionImpact"));
  std::optional<ImpactRecordState> best;
  for (const auto& r : records) {
    json p = detail::Properties(r);
    if (p.value("section_id", "") != section_id) continue;
    const int64_t seq = p.value("seq", int64_t{0});
    if (best && best->seq >= seq) continue;
    ISSA_ASSIGN_OR_RETURN(maritime::SectionImpactState s,
                          detail::ImpactStateFromJson(p.value("state", json::object())));
    best = ImpactRecordState{std::move(s), seq, r.id};
  }
  if (!best) return NotFound("border section not found");
  return std::move(*best);
}

struct SectionRecord {
  core::Record record;
  json properties;
  json geometry;
};

Result<std::vector<SectionRecord>> LoadSections(node::Node& node, const node::Context& ctx,
                                                const std::optional<core::BBox>& bbox = {}) {
  ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> records,
                        detail::ListAll(node, ctx, "BorderSection", bbox));
  std::vector<SectionRecord> out;
  for (auto& r : records) {
    json p = detail::Properties(r);
    json g = json::parse(r.geometry_json.empty() ? "null" : r.geometry_json, nullptr, false);
    out.push_back({std::move(r), std::move(p), std::move(g)});
  }
  return out;
}

maritime::SectionLocator LocatorOf(const std::vector<SectionRecord>& sections) {
  return [&sections](double lat, double lon) -> std::optional<std::string> {
    for (const auto& s : sections) {
      if (detail::GeometryContains(s.geometry, lat, lon)) {
        return s.properties.value("section_id", "");
      }
    }
    return std::nullopt;
  };
}

Result<maritime::LevelSuggestion> ComputeSuggestion(node::Node& node, const node::Context& ctx,
                                                    std::string_view section_id,
                                                    const maritime::SuggestionSettings& settings) {
  ISSA_ASSIGN_OR_RETURN(std::vector<SectionRecord> sections, LoadSections(node, ctx));
  ISSA_ASSIGN_OR_RETURN(std::vector<detail::EventRecord> events,
                        detail::LoadEvents(node, ctx, std::nullopt));
  std::vector<maritime::EventReport> reports;
  for (const auto& e : events) reports.push_back(e.report);
  return maritime::SuggestSectionLevel(section_id, maritime::IncidentPoints(reports),
                                       LocatorOf(sections), node.clock().Now(), settings);
}

}  // namespace

Result<PictureRef> ParsePictureRef(std::string_view text) {
  if (text == "national") return PictureRef{PictureKind::kNational, {}};
  if (text == "european") return PictureRef{PictureKind::kEuropean, {}};
  if (text.empty() || text.size() > 128) {
    return InvalidArgument("must be national, european or an operation (group) id", "picture");
  }
  return PictureRef{PictureKind::kOperation, std::string(text)};
}

Result<Layer> ParseLayer(std::string_view text) {
  if (text == "events") return Layer::kEvents;
  if (text == "operational") return Layer::kOperational;
  if (text == "analysis") return Layer::kAnalysis;
  return InvalidArgument("must be events, operational or analysis", "layer");
}

EurosurService::EurosurService(node::Node& node, EurosurOptions options)
    : node_(node), options_(std::move(options)) {}

// ---- Sections and impact levels -----------------------------------------------------------------

Result<std::string> EurosurService::ImportSections(const node::Context& ctx,
                                                   std::string_view geojson) {
  ISSA_ASSIGN_OR_RETURN(detail::Directory dir, detail::LoadDirectory(node_, ctx));
  ISSA_ASSIGN_OR_RETURN(maritime::Actor actor, detail::ActorOf(dir, ctx));
  ISSA_ASSIGN_OR_RETURN(std::vector<maritime::BorderSection> sections,
                        maritime::ParseBorderSections(geojson));
  if (!maritime::MayRecord(actor)) {
    return PermissionDenied("your role may not import border sections");
  }
  const core::Timestamp now = node_.clock().Now();
  std::lock_guard<std::mutex> lock(mu_);
  ISSA_ASSIGN_OR_RETURN(std::vector<SectionRecord> existing, LoadSections(node_, ctx));
  std::vector<std::string> jsons;
  json ids = json::array();
  for (const auto& s : sections) {
    if (!actor.agency && !(actor.ncc && actor.member_state == s.member_state)) {
      return PermissionDenied(
          fmt::format("only the Agency or {}'s NCC may import the border sections of {}",
                      s.member_state, s.member_state));
    }
    for (const auto& e : existing) {
      if (e.properties.value("section_id", "") == s.id) {
        return AlreadyExists(fmt::format("border section {} exists already", s.id));
      }
    }
    std::optional<std::string> ncc = dir.NccOf(s.member_state);
    if (!ncc) {
      return FailedPrecondition(
          fmt::format("member state {} has no NCC on this node (a border authority named {}-NCC)",
                      s.member_state, s.member_state));
    }
    ISSA_ASSIGN_OR_RETURN(maritime::SectionImpactState state,
                          maritime::NewSectionImpactState(s, *ncc, now));
    json props = {{"section_id", s.id},
                  {"member_state", s.member_state},
                  {"kind", maritime::SectionKindName(s.kind)},
                  {"name", s.name},
                  {"ncc_authority", *ncc}};
    if (!s.neighbouring_country.empty()) props["neighbouring_country"] = s.neighbouring_country;
    jsons.push_back(Dump({{"type", "BorderSection"},
                          {"properties", std::move(props)},
                          {"geometry", json::parse(s.geometry_json)},
                          {"handling", BorderHandling("all", {})}}));
    jsons.push_back(Dump(ImpactRecord(state, 0, "created")));
    ids.push_back(s.id);
  }
  if (!jsons.empty()) ISSA_RETURN_IF_ERROR(node_.CreateRecords(ctx, jsons).status());
  return Dump({{"imported", sections.size()}, {"sections", std::move(ids)}});
}

Result<std::string> EurosurService::ListSections(const node::Context& ctx) {
  ISSA_ASSIGN_OR_RETURN(std::vector<SectionRecord> sections, LoadSections(node_, ctx));
  ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> impacts,
                        detail::ListAll(node_, ctx, "SectionImpact"));
  const std::map<std::string, json> latest = detail::LatestImpactStates(impacts);
  json out = json::array();
  for (const auto& s : sections) {
    const std::string id = s.properties.value("section_id", "");
    json item = s.properties;
    item["record"] = s.record.id;
    item.update(detail::CurrentLevel(latest, id, node_.clock().Now(), options_.workflow));
    out.push_back(std::move(item));
  }
  return Dump({{"sections", std::move(out)}});
}

Result<std::string> EurosurService::SectionImpact(const node::Context& ctx,
                                                  std::string_view section_id) {
  ISSA_ASSIGN_OR_RETURN(ImpactRecordState st, LoadImpact(node_, ctx, section_id));
  const core::Timestamp now = node_.clock().Now();
  ISSA_ASSIGN_OR_RETURN(maritime::LevelSuggestion suggestion,
                        ComputeSuggestion(node_, ctx, section_id, options_.suggestion));
  Result<maritime::ImpactOutcome> adv =
      maritime::AdvanceImpactState(st.state, now, options_.workflow);
  const bool due = adv.ok() && adv->state.history.size() != st.state.history.size();
  json out = {{"section_id", section_id},
              {"record", st.record_id},
              {"seq", st.seq},
              {"state", ToJson(adv.ok() ? adv->state : st.state)},
              {"unrecorded_changes", due},
              {"suggestion", ToJson(suggestion)}};
  return Dump(out);
}

namespace {

using StepFn = std::function<Result<maritime::ImpactOutcome>(
    const maritime::SectionImpactState&, const maritime::Actor&, core::Timestamp,
    const maritime::WorkflowSettings&)>;

// Reads the state, applies one pure step and writes the new state and its tasks in one
// transaction, all with the caller's context.
Result<std::string> RunStep(node::Node& node, const node::Context& ctx,
                            const EurosurOptions& options, std::string_view section_id,
                            const StepFn& step) {
  ISSA_ASSIGN_OR_RETURN(detail::Directory dir, detail::LoadDirectory(node, ctx));
  ISSA_ASSIGN_OR_RETURN(maritime::Actor actor, detail::ActorOf(dir, ctx));
  ISSA_ASSIGN_OR_RETURN(ImpactRecordState st, LoadImpact(node, ctx, section_id));
  maritime::WorkflowSettings settings = options.workflow;
  if (dir.agency) settings.agency_authority = *dir.agency;
  const core::Timestamp now = node.clock().Now();
  ISSA_ASSIGN_OR_RETURN(maritime::ImpactOutcome outcome, step(st.state, actor, now, settings));
  if (outcome.state.history.size() == st.state.history.size()) {
    return Dump({{"section_id", section_id},
                 {"state", ToJson(outcome.state)},
                 {"tasks", json::array()},
                 {"recorded", false}});
  }
  const std::string_view step_name = maritime::ImpactStepName(outcome.state.history.back().step);
  std::vector<std::string> jsons = {Dump(ImpactRecord(outcome.state, st.seq + 1, step_name))};
  json tasks = json::array();
  for (const auto& t : outcome.tasks) {
    jsons.push_back(Dump(TaskRecord(t, actor.authority_id)));
    tasks.push_back(ToJson(t));
  }
  ISSA_RETURN_IF_ERROR(node.CreateRecords(ctx, jsons).status());
  return Dump({{"section_id", section_id},
               {"state", ToJson(outcome.state)},
               {"tasks", std::move(tasks)},
               {"recorded", true}});
}

}  // namespace

Result<std::string> EurosurService::ProposeLevel(const node::Context& ctx,
                                                 std::string_view section_id,
                                                 std::string_view body) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  ISSA_RETURN_IF_ERROR(CheckKeys(j, {"level", "reason", "critical_until", "with_suggestion"}));
  maritime::ProposalInput input;
  ISSA_ASSIGN_OR_RETURN(std::string level, RequiredString(j, "level"));
  ISSA_ASSIGN_OR_RETURN(input.level, maritime::ParseSectionImpact(level, "level"));
  ISSA_ASSIGN_OR_RETURN(input.reason, RequiredString(j, "reason"));
  ISSA_ASSIGN_OR_RETURN(input.critical_until, OptionalTime(j, "critical_until"));
  if (j.contains("with_suggestion") && !j["with_suggestion"].is_boolean()) {
    return InvalidArgument("must be a boolean", "with_suggestion");
  }
  const bool with_suggestion = j.value("with_suggestion", false);
  std::lock_guard<std::mutex> lock(mu_);
  if (with_suggestion) {
    ISSA_ASSIGN_OR_RETURN(input.basis,
                          ComputeSuggestion(node_, ctx, section_id, options_.suggestion));
  }
  return RunStep(
      node_, ctx, options_, section_id,
      [&](const auto& state, const auto& actor, core::Timestamp now, const auto& settings) {
        return maritime::ProposeLevel(state, input, actor, now, settings);
      });
}

Result<std::string> EurosurService::DecideProposal(const node::Context& ctx,
                                                   std::string_view section_id, Decision decision,
                                                   std::string_view body) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  ISSA_RETURN_IF_ERROR(CheckKeys(j, {"proposal_id", "reason"}));
  ISSA_ASSIGN_OR_RETURN(std::string proposal_id, RequiredString(j, "proposal_id"));
  std::string reason;
  if (decision == Decision::kRefuse || decision == Decision::kDecline) {
    ISSA_ASSIGN_OR_RETURN(reason, RequiredString(j, "reason"));
  } else {
    ISSA_ASSIGN_OR_RETURN(reason, OptionalString(j, "reason"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  return RunStep(
      node_, ctx, options_, section_id,
      [&](const auto& state, const auto& actor, core::Timestamp now,
          const auto& settings) -> Result<maritime::ImpactOutcome> {
        switch (decision) {
          case Decision::kAgree:
            return maritime::AgreeToProposal(state, proposal_id, reason, actor, now, settings);
          case Decision::kRefuse:
            return maritime::RefuseProposal(state, proposal_id, reason, actor, now, settings);
          case Decision::kAttribute:
            return maritime::AttributeLevel(state, proposal_id, reason, actor, now, settings);
          case Decision::kDecline:
            return maritime::DeclineProposal(state, proposal_id, reason, actor, now, settings);
        }
        return Internal("unknown decision");
      });
}

Result<std::string> EurosurService::AdvanceSection(const node::Context& ctx,
                                                   std::string_view section_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return RunStep(
      node_, ctx, options_, section_id,
      [&](const auto& state, const auto& actor, core::Timestamp now,
          const auto& settings) -> Result<maritime::ImpactOutcome> {
        if (!maritime::MayRecord(actor) || (!actor.agency && !actor.ncc)) {
          return PermissionDenied("only the Agency or an NCC records the expiry of impact levels");
        }
        return maritime::AdvanceImpactState(state, now, settings);
      });
}

Result<std::string> EurosurService::ListTasks(const node::Context& ctx) {
  ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> records, detail::ListAll(node_, ctx, "Task"));
  json out = json::array();
  for (const auto& r : records) {
    json p = detail::Properties(r);
    if (p.value("addressee", "") != ctx.principal.authority) continue;
    p["record"] = r.id;
    p["raised_by"] = r.owner;
    out.push_back(std::move(p));
  }
  return Dump({{"tasks", std::move(out)}});
}

// ---- Event reports ------------------------------------------------------------------------------

namespace {

struct LoadedEvent {
  core::Record record;
  json properties;
  maritime::EventReport report;
};

Result<LoadedEvent> LoadEvent(node::Node& node, const node::Context& ctx, std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(core::Record r, node.GetRecord(ctx, id));
  json p = detail::Properties(r);
  if (r.type != "Event" || !p.contains("report") || !p["report"].is_object()) {
    return NotFound("EUROSUR event report not found");
  }
  ISSA_ASSIGN_OR_RETURN(maritime::EventReport report, detail::EventReportFromJson(p["report"]));
  return LoadedEvent{std::move(r), std::move(p), std::move(report)};
}

json TimingJson(const maritime::EventReport& e) {
  const maritime::ReportTiming t = maritime::SingleEventTiming(e);
  return json{{"due_at", t.due_at}, {"late", t.late}, {"late_by_ms", t.late_by_ms}};
}

Status PatchEvent(node::Node& node, const node::Context& ctx, const LoadedEvent& ev,
                  const maritime::EventReport& next, std::optional<json> links = std::nullopt) {
  json patch = {{"properties", EventProperties(next, ev.properties)}};
  patch["geometry"] = PointGeometry(next.lat, next.lon);
  if (links) patch["links"] = *links;
  return node.PatchRecord(ctx, ev.record.id, Dump(patch)).status();
}

}  // namespace

Result<std::string> EurosurService::ReportEvent(const node::Context& ctx, std::string_view body) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  ISSA_ASSIGN_OR_RETURN(detail::Directory dir, detail::LoadDirectory(node_, ctx));
  ISSA_ASSIGN_OR_RETURN(maritime::Actor actor, detail::ActorOf(dir, ctx));
  const core::Timestamp now = node_.clock().Now();
  ISSA_ASSIGN_OR_RETURN(maritime::EventReportInput in, ParseEventInput(j, actor, now, nullptr));
  ISSA_ASSIGN_OR_RETURN(maritime::EventReport report, maritime::ReportEvent(in, actor, now));
  json handling = j.contains("handling") ? j["handling"]
                                         : SharedWith(actor.authority_id, dir.agency.value_or(""));
  json rec = {{"type", "Event"},
              {"properties", EventProperties(report, j)},
              {"geometry", PointGeometry(report.lat, report.lon)},
              {"handling", std::move(handling)}};
  ISSA_ASSIGN_OR_RETURN(std::string id, node_.CreateRecord(ctx, Dump(rec)));
  return Dump({{"id", id}, {"event", ToJson(report)}, {"timing", TimingJson(report)}});
}

Result<std::string> EurosurService::GetEvent(const node::Context& ctx, std::string_view event_id) {
  ISSA_ASSIGN_OR_RETURN(LoadedEvent ev, LoadEvent(node_, ctx, event_id));
  ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> reports, detail::ListAll(node_, ctx, "Report"));
  json requests = json::array();
  for (const auto& r : reports) {
    for (const auto& l : r.links) {
      if (l.rel == "about" && l.target == event_id) requests.push_back(r.id);
    }
  }
  json follow_ups = json::array();
  for (const auto& l : ev.record.links) {
    if (l.rel == "follow_up") follow_ups.push_back(l.target);
  }
  return Dump({{"id", ev.record.id},
               {"owner", ev.record.owner},
               {"version", ev.record.version},
               {"event", ToJson(ev.report)},
               {"timing", TimingJson(ev.report)},
               {"follow_up_records", std::move(follow_ups)},
               {"requests", std::move(requests)}});
}

Result<std::string> EurosurService::AddFollowUp(const node::Context& ctx, std::string_view event_id,
                                                std::string_view body) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  ISSA_ASSIGN_OR_RETURN(detail::Directory dir, detail::LoadDirectory(node_, ctx));
  ISSA_ASSIGN_OR_RETURN(maritime::Actor actor, detail::ActorOf(dir, ctx));
  std::lock_guard<std::mutex> lock(mu_);
  ISSA_ASSIGN_OR_RETURN(LoadedEvent ev, LoadEvent(node_, ctx, event_id));
  const core::Timestamp now = node_.clock().Now();
  ISSA_ASSIGN_OR_RETURN(maritime::EventReportInput in, ParseEventInput(j, actor, now, &ev.report));
  ISSA_ASSIGN_OR_RETURN(maritime::FollowUpResult out,
                        maritime::AddFollowUp(ev.report, in, actor, now));
  json rendered_links = RenderedMember(node_, ctx, ev.record, "links");
  json handling = RenderedMember(node_, ctx, ev.record, "handling");
  json rec = {{"type", "Event"},
              {"properties", EventProperties(out.follow_up, j)},
              {"geometry", PointGeometry(out.follow_up.lat, out.follow_up.lon)},
              {"links", {{{"rel", "follows_up"}, {"target", ev.record.id}}}},
              {"handling", handling}};
  ISSA_ASSIGN_OR_RETURN(std::string follow_up_id, node_.CreateRecord(ctx, Dump(rec)));
  json links = rendered_links.is_array() ? rendered_links : json::array();
  links.push_back({{"rel", "follow_up"}, {"target", follow_up_id}});
  ISSA_RETURN_IF_ERROR(PatchEvent(node_, ctx, ev, out.event, links));
  return Dump({{"id", ev.record.id},
               {"follow_up_id", follow_up_id},
               {"event", ToJson(out.event)},
               {"timing", TimingJson(out.event)}});
}

namespace {

using EventStepFn = std::function<Result<maritime::EventReport>(
    const maritime::EventReport&, const maritime::Actor&, core::Timestamp)>;

// Reads the event, applies one pure step and writes the new version, with the caller's context.
Result<std::string> RunEventStep(node::Node& node, std::mutex& mu, const node::Context& ctx,
                                 std::string_view event_id, const EventStepFn& step) {
  ISSA_ASSIGN_OR_RETURN(detail::Directory dir, detail::LoadDirectory(node, ctx));
  ISSA_ASSIGN_OR_RETURN(maritime::Actor actor, detail::ActorOf(dir, ctx));
  std::lock_guard<std::mutex> lock(mu);
  ISSA_ASSIGN_OR_RETURN(LoadedEvent ev, LoadEvent(node, ctx, event_id));
  ISSA_ASSIGN_OR_RETURN(maritime::EventReport next, step(ev.report, actor, node.clock().Now()));
  ISSA_RETURN_IF_ERROR(PatchEvent(node, ctx, ev, next));
  return Dump({{"id", ev.record.id}, {"event", ToJson(next)}, {"timing", TimingJson(next)}});
}

}  // namespace

Result<std::string> EurosurService::ReviseImpact(const node::Context& ctx,
                                                 std::string_view event_id, std::string_view body) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  ISSA_RETURN_IF_ERROR(CheckKeys(j, {"level", "reason"}));
  ISSA_ASSIGN_OR_RETURN(std::string level_text, RequiredString(j, "level"));
  ISSA_ASSIGN_OR_RETURN(maritime::IncidentImpact level,
                        maritime::ParseIncidentImpact(level_text, "level"));
  ISSA_ASSIGN_OR_RETURN(std::string reason, OptionalString(j, "reason"));
  return RunEventStep(node_, mu_, ctx, event_id,
                      [&](const auto& event, const auto& actor, core::Timestamp now) {
                        return maritime::ReviseImpact(event, level, reason, actor, now);
                      });
}

Result<std::string> EurosurService::CloseEvent(const node::Context& ctx, std::string_view event_id,
                                               std::string_view body) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  ISSA_RETURN_IF_ERROR(CheckKeys(j, {"reason", "text"}));
  ISSA_ASSIGN_OR_RETURN(std::string reason_text, RequiredString(j, "reason"));
  ISSA_ASSIGN_OR_RETURN(maritime::ClosureReason reason,
                        maritime::ParseClosureReason(reason_text, "reason"));
  ISSA_ASSIGN_OR_RETURN(std::string text, OptionalString(j, "text"));
  return RunEventStep(node_, mu_, ctx, event_id,
                      [&](const auto& event, const auto& actor, core::Timestamp now) {
                        return maritime::CloseEvent(event, reason, text, actor, now);
                      });
}

// ---- Requests for information -------------------------------------------------------------------

namespace {

struct LoadedRequest {
  core::Record record;
  maritime::InformationRequest request;
};

Result<LoadedRequest> LoadRequest(node::Node& node, const node::Context& ctx, std::string_view id) {
  ISSA_ASSIGN_OR_RETURN(core::Record r, node.GetRecord(ctx, id));
  json p = detail::Properties(r);
  if (r.type != "Report" || p.value("report_type", "") != "rfi" || !p.contains("request")) {
    return NotFound("request for information not found");
  }
  ISSA_ASSIGN_OR_RETURN(maritime::InformationRequest req, detail::RequestFromJson(p["request"]));
  // The answers are records of their own, linked to the request.
  ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> reports, detail::ListAll(node, ctx, "Report"));
  for (const auto& a : reports) {
    const bool answers = std::any_of(a.links.begin(), a.links.end(), [&](const core::Link& l) {
      return l.rel == "answers" && l.target == id;
    });
    if (!answers) continue;
    json ap = detail::Properties(a);
    ISSA_ASSIGN_OR_RETURN(maritime::RfiAnswer answer,
                          detail::AnswerFromJson(ap.value("request", json::object())));
    req.answers.push_back(std::move(answer));
  }
  std::sort(req.answers.begin(), req.answers.end(),
            [](const auto& a, const auto& b) { return a.answered_at < b.answered_at; });
  return LoadedRequest{std::move(r), std::move(req)};
}

json RequestOut(const LoadedRequest& r, core::Timestamp now) {
  return json{{"id", r.record.id},
              {"request", ToJson(r.request)},
              {"overdue", maritime::RequestOverdue(r.request, now)}};
}

}  // namespace

Result<std::string> EurosurService::RequestInformation(const node::Context& ctx,
                                                       std::string_view event_id,
                                                       std::string_view body) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  ISSA_RETURN_IF_ERROR(
      CheckKeys(j, {"addressee", "purpose", "question", "answer_by", "classification"}));
  const core::Timestamp now = node_.clock().Now();
  maritime::RfiInput in;
  in.id = core::NewUuidV7(now);
  ISSA_ASSIGN_OR_RETURN(in.addressee, RequiredString(j, "addressee"));
  ISSA_ASSIGN_OR_RETURN(std::string purpose, OptionalString(j, "purpose"));
  if (!purpose.empty()) {
    ISSA_ASSIGN_OR_RETURN(in.purpose, maritime::ParseRfiPurpose(purpose, "purpose"));
  }
  ISSA_ASSIGN_OR_RETURN(in.question, RequiredString(j, "question"));
  ISSA_ASSIGN_OR_RETURN(in.classification, OptionalClassification(j));
  ISSA_ASSIGN_OR_RETURN(in.answer_by, OptionalTime(j, "answer_by"));
  ISSA_ASSIGN_OR_RETURN(detail::Directory dir, detail::LoadDirectory(node_, ctx));
  ISSA_ASSIGN_OR_RETURN(maritime::Actor actor, detail::ActorOf(dir, ctx));
  if (dir.Find(in.addressee) == nullptr) {
    return InvalidArgument("is not an authority of this node", "addressee");
  }
  ISSA_ASSIGN_OR_RETURN(LoadedEvent ev, LoadEvent(node_, ctx, event_id));
  ISSA_ASSIGN_OR_RETURN(maritime::InformationRequest req,
                        maritime::RequestInformation(ev.report, in, actor, now));
  req.event_id = ev.record.id;
  json rec = {{"type", "Report"},
              {"properties",
               {{"title", fmt::format("Request for information ({})",
                                      maritime::RfiPurposeName(req.purpose))},
                {"report_type", "rfi"},
                {"body", req.question},
                {"request", ToJson(req)}}},
              {"links", {{{"rel", "about"}, {"target", ev.record.id}}}},
              {"handling",
               SharedWith(actor.authority_id, req.addressee, core::ToString(req.classification))}};
  ISSA_ASSIGN_OR_RETURN(std::string id, node_.CreateRecord(ctx, Dump(rec)));
  return Dump({{"id", id}, {"request", ToJson(req)}, {"overdue", false}});
}

Result<std::string> EurosurService::AnswerRequest(const node::Context& ctx, std::string_view rfi_id,
                                                  std::string_view body) {
  ISSA_ASSIGN_OR_RETURN(json j, ParseBody(body));
  ISSA_RETURN_IF_ERROR(CheckKeys(j, {"text", "classification"}));
  ISSA_ASSIGN_OR_RETURN(std::string text, RequiredString(j, "text"));
  ISSA_ASSIGN_OR_RETURN(core::Classification classification, OptionalClassification(j));
  ISSA_ASSIGN_OR_RETURN(detail::Directory dir, detail::LoadDirectory(node_, ctx));
  ISSA_ASSIGN_OR_RETURN(maritime::Actor actor, detail::ActorOf(dir, ctx));
  std::lock_guard<std::mutex> lock(mu_);
  ISSA_ASSIGN_OR_RETURN(LoadedRequest lr, LoadRequest(node_, ctx, rfi_id));
  const core::Timestamp now = node_.clock().Now();
  ISSA_ASSIGN_OR_RETURN(
      maritime::InformationRequest next,
      maritime::AnswerRequest(lr.request, core::NewUuidV7(now), text, classification, actor, now));
  const maritime::RfiAnswer& answer = next.answers.back();
  json rec = {{"type", "Report"},
              {"properties",
               {{"title", "Answer to a request for information"},
                {"report_type", "rfi-answer"},
                {"body", answer.text},
                {"request", ToJson(answer)}}},
              {"links", {{{"rel", "answers"}, {"target", lr.record.id}}}},
              {"handling", SharedWith(actor.authority_id, lr.request.requested_by,
                                      core::ToString(answer.classification))}};
  ISSA_RETURN_IF_ERROR(node_.CreateRecord(ctx, Dump(rec)).status());
  lr.request = std::move(next);
  return Dump(RequestOut(lr, now));
}

Result<std::string> EurosurService::GetRequest(const node::Context& ctx, std::string_view rfi_id) {
  ISSA_ASSIGN_OR_RETURN(LoadedRequest lr, LoadRequest(node_, ctx, rfi_id));
  return Dump(RequestOut(lr, node_.clock().Now()));
}

}  // namespace issa::eurosur
