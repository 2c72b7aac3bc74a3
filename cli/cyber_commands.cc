#include "cyber_commands.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/core/file.h"
#include "issa/core/time.h"
#include "issa/cti/service.h"
#include "issa/cyber/ioc_indicators.h"
#include "issa/cyber/ioc_scan.h"
#include "issa/cyber/warninglist.h"
#include "issa/server/data_dir.h"

namespace issa::cli {
namespace {

// The node's collection as the caller: the node, the caller's context, the CTI service.
struct CollectionSession {
  std::unique_ptr<server::OpenedNode> opened;
  node::Context ctx;
  std::unique_ptr<cti::CtiService> cti;
  std::string collection;  // TAXII collection id
};

Result<CollectionSession> OpenCollection(const IocScanArgs& args) {
  if (args.data_dir.empty()) return InvalidArgument("--collection needs --data-dir", "data-dir");
  std::string token = args.token;
  if (const char* env = std::getenv("ISSA_TOKEN"); token.empty() && env != nullptr) token = env;
  if (token.empty()) return InvalidArgument("a token is needed: --token T or ISSA_TOKEN", "token");
  CollectionSession s;
  ISSA_ASSIGN_OR_RETURN(s.opened, server::OpenDataDir(args.data_dir));
  ISSA_ASSIGN_OR_RETURN(auto principal, s.opened->node->Authenticate(token, "cli"));
  s.ctx = node::Context{std::move(principal), "", "cli"};
  cti::CtiOptions options;
  options.cursor_key = s.opened->key.Sign("issa:taxii-cursor-key:v1");
  ISSA_ASSIGN_OR_RETURN(s.cti, cti::CtiService::Open(*s.opened->node, options));
  const std::string_view c = args.collection;
  s.collection = c.starts_with("authority:") ? cti::CtiService::AuthorityCollectionId(c.substr(10))
                 : c.starts_with("group:")   ? cti::CtiService::GroupCollectionId(c.substr(6))
                                             : std::string(c);
  return s;
}

std::string QueryEscape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '~')
      out.push_back(c);
    else
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
  }
  return out;
}

// The active indicators of the collection that the caller may read, page by page through the
// TAXII objects resource (each page an audited read of the node).
Result<std::vector<cyber::ScanIndicator>> CollectionIndicators(
    CollectionSession& s, core::Timestamp now, std::vector<cyber::ScanProblem>& problems) {
  const std::string filter = "match[type]=indicator&limit=1000";
  std::string query = filter;
  std::vector<cyber::ScanIndicator> out;
  for (;;) {
    ISSA_ASSIGN_OR_RETURN(auto page, s.cti->GetObjects(s.ctx, s.collection, query));
    const auto envelope = nlohmann::json::parse(page.json);
    if (envelope.contains("objects")) {
      ISSA_ASSIGN_OR_RETURN(auto indicators, cyber::StixScanIndicators(page.json, now, problems));
      for (auto& i : indicators) out.push_back(std::move(i));
    }
    if (!envelope.value("more", false) || !envelope.contains("next")) break;
    query = filter + "&next=" + QueryEscape(envelope["next"].get<std::string>());
  }
  return out;
}

// Posts the sightings to the collection as STIX sightings, 1,000 an envelope. Returns the
// number added; refusals are printed per object.
Result<size_t> PostSightings(CollectionSession& s, const std::vector<cyber::IocSighting>& sightings,
                             core::Timestamp now, size_t& refused) {
  const std::string identity = cyber::AuthorityIdentityId(s.ctx.principal.authority);
  size_t added = 0;
  for (size_t from = 0; from < sightings.size(); from += 1000) {
    std::string body = R"({"objects":[)";
    for (size_t i = from; i < std::min(sightings.size(), from + 1000); ++i) {
      if (i > from) body += ',';
      body += cyber::SightingStixJson(sightings[i], identity, now);
    }
    body += "]}";
    std::istringstream in(body);
    ISSA_ASSIGN_OR_RETURN(auto status_text, s.cti->AddObjects(s.ctx, s.collection, in));
    const auto status = nlohmann::json::parse(status_text);
    added += status.value("success_count", size_t{0});
    for (const auto& f : status.value("failures", nlohmann::json::array())) {
      ++refused;
      std::fprintf(stderr, "sighting %s refused: %s\n", f.value("id", "").c_str(),
                   f.value("message", "").c_str());
    }
  }
  return added;
}

}  // namespace

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
                   "Scan for the active indicators of this TAXII collection of the node that the "
                   "caller may read: collection id, authority:ID or group:NAME");
  scan->add_option("--data-dir", a.data_dir, "The node's data folder (with --collection)");
  scan->add_option("--token", a.token, "API token (or ISSA_TOKEN; with --collection)");
  scan->add_option(
      "--warninglists", a.warninglists,
      "MISP warning lists folder (<dir>/<name>/list.json): listed values are not scanned");
  scan->add_option("--output,-o", a.output, "NDJSON output (default: stdout)");
  scan->add_flag("--post", a.post,
                 "Add the sightings to the collection as STIX sighting objects (needs "
                 "--collection)");
  commands->ioc_scan = scan;
  return commands;
}

std::optional<int> RunCyberCommands(const CyberCommands& commands) {
  if (commands.ioc_scan != nullptr && commands.ioc_scan->parsed())
    return IocScan(commands.scan_args);
  return std::nullopt;
}

int IocScan(const IocScanArgs& args) {
  if (args.post && args.collection.empty()) {
    std::fprintf(stderr, "issa ioc scan: --post needs --collection\n");
    return 2;
  }
  if (args.indicators.empty() && args.collection.empty()) {
    std::fprintf(stderr,
                 "issa ioc scan: give --indicators FILE (STIX bundle or MISP event) or "
                 "--collection C\n");
    return 2;
  }
  std::optional<CollectionSession> session;
  if (!args.collection.empty()) {
    auto opened = OpenCollection(args);
    if (!opened.ok()) {
      std::fprintf(stderr, "issa ioc scan: %s\n", opened.status().ToString().c_str());
      return opened.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
    }
    session = std::move(opened).value();
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
  // The sources: each --indicators file, then the collection.
  std::vector<std::string> sources = args.indicators;
  if (session) sources.push_back("collection " + session->collection);
  for (size_t source = 0; source < sources.size(); ++source) {
    const auto& file = sources[source];
    std::vector<cyber::ScanProblem> problems;
    Result<std::vector<cyber::ScanIndicator>> indicators = std::vector<cyber::ScanIndicator>{};
    const bool from_file = source < args.indicators.size();
    if (from_file) {
      auto text = core::ReadFile(file);
      if (!text.ok()) {
        std::fprintf(stderr, "issa ioc scan: %s\n", text.status().ToString().c_str());
        return 2;
      }
      indicators = cyber::LoadScanIndicators(*text, now, problems);
    } else {
      indicators = CollectionIndicators(*session, now, problems);
    }
    if (!indicators.ok()) {
      std::fprintf(stderr, "issa ioc scan: %s: %s\n", file.c_str(),
                   indicators.status().ToString().c_str());
      // A file that is no indicator JSON is a usage error; the node's refusals are failures.
      return from_file || indicators.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
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
  size_t sightings_count = 0, posted = 0, refused_sightings = 0;
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
    if (args.post && !sightings.empty()) {
      auto added = PostSightings(*session, sightings, now, refused_sightings);
      if (!added.ok()) {
        std::fprintf(stderr, "issa ioc scan: posting the sightings of %s: %s\n", log.c_str(),
                     added.status().ToString().c_str());
        status = 1;
        continue;
      }
      posted += *added;
    }
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
  if (args.post)
    std::fprintf(stderr, "posted %zu sighting(s) to collection %s, %zu refused\n", posted,
                 session->collection.c_str(), refused_sightings);
  if (status == 0 && refused_sightings > 0) status = 4;
  return status;
}

}  // namespace issa::cli
