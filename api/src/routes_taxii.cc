// TAXII 2.1 (issue 6, item 3) at /taxii2/: discovery, one API root (cti), collections per
// authority and per sharing group, objects, manifest, versions, status. Thin: negotiate the media
// type, authenticate, call the CtiService (which reads and writes through the node with the
// caller's context), render; errors are TAXII error messages. See docs/api.md, "TAXII 2.1".
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/cti/service.h"

#include "errors.h"
#include "query.h"
#include "service.h"

namespace issa::api {
namespace {

constexpr std::string_view kTaxiiMedia = "application/taxii+json;version=2.1";
constexpr std::string_view kTaxiiSchema =
    R"({"type":"object","description":"A TAXII 2.1 resource (discovery, api-root, collections, collection, envelope, manifest, versions or status)."})";
constexpr std::string_view kEnvelopeIn =
    R"({"type":"object","description":"A TAXII 2.1 envelope {\"objects\":[…]} or a STIX 2.1 bundle.","required":["objects"]})";

const std::vector<int> kTaxiiReadErrors = {400, 401, 403, 404, 406, 500};
const std::vector<int> kTaxiiWriteErrors = {400, 401, 403, 404, 406, 413, 415, 500};
const ParamDoc kCollectionId{"id", "string", "uuid", "Collection id."};
const ParamDoc kObjectId{"object_id", "string", "", "STIX object id, e.g. indicator--…"};
const ParamDoc kStatusId{"id", "string", "uuid", "Status resource id."};

std::vector<ParamDoc> FilterParams() {
  return {{"limit", "integer", "", "Objects per page (1..1000, default 100)."},
          {"added_after", "string", "date-time", "Only objects added after this time."},
          {"next", "string", "", "The cursor of the previous page."},
          {"match[id]", "string", "", "Comma-separated STIX ids."},
          {"match[type]", "string", "", "Comma-separated STIX types."},
          {"match[version]", "string", "", "first, last (default), all or timestamps."},
          {"match[spec_version]", "string", "", "2.0 or 2.1."}};
}

RouteDef TaxiiRoute(Method method, std::string_view pattern, std::string_view op,
                    std::string_view summary, std::vector<ParamDoc> path,
                    Result<HttpResponse> (Service::*handler)(Call&), bool filters = false,
                    int success = 200) {
  RouteDef d{.method = method,
             .pattern = pattern,
             .operation_id = op,
             .summary = summary,
             .tag = "taxii",
             .auth = false,  // authenticated in the handler, to answer with TAXII errors
             .path_params = std::move(path),
             .success_status = success,
             .response_content_type = kTaxiiMedia,
             .response_schema = kTaxiiSchema,
             .error_statuses = method == Method::kGet ? kTaxiiReadErrors : kTaxiiWriteErrors,
             .handler = handler};
  if (filters) d.query_params = FilterParams();
  if (method == Method::kPost) {
    d.request_content_type = kTaxiiMedia;
    d.request_schema = kEnvelopeIn;
  }
  return d;
}

// The node's mapping (errors.h), except that a too large bundle is 413 in TAXII.
int TaxiiHttpStatus(const Status& s) {
  return s.code() == StatusCode::kResourceExhausted ? 413 : HttpStatusFor(s.code());
}

// A TAXII 2.1 error message (§3.6.1).
HttpResponse TaxiiError(const Status& s, std::string_view request_id, int http = 0) {
  if (http == 0) http = TaxiiHttpStatus(s);
  nlohmann::json o;
  const bool internal = http >= 500 && s.code() != StatusCode::kUnavailable;
  if (internal) LogLine(fmt::format("request {}: {}", request_id, s.ToString()));
  o["title"] = internal ? "internal error" : std::string(StatusCodeName(s.code()));
  o["description"] = internal ? "internal error; see the server log" : s.message();
  o["error_id"] = std::string(request_id);
  o["http_status"] = std::to_string(http);
  if (!s.field().empty() && !internal) o["details"] = {{"field", s.field()}};
  HttpResponse r;
  r.status = http;
  r.content_type = std::string(kTaxiiMedia);
  r.body = o.dump();
  if (http == 401) r.AddHeader("WWW-Authenticate", R"(Basic realm="issa-taxii", Bearer)");
  return r;
}

// Whether an Accept header admits TAXII 2.1 JSON.
bool AcceptsTaxii(std::string_view accept) {
  if (accept.empty()) return true;
  size_t start = 0;
  while (start <= accept.size()) {
    const size_t comma = accept.find(',', start);
    std::string_view part =
        accept.substr(start, comma == std::string_view::npos ? accept.npos : comma - start);
    start = comma == std::string_view::npos ? accept.size() + 1 : comma + 1;
    std::string t;
    for (char c : part) {
      if (c != ' ' && c != '\t') t.push_back(static_cast<char>(std::tolower(c)));
    }
    const size_t q = t.find(";q=");
    if (q != std::string::npos) t = t.substr(0, q);
    if (t == "*/*" || t == "application/*" || t == "application/taxii+json" ||
        t == "application/taxii+json;version=2.1") {
      return true;
    }
  }
  return false;
}

bool IsTaxiiContentType(std::string_view ct) {
  std::string t;
  for (char c : ct) {
    if (c != ' ' && c != '\t') t.push_back(static_cast<char>(std::tolower(c)));
  }
  return t == "application/taxii+json;version=2.1" || t == "application/taxii+json";
}

HttpResponse TaxiiOk(std::string body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::string(kTaxiiMedia);
  r.body = std::move(body);
  return r;
}

}  // namespace

void Service::AddTaxiiRoutes(std::vector<RouteDef>& r) {
  r.push_back(TaxiiRoute(Method::kGet, "/taxii2/", "taxiiDiscovery",
                         "TAXII 2.1 discovery: the API roots of this node.", {},
                         &Service::TaxiiDiscovery));
  r.push_back(TaxiiRoute(Method::kGet, "/taxii2/cti/", "taxiiApiRoot",
                         "The API root: versions and the largest accepted request.", {},
                         &Service::TaxiiApiRoot));
  r.push_back(TaxiiRoute(Method::kGet, "/taxii2/cti/status/{id}/", "taxiiStatus",
                         "A status resource of an earlier POST (the writing authority only).",
                         {kStatusId}, &Service::TaxiiStatus));
  r.push_back(TaxiiRoute(Method::kGet, "/taxii2/cti/collections/", "taxiiCollections",
                         "Collections: one per authority, one per sharing group of the caller.", {},
                         &Service::TaxiiCollections));
  r.push_back(TaxiiRoute(Method::kGet, "/taxii2/cti/collections/{id}/", "taxiiCollection",
                         "One collection with can_read/can_write for the caller.", {kCollectionId},
                         &Service::TaxiiCollection));
  r.push_back(TaxiiRoute(Method::kGet, "/taxii2/cti/collections/{id}/objects/", "taxiiGetObjects",
                         "A page of the objects the caller may see (cursor paging).",
                         {kCollectionId}, &Service::TaxiiGetObjects, true));
  // The hot read: answered on the I/O thread when the node can (docs/adr/0005).
  r.back().exec = Exec::kAsync;
  r.back().async_handler = &Service::TaxiiGetObjectsAsync;
  r.push_back(TaxiiRoute(Method::kPost, "/taxii2/cti/collections/{id}/objects/", "taxiiAddObjects",
                         "Add objects; answers a status resource with per-object failures.",
                         {kCollectionId}, &Service::TaxiiAddObjects, false, 202));
  r.push_back(TaxiiRoute(Method::kGet, "/taxii2/cti/collections/{id}/objects/{object_id}/",
                         "taxiiGetObject", "The versions of one object (match[version]).",
                         {kCollectionId, kObjectId}, &Service::TaxiiGetObject, true));
  r.push_back(TaxiiRoute(Method::kDelete, "/taxii2/cti/collections/{id}/objects/{object_id}/",
                         "taxiiDeleteObject", "Withdraw an object's versions (its writer only).",
                         {kCollectionId, kObjectId}, &Service::TaxiiDeleteObject));
  r.push_back(TaxiiRoute(Method::kGet, "/taxii2/cti/collections/{id}/objects/{object_id}/versions/",
                         "taxiiVersions", "The versions of one object.", {kCollectionId, kObjectId},
                         &Service::TaxiiVersions, true));
  r.push_back(TaxiiRoute(Method::kGet, "/taxii2/cti/collections/{id}/manifest/", "taxiiManifest",
                         "Manifest entries (id, date_added, version, media_type) of a page.",
                         {kCollectionId}, &Service::TaxiiManifest, true));
}

Result<HttpResponse> Service::TaxiiCall(Call& c, bool body, const TaxiiFn& fn) {
  if (!AcceptsTaxii(c.req.accept)) {
    return TaxiiError(
        InvalidArgument("the server answers application/taxii+json;version=2.1", "Accept"),
        c.req.request_id, 406);
  }
  if (body && !IsTaxiiContentType(c.req.content_type)) {
    return TaxiiError(InvalidArgument("send application/taxii+json;version=2.1", "Content-Type"),
                      c.req.request_id, 415);
  }
  Result<access::Principal> p = Authenticate(c.req, c.path);
  if (!p.ok()) return TaxiiError(p.status(), c.req.request_id);
  c.ctx.principal = std::move(p).value();
  if (cti_ == nullptr) {
    return TaxiiError(NotFound("TAXII is not enabled on this node"), c.req.request_id);
  }
  std::vector<std::string> params;
  for (size_t i = 0; i < c.match.params.size(); ++i) {
    Result<std::string> v = PercentDecode(c.match.params[i], false, i == 0 ? "id" : "object_id");
    if (!v.ok()) return TaxiiError(Invalid(c, v.status()), c.req.request_id);
    params.push_back(std::move(v).value());
  }
  Result<HttpResponse> r = fn(*cti_, params);
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kInvalidArgument) (void)Invalid(c, r.status());
    return TaxiiError(r.status(), c.req.request_id);
  }
  return r;
}

namespace {

HttpResponse PageResponse(cti::TaxiiPage page) {
  HttpResponse r = TaxiiOk(std::move(page.json));
  if (!page.date_added_first.empty()) {
    r.AddHeader("X-TAXII-Date-Added-First", page.date_added_first);
    r.AddHeader("X-TAXII-Date-Added-Last", page.date_added_last);
  }
  return r;
}

Result<HttpResponse> Wrap(Result<std::string> r, int status = 200) {
  if (!r.ok()) return r.status();
  return TaxiiOk(std::move(r).value(), status);
}

Result<HttpResponse> WrapPage(Result<cti::TaxiiPage> r) {
  if (!r.ok()) return r.status();
  return PageResponse(std::move(r).value());
}

}  // namespace

Result<HttpResponse> Service::TaxiiDiscovery(Call& c) {
  const std::string base = c.req.host.empty() ? "" : "http://" + c.req.host;
  return TaxiiCall(c, false, [&](cti::CtiService& s, const std::vector<std::string>&) {
    return Wrap(s.Discovery(c.ctx, base));
  });
}

Result<HttpResponse> Service::TaxiiApiRoot(Call& c) {
  return TaxiiCall(c, false, [&](cti::CtiService& s, const std::vector<std::string>&) {
    return Wrap(s.ApiRoot(c.ctx));
  });
}

Result<HttpResponse> Service::TaxiiStatus(Call& c) {
  return TaxiiCall(c, false, [&](cti::CtiService& s, const std::vector<std::string>& p) {
    return Wrap(s.GetStatus(c.ctx, p[0]));
  });
}

Result<HttpResponse> Service::TaxiiCollections(Call& c) {
  return TaxiiCall(c, false, [&](cti::CtiService& s, const std::vector<std::string>&) {
    return Wrap(s.Collections(c.ctx));
  });
}

Result<HttpResponse> Service::TaxiiCollection(Call& c) {
  return TaxiiCall(c, false, [&](cti::CtiService& s, const std::vector<std::string>& p) {
    return Wrap(s.Collection(c.ctx, p[0]));
  });
}

Result<HttpResponse> Service::TaxiiGetObjects(Call& c) {
  return TaxiiCall(c, false, [&](cti::CtiService& s, const std::vector<std::string>& p) {
    return WrapPage(s.GetObjects(c.ctx, p[0], c.query));
  });
}

// The common case of a page of objects without blocking the I/O thread: a token the node has
// validated recently, a cached collection and a well-formed query; anything else (errors to
// audit, a first login) is declined and runs TaxiiGetObjects on a worker.
bool Service::TaxiiGetObjectsAsync(Call& c, const Responder& respond) {
  if (cti_ == nullptr || !AcceptsTaxii(c.req.accept)) return false;
  Result<std::string_view> token = BearerToken(c.req);
  if (!token.ok()) return false;
  std::optional<access::Principal> principal = node_.CachedPrincipal(*token);
  if (!principal) return false;
  c.ctx.principal = std::move(*principal);
  Result<std::string> id = PercentDecode(c.match.params.at(0), false, "id");
  if (!id.ok()) return false;
  return cti_->GetObjectsAsync(
      c.ctx, *id, c.query, [respond, request_id = c.req.request_id](Result<cti::TaxiiPage> page) {
        respond([page = std::make_shared<Result<cti::TaxiiPage>>(std::move(page)),
                 request_id]() -> HttpResponse {
          if (!page->ok()) return TaxiiError(page->status(), request_id);
          return PageResponse(std::move(**page));
        });
      });
}

Result<HttpResponse> Service::TaxiiAddObjects(Call& c) {
  return TaxiiCall(c, true, [&](cti::CtiService& s, const std::vector<std::string>& p) {
    std::istringstream in(c.req.body);
    return Wrap(s.AddObjects(c.ctx, p[0], in), 202);
  });
}

Result<HttpResponse> Service::TaxiiGetObject(Call& c) {
  return TaxiiCall(c, false, [&](cti::CtiService& s, const std::vector<std::string>& p) {
    return WrapPage(s.GetObject(c.ctx, p[0], p[1], c.query));
  });
}

Result<HttpResponse> Service::TaxiiDeleteObject(Call& c) {
  return TaxiiCall(
      c, false, [&](cti::CtiService& s, const std::vector<std::string>& p) -> Result<HttpResponse> {
        Status st = s.DeleteObject(c.ctx, p[0], p[1], c.query);
        if (!st.ok()) return st;
        return TaxiiOk("");
      });
}

Result<HttpResponse> Service::TaxiiVersions(Call& c) {
  return TaxiiCall(c, false, [&](cti::CtiService& s, const std::vector<std::string>& p) {
    return WrapPage(s.Versions(c.ctx, p[0], p[1], c.query));
  });
}

Result<HttpResponse> Service::TaxiiManifest(Call& c) {
  return TaxiiCall(c, false, [&](cti::CtiService& s, const std::vector<std::string>& p) {
    return WrapPage(s.Manifest(c.ctx, p[0], c.query));
  });
}

}  // namespace issa::api
