#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "issa/maritime/tracks.h"
#include "issa/maritime/zones.h"

namespace issa::maritime {
namespace {

constexpr double kRad = std::numbers::pi / 180;
constexpr double kMetresPerDeg = 111'195;

struct Planted {
  std::set<uint32_t> gap, jump, conflict, loiter;
};

// 400 vessels over 24 h, a report a minute with 15 m noise and their speed over ground. A
// quarter of them carry one planted anomaly each (a 14 h gap, a 1.2 km position jump, a second
// transmitter 200 km away, 3 h loitering); the others cruise at 8-15 kn.
std::vector<PositionReport> Scenario(Planted& planted) {
  std::mt19937_64 rng(2026);
  std::uniform_real_distribution<double> lat0(-50, 50), lon0(-170, 170), knots(8, 15),
      course(0, 360);
  std::normal_distribution<double> noise(0, 15 / kMetresPerDeg);
  std::vector<PositionReport> reports;
  constexpr core::Timestamp kStart = 1'750'000'000'000;
  for (uint32_t v = 0; v < 400; ++v) {
    const uint32_t mmsi = 211'000'000 + v;
    const int plant = v % 16;  // 0 gap, 1 jump, 2 conflict, 3 loiter, else normal
    if (plant == 0) planted.gap.insert(mmsi);
    if (plant == 1) planted.jump.insert(mmsi);
    if (plant == 2) planted.conflict.insert(mmsi);
    if (plant == 3) planted.loiter.insert(mmsi);
    double lat = lat0(rng), lon = lon0(rng);
    const double kn = knots(rng), crs = course(rng);
    for (int minute = 0; minute < 24 * 60; ++minute) {
      const bool loitering = plant == 3 && minute >= 600 && minute < 780;
      const double speed = loitering ? 0.4 : kn;
      const double d = speed * 1852 / 60;  // metres this minute
      lat += d * std::cos(crs * kRad) / kMetresPerDeg;
      lon += d * std::sin(crs * kRad) / (kMetresPerDeg * std::cos(lat * kRad));
      if (plant == 1 && minute == 700) lat += 1200 / kMetresPerDeg;  // the jump
      if (plant == 0 && minute >= 360 && minute < 1200) continue;    // silent 14 h
      PositionReport r;
      r.mmsi = mmsi;
      r.time = kStart + minute * 60'000 + v;  // vessels report at slightly different times
      r.lat = lat + noise(rng);
      r.lon = lon + noise(rng) / std::cos(lat * kRad);
      r.sog_knots = speed;
      r.cog_deg = crs;
      reports.push_back(r);
      if (plant == 2 && minute >= 720) {  // a second transmitter, same MMSI, 200 km north
        PositionReport twin = r;
        twin.time += 30'000;
        twin.lat += 200'000 / kMetresPerDeg;
        reports.push_back(twin);
      }
    }
  }
  std::stable_sort(
      reports.begin(), reports.end(),
      [](const PositionReport& a, const PositionReport& b) { return a.time < b.time; });
  return reports;
}

// Precision and recall of each rule on the planted scenario: at least 0.95 (issue 4).
TEST(AnomalyTest, PlantedAnomaliesAreFoundWithHighPrecisionAndRecall) {
  Planted planted;
  const std::vector<PositionReport> reports = Scenario(planted);
  std::map<AnomalyKind, std::set<uint32_t>> found;
  std::map<AnomalyKind, int> raised;
  TrackStore store({}, [&](const Anomaly& a) {
    found[a.kind].insert(a.mmsi);
    ++raised[a.kind];
    EXPECT_LE(a.start, a.end);
    if (a.kind == AnomalyKind::kAisGap) {
      EXPECT_GE(a.value, 12);
    }
  });
  for (const PositionReport& r : reports) store.Ingest(r);
  const auto score = [&](AnomalyKind kind, const std::set<uint32_t>& truth) {
    const std::set<uint32_t>& got = found[kind];
    size_t hits = 0;
    for (uint32_t m : got) hits += truth.count(m);
    const double precision = got.empty() ? 0 : static_cast<double>(hits) / got.size();
    const double recall = truth.empty() ? 1 : static_cast<double>(hits) / truth.size();
    std::printf("%-18s precision %.3f (%zu/%zu) recall %.3f (%zu/%zu)\n",
                std::string(AnomalyKindName(kind)).c_str(), precision, hits, got.size(), recall,
                hits, truth.size());
    EXPECT_GE(precision, 0.95) << AnomalyKindName(kind) << " " << hits << "/" << got.size();
    EXPECT_GE(recall, 0.95) << AnomalyKindName(kind) << " " << hits << "/" << truth.size();
  };
  ASSERT_EQ(planted.gap.size(), 25u);
  score(AnomalyKind::kAisGap, planted.gap);
  score(AnomalyKind::kPositionJump, planted.jump);
  score(AnomalyKind::kIdentityConflict, planted.conflict);
  score(AnomalyKind::kLoitering, planted.loiter);
  // One event per episode, not one per report.
  EXPECT_EQ(raised[AnomalyKind::kAisGap], 25);
  EXPECT_EQ(raised[AnomalyKind::kLoitering], 25);
  EXPECT_EQ(raised[AnomalyKind::kIdentityConflict], 25);
  EXPECT_EQ(store.stats().anomalies, static_cast<uint64_t>(raised[AnomalyKind::kAisGap] +
                                                           raised[AnomalyKind::kPositionJump] +
                                                           raised[AnomalyKind::kIdentityConflict] +
                                                           raised[AnomalyKind::kLoitering]));
}

TEST(AnomalyTest, EvidenceOfAGap) {
  std::vector<Anomaly> seen;
  TrackStore store({}, [&](const Anomaly& a) { seen.push_back(a); });
  PositionReport r;
  r.mmsi = 244000001;
  r.time = 1'000'000;
  r.lat = 52.0;
  r.lon = 3.0;
  store.Ingest(r);
  r.time += 13 * 3'600'000;  // 13 h later, 60 nm away
  r.lat += 1.0;
  ASSERT_EQ(store.Ingest(r), IngestResult::kUpdated);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, AnomalyKind::kAisGap);
  EXPECT_EQ(AnomalyKindName(seen[0].kind), "ais_gap");
  EXPECT_EQ(seen[0].start, 1'000'000);
  EXPECT_EQ(seen[0].end, 1'000'000 + 13 * 3'600'000);
  EXPECT_DOUBLE_EQ(seen[0].value, 13);
  EXPECT_DOUBLE_EQ(seen[0].from_lat, 52.0);
  EXPECT_DOUBLE_EQ(seen[0].lat, 53.0);
  EXPECT_EQ(seen[0].track_id, store.TracksOf(244000001)[0]->id);
}

// Going dark is seen while the vessel is silent, sooner inside a coastal zone with a 1 h
// threshold than offshore (12 h); an AIS gap is raised when it is heard again.
TEST(AnomalyTest, GoingDarkByZoneAndGapWhenHeardAgain) {
  TrackSettings settings;
  settings.anomalies.gap_zones.push_back(GapZone{.min_lat = 35,
                                                 .min_lon = 170,
                                                 .max_lat = 40,
                                                 .max_lon = -170,  // across 180
                                                 .gap_threshold_ms = 3'600'000});
  std::vector<Anomaly> seen;
  TrackStore store(settings, [&](const Anomaly& a) { seen.push_back(a); });
  const auto report = [](uint32_t mmsi, core::Timestamp t, double lat, double lon) {
    PositionReport r;
    r.mmsi = mmsi;
    r.time = t;
    r.lat = lat;
    r.lon = lon;
    r.sog_knots = 10;
    return r;
  };
  constexpr core::Timestamp kT0 = 10'000'000;
  store.Ingest(report(1, kT0, 37, 179.5));   // coastal zone (west of 180)
  store.Ingest(report(2, kT0, 37, -179.5));  // coastal zone (east of 180)
  store.Ingest(report(3, kT0, 20, 150));     // offshore
  EXPECT_EQ(store.GapThreshold(37, 179.5), 3'600'000);
  EXPECT_EQ(store.GapThreshold(20, 150), 12 * 3'600'000);
  EXPECT_EQ(store.SweepSilent(kT0 + 30 * 60'000), 0u);
  EXPECT_EQ(store.SweepSilent(kT0 + 2 * 3'600'000), 2u);   // the two coastal ones
  EXPECT_EQ(store.SweepSilent(kT0 + 3 * 3'600'000), 0u);   // once per silence
  EXPECT_EQ(store.SweepSilent(kT0 + 13 * 3'600'000), 1u);  // offshore, after 12 h
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].kind, AnomalyKind::kGoingDark);
  EXPECT_EQ(AnomalyKindName(seen[0].kind), "going_dark");
  EXPECT_EQ(seen[2].mmsi, 3u);
  EXPECT_DOUBLE_EQ(seen[2].value, 13);
  // Heard again after 2 h in the zone: an AIS gap (1 h threshold there), and the track can go
  // dark again later.
  seen.clear();
  ASSERT_EQ(store.Ingest(report(1, kT0 + 2 * 3'600'000 + 60'000, 37.05, 179.5)),
            IngestResult::kUpdated);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, AnomalyKind::kAisGap);
  EXPECT_EQ(store.SweepSilent(kT0 + 4 * 3'600'000), 1u);
}

// ---- Rules that need geography: encounters, fast craft, zone entries, loitering away from
// port. A stretch of sea south of a straight coast along 40° N (0°-30° E) with ports on it, a
// restricted zone with a hole and a monitored zone in two parts. Every vessel reports once a
// minute for 6 h with 15 m noise.
struct PlacePlanted {
  std::set<std::pair<uint32_t, uint32_t>> encounters;
  std::set<uint32_t> fast, zone, loiter;
};

ZoneIndex PlaceGeography() {
  ZoneIndex g;
  EXPECT_TRUE(g.AddCoastline("north coast", {{0, 40}, {10, 40}, {20, 40}, {30, 40}}).ok());
  for (int lon = 3; lon <= 27; lon += 3) {
    EXPECT_TRUE(g.AddPort(Port{.name = "port " + std::to_string(lon),
                               .lat = 39.9,
                               .lon = static_cast<double>(lon),
                               .radius_m = 1000})
                    .ok());
  }
  const auto box = [](double lon0, double lat0, double lon1, double lat1) {
    return Ring{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}};
  };
  Zone restricted{.name = "firing range", .kind = ZoneKind::kRestricted, .polygons = {}};
  restricted.polygons.push_back({box(15, 36, 17, 37), box(16.4, 36.2, 16.6, 36.8)});
  EXPECT_TRUE(g.AddZone(restricted).ok());
  Zone monitored{.name = "twin banks", .kind = ZoneKind::kMonitored, .polygons = {}};
  monitored.polygons.push_back({box(20, 36, 21, 37)});
  monitored.polygons.push_back({box(22, 36, 23, 37)});
  EXPECT_TRUE(g.AddZone(monitored).ok());
  g.Build(0.1);
  return g;
}

// A vessel's plan: speed (knots) and course for each minute.
struct Leg {
  int until_minute;
  double knots, course;
};

std::vector<PositionReport> PlaceScenario(PlacePlanted& planted) {
  std::mt19937_64 rng(4);
  std::normal_distribution<double> noise(0, 15 / kMetresPerDeg);
  std::vector<PositionReport> reports;
  constexpr core::Timestamp kStart = 1'760'000'000'000;
  uint32_t next_mmsi = 247'000'000;
  const auto sail = [&](double lat, double lon, const std::vector<Leg>& legs) {
    const uint32_t mmsi = next_mmsi++;
    size_t leg = 0;
    for (int minute = 0; minute < 360; ++minute) {
      while (leg + 1 < legs.size() && minute >= legs[leg].until_minute) ++leg;
      const double d = legs[leg].knots * 1852 / 60;
      lat += d * std::cos(legs[leg].course * kRad) / kMetresPerDeg;
      lon += d * std::sin(legs[leg].course * kRad) / (kMetresPerDeg * std::cos(lat * kRad));
      PositionReport r;
      r.mmsi = mmsi;
      r.time = kStart + minute * 60'000 + (mmsi % 1000) * 37;
      r.lat = lat + noise(rng);
      r.lon = lon + noise(rng) / std::cos(lat * kRad);
      r.sog_knots = legs[leg].knots;
      r.cog_deg = legs[leg].course;
      reports.push_back(r);
    }
    return mmsi;
  };
  const auto drift = std::vector<Leg>{{360, 0.5, 45}};
  constexpr double kPairGap = 200 / kMetresPerDeg;  // 200 m north
  for (int i = 0; i < 25; ++i) {  // encounters: 6 h together, 200 m apart, offshore
    const double lon = 2 + i;
    const uint32_t a = sail(38.2, lon, drift);
    const uint32_t b = sail(38.2 + kPairGap, lon, drift);
    planted.encounters.insert({a, b});
    planted.loiter.insert(a);
    planted.loiter.insert(b);
  }
  for (int i = 0; i < 10; ++i) {  // together for 1 h only, then away in opposite directions
    const double lon = 2.5 + i;
    sail(38.5, lon, {{60, 0.5, 45}, {360, 10, 90}});
    sail(38.5 + kPairGap, lon, {{60, 0.5, 45}, {360, 10, 270}});
  }
  for (int i = 0; i < 10; ++i) {  // together, slow, 6 h, but 3 km from a port: nothing
    const double lon = 3 + 3 * (i % 9) + 0.03;
    sail(39.88 - (i / 9) * 0.01, lon, drift);
    sail(39.88 - (i / 9) * 0.01 + kPairGap, lon, drift);
  }
  for (int i = 0; i < 10; ++i) {  // slow for 6 h offshore, 3 km apart: loitering, no encounter
    const double lon = 12.5 + i;
    planted.loiter.insert(sail(38.5, lon, drift));
    planted.loiter.insert(sail(38.5 + 3000 / kMetresPerDeg, lon, drift));
  }
  for (int i = 0; i < 25; ++i) {  // loitering alone offshore
    planted.loiter.insert(sail(37.5, 2.2 + i, {{360, 0.3, 200}}));
  }
  for (int i = 0; i < 10; ++i) {  // slow alone in port for 6 h: no loitering
    sail(39.89, 3 + 3 * (i % 9) - 0.02, {{360, 0.3, 200}});
  }
  for (int i = 0; i < 25; ++i) {  // fast craft: 35 kn for the coast, then along it
    planted.fast.insert(sail(39.3, 1.5 + i, {{58, 35, 0}, {360, 35, 90}}));
  }
  for (int i = 0; i < 10; ++i) {  // fast but along the coast, far out
    sail(38.9, 1.6 + i, {{360, 35, 90}});
  }
  for (int i = 0; i < 10; ++i) {  // for the coast, but at 20 kn, turning away at 10 km
    sail(39.3, 13.6 + i, {{77, 20, 0}, {360, 20, 180}});
  }
  for (int i = 0; i < 15; ++i) {  // into the restricted zone (not through its hole)
    planted.zone.insert(sail(35.85, 15.1 + 0.08 * i, {{360, 10, 0}}));
  }
  for (int i = 0; i < 10; ++i) {  // into either part of the monitored zone
    planted.zone.insert(sail(35.85, (i % 2 == 0 ? 20.1 : 22.1) + 0.08 * i, {{360, 10, 0}}));
  }
  for (int i = 0; i < 10; ++i) {  // past the restricted zone, east of it
    sail(35.85, 17.2 + 0.05 * i, {{360, 10, 0}});
  }
  for (int i = 0; i < 10; ++i) {  // first heard inside the zone, leaving it: no entry
    sail(36.9, 15.2 + 0.1 * i, {{360, 10, 0}});
  }
  std::uniform_real_distribution<double> lat0(35.0, 35.7), lon0(2, 26), knots(8, 15);
  for (int i = 0; i < 100; ++i) {  // ordinary traffic, east and west
    sail(lat0(rng), lon0(rng), {{360, knots(rng), i % 2 == 0 ? 90.0 : 270.0}});
  }
  std::stable_sort(
      reports.begin(), reports.end(),
      [](const PositionReport& a, const PositionReport& b) { return a.time < b.time; });
  return reports;
}

void Score(std::string_view kind, size_t hits, size_t got, size_t truth) {
  const double precision = got == 0 ? 0 : static_cast<double>(hits) / static_cast<double>(got);
  const double recall = truth == 0 ? 1 : static_cast<double>(hits) / static_cast<double>(truth);
  std::printf("%-18s precision %.3f (%zu/%zu) recall %.3f (%zu/%zu)\n", std::string(kind).c_str(),
              precision, hits, got, recall, hits, truth);
  EXPECT_GE(precision, 0.95) << kind;
  EXPECT_GE(recall, 0.95) << kind;
}

template <typename T>
size_t Hits(const std::set<T>& got, const std::set<T>& truth) {
  size_t hits = 0;
  for (const T& x : got) hits += truth.count(x);
  return hits;
}

TEST(AnomalyTest, PlantedEncountersFastCraftZoneEntriesAndLoiteringAwayFromPort) {
  PlacePlanted planted;
  const std::vector<PositionReport> reports = PlaceScenario(planted);
  std::set<std::pair<uint32_t, uint32_t>> encounters;
  std::map<AnomalyKind, std::set<uint32_t>> found;
  std::map<AnomalyKind, int> raised;
  std::set<std::string> zones_entered;
  TrackStore store(
      {},
      [&](const Anomaly& a) {
        ++raised[a.kind];
        found[a.kind].insert(a.mmsi);
        EXPECT_LE(a.start, a.end);
        if (a.kind == AnomalyKind::kEncounter) {
          encounters.insert({std::min(a.mmsi, a.other_mmsi), std::max(a.mmsi, a.other_mmsi)});
          EXPECT_GE(a.end - a.start, 2 * 3'600'000);
          EXPECT_LE(a.distance_m, 500);
          EXPECT_NE(a.other_track_id, 0u);
          EXPECT_NEAR(a.lat, 38.2, 0.05);
        }
        if (a.kind == AnomalyKind::kFastCraft) {
          EXPECT_GE(a.value, 30);
          EXPECT_LE(a.distance_m, 20'000);
        }
        if (a.kind == AnomalyKind::kZoneEntry) zones_entered.insert(a.zone);
        if (a.kind == AnomalyKind::kLoitering) {
          EXPECT_TRUE(a.distance_m < 0 || a.distance_m >= 10'000) << a.distance_m;
        }
      },
      PlaceGeography());
  for (const PositionReport& r : reports) store.Ingest(r);
  ASSERT_EQ(planted.encounters.size(), 25u);
  Score("encounter", Hits(encounters, planted.encounters), encounters.size(),
        planted.encounters.size());
  Score("fast_craft", Hits(found[AnomalyKind::kFastCraft], planted.fast),
        found[AnomalyKind::kFastCraft].size(), planted.fast.size());
  Score("zone_entry", Hits(found[AnomalyKind::kZoneEntry], planted.zone),
        found[AnomalyKind::kZoneEntry].size(), planted.zone.size());
  Score("loitering", Hits(found[AnomalyKind::kLoitering], planted.loiter),
        found[AnomalyKind::kLoitering].size(), planted.loiter.size());
  // One event per episode.
  EXPECT_EQ(raised[AnomalyKind::kEncounter], 25);
  EXPECT_EQ(raised[AnomalyKind::kFastCraft], 25);
  EXPECT_EQ(raised[AnomalyKind::kZoneEntry], 25);
  EXPECT_EQ(zones_entered, (std::set<std::string>{"firing range", "twin banks"}));
  // Craft that really do 35 kn (their fixes agree with their motion) are not position jumps.
  EXPECT_EQ(raised[AnomalyKind::kPositionJump], 0);
  // Pair state is dropped once the vessels part.
  EXPECT_LE(store.EncounterPairs(), 25u);
}

// Two vessels together, slow, for 3 h: the pair's episode ends when they part, and a second
// meeting later is a second encounter.
TEST(AnomalyTest, EncounterEpisodesEndWhenVesselsPart) {
  std::vector<Anomaly> seen;
  TrackStore store({}, [&](const Anomaly& a) {
    if (a.kind == AnomalyKind::kEncounter) seen.push_back(a);
  });
  const auto report = [](uint32_t mmsi, core::Timestamp t, double lat, double lon, double sog) {
    PositionReport r;
    r.mmsi = mmsi;
    r.time = t;
    r.lat = lat;
    r.lon = lon;
    r.sog_knots = sog;
    return r;
  };
  constexpr core::Timestamp kT0 = 1'000'000'000;
  core::Timestamp t = kT0;
  for (int minute = 0; minute < 180; ++minute, t += 60'000) {  // 3 h at 300 m
    store.Ingest(report(1, t, 10.0, 20.0, 0.5));
    store.Ingest(report(2, t + 1000, 10.0 + 300 / kMetresPerDeg, 20.0, 0.5));
  }
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].start, kT0 + 1000);  // when the second one was first seen close
  EXPECT_GE(seen[0].value, 2);
  EXPECT_EQ(std::min(seen[0].mmsi, seen[0].other_mmsi), 1u);
  EXPECT_EQ(std::max(seen[0].mmsi, seen[0].other_mmsi), 2u);
  // Vessel 2 moves 1.5 km away (still slow) for an hour: the episode ends.
  for (int minute = 0; minute < 60; ++minute, t += 60'000) {
    store.Ingest(report(1, t, 10.0, 20.0, 0.5));
    store.Ingest(report(2, t + 1000, 10.0 + 1500 / kMetresPerDeg, 20.0, 0.5));
  }
  EXPECT_EQ(store.EncounterPairs(), 0u);
  for (int minute = 0; minute < 150; ++minute, t += 60'000) {  // together again for 2.5 h
    store.Ingest(report(1, t, 10.0, 20.0, 0.5));
    store.Ingest(report(2, t + 1000, 10.0 + 100 / kMetresPerDeg, 20.0, 0.5));
  }
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_GT(seen[1].start, seen[0].end);
  // Close but fast (a convoy at 12 kn): never an encounter.
  seen.clear();
  for (int minute = 0; minute < 180; ++minute, t += 60'000) {
    const double north = minute * 12 * 1852 / 60 / kMetresPerDeg;
    store.Ingest(report(3, t, 0.0 + north, 0.0, 12));
    store.Ingest(report(4, t + 1000, 0.001 + north, 0.0, 12));
  }
  EXPECT_TRUE(seen.empty());
}

}  // namespace
}  // namespace issa::maritime
