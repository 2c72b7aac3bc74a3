#pragma once

// `issa maritime ...`: argument structs and the calls behind them.

#include <string>
#include <vector>

namespace issa::cli {

struct ReplayArgs {
  std::vector<std::string> files;  // AIS logs (NMEA) and detection files (.csv, .json)
  std::string config;              // maritime TOML configuration; defaults when empty
  std::string events;              // NDJSON output for the events; stdout when empty
};

// Replays the files and prints one NDJSON line per anomaly event, then a JSON summary line on
// stdout (and a short summary on stderr). Returns the process exit code.
int MaritimeReplay(const ReplayArgs& args);

}  // namespace issa::cli
