#pragma once

// Replay of recorded maritime feeds: AIS logs (NMEA 0183) and detection files are decoded, put
// in time order and run through the tracker and its anomaly rules as fast as the machine goes.
// The result depends only on the input and the settings, never on the wall clock, so a replay
// is reproducible evidence: the same files give the same events in the same order.
//
// Time of an AIS message, first that applies: its NMEA 4.10 tag block (c:), its trailing
// receiver timestamp, the Gatehouse $PGHP header before it, or the UTC clock of the base
// stations heard so far (types 4 and 11) with the report's own UTC second. Messages with none
// of these (a plain log without any base station) cannot be placed in time and are counted as
// untimed.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/maritime/ais.h"
#include "issa/maritime/detection.h"
#include "issa/maritime/fusion.h"
#include "issa/maritime/tracks.h"

namespace issa::maritime {

// The position report carried by an AIS message (types 1-3, 18, 19, 27) at `time`; nullopt
// for other types and for positions marked "not available" (91° / 181°). Speed and course are
// set when available.
std::optional<PositionReport> PositionReportOf(const AisMessage& message, core::Timestamp time);

// Gives each message of one recorded feed its time (see the file comment). Not thread-safe.
class FeedClock {
 public:
  // The message's time in ms, or nullopt when none is known yet. Call for every message in feed
  // order: base station reports set the clock.
  std::optional<core::Timestamp> TimeOf(const AisMessage& message);

 private:
  core::Timestamp base_station_ms_ = -1;  // the last base station's UTC time
};

struct ReplaySummary;

// The position reports of an AIS log with their times (see the file comment), sorted by time
// (ties keep log order). Adds the decoder's counts and the untimed / no-position counts to
// `summary`.
std::vector<PositionReport> DecodePositionReports(std::string_view bytes, ReplaySummary& summary);

// A recorded feed played as if it were live: report times are shifted so that the log starts
// at `start`, and the log is played `speed` times as fast as the clock. The spacing of reports
// is kept (a faster replay does not make vessels faster), so with speed > 1 feed time runs
// ahead of the clock. A stretch of more than 10 s without reports is skipped. Not
// thread-safe.
class LiveReplay {
 public:
  // `reports` sorted by time.
  LiveReplay(std::vector<PositionReport> reports, core::Timestamp start, double speed);

  // The reports due at clock time `now`, with their shifted times, in order. After the last report
  // the log starts over at `now` when `loop` is set (restarted() then turns true once).
  std::vector<PositionReport> Due(core::Timestamp now, bool loop);
  bool restarted();
  bool finished() const { return next_ >= reports_.size(); }
  size_t size() const { return reports_.size(); }

 private:
  static constexpr core::Timestamp kMaxIdleMs = 10'000;
  core::Timestamp Shifted(core::Timestamp t) const;

  std::vector<PositionReport> reports_;
  core::Timestamp start_;
  double speed_;
  size_t next_ = 0;
  bool restarted_ = false;
  core::Timestamp skipped_ms_ = 0;  // idle stretches of the log skipped so far
};

struct ReplaySettings {
  TrackSettings tracking;
  ZoneIndex geography;  // zones, coastlines and ports of the anomaly rules (built)
  FusionSettings fusion;
  // Going-dark sweeps run each time feed time passes another interval, and once at the end.
  int64_t sweep_interval_ms = 600'000;
  // At the end of the feed, tracks silent since before `end - gap threshold` are swept at the
  // time of the last message; false leaves silent tracks undecided.
  bool sweep_at_end = true;
};

struct ReplaySummary {
  uint64_t files = 0;
  uint64_t bytes = 0;
  AisStats decoding;              // summed over the AIS inputs
  uint64_t position_reports = 0;  // position messages with a time
  uint64_t untimed = 0;           // position messages without one (not tracked)
  uint64_t no_position = 0;       // position messages whose position is "not available"
  TrackStats tracking;
  uint64_t detections = 0;           // detections read from detection files
  uint64_t detections_rejected = 0;  // bad rows or items (counted, skipped)
  uint64_t detection_batches = 0;    // scenes or scans fused
  FusionStats fusion;
  std::array<uint64_t, 16> anomalies_by_kind{};  // indexed by AnomalyKind
  size_t tracks = 0;
  core::Timestamp first_time = 0;  // of the reports replayed
  core::Timestamp last_time = 0;
  double seconds = 0;  // wall time of Run(), for the reports/s figure only
};

// Collects inputs, then replays them. Not thread-safe.
class Replay {
 public:
  Replay(ReplaySettings settings, AnomalySink on_anomaly);
  Replay(const Replay&) = delete;  // the track store's sink points here
  Replay& operator=(const Replay&) = delete;

  // Adds an AIS log: decodes it now (tag blocks, $PGHP, receiver timestamps as in ais.h).
  void AddAis(std::string_view bytes);
  // Reads a file and adds it; NotFound / Unavailable naming the path when it cannot be read.
  Status AddAisFile(const std::string& path);
  // Adds radar or satellite detections (detection.h, CSV or JSON). Detections of one scene
  // (scene_id), or without a scene id those with the same time (one radar scan), are fused as
  // one batch at their time, after the AIS reports up to that time. Bad rows are counted.
  // InvalidArgument naming the field when the file cannot be read as detections at all.
  // `sensor` applies to detections whose input does not name one.
  Status AddDetections(std::string_view text, bool csv, const std::string& name,
                       Sensor sensor = Sensor::kUnknown);
  // Reads a detection file: .csv is CSV, anything else JSON.
  Status AddDetectionsFile(const std::string& path, Sensor sensor = Sensor::kUnknown);

  // Replays everything added, in time order (ties keep input order), and returns the summary.
  ReplaySummary Run();

  const TrackStore& tracks() const { return tracks_; }
  const Fusion& fusion() const { return fusion_; }

 private:
  ReplaySettings settings_;
  void Count(const Anomaly& anomaly);

  TrackStore tracks_;
  Fusion fusion_;
  AnomalySink on_anomaly_;
  std::vector<PositionReport> reports_;
  std::vector<std::vector<Detection>> batches_;
  ReplaySummary summary_;
};

// The summary as a JSON object (no newline).
std::string ReplaySummaryJson(const ReplaySummary& summary);

}  // namespace issa::maritime
