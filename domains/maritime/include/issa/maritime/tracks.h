#pragma once

// AIS tracks: one track per vessel, fed by position reports (AIS types 1-3, 18, 19, 27), each
// smoothed by a constant-velocity Kalman filter (kalman.h) in a metric frame centred on the
// track. Identity is checked, not assumed: when an MMSI reports from a place its track cannot
// have reached (outside the filter's gate and faster than `max_speed_knots`), the report starts
// a second track for that MMSI instead of being averaged in (two transmitters sharing an MMSI,
// or spoofing). Each track keeps a downsampled history. Anomalies seen while tracking (AIS
// gaps, position jumps, identity conflicts, loitering away from port, encounters, fast craft
// heading for the coast, zone entries) go to the store's AnomalySink. The geography the rules
// need (zones, coastline, ports) is a ZoneIndex given to the store (zones.h).
// Not thread-safe: one store per feed.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/time.h"
#include "issa/maritime/kalman.h"
#include "issa/maritime/zones.h"

namespace issa::maritime {

struct PositionReport {
  uint32_t mmsi = 0;
  core::Timestamp time = 0;
  double lat = 0;
  double lon = 0;
  std::optional<double> sog_knots;
  std::optional<double> cog_deg;
};

// Anomalies found while tracking. Thresholds follow Global Fishing Watch's published
// definitions where they exist (AIS gap: 12 h offshore; loitering: under 2 kn for hours;
// implied speed over 25 kn between fixes as a sign of spoofing).
enum class AnomalyKind : uint8_t {
  kAisGap,            // a track silent for at least gap_threshold_ms, then heard again
  kPositionJump,      // consecutive fixes imply more than jump_speed_knots
  kIdentityConflict,  // one MMSI in two places at once (a second track was started)
  kLoitering,         // under loiter_speed_knots for at least loiter_min_ms
  kGoingDark,         // silent for at least the gap threshold, not heard again yet (sweep)
  kEncounter,         // two vessels close together, slow, for hours, away from port
  kDarkTarget,        // a radar or satellite detection with no AIS track within the gate
  kFastCraft,         // fast and heading for a coastline that is near
  kZoneEntry,         // entered a restricted or monitored zone
};

std::string_view AnomalyKindName(AnomalyKind kind);  // "ais_gap", "position_jump", ...

struct Anomaly {
  AnomalyKind kind = AnomalyKind::kAisGap;
  uint64_t track_id = 0;
  uint32_t mmsi = 0;
  core::Timestamp start = 0;  // when the anomalous behaviour began
  core::Timestamp end = 0;    // when it was observed to end (or the time of detection)
  double lat = 0;             // where it ended (the report that revealed it)
  double lon = 0;
  double from_lat = 0;  // where it began (gap, jump, conflict: the other position)
  double from_lon = 0;
  // gap: hours; jump and conflict: implied knots; loitering: knots; encounter: hours together;
  // fast craft: knots; zone entry: 0.
  double value = 0;
  uint32_t other_mmsi = 0;      // encounter: the other vessel
  uint64_t other_track_id = 0;  // encounter: the other vessel's track
  std::string zone;             // zone entry: the zone's name
  // The rule's parameters, for the record: encounter: the distance between the vessels (m);
  // fast craft: the distance to the coast along the course (m); loitering: the distance to the
  // nearest port (m, -1 when none within the search radius).
  double distance_m = 0;
};

// A zone with its own gap threshold, e.g. 1 h where coastal receivers cover every vessel.
struct GapZone {
  double min_lat = 0, min_lon = 0, max_lat = 0, max_lon = 0;  // min_lon > max_lon: crosses 180
  int64_t gap_threshold_ms = 3'600'000;
};

struct AnomalySettings {
  int64_t gap_threshold_ms = 12 * 3'600'000;  // offshore default
  std::vector<GapZone> gap_zones;             // the first zone holding the last fix decides
  double jump_speed_knots = 25;
  double loiter_speed_knots = 2;
  int64_t loiter_min_ms = 2 * 3'600'000;
  // Loitering counts away from port only (GFW: encounters ≥ 10 km from a port; the same is
  // used for loitering). Optionally also away from the shore (GFW's carrier loitering uses
  // 20 nm); 0 turns that off, since a border authority cares about loitering near its coast.
  double loiter_min_port_distance_m = 10'000;
  double loiter_min_shore_distance_m = 0;

  // Encounters (GFW): two vessels within encounter_max_distance_m for encounter_min_ms, each at
  // a median speed under encounter_speed_knots, at least encounter_min_port_distance_m from a
  // port. Tracks slower than twice the speed threshold are indexed in a grid and compared with
  // their neighbours at most once per encounter_check_interval_ms; a pair not seen together
  // for encounter_max_silence_ms ends its episode.
  bool encounters = true;
  double encounter_max_distance_m = 500;
  int64_t encounter_min_ms = 2 * 3'600'000;
  double encounter_speed_knots = 2;
  double encounter_min_port_distance_m = 10'000;
  int64_t encounter_check_interval_ms = 60'000;
  int64_t encounter_max_silence_ms = 30 * 60'000;
  size_t encounter_max_pairs = 1'000'000;  // bound on pair state; new pairs beyond are dropped

  // Fast craft: speed at least fast_speed_knots on a course that meets a coastline within
  // fast_coast_distance_m. Once per approach.
  bool fast_craft = true;
  double fast_speed_knots = 30;
  double fast_coast_distance_m = 20'000;

  // Zone entry: moving from outside into a zone of the geography (restricted or monitored).
  bool zone_entries = true;
};

struct TrackSettings {
  double fix_sigma_m = 30;               // one-sigma position error of an AIS fix
  double gate_distance2 = 13.8;          // chi-square(2) 99.9 %: a fix inside belongs to the track
  double max_speed_knots = 50;           // faster implied motion between two fixes is impossible
  int64_t history_interval_ms = 60'000;  // at most one history point per interval...
  double history_turn_deg = 15;          // ...unless the course changed by at least this
  size_t history_max_points = 512;       // when full, every other point is dropped (older thinner)
  ConstantVelocitySettings motion;
  AnomalySettings anomalies;
};

struct TrackPoint {
  core::Timestamp time = 0;
  float lat = 0;
  float lon = 0;
  float speed_knots = 0;
  float course_deg = 0;
};

struct Track {
  uint64_t id = 0;  // unique within the store, in order of creation
  uint32_t mmsi = 0;
  bool identity_conflict = false;  // this MMSI has (had) another track at the same time
  core::Timestamp first_seen = 0;
  core::Timestamp last_seen = 0;
  uint32_t reports = 0;
  // The filtered position at last_seen. The filter's metric frame is centred here (it is
  // re-centred after every update, so the filter's own position is always 0, 0).
  double lat = 0;
  double lon = 0;
  ConstantVelocityFilter filter;
  std::vector<TrackPoint> history;
  double last_lat = 0;  // the last reported (unfiltered) position
  double last_lon = 0;
  core::Timestamp slow_since = 0;  // start of the current run of slow reports (0: moving)
  bool loitering_reported = false;
  bool dark_reported = false;  // SweepSilent raised going_dark; cleared when heard again
  bool fast_reported = false;  // fast_craft raised for the current approach
  int32_t zone = -1;           // the zone holding the track (index into the geography), or -1
  uint32_t next_same_mmsi = 0xffffffffU;  // the MMSI's next track (index), internal
  // Encounter index state, internal: the grid cell (or -1), neighbours in the cell, when the
  // neighbours were last compared, the speed then.
  int64_t encounter_cell = -1;
  uint32_t cell_prev = 0xffffffffU;
  uint32_t cell_next = 0xffffffffU;
  core::Timestamp encounter_checked = 0;
  float encounter_speed_knots = 0;
  float history_dir_east = 0;  // the last history point's course as a unit vector, internal
  float history_dir_north = 1;
  core::Timestamp history_time = 0;  // time of the last history point, internal

  // Filtered motion at last_seen.
  double speed_knots() const { return filter.speed_mps() * 3600 / 1852; }
  double course_deg() const { return filter.course_deg(); }
};

enum class IngestResult : uint8_t {
  kNewTrack,       // the first report of an MMSI
  kUpdated,        // added to the MMSI's track
  kIdentitySplit,  // impossible for every track of the MMSI: a new track for the same MMSI
  kOutOfOrder,     // not newer than the last report of every track of the MMSI: ignored
  kDuplicate,      // the same time and position as a track's last report (heard twice): ignored
  kInvalid,        // MMSI 0 or above 999,999,999, or a position out of range (91/181 included)
};

struct TrackStats {
  uint64_t reports = 0;
  uint64_t new_tracks = 0;
  uint64_t updates = 0;
  uint64_t identity_splits = 0;
  uint64_t out_of_order = 0;
  uint64_t duplicates = 0;
  uint64_t invalid = 0;
  uint64_t anomalies = 0;
  uint64_t encounter_pairs_dropped = 0;  // new pairs refused at encounter_max_pairs
};

using AnomalySink = std::function<void(const Anomaly&)>;

class TrackStore {
 public:
  explicit TrackStore(TrackSettings settings = {}, AnomalySink on_anomaly = {});
  TrackStore(TrackSettings settings, AnomalySink on_anomaly, ZoneIndex geography);
  ~TrackStore();
  TrackStore(TrackStore&&) noexcept;
  TrackStore& operator=(TrackStore&&) noexcept;

  IngestResult Ingest(const PositionReport& report);

  size_t size() const { return tracks_.size(); }
  const TrackStats& stats() const { return stats_; }
  // The tracks of an MMSI (usually one), or none.
  std::vector<const Track*> TracksOf(uint32_t mmsi) const;
  const Track* Find(uint64_t id) const;
  // Visits every track.
  template <typename Visit>
  void ForEach(Visit&& visit) const {
    for (const Track& t : tracks_) visit(t);
  }
  // Raises going_dark for every track silent for at least its gap threshold at `now` (the
  // zone of its last fix decides), once per silence. Call it periodically; O(tracks).
  // Returns how many it raised.
  size_t SweepSilent(core::Timestamp now);
  // The gap threshold at a position.
  int64_t GapThreshold(double lat, double lon) const;
  // Bytes held by the store (tracks, histories, indexes, pair state), for the per-track
  // memory figure. The geography is not counted (it does not grow with the tracks).
  size_t MemoryBytes() const;
  const ZoneIndex& geography() const { return geography_; }
  // Vessel pairs currently close together (encounter candidates).
  size_t EncounterPairs() const;

 private:
  Track& NewTrack(const PositionReport& report);
  struct Offset;
  static Offset OffsetIn(const Track& track, double lat, double lon);
  void Update(Track& track, const PositionReport& report, const Offset& at);
  void Record(Track& track, const PositionReport& report);
  void Raise(const Anomaly& anomaly);
  void CheckMotion(Track& track, const PositionReport& report, core::Timestamp previous,
                   double implied_knots, double residual_m);
  void CheckPlace(Track& track, const PositionReport& report);
  bool IsJump(double implied_knots, double residual_m, double seconds) const;
  void CheckEncounters(Track& track, core::Timestamp now, double speed_knots);
  void Unindex(Track& track);
  void SweepPairs(core::Timestamp now);

  struct Pairs;  // encounter state (encounter grid and vessel pairs), in tracks.cc
  struct MmsiIndex;

  TrackSettings settings_;
  std::vector<Track> tracks_;
  std::unique_ptr<MmsiIndex> by_mmsi_;  // MMSI -> its first track (index into tracks_)
  TrackStats stats_;
  AnomalySink on_anomaly_;
  ZoneIndex geography_;
  std::unique_ptr<Pairs> pairs_;
  double cos_turn_ = 1;  // cos(history_turn_deg)
};

}  // namespace issa::maritime
