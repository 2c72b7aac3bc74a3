#include "issa/maritime/picture.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

namespace issa::maritime {
namespace {

bool Inside(const core::BBox& b, double lat, double lon) {
  return lat >= b.min_lat && lat <= b.max_lat && lon >= b.min_lon && lon <= b.max_lon;
}

// Appends a JSON number with enough digits for a position (1e-7° is about 1 cm).
void AppendCoord(std::string& out, double v) {
  fmt::format_to(std::back_inserter(out), "{:.7f}", v);
}

void AppendTrackFeature(std::string& out, const Track& t) {
  out += R"({"type":"Feature","id":)";
  fmt::format_to(std::back_inserter(out), "{}", t.id);
  out += R"(,"geometry":{"type":"Point","coordinates":[)";
  AppendCoord(out, t.lon);
  out += ',';
  AppendCoord(out, t.lat);
  fmt::format_to(std::back_inserter(out),
                 R"(]}},"properties":{{"kind":"track","mmsi":{},"speed_knots":{:.1f},)"
                 R"("course_deg":{:.1f},"last_seen":"{}","reports":{},"identity_conflict":{}}}}})",
                 t.mmsi, t.speed_knots(), t.course_deg(), core::FormatTimestamp(t.last_seen),
                 t.reports, t.identity_conflict ? "true" : "false");
}

}  // namespace

LivePicture::LivePicture(TrackSettings settings, AnomalySink on_anomaly, PictureAudit audit,
                         ZoneIndex geography)
    : settings_(std::move(settings)),
      geography_(std::move(geography)),
      on_anomaly_(std::move(on_anomaly)),
      audit_(std::move(audit)),
      tracks_(settings_, on_anomaly_, geography_) {}

IngestResult LivePicture::Ingest(const PositionReport& report) {
  std::unique_lock lock(mu_);
  return tracks_.Ingest(report);
}

size_t LivePicture::SweepSilent(core::Timestamp now) {
  std::unique_lock lock(mu_);
  return tracks_.SweepSilent(now);
}

void LivePicture::Clear() {
  std::unique_lock lock(mu_);
  tracks_ = TrackStore(settings_, on_anomaly_, geography_);
}

size_t LivePicture::size() const {
  std::shared_lock lock(mu_);
  return tracks_.size();
}

TrackStats LivePicture::stats() const {
  std::shared_lock lock(mu_);
  return tracks_.stats();
}

Status LivePicture::Admit(const PictureReader& reader, std::string_view action,
                          std::string_view target) const {
  if (!access::MayReadVesselPicture(reader.principal)) {
    if (audit_) audit_(reader, action, target, "denied");
    return PermissionDenied("the vessel picture needs the border purpose");
  }
  return Status::Ok();
}

Result<std::string> LivePicture::TracksGeoJson(const PictureReader& reader,
                                               const TrackQuery& query) const {
  const std::string target =
      query.bbox ? fmt::format("bbox={},{},{},{}", query.bbox->min_lon, query.bbox->min_lat,
                               query.bbox->max_lon, query.bbox->max_lat)
                 : std::string("bbox=all");
  ISSA_RETURN_IF_ERROR(Admit(reader, "maritime.tracks.read", target));
  std::string out;
  size_t total = 0;
  {
    std::shared_lock lock(mu_);
    std::vector<const Track*> hits;
    tracks_.ForEach([&](const Track& t) {
      if (t.last_seen < query.since) return;
      if (query.bbox && !Inside(*query.bbox, t.lat, t.lon)) return;
      hits.push_back(&t);
    });
    total = hits.size();
    out.reserve(64 + std::min(hits.size(), query.limit) * 220);
    out += R"({"type":"FeatureCollection","features":[)";
    if (hits.size() <= query.limit) {
      for (size_t i = 0; i < hits.size(); ++i) {
        if (i > 0) out += ',';
        AppendTrackFeature(out, *hits[i]);
      }
    } else {
      // Level of detail: counts on a grid of about `limit` cells over the box.
      const core::BBox box = query.bbox.value_or(core::BBox{-180, -90, 180, 90});
      const auto side = static_cast<size_t>(std::max(
          1.0, std::floor(std::sqrt(static_cast<double>(std::max<size_t>(query.limit, 1))))));
      const double w = std::max(box.max_lon - box.min_lon, 1e-9) / static_cast<double>(side);
      const double h = std::max(box.max_lat - box.min_lat, 1e-9) / static_cast<double>(side);
      struct Cell {
        size_t count = 0;
        double lat = 0, lon = 0;
      };
      std::unordered_map<size_t, Cell> cells;
      for (const Track* t : hits) {
        const auto cx = std::min(side - 1, static_cast<size_t>((t->lon - box.min_lon) / w));
        const auto cy = std::min(side - 1, static_cast<size_t>((t->lat - box.min_lat) / h));
        Cell& c = cells[cy * side + cx];
        ++c.count;
        c.lat += t->lat;
        c.lon += t->lon;
      }
      std::vector<std::pair<size_t, Cell>> ordered(cells.begin(), cells.end());
      std::sort(ordered.begin(), ordered.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      bool first = true;
      for (const auto& [key, c] : ordered) {
        if (!first) out += ',';
        first = false;
        out += R"({"type":"Feature","geometry":{"type":"Point","coordinates":[)";
        AppendCoord(out, c.lon / static_cast<double>(c.count));
        out += ',';
        AppendCoord(out, c.lat / static_cast<double>(c.count));
        fmt::format_to(std::back_inserter(out),
                       R"(]}},"properties":{{"kind":"cluster","cell":{},"count":{}}}}})", key,
                       c.count);
      }
    }
  }
  fmt::format_to(std::back_inserter(out), R"(],"total":{},"clustered":{}}})", total,
                 total > query.limit ? "true" : "false");
  if (audit_) audit_(reader, "maritime.tracks.read", target, "ok");
  return out;
}

Result<std::string> LivePicture::TrackGeoJson(const PictureReader& reader,
                                              uint64_t track_id) const {
  const std::string target = fmt::format("track/{}", track_id);
  ISSA_RETURN_IF_ERROR(Admit(reader, "maritime.track.read", target));
  std::string out;
  {
    std::shared_lock lock(mu_);
    const Track* t = tracks_.Find(track_id);
    if (t == nullptr) {
      lock.unlock();
      if (audit_) audit_(reader, "maritime.track.read", target, "not_found");
      return NotFound(fmt::format("no track {}", track_id));
    }
    out += R"({"type":"Feature","id":)";
    fmt::format_to(std::back_inserter(out), "{}", t->id);
    out += R"(,"geometry":)";
    if (t->history.size() >= 2) {
      out += R"({"type":"LineString","coordinates":[)";
      for (size_t i = 0; i < t->history.size(); ++i) {
        if (i > 0) out += ',';
        out += '[';
        AppendCoord(out, t->history[i].lon);
        out += ',';
        AppendCoord(out, t->history[i].lat);
        out += ']';
      }
      out += "]}";
    } else {
      out += R"({"type":"Point","coordinates":[)";
      AppendCoord(out, t->lon);
      out += ',';
      AppendCoord(out, t->lat);
      out += "]}";
    }
    fmt::format_to(std::back_inserter(out),
                   R"(,"properties":{{"kind":"track","mmsi":{},"lat":{:.7f},"lon":{:.7f},)"
                   R"("speed_knots":{:.1f},"course_deg":{:.1f},"first_seen":"{}","last_seen":"{}",)"
                   R"("reports":{},"identity_conflict":{},"times":[)",
                   t->mmsi, t->lat, t->lon, t->speed_knots(), t->course_deg(),
                   core::FormatTimestamp(t->first_seen), core::FormatTimestamp(t->last_seen),
                   t->reports, t->identity_conflict ? "true" : "false");
    if (t->history.size() >= 2) {
      for (size_t i = 0; i < t->history.size(); ++i) {
        if (i > 0) out += ',';
        out += '"';
        out += core::FormatTimestamp(t->history[i].time);
        out += '"';
      }
    }
    out += "]}}";
  }
  if (audit_) audit_(reader, "maritime.track.read", target, "ok");
  return out;
}

class LivePicture::SubscriptionImpl final : public LivePicture::Subscription {
 public:
  SubscriptionImpl(LivePicture& picture, uint64_t id) : picture_(picture), id_(id) {}
  ~SubscriptionImpl() override {
    std::lock_guard lock(picture_.subscribers_mu_);
    std::erase_if(picture_.subscribers_, [&](const Subscriber& s) { return s.id == id_; });
  }

 private:
  LivePicture& picture_;
  uint64_t id_;
};

Result<std::unique_ptr<LivePicture::Subscription>> LivePicture::Subscribe(
    const PictureReader& reader, std::optional<core::BBox> bbox, UpdateSink sink) {
  ISSA_RETURN_IF_ERROR(Admit(reader, "maritime.tracks.subscribe", "stream"));
  if (audit_) audit_(reader, "maritime.tracks.subscribe", "stream", "ok");
  std::lock_guard lock(subscribers_mu_);
  const uint64_t id = next_subscriber_++;
  subscribers_.push_back(Subscriber{id, bbox, std::move(sink)});
  return std::unique_ptr<Subscription>(std::make_unique<SubscriptionImpl>(*this, id));
}

size_t LivePicture::Publish(size_t max_per_update) {
  std::vector<const Track*> changed;
  std::shared_lock lock(mu_);
  core::Timestamp newest = published_until_;
  tracks_.ForEach([&](const Track& t) {
    if (t.last_seen > published_until_) changed.push_back(&t);
    newest = std::max(newest, t.last_seen);
  });
  const core::Timestamp since = published_until_;
  published_until_ = newest;
  if (changed.empty()) return 0;
  std::lock_guard subs(subscribers_mu_);
  for (const Subscriber& sub : subscribers_) {
    std::string out = R"({"since":")" + core::FormatTimestamp(since) + R"(","tracks":[)";
    size_t n = 0;
    bool more = false;
    for (const Track* t : changed) {
      if (sub.bbox && !Inside(*sub.bbox, t->lat, t->lon)) continue;
      if (n == max_per_update) {
        more = true;
        break;
      }
      if (n++ > 0) out += ',';
      fmt::format_to(std::back_inserter(out),
                     R"({{"id":{},"mmsi":{},"lat":{:.7f},"lon":{:.7f},"speed_knots":{:.1f},)"
                     R"("course_deg":{:.1f},"last_seen":"{}"}})",
                     t->id, t->mmsi, t->lat, t->lon, t->speed_knots(), t->course_deg(),
                     core::FormatTimestamp(t->last_seen));
    }
    if (n == 0) continue;
    out += more ? R"(],"more":true})" : R"(],"more":false})";
    sub.sink(out);
  }
  return changed.size();
}

}  // namespace issa::maritime
