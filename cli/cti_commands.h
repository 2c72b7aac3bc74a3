#pragma once

// `issa cyber import`: argument structs and the calls behind them (STIX/TAXII layer).

#include <string>
#include <vector>

#include "issa/node/node.h"

namespace issa::cli {

struct CyberImportArgs {
  std::vector<std::string> files;  // STIX 2.1 bundles (e.g. MITRE ATT&CK ICS / Mobile)
  std::string tlp = "clear";       // for objects without a TLP marking
  std::string group;               // import into this sharing group's collection instead
  std::string cursor_key;          // unused by imports; the CtiService needs one
};

// Imports each bundle through the node (validated, audited) into the caller's collection and
// prints one JSON summary line per file on stdout; failures name the object and property on
// stderr. Returns 0, or 4 when an object was refused (the others are imported).
int CyberImport(node::Node& node, const node::Context& ctx, const CyberImportArgs& args);

}  // namespace issa::cli
