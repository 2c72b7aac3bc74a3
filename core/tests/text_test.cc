#include "issa/core/text.h"

#include <string>

#include <gtest/gtest.h>

namespace issa::core {
namespace {

TEST(TextTest, JsonNestingDepth) {
  EXPECT_FALSE(JsonNestsDeeperThan("", 0));
  EXPECT_FALSE(JsonNestsDeeperThan("{}", 1));
  EXPECT_TRUE(JsonNestsDeeperThan("{}", 0));
  EXPECT_FALSE(JsonNestsDeeperThan(R"({"a":[1,{"b":[]}]})", 4));
  EXPECT_TRUE(JsonNestsDeeperThan(R"({"a":[1,{"b":[]}]})", 3));
  // Brackets in strings, escaped quotes included, do not count.
  EXPECT_FALSE(JsonNestsDeeperThan(R"(["[[[[\"[[[[", "]]]]"])", 1));
  // Sequential (not nested) containers do not add up.
  EXPECT_FALSE(JsonNestsDeeperThan("[][][][]{}{}", 1));
  EXPECT_TRUE(JsonNestsDeeperThan(std::string(10000, '['), 64));
  EXPECT_FALSE(JsonNestsDeeperThan(std::string(64, '[') + std::string(64, ']'), 64));
}

}  // namespace
}  // namespace issa::core

TEST(TextTest, MarkupEscaping) {
  std::string out = "<p>";
  issa::core::AppendMarkupEscaped(out, "A & B <c> \"d\" 'e'\r\n\tf\x01g");
  EXPECT_EQ(out, "<p>A &amp; B &lt;c&gt; &quot;d&quot; &#39;e&#39;&#13;\n\tfg");
}
