#include "issa/maritime/impact_levels.h"

#include <array>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace issa::maritime {
namespace {

constexpr std::array<std::string_view, 4> kLevelNames = {"low", "medium", "high", "critical"};
constexpr std::string_view kSystem = "system";
constexpr std::string_view kRegulation = "Reg. (EU) 2019/1896";

std::string Name(SectionImpact l) { return std::string(SectionImpactName(l)); }

Status CheckLevel(SectionImpact l) {
  if (static_cast<size_t>(l) >= kLevelNames.size()) {
    return InvalidArgument("is not low, medium, high or critical", "level");
  }
  return Status::Ok();
}

void Record(SectionImpactState& s, ImpactStep step, core::Timestamp at, std::string_view actor,
            std::string_view proposal_id, SectionImpact to, std::string reason) {
  s.history.push_back(
      {step, at, std::string(actor), std::string(proposal_id), s.level, to, std::move(reason)});
  s.last_step_at = at;
}

void CloseOpenProposal(SectionImpactState& s, ProposalStatus status) {
  s.proposal->status = status;
  s.closed_proposals.push_back(std::move(*s.proposal));
  s.proposal.reset();
}

// Applies what `now` made due; appends the reactions it raises.
Status ApplyDue(SectionImpactState& s, core::Timestamp now, const WorkflowSettings& settings,
                std::vector<ReactionTask>& tasks) {
  if (now <= 0) return InvalidArgument("must be a positive time", "now");
  if (now < s.last_step_at) {
    return FailedPrecondition(fmt::format("section {} has a step at {}, after {}", s.section_id,
                                          core::FormatTimestamp(s.last_step_at),
                                          core::FormatTimestamp(now)));
  }
  // Critical expiry and lapse of the open proposal, in the order they fell due.
  for (;;) {
    const bool expires =
        s.level == SectionImpact::kCritical && s.critical_until && now >= *s.critical_until;
    const bool lapses = s.proposal && now >= s.proposal->decide_by;
    if (!expires && !lapses) break;
    if (expires && (!lapses || *s.critical_until <= s.proposal->decide_by)) {
      const core::Timestamp ended = *s.critical_until;
      const SectionImpact back = s.level_before_critical;
      Record(s, ImpactStep::kCriticalExpired, ended, kSystem, "", back,
             fmt::format("critical is temporary ({} Art. 34(2)); it ended at {} and the section "
                         "returns to {}",
                         kRegulation, core::FormatTimestamp(ended), Name(back)));
      s.level = back;
      s.level_since = ended;
      s.critical_until.reset();
      const std::string prefix = fmt::format("{}/E{}", s.section_id, s.history.size());
      for (ReactionTask& t : ReactionsFor(s, back, now, settings, prefix)) {
        tasks.push_back(std::move(t));
      }
    } else {
      const std::string id = s.proposal->id;
      const SectionImpact to = s.proposal->level;
      Record(s, ImpactStep::kLapsed, s.proposal->decide_by, kSystem, id, to,
             fmt::format("not {} by {}: the level stays {} ({} Art. 34(3))",
                         s.proposal->status == ProposalStatus::kAgreed ? "attributed" : "agreed",
                         core::FormatTimestamp(s.proposal->decide_by), Name(s.level), kRegulation));
      CloseOpenProposal(s, ProposalStatus::kLapsed);
    }
  }
  s.last_step_at = now;
  return Status::Ok();
}

Status CheckReason(std::string_view reason, bool required) {
  if (required && reason.empty()) return InvalidArgument("is required", "reason");
  if (reason.size() > 10'000) return InvalidArgument("is longer than 10000 bytes", "reason");
  return Status::Ok();
}

bool IsNccOf(const SectionImpactState& s, const Actor& a) {
  return a.ncc && !a.agency && a.member_state == s.member_state;
}

Status NeedNcc(const SectionImpactState& s, const Actor& a, std::string_view what) {
  ISSA_RETURN_IF_ERROR(ValidateActor(a));
  if (!IsNccOf(s, a)) {
    return PermissionDenied(
        fmt::format("only the NCC of {} may {} for section {} ({} Arts 21(2), 34(1))",
                    s.member_state, what, s.section_id, kRegulation));
  }
  if (!MayDecide(a)) {
    return PermissionDenied(fmt::format("role {} may not {}", core::ToString(a.role), what));
  }
  return Status::Ok();
}

Status NeedAgency(const Actor& a, std::string_view what) {
  ISSA_RETURN_IF_ERROR(ValidateActor(a));
  if (!a.agency) {
    return PermissionDenied(
        fmt::format("only the Agency may {} ({} Art. 34(1))", what, kRegulation));
  }
  if (!MayDecide(a)) {
    return PermissionDenied(fmt::format("role {} may not {}", core::ToString(a.role), what));
  }
  return Status::Ok();
}

// The open proposal with this id; FailedPrecondition when it was closed, NotFound when unknown.
Status FindOpen(const SectionImpactState& s, std::string_view id) {
  if (s.proposal && s.proposal->id == id) return Status::Ok();
  for (const LevelProposal& p : s.closed_proposals) {
    if (p.id == id) {
      return FailedPrecondition(fmt::format("proposal {} is {}", id, ProposalStatusName(p.status)));
    }
  }
  return NotFound(fmt::format("section {} has no proposal {}", s.section_id, id));
}

ReactionTask Task(const SectionImpactState& s, SectionImpact level, ReactionKind kind,
                  ReactionAction action, std::string addressee, std::string_view article,
                  std::string text, core::Timestamp now, const WorkflowSettings& settings) {
  ReactionTask t;
  t.section_id = s.section_id;
  t.level = level;
  t.kind = kind;
  t.action = action;
  t.addressee = std::move(addressee);
  t.legal_basis = fmt::format("{} {}", kRegulation, article);
  t.text = std::move(text);
  t.created_at = now;
  t.due_at = kind == ReactionKind::kTask ? now + settings.reaction_due_ms : now;
  return t;
}

// The common start of a step on the open proposal `proposal_id`: the actor check `who`, the
// reason, what `now` made due, and the proposal itself (open, and awaiting agreement when
// `awaiting` is set).
Result<ImpactOutcome> BeginStep(const SectionImpactState& state, std::string_view proposal_id,
                                std::string_view reason, bool reason_required, const Status& who,
                                bool awaiting, core::Timestamp now,
                                const WorkflowSettings& settings) {
  ISSA_RETURN_IF_ERROR(who);
  ISSA_RETURN_IF_ERROR(CheckReason(reason, reason_required));
  ImpactOutcome out{state, {}};
  ISSA_RETURN_IF_ERROR(ApplyDue(out.state, now, settings, out.tasks));
  ISSA_RETURN_IF_ERROR(FindOpen(out.state, proposal_id));
  if (awaiting && out.state.proposal->status != ProposalStatus::kAwaitingAgreement) {
    return FailedPrecondition(fmt::format("proposal {} is already {}", proposal_id,
                                          ProposalStatusName(out.state.proposal->status)));
  }
  return out;
}

}  // namespace

std::string_view SectionImpactName(SectionImpact level) {
  const auto i = static_cast<size_t>(level);
  return i < kLevelNames.size() ? kLevelNames[i] : "unknown";
}

Result<SectionImpact> ParseSectionImpact(std::string_view text, std::string field) {
  for (size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == text) return static_cast<SectionImpact>(i);
  }
  return InvalidArgument("must be low, medium, high or critical", std::move(field));
}

std::string_view ProposalStatusName(ProposalStatus s) {
  switch (s) {
    case ProposalStatus::kAwaitingAgreement:
      return "awaiting_agreement";
    case ProposalStatus::kAgreed:
      return "agreed";
    case ProposalStatus::kRefused:
      return "refused";
    case ProposalStatus::kDeclined:
      return "declined";
    case ProposalStatus::kLapsed:
      return "lapsed";
    case ProposalStatus::kAttributed:
      return "attributed";
  }
  return "unknown";
}

std::string_view ImpactStepName(ImpactStep s) {
  switch (s) {
    case ImpactStep::kProposed:
      return "proposed";
    case ImpactStep::kAgreed:
      return "agreed";
    case ImpactStep::kRefused:
      return "refused";
    case ImpactStep::kDeclined:
      return "declined";
    case ImpactStep::kLapsed:
      return "lapsed";
    case ImpactStep::kAttributed:
      return "attributed";
    case ImpactStep::kCriticalExpired:
      return "critical_expired";
  }
  return "unknown";
}

std::string_view ReactionActionName(ReactionAction a) {
  switch (a) {
    case ReactionAction::kRegularBorderControl:
      return "regular_border_control";
    case ReactionAction::kAppropriateMeasures:
      return "appropriate_measures";
    case ReactionAction::kCoordinateSupport:
      return "coordinate_support";
    case ReactionAction::kReinforcedMeasures:
      return "reinforced_measures";
    case ReactionAction::kMayRequestAgencySupport:
      return "may_request_agency_support";
    case ReactionAction::kCoordinateWithNeighbour:
      return "coordinate_with_neighbour";
    case ReactionAction::kNotifyCommission:
      return "notify_commission";
    case ReactionAction::kExecutiveDirectorRecommendation:
      return "executive_director_recommendation";
    case ReactionAction::kInformAgencyOfMeasures:
      return "inform_agency_of_measures";
  }
  return "unknown";
}

Result<LevelSuggestion> SuggestSectionLevel(std::string_view section_id,
                                            const std::vector<IncidentPoint>& incidents,
                                            const SectionLocator& locator, core::Timestamp now,
                                            const SuggestionSettings& settings) {
  if (section_id.empty()) return InvalidArgument("is required", "section_id");
  if (settings.window_ms <= 0) return InvalidArgument("must be positive", "settings.window_ms");
  for (const double w : settings.weights) {
    if (!std::isfinite(w) || w < 0) {
      return InvalidArgument("must be finite and not negative", "settings.weights");
    }
  }
  if (!std::isfinite(settings.medium_from) || settings.medium_from <= 0) {
    return InvalidArgument("must be positive", "settings.medium_from");
  }
  if (!std::isfinite(settings.high_from) || settings.high_from < settings.medium_from) {
    return InvalidArgument("must be at least medium_from", "settings.high_from");
  }
  if (settings.critical_from &&
      (!std::isfinite(*settings.critical_from) || *settings.critical_from < settings.high_from)) {
    return InvalidArgument("must be at least high_from", "settings.critical_from");
  }
  LevelSuggestion out;
  out.section_id = std::string(section_id);
  out.window_to = now;
  out.window_from = now - settings.window_ms;
  for (const IncidentPoint& i : incidents) {
    if (i.time <= out.window_from || i.time > now) continue;
    const auto level = static_cast<size_t>(i.impact);
    if (level >= settings.weights.size()) continue;
    if (i.section_id.empty()) {
      if (!locator) continue;
      const std::optional<std::string> located = locator(i.lat, i.lon);
      if (!located || *located != section_id) continue;
    } else if (i.section_id != section_id) {
      continue;
    }
    ++out.incidents[level];
    out.score += settings.weights[level];
  }
  if (settings.critical_from && out.score >= *settings.critical_from) {
    out.level = SectionImpact::kCritical;
  } else if (out.score >= settings.high_from) {
    out.level = SectionImpact::kHigh;
  } else if (out.score >= settings.medium_from) {
    out.level = SectionImpact::kMedium;
  } else {
    out.level = SectionImpact::kLow;
  }
  return out;
}

Result<SectionImpactState> NewSectionImpactState(const BorderSection& section,
                                                 std::string ncc_authority, core::Timestamp now) {
  if (section.id.empty()) return InvalidArgument("is required", "section.id");
  if (!core::IsValidCountry(section.member_state) || section.member_state == "EU") {
    return InvalidArgument("is not an ISO 3166-1 alpha-2 code", "section.member_state");
  }
  if (!core::IsValidAuthorityId(ncc_authority)) {
    return InvalidArgument("is not an authority id", "ncc_authority");
  }
  if (now <= 0) return InvalidArgument("must be a positive time", "now");
  SectionImpactState s;
  s.section_id = section.id;
  s.member_state = section.member_state;
  s.neighbouring_country = section.neighbouring_country;
  s.ncc_authority = std::move(ncc_authority);
  s.level_since = now;
  s.last_step_at = now;
  return s;
}

std::vector<ReactionTask> ReactionsFor(const SectionImpactState& s, SectionImpact level,
                                       core::Timestamp now, const WorkflowSettings& settings,
                                       std::string_view id_prefix) {
  std::vector<ReactionTask> out;
  const std::string& ncc = s.ncc_authority;
  const std::string& section = s.section_id;
  out.push_back(Task(s, level, ReactionKind::kTask, ReactionAction::kRegularBorderControl, ncc,
                     "Art. 35(1)(a)",
                     fmt::format("Organise regular border control based on risk analysis at "
                                 "section {} and keep sufficient staff and resources available "
                                 "for it.",
                                 section),
                     now, settings));
  if (level >= SectionImpact::kMedium) {
    out.push_back(Task(s, level, ReactionKind::kTask, ReactionAction::kAppropriateMeasures, ncc,
                       "Art. 35(1)(b)",
                       fmt::format("Ensure appropriate control measures are taken at section "
                                   "{}; the NCC is notified when they are.",
                                   section),
                       now, settings));
    out.push_back(Task(s, level, ReactionKind::kTask, ReactionAction::kCoordinateSupport, ncc,
                       "Arts 35(1)(b), 21(3)",
                       fmt::format("Coordinate any support given to the authorities at section "
                                   "{}.",
                                   section),
                       now, settings));
    out.push_back(Task(s, level, ReactionKind::kTask, ReactionAction::kInformAgencyOfMeasures, ncc,
                       "Art. 35(2)",
                       fmt::format("Inform the Agency regularly of the measures taken at section "
                                   "{}.",
                                   section),
                       now, settings));
    if (!s.neighbouring_country.empty()) {
      out.push_back(Task(s, level, ReactionKind::kTask, ReactionAction::kCoordinateWithNeighbour,
                         ncc, "Art. 35(3)",
                         fmt::format("Contact the counterpart in {} and endeavour to coordinate "
                                     "the cross-border measures for section {}.",
                                     s.neighbouring_country, section),
                         now, settings));
    }
  }
  if (level >= SectionImpact::kHigh) {
    out.push_back(Task(s, level, ReactionKind::kTask, ReactionAction::kReinforcedMeasures, ncc,
                       "Art. 35(1)(c)",
                       fmt::format("Ensure, through the NCC, that the authorities at section {} "
                                   "get the necessary support and that reinforced control "
                                   "measures are taken.",
                                   section),
                       now, settings));
    out.push_back(Task(s, level, ReactionKind::kNotification,
                       ReactionAction::kMayRequestAgencySupport, ncc, "Arts 35(1)(c), 36",
                       fmt::format("{} may request the Agency's support for section {} (joint "
                                   "operation or rapid border intervention).",
                                   s.member_state, section),
                       now, settings));
  }
  if (level >= SectionImpact::kCritical) {
    out.push_back(Task(s, level, ReactionKind::kTask, ReactionAction::kNotifyCommission,
                       settings.agency_authority, "Art. 35(1)(d)",
                       fmt::format("Notify the Commission that section {} ({}) has a critical "
                                   "impact level.",
                                   section, s.member_state),
                       now, settings));
    out.push_back(Task(s, level, ReactionKind::kTask,
                       ReactionAction::kExecutiveDirectorRecommendation, settings.agency_authority,
                       "Art. 35(1)(d)",
                       fmt::format("The Executive Director issues a recommendation to {} on the "
                                   "measures for section {}.",
                                   s.member_state, section),
                       now, settings));
  }
  for (size_t i = 0; i < out.size(); ++i) out[i].id = fmt::format("{}/R{}", id_prefix, i + 1);
  return out;
}

Result<ImpactOutcome> ProposeLevel(const SectionImpactState& state, const ProposalInput& input,
                                   const Actor& actor, core::Timestamp now,
                                   const WorkflowSettings& settings) {
  ISSA_RETURN_IF_ERROR(ValidateActor(actor));
  const bool ncc = IsNccOf(state, actor);
  if (!actor.agency && !ncc) {
    return PermissionDenied(fmt::format(
        "only the Agency or the NCC of {} may propose a level for section {} ({} Art. 34(1), "
        "34(4))",
        state.member_state, state.section_id, kRegulation));
  }
  if (!MayRecord(actor)) {
    return PermissionDenied(
        fmt::format("role {} may not propose levels", core::ToString(actor.role)));
  }
  ISSA_RETURN_IF_ERROR(CheckLevel(input.level));
  ISSA_RETURN_IF_ERROR(CheckReason(input.reason, true));
  const bool critical = input.level == SectionImpact::kCritical;
  if (critical && !actor.agency) {
    return PermissionDenied(fmt::format(
        "critical is attributed on the Agency's risk analysis ({} Art. 34(2)): only the Agency "
        "may propose it",
        kRegulation));
  }
  if (critical) {
    if (!input.critical_until) {
      return InvalidArgument("is required: critical is temporary", "critical_until");
    }
    if (*input.critical_until <= now) {
      return InvalidArgument("must be after the proposal", "critical_until");
    }
    if (*input.critical_until - now > settings.max_critical_ms) {
      return InvalidArgument(
          fmt::format("is more than {} days ahead", settings.max_critical_ms / core::kMsPerDay),
          "critical_until");
    }
  } else if (input.critical_until) {
    return InvalidArgument("is only for critical", "critical_until");
  }
  if (input.basis && input.basis->section_id != state.section_id) {
    return InvalidArgument(
        fmt::format("is for section {}, not {}", input.basis->section_id, state.section_id),
        "basis.section_id");
  }
  ImpactOutcome out{state, {}};
  SectionImpactState& s = out.state;
  ISSA_RETURN_IF_ERROR(ApplyDue(s, now, settings, out.tasks));
  if (s.proposal) {
    return FailedPrecondition(fmt::format("section {} already has the open proposal {} ({})",
                                          s.section_id, s.proposal->id,
                                          ProposalStatusName(s.proposal->status)));
  }
  if (input.level == s.level &&
      !(critical && s.critical_until && *input.critical_until > *s.critical_until)) {
    return FailedPrecondition(fmt::format("section {} is already {}", s.section_id, Name(s.level)));
  }
  LevelProposal p;
  p.id = fmt::format("{}/P{}", s.section_id, ++s.proposals_made);
  p.level = input.level;
  p.proposed_by = actor.authority_id;
  p.by_agency = actor.agency;
  p.proposed_at = now;
  p.reason = input.reason;
  p.basis = input.basis;
  p.critical_until = input.critical_until;
  p.decide_by = now + settings.agreement_window_ms;
  Record(s, ImpactStep::kProposed, now, actor.authority_id, p.id, p.level, input.reason);
  if (ncc) {
    // The NCC's own assessment (Art. 34(4)) carries the member state's agreement to it.
    p.status = ProposalStatus::kAgreed;
    p.agreed_by = actor.authority_id;
    p.agreed_at = now;
    Record(s, ImpactStep::kAgreed, now, actor.authority_id, p.id, p.level,
           fmt::format("proposed by the NCC of {} ({} Art. 34(4))", s.member_state, kRegulation));
  }
  s.proposal = std::move(p);
  return out;
}

Result<ImpactOutcome> AgreeToProposal(const SectionImpactState& state, std::string_view proposal_id,
                                      std::string_view reason, const Actor& actor,
                                      core::Timestamp now, const WorkflowSettings& settings) {
  ISSA_ASSIGN_OR_RETURN(ImpactOutcome out,
                        BeginStep(state, proposal_id, reason, false,
                                  NeedNcc(state, actor, "agree to a level"), true, now, settings));
  SectionImpactState& s = out.state;
  s.proposal->status = ProposalStatus::kAgreed;
  s.proposal->agreed_by = actor.authority_id;
  s.proposal->agreed_at = now;
  Record(s, ImpactStep::kAgreed, now, actor.authority_id, proposal_id, s.proposal->level,
         std::string(reason));
  return out;
}

Result<ImpactOutcome> RefuseProposal(const SectionImpactState& state, std::string_view proposal_id,
                                     std::string_view reason, const Actor& actor,
                                     core::Timestamp now, const WorkflowSettings& settings) {
  ISSA_ASSIGN_OR_RETURN(ImpactOutcome out,
                        BeginStep(state, proposal_id, reason, true,
                                  NeedNcc(state, actor, "refuse a level"), true, now, settings));
  SectionImpactState& s = out.state;
  Record(s, ImpactStep::kRefused, now, actor.authority_id, proposal_id, s.proposal->level,
         fmt::format("{}; the level stays {} ({} Art. 34(3))", reason, Name(s.level), kRegulation));
  CloseOpenProposal(s, ProposalStatus::kRefused);
  return out;
}

Result<ImpactOutcome> AttributeLevel(const SectionImpactState& state, std::string_view proposal_id,
                                     std::string_view reason, const Actor& actor,
                                     core::Timestamp now, const WorkflowSettings& settings) {
  ISSA_ASSIGN_OR_RETURN(ImpactOutcome out, BeginStep(state, proposal_id, reason, false,
                                                     NeedAgency(actor, "attribute impact levels"),
                                                     false, now, settings));
  SectionImpactState& s = out.state;
  LevelProposal& p = *s.proposal;
  if (p.status != ProposalStatus::kAgreed) {
    return FailedPrecondition(fmt::format(
        "proposal {} has no agreement of {}: without it the level stays {} ({} Art. 34(3))",
        proposal_id, s.member_state, Name(s.level), kRegulation));
  }
  const SectionImpact level = p.level;
  if (level == SectionImpact::kCritical) {
    if (*p.critical_until <= now) {
      return FailedPrecondition(
          fmt::format("proposal {} asked for critical until {}, which has passed", proposal_id,
                      core::FormatTimestamp(*p.critical_until)));
    }
    if (s.level != SectionImpact::kCritical) s.level_before_critical = s.level;
  }
  Record(s, ImpactStep::kAttributed, now, actor.authority_id, proposal_id, level,
         reason.empty() ? fmt::format("as agreed by {}", p.agreed_by)
                        : fmt::format("{} (as agreed by {})", reason, p.agreed_by));
  s.critical_until = level == SectionImpact::kCritical ? p.critical_until : std::nullopt;
  s.level = level;
  s.level_since = now;
  const std::string prefix = p.id;
  CloseOpenProposal(s, ProposalStatus::kAttributed);
  for (ReactionTask& t : ReactionsFor(s, level, now, settings, prefix)) {
    out.tasks.push_back(std::move(t));
  }
  return out;
}

Result<ImpactOutcome> DeclineProposal(const SectionImpactState& state, std::string_view proposal_id,
                                      std::string_view reason, const Actor& actor,
                                      core::Timestamp now, const WorkflowSettings& settings) {
  ISSA_ASSIGN_OR_RETURN(ImpactOutcome out,
                        BeginStep(state, proposal_id, reason, true,
                                  NeedAgency(actor, "decline a proposal"), false, now, settings));
  SectionImpactState& s = out.state;
  Record(s, ImpactStep::kDeclined, now, actor.authority_id, proposal_id, s.proposal->level,
         fmt::format("{}; the level stays {}", reason, Name(s.level)));
  CloseOpenProposal(s, ProposalStatus::kDeclined);
  return out;
}

Result<ImpactOutcome> AdvanceImpactState(const SectionImpactState& state, core::Timestamp now,
                                         const WorkflowSettings& settings) {
  ImpactOutcome out{state, {}};
  ISSA_RETURN_IF_ERROR(ApplyDue(out.state, now, settings, out.tasks));
  return out;
}

}  // namespace issa::maritime
