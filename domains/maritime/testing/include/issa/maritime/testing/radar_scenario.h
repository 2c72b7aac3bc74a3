#pragma once

// Simulated radar scenarios with ground truth, shared by the fusion tests and the fusion
// benchmark: vessels with AIS (position reports) and dark vessels (radar only), on constant
// velocity or manoeuvring, seen by a radar with detection probability Pd, position noise and
// uniform clutter, scan after scan. Header-only; not part of the maritime library.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "issa/core/time.h"
#include "issa/maritime/detection.h"
#include "issa/maritime/fusion.h"
#include "issa/maritime/gospa.h"
#include "issa/maritime/kalman.h"
#include "issa/maritime/tracks.h"

namespace issa::maritime::testing {

struct RadarScenarioSettings {
  uint64_t seed = 1;
  double lat0 = 36.0;  // centre of the covered square
  double lon0 = 14.5;
  double half_width_m = 20'000;        // covered square: 40 km × 40 km
  double start_half_width_m = 10'000;  // vessels start in the inner square
  int ais_vessels = 30;
  int dark_vessels = 8;
  bool manoeuvring = false;  // legs of 75 s straight then a 90° turn at 2°/s (45 s)
  double min_speed_mps = 2;
  double max_speed_mps = 10;
  double detection_probability = 0.9;
  double clutter_per_scan = 10;  // Poisson mean, uniform over the square
  double radar_sigma_m = 50;
  double ais_sigma_m = 15;
  int64_t scan_interval_ms = 10'000;
  int64_t ais_lead_ms = 3'000;  // AIS reports arrive this long before each scan
  int scans = 120;
  core::Timestamp start = 1'750'000'000'000;
};

struct RadarScan {
  core::Timestamp time = 0;
  std::vector<PositionReport> ais;  // the AIS reports to ingest before the scan
  std::vector<Detection> detections;
  std::vector<int> source;         // per detection: vessel index, -1 for clutter
  std::vector<PlanarPoint> truth;  // every vessel at the scan time, metres
  std::vector<std::pair<double, double>> truth_lat_lon;  // (lat, lon) of the same
};

struct RadarScenario {
  RadarScenarioSettings settings;
  std::vector<uint32_t> mmsi;  // per vessel; 0 for a dark vessel
  std::vector<RadarScan> scans;
  std::vector<std::pair<double, double>> footprint;  // (lon, lat) ring of the square, closed

  bool dark(size_t vessel) const { return mmsi[vessel] == 0; }
};

// "<a><i><b><j>" (j < 0: left out). Appends rather than operator+, which g++ 12 -O3 flags
// with a false -Wrestrict.
inline std::string Label(const char* a, int i, const char* b, int j) {
  std::string out(a);
  out.append(std::to_string(i)).append(b);
  if (j >= 0) out.append(std::to_string(j));
  return out;
}

inline RadarScenario MakeRadarScenario(const RadarScenarioSettings& s) {
  constexpr double kRad = std::numbers::pi / 180;
  const LocalFrame frame(s.lat0, s.lon0);
  std::mt19937_64 rng(s.seed);
  std::uniform_real_distribution<double> start(-s.start_half_width_m, s.start_half_width_m);
  std::uniform_real_distribution<double> speed(s.min_speed_mps, s.max_speed_mps);
  std::uniform_real_distribution<double> course(0, 360), unit(0, 1);
  std::uniform_real_distribution<double> anywhere(-s.half_width_m, s.half_width_m);
  std::normal_distribution<double> radar_noise(0, s.radar_sigma_m), ais_noise(0, s.ais_sigma_m);
  std::poisson_distribution<int> clutter(s.clutter_per_scan);

  struct Vessel {
    double x, y, speed, course, phase;  // phase: seconds into the manoeuvre cycle
    int turn_sign;
  };
  RadarScenario out;
  out.settings = s;
  const int n = s.ais_vessels + s.dark_vessels;
  std::vector<Vessel> vessels;
  for (int v = 0; v < n; ++v) {
    vessels.push_back(Vessel{start(rng), start(rng), speed(rng), course(rng), unit(rng) * 120,
                             unit(rng) < 0.5 ? -1 : 1});
    // Exactly dark_vessels of the n are dark, spread evenly among the AIS ones so both meet.
    const bool is_dark = (v * s.dark_vessels) / n != ((v + 1) * s.dark_vessels) / n;
    out.mmsi.push_back(is_dark ? 0 : 247'000'000 + static_cast<uint32_t>(v));
  }
  for (const auto& [e, nn] :
       std::vector<std::pair<double, double>>{{-s.half_width_m, -s.half_width_m},
                                              {s.half_width_m, -s.half_width_m},
                                              {s.half_width_m, s.half_width_m},
                                              {-s.half_width_m, s.half_width_m},
                                              {-s.half_width_m, -s.half_width_m}}) {
    double lat = 0, lon = 0;
    frame.Reverse(e, nn, lat, lon);
    out.footprint.emplace_back(lon, lat);
  }
  auto advance = [&](Vessel& v, double seconds) {
    for (double t = 0; t < seconds; t += 1) {
      if (s.manoeuvring) {
        v.phase = std::fmod(v.phase + 1, 120);
        if (v.phase >= 75) v.course = std::fmod(v.course + 2 * v.turn_sign + 360, 360);
      }
      v.x += v.speed * std::sin(v.course * kRad);
      v.y += v.speed * std::cos(v.course * kRad);
    }
  };
  const double interval_s = static_cast<double>(s.scan_interval_ms) / 1000;
  const double lead_s = static_cast<double>(s.ais_lead_ms) / 1000;
  for (int k = 0; k < s.scans; ++k) {
    RadarScan scan;
    scan.time = s.start + k * s.scan_interval_ms;
    for (int v = 0; v < n; ++v) {
      Vessel& vessel = vessels[static_cast<size_t>(v)];
      if (k > 0) advance(vessel, interval_s - lead_s);
      if (out.mmsi[static_cast<size_t>(v)] != 0) {  // the AIS report, ais_lead_ms earlier
        PositionReport r;
        r.mmsi = out.mmsi[static_cast<size_t>(v)];
        r.time = scan.time - s.ais_lead_ms;
        frame.Reverse(vessel.x + ais_noise(rng), vessel.y + ais_noise(rng), r.lat, r.lon);
        r.sog_knots = vessel.speed * 3600 / 1852;
        r.cog_deg = vessel.course;
        scan.ais.push_back(r);
      }
      advance(vessel, k > 0 ? lead_s : 0);
      scan.truth.push_back(PlanarPoint{vessel.x, vessel.y});
      double lat = 0, lon = 0;
      frame.Reverse(vessel.x, vessel.y, lat, lon);
      scan.truth_lat_lon.emplace_back(lat, lon);
      const bool inside =
          std::fabs(vessel.x) <= s.half_width_m && std::fabs(vessel.y) <= s.half_width_m;
      if (!inside || unit(rng) >= s.detection_probability) continue;
      Detection d;
      d.id = Label("s", k, "-v", v);
      d.time = scan.time;
      frame.Reverse(vessel.x + radar_noise(rng), vessel.y + radar_noise(rng), d.lat, d.lon);
      d.position_sigma_m = s.radar_sigma_m;
      d.sensor = Sensor::kRadar;
      d.scene_id = Label("scan-", k, "", -1);
      scan.detections.push_back(std::move(d));
      scan.source.push_back(v);
    }
    const int false_alarms = clutter(rng);
    for (int c = 0; c < false_alarms; ++c) {
      Detection d;
      d.id = Label("s", k, "-c", c);
      d.time = scan.time;
      frame.Reverse(anywhere(rng), anywhere(rng), d.lat, d.lon);
      d.position_sigma_m = s.radar_sigma_m;
      d.sensor = Sensor::kRadar;
      d.scene_id = Label("scan-", k, "", -1);
      scan.detections.push_back(std::move(d));
      scan.source.push_back(-1);
    }
    out.scans.push_back(std::move(scan));
  }
  return out;
}

// Positions in the scenario's metric frame.
inline std::vector<PlanarPoint> ToPlanar(const RadarScenarioSettings& s,
                                         const std::vector<std::pair<double, double>>& lat_lon) {
  const LocalFrame frame(s.lat0, s.lon0);
  std::vector<PlanarPoint> out;
  for (const auto& [lat, lon] : lat_lon) {
    PlanarPoint p;
    frame.Forward(lat, lon, p.x, p.y);
    out.push_back(p);
  }
  return out;
}

// What a run of Fusion over a scenario achieved, against the ground truth.
struct FusionScore {
  size_t scans = 0;
  size_t ais_detections = 0;       // detections of AIS vessels
  size_t ais_correct = 0;          // ...assigned to their own vessel's AIS track
  size_t dark_detections = 0;      // detections of dark vessels
  size_t dark_stolen = 0;          // ...assigned to an AIS track
  size_t dark_targets = 0;         // dark_target anomalies raised
  size_t true_dark_targets = 0;    // ...the first for a planted dark vessel
  size_t repeat_dark_targets = 0;  // ...again for a dark vessel already found (false)
  size_t dark_vessels_found = 0;
  size_t dark_vessels = 0;
  size_t invalid = 0;
  double precision = 0;
  double recall = 0;
  // Mean GOSPA per scan (c, p as given; alpha = 2) over the dark vessels inside the coverage:
  // the confirmed dark tracks against the raw picture (every detection not assigned to AIS).
  double tracker_gospa = 0;
  double raw_gospa = 0;
};

// Runs a TrackStore and a Fusion over the scenario and scores them. A dark_target anomaly is
// true when a planted dark vessel is within `match_m` of where it was raised, at that time,
// and no earlier anomaly claimed that vessel; all others are false.
inline FusionScore ScoreFusion(const RadarScenario& scenario, const FusionSettings& settings,
                               double gospa_c = 100, double gospa_p = 1, double match_m = 500) {
  const RadarScenarioSettings& s = scenario.settings;
  FusionScore score;
  TrackStore store;
  std::vector<Anomaly> raised;
  Fusion fusion(settings, [&](const Anomaly& a) { raised.push_back(a); });
  std::set<size_t> found;
  double tracker_sum = 0, raw_sum = 0;
  for (const RadarScan& scan : scenario.scans) {
    for (const PositionReport& r : scan.ais) store.Ingest(r);
    const size_t before = raised.size();
    const auto fused = fusion.Fuse(scan.detections, store, scenario.footprint);
    if (!fused.ok()) continue;
    ++score.scans;
    std::vector<std::pair<double, double>> raw;
    for (size_t i = 0; i < scan.detections.size(); ++i) {
      const FusedDetection& f = (*fused)[i];
      const int v = scan.source[i];
      if (f.outcome == FusionOutcome::kInvalid) ++score.invalid;
      if (f.outcome != FusionOutcome::kAis) {
        raw.emplace_back(scan.detections[i].lat, scan.detections[i].lon);
      }
      if (v < 0) continue;
      if (scenario.dark(static_cast<size_t>(v))) {
        ++score.dark_detections;
        if (f.outcome == FusionOutcome::kAis) ++score.dark_stolen;
      } else {
        ++score.ais_detections;
        if (f.outcome == FusionOutcome::kAis && f.mmsi == scenario.mmsi[static_cast<size_t>(v)]) {
          ++score.ais_correct;
        }
      }
    }
    // Dark-target anomalies of this scan against the truth at the scan time.
    const std::vector<PlanarPoint> truth_all = ToPlanar(s, scan.truth_lat_lon);
    for (size_t a = before; a < raised.size(); ++a) {
      const PlanarPoint at = ToPlanar(s, {{raised[a].lat, raised[a].lon}}).front();
      for (size_t v = 0; v < truth_all.size(); ++v) {
        if (!scenario.dark(v)) continue;
        if (std::hypot(truth_all[v].x - at.x, truth_all[v].y - at.y) < match_m) {
          ++(found.insert(v).second ? score.true_dark_targets : score.repeat_dark_targets);
          break;
        }
      }
    }
    // GOSPA over the dark vessels inside the coverage.
    std::vector<PlanarPoint> truth;
    for (size_t v = 0; v < truth_all.size(); ++v) {
      if (scenario.dark(v) && std::fabs(truth_all[v].x) <= s.half_width_m &&
          std::fabs(truth_all[v].y) <= s.half_width_m) {
        truth.push_back(truth_all[v]);
      }
    }
    std::vector<std::pair<double, double>> tracks;
    for (const DarkTrackPosition& p : fusion.DarkTracksAt(scan.time)) {
      tracks.emplace_back(p.lat, p.lon);
    }
    const auto tracker = Gospa(truth, ToPlanar(s, tracks), gospa_c, gospa_p);
    const auto baseline = Gospa(truth, ToPlanar(s, raw), gospa_c, gospa_p);
    if (tracker.ok()) tracker_sum += tracker->distance;
    if (baseline.ok()) raw_sum += baseline->distance;
  }
  score.dark_targets = raised.size();
  for (size_t v = 0; v < scenario.mmsi.size(); ++v) score.dark_vessels += scenario.dark(v);
  score.dark_vessels_found = found.size();
  score.precision = score.dark_targets == 0 ? 1
                                            : static_cast<double>(score.true_dark_targets) /
                                                  static_cast<double>(score.dark_targets);
  score.recall = score.dark_vessels == 0 ? 1
                                         : static_cast<double>(score.dark_vessels_found) /
                                               static_cast<double>(score.dark_vessels);
  if (score.scans > 0) {
    score.tracker_gospa = tracker_sum / static_cast<double>(score.scans);
    score.raw_gospa = raw_sum / static_cast<double>(score.scans);
  }
  return score;
}

}  // namespace issa::maritime::testing
