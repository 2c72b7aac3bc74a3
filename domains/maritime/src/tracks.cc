#include "issa/maritime/tracks.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "flat_map.h"
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

constexpr uint32_t kNoTrack = 0xffffffffU;
constexpr double kMetresPerDegree = detail::kEarthRadiusM * detail::kRad;

uint64_t PairKey(uint32_t a, uint32_t b) {
  if (a > b) std::swap(a, b);
  return (static_cast<uint64_t>(a) << 32) | b;
}

}  // namespace

// Offset of a position in a track's frame (equirectangular around the track's position, as
// detail::ToMetres), with the frame's scale.
struct TrackStore::Offset {
  double east = 0, north = 0;
  double metres_per_degree_east = 1;
  bool short_hop = false;  // within a degree and away from the poles: equirectangular is exact
                           // to 0.1 %
};

TrackStore::Offset TrackStore::OffsetIn(const Track& t, double lat, double lon) {
  Offset o;
  double dlon = lon - t.lon;
  if (dlon > 180) dlon -= 360;
  if (dlon < -180) dlon += 360;
  o.metres_per_degree_east = kMetresPerDegree * std::max(std::cos(t.lat * detail::kRad), 1e-6);
  o.east = dlon * o.metres_per_degree_east;
  o.north = (lat - t.lat) * kMetresPerDegree;
  o.short_hop = std::fabs(lat - t.lat) < 1 && std::fabs(dlon) < 1 && std::fabs(t.lat) < 80;
  return o;
}

struct TrackStore::MmsiIndex {
  detail::FlatMap map;  // MMSI -> index of its first track; more via Track::next_same_mmsi
};

// Encounter state: a hash grid of slow tracks (cells of encounter_max_distance_m, keyed by
// row * columns + column, each cell a doubly linked list through the tracks) and the pairs of
// vessels seen close together.
struct TrackStore::Pairs {
  struct Pair {
    uint32_t a = 0, b = 0;  // track indices, a < b
    core::Timestamp start = 0;
    core::Timestamp last_close = 0;
    double start_lat = 0, start_lon = 0;
    uint32_t n_a = 0, slow_a = 0, n_b = 0, slow_b = 0;  // close checks, and how many slow
    bool reported = false;
  };
  double cell_deg = 0;
  int64_t columns = 0;
  detail::FlatMap cells;    // cell -> first track in it
  detail::FlatMap by_pair;  // PairKey -> index into pairs
  std::vector<Pair> pairs;  // slots; free ones listed in free
  std::vector<uint32_t> free;
  core::Timestamp last_sweep = 0;
  std::vector<uint32_t> near;  // scratch: candidate neighbours

  int64_t Cell(double lat, double lon) const {
    const auto row = static_cast<int64_t>(std::floor((lat + 90) / cell_deg));
    auto col = static_cast<int64_t>(std::floor((lon + 180) / cell_deg)) % columns;
    if (col < 0) col += columns;
    return row * columns + col;
  }
};

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
    : TrackStore(std::move(settings), std::move(on_anomaly), ZoneIndex{}) {}

TrackStore::TrackStore(TrackSettings settings, AnomalySink on_anomaly, ZoneIndex geography)
    : settings_(std::move(settings)),
      by_mmsi_(std::make_unique<MmsiIndex>()),
      on_anomaly_(std::move(on_anomaly)),
      geography_(std::move(geography)),
      pairs_(std::make_unique<Pairs>()),
      cos_turn_(std::cos(settings_.history_turn_deg * detail::kRad)) {
  if (!geography_.built()) geography_.Build();
  const double d = std::max(settings_.anomalies.encounter_max_distance_m, 1.0);
  pairs_->cell_deg = std::min(d / kMetresPerDegree, 1.0);
  pairs_->columns = static_cast<int64_t>(std::ceil(360 / pairs_->cell_deg));
}

TrackStore::~TrackStore() = default;
TrackStore::TrackStore(TrackStore&&) noexcept = default;
TrackStore& TrackStore::operator=(TrackStore&&) noexcept = default;

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

// A hop is a position jump when the fixes imply more than jump_speed_knots (GFW) and the
// vessel's motion does not explain it: the fix is further from where its reported speed and
// course (or the track's velocity) put it than jump_speed_knots would carry a vessel, plus four fix
// sigmas of noise. So a craft that really does 35 kn is not a jump, nor is fix noise over short
// intervals (at 10 s between reports, 30 m of noise on two fixes alone implies up to 23 kn).
bool TrackStore::IsJump(double implied_knots, double residual_m, double seconds) const {
  const double knots = settings_.anomalies.jump_speed_knots;
  return implied_knots > knots && residual_m > knots * kKnot * seconds + 4 * settings_.fix_sigma_m;
}

// After `track` took `report`, whose previous report was at `previous`.
void TrackStore::CheckMotion(Track& t, const PositionReport& report, core::Timestamp previous,
                             double implied_knots, double residual_m) {
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
  } else if (IsJump(implied_knots, residual_m,
                    static_cast<double>(report.time - previous) / 1000)) {
    Raise(base(AnomalyKind::kPositionJump, previous, implied_knots));
  }
  // Loitering: reported (or, without SOG, filtered) speed under the threshold for long enough.
  const double speed = report.sog_knots ? *report.sog_knots : t.speed_knots();
  if (speed < a.loiter_speed_knots) {
    if (t.slow_since == 0) t.slow_since = report.time;
    if (!t.loitering_reported && report.time - t.slow_since >= a.loiter_min_ms) {
      // Away from port (and shore, if asked) only. A slow run inside the port distance starts
      // again, so a vessel leaving port slowly is reported after loiter_min_ms outside it.
      const std::optional<double> port =
          geography_.ports().empty()
              ? std::nullopt
              : geography_.PortDistance(report.lat, report.lon,
                                        std::max(a.loiter_min_port_distance_m, 50'000.0));
      const bool near_port = port && *port < a.loiter_min_port_distance_m;
      const bool near_shore =
          a.loiter_min_shore_distance_m > 0 &&
          geography_.CoastDistance(report.lat, report.lon, a.loiter_min_shore_distance_m);
      if (near_port || near_shore) {
        t.slow_since = report.time;
      } else {
        t.loitering_reported = true;
        Anomaly x = base(AnomalyKind::kLoitering, t.slow_since, speed);
        x.distance_m = port ? *port : -1;
        Raise(x);
      }
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
  const uint32_t first = by_mmsi_->map.Find(report.mmsi);
  if (first == detail::FlatMap::kNone) {
    CheckPlace(NewTrack(report), report);
    ++stats_.new_tracks;
    return IngestResult::kNewTrack;
  }
  // The track that explains the report best: inside the gate (smallest distance), else one it
  // could have reached (plausible speed), preferring the most recent. The fix's offset in the
  // chosen track's frame is kept for the update (one cosine per report in the common case).
  Track* gated = nullptr;
  double best_d2 = std::numeric_limits<double>::infinity();
  Track* reachable = nullptr;
  Offset gated_at, reachable_at;
  bool any_older = false;
  bool duplicate = false;
  uint32_t latest_index = first;
  for (uint32_t index = first; index != kNoTrack; index = tracks_[index].next_same_mmsi) {
    Track& t = tracks_[index];
    latest_index = index;
    if (report.time <= t.last_seen) {
      duplicate = duplicate || (report.time == t.last_seen && report.lat == t.last_lat &&
                                report.lon == t.last_lon);
      continue;
    }
    any_older = true;
    const Offset at = OffsetIn(t, report.lat, report.lon);
    const double d2 = t.filter.PredictedInnovationDistance2(report.time, at.east, at.north,
                                                            settings_.fix_sigma_m);
    if (d2 < settings_.gate_distance2) {
      if (d2 < best_d2) {
        best_d2 = d2;
        gated = &t;
        gated_at = at;
      }
      continue;  // inside the gate: no need to ask whether it was reachable
    }
    const double seconds = static_cast<double>(report.time - t.last_seen) / 1000;
    // From the last reported fix, not the filtered estimate: a vessel that stops sharply (a
    // ferry at its quay) leaves the filter's prediction overshooting, outside the gate, while
    // the fix itself is where the vessel could well be.
    const double from_last = Distance(t.last_lat, t.last_lon, report.lat, report.lon);
    // Position noise on both fixes is allowed for on short intervals.
    const double reach = settings_.max_speed_knots * kKnot * seconds + 4 * settings_.fix_sigma_m;
    if (from_last <= reach && (reachable == nullptr || t.last_seen > reachable->last_seen)) {
      reachable = &t;
      reachable_at = at;
    }
  }
  if (!any_older) {
    if (duplicate) {
      ++stats_.duplicates;
      return IngestResult::kDuplicate;
    }
    ++stats_.out_of_order;
    return IngestResult::kOutOfOrder;
  }
  Track* target = gated != nullptr ? gated : reachable;
  if (target != nullptr) {
    const Offset at = gated != nullptr ? gated_at : reachable_at;
    const core::Timestamp previous = target->last_seen;
    const double seconds = static_cast<double>(report.time - previous) / 1000;
    // The hop from the last fix, in the same frame when it is short (where the equirectangular
    // offset is within 0.1 % of the great circle), else on the great circle.
    const Offset last = OffsetIn(*target, target->last_lat, target->last_lon);
    const double hop = at.short_hop && last.short_hop
                           ? std::sqrt((at.east - last.east) * (at.east - last.east) +
                                       (at.north - last.north) * (at.north - last.north))
                           : Distance(target->last_lat, target->last_lon, report.lat, report.lon);
    const double implied_knots = hop / seconds / kKnot;
    // How far the fix is from where the vessel's reported motion (speed and course over
    // ground from the last fix) or, without it, the track's velocity would have put it.
    // Only asked when the implied speed is high, which is rare.
    double residual_m = 0;
    if (implied_knots <= settings_.anomalies.jump_speed_knots) {
      // not a jump whatever the residual
    } else if (report.sog_knots && report.cog_deg) {
      double east = 0, north = 0;
      ToMetres(target->last_lat, target->last_lon, report.lat, report.lon, east, north);
      const double run = *report.sog_knots * kKnot * seconds;
      residual_m = std::hypot(east - run * std::sin(*report.cog_deg * detail::kRad),
                              north - run * std::cos(*report.cog_deg * detail::kRad));
    } else {
      const ConstantVelocityFilter& f = target->filter;
      residual_m = std::hypot(at.east - f.east_m() - f.v_east_mps() * seconds,
                              at.north - f.north_m() - f.v_north_mps() * seconds);
    }
    Update(*target, report, at);
    CheckMotion(*target, report, previous, implied_knots, residual_m);
    target->dark_reported = false;
    target->last_lat = report.lat;
    target->last_lon = report.lon;
    CheckPlace(*target, report);
    ++stats_.updates;
    return IngestResult::kUpdated;
  }
  // Nowhere this MMSI could have been: a second transmitter with the same identity.
  for (uint32_t index = first; index != kNoTrack; index = tracks_[index].next_same_mmsi) {
    tracks_[index].identity_conflict = true;
  }
  const Track& latest = tracks_[latest_index];  // (before NewTrack moves tracks_)
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
  tracks_[latest_index].next_same_mmsi = static_cast<uint32_t>(tracks_.size() - 1);
  split.identity_conflict = true;
  conflict.track_id = split.id;
  ++stats_.identity_splits;
  Raise(conflict);
  CheckPlace(split, report);
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
  if (by_mmsi_->map.Find(report.mmsi) == detail::FlatMap::kNone) {
    by_mmsi_->map.Put(report.mmsi, index);
  }
  Track& t = tracks_.back();
  // A track first heard inside a zone has not entered it (it is not known from where it came).
  if (settings_.anomalies.zone_entries) t.zone = geography_.ZoneAt(report.lat, report.lon);
  Record(t, report);
  return t;
}

void TrackStore::Update(Track& t, const PositionReport& report, const Offset& at) {
  t.filter.Update(at.east, at.north, settings_.fix_sigma_m, report.time);
  // Re-centre the frame on the new estimate, so that it stays small (ToDegrees with the
  // frame's scale already at hand).
  const double east = t.filter.east_m(), north = t.filter.north_m();
  t.lat = std::clamp(t.lat + north / kMetresPerDegree, -90.0, 90.0);
  t.lon += east / at.metres_per_degree_east;
  if (t.lon > 180) t.lon -= 360;
  if (t.lon < -180) t.lon += 360;
  t.filter.ShiftOrigin(east, north);
  t.last_seen = report.time;
  ++t.reports;
  Record(t, report);
}

void TrackStore::Record(Track& t, const PositionReport& report) {
  if (!t.history.empty() && report.time - t.history_time < settings_.history_interval_ms) {
    // Not due: a point only if the course turned by history_turn_deg or more at 1 kn or more.
    // Compared as vectors against the last point's direction, kept in the track, so neither
    // atan2 nor the history's heap buffer is touched on most reports.
    const double ve = t.filter.v_east_mps(), vn = t.filter.v_north_mps();
    const double v2 = ve * ve + vn * vn;
    if (v2 < kKnot * kKnot) return;
    const double along = ve * t.history_dir_east + vn * t.history_dir_north;
    if (along > std::sqrt(v2) * cos_turn_) return;
  }
  const auto speed = static_cast<float>(t.reports > 1 ? t.speed_knots()
                                                      : (report.sog_knots ? *report.sog_knots : 0));
  const auto course =
      static_cast<float>(t.reports > 1 ? t.course_deg() : (report.cog_deg ? *report.cog_deg : 0));
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
  t.history_time = report.time;
  t.history_dir_east = static_cast<float>(std::sin(course * detail::kRad));
  t.history_dir_north = static_cast<float>(std::cos(course * detail::kRad));
}

std::vector<const Track*> TrackStore::TracksOf(uint32_t mmsi) const {
  std::vector<const Track*> out;
  for (uint32_t index = by_mmsi_->map.Find(mmsi); index != kNoTrack;
       index = tracks_[index].next_same_mmsi) {
    out.push_back(&tracks_[index]);
  }
  return out;
}

const Track* TrackStore::Find(uint64_t id) const {
  if (id == 0 || id > tracks_.size()) return nullptr;
  return &tracks_[id - 1];
}

// The rules that depend on where the track is: zone entry, fast craft heading for the coast,
// encounters. After `t` took `report`.
void TrackStore::CheckPlace(Track& t, const PositionReport& report) {
  const AnomalySettings& a = settings_.anomalies;
  const double speed = report.sog_knots ? *report.sog_knots : t.speed_knots();
  const auto base = [&](AnomalyKind kind) {
    Anomaly x;
    x.kind = kind;
    x.track_id = t.id;
    x.mmsi = t.mmsi;
    x.start = x.end = report.time;
    x.lat = x.from_lat = t.lat;
    x.lon = x.from_lon = t.lon;
    return x;
  };
  // Zone entry: the filtered position (steadier than the fix at a border) moved into a zone.
  if (a.zone_entries) {
    const int zone = geography_.ZoneAt(t.lat, t.lon);
    if (zone != t.zone) {
      if (zone >= 0) {
        Anomaly x = base(AnomalyKind::kZoneEntry);
        x.from_lat = t.history.size() > 1 ? t.history[t.history.size() - 2].lat : t.lat;
        x.from_lon = t.history.size() > 1 ? t.history[t.history.size() - 2].lon : t.lon;
        x.zone = geography_.zones()[static_cast<size_t>(zone)].name;
        Raise(x);
      }
      t.zone = zone;
    }
  }
  // Fast craft: once per approach (until it slows down or turns away from the coast).
  if (a.fast_craft && geography_.coastline_count() > 0) {
    std::optional<double> hit;
    if (speed >= a.fast_speed_knots) {
      const double course = report.cog_deg ? *report.cog_deg : t.course_deg();
      hit = geography_.CourseHitsCoast(t.lat, t.lon, course, a.fast_coast_distance_m);
    }
    if (hit && !t.fast_reported) {
      Anomaly x = base(AnomalyKind::kFastCraft);
      x.value = speed;
      x.distance_m = *hit;
      Raise(x);
    }
    t.fast_reported = hit.has_value();
  }
  if (a.encounters) {
    if (speed < 2 * a.encounter_speed_knots) {
      if (report.time - t.encounter_checked >= a.encounter_check_interval_ms) {
        CheckEncounters(t, report.time, speed);
      }
    } else if (t.encounter_cell >= 0) {
      Unindex(t);
    }
    if (report.time - pairs_->last_sweep >= a.encounter_max_silence_ms / 4) {
      SweepPairs(report.time);
    }
  }
}

void TrackStore::Unindex(Track& t) {
  if (t.encounter_cell < 0) return;
  Pairs& p = *pairs_;
  const auto cell = static_cast<uint64_t>(t.encounter_cell);
  if (t.cell_prev == kNoTrack) {
    if (t.cell_next == kNoTrack) {
      p.cells.Erase(cell);
    } else {
      p.cells.Put(cell, t.cell_next);
    }
  } else {
    tracks_[t.cell_prev].cell_next = t.cell_next;
  }
  if (t.cell_next != kNoTrack) tracks_[t.cell_next].cell_prev = t.cell_prev;
  t.encounter_cell = -1;
  t.cell_prev = t.cell_next = kNoTrack;
}

// A slow track compares itself with the slow tracks in its and the neighbouring cells.
void TrackStore::CheckEncounters(Track& t, core::Timestamp now, double speed_knots) {
  const AnomalySettings& a = settings_.anomalies;
  Pairs& p = *pairs_;
  t.encounter_checked = now;
  t.encounter_speed_knots = static_cast<float>(speed_knots);
  const auto self = static_cast<uint32_t>(t.id - 1);
  if (!geography_.ports().empty() &&
      geography_.PortDistance(t.lat, t.lon, a.encounter_min_port_distance_m)) {
    Unindex(t);  // in or near port: not an encounter
    return;
  }
  const int64_t cell = p.Cell(t.lat, t.lon);
  if (cell != t.encounter_cell) {
    Unindex(t);
    const uint32_t head = p.cells.Find(static_cast<uint64_t>(cell));
    t.cell_prev = kNoTrack;
    t.cell_next = head;
    if (head != kNoTrack) tracks_[head].cell_prev = self;
    p.cells.Put(static_cast<uint64_t>(cell), self);
    t.encounter_cell = cell;
  }
  const int64_t row = cell / p.columns, col = cell % p.columns;
  const int64_t rows = static_cast<int64_t>(std::ceil(180 / p.cell_deg)) + 1;
  // Cells are narrower in metres east-west than north-south away from the equator.
  const auto span = std::min<int64_t>(
      (p.columns - 1) / 2,
      static_cast<int64_t>(std::ceil(1 / std::max(std::cos(t.lat * detail::kRad), 0.01))));
  p.near.clear();
  for (int64_t r = std::max<int64_t>(0, row - 1); r <= std::min(rows - 1, row + 1); ++r) {
    for (int64_t dc = -span; dc <= span; ++dc) {
      const int64_t c = ((col + dc) % p.columns + p.columns) % p.columns;
      for (uint32_t u = p.cells.Find(static_cast<uint64_t>(r * p.columns + c)); u != kNoTrack;
           u = tracks_[u].cell_next) {
        if (u != self) p.near.push_back(u);
      }
    }
  }
  for (const uint32_t u : p.near) {
    const Track& other = tracks_[u];
    if (other.mmsi == t.mmsi || now - other.last_seen > a.encounter_max_silence_ms) continue;
    const double d = Distance(t.lat, t.lon, other.lat, other.lon);
    const uint64_t key = PairKey(self, u);
    uint32_t slot = p.by_pair.Find(key);
    if (d > a.encounter_max_distance_m) {
      if (slot != detail::FlatMap::kNone) {  // apart again: the episode is over
        p.by_pair.Erase(key);
        p.free.push_back(slot);
      }
      continue;
    }
    double mid_lat = 0, mid_lon = 0, east = 0, north = 0;
    ToMetres(t.lat, t.lon, other.lat, other.lon, east, north);
    ToDegrees(t.lat, t.lon, east / 2, north / 2, mid_lat, mid_lon);
    if (slot == detail::FlatMap::kNone) {
      if (p.by_pair.size() >= a.encounter_max_pairs) {
        ++stats_.encounter_pairs_dropped;
        continue;
      }
      if (p.free.empty()) {
        slot = static_cast<uint32_t>(p.pairs.size());
        p.pairs.emplace_back();
      } else {
        slot = p.free.back();
        p.free.pop_back();
      }
      p.pairs[slot] = Pairs::Pair{.a = std::min(self, u),
                                  .b = std::max(self, u),
                                  .start = now,
                                  .last_close = now,
                                  .start_lat = mid_lat,
                                  .start_lon = mid_lon};
      p.by_pair.Put(key, slot);
    }
    Pairs::Pair& pair = p.pairs[slot];
    if (now - pair.last_close > a.encounter_max_silence_ms) {  // a new episode
      pair = Pairs::Pair{.a = pair.a,
                         .b = pair.b,
                         .start = now,
                         .last_close = now,
                         .start_lat = mid_lat,
                         .start_lon = mid_lon};
    }
    pair.last_close = now;
    // Each check samples both speeds: the median is under the threshold when most are.
    const bool self_slow = speed_knots < a.encounter_speed_knots;
    const bool other_slow = other.encounter_speed_knots < a.encounter_speed_knots;
    const bool self_is_a = pair.a == self;
    ++pair.n_a;
    ++pair.n_b;
    pair.slow_a += self_is_a ? self_slow : other_slow;
    pair.slow_b += self_is_a ? other_slow : self_slow;
    if (!pair.reported && now - pair.start >= a.encounter_min_ms && 2 * pair.slow_a > pair.n_a &&
        2 * pair.slow_b > pair.n_b) {
      pair.reported = true;
      Anomaly x;
      x.kind = AnomalyKind::kEncounter;
      x.track_id = t.id;
      x.mmsi = t.mmsi;
      x.other_track_id = other.id;
      x.other_mmsi = other.mmsi;
      x.start = pair.start;
      x.end = now;
      x.lat = mid_lat;
      x.lon = mid_lon;
      x.from_lat = pair.start_lat;
      x.from_lon = pair.start_lon;
      x.value = static_cast<double>(now - pair.start) / 3'600'000.0;
      x.distance_m = d;
      Raise(x);
    }
  }
}

// Drops the pairs not seen together for encounter_max_silence_ms (they separated out of each
// other's cells, went fast or silent): pair state stays bounded by the pairs close now.
void TrackStore::SweepPairs(core::Timestamp now) {
  Pairs& p = *pairs_;
  p.last_sweep = now;
  const int64_t silence = settings_.anomalies.encounter_max_silence_ms;
  p.by_pair.EraseIf([&](uint64_t /*key*/, uint32_t slot) {
    if (now - p.pairs[slot].last_close <= silence) return false;
    p.free.push_back(slot);
    return true;
  });
}

size_t TrackStore::EncounterPairs() const { return pairs_->by_pair.size(); }

size_t TrackStore::MemoryBytes() const {
  size_t bytes = tracks_.capacity() * sizeof(Track);
  for (const Track& t : tracks_) bytes += t.history.capacity() * sizeof(TrackPoint);
  bytes += by_mmsi_->map.MemoryBytes();
  bytes += pairs_->cells.MemoryBytes() + pairs_->by_pair.MemoryBytes() +
           pairs_->pairs.capacity() * sizeof(Pairs::Pair) +
           pairs_->free.capacity() * sizeof(uint32_t);
  return bytes;
}

}  // namespace issa::maritime
