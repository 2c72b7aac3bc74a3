#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"

#include "http.h"

// The route table: one RouteDef per (method, path pattern) carries the handler and its
// documentation, so that the router and the OpenAPI document derive from the same list.
namespace issa::api {

class Service;
struct Call;

// Called once by an async handler, on any thread, with a function that builds the response;
// the server runs that function on the connection's thread.
using Responder = std::function<void(std::function<HttpResponse()>)>;

// Where a route runs: on the I/O thread (no node call), on the worker pool (blocking node
// calls), as a server-sent event stream, or kAsync: on the I/O thread through the route's
// async_handler, which does not block; requests it declines take the worker path.
enum class Exec { kInline, kWorker, kStream, kAsync };

struct ParamDoc {
  std::string_view name;
  std::string_view type = "string";  // OpenAPI schema type
  std::string_view format{};         // e.g. "date-time", "uuid"
  std::string_view description{};
};

struct RouteDef {
  Method method = Method::kGet;
  std::string_view pattern{};  // e.g. "/api/v1/records/{id}"
  std::string_view operation_id{};
  std::string_view summary{};
  std::string_view tag{};
  bool auth = true;
  Exec exec = Exec::kWorker;
  std::vector<ParamDoc> path_params{};
  std::vector<ParamDoc> query_params{};
  std::string_view request_content_type{};  // empty: no body
  std::string_view request_schema{};        // JSON Schema text
  int success_status = 200;
  std::string_view response_content_type = "application/json";
  std::string_view response_schema{};  // JSON Schema text
  std::vector<int> error_statuses{};
  Result<HttpResponse> (Service::*handler)(Call&) = nullptr;
  // For Exec::kAsync: returns false to decline (the request then runs `handler` on a worker),
  // or true after arranging for the Responder to be called once.
  bool (Service::*async_handler)(Call&, const Responder&) = nullptr;
};

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  int route = -1;                        // index into the table when found
  std::vector<std::string_view> params;  // raw (still percent-encoded) path parameters
  std::string allow;                     // for kMethodNotAllowed, e.g. "GET, PATCH"
};

// Thread-safe after construction (immutable).
class Router {
 public:
  explicit Router(std::vector<RouteDef> routes);

  // Matches a path (without query). Literal segments compare exactly; "{x}" matches one
  // non-empty segment.
  RouteMatch Match(Method method, std::string_view path) const;

  const std::vector<RouteDef>& routes() const { return routes_; }
  // The names of the "{x}" parameters of route i, in order.
  const std::vector<std::string>& ParamNames(int i) const { return param_names_[i]; }

 private:
  std::vector<RouteDef> routes_;
  std::vector<std::vector<std::string>> segments_;
  std::vector<std::vector<std::string>> param_names_;
};

}  // namespace issa::api
