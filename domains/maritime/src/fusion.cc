#include "issa/maritime/fusion.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

#include <fmt/format.h>

#include "issa/maritime/assignment.h"

#include "geodesy.h"

namespace issa::maritime {
namespace {

using detail::kEarthRadiusM;
using detail::kKnot;
using detail::kRad;
using detail::ToDegrees;
using detail::ToMetres;

constexpr double kMetresPerDegree = kEarthRadiusM * kRad;
// Detections are bucketed in cells of this size (batch frame) for the gating search.
constexpr double kBucketM = 2'000;
// Added to the AIS grid's search radius: room for the gate around a predicted position.
constexpr double kGridMarginM = 10'000;

// Detection times from 1970 to the year 3000 (ms); others are corrupt.
constexpr core::Timestamp kMaxTime = 32'503'680'000'000;

bool Valid(const Detection& d, double max_sigma_m) {
  return d.time > 0 && d.time < kMaxTime && std::isfinite(d.lat) && std::isfinite(d.lon) &&
         d.lat >= -90 && d.lat <= 90 && d.lon >= -180 && d.lon <= 180 &&
         std::isfinite(d.position_sigma_m) && d.position_sigma_m > 0 &&
         d.position_sigma_m <= max_sigma_m;
}

// A track predicted to the batch time, in the batch's metric frame.
struct Candidate {
  bool dark = false;
  size_t dark_index = 0;  // into the dark tracks
  uint64_t id = 0;
  uint32_t mmsi = 0;
  double x = 0, y = 0, vx = 0, vy = 0;
  core::Timestamp time = 0;  // of the predicted state
  PositionCovariance cov;
};

Candidate Predict(const ConstantVelocityFilter& filter, double centre_lat, double centre_lon,
                  core::Timestamp at, double lat0, double lon0) {
  ConstantVelocityFilter f = filter;
  f.Predict(at);  // a no-op when the track is already newer than the batch
  double lat = 0, lon = 0;
  ToDegrees(centre_lat, centre_lon, f.east_m(), f.north_m(), lat, lon);
  Candidate c;
  ToMetres(lat0, lon0, lat, lon, c.x, c.y);
  c.vx = f.v_east_mps();
  c.vy = f.v_north_mps();
  c.time = f.time();
  c.cov = f.position_covariance();
  return c;
}

struct Xy {
  double x = 0;
  double y = 0;
};

// Ray casting in the batch frame.
bool Inside(const std::vector<Xy>& ring, double x, double y) {
  bool inside = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const Xy& a = ring[i];
    const Xy& b = ring[j];
    if ((a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x) {
      inside = !inside;
    }
  }
  return inside;
}

int64_t BucketKey(int64_t ix, int64_t iy) {
  return static_cast<int64_t>((static_cast<uint64_t>(ix) << 32U) ^
                              (static_cast<uint64_t>(iy) & 0xffffffffU));
}

int64_t Floor(double v) { return static_cast<int64_t>(std::floor(v)); }

struct Pair {
  uint32_t det = 0;
  uint32_t cand = 0;
  double cost = 0;
  double distance2 = 0;
};

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  size_t Root(size_t i) {
    while (parent_[i] != i) {
      parent_[i] = parent_[parent_[i]];
      i = parent_[i];
    }
    return i;
  }
  void Join(size_t a, size_t b) { parent_[Root(a)] = Root(b); }

 private:
  std::vector<size_t> parent_;
};

uint32_t LookMask(int looks) {
  return looks >= 32 ? 0xffffffffU : (1U << static_cast<uint32_t>(looks)) - 1;
}

void AddHistory(DarkTrack& t, size_t max_points) {
  if (max_points == 0) return;
  if (t.history.size() >= max_points) t.history.erase(t.history.begin());
  t.history.push_back(TrackPoint{.time = t.last_seen,
                                 .lat = static_cast<float>(t.lat),
                                 .lon = static_cast<float>(t.lon),
                                 .speed_knots = static_cast<float>(t.filter.speed_mps() / kKnot),
                                 .course_deg = static_cast<float>(t.filter.course_deg())});
}

}  // namespace

Fusion::Fusion(FusionSettings settings, AnomalySink on_anomaly)
    : settings_(std::move(settings)), on_anomaly_(std::move(on_anomaly)) {
  // Settings out of their meaningful range are brought back into it rather than trusted.
  FusionSettings& s = settings_;
  if (!(s.grid_cell_deg >= 0.01)) s.grid_cell_deg = 0.01;
  s.grid_cell_deg = std::min(s.grid_cell_deg, 360.0);
  s.confirm_looks = std::clamp(s.confirm_looks, 1, 32);
  s.confirm_hits = std::clamp(s.confirm_hits, 1, s.confirm_looks);
  s.max_misses = std::max(s.max_misses, 1);
  if (!(s.unassigned_density_per_km2 > 0)) s.unassigned_density_per_km2 = 0.01;
}

int64_t Fusion::GridKey(double lat, double lon) const {
  const double cell = settings_.grid_cell_deg;
  const auto cols = static_cast<int64_t>(std::ceil(360 / cell));
  const int64_t row = Floor((lat + 90) / cell);
  int64_t col = Floor((lon + 180) / cell) % cols;
  if (col < 0) col += cols;
  return row * cols + col;
}

void Fusion::RefreshGrid(const TrackStore& ais, core::Timestamp now) {
  const bool rebuild = !grid_built_ || grid_store_ != &ais || ais.size() < grid_max_id_ ||
                       now - grid_time_ > settings_.grid_rebuild_ms || now < grid_time_;
  const core::Timestamp oldest = now - settings_.ais_max_age_ms;
  auto add = [&](const Track& t) {
    if (t.last_seen >= oldest && std::isfinite(t.lat) && std::isfinite(t.lon)) {
      grid_[GridKey(t.lat, t.lon)].push_back(t.id);
    }
    grid_max_id_ = std::max(grid_max_id_, t.id);
  };
  if (rebuild) {
    for (auto& [key, ids] : grid_) ids.clear();  // keep the vectors' capacity
    grid_time_ = now;
    grid_max_id_ = 0;
    grid_built_ = true;
    grid_store_ = &ais;
    ++stats_.grid_rebuilds;
    ais.ForEach(add);
    return;
  }
  // TrackStore ids run from 1 in order of creation: the tracks made since are the new ids.
  for (uint64_t id = grid_max_id_ + 1; id <= ais.size(); ++id) {
    if (const Track* t = ais.Find(id)) add(*t);
  }
}

void Fusion::Raise(const DarkTrack& track, const Detection& detection) {
  ++stats_.dark_targets;
  if (!on_anomaly_) return;
  Anomaly a;
  a.kind = AnomalyKind::kDarkTarget;
  a.track_id = track.id;
  a.start = track.first_seen;
  a.end = detection.time;
  a.lat = detection.lat;
  a.lon = detection.lon;
  a.from_lat = track.first_lat;
  a.from_lon = track.first_lon;
  a.value = detection.confidence.value_or(-1);
  a.zone =
      fmt::format("{} scene={} detection={} first={} length_m={}", SensorName(detection.sensor),
                  detection.scene_id, detection.id, track.first_detection,
                  detection.length_m ? fmt::format("{:.0f}", *detection.length_m) : "");
  on_anomaly_(a);
}

// Whether `track` is the vessel of a lost track or of another confirmed track already
// reported. Either their predicted positions are within the gate of each other (both
// covariances, plus continuation_speed_sigma_mps over the other's time since its last
// detection, for the manoeuvre that lost it), or `track` is within reach of the other's last
// position at its estimated speed plus twice that sigma (a clutter plot may have spoilt the
// other's velocity before it was lost).
uint64_t Fusion::ReportedBefore(const DarkTrack& track) const {
  const double sigma_c = settings_.continuation_speed_sigma_mps;
  auto same = [&](const DarkTrack& other) {
    const PositionCovariance b = track.filter.position_covariance();
    const double age_s =
        static_cast<double>(std::max<int64_t>(0, track.last_seen - other.last_seen)) / 1000;
    double dx = 0, dy = 0;
    ToMetres(track.lat, track.lon, other.lat, other.lon, dx, dy);
    const PositionCovariance at_last = other.filter.position_covariance();
    const double reach =
        (other.filter.speed_mps() + 2 * sigma_c) * age_s +
        std::sqrt(settings_.gate_distance2 * (at_last.ee + at_last.nn + b.ee + b.nn));
    if (std::hypot(dx, dy) <= reach) return true;
    ConstantVelocityFilter f = other.filter;
    f.Predict(track.last_seen);
    double lat = 0, lon = 0;
    ToDegrees(other.lat, other.lon, f.east_m(), f.north_m(), lat, lon);
    ToMetres(track.lat, track.lon, lat, lon, dx, dy);
    const PositionCovariance a = f.position_covariance();
    const double drift = sigma_c * age_s;
    const double ee = a.ee + b.ee + drift * drift, en = a.en + b.en,
                 nn = a.nn + b.nn + drift * drift;
    const double det = ee * nn - en * en;
    return det > 0 &&
           (nn * dx * dx - 2 * en * dx * dy + ee * dy * dy) / det < settings_.gate_distance2;
  };
  for (const DarkTrack& lost : lost_) {
    if (same(lost)) return lost.id;
  }
  for (const DarkTrack& other : dark_tracks_) {
    if (other.id != track.id && other.dark_target_raised && same(other)) return other.id;
  }
  return 0;
}

std::vector<DarkTrackPosition> Fusion::DarkTracksAt(core::Timestamp at, bool tentative_too) const {
  std::vector<DarkTrackPosition> out;
  for (const DarkTrack& t : dark_tracks_) {
    if (t.state != DarkTrackState::kConfirmed && !tentative_too) continue;
    ConstantVelocityFilter f = t.filter;
    f.Predict(at);
    DarkTrackPosition p{.id = t.id, .state = t.state};
    ToDegrees(t.lat, t.lon, f.east_m(), f.north_m(), p.lat, p.lon);
    out.push_back(p);
  }
  return out;
}

Result<std::vector<FusedDetection>> Fusion::Fuse(
    std::span<const Detection> detections, const TrackStore& ais,
    std::span<const std::pair<double, double>> footprint) {
  ++stats_.batches;
  stats_.detections += detections.size();
  std::vector<FusedDetection> out(detections.size());

  // 1. Valid detections, the batch time (the latest detection) and the batch frame.
  std::vector<uint32_t> valid;
  valid.reserve(detections.size());
  core::Timestamp t_ref = 0, t_min = 0;
  for (size_t i = 0; i < detections.size(); ++i) {
    const Detection& d = detections[i];
    if (!Valid(d, settings_.max_position_sigma_m)) {
      out[i].outcome = FusionOutcome::kInvalid;
      ++stats_.invalid;
      continue;
    }
    if (valid.empty() || d.time > t_ref) t_ref = d.time;
    if (valid.empty() || d.time < t_min) t_min = d.time;
    valid.push_back(static_cast<uint32_t>(i));
  }
  if (valid.empty()) return out;
  if (last_batch_time_ && t_ref < *last_batch_time_) {
    ++stats_.out_of_order_batches;
    for (const uint32_t i : valid) {
      out[i].outcome = FusionOutcome::kOutOfOrder;
      ++stats_.out_of_order_detections;
    }
    return out;
  }
  last_batch_time_ = t_ref;
  const double lat0 = detections[valid.front()].lat;
  const double lon0 = detections[valid.front()].lon;
  std::vector<Xy> xy(detections.size());
  double min_x = 0, max_x = 0, min_y = 0, max_y = 0, max_sigma = 0;
  for (const uint32_t i : valid) {
    const Detection& d = detections[i];
    ToMetres(lat0, lon0, d.lat, d.lon, xy[i].x, xy[i].y);
    min_x = std::min(min_x, xy[i].x);
    max_x = std::max(max_x, xy[i].x);
    min_y = std::min(min_y, xy[i].y);
    max_y = std::max(max_y, xy[i].y);
    max_sigma = std::max(max_sigma, d.position_sigma_m);
  }

  // 2. Candidates: the AIS tracks near the batch (coarse grid) and every dark track.
  std::vector<Candidate> cands;
  {
    RefreshGrid(ais, t_ref);
    const double reach_m = settings_.max_speed_knots * kKnot *
                               static_cast<double>(t_ref - grid_time_ + settings_.ais_max_age_ms) /
                               1000 +
                           kGridMarginM;
    double lat_lo = 0, lat_hi = 0, unused_lon = 0;
    ToDegrees(lat0, lon0, min_x, min_y, lat_lo, unused_lon);
    ToDegrees(lat0, lon0, max_x, max_y, lat_hi, unused_lon);
    const double dlat = reach_m / kMetresPerDegree;
    lat_lo = std::max(-90.0, lat_lo - dlat);
    lat_hi = std::min(90.0, lat_hi + dlat);
    const double cos_lat =
        std::max(0.01, std::cos(std::max(std::fabs(lat_lo), std::fabs(lat_hi)) * kRad));
    const double dlon = reach_m / (kMetresPerDegree * cos_lat);
    // Longitudes unwrapped around lon0 (the box may cross the antimeridian).
    const double west =
        lon0 + min_x / (kMetresPerDegree * std::max(0.01, std::cos(lat0 * kRad))) - dlon;
    const double east =
        lon0 + max_x / (kMetresPerDegree * std::max(0.01, std::cos(lat0 * kRad))) + dlon;
    const double cell = settings_.grid_cell_deg;
    const auto cols = static_cast<int64_t>(std::ceil(360 / cell));
    const int64_t row_lo = Floor((lat_lo + 90) / cell), row_hi = Floor((lat_hi + 90) / cell);
    int64_t col_lo = Floor((west + 180) / cell), col_hi = Floor((east + 180) / cell);
    if (col_hi - col_lo + 1 >= cols || lat_hi >= 89 || lat_lo <= -89) {  // or near a pole
      col_lo = 0;
      col_hi = cols - 1;
    }
    const core::Timestamp oldest = t_ref - settings_.ais_max_age_ms;
    const double fix_var = settings_.ais_fix_sigma_m * settings_.ais_fix_sigma_m;
    const double speed_var = settings_.ais_speed_sigma_mps * settings_.ais_speed_sigma_mps;
    for (int64_t row = row_lo; row <= row_hi; ++row) {
      for (int64_t c = col_lo; c <= col_hi; ++c) {
        const int64_t col = ((c % cols) + cols) % cols;
        const auto it = grid_.find(row * cols + col);
        if (it == grid_.end()) continue;
        for (const uint64_t id : it->second) {
          const Track* t = ais.Find(id);
          if (t == nullptr || t->last_seen < oldest) continue;
          // From the last reported fix, with the filter's velocity and predicted covariance.
          ConstantVelocityFilter f = t->filter;
          f.Predict(t_ref);
          Candidate cand;
          ToMetres(lat0, lon0, t->last_lat, t->last_lon, cand.x, cand.y);
          cand.vx = f.v_east_mps();
          cand.vy = f.v_north_mps();
          cand.time = t->last_seen;
          cand.cov = f.position_covariance();
          const double age_s =
              static_cast<double>(std::max<int64_t>(0, t_ref - t->last_seen)) / 1000;
          const double extra = fix_var + speed_var * age_s * age_s;
          cand.cov.ee += extra;
          cand.cov.nn += extra;
          cand.id = t->id;
          cand.mmsi = t->mmsi;
          cands.push_back(cand);
        }
      }
    }
    stats_.ais_candidates += cands.size();
  }
  const size_t first_dark = cands.size();
  for (size_t k = 0; k < dark_tracks_.size(); ++k) {
    const DarkTrack& t = dark_tracks_[k];
    Candidate cand = Predict(t.filter, t.lat, t.lon, t_ref, lat0, lon0);
    cand.dark = true;
    cand.dark_index = k;
    cand.id = t.id;
    cands.push_back(cand);
  }

  // 3. Gated pairs: detections bucketed on a fine grid, each candidate looks at the buckets
  // its gate can reach.
  std::vector<std::pair<int64_t, uint32_t>> buckets;
  buckets.reserve(valid.size());
  for (const uint32_t i : valid) {
    buckets.emplace_back(BucketKey(Floor(xy[i].x / kBucketM), Floor(xy[i].y / kBucketM)), i);
  }
  std::sort(buckets.begin(), buckets.end());
  const double gate = settings_.gate_distance2;
  const double pd = std::clamp(settings_.detection_probability, 1e-6, 1 - 1e-6);
  const double log_pd_odds = std::log(pd / (1 - pd));
  const double log_2pi2 = 2 * std::log(2 * std::numbers::pi);
  std::vector<Pair> pairs;
  auto consider = [&](uint32_t i, uint32_t k) {
    const Detection& d = detections[i];
    const Candidate& c = cands[k];
    const double dt = static_cast<double>(d.time - c.time) / 1000;
    const double dx = xy[i].x - (c.x + c.vx * dt);
    const double dy = xy[i].y - (c.y + c.vy * dt);
    const double r = d.position_sigma_m * d.position_sigma_m;
    const double a = c.cov.ee + r, b = c.cov.en, e = c.cov.nn + r;
    const double det = a * e - b * b;
    if (!(det > 0)) return;
    const double d2 = (e * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
    if (!(d2 < gate)) return;
    // Negative log-likelihood of the pair, less the log odds of detecting the track.
    const double cost = 0.5 * d2 + 0.5 * (log_2pi2 + std::log(det)) - log_pd_odds;
    pairs.push_back(Pair{i, k, cost, d2});
  };
  for (uint32_t k = 0; k < cands.size(); ++k) {
    const Candidate& c = cands[k];
    const double speed = std::hypot(c.vx, c.vy);
    const double spread_s =
        static_cast<double>(std::max(std::abs(t_ref - c.time), std::abs(t_min - c.time))) / 1000;
    // sqrt(gate · largest eigenvalue of S) is at most sqrt(gate · trace S).
    const double radius =
        std::sqrt(gate * (c.cov.ee + c.cov.nn + 2 * max_sigma * max_sigma)) + speed * spread_s;
    if (!std::isfinite(radius)) continue;
    if (c.x + radius < min_x || c.x - radius > max_x || c.y + radius < min_y ||
        c.y - radius > max_y) {
      continue;
    }
    const int64_t ix_lo = Floor((c.x - radius) / kBucketM),
                  ix_hi = Floor((c.x + radius) / kBucketM);
    const int64_t iy_lo = Floor((c.y - radius) / kBucketM),
                  iy_hi = Floor((c.y + radius) / kBucketM);
    if ((ix_hi - ix_lo + 1) * (iy_hi - iy_lo + 1) > static_cast<int64_t>(valid.size())) {
      for (const uint32_t i : valid) consider(i, k);
      continue;
    }
    for (int64_t ix = ix_lo; ix <= ix_hi; ++ix) {
      for (int64_t iy = iy_lo; iy <= iy_hi; ++iy) {
        const int64_t key = BucketKey(ix, iy);
        auto it = std::lower_bound(buckets.begin(), buckets.end(), std::make_pair(key, 0U));
        for (; it != buckets.end() && it->first == key; ++it) consider(it->second, k);
      }
    }
  }

  // 4. Global nearest neighbour per cluster of gated pairs (independent subproblems).
  // The rule's own definition: a dark target is a detection with no AIS track in its gate.
  std::vector<char> ais_in_gate(detections.size(), 0);
  for (const Pair& p : pairs) {
    if (!cands[p.cand].dark) ais_in_gate[p.det] = 1;
  }
  std::vector<int32_t> cand_of_det(detections.size(), -1);
  std::vector<double> d2_of_det(detections.size(), 0);
  if (!pairs.empty()) {
    const size_t n = detections.size();
    UnionFind sets(n + cands.size());
    for (const Pair& p : pairs) sets.Join(p.det, n + p.cand);
    std::sort(pairs.begin(), pairs.end(),
              [&](const Pair& x, const Pair& y) { return sets.Root(x.det) < sets.Root(y.det); });
    const double miss_cost = std::max(1e-3, -std::log(settings_.unassigned_density_per_km2 * 1e-6));
    std::vector<int32_t> row_of_det(n, -1), col_of_cand(cands.size(), -1);
    std::vector<uint32_t> rows, cols;
    std::vector<double> cost;
    for (size_t begin = 0; begin < pairs.size();) {
      const size_t root = sets.Root(pairs[begin].det);
      size_t end = begin;
      while (end < pairs.size() && sets.Root(pairs[end].det) == root) ++end;
      rows.clear();
      cols.clear();
      for (size_t q = begin; q < end; ++q) {
        if (row_of_det[pairs[q].det] < 0) {
          row_of_det[pairs[q].det] = static_cast<int32_t>(rows.size());
          rows.push_back(pairs[q].det);
        }
        if (col_of_cand[pairs[q].cand] < 0) {
          col_of_cand[pairs[q].cand] = static_cast<int32_t>(cols.size());
          cols.push_back(pairs[q].cand);
        }
      }
      cost.assign(rows.size() * cols.size(), std::numeric_limits<double>::infinity());
      for (size_t q = begin; q < end; ++q) {
        cost[static_cast<size_t>(row_of_det[pairs[q].det]) * cols.size() +
             static_cast<size_t>(col_of_cand[pairs[q].cand])] = pairs[q].cost;
      }
      ISSA_ASSIGN_OR_RETURN(const Assignment assignment,
                            SolveGatedAssignment(cost, rows.size(), cols.size(), miss_cost));
      for (size_t r = 0; r < rows.size(); ++r) {
        const int32_t col = assignment.column_of_row[r];
        if (col >= 0) cand_of_det[rows[r]] = static_cast<int32_t>(cols[static_cast<size_t>(col)]);
      }
      for (size_t q = begin; q < end; ++q) {
        if (cand_of_det[pairs[q].det] == static_cast<int32_t>(pairs[q].cand)) {
          d2_of_det[pairs[q].det] = pairs[q].distance2;
        }
        row_of_det[pairs[q].det] = -1;
        col_of_cand[pairs[q].cand] = -1;
      }
      begin = end;
    }
  }

  // 5. Outcomes: AIS, dark-track hits, new dark tracks.
  std::vector<char> hit(dark_tracks_.size(), 0);
  std::vector<uint32_t> unassigned;
  const uint32_t confirm_mask = LookMask(settings_.confirm_looks);
  for (const uint32_t i : valid) {
    const Detection& d = detections[i];
    FusedDetection& o = out[i];
    const int32_t k = cand_of_det[i];
    if (k < 0) {
      unassigned.push_back(i);
      continue;
    }
    const Candidate& c = cands[static_cast<size_t>(k)];
    o.distance2 = d2_of_det[i];
    if (!c.dark) {
      o.outcome = FusionOutcome::kAis;
      o.ais_track_id = c.id;
      o.mmsi = c.mmsi;
      ++stats_.assigned_ais;
      continue;
    }
    o.outcome = FusionOutcome::kDarkTrack;
    o.dark_track_id = c.id;
    ++stats_.assigned_dark;
    hit[c.dark_index] = 1;
    DarkTrack& t = dark_tracks_[c.dark_index];
    double east = 0, north = 0;
    ToMetres(t.lat, t.lon, d.lat, d.lon, east, north);
    t.filter.Update(east, north, d.position_sigma_m, d.time);
    ToDegrees(t.lat, t.lon, t.filter.east_m(), t.filter.north_m(), t.lat, t.lon);
    t.filter.ShiftOrigin(t.filter.east_m(), t.filter.north_m());
    t.last_seen = std::max(t.last_seen, d.time);
    ++t.hits;
    ++t.looks;
    t.window = (t.window << 1U) | 1U;
    t.misses = 0;
    if (d.length_m) t.length_m = d.length_m;
    if (d.confidence) t.confidence = d.confidence;
    AddHistory(t, settings_.history_points);
    if (t.state == DarkTrackState::kTentative &&
        std::popcount(t.window & confirm_mask) >= settings_.confirm_hits &&
        t.filter.speed_mps() <= settings_.max_speed_knots * kKnot) {
      t.state = DarkTrackState::kConfirmed;
      ++stats_.confirmed_dark_tracks;
      // The same vessel as a track lost a moment ago, or as another confirmed track: it was
      // already reported.
      if (const uint64_t earlier = ReportedBefore(t); earlier != 0) {
        t.dark_target_raised = true;
        t.continues = earlier;
        ++stats_.continued_dark_tracks;
      }
    }
    if (t.state == DarkTrackState::kConfirmed && !t.dark_target_raised && !ais_in_gate[i]) {
      t.dark_target_raised = true;
      Raise(t, d);
    }
  }

  // 6. Misses inside coverage, deletions.
  std::vector<Xy> ring;
  if (footprint.empty()) footprint = detections[valid.front()].footprint;
  for (const auto& [lon, lat] : footprint) {
    if (!std::isfinite(lat) || !std::isfinite(lon)) continue;
    Xy p;
    ToMetres(lat0, lon0, lat, lon, p.x, p.y);
    ring.push_back(p);
  }
  if (ring.size() < 3) {
    ring = {{min_x, min_y}, {max_x, min_y}, {max_x, max_y}, {min_x, max_y}};
  }
  std::vector<char> remove(dark_tracks_.size(), 0);
  for (size_t k = 0; k < dark_tracks_.size(); ++k) {
    DarkTrack& t = dark_tracks_[k];
    if (!hit[k]) {
      const Candidate& c = cands[first_dark + k];
      if (Inside(ring, c.x, c.y)) {
        ++t.looks;
        t.window <<= 1U;
        ++t.misses;
      }
    }
    const int hits_in_window = std::popcount(t.window & confirm_mask);
    const int looks_left =
        std::max(0, settings_.confirm_looks - static_cast<int>(std::min<uint32_t>(t.looks, 64)));
    const bool failed_tentative = t.state == DarkTrackState::kTentative &&
                                  hits_in_window + looks_left < settings_.confirm_hits;
    const bool lost = t.state == DarkTrackState::kConfirmed &&
                      t.misses >= static_cast<uint32_t>(settings_.max_misses);
    const bool stale = t_ref - t.last_seen > (t.state == DarkTrackState::kTentative
                                                  ? settings_.tentative_timeout_ms
                                                  : settings_.timeout_ms);
    if (failed_tentative || lost || stale) remove[k] = 1;
  }
  // Lost tracks are remembered until their time-out, to recognise the vessel when found again.
  std::erase_if(lost_,
                [&](const DarkTrack& t) { return t_ref - t.last_seen > settings_.timeout_ms; });
  size_t kept = 0;
  for (size_t k = 0; k < dark_tracks_.size(); ++k) {
    if (remove[k]) {
      ++stats_.deleted_dark_tracks;
      if (dark_tracks_[k].dark_target_raised &&
          t_ref - dark_tracks_[k].last_seen <= settings_.timeout_ms) {
        lost_.push_back(std::move(dark_tracks_[k]));
      }
      continue;
    }
    if (kept != k) dark_tracks_[kept] = std::move(dark_tracks_[k]);
    ++kept;
  }
  dark_tracks_.erase(dark_tracks_.begin() + static_cast<std::ptrdiff_t>(kept), dark_tracks_.end());

  for (const uint32_t i : unassigned) {
    const Detection& d = detections[i];
    DarkTrack t{
        .id = next_dark_id_++,
        .first_seen = d.time,
        .last_seen = d.time,
        .lat = d.lat,
        .lon = d.lon,
        .first_lat = d.lat,
        .first_lon = d.lon,
        .filter = ConstantVelocityFilter(0, 0, d.position_sigma_m, d.time, settings_.dark_motion),
        .hits = 1,
        .looks = 1,
        .window = 1,
        .sensor = d.sensor,
        .first_detection = d.id,
        .length_m = d.length_m,
        .confidence = d.confidence,
        .history = {}};
    AddHistory(t, settings_.history_points);
    ++stats_.new_dark_tracks;
    if (settings_.confirm_hits <= 1) {
      t.state = DarkTrackState::kConfirmed;
      ++stats_.confirmed_dark_tracks;
    }
    const bool single_look = d.sensor == Sensor::kSar || d.sensor == Sensor::kOptical;
    if (!ais_in_gate[i] &&
        (t.state == DarkTrackState::kConfirmed ||
         (single_look && d.confidence.value_or(1) >= settings_.single_look_min_confidence))) {
      t.dark_target_raised = true;
      Raise(t, d);
    }
    out[i].outcome = FusionOutcome::kNewDarkTrack;
    out[i].dark_track_id = t.id;
    dark_tracks_.push_back(std::move(t));
  }
  return out;
}

}  // namespace issa::maritime
