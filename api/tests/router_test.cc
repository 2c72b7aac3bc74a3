#include "router.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "service.h"

namespace issa::api {
namespace {

TEST(RouterTest, MatchesLiteralAndParameterSegments) {
  Router router(Service::Routes());
  RouteMatch m = router.Match(Method::kGet, "/api/v1/records/0190a4c2-1111-7abc-8def-0123456789ab");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(router.routes()[m.route].pattern, "/api/v1/records/{id}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0], "0190a4c2-1111-7abc-8def-0123456789ab");

  m = router.Match(Method::kGet, "/api/v1/records/abc/history");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(router.routes()[m.route].pattern, "/api/v1/records/{id}/history");

  m = router.Match(Method::kPost, "/api/v1/access-requests/r1/grant");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(router.routes()[m.route].operation_id, "grantAccessRequest");
}

TEST(RouterTest, WrongMethodListsAllowedMethods) {
  Router router(Service::Routes());
  RouteMatch m = router.Match(Method::kDelete, "/api/v1/records/x");
  EXPECT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, PATCH");
  m = router.Match(Method::kPut, "/api/v1/records");
  EXPECT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "POST, GET");
}

TEST(RouterTest, UnknownPathsAreNotFound) {
  Router router(Service::Routes());
  for (const char* path : {"/", "/api", "/api/v1", "/api/v1/records/", "/api/v1/records//history",
                           "/api/v2/records", "/healthz/", "", "relative", "/api/v1/recordsx"}) {
    EXPECT_EQ(router.Match(Method::kGet, path).kind, RouteMatch::Kind::kNotFound) << path;
  }
}

TEST(RouterTest, TableHasUniqueRoutesAndHandlers) {
  Router router(Service::Routes());
  std::set<std::string> seen;
  std::set<std::string_view> ops;
  for (size_t i = 0; i < router.routes().size(); ++i) {
    const RouteDef& r = router.routes()[i];
    EXPECT_TRUE(
        seen.insert(std::string(MethodName(r.method)) + " " + std::string(r.pattern)).second)
        << r.pattern;
    EXPECT_TRUE(ops.insert(r.operation_id).second) << r.operation_id;
    EXPECT_NE(r.handler, nullptr) << r.pattern;
    EXPECT_EQ(router.ParamNames(static_cast<int>(i)).size(), r.path_params.size()) << r.pattern;
  }
}

TEST(RouterTest, MethodNames) {
  EXPECT_EQ(ParseMethod("GET"), Method::kGet);
  EXPECT_EQ(ParseMethod("PATCH"), Method::kPatch);
  EXPECT_EQ(ParseMethod("get"), Method::kOther);
  EXPECT_EQ(MethodName(Method::kPost), "POST");
}

}  // namespace
}  // namespace issa::api
