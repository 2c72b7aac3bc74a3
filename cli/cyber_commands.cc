#include "cyber_commands.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "issa/core/file.h"
#include "issa/core/time.h"
#include "issa/cyber/ioc_indicators.h"
#include "issa/cyber/ioc_scan.h"
#include "issa/cyber/warninglist.h"

namespace issa::cli {

std::unique_ptr<CyberCommands> AddCyberCommands(CLI::App& app) {
  auto commands = std::make_unique<CyberCommands>();
  auto* ioc = app.add_subcommand("ioc", "Indicators of compromise");
  ioc->require_subcommand(1);
  auto* scan = ioc->add_subcommand(
      "scan",
      "Match text logs (web proxy, DNS, firewall, mail) against indicators; one NDJSON sighting "
      "per indicator and log");
  auto& a = commands->scan_args;
  scan->add_option("LOG", a.logs, "Log files")->required();
  scan->add_option("--indicators", a.indicators, "STIX 2.1 bundle or MISP event JSON (repeatable)");
  scan->add_option("--collection", a.collection,
                   "The node's collection of indicators (TAXII; not available yet in this build)");
  scan->add_option(
      "--warninglists", a.warninglists,
      "MISP warning lists folder (<dir>/<name>/list.json): listed values are not scanned");
  scan->add_option("--output,-o", a.output, "NDJSON output (default: stdout)");
  scan->add_flag("--post", a.post, "Post the sightings back to the collection");
  commands->ioc_scan = scan;
  return commands;
}

std::optional<int> RunCyberCommands(const CyberCommands& commands) {
  if (commands.ioc_scan != nullptr && commands.ioc_scan->parsed())
    return IocScan(commands.scan_args);
  return std::nullopt;
}

int IocScan(const IocScanArgs& args) {
  if (!args.collection.empty() || args.post) {
    std::fprintf(
        stderr,
        "issa ioc scan: --collection/--post need the node's TAXII routes, which this build "
        "does not have yet; use --indicators FILE\n");
    return 2;
  }
  if (args.indicators.empty()) {
    std::fprintf(stderr, "issa ioc scan: give --indicators FILE (STIX bundle or MISP event)\n");
    return 2;
  }
  cyber::WarningLists lists;
  if (!args.warninglists.empty()) {
    for (const auto& p : lists.LoadDirectory(args.warninglists))
      std::fprintf(stderr, "warning list %s: %s\n", p.source.c_str(), p.status.ToString().c_str());
    for (const auto& p : lists.Compile())
      std::fprintf(stderr, "warning list %s: %s\n", p.source.c_str(), p.status.ToString().c_str());
  }
  cyber::IocScanner scanner;
  size_t loaded = 0, warned = 0, rejected = 0;
  const auto now = core::SystemClock().Now();
  for (const auto& file : args.indicators) {
    auto text = core::ReadFile(file);
    if (!text.ok()) {
      std::fprintf(stderr, "issa ioc scan: %s\n", text.status().ToString().c_str());
      return 2;
    }
    std::vector<cyber::ScanProblem> problems;
    auto indicators = cyber::LoadScanIndicators(*text, now, problems);
    if (!indicators.ok()) {
      std::fprintf(stderr, "issa ioc scan: %s: %s\n", file.c_str(),
                   indicators.status().ToString().c_str());
      return 2;
    }
    for (const auto& p : problems)
      std::fprintf(stderr, "%s: indicator %s: %s\n", file.c_str(), p.indicator_id.c_str(),
                   p.status.ToString().c_str());
    for (const auto& indicator : *indicators) {
      if (!args.warninglists.empty() && indicator.match == cyber::IndicatorMatch::kExact) {
        if (auto o = cyber::MakeObservable(indicator.type, indicator.value); o.ok()) {
          if (const auto hits = lists.Match(*o); !hits.empty()) {
            ++warned;
            std::fprintf(stderr, "indicator %s (%s) is on warning list '%s': not scanned\n",
                         indicator.id.c_str(), indicator.value.c_str(), hits.front().c_str());
            continue;
          }
        }
      }
      if (auto s = scanner.Add(indicator); !s.ok()) {
        ++rejected;
        std::fprintf(stderr, "indicator %s: %s\n", indicator.id.c_str(), s.ToString().c_str());
        continue;
      }
      ++loaded;
    }
  }
  for (const auto& p : scanner.Compile()) {
    ++rejected;
    std::fprintf(stderr, "indicator %s: %s\n", p.indicator_id.c_str(), p.status.ToString().c_str());
  }
  std::ofstream file_out;
  std::ostream* out = &std::cout;
  if (!args.output.empty()) {
    file_out.open(args.output, std::ios::binary | std::ios::trunc);
    if (!file_out) {
      std::fprintf(stderr, "issa ioc scan: cannot write %s\n", args.output.c_str());
      return 2;
    }
    out = &file_out;
  }
  cyber::ScanSummary total;
  size_t sightings_count = 0;
  const auto started = std::chrono::steady_clock::now();
  int status = 0;
  for (const auto& log : args.logs) {
    std::vector<cyber::IocSighting> sightings;
    auto summary = scanner.ScanFile(log, sightings);
    if (!summary.ok()) {
      std::fprintf(stderr, "issa ioc scan: %s\n", summary.status().ToString().c_str());
      status = 2;
      continue;
    }
    total.bytes += summary->bytes;
    total.lines += summary->lines;
    total.binary_lines += summary->binary_lines;
    total.matched_lines += summary->matched_lines;
    for (const auto& s : sightings) *out << cyber::SightingNdjson(s) << '\n';
    sightings_count += sightings.size();
  }
  out->flush();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr,
               "scanned %zu log(s): %llu lines (%llu binary), %.1f MB in %.2f s; %zu indicators "
               "(%zu on warning lists, %zu rejected); %llu matching lines, %zu sightings\n",
               args.logs.size(), static_cast<unsigned long long>(total.lines),
               static_cast<unsigned long long>(total.binary_lines), total.bytes / 1e6, seconds,
               loaded, warned, rejected, static_cast<unsigned long long>(total.matched_lines),
               sightings_count);
  return status;
}

}  // namespace issa::cli
