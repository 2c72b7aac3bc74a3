#include "issa/core/status.h"

#include <gtest/gtest.h>

namespace issa {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return InvalidArgument("odd", "value");
  return v / 2;
}

Result<int> Quarter(int v) {
  ISSA_ASSIGN_OR_RETURN(int h, Half(v));
  ISSA_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, OkAndError) {
  EXPECT_TRUE(Status::Ok().ok());
  const Status s = InvalidArgument("bad date", "birth_date");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.field(), "birth_date");
  EXPECT_EQ(s.ToString(), "InvalidArgument: bad date (field birth_date)");
  EXPECT_EQ(s.WithFieldPrefix("properties").field(), "properties.birth_date");
  EXPECT_EQ(InvalidArgument("x", "[2]").WithFieldPrefix("links").field(), "links[2]");
}

TEST(StatusTest, ResultPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  const auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "value");
  EXPECT_EQ(Result<int>(NotFound("x")).value_or(7), 7);
}

TEST(StatusTest, ResultFromOkStatusIsAnError) {
  const Result<int> r{Status::Ok()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace issa
