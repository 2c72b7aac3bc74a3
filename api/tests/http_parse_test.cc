#include "http_parse.h"

#include <string>

#include <gtest/gtest.h>

namespace issa::api {
namespace {

TEST(HttpParseTest, ParsesARequest) {
  const std::string raw =
      "POST /api/v1/records?x=1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer abc\r\n"
      "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
  ParsedRequest p = ParseHttpRequest(raw, 1024);
  ASSERT_TRUE(p.complete);
  EXPECT_EQ(p.error_status, 0);
  EXPECT_EQ(p.request.method, Method::kPost);
  EXPECT_EQ(p.request.target, "/api/v1/records?x=1");
  EXPECT_EQ(p.request.authorization, "Bearer abc");
  EXPECT_EQ(p.request.content_type, "application/json");
  EXPECT_EQ(p.request.body, "{}");
}

TEST(HttpParseTest, BodyLimitIs413) {
  const std::string raw = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\n\r\n";
  ParsedRequest p = ParseHttpRequest(raw, 1000);
  EXPECT_EQ(p.error_status, 413);
  EXPECT_NE(p.error.find("1000 bytes"), std::string::npos);
}

TEST(HttpParseTest, MalformedIs400AndHugeHeaderIs431) {
  EXPECT_EQ(ParseHttpRequest("GARBAGE\r\n\r\n", 10).error_status, 400);
  EXPECT_EQ(ParseHttpRequest("GET / HTTP/1.1\r\nBad Header\r\n\r\n", 10).error_status, 400);
  const std::string huge =
      "GET / HTTP/1.1\r\nX-A: " + std::string(kMaxHeaderBytes + 10, 'a') + "\r\n\r\n";
  EXPECT_EQ(ParseHttpRequest(huge, 10).error_status, 431);
}

TEST(HttpParseTest, IncompleteIsNotAnError) {
  ParsedRequest p = ParseHttpRequest("GET / HTTP/1.1\r\nHost:", 10);
  EXPECT_FALSE(p.complete);
  EXPECT_EQ(p.error_status, 0);
}

}  // namespace
}  // namespace issa::api
