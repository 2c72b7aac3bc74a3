// Routes of the maritime domain: the live vessel picture. Thin: parse, call the picture (which
// checks the caller and audits the read), render.
#include <cstdint>

#include "issa/maritime/picture.h"

#include "errors.h"
#include "query.h"
#include "service.h"

namespace issa::api {
namespace {

constexpr std::string_view kTracksSchema =
    R"({"type":"object","description":"GeoJSON FeatureCollection of tracks (kind track) or, beyond limit, of grid clusters (kind cluster).","required":["type","features","total","clustered"],"properties":{"type":{"const":"FeatureCollection"},"features":{"type":"array","items":{"type":"object"}},"total":{"type":"integer"},"clustered":{"type":"boolean"}}})";
constexpr std::string_view kTrackSchema =
    R"({"type":"object","description":"GeoJSON Feature of one track: its history as a LineString, with times.","required":["type","id","geometry","properties"]})";

maritime::PictureReader ReaderOf(const Call& c) {
  return maritime::PictureReader{c.ctx.principal, c.ctx.request_id, c.ctx.remote};
}

HttpResponse GeoJsonResponse(std::string body) {
  HttpResponse response;
  response.content_type = "application/geo+json";
  response.body = std::move(body);
  return response;
}

Status NoPicture() { return NotFound("this node has no vessel picture (no AIS feed configured)"); }

}  // namespace

void Service::AddMaritimeRoutes(std::vector<RouteDef>& r) {
  const std::vector<int> errors = {400, 401, 403, 404, 500, 503};
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/maritime/tracks",
               .operation_id = "listVesselTracks",
               .summary = "Live vessel tracks in a box (border purpose); clustered beyond limit.",
               .tag = "maritime",
               .query_params = {{"bbox", "string", "", "minlon,minlat,maxlon,maxlat (WGS 84)."},
                                {"since", "string", "date-time", "Tracks heard at or after."},
                                {"limit", "integer", "",
                                 "Track features before clustering (1..50000, "
                                 "default 5000)."}},
               .response_content_type = "application/geo+json",
               .response_schema = kTracksSchema,
               .error_statuses = errors,
               .handler = &Service::MaritimeTracks});
  r.push_back({.method = Method::kGet,
               .pattern = "/api/v1/maritime/tracks/{id}",
               .operation_id = "getVesselTrack",
               .summary = "One vessel track with its downsampled history (border purpose).",
               .tag = "maritime",
               .path_params = {{"id", "integer", "", "Track id."}},
               .response_content_type = "application/geo+json",
               .response_schema = kTrackSchema,
               .error_statuses = errors,
               .handler = &Service::MaritimeTrack});
}

Result<HttpResponse> Service::MaritimeTracks(Call& c) {
  Result<QueryParams> params = QueryParams::Parse(c.query, {"bbox", "since", "limit"});
  if (!params.ok()) return Invalid(c, params.status());
  maritime::TrackQuery q;
  if (const std::string* bbox = params->Get("bbox")) {
    Result<core::BBox> box = core::ParseBBox(*bbox);
    if (!box.ok()) return Invalid(c, InvalidArgument(box.status().message(), "bbox"));
    q.bbox = *box;
  }
  if (const std::string* since = params->Get("since")) {
    Result<core::Timestamp> t = ParseTimeParam(*since, "since");
    if (!t.ok()) return Invalid(c, t.status());
    q.since = *t;
  }
  if (const std::string* limit = params->Get("limit")) {
    Result<int> n = ParseIntParam(*limit, "limit", 1, 50'000);
    if (!n.ok()) return Invalid(c, n.status());
    q.limit = static_cast<size_t>(*n);
  }
  if (picture_ == nullptr) return NoPicture();
  ISSA_ASSIGN_OR_RETURN(std::string body, picture_->TracksGeoJson(ReaderOf(c), q));
  return GeoJsonResponse(std::move(body));
}

Result<HttpResponse> Service::MaritimeTrack(Call& c) {
  ISSA_ASSIGN_OR_RETURN(std::string id_text, PathParam(c, 0, "id", false));
  if (!c.query.empty()) {
    Result<QueryParams> params = QueryParams::Parse(c.query, {});
    if (!params.ok()) return Invalid(c, params.status());
  }
  Result<int64_t> id = ParseInt64Param(id_text, "id", 1, INT64_MAX);
  if (!id.ok()) return Invalid(c, id.status());
  if (picture_ == nullptr) return NoPicture();
  ISSA_ASSIGN_OR_RETURN(std::string body,
                        picture_->TrackGeoJson(ReaderOf(c), static_cast<uint64_t>(*id)));
  return GeoJsonResponse(std::move(body));
}

}  // namespace issa::api
