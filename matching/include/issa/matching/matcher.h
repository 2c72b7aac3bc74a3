#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/model.h"
#include "issa/core/status.h"

// Cross-matching ("hit/no-hit"): every Person, Organisation, Vessel, Aircraft, Document or Account
// record written on the node is compared with every comparable record held by the node.
// The design, the scoring formula and how to tune it are in docs/matching.md.
namespace issa::matching {

// Every number the score depends on. Weights are the score a feature gives on its own (main
// features; the best one counts) or the amount it adds or removes (qualifiers). Plain value type.
struct MatchConfig {
  // Candidates scoring at or above become hits.
  double threshold = 0.80;

  // ---- Names -----------------------------------------------------------------------------------
  // Two name parts pair when their similarity reaches this. Fuzzy pairs (within the edit budget)
  // always score at least ~0.8, so this mostly gates initials.
  double token_cutoff = 0.70;
  // Similarity of an initial with a name part starting with the same letter ("J" ~ "John").
  double initial_similarity = 0.75;
  // Cap on the similarity of a part written in a script without vowels (Arabic, Hebrew, Thai...)
  // with a Latin part: ICU turns محمد into "mhmd", which pairs with Mohammed, Muhammad, Mahmoud.
  double vowelless_similarity = 0.85;
  // Weight of name parts present on one side only (missing/extra middle names), relative to
  // parts that contradict. Applies while at least two parts pair; otherwise extras count fully.
  double extra_part_weight = 0.30;
  // Rarity weighting of name parts (0: off, 1: full): a part borne by many names of the index
  // ("mohammed", "ali") weighs less than a rare one, down to 1 - name_rarity_weight × 0.7 of its
  // weight, by its inverse document frequency among the index's names. A pair of parts weighs by
  // the stored part's rarity; a part on one side only by its own (query parts not in the index
  // count as rare).
  double name_rarity_weight = 0.0;
  // Remember, per query name part, the index words its lookups found (docs/matching.md); off
  // only to compare speed: the results are the same either way.
  bool cache_name_lookups = true;
  // Name scores below this are no evidence at all (qualifiers cannot lift them to a hit).
  double name_floor = 0.60;
  // Main weight of the name score per kind of record.
  double person_name_weight = 1.00;  // persons and document holders
  double organisation_name_weight = 1.00;
  double vessel_name_weight = 0.85;  // many vessels share names: a name alone is weaker

  // ---- Identifiers (main features) -------------------------------------------------------------
  double document_number_weight = 0.95;
  double imo_weight = 0.95;
  double mmsi_weight = 0.90;
  double call_sign_weight = 0.80;
  double iban_weight = 0.95;
  double account_number_weight = 0.90;  // account number with the same BIC (first 8 characters)
  double account_number_without_bic_weight = 0.70;  // a BIC missing on either side
  double lei_weight = 0.95;
  double registration_number_weight = 0.85;  // organisations, same or unknown country
  double aircraft_registration_weight = 0.95;
  double icao24_weight = 0.95;
  // Document and account numbers shorter than this (after normalisation) are ignored.
  size_t min_document_number_length = 5;

  // ---- Qualifiers ------------------------------------------------------------------------------
  double birth_date_bonus = 0.10;          // same full date
  double birth_date_swapped_bonus = 0.05;  // same year, day and month swapped
  double birth_date_partial_bonus = 0.02;  // agree as far as the less precise date goes
  double birth_date_day_penalty = 0.25;    // same year, different month/day
  double birth_date_year_penalty = 0.35;   // different year
  int birth_year_tolerance = 0;            // years apart still taken as the same year
  double nationality_bonus = 0.02;
  double nationality_penalty = 0.10;  // both known, none in common
  double gender_penalty = 0.20;       // both known (female/male), different
  double country_penalty = 0.10;      // organisations registered in different countries
  // Both records carry a single-valued identifier (IMO, MMSI, ICAO 24-bit address, aircraft
  // registration, IBAN, LEI) with different values.
  double identifier_conflict_penalty = 0.50;
  // An identifier matched but both records have names and they do not match.
  double name_conflict_penalty = 0.10;
  // A person or document holder matched on the name alone (no identifier, and no date of
  // birth on one side) whose name is common in the index: at least `common_name_bearers` names
  // are expected to consist of the same parts (see the feature "name~common"). Such a name says
  // little about who it is; the score drops by this much. Applies only once the index holds at
  // least `common_name_min_names` names of that kind (the statistics mean little before).
  double common_name_penalty = 0.25;
  double common_name_bearers = 1.5;
  size_t common_name_min_names = 10000;

  // ---- Retrieval -------------------------------------------------------------------------------
  // Upper bound on the records fully scored per Find (those pairing the most parts are kept).
  size_t max_scored_candidates = 5000;
  // Records holding the rarest parts of the query's names, up to this many in all, have the
  // other parts compared one by one, so that a part spelled too differently for the one-edit and
  // phonetic lookups still pairs (a rare surname anchors a transliterated given name).
  size_t fallback_postings = 300;
};

// One comparable record at or above the threshold.
struct Candidate {
  std::string record_id;
  std::string owner;
  std::string type;
  double score = 0;  // in [0, 1]
  // What matched, e.g. "name", "name~fuzzy", "name~partial", "alias", "birth_date",
  // "birth_date~year", "birth_date~month", "birth_date~swapped", "nationality",
  // "document_number", "imo", "mmsi", "iban", "bic", "name~common" (a common name with nothing
  // else to go by, see MatchConfig::common_name_penalty); contradictions start with "!", e.g.
  // "!birth_date", "!nationality", "!gender", "!imo", "!name". Sorted.
  std::vector<std::string> features;
};

// An in-memory index of the current version of every matchable record, with blocking on name
// parts (exact, one-edit neighbours, phonetic keys) and identifiers.
//
// Thread-safety: Find, FindExhaustive, Compare and size may run concurrently with each other;
// Upsert and Remove are exclusive (std::shared_mutex). Names are normalised before the lock is
// taken. Errors: Upsert returns InvalidArgument when properties_json is not a JSON object or a
// known property has the wrong JSON type (field "properties.<name>"); malformed identifiers and
// dates are ignored, not errors.
class Matcher {
 public:
  explicit Matcher(MatchConfig config);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Indexes the record, replacing the version indexed under the same id. Records of types that
  // are not matchable are ignored (and a previously indexed version under that id is removed).
  Status Upsert(const core::Record& record);
  // Forgets the record; unknown ids are ignored.
  void Remove(std::string_view record_id);
  // Comparable records scoring at or above the threshold, best first (ties by record id), at
  // most `limit`, never the record itself (same id). Empty for records that are not matchable
  // or whose properties cannot be parsed.
  std::vector<Candidate> Find(const core::Record& record, size_t limit) const;
  // Reference for tests and benchmarks: the same scoring applied to every stored record, with no
  // blocking. Slow (linear in the index size).
  std::vector<Candidate> FindExhaustive(const core::Record& record, size_t limit) const;
  // Scores `b` as a candidate for `a` whatever the threshold (score 0 and no features when they
  // are not comparable), on the two records alone: without the index's name statistics, so no
  // "name~common". InvalidArgument when either record's properties cannot be parsed.
  Result<Candidate> Compare(const core::Record& a, const core::Record& b) const;
  // Number of records indexed.
  size_t size() const;
  const MatchConfig& config() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Person, Organisation, Vessel, Aircraft, Document, Account.
bool IsMatchable(std::string_view type);

// Normal form of a person's name: ICU transliteration to Latin, accents removed, lower case,
// punctuation and honorifics removed, one space between parts, original order. Invalid UTF-8 is
// replaced, never an error. Thread-safe.
std::string NormaliseName(std::string_view name);

}  // namespace issa::matching
