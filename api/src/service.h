#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "issa/api/server.h"
#include "issa/node/node.h"

#include "http.h"
#include "metrics.h"
#include "query.h"
#include "router.h"

// The HTTP service over the node, without any transport: route, authenticate, validate, call
// the node, render. server.cc owns sockets and threads and calls Route/Handle; tests and the
// fuzzer call them directly.
namespace issa::api {

// One request in a handler.
struct Call {
  HttpRequest& req;
  const RouteDef& route;
  const RouteMatch& match;
  std::string_view path;
  std::string_view query;
  node::Context ctx;
};

struct Routed {
  RouteMatch match;
  Exec exec = Exec::kInline;
  size_t metric = 0;  // label index in Metrics
  bool api = false;   // path under /api/
  bool is_static = false;
};

// Thread-safe: Route and Handle may run concurrently on any thread.
class Service {
 public:
  Service(node::Node& node, const ServerOptions& options);

  // Matches method and path; says where the request must run.
  Routed Route(const HttpRequest& req) const;

  // The full pipeline for a routed request. Blocks in node calls unless routed.exec is kInline.
  HttpResponse Handle(HttpRequest& req, const Routed& routed);

  // For a kAsync route, on an I/O thread: handles the request without blocking and returns
  // true (`respond` is then called once, maybe on another thread), or returns false when the
  // request needs the blocking pipeline (Handle on a worker): a token the node has not
  // validated recently, or anything the async handler does not take (bad parameters, ...).
  bool HandleAsync(HttpRequest& req, const Routed& routed, const Responder& respond);

  // What a stream request asked for, once authenticated.
  struct StreamGrant {
    node::Context ctx;
    bool tracks = false;             // ?tracks=true: live vessel track updates too
    std::optional<core::BBox> bbox;  // ?bbox=: track updates only inside it
  };
  // For a kStream route: authenticates and checks the request. Blocking.
  std::variant<StreamGrant, HttpResponse> AuthorizeStream(HttpRequest& req, const Routed& routed);
  // Subscribes a granted stream to the node's notices and, when asked, to the vessel picture's
  // track updates (kind "tracks"); the handle ends both. PermissionDenied when the caller may
  // not see the picture. Blocking.
  Result<std::unique_ptr<node::Node::Subscription>> SubscribeStream(const StreamGrant& grant,
                                                                    node::Node::Subscriber sink);

  // Audits a request rejected before routing (malformed HTTP, oversized body, overload).
  // Blocking.
  void AuditRejected(const HttpRequest& req, std::string_view action, std::string_view detail);

  node::Node& node() { return node_; }
  const Router& router() const { return router_; }
  const std::string& openapi() const { return openapi_; }
  Metrics& metrics() { return metrics_; }
  // Supplied by the server for /metrics.
  void SetGaugeSource(std::function<ServerGauges()> source) { gauges_ = std::move(source); }

  static std::vector<RouteDef> Routes();

  // HTTP Basic credentials (RFC 7617) of an Authorization header, accepted under /taxii2/ only:
  // Unauthenticated naming what is wrong (not Basic, not base64, no "user:").
  struct BasicCredentials {
    std::string user;
    std::string token;
  };
  static Result<BasicCredentials> ParseBasic(std::string_view header);

 private:
  // A handler's Call, its context carrying the request id and remote address (no principal).
  static Call NewCall(HttpRequest& req, const RouteDef& def, const RouteMatch& match,
                      std::string_view path, std::string_view query);
  Result<access::Principal> Authenticate(const HttpRequest& req, std::string_view path);
  // The bearer token of the Authorization header; the message says what is wrong (no audit).
  static Result<std::string_view> BearerToken(const HttpRequest& req);
  Status Invalid(Call& c, Status s);
  Result<std::string> PathParam(Call& c, size_t i, std::string_view name, bool uuid);
  Result<nlohmann::json> JsonBody(Call& c, bool merge_patch, bool required);

  // Handlers (thin: parse, call the node, render).
  Result<HttpResponse> Healthz(Call& c);
  Result<HttpResponse> MetricsText(Call& c);
  Result<HttpResponse> OpenApi(Call& c);
  Result<HttpResponse> Me(Call& c);
  Result<HttpResponse> CreateRecord(Call& c);
  bool GetRecordAsync(Call& c, const Responder& respond);
  Result<HttpResponse> ImportFile(Call& c);
  Result<HttpResponse> ListRecords(Call& c);
  Result<HttpResponse> GetRecord(Call& c);
  Result<HttpResponse> PatchRecord(Call& c);
  Result<HttpResponse> History(Call& c);
  Result<HttpResponse> ListHits(Call& c);
  Result<HttpResponse> RequestAccess(Call& c);
  Result<HttpResponse> ListAccessRequests(Call& c);
  Result<HttpResponse> Grant(Call& c);
  Result<HttpResponse> Refuse(Call& c);
  Result<HttpResponse> Decide(Call& c, bool grant);
  Result<HttpResponse> ListGroups(Call& c);
  Result<HttpResponse> CreateGroup(Call& c);
  Result<HttpResponse> GetGroup(Call& c);
  Result<HttpResponse> ListAuthorities(Call& c);
  Result<HttpResponse> ListTypes(Call& c);
  Result<HttpResponse> GetSchema(Call& c);
  Result<HttpResponse> ListAudit(Call& c);
  Result<HttpResponse> Stream(Call& c);
  // routes_maritime.cc
  static void AddMaritimeRoutes(std::vector<RouteDef>& routes);
  Result<HttpResponse> MaritimeTracks(Call& c);
  Result<HttpResponse> MaritimeTrack(Call& c);
  // routes_advisories.cc
  static void AddAdvisoryRoutes(std::vector<RouteDef>& routes);
  Result<HttpResponse> AdvisoryIndex(Call& c);
  Result<HttpResponse> AdvisoryPage(Call& c);
  Result<HttpResponse> AdvisoryFeed(Call& c);
  Result<HttpResponse> AdvisoryList(Call& c);
  Result<HttpResponse> AdvisoryCreate(Call& c);
  Result<HttpResponse> AdvisoryPublish(Call& c);
  Result<HttpResponse> AdvisoryRevise(Call& c);
  // 201 with the service's answer; an InvalidArgument audited as http.invalid.
  Result<HttpResponse> AdvisoryMade(Call& c, Result<std::string> made);
  Result<HttpResponse> AdvisoryCsaf(Call& c);
  using AdvisoryByIdFn = Result<std::string> (eisas::AdvisoryService::*)(const node::Context&,
                                                                         std::string_view);
  // A call on one advisory record by its id (path parameter 0), answered with its JSON.
  Result<HttpResponse> AdvisoryById(Call& c, AdvisoryByIdFn fn);
  // routes_eurosur.cc
  static void AddEurosurRoutes(std::vector<RouteDef>& routes);
  // One EUROSUR call: no query parameters, an optional path id and JSON body, then `fn`.
  enum class EurosurId { kNone, kText, kUuid };
  enum class EurosurBody { kNone, kOptional, kRequired };
  using EurosurFn =
      std::function<Result<std::string>(eurosur::EurosurService&, const std::string& id)>;
  Result<HttpResponse> EurosurCall(Call& c, EurosurId id_kind, EurosurBody body, int status,
                                   const EurosurFn& fn);
  Result<HttpResponse> EurosurResult(Call& c, Result<std::string> result, int status = 200);
  Result<HttpResponse> EurosurDecide(Call& c, int decision);
  Result<HttpResponse> EurosurSections(Call& c);
  Result<HttpResponse> EurosurImportSections(Call& c);
  Result<HttpResponse> EurosurSectionImpact(Call& c);
  Result<HttpResponse> EurosurPropose(Call& c);
  Result<HttpResponse> EurosurAgree(Call& c);
  Result<HttpResponse> EurosurRefuse(Call& c);
  Result<HttpResponse> EurosurAttribute(Call& c);
  Result<HttpResponse> EurosurDecline(Call& c);
  Result<HttpResponse> EurosurAdvance(Call& c);
  Result<HttpResponse> EurosurTasks(Call& c);
  Result<HttpResponse> EurosurReportEvent(Call& c);
  Result<HttpResponse> EurosurGetEvent(Call& c);
  Result<HttpResponse> EurosurFollowUp(Call& c);
  Result<HttpResponse> EurosurReviseImpact(Call& c);
  Result<HttpResponse> EurosurClose(Call& c);
  Result<HttpResponse> EurosurRequestInformation(Call& c);
  Result<HttpResponse> EurosurGetRequest(Call& c);
  Result<HttpResponse> EurosurAnswer(Call& c);
  Result<HttpResponse> EurosurLayer(Call& c);
  // routes_cyber.cc
  static void AddCyberRoutes(std::vector<RouteDef>& routes);
  Result<HttpResponse> CyberCorrelations(Call& c);
  Result<HttpResponse> CyberCorrelationGraph(Call& c);
  // routes_taxii.cc
  static void AddTaxiiRoutes(std::vector<RouteDef>& routes);
  // One TAXII call: media types, authentication, decoded path parameters, then `fn`; every
  // error becomes a TAXII error message.
  using TaxiiFn =
      std::function<Result<HttpResponse>(cti::CtiService&, const std::vector<std::string>& params)>;
  Result<HttpResponse> TaxiiCall(Call& c, bool body, const TaxiiFn& fn);
  Result<HttpResponse> TaxiiDiscovery(Call& c);
  Result<HttpResponse> TaxiiApiRoot(Call& c);
  Result<HttpResponse> TaxiiStatus(Call& c);
  Result<HttpResponse> TaxiiCollections(Call& c);
  Result<HttpResponse> TaxiiCollection(Call& c);
  Result<HttpResponse> TaxiiGetObjects(Call& c);
  bool TaxiiGetObjectsAsync(Call& c, const Responder& respond);
  Result<HttpResponse> TaxiiAddObjects(Call& c);
  Result<HttpResponse> TaxiiGetObject(Call& c);
  Result<HttpResponse> TaxiiDeleteObject(Call& c);
  Result<HttpResponse> TaxiiVersions(Call& c);
  Result<HttpResponse> TaxiiManifest(Call& c);

  // routes_piu.cc
  static void AddPiuRoutes(std::vector<RouteDef>& routes);
  enum class PiuId { kNone, kUuid };
  using PiuFn = std::function<Result<std::string>(piu::PiuService&, const std::string& id,
                                                  const QueryParams& query)>;
  Result<HttpResponse> PiuCall(Call& c, PiuId id_kind, bool body,
                               std::initializer_list<std::string_view> query, int status,
                               const PiuFn& fn);
  Result<HttpResponse> PiuQueueMatch(Call& c);
  Result<HttpResponse> PiuListMatches(Call& c);
  Result<HttpResponse> PiuGetMatch(Call& c);
  Result<HttpResponse> PiuConfirm(Call& c);
  Result<HttpResponse> PiuDismiss(Call& c);
  Result<HttpResponse> PiuPassOn(Call& c);
  Result<HttpResponse> PiuSuppressions(Call& c);
  Result<HttpResponse> PiuRevokeSuppression(Call& c);
  Result<HttpResponse> PiuRequestRepersonalisation(Call& c);
  Result<HttpResponse> PiuListRepersonalisations(Call& c);
  Result<HttpResponse> PiuDecideRepersonalisation(Call& c, bool approve);
  Result<HttpResponse> PiuApproveRepersonalisation(Call& c);
  Result<HttpResponse> PiuRefuseRepersonalisation(Call& c);
  Result<HttpResponse> PiuRepersonalisedRecord(Call& c);
  Result<HttpResponse> PiuAddVisa(Call& c);
  Result<HttpResponse> PiuRecordCrossing(Call& c);
  Result<HttpResponse> PiuCheckCrossing(Call& c);
  Result<HttpResponse> PiuOverstayers(Call& c);
  Result<HttpResponse> PiuRegisterTraveller(Call& c);
  Result<HttpResponse> PiuTravellers(Call& c);
  Result<HttpResponse> PiuIngest(Call& c);
  Result<HttpResponse> PiuLoadList(Call& c);
  Result<HttpResponse> PiuRescreenNodeLists(Call& c);
  Result<HttpResponse> PiuSetRiskRules(Call& c);

  node::Node& node_;
  ServerOptions options_;
  Router router_;
  std::string openapi_;
  Metrics metrics_;
  size_t unmatched_metric_ = 0;
  size_t static_metric_ = 0;
  std::filesystem::path web_root_;
  std::function<ServerGauges()> gauges_;
  maritime::LivePicture* picture_ = nullptr;      // borrowed; null when the node has no vessel feed
  eurosur::EurosurService* eurosur_ = nullptr;    // borrowed; null when EUROSUR is not enabled
  eisas::AdvisoryService* advisories_ = nullptr;  // borrowed; null when not enabled
  piu::PiuService* piu_ = nullptr;                // borrowed; null when the PIU service is off
  cti::CtiService* cti_ = nullptr;                // borrowed; null when TAXII is not enabled
};

// The OpenAPI 3.1 document for a route table.
std::string BuildOpenApi(const std::vector<RouteDef>& routes, std::string_view version);

// A static file under `root` for a GET path, or a 404 error response. Paths with "..",
// backslashes or NUL are refused.
HttpResponse ServeStatic(const std::filesystem::path& root, std::string_view path,
                         std::string_view request_id);

}  // namespace issa::api
