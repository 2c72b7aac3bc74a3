// The situational pictures (Reg. (EU) 2019/1896 Arts 24-27): which records make up a picture and
// how its layers are rendered as GeoJSON. What the caller may see is decided by the node; this
// file only chooses among what the node returned (scope, filters) and projects the European
// picture.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "issa/eurosur/service.h"
#include "issa/maritime/hotspots.h"

#include "codec.h"
#include "internal.h"

namespace issa::eurosur {

using nlohmann::json;

namespace {

using detail::Dump;

// Ship and aircraft identification numbers: the only personal data the European picture keeps
// (Art. 89(2) of Reg. 2019/1896).
const std::set<std::string>& VesselIdentifiers() {
  static const std::set<std::string> kIds = {
      "mmsi", "imo", "call_sign", "call_signs", "registration", "aircraft_registrations"};
  return kIds;
}

// The properties a type's schema marks personal ("x-personal": true).
std::set<std::string> PersonalProperties(node::Node& node, const std::string& type) {
  std::set<std::string> out;
  Result<std::string> schema = node.Schema(type);
  if (!schema.ok()) return out;
  json s = json::parse(*schema, nullptr, false);
  if (!s.is_object() || !s.contains("properties") || !s["properties"].is_object()) return out;
  for (const auto& [name, def] : s["properties"].items()) {
    if (def.is_object() && def.value("x-personal", false)) out.insert(name);
  }
  return out;
}

// The picture being rendered: who looks, which sections it covers, which records belong to it.
struct Scope {
  PictureRef ref;
  maritime::Actor actor;
  detail::Directory dir;
  std::vector<json> sections;  // BorderSection properties + "geometry", "record"
  std::set<std::string> section_ids;
  std::set<std::string> personal;  // removed from every feature (European picture)

  bool InSections(const std::string& section_id, double lat, double lon) const {
    if (!section_id.empty() && section_ids.count(section_id) != 0) return true;
    return std::any_of(sections.begin(), sections.end(), [&](const json& s) {
      return detail::GeometryContains(s["geometry"], lat, lon);
    });
  }
  bool SharedWithOperation(const core::Record& r) const {
    return r.handling.distribution == core::Distribution::kGroup &&
           r.handling.group == ref.operation_id;
  }
  // Whether an asset or report belongs to the picture: national, owned by an authority of the
  // member state; European, all; operation, shared with its group (or naming it).
  bool Includes(const core::Record& r, const json& properties) const {
    switch (ref.kind) {
      case PictureKind::kNational:
        return OwnedInMemberState(r);
      case PictureKind::kEuropean:
        return true;
      case PictureKind::kOperation:
        return SharedWithOperation(r) || properties.value("operation", "") == ref.operation_id;
    }
    return false;
  }
  bool OwnedInMemberState(const core::Record& r) const {
    const core::Authority* a = dir.Find(r.owner);
    return a != nullptr && a->country == actor.member_state;
  }
};

void Project(const Scope& scope, json& properties) {
  for (const std::string& p : scope.personal) {
    if (VesselIdentifiers().count(p) == 0) properties.erase(p);
  }
}

bool InTime(const LayerQuery& q, core::Timestamp t) {
  return (!q.since || t >= *q.since) && (!q.until || t < *q.until);
}

json Geometry(const core::Record& r) {
  if (r.geometry_json.empty()) return json(nullptr);
  json g = json::parse(r.geometry_json, nullptr, false);
  return g.is_discarded() ? json(nullptr) : g;
}

json Feature(const std::string& id, json geometry, json properties) {
  return json{{"type", "Feature"},
              {"id", id},
              {"geometry", std::move(geometry)},
              {"properties", std::move(properties)}};
}

// A record as a feature of a layer, projected for the picture.
json RecordFeature(const Scope& scope, const core::Record& r, json p, std::string_view layer) {
  p["layer"] = layer;
  p["owner"] = r.owner;
  p["updated_at"] = core::FormatTimestamp(r.updated_at);
  Project(scope, p);
  return Feature(r.id, Geometry(r), std::move(p));
}

Result<Scope> OpenScope(node::Node& node, const node::Context& ctx, const PictureRef& ref,
                        const std::optional<core::BBox>& bbox) {
  Scope scope;
  scope.ref = ref;
  ISSA_ASSIGN_OR_RETURN(scope.dir, detail::LoadDirectory(node, ctx));
  ISSA_ASSIGN_OR_RETURN(scope.actor, detail::ActorOf(scope.dir, ctx));
  switch (ref.kind) {
    case PictureKind::kNational:
      if (scope.actor.member_state == "EU") {
        return PermissionDenied("a Union body has no national picture; use the European one");
      }
      break;
    case PictureKind::kEuropean:
      if (!scope.actor.agency && !scope.actor.ncc) {
        return PermissionDenied("the European picture is for the Agency and the NCCs");
      }
      for (const char* type : {"Event", "Asset", "Report"}) {
        for (const std::string& p : PersonalProperties(node, type)) scope.personal.insert(p);
      }
      break;
    case PictureKind::kOperation: {
      // The node answers NotFound to anyone outside the group: its members are the access list.
      ISSA_RETURN_IF_ERROR(node.GetGroup(ctx, ref.operation_id).status());
      break;
    }
  }
  if (ref.kind != PictureKind::kOperation) {
    ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> sections,
                          detail::ListAll(node, ctx, "BorderSection", bbox));
    for (const auto& r : sections) {
      json p = detail::Properties(r);
      if (ref.kind == PictureKind::kNational &&
          p.value("member_state", "") != scope.actor.member_state) {
        continue;
      }
      p["geometry"] = Geometry(r);
      p["record"] = r.id;
      scope.section_ids.insert(p.value("section_id", ""));
      scope.sections.push_back(std::move(p));
    }
  }
  return scope;
}

// The picture's events, filtered by time on occurred_at.
Result<std::vector<detail::EventRecord>> PictureEvents(node::Node& node, const node::Context& ctx,
                                                       const Scope& scope, const LayerQuery& q) {
  ISSA_ASSIGN_OR_RETURN(std::vector<detail::EventRecord> all,
                        detail::LoadEvents(node, ctx, q.bbox));
  std::vector<detail::EventRecord> out;
  for (auto& e : all) {
    if (!InTime(q, e.report.occurred_at)) continue;
    switch (scope.ref.kind) {
      case PictureKind::kNational:
        if (!scope.InSections(e.report.section_id, e.report.lat, e.report.lon)) continue;
        break;
      case PictureKind::kEuropean:
        break;
      case PictureKind::kOperation:
        if (!scope.SharedWithOperation(e.record)) continue;
        break;
    }
    out.push_back(std::move(e));
  }
  return out;
}

json EventsLayer(const Scope& scope, const std::vector<detail::EventRecord>& events) {
  json features = json::array();
  for (const auto& e : events) {
    json p = e.properties;
    p.erase("report");
    const maritime::ReportTiming timing = maritime::SingleEventTiming(e.report);
    p["layer"] = "events";
    p["state"] = maritime::EventStateName(e.report.state);
    p["impact"] = maritime::IncidentImpactName(e.report.impact);
    p["originator"] = e.report.originator;
    p["owner"] = e.report.owner;
    p["single_event"] = e.report.single_event;
    p["known_at"] = core::FormatTimestamp(e.report.known_at);
    p["reported_at"] = core::FormatTimestamp(e.report.reported_at);
    p["updated_at"] = core::FormatTimestamp(e.record.updated_at);
    p["due_at"] = core::FormatTimestamp(timing.due_at);
    p["late"] = timing.late;
    p["follow_ups"] = e.report.follow_ups.size();
    p["version"] = e.record.version;
    if (e.report.closure_reason) {
      p["closure_reason"] = maritime::ClosureReasonName(*e.report.closure_reason);
    }
    Project(scope, p);
    features.push_back(Feature(e.record.id, Geometry(e.record), std::move(p)));
  }
  return features;
}

Result<json> OperationalLayer(node::Node& node, const node::Context& ctx, const Scope& scope,
                              const LayerQuery& q) {
  ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> assets,
                        detail::ListAll(node, ctx, "Asset", q.bbox));
  json features = json::array();
  for (const auto& r : assets) {
    json p = detail::Properties(r);
    core::Timestamp t = r.updated_at;
    if (p.contains("reported_at") && p["reported_at"].is_string()) {
      Result<core::Timestamp> rt = core::ParseTimestamp(p["reported_at"].get<std::string>());
      if (rt.ok()) t = *rt;
    }
    if (!InTime(q, t) || !scope.Includes(r, p)) continue;
    features.push_back(RecordFeature(scope, r, std::move(p), "operational"));
  }
  return features;
}

core::BBox SectionBox(const json& geometry) {
  core::BBox b{180, 90, -180, -90};
  std::function<void(const json&)> walk = [&](const json& c) {
    if (c.is_array() && c.size() >= 2 && c[0].is_number()) {
      b.min_lon = std::min(b.min_lon, c[0].get<double>());
      b.max_lon = std::max(b.max_lon, c[0].get<double>());
      b.min_lat = std::min(b.min_lat, c[1].get<double>());
      b.max_lat = std::max(b.max_lat, c[1].get<double>());
      return;
    }
    if (c.is_array()) {
      for (const json& x : c) walk(x);
    }
  };
  if (geometry.is_object() && geometry.contains("coordinates")) walk(geometry["coordinates"]);
  return b;
}

Result<json> AnalysisLayer(node::Node& node, const node::Context& ctx, const Scope& scope,
                           const LayerQuery& q, const EurosurOptions& options) {
  json features = json::array();
  const core::Timestamp now = node.clock().Now();
  // Impact levels of the picture's sections.
  ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> impacts,
                        detail::ListAll(node, ctx, "SectionImpact"));
  const std::map<std::string, json> latest = detail::LatestImpactStates(impacts);
  for (const json& s : scope.sections) {
    const std::string id = s.value("section_id", "");
    json p = {{"layer", "analysis"},
              {"kind", "section_impact"},
              {"section_id", id},
              {"member_state", s.value("member_state", "")},
              {"name", s.value("name", "")}};
    p.update(detail::CurrentLevel(latest, id, now, options.workflow));
    features.push_back(Feature("section:" + id, s["geometry"], std::move(p)));
  }
  // Hot spots of the picture's incidents in the period, per section (or over the operation's
  // incidents when the picture has no sections).
  LayerQuery period = q;
  if (!period.until) period.until = now + 1;
  if (!period.since) period.since = *period.until - options.hotspot_default_period_ms;
  LayerQuery events_query = period;
  events_query.bbox = std::nullopt;
  ISSA_ASSIGN_OR_RETURN(std::vector<detail::EventRecord> events,
                        PictureEvents(node, ctx, scope, events_query));
  std::vector<maritime::EventReport> reports;
  for (const auto& e : events) reports.push_back(e.report);
  const std::vector<maritime::IncidentPoint> incidents = maritime::IncidentPoints(reports);
  maritime::HotspotSettings hs;
  hs.cell_size_m = options.hotspot_cell_size_m;
  hs.min_confidence = options.hotspot_min_confidence;
  hs.from = *period.since;
  hs.to = *period.until;
  auto add_hotspots = [&](const maritime::HotspotResult& result, const std::string& section_id) {
    for (const auto& h : result.hotspots) {
      if (q.bbox && !q.bbox->Intersects(h.cell)) continue;
      json f = json::parse(h.feature_json, nullptr, false);
      if (!f.is_object()) continue;
      f["properties"]["layer"] = "analysis";
      f["properties"]["kind"] = "hotspot";
      if (!section_id.empty()) f["properties"]["section_id"] = section_id;
      f["id"] = fmt::format("hotspot:{}:{}:{}", section_id, h.row, h.col);
      features.push_back(std::move(f));
    }
  };
  if (!incidents.empty()) {
    if (!scope.sections.empty()) {
      const std::vector<json>& sections = scope.sections;
      maritime::SectionLocator locator = [&sections](double lat,
                                                     double lon) -> std::optional<std::string> {
        for (const json& s : sections) {
          if (detail::GeometryContains(s["geometry"], lat, lon)) {
            return s.value("section_id", "");
          }
        }
        return std::nullopt;
      };
      for (const json& s : scope.sections) {
        const core::BBox area = SectionBox(s["geometry"]);
        if (!area.Valid() || (q.bbox && !q.bbox->Intersects(area))) continue;
        const std::string id = s.value("section_id", "");
        Result<maritime::HotspotResult> r =
            maritime::FindHotspots(incidents, area, hs, id, locator);
        if (r.ok()) add_hotspots(*r, id);
      }
    } else {
      core::BBox area{180, 90, -180, -90};
      for (const auto& i : incidents) {
        area.min_lon = std::min(area.min_lon, i.lon);
        area.max_lon = std::max(area.max_lon, i.lon);
        area.min_lat = std::min(area.min_lat, i.lat);
        area.max_lat = std::max(area.max_lat, i.lat);
      }
      Result<maritime::HotspotResult> r = maritime::FindHotspots(incidents, area, hs);
      if (r.ok()) add_hotspots(*r, "");
    }
  }
  // Analytical reports.
  ISSA_ASSIGN_OR_RETURN(std::vector<core::Record> reports_records,
                        detail::ListAll(node, ctx, "Report", q.bbox));
  for (const auto& r : reports_records) {
    json p = detail::Properties(r);
    const std::string type = p.value("report_type", "");
    if (type != "analysis" && type != "risk-assessment" && type != "situation") continue;
    if (!InTime(q, r.updated_at) || !scope.Includes(r, p)) continue;
    p["kind"] = "report";
    features.push_back(RecordFeature(scope, r, std::move(p), "analysis"));
  }
  return features;
}

std::string_view PictureName(const PictureRef& ref) {
  switch (ref.kind) {
    case PictureKind::kNational:
      return "national";
    case PictureKind::kEuropean:
      return "european";
    case PictureKind::kOperation:
      return "operation";
  }
  return "";
}

std::string_view LayerName(Layer layer) {
  switch (layer) {
    case Layer::kEvents:
      return "events";
    case Layer::kOperational:
      return "operational";
    case Layer::kAnalysis:
      return "analysis";
  }
  return "";
}

}  // namespace

Result<std::string> EurosurService::LayerGeoJson(const node::Context& ctx,
                                                 const PictureRef& picture, Layer layer,
                                                 const LayerQuery& query) {
  if (query.bbox && !query.bbox->Valid()) return InvalidArgument("is not a valid box", "bbox");
  ISSA_ASSIGN_OR_RETURN(
      Scope scope,
      OpenScope(node_, ctx, picture, layer == Layer::kAnalysis ? query.bbox : std::nullopt));
  json features;
  switch (layer) {
    case Layer::kEvents: {
      ISSA_ASSIGN_OR_RETURN(std::vector<detail::EventRecord> events,
                            PictureEvents(node_, ctx, scope, query));
      features = EventsLayer(scope, events);
      break;
    }
    case Layer::kOperational: {
      ISSA_ASSIGN_OR_RETURN(features, OperationalLayer(node_, ctx, scope, query));
      break;
    }
    case Layer::kAnalysis: {
      ISSA_ASSIGN_OR_RETURN(features, AnalysisLayer(node_, ctx, scope, query, options_));
      break;
    }
  }
  json out = {{"type", "FeatureCollection"},
              {"picture", PictureName(picture)},
              {"layer", LayerName(layer)},
              {"member_state", scope.actor.member_state},
              {"features", std::move(features)}};
  if (picture.kind == PictureKind::kOperation) out["operation"] = picture.operation_id;
  return Dump(out);
}

}  // namespace issa::eurosur
