#include "errors.h"

#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "json_util.h"

namespace issa::api {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kAborted:
      return 409;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnimplemented:
      return 501;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDataLoss:
      return 500;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

void LogLine(std::string_view line) {
  std::string out(line);
  out += '\n';
  std::fwrite(out.data(), 1, out.size(), stderr);
}

HttpResponse ErrorResponse(const Status& status, std::string_view request_id, int http_status) {
  HttpResponse r;
  r.status = http_status != 0 ? http_status : HttpStatusFor(status.code());
  const bool hide = r.status >= 500 && status.code() != StatusCode::kUnavailable &&
                    status.code() != StatusCode::kUnimplemented;
  if (hide) {
    LogLine(fmt::format("request {}: {}", request_id, status.ToString()));
  }
  std::string& b = r.body;
  b.reserve(128 + status.message().size());
  b += R"({"error":{"code":)";
  AppendJsonQuoted(b, StatusCodeName(status.code()));
  b += R"(,"message":)";
  AppendJsonQuoted(b, hide ? std::string_view("internal error; see the server log")
                           : std::string_view(status.message()));
  if (!status.field().empty() && !hide) {
    b += R"(,"field":)";
    AppendJsonQuoted(b, status.field());
  }
  b += R"(,"request_id":)";
  AppendJsonQuoted(b, request_id);
  b += "}}";
  if (r.status == 401) {
    r.AddHeader("WWW-Authenticate", R"(Bearer realm="issa")");
  } else if (r.status == 503) {
    r.AddHeader("Retry-After", "1");
  }
  return r;
}

}  // namespace issa::api
