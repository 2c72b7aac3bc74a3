#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Name normalisation: splitting into parts, ICU transliteration to ASCII, honorifics, particles.
namespace issa::matching::detail {

// Which vocabulary of honorifics and particles applies.
enum class NameClass : uint8_t { kPerson = 0, kOrganisation = 1, kVessel = 2 };

// Flags of a name unit.
inline constexpr uint8_t kParticle = 1;     // al, bin, van, der, ltd...: low weight, not blocked on
inline constexpr uint8_t kInitial = 2;      // a single letter
inline constexpr uint8_t kVowelless = 4;    // from a script that omits vowels (Arabic, Hebrew...)
inline constexpr uint8_t kAlternative = 8;  // another reading of regular parts (see below)
inline constexpr uint8_t kNumeric = 16;     // digits only

// At most this many regular parts and units per name; the rest is ignored.
inline constexpr size_t kMaxParts = 8;
inline constexpr size_t kMaxUnits = 10;

// One part of a name, or an alternative reading covering several parts: particles glued to the
// following part ("van der berg" -> "vanderberg", "bin laden" -> "binladen") or an Arabic part
// without its attached article ("altkryty" -> "tkryty").
struct NameUnit {
  std::string text;    // lower-case ASCII letters and digits, never empty
  uint8_t flags = 0;   // k* above
  uint16_t cover = 0;  // bit i set when the unit stands for regular part i
};

struct TokenisedName {
  std::vector<NameUnit> units;  // the regular parts in order, then the alternatives
  uint8_t regular = 0;          // number of regular parts
};

// Splits, transliterates (ICU, only for non-ASCII input) and classifies the parts of a name.
// Invalid UTF-8 is replaced. Thread-safe.
// `as_written`: an organisation's legal forms and common words stay the words they are
// (ReadOrganisationWords is skipped), for consonant skeletons and abbreviations.
TokenisedName TokeniseName(std::string_view name, NameClass name_class, bool as_written = false);

// Builds the shared ICU transliterators now (tens of milliseconds) rather than on the first
// non-ASCII name. Thread-safe.
void WarmUpTransliterators();

// The regular parts joined by single spaces.
std::string JoinParts(const TokenisedName& name);

}  // namespace issa::matching::detail
