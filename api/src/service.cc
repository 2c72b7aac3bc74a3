#include "service.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include <fmt/format.h>
#include <sodium.h>

#include "issa/core/ids.h"
#include "issa/maritime/picture.h"

#include "errors.h"
#include "json_util.h"
#include "query.h"

namespace issa::api {
namespace {

constexpr std::string_view kContentTypeField = "Content-Type";
constexpr size_t kMaxJustification = 4000;

// ---- JSON Schemas used in the OpenAPI document -------------------------------------------------

constexpr std::string_view kRecordSchema =
    R"({"type":"object","description":"A record as the caller may see it.","properties":{"id":{"type":"string","format":"uuid"},"type":{"type":"string"},"owner":{"type":"string"},"version":{"type":"integer"},"properties":{"type":"object"},"geometry":{"type":["object","null"]},"handling":{"type":"object"}}})";
constexpr std::string_view kRecordInSchema =
    R"({"type":"object","description":"A new record: type, properties, optional geometry (GeoJSON), handling, links, valid_from/valid_to; validated against the type's schema (GET /api/v1/types/{type}/schema).","required":["type","properties"],"properties":{"type":{"type":"string"},"properties":{"type":"object"},"geometry":{"type":"object"},"handling":{"type":"object"},"links":{"type":"array"}}})";
constexpr std::string_view kRecordPatchSchema =
    R"({"type":"object","description":"A JSON merge patch (RFC 7396) of properties, geometry, handling, links, valid_from and valid_to."})";
constexpr std::string_view kIdSchema =
    R"({"type":"object","required":["id"],"properties":{"id":{"type":"string","format":"uuid"}}})";
constexpr std::string_view kRecordPageSchema =
    R"({"type":"object","required":["records","next_cursor"],"properties":{"records":{"type":"array","items":{"$ref":"#/components/schemas/Record"}},"next_cursor":{"type":["string","null"]}}})";
constexpr std::string_view kHistorySchema =
    R"({"type":"object","required":["versions"],"properties":{"versions":{"type":"array","items":{"$ref":"#/components/schemas/Record"}}}})";
constexpr std::string_view kHitsSchema =
    R"({"type":"object","required":["hits"],"properties":{"hits":{"type":"array","items":{"type":"object"}}}})";
constexpr std::string_view kAccessRequestSchema =
    R"({"type":"object","properties":{"id":{"type":"string"},"hit_id":{"type":"string"},"status":{"type":"string","enum":["pending","granted","refused"]}}})";
constexpr std::string_view kAccessRequestsSchema =
    R"({"type":"object","required":["access_requests"],"properties":{"access_requests":{"type":"array","items":{"type":"object"}}}})";
constexpr std::string_view kJustificationSchema =
    R"({"type":"object","required":["justification"],"additionalProperties":false,"properties":{"justification":{"type":"string","minLength":1,"maxLength":4000}}})";
constexpr std::string_view kImportSchema =
    R"({"type":"object","required":["path"],"additionalProperties":false,"properties":{"path":{"type":"string","minLength":1,"maxLength":1024,"description":"A file relative to the node's import folder: NDJSON records in the JSON form, or a GeoJSON FeatureCollection."},"geojson_type":{"type":"string","description":"Record type of every GeoJSON feature."},"geojson_handling":{"type":"object","description":"Handling of every GeoJSON feature."}}})";
constexpr std::string_view kImportStatsSchema =
    R"({"type":"object","required":["lines","imported","rejected","errors"],"properties":{"lines":{"type":"integer"},"imported":{"type":"integer"},"rejected":{"type":"integer"},"errors":{"type":"array","items":{"type":"string"}}}})";
constexpr std::string_view kGrantSchema =
    R"({"type":"object","additionalProperties":false,"properties":{"reason":{"type":"string","maxLength":4000}}})";
constexpr std::string_view kRefuseSchema =
    R"({"type":"object","required":["reason"],"additionalProperties":false,"properties":{"reason":{"type":"string","minLength":1,"maxLength":4000}}})";
constexpr std::string_view kGroupSchema =
    R"({"type":"object","properties":{"id":{"type":"string"},"name":{"type":"string"},"kind":{"type":"string"},"members":{"type":"array","items":{"type":"string"}},"valid_from":{"type":"string","format":"date-time"},"valid_to":{"type":["string","null"],"format":"date-time"}}})";
constexpr std::string_view kGroupInSchema =
    R"({"type":"object","required":["name","members"],"properties":{"name":{"type":"string"},"kind":{"type":"string","enum":["sharing-group","jit"]},"members":{"type":"array","items":{"type":"string"}},"valid_from":{"type":"string","format":"date-time"},"valid_to":{"type":"string","format":"date-time"}}})";
constexpr std::string_view kGroupsSchema =
    R"({"type":"object","required":["groups"],"properties":{"groups":{"type":"array","items":{"type":"object"}}}})";
constexpr std::string_view kAuthoritiesSchema =
    R"({"type":"object","required":["authorities"],"properties":{"authorities":{"type":"array","items":{"type":"object"}}}})";
constexpr std::string_view kTypesSchema =
    R"({"type":"object","required":["types"],"properties":{"types":{"type":"array","items":{"type":"string"}}}})";
constexpr std::string_view kAnySchema = R"({"type":"object"})";
constexpr std::string_view kAuditSchema =
    R"({"type":"object","required":["entries","next_after"],"properties":{"entries":{"type":"array","items":{"type":"object"}},"next_after":{"type":["integer","null"]}}})";
constexpr std::string_view kMeSchema =
    R"({"type":"object","properties":{"user":{"type":"string"},"authority":{"type":"string"},"role":{"type":"string"},"clearance":{"type":"string"},"purposes":{"type":"array","items":{"type":"string"}}}})";
constexpr std::string_view kHealthSchema =
    R"({"type":"object","properties":{"status":{"type":"string"},"node":{"type":"string"}}})";
constexpr std::string_view kTextSchema = R"({"type":"string"})";

std::string_view MediaType(std::string_view content_type, std::string& lower) {
  const size_t semi = content_type.find(';');
  std::string_view t = content_type.substr(0, semi);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  lower.assign(t);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return lower;
}

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

template <typename T, typename Render>
std::string JsonList(std::string_view key, const std::vector<T>& items, Render&& render) {
  std::string out = "{";
  AppendJsonQuoted(out, key);
  out += ":[";
  bool first = true;
  for (const T& item : items) {
    if (!first) out += ',';
    first = false;
    out += render(item);
  }
  out += "]}";
  return out;
}

}  // namespace

// ---- The route table ----------------------------------------------------------------------------

std::vector<RouteDef> Service::Routes() {
  const ParamDoc record_id{"id", "string", "uuid", "Record id (UUIDv7)."};
  const std::vector<int> read_errors = {400, 401, 403, 404, 500, 503};
  std::vector<RouteDef> r;
  r.push_back({.method = Method::kGet,
               .pattern = "/healthz",
               .operation_id = "healthz",
               .summary = "Liveness; no authentication.",
               .tag = "operations",
               .auth = false,
               .exec = Exec::kInline,
               .response_schema = kHealthSchema,
               .handler = &Service::Healthz});
  r.push_back({.method = Method::kGet,
               .pattern = "/metrics",
               .operation_id = "metrics",
               .summary = "Prometheus metrics (text format 0.0.4); no authentication.",
               .tag = "operations",
               .auth = false,
               .exec = Exec::kInline,
               .response_content_type = "text/plain; version=0.0.4",
               .response_schema = kTextSchema,
               .handler = &Service::MetricsText});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/openapi.json",
               .operation_id = "openapi",
               .summary = "This OpenAPI 3.1 document.",
               .tag = "operations",
               .auth = false,
               .exec = Exec::kInline,
               .response_schema = kAnySchema,
               .handler = &Service::OpenApi});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/me",
               .operation_id = "getMe",
               .summary = "The authenticated principal.",
               .tag = "session",
               .response_schema = kMeSchema,
               .error_statuses = {401, 500, 503},
               .handler = &Service::Me});
  r.push_back({.method = Method::kPost,
               .pattern = "/api/v1/records",
               .operation_id = "createRecord",
               .summary = "Create a record (version 1).",
               .tag = "records",
               .request_content_type = "application/json",
               .request_schema = kRecordInSchema,
               .success_status = 201,
               .response_schema = kIdSchema,
               .error_statuses = {400, 401, 403, 409, 413, 415, 500, 503},
               .handler = &Service::CreateRecord});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/records",
               .operation_id = "listRecords",
               .summary = "Search current record versions the caller may see, ordered by id.",
               .tag = "records",
               .query_params = {{"type", "string", "", "Record type (see /api/v1/types)."},
                                {"owner", "string", "", "Owner authority id."},
                                {"q", "string", "", "Words that must all occur (prefixes match)."},
                                {"bbox", "string", "", "minlon,minlat,maxlon,maxlat (WGS 84)."},
                                {"since", "string", "date-time", "Updated at or after."},
                                {"until", "string", "date-time", "Updated before."},
                                {"limit", "integer", "", "Page size 1..1000 (default 100)."},
                                {"cursor", "string", "", "next_cursor of the previous page."}},
               .response_schema = kRecordPageSchema,
               .error_statuses = read_errors,
               .handler = &Service::ListRecords});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/records/{id}",
               .operation_id = "getRecord",
               .summary = "The current version; 404 when missing or not visible.",
               .tag = "records",
               .exec = Exec::kAsync,
               .path_params = {record_id},
               .response_schema = kRecordSchema,
               .error_statuses = read_errors,
               .handler = &Service::GetRecord,
               .async_handler = &Service::GetRecordAsync});
  r.push_back({.method = Method::kPatch,
               .pattern = "/api/v1/records/{id}",
               .operation_id = "patchRecord",
               .summary = "Write a new version from a JSON merge patch.",
               .tag = "records",
               .path_params = {record_id},
               .request_content_type = "application/merge-patch+json",
               .request_schema = kRecordPatchSchema,
               .response_schema = kRecordSchema,
               .error_statuses = {400, 401, 403, 404, 409, 413, 415, 500, 503},
               .handler = &Service::PatchRecord});
  r.push_back({.method = Method::kPost,
               .pattern = "/api/v1/imports",
               .operation_id = "importFile",
               .summary = "Import a file from the node's import folder; bad lines are reported "
                          "and skipped, each good batch is one transaction.",
               .tag = "records",
               .request_content_type = "application/json",
               .request_schema = kImportSchema,
               .response_schema = kImportStatsSchema,
               .error_statuses = {400, 401, 403, 413, 415, 500, 503},
               .handler = &Service::ImportFile});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/records/{id}/history",
               .operation_id = "getRecordHistory",
               .summary = "All versions, oldest first.",
               .tag = "records",
               .path_params = {record_id},
               .response_schema = kHistorySchema,
               .error_statuses = read_errors,
               .handler = &Service::History});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/hits",
               .operation_id = "listHits",
               .summary = "Cross-match hits the caller's authority is told of.",
               .tag = "hits",
               .response_schema = kHitsSchema,
               .error_statuses = {401, 403, 500, 503},
               .handler = &Service::ListHits});
  r.push_back({.method = Method::kPost,
               .pattern = "/api/v1/hits/{id}/access-requests",
               .operation_id = "requestAccess",
               .summary = "Ask the other side of a hit for access.",
               .tag = "hits",
               .path_params = {{"id", "string", "", "Hit id."}},
               .request_content_type = "application/json",
               .request_schema = kJustificationSchema,
               .success_status = 201,
               .response_schema = kAccessRequestSchema,
               .error_statuses = {400, 401, 403, 404, 409, 413, 415, 500, 503},
               .handler = &Service::RequestAccess});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/access-requests",
               .operation_id = "listAccessRequests",
               .summary = "Access requests made by or addressed to the caller's authority.",
               .tag = "hits",
               .response_schema = kAccessRequestsSchema,
               .error_statuses = {401, 403, 500, 503},
               .handler = &Service::ListAccessRequests});
  r.push_back({.method = Method::kPost,
               .pattern = "/api/v1/access-requests/{id}/grant",
               .operation_id = "grantAccessRequest",
               .summary = "Grant an access request.",
               .tag = "hits",
               .path_params = {{"id", "string", "", "Access request id."}},
               .request_content_type = "application/json",
               .request_schema = kGrantSchema,
               .response_schema = kAccessRequestSchema,
               .error_statuses = {400, 401, 403, 404, 409, 413, 415, 500, 503},
               .handler = &Service::Grant});
  r.push_back({.method = Method::kPost,
               .pattern = "/api/v1/access-requests/{id}/refuse",
               .operation_id = "refuseAccessRequest",
               .summary = "Refuse an access request.",
               .tag = "hits",
               .path_params = {{"id", "string", "", "Access request id."}},
               .request_content_type = "application/json",
               .request_schema = kRefuseSchema,
               .response_schema = kAccessRequestSchema,
               .error_statuses = {400, 401, 403, 404, 409, 413, 415, 500, 503},
               .handler = &Service::Refuse});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/groups",
               .operation_id = "listGroups",
               .summary = "Sharing groups the caller's authority owns or belongs to.",
               .tag = "groups",
               .response_schema = kGroupsSchema,
               .error_statuses = {401, 403, 500, 503},
               .handler = &Service::ListGroups});
  r.push_back({.method = Method::kPost,
               .pattern = "/api/v1/groups",
               .operation_id = "createGroup",
               .summary = "Create a sharing group or joint investigation team.",
               .tag = "groups",
               .request_content_type = "application/json",
               .request_schema = kGroupInSchema,
               .success_status = 201,
               .response_schema = kGroupSchema,
               .error_statuses = {400, 401, 403, 409, 413, 415, 500, 503},
               .handler = &Service::CreateGroup});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/groups/{id}",
               .operation_id = "getGroup",
               .summary = "One sharing group.",
               .tag = "groups",
               .path_params = {{"id", "string", "", "Group id."}},
               .response_schema = kGroupSchema,
               .error_statuses = read_errors,
               .handler = &Service::GetGroup});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/authorities",
               .operation_id = "listAuthorities",
               .summary = "Participating authorities.",
               .tag = "node",
               .response_schema = kAuthoritiesSchema,
               .error_statuses = {401, 403, 500, 503},
               .handler = &Service::ListAuthorities});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/types",
               .operation_id = "listTypes",
               .summary = "Record types of the schema registry.",
               .tag = "node",
               .response_schema = kTypesSchema,
               .error_statuses = {401, 500, 503},
               .handler = &Service::ListTypes});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/types/{type}/schema",
               .operation_id = "getTypeSchema",
               .summary = "The JSON Schema of one type.",
               .tag = "node",
               .path_params = {{"type", "string", "", "Record type."}},
               .response_schema = kAnySchema,
               .error_statuses = {400, 401, 404, 500, 503},
               .handler = &Service::GetSchema});
  r.push_back(
      {.method = Method::kGet,
       .pattern = "/api/v1/audit",
       .operation_id = "listAudit",
       .summary = "Audit entries the caller may see (dpo: all; admin/overseer: own authority).",
       .tag = "audit",
       .query_params = {{"user", "string", "", "Acting user id."},
                        {"authority", "string", "", "Acting or target-owner authority."},
                        {"action", "string", "", "Exact action, or a prefix ending in '.'."},
                        {"since", "string", "date-time", "At or after."},
                        {"until", "string", "date-time", "Before."},
                        {"after", "integer", "", "Entries with seq > after (paging)."},
                        {"limit", "integer", "", "1..1000 (default 100)."}},
       .response_schema = kAuditSchema,
       .error_statuses = {400, 401, 403, 500, 503},
       .handler = &Service::ListAudit});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/stream",
               .operation_id = "stream",
               .summary = "Server-sent events (record, hit, alert, access_request) the caller "
                          "may see; with tracks=true also live vessel track updates (tracks, "
                          "once a second, border purpose); a comment heartbeat every 15 s.",
               .tag = "stream",
               .exec = Exec::kStream,
               .query_params = {{"tracks", "boolean", "", "Also live vessel track updates."},
                                {"bbox", "string", "",
                                 "Track updates only inside minlon,minlat,maxlon,maxlat."}},
               .response_content_type = "text/event-stream",
               .response_schema = kTextSchema,
               .error_statuses = {400, 401, 429, 503},
               .handler = &Service::Stream});
  AddMaritimeRoutes(r);
  AddEurosurRoutes(r);
  AddAdvisoryRoutes(r);
  AddPiuRoutes(r);
  AddTaxiiRoutes(r);
  return r;
}

// ---- Service ------------------------------------------------------------------------------------

namespace {

std::vector<std::string> MetricLabels(const std::vector<RouteDef>& routes) {
  std::vector<std::string> labels;
  for (const RouteDef& r : routes) {
    labels.push_back(fmt::format("{} {}", MethodName(r.method), r.pattern));
  }
  labels.emplace_back("unmatched");
  labels.emplace_back("static");
  return labels;
}

}  // namespace

Service::Service(node::Node& node, const ServerOptions& options)
    : node_(node),
      options_(options),
      router_(Routes()),
      openapi_(BuildOpenApi(router_.routes(), "1.0.0")),
      metrics_(MetricLabels(router_.routes())),
      unmatched_metric_(router_.routes().size()),
      static_metric_(router_.routes().size() + 1),
      web_root_(options.web_root),
      picture_(options.picture),
      eurosur_(options.eurosur),
      advisories_(options.advisories),
      piu_(options.piu),
      cti_(options.cti) {}

Routed Service::Route(const HttpRequest& req) const {
  Routed routed;
  const auto [path, query] = SplitTarget(req.target);
  routed.api = path.starts_with("/api/");
  routed.match = router_.Match(req.method, path);
  if (routed.match.kind == RouteMatch::Kind::kFound) {
    const RouteDef& def = router_.routes()[routed.match.route];
    routed.exec = def.exec;
    routed.metric = static_cast<size_t>(routed.match.route);
    return routed;
  }
  routed.metric = unmatched_metric_;
  if (routed.match.kind == RouteMatch::Kind::kNotFound && !routed.api && !web_root_.empty() &&
      (req.method == Method::kGet || req.method == Method::kHead)) {
    routed.is_static = true;
    routed.metric = static_metric_;
    routed.exec = Exec::kInline;
    return routed;
  }
  // Unknown or wrong-method requests under /api/ are audited (a blocking node call).
  routed.exec = routed.api ? Exec::kWorker : Exec::kInline;
  return routed;
}

void Service::AuditRejected(const HttpRequest& req, std::string_view action,
                            std::string_view detail) {
  node::Context ctx;
  ctx.principal.user_id = "anonymous";
  ctx.request_id = req.request_id;
  ctx.remote = req.remote;
  const auto [path, query] = SplitTarget(req.target);
  node_.Audit(ctx, action, SafeText(path, 256), "invalid", SafeText(detail, 1000));
}

Result<std::string_view> Service::BearerToken(const HttpRequest& req) {
  std::string_view header = req.authorization;
  if (header.empty()) {
    return Unauthenticated("missing bearer token (Authorization: Bearer <token>)");
  }
  constexpr std::string_view kScheme = "bearer ";
  bool scheme_ok = header.size() > kScheme.size();
  for (size_t i = 0; scheme_ok && i < kScheme.size(); ++i) {
    scheme_ok = std::tolower(static_cast<unsigned char>(header[i])) == kScheme[i];
  }
  std::string_view token = scheme_ok ? header.substr(kScheme.size()) : std::string_view();
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  bool token_ok = !token.empty() && token.size() <= 512;
  for (const char ch : token) {
    const auto c = static_cast<unsigned char>(ch);
    token_ok = token_ok && (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~' ||
                            c == '+' || c == '/' || c == '=');
  }
  if (!token_ok) {
    return Unauthenticated("malformed Authorization header; expected 'Bearer <token>'");
  }
  return token;
}

namespace {

constexpr std::string_view kBasicScheme = "basic ";

bool IsBasicScheme(std::string_view header) {
  if (header.size() <= kBasicScheme.size()) return false;
  for (size_t i = 0; i < kBasicScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kBasicScheme[i]) return false;
  }
  return true;
}

}  // namespace

Result<Service::BasicCredentials> Service::ParseBasic(std::string_view header) {
  if (!IsBasicScheme(header)) return Unauthenticated("not HTTP Basic credentials");
  std::string_view encoded = header.substr(kBasicScheme.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  // user-id ":" password, the password being the API token (at most 512 bytes, as a bearer).
  if (encoded.empty() || encoded.size() > 1024) {
    return Unauthenticated("malformed Authorization header; expected 'Basic <base64(user:token)>'");
  }
  std::string decoded(encoded.size(), '\0');
  size_t decoded_size = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                        encoded.data(), encoded.size(), nullptr, &decoded_size, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return Unauthenticated("malformed Authorization header; Basic credentials are not base64");
  }
  decoded.resize(decoded_size);
  const size_t colon = decoded.find(':');
  if (colon == std::string::npos) {
    return Unauthenticated("malformed Authorization header; Basic credentials lack 'user:'");
  }
  BasicCredentials out;
  out.user = decoded.substr(0, colon);
  out.token = decoded.substr(colon + 1);
  return out;
}

Result<access::Principal> Service::Authenticate(const HttpRequest& req, std::string_view path) {
  // TAXII 2.1 makes HTTP Basic (RFC 7617) the scheme every server implements (§1.6.8): under
  // /taxii2/ a client may send the API token as the password, with an empty user-id or the
  // token's own user. Everywhere else, and for bearer credentials, the bearer rules apply.
  std::optional<BasicCredentials> basic;
  if (path.starts_with("/taxii2/") && IsBasicScheme(req.authorization)) {
    Result<BasicCredentials> b = ParseBasic(req.authorization);
    if (!b.ok()) {
      AuditRejected(req, "http.unauthenticated", "malformed Basic credentials");
      return b.status();
    }
    basic = std::move(b).value();
  }
  std::string_view token;
  if (basic) {
    token = basic->token;
  } else {
    Result<std::string_view> parsed = BearerToken(req);
    if (!parsed.ok()) {
      AuditRejected(
          req, "http.unauthenticated",
          req.authorization.empty() ? "missing bearer token" : "malformed Authorization header");
      return parsed.status();
    }
    token = *parsed;
  }
  Result<access::Principal> p = node_.Authenticate(token, req.remote);
  if (!p.ok()) {
    // The node audits failed logins itself (login.failed).
    if (p.status().code() == StatusCode::kUnauthenticated) {
      return Unauthenticated("invalid or expired token");
    }
    return p.status();
  }
  if (basic && !basic->user.empty() && basic->user != p->user_id) {
    AuditRejected(req, "http.unauthenticated", "Basic user-id is not the token's user");
    return Unauthenticated("invalid credentials: the user-id is not the token's user");
  }
  return p;
}

Status Service::Invalid(Call& c, Status s) {
  node_.Audit(c.ctx, "http.invalid", SafeText(c.path, 256), "invalid",
              SafeText(s.field().empty() ? s.message() : s.field() + ": " + s.message(), 1000));
  return s;
}

Result<std::string> Service::PathParam(Call& c, size_t i, std::string_view name, bool uuid) {
  Result<std::string> v = PercentDecode(c.match.params.at(i), false, name);
  if (!v.ok()) return Invalid(c, v.status());
  if (uuid && !core::IsUuid(*v)) {
    return Invalid(c, InvalidArgument(fmt::format("'{}' must be a UUID", name), std::string(name)));
  }
  if (!uuid) {
    Result<std::string> id = ParseIdParam(*v, name);
    if (!id.ok()) return Invalid(c, id.status());
  }
  return v;
}

Result<nlohmann::json> Service::JsonBody(Call& c, bool merge_patch, bool required) {
  if (c.req.body.empty()) {
    if (!required) return nlohmann::json::object();
    return Invalid(c, InvalidArgument("a JSON request body is required", "body"));
  }
  std::string lower;
  const std::string_view media = MediaType(c.req.content_type, lower);
  const bool ok =
      media == "application/json" || (merge_patch && media == "application/merge-patch+json");
  if (!ok) {
    return Invalid(
        c, InvalidArgument(fmt::format("Content-Type must be application/json{}",
                                       merge_patch ? " or application/merge-patch+json" : ""),
                           std::string(kContentTypeField)));
  }
  const size_t semi = c.req.content_type.find(';');
  if (semi != std::string::npos) {
    std::string params = c.req.content_type.substr(semi + 1);
    std::transform(params.begin(), params.end(), params.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (params.find("charset") != std::string::npos && params.find("utf-8") == std::string::npos) {
      return Invalid(
          c, InvalidArgument("only charset=utf-8 is accepted", std::string(kContentTypeField)));
    }
  }
  Result<nlohmann::json> j = ParseJsonObject(c.req.body, "body");
  if (!j.ok()) return Invalid(c, j.status());
  return j;
}

Call Service::NewCall(HttpRequest& req, const RouteDef& def, const RouteMatch& match,
                      std::string_view path, std::string_view query) {
  Call call{req, def, match, path, query, node::Context{}};
  call.ctx.request_id = req.request_id;
  call.ctx.remote = req.remote;
  return call;
}

HttpResponse Service::Handle(HttpRequest& req, const Routed& routed) {
  const auto [path, query] = SplitTarget(req.target);
  if (routed.is_static) return ServeStatic(web_root_, path, req.request_id);
  if (routed.match.kind == RouteMatch::Kind::kNotFound) {
    const std::string message =
        fmt::format("no route for {} {}", SafeText(req.method_text, 16), SafeText(path, 256));
    if (routed.api) AuditRejected(req, "http.invalid", message);
    return ErrorResponse(NotFound(message), req.request_id);
  }
  if (routed.match.kind == RouteMatch::Kind::kMethodNotAllowed) {
    const std::string message = fmt::format("method {} not allowed; allowed: {}",
                                            SafeText(req.method_text, 16), routed.match.allow);
    if (routed.api) AuditRejected(req, "http.invalid", message);
    HttpResponse r = ErrorResponse(InvalidArgument(message, "method"), req.request_id, 405);
    r.AddHeader("Allow", routed.match.allow);
    return r;
  }
  const RouteDef& def = router_.routes()[routed.match.route];
  Call call = NewCall(req, def, routed.match, path, query);
  if (def.auth) {
    Result<access::Principal> p = Authenticate(req, path);
    if (!p.ok()) return ErrorResponse(p.status(), req.request_id);
    call.ctx.principal = std::move(p).value();
  }
  Result<HttpResponse> r = Internal("no response");
  try {
    r = (this->*def.handler)(call);
  } catch (const std::exception& e) {
    // Exceptions never cross the module boundary (a JSON library threw).
    r = Internal(
        fmt::format("{} {}: exception: {}", req.method_text, SafeText(path, 256), e.what()));
  }
  if (!r.ok()) {
    const Status& s = r.status();
    const int http =
        s.code() == StatusCode::kInvalidArgument && s.field() == kContentTypeField ? 415 : 0;
    return ErrorResponse(s, req.request_id, http);
  }
  return std::move(r).value();
}

bool Service::HandleAsync(HttpRequest& req, const Routed& routed, const Responder& respond) {
  if (routed.is_static || routed.match.kind != RouteMatch::Kind::kFound) return false;
  const RouteDef& def = router_.routes()[routed.match.route];
  if (def.async_handler == nullptr) return false;
  const auto [path, query] = SplitTarget(req.target);
  Call call = NewCall(req, def, routed.match, path, query);
  if (def.auth) {
    Result<std::string_view> token = BearerToken(req);
    if (!token.ok()) return false;
    std::optional<access::Principal> principal = node_.CachedPrincipal(*token);
    if (!principal) return false;
    call.ctx.principal = std::move(*principal);
  }
  return (this->*def.async_handler)(call, respond);
}

std::variant<Service::StreamGrant, HttpResponse> Service::AuthorizeStream(HttpRequest& req,
                                                                          const Routed& routed) {
  const auto [path, query] = SplitTarget(req.target);
  const RouteDef& def = router_.routes()[routed.match.route];
  Call call = NewCall(req, def, routed.match, path, query);
  Result<access::Principal> p = Authenticate(req, path);
  if (!p.ok()) return ErrorResponse(p.status(), req.request_id);
  call.ctx.principal = std::move(p).value();
  Result<QueryParams> params = QueryParams::Parse(query, {"tracks", "bbox"});
  if (!params.ok()) return ErrorResponse(Invalid(call, params.status()), req.request_id);
  StreamGrant grant;
  if (const std::string* tracks = params->Get("tracks")) {
    if (*tracks != "true" && *tracks != "false") {
      return ErrorResponse(Invalid(call, InvalidArgument("tracks must be true or false", "tracks")),
                           req.request_id);
    }
    grant.tracks = *tracks == "true";
  }
  if (const std::string* bbox = params->Get("bbox")) {
    Result<core::BBox> box = core::ParseBBox(*bbox);
    if (!box.ok()) {
      return ErrorResponse(Invalid(call, InvalidArgument(box.status().message(), "bbox")),
                           req.request_id);
    }
    grant.bbox = *box;
  }
  if (grant.tracks && picture_ == nullptr) {
    return ErrorResponse(NotFound("this node has no vessel picture (no AIS feed configured)"),
                         req.request_id);
  }
  grant.ctx = std::move(call.ctx);
  return grant;
}

Result<std::unique_ptr<node::Node::Subscription>> Service::SubscribeStream(
    const StreamGrant& grant, node::Node::Subscriber sink) {
  struct Both final : node::Node::Subscription {
    std::unique_ptr<maritime::LivePicture::Subscription> tracks;  // ended first
    std::unique_ptr<node::Node::Subscription> notices;
  };
  auto both = std::make_unique<Both>();
  if (grant.tracks) {
    ISSA_ASSIGN_OR_RETURN(
        both->tracks,
        picture_->Subscribe(
            maritime::PictureReader{grant.ctx.principal, grant.ctx.request_id, grant.ctx.remote},
            grant.bbox, [sink](const std::string& json) {
              sink(node::Notice{"tracks", "", json});
            }));
  }
  both->notices = node_.Subscribe(grant.ctx, std::move(sink));
  return std::unique_ptr<node::Node::Subscription>(std::move(both));
}

// ---- Handlers -----------------------------------------------------------------------------------

Result<HttpResponse> Service::Healthz(Call& /*c*/) {
  std::string body = R"({"status":"ok","node":)";
  AppendJsonQuoted(body, node_.node_id());
  body += '}';
  return JsonResponse(200, std::move(body));
}

Result<HttpResponse> Service::MetricsText(Call& /*c*/) {
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics_.Render(node_.Stats(), gauges_ ? gauges_() : ServerGauges{});
  return r;
}

Result<HttpResponse> Service::OpenApi(Call& /*c*/) { return JsonResponse(200, openapi_); }

Result<HttpResponse> Service::Me(Call& c) {
  const access::Principal& p = c.ctx.principal;
  nlohmann::json j = {{"user", p.user_id},
                      {"authority", p.authority},
                      {"role", core::ToString(p.role)},
                      {"clearance", core::ToString(p.clearance)},
                      {"purposes", core::PurposeNames(p.purposes)}};
  return JsonResponse(200, Dump(j));
}

Result<HttpResponse> Service::CreateRecord(Call& c) {
  ISSA_RETURN_IF_ERROR(JsonBody(c, false, true));
  ISSA_ASSIGN_OR_RETURN(std::string id, node_.CreateRecord(c.ctx, c.req.body));
  HttpResponse r;
  r.status = 201;
  r.body = R"({"id":)" + JsonQuote(id) + "}";
  r.AddHeader("Location", "/api/v1/records/" + id);
  return r;
}

Result<HttpResponse> Service::ImportFile(Call& c) {
  ISSA_ASSIGN_OR_RETURN(nlohmann::json body, JsonBody(c, false, true));
  std::string path;
  node::ImportOptions options;
  for (const auto& [key, value] : body.items()) {
    if (key == "path" || key == "geojson_type") {
      if (!value.is_string()) return Invalid(c, InvalidArgument("must be a string", key));
      (key == "path" ? path : options.geojson_type) = value.get<std::string>();
    } else if (key == "geojson_handling") {
      if (!value.is_object()) return Invalid(c, InvalidArgument("must be an object", key));
      options.geojson_handling_json = value.dump();
    } else {
      return Invalid(c, InvalidArgument("unknown property '" + key + "'", key));
    }
  }
  if (path.empty()) return Invalid(c, InvalidArgument("is required", "path"));
  ISSA_ASSIGN_OR_RETURN(node::ImportStats stats, node_.ImportFile(c.ctx, path, options));
  nlohmann::json out = {{"lines", stats.lines},
                        {"imported", stats.imported},
                        {"rejected", stats.rejected},
                        {"errors", stats.errors}};
  return JsonResponse(200, out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<HttpResponse> Service::ListRecords(Call& c) {
  const std::vector<std::string> types = node_.RecordTypes();
  Result<storage::RecordQuery> q = ParseRecordQuery(c.query, [&types](const std::string& t) {
    return std::find(types.begin(), types.end(), t) != types.end();
  });
  if (!q.ok()) return Invalid(c, q.status());
  ISSA_ASSIGN_OR_RETURN(storage::RecordPage page, node_.ListRecords(c.ctx, *q));
  std::string out = R"({"records":[)";
  for (size_t i = 0; i < page.records.size(); ++i) {
    if (i > 0) out += ',';
    out += node_.RenderRecord(c.ctx, page.records[i]);
  }
  out += R"(],"next_cursor":)";
  if (page.next_cursor.empty()) {
    out += "null";
  } else {
    AppendJsonQuoted(out, page.next_cursor);
  }
  out += '}';
  return JsonResponse(200, std::move(out));
}

Result<HttpResponse> Service::GetRecord(Call& c) {
  ISSA_ASSIGN_OR_RETURN(std::string id, PathParam(c, 0, "id", true));
  if (!c.query.empty()) {
    Result<QueryParams> params = QueryParams::Parse(c.query, {});
    if (!params.ok()) return Invalid(c, params.status());
  }
  ISSA_ASSIGN_OR_RETURN(core::Record record, node_.GetRecord(c.ctx, id));
  return JsonResponse(200, node_.RenderRecord(c.ctx, record));
}

// The common case of GET /api/v1/records/{id} (a well-formed id, no query), without blocking
// an I/O thread: the node reads at once and answers when the read's audit entry is committed.
bool Service::GetRecordAsync(Call& c, const Responder& respond) {
  if (!c.query.empty()) return false;
  Result<std::string> id = PercentDecode(c.match.params.at(0), false, "id");
  if (!id.ok() || !core::IsUuid(*id)) return false;
  node_.GetRecordAsync(c.ctx, *id, [this, ctx = c.ctx, respond](Result<core::Record> record) {
    respond([this, ctx, record = std::move(record)]() -> HttpResponse {
      if (!record.ok()) return ErrorResponse(record.status(), ctx.request_id);
      return JsonResponse(200, node_.RenderRecord(ctx, *record));
    });
  });
  return true;
}

Result<HttpResponse> Service::PatchRecord(Call& c) {
  ISSA_ASSIGN_OR_RETURN(std::string id, PathParam(c, 0, "id", true));
  ISSA_RETURN_IF_ERROR(JsonBody(c, true, true));
  ISSA_ASSIGN_OR_RETURN(core::Record record, node_.PatchRecord(c.ctx, id, c.req.body));
  HttpResponse r = JsonResponse(200, node_.RenderRecord(c.ctx, record));
  r.AddHeader("ETag", fmt::format("\"{}\"", record.version));
  return r;
}

Result<HttpResponse> Service::History(Call& c) {
  ISSA_ASSIGN_OR_RETURN(std::string id, PathParam(c, 0, "id", true));
  ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> versions, node_.GetHistory(c.ctx, id));
  return JsonResponse(200, JsonList("versions", versions, [&](const core::Record& rec) {
                        return node_.RenderRecord(c.ctx, rec);
                      }));
}

Result<HttpResponse> Service::ListHits(Call& c) {
  ISSA_ASSIGN_OR_RETURN(std::vector<node::HitView> hits, node_.ListHits(c.ctx));
  return JsonResponse(200, JsonList("hits", hits, node::HitJson));
}

Result<HttpResponse> Service::RequestAccess(Call& c) {
  ISSA_ASSIGN_OR_RETURN(std::string hit_id, PathParam(c, 0, "id", false));
  ISSA_ASSIGN_OR_RETURN(nlohmann::json body, JsonBody(c, false, true));
  std::string justification;
  for (const auto& [key, value] : body.items()) {
    if (key != "justification") {
      return Invalid(c, InvalidArgument("unknown property '" + key + "'", key));
    }
    if (!value.is_string()) {
      return Invalid(c, InvalidArgument("justification must be a string", "justification"));
    }
    justification = value.get<std::string>();
  }
  if (justification.empty() || justification.size() > kMaxJustification) {
    return Invalid(c, InvalidArgument("justification must have 1 to 4000 bytes", "justification"));
  }
  ISSA_ASSIGN_OR_RETURN(core::AccessRequest req, node_.RequestAccess(c.ctx, hit_id, justification));
  return JsonResponse(201, node::AccessRequestJson(req, c.ctx.principal.authority));
}

Result<HttpResponse> Service::ListAccessRequests(Call& c) {
  ISSA_ASSIGN_OR_RETURN(std::vector<core::AccessRequest> reqs, node_.ListAccessRequests(c.ctx));
  return JsonResponse(200, JsonList("access_requests", reqs, [&](const core::AccessRequest& r) {
                        return node::AccessRequestJson(r, c.ctx.principal.authority);
                      }));
}

Result<HttpResponse> Service::Grant(Call& c) { return Decide(c, true); }
Result<HttpResponse> Service::Refuse(Call& c) { return Decide(c, false); }

Result<HttpResponse> Service::Decide(Call& c, bool grant) {
  ISSA_ASSIGN_OR_RETURN(std::string request_id, PathParam(c, 0, "id", false));
  ISSA_ASSIGN_OR_RETURN(nlohmann::json body, JsonBody(c, false, !grant));
  std::string reason;
  for (const auto& [key, value] : body.items()) {
    if (key != "reason") return Invalid(c, InvalidArgument("unknown property '" + key + "'", key));
    if (!value.is_string()) {
      return Invalid(c, InvalidArgument("reason must be a string", "reason"));
    }
    reason = value.get<std::string>();
  }
  if ((!grant && reason.empty()) || reason.size() > kMaxJustification) {
    return Invalid(c, InvalidArgument(grant ? "reason must have at most 4000 bytes"
                                            : "reason must have 1 to 4000 bytes",
                                      "reason"));
  }
  ISSA_ASSIGN_OR_RETURN(core::AccessRequest req,
                        node_.DecideAccess(c.ctx, request_id, grant, reason));
  return JsonResponse(200, node::AccessRequestJson(req, c.ctx.principal.authority));
}

Result<HttpResponse> Service::ListGroups(Call& c) {
  ISSA_ASSIGN_OR_RETURN(std::vector<core::SharingGroup> groups, node_.ListGroups(c.ctx));
  return JsonResponse(200, JsonList("groups", groups, node::GroupJson));
}

Result<HttpResponse> Service::CreateGroup(Call& c) {
  ISSA_RETURN_IF_ERROR(JsonBody(c, false, true));
  ISSA_ASSIGN_OR_RETURN(core::SharingGroup group, node_.CreateGroup(c.ctx, c.req.body));
  HttpResponse r = JsonResponse(201, node::GroupJson(group));
  r.AddHeader("Location", "/api/v1/groups/" + group.id);
  return r;
}

Result<HttpResponse> Service::GetGroup(Call& c) {
  ISSA_ASSIGN_OR_RETURN(std::string id, PathParam(c, 0, "id", false));
  ISSA_ASSIGN_OR_RETURN(core::SharingGroup group, node_.GetGroup(c.ctx, id));
  return JsonResponse(200, node::GroupJson(group));
}

Result<HttpResponse> Service::ListAuthorities(Call& c) {
  ISSA_ASSIGN_OR_RETURN(std::vector<core::Authority> list, node_.ListAuthorities(c.ctx));
  return JsonResponse(200, JsonList("authorities", list, node::AuthorityJson));
}

Result<HttpResponse> Service::ListTypes(Call& /*c*/) {
  const std::vector<std::string> types = node_.RecordTypes();
  return JsonResponse(200, JsonList("types", types, JsonQuote));
}

Result<HttpResponse> Service::GetSchema(Call& c) {
  ISSA_ASSIGN_OR_RETURN(std::string type, PathParam(c, 0, "type", false));
  ISSA_ASSIGN_OR_RETURN(std::string schema, node_.Schema(type));
  HttpResponse r = JsonResponse(200, std::move(schema));
  r.content_type = "application/schema+json";
  return r;
}

Result<HttpResponse> Service::ListAudit(Call& c) {
  Result<storage::AuditQuery> q = ParseAuditQuery(c.query);
  if (!q.ok()) return Invalid(c, q.status());
  const int limit = q->limit;
  ISSA_ASSIGN_OR_RETURN(std::vector<audit::Entry> entries, node_.ListAudit(c.ctx, *q));
  std::string out = JsonList("entries", entries, node::AuditEntryJson);
  out.pop_back();  // '}'
  out += R"(,"next_after":)";
  out += !entries.empty() && static_cast<int>(entries.size()) >= limit
             ? std::to_string(entries.back().seq)
             : std::string("null");
  out += '}';
  return JsonResponse(200, std::move(out));
}

Result<HttpResponse> Service::Stream(Call& /*c*/) {
  // Streams are served by the server (see AuthorizeStream); this handler only documents them.
  return Unimplemented("the event stream needs a streaming connection");
}

}  // namespace issa::api
