#pragma once

// The live vessel picture of a node: the tracker fed by a live or replayed AIS feed, read by the
// API as GeoJSON. Reads go through one gate: the caller must hold the border purpose
// (access::MayReadVesselPicture) and every read is handed to the audit hook, allowed or not,
// before anything is returned. Anomalies found while tracking go to the sink given at
// construction (the server turns them into Event records of the node).
//
// Thread-safe: one writer (the feed) and many readers (API threads); a read sees the picture as
// it was between two reports.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "issa/access/policy.h"
#include "issa/core/geo.h"
#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/maritime/tracks.h"

namespace issa::maritime {

// Who reads, as the audit entry names them.
struct PictureReader {
  access::Principal principal;
  std::string request_id;
  std::string remote;
};

// Called for every read with its action ("maritime.tracks.read", "maritime.track.read"), target
// and outcome ("ok", "denied", "not_found"). Must not throw; may block (it writes the audit).
using PictureAudit = std::function<void(const PictureReader& reader, std::string_view action,
                                        std::string_view target, std::string_view outcome)>;

struct TrackQuery {
  std::optional<core::BBox> bbox;  // all tracks when absent
  core::Timestamp since = 0;       // tracks heard at or after this time
  // At most this many track features; beyond it the answer aggregates tracks into clusters on a
  // grid over the box (level of detail), each with its count and mean position.
  size_t limit = 5000;
};

class LivePicture {
 public:
  LivePicture(TrackSettings settings, AnomalySink on_anomaly, PictureAudit audit,
              ZoneIndex geography = {});

  // The feed's side.
  IngestResult Ingest(const PositionReport& report);
  size_t SweepSilent(core::Timestamp now);
  // Drops every track (e.g. when a replayed log starts over).
  void Clear();

  // The tracks matching the query as a GeoJSON FeatureCollection: Point features with id, mmsi,
  // speed_knots, course_deg, last_seen and identity_conflict; or cluster features (cluster,
  // count) when more than query.limit match. "total" gives the number of tracks matched.
  // PermissionDenied when the reader may not see the picture.
  Result<std::string> TracksGeoJson(const PictureReader& reader, const TrackQuery& query) const;
  // One track with its history as a GeoJSON Feature (LineString of the history, "times" in
  // RFC 3339). NotFound when there is no such track.
  Result<std::string> TrackGeoJson(const PictureReader& reader, uint64_t track_id) const;

  // ---- Live updates (the node's SSE stream) ----
  using UpdateSink = std::function<void(const std::string& tracks_json)>;
  class Subscription {
   public:
    virtual ~Subscription() = default;
  };
  // Track updates for a reader, optionally only inside `bbox`, until the handle is destroyed:
  // each Publish() calls `sink` with {"tracks":[{id,mmsi,lat,lon,speed_knots,course_deg,
  // last_seen}],"more":bool} for the tracks heard since the previous Publish (at most
  // max_per_update of them; "more" says some were left out). PermissionDenied (audited) when
  // the reader may not see the picture; the subscription itself is audited too.
  Result<std::unique_ptr<Subscription>> Subscribe(const PictureReader& reader,
                                                  std::optional<core::BBox> bbox, UpdateSink sink);
  // Sends the updates since the last call to every subscriber; returns the tracks changed.
  // Called by the feed (e.g. once a second). Sinks must not block.
  size_t Publish(size_t max_per_update = 2000);

  size_t size() const;
  TrackStats stats() const;

 private:
  Status Admit(const PictureReader& reader, std::string_view action, std::string_view target) const;

  TrackSettings settings_;
  ZoneIndex geography_;
  AnomalySink on_anomaly_;
  PictureAudit audit_;
  mutable std::shared_mutex mu_;
  TrackStore tracks_;

  struct Subscriber {
    uint64_t id = 0;
    std::optional<core::BBox> bbox;
    UpdateSink sink;
  };
  class SubscriptionImpl;
  std::mutex subscribers_mu_;
  std::vector<Subscriber> subscribers_;
  uint64_t next_subscriber_ = 1;
  core::Timestamp published_until_ = 0;  // last_seen of the newest track at the last Publish
};

}  // namespace issa::maritime
