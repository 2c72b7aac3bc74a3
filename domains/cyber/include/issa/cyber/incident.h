#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/core/time.h"

// Cyber incidents and indicator sets as the EISAS alerts see them (issue 6, items 8-9): the
// properties of an Incident record (data/schemas/Incident.json) and the indicators and
// vulnerabilities of a STIX 2.1 bundle, as plain values. Pure functions; thread-compatible values.
namespace issa::cyber {

struct WebReference {
  std::string url;
  std::string summary;
};

struct Incident {
  std::string title;
  std::string summary;
  std::vector<std::string> sectors;        // NIS2 sector keys, e.g. "health"
  std::vector<std::string> member_states;  // ISO 3166-1 alpha-2
  std::string impact_level;                // none, low, medium, high, critical
  std::string impact_description;
  std::string status;  // open, contained, resolved, closed
  std::optional<core::Timestamp> detected_at;
  std::optional<core::Timestamp> started_at;
  std::optional<core::Timestamp> ended_at;
  std::vector<std::string> indicators;       // STIX indicator ids
  std::vector<std::string> attack_patterns;  // STIX attack-pattern ids
  std::vector<std::string> vulnerabilities;  // CVE ids
  std::string reporting_authority;
  std::string tlp;  // TLP 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT, RED
  std::vector<WebReference> references;
};

// Parses the properties of an Incident record (already validated by the schema registry, but
// checked again here: InvalidArgument naming the field for a missing or mistyped member).
Result<Incident> ParseIncident(std::string_view properties_json);

struct IndicatorEntry {
  std::string stix_id;
  std::string name;
  std::string pattern;
  std::string description;
  std::string tlp;  // from object_marking_refs; empty when unmarked
};

struct VulnerabilityEntry {
  std::string stix_id;
  std::string cve;  // from external_references (source_name "cve"); may be empty
  std::string name;
  std::string description;
  std::string tlp;
};

// The indicators and vulnerabilities of a STIX 2.1 bundle (or a JSON array of objects); other
// object types are ignored. `tlp` is the most restrictive TLP of those objects ("" when one of
// them is unmarked: an unmarked object is never treated as CLEAR).
struct IndicatorSet {
  std::vector<IndicatorEntry> indicators;
  std::vector<VulnerabilityEntry> vulnerabilities;
  std::string tlp;
};

// InvalidArgument naming the object ("objects[3].id") for bad JSON, ids or members.
Result<IndicatorSet> ParseStixIndicatorSet(std::string_view json);

// TLP labels. The TLP 2.0 label of a STIX marking-definition id (2.0 ids, and the 1.0 ids of the
// STIX 2.1 specification mapped: WHITE -> CLEAR); nullopt for other ids.
std::optional<std::string> TlpOfMarkingRef(std::string_view marking_definition_id);
// Whether `label` is a TLP 2.0 label, and its rank (CLEAR 0 .. RED 4).
std::optional<int> TlpRank(std::string_view label);
// The more restrictive of two TLP 2.0 labels; "" (unmarked) wins over every label.
std::string StricterTlp(std::string_view a, std::string_view b);

}  // namespace issa::cyber
