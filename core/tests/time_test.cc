#include "issa/core/time.h"

#include <gtest/gtest.h>

#include "issa/core/geo.h"
#include "issa/core/ids.h"

namespace issa::core {
namespace {

TEST(TimeTest, RoundTrip) {
  const auto t = ParseTimestamp("2026-11-23T08:40:43.123Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatTimestamp(*t), "2026-11-23T08:40:43.123Z");
  EXPECT_EQ(*ParseTimestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseTimestamp("1970-01-02"), kMsPerDay);
  EXPECT_EQ(*ParseTimestamp("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999Z");
}

TEST(TimeTest, RejectsBadDates) {
  EXPECT_FALSE(ParseDate("2023-02-29").ok());
  EXPECT_TRUE(ParseDate("2024-02-29").ok());
  EXPECT_FALSE(ParseDate("2024-13-01").ok());
  EXPECT_FALSE(ParseDate("24-01-01").ok());
  EXPECT_FALSE(ParseTimestamp("2024-01-01T25:00:00Z").ok());
  EXPECT_FALSE(ParseTimestamp("2024-01-01T10:00:00").ok());
  EXPECT_FALSE(ParseTimestamp("2024-01-01T10:00:00Zjunk").ok());
  EXPECT_FALSE(ParseTimestamp("").ok());
}

TEST(TimeTest, ManualClock) {
  ManualClock clock(1000);
  clock.Advance(500);
  EXPECT_EQ(clock.Now(), 1500);
  EXPECT_GT(SystemClock().Now(), *ParseTimestamp("2020-01-01"));
}

TEST(IdsTest, UuidV7IsOrderedAndUnique) {
  const std::string a = NewUuidV7(1000);
  const std::string b = NewUuidV7(2000);
  EXPECT_TRUE(IsUuid(a));
  EXPECT_EQ(a[14], '7');
  EXPECT_LT(a, b);
  EXPECT_NE(NewUuidV7(1000), NewUuidV7(1000));
  // Same millisecond (or a clock that went back): still strictly increasing.
  std::string prev = NewUuidV7(5000);
  for (int i = 0; i < 5000; ++i) {
    const std::string next = NewUuidV7(i % 2 == 0 ? 5000 : 4000);
    EXPECT_LT(prev, next);
    prev = next;
  }
  EXPECT_FALSE(IsUuid("not-a-uuid"));
}

TEST(GeoTest, ParseBBox) {
  const auto b = ParseBBox("10,35.5,20,40");
  ASSERT_TRUE(b.ok());
  EXPECT_DOUBLE_EQ(b->min_lat, 35.5);
  EXPECT_FALSE(ParseBBox("10,35,20").ok());
  EXPECT_FALSE(ParseBBox("10,35,200,40").ok());
  EXPECT_FALSE(ParseBBox("20,35,10,40").ok());
  EXPECT_FALSE(ParseBBox("a,b,c,d").ok());
  EXPECT_EQ(ParseBBox("nan,1,2,3").status().field(), "bbox");
}

}  // namespace
}  // namespace issa::core
