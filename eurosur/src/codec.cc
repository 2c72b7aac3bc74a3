#include "codec.h"

#include <optional>
#include <string>

#include "issa/core/model.h"

namespace issa::eurosur::detail {
namespace {

using maritime::IncidentImpact;
using maritime::SectionImpact;
using nlohmann::json;

template <typename E, typename NameFn>
E EnumFrom(const json& j, const char* key, E fallback, E last, NameFn name) {
  if (!j.contains(key) || !j[key].is_string()) return fallback;
  const std::string text = j[key].get<std::string>();
  for (int i = 0; i <= static_cast<int>(last); ++i) {
    if (name(static_cast<E>(i)) == text) return static_cast<E>(i);
  }
  throw std::invalid_argument(std::string("bad value of ") + key);
}

json OptTime(const std::optional<core::Timestamp>& t) { return t ? json(*t) : json(nullptr); }

std::optional<core::Timestamp> OptTimeFrom(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return j[key].get<core::Timestamp>();
}

SectionImpact SectionLevelFrom(const json& j, const char* key) {
  return EnumFrom(j, key, SectionImpact::kLow, SectionImpact::kCritical,
                  maritime::SectionImpactName);
}

IncidentImpact IncidentFrom(const json& j, const char* key) {
  return EnumFrom(j, key, IncidentImpact::kLow, IncidentImpact::kVeryHigh,
                  maritime::IncidentImpactName);
}

maritime::LevelSuggestion SuggestionFrom(const json& j) {
  maritime::LevelSuggestion s;
  s.section_id = j.value("section_id", "");
  s.level = SectionLevelFrom(j, "level");
  s.score = j.value("score", 0.0);
  if (j.contains("incidents")) {
    for (size_t i = 0; i < 4 && i < j["incidents"].size(); ++i) {
      s.incidents[i] = j["incidents"][i].get<int>();
    }
  }
  s.window_from = j.value("window_from", core::Timestamp{0});
  s.window_to = j.value("window_to", core::Timestamp{0});
  return s;
}

json ProposalJson(const maritime::LevelProposal& p) {
  return json{{"id", p.id},
              {"level", maritime::SectionImpactName(p.level)},
              {"proposed_by", p.proposed_by},
              {"by_agency", p.by_agency},
              {"proposed_at", p.proposed_at},
              {"reason", p.reason},
              {"basis", p.basis ? ToJson(*p.basis) : json(nullptr)},
              {"critical_until", OptTime(p.critical_until)},
              {"decide_by", p.decide_by},
              {"status", maritime::ProposalStatusName(p.status)},
              {"agreed_by", p.agreed_by},
              {"agreed_at", OptTime(p.agreed_at)}};
}

maritime::LevelProposal ProposalFrom(const json& j) {
  maritime::LevelProposal p;
  p.id = j.value("id", "");
  p.level = SectionLevelFrom(j, "level");
  p.proposed_by = j.value("proposed_by", "");
  p.by_agency = j.value("by_agency", false);
  p.proposed_at = j.value("proposed_at", core::Timestamp{0});
  p.reason = j.value("reason", "");
  if (j.contains("basis") && j["basis"].is_object()) p.basis = SuggestionFrom(j["basis"]);
  p.critical_until = OptTimeFrom(j, "critical_until");
  p.decide_by = j.value("decide_by", core::Timestamp{0});
  p.status = EnumFrom(j, "status", maritime::ProposalStatus::kAwaitingAgreement,
                      maritime::ProposalStatus::kAttributed, maritime::ProposalStatusName);
  p.agreed_by = j.value("agreed_by", "");
  p.agreed_at = OptTimeFrom(j, "agreed_at");
  return p;
}

json HistoryJson(const maritime::ImpactHistoryEntry& h) {
  return json{{"step", maritime::ImpactStepName(h.step)},
              {"at", h.at},
              {"actor", h.actor},
              {"proposal_id", h.proposal_id},
              {"from", maritime::SectionImpactName(h.from)},
              {"to", maritime::SectionImpactName(h.to)},
              {"reason", h.reason}};
}

maritime::ImpactHistoryEntry HistoryFrom(const json& j) {
  maritime::ImpactHistoryEntry h;
  h.step = EnumFrom(j, "step", maritime::ImpactStep::kProposed,
                    maritime::ImpactStep::kCriticalExpired, maritime::ImpactStepName);
  h.at = j.value("at", core::Timestamp{0});
  h.actor = j.value("actor", "");
  h.proposal_id = j.value("proposal_id", "");
  h.from = SectionLevelFrom(j, "from");
  h.to = SectionLevelFrom(j, "to");
  h.reason = j.value("reason", "");
  return h;
}

json EventHistoryJson(const maritime::EventHistoryEntry& h) {
  return json{{"at", h.at}, {"actor", h.actor}, {"what", h.what}, {"detail", h.detail}};
}

template <typename T>
Result<T> Guard(const json& j, T (*read)(const json&)) {
  try {
    if (!j.is_object()) return DataLoss("stored EUROSUR state is not an object");
    return read(j);
  } catch (const std::exception& e) {
    return DataLoss(std::string("stored EUROSUR state is unreadable: ") + e.what());
  }
}

maritime::SectionImpactState ReadState(const json& j) {
  maritime::SectionImpactState s;
  s.section_id = j.value("section_id", "");
  s.member_state = j.value("member_state", "");
  s.neighbouring_country = j.value("neighbouring_country", "");
  s.ncc_authority = j.value("ncc_authority", "");
  s.level = SectionLevelFrom(j, "level");
  s.level_since = j.value("level_since", core::Timestamp{0});
  s.critical_until = OptTimeFrom(j, "critical_until");
  s.level_before_critical = SectionLevelFrom(j, "level_before_critical");
  if (j.contains("proposal") && j["proposal"].is_object()) s.proposal = ProposalFrom(j["proposal"]);
  for (const json& p : j.value("closed_proposals", json::array())) {
    s.closed_proposals.push_back(ProposalFrom(p));
  }
  for (const json& h : j.value("history", json::array())) s.history.push_back(HistoryFrom(h));
  s.proposals_made = j.value("proposals_made", uint32_t{0});
  s.last_step_at = j.value("last_step_at", core::Timestamp{0});
  return s;
}

maritime::EventReport ReadEvent(const json& j) {
  maritime::EventReport e;
  e.id = j.value("id", "");
  e.category = EnumFrom(j, "category", maritime::EventCategory::kOther,
                        maritime::EventCategory::kSearchAndRescue, maritime::EventCategoryName);
  e.single_event = j.value("single_event", true);
  e.description = j.value("description", "");
  e.lat = j.value("lat", 0.0);
  e.lon = j.value("lon", 0.0);
  e.section_id = j.value("section_id", "");
  e.occurred_at = j.value("occurred_at", core::Timestamp{0});
  e.known_at = j.value("known_at", core::Timestamp{0});
  e.reported_at = j.value("reported_at", core::Timestamp{0});
  e.updated_at = j.value("updated_at", core::Timestamp{0});
  e.confidence = EnumFrom(j, "confidence", maritime::ConfidenceLevel::kMedium,
                          maritime::ConfidenceLevel::kHigh, maritime::ConfidenceLevelName);
  e.originator_impact = IncidentFrom(j, "originator_impact");
  e.impact = IncidentFrom(j, "impact");
  e.impact_revised_by_owner = j.value("impact_revised_by_owner", false);
  e.reaction = j.value("reaction", "");
  e.originator = j.value("originator", "");
  e.owner = j.value("owner", "");
  e.state = EnumFrom(j, "state", maritime::EventState::kReported, maritime::EventState::kClosed,
                     maritime::EventStateName);
  if (j.contains("closure_reason") && j["closure_reason"].is_string()) {
    e.closure_reason = EnumFrom(j, "closure_reason", maritime::ClosureReason::kOther,
                                maritime::ClosureReason::kOther, maritime::ClosureReasonName);
  }
  e.closure_text = j.value("closure_text", "");
  e.closed_at = OptTimeFrom(j, "closed_at");
  e.follows_up = j.value("follows_up", "");
  e.follow_ups = j.value("follow_ups", std::vector<std::string>{});
  for (const json& h : j.value("history", json::array())) {
    e.history.push_back({h.value("at", core::Timestamp{0}), h.value("actor", ""),
                         h.value("what", ""), h.value("detail", "")});
  }
  return e;
}

core::Classification ClassificationFrom(const json& j) {
  if (!j.contains("classification")) return core::Classification::kLimited;
  auto c = core::ParseClassification(j["classification"].get<std::string>());
  if (!c.ok()) throw std::invalid_argument("bad classification");
  return *c;
}

maritime::RfiAnswer ReadAnswer(const json& j) {
  maritime::RfiAnswer a;
  a.id = j.value("id", "");
  a.answered_by = j.value("answered_by", "");
  a.answered_at = j.value("answered_at", core::Timestamp{0});
  a.text = j.value("text", "");
  a.classification = ClassificationFrom(j);
  return a;
}

maritime::InformationRequest ReadRequest(const json& j) {
  maritime::InformationRequest r;
  r.id = j.value("id", "");
  r.event_id = j.value("event_id", "");
  r.purpose = EnumFrom(j, "purpose", maritime::RfiPurpose::kCompleteInformation,
                       maritime::RfiPurpose::kUpdateSituation, maritime::RfiPurposeName);
  r.requested_by = j.value("requested_by", "");
  r.addressee = j.value("addressee", "");
  r.question = j.value("question", "");
  r.classification = ClassificationFrom(j);
  r.asked_at = j.value("asked_at", core::Timestamp{0});
  r.answer_by = OptTimeFrom(j, "answer_by");
  for (const json& a : j.value("answers", json::array())) r.answers.push_back(ReadAnswer(a));
  return r;
}

}  // namespace

json ToJson(const maritime::LevelSuggestion& s) {
  return json{{"section_id", s.section_id},
              {"level", maritime::SectionImpactName(s.level)},
              {"score", s.score},
              {"incidents", s.incidents},
              {"window_from", s.window_from},
              {"window_to", s.window_to}};
}

json ToJson(const maritime::SectionImpactState& s) {
  json closed = json::array();
  for (const auto& p : s.closed_proposals) closed.push_back(ProposalJson(p));
  json history = json::array();
  for (const auto& h : s.history) history.push_back(HistoryJson(h));
  return json{{"section_id", s.section_id},
              {"member_state", s.member_state},
              {"neighbouring_country", s.neighbouring_country},
              {"ncc_authority", s.ncc_authority},
              {"level", maritime::SectionImpactName(s.level)},
              {"level_since", s.level_since},
              {"critical_until", OptTime(s.critical_until)},
              {"level_before_critical", maritime::SectionImpactName(s.level_before_critical)},
              {"proposal", s.proposal ? ProposalJson(*s.proposal) : json(nullptr)},
              {"closed_proposals", std::move(closed)},
              {"history", std::move(history)},
              {"proposals_made", s.proposals_made},
              {"last_step_at", s.last_step_at}};
}

json ToJson(const maritime::ReactionTask& t) {
  return json{{"id", t.id},
              {"section_id", t.section_id},
              {"level", maritime::SectionImpactName(t.level)},
              {"kind", t.kind == maritime::ReactionKind::kTask ? "task" : "notification"},
              {"action", maritime::ReactionActionName(t.action)},
              {"addressee", t.addressee},
              {"legal_basis", t.legal_basis},
              {"text", t.text},
              {"created_at", t.created_at},
              {"due_at", t.due_at}};
}

json ToJson(const maritime::EventReport& e) {
  json history = json::array();
  for (const auto& h : e.history) history.push_back(EventHistoryJson(h));
  return json{
      {"id", e.id},
      {"category", maritime::EventCategoryName(e.category)},
      {"single_event", e.single_event},
      {"description", e.description},
      {"lat", e.lat},
      {"lon", e.lon},
      {"section_id", e.section_id},
      {"occurred_at", e.occurred_at},
      {"known_at", e.known_at},
      {"reported_at", e.reported_at},
      {"updated_at", e.updated_at},
      {"confidence", maritime::ConfidenceLevelName(e.confidence)},
      {"originator_impact", maritime::IncidentImpactName(e.originator_impact)},
      {"impact", maritime::IncidentImpactName(e.impact)},
      {"impact_revised_by_owner", e.impact_revised_by_owner},
      {"reaction", e.reaction},
      {"originator", e.originator},
      {"owner", e.owner},
      {"state", maritime::EventStateName(e.state)},
      {"closure_reason",
       e.closure_reason ? json(maritime::ClosureReasonName(*e.closure_reason)) : json(nullptr)},
      {"closure_text", e.closure_text},
      {"closed_at", OptTime(e.closed_at)},
      {"follows_up", e.follows_up},
      {"follow_ups", e.follow_ups},
      {"history", std::move(history)}};
}

json ToJson(const maritime::RfiAnswer& a) {
  return json{{"id", a.id},
              {"answered_by", a.answered_by},
              {"answered_at", a.answered_at},
              {"text", a.text},
              {"classification", core::ToString(a.classification)}};
}

json ToJson(const maritime::InformationRequest& r) {
  json answers = json::array();
  for (const auto& a : r.answers) answers.push_back(ToJson(a));
  return json{{"id", r.id},
              {"event_id", r.event_id},
              {"purpose", maritime::RfiPurposeName(r.purpose)},
              {"requested_by", r.requested_by},
              {"addressee", r.addressee},
              {"question", r.question},
              {"classification", core::ToString(r.classification)},
              {"asked_at", r.asked_at},
              {"answer_by", OptTime(r.answer_by)},
              {"answers", std::move(answers)}};
}

Result<maritime::SectionImpactState> ImpactStateFromJson(const json& j) {
  return Guard<maritime::SectionImpactState>(j, &ReadState);
}
Result<maritime::EventReport> EventReportFromJson(const json& j) {
  return Guard<maritime::EventReport>(j, &ReadEvent);
}
Result<maritime::InformationRequest> RequestFromJson(const json& j) {
  return Guard<maritime::InformationRequest>(j, &ReadRequest);
}
Result<maritime::RfiAnswer> AnswerFromJson(const json& j) {
  return Guard<maritime::RfiAnswer>(j, &ReadAnswer);
}

}  // namespace issa::eurosur::detail
