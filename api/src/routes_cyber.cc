// Correlation routes of the cyber domain (issue 6, items 5-6): an object's correlations and the
// correlation graph, with the indicator's confidence. Thin: parse, call the CtiService (which
// asks the node what the caller may see, and the node audits), render. docs/api.md, "Cyber
// correlation".
#include "issa/cti/service.h"

#include "errors.h"
#include "query.h"
#include "route_defs.h"
#include "service.h"

namespace issa::api {
namespace {

const ParamDoc kStixId{"id", "string", "", "STIX id of an indicator or observable (SCO)."};

}  // namespace

void Service::AddCyberRoutes(std::vector<RouteDef>& r) {
  r.push_back(JsonGet(
      "cyber", "/api/v1/cyber/correlations/{id}", "listCorrelations",
      "An object's correlations (same value, IP in network, domain and subdomains, URL host, "
      "same file) with the records the caller may see, hit notices for the caller's own record "
      "on records it may not see, and an indicator's confidence.",
      {kStixId}, &Service::CyberCorrelations,
      {{"offset", "integer", "", "Correlations the caller may see to skip (0..10000)."},
       {"limit", "integer", "", "Correlations per page (1..1000, default 100)."}}));
  r.push_back(
      JsonGet("cyber", "/api/v1/cyber/correlations/{id}/graph", "getCorrelationGraph",
              "The correlation graph around an object (value groups and relations), "
              "reduced to what the caller may see.",
              {kStixId}, &Service::CyberCorrelationGraph,
              {{"depth", "integer", "", "Relations from the object (1..5, default 2)."},
               {"limit", "integer", "", "Value groups looked at (1..1000, default 200)."}}));
}

Result<HttpResponse> Service::CyberCorrelations(Call& c) {
  if (cti_ == nullptr) return NotFound("the CTI service is not enabled on this node");
  Result<QueryParams> params = QueryParams::Parse(c.query, {"offset", "limit"});
  if (!params.ok()) return Invalid(c, params.status());
  cti::CorrelationQuery q;
  if (const std::string* v = params->Get("offset")) {
    Result<int> n = ParseIntParam(*v, "offset", 0, 10'000);
    if (!n.ok()) return Invalid(c, n.status());
    q.offset = static_cast<size_t>(*n);
  }
  if (const std::string* v = params->Get("limit")) {
    Result<int> n = ParseIntParam(*v, "limit", 1, 1000);
    if (!n.ok()) return Invalid(c, n.status());
    q.limit = static_cast<size_t>(*n);
  }
  ISSA_ASSIGN_OR_RETURN(std::string id, PathParam(c, 0, "id", false));
  Result<std::string> out = cti_->Correlations(c.ctx, id, q);
  if (!out.ok()) {
    if (out.status().code() == StatusCode::kInvalidArgument) return Invalid(c, out.status());
    return out.status();
  }
  return JsonOk(std::move(out).value());
}

Result<HttpResponse> Service::CyberCorrelationGraph(Call& c) {
  if (cti_ == nullptr) return NotFound("the CTI service is not enabled on this node");
  Result<QueryParams> params = QueryParams::Parse(c.query, {"depth", "limit"});
  if (!params.ok()) return Invalid(c, params.status());
  cti::CorrelationGraphQuery q;
  if (const std::string* v = params->Get("depth")) {
    Result<int> n = ParseIntParam(*v, "depth", 1, 5);
    if (!n.ok()) return Invalid(c, n.status());
    q.depth = *n;
  }
  if (const std::string* v = params->Get("limit")) {
    Result<int> n = ParseIntParam(*v, "limit", 1, 1000);
    if (!n.ok()) return Invalid(c, n.status());
    q.max_nodes = static_cast<size_t>(*n);
  }
  ISSA_ASSIGN_OR_RETURN(std::string id, PathParam(c, 0, "id", false));
  Result<std::string> out = cti_->CorrelationGraph(c.ctx, id, q);
  if (!out.ok()) {
    if (out.status().code() == StatusCode::kInvalidArgument) return Invalid(c, out.status());
    return out.status();
  }
  return JsonOk(std::move(out).value());
}

}  // namespace issa::api
