#pragma once

// `issa maritime ...`: argument structs and the calls behind them.

#include <string>
#include <vector>

#include "issa/node/node.h"

namespace issa::cli {

struct ReplayArgs {
  std::vector<std::string> files;  // AIS logs (NMEA) and detection files (.csv, .json)
  std::string config;              // maritime TOML configuration; defaults when empty
  std::string events;              // NDJSON output for the events; stdout when empty
  std::string sensor;              // sar, optical or radar: for detections that do not say
};

// Replays the files and prints one NDJSON line per anomaly event, then a JSON summary line on
// stdout (and a short summary on stderr). Returns the process exit code.
int MaritimeReplay(const ReplayArgs& args);

struct CiseExportArgs {
  std::vector<std::string> ids;  // records to export (Vessel, Event and their linked Locations)
  std::string sender_service;    // CISE ServiceID of this node
  std::string output;            // the message file; stdout when empty
};

// Exports records the caller may see as one CISE Push message (validated against the XSDs).
int MaritimeCiseExport(node::Node& node, const node::Context& ctx, const CiseExportArgs& args);

struct CiseImportArgs {
  std::string file;  // a CISE message
  std::string classification = "LIMITED";
  std::string distribution = "owner";  // owner or all
  std::vector<std::string> purposes = {"border"};
};

// Validates a CISE message and creates its Vessel and Incident entities as records of the
// caller's authority, in one transaction; prints the new ids.
int MaritimeCiseImport(node::Node& node, const node::Context& ctx, const CiseImportArgs& args);

}  // namespace issa::cli
