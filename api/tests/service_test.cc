#include "service.h"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fake_node.h"

namespace issa::api {
namespace {

class ServiceTest : public ::testing::Test {
 protected:
  HttpResponse Call(Method method, std::string target, std::string token = "good-token",
                    std::string body = {}, std::string content_type = "application/json") {
    HttpRequest req;
    req.method = method;
    req.method_text = std::string(MethodName(method));
    req.target = std::move(target);
    if (!token.empty()) req.authorization = "Bearer " + token;
    req.body = std::move(body);
    req.content_type = std::move(content_type);
    req.remote = "127.0.0.1:1";
    req.request_id = "rid-" + std::to_string(++n_);
    const Routed routed = service_.Route(req);
    return service_.Handle(req, routed);
  }
  static nlohmann::json Error(const HttpResponse& r) {
    return nlohmann::json::parse(r.body)["error"];
  }
  static std::string Header(const HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return {};
  }
  std::string CreateRecord() {
    HttpResponse r = Call(Method::kPost, "/api/v1/records", "good-token", R"({"name":"x"})");
    EXPECT_EQ(r.status, 201) << r.body;
    return nlohmann::json::parse(r.body)["id"];
  }

  testing::FakeNode node_;
  Service service_{node_, ServerOptions{}};
  int n_ = 0;
};

TEST_F(ServiceTest, HealthzNeedsNoToken) {
  HttpResponse r = Call(Method::kGet, "/healthz", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["node"], "fake-node");
}

TEST_F(ServiceTest, MissingMalformedAndBadTokens) {
  HttpResponse r = Call(Method::kGet, "/api/v1/me", "");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Header(r, "WWW-Authenticate"), "Bearer realm=\"issa\"");
  EXPECT_EQ(Error(r)["code"], "Unauthenticated");
  EXPECT_EQ(Error(r)["request_id"], "rid-1");
  ASSERT_FALSE(node_.Audits().empty());
  EXPECT_EQ(node_.Audits().back().action, "http.unauthenticated");

  HttpRequest req;
  req.method_text = "GET";
  req.target = "/api/v1/me";
  req.authorization = "Basic dXNlcjpwYXNz";
  EXPECT_EQ(service_.Handle(req, service_.Route(req)).status, 401);

  r = Call(Method::kGet, "/api/v1/me", "wrong-token");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(node_.Audits().back().action, "login.failed");  // audited by the node
}

TEST_F(ServiceTest, Me) {
  HttpResponse r = Call(Method::kGet, "/api/v1/me");
  ASSERT_EQ(r.status, 200);
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["user"], "u-analyst");
  EXPECT_EQ(j["authority"], "IT-NCC");
  EXPECT_EQ(j["role"], "analyst");
  EXPECT_EQ(j["clearance"], "RESTRICTED");
  EXPECT_EQ(j["purposes"], nlohmann::json::array({"crime"}));
}

TEST_F(ServiceTest, CreateGetPatchHistory) {
  const std::string id = CreateRecord();
  HttpResponse r = Call(Method::kGet, "/api/v1/records/" + id);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["id"], id);
  r = Call(Method::kPatch, "/api/v1/records/" + id, "good-token", R"({"name":"y"})",
           "application/merge-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["version"], 2);
  EXPECT_EQ(Header(r, "ETag"), "\"2\"");
  r = Call(Method::kGet, "/api/v1/records/" + id + "/history");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["versions"].size(), 2u);
  // Another authority gets the same 404 as for a missing id.
  const HttpResponse other = Call(Method::kGet, "/api/v1/records/" + id, "other-token");
  const HttpResponse missing =
      Call(Method::kGet, "/api/v1/records/0190a4c2-1111-7abc-8def-0123456789ab", "other-token");
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Error(other)["message"], Error(missing)["message"]);
}

TEST_F(ServiceTest, CreateReturnsLocation) {
  HttpResponse r = Call(Method::kPost, "/api/v1/records", "good-token", R"({"a":1})");
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(Header(r, "Location"),
            "/api/v1/records/" + nlohmann::json::parse(r.body)["id"].get<std::string>());
}

TEST_F(ServiceTest, BodyChecks) {
  struct Case {
    std::string body, content_type;
    int status;
    std::string field;
  };
  const Case cases[] = {
      {"", "application/json", 400, "body"},
      {"{", "application/json", 400, "body"},
      {"[1,2]", "application/json", 400, "body"},
      {"{\"name\":\"\xFF\"}", "application/json", 400, "body"},
      {std::string(200, '[') + std::string(200, ']'), "application/json", 400, "body"},
      {"{}", "text/plain", 415, "Content-Type"},
      {"{}", "", 415, "Content-Type"},
      {"{}", "application/json; charset=latin1", 415, "Content-Type"},
  };
  for (const Case& c : cases) {
    const size_t audits = node_.Audits().size();
    HttpResponse r = Call(Method::kPost, "/api/v1/records", "good-token", c.body, c.content_type);
    EXPECT_EQ(r.status, c.status) << c.body << " " << c.content_type;
    EXPECT_EQ(Error(r)["field"], c.field) << c.body;
    ASSERT_EQ(node_.Audits().size(), audits + 1);
    EXPECT_EQ(node_.Audits().back().action, "http.invalid");
  }
  EXPECT_EQ(
      Call(Method::kPost, "/api/v1/records", "good-token", "{}", "Application/JSON; charset=UTF-8")
          .status,
      201);
  // PATCH does not take merge-patch on POST routes.
  EXPECT_EQ(
      Call(Method::kPost, "/api/v1/records", "good-token", "{}", "application/merge-patch+json")
          .status,
      415);
}

TEST_F(ServiceTest, NodeErrorsMapToStatuses) {
  const std::pair<Status, int> cases[] = {
      {InvalidArgument("is required", "properties.name"), 400},
      {PermissionDenied("role"), 403},
      {AlreadyExists("dup"), 409},
      {Aborted("concurrent"), 409},
      {Unavailable("down"), 503},
      {Internal("secret detail"), 500},
  };
  for (const auto& [status, http] : cases) {
    node_.next_error = status;
    HttpResponse r = Call(Method::kPost, "/api/v1/records", "good-token", "{}");
    EXPECT_EQ(r.status, http) << status.ToString();
    EXPECT_EQ(Error(r)["code"], std::string(StatusCodeName(status.code())));
    EXPECT_EQ(r.body.find("secret"), std::string::npos);
  }
  node_.next_error = InvalidArgument("is required", "properties.name");
  EXPECT_EQ(Error(Call(Method::kPost, "/api/v1/records", "good-token", "{}"))["field"],
            "properties.name");
}

TEST_F(ServiceTest, ListRecordsValidatesAndPages) {
  for (int i = 0; i < 5; ++i) CreateRecord();
  HttpResponse r = Call(Method::kGet, "/api/v1/records?limit=2");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["records"].size(), 2u);
  ASSERT_TRUE(j["next_cursor"].is_string());
  r = Call(Method::kGet, "/api/v1/records?limit=10&cursor=" + j["next_cursor"].get<std::string>());
  j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["records"].size(), 3u);
  EXPECT_TRUE(j["next_cursor"].is_null());

  r = Call(Method::kGet, "/api/v1/records?type=Spaceship");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Error(r)["field"], "type");
  r = Call(Method::kGet, "/api/v1/records?sort=name");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Error(r)["field"], "sort");
  EXPECT_EQ(node_.Audits().back().action, "http.invalid");

  r = Call(Method::kGet, "/api/v1/records?q=ros&bbox=1,2,3,4&type=Person");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(node_.last_query.text, "ros");
  EXPECT_TRUE(node_.last_query.bbox.has_value());
}

TEST_F(ServiceTest, PathParameters) {
  HttpResponse r = Call(Method::kGet, "/api/v1/records/not-a-uuid");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Error(r)["field"], "id");
  r = Call(Method::kGet, "/api/v1/records/%ZZ");
  EXPECT_EQ(r.status, 400);
  r = Call(Method::kGet, "/api/v1/groups/a%2Fb");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Error(r)["field"], "id");
  r = Call(Method::kGet, "/api/v1/types/Person/schema");
  EXPECT_EQ(r.status, 200);
  r = Call(Method::kGet, "/api/v1/types/Nope/schema");
  EXPECT_EQ(r.status, 404);
}

TEST_F(ServiceTest, UnknownRouteAndWrongMethod) {
  HttpResponse r = Call(Method::kGet, "/api/v1/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Error(r)["code"], "NotFound");
  EXPECT_EQ(node_.Audits().back().action, "http.invalid");
  r = Call(Method::kGet, "/favicon.ico");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json");
  r = Call(Method::kDelete, "/api/v1/records");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(Header(r, "Allow"), "POST, GET");
}

TEST_F(ServiceTest, AccessRequestBodies) {
  HttpResponse r = Call(Method::kPost, "/api/v1/hits/h1/access-requests", "good-token",
                        R"({"justification":"case 42"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["justification"], "case 42");
  r = Call(Method::kPost, "/api/v1/hits/h1/access-requests", "good-token", R"({})");
  EXPECT_EQ(Error(r)["field"], "justification");
  r = Call(Method::kPost, "/api/v1/hits/h1/access-requests", "good-token",
           R"({"justification":5})");
  EXPECT_EQ(Error(r)["field"], "justification");
  r = Call(Method::kPost, "/api/v1/hits/h1/access-requests", "good-token",
           R"({"justification":"x","extra":1})");
  EXPECT_EQ(Error(r)["field"], "extra");

  r = Call(Method::kPost, "/api/v1/access-requests/r1/grant", "good-token", "");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["status"], "granted");
  r = Call(Method::kPost, "/api/v1/access-requests/r1/refuse", "good-token", "");
  EXPECT_EQ(r.status, 400);
  r = Call(Method::kPost, "/api/v1/access-requests/r1/refuse", "good-token",
           R"({"reason":"no legal basis"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["status"], "refused");
}

TEST_F(ServiceTest, ListsAndAudit) {
  for (const char* path : {"/api/v1/hits", "/api/v1/access-requests", "/api/v1/groups",
                           "/api/v1/authorities", "/api/v1/types"}) {
    HttpResponse r = Call(Method::kGet, path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_TRUE(nlohmann::json::parse(r.body).is_object()) << path;
  }
  HttpResponse r = Call(Method::kGet, "/api/v1/audit?limit=3&after=10");
  ASSERT_EQ(r.status, 200);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["entries"].size(), 3u);
  EXPECT_EQ(j["next_after"], 13);
  r = Call(Method::kGet, "/api/v1/audit?limit=10");
  EXPECT_TRUE(nlohmann::json::parse(r.body)["next_after"].is_null());
  r = Call(Method::kGet, "/api/v1/audit?action=%00");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Error(r)["field"], "action");
  r = Call(Method::kPost, "/api/v1/groups", "good-token", R"({"name":"JIT"})");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(Header(r, "Location"), "/api/v1/groups/g-1");
}

TEST_F(ServiceTest, OpenApiAndMetricsAreInline) {
  HttpRequest req;
  req.method_text = "GET";
  req.target = "/api/v1/openapi.json";
  EXPECT_EQ(service_.Route(req).exec, Exec::kInline);
  req.target = "/metrics";
  EXPECT_EQ(service_.Route(req).exec, Exec::kInline);
  req.target = "/api/v1/records";
  EXPECT_EQ(service_.Route(req).exec, Exec::kWorker);
  req.target = "/api/v1/stream";
  EXPECT_EQ(service_.Route(req).exec, Exec::kStream);
  HttpResponse r = Call(Method::kGet, "/metrics", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("issa_node_records_written_total 7"), std::string::npos);
}

}  // namespace
}  // namespace issa::api
