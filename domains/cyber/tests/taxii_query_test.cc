#include "issa/cyber/taxii_query.h"

#include <string>

#include <gtest/gtest.h>

namespace issa::cyber {
namespace {

const std::vector<std::string> kAll = {
    "limit",          "added_after",        "next", "match[id]", "match[type]",
    "match[version]", "match[spec_version]"};

TEST(TaxiiQueryTest, ParsesFilters) {
  Result<TaxiiQuery> q = ParseTaxiiQuery(
      "limit=10&added_after=2016-11-01T03%3A04%3A05Z&match%5Btype%5D=indicator,malware&match[id]="
      "indicator--cd981c25-8042-4166-8945-51178443bdac&match[version]=first,2016-12-25T12:30:59."
      "444Z&match[spec_version]=2.1",
      kAll);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->limit, 10);
  ASSERT_TRUE(q->added_after.has_value());
  EXPECT_EQ(q->types, (std::vector<std::string>{"indicator", "malware"}));
  EXPECT_EQ(q->ids.size(), 1u);
  ASSERT_EQ(q->versions.size(), 2u);
  EXPECT_EQ(q->versions[0], VersionFilter::kFirst);
  EXPECT_EQ(q->version_times.at(0), "2016-12-25T12:30:59.444Z");
  EXPECT_EQ(q->spec_versions.at(0), "2.1");
}

TEST(TaxiiQueryTest, MalformedFiltersNameTheParameter) {
  const struct {
    const char* query;
    const char* field;
  } cases[] = {
      {"limit=0", "limit"},
      {"limit=abc", "limit"},
      {"added_after=yesterday", "added_after"},
      {"match[id]=not-an-id", "match[id]"},
      {"match[type]=Indicator", "match[type]"},
      {"match[version]=newest", "match[version]"},
      {"match[spec_version]=3.0", "match[spec_version]"},
      {"match[foo]=x", "match[foo]"},
      {"limit=1&limit=2", "limit"},
      {"limit=%zz", "limit"},
      {"match[type]=", "match[type]"},
  };
  for (const auto& c : cases) {
    Result<TaxiiQuery> q = ParseTaxiiQuery(c.query, kAll);
    ASSERT_FALSE(q.ok()) << c.query;
    EXPECT_EQ(q.status().field(), c.field) << c.query << ": " << q.status().ToString();
  }
  EXPECT_FALSE(ParseTaxiiQuery("match[version]=all", {"limit"}).ok());
}

TEST(TaxiiQueryTest, CursorRoundTripAndTamper) {
  const std::string key = "0123456789abcdef0123456789abcdef";
  TaxiiCursor c{
      .collection = "c1", .filters = "f", .after = "0190a4c2-1111-7abc-8def-0123456789ab"};
  const std::string text = EncodeCursor(c, key);
  Result<TaxiiCursor> back = DecodeCursor(text, key);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->collection, "c1");
  EXPECT_EQ(back->after, c.after);
  // Another key (another node), a flipped character, garbage: all refused.
  EXPECT_FALSE(DecodeCursor(text, "another key").ok());
  std::string tampered = text;
  tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(DecodeCursor(tampered, key).ok());
  EXPECT_FALSE(DecodeCursor("", key).ok());
  EXPECT_FALSE(DecodeCursor("abc.def", key).ok());
  EXPECT_EQ(DecodeCursor("abc.def", key).status().field(), "next");
}

TEST(TaxiiQueryTest, FilterDigestIgnoresOrderAndPaging) {
  auto a = ParseTaxiiQuery("match[type]=indicator,malware&limit=5", kAll);
  auto b = ParseTaxiiQuery("match[type]=malware,indicator&limit=50", kAll);
  auto c = ParseTaxiiQuery("match[type]=malware", kAll);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(FilterDigest(*a), FilterDigest(*b));
  EXPECT_NE(FilterDigest(*a), FilterDigest(*c));
}

}  // namespace
}  // namespace issa::cyber
