#include "errors.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace issa::api {
namespace {

std::string HeaderOf(const HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

TEST(ErrorsTest, MapsEveryCode) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInternal), 500);
  EXPECT_EQ(HttpStatusFor(StatusCode::kDataLoss), 500);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnimplemented), 501);
}

TEST(ErrorsTest, BodyCarriesCodeMessageFieldAndRequestId) {
  HttpResponse r = ErrorResponse(InvalidArgument("is required", "properties.name"), "rid-1");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/json");
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["error"]["code"], "InvalidArgument");
  EXPECT_EQ(j["error"]["message"], "is required");
  EXPECT_EQ(j["error"]["field"], "properties.name");
  EXPECT_EQ(j["error"]["request_id"], "rid-1");
  EXPECT_FALSE(
      nlohmann::json::parse(ErrorResponse(NotFound("x"), "r").body)["error"].contains("field"));
}

TEST(ErrorsTest, InternalDetailsAreNotReturned) {
  HttpResponse r = ErrorResponse(Internal("sqlite: disk I/O error at /var/secret.db"), "rid-2");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "Internal");
}

TEST(ErrorsTest, AuthAndRetryHeaders) {
  EXPECT_EQ(HeaderOf(ErrorResponse(Unauthenticated("no"), "r"), "WWW-Authenticate"),
            "Bearer realm=\"issa\"");
  EXPECT_EQ(HeaderOf(ErrorResponse(Unavailable("busy"), "r"), "Retry-After"), "1");
  EXPECT_EQ(ErrorResponse(InvalidArgument("big"), "r", 413).status, 413);
}

TEST(ErrorsTest, MessagesWithBadUtf8StayValidJson) {
  HttpResponse r = ErrorResponse(InvalidArgument("bad \xFF byte", "f\xFE"), "r");
  EXPECT_FALSE(nlohmann::json::parse(r.body, nullptr, false).is_discarded());
}

}  // namespace
}  // namespace issa::api
