#pragma once

// Anomalies as JSON: the NDJSON lines of `issa maritime replay --events` and the Event records
// the node keeps for them.

#include <string>
#include <string_view>

#include "issa/maritime/tracks.h"

namespace issa::maritime {

// One anomaly as a JSON object (no newline): kind, mmsi (or mmsis for two vessels), start, end
// (RFC 3339), lat, lon, track ids, the measured value under its own name and the rule's
// parameters from `settings`.
std::string AnomalyJson(const Anomaly& anomaly, const AnomalySettings& settings);

// The Event record of an anomaly in the node's JSON form: category "maritime.<kind>", a title,
// occurred_at / ended_at, the vessels' MMSIs, the rule's parameters and the evidence, a geometry
// (the position, or the line from where the behaviour began to where it was seen) and
// `handling_json` (a JSON object) as its handling.
std::string AnomalyEventJson(const Anomaly& anomaly, const AnomalySettings& settings,
                             std::string_view handling_json);

}  // namespace issa::maritime
