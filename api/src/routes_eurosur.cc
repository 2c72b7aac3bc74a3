// Routes of EUROSUR (issue 4, items 5-7): border sections and impact levels, event reports,
// requests for information, tasks and the situational pictures' layers. Thin: parse, call the
// EurosurService (which reads and writes through the node with the caller's context, so access
// decisions and audit entries stay in the node), render.
#include "issa/eurosur/service.h"

#include "errors.h"
#include "query.h"
#include "route_defs.h"
#include "service.h"

namespace issa::api {
namespace {

constexpr std::string_view kSectionsIn =
    R"({"type":"object","description":"GeoJSON FeatureCollection of border sections (docs/formats/border-sections.md).","required":["type","features"]})";
constexpr std::string_view kProposalIn =
    R"({"type":"object","required":["level","reason"],"additionalProperties":false,"properties":{"level":{"type":"string","enum":["low","medium","high","critical"]},"reason":{"type":"string"},"critical_until":{"type":"string","format":"date-time"},"with_suggestion":{"type":"boolean"}}})";
constexpr std::string_view kDecisionIn =
    R"({"type":"object","required":["proposal_id"],"additionalProperties":false,"properties":{"proposal_id":{"type":"string"},"reason":{"type":"string"}}})";
constexpr std::string_view kEventIn =
    R"({"type":"object","required":["category","description","lat","lon","occurred_at"],"properties":{"category":{"type":"string","enum":["unauthorised_border_crossing","cross_border_crime","crisis_situation","other","unauthorised_secondary_movement","search_and_rescue"]},"description":{"type":"string"},"lat":{"type":"number"},"lon":{"type":"number"},"occurred_at":{"type":"string","format":"date-time"},"known_at":{"type":"string","format":"date-time"},"confidence":{"type":"string","enum":["low","medium","high"]},"impact":{"type":"string","enum":["low","medium","high","very_high"]},"single_event":{"type":"boolean"},"section_id":{"type":"string"},"reaction":{"type":"string"},"mmsi":{"type":"array"},"imo":{"type":"array"},"call_signs":{"type":"array"},"aircraft_registrations":{"type":"array"},"persons_involved":{"type":"array"},"handling":{"type":"object"}}})";
constexpr std::string_view kReviseIn =
    R"({"type":"object","required":["level","reason"],"additionalProperties":false,"properties":{"level":{"type":"string","enum":["low","medium","high","very_high"]},"reason":{"type":"string"}}})";
constexpr std::string_view kCloseIn =
    R"({"type":"object","required":["reason"],"additionalProperties":false,"properties":{"reason":{"type":"string","enum":["ended","did_not_occur","below_reporting","duplicate","other"]},"text":{"type":"string"}}})";
constexpr std::string_view kRfiIn =
    R"({"type":"object","required":["addressee","question"],"additionalProperties":false,"properties":{"addressee":{"type":"string"},"purpose":{"type":"string","enum":["complete_information","raise_confidence","update_impact","update_situation"]},"question":{"type":"string"},"answer_by":{"type":"string","format":"date-time"},"classification":{"type":"string"}}})";
constexpr std::string_view kAnswerIn =
    R"({"type":"object","required":["text"],"additionalProperties":false,"properties":{"text":{"type":"string"},"classification":{"type":"string"}}})";
constexpr std::string_view kLayerOut =
    R"({"type":"object","description":"GeoJSON FeatureCollection of one layer of a situational picture.","required":["type","features"],"properties":{"type":{"const":"FeatureCollection"},"features":{"type":"array","items":{"type":"object"}}}})";

const ParamDoc kSectionId{"id", "string", "", "Border section id, e.g. IT-SEA-PELAGIE."};
const ParamDoc kEventId{"id", "string", "uuid", "Event record id."};
const ParamDoc kRfiId{"id", "string", "uuid", "Request-for-information record id."};

Status NoEurosur() { return NotFound("EUROSUR is not enabled on this node"); }

}  // namespace

void Service::AddEurosurRoutes(std::vector<RouteDef>& r) {
  r.push_back(JsonGet("eurosur", "/api/v1/eurosur/sections", "listBorderSections",
                      "Border sections the caller may see, with their current impact level.", {},
                      &Service::EurosurSections));
  r.push_back(
      JsonPost("eurosur", "/api/v1/eurosur/sections/import", "importBorderSections",
               "Import border sections from GeoJSON (the Agency, or the member state's NCC).", {},
               kSectionsIn, &Service::EurosurImportSections, 201));
  r.push_back(JsonGet("eurosur", "/api/v1/eurosur/sections/{id}/impact", "getSectionImpact",
                      "Impact level state, open proposal, full history and the suggestion from "
                      "incidents.",
                      {kSectionId}, &Service::EurosurSectionImpact));
  r.push_back(JsonPost("eurosur", "/api/v1/eurosur/sections/{id}/impact/proposals",
                       "proposeSectionImpact",
                       "Propose an impact level (the Agency, or the member state's NCC).",
                       {kSectionId}, kProposalIn, &Service::EurosurPropose, 201));
  r.push_back(JsonPost("eurosur", "/api/v1/eurosur/sections/{id}/impact/agree",
                       "agreeSectionImpact",
                       "The member state's NCC agrees to the Agency's proposal.", {kSectionId},
                       kDecisionIn, &Service::EurosurAgree));
  r.push_back(JsonPost("eurosur", "/api/v1/eurosur/sections/{id}/impact/refuse",
                       "refuseSectionImpact",
                       "The member state's NCC refuses the proposal: the level stays.",
                       {kSectionId}, kDecisionIn, &Service::EurosurRefuse));
  r.push_back(JsonPost(
      "eurosur", "/api/v1/eurosur/sections/{id}/impact/attribute", "attributeSectionImpact",
      "The Agency attributes an agreed proposal; the Art. 35 reactions are raised.", {kSectionId},
      kDecisionIn, &Service::EurosurAttribute));
  r.push_back(JsonPost("eurosur", "/api/v1/eurosur/sections/{id}/impact/decline",
                       "declineSectionImpact", "The Agency declines a proposal: the level stays.",
                       {kSectionId}, kDecisionIn, &Service::EurosurDecline));
  r.push_back(JsonPost("eurosur", "/api/v1/eurosur/sections/{id}/impact/advance",
                       "advanceSectionImpact",
                       "Record what time has made due (critical expiry, lapsed proposals).",
                       {kSectionId}, kObjectSchema, &Service::EurosurAdvance));
  r.push_back(JsonGet("eurosur", "/api/v1/eurosur/tasks", "listEurosurTasks",
                      "Tasks and notifications (Art. 35 reactions) addressed to the caller's "
                      "authority.",
                      {}, &Service::EurosurTasks));
  r.push_back(JsonPost("eurosur", "/api/v1/eurosur/events", "reportEurosurEvent",
                       "Report an event (the caller's authority is originator and owner).", {},
                       kEventIn, &Service::EurosurReportEvent, 201));
  r.push_back(JsonGet("eurosur", "/api/v1/eurosur/events/{id}", "getEurosurEvent",
                      "An event report with its 24 h timing, follow-ups and requests.", {kEventId},
                      &Service::EurosurGetEvent));
  r.push_back(JsonPost("eurosur", "/api/v1/eurosur/events/{id}/update", "updateEurosurEvent",
                       "Update an event by a follow-up report (same as follow-ups).", {kEventId},
                       kEventIn, &Service::EurosurFollowUp, 201));
  r.push_back(JsonPost("eurosur", "/api/v1/eurosur/events/{id}/follow-ups", "addEurosurFollowUp",
                       "A follow-up report linked to the event; the event becomes updated.",
                       {kEventId}, kEventIn, &Service::EurosurFollowUp, 201));
  r.push_back(JsonPost("eurosur", "/api/v1/eurosur/events/{id}/impact", "reviseEurosurEventImpact",
                       "The picture's owner revises the event's impact level.", {kEventId},
                       kReviseIn, &Service::EurosurReviseImpact));
  r.push_back(JsonPost("eurosur", "/api/v1/eurosur/events/{id}/close", "closeEurosurEvent",
                       "The owner closes the event with a reason.", {kEventId}, kCloseIn,
                       &Service::EurosurClose));
  r.push_back(JsonPost("eurosur", "/api/v1/eurosur/events/{id}/rfis", "requestEurosurInformation",
                       "A request for information about the event, to one authority.", {kEventId},
                       kRfiIn, &Service::EurosurRequestInformation, 201));
  r.push_back(JsonGet("eurosur", "/api/v1/eurosur/rfis/{id}", "getEurosurRequest",
                      "A request for information with the answers the caller may see.", {kRfiId},
                      &Service::EurosurGetRequest));
  r.push_back(JsonPost("eurosur", "/api/v1/eurosur/rfis/{id}/answer", "answerEurosurRequest",
                       "The addressee answers a request for information.", {kRfiId}, kAnswerIn,
                       &Service::EurosurAnswer, 201));
  r.push_back(RouteDef{
      .method = Method::kGet,
      .pattern = "/api/v1/eurosur/pictures/{picture}/layers/{layer}",
      .operation_id = "getPictureLayer",
      .summary = "One layer (events, operational, analysis) of the national, European or an "
                 "operation's situational picture, as GeoJSON.",
      .tag = "eurosur",
      .path_params = {{"picture", "string", "", "national, european or an operation (group) id."},
                      {"layer", "string", "", "events, operational or analysis."}},
      .query_params = {{"bbox", "string", "", "minlon,minlat,maxlon,maxlat (WGS 84)."},
                       {"since", "string", "date-time", "At or after (event: occurred_at)."},
                       {"until", "string", "date-time", "Before."}},
      .response_content_type = "application/geo+json",
      .response_schema = kLayerOut,
      .error_statuses = kReadErrors,
      .handler = &Service::EurosurLayer});
}

Result<HttpResponse> Service::EurosurResult(Call& c, Result<std::string> result, int status) {
  if (!result.ok()) {
    if (result.status().code() == StatusCode::kInvalidArgument) return Invalid(c, result.status());
    return result.status();
  }
  return JsonOk(std::move(result).value(), status);
}

Result<HttpResponse> Service::EurosurCall(Call& c, EurosurId id_kind, EurosurBody body, int status,
                                          const EurosurFn& fn) {
  if (eurosur_ == nullptr) return NoEurosur();
  if (!c.query.empty()) {
    Result<QueryParams> params = QueryParams::Parse(c.query, {});
    if (!params.ok()) return Invalid(c, params.status());
  }
  std::string id;
  if (id_kind != EurosurId::kNone) {
    ISSA_ASSIGN_OR_RETURN(id, PathParam(c, 0, "id", id_kind == EurosurId::kUuid));
  }
  if (body != EurosurBody::kNone) {
    ISSA_RETURN_IF_ERROR(JsonBody(c, false, body == EurosurBody::kRequired).status());
  }
  return EurosurResult(c, fn(*eurosur_, id), status);
}

namespace {
using Eurosur = eurosur::EurosurService;
using Decision = eurosur::EurosurService::Decision;
}  // namespace

Result<HttpResponse> Service::EurosurSections(Call& c) {
  return EurosurCall(c, EurosurId::kNone, EurosurBody::kNone, 200,
                     [&](Eurosur& e, const std::string&) { return e.ListSections(c.ctx); });
}

Result<HttpResponse> Service::EurosurImportSections(Call& c) {
  return EurosurCall(
      c, EurosurId::kNone, EurosurBody::kRequired, 201,
      [&](Eurosur& e, const std::string&) { return e.ImportSections(c.ctx, c.req.body); });
}

Result<HttpResponse> Service::EurosurSectionImpact(Call& c) {
  return EurosurCall(c, EurosurId::kText, EurosurBody::kNone, 200,
                     [&](Eurosur& e, const std::string& id) { return e.SectionImpact(c.ctx, id); });
}

Result<HttpResponse> Service::EurosurPropose(Call& c) {
  return EurosurCall(
      c, EurosurId::kText, EurosurBody::kRequired, 201,
      [&](Eurosur& e, const std::string& id) { return e.ProposeLevel(c.ctx, id, c.req.body); });
}

Result<HttpResponse> Service::EurosurDecide(Call& c, int decision) {
  return EurosurCall(
      c, EurosurId::kText, EurosurBody::kRequired, 200, [&](Eurosur& e, const std::string& id) {
        return e.DecideProposal(c.ctx, id, static_cast<Decision>(decision), c.req.body);
      });
}

Result<HttpResponse> Service::EurosurAgree(Call& c) {
  return EurosurDecide(c, static_cast<int>(Decision::kAgree));
}
Result<HttpResponse> Service::EurosurRefuse(Call& c) {
  return EurosurDecide(c, static_cast<int>(Decision::kRefuse));
}
Result<HttpResponse> Service::EurosurAttribute(Call& c) {
  return EurosurDecide(c, static_cast<int>(Decision::kAttribute));
}
Result<HttpResponse> Service::EurosurDecline(Call& c) {
  return EurosurDecide(c, static_cast<int>(Decision::kDecline));
}

Result<HttpResponse> Service::EurosurAdvance(Call& c) {
  return EurosurCall(
      c, EurosurId::kText, EurosurBody::kOptional, 200,
      [&](Eurosur& e, const std::string& id) { return e.AdvanceSection(c.ctx, id); });
}

Result<HttpResponse> Service::EurosurTasks(Call& c) {
  return EurosurCall(c, EurosurId::kNone, EurosurBody::kNone, 200,
                     [&](Eurosur& e, const std::string&) { return e.ListTasks(c.ctx); });
}

Result<HttpResponse> Service::EurosurReportEvent(Call& c) {
  return EurosurCall(
      c, EurosurId::kNone, EurosurBody::kRequired, 201,
      [&](Eurosur& e, const std::string&) { return e.ReportEvent(c.ctx, c.req.body); });
}

Result<HttpResponse> Service::EurosurGetEvent(Call& c) {
  return EurosurCall(c, EurosurId::kUuid, EurosurBody::kNone, 200,
                     [&](Eurosur& e, const std::string& id) { return e.GetEvent(c.ctx, id); });
}

Result<HttpResponse> Service::EurosurFollowUp(Call& c) {
  return EurosurCall(
      c, EurosurId::kUuid, EurosurBody::kRequired, 201,
      [&](Eurosur& e, const std::string& id) { return e.AddFollowUp(c.ctx, id, c.req.body); });
}

Result<HttpResponse> Service::EurosurReviseImpact(Call& c) {
  return EurosurCall(
      c, EurosurId::kUuid, EurosurBody::kRequired, 200,
      [&](Eurosur& e, const std::string& id) { return e.ReviseImpact(c.ctx, id, c.req.body); });
}

Result<HttpResponse> Service::EurosurClose(Call& c) {
  return EurosurCall(
      c, EurosurId::kUuid, EurosurBody::kRequired, 200,
      [&](Eurosur& e, const std::string& id) { return e.CloseEvent(c.ctx, id, c.req.body); });
}

Result<HttpResponse> Service::EurosurRequestInformation(Call& c) {
  return EurosurCall(c, EurosurId::kUuid, EurosurBody::kRequired, 201,
                     [&](Eurosur& e, const std::string& id) {
                       return e.RequestInformation(c.ctx, id, c.req.body);
                     });
}

Result<HttpResponse> Service::EurosurGetRequest(Call& c) {
  return EurosurCall(c, EurosurId::kUuid, EurosurBody::kNone, 200,
                     [&](Eurosur& e, const std::string& id) { return e.GetRequest(c.ctx, id); });
}

Result<HttpResponse> Service::EurosurAnswer(Call& c) {
  return EurosurCall(
      c, EurosurId::kUuid, EurosurBody::kRequired, 201,
      [&](Eurosur& e, const std::string& id) { return e.AnswerRequest(c.ctx, id, c.req.body); });
}

Result<HttpResponse> Service::EurosurLayer(Call& c) {
  if (eurosur_ == nullptr) return NoEurosur();
  Result<QueryParams> params = QueryParams::Parse(c.query, {"bbox", "since", "until"});
  if (!params.ok()) return Invalid(c, params.status());
  ISSA_ASSIGN_OR_RETURN(std::string picture_text, PathParam(c, 0, "picture", false));
  ISSA_ASSIGN_OR_RETURN(std::string layer_text, PathParam(c, 1, "layer", false));
  Result<eurosur::PictureRef> picture = eurosur::ParsePictureRef(picture_text);
  if (!picture.ok()) return Invalid(c, picture.status());
  Result<eurosur::Layer> layer = eurosur::ParseLayer(layer_text);
  if (!layer.ok()) return Invalid(c, layer.status());
  eurosur::LayerQuery q;
  if (const std::string* bbox = params->Get("bbox")) {
    Result<core::BBox> box = core::ParseBBox(*bbox);
    if (!box.ok()) return Invalid(c, InvalidArgument(box.status().message(), "bbox"));
    q.bbox = *box;
  }
  for (const char* name : {"since", "until"}) {
    if (const std::string* text = params->Get(name)) {
      Result<core::Timestamp> t = ParseTimeParam(*text, name);
      if (!t.ok()) return Invalid(c, t.status());
      (std::string_view(name) == "since" ? q.since : q.until) = *t;
    }
  }
  Result<std::string> body = eurosur_->LayerGeoJson(c.ctx, *picture, *layer, q);
  ISSA_ASSIGN_OR_RETURN(HttpResponse r, EurosurResult(c, std::move(body)));
  r.content_type = "application/geo+json";
  return r;
}

}  // namespace issa::api
