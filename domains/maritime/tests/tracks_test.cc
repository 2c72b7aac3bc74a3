#include "issa/maritime/tracks.h"

#include <cmath>
#include <numbers>
#include <random>

#include <gtest/gtest.h>

namespace issa::maritime {
namespace {

constexpr double kRad = std::numbers::pi / 180;
constexpr double kMetresPerDegLat = 111'195;  // mean-radius sphere

// A ship moving from (lat, lon) at `knots` on `course_deg`, its position after `seconds`.
void Move(double lat, double lon, double knots, double course_deg, double seconds, double& out_lat,
          double& out_lon) {
  const double d = knots * 1852 / 3600 * seconds;
  out_lat = lat + d * std::cos(course_deg * kRad) / kMetresPerDegLat;
  out_lon = lon + d * std::sin(course_deg * kRad) / (kMetresPerDegLat * std::cos(lat * kRad));
  if (out_lon > 180) out_lon -= 360;
}

PositionReport Report(uint32_t mmsi, core::Timestamp t, double lat, double lon) {
  PositionReport r;
  r.mmsi = mmsi;
  r.time = t;
  r.lat = lat;
  r.lon = lon;
  return r;
}

TEST(TrackStoreTest, OneShipOneTrackWithFilteredMotionAndThinHistory) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0, 20.0 / kMetresPerDegLat);  // 20 m
  TrackStore store;
  for (int k = 0; k < 360; ++k) {  // one hour, a fix every 10 s, 12 kn on 045
    double lat = 0, lon = 0;
    Move(43.2, 5.3, 12, 45, 10.0 * k, lat, lon);
    const IngestResult r =
        store.Ingest(Report(227006760, 1'700'000'000'000 + k * 10'000, lat + noise(rng),
                            lon + noise(rng) / std::cos(43.2 * kRad)));
    EXPECT_EQ(r, k == 0 ? IngestResult::kNewTrack : IngestResult::kUpdated) << k;
  }
  ASSERT_EQ(store.size(), 1u);
  const auto tracks = store.TracksOf(227006760);
  ASSERT_EQ(tracks.size(), 1u);
  const Track& t = *tracks[0];
  EXPECT_EQ(t.reports, 360u);
  EXPECT_FALSE(t.identity_conflict);
  EXPECT_NEAR(t.speed_knots(), 12, 0.5);
  EXPECT_NEAR(t.course_deg(), 45, 3);
  double lat = 0, lon = 0;
  Move(43.2, 5.3, 12, 45, 3590, lat, lon);
  EXPECT_NEAR(t.lat, lat, 30 / kMetresPerDegLat);
  EXPECT_NEAR(t.lon, lon, 30 / (kMetresPerDegLat * std::cos(43.2 * kRad)));
  // One history point a minute; a few more while the filter still learns the course (a
  // course change of 15° adds a point).
  EXPECT_GE(t.history.size(), 60u);
  EXPECT_LE(t.history.size(), 66u);
  for (size_t i = 1; i < t.history.size(); ++i) {
    if (t.history[i].time - t.history[0].time < 300'000) continue;  // converging
    EXPECT_GE(t.history[i].time - t.history[i - 1].time, 60'000) << i;
  }
  EXPECT_EQ(store.stats().updates, 359u);
  EXPECT_GT(store.MemoryBytes(), sizeof(Track));
}

// Two transmitters share one MMSI, 100 km apart: two tracks, each following its own ship,
// both flagged, instead of one track zig-zagging between them.
TEST(TrackStoreTest, OneMmsiInTwoPlacesIsSplitNotAveraged) {
  TrackStore store;
  for (int k = 0; k < 100; ++k) {
    double lat = 0, lon = 0;
    const bool west = k % 2 == 0;
    Move(west ? 36.0 : 36.0, west ? 14.0 : 15.12, 10, west ? 90 : 270, 10.0 * k, lat, lon);
    store.Ingest(Report(247123456, 1'000'000 + k * 10'000, lat, lon));
  }
  EXPECT_EQ(store.stats().identity_splits, 1u);
  const auto tracks = store.TracksOf(247123456);
  ASSERT_EQ(tracks.size(), 2u);
  for (const Track* t : tracks) {
    EXPECT_TRUE(t->identity_conflict);
    EXPECT_EQ(t->reports, 50u);
    EXPECT_NEAR(t->speed_knots(), 10, 1);
  }
  EXPECT_LT(tracks[0]->lon, 14.2);
  EXPECT_GT(tracks[1]->lon, 14.9);
}

TEST(TrackStoreTest, OldDuplicateAndInvalidReportsChangeNothing) {
  TrackStore store;
  ASSERT_EQ(store.Ingest(Report(1, 20'000, 10, 10)), IngestResult::kNewTrack);
  ASSERT_EQ(store.Ingest(Report(1, 30'000, 10.0005, 10)), IngestResult::kUpdated);
  EXPECT_EQ(store.Ingest(Report(1, 30'000, 10.0005, 10)), IngestResult::kDuplicate);
  EXPECT_EQ(store.Ingest(Report(1, 30'000, 10.0006, 10)), IngestResult::kOutOfOrder);
  EXPECT_EQ(store.Ingest(Report(1, 25'000, 50, 50)), IngestResult::kOutOfOrder);
  EXPECT_EQ(store.Ingest(Report(0, 40'000, 10, 10)), IngestResult::kInvalid);
  EXPECT_EQ(store.Ingest(Report(1'000'000'000, 40'000, 10, 10)), IngestResult::kInvalid);
  EXPECT_EQ(store.Ingest(Report(2, 40'000, 91, 10)), IngestResult::kInvalid);
  EXPECT_EQ(store.Ingest(Report(2, 40'000, 10, 181)), IngestResult::kInvalid);
  EXPECT_EQ(store.Ingest(Report(2, 40'000, std::nan(""), 10)), IngestResult::kInvalid);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.TracksOf(1)[0]->reports, 2u);
  EXPECT_EQ(store.stats().out_of_order, 2u);
  EXPECT_EQ(store.stats().duplicates, 1u);
  EXPECT_EQ(store.stats().invalid, 5u);
  EXPECT_EQ(store.stats().reports, 10u);
  EXPECT_EQ(store.Find(1)->mmsi, 1u);
  EXPECT_EQ(store.Find(2), nullptr);
}

// A ship that turns or reappears after a long silence far away (but within reach) keeps its
// track; a ship crossing the antimeridian too.
TEST(TrackStoreTest, TurnsGapsAndTheAntimeridianKeepOneTrack) {
  TrackStore store;
  double lat = 0, lon = 0;
  double turn_lat = 0, turn_lon = 0;
  Move(-17.5, 179.97, 14, 0, 290, turn_lat, turn_lon);  // where the northward leg ends
  core::Timestamp t = 1'000'000;
  for (int k = 0; k < 60; ++k, t += 10'000) {  // north, then a sharp turn east
    if (k < 30) {
      Move(-17.5, 179.97, 14, 0, 10.0 * k, lat, lon);
    } else {
      Move(turn_lat, turn_lon, 14, 90, 10.0 * (k - 29), lat, lon);
    }
    EXPECT_NE(store.Ingest(Report(503000001, t, lat, lon)), IngestResult::kIdentitySplit) << k;
  }
  // Six hours of silence, then 60 nautical miles further on (10 kn): reachable.
  Move(lat, lon, 10, 90, 6 * 3600, lat, lon);
  EXPECT_EQ(store.Ingest(Report(503000001, t + 6 * 3'600'000, lat, lon)), IngestResult::kUpdated);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.stats().identity_splits, 0u);
  const double end_lon = store.TracksOf(503000001)[0]->lon;  // across the antimeridian
  EXPECT_GT(end_lon, -179.5);
  EXPECT_LT(end_lon, -178.0);
}

// A ferry at 20 kn that stops at its quay in Sydney (the real AMSA log of data/demo, MMSI
// 503376300, times from 2012-01-27T11:47:02Z): the filter overshoots out of its gate, but each
// fix is where the ferry could be, so it keeps one track (it was split before the fix).
TEST(TrackStoreTest, ASharpStopKeepsOneTrack) {
  struct Fix {
    int64_t ms;
    double lat, lon, sog, cog;
  };
  const Fix fixes[] = {
      {0, -33.852717, 151.193600, 20.1, 334.9},     {2000, -33.852533, 151.193517, 20.0, 336.5},
      {4000, -33.852367, 151.193433, 20.0, 337.1},  {6000, -33.852200, 151.193350, 20.0, 337.5},
      {8000, -33.852033, 151.193267, 20.0, 337.5},  {10000, -33.851850, 151.193200, 20.0, 338.2},
      {12000, -33.851683, 151.193117, 20.0, 338.7}, {14000, -33.851517, 151.193033, 20.0, 338.7},
      {16000, -33.851350, 151.192967, 20.0, 338.8}, {18000, -33.851167, 151.192883, 19.9, 338.8},
      {20000, -33.851000, 151.192800, 20.0, 338.7}, {22000, -33.850833, 151.192717, 19.9, 338.2},
      {23000, -33.850750, 151.192667, 19.9, 337.7}, {26000, -33.850500, 151.192533, 19.8, 336.4},
      {30000, -33.850167, 151.192317, 19.6, 332.9}, {34000, -33.849850, 151.192083, 19.8, 328.2},
      {35000, -33.849783, 151.192033, 19.7, 326.9}, {38000, -33.849567, 151.191833, 19.7, 324.2},
      {40000, -33.849433, 151.191683, 19.4, 317.7}, {42000, -33.849300, 151.191533, 19.4, 313.8},
      {44000, -33.849183, 151.191367, 19.6, 311.0}, {46000, -33.849067, 151.191200, 19.6, 309.1},
      {47000, -33.849017, 151.191100, 19.6, 308.8}, {50000, -33.848850, 151.190833, 19.8, 307.3},
      {52000, -33.848733, 151.190667, 19.9, 307.0}, {54000, -33.848633, 151.190483, 20.0, 306.3},
      {56000, -33.848517, 151.190300, 20.0, 306.2}, {58000, -33.848417, 151.190100, 20.1, 305.5},
      {60000, -33.848317, 151.189917, 20.1, 304.5}, {62000, -33.848217, 151.189733, 20.1, 303.7},
      {64000, -33.848117, 151.189550, 19.8, 303.4}, {66000, -33.848017, 151.189383, 19.6, 303.5},
      {68000, -33.847917, 151.189200, 19.5, 303.7}, {70000, -33.847817, 151.189033, 19.2, 304.0},
      {72000, -33.847717, 151.188867, 19.0, 304.4}, {74000, -33.847617, 151.188700, 18.8, 304.3},
      {76000, -33.847533, 151.188533, 18.5, 304.3}, {78000, -33.847433, 151.188367, 18.3, 304.1},
      {80000, -33.847333, 151.188200, 18.2, 304.1}, {82000, -33.847250, 151.188033, 17.9, 303.9},
      {83000, -33.847217, 151.187967, 17.7, 303.7}, {86000, -33.847083, 151.187733, 17.0, 303.4},
      {88000, -33.847000, 151.187583, 15.7, 303.0}, {90000, -33.846933, 151.187467, 15.0, 303.0},
      {92000, -33.846867, 151.187333, 14.1, 303.2}, {95000, -33.846783, 151.187183, 11.3, 304.1},
      {102000, -33.846617, 151.186900, 8.3, 304.9}, {107000, -33.846533, 151.186750, 6.9, 302.9},
      {114000, -33.846450, 151.186583, 4.2, 300.2}, {120000, -33.846417, 151.186517, 2.1, 288.3},
      {126000, -33.846417, 151.186483, 1.3, 277.5}, {132000, -33.846417, 151.186483, 0.4, 250.3},
      {138000, -33.846417, 151.186483, 0.3, 242.9}, {140000, -33.846417, 151.186483, 0.3, 241.7},
      {142000, -33.846417, 151.186483, 0.2, 238.9}, {143000, -33.846417, 151.186483, 0.2, 238.9},
  };
  TrackStore store;
  for (const Fix& f : fixes) {
    PositionReport r = Report(503'376'300, 1'327'664'822'000 + f.ms, f.lat, f.lon);
    r.sog_knots = f.sog;
    r.cog_deg = f.cog;
    EXPECT_NE(store.Ingest(r), IngestResult::kIdentitySplit) << f.ms;
  }
  EXPECT_EQ(store.TracksOf(503'376'300).size(), 1u);
  EXPECT_EQ(store.stats().identity_splits, 0u);
}

TEST(TrackStoreTest, HistoryIsThinnedWhenFull) {
  TrackSettings settings;
  settings.history_max_points = 8;
  settings.history_interval_ms = 10'000;
  TrackStore store(settings);
  for (int k = 0; k < 100; ++k) {
    double lat = 0, lon = 0;
    Move(0, 0, 8, 180, 10.0 * k, lat, lon);
    store.Ingest(Report(9, 10'000 + k * 10'000, lat, lon));
  }
  const Track& t = *store.TracksOf(9)[0];
  EXPECT_LE(t.history.size(), 8u);
  EXPECT_GE(t.history.size(), 4u);
  EXPECT_EQ(t.history.back().time, 10'000 + 99 * 10'000);
  for (size_t i = 1; i < t.history.size(); ++i) {
    EXPECT_GT(t.history[i].time, t.history[i - 1].time);
  }
  // Older points are sparser than newer ones.
  EXPECT_GE(t.history[1].time - t.history[0].time,
            t.history.back().time - t.history[t.history.size() - 2].time);
}

}  // namespace
}  // namespace issa::maritime
