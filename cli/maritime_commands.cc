#include "maritime_commands.h"

#include <cstdio>
#include <memory>

#include "issa/core/status.h"
#include "issa/maritime/anomaly_json.h"
#include "issa/maritime/replay.h"

namespace issa::cli {

int MaritimeReplay(const ReplayArgs& args) {
  maritime::ReplaySettings settings;
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
    const Status s = replay.AddAisFile(path);
    if (!s.ok()) {
      std::fprintf(stderr, "issa: %s\n", s.ToString().c_str());
      return 1;
    }
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

}  // namespace issa::cli
