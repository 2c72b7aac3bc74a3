#include "issa/maritime/event_reports.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace issa::maritime {
namespace {

constexpr size_t kMaxIdBytes = 128;
constexpr size_t kMaxTextBytes = 10'000;

constexpr std::array<std::string_view, 6> kCategoryNames = {
    "unauthorised_border_crossing",    "cross_border_crime", "crisis_situation", "other",
    "unauthorised_secondary_movement", "search_and_rescue"};
constexpr std::array<std::string_view, 4> kImpactNames = {"low", "medium", "high", "very_high"};
constexpr std::array<std::string_view, 3> kConfidenceNames = {"low", "medium", "high"};
constexpr std::array<std::string_view, 3> kStateNames = {"reported", "updated", "closed"};
constexpr std::array<std::string_view, 5> kClosureNames = {"ended", "did_not_occur",
                                                           "below_reporting", "duplicate", "other"};
constexpr std::array<std::string_view, 4> kPurposeNames = {
    "complete_information", "raise_confidence", "update_impact", "update_situation"};

template <typename E, size_t N>
Result<E> ParseName(const std::array<std::string_view, N>& names, std::string_view text,
                    std::string field) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  std::string all;
  for (const std::string_view n : names) all += fmt::format("{}{}", all.empty() ? "" : ", ", n);
  return InvalidArgument(fmt::format("must be one of {}", all), std::move(field));
}

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == ':';
}

Status CheckId(std::string_view id, const char* field) {
  if (id.empty() || id.size() > kMaxIdBytes || !std::all_of(id.begin(), id.end(), IsIdChar)) {
    return InvalidArgument(
        fmt::format("must be 1-{} characters of A-Z a-z 0-9 - _ . :", kMaxIdBytes), field);
  }
  return Status::Ok();
}

Status CheckText(std::string_view text, const char* field, bool required) {
  if (required && text.empty()) return InvalidArgument("is required", field);
  if (text.size() > kMaxTextBytes) {
    return InvalidArgument(fmt::format("is longer than {} bytes", kMaxTextBytes), field);
  }
  return Status::Ok();
}

Status CheckRecorder(const Actor& actor) {
  ISSA_RETURN_IF_ERROR(ValidateActor(actor));
  if (!MayRecord(actor)) {
    return PermissionDenied(
        fmt::format("role {} may not record event reports", core::ToString(actor.role)));
  }
  return Status::Ok();
}

bool IsOwner(const EventReport& e, const Actor& a) { return a.authority_id == e.owner; }
bool IsOriginator(const EventReport& e, const Actor& a) { return a.authority_id == e.originator; }

Status CheckTime(core::Timestamp now) {
  if (now <= 0) return InvalidArgument("must be a positive time", "now");
  return Status::Ok();
}

Status CheckNotBefore(const EventReport& event, core::Timestamp now) {
  ISSA_RETURN_IF_ERROR(CheckTime(now));
  if (now < event.updated_at) {
    return FailedPrecondition(fmt::format("event {} was changed at {}, after {}", event.id,
                                          core::FormatTimestamp(event.updated_at),
                                          core::FormatTimestamp(now)));
  }
  return Status::Ok();
}

}  // namespace

std::string_view EventCategoryName(EventCategory c) {
  return kCategoryNames[static_cast<size_t>(c)];
}
std::string_view IncidentImpactName(IncidentImpact i) {
  return kImpactNames[static_cast<size_t>(i)];
}
std::string_view ConfidenceLevelName(ConfidenceLevel c) {
  return kConfidenceNames[static_cast<size_t>(c)];
}
std::string_view EventStateName(EventState s) { return kStateNames[static_cast<size_t>(s)]; }
std::string_view ClosureReasonName(ClosureReason r) {
  return kClosureNames[static_cast<size_t>(r)];
}
std::string_view RfiPurposeName(RfiPurpose p) { return kPurposeNames[static_cast<size_t>(p)]; }

Result<EventCategory> ParseEventCategory(std::string_view text, std::string field) {
  return ParseName<EventCategory>(kCategoryNames, text, std::move(field));
}
Result<IncidentImpact> ParseIncidentImpact(std::string_view text, std::string field) {
  return ParseName<IncidentImpact>(kImpactNames, text, std::move(field));
}
Result<ConfidenceLevel> ParseConfidenceLevel(std::string_view text, std::string field) {
  return ParseName<ConfidenceLevel>(kConfidenceNames, text, std::move(field));
}
Result<ClosureReason> ParseClosureReason(std::string_view text, std::string field) {
  return ParseName<ClosureReason>(kClosureNames, text, std::move(field));
}
Result<RfiPurpose> ParseRfiPurpose(std::string_view text, std::string field) {
  return ParseName<RfiPurpose>(kPurposeNames, text, std::move(field));
}

bool NeedsSingleEventReport(EventCategory category, IncidentImpact impact,
                            bool needs_timely_reaction) {
  return needs_timely_reaction || impact >= IncidentImpact::kHigh ||
         category == EventCategory::kUnauthorisedBorderCrossing;
}

Status ValidateEventReportInput(const EventReportInput& in, core::Timestamp now) {
  ISSA_RETURN_IF_ERROR(CheckTime(now));
  ISSA_RETURN_IF_ERROR(CheckId(in.id, "id"));
  if (static_cast<size_t>(in.category) >= kCategoryNames.size()) {
    return InvalidArgument("is not a known category", "category");
  }
  ISSA_RETURN_IF_ERROR(CheckText(in.description, "description", true));
  if (!(in.lat >= -90 && in.lat <= 90)) {
    return InvalidArgument(fmt::format("{} is outside -90..90", in.lat), "lat");
  }
  if (!(in.lon >= -180 && in.lon <= 180)) {
    return InvalidArgument(fmt::format("{} is outside -180..180", in.lon), "lon");
  }
  if (!in.section_id.empty()) ISSA_RETURN_IF_ERROR(CheckId(in.section_id, "section_id"));
  if (in.occurred_at <= 0) return InvalidArgument("is required", "occurred_at");
  if (in.known_at <= 0) return InvalidArgument("is required", "known_at");
  if (in.known_at > now) {
    return InvalidArgument(fmt::format("{} is in the future", core::FormatTimestamp(in.known_at)),
                           "known_at");
  }
  if (static_cast<size_t>(in.confidence) >= kConfidenceNames.size()) {
    return InvalidArgument("is not a known confidence level", "confidence");
  }
  if (static_cast<size_t>(in.impact) >= kImpactNames.size()) {
    return InvalidArgument("is not a known impact level", "impact");
  }
  ISSA_RETURN_IF_ERROR(CheckText(in.reaction, "reaction", false));
  if (!core::IsValidAuthorityId(in.originator)) {
    return InvalidArgument("is not an authority id", "originator");
  }
  if (!core::IsValidAuthorityId(in.owner))
    return InvalidArgument("is not an authority id", "owner");
  return Status::Ok();
}

Result<EventReport> ReportEvent(const EventReportInput& in, const Actor& actor,
                                core::Timestamp now) {
  ISSA_RETURN_IF_ERROR(ValidateEventReportInput(in, now));
  ISSA_RETURN_IF_ERROR(CheckRecorder(actor));
  if (actor.authority_id != in.originator) {
    return PermissionDenied(fmt::format("{} may not report on behalf of the originator {}",
                                        actor.authority_id, in.originator));
  }
  EventReport e;
  e.id = in.id;
  e.category = in.category;
  e.single_event = in.single_event;
  e.description = in.description;
  e.lat = in.lat;
  e.lon = in.lon;
  e.section_id = in.section_id;
  e.occurred_at = in.occurred_at;
  e.known_at = in.known_at;
  e.reported_at = now;
  e.updated_at = now;
  e.confidence = in.confidence;
  e.originator_impact = in.impact;
  e.impact = in.impact;
  e.reaction = in.reaction;
  e.originator = in.originator;
  e.owner = in.owner;
  e.history.push_back({now, actor.authority_id, "reported",
                       fmt::format("impact {}, confidence {}", IncidentImpactName(in.impact),
                                   ConfidenceLevelName(in.confidence))});
  return e;
}

Result<FollowUpResult> AddFollowUp(const EventReport& event, const EventReportInput& in,
                                   const Actor& actor, core::Timestamp now) {
  ISSA_RETURN_IF_ERROR(ValidateEventReportInput(in, now));
  ISSA_RETURN_IF_ERROR(CheckRecorder(actor));
  ISSA_RETURN_IF_ERROR(CheckNotBefore(event, now));
  if (!IsOriginator(event, actor) && !IsOwner(event, actor)) {
    return PermissionDenied(
        fmt::format("only the originator {} or the owner {} may add follow-up reports to event {}",
                    event.originator, event.owner, event.id));
  }
  if (actor.authority_id != in.originator) {
    return InvalidArgument("must be the acting authority", "originator");
  }
  if (in.owner != event.owner) return InvalidArgument("must be the event's owner", "owner");
  if (event.state == EventState::kClosed) {
    return FailedPrecondition(fmt::format("event {} is closed", event.id));
  }
  if (in.category != event.category) {
    return InvalidArgument(fmt::format("must stay {}", EventCategoryName(event.category)),
                           "category");
  }
  if (in.id == event.id || std::find(event.follow_ups.begin(), event.follow_ups.end(), in.id) !=
                               event.follow_ups.end()) {
    return AlreadyExists(fmt::format("report {} is already linked to event {}", in.id, event.id));
  }
  ISSA_ASSIGN_OR_RETURN(EventReport follow_up, ReportEvent(in, actor, now));
  follow_up.follows_up = event.id;
  // The follow-up keeps the event's times of occurrence and knowledge for the deadline.
  FollowUpResult out{event, std::move(follow_up)};
  EventReport& e = out.event;
  e.description = in.description;
  e.lat = in.lat;
  e.lon = in.lon;
  if (!in.section_id.empty()) e.section_id = in.section_id;
  e.confidence = in.confidence;
  if (!in.reaction.empty()) e.reaction = in.reaction;
  std::string detail = fmt::format("report {}", in.id);
  if (IsOriginator(event, actor)) {
    e.originator_impact = in.impact;
    if (!e.impact_revised_by_owner && e.impact != in.impact) {
      detail += fmt::format(", impact {} -> {}", IncidentImpactName(e.impact),
                            IncidentImpactName(in.impact));
      e.impact = in.impact;
    }
  }
  e.state = EventState::kUpdated;
  e.updated_at = now;
  e.follow_ups.push_back(in.id);
  e.history.push_back({now, actor.authority_id, "follow_up", std::move(detail)});
  return out;
}

Result<EventReport> ReviseImpact(const EventReport& event, IncidentImpact level,
                                 std::string_view reason, const Actor& actor, core::Timestamp now) {
  ISSA_RETURN_IF_ERROR(CheckRecorder(actor));
  ISSA_RETURN_IF_ERROR(CheckNotBefore(event, now));
  if (!IsOwner(event, actor)) {
    return PermissionDenied(
        fmt::format("only the owner of the picture ({}) may revise the impact level of event {}",
                    event.owner, event.id));
  }
  if (static_cast<size_t>(level) >= kImpactNames.size()) {
    return InvalidArgument("is not a known impact level", "impact");
  }
  ISSA_RETURN_IF_ERROR(CheckText(reason, "reason", true));
  if (event.state == EventState::kClosed) {
    return FailedPrecondition(fmt::format("event {} is closed", event.id));
  }
  EventReport e = event;
  e.history.push_back({now, actor.authority_id, "impact_revised",
                       fmt::format("{} -> {}: {}", IncidentImpactName(e.impact),
                                   IncidentImpactName(level), reason)});
  e.impact = level;
  e.impact_revised_by_owner = true;
  e.state = EventState::kUpdated;
  e.updated_at = now;
  return e;
}

Result<EventReport> CloseEvent(const EventReport& event, ClosureReason reason,
                               std::string_view closure_text, const Actor& actor,
                               core::Timestamp now) {
  ISSA_RETURN_IF_ERROR(ValidateActor(actor));
  if (!MayDecide(actor)) {
    return PermissionDenied(
        fmt::format("role {} may not close events", core::ToString(actor.role)));
  }
  ISSA_RETURN_IF_ERROR(CheckNotBefore(event, now));
  if (!IsOwner(event, actor)) {
    return PermissionDenied(
        fmt::format("only the owner {} may close event {}", event.owner, event.id));
  }
  if (static_cast<size_t>(reason) >= kClosureNames.size()) {
    return InvalidArgument("is not a known closure reason", "reason");
  }
  const bool text_required = reason == ClosureReason::kDuplicate || reason == ClosureReason::kOther;
  ISSA_RETURN_IF_ERROR(CheckText(closure_text, "closure_text", text_required));
  if (event.state == EventState::kClosed) {
    return FailedPrecondition(fmt::format("event {} is already closed", event.id));
  }
  EventReport e = event;
  e.state = EventState::kClosed;
  e.closure_reason = reason;
  e.closure_text = std::string(closure_text);
  e.closed_at = now;
  e.updated_at = now;
  e.history.push_back({now, actor.authority_id, "closed",
                       closure_text.empty()
                           ? std::string(ClosureReasonName(reason))
                           : fmt::format("{}: {}", ClosureReasonName(reason), closure_text)});
  return e;
}

ReportTiming SingleEventTiming(const EventReport& event) {
  ReportTiming t;
  t.due_at = event.known_at + kSingleEventReportDeadlineMs;
  if (event.single_event && event.follows_up.empty() && event.reported_at > t.due_at) {
    t.late = true;
    t.late_by_ms = event.reported_at - t.due_at;
  }
  return t;
}

Result<InformationRequest> RequestInformation(const EventReport& event, const RfiInput& in,
                                              const Actor& actor, core::Timestamp now) {
  ISSA_RETURN_IF_ERROR(CheckRecorder(actor));
  ISSA_RETURN_IF_ERROR(CheckTime(now));
  if (!IsOwner(event, actor) && !IsOriginator(event, actor)) {
    return PermissionDenied(
        fmt::format("only the owner {} or the originator {} of event {} may request information",
                    event.owner, event.originator, event.id));
  }
  ISSA_RETURN_IF_ERROR(CheckId(in.id, "id"));
  if (static_cast<size_t>(in.purpose) >= kPurposeNames.size()) {
    return InvalidArgument("is not a known purpose", "purpose");
  }
  if (!core::IsValidAuthorityId(in.addressee)) {
    return InvalidArgument("is not an authority id", "addressee");
  }
  if (in.addressee == actor.authority_id) {
    return InvalidArgument("must not be the requesting authority", "addressee");
  }
  ISSA_RETURN_IF_ERROR(CheckText(in.question, "question", true));
  if (in.classification > core::Classification::kConfidential) {
    return InvalidArgument("is above CONFIDENTIAL", "classification");
  }
  if (in.answer_by && *in.answer_by <= now) {
    return InvalidArgument("must be after the request", "answer_by");
  }
  if (event.state == EventState::kClosed) {
    return FailedPrecondition(fmt::format("event {} is closed", event.id));
  }
  if (now < event.reported_at) {
    return FailedPrecondition(fmt::format("event {} was reported at {}, after {}", event.id,
                                          core::FormatTimestamp(event.reported_at),
                                          core::FormatTimestamp(now)));
  }
  InformationRequest r;
  r.id = in.id;
  r.event_id = event.id;
  r.purpose = in.purpose;
  r.requested_by = actor.authority_id;
  r.addressee = in.addressee;
  r.question = in.question;
  r.classification = in.classification;
  r.asked_at = now;
  r.answer_by = in.answer_by;
  return r;
}

Result<InformationRequest> AnswerRequest(const InformationRequest& request, std::string answer_id,
                                         std::string_view text, core::Classification classification,
                                         const Actor& actor, core::Timestamp now) {
  ISSA_RETURN_IF_ERROR(CheckRecorder(actor));
  ISSA_RETURN_IF_ERROR(CheckTime(now));
  if (actor.authority_id != request.addressee) {
    return PermissionDenied(fmt::format("request {} is addressed to {}, not {}", request.id,
                                        request.addressee, actor.authority_id));
  }
  ISSA_RETURN_IF_ERROR(CheckId(answer_id, "answer_id"));
  ISSA_RETURN_IF_ERROR(CheckText(text, "text", true));
  if (classification > core::Classification::kConfidential) {
    return InvalidArgument("is above CONFIDENTIAL", "classification");
  }
  if (now < request.asked_at) {
    return InvalidArgument("is before the request was asked", "now");
  }
  for (const RfiAnswer& a : request.answers) {
    if (a.id == answer_id) {
      return AlreadyExists(
          fmt::format("answer {} already linked to request {}", answer_id, request.id));
    }
  }
  InformationRequest r = request;
  r.answers.push_back(
      {std::move(answer_id), actor.authority_id, now, std::string(text), classification});
  return r;
}

bool RequestOverdue(const InformationRequest& request, core::Timestamp now) {
  return request.answers.empty() && request.answer_by && now > *request.answer_by;
}

std::vector<IncidentPoint> IncidentPoints(const std::vector<EventReport>& events) {
  std::vector<IncidentPoint> out;
  out.reserve(events.size());
  for (const EventReport& e : events) {
    if (!e.follows_up.empty()) continue;  // a follow-up is not another incident
    if (e.state == EventState::kClosed && (e.closure_reason == ClosureReason::kDidNotOccur ||
                                           e.closure_reason == ClosureReason::kDuplicate)) {
      continue;
    }
    out.push_back({e.id, e.occurred_at, e.lat, e.lon, e.impact, e.section_id});
  }
  return out;
}

}  // namespace issa::maritime
