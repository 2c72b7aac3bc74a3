// The 90/180-day rule. Worked examples: the Swiss State Secretariat for Migration's examples for
// the European Commission's short-stay calculator (https://www.sem.admin.ch/sem/en/home/themen/
// einreise/aufenthaltsrechner.html: bsp-1.html "Example 1 – Legal stay", bsp-2.html "Example 2 –
// Legal stay", bsp-4.html, bsp-5.html "Example 5 – Shorter overstay"), which apply the rule as the
// Commission's "User manual for the short-stay Schengen calculator" describes it.
#include "issa/travel/stay.h"

#include <gtest/gtest.h>

namespace issa::travel {
namespace {

Day D(std::string_view iso) {
  auto d = ParseDay(iso, "test");
  EXPECT_TRUE(d.ok()) << iso;
  return d.ok() ? *d : 0;
}

Stay S(std::string_view entry, std::string_view exit, std::string state = "",
       BorderKind border = BorderKind::kAir) {
  Stay s;
  s.entry = D(entry);
  if (!exit.empty()) s.exit = D(exit);
  s.member_state = std::move(state);
  s.border = border;
  return s;
}

TEST(StayTest, Example1LegalStayAndReturnAfterThreeMonths) {
  // Entry 15.08.2014, departure 30.09.2014: 47 days used; returning on 1 January 2015 the
  // person may stay 90 more days.
  auto at_exit = CheckStay({S("2014-08-15", "2014-09-30")}, D("2014-09-30"));
  ASSERT_TRUE(at_exit.ok()) << at_exit.status().ToString();
  EXPECT_EQ(at_exit->days_used, 47);
  EXPECT_EQ(at_exit->overstay_days, 0);
  auto planning = CheckStay({S("2014-08-15", "2014-09-30")}, D("2015-01-01"));
  ASSERT_TRUE(planning.ok());
  EXPECT_FALSE(planning->present);
  EXPECT_EQ(planning->max_stay_if_entering, 90);
  EXPECT_EQ(FormatDay(*planning->latest_exit_if_entering), "2015-03-31");
}

TEST(StayTest, Example2PresentMayRemainUntil13December) {
  // 15.08.2014–30.09.2014 and 01.11.2014–30.11.2014, checked on 30 November 2014: not
  // exceeded; she could remain without interruption until 13 December 2014.
  auto c = CheckStay({S("2014-08-15", "2014-09-30"), S("2014-11-01", "")}, D("2014-11-30"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->present);
  EXPECT_EQ(c->days_used, 77);
  EXPECT_EQ(c->days_remaining, 13);
  EXPECT_EQ(c->overstay_days, 0);
  ASSERT_TRUE(c->must_leave_by);
  EXPECT_EQ(FormatDay(*c->must_leave_by), "2014-12-13");
}

TEST(StayTest, Example4SeventySevenDaysUsedMayStayUntil31March) {
  // SEM bsp-4.html, as recorded in ../shared/research/screening.md (§ Schengen 90/180):
  // 01.06–13.07.2013, 15.08–30.09.2013, 01.01–30.01.2014: 77 days used at the exit on
  // 30 January 2014; staying on from 1 January 2014, the person could have stayed until
  // 31 March 2014.
  const std::vector<Stay> stays = {S("2013-06-01", "2013-07-13"), S("2013-08-15", "2013-09-30"),
                                   S("2014-01-01", "2014-01-30")};
  auto at_exit = CheckStay(stays, D("2014-01-30"));
  ASSERT_TRUE(at_exit.ok()) << at_exit.status().ToString();
  EXPECT_EQ(at_exit->days_used, 77);
  EXPECT_EQ(at_exit->days_remaining, 13);
  EXPECT_EQ(at_exit->overstay_days, 0);
  auto present = CheckStay({stays[0], stays[1], S("2014-01-01", "")}, D("2014-01-30"));
  ASSERT_TRUE(present.ok());
  ASSERT_TRUE(present->must_leave_by);
  EXPECT_EQ(FormatDay(*present->must_leave_by), "2014-03-31");
}

TEST(StayTest, Example5ShorterOverstayAndReturnFor50Days) {
  // 01.09.2013–30.09.2013, 21.02.2014–20.04.2014, 01.05.2014–09.06.2014: departing on 9 June
  // 2014 the person overstayed by 9 days; returning on 30 August 2014 they may stay 50 days.
  const std::vector<Stay> stays = {S("2013-09-01", "2013-09-30"), S("2014-02-21", "2014-04-20"),
                                   S("2014-05-01", "2014-06-09")};
  auto at_exit = CheckStay(stays, D("2014-06-09"));
  ASSERT_TRUE(at_exit.ok());
  EXPECT_EQ(at_exit->days_used, 99);
  EXPECT_EQ(at_exit->days_remaining, 0);
  EXPECT_EQ(at_exit->overstay_days, 9);
  auto back = CheckStay(stays, D("2014-08-30"));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->max_stay_if_entering, 50);
  EXPECT_EQ(FormatDay(*back->latest_exit_if_entering), "2014-10-18");
}

TEST(StayTest, EntryAndExitDaysBothCount) {
  auto c =
      CheckStay({S("2024-05-10", "2024-05-10"), S("2024-05-12", "2024-05-13")}, D("2024-05-20"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->days_used, 3);
}

TEST(StayTest, NinetyDaysFromEntryInLeapYear) {
  auto c = CheckStay({S("2024-01-01", "")}, D("2024-01-01"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->days_used, 1);
  EXPECT_EQ(FormatDay(*c->must_leave_by), "2024-03-30");  // 31 + 29 + 30 days
  auto later = CheckStay({S("2024-01-01", "")}, D("2024-04-05"));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->overstay_days, 6);  // 31 March to 5 April
  EXPECT_EQ(FormatDay(*later->must_leave_by), "2024-03-30");
}

TEST(StayTest, AbsenceOfNinetyDaysAllowsANewStayOfNinety) {
  // 90 days used (1 January to 30 March 2024); after 90 days away (31 March to 28 June) a new
  // stay of 90 days is possible, one day earlier none is.
  const std::vector<Stay> used_up = {S("2024-01-01", "2024-03-30")};
  auto after_90 = CheckStay(used_up, D("2024-06-29"));
  ASSERT_TRUE(after_90.ok());
  EXPECT_EQ(after_90->days_used, 89);
  EXPECT_EQ(after_90->max_stay_if_entering, 90);
  EXPECT_EQ(FormatDay(*after_90->latest_exit_if_entering), "2024-09-26");
  auto after_89 = CheckStay(used_up, D("2024-06-28"));
  ASSERT_TRUE(after_89.ok());
  EXPECT_EQ(after_89->days_used, 90);
  EXPECT_EQ(after_89->max_stay_if_entering, 0);
  EXPECT_FALSE(after_89->latest_exit_if_entering.has_value());
  auto gone = CheckStay(used_up, D("2024-09-26"));
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->days_used, 0);
}

TEST(StayTest, MembershipByDate) {
  EXPECT_FALSE(AppliesSchengen("HR", D("2022-12-31"), BorderKind::kAir));
  EXPECT_TRUE(AppliesSchengen("HR", D("2023-01-01"), BorderKind::kLand));
  EXPECT_FALSE(AppliesSchengen("BG", D("2024-03-30"), BorderKind::kAir));
  EXPECT_TRUE(AppliesSchengen("BG", D("2024-03-31"), BorderKind::kSea));
  EXPECT_FALSE(AppliesSchengen("RO", D("2024-12-31"), BorderKind::kLand));
  EXPECT_TRUE(AppliesSchengen("RO", D("2025-01-01"), BorderKind::kLand));
  EXPECT_FALSE(AppliesSchengen("CY", D("2025-06-01"), BorderKind::kAir));
  EXPECT_FALSE(AppliesSchengen("IE", D("2025-06-01"), BorderKind::kAir));
  EXPECT_TRUE(AppliesSchengen("FR", D("2014-01-01"), BorderKind::kAir));

  // A stay in Croatia across its accession counts from 1 January 2023 only.
  auto hr = CheckStay({S("2022-12-20", "2023-01-10", "HR")}, D("2023-01-10"));
  ASSERT_TRUE(hr.ok());
  EXPECT_EQ(hr->days_used, 10);
  // Bulgaria in mid-2024: air borders count, land borders do not yet.
  auto air = CheckStay({S("2024-06-01", "2024-06-10", "BG", BorderKind::kAir)}, D("2024-06-30"));
  auto land = CheckStay({S("2024-06-01", "2024-06-10", "BG", BorderKind::kLand)}, D("2024-06-30"));
  ASSERT_TRUE(air.ok() && land.ok());
  EXPECT_EQ(air->days_used, 10);
  EXPECT_EQ(land->days_used, 0);
  auto cy = CheckStay({S("2025-01-01", "2025-03-31", "CY")}, D("2025-04-01"));
  ASSERT_TRUE(cy.ok());
  EXPECT_EQ(cy->days_used, 0);
}

TEST(StayTest, LongStayPeriodsAreExcluded) {
  Stay permit = S("2024-01-01", "2024-05-31");
  permit.long_stay = true;
  auto c = CheckStay({permit, S("2024-06-01", "")}, D("2024-06-10"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->days_used, 10);
  EXPECT_EQ(c->overstay_days, 0);
  EXPECT_EQ(FormatDay(*c->must_leave_by), "2024-08-29");
}

TEST(StayTest, InconsistentStaysNameTheField) {
  auto open_first =
      CheckStay({S("2024-01-01", ""), S("2024-02-01", "2024-02-02")}, D("2024-03-01"));
  ASSERT_FALSE(open_first.ok());
  EXPECT_EQ(open_first.status().field(), "stays[0].exit");
  auto overlap =
      CheckStay({S("2024-01-01", "2024-01-10"), S("2024-01-10", "2024-01-12")}, D("2024-03-01"));
  ASSERT_FALSE(overlap.ok());
  EXPECT_EQ(overlap.status().field(), "stays[1].entry");
  auto future = CheckStay({S("2024-05-01", "2024-05-02")}, D("2024-03-01"));
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.status().field(), "stays[0].entry");
}

TEST(StayTest, ParsesLinesAndNamesBadOnes) {
  auto ok = ParseStays(
      "# passport stamps\n2014-08-15,2014-09-30\n\n2014-11-01,\r\n"
      "2025-02-01,2025-02-03,BG,land\n2025-03-01,2025-03-02,,,long-stay\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->size(), 4u);
  EXPECT_FALSE((*ok)[1].exit.has_value());
  EXPECT_EQ((*ok)[2].member_state, "BG");
  EXPECT_EQ((*ok)[2].border, BorderKind::kLand);
  EXPECT_TRUE((*ok)[3].long_stay);

  const auto field_of = [](std::string_view text) {
    auto r = ParseStays(text);
    return r.ok() ? std::string("ok") : r.status().field();
  };
  EXPECT_EQ(field_of("2024-01-01,2024-01-02\n2024-02-30,\n"), "line 2: entry");
  EXPECT_EQ(field_of("2024-01-05,2024-01-02\n"), "line 1: exit");
  EXPECT_EQ(field_of("2024-01-01\n"), "line 1: fields");
  EXPECT_EQ(field_of("2024-01-01,2024-01-02,France\n"), "line 1: state");
  EXPECT_EQ(field_of("2024-01-01,2024-01-02,FR,rail\n"), "line 1: border");
  EXPECT_EQ(field_of("2024-01-01,2024-01-02,FR,air,permit\n"), "line 1: status");
  EXPECT_EQ(field_of("1024-01-01,\n"), "line 1: entry");
  EXPECT_EQ(field_of("01/02/2024,\n"), "line 1: entry");
}

TEST(StayTest, JsonNamesTheFields) {
  auto c = CheckStay({S("2014-08-15", "2014-09-30"), S("2014-11-01", "")}, D("2014-11-30"));
  ASSERT_TRUE(c.ok());
  const std::string j = StayCheckJson(*c);
  EXPECT_NE(j.find("\"days_used\":77"), std::string::npos) << j;
  EXPECT_NE(j.find("\"must_leave_by\":\"2014-12-13\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"overstay_days\":0"), std::string::npos) << j;
}

}  // namespace
}  // namespace issa::travel
