#pragma once

// MISP interoperability: MISP event JSON (Event, Attribute, Object with its attributes and
// references, Tag incl. tlp:*, Sighting) to STIX 2.1 objects following MISP's own misp-stix
// mapping (grouping for the event, identity for Orgc, observed-data + SCOs per attribute, an
// indicator with a STIX pattern and a based-on relationship when to_ids, TLP marking-definition
// refs, sightings), and back. Attribute types and object templates misp-stix cannot express as
// SCOs travel as x-misp-attribute / x-misp-object custom objects, so an event round-trips.
//
// Pure functions; thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/cyber/ioc_scan.h"
#include "issa/cyber/observable.h"

namespace issa::cyber {

// A problem with one attribute or object; the rest of the event is converted.
struct MispProblem {
  std::string event_uuid;
  std::string item_uuid;  // attribute or object uuid ("" when it has none)
  Status status;          // kInvalidArgument with the field, e.g. "Attribute[3].value"
};

struct MispConversion {
  std::string event_uuid;
  std::vector<std::string> objects;  // STIX 2.1 objects, one JSON text each
  std::vector<MispProblem> problems;
};

// Converts one event ({"Event": {...}}, {"response": [{"Event": ...}]} takes the first, or the
// bare event object). Errors for the whole event (kInvalidArgument): not JSON, no event object,
// missing or malformed Event.uuid.
Result<MispConversion> MispEventToStix(std::string_view json);

// A STIX 2.1 bundle of the objects (id: bundle--<uuid derived from the objects>).
std::string StixBundle(const std::vector<std::string>& objects);

// Rebuilds the MISP event (as {"Event": {...}}) from STIX objects made by MispEventToStix (a
// bundle or a JSON array). Errors: kInvalidArgument (not JSON, no grouping/report).
Result<std::string> StixToMispEvent(std::string_view json);

// Atomic values and patterns to scan for: the to_ids attributes of a MISP event (object
// attributes included). Attributes of types the scanner cannot use are reported as problems.
Result<std::vector<ScanIndicator>> MispScanIndicators(std::string_view json,
                                                      std::vector<MispProblem>& problems);

// The observable type of a MISP attribute type (ip-dst -> ipv4/ipv6 by value, domain, md5, ...).
std::optional<ObservableType> MispObservableType(std::string_view misp_type,
                                                 std::string_view value);

// MISP feed manifest (manifest.json: {"<event uuid>": {"info", "timestamp", "Tag", ...}}).
struct MispFeedEntry {
  std::string event_uuid;
  std::string info;
  std::int64_t timestamp_s = 0;
  std::vector<std::string> tags;
};
// Errors: kInvalidArgument naming the entry ("<uuid>.timestamp").
Result<std::vector<MispFeedEntry>> ParseMispFeedManifest(std::string_view json);

// Ingests a feed directory (manifest.json + <uuid>.json): converts each listed event; a missing
// or bad event file is a problem of that event, not of the feed.
struct MispFeedResult {
  std::vector<MispConversion> events;
  std::vector<MispProblem> problems;
};
Result<MispFeedResult> IngestMispFeed(const std::string& directory);

}  // namespace issa::cyber
