#include "query.h"

#include <gtest/gtest.h>

namespace issa::api {
namespace {

bool AnyType(const std::string& t) { return t == "Person" || t == "Vessel"; }

TEST(QueryTest, SplitTarget) {
  EXPECT_EQ(SplitTarget("/a/b?x=1#frag").first, "/a/b");
  EXPECT_EQ(SplitTarget("/a/b?x=1#frag").second, "x=1");
  EXPECT_EQ(SplitTarget("/a").second, "");
}

TEST(QueryTest, PercentDecode) {
  EXPECT_EQ(*PercentDecode("a%20b+c", true, "q"), "a b c");
  EXPECT_EQ(*PercentDecode("a+b", false, "q"), "a+b");
  EXPECT_EQ(*PercentDecode("%C3%A9", true, "q"), "\xC3\xA9");
  for (const char* bad : {"%", "%2", "%zz", "%C3", "%00", "%0A", "%FF%FE"}) {
    Result<std::string> r = PercentDecode(bad, true, "q");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().field(), "q");
  }
}

TEST(QueryTest, SplitPath) {
  EXPECT_TRUE(SplitPath("/")->empty());
  EXPECT_EQ(SplitPath("/a/b")->size(), 2u);
  EXPECT_EQ(SplitPath("/a/")->size(), 2u);
  EXPECT_FALSE(SplitPath("a").ok());
  EXPECT_FALSE(SplitPath("").ok());
}

TEST(QueryTest, RejectsUnknownAndRepeatedParameters) {
  Result<storage::RecordQuery> r = ParseRecordQuery("type=Person&colour=red", AnyType);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "colour");
  EXPECT_NE(r.status().message().find("unknown parameter"), std::string::npos);
  r = ParseRecordQuery("limit=1&limit=2", AnyType);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "limit");
  r = ParseRecordQuery("=1", AnyType);
  ASSERT_FALSE(r.ok());
}

TEST(QueryTest, ParsesEveryRecordParameter) {
  Result<storage::RecordQuery> r = ParseRecordQuery(
      "type=Person&owner=IT-NCC&q=mario+rossi&bbox=12.1,41.8,12.6,42.0&since=2026-01-01"
      "&until=2026-02-01T00:00:00Z&limit=25&cursor=0190a4c2-1111-7abc-8def-0123456789ab",
      AnyType);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r->type, "Person");
  EXPECT_EQ(*r->owner, "IT-NCC");
  EXPECT_EQ(r->text, "mario rossi");
  ASSERT_TRUE(r->bbox.has_value());
  EXPECT_DOUBLE_EQ(r->bbox->min_lon, 12.1);
  EXPECT_DOUBLE_EQ(r->bbox->max_lat, 42.0);
  EXPECT_TRUE(r->since.has_value());
  EXPECT_TRUE(r->until.has_value());
  EXPECT_EQ(r->limit, 25);
  EXPECT_EQ(r->after_id, "0190a4c2-1111-7abc-8def-0123456789ab");
  EXPECT_EQ(ParseRecordQuery("", AnyType)->limit, 100);
}

TEST(QueryTest, EachBadRecordParameterIsNamed) {
  const std::pair<const char*, const char*> cases[] = {
      {"type=Spaceship", "type"},
      {"type=", "type"},
      {"owner=lower-case", "owner"},
      {"bbox=1,2,3", "bbox"},
      {"bbox=10,10,5,5", "bbox"},
      {"bbox=0,0,200,10", "bbox"},
      {"bbox=a,b,c,d", "bbox"},
      {"since=yesterday", "since"},
      {"until=2026-13-01", "until"},
      {"since=2026-02-01&until=2026-01-01", "until"},
      {"limit=0", "limit"},
      {"limit=1001", "limit"},
      {"limit=ten", "limit"},
      {"limit=10abc", "limit"},
      {"limit=99999999999999999999", "limit"},
      {"cursor=a%20b", "cursor"},
      {"q=%FF", "q"},
  };
  for (const auto& [query, field] : cases) {
    Result<storage::RecordQuery> r = ParseRecordQuery(query, AnyType);
    ASSERT_FALSE(r.ok()) << query;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << query;
    EXPECT_EQ(r.status().field(), field) << query;
  }
  const std::string long_q = "q=" + std::string(kMaxTextParam + 1, 'x');
  EXPECT_EQ(ParseRecordQuery(long_q, AnyType).status().field(), "q");
}

TEST(QueryTest, TooManyParameters) {
  std::string q;
  for (int i = 0; i < 40; ++i) q += "type=Person&";
  EXPECT_FALSE(ParseRecordQuery(q, AnyType).ok());
}

TEST(QueryTest, AuditQuery) {
  Result<storage::AuditQuery> q =
      ParseAuditQuery("user=u-1&authority=IT-NCC&action=record.&since=2026-01-01&after=42&limit=5");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(*q->user, "u-1");
  EXPECT_EQ(*q->authority, "IT-NCC");
  EXPECT_EQ(*q->action, "record.");
  EXPECT_EQ(q->after_seq, 42);
  EXPECT_EQ(q->limit, 5);
  EXPECT_EQ(ParseAuditQuery("")->limit, 100);
  EXPECT_EQ(ParseAuditQuery("after=-1").status().field(), "after");
  EXPECT_EQ(ParseAuditQuery("limit=0").status().field(), "limit");
  EXPECT_EQ(ParseAuditQuery("action=DROP TABLE").status().field(), "action");
  EXPECT_EQ(ParseAuditQuery("authority=x").status().field(), "authority");
  EXPECT_EQ(ParseAuditQuery("cursor=1").status().field(), "cursor");
}

}  // namespace
}  // namespace issa::api
