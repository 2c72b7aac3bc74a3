#include "issa/cyber/pattern.h"

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace issa::cyber {
namespace {

nlohmann::json LoadCases() {
  std::ifstream in(std::string(ISSA_CYBER_TEST_DATA) + "/pattern_cases_v21.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

// Every case of the OASIS pattern validator's v2.1 test suite: valid patterns parse, invalid
// ones fail with an error that names the position.
TEST(PatternTest, OasisValidatorCases) {
  const nlohmann::json cases = LoadCases();
  ASSERT_GE(cases["cases"].size(), 80u);
  for (const auto& c : cases["cases"]) {
    const std::string pattern = c["pattern"];
    Result<ParsedPattern> p = ParsePattern(pattern);
    if (c["valid"].get<bool>()) {
      EXPECT_TRUE(p.ok()) << pattern << ": " << p.status().ToString();
    } else {
      ASSERT_FALSE(p.ok()) << pattern;
      EXPECT_EQ(p.status().field(), "pattern");
      EXPECT_TRUE(p.status().message().starts_with("at ")) << p.status().message();
    }
  }
}

TEST(PatternTest, ComparisonsAndQualifiers) {
  Result<ParsedPattern> p = ParsePattern(
      "([ipv4-addr:value = '198.51.100.1' OR domain-name:value LIKE '%.example.com'] "
      "FOLLOWEDBY [file:hashes.'SHA-256' = "
      "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']) WITHIN 300 SECONDS");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->comparisons.size(), 3u);
  EXPECT_EQ(p->observations, 2u);
  EXPECT_TRUE(p->has_qualifiers);
  EXPECT_EQ(p->comparisons[0].object_type, "ipv4-addr");
  EXPECT_EQ(p->comparisons[0].path, "value");
  EXPECT_EQ(p->comparisons[0].values.at(0), "198.51.100.1");
  EXPECT_EQ(p->comparisons[1].op, PatternOperator::kLike);
  EXPECT_EQ(p->comparisons[2].path, "hashes.'SHA-256'");
}

TEST(PatternTest, ErrorsNameThePosition) {
  Result<ParsedPattern> p = ParsePattern("[file:size = ]");
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(p.status().message().starts_with("at 13:")) << p.status().message();
  p = ParsePattern("[file:name = 'a'] WITHIN -5 SECONDS");
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(p.status().message().starts_with("at 25:")) << p.status().message();
  p = ParsePattern("[file:name = 'unterminated]");
  ASSERT_FALSE(p.ok());
  p = ParsePattern(std::string(10000, '('));
  ASSERT_FALSE(p.ok());  // nesting bounded, no stack overflow
  p = ParsePattern(
      "[a:b IN ('x', 2, true)] START t'2016-06-01T01:30:00Z' STOP t'2016-06-01T02:00:00Z'");
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  p = ParsePattern("[a:b NOT EXISTS c:d]");
  EXPECT_FALSE(p.ok());
  p = ParsePattern("[NOT EXISTS a:b]");
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  p = ParsePattern("[a:b > true]");
  EXPECT_FALSE(p.ok());
}

}  // namespace
}  // namespace issa::cyber
