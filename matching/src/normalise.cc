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
      "liability",
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

// Spelled-out legal forms in their short form, so that "Limited" pairs with "Ltd"; and the short
// forms of one legal form in several languages as one (OOO is llc, PAO pjsc, SHERKAT co).
std::string_view CanonicalLegalForm(std::string_view word) {
  static const std::unordered_map<std::string_view, std::string_view> kForms = {
      {"limited", "ltd"},       {"company", "co"},       {"corporation", "corp"},
      {"incorporated", "inc"},  {"holdings", "holding"}, {"international", "intl"},
      {"establishment", "est"}, {"societe", "ste"},      {"gesellschaft", "ges"},
      {"ooo", "llc"},           {"tov", "llc"},          {"oao", "ojsc"},
      {"zao", "cjsc"},          {"pao", "pjsc"},         {"ao", "jsc"},
      {"sherkat", "co"},        {"sherkate", "co"},      {"shirkat", "co"},
      {"compania", "co"},       {"compagnie", "co"},     {"kompaniya", "co"},
      {"korporatsiya", "corp"}, {"corporacion", "corp"},
  };
  const auto it = kForms.find(word);
  return it == kForms.end() ? word : it->second;
}

// Legal forms written out in several words (and a few common phrases) as one word: "limited
// liability company" and "obshchestvo s ogranichennoi otvetstvennostyu" are "llc" as OOO is
// (CanonicalLegalForm). Each word of the long form would otherwise weigh as a word of the name
// (LETIA LIMITED LIABILITY COMPANY would be closer to LIMITED LIABILITY COMPANY TRANSOIL than to
// LETIA COMPANY).
struct OrganisationPhrase {
  std::array<std::string_view, 5> words;  // the long form; unused words empty
  std::string_view form;
};

const std::vector<OrganisationPhrase>& OrganisationPhrases() {
  static const std::vector<OrganisationPhrase> kPhrases = [] {
    std::vector<OrganisationPhrase> out = {
        {{"limited", "liability", "company"}, "llc"},
        {{"limited", "liability", "co"}, "llc"},
        {{"limited", "liability", "partnership"}, "llp"},
        {{"public", "joint", "stock", "company"}, "pjsc"},
        {{"public", "joint", "stock", "co"}, "pjsc"},
        {{"open", "joint", "stock", "company"}, "ojsc"},
        {{"open", "joint", "stock", "co"}, "ojsc"},
        {{"closed", "joint", "stock", "company"}, "cjsc"},
        {{"closed", "joint", "stock", "co"}, "cjsc"},
        {{"joint", "stock", "company"}, "jsc"},
        {{"joint", "stock", "co"}, "jsc"},
        {{"public", "limited", "company"}, "plc"},
        {{"sociedad", "anonima"}, "sa"},
        {{"societe", "anonyme"}, "sa"},
        {{"sociedade", "anonima"}, "sa"},
        {{"sociedad", "limitada"}, "ltda"},
        {{"anonim", "sirketi"}, "as"},
        {{"limited", "sirketi"}, "ltd"},
        {{"sarmaye", "gozari"}, "investment"},
        {{"sarmayeh", "gozari"}, "investment"},
    };
    // Russian forms transliterated, in the spellings the lists use.
    const std::array<std::string_view, 4> society = {"obshchestvo", "obshestvo", "obschestvo",
                                                     "obshcestvo"};
    const std::array<std::string_view, 2> joint_stock = {"aktsionernoe", "aktsionernoye"};
    for (std::string_view o : society) {
      for (std::string_view limited : {"ogranichennoi", "ogranichennoy"}) {
        for (std::string_view liability : {"otvetstvennostyu", "otvetstvennostiu"}) {
          out.push_back({{o, "s", limited, liability}, "llc"});
        }
      }
      for (std::string_view a : joint_stock) {
        for (std::string_view open : {"otkrytoe", "otkrytoye"}) {
          out.push_back({{open, a, o}, "ojsc"});
        }
        for (std::string_view closed : {"zakrytoe", "zakrytoye"}) {
          out.push_back({{closed, a, o}, "cjsc"});
        }
        for (std::string_view pub : {"publichnoe", "publichnoye"}) {
          out.push_back({{pub, a, o}, "pjsc"});
        }
        out.push_back({{a, o}, "jsc"});
      }
    }
    // Longest first, so that "public joint stock company" is not read as "public" + "jsc".
    std::stable_sort(out.begin(), out.end(),
                     [](const OrganisationPhrase& a, const OrganisationPhrase& b) {
                       auto length = [](const OrganisationPhrase& p) {
                         return std::count_if(p.words.begin(), p.words.end(),
                                              [](std::string_view w) { return !w.empty(); });
                       };
                       return length(a) > length(b);
                     });
    return out;
  }();
  return kPhrases;
}

// The common words of organisation names that the lists give in several languages and
// transliterations for one party (BANK MELLI IRAN a.k.a. NATIONAL BANK OF IRAN, SMART ITHALAT
// IHRACAT a.k.a. SMART IMPORT EXPORT, JAYSH AL-ADL a.k.a. ARMY OF JUSTICE, FUERZAS ARMADAS
// REVOLUCIONARIAS DE COLOMBIA a.k.a. REVOLUTIONARY ARMED FORCES OF COLOMBIA), as one English word:
// the organisation class symbols of OpenSanctions' logic-v2 (docs/matching.md). English inflections
// of one word are one too (INDUSTRIES, INDUSTRIAL: INDUSTRY).
struct SameWords {
  std::string_view as;
  std::array<std::string_view, 10> words;  // unused ones empty
};
// clang-format off
constexpr std::array kSameWords = {
    SameWords{"group", {"grupo", "groupe", "gruppa"}},
    SameWords{"national", {"melli", "milli", "nacional", "nationale", "natsionalny",
                           "natsionalnyy", "natsionalnyi", "wataniya"}},
    SameWords{"industry", {"industries", "industrial", "industria", "industrias", "industrie",
                           "sanaye", "sanayeh", "sanati", "sanat", "sanayi"}},
    SameWords{"agricultural", {"keshavarzi", "agricola"}},
    SameWords{"bank", {"banco", "banque", "bankasi"}},
    SameWords{"investment", {"investments", "inversiones", "inversion", "investitsionny",
                             "investitsionniy", "investitsionnyy"}},
    SameWords{"development", {"desarrollo", "desarrollos", "developpement", "tosee", "tose",
                              "razvitiya"}},
    SameWords{"cooperation", {"taavon", "taawon", "cooperative", "cooperativa"}},
    SameWords{"trading", {"ticaret", "tejarat"}},
    SameWords{"import", {"ithalat", "importadora"}},
    SameWords{"export", {"ihracat", "exportadora"}},
    SameWords{"aviation", {"havacilik", "aviacion"}},
    SameWords{"air", {"airlines", "airline", "aerolineas", "aerolinea", "havapeymayi"}},
    SameWords{"marine", {"daryai", "maritime", "maritima"}},
    SameWords{"oil", {"naft", "neft", "petroleum", "petroleo"}},
    SameWords{"cement", {"siman", "cemento", "cementos"}},
    SameWords{"foundation", {"bonyad", "muassasat", "muassasa", "muassasah", "fundacion",
                             "fondation", "stiftung", "stichting", "stiftelse"}},
    SameWords{"charitable", {"khayriyya", "khayriyyah", "khayriya", "khairiya", "charity"}},
    SameWords{"relief", {"ighatha", "igatha", "secours"}},
    SameWords{"committee", {"lajnat", "lajna", "comite"}},
    SameWords{"army", {"jaish", "jaysh", "ejercito", "armee"}},
    SameWords{"soldiers", {"jund"}},
    SameWords{"brigade", {"liwa", "brigada"}},
    SameWords{"front", {"jabhat", "frente"}},
    SameWords{"movement", {"harakat", "haraka", "movimiento", "mouvement"}},
    SameWords{"martyrs", {"shuhada", "martyr"}},
    SameWords{"islamic", {"islami", "islamiya", "islamiyya", "islamiyah", "islamia", "eslami",
                          "islamique"}},
    SameWords{"palestine", {"filistin", "filastin", "filistini", "falastin", "palestinian",
                            "palestiniens"}},
    SameWords{"justice", {"adl"}},
    SameWords{"supporters", {"ansar"}},
    SameWords{"peoples", {"people"}},
    SameWords{"revolution", {"revolucionarias", "revolucionario", "revolucionaria",
                             "revolutionary", "enghelab"}},
    SameWords{"armed", {"armadas"}},
    SameWords{"forces", {"fuerzas", "force"}},
    SameWords{"united", {"unidas", "unidos"}},
    SameWords{"tv", {"television"}},
    SameWords{"russian", {"rossiski", "rossiyskaya", "rossiiskaya", "rossiyskiy"}},
    SameWords{"finance", {"finansovaya", "financiera", "financial"}},
    SameWords{"commercial", {"kommercheski", "kommercheskiy", "comercial"}},
    SameWords{"housing", {"maskan"}},
    SameWords{"communication", {"mokhaberat", "communications", "comunicaciones"}},
    SameWords{"institute", {"institut", "instituto"}},
    SameWords{"center", {"centre", "centro", "tsentr", "markaz"}},
    SameWords{"construction", {"constructora", "construcciones"}},
    SameWords{"transport", {"transportes", "transporte", "transportation"}},
    SameWords{"services", {"servicios", "servicio", "service"}},
};
// clang-format on

std::string_view SameWord(std::string_view word) {
  static const std::unordered_map<std::string_view, std::string_view> kWords = [] {
    std::unordered_map<std::string_view, std::string_view> out;
    for (const SameWords& same : kSameWords) {
      for (std::string_view w : same.words) {
        if (!w.empty()) out.emplace(w, same.as);
      }
    }
    return out;
  }();
  const auto it = kWords.find(word);
  return it == kWords.end() ? word : it->second;
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

// The phrases by their first word, longest first.
const std::unordered_map<std::string_view, std::vector<const OrganisationPhrase*>>&
PhrasesByFirstWord() {
  static const auto kByFirst = [] {
    std::unordered_map<std::string_view, std::vector<const OrganisationPhrase*>> out;
    for (const OrganisationPhrase& phrase : OrganisationPhrases()) {
      out[phrase.words[0]].push_back(&phrase);
    }
    return out;
  }();
  return kByFirst;
}

// How many parts from `i` on the phrase covers (0: it does not start there).
size_t PhraseAt(const OrganisationPhrase& phrase, const std::vector<RawPart>& parts, size_t i) {
  size_t n = 0;
  while (n < phrase.words.size() && !phrase.words[n].empty()) {
    if (i + n >= parts.size() || parts[i + n].vowelless || parts[i + n].text != phrase.words[n])
      return 0;
    ++n;
  }
  return n;
}

// An organisation's legal forms written in several words become their one short form
// (OrganisationPhrases); its common words in other languages become the one word they stand for
// (SameWord). Parts from a script without vowels are left as they are.
void ReadOrganisationWords(std::vector<RawPart>& parts) {
  const auto& by_first = PhrasesByFirstWord();
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].vowelless) continue;
    size_t taken = 0;
    std::string_view form;
    if (const auto it = by_first.find(parts[i].text); it != by_first.end()) {
      for (const OrganisationPhrase* phrase : it->second) {
        taken = PhraseAt(*phrase, parts, i);
        if (taken > 0) {
          form = phrase->form;
          break;
        }
      }
    }
    if (taken > 0) {
      parts[i].text = std::string(form);
      parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                  parts.begin() + static_cast<std::ptrdiff_t>(i + taken));
      continue;
    }
    const std::string_view same = SameWord(parts[i].text);
    if (same.data() != parts[i].text.data()) parts[i].text = std::string(same);
  }
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

TokenisedName TokeniseName(std::string_view name, NameClass name_class, bool as_written) {
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
  if (name_class == NameClass::kOrganisation && !as_written) ReadOrganisationWords(parts);

  const WordSet* particles = nullptr;
  if (name_class == NameClass::kPerson) particles = &PersonParticles();
  if (name_class == NameClass::kOrganisation) particles = &OrganisationParticles();
  // A name longer than kMaxParts loses its particles first, from the last, then its last parts:
  // ISLAMIC STATE OF IRAQ AND THE LEVANT IN LIBYA keeps LIBYA.
  if (particles != nullptr) {
    for (size_t i = parts.size(); i-- > 0 && parts.size() > kMaxParts;) {
      if (particles->count(parts[i].text) != 0) parts.erase(parts.begin() + static_cast<long>(i));
    }
  }
  if (parts.size() > kMaxParts) parts.resize(kMaxParts);

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

bool IsLegalFormOrConnective(std::string_view word) {
  static const detail::WordSet kClassWords = {
      "est", "establishment", "group", "holding", "holdings", "trading", "international", "intl"};
  return detail::OrganisationParticles().count(word) != 0 && kClassWords.count(word) == 0;
}

std::string NormaliseName(std::string_view name) {
  return detail::JoinParts(detail::TokeniseName(name, detail::NameClass::kPerson));
}

}  // namespace issa::matching
