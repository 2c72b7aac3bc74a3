#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "issa/matching/matcher.h"

// Name comparison on its own, exactly as the Matcher scores one name against another (see
// docs/matching.md "Names"): normalisation and transliteration, honorifics and particles,
// initials, part similarity, missing middle names. For modules that screen or explain.
namespace issa::matching {

enum class NameKind { kPerson, kOrganisation, kVessel };

struct NameComparison {
  double score = 0;      // in [0, 1]
  bool exact = false;    // every part paired with an equal part
  bool partial = false;  // pairs all equal, but parts missing on one side
};

// A name split, transliterated and classified once (ICU runs here), for repeated comparisons.
struct PreparedName {
  // Unit::flags.
  static constexpr uint8_t kParticle = 1;     // al, bin, van; an organisation's legal forms, of
  static constexpr uint8_t kInitial = 2;      // one letter
  static constexpr uint8_t kVowelless = 4;    // from a script that omits vowels
  static constexpr uint8_t kAlternative = 8;  // another reading of regular parts
  static constexpr uint8_t kNumber = 16;      // digits only
  struct Unit {
    std::string text;    // lower-case ASCII letters and digits
    uint8_t flags = 0;   // k* above
    uint16_t cover = 0;  // regular parts an alternative reading stands for
  };
  std::vector<Unit> units;  // the regular parts in order, then alternative readings
  uint8_t regular = 0;
  NameKind kind = NameKind::kPerson;
};
PreparedName PrepareName(std::string_view name, NameKind kind = NameKind::kPerson);
// The same, an organisation's words as written: its legal forms in several words and its common
// words in other languages are not read as one (LIMITED LIABILITY COMPANY stays three words,
// ANSAR stays ANSAR): what a consonant skeleton or an abbreviation is made of.
PreparedName PrepareNameAsWritten(std::string_view name, NameKind kind);
// Whether a word of an organisation's name (lower case, as PrepareNameAsWritten gives it: limited
// is ltd, company co) is a legal form (ltd, llc, gmbh, jsc, ooo, liability...) or a connective
// (of, the, and, de...): nothing that tells one organisation from another. Class words (group,
// holding, international, trading, establishment) are not.
bool IsLegalFormOrConnective(std::string_view word);
NameComparison CompareNames(const PreparedName& query, const PreparedName& candidate,
                            const MatchConfig& config = MatchConfig{});

// Consonant skeleton of a whole name, the key on which a name written in a script without
// vowels meets its Latin forms (docs/matching.md "Names"): the regular parts as transliterated,
// Arabic articles ("al", "el", "ul" as parts, and "al"/"el" glued to the front of a part from a
// vowelless script) dropped; consonants folded into classes (k for c g j q k, "dj", "dzh"; s for
// z x s and "ch"; b for p; v w y h and the vowels dropped), doubles within a part collapsed; the
// parts' skeletons separated by spaces. `صدام حسين التكريتي` (ICU "sdam hsyn altkryty") and
// `SADDAM HUSSEIN AL-TIKRITI` both give "sdm sn tkrt". Empty when nothing is left.
std::string NameSkeleton(const PreparedName& name);

// Similarity in [0, 1] of two skeletons: the better of the whole strings' edit ratio (parts
// concatenated: glued and split compounds meet) and the mean of each side's coverage by the
// other's parts (each part weighted by its length, paired with its most similar part). Edits
// cost 1, a swap among d, t, s half. 0 when either has fewer than two letters.
double SkeletonSimilarity(std::string_view a, std::string_view b);

// Scores `candidate` as a reading of `query`. Thread-safe.
NameComparison CompareNames(std::string_view query, std::string_view candidate,
                            NameKind kind = NameKind::kPerson,
                            const MatchConfig& config = MatchConfig{});

// Similarity in [0, 1] of two single name parts after normalisation (e.g. "Mohammed" and
// "Muhammad"); 0 when either is not a single part. Thread-safe.
double PartSimilarity(std::string_view a, std::string_view b,
                      const MatchConfig& config = MatchConfig{});

}  // namespace issa::matching
