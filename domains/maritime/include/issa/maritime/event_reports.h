#pragma once

// EUROSUR event reports (Impl. Reg. (EU) 2021/581 Arts 7, 9, 14, 16, 17; Reg. (EU) 2019/1896
// Art. 25(3)): the events layer of a situational picture. An event is first reported, then
// updated by follow-up reports linked to it, and closed by the picture's owner with a reason.
// Requests for information are linked to the event and their answers to the request.
//
// All functions are pure: state in, new state out, time passed in. They return InvalidArgument
// naming the bad field, PermissionDenied when the actor may not act, FailedPrecondition when the
// event's state forbids the step. Thread-safe (no shared state).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/model.h"
#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/maritime/actor.h"

namespace issa::maritime {

// Sub-layers of the events layer (2019/1896 Art. 24(1); 2021/581 Arts 18, 20).
enum class EventCategory : uint8_t {
  kUnauthorisedBorderCrossing,
  kCrossBorderCrime,
  kCrisisSituation,
  kOther,
  kUnauthorisedSecondaryMovement,
  kSearchAndRescue,
};

// The single indicative impact level of an incident (2019/1896 Art. 25(3)). Not the scale of
// border sections (SectionImpact: low, medium, high, critical).
enum class IncidentImpact : uint8_t { kLow, kMedium, kHigh, kVeryHigh };

// Confidence level assessed by the originator from the credibility of the information, the
// reliability of the source and the validation status of the report (2021/581 Art. 16).
enum class ConfidenceLevel : uint8_t { kLow, kMedium, kHigh };

enum class EventState : uint8_t { kReported, kUpdated, kClosed };

// Why the owner closed an event (2021/581 Art. 9: e.g. it did not occur, or its impact does not
// justify reporting).
enum class ClosureReason : uint8_t {
  kEnded,           // the event is over and nothing more is expected
  kDidNotOccur,     // it did not happen
  kBelowReporting,  // its estimated impact does not justify reporting
  kDuplicate,       // reported elsewhere (closure_text names the other report)
  kOther,
};

// Purposes of a request for information (2021/581 Art. 9).
enum class RfiPurpose : uint8_t {
  kCompleteInformation,
  kRaiseConfidence,
  kUpdateImpact,
  kUpdateSituation,
};

// snake_case names, e.g. "unauthorised_border_crossing", "very_high", "did_not_occur".
std::string_view EventCategoryName(EventCategory c);
std::string_view IncidentImpactName(IncidentImpact i);
std::string_view ConfidenceLevelName(ConfidenceLevel c);
std::string_view EventStateName(EventState s);
std::string_view ClosureReasonName(ClosureReason r);
std::string_view RfiPurposeName(RfiPurpose p);
// Parse the names above; InvalidArgument naming `field` otherwise.
Result<EventCategory> ParseEventCategory(std::string_view text, std::string field = "category");
Result<IncidentImpact> ParseIncidentImpact(std::string_view text, std::string field = "impact");
Result<ConfidenceLevel> ParseConfidenceLevel(std::string_view text,
                                             std::string field = "confidence");
Result<ClosureReason> ParseClosureReason(std::string_view text, std::string field = "reason");
Result<RfiPurpose> ParseRfiPurpose(std::string_view text, std::string field = "purpose");

// Whether an event needs a single-event report (2021/581 Art. 9(1)): a timely reaction is needed,
// its impact is high or very high, or it is listed in Annex 2 (unauthorised border crossings).
bool NeedsSingleEventReport(EventCategory category, IncidentImpact impact,
                            bool needs_timely_reaction);

// The first single-event report is due within 24 h after the competent authority learns of the
// event (2021/581 Art. 9(2)).
constexpr core::Timestamp kSingleEventReportDeadlineMs = 24 * 3'600'000;

// What the originator gives when it first reports an event, or in a follow-up report.
struct EventReportInput {
  std::string id;  // [A-Za-z0-9._:-]{1,128}
  EventCategory category = EventCategory::kOther;
  bool single_event = true;  // a single-event report (false: reported as an indicator)
  std::string description;   // required, at most 10,000 bytes
  double lat = 0;
  double lon = 0;
  std::string section_id;           // optional: the border section, when known
  core::Timestamp occurred_at = 0;  // when it happened or may happen
  core::Timestamp known_at = 0;     // when the competent authority learned of it
  ConfidenceLevel confidence = ConfidenceLevel::kMedium;
  IncidentImpact impact = IncidentImpact::kLow;  // the originator's assessment (Art. 17)
  std::string reaction;    // measures taken or planned by the authorities (Art. 9(3))
  std::string originator;  // authority id; must be the acting authority
  std::string owner;       // authority managing the picture (NCC or the Agency)
};

struct EventHistoryEntry {
  core::Timestamp at = 0;
  std::string actor;  // authority id
  std::string what;   // "reported", "follow_up", "impact_revised", "closed"
  std::string detail;
};

// An event in the events layer and the reports about it. Plain value; thread-compatible.
struct EventReport {
  std::string id;  // the first report's id
  EventCategory category = EventCategory::kOther;
  bool single_event = true;
  std::string description;
  double lat = 0;
  double lon = 0;
  std::string section_id;
  core::Timestamp occurred_at = 0;
  core::Timestamp known_at = 0;
  core::Timestamp reported_at = 0;  // first report
  core::Timestamp updated_at = 0;   // last change
  ConfidenceLevel confidence = ConfidenceLevel::kMedium;
  IncidentImpact originator_impact = IncidentImpact::kLow;  // latest originator assessment
  IncidentImpact impact = IncidentImpact::kLow;  // the level in the picture (owner's, Art. 17)
  bool impact_revised_by_owner = false;
  std::string reaction;
  std::string originator;
  std::string owner;
  EventState state = EventState::kReported;
  std::optional<ClosureReason> closure_reason;
  std::string closure_text;
  std::optional<core::Timestamp> closed_at;
  std::string follows_up;               // for a follow-up report: the first report's id
  std::vector<std::string> follow_ups;  // ids of the follow-up reports linked to this event
  std::vector<EventHistoryEntry> history;
};

// Checks every field of an input; InvalidArgument naming the first bad one (e.g. "lat"; times
// must be positive and not after `now`).
Status ValidateEventReportInput(const EventReportInput& input, core::Timestamp now);

// Records a first report. The actor must be the originator (PermissionDenied otherwise) with a
// role that may record. reported_at = now.
Result<EventReport> ReportEvent(const EventReportInput& input, const Actor& actor,
                                core::Timestamp now);

struct FollowUpResult {
  EventReport event;      // updated: state kUpdated, follow-up linked, fields refreshed
  EventReport follow_up;  // the follow-up report itself, linked back by follows_up
};

// A follow-up report linked to `event` (2021/581 Art. 9(2)), by its originator or its owner.
// The follow-up refreshes description, position, section, confidence and reaction; its impact
// is the originator's new assessment and changes the event's level only while the owner has not
// revised it. The category may not change (InvalidArgument "category"). FailedPrecondition when
// the event is closed; AlreadyExists when the id is taken by the event or a linked report.
Result<FollowUpResult> AddFollowUp(const EventReport& event, const EventReportInput& follow_up,
                                   const Actor& actor, core::Timestamp now);

// The picture's owner attributes or changes the event's impact level (2021/581 Art. 17(2)).
// PermissionDenied for anyone else; reason required (InvalidArgument "reason").
Result<EventReport> ReviseImpact(const EventReport& event, IncidentImpact level,
                                 std::string_view reason, const Actor& actor, core::Timestamp now);

// The owner closes the event with a reason; closure_text is required for kDuplicate and kOther.
Result<EventReport> CloseEvent(const EventReport& event, ClosureReason reason,
                               std::string_view closure_text, const Actor& actor,
                               core::Timestamp now);

// Timeliness of the first single-event report.
struct ReportTiming {
  core::Timestamp due_at = 0;  // known_at + 24 h
  bool late = false;           // reported after due_at
  core::Timestamp late_by_ms = 0;
};
// For indicator reports (single_event == false) nothing is due: late is false.
ReportTiming SingleEventTiming(const EventReport& event);

// ---- Requests for information (2021/581 Art. 14)
// -------------------------------------------------

struct RfiAnswer {
  std::string id;
  std::string answered_by;  // authority id
  core::Timestamp answered_at = 0;
  std::string text;
  core::Classification classification = core::Classification::kLimited;
};

// A request linked to an event; its answers are linked to it. Plain value; thread-compatible.
struct InformationRequest {
  std::string id;
  std::string event_id;
  RfiPurpose purpose = RfiPurpose::kCompleteInformation;
  std::string requested_by;  // owner or originator of the event
  std::string addressee;     // the source asked (any authority)
  std::string question;
  core::Classification classification = core::Classification::kLimited;
  core::Timestamp asked_at = 0;
  std::optional<core::Timestamp> answer_by;
  std::vector<RfiAnswer> answers;
};

struct RfiInput {
  std::string id;
  RfiPurpose purpose = RfiPurpose::kCompleteInformation;
  std::string addressee;
  std::string question;
  core::Classification classification = core::Classification::kLimited;
  std::optional<core::Timestamp> answer_by;  // must be after now
};

// The event's owner or originator asks (PermissionDenied otherwise). FailedPrecondition when the
// event is closed.
Result<InformationRequest> RequestInformation(const EventReport& event, const RfiInput& input,
                                              const Actor& actor, core::Timestamp now);

// The addressee answers (PermissionDenied otherwise); several answers may follow one another.
// AlreadyExists when the answer id is taken.
Result<InformationRequest> AnswerRequest(const InformationRequest& request, std::string answer_id,
                                         std::string_view text, core::Classification classification,
                                         const Actor& actor, core::Timestamp now);

// Whether the request is still unanswered after its answer_by time.
bool RequestOverdue(const InformationRequest& request, core::Timestamp now);

// ---- Incidents as points, for impact-level proposals and hot spots -----------------------------

struct IncidentPoint {
  std::string id;
  core::Timestamp time = 0;
  double lat = 0;
  double lon = 0;
  IncidentImpact impact = IncidentImpact::kLow;
  std::string section_id;  // empty: located by a SectionLocator when needed
};

// The incidents of a set of events: closed ones that did not occur or are duplicates are left
// out; the others count with their current impact level and occurred_at time.
std::vector<IncidentPoint> IncidentPoints(const std::vector<EventReport>& events);

}  // namespace issa::maritime
