#pragma once

// Impact levels of border sections and the reactions to them (Reg. (EU) 2019/1896 Arts 34-35).
//
// - The Agency attributes or changes a section's level (low, medium, high) in agreement with the
//   member state concerned (Art. 34(1)); critical is attributed temporarily, again in agreement,
//   on the Agency's risk analysis (Art. 34(2)). Without agreement the level stays (Art. 34(3)).
// - The member state's NCC continuously assesses whether a level should change and informs the
//   Agency (Art. 34(4)): here, a proposal by the NCC, which also records the member state's
//   agreement to that level. A proposal by the Agency waits for the NCC's agreement or refusal.
// - Only the Agency attributes, and only an agreed proposal, exactly as agreed.
// - Each attribution raises the reactions of Art. 35(1) as tasks and notifications addressed to
//   the NCC, and for critical to the Agency.
// - Critical ends at its expiry: the section returns to the level it had before.
// - Every step is kept in the history with actor, time and reason.
//
// Pure functions: state in, new state out, time passed in; each step first applies what `now`
// has made due (critical expiry, proposals lapsed without agreement). Errors: InvalidArgument
// naming the field, PermissionDenied (who may act), FailedPrecondition (what the state allows).
// Thread-safe (no shared state).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/maritime/actor.h"
#include "issa/maritime/event_reports.h"
#include "issa/maritime/sections.h"

namespace issa::maritime {

// Impact level of a border section (Art. 34). Not the incident scale (IncidentImpact).
enum class SectionImpact : uint8_t { kLow, kMedium, kHigh, kCritical };

std::string_view SectionImpactName(SectionImpact level);  // "low", "medium", "high", "critical"
Result<SectionImpact> ParseSectionImpact(std::string_view text, std::string field = "level");

// ---- Proposal from incidents -------------------------------------------------------------------

// How the incidents of a section suggest a level. Not set by the law: operational settings.
struct SuggestionSettings {
  core::Timestamp window_ms = 30 * core::kMsPerDay;  // rolling window ending at `now`
  // Score of one incident by its impact level: low, medium, high, very high.
  std::array<double, 4> weights = {1, 2, 4, 8};
  double medium_from = 10;  // score at or above which medium is suggested
  double high_from = 40;    // ... high
  // Critical needs the Agency's risk analysis (Art. 34(2)); a score never suggests it unless a
  // threshold is set here.
  std::optional<double> critical_from;
};

struct LevelSuggestion {
  std::string section_id;
  SectionImpact level = SectionImpact::kLow;
  double score = 0;
  std::array<int, 4> incidents = {};  // counted, by incident impact level
  core::Timestamp window_from = 0;    // exclusive
  core::Timestamp window_to = 0;      // inclusive (= now)
};

// Scores the incidents of `section_id` whose time lies in (now - window, now]. An incident
// belongs to the section by its section_id, or when empty by `locator` (may be empty: then only
// incidents with a section_id count). InvalidArgument ("settings...") for bad settings.
Result<LevelSuggestion> SuggestSectionLevel(std::string_view section_id,
                                            const std::vector<IncidentPoint>& incidents,
                                            const SectionLocator& locator, core::Timestamp now,
                                            const SuggestionSettings& settings = {});

// ---- Workflow state ----------------------------------------------------------------------------

struct WorkflowSettings {
  std::string agency_authority = "FRONTEX";  // addressee of the Agency's reactions
  // A proposal not agreed within this time lapses, and the level stays.
  core::Timestamp agreement_window_ms = 7 * core::kMsPerDay;
  // Longest time a critical level may be attributed for at once (it may be re-attributed).
  core::Timestamp max_critical_ms = 90 * core::kMsPerDay;
  // Due time of the reaction tasks after the attribution.
  core::Timestamp reaction_due_ms = core::kMsPerDay;
};

enum class ProposalStatus : uint8_t {
  kAwaitingAgreement,  // proposed by the Agency, the member state has not answered
  kAgreed,             // the member state agreed; the Agency may attribute
  kRefused,            // the member state refused: the level stays
  kDeclined,           // the Agency decided not to attribute: the level stays
  kLapsed,             // not agreed or attributed in time: the level stays
  kAttributed,
};
std::string_view ProposalStatusName(ProposalStatus s);

struct LevelProposal {
  std::string id;  // "<section>/P<n>"
  SectionImpact level = SectionImpact::kLow;
  std::string proposed_by;  // authority id
  bool by_agency = false;
  core::Timestamp proposed_at = 0;
  std::string reason;
  std::optional<LevelSuggestion> basis;           // the incident score it relied on, if any
  std::optional<core::Timestamp> critical_until;  // for critical: when it ends
  core::Timestamp decide_by = 0;                  // agreement and attribution before this
  ProposalStatus status = ProposalStatus::kAwaitingAgreement;
  std::string agreed_by;
  std::optional<core::Timestamp> agreed_at;
};

enum class ImpactStep : uint8_t {
  kProposed,
  kAgreed,
  kRefused,
  kDeclined,
  kLapsed,
  kAttributed,
  kCriticalExpired,
};
std::string_view ImpactStepName(ImpactStep s);

struct ImpactHistoryEntry {
  ImpactStep step = ImpactStep::kProposed;
  core::Timestamp at = 0;
  std::string actor;  // authority id; "system" for expiries and lapses
  std::string proposal_id;
  SectionImpact from = SectionImpact::kLow;  // the section's level before the step
  SectionImpact to = SectionImpact::kLow;    // proposed or attributed level
  std::string reason;
};

// The impact level of one section with its open proposal and full history. Plain value;
// thread-compatible.
struct SectionImpactState {
  std::string section_id;
  std::string member_state;
  std::string neighbouring_country;
  std::string ncc_authority;  // the member state's NCC, addressee of the reactions
  SectionImpact level = SectionImpact::kLow;
  core::Timestamp level_since = 0;
  std::optional<core::Timestamp> critical_until;  // set while critical
  SectionImpact level_before_critical = SectionImpact::kLow;
  std::optional<LevelProposal> proposal;  // the open one (awaiting agreement or agreed)
  std::vector<LevelProposal> closed_proposals;
  std::vector<ImpactHistoryEntry> history;
  uint32_t proposals_made = 0;
  core::Timestamp last_step_at = 0;
};

// A section's state before any attribution: low, with no history. InvalidArgument when the NCC
// id is not an authority id ("ncc_authority").
Result<SectionImpactState> NewSectionImpactState(const BorderSection& section,
                                                 std::string ncc_authority, core::Timestamp now);

// ---- Reactions (Art. 35) -----------------------------------------------------------------------

enum class ReactionKind : uint8_t { kTask, kNotification };

enum class ReactionAction : uint8_t {
  kRegularBorderControl,     // low and above: (a)
  kAppropriateMeasures,      // medium and above: (b), NCC notified
  kCoordinateSupport,        // medium and above: NCC coordinates support (Art. 21(3))
  kReinforcedMeasures,       // high and above: (c), support through the NCC
  kMayRequestAgencySupport,  // high and above: joint operation / rapid intervention (Art. 36)
  kCoordinateWithNeighbour,  // medium and above with a neighbouring country
  kNotifyCommission,         // critical: the Agency notifies the Commission (d)
  kExecutiveDirectorRecommendation,  // critical: the Executive Director's recommendation (d)
  kInformAgencyOfMeasures,           // medium and above: the NCC informs the Agency of measures
};
std::string_view ReactionActionName(ReactionAction a);

struct ReactionTask {
  std::string id;  // "<proposal id>/R<n>" or "<section>/E<n>" after an expiry
  std::string section_id;
  SectionImpact level = SectionImpact::kLow;
  ReactionKind kind = ReactionKind::kTask;
  ReactionAction action = ReactionAction::kRegularBorderControl;
  std::string addressee;    // authority id: the NCC or the Agency
  std::string legal_basis;  // e.g. "Reg. (EU) 2019/1896 Art. 35(1)(c)"
  std::string text;
  core::Timestamp created_at = 0;
  core::Timestamp due_at = 0;
};

// The reactions due at `level` for a section (cumulative: high includes medium's and low's).
std::vector<ReactionTask> ReactionsFor(const SectionImpactState& state, SectionImpact level,
                                       core::Timestamp now, const WorkflowSettings& settings,
                                       std::string_view id_prefix);

// The new state and what it raised.
struct ImpactOutcome {
  SectionImpactState state;
  std::vector<ReactionTask> tasks;
};

struct ProposalInput {
  SectionImpact level = SectionImpact::kLow;
  std::string reason;  // required
  std::optional<LevelSuggestion> basis;
  std::optional<core::Timestamp> critical_until;  // required for critical, only for critical
};

// The Agency or the member state's NCC proposes a level. PermissionDenied for other actors, for
// an NCC of another member state, and for critical proposed by an NCC (Art. 34(2)).
// FailedPrecondition when a proposal is already open or the level would not change.
Result<ImpactOutcome> ProposeLevel(const SectionImpactState& state, const ProposalInput& input,
                                   const Actor& actor, core::Timestamp now,
                                   const WorkflowSettings& settings = {});

// The member state's NCC agrees to / refuses the Agency's open proposal `proposal_id`.
// Refusal needs a reason and closes the proposal: the level stays (Art. 34(3)).
Result<ImpactOutcome> AgreeToProposal(const SectionImpactState& state, std::string_view proposal_id,
                                      std::string_view reason, const Actor& actor,
                                      core::Timestamp now, const WorkflowSettings& settings = {});
Result<ImpactOutcome> RefuseProposal(const SectionImpactState& state, std::string_view proposal_id,
                                     std::string_view reason, const Actor& actor,
                                     core::Timestamp now, const WorkflowSettings& settings = {});

// The Agency attributes the agreed proposal: the level changes and the Art. 35 reactions are
// raised. FailedPrecondition without the member state's agreement.
Result<ImpactOutcome> AttributeLevel(const SectionImpactState& state, std::string_view proposal_id,
                                     std::string_view reason, const Actor& actor,
                                     core::Timestamp now, const WorkflowSettings& settings = {});

// The Agency decides not to attribute an open proposal (reason required): the level stays.
Result<ImpactOutcome> DeclineProposal(const SectionImpactState& state, std::string_view proposal_id,
                                      std::string_view reason, const Actor& actor,
                                      core::Timestamp now, const WorkflowSettings& settings = {});

// Applies what `now` has made due: a critical level past critical_until returns to the level
// before it (with that level's reactions), an open proposal past decide_by lapses. Needs no actor.
// FailedPrecondition when `now` is before the last recorded step.
Result<ImpactOutcome> AdvanceImpactState(const SectionImpactState& state, core::Timestamp now,
                                         const WorkflowSettings& settings = {});

}  // namespace issa::maritime
