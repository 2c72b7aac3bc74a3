// Routes of the EISAS advisories (issue 6, item 9). Public, without a token: the index page, one
// advisory page per language, the Atom feed and the JSON list, all read through the node's public
// read path (released TLP:CLEAR advisories only; the access decision is the node's). With a
// token: make an advisory, publish it, read its CSAF 2.0 document. Thin: parse, call the
// AdvisoryService, render.
#include <algorithm>
#include <cctype>

#include "issa/eisas/advisory_service.h"

#include "errors.h"
#include "query.h"
#include "service.h"

namespace issa::api {
namespace {

constexpr std::string_view kObject = R"({"type":"object"})";
constexpr std::string_view kText = R"({"type":"string"})";
constexpr std::string_view kCreateIn =
    R"({"type":"object","required":["profile","advisory"],"properties":{"profile":{"type":"string","enum":["security_incident_response","informational_advisory"]},"incident":{"type":"string","description":"Incident record id."},"indicators":{"type":"array","items":{"type":"string"},"description":"Record ids of STIX indicators or vulnerabilities."},"stix":{"type":"object","description":"A STIX 2.1 bundle."},"advisory":{"type":"object","description":"The plain-language advisory (docs/cyber.md#advisory-json)."}}})";
constexpr std::string_view kReviseIn =
    R"({"type":"object","required":["summary"],"properties":{"summary":{"type":"string","description":"What changed (the CSAF revision summary)."},"advisory":{"type":"object","description":"The whole plain-language advisory of the new version (same tracking id and TLP); the current text when absent."}}})";
const std::vector<int> kPublicErrors = {400, 404, 500, 503};
const std::vector<int> kWriteErrors = {400, 401, 403, 404, 409, 413, 415, 500, 503};
const std::vector<int> kReadErrors = {400, 401, 403, 404, 500, 503};
const ParamDoc kLang{"lang", "string", "",
                     "Language (BCP 47), e.g. de; the source language when absent."};
const ParamDoc kTrackingId{"id", "string", "", "Advisory tracking id, e.g. NL-EISAS-2026-0001."};
const ParamDoc kRecordId{"id", "string", "uuid", "Advisory record id."};

Status NoAdvisories() { return NotFound("advisories are not served by this node"); }

// Public pages: nothing from elsewhere, no script, no framing.
HttpResponse PublicResponse(std::string body, std::string_view content_type) {
  HttpResponse r;
  r.content_type = std::string(content_type);
  r.body = std::move(body);
  r.AddHeader("Content-Security-Policy",
              "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'");
  r.AddHeader("X-Content-Type-Options", "nosniff");
  r.AddHeader("Cache-Control", "public, max-age=60");
  return r;
}

RouteDef PublicGet(std::string_view pattern, std::string_view op, std::string_view summary,
                   std::vector<ParamDoc> path, std::vector<ParamDoc> query,
                   std::string_view content_type, Result<HttpResponse> (Service::*handler)(Call&)) {
  return RouteDef{.method = Method::kGet,
                  .pattern = pattern,
                  .operation_id = op,
                  .summary = summary,
                  .tag = "advisories",
                  .auth = false,
                  .path_params = std::move(path),
                  .query_params = std::move(query),
                  .response_content_type = content_type,
                  .response_schema = content_type == "application/json" ? kObject : kText,
                  .error_statuses = kPublicErrors,
                  .handler = handler};
}

// The ?lang= parameter (the only one the public pages take): a language tag or empty.
Result<std::string> LangParam(std::string_view query) {
  ISSA_ASSIGN_OR_RETURN(const QueryParams params, QueryParams::Parse(query, {"lang"}));
  const std::string* lang = params.Get("lang");
  if (lang == nullptr) return std::string();
  const bool ok =
      !lang->empty() && lang->size() <= 35 && std::all_of(lang->begin(), lang->end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '-';
      });
  if (!ok) return InvalidArgument("must be a language tag such as de or pt-PT", "lang");
  return *lang;
}

}  // namespace

void Service::AddAdvisoryRoutes(std::vector<RouteDef>& r) {
  r.push_back(PublicGet("/advisories", "advisoryIndexBare",
                        "Published advisories (HTML index); no authentication.", {}, {kLang},
                        "text/html; charset=utf-8", &Service::AdvisoryIndex));
  r.push_back(PublicGet("/advisories/", "advisoryIndex",
                        "Published advisories (HTML index); no authentication.", {}, {kLang},
                        "text/html; charset=utf-8", &Service::AdvisoryIndex));
  r.push_back(PublicGet("/advisories/feed.atom", "advisoryFeed",
                        "Published advisories as an Atom 1.0 feed, one entry per language; no "
                        "authentication.",
                        {}, {}, "application/atom+xml; charset=utf-8", &Service::AdvisoryFeed));
  r.push_back(PublicGet("/advisories.json", "advisoryList",
                        "Published advisories as JSON; no authentication.", {}, {},
                        "application/json", &Service::AdvisoryList));
  r.push_back(PublicGet("/advisories/{id}", "advisoryPage",
                        "One published advisory (accessible HTML page); no authentication.",
                        {kTrackingId}, {kLang}, "text/html; charset=utf-8",
                        &Service::AdvisoryPage));
  r.push_back({.method = Method::kPost,
               .pattern = "/api/v1/advisories",
               .operation_id = "createAdvisory",
               .summary = "Make a draft advisory (CSAF 2.0 and plain language) from an incident "
                          "and/or indicators; officers or admins of a CERT.",
               .tag = "advisories",
               .request_content_type = "application/json",
               .request_schema = kCreateIn,
               .success_status = 201,
               .response_schema = kObject,
               .error_statuses = kWriteErrors,
               .handler = &Service::AdvisoryCreate});
  r.push_back({.method = Method::kPost,
               .pattern = "/api/v1/advisories/{id}/publish",
               .operation_id = "publishAdvisory",
               .summary = "Publish an advisory; refused (409) unless it and everything it is "
                          "derived from is TLP:CLEAR.",
               .tag = "advisories",
               .path_params = {kRecordId},
               .response_schema = kObject,
               .error_statuses = kWriteErrors,
               .handler = &Service::AdvisoryPublish});
  r.push_back({.method = Method::kPost,
               .pattern = "/api/v1/advisories/{id}/revisions",
               .operation_id = "reviseAdvisory",
               .summary = "A new version of an advisory (draft until published; a published "
                          "advisory stays public in its released version until then).",
               .tag = "advisories",
               .path_params = {kRecordId},
               .request_content_type = "application/json",
               .request_schema = kReviseIn,
               .success_status = 201,
               .response_schema = kObject,
               .error_statuses = kWriteErrors,
               .handler = &Service::AdvisoryRevise});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/advisories/{id}/csaf",
               .operation_id = "getAdvisoryCsaf",
               .summary = "The CSAF 2.0 document of an advisory.",
               .tag = "advisories",
               .path_params = {kRecordId},
               .response_content_type = "application/json",
               .response_schema = kObject,
               .error_statuses = kReadErrors,
               .handler = &Service::AdvisoryCsaf});
}

Result<HttpResponse> Service::AdvisoryIndex(Call& c) {
  if (advisories_ == nullptr) return NoAdvisories();
  ISSA_ASSIGN_OR_RETURN(const std::string lang, LangParam(c.query));
  ISSA_ASSIGN_OR_RETURN(std::string page, advisories_->PublicIndexHtml(lang.empty() ? "en" : lang));
  return PublicResponse(std::move(page), "text/html; charset=utf-8");
}

Result<HttpResponse> Service::AdvisoryPage(Call& c) {
  if (advisories_ == nullptr) return NoAdvisories();
  ISSA_ASSIGN_OR_RETURN(const std::string lang, LangParam(c.query));
  Result<std::string> id = PercentDecode(c.match.params.at(0), false, "id");
  if (id.ok()) id = ParseIdParam(*id, "id");
  if (!id.ok()) return id.status();
  ISSA_ASSIGN_OR_RETURN(std::string page, advisories_->PublicPageHtml(*id, lang));
  return PublicResponse(std::move(page), "text/html; charset=utf-8");
}

Result<HttpResponse> Service::AdvisoryFeed(Call& c) {
  if (advisories_ == nullptr) return NoAdvisories();
  ISSA_RETURN_IF_ERROR(QueryParams::Parse(c.query, {}).status());
  ISSA_ASSIGN_OR_RETURN(std::string feed, advisories_->PublicFeedAtom());
  return PublicResponse(std::move(feed), "application/atom+xml; charset=utf-8");
}

Result<HttpResponse> Service::AdvisoryList(Call& c) {
  if (advisories_ == nullptr) return NoAdvisories();
  ISSA_RETURN_IF_ERROR(QueryParams::Parse(c.query, {}).status());
  ISSA_ASSIGN_OR_RETURN(std::string body, advisories_->PublicJson());
  return PublicResponse(std::move(body), "application/json");
}

Result<HttpResponse> Service::AdvisoryCreate(Call& c) {
  if (advisories_ == nullptr) return NoAdvisories();
  ISSA_RETURN_IF_ERROR(JsonBody(c, false, true).status());
  return AdvisoryMade(c, advisories_->Create(c.ctx, c.req.body));
}

Result<HttpResponse> Service::AdvisoryRevise(Call& c) {
  if (advisories_ == nullptr) return NoAdvisories();
  ISSA_ASSIGN_OR_RETURN(const std::string id, PathParam(c, 0, "id", true));
  ISSA_RETURN_IF_ERROR(JsonBody(c, false, true).status());
  return AdvisoryMade(c, advisories_->Revise(c.ctx, id, c.req.body));
}

Result<HttpResponse> Service::AdvisoryMade(Call& c, Result<std::string> made) {
  if (!made.ok()) {
    if (made.status().code() == StatusCode::kInvalidArgument) return Invalid(c, made.status());
    return made.status();
  }
  HttpResponse r;
  r.status = 201;
  r.body = std::move(made).value();
  return r;
}

Result<HttpResponse> Service::AdvisoryPublish(Call& c) {
  return AdvisoryById(c, &eisas::AdvisoryService::Publish);
}

Result<HttpResponse> Service::AdvisoryCsaf(Call& c) {
  return AdvisoryById(c, &eisas::AdvisoryService::Csaf);
}

Result<HttpResponse> Service::AdvisoryById(Call& c, AdvisoryByIdFn fn) {
  if (advisories_ == nullptr) return NoAdvisories();
  ISSA_ASSIGN_OR_RETURN(const std::string id, PathParam(c, 0, "id", true));
  ISSA_ASSIGN_OR_RETURN(std::string body, (advisories_->*fn)(c.ctx, id));
  HttpResponse r;
  r.body = std::move(body);
  return r;
}

}  // namespace issa::api
