#pragma once

// `issa pnr ...`: look at PNRGOV and PAXLST messages.

#include <string>
#include <vector>

namespace issa::cli {

struct PnrParseArgs {
  std::vector<std::string> files;  // EDIFACT interchanges, or the JSON form (NDJSON)
  bool json = false;               // also print the parsed form of each message
  bool lenient = false;            // stale UNT/UNE/UNZ counts are warnings, not errors
  std::string rules;               // risk criteria (JSON): their hits are added per PNR message
  std::string airports;            // AIRPORT,CC lines for the country facts of the rules
};

// Prints one NDJSON line per message: its records (Booking, Passenger, Flight, Document,
// Payment with links by index), the Annex I deletion counts, warnings, or its error; and one
// line per interchange-level error. With rules, each PNR line gets "risk_hits" (rule, version,
// passenger, the facts that matched). Returns 0 when every message parsed, 4 when some were
// rejected, 1 when a file could not be read or is not EDIFACT, 2 when the rules do not compile.
int PnrParse(const PnrParseArgs& args);

}  // namespace issa::cli
