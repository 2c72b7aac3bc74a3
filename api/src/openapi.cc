#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "json_util.h"
#include "service.h"

namespace issa::api {
namespace {

std::string_view ReasonFor(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 400:
      return "Invalid request: a parameter, path segment or body field is wrong.";
    case 401:
      return "Missing, malformed or invalid bearer token.";
    case 403:
      return "The caller's role does not allow this action.";
    case 404:
      return "Not found, or not visible to the caller (indistinguishable).";
    case 409:
      return "Conflict: already exists, concurrent update, or wrong state.";
    case 413:
      return "Request body larger than the server's limit.";
    case 415:
      return "Unsupported Content-Type.";
    case 429:
      return "Too many concurrent streams.";
    case 500:
      return "Internal error (details in the server log, by request id).";
    case 503:
      return "Overloaded or the store is unavailable; retry later.";
    default:
      return "Error.";
  }
}

nlohmann::json Schema(std::string_view text) {
  if (text.empty()) return nlohmann::json::object();
  return nlohmann::json::parse(text);
}

nlohmann::json Param(const ParamDoc& p, std::string_view in) {
  nlohmann::json schema = {{"type", p.type}};
  if (!p.format.empty()) schema["format"] = p.format;
  return {{"name", p.name},
          {"in", in},
          {"required", in == "path"},
          {"description", p.description},
          {"schema", schema}};
}

}  // namespace

std::string BuildOpenApi(const std::vector<RouteDef>& routes, std::string_view version) {
  nlohmann::json doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {{"title", "ISSA node API"},
                 {"version", version},
                 {"description",
                  "Records, cross-match hits, access requests, sharing groups and audit of one "
                  "ISSA node. Every /api/v1 route except this document needs a bearer token. "
                  "Errors: {\"error\":{\"code\",\"message\",\"field\",\"request_id\"}}. See "
                  "docs/api.md."}};
  doc["components"]["securitySchemes"]["bearerAuth"] = {{"type", "http"}, {"scheme", "bearer"}};
  doc["components"]["schemas"]["Error"] = nlohmann::json::parse(
      R"({"type":"object","required":["error"],"properties":{"error":{"type":"object",)"
      R"("required":["code","message","request_id"],"properties":{"code":{"type":"string"},)"
      R"("message":{"type":"string"},"field":{"type":"string"},"request_id":{"type":"string"}}}}})");
  doc["components"]["schemas"]["Record"] = nlohmann::json::parse(
      R"({"type":"object","description":"A record version as the caller may see it."})");
  doc["components"]["headers"]["X-Request-Id"] = {
      {"description", "Id of this request, also in error bodies and audit entries."},
      {"schema", {{"type", "string"}}}};
  doc["paths"] = nlohmann::json::object();
  for (const RouteDef& r : routes) {
    std::string method(MethodName(r.method));
    for (char& ch : method) ch = static_cast<char>(ch - 'A' + 'a');
    nlohmann::json op;
    op["operationId"] = r.operation_id;
    op["summary"] = r.summary;
    op["tags"] = nlohmann::json::array({r.tag});
    nlohmann::json params = nlohmann::json::array();
    for (const ParamDoc& p : r.path_params) params.push_back(Param(p, "path"));
    for (const ParamDoc& p : r.query_params) params.push_back(Param(p, "query"));
    op["parameters"] = params;
    if (!r.request_content_type.empty()) {
      nlohmann::json content;
      content[std::string(r.request_content_type)] = {{"schema", Schema(r.request_schema)}};
      if (r.request_content_type != "application/json") {
        content["application/json"] = {{"schema", Schema(r.request_schema)}};
      }
      op["requestBody"] = {{"required", true}, {"content", content}};
    }
    nlohmann::json responses;
    nlohmann::json ok_content;
    const std::string ok_type(r.response_content_type);
    ok_content[ok_type.substr(0, ok_type.find(';'))] = {{"schema", Schema(r.response_schema)}};
    responses[std::to_string(r.success_status)] = {
        {"description", ReasonFor(r.success_status)},
        {"headers", {{"X-Request-Id", {{"$ref", "#/components/headers/X-Request-Id"}}}}},
        {"content", ok_content}};
    std::vector<int> errors = r.error_statuses;
    errors.push_back(405);
    for (const int e : errors) {
      responses[std::to_string(e)] = {
          {"description", e == 405 ? "Method not allowed (see the Allow header)." : ReasonFor(e)},
          {"content",
           {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    }
    op["responses"] = responses;
    op["security"] = r.auth ? nlohmann::json::array({{{"bearerAuth", nlohmann::json::array()}}})
                            : nlohmann::json::array();
    doc["paths"][std::string(r.pattern)][method] = op;
  }
  return Dump(doc);
}

}  // namespace issa::api
