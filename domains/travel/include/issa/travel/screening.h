#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/matching/matcher.h"
#include "issa/travel/watchlist.h"

// Screening of passengers and crew members against every loaded watchlist and alert: blocking
// and scoring by the cross-matching engine (issa::matching: transliteration, token order,
// missing middle names, initials, typos, particles, honorifics; dates of birth with tolerance;
// nationality; document numbers; vessel and aircraft identifiers), with explainable features and
// configurable thresholds. Design and figures: docs/travel.md "Screening".
namespace issa::travel {

struct ScreeningConfig {
  // Candidates scoring at or above are alerts: by default only they are reported.
  double alert_threshold = 0.80;
  // Candidates reported per subject at most.
  size_t top_k = 10;
  // A candidate found only through a weak alias (UN "Low" quality, OFAC a.k.a. in the remarks)
  // loses this much: such names are often single words or nicknames.
  double weak_alias_penalty = 0.10;
  // Ranking mode (a threshold under the name floor, e.g. `--threshold 0 --top K`): candidates
  // are ordered by (1 - w) × score + w × the share of the query's IDF-weighted name parts (and
  // their consonant skeletons) that the entry's names hold, so that an alias sharing one rare
  // word with the entry ranks above entries sharing only common words. Scores are unchanged.
  double rank_token_weight = 0.70;
  // Ranking mode: a name part's weight is its inverse document frequency (log(1 + N / df) among
  // the entries of its name family) raised to this power: above 1, one rare word shared with an
  // entry (POUYA of POUYA AIRLINES ~ POUYA AIR) outweighs several common ones (AIRLINES,
  // COMPANY, PETROCHEMICAL) shared with others. Chosen with rank_token_weight on the benchmark
  // of bench/RESULTS.md (issue 5, seventh pass).
  double rank_idf_power = 1.5;
  // Names in another script than Latin (Arabic, Cyrillic...): an entry whose name's consonant
  // skeleton (matching::NameSkeleton) resembles the query's is a candidate scoring at least
  // cross_script_weight × the skeleton similarity (feature "name~skeleton"); under the alert
  // threshold, so that a skeleton alone ranks but does not alert. 0 turns it off. Used when the
  // screener ranks below the name floor (its floor under MatchConfig::name_floor).
  double cross_script_weight = 0.75;
  // Ranking mode, names in another script: candidates are ordered by (1 - w) × score + w × the
  // skeleton similarity.
  double cross_script_rank_weight = 0.50;
  // Ranking mode, organisations: a query whose only distinctive word (legal forms and particles
  // aside) is unknown to the lists or rare, e.g. SOCOVALLE or M.T.T., and that the words of an
  // organisation's name spell in order from their beginnings (SOciedad COnstructora y
  // administradora del VALLE; Maquinaria Tecnica y Tierras), makes that organisation a
  // candidate scoring abbreviation_weight × (0.5 + 0.5 × the share of the name's words spelled)
  // (feature "name~abbreviation"): under the alert threshold, it ranks, it does not alert on its
  // own. 0 turns it off.
  double abbreviation_weight = 0.75;
  // A person found on an approximate name ("name~fuzzy" or "name~partial") of at most two
  // parts, with nothing else agreeing (no date of birth, no identifier), loses this much
  // (feature "name~short"): a spelling variant of a given name and a surname, or a listed name
  // with parts missing, says little about who it is (bench/RESULTS.md: the alert rate on names
  // not listed against the alert rate of true aliases).
  double short_name_penalty = 0.10;
  // Linked designations: one party listed by two lists (the UN and OFAC both list most Al-Qaida
  // designations). When a candidate is reported, the entries of other lists that denote the same
  // party are reported right after it (at most 4, not counted within `top`), with its score,
  // feature "linked_designation" and `linked_from` naming it. Two entries of different lists are
  // linked when they share (1) a document number, birth years not more than a year apart; or (2) a
  // full date of birth, the primary name of either scoring at least 0.85 against a name of the
  // other; or (3) names of two parts or more, not weak aliases, that no other entry of either list
  // bears (two of them, or one that is either entry's primary name), birth years not more than a
  // year apart and nationalities not disjoint. A number or date borne by more than 16 entries is no
  // evidence. Entries of one list are never linked: a list names each party once.
  bool link_designations = true;
  // Alerts whose expiry date is before this day are not screened against (empty: none expire).
  PartialDate as_of;
  // Weights of every feature (docs/matching.md); its `threshold` is set by the Screener. Against
  // the node's defaults, screening trusts Arabic/Hebrew skeletons more (0.92 instead of 0.85):
  // UN original-script names are then found among their Latin forms (recall@10 0.836 -> 0.878
  // in bench/RESULTS.md) at no measured cost in alerts on names not listed.
  matching::MatchConfig match = [] {
    matching::MatchConfig m;
    m.vowelless_similarity = 0.92;
    return m;
  }();
};

// Reads a TOML file's [screening] table (alert_threshold, top_k, weak_alias_penalty,
// rank_token_weight, short_name_penalty, cross_script_weight, cross_script_rank_weight,
// abbreviation_weight, link_designations, as_of) and its [screening.weights] table (any
// MatchConfig weight by name, e.g. birth_date_bonus).
// InvalidArgument naming the key on a wrong type or an out-of-range value.
Result<ScreeningConfig> ParseScreeningConfig(std::string_view toml, std::string_view file_name);

enum class Role : uint8_t { kPassenger, kCrew };

// A person to screen. Everything but the name (or a document number) is optional.
struct Subject {
  // What the name is of: persons (passengers, crew) by default; organisations, vessels and
  // aircraft (e.g. a booking's company, an itinerary's aircraft) are screened by name too.
  EntryKind kind = EntryKind::kPerson;
  std::string name;
  std::string birth_date;   // YYYY, YYYY-MM or YYYY-MM-DD
  std::string nationality;  // alpha-2, alpha-3 or country name
  std::string gender;       // female, male
  std::string document;     // travel document number
  std::string document_country;
  Role role = Role::kPassenger;
  // Crew: the vessel or aircraft they serve on.
  std::string vessel_name;
  std::string vessel_imo;
  std::string vessel_mmsi;
  std::string aircraft_registration;
};

struct ScreeningHit {
  std::string list;
  std::string entry_id;
  EntryKind kind = EntryKind::kPerson;
  std::string name;  // the entry's name that matched best (its primary name otherwise)
  NameRole name_role = NameRole::kPrimary;
  double score = 0;
  // What matched and what contradicted: "name", "name~fuzzy", "name~partial", "alias",
  // "weak_alias", "original_script", "birth_date", "birth_date~year", "birth_date~month",
  // "birth_date~swapped", "!birth_date", "nationality", "!nationality", "!gender",
  // "document_number", "imo", "mmsi", "registration", "name~common", "name~short"...
  std::vector<std::string> features;
  std::optional<AlertDetails> alert;  // alert lists: the category and the action to take
  // A linked designation (ScreeningConfig::link_designations): the candidate, "list/entry_id",
  // that matched and denotes the same party. Empty otherwise.
  std::string linked_from;
};

// Holds every loaded list in one matching index. Screen may run concurrently from any number of
// threads; Load/Put/Remove are exclusive.
class Screener {
 public:
  // `floor`: the lowest threshold Screen will be asked for (the index retrieves candidates down
  // to it); by default the configured alert threshold.
  explicit Screener(ScreeningConfig config, std::optional<double> floor = std::nullopt);
  ~Screener();
  Screener(const Screener&) = delete;
  Screener& operator=(const Screener&) = delete;

  // Loads a list, replacing a loaded list with the same id: only the entries that changed are
  // re-indexed. Returns what changed.
  Result<ListDelta> Load(const Watchlist& list);
  // Adds or replaces one entry / removes one (unknown ids are ignored).
  Status Put(const WatchlistEntry& entry);
  void Remove(std::string_view list, std::string_view entry_id);

  // Candidates at or above `threshold` (default: the alert threshold; never below the floor),
  // best first, at most `top` of them (default: config top_k), each followed by its linked
  // designations (ScreeningConfig::link_designations, at most 4 per candidate): a list of `top`
  // candidates may have up to 5 × `top` rows.
  std::vector<ScreeningHit> Screen(const Subject& subject, std::optional<size_t> top = std::nullopt,
                                   std::optional<double> threshold = std::nullopt) const;
  // The peer for benchmarks and tests: the same scoring applied to every entry, no blocking.
  std::vector<ScreeningHit> ScreenExhaustive(const Subject& subject, size_t top,
                                             double threshold) const;

  // The entries of other lists linked to this one as the same party
  // (ScreeningConfig::link_designations), as "list/entry_id", whatever the configuration.
  std::vector<std::string> LinkedDesignations(std::string_view list,
                                              std::string_view entry_id) const;

  size_t entries() const;
  size_t lists() const;
  const ScreeningConfig& config() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace issa::travel
