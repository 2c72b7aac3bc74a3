#include "maritime_commands.h"

#include <cstdio>
#include <memory>

#include "issa/core/file.h"
#include "issa/core/status.h"
#include "issa/maritime/anomaly_json.h"
#include "issa/maritime/cise.h"
#include "issa/maritime/config.h"
#include "issa/maritime/replay.h"

#include "exit_status.h"

namespace issa::cli {

int MaritimeReplay(const ReplayArgs& args) {
  maritime::ReplaySettings settings;
  if (!args.config.empty()) {
    auto config = maritime::LoadMaritimeConfig(args.config);
    if (!config.ok()) return Report(config.status());
    settings.tracking = config->tracking;
    settings.geography = std::move(config->geography);
  }
  maritime::Sensor sensor = maritime::Sensor::kUnknown;
  if (!args.sensor.empty()) {
    const auto parsed = maritime::ParseSensor(args.sensor);
    if (!parsed) return Report(InvalidArgument("sensor must be sar, optical or radar", "sensor"));
    sensor = *parsed;
  }
  std::unique_ptr<FILE, int (*)(FILE*)> file(nullptr, &std::fclose);
  FILE* out = stdout;
  if (!args.events.empty()) {
    file.reset(std::fopen(args.events.c_str(), "w"));
    if (!file) {
      std::fprintf(stderr, "issa: events: cannot write %s\n", args.events.c_str());
      return 1;
    }
    out = file.get();
  }
  maritime::Replay replay(settings, [&](const maritime::Anomaly& a) {
    const std::string line = maritime::AnomalyJson(a, settings.tracking.anomalies);
    std::fwrite(line.data(), 1, line.size(), out);
    std::fputc('\n', out);
  });
  for (const std::string& path : args.files) {
    const bool detections = path.ends_with(".csv") || path.ends_with(".json") ||
                            path.ends_with(".ndjson") || path.ends_with(".CSV");
    const Status s = detections ? replay.AddDetectionsFile(path, sensor) : replay.AddAisFile(path);
    if (!s.ok()) return Report(s);
  }
  const maritime::ReplaySummary summary = replay.Run();
  const std::string json = "{\"summary\":" + maritime::ReplaySummaryJson(summary) + "}";
  if (out == stdout) {
    std::printf("%s\n", json.c_str());
  } else {
    if (std::fflush(out) != 0 || std::ferror(out) != 0) {
      std::fprintf(stderr, "issa: events: write to %s failed\n", args.events.c_str());
      return 1;
    }
    std::printf("%s\n", json.c_str());
  }
  const double rate =
      summary.seconds > 0 ? static_cast<double>(summary.position_reports) / summary.seconds : 0;
  std::fprintf(stderr,
               "replay: %llu files, %llu position reports (%llu untimed), %zu tracks, %.0f "
               "reports/s\n",
               static_cast<unsigned long long>(summary.files),
               static_cast<unsigned long long>(summary.position_reports),
               static_cast<unsigned long long>(summary.untimed), summary.tracks, rate);
  return 0;
}

int MaritimeCiseExport(node::Node& node, const node::Context& ctx, const CiseExportArgs& args) {
  auto codec = maritime::CiseCodec::Create();
  if (!codec.ok()) return Report(codec.status());
  std::vector<core::Record> records;
  for (const std::string& id : args.ids) {
    auto record = node.GetRecord(ctx, id);
    if (!record.ok()) return Report(record.status());
    for (const core::Link& link : record->links) {  // the Locations it points to
      auto target = node.GetRecord(ctx, link.target);
      if (target.ok() && target->type == "Location") records.push_back(std::move(*target));
    }
    records.push_back(std::move(*record));
  }
  maritime::CiseExportOptions options;
  options.sender.service_id = args.sender_service;
  auto message = (*codec)->Export(records, options);
  if (!message.ok()) return Report(message.status());
  for (const std::string& note : message->notes) std::fprintf(stderr, "cise: %s\n", note.c_str());
  if (args.output.empty()) {
    std::fwrite(message->xml.data(), 1, message->xml.size(), stdout);
    return 0;
  }
  std::unique_ptr<FILE, int (*)(FILE*)> out(std::fopen(args.output.c_str(), "wb"), &std::fclose);
  if (!out ||
      std::fwrite(message->xml.data(), 1, message->xml.size(), out.get()) != message->xml.size()) {
    return Report(Unavailable("cannot write " + args.output));
  }
  std::fprintf(stderr, "cise: %llu vessels, %llu incidents written to %s\n",
               static_cast<unsigned long long>(message->vessels),
               static_cast<unsigned long long>(message->incidents), args.output.c_str());
  return 0;
}

int MaritimeCiseImport(node::Node& node, const node::Context& ctx, const CiseImportArgs& args) {
  maritime::CiseImportOptions options;
  auto classification = core::ParseClassification(args.classification);
  if (!classification.ok())
    return Report(classification.status().WithFieldPrefix("classification"));
  options.handling.classification = *classification;
  auto distribution = core::ParseDistribution(args.distribution);
  if (!distribution.ok() ||
      (*distribution != core::Distribution::kOwner && *distribution != core::Distribution::kAll)) {
    return Report(InvalidArgument("distribution must be owner or all", "distribution"));
  }
  options.handling.distribution = *distribution;
  for (const std::string& p : args.purposes) {
    auto purpose = core::ParsePurpose(p);
    if (!purpose.ok()) return Report(purpose.status().WithFieldPrefix("purpose"));
    options.handling.purposes |= static_cast<core::PurposeSet>(*purpose);
  }
  auto xml = core::ReadFile(args.file, options.max_message_bytes);
  if (!xml.ok()) return Report(xml.status());
  auto codec = maritime::CiseCodec::Create();
  if (!codec.ok()) return Report(codec.status());
  auto imported = (*codec)->Import(*xml, options);
  if (!imported.ok()) return Report(imported.status());
  for (const std::string& note : imported->notes) std::fprintf(stderr, "cise: %s\n", note.c_str());
  for (const auto& [entity, n] : imported->unsupported) {
    std::fprintf(stderr, "cise: %llu %s entities not imported (no ISSA record type)\n",
                 static_cast<unsigned long long>(n), entity.c_str());
  }
  std::vector<std::string> jsons;
  for (const auto& r : imported->records) jsons.push_back(r.record_json);
  if (jsons.empty()) {
    std::fprintf(stderr, "cise: no Vessel or Incident in %s\n", args.file.c_str());
    return 0;
  }
  auto ids = node.CreateRecords(ctx, jsons);
  if (!ids.ok()) return Report(ids.status());
  for (size_t i = 0; i < ids->size(); ++i) {
    std::printf("%s %s\n", (*ids)[i].c_str(), imported->records[i].entity.c_str());
  }
  return 0;
}

}  // namespace issa::cli
