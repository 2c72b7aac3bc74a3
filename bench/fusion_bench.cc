// Fusion of non-cooperative detections with AIS tracks (issue 4), two figures:
//
// 1. Tracking accuracy. Simulated radar scenarios with ground truth (radar_scenario.h): dark
//    vessels on constant-velocity or manoeuvring courses in a 40 km square, Pd 0.9, 50 m
//    noise, uniform clutter, 120 scans 10 s apart. GOSPA (c = 100 m, p = 1, alpha = 2) per
//    scan of the confirmed dark tracks, against the peer: the raw detections not assigned to
//    AIS (what an operator sees without a tracker). Also the dark_target precision and recall
//    with 30 AIS vessels and 8 (or 20) dark ones per scenario, on seeds the tests do not use.
// 2. Throughput: detections fused per second, one thread, with 300,000 live AIS tracks in the
//    TrackStore (200,000 spread over the oceans, 100,000 in 20 busy 2° × 2° areas), radar
//    scans of 1° × 1° over the busy areas (each vessel detected with Pd 0.9, 20 clutter
//    plots, 2 dark vessels per scan). The peer is the same fusion with a grid of one cell,
//    i.e. a per-scan pass predicting every AIS track.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "issa/maritime/fusion.h"
#include "issa/maritime/testing/radar_scenario.h"
#include "issa/maritime/tracks.h"

namespace {

using issa::maritime::Detection;
using issa::maritime::Fusion;
using issa::maritime::FusionSettings;
using issa::maritime::PositionReport;
using issa::maritime::Sensor;
using issa::maritime::TrackStore;
namespace testing = issa::maritime::testing;

constexpr double kRad = std::numbers::pi / 180;
constexpr double kMetresPerDeg = 111'195;

void Accuracy() {
  std::printf("## Tracking accuracy (GOSPA c = 100 m, p = 1, alpha = 2; mean per scan)\n\n");
  std::printf(
      "| targets | clutter / scan (per km²) | Pd | tracker GOSPA m | raw detections GOSPA m "
      "| ratio |\n|---|---:|---:|---:|---:|---:|\n");
  for (const bool manoeuvring : {false, true}) {
    for (const double clutter : {5.0, 20.0}) {
      double tracker = 0, raw = 0;
      constexpr int kSeeds = 5;
      for (int seed = 0; seed < kSeeds; ++seed) {
        testing::RadarScenarioSettings s;
        s.seed = 100 + static_cast<uint64_t>(seed);
        s.manoeuvring = manoeuvring;
        s.ais_vessels = 0;
        s.dark_vessels = 10;
        s.clutter_per_scan = clutter;
        const auto score = testing::ScoreFusion(testing::MakeRadarScenario(s), FusionSettings{});
        tracker += score.tracker_gospa / kSeeds;
        raw += score.raw_gospa / kSeeds;
      }
      std::printf("| 10 %s | %.0f (%.4f) | 0.9 | %.1f | %.1f | %.2f |\n",
                  manoeuvring ? "manoeuvring" : "constant velocity", clutter, clutter / 1600,
                  tracker, raw, tracker / raw);
    }
  }
  std::printf("\n## dark_target precision and recall (30 AIS vessels, 10 seeds per row)\n\n");
  std::printf(
      "| dark vessels | targets | clutter / scan | raised | true | repeated | found / planted | "
      "precision | recall |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& [dark, clutter] : {std::pair{8, 10.0}, std::pair{20, 20.0}}) {
    for (const bool manoeuvring : {false, true}) {
      size_t raised = 0, correct = 0, repeated = 0, found = 0, planted = 0;
      for (int seed = 0; seed < 10; ++seed) {
        testing::RadarScenarioSettings s;
        s.seed = 200 + static_cast<uint64_t>(seed);
        s.manoeuvring = manoeuvring;
        s.dark_vessels = dark;
        s.clutter_per_scan = clutter;
        const auto score = testing::ScoreFusion(testing::MakeRadarScenario(s), FusionSettings{});
        raised += score.dark_targets;
        correct += score.true_dark_targets;
        repeated += score.repeat_dark_targets;
        found += score.dark_vessels_found;
        planted += score.dark_vessels;
      }
      std::printf("| %d | %s | %.0f | %zu | %zu | %zu | %zu / %zu | %.3f | %.3f |\n", dark,
                  manoeuvring ? "manoeuvring" : "constant velocity", clutter, raised, correct,
                  repeated, found, planted,
                  static_cast<double>(correct) / static_cast<double>(raised),
                  static_cast<double>(found) / static_cast<double>(planted));
    }
  }
}

struct Vessel {
  double lat, lon, speed_mps, course;
  int area;  // busy area, -1 for the open ocean
};

void Position(const Vessel& v, double seconds, double& lat, double& lon) {
  const double d = v.speed_mps * seconds;
  lat = v.lat + d * std::cos(v.course * kRad) / kMetresPerDeg;
  lon = v.lon + d * std::sin(v.course * kRad) / (kMetresPerDeg * std::cos(v.lat * kRad));
  if (lon > 180) lon -= 360;
  if (lon < -180) lon += 360;
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct ThroughputResult {
  double detections_per_s = 0;      // wall clock
  double detections_per_cpu_s = 0;  // thread CPU time: what one fully used core does
  size_t detections = 0;
  size_t scans = 0;
  size_t assigned_ais = 0;
  size_t new_dark = 0;
  double mean_candidates = 0;
};

ThroughputResult Throughput(TrackStore& store, const std::vector<Vessel>& vessels,
                            const std::vector<std::pair<double, double>>& areas, int rounds_done,
                            double grid_cell_deg, int scans_per_area) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0, 1);
  std::normal_distribution<double> noise(0, 50.0 / kMetresPerDeg);
  FusionSettings settings;
  settings.grid_cell_deg = grid_cell_deg;
  Fusion fusion(settings);
  ThroughputResult out;
  double seconds = 0, cpu_seconds = 0;
  constexpr int64_t kStart = 1'700'000'000'000;
  for (int k = 0; k < scans_per_area; ++k) {
    for (size_t a = 0; a < areas.size(); ++a) {
      // Scans over the areas in turn, 0.5 s apart, after the last AIS round.
      const double t_s = 10.0 * (rounds_done - 1) + 1 + 0.5 * static_cast<double>(a) + 10.0 * k;
      const int64_t t = kStart + static_cast<int64_t>(t_s * 1000);
      const auto [lat0, lon0] = areas[a];
      std::vector<Detection> scan;
      for (const Vessel& v : vessels) {
        if (v.area != static_cast<int>(a) || unit(rng) >= 0.9) continue;
        double lat = 0, lon = 0;
        Position(v, t_s, lat, lon);
        if (std::fabs(lat - lat0) > 0.5 || std::fabs(lon - lon0) > 0.5) continue;
        Detection d;
        d.time = t;
        d.lat = lat + noise(rng);
        d.lon = lon + noise(rng) / std::cos(lat * kRad);
        d.position_sigma_m = 50;
        d.sensor = Sensor::kRadar;
        scan.push_back(d);
      }
      for (int c = 0; c < 22; ++c) {  // 20 clutter plots and 2 dark vessels (single looks here)
        Detection d;
        d.time = t;
        d.lat = lat0 - 0.5 + unit(rng);
        d.lon = lon0 - 0.5 + unit(rng);
        d.position_sigma_m = 50;
        d.sensor = Sensor::kRadar;
        scan.push_back(d);
      }
      const std::vector<std::pair<double, double>> footprint = {{lon0 - 0.5, lat0 - 0.5},
                                                                {lon0 + 0.5, lat0 - 0.5},
                                                                {lon0 + 0.5, lat0 + 0.5},
                                                                {lon0 - 0.5, lat0 + 0.5},
                                                                {lon0 - 0.5, lat0 - 0.5}};
      const auto start = std::chrono::steady_clock::now();
      const double cpu_start = ThreadCpuSeconds();
      const auto fused = fusion.Fuse(scan, store, footprint);
      cpu_seconds += ThreadCpuSeconds() - cpu_start;
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!fused.ok()) std::printf("fusion failed: %s\n", fused.status().ToString().c_str());
      out.detections += scan.size();
      ++out.scans;
    }
  }
  out.detections_per_s = static_cast<double>(out.detections) / seconds;
  out.detections_per_cpu_s = static_cast<double>(out.detections) / cpu_seconds;
  out.assigned_ais = fusion.stats().assigned_ais;
  out.new_dark = fusion.stats().new_dark_tracks;
  out.mean_candidates =
      static_cast<double>(fusion.stats().ais_candidates) / static_cast<double>(out.scans);
  return out;
}

void Throughput() {
  constexpr size_t kVessels = 300'000;
  constexpr int kAreas = 20;
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> lat(-60, 60), lon(-180, 180), speed(2.5, 10),
      course(0, 360), offset(-1, 1);
  std::vector<std::pair<double, double>> areas;
  for (int a = 0; a < kAreas; ++a) areas.emplace_back(lat(rng) * 0.9, lon(rng));
  std::vector<Vessel> vessels(kVessels);
  for (size_t i = 0; i < kVessels; ++i) {
    if (i % 3 == 0) {  // 100,000 in the busy areas
      const int a = static_cast<int>((i / 3) % kAreas);
      vessels[i] = {areas[static_cast<size_t>(a)].first + offset(rng),
                    areas[static_cast<size_t>(a)].second + offset(rng), speed(rng), course(rng), a};
    } else {
      vessels[i] = {lat(rng), lon(rng), speed(rng), course(rng), -1};
    }
  }
  TrackStore store;
  std::normal_distribution<double> noise(0, 15.0 / kMetresPerDeg);
  constexpr int kRounds = 3;  // AIS rounds 10 s apart before the scans
  for (int r = 0; r < kRounds; ++r) {
    for (size_t i = 0; i < kVessels; ++i) {
      PositionReport p;
      p.mmsi = static_cast<uint32_t>(200'000'000 + i);
      p.time = 1'700'000'000'000 + r * 10'000;
      Position(vessels[i], 10.0 * r, p.lat, p.lon);
      p.lat += noise(rng);
      p.lon += noise(rng);
      store.Ingest(p);
    }
  }
  std::printf("\n## Throughput, %zu live AIS tracks, one thread\n\n", store.size());
  std::printf(
      "| method | scans | detections | mean AIS candidates / scan | detections/s (wall) | "
      "detections per CPU-second |\n|---|---:|---:|---:|---:|---:|\n");
  const ThroughputResult grid = Throughput(store, vessels, areas, kRounds, 0.5, 6);
  std::printf("| grid 0.5° (default) | %zu | %zu | %.0f | %.0f | %.0f |\n", grid.scans,
              grid.detections, grid.mean_candidates, grid.detections_per_s,
              grid.detections_per_cpu_s);
  const ThroughputResult pass = Throughput(store, vessels, areas, kRounds, 360, 1);
  std::printf(
      "| peer: one cell (predict every track each scan) | %zu | %zu | %.0f | %.0f | %.0f |\n",
      pass.scans, pass.detections, pass.mean_candidates, pass.detections_per_s,
      pass.detections_per_cpu_s);
  std::printf(
      "\nratio grid / peer: %.1f× wall, %.1f× CPU; AIS-assigned %zu of %zu detections (grid "
      "run), new dark tracks %zu\n",
      grid.detections_per_s / pass.detections_per_s,
      grid.detections_per_cpu_s / pass.detections_per_cpu_s, grid.assigned_ais, grid.detections,
      grid.new_dark);
}

}  // namespace

int main() {
  Accuracy();
  Throughput();
  return 0;
}
