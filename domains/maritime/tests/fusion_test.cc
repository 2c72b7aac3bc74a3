#include "issa/maritime/fusion.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "issa/maritime/kalman.h"
#include "issa/maritime/testing/radar_scenario.h"
#include "issa/maritime/tracks.h"

namespace issa::maritime {
namespace {

using testing::MakeRadarScenario;
using testing::RadarScenarioSettings;
using testing::ScoreFusion;

constexpr core::Timestamp kT0 = 1'750'000'000'000;

PositionReport Report(uint32_t mmsi, core::Timestamp t, double lat, double lon) {
  return {.mmsi = mmsi, .time = t, .lat = lat, .lon = lon, .sog_knots = {}, .cog_deg = {}};
}

Detection Radar(std::string id, core::Timestamp t, double lat, double lon, double sigma_m = 30) {
  Detection d;
  d.id = std::move(id);
  d.time = t;
  d.lat = lat;
  d.lon = lon;
  d.position_sigma_m = sigma_m;
  d.sensor = Sensor::kRadar;
  return d;
}

// Issue 4: planted dark vessels among AIS traffic, radar with Pd 0.9 and clutter; the
// dark_target rule must reach precision and recall of at least 0.95, counted per planted
// vessel, on constant-velocity and manoeuvring scenarios.
TEST(FusionTest, PlantedDarkVesselsAreFoundWithHighPrecisionAndRecall) {
  size_t raised = 0, true_raised = 0, found = 0, planted = 0, ais = 0, ais_correct = 0;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    RadarScenarioSettings s;
    s.seed = seed;
    s.manoeuvring = seed > 3;
    s.ais_vessels = 30;
    s.dark_vessels = 8;
    s.clutter_per_scan = 10;
    const auto score = ScoreFusion(MakeRadarScenario(s), FusionSettings{});
    std::printf(
        "seed %d %s: dark targets %zu raised, %zu true, %zu repeated; %zu/%zu vessels; "
        "AIS %zu/%zu\n",
        static_cast<int>(seed), s.manoeuvring ? "manoeuvring" : "constant velocity",
        score.dark_targets, score.true_dark_targets, score.repeat_dark_targets,
        score.dark_vessels_found, score.dark_vessels, score.ais_correct, score.ais_detections);
    raised += score.dark_targets;
    true_raised += score.true_dark_targets;
    found += score.dark_vessels_found;
    planted += score.dark_vessels;
    ais += score.ais_detections;
    ais_correct += score.ais_correct;
  }
  ASSERT_EQ(planted, 48U);
  ASSERT_GT(raised, 0U);
  const double precision = static_cast<double>(true_raised) / static_cast<double>(raised);
  const double recall = static_cast<double>(found) / static_cast<double>(planted);
  std::printf("dark_target precision %.3f recall %.3f; AIS detections to their own track %.4f\n",
              precision, recall, static_cast<double>(ais_correct) / static_cast<double>(ais));
  EXPECT_GE(precision, 0.95);
  EXPECT_GE(recall, 0.95);
  // Detections of AIS vessels go to their own AIS track.
  EXPECT_GE(static_cast<double>(ais_correct), 0.99 * static_cast<double>(ais));
}

// Tracking accuracy: GOSPA (c = 100 m, p = 1, alpha = 2) of the confirmed dark tracks is well
// below that of the raw detections, for constant-velocity and manoeuvring targets with clutter
// and Pd 0.9.
TEST(FusionTest, TrackerGospaIsWellBelowRawDetections) {
  for (const bool manoeuvring : {false, true}) {
    RadarScenarioSettings s;
    s.seed = manoeuvring ? 21 : 20;
    s.manoeuvring = manoeuvring;
    s.ais_vessels = 0;
    s.dark_vessels = 10;
    s.clutter_per_scan = 10;
    const auto score = ScoreFusion(MakeRadarScenario(s), FusionSettings{});
    std::printf("%s: GOSPA tracker %.1f m, raw detections %.1f m (ratio %.2f)\n",
                manoeuvring ? "manoeuvring" : "constant velocity", score.tracker_gospa,
                score.raw_gospa, score.tracker_gospa / score.raw_gospa);
    EXPECT_GT(score.raw_gospa, 0);
    EXPECT_LT(score.tracker_gospa, 0.6 * score.raw_gospa) << manoeuvring;
  }
}

// Clutter alone must not make many confirmed tracks nor dark targets.
TEST(FusionTest, ClutterAloneConfirmsAlmostNothing) {
  RadarScenarioSettings s;
  s.seed = 7;
  s.ais_vessels = 0;
  s.dark_vessels = 0;
  s.clutter_per_scan = 20;
  const auto scenario = MakeRadarScenario(s);
  TrackStore store;
  size_t anomalies = 0;
  Fusion fusion({}, [&](const Anomaly&) { ++anomalies; });
  for (const auto& scan : scenario.scans) ASSERT_TRUE(fusion.Fuse(scan.detections, store).ok());
  EXPECT_GT(fusion.stats().new_dark_tracks, 2000U);  // 120 scans × ~20
  EXPECT_LE(fusion.stats().confirmed_dark_tracks, 3U);
  EXPECT_LE(anomalies, 3U);
  EXPECT_LT(fusion.dark_tracks().size(), 100U);  // tentative ones are deleted
}

// Two AIS vessels on crossing courses pass 200 m apart; every radar detection goes to its
// own vessel's track, and none starts a dark track.
TEST(FusionTest, CrossingAisVesselsKeepTheirDetections) {
  const LocalFrame frame(43.0, 5.0);
  TrackStore store;
  Fusion fusion;
  int correct = 0, total = 0;
  for (int k = 0; k < 60; ++k) {  // 10 min, AIS every 10 s, radar 4 s later
    const double t_s = 10.0 * k;
    // A heads north-east, B north-west; A crosses the origin at 300 s, B 25 s later.
    const double sa = 8, sb = 8, h = std::sqrt(0.5);
    const double ax = sa * h * (t_s - 300), ay = sa * h * (t_s - 300);
    const double bx = -sb * h * (t_s - 325), by = sb * h * (t_s - 325);
    double lat = 0, lon = 0;
    frame.Reverse(ax, ay, lat, lon);
    store.Ingest(Report(1001, kT0 + k * 10'000, lat, lon));
    frame.Reverse(bx, by, lat, lon);
    store.Ingest(Report(1002, kT0 + k * 10'000, lat, lon));
    const core::Timestamp t = kT0 + k * 10'000 + 4'000;
    std::vector<Detection> scan;
    frame.Reverse(ax + sa * h * 4, ay + sa * h * 4, lat, lon);
    scan.push_back(Radar("a", t, lat, lon));
    frame.Reverse(bx - sb * h * 4, by + sb * h * 4, lat, lon);
    scan.push_back(Radar("b", t, lat, lon));
    const auto fused = fusion.Fuse(scan, store);
    ASSERT_TRUE(fused.ok());
    if (k == 0) continue;  // the tracks' speed is unknown until the second report
    total += 2;
    correct += (*fused)[0].outcome == FusionOutcome::kAis && (*fused)[0].mmsi == 1001;
    correct += (*fused)[1].outcome == FusionOutcome::kAis && (*fused)[1].mmsi == 1002;
  }
  EXPECT_EQ(correct, total);
  EXPECT_EQ(fusion.stats().new_dark_tracks, 0U);
}

// A dark vessel crosses an AIS vessel 150 m away: its detections are not taken by the AIS
// track, it keeps one dark track throughout, and dark_target is raised once.
TEST(FusionTest, DarkVesselCrossingAnAisVesselKeepsItsTrack) {
  const LocalFrame frame(43.0, 5.0);
  TrackStore store;
  std::vector<Anomaly> anomalies;
  Fusion fusion({}, [&](const Anomaly& a) { anomalies.push_back(a); });
  std::set<uint64_t> dark_ids;
  for (int k = 0; k < 60; ++k) {
    const double t_s = 10.0 * k;
    const double ax = 6 * (t_s - 300), ay = 0;        // AIS vessel heading east
    const double dx = 0, dy = 150 + 7 * (t_s - 300);  // dark vessel heading north
    double lat = 0, lon = 0;
    frame.Reverse(ax, ay, lat, lon);
    store.Ingest(Report(2001, kT0 + k * 10'000, lat, lon));
    const core::Timestamp t = kT0 + k * 10'000 + 5'000;
    std::vector<Detection> scan;
    frame.Reverse(ax + 30, ay, lat, lon);
    scan.push_back(Radar("ais", t, lat, lon));
    frame.Reverse(dx, dy + 35, lat, lon);
    scan.push_back(Radar("dark", t, lat, lon));
    const auto fused = fusion.Fuse(scan, store);
    ASSERT_TRUE(fused.ok());
    if (k > 0) {
      EXPECT_EQ((*fused)[0].outcome, FusionOutcome::kAis) << k;
      EXPECT_EQ((*fused)[0].mmsi, 2001U) << k;
    }
    EXPECT_NE((*fused)[1].outcome, FusionOutcome::kAis) << k;
    dark_ids.insert((*fused)[1].dark_track_id);
  }
  EXPECT_EQ(dark_ids.size(), 1U);
  ASSERT_EQ(anomalies.size(), 1U);
  const Anomaly& a = anomalies.front();
  EXPECT_EQ(a.kind, AnomalyKind::kDarkTarget);
  EXPECT_EQ(a.track_id, *dark_ids.begin());
  EXPECT_EQ(a.mmsi, 0U);
  EXPECT_EQ(a.start, kT0 + 5'000);             // first seen
  EXPECT_EQ(a.end, kT0 + 2 * 10'000 + 5'000);  // confirmed on the third hit (3 of 4)
  EXPECT_NE(a.zone.find("radar"), std::string::npos);
  EXPECT_NE(a.zone.find("detection=dark"), std::string::npos);
  ASSERT_EQ(fusion.dark_tracks().size(), 1U);
  const DarkTrack& track = fusion.dark_tracks().front();
  EXPECT_EQ(track.state, DarkTrackState::kConfirmed);
  EXPECT_NEAR(track.filter.speed_mps(), 7, 0.5);
  EXPECT_NEAR(track.filter.course_deg(), 0, 5);
  EXPECT_EQ(track.history.size(), FusionSettings{}.history_points);
}

// Track management: 3 of 4 to confirm, 5 misses inside coverage to delete; misses outside
// the coverage do not count, and a tentative track that can no longer reach 3 of 4 goes.
TEST(FusionTest, DarkTracksAreConfirmedAndDeletedByTheirLooks) {
  const LocalFrame frame(35.0, 20.0);
  auto at = [&](double east, double north) {
    std::pair<double, double> lat_lon;
    frame.Reverse(east, north, lat_lon.first, lat_lon.second);
    return lat_lon;
  };
  // Coverage squares (lon, lat rings): "here" holds the vessel, "there" is 50 km east.
  auto square = [&](double east) {
    std::vector<std::pair<double, double>> ring;
    for (const auto& [e, n] : std::vector<std::pair<double, double>>{{-5'000, -5'000},
                                                                     {5'000, -5'000},
                                                                     {5'000, 5'000},
                                                                     {-5'000, 5'000},
                                                                     {-5'000, -5'000}}) {
      const auto [lat, lon] = at(east + e, n);
      ring.emplace_back(lon, lat);
    }
    return ring;
  };
  const auto here = square(0), there = square(50'000);
  TrackStore store;
  std::multiset<uint64_t> raised;  // track ids
  Fusion fusion({}, [&](const Anomaly& a) { raised.insert(a.track_id); });
  auto find = [&](uint64_t id) -> const DarkTrack* {
    for (const DarkTrack& t : fusion.dark_tracks()) {
      if (t.id == id) return &t;
    }
    return nullptr;
  };
  int scan = 0;
  auto fuse = [&](bool vessel_seen, const std::vector<std::pair<double, double>>& footprint) {
    const core::Timestamp t = kT0 + scan * 10'000;
    std::vector<Detection> batch;
    if (vessel_seen) {
      const auto [lat, lon] = at(5.0 * 10 * scan, 0);  // 5 m/s east
      batch.push_back(Radar("v", t, lat, lon));
    } else {  // something else, 3 km away, so that the batch has a time
      const auto [lat, lon] = at(footprint == here ? 3'000 : 53'000, 3'000 + 200.0 * scan);
      batch.push_back(Radar("other", t, lat, lon));
    }
    ++scan;
    const auto fused = fusion.Fuse(batch, store, footprint);
    return fused.ok() ? (*fused)[0].dark_track_id : 0;
  };
  const uint64_t id = fuse(true, here);
  EXPECT_EQ(find(id)->state, DarkTrackState::kTentative);
  EXPECT_EQ(fuse(true, here), id);
  EXPECT_EQ(find(id)->state, DarkTrackState::kTentative);
  EXPECT_EQ(fuse(true, here), id);
  EXPECT_EQ(find(id)->state, DarkTrackState::kConfirmed);
  EXPECT_EQ(raised.count(id), 1U);
  // Looks elsewhere are no misses.
  for (int k = 0; k < 10; ++k) fuse(false, there);
  ASSERT_NE(find(id), nullptr);
  EXPECT_EQ(find(id)->misses, 0U);
  // Four misses inside the coverage: kept; the fifth deletes it.
  for (int k = 0; k < 4; ++k) fuse(false, here);
  ASSERT_NE(find(id), nullptr);
  EXPECT_EQ(find(id)->misses, 4U);
  fuse(false, here);
  EXPECT_EQ(find(id), nullptr);
  EXPECT_EQ(raised.count(id), 1U);

  // A tentative track seen once and missed twice can no longer make 3 of 4.
  Fusion second;
  const auto [lat, lon] = at(0, 0);
  std::vector<Detection> batch = {Radar("once", kT0, lat, lon)};
  const uint64_t tentative = (*second.Fuse(batch, store, here))[0].dark_track_id;
  for (int k = 1; k <= 2; ++k) {
    const auto [olat, olon] = at(3'000, 3'000 + 500.0 * k);
    batch = {Radar("other", kT0 + k * 10'000, olat, olon)};
    ASSERT_TRUE(second.Fuse(batch, store, here).ok());
    bool alive = false;
    for (const DarkTrack& t : second.dark_tracks()) alive = alive || t.id == tentative;
    EXPECT_EQ(alive, k == 1) << k;
  }
}

// Global nearest neighbour, not greedy: A at 0 m, B at 100 m east; detection 1 at 60 m (nearer
// to B), detection 2 at 170 m (only B can take it). Nearest-first would give detection 1 to B
// and make detection 2 a dark target; the optimum gives 1 to A and 2 to B.
TEST(FusionTest, AssignmentIsGlobalNotGreedy) {
  const LocalFrame frame(50.0, 1.0);
  TrackStore store;
  Fusion fusion;
  double lat = 0, lon = 0;
  for (int k = 0; k < 60; ++k) {  // two vessels at anchor, converged tracks
    frame.Reverse(0, 0, lat, lon);
    store.Ingest(Report(3001, kT0 + k * 10'000, lat, lon));
    frame.Reverse(100, 0, lat, lon);
    store.Ingest(Report(3002, kT0 + k * 10'000, lat, lon));
  }
  const core::Timestamp t = kT0 + 59 * 10'000 + 1'000;
  std::vector<Detection> scan;
  frame.Reverse(170, 0, lat, lon);
  scan.push_back(Radar("far", t, lat, lon));
  frame.Reverse(60, 0, lat, lon);
  scan.push_back(Radar("middle", t, lat, lon));
  const auto fused = fusion.Fuse(scan, store);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ((*fused)[0].outcome, FusionOutcome::kAis);
  EXPECT_EQ((*fused)[0].mmsi, 3002U);
  EXPECT_EQ((*fused)[1].outcome, FusionOutcome::kAis);
  EXPECT_EQ((*fused)[1].mmsi, 3001U);
  EXPECT_EQ(fusion.stats().new_dark_tracks, 0U);
}

// A satellite scene is one look: a confident detection with no AIS track raises dark_target
// at once; a weak one starts a tentative track without raising. The anomaly carries the
// detection's evidence.
TEST(FusionTest, SatelliteDetectionsRaiseAtOnceWhenConfident) {
  TrackStore store;
  store.Ingest(Report(4001, kT0 - 60'000, 60.0, 4.0));
  store.Ingest(Report(4001, kT0 - 30'000, 60.0, 4.001));
  std::vector<Anomaly> anomalies;
  Fusion fusion({}, [&](const Anomaly& a) { anomalies.push_back(a); });
  auto sar = [&](std::string id, double lat, double lon, double confidence) {
    Detection d = Radar(std::move(id), kT0, lat, lon, 100);
    d.sensor = Sensor::kSar;
    d.scene_id = "S1A_20250615";
    d.confidence = confidence;
    d.length_m = 42;
    d.footprint = {{3.5, 59.5}, {4.5, 59.5}, {4.5, 60.5}, {3.5, 60.5}, {3.5, 59.5}};
    return d;
  };
  const std::vector<Detection> scene = {sar("ais-ship", 60.0, 4.0015, 0.95),
                                        sar("dark-ship", 60.2, 4.2, 0.9),
                                        sar("weak", 59.8, 3.8, 0.2)};
  const auto fused = fusion.Fuse(scene, store);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ((*fused)[0].outcome, FusionOutcome::kAis);
  EXPECT_EQ((*fused)[0].mmsi, 4001U);
  EXPECT_EQ((*fused)[1].outcome, FusionOutcome::kNewDarkTrack);
  EXPECT_EQ((*fused)[2].outcome, FusionOutcome::kNewDarkTrack);
  ASSERT_EQ(anomalies.size(), 1U);
  const Anomaly& a = anomalies.front();
  EXPECT_EQ(a.kind, AnomalyKind::kDarkTarget);
  EXPECT_EQ(a.track_id, (*fused)[1].dark_track_id);
  EXPECT_EQ(a.start, kT0);
  EXPECT_DOUBLE_EQ(a.lat, 60.2);
  EXPECT_DOUBLE_EQ(a.lon, 4.2);
  EXPECT_DOUBLE_EQ(a.value, 0.9);
  EXPECT_EQ(a.zone, "sar scene=S1A_20250615 detection=dark-ship first=dark-ship length_m=42");
}

// The rule's definition: a detection with an AIS track inside its gate is not a dark target,
// even when the assignment gives that track to another detection (two SAR detections of one
// vessel, e.g. a ship and its wake). It still starts a dark track.
TEST(FusionTest, NoDarkTargetWithAnAisTrackInTheGate) {
  TrackStore store;
  store.Ingest(Report(4101, kT0 - 60'000, 60.0, 4.0));
  store.Ingest(Report(4101, kT0 - 30'000, 60.0, 4.001));
  size_t anomalies = 0;
  Fusion fusion({}, [&](const Anomaly&) { ++anomalies; });
  std::vector<Detection> scene;
  for (const double lon : {4.0015, 4.0035}) {  // 30 m and 140 m east of the AIS fix
    Detection d = Radar("sar", kT0, 60.0, lon, 100);
    d.sensor = Sensor::kSar;
    d.confidence = 0.9;
    scene.push_back(d);
  }
  const auto fused = fusion.Fuse(scene, store);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ((*fused)[0].outcome, FusionOutcome::kAis);
  EXPECT_EQ((*fused)[1].outcome, FusionOutcome::kNewDarkTrack);
  EXPECT_EQ(anomalies, 0U);
  EXPECT_EQ(fusion.stats().dark_targets, 0U);
}

// Bad input is counted and ignored: no crash, no track started or poisoned.
TEST(FusionTest, BadInputIsCountedNeverTracked) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  TrackStore store;
  Fusion fusion;
  std::vector<Detection> scan = {Radar("ok", kT0, 43, 5),
                                 Radar("nan-lat", kT0, nan, 5),
                                 Radar("lat-91", kT0, 91, 5),
                                 Radar("lon-181", kT0, 43, 181),
                                 Radar("inf-lon", kT0, 43, inf),
                                 Radar("sigma-0", kT0, 43, 5, 0),
                                 Radar("sigma-neg", kT0, 43, 5, -3),
                                 Radar("sigma-nan", kT0, 43, 5, nan),
                                 Radar("sigma-huge", kT0, 43, 5, 1e9),
                                 Radar("time-0", 0, 43, 5),
                                 Radar("time-far", std::numeric_limits<int64_t>::max(), 43, 5)};
  auto fused = fusion.Fuse(scan, store);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ((*fused)[0].outcome, FusionOutcome::kNewDarkTrack);
  for (size_t i = 1; i < scan.size(); ++i) {
    EXPECT_EQ((*fused)[i].outcome, FusionOutcome::kInvalid) << scan[i].id;
  }
  EXPECT_EQ(fusion.stats().invalid, 10U);
  EXPECT_EQ(fusion.dark_tracks().size(), 1U);

  // An older scan is out of order: counted, nothing changes.
  scan = {Radar("late", kT0 - 10'000, 43.001, 5)};
  fused = fusion.Fuse(scan, store);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ((*fused)[0].outcome, FusionOutcome::kOutOfOrder);
  EXPECT_EQ(fusion.stats().out_of_order_batches, 1U);
  EXPECT_EQ(fusion.dark_tracks().size(), 1U);

  // An empty batch and an all-invalid batch are harmless; the track is still sound.
  EXPECT_TRUE(fusion.Fuse({}, store).ok());
  scan = {Radar("nan", kT0 + 10'000, nan, nan)};
  EXPECT_TRUE(fusion.Fuse(scan, store).ok());
  scan = {Radar("ok2", kT0 + 10'000, 43.0001, 5.0001)};
  fused = fusion.Fuse(scan, store);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ((*fused)[0].outcome, FusionOutcome::kDarkTrack);
  const DarkTrack& t = fusion.dark_tracks().front();
  EXPECT_TRUE(std::isfinite(t.lat) && std::isfinite(t.lon) && std::isfinite(t.filter.speed_mps()));
  EXPECT_NEAR(t.lat, 43.0001, 1e-3);
}

// AIS tracks created after the grid was built are still candidates, far tracks are not
// predicted, and a track across the antimeridian is found.
TEST(FusionTest, GridFindsNewTracksAndCrossesTheAntimeridian) {
  TrackStore store;
  for (uint32_t i = 0; i < 200; ++i) {  // far away: not candidates
    store.Ingest(Report(5000 + i, kT0, -40 + 0.1 * i, 100 + 0.1 * i));
  }
  store.Ingest(Report(6001, kT0, 10.0, 179.9999));
  Fusion fusion;
  std::vector<Detection> scan = {Radar("east", kT0 + 1'000, 10.0, -179.9999)};
  auto fused = fusion.Fuse(scan, store);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ((*fused)[0].outcome, FusionOutcome::kAis);
  EXPECT_EQ((*fused)[0].mmsi, 6001U);
  EXPECT_EQ(fusion.stats().ais_candidates, 1U);
  EXPECT_EQ(fusion.stats().grid_rebuilds, 1U);

  // A vessel that starts reporting 5 s later (within the grid's rebuild interval).
  store.Ingest(Report(6002, kT0 + 4'000, 10.5, 179.5));
  scan = {Radar("new", kT0 + 5'000, 10.5, 179.5002)};
  fused = fusion.Fuse(scan, store);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ((*fused)[0].outcome, FusionOutcome::kAis);
  EXPECT_EQ((*fused)[0].mmsi, 6002U);
  EXPECT_EQ(fusion.stats().grid_rebuilds, 1U);

  // Near the pole, a vessel on the other side in longitude is still found.
  store.Ingest(Report(6003, kT0 + 9'000, 89.9995, 0));
  scan = {Radar("pole", kT0 + 10'000, 89.9995, 90)};  // 78 m away, a quarter turn round
  fused = fusion.Fuse(scan, store);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ((*fused)[0].outcome, FusionOutcome::kAis);
  EXPECT_EQ((*fused)[0].mmsi, 6003U);
}

}  // namespace
}  // namespace issa::maritime
