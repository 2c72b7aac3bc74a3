#pragma once

// Correlation by value groups: every distinct normalised value is one group holding its members
// (observable id, owner authority, handling reference), so k observables with the same value cost
// O(k) storage, not the k(k-1)/2 pairwise rows of MISP's correlation table. Overlap relations are
// computed when asked, never stored pair by pair:
//   - IP address within a CIDR network (one hash probe per prefix length in use) and a network's
//     addresses and sub-networks (sorted ranges);
//   - a domain name and its parent domains (hash probes per label) and subdomains (a range of the
//     names sorted by reversed labels);
//   - a URL and its host (domain name or IP address);
//   - the hashes of one file across hash types (a file observable carrying several hashes links
//     its hash groups into one file family).
//
// The index returns member ids and owners only; whether the caller may see a member is decided by
// the node (see docs/cyber.md, "Correlation and handling").
//
// Thread-safety: Add/Remove need exclusive access; the const queries may run concurrently with
// each other (the lazily sorted range indexes are guarded internally).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/cyber/observable.h"

namespace issa::cyber {

class WarningLists;

enum class CorrelationKind : std::uint8_t {
  kSameValue,        // the same normalised value
  kWithinNetwork,    // the observable's address/network lies within the member's network
  kContainsAddress,  // the observable's network contains the member's address/network
  kSubdomainOf,      // the observable's name is a subdomain of the member's name
  kParentDomainOf,   // the observable's name is a parent domain of the member's name
  kHostOfUrl,        // the observable's name/address is the host of the member's URL
  kUrlHost,          // the member's name/address is the host of the observable's URL
  kSameFile,         // another hash of the same file
};
std::string_view CorrelationKindName(CorrelationKind kind);

// One observable as the index sees it. A file observable may carry several hashes.
struct ObservableEntry {
  std::string id;        // observable id (STIX id, MISP attribute uuid, ...), unique in the index
  std::string owner;     // authority that holds it
  std::string handling;  // handling reference (TLP marking id, releasability label)
  std::vector<Observable> values;  // normalised here again: raw values are accepted
  // The values are MakeObservable's results already (not normalised again).
  bool normalised = false;
};

struct Member {
  std::string_view id;
  std::string_view owner;
  std::string_view handling;
  std::uint32_t number = 0;  // the observable's number in the index (AddOutcome::number)
};

struct CorrelationHit {
  CorrelationKind kind;
  ObservableType value_type;  // type of the correlated group's value
  std::string value;          // the correlated group's value (e.g. the network holding the IP)
  Member member;
};

struct CorrelationPage {
  std::vector<CorrelationHit> hits;
  std::optional<std::size_t> next_offset;  // absent on the last page
};

struct AddOutcome {
  // Names of the warning lists the values hit; when not empty the observable is kept (so it can
  // be removed) but not correlated.
  std::vector<std::string> warning_lists;
  // The observable's number in the index: 0, 1, 2, … in the order of addition, never reused
  // (a removed observable's number stays unused), so a caller may keep data of its own about
  // the observable in a vector by number.
  std::uint32_t number = 0;
};

struct GraphQuery {
  int max_depth = 2;            // edges from the start observable's groups
  std::size_t max_nodes = 500;  // value groups in the answer
  std::size_t max_members_per_node = 50;
};

struct GraphNode {
  ObservableType type;
  std::string value;
  std::size_t member_count = 0;
  std::vector<Member> members;  // up to max_members_per_node
};

struct GraphEdge {
  std::size_t from;  // index into nodes
  std::size_t to;
  CorrelationKind kind;
};

struct CorrelationGraph {
  std::vector<GraphNode> nodes;  // nodes[0..k) are the start observable's own values
  std::vector<GraphEdge> edges;
  bool truncated = false;  // the node limit was reached
};

struct CorrelationStats {
  std::size_t observables = 0;
  std::size_t groups = 0;
  std::size_t memberships = 0;
  std::size_t bytes = 0;  // memory held by the index (arena, tables, vectors)
};

class CorrelationIndex {
 public:
  CorrelationIndex();
  ~CorrelationIndex();
  CorrelationIndex(const CorrelationIndex&) = delete;
  CorrelationIndex& operator=(const CorrelationIndex&) = delete;

  // Values hitting `lists` are flagged and not correlated. `lists` must outlive the index.
  void SetWarningLists(const WarningLists* lists);

  // Errors: kInvalidArgument (empty id, no values, a value that does not normalise; field
  // "values[i].value"), kAlreadyExists (id already in the index). Nothing is added on error.
  Result<AddOutcome> Add(const ObservableEntry& entry);
  // Errors: kNotFound.
  Status Remove(std::string_view id);
  // The number of an observable in the index (AddOutcome::number), if it is there.
  std::optional<std::uint32_t> NumberOf(std::string_view id) const;
  // The observable of a number while it is in the index.
  std::optional<Member> MemberAt(std::uint32_t number) const;

  // Correlations of one observable (excluding itself), in a stable order, from `offset`.
  // Errors: kNotFound.
  Result<CorrelationPage> Correlations(std::string_view id, std::size_t offset,
                                       std::size_t limit) const;
  // Correlations of a value that is not (necessarily) in the index, e.g. a search.
  Result<CorrelationPage> CorrelationsOfValue(const Observable& value, std::size_t offset,
                                              std::size_t limit) const;
  // Breadth-first correlation graph from one observable; nodes are value groups.
  Result<CorrelationGraph> Graph(std::string_view id, const GraphQuery& query) const;

  CorrelationStats Stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace issa::cyber
