#pragma once

// The CTI service's domain matcher (node::RecordMatcher) for StixObject records: the observable
// values of SCOs and of indicators' patterns go into a cyber::CorrelationIndex (by value groups,
// ADR 0011), and sightings are kept per indicator for the confidence score. The node calls
// Upsert on every write of a StixObject record (its matches become node hits across
// authorities) and loads it at start. It never decides what a caller may see: the service asks
// the node (Node::GetRecords) before anything it returns leaves the service.
// Thread-safe: Upsert/Remove take the exclusive side of a shared mutex, queries the shared side.

#include <cstddef>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "issa/core/time.h"
#include "issa/cti/service.h"
#include "issa/cyber/confidence.h"
#include "issa/cyber/correlation.h"
#include "issa/cyber/observable.h"
#include "issa/cyber/pattern.h"
#include "issa/node/node.h"

#include "numbers_by_key.h"

namespace issa::cti {

// The observable values of a STIX object: an SCO's value(s) (ipv4/ipv6-addr, domain-name, url,
// email-addr, file hashes, mutex, windows-registry-key, autonomous-system), or the equality
// comparisons of an indicator's STIX pattern. Values that do not normalise are left out;
// duplicates once.
std::vector<cyber::Observable> ObservablesOf(const nlohmann::json& object,
                                             std::string_view stix_type);

// The equality comparisons of a parsed STIX pattern, as ObservablesOf gives them for an
// indicator with that pattern.
std::vector<cyber::Observable> ObservablesOfPattern(const cyber::ParsedPattern& pattern);

// The observables of a STIX object found before its record is written (an indicator's pattern
// as the validator parsed it, ObservablesOfPattern): StixCorrelator::UpsertParsed takes them
// instead of reading the object again.
struct StixObservables final : node::MatcherInput {
  std::vector<cyber::Observable> values;
};

// True for the STIX types the correlator indexes (SCOs with values and indicators).
bool IsCorrelatedType(std::string_view stix_type);

// One correlated record as the index names it (no content: the service reads the record
// through the node).
struct CorrelatedRecord {
  std::string record_id;
  std::string owner;
  std::string stix_id;
  std::string stix_type;
};

struct Correlation {
  cyber::CorrelationKind kind;
  cyber::ObservableType value_type;
  std::string value;
  CorrelatedRecord record;
};

struct CorrelationGraphNode {
  cyber::ObservableType type;
  std::string value;
  std::vector<CorrelatedRecord> members;  // up to the query's max_members_per_node
};

struct OwnedCorrelationGraph {
  std::vector<CorrelationGraphNode> nodes;
  std::vector<cyber::GraphEdge> edges;
  bool truncated = false;
};

struct SightingRecord {
  std::string record_id;
  std::string owner;
  cyber::IndicatorSighting sighting;
};

class StixCorrelator final : public node::RecordMatcher {
 public:
  // `lists` (may be null) must outlive the correlator.
  explicit StixCorrelator(const cyber::WarningLists* lists);

  Result<std::vector<node::DomainMatch>> Upsert(const core::Record& record,
                                                size_t max_matches) override;
  // The node passes the properties it was given parsed (Node::CreateParsedRecords): no second
  // parse of the record's JSON.
  // `input`, when a StixObservables, holds the object's observables (ObservablesOf is then not
  // called).
  Result<std::vector<node::DomainMatch>> UpsertParsed(const core::Record& record,
                                                      const nlohmann::json& properties,
                                                      const node::MatcherInput* input,
                                                      size_t max_matches) override;
  void Remove(std::string_view record_id) override;

  // Record ids of the current versions of a STIX object (one per authority holding it) that the
  // correlator indexes.
  std::vector<std::string> RecordsOf(std::string_view stix_id) const;
  // True while the record is a current, indexed version.
  bool IsIndexed(std::string_view record_id) const;
  // Warning lists the record's values hit (it is then not correlated).
  std::vector<std::string> WarningListsOf(std::string_view record_id) const;
  // Correlations of an indexed record, from `offset` (raw: the caller filters); `more` says
  // whether the index holds more after this page.
  std::vector<Correlation> Correlations(std::string_view record_id, size_t offset, size_t limit,
                                        bool* more) const;
  Result<OwnedCorrelationGraph> Graph(std::string_view record_id,
                                      const cyber::GraphQuery& query) const;
  // Sightings (any version, any authority) of an indicator.
  std::vector<SightingRecord> SightingsOf(std::string_view indicator_stix_id) const;
  cyber::CorrelationStats Stats() const;

 private:
  // What the correlator keeps of an indexed record, by its number in the index.
  struct Indexed {
    std::string stix_id;
    std::string stix_type;
    std::vector<std::string> warning_lists;
  };
  struct Sighted {
    std::string indicator;  // sighting_of_ref
    std::string owner;
    cyber::IndicatorSighting sighting;
  };

  void RemoveLocked(std::string_view record_id);
  void RemoveSightingLocked(std::string_view record_id);
  CorrelatedRecord Describe(const cyber::Member& m) const;

  mutable std::shared_mutex mu_;
  cyber::CorrelationIndex index_;  // guarded by mu_
  // By the record's number in index_ (cyber::AddOutcome::number); a removed record's entry is
  // empty. The record ids are index_'s.
  std::vector<Indexed> indexed_;
  // STIX id -> numbers of the records holding it (the keys are indexed_'s stix ids).
  detail::NumbersByKey records_of_;
  std::unordered_map<std::string, Sighted> sightings_;              // by record id
  std::unordered_multimap<std::string, std::string> sightings_of_;  // indicator -> record id
};

// The answers of CtiService::Correlations and ::CorrelationGraph (JSON): every record id the
// correlator names goes through node.GetRecords with the caller's context before anything of it
// is written into the answer.
Result<std::string> CorrelationsJson(node::Node& node, const StixCorrelator& correlator,
                                     const cyber::ConfidenceModel& model, const node::Context& ctx,
                                     std::string_view stix_id, const CorrelationQuery& query);
Result<std::string> CorrelationGraphJson(node::Node& node, const StixCorrelator& correlator,
                                         const cyber::ConfidenceModel& model,
                                         const node::Context& ctx, std::string_view stix_id,
                                         const CorrelationGraphQuery& query);

}  // namespace issa::cti
