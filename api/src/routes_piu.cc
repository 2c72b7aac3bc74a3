// Routes of the PIU and border checks (issue 5, items 5-8): the review queue of automated
// matches and its suppressions, re-personalisation of masked PNR data, visas, entry/exit
// crossings and their checks, overstayers, registered travellers. Thin: parse, call the
// PiuService or the node (which decide access and audit), render.
#include <nlohmann/json.hpp>

#include "issa/piu/service.h"

#include "errors.h"
#include "query.h"
#include "route_defs.h"
#include "service.h"

namespace issa::api {
namespace {

constexpr std::string_view kMatchIn =
    R"({"type":"object","required":["subject","source","list","entry_id","score"],"properties":{"subject":{"type":"string"},"source":{"type":"string","enum":["list","rule"]},"list":{"type":"string"},"entry_id":{"type":"string"},"version":{"type":"string"},"score":{"type":"number","minimum":0,"maximum":1},"features":{"type":["array","object"]},"entry_name":{"type":"string"}}})";
constexpr std::string_view kReviewIn =
    R"({"type":"object","required":["reason"],"properties":{"reason":{"type":"string"},"pass_to":{"type":"array","items":{"type":"string"}},"suppress":{"type":"boolean"}}})";
constexpr std::string_view kPassOnIn =
    R"({"type":"object","required":["authorities","reason"],"properties":{"authorities":{"type":"array","items":{"type":"string"}},"reason":{"type":"string"}}})";
constexpr std::string_view kReasonIn =
    R"({"type":"object","required":["reason"],"properties":{"reason":{"type":"string"}}})";
constexpr std::string_view kCrossingIn =
    R"({"type":"object","required":["direction","crossed_on","border_crossing_point","member_state","nationality","document_number"],"properties":{"direction":{"type":"string","enum":["entry","exit"]},"crossed_on":{"type":"string","format":"date"},"border_crossing_point":{"type":"string"},"member_state":{"type":"string"},"border_kind":{"type":"string","enum":["air","sea","land"]},"nationality":{"type":"string"},"document_number":{"type":"string"},"name":{"type":"string"},"birth_date":{"type":"string"},"long_stay":{"type":"boolean"},"visa_required":{"type":"boolean"},"handling":{"type":"object"}}})";
constexpr std::string_view kRepersonaliseIn =
    R"({"type":"object","required":["record","justification"],"properties":{"record":{"type":"string"},"justification":{"type":"string"}}})";

const ParamDoc kMatchId{"id", "string", "uuid", "ScreeningMatch record id."};
const ParamDoc kSuppressionId{"id", "string", "uuid", "ScreeningSuppression record id."};
const ParamDoc kRequestId{"id", "string", "uuid", "Re-personalisation request id."};

}  // namespace

void Service::AddPiuRoutes(std::vector<RouteDef>& r) {
  r.push_back(JsonPost("piu", "/api/v1/piu/matches", "queueScreeningMatch",
                       "Queue an automated list or risk-rule match for human review (or count it "
                       "against a suppression).",
                       {}, kMatchIn, &Service::PiuQueueMatch, 201));
  r.push_back(JsonGet("piu", "/api/v1/piu/matches", "listScreeningMatches",
                      "Screening matches the caller may see.", {}, &Service::PiuListMatches,
                      {{"status", "string", "", "pending, confirmed or dismissed."}}));
  r.push_back(JsonGet("piu", "/api/v1/piu/matches/{id}", "getScreeningMatch",
                      "One screening match.", {kMatchId}, &Service::PiuGetMatch));
  r.push_back(JsonPost("piu", "/api/v1/piu/matches/{id}/confirm", "confirmScreeningMatch",
                       "An analyst or officer confirms a pending match (optionally passing it on).",
                       {kMatchId}, kReviewIn, &Service::PiuConfirm));
  r.push_back(
      JsonPost("piu", "/api/v1/piu/matches/{id}/dismiss", "dismissScreeningMatch",
               "An analyst or officer dismisses a pending match (optionally suppressing it).",
               {kMatchId}, kReviewIn, &Service::PiuDismiss));
  r.push_back(JsonPost("piu", "/api/v1/piu/matches/{id}/pass-on", "passOnScreeningMatch",
                       "Pass a confirmed match on to competent authorities.", {kMatchId}, kPassOnIn,
                       &Service::PiuPassOn));
  r.push_back(JsonGet("piu", "/api/v1/piu/suppressions", "listScreeningSuppressions",
                      "Remembered negative reviews.", {}, &Service::PiuSuppressions));
  r.push_back(JsonPost("piu", "/api/v1/piu/suppressions/{id}/revoke", "revokeScreeningSuppression",
                       "Revoke a suppression.", {kSuppressionId}, kReasonIn,
                       &Service::PiuRevokeSuppression));
  r.push_back(JsonPost("piu", "/api/v1/piu/repersonalisations", "requestRepersonalisation",
                       "Ask to re-personalise a masked record, with a justification.", {},
                       kRepersonaliseIn, &Service::PiuRequestRepersonalisation, 201));
  r.push_back(JsonGet("piu", "/api/v1/piu/repersonalisations", "listRepersonalisations",
                      "Re-personalisation requests of the caller's authority (dpo: all).", {},
                      &Service::PiuListRepersonalisations));
  r.push_back(JsonPost("piu", "/api/v1/piu/repersonalisations/{id}/approve",
                       "approveRepersonalisation", "A second person (officer or admin) approves.",
                       {kRequestId}, kReasonIn, &Service::PiuApproveRepersonalisation));
  r.push_back(JsonPost("piu", "/api/v1/piu/repersonalisations/{id}/refuse",
                       "refuseRepersonalisation", "A second person (officer or admin) refuses.",
                       {kRequestId}, kReasonIn, &Service::PiuRefuseRepersonalisation));
  r.push_back(JsonGet("piu", "/api/v1/piu/repersonalisations/{id}/record",
                      "getRepersonalisedRecord",
                      "The record with its masked data, for the requester of an approved request; "
                      "the DPO is notified.",
                      {kRequestId}, &Service::PiuRepersonalisedRecord));
  r.push_back(JsonPost("piu", "/api/v1/piu/visas", "addVisa",
                       "Record a visa application and decision.", {}, kObjectSchema,
                       &Service::PiuAddVisa, 201));
  r.push_back(JsonPost("piu", "/api/v1/piu/crossings", "recordBorderCrossing",
                       "Check and record an entry or exit (visa, 90/180 days, confirmed hits).", {},
                       kCrossingIn, &Service::PiuRecordCrossing, 201));
  r.push_back(JsonPost("piu", "/api/v1/piu/crossings/check", "checkBorderCrossing",
                       "The entry or exit check without recording.", {}, kCrossingIn,
                       &Service::PiuCheckCrossing));
  r.push_back(JsonGet("piu", "/api/v1/piu/overstayers", "listOverstayers",
                      "Travellers with no exit recorded by the end of their authorised stay.", {},
                      &Service::PiuOverstayers,
                      {{"on", "string", "date", "The day (YYYY-MM-DD); required."}}));
  r.push_back(JsonPost("piu", "/api/v1/piu/travellers", "registerTraveller",
                       "Register a pre-vetted traveller.", {}, kObjectSchema,
                       &Service::PiuRegisterTraveller, 201));
  {
    RouteDef ingest =
        JsonPost("piu", "/api/v1/piu/passenger-data", "ingestPassengerData",
                 "Ingest a PNRGOV/PAXLST interchange (EDIFACT text): records with PNR "
                 "handling, every passenger screened, risk rules evaluated, hits "
                 "queued for review.",
                 {}, kObjectSchema, &Service::PiuIngest, 201);
    ingest.request_content_type = "text/plain";
    r.push_back(std::move(ingest));
  }
  r.push_back(JsonPost("piu", "/api/v1/piu/lists", "loadScreeningList",
                       "Load or replace a watchlist (UN SC XML or alert JSON body) at a version; "
                       "registered travellers are re-screened when it changed.",
                       {}, kObjectSchema, &Service::PiuLoadList));
  r.push_back(JsonPost("piu", "/api/v1/piu/lists/rescreen", "rescreenNodeLists",
                       "Re-screen the caller's registered travellers against the watchlist "
                       "entries held as node records that the caller may see (added or changed "
                       "entries since the last run).",
                       {}, kObjectSchema, &Service::PiuRescreenNodeLists));
  r.push_back(JsonPost("piu", "/api/v1/piu/risk-rules", "setRiskRules",
                       "Set the pre-determined risk criteria (rule JSON; Art. 6(4) refusals name "
                       "the field).",
                       {}, kObjectSchema, &Service::PiuSetRiskRules));
  r.push_back(JsonGet("piu", "/api/v1/piu/travellers", "listRegisteredTravellers",
                      "Registered travellers with their status as of today.", {},
                      &Service::PiuTravellers));
}

Result<HttpResponse> Service::PiuCall(Call& c, PiuId id_kind, bool body,
                                      std::initializer_list<std::string_view> query, int status,
                                      const PiuFn& fn) {
  if (piu_ == nullptr) return NotFound("the PIU service is not enabled on this node");
  Result<QueryParams> params = QueryParams::Parse(c.query, query);
  if (!params.ok()) return Invalid(c, params.status());
  std::string id;
  if (id_kind == PiuId::kUuid) {
    ISSA_ASSIGN_OR_RETURN(id, PathParam(c, 0, "id", true));
  }
  if (body) ISSA_RETURN_IF_ERROR(JsonBody(c, false, true).status());
  Result<std::string> result = fn(*piu_, id, *params);
  if (!result.ok()) {
    if (result.status().code() == StatusCode::kInvalidArgument) return Invalid(c, result.status());
    return result.status();
  }
  return JsonOk(std::move(result).value(), status);
}

namespace {
using Piu = piu::PiuService;
std::string Param(const QueryParams& q, std::string_view name) {
  const std::string* v = q.Get(name);
  return v ? *v : std::string();
}
}  // namespace

Result<HttpResponse> Service::PiuQueueMatch(Call& c) {
  return PiuCall(c, PiuId::kNone, true, {}, 201,
                 [&](Piu& p, const std::string&, const QueryParams&) {
                   return p.QueueMatch(c.ctx, c.req.body);
                 });
}

Result<HttpResponse> Service::PiuListMatches(Call& c) {
  return PiuCall(c, PiuId::kNone, false, {"status"}, 200,
                 [&](Piu& p, const std::string&, const QueryParams& q) {
                   return p.ListMatches(c.ctx, Param(q, "status"));
                 });
}

Result<HttpResponse> Service::PiuGetMatch(Call& c) {
  return PiuCall(
      c, PiuId::kUuid, false, {}, 200,
      [&](Piu& p, const std::string& id, const QueryParams&) { return p.GetMatch(c.ctx, id); });
}

Result<HttpResponse> Service::PiuConfirm(Call& c) {
  return PiuCall(c, PiuId::kUuid, true, {}, 200,
                 [&](Piu& p, const std::string& id, const QueryParams&) {
                   return p.ReviewMatch(c.ctx, id, piu::Review::kConfirm, c.req.body);
                 });
}

Result<HttpResponse> Service::PiuDismiss(Call& c) {
  return PiuCall(c, PiuId::kUuid, true, {}, 200,
                 [&](Piu& p, const std::string& id, const QueryParams&) {
                   return p.ReviewMatch(c.ctx, id, piu::Review::kDismiss, c.req.body);
                 });
}

Result<HttpResponse> Service::PiuPassOn(Call& c) {
  return PiuCall(c, PiuId::kUuid, true, {}, 200,
                 [&](Piu& p, const std::string& id, const QueryParams&) {
                   return p.PassOn(c.ctx, id, c.req.body);
                 });
}

Result<HttpResponse> Service::PiuSuppressions(Call& c) {
  return PiuCall(
      c, PiuId::kNone, false, {}, 200,
      [&](Piu& p, const std::string&, const QueryParams&) { return p.ListSuppressions(c.ctx); });
}

Result<HttpResponse> Service::PiuRevokeSuppression(Call& c) {
  return PiuCall(c, PiuId::kUuid, true, {}, 200,
                 [&](Piu& p, const std::string& id, const QueryParams&) {
                   return p.RevokeSuppression(c.ctx, id, c.req.body);
                 });
}

Result<HttpResponse> Service::PiuAddVisa(Call& c) {
  return PiuCall(
      c, PiuId::kNone, true, {}, 201,
      [&](Piu& p, const std::string&, const QueryParams&) { return p.AddVisa(c.ctx, c.req.body); });
}

Result<HttpResponse> Service::PiuRecordCrossing(Call& c) {
  return PiuCall(c, PiuId::kNone, true, {}, 201,
                 [&](Piu& p, const std::string&, const QueryParams&) {
                   return p.RecordCrossing(c.ctx, c.req.body);
                 });
}

Result<HttpResponse> Service::PiuCheckCrossing(Call& c) {
  return PiuCall(c, PiuId::kNone, true, {}, 200,
                 [&](Piu& p, const std::string&, const QueryParams&) {
                   return p.CheckCrossing(c.ctx, c.req.body);
                 });
}

Result<HttpResponse> Service::PiuOverstayers(Call& c) {
  return PiuCall(c, PiuId::kNone, false, {"on"}, 200,
                 [&](Piu& p, const std::string&, const QueryParams& q) {
                   return p.Overstayers(c.ctx, Param(q, "on"));
                 });
}

Result<HttpResponse> Service::PiuRegisterTraveller(Call& c) {
  return PiuCall(c, PiuId::kNone, true, {}, 201,
                 [&](Piu& p, const std::string&, const QueryParams&) {
                   return p.RegisterTraveller(c.ctx, c.req.body);
                 });
}

Result<HttpResponse> Service::PiuTravellers(Call& c) {
  return PiuCall(
      c, PiuId::kNone, false, {}, 200,
      [&](Piu& p, const std::string&, const QueryParams&) { return p.ListTravellers(c.ctx); });
}

Result<HttpResponse> Service::PiuIngest(Call& c) {
  return PiuCall(c, PiuId::kNone, false, {}, 201,
                 [&](Piu& p, const std::string&, const QueryParams&) {
                   return p.IngestPassengerData(c.ctx, c.req.body);
                 });
}

Result<HttpResponse> Service::PiuLoadList(Call& c) {
  return PiuCall(c, PiuId::kNone, false, {"format", "version", "id"}, 200,
                 [&](Piu& p, const std::string&, const QueryParams& q) {
                   return p.LoadListText(c.ctx, Param(q, "format"), Param(q, "id"), c.req.body,
                                         Param(q, "version"));
                 });
}

Result<HttpResponse> Service::PiuRescreenNodeLists(Call& c) {
  return PiuCall(
      c, PiuId::kNone, false, {}, 200,
      [&](Piu& p, const std::string&, const QueryParams&) { return p.RescreenNodeLists(c.ctx); });
}

Result<HttpResponse> Service::PiuSetRiskRules(Call& c) {
  return PiuCall(c, PiuId::kNone, false, {}, 200,
                 [&](Piu& p, const std::string&, const QueryParams&) -> Result<std::string> {
                   ISSA_RETURN_IF_ERROR(p.SetRiskRules(c.ctx, c.req.body));
                   return std::string(R"({"ok":true})");
                 });
}

// Re-personalisation: node workflows (the node opens the sealed data and audits).
Result<HttpResponse> Service::PiuRequestRepersonalisation(Call& c) {
  ISSA_ASSIGN_OR_RETURN(nlohmann::json body, JsonBody(c, false, true));
  const auto text = [&](const char* name) -> Result<std::string> {
    const auto it = body.find(name);
    if (it == body.end() || !it->is_string()) {
      return Invalid(c, InvalidArgument("is required (a string)", name));
    }
    return it->get<std::string>();
  };
  ISSA_ASSIGN_OR_RETURN(const std::string record, text("record"));
  ISSA_ASSIGN_OR_RETURN(const std::string justification, text("justification"));
  ISSA_ASSIGN_OR_RETURN(node::RepersonalisationRequest r,
                        node_.RequestRepersonalisation(c.ctx, record, justification));
  return JsonOk(node::RepersonalisationRequestJson(r), 201);
}

Result<HttpResponse> Service::PiuListRepersonalisations(Call& c) {
  ISSA_ASSIGN_OR_RETURN(const auto list, node_.ListRepersonalisationRequests(c.ctx));
  std::string out = R"({"requests":[)";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ',';
    out += node::RepersonalisationRequestJson(list[i]);
  }
  out += "]}";
  return JsonOk(std::move(out), 200);
}

Result<HttpResponse> Service::PiuDecideRepersonalisation(Call& c, bool approve) {
  ISSA_ASSIGN_OR_RETURN(std::string id, PathParam(c, 0, "id", true));
  ISSA_ASSIGN_OR_RETURN(nlohmann::json body, JsonBody(c, false, true));
  const auto it = body.find("reason");
  if (it == body.end() || !it->is_string()) {
    return Invalid(c, InvalidArgument("is required (a string)", "reason"));
  }
  ISSA_ASSIGN_OR_RETURN(node::RepersonalisationRequest r,
                        node_.DecideRepersonalisation(c.ctx, id, approve, it->get<std::string>()));
  return JsonOk(node::RepersonalisationRequestJson(r), 200);
}

Result<HttpResponse> Service::PiuApproveRepersonalisation(Call& c) {
  return PiuDecideRepersonalisation(c, true);
}

Result<HttpResponse> Service::PiuRefuseRepersonalisation(Call& c) {
  return PiuDecideRepersonalisation(c, false);
}

Result<HttpResponse> Service::PiuRepersonalisedRecord(Call& c) {
  ISSA_ASSIGN_OR_RETURN(std::string id, PathParam(c, 0, "id", true));
  ISSA_ASSIGN_OR_RETURN(core::Record record, node_.Repersonalise(c.ctx, id));
  return JsonOk(node_.RenderRecord(c.ctx, record), 200);
}

}  // namespace issa::api
