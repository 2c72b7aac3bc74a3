#pragma once

// PLACEHOLDER — the matching helper owns this module and replaces this header.
// Contract used by node/:
//
//   struct MatchConfig { double threshold; ... };                 // thresholds are configuration
//   struct Candidate { std::string record_id, owner, type; double score;
//                      std::vector<std::string> features; };     // explainable
//   class Matcher {                                               // thread-safe
//    public:
//     explicit Matcher(MatchConfig config);
//     // Indexes (or re-indexes) a record; records of non-matchable types are ignored.
//     Status Upsert(const core::Record& record);
//     void Remove(std::string_view record_id);
//     // Candidates at or above the threshold for `record`, best first, excluding itself.
//     std::vector<Candidate> Find(const core::Record& record, size_t limit) const;
//     size_t size() const;
//   };
//   bool IsMatchable(std::string_view type);
