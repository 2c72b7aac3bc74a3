#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "flat_multimap.h"
#include "name_score.h"
#include "normalise.h"
#include "similarity.h"

// Inverted index of name units for blocking: a vocabulary of distinct units ("words") with
// posting lists of name entries, a one-deletion table (typos) and phonetic-key tables
// (transliteration variants). Thread-compatible: the Matcher serialises writers.
namespace issa::matching::detail {

inline constexpr uint32_t kNone = 0xFFFFFFFFU;
// Distinct units of one query (over all its names) taken into account.
inline constexpr size_t kMaxQueryUnits = 32;

// Per-Find working memory, reused across queries (the Matcher keeps a pool).
struct Scratch {
  uint32_t word_epoch = 0;
  uint32_t entry_epoch = 0;
  uint32_t slot_epoch = 0;
  std::vector<uint32_t> word_stamp;  // by word id: == word_epoch when word_row is valid
  std::vector<uint32_t> word_row;    // by word id: row in `rows`
  std::vector<uint32_t> entry_stamp;
  std::vector<uint32_t> slot_stamp;
  std::vector<float> rows;           // kMaxQueryUnits similarities per row
  std::vector<uint32_t> row_mask;    // per row: count-as bits of the core units it matches
  std::vector<uint32_t> row_tested;  // per row: units already compared with the row's word
  std::vector<uint32_t> row_word;    // per row: its word
  std::vector<uint32_t> entries;     // candidate entries
  std::vector<uint64_t> hashes;
  std::vector<std::string> deletions;
  std::vector<std::pair<uint32_t, uint32_t>> ranked;    // (rank, slot)
  std::vector<std::pair<uint32_t, uint32_t>> fallback;  // (entry, query units to compare)

  // Vocabulary neighbours of query units already looked up (NameIndex::Prepare), by unit text
  // and flags: the words compared and their similarity (below the cutoff: -1). Valid for one
  // state of one index (its generation); a few indexes are cached side by side. Repeated name
  // parts (common given names and surnames) then skip the one-edit and phonetic lookups.
  struct UnitCache {
    uint64_t generation = 0;
    float cutoff = -1;
    std::unordered_map<std::string, std::vector<std::pair<uint32_t, float>>> units;
  };
  std::array<UnitCache, 4> unit_caches;
  size_t unit_cache_hits = 0;
  size_t unit_cache_misses = 0;

  void Reserve(size_t word_count, size_t entry_count, size_t slot_count);
  uint32_t NextWordEpoch();
  uint32_t NextEntryEpoch();
  uint32_t NextSlotEpoch();
};

// The query's names as units, deduplicated across names.
struct NameQuery {
  struct Unit {
    std::string text;
    uint8_t flags = 0;
    uint8_t count_as = 0;  // alternatives count as their last (head) part
    bool blockable = false;
  };
  struct Name {
    uint8_t count = 0;    // units
    uint8_t regular = 0;  // regular parts
    uint8_t core = 0;     // regular parts that are not particles
    bool alias = false;
    uint32_t mask = 0;                      // count-as bits of its core units
    std::array<uint8_t, kMaxUnits> unit{};  // index into units
    std::array<ScoreUnit, kMaxUnits> score{};
  };
  std::vector<Unit> units;
  std::vector<Name> names;
  bool has_initials = false;
  std::array<uint32_t, 26> initials_by_letter{};  // bits of initial units, by letter
  std::array<uint32_t, 26> units_by_letter{};     // count-as bits of core units by first letter

  void Build(const std::vector<TokenisedName>& names, bool has_primary);
};

struct NameMatch {
  float score = 0;
  bool exact = false;
  bool partial = false;
  bool alias = false;      // the best pair involves an alias on either side
  uint32_t entry = kNone;  // the stored name of the best pair
};

class NameIndex {
 public:
  NameIndex() { Touch(); }

  // Adds a name of `slot` (born in `birth_year`, 0 if unknown); returns its entry id. `next`
  // chains the slot's entries.
  uint32_t Add(uint32_t slot, const TokenisedName& name, bool alias, uint32_t next,
               uint16_t birth_year);
  // Removes the chain of entries starting at `first`.
  void RemoveChain(uint32_t first);

  // Fills the similarity table of the query's units against the vocabulary (scratch rows).
  void Prepare(const NameQuery& query, const SimilarityParams& params, float cutoff,
               Scratch& scratch) const;
  struct CollectOptions {
    bool single_part_names = false;  // see ScoreName
    size_t max_slots = 5000;         // at most this many slots, those matching most parts first
    // Entries of the rarest parts, up to this many in all, have the other parts of the name
    // compared one by one (spellings beyond the one-edit and phonetic lookups).
    size_t fallback_postings = 300;
    // Skip entries born in another year (a score cannot reach the threshold then); 0: no.
    uint16_t birth_year = 0;
  };
  // The birth year code of postings (0 for an unknown year).
  static uint32_t YearCode(uint16_t year) { return year == 0 ? 0 : 1 + year % 15; }
  // Slots with an entry that may reach the threshold (enough parts matched) and whose
  // scratch.slot_stamp is not the current slot epoch (they are stamped), appended to `out`.
  void Collect(const NameQuery& query, Scratch& scratch, const CollectOptions& options,
               const SimilarityParams& params, float cutoff, std::vector<uint32_t>& out) const;
  // Best score of the query's names against the chain of entries starting at `first`.
  // Similarities come from the table (pairs not in it yet are computed and added), or with
  // `direct` are all computed (another index's words, exhaustive scoring).
  // `single_part_names`: see ScoreName.
  NameMatch Best(const NameQuery& query, Scratch& scratch, uint32_t first, bool direct,
                 const SimilarityParams& params, float cutoff, float extra_part_weight,
                 bool single_part_names) const;

  // How many names of the index are made of the same core parts as entry `id` (the name itself
  // included): counted exactly when its rarest part is in at most 512 names, else estimated as
  // live names × the product of each core part's share of names (parts combined independently),
  // and never less than that estimate. 1 for a name nobody else bears, far above 1 for a
  // combination of common parts ("Mohamed Ali"). Initials and particles do not count.
  double ExpectedBearers(uint32_t id) const;
  size_t live_entries() const { return live_entries_; }

  size_t words() const { return word_text_.size(); }
  size_t entries() const { return entries_.size(); }
  size_t MemoryBytes() const;
  // Changes on every write; unique across indexes (see Scratch::UnitCache).
  uint64_t generation() const { return generation_; }

 private:
  struct Entry {
    uint32_t slot = kNone;
    uint32_t next = kNone;  // next entry of the slot, or next free entry
    uint8_t count = 0;
    uint8_t regular = 0;
    uint8_t core = 0;
    uint8_t flags = 0;  // kEntryLive, kEntryAlias
    std::array<uint32_t, kMaxUnits> word{};
    std::array<uint16_t, kMaxUnits> cover{};
  };
  static constexpr uint8_t kEntryLive = 1;
  static constexpr uint8_t kEntryAlias = 2;

  std::string_view WordText(uint32_t w) const;
  uint32_t Intern(const NameUnit& unit);
  uint32_t FindWord(std::string_view text, bool vowelless) const;
  // Adds word w's similarity to query unit u into the table.
  // `record`: where to append (w, similarity or -1) when the pair is compared.
  void Consider(const NameQuery& query, size_t u, uint32_t w, const SimilarityParams& params,
                float cutoff, Scratch& scratch,
                std::vector<std::pair<uint32_t, float>>* record = nullptr) const;
  // Replays a cached Consider result for query unit u.
  void Replay(const NameQuery& query, size_t u, uint32_t w, float sim, Scratch& scratch) const;
  void Touch();
  uint32_t RowOf(uint32_t w, Scratch& scratch) const;
  void FillScoreUnits(const Entry& e, std::array<ScoreUnit, kMaxUnits>& out) const;
  // Weight factor of word w by its rarity among the index's names (see SimilarityParams::rarity).
  float Rarity(uint32_t w, float strength) const;

  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> word_ids_;
  std::vector<const std::string*> word_text_;  // key of word_ids_ (text, then '\1' if vowelless)
  std::vector<uint8_t> word_len_;
  std::vector<uint8_t> word_flags_;
  std::vector<char> word_first_;
  // A posting: an entry containing the word, with a summary of the entry that lets the scan skip
  // it without reading it: bits 0-25 the first letters of its units, bits 26-27 its kind of name
  // (kLooseEntry: at most one core part or an initial; 1: two core parts; 2: more), bits 28-31 a
  // birth year code (0 unknown, else 1 + year % 15).
  struct Posting {
    uint32_t entry;
    uint32_t summary;
  };
  static constexpr uint32_t kLetterBits = (1U << 26) - 1;
  std::vector<std::vector<Posting>> postings_;
  FlatMultiMap deletes_;         // hash of a one-deletion -> word
  FlatMultiMap keys_;            // hash of the phonetic key -> word
  FlatMultiMap vowelless_keys_;  // hash of the vowelless key -> word

  std::vector<Entry> entries_;
  uint64_t generation_ = 0;
  uint32_t free_entries_ = kNone;
  size_t live_entries_ = 0;
};

}  // namespace issa::matching::detail
