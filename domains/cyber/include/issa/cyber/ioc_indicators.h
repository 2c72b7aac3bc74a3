#pragma once

// Indicators to scan for, from a STIX 2.1 bundle (indicator objects with STIX patterns) or a MISP
// event (to_ids attributes). Pure; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/cyber/ioc_scan.h"

namespace issa::cyber {

// Active indicators of a bundle (or a JSON array of STIX objects) at `now`: not revoked, valid_from
// <= now < valid_until. Patterns are parsed by the STIX patterning parser (pattern.h): each
// equality comparison (`[domain-name:value = 'x']`, joined by AND/OR/FOLLOWEDBY) becomes one atomic
// value of the indicator, each value of an `IN (...)` set too; `MATCHES` becomes a regular
// expression. Invalid patterns and comparisons the scanner cannot use (other properties,
// operators, NOT, qualifiers) are reported per indicator in `problems` with the field "pattern";
// an indicator with none left is skipped.
// Errors: kInvalidArgument when the text is not JSON or holds no objects.
Result<std::vector<ScanIndicator>> StixScanIndicators(std::string_view json, core::Timestamp now,
                                                      std::vector<ScanProblem>& problems);

// Either format, told apart by content (a MISP event has "Event" or "response").
Result<std::vector<ScanIndicator>> LoadScanIndicators(std::string_view json, core::Timestamp now,
                                                      std::vector<ScanProblem>& problems);

// A scan sighting as a STIX 2.1 `sighting` object (JSON text) to post back: sighting_of_ref the
// indicator (a MISP attribute uuid becomes indicator--<uuid>), where_sighted_refs the scanning
// authority's identity, first/last seen from the log lines (or `now`), count, and the log file
// and lines as x_issa_log / x_issa_lines. Its id is derived from indicator, log and first line.
// The STIX identity id that stands for an authority of the node in the sightings it posts
// (where_sighted_refs): identity--<UUIDv5 of "authority:ID">, the same on every node.
std::string AuthorityIdentityId(std::string_view authority);

std::string SightingStixJson(const IocSighting& sighting, std::string_view sighted_by_identity,
                             core::Timestamp now);

}  // namespace issa::cyber
