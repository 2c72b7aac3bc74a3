#pragma once

// Fusion of non-cooperative detections (radar plots, SAR/optical detections) with AIS tracks,
// and tracking of the vessels that AIS does not show ("dark" tracks).
//
// Each call fuses one batch: a radar scan or a satellite scene. The AIS tracks near the batch
// (a coarse grid of AIS track positions, rebuilt lazily) and the dark tracks are predicted to
// the batch time; each detection–track pair is gated with the Mahalanobis distance (the
// detection's position uncertainty plus the track's predicted covariance, chi-square with 2
// degrees of freedom) and costed as a negative log-likelihood; global nearest neighbour
// assignment (assignment.h) then picks one track per detection, or none, for each cluster of
// gated pairs. Detections left unassigned start tentative dark tracks; a dark track is
// confirmed after M hits in N looks and deleted after K consecutive misses inside coverage or
// a time-out. A `dark_target` anomaly is raised once per dark track, from a detection with no
// AIS track inside its gate; a track that continues a lost one does not raise again
// (docs/maritime.md, Fusion).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/maritime/detection.h"
#include "issa/maritime/kalman.h"
#include "issa/maritime/tracks.h"

namespace issa::maritime {

struct FusionSettings {
  // Gate on the normalised innovation squared: chi-square(2) 99.9 %.
  double gate_distance2 = 13.8;
  // Probability that the sensor detects a vessel inside its coverage.
  double detection_probability = 0.9;
  // Spatial density of detections that belong to no existing track (clutter plus new
  // targets), per km². Leaving a detection unassigned costs -ln(density): a pair is used only
  // when its likelihood beats it.
  double unassigned_density_per_km2 = 0.01;
  // AIS tracks silent for longer than this are not candidates (their prediction is too vague).
  int64_t ais_max_age_ms = 30 * 60'000;
  // An AIS track is predicted from its last reported fix (not the filtered estimate, which
  // lags in a turn: the store's filter is tuned for ships keeping course) with the filter's
  // velocity. The fix's one-sigma error, and the speed uncertainty that grows the gate with
  // the time since the fix:
  double ais_fix_sigma_m = 30;
  double ais_speed_sigma_mps = 1;
  // Bounds how far an AIS track can have moved since the grid saw it.
  double max_speed_knots = 50;
  // The coarse grid of AIS track positions: cell size, and how often it is rebuilt (batch
  // time); tracks created since are added at each batch.
  double grid_cell_deg = 0.5;
  int64_t grid_rebuild_ms = 60'000;
  // Track management. Tentative: confirmed after confirm_hits of the first confirm_looks looks
  // (batches covering it) if its speed is at most max_speed_knots, deleted otherwise. Confirmed:
  // deleted after max_misses consecutive misses inside coverage. Any: deleted after timeout_ms
  // without a detection.
  int confirm_hits = 3;
  int confirm_looks = 4;
  int max_misses = 5;
  int64_t timeout_ms = 10 * 60'000;
  // A tentative track without a detection for this long is deleted, whatever the coverage
  // says (without a footprint the coverage is only the detections' bounding box).
  int64_t tentative_timeout_ms = 60'000;
  // A newly confirmed track within the gate of a lost (or live) reported dark track is the
  // same vessel found again; the gate then also allows this speed error over the time since
  // that track's last detection.
  double continuation_speed_sigma_mps = 2;
  size_t history_points = 32;  // short history per dark track (oldest dropped)
  // Satellite detections (SAR, optical) are one look per pass: a dark track they start raises
  // dark_target at once when the detection's confidence is at least this (or unknown).
  double single_look_min_confidence = 0.5;
  // Detections claiming a larger uncertainty than this are rejected as invalid.
  double max_position_sigma_m = 20'000;
  // Non-cooperative craft manoeuvre more than AIS traffic (0.3 m²/s³: a 90° turn at 2°/s keeps
  // its track; see docs/maritime.md).
  ConstantVelocitySettings dark_motion{.acceleration_psd = 0.3, .initial_speed_sigma_mps = 10};
};

enum class FusionOutcome : uint8_t {
  kAis,           // assigned to an AIS track
  kDarkTrack,     // assigned to an existing dark track
  kNewDarkTrack,  // unassigned: started a tentative dark track
  kInvalid,       // time outside 1970..3000, NaN or out-of-range position, bad sigma: ignored
  kOutOfOrder,    // the batch is older than the last fused batch: ignored
};

// What became of one detection (same order as the input).
struct FusedDetection {
  FusionOutcome outcome = FusionOutcome::kInvalid;
  uint64_t ais_track_id = 0;   // kAis: the TrackStore track
  uint32_t mmsi = 0;           // kAis
  uint64_t dark_track_id = 0;  // kDarkTrack, kNewDarkTrack
  double distance2 = 0;        // the chosen pair's normalised innovation squared
};

struct FusionStats {
  uint64_t batches = 0;
  uint64_t detections = 0;
  uint64_t assigned_ais = 0;
  uint64_t assigned_dark = 0;
  uint64_t new_dark_tracks = 0;
  uint64_t confirmed_dark_tracks = 0;
  uint64_t deleted_dark_tracks = 0;
  uint64_t continued_dark_tracks = 0;  // confirmed as the continuation of a reported track
  uint64_t invalid = 0;
  uint64_t out_of_order_batches = 0;
  uint64_t out_of_order_detections = 0;
  uint64_t dark_targets = 0;    // dark_target anomalies raised
  uint64_t grid_rebuilds = 0;   // full rebuilds of the AIS grid
  uint64_t ais_candidates = 0;  // AIS tracks predicted (sum over batches)
};

enum class DarkTrackState : uint8_t { kTentative, kConfirmed };

// A vessel seen by radar or satellite and by no AIS track.
struct DarkTrack {
  uint64_t id = 0;  // unique within the Fusion, from 1 (its own numbering, not TrackStore's)
  DarkTrackState state = DarkTrackState::kTentative;
  core::Timestamp first_seen = 0;
  core::Timestamp last_seen = 0;
  // The filtered position at last_seen; the filter's frame is centred here (as in tracks.h).
  double lat = 0;
  double lon = 0;
  double first_lat = 0;  // the first detection
  double first_lon = 0;
  ConstantVelocityFilter filter;
  uint32_t hits = 0;
  uint32_t looks = 0;   // batches that covered it, including the first
  uint32_t window = 0;  // bit i: hit in the i-th latest look
  uint32_t misses = 0;  // consecutive misses inside coverage
  bool dark_target_raised = false;
  // When it was confirmed: the lost (or live) dark track of the same vessel it continues, whose
  // dark_target stands for it; 0 if none.
  uint64_t continues = 0;
  Sensor sensor = Sensor::kUnknown;  // of the first detection
  std::string first_detection;       // its id
  std::optional<double> length_m;    // the latest known
  std::optional<double> confidence;
  std::vector<TrackPoint> history;  // the last history_points detections' filtered positions
};

// A dark track's position predicted to a time.
struct DarkTrackPosition {
  uint64_t id = 0;
  DarkTrackState state = DarkTrackState::kTentative;
  double lat = 0;
  double lon = 0;
};

// Thread-compatible: one Fusion per sensor picture, fed from one thread. It borrows the
// TrackStore only during Fuse (by id: the store may grow between calls; it must not drop
// tracks).
class Fusion {
 public:
  // Settings outside their range are clamped (grid cell 0.01..360°, 1 <= confirm_hits <=
  // confirm_looks <= 32, max_misses >= 1).
  explicit Fusion(FusionSettings settings = {}, AnomalySink on_anomaly = {});

  // Fuses one batch. `footprint` is the covered area, an outer ring of (lon, lat) pairs; when
  // empty, the first detection's footprint is used, and without one the bounding box of the
  // batch's detections. A dark track inside the coverage that gets no detection has a miss.
  // Bad detections and out-of-order batches are counted and reported per detection; the
  // Result is an error only for an internal failure of the assignment (Internal).
  Result<std::vector<FusedDetection>> Fuse(
      std::span<const Detection> detections, const TrackStore& ais,
      std::span<const std::pair<double, double>> footprint = {});

  const std::vector<DarkTrack>& dark_tracks() const { return dark_tracks_; }
  // The dark tracks (only the confirmed ones unless `tentative_too`) predicted to `at` (the
  // situational picture; tracks newer than `at` are given at their last fix).
  std::vector<DarkTrackPosition> DarkTracksAt(core::Timestamp at, bool tentative_too = false) const;
  const FusionStats& stats() const { return stats_; }
  const FusionSettings& settings() const { return settings_; }

 private:
  int64_t GridKey(double lat, double lon) const;
  uint64_t ReportedBefore(const DarkTrack& track) const;
  void RefreshGrid(const TrackStore& ais, core::Timestamp now);
  void Raise(const DarkTrack& track, const Detection& detection);

  FusionSettings settings_;
  AnomalySink on_anomaly_;
  std::vector<DarkTrack> dark_tracks_;
  std::vector<DarkTrack> lost_;  // confirmed tracks deleted for misses, until their time-out
  uint64_t next_dark_id_ = 1;
  std::optional<core::Timestamp> last_batch_time_;
  FusionStats stats_;
  // Coarse grid of AIS track ids by the cell of their position when added.
  std::unordered_map<int64_t, std::vector<uint64_t>> grid_;
  const TrackStore* grid_store_ = nullptr;
  core::Timestamp grid_time_ = 0;
  uint64_t grid_max_id_ = 0;
  bool grid_built_ = false;
};

}  // namespace issa::maritime
