#include "issa/core/csv.h"

#include <gtest/gtest.h>

namespace issa::core {
namespace {

using Fields = std::vector<std::string>;

struct Record {
  Fields fields;
  uint64_t line;
  std::string error;
};

std::vector<Record> ReadAll(std::string_view text, CsvOptions options = {}) {
  CsvReader reader(text, options);
  std::vector<Record> out;
  Record r;
  while (reader.Next(r.fields, r.line, r.error)) out.push_back(r);
  return out;
}

TEST(CsvReader, QuotesLinesAndCrlf) {
  const auto records = ReadAll("a,\"b,\"\"c\"\"\",d\r\n\"multi\nline\",x\r\nlast,\"q\"");
  ASSERT_EQ(records.size(), 3U);
  EXPECT_EQ(records[0].fields, (Fields{"a", "b,\"c\"", "d"}));
  EXPECT_EQ(records[0].line, 1U);
  EXPECT_EQ(records[1].fields, (Fields{"multi\nline", "x"}));
  EXPECT_EQ(records[1].line, 2U);
  EXPECT_EQ(records[2].fields, (Fields{"last", "q"}));
  EXPECT_EQ(records[2].line, 4U);
  // A quote inside an unquoted field is kept as written.
  EXPECT_EQ(ReadAll("ab\"c,d")[0].fields, (Fields{"ab\"c", "d"}));
}

TEST(CsvReader, BlankLinesAreRecordsUnlessSkipped) {
  const std::string text = "a\r\n\r\n\nb\r\n\x1a";
  EXPECT_EQ(ReadAll(text).size(), 5U);  // a, two blanks, b, the 0x1A mark
  const auto skipped = ReadAll(text, CsvOptions{.skip_blank_lines = true});
  ASSERT_EQ(skipped.size(), 2U);
  EXPECT_EQ(skipped[1].fields, Fields{"b"});
  EXPECT_EQ(skipped[1].line, 4U);
}

TEST(CsvReader, MalformedRecordsSayWhy) {
  const auto open = ReadAll("a,\"never closed\nb,c");
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].error, "unterminated quoted field");
  const auto long_field = ReadAll("ok\ntoolong,x\nnext", CsvOptions{.max_field_bytes = 4});
  ASSERT_EQ(long_field.size(), 3U);
  EXPECT_TRUE(long_field[0].error.empty());
  EXPECT_EQ(long_field[1].error, "a field is longer than 4 bytes");
  EXPECT_EQ(long_field[2].fields, Fields{"next"});
  EXPECT_EQ(long_field[2].line, 3U);
}

}  // namespace
}  // namespace issa::core
