#pragma once

// `issa ioc ...`: the cyber commands. main.cc calls AddCyberCommands before parsing and
// RunCyberCommands after.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace issa::cli {

struct IocScanArgs {
  std::vector<std::string> logs;        // text logs to scan
  std::vector<std::string> indicators;  // STIX bundles or MISP events (JSON)
  std::string collection;               // the node's TAXII collection (id, authority:ID, group:G)
  std::string data_dir;                 // the node's data folder (with --collection)
  std::string token;                    // the caller's API token (or ISSA_TOKEN)
  std::string warninglists;             // MISP warning lists folder: listed values are dropped
  std::string output;                   // NDJSON sightings; stdout when empty
  bool post = false;                    // post the sightings back to the collection
};

// `issa taxii pull`: another node's (or any TAXII 2.1 server's) collections into a local one.
struct TaxiiPullArgs {
  std::string url;          // discovery URL (…/taxii2/) or an API root
  std::string token;        // the remote server's bearer token (or ISSA_TAXII_TOKEN)
  std::string basic;        // USER:PASSWORD for HTTP Basic instead of a bearer token
  std::string collection;   // the remote collection id (or --all)
  bool all = false;         // every remote collection the caller may read
  std::string data_dir;     // the local node's data folder
  std::string local_token;  // the local caller's API token (or ISSA_TOKEN)
  std::string into;         // the local collection (id, authority:ID, group:G); default own
  std::string added_after;  // overrides the remembered position
  int limit = 100;          // objects per page asked for
  int timeout = 60;         // seconds for each HTTP exchange with the server
};

struct CyberCommands {
  CLI::App* ioc_scan = nullptr;
  IocScanArgs scan_args;
  CLI::App* taxii_pull = nullptr;
  TaxiiPullArgs pull_args;
};

std::unique_ptr<CyberCommands> AddCyberCommands(CLI::App& app);

// The exit code when a cyber command was given, nullopt otherwise.
std::optional<int> RunCyberCommands(const CyberCommands& commands);

// Scans the logs; one NDJSON sighting per line on the output, a summary on stderr. With
// --collection the indicators are the active ones of that TAXII collection that the caller may
// read (through the node's CTI service, audited); --post adds the sightings to it as STIX
// `sighting` objects. Exit codes: 0 done (with or without sightings), 1 the node failed or
// refused, 2 usage or input errors, 4 some sightings were refused (the others were added).
int IocScan(const IocScanArgs& args);

// Pulls the objects of the remote collections the caller may read, page by page after the
// position remembered from the last pull (<data-dir>/taxii-pull-state.json), into the local
// collection through the node's CTI service (validation, TLP, correlation and audit as for a
// POST). One report line per collection on stdout. Exit codes: 0 done, 1 the remote server or
// the local node failed or refused, 2 usage or input errors, 4 some objects were refused.
int TaxiiPull(const TaxiiPullArgs& args);

}  // namespace issa::cli
