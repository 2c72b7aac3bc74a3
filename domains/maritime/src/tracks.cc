#include "issa/maritime/tracks.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "geodesy.h"

namespace issa::maritime {
namespace {

using detail::Distance;
using detail::kKnot;
using detail::ToDegrees;
using detail::ToMetres;

bool Valid(const PositionReport& r) {
  return r.mmsi != 0 && r.mmsi <= 999'999'999 && std::isfinite(r.lat) && std::isfinite(r.lon) &&
         r.lat >= -90 && r.lat <= 90 && r.lon >= -180 && r.lon <= 180 && r.time > 0;
}

double CourseChange(double a, double b) {
  const double d = std::fabs(a - b);
  return d > 180 ? 360 - d : d;
}

}  // namespace

std::string_view AnomalyKindName(AnomalyKind kind) {
  switch (kind) {
    case AnomalyKind::kAisGap:
      return "ais_gap";
    case AnomalyKind::kPositionJump:
      return "position_jump";
    case AnomalyKind::kIdentityConflict:
      return "identity_conflict";
    case AnomalyKind::kLoitering:
      return "loitering";
    case AnomalyKind::kGoingDark:
      return "going_dark";
    case AnomalyKind::kEncounter:
      return "encounter";
    case AnomalyKind::kDarkTarget:
      return "dark_target";
    case AnomalyKind::kFastCraft:
      return "fast_craft";
    case AnomalyKind::kZoneEntry:
      return "zone_entry";
  }
  return "unknown";
}

TrackStore::TrackStore(TrackSettings settings, AnomalySink on_anomaly)
    : settings_(settings), on_anomaly_(std::move(on_anomaly)) {}

int64_t TrackStore::GapThreshold(double lat, double lon) const {
  for (const GapZone& z : settings_.anomalies.gap_zones) {
    const bool in_lat = lat >= z.min_lat && lat <= z.max_lat;
    const bool in_lon = z.min_lon <= z.max_lon ? (lon >= z.min_lon && lon <= z.max_lon)
                                               : (lon >= z.min_lon || lon <= z.max_lon);
    if (in_lat && in_lon) return z.gap_threshold_ms;
  }
  return settings_.anomalies.gap_threshold_ms;
}

size_t TrackStore::SweepSilent(core::Timestamp now) {
  size_t raised = 0;
  for (Track& t : tracks_) {
    if (t.dark_reported) continue;
    const int64_t silent = now - t.last_seen;
    if (silent < GapThreshold(t.last_lat, t.last_lon)) continue;
    t.dark_reported = true;
    Anomaly a;
    a.kind = AnomalyKind::kGoingDark;
    a.track_id = t.id;
    a.mmsi = t.mmsi;
    a.start = t.last_seen;
    a.end = now;
    a.lat = a.from_lat = t.last_lat;
    a.lon = a.from_lon = t.last_lon;
    a.value = static_cast<double>(silent) / 3'600'000.0;
    Raise(a);
    ++raised;
  }
  return raised;
}

void TrackStore::Raise(const Anomaly& anomaly) {
  ++stats_.anomalies;
  if (on_anomaly_) on_anomaly_(anomaly);
}

// After `track` took `report`, whose previous report was at `previous`.
void TrackStore::CheckMotion(Track& t, const PositionReport& report, core::Timestamp previous,
                             double implied_knots) {
  const AnomalySettings& a = settings_.anomalies;
  const auto base = [&](AnomalyKind kind, core::Timestamp start, double value) {
    Anomaly x;
    x.kind = kind;
    x.track_id = t.id;
    x.mmsi = t.mmsi;
    x.start = start;
    x.end = report.time;
    x.lat = report.lat;
    x.lon = report.lon;
    x.from_lat = t.last_lat;
    x.from_lon = t.last_lon;
    x.value = value;
    return x;
  };
  if (report.time - previous >= GapThreshold(t.last_lat, t.last_lon)) {
    Raise(base(AnomalyKind::kAisGap, previous,
               static_cast<double>(report.time - previous) / 3'600'000.0));
  } else if (implied_knots > a.jump_speed_knots) {
    Raise(base(AnomalyKind::kPositionJump, previous, implied_knots));
  }
  // Loitering: reported (or, without SOG, filtered) speed under the threshold for long enough.
  const double speed = report.sog_knots.value_or(t.speed_knots());
  if (speed < a.loiter_speed_knots) {
    if (t.slow_since == 0) t.slow_since = report.time;
    if (!t.loitering_reported && report.time - t.slow_since >= a.loiter_min_ms) {
      t.loitering_reported = true;
      Raise(base(AnomalyKind::kLoitering, t.slow_since, speed));
    }
  } else {
    t.slow_since = 0;
    t.loitering_reported = false;
  }
}

IngestResult TrackStore::Ingest(const PositionReport& report) {
  ++stats_.reports;
  if (!Valid(report)) {
    ++stats_.invalid;
    return IngestResult::kInvalid;
  }
  auto found = by_mmsi_.find(report.mmsi);
  if (found == by_mmsi_.end()) {
    NewTrack(report);
    ++stats_.new_tracks;
    return IngestResult::kNewTrack;
  }
  // The track that explains the report best: inside the gate (smallest distance), else one it
  // could have reached (plausible speed), preferring the most recent.
  Track* gated = nullptr;
  double best_d2 = std::numeric_limits<double>::infinity();
  Track* reachable = nullptr;
  bool any_older = false;
  for (const uint32_t index : found->second) {
    Track& t = tracks_[index];
    if (report.time <= t.last_seen) continue;
    any_older = true;
    double east = 0, north = 0;
    ToMetres(t.lat, t.lon, report.lat, report.lon, east, north);
    ConstantVelocityFilter predicted = t.filter;
    predicted.Predict(report.time);
    const double d2 = predicted.InnovationDistance2(east, north, settings_.fix_sigma_m);
    if (d2 < settings_.gate_distance2) {
      if (d2 < best_d2) {
        best_d2 = d2;
        gated = &t;
      }
      continue;  // inside the gate: no need to ask whether it was reachable
    }
    const double seconds = static_cast<double>(report.time - t.last_seen) / 1000;
    const double from_last = Distance(t.lat, t.lon, report.lat, report.lon);
    // Position noise on both fixes is allowed for on short intervals.
    const double reach = settings_.max_speed_knots * kKnot * seconds + 4 * settings_.fix_sigma_m;
    if (from_last <= reach && (reachable == nullptr || t.last_seen > reachable->last_seen)) {
      reachable = &t;
    }
  }
  if (!any_older) {
    ++stats_.out_of_order;
    return IngestResult::kOutOfOrder;
  }
  Track* target = gated != nullptr ? gated : reachable;
  if (target != nullptr) {
    const core::Timestamp previous = target->last_seen;
    const double seconds = static_cast<double>(report.time - previous) / 1000;
    const double implied_knots =
        Distance(target->last_lat, target->last_lon, report.lat, report.lon) / seconds / kKnot;
    Update(*target, report);
    CheckMotion(*target, report, previous, implied_knots);
    target->dark_reported = false;
    target->last_lat = report.lat;
    target->last_lon = report.lon;
    ++stats_.updates;
    return IngestResult::kUpdated;
  }
  // Nowhere this MMSI could have been: a second transmitter with the same identity.
  for (const uint32_t index : found->second) tracks_[index].identity_conflict = true;
  const Track& latest = tracks_[found->second.back()];  // (before NewTrack moves tracks_)
  Anomaly conflict;
  conflict.kind = AnomalyKind::kIdentityConflict;
  conflict.mmsi = report.mmsi;
  conflict.start = latest.last_seen;
  conflict.end = report.time;
  conflict.lat = report.lat;
  conflict.lon = report.lon;
  conflict.from_lat = latest.last_lat;
  conflict.from_lon = latest.last_lon;
  conflict.value =
      Distance(latest.last_lat, latest.last_lon, report.lat, report.lon) /
      (static_cast<double>(std::max<core::Timestamp>(1, report.time - latest.last_seen)) / 1000) /
      kKnot;
  Track& split = NewTrack(report);
  split.identity_conflict = true;
  conflict.track_id = split.id;
  ++stats_.identity_splits;
  Raise(conflict);
  return IngestResult::kIdentitySplit;
}

Track& TrackStore::NewTrack(const PositionReport& report) {
  const auto index = static_cast<uint32_t>(tracks_.size());
  tracks_.push_back(Track{
      .id = index + 1,
      .mmsi = report.mmsi,
      .identity_conflict = false,
      .first_seen = report.time,
      .last_seen = report.time,
      .reports = 1,
      .lat = report.lat,
      .lon = report.lon,
      .filter = ConstantVelocityFilter(0, 0, settings_.fix_sigma_m, report.time, settings_.motion),
      .history = {},
      .last_lat = report.lat,
      .last_lon = report.lon,
      .slow_since = 0,
      .loitering_reported = false,
      .dark_reported = false,
  });
  by_mmsi_[report.mmsi].push_back(index);
  Track& t = tracks_.back();
  Record(t, report);
  return t;
}

void TrackStore::Update(Track& t, const PositionReport& report) {
  double east = 0, north = 0;
  ToMetres(t.lat, t.lon, report.lat, report.lon, east, north);
  t.filter.Update(east, north, settings_.fix_sigma_m, report.time);
  // Re-centre the frame on the new estimate, so that it stays small.
  ToDegrees(t.lat, t.lon, t.filter.east_m(), t.filter.north_m(), t.lat, t.lon);
  t.filter.ShiftOrigin(t.filter.east_m(), t.filter.north_m());
  t.last_seen = report.time;
  ++t.reports;
  Record(t, report);
}

void TrackStore::Record(Track& t, const PositionReport& report) {
  const auto speed =
      static_cast<float>(t.reports > 1 ? t.speed_knots() : report.sog_knots.value_or(0));
  const auto course =
      static_cast<float>(t.reports > 1 ? t.course_deg() : report.cog_deg.value_or(0));
  if (!t.history.empty()) {
    const TrackPoint& last = t.history.back();
    const bool due = report.time - last.time >= settings_.history_interval_ms;
    const bool turned =
        CourseChange(course, last.course_deg) >= settings_.history_turn_deg && speed >= 1;
    if (!due && !turned) return;
  }
  if (t.history.size() >= settings_.history_max_points) {
    // Thin: keep every other point (the newest kept), so older history gets sparser.
    size_t w = 0;
    for (size_t r = t.history.size() % 2 == 0 ? 1 : 0; r < t.history.size(); r += 2) {
      t.history[w++] = t.history[r];
    }
    t.history.resize(w);
  }
  t.history.push_back(
      TrackPoint{report.time, static_cast<float>(t.lat), static_cast<float>(t.lon), speed, course});
}

std::vector<const Track*> TrackStore::TracksOf(uint32_t mmsi) const {
  std::vector<const Track*> out;
  const auto it = by_mmsi_.find(mmsi);
  if (it == by_mmsi_.end()) return out;
  for (const uint32_t index : it->second) out.push_back(&tracks_[index]);
  return out;
}

const Track* TrackStore::Find(uint64_t id) const {
  if (id == 0 || id > tracks_.size()) return nullptr;
  return &tracks_[id - 1];
}

size_t TrackStore::MemoryBytes() const {
  size_t bytes = tracks_.capacity() * sizeof(Track);
  for (const Track& t : tracks_) bytes += t.history.capacity() * sizeof(TrackPoint);
  // unordered_map: a node (key, vector, next pointer, hash) per MMSI plus the bucket array.
  bytes +=
      by_mmsi_.size() * (sizeof(uint32_t) + sizeof(std::vector<uint32_t>) + 2 * sizeof(void*)) +
      by_mmsi_.bucket_count() * sizeof(void*);
  for (const auto& [mmsi, v] : by_mmsi_) bytes += v.capacity() * sizeof(uint32_t);
  return bytes;
}

}  // namespace issa::maritime
