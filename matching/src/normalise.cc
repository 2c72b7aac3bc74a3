#include "normalise.h"

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include "issa/matching/matcher.h"

namespace issa::matching {
namespace detail {
namespace {

using WordSet = std::unordered_set<std::string_view>;

// Titles and honorifics dropped from person names (when something else remains).
const WordSet& PersonHonorifics() {
  static const WordSet kWords = {
      "mr",        "mrs",  "ms",      "miss",  "mx",      "dr",       "prof",    "sir",
      "dame",      "lord", "lady",    "rev",   "hon",     "sheikh",   "shaikh",  "shaykh",
      "sheik",     "haji", "hajji",   "hadji", "mullah",  "mulla",    "maulvi",  "mawlawi",
      "maulana",   "qari", "mufti",   "gen",   "general", "col",      "colonel", "maj",
      "major",     "capt", "captain", "lt",    "sgt",     "brig",     "adm",     "admiral",
      "president", "herr", "frau",    "mme",   "mlle",    "monsieur", "madame",  "sra",
      "srta",      "dott", "ing",     "eng",   "hrh",
  };
  return kWords;
}

// Connective parts of person names: glued to the next part as an alternative reading.
const WordSet& PersonParticles() {
  static const WordSet kWords = {
      "al",  "el",    "ul",    "bin",   "ben",   "ibn", "bint", "bn",  "bnt", "abu", "abou",
      "abw", "abd",   "abdul", "abdel", "abdal", "bd",  "van",  "von", "der", "den", "de",
      "del", "della", "dela",  "di",    "da",    "das", "dos",  "du",  "la",  "le",  "lo",
      "st",  "ter",   "ten",   "zu",    "jr",    "sr",  "ii",   "iii", "iv",
  };
  return kWords;
}

// Legal forms and connectives of organisation names: kept with a low weight.
const WordSet& OrganisationParticles() {
  static const WordSet kWords = {
      "the",
      "of",
      "and",
      "for",
      "in",
      "et",
      "und",
      "y",
      "de",
      "la",
      "le",
      "des",
      "du",
      "al",
      "el",
      "company",
      "co",
      "corp",
      "corporation",
      "inc",
      "incorporated",
      "ltd",
      "limited",
      "llc",
      "llp",
      "lp",
      "plc",
      "gmbh",
      "ag",
      "kg",
      "sa",
      "sarl",
      "sas",
      "srl",
      "spa",
      "bv",
      "nv",
      "ab",
      "as",
      "oy",
      "oyj",
      "jsc",
      "ojsc",
      "cjsc",
      "pjsc",
      "ooo",
      "oao",
      "zao",
      "pao",
      "tov",
      "fze",
      "fzco",
      "fzc",
      "est",
      "establishment",
      "group",
      "holding",
      "holdings",
      "trading",
      "international",
      "intl",
      "sl",
      "sae",
      "pte",
      "pty",
      "bhd",
      "sdn",
      "kft",
      "zrt",
      "doo",
      // Legal forms spelt out: "joint stock", the transliterated Russian ones (AO, OAO, ZAO,
      // PAO, OOO written in full), Spanish/Portuguese "ltda", "cia", Turkish "sirketi".
      "joint",
      "stock",
      "ltda",
      "cia",
      "sirketi",
      "obshchestvo",
      "obshestvo",
      "obschestvo",
      "obshcestvo",
      "aktsionernoe",
      "aktsionernoye",
      "otkrytoe",
      "otkrytoye",
      "zakrytoe",
      "zakrytoye",
      "publichnoe",
      "publichnoye",
      "ogranichennoi",
      "ogranichennoy",
      "otvetstvennostyu",
  };
  return kWords;
}

// Vessel prefixes dropped from vessel names.
const WordSet& VesselPrefixes() {
  static const WordSet kWords = {"mv", "mt", "ms", "ss", "fv", "sv", "my", "mfv", "mts", "tss"};
  return kWords;
}

// Spelled-out legal forms in their short form, so that "Limited" pairs with "Ltd".
std::string_view CanonicalLegalForm(std::string_view word) {
  static const std::unordered_map<std::string_view, std::string_view> kForms = {
      {"limited", "ltd"},       {"company", "co"},       {"corporation", "corp"},
      {"incorporated", "inc"},  {"holdings", "holding"}, {"international", "intl"},
      {"establishment", "est"}, {"societe", "ste"},      {"gesellschaft", "ges"},
  };
  const auto it = kForms.find(word);
  return it == kForms.end() ? word : it->second;
}

bool IsVowellessScript(UScriptCode script) {
  switch (script) {
    case USCRIPT_ARABIC:
    case USCRIPT_HEBREW:
    case USCRIPT_SYRIAC:
    case USCRIPT_THAANA:
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
      return true;
    default:
      return false;
  }
}

bool IsApostrophe(UChar32 c) {
  switch (c) {
    case 0x0027:  // '
    case 0x0060:  // `
    case 0x00B4:  // acute accent
    case 0x02B9:  // modifier prime
    case 0x02BB:  // turned comma
    case 0x02BC:  // modifier apostrophe
    case 0x02BE:  // right half ring (hamza)
    case 0x02BF:  // left half ring (ayn)
    case 0x2018:
    case 0x2019:
      return true;
    default:
      return false;
  }
}

// ---- ICU transliterators: one prototype each, cloned once per thread -------------------------

// Everything to Latin: BGN for Russian (Khrushchev, not Hrusev), UNGEGN for Greek, ICU's default
// for the other scripts; ة (ta marbuta) read as the final "a" of Osama/Fatima.
constexpr const char* kFullRules =
    ":: NFC ;\n"
    "\\u0629 > a ;\n"
    ":: Russian-Latin/BGN ;\n"
    ":: Greek-Latin/UNGEGN ;\n"
    ":: Any-Latin ;\n"
    ":: NFD ;\n"
    ":: [:Nonspacing Mark:] Remove ;\n"
    ":: Latin-ASCII ;\n";

// Latin with accents and special letters (ß, ø, ł, æ...) to ASCII.
constexpr const char* kLatinRules =
    ":: NFD ;\n"
    ":: [:Nonspacing Mark:] Remove ;\n"
    ":: Latin-ASCII ;\n";

std::unique_ptr<icu::Transliterator> MakeTransliterator(const char* rules) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error;
  std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createFromRules(
      icu::UnicodeString("issa-matching"), icu::UnicodeString::fromUTF8(rules), UTRANS_FORWARD,
      parse_error, status));
  if (U_FAILURE(status)) return nullptr;
  return t;
}

struct Prototypes {
  std::mutex mu;  // guards clone(): ICU transliterators are not thread-safe
  std::unique_ptr<icu::Transliterator> full = MakeTransliterator(kFullRules);
  std::unique_ptr<icu::Transliterator> latin = MakeTransliterator(kLatinRules);
};

Prototypes& GetPrototypes() {
  static Prototypes prototypes;
  return prototypes;
}

// The calling thread's own transliterator; null if ICU data is missing (then non-ASCII letters
// are dropped).
icu::Transliterator* ThreadTransliterator(bool full) {
  thread_local std::unique_ptr<icu::Transliterator> full_clone;
  thread_local std::unique_ptr<icu::Transliterator> latin_clone;
  std::unique_ptr<icu::Transliterator>& mine = full ? full_clone : latin_clone;
  if (!mine) {
    Prototypes& p = GetPrototypes();
    std::lock_guard<std::mutex> lock(p.mu);
    const std::unique_ptr<icu::Transliterator>& proto = full ? p.full : p.latin;
    if (proto) mine.reset(proto->clone());
  }
  return mine.get();
}

struct RawPart {
  std::string text;
  bool vowelless = false;
};

constexpr size_t kMaxRawParts = 24;
constexpr size_t kMaxPartLength = 40;

void PushPart(std::vector<RawPart>& parts, std::string& text, bool vowelless) {
  if (!text.empty() && parts.size() < kMaxRawParts) {
    if (text.size() > kMaxPartLength) text.resize(kMaxPartLength);
    parts.push_back(RawPart{std::move(text), vowelless});
  }
  text.clear();
}

// ASCII input: letters lower-cased, apostrophes dropped, everything else separates.
void SplitAscii(std::string_view in, std::vector<RawPart>& parts) {
  std::string cur;
  for (char c : in) {
    if (c >= 'A' && c <= 'Z') {
      cur.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      cur.push_back(c);
    } else if (c == '\'' || c == '`') {
      continue;
    } else {
      PushPart(parts, cur, false);
    }
  }
  PushPart(parts, cur, false);
}

bool IsAsciiText(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Unicode input: split on separators and punctuation (by Unicode category), note which parts
// come from vowelless scripts, transliterate the whole name in one ICU call with '|' between the
// original parts, then split the ASCII result again.
void SplitUnicode(std::string_view in, std::vector<RawPart>& parts) {
  const icu::UnicodeString text =
      icu::UnicodeString::fromUTF8(icu::StringPiece(in.data(), static_cast<int32_t>(in.size())));
  icu::UnicodeString joined;
  std::vector<bool> vowelless;  // per original part
  bool all_latin = true;
  bool in_part = false;
  bool part_vowelless = false;
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    i = text.moveIndex32(i, 1);
    if (IsApostrophe(c)) continue;
    const int8_t type = u_charType(c);
    bool keep = false;
    switch (type) {
      case U_UPPERCASE_LETTER:
      case U_LOWERCASE_LETTER:
      case U_TITLECASE_LETTER:
      case U_MODIFIER_LETTER:
      case U_OTHER_LETTER:
      case U_NON_SPACING_MARK:
      case U_COMBINING_SPACING_MARK:
      case U_ENCLOSING_MARK:
      case U_DECIMAL_DIGIT_NUMBER:
      case U_LETTER_NUMBER:
        keep = true;
        break;
      case U_FORMAT_CHAR:  // ZWJ, RLM...: dropped inside a part
      case U_UNASSIGNED:
      case U_PRIVATE_USE_CHAR:
      case U_SURROGATE:
        continue;
      default:
        keep = false;  // spaces, punctuation, symbols, controls, U+FFFD
    }
    if (c == 0xFFFD) keep = false;
    if (!keep) {
      if (in_part) {
        vowelless.push_back(part_vowelless);
        in_part = false;
      }
      continue;
    }
    if (!in_part) {
      if (!joined.isEmpty()) joined.append(static_cast<UChar>(u'|'));
      in_part = true;
      part_vowelless = false;
    }
    joined.append(c);
    if (c >= 0x80) {
      UErrorCode status = U_ZERO_ERROR;
      const UScriptCode script = uscript_getScript(c, &status);
      if (U_SUCCESS(status) && script != USCRIPT_COMMON && script != USCRIPT_INHERITED) {
        if (script != USCRIPT_LATIN) all_latin = false;
        if (IsVowellessScript(script)) part_vowelless = true;
      }
    }
  }
  if (in_part) vowelless.push_back(part_vowelless);
  if (vowelless.empty()) return;

  if (icu::Transliterator* t = ThreadTransliterator(!all_latin)) t->transliterate(joined);
  std::string ascii;
  joined.toUTF8String(ascii);

  size_t part_index = 0;
  std::string cur;
  for (char c : ascii) {
    if (c >= 'A' && c <= 'Z') {
      cur.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      cur.push_back(c);
    } else if (c == '|') {
      PushPart(parts, cur, vowelless[std::min(part_index, vowelless.size() - 1)]);
      ++part_index;
    } else if (c == '\'' || c == '`' || static_cast<unsigned char>(c) >= 0x80) {
      continue;  // apostrophes and letters ICU left alone (ʿ of Arabic ayn...) are dropped
    } else {
      PushPart(parts, cur, vowelless[std::min(part_index, vowelless.size() - 1)]);
    }
  }
  PushPart(parts, cur, vowelless[std::min(part_index, vowelless.size() - 1)]);
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

TokenisedName TokeniseName(std::string_view name, NameClass name_class) {
  std::vector<RawPart> parts;
  parts.reserve(8);
  if (IsAsciiText(name)) {
    SplitAscii(name, parts);
  } else {
    SplitUnicode(name, parts);
  }

  // Honorifics and vessel prefixes go, unless nothing else would remain.
  const WordSet* drop = nullptr;
  if (name_class == NameClass::kPerson) drop = &PersonHonorifics();
  if (name_class == NameClass::kVessel) drop = &VesselPrefixes();
  if (drop != nullptr) {
    // Only Latin parts: a transliteration without vowels is no honorific (عمر "mr" is Omar,
    // آدم "adm" is Adam).
    auto dropped = [drop](const RawPart& p) { return !p.vowelless && drop->count(p.text) != 0; };
    size_t kept = 0;
    for (const RawPart& p : parts) kept += dropped(p) ? 0 : 1;
    if (kept > 0 && kept < parts.size()) std::erase_if(parts, dropped);
    // "M/V NAME" splits into "m" "v".
    if (name_class == NameClass::kVessel && parts.size() > 2 && parts[0].text == "m" &&
        (parts[1].text == "v" || parts[1].text == "t")) {
      parts.erase(parts.begin(), parts.begin() + 2);
    }
  }
  if (parts.size() > kMaxParts) parts.resize(kMaxParts);

  const WordSet* particles = nullptr;
  if (name_class == NameClass::kPerson) particles = &PersonParticles();
  if (name_class == NameClass::kOrganisation) particles = &OrganisationParticles();

  TokenisedName out;
  out.units.reserve(parts.size() + 2);
  for (size_t i = 0; i < parts.size(); ++i) {
    NameUnit u;
    u.text = std::move(parts[i].text);
    if (name_class == NameClass::kOrganisation) u.text = std::string(CanonicalLegalForm(u.text));
    u.cover = static_cast<uint16_t>(1u << i);
    if (parts[i].vowelless) u.flags |= kVowelless;
    if (AllDigits(u.text)) {
      u.flags |= kNumeric;
    } else if (u.text.size() == 1) {
      u.flags |= kInitial;
    } else if (particles != nullptr && particles->count(u.text) != 0) {
      u.flags |= kParticle;
    }
    out.units.push_back(std::move(u));
  }
  out.regular = static_cast<uint8_t>(out.units.size());

  if (name_class != NameClass::kPerson) return out;
  // Alternatives: particles glued to the next part, Arabic article stripped.
  for (size_t i = 0; i < out.regular && out.units.size() < kMaxUnits; ++i) {
    const NameUnit& u = out.units[i];
    if ((u.flags & kParticle) != 0) continue;
    size_t start = i;
    while (start > 0 && (out.units[start - 1].flags & kParticle) != 0) --start;
    if (start < i) {
      NameUnit glued;
      glued.flags = kAlternative;
      for (size_t j = start; j <= i; ++j) {
        glued.text += out.units[j].text;
        glued.cover = static_cast<uint16_t>(glued.cover | out.units[j].cover);
        glued.flags = static_cast<uint8_t>(glued.flags | (out.units[j].flags & kVowelless));
      }
      if (glued.text.size() > kMaxPartLength) glued.text.resize(kMaxPartLength);
      out.units.push_back(std::move(glued));
    }
  }
  // Arabic compounds written as one Latin word: عبد الله / هداية الله / جلال الدين (ICU "allh",
  // "aldyn") are Abdullah, Hidayatullah, Jalaluddin on the lists; the second part glued to the
  // first is an alternative reading.
  for (size_t i = 1; i < out.regular && out.units.size() < kMaxUnits; ++i) {
    const NameUnit& u = out.units[i];
    const NameUnit& before = out.units[i - 1];
    if ((u.flags & kVowelless) == 0 || (before.flags & (kParticle | kInitial)) != 0) continue;
    // Also the Pashto/Persian endings -jan, -khel, -zada (ولی جان Walijan, شهید خیل Shahidkhel).
    static const std::array<std::string_view, 7> kSecondParts = {"allh", "aldyn", "aldin", "ldyn",
                                                                 "jan",  "khyl",  "zadh"};
    if (std::find(kSecondParts.begin(), kSecondParts.end(), u.text) == kSecondParts.end()) continue;
    NameUnit glued;
    glued.flags = kAlternative | kVowelless;
    glued.text = before.text + u.text;
    glued.cover = static_cast<uint16_t>(before.cover | u.cover);
    if (glued.text.size() > kMaxPartLength) glued.text.resize(kMaxPartLength);
    out.units.push_back(std::move(glued));
  }
  for (size_t i = 0; i < out.regular && out.units.size() < kMaxUnits; ++i) {
    const NameUnit& u = out.units[i];
    if ((u.flags & kVowelless) != 0 && u.text.size() >= 5 &&
        (u.text.compare(0, 2, "al") == 0 || u.text.compare(0, 2, "el") == 0)) {
      NameUnit stripped;
      stripped.text = u.text.substr(2);
      stripped.flags = kAlternative | kVowelless;
      stripped.cover = u.cover;
      out.units.push_back(std::move(stripped));
    }
  }
  // The Maghreb's French-based reading of Arabic letters (ق g, ج dj, ش ch): قاسمي is Gasmi,
  // جمال Djamel, عكاشة Akkacha on the lists, where ICU gives qasmy, jmal, kasha.
  for (size_t i = 0; i < out.regular && out.units.size() < kMaxUnits; ++i) {
    const NameUnit& u = out.units[i];
    if ((u.flags & kVowelless) == 0 || u.text.size() < 3) continue;
    std::string french;
    for (size_t k = 0; k < u.text.size(); ++k) {
      const char c = u.text[k];
      if (c == 'q') {
        french += 'g';
      } else if (c == 'j') {
        french += "dj";
      } else if (c == 's' && k + 1 < u.text.size() && u.text[k + 1] == 'h') {
        french += "ch";
        ++k;
      } else {
        french += c;
      }
    }
    if (french == u.text) continue;
    NameUnit reading;
    reading.text = std::move(french);
    if (reading.text.size() > kMaxPartLength) reading.text.resize(kMaxPartLength);
    reading.flags = kAlternative | kVowelless;
    reading.cover = u.cover;
    out.units.push_back(std::move(reading));
  }
  return out;
}

void WarmUpTransliterators() { (void)GetPrototypes(); }

std::string JoinParts(const TokenisedName& name) {
  std::string out;
  for (size_t i = 0; i < name.regular; ++i) {
    if (!out.empty()) out.push_back(' ');
    out += name.units[i].text;
  }
  return out;
}

}  // namespace detail

std::string NormaliseName(std::string_view name) {
  return detail::JoinParts(detail::TokeniseName(name, detail::NameClass::kPerson));
}

}  // namespace issa::matching
