#include "issa/maritime/impact_levels.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace issa::maritime {
namespace {

constexpr core::Timestamp kT0 = 1'790'000'000'000;  // 2026-09-21
constexpr core::Timestamp kHour = 3'600'000;
constexpr core::Timestamp kDay = core::kMsPerDay;

Actor Agency(core::Role role = core::Role::kOfficer) {
  return {"FRONTEX", "EU", true, false, role};
}
Actor ItalianNcc(core::Role role = core::Role::kOfficer) {
  return {"IT-NCC", "IT", false, true, role};
}
Actor GreekNcc() { return {"GR-NCC", "GR", false, true, core::Role::kOfficer}; }
Actor ItalianPolice() { return {"IT-GDF", "IT", false, false, core::Role::kOfficer}; }

SectionImpactState Lampedusa() {
  BorderSection s;
  s.id = "IT-SEA-PELAGIE";
  s.member_state = "IT";
  s.kind = SectionKind::kSea;
  s.name = "Pelagie";
  s.neighbouring_country = "TN";
  auto state = NewSectionImpactState(s, "IT-NCC", kT0);
  EXPECT_TRUE(state.ok()) << state.status().ToString();
  return *state;
}

ProposalInput Propose(SectionImpact level, std::optional<core::Timestamp> until = std::nullopt) {
  ProposalInput in;
  in.level = level;
  in.reason = "risk analysis 2026/41: arrivals doubled";
  in.critical_until = until;
  return in;
}

std::vector<ReactionAction> Actions(const std::vector<ReactionTask>& tasks,
                                    const std::string& addressee) {
  std::vector<ReactionAction> out;
  for (const ReactionTask& t : tasks) {
    if (t.addressee == addressee) out.push_back(t.action);
  }
  return out;
}

std::vector<ImpactStep> Steps(const SectionImpactState& s) {
  std::vector<ImpactStep> out;
  for (const ImpactHistoryEntry& e : s.history) out.push_back(e.step);
  return out;
}

TEST(SectionLevelSuggestion, ScoresIncidentsOfTheSectionInTheWindow) {
  const core::Timestamp now = kT0 + 40 * kDay;
  std::vector<IncidentPoint> incidents;
  // In the section and in the window: 3 very high (8 each), 2 medium (2 each) = 28.
  for (int i = 0; i < 3; ++i) {
    incidents.push_back({"vh" + std::to_string(i), now - i * kDay, 35.5, 12.6,
                         IncidentImpact::kVeryHigh, "IT-SEA-PELAGIE"});
  }
  // Located by the locator (no section id): counted.
  incidents.push_back({"m1", now - 29 * kDay, 35.5, 12.6, IncidentImpact::kMedium, ""});
  incidents.push_back({"m2", now - 2 * kHour, 35.5, 12.6, IncidentImpact::kMedium, ""});
  // Not counted: outside the window, in the future, in another section, located elsewhere.
  incidents.push_back({"old", now - 30 * kDay, 35.5, 12.6, IncidentImpact::kVeryHigh, ""});
  incidents.push_back({"future", now + 1, 35.5, 12.6, IncidentImpact::kVeryHigh, ""});
  incidents.push_back({"other", now, 35.5, 12.6, IncidentImpact::kVeryHigh, "IT-SEA-SICILY-S"});
  incidents.push_back({"away", now, 39.0, 26.0, IncidentImpact::kVeryHigh, ""});
  const SectionLocator locator = [](double lat, double lon) -> std::optional<std::string> {
    if (lat > 35 && lat < 36 && lon > 11.8 && lon < 13.2) return "IT-SEA-PELAGIE";
    return std::nullopt;
  };
  auto s = SuggestSectionLevel("IT-SEA-PELAGIE", incidents, locator, now);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_DOUBLE_EQ(s->score, 28);
  EXPECT_EQ(s->level, SectionImpact::kMedium);
  EXPECT_EQ(s->incidents[static_cast<size_t>(IncidentImpact::kVeryHigh)], 3);
  EXPECT_EQ(s->incidents[static_cast<size_t>(IncidentImpact::kMedium)], 2);
  EXPECT_EQ(s->window_from, now - 30 * kDay);

  SuggestionSettings settings;
  settings.high_from = 28;
  EXPECT_EQ(SuggestSectionLevel("IT-SEA-PELAGIE", incidents, locator, now, settings)->level,
            SectionImpact::kHigh);
  settings.critical_from = 28;
  EXPECT_EQ(SuggestSectionLevel("IT-SEA-PELAGIE", incidents, locator, now, settings)->level,
            SectionImpact::kCritical);
  // Without a locator only incidents naming the section count.
  EXPECT_DOUBLE_EQ(SuggestSectionLevel("IT-SEA-PELAGIE", incidents, {}, now)->score, 24);
  settings = {};
  settings.window_ms = kDay;  // only vh0 (now) and m2 (now - 2 h)
  EXPECT_DOUBLE_EQ(SuggestSectionLevel("IT-SEA-PELAGIE", incidents, locator, now, settings)->score,
                   10);
  EXPECT_EQ(SuggestSectionLevel("IT-SEA-PELAGIE", incidents, locator, now, settings)->level,
            SectionImpact::kMedium);
}

TEST(SectionLevelSuggestion, RefusesBadSettings) {
  SuggestionSettings settings;
  settings.high_from = 5;  // below medium_from
  EXPECT_EQ(SuggestSectionLevel("S", {}, {}, kT0, settings).status().field(), "settings.high_from");
  settings = {};
  settings.window_ms = 0;
  EXPECT_EQ(SuggestSectionLevel("S", {}, {}, kT0, settings).status().field(), "settings.window_ms");
  settings = {};
  settings.weights[2] = -1;
  EXPECT_EQ(SuggestSectionLevel("S", {}, {}, kT0, settings).status().field(), "settings.weights");
  EXPECT_EQ(SuggestSectionLevel("", {}, {}, kT0).status().field(), "section_id");
}

TEST(SectionImpactWorkflow, AgencyProposesMemberStateAgreesAgencyAttributes) {
  SectionImpactState s = Lampedusa();
  auto proposed = ProposeLevel(s, Propose(SectionImpact::kHigh), Agency(), kT0 + kHour);
  ASSERT_TRUE(proposed.ok()) << proposed.status().ToString();
  ASSERT_TRUE(proposed->state.proposal.has_value());
  const std::string id = proposed->state.proposal->id;
  EXPECT_EQ(id, "IT-SEA-PELAGIE/P1");
  EXPECT_EQ(proposed->state.proposal->status, ProposalStatus::kAwaitingAgreement);
  EXPECT_EQ(proposed->state.level, SectionImpact::kLow);
  EXPECT_TRUE(proposed->tasks.empty());

  // No attribution without the member state's agreement: the level stays (Art. 34(3)).
  auto early = AttributeLevel(proposed->state, id, "", Agency(), kT0 + 2 * kHour);
  EXPECT_EQ(early.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(early.status().message().find("Art. 34(3)"), std::string::npos);

  auto agreed =
      AgreeToProposal(proposed->state, id, "confirmed by NSP", ItalianNcc(), kT0 + 3 * kHour);
  ASSERT_TRUE(agreed.ok()) << agreed.status().ToString();
  EXPECT_EQ(agreed->state.level, SectionImpact::kLow);
  auto attributed = AttributeLevel(agreed->state, id, "", Agency(), kT0 + 4 * kHour);
  ASSERT_TRUE(attributed.ok()) << attributed.status().ToString();
  const SectionImpactState& after = attributed->state;
  EXPECT_EQ(after.level, SectionImpact::kHigh);
  EXPECT_EQ(after.level_since, kT0 + 4 * kHour);
  EXPECT_FALSE(after.proposal.has_value());
  ASSERT_EQ(after.closed_proposals.size(), 1u);
  EXPECT_EQ(after.closed_proposals[0].status, ProposalStatus::kAttributed);
  EXPECT_EQ(after.closed_proposals[0].agreed_by, "IT-NCC");

  // Full history with actors and times.
  EXPECT_EQ(Steps(after), (std::vector<ImpactStep>{ImpactStep::kProposed, ImpactStep::kAgreed,
                                                   ImpactStep::kAttributed}));
  EXPECT_EQ(after.history[0].actor, "FRONTEX");
  EXPECT_EQ(after.history[1].actor, "IT-NCC");
  EXPECT_EQ(after.history[1].reason, "confirmed by NSP");
  EXPECT_EQ(after.history[2].from, SectionImpact::kLow);
  EXPECT_EQ(after.history[2].to, SectionImpact::kHigh);
  EXPECT_EQ(after.history[2].at, kT0 + 4 * kHour);

  // Art. 35 reactions for high, all addressed to the NCC (neighbouring TN: coordination).
  EXPECT_EQ(Actions(attributed->tasks, "IT-NCC"),
            (std::vector<ReactionAction>{
                ReactionAction::kRegularBorderControl, ReactionAction::kAppropriateMeasures,
                ReactionAction::kCoordinateSupport, ReactionAction::kInformAgencyOfMeasures,
                ReactionAction::kCoordinateWithNeighbour, ReactionAction::kReinforcedMeasures,
                ReactionAction::kMayRequestAgencySupport}));
  EXPECT_TRUE(Actions(attributed->tasks, "FRONTEX").empty());
  for (const ReactionTask& t : attributed->tasks) {
    EXPECT_EQ(t.section_id, "IT-SEA-PELAGIE");
    EXPECT_EQ(t.level, SectionImpact::kHigh);
    EXPECT_EQ(t.id.rfind("IT-SEA-PELAGIE/P1/R", 0), 0u);
    EXPECT_NE(t.legal_basis.find("2019/1896"), std::string::npos);
    EXPECT_EQ(t.created_at, kT0 + 4 * kHour);
    EXPECT_GE(t.due_at, t.created_at);
  }
}

TEST(SectionImpactWorkflow, RefusalKeepsTheLevel) {
  SectionImpactState s = Lampedusa();
  auto p = ProposeLevel(s, Propose(SectionImpact::kMedium), Agency(), kT0 + 1);
  ASSERT_TRUE(p.ok());
  const std::string id = p->state.proposal->id;
  EXPECT_EQ(RefuseProposal(p->state, id, "", ItalianNcc(), kT0 + 2).status().field(), "reason");
  auto refused = RefuseProposal(p->state, id, "NSP shows no change", ItalianNcc(), kT0 + 2);
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->state.level, SectionImpact::kLow);
  EXPECT_FALSE(refused->state.proposal.has_value());
  EXPECT_EQ(refused->state.closed_proposals.back().status, ProposalStatus::kRefused);
  EXPECT_EQ(Steps(refused->state),
            (std::vector<ImpactStep>{ImpactStep::kProposed, ImpactStep::kRefused}));
  EXPECT_TRUE(refused->tasks.empty());
  const auto attribute = AttributeLevel(refused->state, id, "", Agency(), kT0 + 3);
  EXPECT_EQ(attribute.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(attribute.status().message().find("refused"), std::string::npos);
  EXPECT_EQ(AgreeToProposal(refused->state, id, "", ItalianNcc(), kT0 + 3).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(AgreeToProposal(refused->state, "nope", "", ItalianNcc(), kT0 + 3).status().code(),
            StatusCode::kNotFound);
}

TEST(SectionImpactWorkflow, NccProposalCarriesTheAgreement) {
  SectionImpactState s = Lampedusa();
  auto p =
      ProposeLevel(s, Propose(SectionImpact::kMedium), ItalianNcc(core::Role::kAnalyst), kT0 + 1);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->state.proposal->status, ProposalStatus::kAgreed);
  EXPECT_FALSE(p->state.proposal->by_agency);
  EXPECT_EQ(Steps(p->state), (std::vector<ImpactStep>{ImpactStep::kProposed, ImpactStep::kAgreed}));
  // Only the Agency attributes, even the NCC's own proposal.
  EXPECT_EQ(
      AttributeLevel(p->state, p->state.proposal->id, "", ItalianNcc(), kT0 + 2).status().code(),
      StatusCode::kPermissionDenied);
  auto a = AttributeLevel(p->state, p->state.proposal->id, "vulnerability assessment", Agency(),
                          kT0 + 2);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->state.level, SectionImpact::kMedium);
  EXPECT_EQ(a->tasks.size(), 5u);  // (a), (b), support, inform the Agency, neighbour
}

TEST(SectionImpactWorkflow, WhoMayAct) {
  SectionImpactState s = Lampedusa();
  // Proposals: the Agency or the member state's NCC only.
  EXPECT_EQ(
      ProposeLevel(s, Propose(SectionImpact::kHigh), ItalianPolice(), kT0 + 1).status().code(),
      StatusCode::kPermissionDenied);
  EXPECT_EQ(ProposeLevel(s, Propose(SectionImpact::kHigh), GreekNcc(), kT0 + 1).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ProposeLevel(s, Propose(SectionImpact::kHigh), Agency(core::Role::kViewer), kT0 + 1)
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  // Critical rests on the Agency's risk analysis (Art. 34(2)).
  const auto ncc_critical =
      ProposeLevel(s, Propose(SectionImpact::kCritical, kT0 + kDay), ItalianNcc(), kT0 + 1);
  EXPECT_EQ(ncc_critical.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(ncc_critical.status().message().find("34(2)"), std::string::npos);

  auto p = ProposeLevel(s, Propose(SectionImpact::kHigh), Agency(core::Role::kAnalyst), kT0 + 1);
  ASSERT_TRUE(p.ok());
  const std::string id = p->state.proposal->id;
  // Agreement: the NCC of the section's member state, as an officer.
  EXPECT_EQ(AgreeToProposal(p->state, id, "", GreekNcc(), kT0 + 2).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(AgreeToProposal(p->state, id, "", Agency(), kT0 + 2).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(AgreeToProposal(p->state, id, "", ItalianPolice(), kT0 + 2).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(
      AgreeToProposal(p->state, id, "", ItalianNcc(core::Role::kAnalyst), kT0 + 2).status().code(),
      StatusCode::kPermissionDenied);
  auto agreed = AgreeToProposal(p->state, id, "", ItalianNcc(), kT0 + 2);
  ASSERT_TRUE(agreed.ok());
  // Attribution: the Agency, as an officer.
  EXPECT_EQ(
      AttributeLevel(agreed->state, id, "", Agency(core::Role::kAnalyst), kT0 + 3).status().code(),
      StatusCode::kPermissionDenied);
  // A malformed actor is an input error naming the field.
  Actor bad = Agency();
  bad.member_state = "IT";
  EXPECT_EQ(AttributeLevel(agreed->state, id, "", bad, kT0 + 3).status().field(),
            "actor.member_state");
  EXPECT_TRUE(AttributeLevel(agreed->state, id, "", Agency(), kT0 + 3).ok());
}

TEST(SectionImpactWorkflow, CriticalIsTemporaryAndReverts) {
  SectionImpactState s = Lampedusa();
  // First medium, so that critical has something to return to.
  auto m = ProposeLevel(s, Propose(SectionImpact::kMedium), ItalianNcc(), kT0 + 1);
  ASSERT_TRUE(m.ok());
  m = AttributeLevel(m->state, m->state.proposal->id, "", Agency(), kT0 + 2);
  ASSERT_TRUE(m.ok());
  s = m->state;

  const core::Timestamp t = kT0 + kDay;
  EXPECT_EQ(ProposeLevel(s, Propose(SectionImpact::kCritical), Agency(), t).status().field(),
            "critical_until");
  EXPECT_EQ(ProposeLevel(s, Propose(SectionImpact::kCritical, t + 91 * kDay), Agency(), t)
                .status()
                .field(),
            "critical_until");
  EXPECT_EQ(ProposeLevel(s, Propose(SectionImpact::kCritical, t), Agency(), t).status().field(),
            "critical_until");
  EXPECT_EQ(ProposeLevel(s, Propose(SectionImpact::kHigh, t + kDay), Agency(), t).status().field(),
            "critical_until");

  auto p = ProposeLevel(s, Propose(SectionImpact::kCritical, t + 10 * kDay), Agency(), t);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const std::string id = p->state.proposal->id;
  p = AgreeToProposal(p->state, id, "", ItalianNcc(), t + kHour);
  ASSERT_TRUE(p.ok());
  auto c = AttributeLevel(p->state, id, "decisive impact", Agency(), t + 2 * kHour);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->state.level, SectionImpact::kCritical);
  EXPECT_EQ(c->state.critical_until, t + 10 * kDay);
  EXPECT_EQ(c->state.level_before_critical, SectionImpact::kMedium);
  // Critical: the Agency notifies the Commission and the Executive Director recommends.
  EXPECT_EQ(Actions(c->tasks, "FRONTEX"),
            (std::vector<ReactionAction>{ReactionAction::kNotifyCommission,
                                         ReactionAction::kExecutiveDirectorRecommendation}));
  EXPECT_EQ(Actions(c->tasks, "IT-NCC").size(), 7u);

  auto before = AdvanceImpactState(c->state, t + 10 * kDay - 1);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->state.level, SectionImpact::kCritical);
  EXPECT_TRUE(before->tasks.empty());

  auto expired = AdvanceImpactState(c->state, t + 11 * kDay);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(expired->state.level, SectionImpact::kMedium);
  EXPECT_FALSE(expired->state.critical_until.has_value());
  EXPECT_EQ(expired->state.level_since, t + 10 * kDay);
  const ImpactHistoryEntry& last = expired->state.history.back();
  EXPECT_EQ(last.step, ImpactStep::kCriticalExpired);
  EXPECT_EQ(last.actor, "system");
  EXPECT_EQ(last.from, SectionImpact::kCritical);
  EXPECT_EQ(last.to, SectionImpact::kMedium);
  EXPECT_EQ(last.at, t + 10 * kDay);
  // The medium reactions are raised again, none for the Agency.
  EXPECT_EQ(expired->tasks.size(), 5u);
  EXPECT_TRUE(Actions(expired->tasks, "FRONTEX").empty());

  // Any later step applies the expiry first.
  auto next = ProposeLevel(c->state, Propose(SectionImpact::kHigh), Agency(), t + 12 * kDay);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->state.level, SectionImpact::kMedium);
  EXPECT_EQ(next->state.history[next->state.history.size() - 2].step, ImpactStep::kCriticalExpired);
  EXPECT_EQ(next->tasks.size(), 5u);
}

TEST(SectionImpactWorkflow, CriticalCanBeExtendedWithAgreement) {
  SectionImpactState s = Lampedusa();
  auto p = ProposeLevel(s, Propose(SectionImpact::kCritical, kT0 + 5 * kDay), Agency(), kT0 + 1);
  ASSERT_TRUE(p.ok());
  p = AgreeToProposal(p->state, p->state.proposal->id, "", ItalianNcc(), kT0 + 2);
  p = AttributeLevel(p->state, p->state.proposal->id, "", Agency(), kT0 + 3);
  ASSERT_TRUE(p.ok());
  // Same end: nothing to change. Later end: a new proposal.
  EXPECT_EQ(ProposeLevel(p->state, Propose(SectionImpact::kCritical, kT0 + 5 * kDay), Agency(),
                         kT0 + kDay)
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  auto e = ProposeLevel(p->state, Propose(SectionImpact::kCritical, kT0 + 9 * kDay), Agency(),
                        kT0 + kDay);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  e = AgreeToProposal(e->state, e->state.proposal->id, "", ItalianNcc(), kT0 + kDay + 1);
  e = AttributeLevel(e->state, e->state.proposal->id, "", Agency(), kT0 + kDay + 2);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->state.critical_until, kT0 + 9 * kDay);
  EXPECT_EQ(e->state.level_before_critical, SectionImpact::kLow);
  auto later = AdvanceImpactState(e->state, kT0 + 6 * kDay);
  EXPECT_EQ(later->state.level, SectionImpact::kCritical);
  later = AdvanceImpactState(e->state, kT0 + 9 * kDay);
  EXPECT_EQ(later->state.level, SectionImpact::kLow);
}

TEST(SectionImpactWorkflow, ProposalLapsesWithoutAgreement) {
  SectionImpactState s = Lampedusa();
  auto p = ProposeLevel(s, Propose(SectionImpact::kHigh), Agency(), kT0 + 1);
  ASSERT_TRUE(p.ok());
  const std::string id = p->state.proposal->id;
  EXPECT_EQ(p->state.proposal->decide_by, kT0 + 1 + 7 * kDay);
  auto lapsed = AdvanceImpactState(p->state, kT0 + 8 * kDay);
  ASSERT_TRUE(lapsed.ok());
  EXPECT_EQ(lapsed->state.level, SectionImpact::kLow);
  EXPECT_FALSE(lapsed->state.proposal.has_value());
  EXPECT_EQ(lapsed->state.closed_proposals.back().status, ProposalStatus::kLapsed);
  EXPECT_EQ(lapsed->state.history.back().step, ImpactStep::kLapsed);
  EXPECT_EQ(lapsed->state.history.back().actor, "system");
  // An agreement after the deadline comes too late.
  const auto late = AgreeToProposal(p->state, id, "", ItalianNcc(), kT0 + 8 * kDay);
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(late.status().message().find("lapsed"), std::string::npos);
}

TEST(SectionImpactWorkflow, DeclineOpenProposalAndOrdering) {
  SectionImpactState s = Lampedusa();
  EXPECT_EQ(ProposeLevel(s, Propose(SectionImpact::kLow), Agency(), kT0 + 1).status().code(),
            StatusCode::kFailedPrecondition);  // already low
  ProposalInput no_reason = Propose(SectionImpact::kHigh);
  no_reason.reason.clear();
  EXPECT_EQ(ProposeLevel(s, no_reason, Agency(), kT0 + 1).status().field(), "reason");
  ProposalInput wrong_basis = Propose(SectionImpact::kHigh);
  wrong_basis.basis = LevelSuggestion{};
  wrong_basis.basis->section_id = "GR-SEA-LESVOS";
  EXPECT_EQ(ProposeLevel(s, wrong_basis, Agency(), kT0 + 1).status().field(), "basis.section_id");

  auto p = ProposeLevel(s, Propose(SectionImpact::kHigh), ItalianNcc(), kT0 + 10);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(
      ProposeLevel(p->state, Propose(SectionImpact::kMedium), Agency(), kT0 + 11).status().code(),
      StatusCode::kFailedPrecondition);  // one open proposal at a time
  // Time does not run backwards.
  EXPECT_EQ(AdvanceImpactState(p->state, kT0 + 5).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      DeclineProposal(p->state, p->state.proposal->id, "", Agency(), kT0 + 12).status().field(),
      "reason");
  auto d = DeclineProposal(p->state, p->state.proposal->id, "not borne out by risk analysis",
                           Agency(), kT0 + 12);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->state.level, SectionImpact::kLow);
  EXPECT_EQ(d->state.closed_proposals.back().status, ProposalStatus::kDeclined);
  EXPECT_EQ(d->state.history.back().step, ImpactStep::kDeclined);
  // The next proposal gets the next number.
  auto again = ProposeLevel(d->state, Propose(SectionImpact::kMedium), Agency(), kT0 + 13);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->state.proposal->id, "IT-SEA-PELAGIE/P2");
}

TEST(SectionImpactWorkflow, NamesAndNewState) {
  EXPECT_EQ(SectionImpactName(SectionImpact::kCritical), "critical");
  EXPECT_EQ(*ParseSectionImpact("high"), SectionImpact::kHigh);
  EXPECT_EQ(ParseSectionImpact("very_high").status().field(), "level");  // the incident scale
  BorderSection b;
  b.id = "X";
  b.member_state = "IT";
  EXPECT_EQ(NewSectionImpactState(b, "it ncc", kT0).status().field(), "ncc_authority");
  b.member_state = "EU";
  EXPECT_EQ(NewSectionImpactState(b, "IT-NCC", kT0).status().field(), "section.member_state");
}

}  // namespace
}  // namespace issa::maritime
