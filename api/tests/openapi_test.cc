#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fake_node.h"
#include "service.h"

namespace issa::api {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TEST(OpenApiTest, DocumentsEveryRegisteredRoute) {
  testing::FakeNode node;
  Service service(node, ServerOptions{});
  const auto doc = nlohmann::json::parse(service.openapi());
  EXPECT_EQ(doc["openapi"], "3.1.0");
  const Router& router = service.router();
  ASSERT_GE(router.routes().size(), 20u);
  size_t operations = 0;
  for (size_t i = 0; i < router.routes().size(); ++i) {
    const RouteDef& r = router.routes()[i];
    const std::string path(r.pattern);
    const std::string method = Lower(MethodName(r.method));
    ASSERT_TRUE(doc["paths"].contains(path)) << path;
    ASSERT_TRUE(doc["paths"][path].contains(method)) << method << " " << path;
    const auto& op = doc["paths"][path][method];
    ++operations;
    EXPECT_FALSE(op["summary"].get<std::string>().empty()) << path;
    // Every path parameter of the pattern is declared, and every query parameter the handler
    // accepts.
    std::set<std::string> declared;
    for (const auto& p : op["parameters"]) {
      declared.insert(p["in"].get<std::string>() + ":" + p["name"].get<std::string>());
    }
    for (const std::string& name : router.ParamNames(static_cast<int>(i))) {
      EXPECT_TRUE(declared.contains("path:" + name)) << path << " " << name;
    }
    for (const ParamDoc& q : r.query_params) {
      EXPECT_TRUE(declared.contains("query:" + std::string(q.name))) << path << " " << q.name;
    }
    EXPECT_TRUE(op["responses"].contains(std::to_string(r.success_status))) << path;
    EXPECT_TRUE(op["responses"].contains("405")) << path;
    if (!r.request_content_type.empty()) {
      EXPECT_TRUE(op.contains("requestBody")) << path;
    }
    EXPECT_EQ(op["security"].empty(), !r.auth) << path;
  }
  // And nothing undocumented: the document has exactly the table's operations.
  size_t documented = 0;
  for (const auto& [path, item] : doc["paths"].items()) documented += item.size();
  EXPECT_EQ(documented, operations);
}

TEST(OpenApiTest, QueryParametersMatchTheParsers) {
  // The parameters the list routes accept are the ones they document.
  const auto routes = Service::Routes();
  for (const RouteDef& r : routes) {
    if (r.pattern == "/api/v1/records" && r.method == Method::kGet) {
      EXPECT_EQ(r.query_params.size(), 8u);
    }
    if (r.pattern == "/api/v1/audit") {
      EXPECT_EQ(r.query_params.size(), 7u);
    }
  }
}

}  // namespace
}  // namespace issa::api
