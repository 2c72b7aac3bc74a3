#include "issa/maritime/event_reports.h"

#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace issa::maritime {
namespace {

constexpr core::Timestamp kT0 = 1'790'000'000'000;
constexpr core::Timestamp kHour = 3'600'000;

// The Guardia di Finanza reports to the Italian NCC, owner of the national situational picture.
Actor Originator(core::Role role = core::Role::kOfficer) {
  return {"IT-GDF", "IT", false, false, role};
}
Actor Owner(core::Role role = core::Role::kOfficer) { return {"IT-NCC", "IT", false, true, role}; }
Actor Stranger() { return {"GR-NCC", "GR", false, true, core::Role::kOfficer}; }

EventReportInput Input() {
  EventReportInput in;
  in.id = "IT-GDF-2026-0001";
  in.category = EventCategory::kUnauthorisedBorderCrossing;
  in.description = "Wooden boat with about 40 persons, 12 nm south of Lampedusa";
  in.lat = 35.3;
  in.lon = 12.6;
  in.section_id = "IT-SEA-PELAGIE";
  in.occurred_at = kT0;
  in.known_at = kT0 + kHour;
  in.confidence = ConfidenceLevel::kMedium;
  in.impact = IncidentImpact::kMedium;
  in.reaction = "Patrol vessel dispatched";
  in.originator = "IT-GDF";
  in.owner = "IT-NCC";
  return in;
}

EventReport Reported(core::Timestamp at = kT0 + 2 * kHour) {
  auto e = ReportEvent(Input(), Originator(), at);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return *e;
}

TEST(EventReports, FirstReport) {
  const EventReport e = Reported();
  EXPECT_EQ(e.state, EventState::kReported);
  EXPECT_EQ(e.impact, IncidentImpact::kMedium);
  EXPECT_EQ(e.originator_impact, IncidentImpact::kMedium);
  EXPECT_EQ(e.reported_at, kT0 + 2 * kHour);
  EXPECT_EQ(e.originator, "IT-GDF");
  EXPECT_EQ(e.owner, "IT-NCC");
  ASSERT_EQ(e.history.size(), 1u);
  EXPECT_EQ(e.history[0].what, "reported");
  EXPECT_EQ(e.history[0].actor, "IT-GDF");
}

TEST(EventReports, EveryFieldIsValidated) {
  struct Case {
    void (*edit)(EventReportInput&);
    const char* field;
  };
  const Case cases[] = {
      {[](EventReportInput& i) { i.id = ""; }, "id"},
      {[](EventReportInput& i) { i.id = "has space"; }, "id"},
      {[](EventReportInput& i) { i.category = static_cast<EventCategory>(42); }, "category"},
      {[](EventReportInput& i) { i.description = ""; }, "description"},
      {[](EventReportInput& i) { i.description = std::string(10'001, 'x'); }, "description"},
      {[](EventReportInput& i) { i.lat = 90.5; }, "lat"},
      {[](EventReportInput& i) { i.lon = -181; }, "lon"},
      {[](EventReportInput& i) { i.lon = std::numeric_limits<double>::quiet_NaN(); }, "lon"},
      {[](EventReportInput& i) { i.section_id = "bad id"; }, "section_id"},
      {[](EventReportInput& i) { i.occurred_at = 0; }, "occurred_at"},
      {[](EventReportInput& i) { i.known_at = 0; }, "known_at"},
      {[](EventReportInput& i) { i.known_at = kT0 + 10 * kHour; }, "known_at"},
      {[](EventReportInput& i) { i.confidence = static_cast<ConfidenceLevel>(9); }, "confidence"},
      {[](EventReportInput& i) { i.impact = static_cast<IncidentImpact>(4); }, "impact"},
      {[](EventReportInput& i) { i.reaction = std::string(10'001, 'x'); }, "reaction"},
      {[](EventReportInput& i) { i.originator = "it-gdf"; }, "originator"},
      {[](EventReportInput& i) { i.owner = ""; }, "owner"},
  };
  for (const Case& c : cases) {
    EventReportInput in = Input();
    c.edit(in);
    const auto r = ReportEvent(in, Originator(), kT0 + 2 * kHour);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(r.status().field(), c.field) << r.status().ToString();
  }
  EXPECT_EQ(ReportEvent(Input(), Originator(), 0).status().field(), "now");
}

TEST(EventReports, OnlyTheOriginatorReports) {
  EXPECT_EQ(ReportEvent(Input(), Owner(), kT0 + 2 * kHour).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ReportEvent(Input(), Originator(core::Role::kViewer), kT0 + 2 * kHour).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(ReportEvent(Input(), Originator(core::Role::kAnalyst), kT0 + 2 * kHour).ok());
}

TEST(EventReports, SingleEventReportDueWithin24Hours) {
  const EventReport on_time = Reported(kT0 + kHour + 24 * kHour);  // exactly at the deadline
  EXPECT_EQ(SingleEventTiming(on_time).due_at, kT0 + 25 * kHour);
  EXPECT_FALSE(SingleEventTiming(on_time).late);
  const EventReport late = Reported(kT0 + 30 * kHour);
  EXPECT_TRUE(SingleEventTiming(late).late);
  EXPECT_EQ(SingleEventTiming(late).late_by_ms, 5 * kHour);
  EventReportInput indicator = Input();
  indicator.single_event = false;
  const auto ind = ReportEvent(indicator, Originator(), kT0 + 30 * kHour);
  ASSERT_TRUE(ind.ok());
  EXPECT_FALSE(SingleEventTiming(*ind).late);

  EXPECT_TRUE(NeedsSingleEventReport(EventCategory::kUnauthorisedBorderCrossing,
                                     IncidentImpact::kLow, false));
  EXPECT_TRUE(
      NeedsSingleEventReport(EventCategory::kCrossBorderCrime, IncidentImpact::kHigh, false));
  EXPECT_TRUE(NeedsSingleEventReport(EventCategory::kOther, IncidentImpact::kLow, true));
  EXPECT_FALSE(
      NeedsSingleEventReport(EventCategory::kCrossBorderCrime, IncidentImpact::kMedium, false));
}

TEST(EventReports, FollowUpsAreLinkedAndUpdate) {
  const EventReport e = Reported();
  EventReportInput f = Input();
  f.id = "IT-GDF-2026-0001-FU1";
  f.description = "Boat intercepted; 43 persons on board";
  f.lat = 35.45;
  f.confidence = ConfidenceLevel::kHigh;
  f.impact = IncidentImpact::kHigh;
  f.reaction = "Persons disembarked at Lampedusa";
  auto r = AddFollowUp(e, f, Originator(), kT0 + 5 * kHour);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->event.state, EventState::kUpdated);
  EXPECT_EQ(r->event.follow_ups, std::vector<std::string>{"IT-GDF-2026-0001-FU1"});
  EXPECT_EQ(r->follow_up.follows_up, e.id);
  EXPECT_EQ(r->event.description, f.description);
  EXPECT_DOUBLE_EQ(r->event.lat, 35.45);
  EXPECT_EQ(r->event.confidence, ConfidenceLevel::kHigh);
  EXPECT_EQ(r->event.impact, IncidentImpact::kHigh);  // the owner has not revised it
  EXPECT_EQ(r->event.reported_at, e.reported_at);
  EXPECT_EQ(r->event.updated_at, kT0 + 5 * kHour);
  EXPECT_EQ(r->event.history.back().what, "follow_up");
  EXPECT_FALSE(SingleEventTiming(r->follow_up).late);

  // The same id twice, a changed category, a stranger, a report for someone else.
  EXPECT_EQ(AddFollowUp(r->event, f, Originator(), kT0 + 6 * kHour).status().code(),
            StatusCode::kAlreadyExists);
  EventReportInput other = f;
  other.id = "FU2";
  other.category = EventCategory::kCrossBorderCrime;
  EXPECT_EQ(AddFollowUp(r->event, other, Originator(), kT0 + 6 * kHour).status().field(),
            "category");
  other = f;
  other.id = "FU2";
  other.originator = "GR-NCC";
  EXPECT_EQ(AddFollowUp(r->event, other, Stranger(), kT0 + 6 * kHour).status().code(),
            StatusCode::kPermissionDenied);
  other = f;
  other.id = "FU2";
  EXPECT_EQ(AddFollowUp(r->event, other, Owner(), kT0 + 6 * kHour).status().field(), "originator");
  other.originator = "IT-NCC";
  auto by_owner = AddFollowUp(r->event, other, Owner(), kT0 + 6 * kHour);
  ASSERT_TRUE(by_owner.ok()) << by_owner.status().ToString();
  EXPECT_EQ(by_owner->event.follow_ups.size(), 2u);
  // Time does not run backwards.
  other.id = "FU3";
  EXPECT_EQ(AddFollowUp(by_owner->event, other, Owner(), kT0 + 5 * kHour).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(EventReports, OnlyTheOwnerRevisesTheImpact) {
  const EventReport e = Reported();
  const auto by_originator =
      ReviseImpact(e, IncidentImpact::kVeryHigh, "own assessment", Originator(), kT0 + 3 * kHour);
  EXPECT_EQ(by_originator.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(ReviseImpact(e, IncidentImpact::kHigh, "", Owner(), kT0 + 3 * kHour).status().field(),
            "reason");
  auto revised =
      ReviseImpact(e, IncidentImpact::kHigh, "risk analysis: new route", Owner(), kT0 + 3 * kHour);
  ASSERT_TRUE(revised.ok()) << revised.status().ToString();
  EXPECT_EQ(revised->impact, IncidentImpact::kHigh);
  EXPECT_EQ(revised->originator_impact, IncidentImpact::kMedium);
  EXPECT_TRUE(revised->impact_revised_by_owner);
  EXPECT_EQ(revised->history.back().what, "impact_revised");
  EXPECT_EQ(revised->history.back().actor, "IT-NCC");

  // After the owner's revision, the originator's follow-up no longer moves the level.
  EventReportInput f = Input();
  f.id = "FU1";
  f.impact = IncidentImpact::kLow;
  auto r = AddFollowUp(*revised, f, Originator(), kT0 + 4 * kHour);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->event.impact, IncidentImpact::kHigh);
  EXPECT_EQ(r->event.originator_impact, IncidentImpact::kLow);
}

TEST(EventReports, OwnerClosesWithAReason) {
  const EventReport e = Reported();
  EXPECT_EQ(CloseEvent(e, ClosureReason::kEnded, "", Originator(), kT0 + 3 * kHour).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(CloseEvent(e, ClosureReason::kEnded, "", Owner(core::Role::kAnalyst), kT0 + 3 * kHour)
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(CloseEvent(e, ClosureReason::kDuplicate, "", Owner(), kT0 + 3 * kHour).status().field(),
            "closure_text");
  auto closed = CloseEvent(e, ClosureReason::kDidNotOccur, "false alarm", Owner(), kT0 + 3 * kHour);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->state, EventState::kClosed);
  EXPECT_EQ(closed->closure_reason, ClosureReason::kDidNotOccur);
  EXPECT_EQ(closed->closed_at, kT0 + 3 * kHour);
  EXPECT_EQ(closed->history.back().detail, "did_not_occur: false alarm");
  // Closed is final.
  EventReportInput f = Input();
  f.id = "FU1";
  EXPECT_EQ(AddFollowUp(*closed, f, Originator(), kT0 + 4 * kHour).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      CloseEvent(*closed, ClosureReason::kEnded, "", Owner(), kT0 + 4 * kHour).status().code(),
      StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      ReviseImpact(*closed, IncidentImpact::kLow, "x", Owner(), kT0 + 4 * kHour).status().code(),
      StatusCode::kFailedPrecondition);
  // It no longer counts as an incident.
  const EventReport kept = Reported();
  EXPECT_EQ(IncidentPoints({*closed, kept}).size(), 1u);
  auto ended = CloseEvent(kept, ClosureReason::kEnded, "", Owner(), kT0 + 3 * kHour);
  ASSERT_TRUE(ended.ok());
  const auto points = IncidentPoints({*closed, *ended});
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].time, kT0);
  EXPECT_EQ(points[0].section_id, "IT-SEA-PELAGIE");
  EXPECT_EQ(points[0].impact, IncidentImpact::kMedium);
}

TEST(EventReports, RequestsForInformationLinkToAnswers) {
  const EventReport e = Reported();
  RfiInput in;
  in.id = "RFI-1";
  in.purpose = RfiPurpose::kRaiseConfidence;
  in.addressee = "IT-CP";  // the coast guard
  in.question = "Can you confirm the number of persons on board?";
  in.answer_by = kT0 + 6 * kHour;
  EXPECT_EQ(RequestInformation(e, in, Stranger(), kT0 + 3 * kHour).status().code(),
            StatusCode::kPermissionDenied);
  RfiInput bad = in;
  bad.question = "";
  EXPECT_EQ(RequestInformation(e, bad, Owner(), kT0 + 3 * kHour).status().field(), "question");
  bad = in;
  bad.addressee = "IT-NCC";
  EXPECT_EQ(RequestInformation(e, bad, Owner(), kT0 + 3 * kHour).status().field(), "addressee");
  bad = in;
  bad.answer_by = kT0;
  EXPECT_EQ(RequestInformation(e, bad, Owner(), kT0 + 3 * kHour).status().field(), "answer_by");

  EXPECT_EQ(RequestInformation(e, in, Owner(), kT0 + kHour).status().code(),
            StatusCode::kFailedPrecondition);  // before the event was reported
  auto rfi = RequestInformation(e, in, Owner(), kT0 + 3 * kHour);
  ASSERT_TRUE(rfi.ok()) << rfi.status().ToString();
  EXPECT_EQ(rfi->event_id, e.id);
  EXPECT_EQ(rfi->requested_by, "IT-NCC");
  EXPECT_FALSE(RequestOverdue(*rfi, kT0 + 5 * kHour));
  EXPECT_TRUE(RequestOverdue(*rfi, kT0 + 7 * kHour));

  const Actor coast_guard{"IT-CP", "IT", false, false, core::Role::kOfficer};
  EXPECT_EQ(AnswerRequest(*rfi, "A1", "43 persons", core::Classification::kLimited, Owner(),
                          kT0 + 4 * kHour)
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(
      AnswerRequest(*rfi, "A1", "", core::Classification::kLimited, coast_guard, kT0 + 4 * kHour)
          .status()
          .field(),
      "text");
  auto answered = AnswerRequest(*rfi, "A1", "43 persons, confirmed by patrol",
                                core::Classification::kRestricted, coast_guard, kT0 + 4 * kHour);
  ASSERT_TRUE(answered.ok()) << answered.status().ToString();
  ASSERT_EQ(answered->answers.size(), 1u);
  EXPECT_EQ(answered->answers[0].answered_by, "IT-CP");
  EXPECT_EQ(answered->answers[0].classification, core::Classification::kRestricted);
  EXPECT_FALSE(RequestOverdue(*answered, kT0 + 7 * kHour));
  EXPECT_EQ(AnswerRequest(*answered, "A1", "again", core::Classification::kLimited, coast_guard,
                          kT0 + 5 * kHour)
                .status()
                .code(),
            StatusCode::kAlreadyExists);
  // The originator may ask too.
  in.id = "RFI-2";
  EXPECT_TRUE(RequestInformation(e, in, Originator(), kT0 + 3 * kHour).ok());
}

TEST(EventReports, Names) {
  EXPECT_EQ(EventCategoryName(EventCategory::kSearchAndRescue), "search_and_rescue");
  EXPECT_EQ(*ParseEventCategory("unauthorised_secondary_movement"),
            EventCategory::kUnauthorisedSecondaryMovement);
  EXPECT_EQ(ParseEventCategory("sar").status().field(), "category");
  EXPECT_EQ(*ParseIncidentImpact("very_high"), IncidentImpact::kVeryHigh);
  EXPECT_EQ(ParseIncidentImpact("critical").status().field(), "impact");  // the section scale
  EXPECT_EQ(*ParseClosureReason("did_not_occur"), ClosureReason::kDidNotOccur);
  EXPECT_EQ(*ParseRfiPurpose("update_impact"), RfiPurpose::kUpdateImpact);
  EXPECT_EQ(*ParseConfidenceLevel("high"), ConfidenceLevel::kHigh);
}

}  // namespace
}  // namespace issa::maritime
