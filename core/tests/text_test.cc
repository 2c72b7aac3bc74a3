#include "issa/core/text.h"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

TEST(TextTest, JsonStringAsNlohmannWritesIt) {
  // Every control character, the two that must be escaped, DEL, and UTF-8 of 2, 3 and 4 bytes.
  std::string every_control;
  for (int c = 0; c < 0x20; ++c) every_control += static_cast<char>(c);
  for (const std::string& text :
       {std::string(), std::string("plain"), every_control, std::string("a\"b\\c/d\x7f"),
        std::string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), std::string("\"\"\n")}) {
    std::string out = "[";
    AppendJsonString(out, text);
    EXPECT_EQ(out, "[" + nlohmann::json(text).dump()) << text;
  }
  std::string out;
  AppendJsonString(out, "tab\there");
  EXPECT_EQ(out, "\"tab\\there\"");
}

}  // namespace
}  // namespace issa::core

TEST(TextTest, MarkupEscaping) {
  std::string out = "<p>";
  issa::core::AppendMarkupEscaped(out, "A & B <c> \"d\" 'e'\r\n\tf\x01g");
  EXPECT_EQ(out, "<p>A &amp; B &lt;c&gt; &quot;d&quot; &#39;e&#39;&#13;\n\tfg");
}
