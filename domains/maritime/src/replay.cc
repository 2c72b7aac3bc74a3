#include "issa/maritime/replay.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/core/file.h"

namespace issa::maritime {
namespace {

// Positions in 1/10000 minute (28/27-bit fields) or 1/10 minute (type 27's 18/17-bit fields).
constexpr double kTenThousandthMinute = 1.0 / 600'000;
constexpr double kTenthMinute = 1.0 / 600;

struct Layout {
  size_t sog, lon, lat, cog, second;
};
constexpr Layout kClassA{50, 61, 89, 116, 137};  // types 1-3
constexpr Layout kClassB{46, 57, 85, 112, 133};  // types 18, 19

std::optional<Layout> LayoutOf(uint8_t type) {
  if (type >= 1 && type <= 3) return kClassA;
  if (type == 18 || type == 19) return kClassB;
  return std::nullopt;
}

// The UTC second (0-59) a position report carries, or -1.
int ReportSecond(const AisMessage& m) {
  const auto layout = LayoutOf(m.type);
  if (!layout) return -1;
  const auto s = static_cast<int>(m.Bits(layout->second, 6));
  return s < 60 ? s : -1;
}

// The UTC time of a base station report (types 4 and 11), or -1 when unset or implausible.
core::Timestamp BaseStationTime(const AisMessage& m) {
  const uint32_t year = m.Bits(38, 14), month = m.Bits(52, 4), day = m.Bits(56, 5);
  const uint32_t hour = m.Bits(61, 5), minute = m.Bits(66, 6), second = m.Bits(72, 6);
  if (year < 2000 || year > 2100 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 59) {
    return -1;
  }
  const int64_t days = core::DaysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute) * 60'000 + int64_t{second} * 1000;
}

}  // namespace

std::optional<PositionReport> PositionReportOf(const AisMessage& m, core::Timestamp time) {
  PositionReport r;
  r.mmsi = m.mmsi;
  r.time = time;
  if (const auto layout = LayoutOf(m.type)) {
    if (m.bit_count < layout->second) return std::nullopt;  // too short for a position
    const int32_t lon = m.SignedBits(layout->lon, 28);
    const int32_t lat = m.SignedBits(layout->lat, 27);
    if (lon == 181 * 600'000 || lat == 91 * 600'000) return std::nullopt;
    r.lon = lon * kTenThousandthMinute;
    r.lat = lat * kTenThousandthMinute;
    const uint32_t sog = m.Bits(layout->sog, 10);
    if (sog < 1023) r.sog_knots = sog / 10.0;
    const uint32_t cog = m.Bits(layout->cog, 12);
    if (cog < 3600) r.cog_deg = cog / 10.0;
    return r;
  }
  if (m.type == 27) {
    if (m.bit_count < 94) return std::nullopt;
    const int32_t lon = m.SignedBits(44, 18);
    const int32_t lat = m.SignedBits(62, 17);
    if (lon == 181 * 600 || lat == 91 * 600) return std::nullopt;
    r.lon = lon * kTenthMinute;
    r.lat = lat * kTenthMinute;
    const uint32_t sog = m.Bits(79, 6);
    if (sog < 63) r.sog_knots = sog;
    const uint32_t cog = m.Bits(85, 9);
    if (cog < 360) r.cog_deg = cog;
    return r;
  }
  return std::nullopt;
}

std::optional<core::Timestamp> FeedClock::TimeOf(const AisMessage& m) {
  if (m.type == 4 || m.type == 11) {
    const core::Timestamp t = BaseStationTime(m);
    if (t >= 0) base_station_ms_ = t;
  }
  if (m.tag_time_s >= 0) return m.tag_time_s * 1000;
  if (m.receiver_time_ms >= 0) return m.receiver_time_ms;
  if (m.header_time_ms >= 0) return m.header_time_ms;
  if (base_station_ms_ < 0) return std::nullopt;
  const int second = ReportSecond(m);
  if (second < 0) return base_station_ms_;
  // The minute of the report is the one (of the base station's and its neighbours) that puts it
  // nearest to the base station's time.
  const core::Timestamp minute = base_station_ms_ - base_station_ms_ % 60'000;
  core::Timestamp best = minute + int64_t{second} * 1000;
  for (const core::Timestamp m2 : {minute - 60'000, minute + 60'000}) {
    const core::Timestamp c = m2 + int64_t{second} * 1000;
    if (std::llabs(c - base_station_ms_) < std::llabs(best - base_station_ms_)) best = c;
  }
  return best;
}

std::vector<PositionReport> DecodePositionReports(std::string_view bytes, ReplaySummary& summary) {
  std::vector<PositionReport> reports;
  AisDecoder decoder;
  FeedClock clock;
  const auto on_message = [&](const AisMessage& m) {
    const auto time = clock.TimeOf(m);
    if (m.type != 1 && m.type != 2 && m.type != 3 && m.type != 18 && m.type != 19 && m.type != 27) {
      return;
    }
    if (!time) {
      ++summary.untimed;
      return;
    }
    auto report = PositionReportOf(m, *time);
    if (!report) {
      ++summary.no_position;
      return;
    }
    reports.push_back(*report);
  };
  decoder.Feed(bytes, on_message);
  decoder.Finish(on_message);
  const AisStats& s = decoder.stats();
  AisStats& d = summary.decoding;
  d.lines += s.lines;
  d.blank_lines += s.blank_lines;
  d.other_sentences += s.other_sentences;
  d.ais_sentences += s.ais_sentences;
  d.messages += s.messages;
  for (size_t i = 0; i < d.errors.size(); ++i) d.errors[i] += s.errors[i];
  for (size_t i = 0; i < d.warnings.size(); ++i) d.warnings[i] += s.warnings[i];
  std::stable_sort(
      reports.begin(), reports.end(),
      [](const PositionReport& a, const PositionReport& b) { return a.time < b.time; });
  return reports;
}

LiveReplay::LiveReplay(std::vector<PositionReport> reports, core::Timestamp start, double speed)
    : reports_(std::move(reports)), start_(start), speed_(speed > 0 ? speed : 1) {}

core::Timestamp LiveReplay::Shifted(core::Timestamp t) const {
  const core::Timestamp first = reports_.empty() ? 0 : reports_.front().time;
  return start_ + (t - first) - skipped_ms_;
}

std::vector<PositionReport> LiveReplay::Due(core::Timestamp now, bool loop) {
  std::vector<PositionReport> due;
  if (reports_.empty()) return due;
  if (loop && finished()) {
    next_ = 0;
    start_ = now;
    skipped_ms_ = 0;
    restarted_ = true;
  }
  // Feed time reached at `now`: the clock's time since start, times the speed.
  const core::Timestamp reached =
      start_ + static_cast<core::Timestamp>(static_cast<double>(now - start_) * speed_);
  // A stretch of the log without reports is skipped, not waited out.
  if (next_ < reports_.size()) {
    const core::Timestamp idle = Shifted(reports_[next_].time) - reached;
    if (idle > kMaxIdleMs) skipped_ms_ += idle;
  }
  while (next_ < reports_.size()) {
    const core::Timestamp t = Shifted(reports_[next_].time);
    if (t > reached) break;
    PositionReport r = reports_[next_++];
    r.time = t;
    due.push_back(r);
  }
  return due;
}

bool LiveReplay::restarted() { return std::exchange(restarted_, false); }

Replay::Replay(ReplaySettings settings, AnomalySink on_anomaly)
    : settings_(std::move(settings)),
      tracks_(
          settings_.tracking, [this](const Anomaly& a) { Count(a); }, settings_.geography),
      fusion_(settings_.fusion, [this](const Anomaly& a) { Count(a); }),
      on_anomaly_(std::move(on_anomaly)) {}

void Replay::Count(const Anomaly& a) {
  const auto k = static_cast<size_t>(a.kind);
  if (k < summary_.anomalies_by_kind.size()) ++summary_.anomalies_by_kind[k];
  if (on_anomaly_) on_anomaly_(a);
}

void Replay::AddAis(std::string_view bytes) {
  ++summary_.files;
  summary_.bytes += bytes.size();
  std::vector<PositionReport> reports = DecodePositionReports(bytes, summary_);
  reports_.insert(reports_.end(), reports.begin(), reports.end());
}

Status Replay::AddAisFile(const std::string& path) {
  ISSA_ASSIGN_OR_RETURN(const std::string bytes, core::ReadFile(path));
  AddAis(bytes);
  return Status::Ok();
}

Status Replay::AddDetections(std::string_view text, bool csv, const std::string& name,
                             Sensor sensor) {
  ++summary_.files;
  summary_.bytes += text.size();
  std::vector<Detection> read;
  DetectionReadStats stats;
  const DetectionSink sink = [&](Detection&& d) { read.push_back(std::move(d)); };
  DetectionReadOptions options;
  options.sensor = sensor;
  const Status s = csv ? ReadDetectionsCsv(text, options, sink, stats)
                       : ReadDetectionsJson(text, options, sink, stats);
  if (!s.ok()) return s.WithFieldPrefix(name);
  summary_.detections += stats.accepted;
  summary_.detections_rejected += stats.rejected;
  // One batch per scene, or per scan time without a scene id.
  std::stable_sort(read.begin(), read.end(),
                   [](const Detection& a, const Detection& b) { return a.time < b.time; });
  std::map<std::string, std::vector<Detection>> scenes;
  std::map<core::Timestamp, std::vector<Detection>> scans;
  for (Detection& d : read) {
    if (!d.scene_id.empty()) {
      scenes[d.scene_id].push_back(std::move(d));
    } else {
      scans[d.time].push_back(std::move(d));
    }
  }
  for (auto& [id, batch] : scenes) batches_.push_back(std::move(batch));
  for (auto& [time, batch] : scans) batches_.push_back(std::move(batch));
  return Status::Ok();
}

Status Replay::AddDetectionsFile(const std::string& path, Sensor sensor) {
  ISSA_ASSIGN_OR_RETURN(const std::string text, core::ReadFile(path));
  const bool csv = path.size() >= 4 && (path.ends_with(".csv") || path.ends_with(".CSV"));
  return AddDetections(text, csv, path, sensor);
}

ReplaySummary Replay::Run() {
  const auto start = std::chrono::steady_clock::now();
  std::stable_sort(
      reports_.begin(), reports_.end(),
      [](const PositionReport& a, const PositionReport& b) { return a.time < b.time; });
  // A batch is fused at its earliest detection time (ties: input order).
  std::stable_sort(batches_.begin(), batches_.end(),
                   [](const std::vector<Detection>& a, const std::vector<Detection>& b) {
                     return a.front().time < b.front().time;
                   });
  summary_.position_reports = reports_.size();
  if (!reports_.empty()) {
    summary_.first_time = reports_.front().time;
    summary_.last_time = reports_.back().time;
  }
  core::Timestamp next_sweep =
      reports_.empty() ? 0 : reports_.front().time + settings_.sweep_interval_ms;
  size_t batch = 0;
  const auto fuse_until = [&](core::Timestamp t) {
    for (; batch < batches_.size() && batches_[batch].front().time <= t; ++batch) {
      (void)fusion_.Fuse(batches_[batch], tracks_);  // bad detections are counted in its stats
      ++summary_.detection_batches;
    }
  };
  for (const PositionReport& r : reports_) {
    fuse_until(r.time - 1);
    if (settings_.sweep_interval_ms > 0 && r.time >= next_sweep) {
      tracks_.SweepSilent(r.time);
      next_sweep = r.time + settings_.sweep_interval_ms;
    }
    tracks_.Ingest(r);
  }
  fuse_until(std::numeric_limits<core::Timestamp>::max());
  if (settings_.sweep_at_end && !reports_.empty()) tracks_.SweepSilent(summary_.last_time);
  reports_.clear();
  reports_.shrink_to_fit();
  batches_.clear();
  summary_.tracking = tracks_.stats();
  summary_.fusion = fusion_.stats();
  summary_.tracks = tracks_.size();
  summary_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary_;
}

std::string ReplaySummaryJson(const ReplaySummary& s) {
  nlohmann::ordered_json j;
  j["files"] = s.files;
  j["bytes"] = s.bytes;
  j["lines"] = s.decoding.lines;
  j["ais_sentences"] = s.decoding.ais_sentences;
  j["messages"] = s.decoding.messages;
  nlohmann::ordered_json errors = nlohmann::ordered_json::object();
  for (size_t i = 0; i < s.decoding.errors.size(); ++i) {
    if (s.decoding.errors[i] != 0) {
      errors[std::string(AisErrorName(static_cast<AisError>(i)))] = s.decoding.errors[i];
    }
  }
  j["decode_errors"] = std::move(errors);
  j["position_reports"] = s.position_reports;
  j["untimed"] = s.untimed;
  j["no_position"] = s.no_position;
  j["tracked"] = s.tracking.updates + s.tracking.new_tracks + s.tracking.identity_splits;
  j["invalid"] = s.tracking.invalid;
  j["out_of_order"] = s.tracking.out_of_order;
  j["duplicates"] = s.tracking.duplicates;
  j["tracks"] = s.tracks;
  if (s.detections + s.detections_rejected > 0) {
    j["detections"] = s.detections;
    j["detections_rejected"] = s.detections_rejected;
    j["detection_batches"] = s.detection_batches;
    j["detections_on_ais_tracks"] = s.fusion.assigned_ais;
    j["dark_tracks_confirmed"] = s.fusion.confirmed_dark_tracks;
  }
  nlohmann::ordered_json anomalies = nlohmann::ordered_json::object();
  for (size_t k = 0; k < s.anomalies_by_kind.size(); ++k) {
    if (s.anomalies_by_kind[k] != 0) {
      anomalies[std::string(AnomalyKindName(static_cast<AnomalyKind>(k)))] = s.anomalies_by_kind[k];
    }
  }
  j["anomalies"] = std::move(anomalies);
  if (s.position_reports > 0) {
    j["first"] = core::FormatTimestamp(s.first_time);
    j["last"] = core::FormatTimestamp(s.last_time);
  }
  j["seconds"] = s.seconds;
  return j.dump();
}

}  // namespace issa::maritime
