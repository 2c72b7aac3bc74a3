// Fuzzes the HTTP layer's parsing of outside input without a network: raw request bytes (Beast's
// parser with the server's limits), request targets, query strings, path parameters and JSON
// bodies, through the real router and handlers over a scripted node. Every error response must
// be valid JSON with a request id.
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fake_node.h"
#include "http_parse.h"
#include "json_util.h"
#include "query.h"
#include "service.h"

namespace {

using issa::api::HttpRequest;
using issa::api::HttpResponse;
using issa::api::Method;

void Check(bool ok) {
  if (!ok) std::abort();
}

issa::api::testing::FakeNode& TheNode() {
  static issa::api::testing::FakeNode node;
  return node;
}

issa::api::Service& TheService() {
  static issa::api::Service service(TheNode(), issa::api::ServerOptions{});
  return service;
}

// Keeps the scripted node's memory flat across millions of runs.
void ResetNode() {
  issa::api::testing::FakeNode& node = TheNode();
  std::lock_guard lock(node.mu);
  node.audits.clear();
  node.records.clear();
}

void CheckResponse(const HttpResponse& r) {
  Check(r.status >= 200 && r.status < 600);
  if (r.status >= 400) {
    const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    Check(!j.is_discarded());
    Check(j.contains("error") && j["error"].contains("code") && j["error"].contains("request_id"));
  }
}

void Run(HttpRequest req) {
  req.remote = "127.0.0.1:9";
  req.request_id = "fuzz";
  issa::api::Service& service = TheService();
  const issa::api::Routed routed = service.Route(req);
  if (routed.exec == issa::api::Exec::kStream) return;  // needs a connection
  CheckResponse(service.Handle(req, routed));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  ResetNode();
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const char mode = all[0];
  const std::string_view in = all.substr(1);

  // The pure parsers, whatever the mode.
  const auto [path, query] = issa::api::SplitTarget(in);
  (void)issa::api::SplitPath(path);
  (void)issa::api::PercentDecode(in, true, "q");
  (void)issa::api::ParseRecordQuery(query, [](const std::string& t) { return t == "Person"; });
  (void)issa::api::ParseAuditQuery(query);
  if (auto basic = issa::api::Service::ParseBasic(in); basic.ok()) {
    Check(basic->user.find(':') == std::string::npos);  // the user-id ends at the first colon
  }
  issa::Result<nlohmann::json> body = issa::api::ParseJsonObject(in, "body");
  if (body.ok()) Check(issa::api::IsValidUtf8(issa::api::Dump(*body)));
  Check(issa::api::IsValidUtf8(issa::api::SafeText(in, 300)));
  Check(!nlohmann::json::parse(issa::api::JsonQuote(in), nullptr, false).is_discarded());

  switch (mode % 4) {
    case 0: {  // raw HTTP request bytes
      issa::api::ParsedRequest p = issa::api::ParseHttpRequest(in, 1 << 16);
      if (p.complete) Run(std::move(p.request));
      break;
    }
    case 1: {  // a request target with a valid token
      HttpRequest req;
      req.method_text = "GET";
      req.target = std::string(in.substr(0, 4096));
      req.authorization = "Bearer good-token";
      Run(std::move(req));
      break;
    }
    case 2: {  // a JSON body for every body-taking route
      for (const char* target : {"/api/v1/records", "/api/v1/hits/h1/access-requests",
                                 "/api/v1/access-requests/r1/grant",
                                 "/api/v1/access-requests/r1/refuse", "/api/v1/groups"}) {
        HttpRequest req;
        req.method = Method::kPost;
        req.method_text = "POST";
        req.target = target;
        req.authorization = "Bearer good-token";
        req.content_type = "application/json";
        req.body = std::string(in);
        Run(std::move(req));
      }
      break;
    }
    default: {  // header values: authorization and content type
      const size_t cut = in.find('\n');
      HttpRequest req;
      req.method = Method::kPost;
      req.method_text = "POST";
      req.target = "/api/v1/records";
      req.authorization = std::string(in.substr(0, cut));
      req.content_type = cut == std::string_view::npos ? "" : std::string(in.substr(cut + 1));
      req.body = "{}";
      Run(std::move(req));
      break;
    }
  }
  return 0;
}
