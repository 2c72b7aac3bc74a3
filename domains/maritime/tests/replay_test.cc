// Replay of recorded feeds: positions and times taken from real logs, determinism, the live
// replay's pacing, and the JSON of anomalies.
#include "issa/maritime/replay.h"

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/core/file.h"
#include "issa/maritime/anomaly_json.h"
#include "issa/schema/registry.h"

namespace issa::maritime {
namespace {

using nlohmann::json;

std::string TestFile(const std::string& name) {
  auto bytes = core::ReadFile(std::string(ISSA_MARITIME_TEST_DATA) + "/" + name);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : std::string();
}

// Every position message gpsdecode printed with a valid position has the same position, speed
// and course in PositionReportOf (real DMA and AMSA feeds: types 1-3, 18, 19, 27).
TEST(PositionReportOf, AgreesWithGpsdOnRealFeeds) {
  for (const std::string name :
       {"dma-stream_example.head300.txt", "amsa-ais.head1500.txt", "gpsd-ais-18-27.log"}) {
    std::vector<json> gpsd;
    std::istringstream in(TestFile(name + ".gpsd.json"));
    for (std::string line; std::getline(in, line);) {
      json j = json::parse(line);
      const int type = j.value("type", 0);
      if ((type >= 1 && type <= 3) || type == 18 || type == 19 || type == 27) {
        gpsd.push_back(std::move(j));
      }
    }
    struct Ours {
      uint32_t mmsi;
      int type;
      std::optional<PositionReport> report;
    };
    std::vector<Ours> ours;
    AisDecoder decoder;
    decoder.Feed(TestFile(name), [&](const AisMessage& m) {
      if ((m.type >= 1 && m.type <= 3) || m.type == 18 || m.type == 19 || m.type == 27) {
        ours.push_back({m.mmsi, m.type, PositionReportOf(m, 1)});
      }
    });
    // Each gpsd message is paired with the next of ours of the same type and MMSI (gpsd skips
    // a few messages it cannot decode).
    size_t compared = 0, next = 0;
    for (const json& g : gpsd) {
      size_t k = next;
      while (k < ours.size() && k < next + 8 &&
             (ours[k].mmsi != g["mmsi"].get<uint32_t>() || ours[k].type != g["type"].get<int>())) {
        ++k;
      }
      ASSERT_TRUE(k < ours.size() && k < next + 8) << name << ": not decoded " << g;
      next = k + 1;
      const std::optional<PositionReport>& r = ours[k].report;
      const double lat = g.value("lat", 91.0), lon = g.value("lon", 181.0);
      if (std::fabs(lat) >= 91 || std::fabs(lon) >= 181) {
        EXPECT_FALSE(r.has_value()) << name << " " << g;
        continue;
      }
      ASSERT_TRUE(r.has_value()) << name << " " << g;
      // gpsdecode prints type 27 positions (1/10 minute) with one decimal of a degree.
      const double tolerance = ours[k].type == 27 ? 0.05 + 1e-9 : 1e-5;
      EXPECT_NEAR(r->lat, lat, tolerance) << g;
      EXPECT_NEAR(r->lon, lon, tolerance) << g;
      if (g.contains("speed") && g["speed"].is_number() && g["speed"].get<double>() < 102.2) {
        ASSERT_TRUE(r->sog_knots.has_value()) << g;
        EXPECT_NEAR(*r->sog_knots, g["speed"].get<double>(), 1e-6) << g;
      }
      if (g.contains("course") && g["course"].is_number() && g["course"].get<double>() < 360) {
        ASSERT_TRUE(r->cog_deg.has_value()) << g;
        EXPECT_NEAR(*r->cog_deg, g["course"].get<double>(), 1e-6) << g;
      }
      ++compared;
    }
    EXPECT_GT(compared, 40u) << name;
  }
}

// The DMA log has a Gatehouse $PGHP header before every message: each message gets the time of
// its own header, and the times agree with the base stations' UTC clocks of the same log.
TEST(FeedClock, TakesEachMessageTimeFromItsPghpHeader) {
  const std::string log = TestFile("dma-stream_example.head300.txt");
  AisDecoder decoder;
  FeedClock clock;
  size_t timed = 0;
  decoder.Feed(log, [&](const AisMessage& m) {
    ASSERT_GE(m.header_time_ms, 0) << "every message of this log follows a $PGHP header";
    const auto t = clock.TimeOf(m);
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(*t, m.header_time_ms);
    // 2010-06-11 11:46 UTC, as the log's base stations say.
    EXPECT_GE(*t, 1'276'256'760'000);
    EXPECT_LT(*t, 1'276'256'880'000);
    ++timed;
  });
  EXPECT_GT(timed, 100u);
  // A header followed by a non-AIS line and then a message does not time that message.
  AisDecoder d2;
  std::vector<int64_t> times;
  d2.Feed(
      "$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B\n"
      "!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B\n"
      "!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B\n",
      [&](const AisMessage& m) { times.push_back(m.header_time_ms); });
  ASSERT_EQ(times.size(), 2u);
  EXPECT_EQ(times[0], 1'276'256'771'390);  // 2010-06-11T11:46:11.390Z
  EXPECT_EQ(times[1], -1);
}

// The AMSA log has no timestamps: times come from the base stations (type 4) and each report's
// UTC second. They must fall inside the span of the base stations' clocks.
TEST(FeedClock, UsesTheBaseStationClockWhenTheLogHasNoTimes) {
  const std::string log = TestFile("amsa-ais.head1500.txt");
  AisDecoder decoder;
  FeedClock clock;
  int64_t min_base = INT64_MAX, max_base = 0;
  std::vector<int64_t> report_times;
  size_t before_first_base = 0;
  decoder.Feed(log, [&](const AisMessage& m) {
    const auto t = clock.TimeOf(m);
    if (m.type == 4 && t) {
      min_base = std::min(min_base, *t);
      max_base = std::max(max_base, *t);
    }
    if (m.type >= 1 && m.type <= 3) {
      if (t) {
        report_times.push_back(*t);
      } else {
        ++before_first_base;
      }
    }
  });
  ASSERT_GT(report_times.size(), 500u);
  EXPECT_LT(before_first_base, 50u);
  for (const int64_t t : report_times) {
    EXPECT_GE(t, min_base - 60'000);
    EXPECT_LE(t, max_base + 60'000);
  }
}

TEST(Replay, IsDeterministicAndAccountsForEveryReport) {
  const auto run = [](std::vector<std::string>& lines) {
    Replay replay({}, [&](const Anomaly& a) { lines.push_back(AnomalyJson(a, {})); });
    replay.AddAis(TestFile("amsa-ais.head1500.txt"));
    replay.AddAis(TestFile("dma-stream_example.head300.txt"));
    return replay.Run();
  };
  std::vector<std::string> first, second;
  const ReplaySummary a = run(first);
  const ReplaySummary b = run(second);
  EXPECT_EQ(first, second);
  EXPECT_EQ(a.files, 2u);
  EXPECT_GT(a.position_reports, 900u);
  EXPECT_EQ(a.position_reports, b.position_reports);
  EXPECT_EQ(a.tracks, b.tracks);
  const TrackStats& t = a.tracking;
  EXPECT_EQ(t.reports, a.position_reports);
  EXPECT_EQ(
      t.new_tracks + t.updates + t.identity_splits + t.out_of_order + t.duplicates + t.invalid,
      t.reports);
  EXPECT_GT(t.duplicates, 0u);  // the AMSA feed hears many messages twice
  uint64_t raised = 0;
  for (const uint64_t n : a.anomalies_by_kind) raised += n;
  EXPECT_EQ(raised, first.size());
  EXPECT_EQ(raised, t.anomalies);
  // Two feeds from 2010 (DMA) and 2012 (AMSA), replayed in time order.
  EXPECT_LT(a.first_time, 1'300'000'000'000);
  EXPECT_GT(a.last_time, 1'300'000'000'000);
  const json summary = json::parse(ReplaySummaryJson(a));
  EXPECT_EQ(summary["position_reports"].get<uint64_t>(), a.position_reports);
  EXPECT_EQ(summary["tracks"].get<size_t>(), a.tracks);
}

// A satellite scene over a real AIS log: the detection on an AIS vessel goes to its track, the
// one far from any raises dark_target, once.
TEST(Replay, FusesDetectionScenesWithTheAisTracks) {
  const std::string log = TestFile("amsa-ais.head1500.txt");
  ReplaySummary scratch;
  const std::vector<PositionReport> reports = DecodePositionReports(log, scratch);
  ASSERT_FALSE(reports.empty());
  const PositionReport& v = reports.back();
  const std::string when = core::FormatTimestamp(v.time + 1000);
  std::string csv = "time,lat,lon,scene_id,DetectionId,position_sigma_m\n";
  csv += fmt::format("{},{:.6f},{:.6f},S1,on-ais,50\n", when, v.lat, v.lon);
  csv += fmt::format("{},{:.6f},{:.6f},S1,far-away,50\n", when, v.lat + 0.5, v.lon);
  std::vector<Anomaly> dark;
  Replay replay({}, [&](const Anomaly& a) {
    if (a.kind == AnomalyKind::kDarkTarget) dark.push_back(a);
  });
  replay.AddAis(log);
  ASSERT_TRUE(replay.AddDetections(csv, true, "scene.csv", Sensor::kSar).ok());
  const ReplaySummary s = replay.Run();
  EXPECT_EQ(s.detections, 2u);
  EXPECT_EQ(s.detection_batches, 1u);
  EXPECT_EQ(s.fusion.assigned_ais, 1u);
  ASSERT_EQ(dark.size(), 1u);
  EXPECT_NEAR(dark[0].lat, v.lat + 0.5, 1e-6);
  EXPECT_NE(dark[0].zone.find("far-away"), std::string::npos);
  const json line = json::parse(AnomalyJson(dark[0], {}));
  EXPECT_EQ(line["kind"], "dark_target");
  EXPECT_FALSE(line.contains("mmsi"));
  // A file that is not detections at all is refused, naming it.
  Replay bad({}, {});
  const Status refused = bad.AddDetections("no,columns\n1,2\n", true, "junk.csv");
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.ToString().find("junk.csv"), std::string::npos) << refused.ToString();
}

TEST(Replay, NamesAFileItCannotRead) {
  Replay replay({}, {});
  const Status s = replay.AddAisFile("/nonexistent/feed.nmea");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("/nonexistent/feed.nmea"), std::string::npos);
}

std::vector<PositionReport> Reports(std::initializer_list<int64_t> times) {
  std::vector<PositionReport> out;
  for (const int64_t t : times) {
    PositionReport r;
    r.mmsi = 211'000'000;
    r.time = t;
    r.lat = 54;
    r.lon = 10;
    out.push_back(r);
  }
  return out;
}

TEST(LiveReplay, PlaysTheLogAgainstTheClockAndSkipsIdleStretches) {
  // Reports at 0 s, 2 s, 4 s, then an hour of silence, then 3600 s + 1 s.
  LiveReplay feed(Reports({1'000'000, 1'002'000, 1'004'000, 4'601'000}), 50'000, 1.0);
  EXPECT_EQ(feed.Due(50'000, false).size(), 1u);  // the first, at the start
  EXPECT_TRUE(feed.Due(51'000, false).empty());
  const auto two = feed.Due(54'000, false);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].time, 52'000);  // the log's spacing, shifted to the clock
  EXPECT_EQ(two[1].time, 54'000);
  // The hour without reports is skipped: the last report is due within the idle limit.
  std::vector<PositionReport> last;
  for (int64_t now = 55'000; now <= 70'000 && last.empty(); now += 1'000) {
    last = feed.Due(now, false);
  }
  ASSERT_EQ(last.size(), 1u);
  EXPECT_LE(last[0].time, 70'000);
  EXPECT_TRUE(feed.finished());
  EXPECT_TRUE(feed.Due(80'000, false).empty());
  // Looping starts over at the clock's time.
  const auto again = feed.Due(90'000, true);
  EXPECT_TRUE(feed.restarted());
  EXPECT_FALSE(feed.restarted());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].time, 90'000);
}

TEST(LiveReplay, AFasterReplayKeepsTheSpacingOfReports) {
  LiveReplay feed(Reports({0 + 1'000, 10'000 + 1'000, 20'000 + 1'000}), 100'000, 10.0);
  feed.Due(100'000, false);
  const auto due = feed.Due(102'000, false);  // 2 s of clock = 20 s of log
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[1].time - due[0].time, 10'000);
}

TEST(AnomalyJson, CarriesKindVesselsTimesPlaceAndParameters) {
  Anomaly gap;
  gap.kind = AnomalyKind::kAisGap;
  gap.mmsi = 227'000'001;
  gap.track_id = 7;
  gap.start = 1'700'000'000'000;
  gap.end = 1'700'050'000'000;
  gap.lat = 43.1;
  gap.lon = 5.2;
  gap.from_lat = 43.0;
  gap.from_lon = 5.0;
  gap.value = 13.9;
  AnomalySettings settings;
  const json j = json::parse(AnomalyJson(gap, settings));
  EXPECT_EQ(j["kind"], "ais_gap");
  EXPECT_EQ(j["mmsi"], 227'000'001);
  EXPECT_EQ(j["start"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(j["lat"], 43.1);
  EXPECT_EQ(j["gap_hours"], 13.9);
  EXPECT_EQ(j["parameters"]["gap_threshold_hours"], 12.0);

  Anomaly meet = gap;
  meet.kind = AnomalyKind::kEncounter;
  meet.other_mmsi = 227'000'002;
  meet.other_track_id = 8;
  const json e = json::parse(AnomalyJson(meet, settings));
  EXPECT_FALSE(e.contains("mmsi"));
  EXPECT_EQ(e["mmsis"], json::array({227'000'001, 227'000'002}));
  EXPECT_EQ(e["track_ids"], json::array({7, 8}));
  EXPECT_EQ(e["parameters"]["max_distance_m"], 500.0);
  EXPECT_EQ(e["parameters"]["min_hours"], 2.0);

  const json record = json::parse(AnomalyEventJson(
      gap, settings, R"({"classification":"LIMITED","distribution":"all","purposes":["border"]})"));
  EXPECT_EQ(record["type"], "Event");
  EXPECT_EQ(record["properties"]["category"], "maritime.ais_gap");
  EXPECT_EQ(record["properties"]["mmsi"], json::array({"227000001"}));
  EXPECT_EQ(record["geometry"]["type"], "LineString");
  EXPECT_EQ(record["handling"]["distribution"], "all");
  // Every kind makes a record the node's built-in Event schema accepts.
  auto registry = schema::Registry::LoadBuiltin();
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  for (int k = 0; k <= static_cast<int>(AnomalyKind::kZoneEntry); ++k) {
    Anomaly a = k == static_cast<int>(AnomalyKind::kEncounter) ? meet : gap;
    a.kind = static_cast<AnomalyKind>(k);
    a.zone = "Zone A";
    const auto draft = schema::ParseRecord(
        **registry,
        AnomalyEventJson(a, settings, R"({"classification":"LIMITED","purposes":["border"]})"));
    EXPECT_TRUE(draft.ok()) << AnomalyKindName(a.kind) << ": " << draft.status().ToString();
  }
}

}  // namespace
}  // namespace issa::maritime
