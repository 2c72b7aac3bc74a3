#pragma once

// Route-table helpers shared by the domain route files (routes_<domain>.cc): JSON routes with
// the usual error statuses, and a JSON response.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "service.h"

namespace issa::api {

inline const std::vector<int> kWriteErrors = {400, 401, 403, 404, 409, 413, 415, 500, 503};
inline const std::vector<int> kReadErrors = {400, 401, 403, 404, 500, 503};
inline constexpr std::string_view kObjectSchema = R"({"type":"object"})";

// A POST route taking and returning a JSON object.
inline RouteDef JsonPost(std::string_view tag, std::string_view pattern, std::string_view op,
                         std::string_view summary, std::vector<ParamDoc> path,
                         std::string_view schema, Result<HttpResponse> (Service::*handler)(Call&),
                         int success = 200) {
  return RouteDef{.method = Method::kPost,
                  .pattern = pattern,
                  .operation_id = op,
                  .summary = summary,
                  .tag = tag,
                  .path_params = std::move(path),
                  .request_content_type = "application/json",
                  .request_schema = schema,
                  .success_status = success,
                  .response_schema = kObjectSchema,
                  .error_statuses = kWriteErrors,
                  .handler = handler};
}

// A GET route returning a JSON object.
inline RouteDef JsonGet(std::string_view tag, std::string_view pattern, std::string_view op,
                        std::string_view summary, std::vector<ParamDoc> path,
                        Result<HttpResponse> (Service::*handler)(Call&),
                        std::vector<ParamDoc> query = {}) {
  return RouteDef{.method = Method::kGet,
                  .pattern = pattern,
                  .operation_id = op,
                  .summary = summary,
                  .tag = tag,
                  .path_params = std::move(path),
                  .query_params = std::move(query),
                  .response_schema = kObjectSchema,
                  .error_statuses = kReadErrors,
                  .handler = handler};
}

inline HttpResponse JsonOk(std::string body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace issa::api
