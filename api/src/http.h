#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Transport-neutral request and response values: server.cc converts Beast messages to and from
// these, so that routing, parsing and handlers compile without Beast (and can be fuzzed).
namespace issa::api {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view MethodName(Method m);
Method ParseMethod(std::string_view s);

struct HttpRequest {
  Method method = Method::kGet;
  std::string method_text;  // as sent (for kOther)
  std::string target;       // raw request target, e.g. "/api/v1/records?type=Person"
  std::string authorization;
  std::string content_type;
  std::string accept;     // Accept header (TAXII media type negotiation)
  std::string host;       // Host header
  bool has_body = false;  // Content-Length or Transfer-Encoding present
  std::string body;
  std::string remote;      // "ip:port"
  std::string request_id;  // assigned by the server
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // close the connection after this response

  void AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

}  // namespace issa::api
