#include "json_util.h"

#include <string>

#include <gtest/gtest.h>

namespace issa::api {
namespace {

TEST(JsonUtilTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"));  // é € 😀
  EXPECT_FALSE(IsValidUtf8("\xC3"));                                 // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));                             // overlong
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));                         // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));                         // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));                     // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("a\x80"));
}

TEST(JsonUtilTest, ParseJsonObject) {
  EXPECT_TRUE(ParseJsonObject(R"({"a":[1,2,{"b":null}]})", "body").ok());
  Result<nlohmann::json> r = ParseJsonObject(R"({"a":)", "body");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "body");
  EXPECT_NE(r.status().message().find("at byte"), std::string::npos);
  EXPECT_EQ(ParseJsonObject("[1]", "body").status().message(), "body must be a JSON object");
  EXPECT_EQ(ParseJsonObject("\"x\xFF\"", "body").status().message(), "body is not valid UTF-8");
  EXPECT_FALSE(ParseJsonObject("", "body").ok());
}

TEST(JsonUtilTest, DeepNestingIsRejectedBeforeParsing) {
  std::string deep(100000, '[');
  Result<nlohmann::json> r = ParseJson(deep, "body");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nests deeper"), std::string::npos);
  std::string ok = "{\"a\":" + std::string(60, '[') + std::string(60, ']') + "}";
  EXPECT_TRUE(ParseJsonObject(ok, "body").ok());
  // Brackets inside strings do not count.
  std::string in_string = "{\"a\":\"" + std::string(1000, '[') + "\"}";
  EXPECT_TRUE(ParseJsonObject(in_string, "body").ok());
}

TEST(JsonUtilTest, Quote) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01"), R"("a\"b\\c\n\u0001")");
  EXPECT_EQ(JsonQuote("\xC3\xA9"), "\"\xC3\xA9\"");
  const std::string bad = JsonQuote("x\xFFy");
  EXPECT_TRUE(IsValidUtf8(bad));
  EXPECT_TRUE(nlohmann::json::parse(bad).is_string());
}

}  // namespace
}  // namespace issa::api
