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
  EXPECT_EQ(store.Ingest(Report(1, 30'000, 10.0005, 10)), IngestResult::kOutOfOrder);
  EXPECT_EQ(store.Ingest(Report(1, 25'000, 50, 50)), IngestResult::kOutOfOrder);
  EXPECT_EQ(store.Ingest(Report(0, 40'000, 10, 10)), IngestResult::kInvalid);
  EXPECT_EQ(store.Ingest(Report(1'000'000'000, 40'000, 10, 10)), IngestResult::kInvalid);
  EXPECT_EQ(store.Ingest(Report(2, 40'000, 91, 10)), IngestResult::kInvalid);
  EXPECT_EQ(store.Ingest(Report(2, 40'000, 10, 181)), IngestResult::kInvalid);
  EXPECT_EQ(store.Ingest(Report(2, 40'000, std::nan(""), 10)), IngestResult::kInvalid);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.TracksOf(1)[0]->reports, 2u);
  EXPECT_EQ(store.stats().out_of_order, 2u);
  EXPECT_EQ(store.stats().invalid, 5u);
  EXPECT_EQ(store.stats().reports, 9u);
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
