#include "issa/travel/screening.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/core/shared_mutex.h"
#include "issa/matching/identifiers.h"
#include "issa/matching/names.h"

#include "text.h"

namespace issa::travel {
namespace {

using Json = nlohmann::json;

std::string Key(std::string_view list, std::string_view id) {
  std::string key(list);
  key += '\x1f';
  key += id;
  return key;
}

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// Names per matching record: the matcher keeps at most 16 names of a record, so an entry with
// more (organisations with dozens of a.k.a.s) is indexed as several records ("chunks") of at
// most this many names each, all carrying the entry's other properties.
constexpr size_t kNamesPerRecord = 16;
// Separates an entry's key from its chunk number in a chunk record's id.
constexpr char kChunkMark = '\x1e';

// The entry key of a matching record id (chunk number removed).
std::string_view EntryKeyOf(std::string_view record_id) {
  const size_t at = record_id.find(kChunkMark);
  return at == std::string_view::npos ? record_id : record_id.substr(0, at);
}

// The matching record of an entry for its names [first, last): every name in that range, and
// every date, nationality and identifier. Chunk 0 holds the primary name as "name".
core::Record MatchRecord(const WatchlistEntry& e, size_t first = 0,
                         size_t last = static_cast<size_t>(-1)) {
  last = std::min(last, e.names.size());
  core::Record r;
  r.id = Key(e.list, e.id);
  if (first > 0) r.id += kChunkMark + std::to_string(first / kNamesPerRecord);
  r.owner = e.list;
  Json p = Json::object();
  Json aliases = Json::array();
  for (size_t i = std::max<size_t>(first, 1); i < last; ++i) aliases.push_back(e.names[i].text);
  switch (e.kind) {
    case EntryKind::kPerson: {
      r.type = "Person";
      if (!e.names.empty() && first == 0) p["name"] = e.names.front().text;
      if (!aliases.empty()) p["aliases"] = aliases;
      Json dates = Json::array();
      for (const PartialDate& d : e.birth_dates) dates.push_back(FormatDate(d));
      if (!dates.empty()) p["birth_dates"] = dates;
      if (!e.nationalities.empty()) p["nationality"] = e.nationalities;
      if (!e.gender.empty()) p["gender"] = e.gender;
      Json docs = Json::array();
      for (const EntryDocument& d : e.documents) docs.push_back(d.normalised);
      if (!docs.empty()) p["document_numbers"] = docs;
      break;
    }
    case EntryKind::kOrganisation:
      r.type = "Organisation";
      if (!e.names.empty() && first == 0) p["name"] = e.names.front().text;
      if (!aliases.empty()) p["aliases"] = aliases;
      break;
    case EntryKind::kVessel:
      r.type = "Vessel";
      if (!e.names.empty()) p["name"] = e.names.front().text;
      if (!e.imo.empty()) p["imo"] = e.imo;
      if (!e.mmsi.empty()) p["mmsi"] = e.mmsi;
      if (!e.call_sign.empty()) p["call_sign"] = e.call_sign;
      break;
    case EntryKind::kAircraft:
      r.type = "Aircraft";
      p["registration"] =
          e.aircraft_registration.empty() ? e.primary_name() : e.aircraft_registration;
      break;
    case EntryKind::kDocument:
      r.type = "Document";
      if (!e.documents.empty()) {
        p["number"] = e.documents.front().normalised;
        if (!e.documents.front().country.empty())
          p["issuing_country"] = e.documents.front().country;
      }
      if (!e.names.empty()) p["holder_name"] = e.names.front().text;
      if (!e.birth_dates.empty()) p["holder_birth_date"] = FormatDate(e.birth_dates.front());
      break;
  }
  r.properties_json = Dump(p);
  return r;
}

// Every matching record of an entry: one per kNamesPerRecord names of a person or organisation.
std::vector<core::Record> MatchRecords(const WatchlistEntry& e) {
  std::vector<core::Record> out;
  const bool chunked = e.kind == EntryKind::kPerson || e.kind == EntryKind::kOrganisation;
  if (!chunked || e.names.size() <= kNamesPerRecord) {
    out.push_back(MatchRecord(e));
    return out;
  }
  for (size_t first = 0; first < e.names.size(); first += kNamesPerRecord)
    out.push_back(MatchRecord(e, first, first + kNamesPerRecord));
  return out;
}

bool Expired(const WatchlistEntry& e, PartialDate as_of) {
  if (!e.alert || !e.alert->expiry.known() || !as_of.known()) return false;
  const auto key = [](PartialDate d) { return d.year * 10000 + d.month * 100 + d.day; };
  return key(e.alert->expiry) < key(as_of);
}

bool Has(const std::vector<std::string>& features, std::string_view feature) {
  return std::find(features.begin(), features.end(), feature) != features.end();
}

bool HasIdentifierFeature(const std::vector<std::string>& f) {
  for (const char* id : {"document_number", "imo", "mmsi", "call_sign", "registration", "icao24"}) {
    if (std::find(f.begin(), f.end(), id) != f.end()) return true;
  }
  return false;
}

matching::NameKind NameKindOf(EntryKind kind) {
  switch (kind) {
    case EntryKind::kOrganisation:
      return matching::NameKind::kOrganisation;
    case EntryKind::kVessel:
    case EntryKind::kAircraft:
      return matching::NameKind::kVessel;
    default:
      return matching::NameKind::kPerson;
  }
}

// Kinds whose names are compared: persons with persons and document holders.
int NameFamily(EntryKind kind) {
  switch (kind) {
    case EntryKind::kPerson:
    case EntryKind::kDocument:
      return 0;
    case EntryKind::kOrganisation:
      return 1;
    default:
      return 2;
  }
}

// Consonant skeleton of a name part: vowels, y, w and h dropped, doubles collapsed, so that
// transliterations without vowels ("hsyn") meet their Latin forms ("hussein").
std::string Skeleton(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 'w' ||
        c == 'h')
      continue;
    if (c == 'q' || c == 'c') c = 'k';
    if (c == 'z') c = 's';
    if (!out.empty() && out.back() == c) continue;
    out.push_back(c);
  }
  return out;
}

// Whether the text holds letters of a script other than Latin: a code point from U+0370 on
// (Greek, Cyrillic, Hebrew, Arabic, CJK...) other than Latin Extended Additional and the
// punctuation and symbol blocks (curly quotes).
bool NonLatin(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (i + len > text.size()) break;
    uint32_t cp = len == 1 ? c : len == 2 ? c & 0x1FU : len == 3 ? c & 0x0FU : c & 0x07U;
    for (size_t k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3FU);
    i += len;
    if (cp < 0x370 || (cp >= 0x1E00 && cp < 0x1F00) || (cp >= 0x2000 && cp < 0x2C00)) continue;
    return true;
  }
  return false;
}

// The letter pairs of a name's skeleton read as one string (parts concatenated, so that a
// name of one-letter skeleton parts, `ly ma yshw` → "l m s", still has pairs).
void LetterPairs(std::string_view skeleton, std::vector<std::string>& out) {
  std::string whole;
  for (char c : skeleton) {
    if (c != ' ') whole.push_back(c);
  }
  for (size_t k = 0; k + 1 < whole.size(); ++k) out.push_back(whole.substr(k, 2));
}

// Retrieval keys of a prepared name: its parts ("t") and their skeletons ("s").
// Consecutive single letters also give their run as a part ("I A C" -> "iac"), the way
// acronyms are written both ways.
void NameKeys(const matching::PreparedName& name, std::vector<std::string>& out) {
  std::string letters;
  auto flush = [&] {
    if (letters.size() >= 2) out.push_back("t" + letters);
    letters.clear();
  };
  for (size_t i = 0; i < name.units.size() && i < name.regular; ++i) {
    const std::string& text = name.units[i].text;
    if (text.size() == 1) {
      letters += text;
    } else {
      flush();
    }
  }
  flush();
  // Two neighbouring parts also key as one word: compounds are written apart or together
  // (AERO SKYONE ~ AEROSKYONE, FAKHR ZADEH ~ FAKHRZADEH, Hameed ul ~ Hameedul).
  for (size_t i = 0; i + 1 < name.regular && i + 1 < name.units.size(); ++i) {
    const std::string& a = name.units[i].text;
    const std::string& b = name.units[i + 1].text;
    if (a.size() >= 2 && b.size() >= 2 &&
        ((name.units[i].flags | name.units[i + 1].flags) & matching::PreparedName::kNumber) == 0)
      out.push_back("t" + a + b);
  }
  for (const matching::PreparedName::Unit& u : name.units) {
    if ((u.flags & matching::PreparedName::kParticle) != 0 || u.text.size() < 2) continue;
    out.push_back("t" + u.text);
    const std::string sk = Skeleton(u.text);
    if (sk.size() >= 2) out.push_back("s" + sk);
  }
}

// A query's retrieval key: its id in the index, its inverse document frequency (within the
// query's name family) and the part of the query it stands for: each key is a part of its own,
// except the typo neighbours of a rare or unknown query part, which stand for that part together.
// A query part held by at most this many entries of its family also brings its typo neighbours.
constexpr size_t kNeighbourParts = 1;
// Ties: the names of an entry beyond the first holding a query part count up to this many.
constexpr size_t kSupportNames = 3;
struct QueryKey {
  uint32_t id = 0;
  float idf = 0;
  uint32_t part = 0;
};

// The IDF-weighted sum of the query's parts: each part counts once, by its rarest key.
float PartsWeight(const std::vector<QueryKey>& keys) {
  float sum = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    float best = keys[i].idf;
    bool first = true;
    for (size_t j = 0; j < keys.size(); ++j) {
      if (keys[j].part != keys[i].part) continue;
      if (j < i) first = false;
      best = std::max(best, keys[j].idf);
    }
    if (first) sum += best;
  }
  return sum;
}

// Linked designations (ScreeningConfig::link_designations): a document number or a date of birth
// borne by more entries than this is not taken as evidence of one party.
constexpr size_t kDistinctiveHolders = 16;
// A reported candidate brings at most this many linked designations along (a party is listed by
// a handful of lists; a list of K candidates has at most K × (1 + this) rows).
constexpr size_t kLinkedPerCandidate = 4;

// Abbreviations of organisation names (ScreeningConfig::abbreviation_weight): syllabic
// abbreviations and initialisms of a company's long name, the way Colombian companies on the
// OFAC list are known (SOCOVALLE for SOciedad COnstructora y administradora del VALLE, ACA for
// Asesores Consultores Asociados).
// Abbreviations shorter than this are too ambiguous to spell out (two letters fit thousands of
// names).
constexpr size_t kShortestAbbreviation = 3;
// A query word held by at most this many organisations still reads as an abbreviation (the
// same company may be listed twice, or an unrelated one go by the same letters).
constexpr size_t kRareAbbreviation = 3;
// Words may be passed over between the spelled ones (CONPUERTO: CONstrucciones progreso del
// PUERTO) only before a piece of at least this many letters: a single letter after skipped
// words could stand for almost any of them.
constexpr size_t kPieceAfterSkip = 3;

// Legal forms (S.A., LTDA, E.U., CIA, CO for Company) and connectives (DE, DEL, Y, OF): an
// abbreviation may spell them (GLBC: Great Lakes Business Company; CRYMSA: Comercial de
// Rodajes Y Maquinaria S.A.) or pass over them, and a query word that is one says nothing.
bool AbbreviationFiller(std::string_view word) {
  static const std::array<std::string_view, 44> kFillers = {
      "sa", "sas", "saa", "sac", "sl",  "srl", "sarl", "spa", "ltda", "ltd", "llc",
      "lp", "llp", "eu",  "cia", "co",  "inc", "corp", "plc", "gmbh", "ag",  "bv",
      "nv", "cv",  "ca",  "de",  "del", "y",   "e",    "el",  "la",   "los", "las",
      "lo", "the", "of",  "and", "et",  "des", "du",   "da",  "do",   "dos", "das"};
  return std::find(kFillers.begin(), kFillers.end(), word) != kFillers.end();
}

struct SpellableWord {
  std::string text;
  bool filler = false;  // AbbreviationFiller
};

// The words of an organisation's name an abbreviation may spell, in order, from its first word
// that is no filler on; dotted initials read as one word (M.T.T. -> "mtt", S. A. -> "sa", so that
// a legal form written with dots is recognised as one).
std::vector<SpellableWord> SpellableWords(std::string_view name) {
  std::vector<SpellableWord> words;
  bool initial = false;  // the last chunk was one letter (S. of S. A.)
  size_t at = 0;
  while (at < name.size()) {
    const size_t end = std::min(name.find(' ', at), name.size());
    // As written: BANAGRICOLA spells BANanera AGRICOLA, not the AGRICULTURAL the matcher reads.
    const matching::PreparedName chunk = matching::PrepareNameAsWritten(
        name.substr(at, end - at), matching::NameKind::kOrganisation);
    at = end + 1;
    std::vector<std::string> parts;  // the chunk's parts, its initials joined
    for (size_t i = 0; i < chunk.regular && i < chunk.units.size(); ++i) {
      const std::string& text = chunk.units[i].text;
      if (text.size() == 1 && i > 0 && chunk.units[i - 1].text.size() == 1) {
        parts.back() += text;
      } else {
        parts.push_back(text);
      }
    }
    if (parts.empty()) continue;
    const bool letter = parts.size() == 1 && parts[0].size() == 1;
    if (letter && initial) {
      words.back().text += parts[0];
    } else {
      for (std::string& part : parts) words.push_back({std::move(part), false});
    }
    initial = letter;
  }
  for (SpellableWord& w : words) w.filler = AbbreviationFiller(w.text);
  const auto first =
      std::find_if(words.begin(), words.end(), [](const SpellableWord& w) { return !w.filler; });
  words.erase(words.begin(), first);
  return words;
}

// How well `words` spell `abbreviation`: the abbreviation is the concatenation of non-empty
// beginnings of words in order, the first word's included and at least two that are no fillers,
// every letter spelled; words other than fillers may be passed over only before a piece of
// kPieceAfterSkip letters or more. Among the spellings, the one using most of the words, then
// the one with the longest pieces (letters outside one-letter pieces). Returns the share of the
// name's words used (fillers counting only when used), 0 when none spells it.
double SpelledShare(std::string_view abbreviation, const std::vector<SpellableWord>& words) {
  const size_t m = abbreviation.size();
  const size_t n = words.size();
  if (n < 2 || m < 2 || words[0].text[0] != abbreviation[0]) return 0;
  // best[i * n + j]: the best spelling of the first i letters with word j last; unreachable
  // when it uses no word.
  struct Value {
    size_t words = 0;    // used
    size_t fillers = 0;  // of those, fillers
    size_t letters = 0;  // in pieces longer than a letter
  };
  std::vector<Value> best((m + 1) * n);
  auto extend = [&](size_t i, size_t j, Value from, size_t shortest) {
    const std::string& w = words[j].text;
    for (size_t len = 1; len <= w.size() && i + len <= m && w[len - 1] == abbreviation[i + len - 1];
         ++len) {
      if (len < shortest) continue;
      const Value v{from.words + 1, from.fillers + (words[j].filler ? 1 : 0),
                    from.letters + (len > 1 ? len : 0)};
      Value& to = best[(i + len) * n + j];
      if (std::tie(v.words, v.letters) > std::tie(to.words, to.letters)) to = v;
    }
  };
  extend(0, 0, Value{}, 1);
  for (size_t i = 1; i < m; ++i) {
    for (size_t j = 0; j + 1 < n; ++j) {
      const Value from = best[i * n + j];
      if (from.words == 0) continue;
      bool skipped = false;  // a word other than a filler passed over
      for (size_t next = j + 1; next < n; ++next) {
        extend(i, next, from, skipped ? kPieceAfterSkip : 1);
        skipped = skipped || !words[next].filler;
      }
    }
  }
  Value spelled;
  for (size_t j = 1; j < n; ++j) {
    const Value& v = best[m * n + j];
    if (std::tie(v.words, v.letters) > std::tie(spelled.words, spelled.letters)) spelled = v;
  }
  if (spelled.words - spelled.fillers < 2) return 0;
  const auto significant = static_cast<size_t>(
      std::count_if(words.begin(), words.end(), [](const SpellableWord& w) { return !w.filler; }));
  return static_cast<double>(spelled.words) / static_cast<double>(significant + spelled.fillers);
}

// Retrieval keys of an organisation name for its abbreviations (its spellable words): "f" and
// the first word's first two letters, for spellings whose first piece is longer than a letter;
// "i", the first word's initial and a later word's initial, for spellings whose first piece is
// the initial (the second piece then begins a later word).
void AbbreviationKeys(const std::vector<SpellableWord>& words, std::vector<std::string>& out) {
  if (words.size() < 2) return;
  const std::string& first = words[0].text;
  if (first.size() >= 2) out.push_back("f" + first.substr(0, 2));
  for (size_t j = 1; j < words.size(); ++j)
    out.push_back(std::string{'i', first[0], words[j].text[0]});
}

}  // namespace

class Screener::Impl {
 public:
  Impl(ScreeningConfig config, double floor)
      : config_(std::move(config)), matcher_(MakeMatch(config_, floor)) {
    floor_ = floor;
  }

  static matching::MatchConfig MakeMatch(const ScreeningConfig& c, double floor) {
    matching::MatchConfig m = c.match;
    m.threshold = std::max(0.01, floor);
    // A floor under the name floor ranks weak name resemblances too (--threshold 0 --top K).
    m.name_floor = std::min(m.name_floor, m.threshold);
    return m;
  }

  Result<ListDelta> Load(const Watchlist& list) {
    std::unique_lock lock(mu_);
    Watchlist before;
    before.id = list.id;
    auto& loaded = by_list_[list.id];
    for (const auto& [id, key] : loaded) before.entries.push_back(entries_.at(key));
    ListDelta delta = Diff(before, list);
    std::map<std::string_view, const WatchlistEntry*> incoming;
    for (const WatchlistEntry& e : list.entries) incoming[e.id] = &e;
    for (const std::string& id : delta.removed) RemoveLocked(list.id, id);
    for (const std::string& id : delta.added) ISSA_RETURN_IF_ERROR(PutLocked(*incoming.at(id)));
    for (const EntryChange& c : delta.changed) ISSA_RETURN_IF_ERROR(PutLocked(*incoming.at(c.id)));
    return delta;
  }

  Status Put(const WatchlistEntry& e) {
    std::unique_lock lock(mu_);
    return PutLocked(e);
  }

  void Remove(std::string_view list, std::string_view id) {
    std::unique_lock lock(mu_);
    RemoveLocked(std::string(list), std::string(id));
  }

  std::vector<ScreeningHit> Screen(const Subject& s, size_t top, double threshold,
                                   bool exhaustive) const {
    threshold = std::max(threshold, floor_);
    std::vector<core::Record> queries;
    Json p = Json::object();
    const bool named = !detail::Trim(s.name).empty();
    if (named) p["name"] = s.name;
    if (const auto d = ParseIsoDate(s.birth_date)) p["birth_date"] = FormatDate(*d);
    const std::string nationality = CountryCode(s.nationality);
    if (!nationality.empty()) p["nationality"] = nationality;
    if (s.gender == "female" || s.gender == "male") p["gender"] = s.gender;
    if (!s.document.empty())
      p["document_numbers"] = Json::array({detail::NormaliseDocumentNumber(s.document)});
    if (s.kind == EntryKind::kPerson && (named || !s.document.empty())) {
      core::Record q;
      q.id = "\x1fsubject";
      q.type = "Person";
      q.properties_json = Dump(p);
      queries.push_back(std::move(q));
    } else if (named && s.kind != EntryKind::kPerson) {
      core::Record q;
      q.id = "\x1fsubject";
      q.type = s.kind == EntryKind::kOrganisation ? "Organisation"
               : s.kind == EntryKind::kVessel     ? "Vessel"
               : s.kind == EntryKind::kAircraft   ? "Aircraft"
                                                  : "Document";
      q.properties_json = Dump(s.kind == EntryKind::kAircraft   ? Json{{"registration", s.name}}
                               : s.kind == EntryKind::kDocument ? Json{{"number", s.name}}
                                                                : Json{{"name", s.name}});
      queries.push_back(std::move(q));
    }
    if (!s.vessel_imo.empty() || !s.vessel_mmsi.empty() || !s.vessel_name.empty()) {
      Json v = Json::object();
      if (!s.vessel_name.empty()) v["name"] = s.vessel_name;
      if (!s.vessel_imo.empty()) v["imo"] = s.vessel_imo;
      if (!s.vessel_mmsi.empty()) v["mmsi"] = s.vessel_mmsi;
      core::Record q;
      q.id = "\x1fvessel";
      q.type = "Vessel";
      q.properties_json = Dump(v);
      queries.push_back(std::move(q));
    }
    if (!s.aircraft_registration.empty()) {
      core::Record q;
      q.id =
          "\x1f"
          "aircraft";
      q.type = "Aircraft";
      q.properties_json = Dump(Json{{"registration", s.aircraft_registration}});
      queries.push_back(std::move(q));
    }
    std::vector<ScreeningHit> hits;
    std::vector<float> rarity;   // tie-break: rarity of the query parts the entry holds
    std::vector<float> backing;  // then: of those, held by several of the entry's names
    std::vector<double> rank;    // ranking mode: the ranking score; else the score
    // Room for candidates dropped below (expired, weak alias); ranking mode looks wider so that
    // the token overlap can reorder them.
    std::shared_lock lock(mu_);
    const bool ranking = threshold < config_.match.name_floor && !slot_of_.empty();
    const size_t limit = ranking ? top * 3 + 20 : top + 8;
    std::vector<QueryKey> query_keys;
    if (ranking && !s.name.empty())
      query_keys = QueryKeys(matching::PrepareName(s.name, NameKindOf(s.kind)), NameFamily(s.kind));
    float query_idf = PartsWeight(query_keys);
    // Names in another script than Latin (UN original-script names) are read through a
    // transliteration: their parts say little as tokens; they are ranked by the similarity of
    // the whole name's consonant skeleton with the entry's names instead (CrossScript below).
    const bool other_script = !s.name.empty() && NonLatin(s.name);
    std::string query_skeleton;
    if (other_script && !slot_of_.empty() && config_.cross_script_weight > 0) {
      query_skeleton =
          matching::NameSkeleton(matching::PrepareNameAsWritten(s.name, NameKindOf(s.kind)));
    }
    const double w = !ranking ? 0.0
                     : other_script
                         ? (query_skeleton.size() >= 2 ? config_.cross_script_rank_weight : 0.0)
                         : config_.rank_token_weight;
    // Ranking score: the match score blended with the share of the query's (IDF-weighted) name
    // parts and skeletons that the entry's names hold (Latin names), or with the skeleton
    // similarity (other scripts).
    // An organisation's name written as an abbreviation: the organisations whose names spell it.
    std::vector<Spelling> spellings;
    if (ranking && !exhaustive && !other_script) {
      const std::string abbreviation = AbbreviationOf(s);
      if (!abbreviation.empty()) spellings = Spellings(abbreviation, limit);
      // An abbreviation no name holds has no key among the query's: it weighs as a part held by
      // one organisation (the one it stands for), so that entries holding only the query's
      // legal form (S.A.) do not hold the whole query.
      if (!spellings.empty() && OrganisationsHolding(abbreviation) == 0) {
        const auto organisations = static_cast<double>(
            family_entries_[static_cast<size_t>(NameFamily(EntryKind::kOrganisation))]);
        query_idf += static_cast<float>(Idf(1.0 + organisations));
      }
    }
    auto spelling_of = [&](const WatchlistEntry& e) -> const Spelling* {
      if (spellings.empty()) return nullptr;
      const std::string key = Key(e.list, e.id);
      const auto it = std::find_if(spellings.begin(), spellings.end(),
                                   [&](const Spelling& sp) { return sp.key == key; });
      return it == spellings.end() ? nullptr : &*it;
    };
    auto rank_of = [&](double score, float overlap) {
      if (other_script) return (1 - w) * score + w * overlap;
      return (1 - w) * score + w * (query_idf > 0 ? overlap / query_idf : 0.0);
    };
    for (const core::Record& q : queries) {
      const std::vector<matching::Candidate> found =
          exhaustive ? matcher_.FindExhaustive(q, limit) : matcher_.Find(q, limit);
      std::vector<std::pair<const WatchlistEntry*, matching::Candidate>> all;
      std::vector<std::string> seen;
      for (const matching::Candidate& c : found) {
        const std::string key(EntryKeyOf(c.record_id));
        const auto it = entries_.find(key);
        if (it == entries_.end()) continue;
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;  // another chunk
        seen.push_back(key);
        all.emplace_back(&it->second, c);
      }
      // Ranking below the name floor: the index blocks on two paired parts; also take the
      // entries holding the query's rarest parts (for names in another script, ranked by score
      // alone, only when the index found few: more candidates are only more competitors).
      const bool subject_query = q.id == "\x1fsubject" && !s.name.empty();
      const double token_weight = other_script ? 0.0 : w;
      if (!exhaustive && ranking && subject_query && (token_weight > 0 || all.size() < limit)) {
        Fallback(s, q, limit - (token_weight > 0 ? 0 : all.size()), threshold, token_weight, seen,
                 all);
      }
      if (!exhaustive && subject_query && query_skeleton.size() >= 2) {
        CrossScript(s, q, query_skeleton, limit, seen, all);
      }
      // An organisation spelling the query's abbreviation scores at least abbreviation_weight ×
      // SpellingQuality (feature "name~abbreviation"), under the alert threshold by default: the
      // spelling ranks it, it does not alert on its own.
      if (subject_query) {
        for (const Spelling& sp : spellings) {
          auto at = std::find_if(all.begin(), all.end(), [&](const auto& candidate) {
            return Key(candidate.first->list, candidate.first->id) == sp.key;
          });
          if (at == all.end()) {
            Result<matching::Candidate> c = CompareEntry(q, slots_[slot_of_.at(sp.key)]);
            if (!c.ok()) continue;
            c->record_id = sp.key;
            seen.push_back(sp.key);
            all.emplace_back(&entries_.at(sp.key), std::move(*c));
            at = all.end() - 1;
          }
          matching::Candidate& c = at->second;
          const double lifted = config_.abbreviation_weight * SpellingQuality(sp);
          if (lifted > c.score + 1e-9) {
            c.score = lifted;
            c.features.emplace_back("name~abbreviation");
          }
        }
      }
      // Skeleton evidence for a name in another script: an entry's name whose consonant
      // skeleton resembles the query's scores at most cross_script_weight × the similarity
      // (feature "name~skeleton"), under the alert threshold by default: it ranks, it does not
      // alert on its own.
      std::vector<float> skeleton(all.size(), 0.0F);
      if (subject_query && query_skeleton.size() >= 2) {
        for (size_t i = 0; i < all.size(); ++i) {
          skeleton[i] = static_cast<float>(
              SkeletonSimilarityOf(query_skeleton, Key(all[i].first->list, all[i].first->id)));
          const double lifted = config_.cross_script_weight * skeleton[i];
          matching::Candidate& c = all[i].second;
          if (lifted > c.score + 1e-9) {
            c.score = lifted;
            c.features.emplace_back("name~skeleton");
          }
        }
      }
      std::vector<float> overlap(all.size(), 0.0F);
      std::vector<float> support(all.size(), 0.0F);
      if (ranking) {
        for (size_t i = 0; i < all.size(); ++i) {
          if (other_script) {
            overlap[i] = skeleton[i];
            continue;
          }
          const Evidence ev = EvidenceOf(query_keys, Key(all[i].first->list, all[i].first->id));
          overlap[i] = ev.overlap;
          support[i] = ev.support;
          // The abbreviation is the query's only distinctive word, which the spelling name
          // holds in full: the query's parts count as held, to the measure of the spelling.
          if (const Spelling* sp = spelling_of(*all[i].first)) {
            overlap[i] = std::max(overlap[i], static_cast<float>(SpellingQuality(*sp) * query_idf));
          }
        }
        // Only the best few by ranking score are explained (Explain compares every name).
        const size_t keep = top * 3 + 10;
        if (all.size() > keep) {
          std::vector<size_t> idx(all.size());
          for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
          std::partial_sort(idx.begin(), idx.begin() + static_cast<long>(keep), idx.end(),
                            [&](size_t a, size_t b) {
                              // As the final order: to the hundredth, then rarer parts.
                              const double ra = rank_of(all[a].second.score, overlap[a]);
                              const double rb = rank_of(all[b].second.score, overlap[b]);
                              const long ha = std::lround(ra * 100);
                              const long hb = std::lround(rb * 100);
                              if (ha != hb) return ha > hb;
                              if (overlap[a] != overlap[b]) return overlap[a] > overlap[b];
                              if (support[a] != support[b]) return support[a] > support[b];
                              return ra > rb || (ra == rb && a < b);
                            });
          idx.resize(keep);
          std::sort(idx.begin(), idx.end());
          std::vector<std::pair<const WatchlistEntry*, matching::Candidate>> kept;
          std::vector<float> kept_overlap;
          std::vector<float> kept_support;
          for (size_t i : idx) {
            kept.push_back(std::move(all[i]));
            kept_overlap.push_back(overlap[i]);
            kept_support.push_back(support[i]);
          }
          all = std::move(kept);
          overlap = std::move(kept_overlap);
          support = std::move(kept_support);
        }
      }
      for (size_t i = 0; i < all.size(); ++i) {
        const WatchlistEntry& e = *all[i].first;
        const matching::Candidate& c = all[i].second;
        if (Expired(e, config_.as_of)) continue;
        ScreeningHit h;
        h.list = e.list;
        h.entry_id = e.id;
        h.kind = e.kind;
        h.score = c.score;
        h.features = c.features;
        h.alert = e.alert;
        const Spelling* spelled = subject_query ? spelling_of(e) : nullptr;
        Explain(s, q.type, e, h,
                spelled != nullptr && Has(h.features, "name~abbreviation")
                    ? std::optional<size_t>(spelled->name)
                    : std::nullopt);
        if (h.score + 1e-9 < threshold) continue;
        rarity.push_back(overlap[i]);
        backing.push_back(support[i]);
        rank.push_back(ranking ? rank_of(h.score, overlap[i]) : h.score);
        hits.push_back(std::move(h));
      }
    }
    std::vector<size_t> order(hits.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
      const ScreeningHit& a = hits[x];
      const ScreeningHit& b = hits[y];
      // Scores (ranking scores in ranking mode) equal to the hundredth: the entry holding the
      // rarer query parts first.
      const long sa = std::lround(rank[x] * 100);
      const long sb = std::lround(rank[y] * 100);
      if (sa != sb) return sa > sb;
      if (rarity[x] != rarity[y]) return rarity[x] > rarity[y];
      if (backing[x] != backing[y]) return backing[x] > backing[y];
      if (a.score != b.score) return a.score > b.score;
      if (a.list != b.list) return a.list < b.list;
      return a.entry_id < b.entry_id;
    });
    std::vector<ScreeningHit> sorted;
    sorted.reserve(hits.size());
    for (size_t i : order) sorted.push_back(std::move(hits[i]));
    hits = std::move(sorted);
    // The same entry found through the person and the vessel query: keep the best. Each
    // candidate is followed by its linked designations (the same party on other lists).
    std::vector<ScreeningHit> out;
    auto listed = [&](std::string_view list, std::string_view id) {
      for (const ScreeningHit& o : out) {
        if (o.list == list && o.entry_id == id) return true;
      }
      return false;
    };
    size_t parties = 0;
    for (ScreeningHit& h : hits) {
      if (parties >= top) break;
      if (listed(h.list, h.entry_id)) continue;
      out.push_back(std::move(h));
      ++parties;
      if (!config_.link_designations) continue;
      // A copy: `out` grows below.
      const ScreeningHit source = out.back();
      size_t linked = 0;
      for (const WatchlistEntry* twin : LinkedTo(Key(source.list, source.entry_id))) {
        if (linked == kLinkedPerCandidate) break;
        if (listed(twin->list, twin->id) || Expired(*twin, config_.as_of)) continue;
        ++linked;
        ScreeningHit t;
        t.list = twin->list;
        t.entry_id = twin->id;
        t.kind = twin->kind;
        t.name = twin->primary_name();
        t.score = source.score;
        t.features = source.features;
        t.features.emplace_back("linked_designation");
        std::sort(t.features.begin(), t.features.end());
        t.alert = twin->alert;
        t.linked_from = source.list + "/" + source.entry_id;
        out.push_back(std::move(t));
      }
    }
    lock.unlock();
    // Ranking mode chose which candidates to list; they are listed best score first.
    if (ranking) {
      std::stable_sort(out.begin(), out.end(), [](const ScreeningHit& a, const ScreeningHit& b) {
        return a.score > b.score;
      });
    }
    return out;
  }

  std::vector<std::string> LinkedDesignations(std::string_view list,
                                              std::string_view entry_id) const {
    std::shared_lock lock(mu_);
    std::vector<std::string> out;
    for (const WatchlistEntry* e : LinkedTo(Key(list, entry_id)))
      out.push_back(e->list + "/" + e->id);
    return out;
  }

  size_t entries() const {
    std::shared_lock lock(mu_);
    return entries_.size();
  }
  size_t lists() const {
    std::shared_lock lock(mu_);
    size_t n = 0;
    for (const auto& [id, m] : by_list_) n += m.empty() ? 0 : 1;
    return n;
  }
  const ScreeningConfig& config() const { return config_; }

 private:
  // Names the entry's name that matched best (`spelled`: the name spelling the query's
  // abbreviation, when that is what scores) and marks weak aliases and original scripts.
  void Explain(const Subject& s, const std::string& query_type, const WatchlistEntry& e,
               ScreeningHit& h, std::optional<size_t> spelled = std::nullopt) const {
    if (e.names.empty()) {
      if (!e.documents.empty()) h.name = e.documents.front().number;
      return;
    }
    size_t best = spelled.value_or(0);
    if (!spelled && query_type != "Vessel" && query_type != "Aircraft" && !s.name.empty()) {
      double best_score = -1;
      const matching::NameKind kind = e.kind == EntryKind::kOrganisation
                                          ? matching::NameKind::kOrganisation
                                          : matching::NameKind::kPerson;
      for (size_t i = 0; i < e.names.size(); ++i) {
        const double score =
            matching::CompareNames(s.name, e.names[i].text, kind, config_.match).score;
        if (score > best_score + 1e-9) {
          best_score = score;
          best = i;
        }
      }
    }
    const EntryName& n = e.names[best];
    h.name = n.text;
    h.name_role = n.role;
    if (n.original_script) h.features.emplace_back("original_script");
    if (n.role == NameRole::kWeakAlias && !HasIdentifierFeature(h.features)) {
      h.features.emplace_back("weak_alias");
      h.score = std::max(0.0, h.score - config_.weak_alias_penalty);
    }
    if (ShortApproximateName(s, e, n, h)) {
      h.features.emplace_back("name~short");
      h.score = std::max(0.0, h.score - config_.short_name_penalty);
    }
    std::sort(h.features.begin(), h.features.end());
  }

  // A person matched on an approximate name of at most two parts and nothing else (no date of
  // birth agreeing, no identifier): a spelling variant ("name~fuzzy"), or a listed name whose
  // first or last part is missing ("name~partial": the given name or a second surname absent;
  // missing middle names and patronymics are not penalised). `listed`: the entry's name that
  // matched best.
  bool ShortApproximateName(const Subject& s, const WatchlistEntry& e, const EntryName& listed,
                            const ScreeningHit& h) const {
    if (config_.short_name_penalty <= 0 || s.kind != EntryKind::kPerson ||
        e.kind != EntryKind::kPerson || s.name.empty())
      return false;
    bool fuzzy = false;
    bool partial = false;
    for (const std::string& f : h.features) {
      fuzzy = fuzzy || f == "name~fuzzy";
      partial = partial || f == "name~partial";
      if (f.rfind("birth_date", 0) == 0) return false;
    }
    if ((!fuzzy && !partial) || HasIdentifierFeature(h.features)) return false;
    // Core parts: regular parts that are not particles.
    auto core = [](const matching::PreparedName& n) {
      std::vector<std::string_view> out;
      for (size_t i = 0; i < n.regular && i < n.units.size(); ++i) {
        if ((n.units[i].flags & matching::PreparedName::kParticle) == 0)
          out.push_back(n.units[i].text);
      }
      return out;
    };
    const matching::PreparedName prepared_query =
        matching::PrepareName(s.name, matching::NameKind::kPerson);
    const std::vector<std::string_view> query = core(prepared_query);
    if (query.size() > 2) return false;
    if (fuzzy) return true;
    const matching::PreparedName prepared_name =
        matching::PrepareName(listed.text, matching::NameKind::kPerson);
    const std::vector<std::string_view> name = core(prepared_name);
    if (name.empty()) return false;
    auto in_query = [&](std::string_view part) {
      return std::find(query.begin(), query.end(), part) != query.end();
    };
    return !in_query(name.front()) || !in_query(name.back());
  }

  Status PutLocked(const WatchlistEntry& e) {
    std::vector<core::Record> records = MatchRecords(e);
    const std::string key = Key(e.list, e.id);
    for (const core::Record& r : records) ISSA_RETURN_IF_ERROR(matcher_.Upsert(r));
    // Chunks of an earlier version beyond the new count.
    size_t& chunks = chunks_[key];
    for (size_t k = records.size(); k < chunks; ++k)
      matcher_.Remove(key + kChunkMark + std::to_string(k));
    chunks = records.size();
    if (floor_ < config_.match.name_floor) IndexLocked(e, std::move(records));
    entries_[key] = e;
    by_list_[e.list][e.id] = key;
    UnindexLinksLocked(key);
    IndexLinksLocked(key, e);
    return Status::Ok();
  }

  // Linked designations (ScreeningConfig::link_designations). What may tie an entry to another
  // list's entry of the same party: its names of two parts or more that are not weak aliases
  // (normalised, by name family), its document numbers of six characters or more and, for
  // persons, its full dates of birth.
  struct LinkKeys {
    std::vector<std::string> names;
    std::string primary;  // the primary name's key in `names`, if it is there
    std::vector<std::string> documents;
    std::vector<uint32_t> birth_dates;  // YYYYMMDD
  };
  // A name as a link key, from its words as written (NATIONAL IRANIAN OIL COMPANY is not
  // IRANIAN NATIONAL PETROLEUM GROUP). An organisation's in order, without its legal forms and
  // connectives unless one word would remain (CHONGCHONGANG SHIPPING COMPANY is CHONGCHONGANG
  // SHIPPING COMPANY LIMITED; BANK OF CHINA is not CHINA BANK, SEPEHR ENERGY HOLDING not SEPEHR
  // ENERGY INTERNATIONAL). A person's of three parts or more in alphabetical order (CHANG
  // MYONG-CHIN is Myong-Chin CHANG); of two, in order (ALI HASSAN is not HASSAN ALI); a vessel's
  // or an aircraft's in order.
  static std::string LinkName(std::string_view text, EntryKind kind) {
    const matching::PreparedName name = matching::PrepareNameAsWritten(text, NameKindOf(kind));
    const bool organisation = NameFamily(kind) == NameFamily(EntryKind::kOrganisation);
    std::vector<std::string_view> parts;
    for (size_t i = 0; i < name.regular && i < name.units.size(); ++i) {
      if (organisation && matching::IsLegalFormOrConnective(name.units[i].text)) continue;
      parts.push_back(name.units[i].text);
    }
    // A word and a legal form (MACHANGA LTD): the legal form stays.
    if (organisation && parts.size() < 2) {
      parts.clear();
      for (size_t i = 0; i < name.regular && i < name.units.size(); ++i)
        parts.push_back(name.units[i].text);
    }
    const bool person = NameFamily(kind) == NameFamily(EntryKind::kPerson);
    if (person && parts.size() >= 3) std::sort(parts.begin(), parts.end());
    std::string out;
    for (std::string_view p : parts) {
      if (!out.empty()) out.push_back(' ');
      out += p;
    }
    return out;
  }

  static LinkKeys LinkKeysOf(const WatchlistEntry& e) {
    LinkKeys k;
    const char family = static_cast<char>('0' + NameFamily(e.kind));
    for (const EntryName& n : e.names) {
      if (n.role == NameRole::kWeakAlias) continue;
      const std::string normal = LinkName(n.text, e.kind);
      if (normal.find(' ') == std::string::npos) continue;  // one part
      k.names.push_back(family + normal);
      if (n.role == NameRole::kPrimary && k.primary.empty()) k.primary = k.names.back();
    }
    for (const EntryDocument& d : e.documents) {
      if (d.normalised.size() >= 6) k.documents.push_back(d.normalised);
    }
    if (e.kind == EntryKind::kPerson) {
      for (const PartialDate& d : e.birth_dates) {
        if (d.day != 0) k.birth_dates.push_back(d.year * 10000U + d.month * 100U + d.day);
      }
    }
    for (auto* v : {&k.names, &k.documents}) {
      std::sort(v->begin(), v->end());
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    std::sort(k.birth_dates.begin(), k.birth_dates.end());
    k.birth_dates.erase(std::unique(k.birth_dates.begin(), k.birth_dates.end()),
                        k.birth_dates.end());
    return k;
  }

  void IndexLinksLocked(const std::string& key, const WatchlistEntry& e) {
    LinkKeys k = LinkKeysOf(e);
    for (const std::string& n : k.names) by_link_name_[n].push_back(key);
    for (const std::string& d : k.documents) by_link_document_[d].push_back(key);
    for (uint32_t d : k.birth_dates) by_birth_date_[d].push_back(key);
    link_keys_[key] = std::move(k);
  }

  void UnindexLinksLocked(const std::string& key) {
    const auto it = link_keys_.find(key);
    if (it == link_keys_.end()) return;
    auto drop = [&](auto& index, const auto& value) {
      const auto at = index.find(value);
      if (at == index.end()) return;
      std::erase(at->second, key);
      if (at->second.empty()) index.erase(at);
    };
    for (const std::string& n : it->second.names) drop(by_link_name_, n);
    for (const std::string& d : it->second.documents) drop(by_link_document_, d);
    for (uint32_t d : it->second.birth_dates) drop(by_birth_date_, d);
    link_keys_.erase(it);
  }

  static std::string_view ListOfKey(std::string_view key) {
    return key.substr(0, key.find('\x1f'));
  }

  // Birth years more than a year apart, or nationalities disjoint (both known).
  static bool Contradicts(const WatchlistEntry& a, const WatchlistEntry& b) {
    if (!a.birth_dates.empty() && !b.birth_dates.empty()) {
      bool near = false;
      for (const PartialDate& x : a.birth_dates) {
        for (const PartialDate& y : b.birth_dates) near = near || std::abs(x.year - y.year) <= 1;
      }
      if (!near) return true;
    }
    if (!a.nationalities.empty() && !b.nationalities.empty()) {
      for (const std::string& n : a.nationalities) {
        if (std::find(b.nationalities.begin(), b.nationalities.end(), n) != b.nationalities.end())
          return false;
      }
      return true;
    }
    return false;
  }

  // Two persons' names agree: the primary name of either scores at least 0.85 against a name of
  // the other (linear in the names, not quadratic: entries may bear dozens).
  bool NamesAgree(const WatchlistEntry& a, const WatchlistEntry& b) const {
    auto agree = [&](const WatchlistEntry& x, const WatchlistEntry& y) {
      if (x.names.empty()) return false;
      for (const EntryName& n : y.names) {
        if (matching::CompareNames(x.names.front().text, n.text, matching::NameKind::kPerson,
                                   config_.match)
                .score >= 0.85)
          return true;
      }
      return false;
    };
    return agree(a, b) || agree(b, a);
  }

  // The entries of other lists that denote the same party as the entry `key` (see
  // ScreeningConfig::link_designations), in key order.
  std::vector<const WatchlistEntry*> LinkedTo(const std::string& key) const {
    std::vector<const WatchlistEntry*> out;
    const auto keys = link_keys_.find(key);
    const auto self = entries_.find(key);
    if (keys == link_keys_.end() || self == entries_.end()) return out;
    const WatchlistEntry& a = self->second;
    const std::string_view list = ListOfKey(key);
    std::vector<std::string> linked;
    auto other = [&](const std::string& k) -> const WatchlistEntry* {
      if (ListOfKey(k) == list) return nullptr;
      const auto it = entries_.find(k);
      if (it == entries_.end() || NameFamily(it->second.kind) != NameFamily(a.kind)) return nullptr;
      return &it->second;
    };
    // A number or a date borne by many entries tells nothing about one party (1 January for an
    // unknown day, a placeholder number) and would cost a comparison with each.
    for (const std::string& d : keys->second.documents) {
      const std::vector<std::string>& holders = by_link_document_.at(d);
      if (holders.size() > kDistinctiveHolders) continue;
      for (const std::string& k : holders) {
        const WatchlistEntry* b = other(k);
        if (b != nullptr && !Contradicts(a, *b)) linked.push_back(k);
      }
    }
    for (uint32_t d : keys->second.birth_dates) {
      const std::vector<std::string>& holders = by_birth_date_.at(d);
      if (holders.size() > kDistinctiveHolders) continue;
      for (const std::string& k : holders) {
        const WatchlistEntry* b = other(k);
        if (b != nullptr && NamesAgree(a, *b)) linked.push_back(k);
      }
    }
    // Names borne by this entry alone in its list and by one entry alone in the other: two of
    // them, or one that is the primary name of either entry ("ANSAR ALLAH", an alias of both
    // the Houthis and Hizballah, alone does not link them).
    std::vector<std::pair<std::string, bool>> by_name;  // (entry key, a primary name shared)
    for (const std::string& n : keys->second.names) {
      const std::vector<std::string>& holders = by_link_name_.at(n);
      // Holders by list, in one pass (a common name may have thousands).
      std::vector<std::pair<std::string_view, size_t>> per_list;
      for (const std::string& k : holders) {
        const std::string_view l = ListOfKey(k);
        const auto it = std::find_if(per_list.begin(), per_list.end(),
                                     [&](const auto& p) { return p.first == l; });
        if (it == per_list.end()) {
          per_list.emplace_back(l, 1);
        } else {
          ++it->second;
        }
      }
      auto alone = [&](std::string_view l) {
        for (const auto& [name, count] : per_list) {
          if (name == l) return count == 1;
        }
        return false;
      };
      if (!alone(list)) continue;
      for (const std::string& k : holders) {
        const WatchlistEntry* b = other(k);
        if (b != nullptr && alone(ListOfKey(k)) && !Contradicts(a, *b))
          by_name.emplace_back(k, n == keys->second.primary || n == link_keys_.at(k).primary);
      }
    }
    std::sort(by_name.begin(), by_name.end());
    for (size_t i = 0; i < by_name.size(); ++i) {
      const bool twice = i + 1 < by_name.size() && by_name[i + 1].first == by_name[i].first;
      if (by_name[i].second || twice) linked.push_back(by_name[i].first);
    }
    std::sort(linked.begin(), linked.end());
    linked.erase(std::unique(linked.begin(), linked.end()), linked.end());
    for (const std::string& k : linked) out.push_back(&entries_.at(k));
    return out;
  }

  void RemoveLocked(const std::string& list, const std::string& id) {
    const std::string key = Key(list, id);
    matcher_.Remove(key);
    if (const auto it = chunks_.find(key); it != chunks_.end()) {
      for (size_t k = 1; k < it->second; ++k) matcher_.Remove(key + kChunkMark + std::to_string(k));
      chunks_.erase(it);
    }
    UnindexLocked(key);
    UnindexLinksLocked(key);
    entries_.erase(key);
    const auto it = by_list_.find(list);
    if (it != by_list_.end()) it->second.erase(id);
  }

  // Token retrieval for ranking below the name floor (--threshold 0 --top K): every entry whose
  // names share a part or a part's skeleton with the query, rarest keys first.
  struct Slot {
    std::string key;
    EntryKind kind = EntryKind::kPerson;
    std::vector<matching::PreparedName> names;
    std::vector<core::Record> records;  // the entry's matching records (chunks)
    std::vector<uint32_t> keys;
    // (key id, how many of the entry's names hold it), by key id.
    std::vector<std::pair<uint32_t, uint16_t>> key_names;
    std::vector<std::string> skeletons;  // NameSkeleton of each name
    std::vector<uint32_t> grams;         // ids of the skeletons' letter pairs
    // Organisations: each name's SpellableWords (none for a name in another script), and the
    // entry's AbbreviationKeys.
    std::vector<std::vector<SpellableWord>> spellable;
    std::vector<std::string> abbreviation_keys;
    bool live = false;
  };

  void IndexLocked(const WatchlistEntry& e, std::vector<core::Record> records) {
    const std::string key = Key(e.list, e.id);
    UnindexLocked(key);
    uint32_t id = 0;
    if (!free_slots_.empty()) {
      id = free_slots_.back();
      free_slots_.pop_back();
    } else {
      id = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    Slot& slot = slots_[id];
    slot = Slot{};
    slot.key = key;
    slot.kind = e.kind;
    slot.live = true;
    slot.records = std::move(records);
    std::vector<std::string> keys;
    std::vector<std::string> grams;
    std::vector<std::string> name_keys;  // each name's keys once
    for (const EntryName& n : e.names) {
      slot.names.push_back(matching::PrepareName(n.text, NameKindOf(e.kind)));
      const size_t from = keys.size();
      NameKeys(slot.names.back(), keys);
      std::vector<std::string> own(keys.begin() + static_cast<long>(from), keys.end());
      std::sort(own.begin(), own.end());
      own.erase(std::unique(own.begin(), own.end()), own.end());
      name_keys.insert(name_keys.end(), own.begin(), own.end());
      // An organisation's words as written: ANSAR, not the SUPPORTERS it is read as, meets أنصار.
      slot.skeletons.push_back(
          matching::NameSkeleton(e.kind == EntryKind::kOrganisation
                                     ? matching::PrepareNameAsWritten(n.text, NameKindOf(e.kind))
                                     : slot.names.back()));
      const std::string& sk = slot.skeletons.back();
      LetterPairs(sk, grams);
      if (e.kind == EntryKind::kOrganisation) {
        slot.spellable.push_back(n.original_script || NonLatin(n.text)
                                     ? std::vector<SpellableWord>{}
                                     : SpellableWords(n.text));
        AbbreviationKeys(slot.spellable.back(), slot.abbreviation_keys);
      }
    }
    std::sort(slot.abbreviation_keys.begin(), slot.abbreviation_keys.end());
    slot.abbreviation_keys.erase(
        std::unique(slot.abbreviation_keys.begin(), slot.abbreviation_keys.end()),
        slot.abbreviation_keys.end());
    for (const std::string& k : slot.abbreviation_keys) abbreviation_postings_[k].push_back(id);
    std::sort(grams.begin(), grams.end());
    grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
    for (const std::string& g : grams) {
      const auto [it, inserted] =
          gram_ids_.try_emplace(g, static_cast<uint32_t>(gram_postings_.size()));
      if (inserted) gram_postings_.emplace_back();
      gram_postings_[it->second].push_back(id);
      slot.grams.push_back(it->second);
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::sort(name_keys.begin(), name_keys.end());
    for (const std::string& k : keys) {
      const auto [it, inserted] = key_ids_.try_emplace(k, static_cast<uint32_t>(postings_.size()));
      if (inserted) {
        postings_.emplace_back();
        key_text_.push_back(k);
        // Parts of 4 letters or more: their one-letter deletions, for Neighbours.
        if (k.size() >= 5 && k[0] == 't') {
          const std::string_view text = std::string_view(k).substr(1);
          deletions_[std::string(text)].push_back(it->second);
          for (size_t d = 0; d < text.size(); ++d) {
            std::string variant(text.substr(0, d));
            variant += text.substr(d + 1);
            auto& ids = deletions_[variant];
            if (ids.empty() || ids.back() != it->second) ids.push_back(it->second);
          }
        }
      }
      postings_[it->second].push_back(id);
      if (inserted) family_postings_.emplace_back();
      ++family_postings_[it->second][static_cast<size_t>(NameFamily(e.kind))];
      slot.keys.push_back(it->second);
      const auto [first, last] = std::equal_range(name_keys.begin(), name_keys.end(), k);
      const auto names = static_cast<uint16_t>(
          std::min<long>(std::distance(first, last), std::numeric_limits<uint16_t>::max()));
      slot.key_names.emplace_back(it->second, names);
    }
    std::sort(slot.key_names.begin(), slot.key_names.end());
    ++family_entries_[static_cast<size_t>(NameFamily(e.kind))];
    slot_of_[key] = id;
  }

  void UnindexLocked(const std::string& key) {
    const auto it = slot_of_.find(key);
    if (it == slot_of_.end()) return;
    Slot& slot = slots_[it->second];
    --family_entries_[static_cast<size_t>(NameFamily(slot.kind))];
    for (uint32_t k : slot.keys) {
      --family_postings_[k][static_cast<size_t>(NameFamily(slot.kind))];
      auto& p = postings_[k];
      p.erase(std::remove(p.begin(), p.end(), it->second), p.end());
    }
    for (uint32_t g : slot.grams) {
      auto& p = gram_postings_[g];
      p.erase(std::remove(p.begin(), p.end(), it->second), p.end());
    }
    for (const std::string& k : slot.abbreviation_keys) {
      auto& p = abbreviation_postings_[k];
      p.erase(std::remove(p.begin(), p.end(), it->second), p.end());
    }
    slot = Slot{};
    free_slots_.push_back(it->second);
    slot_of_.erase(it);
  }

  // Inverse document frequency of a key held by entries in the proportion 1 / (ratio - 1),
  // raised to ScreeningConfig::rank_idf_power.
  double Idf(double ratio) const { return std::pow(std::log(ratio), config_.rank_idf_power); }

  // The query's retrieval keys, with their IDF among the entries of the query's name family
  // (persons, organisations, vessels: "limited" is common among organisations, rare among all
  // entries). A part held by at most kNeighbourParts entries (a typo, a rare spelling) also
  // brings its typo neighbours in the index, weighing no more than it does.
  std::vector<QueryKey> QueryKeys(const matching::PreparedName& q, int family) const {
    std::vector<std::string> keys;
    NameKeys(q, keys);
    std::vector<QueryKey> out;
    const auto f = static_cast<size_t>(family);
    const auto n = static_cast<double>(std::max<size_t>(family_entries_[f], 1));
    auto df_of = [&](uint32_t id) -> size_t { return family_postings_[id][f]; };
    uint32_t part = 0;
    for (const std::string& key : keys) {
      const auto it = key_ids_.find(key);
      const size_t df = it == key_ids_.end() ? 0 : df_of(it->second);
      const bool word = key.size() >= 5 && key[0] == 't';  // a part of 4 letters or more
      if (df == 0) {
        if (word) Neighbours(std::string_view(key).substr(1), n, df_of, part++, out);
        continue;
      }
      bool repeated = false;  // the same key from another part (a part written twice)
      for (const QueryKey& k : out) repeated = repeated || k.id == it->second;
      if (repeated) continue;
      const auto idf = static_cast<float>(Idf(1.0 + n / static_cast<double>(df)));
      out.push_back({it->second, idf, part});
      if (word && df <= kNeighbourParts) {
        const size_t from = out.size();
        Neighbours(std::string_view(key).substr(1), n, df_of, part, out);
        for (size_t k = from; k < out.size(); ++k) out[k].idf = std::min(out[k].idf, idf);
      }
      ++part;
    }
    return out;
  }

  // The parts of the index within two edits of `text` (one deletion on either side), as keys of
  // one query part, each weighted by its IDF times its similarity to `text` (at least 0.75).
  template <typename DfOf>
  void Neighbours(std::string_view text, double n, const DfOf& df_of, uint32_t part,
                  std::vector<QueryKey>& out) const {
    std::vector<uint32_t> ids;
    auto look = [&](const std::string& variant) {
      const auto it = deletions_.find(variant);
      if (it != deletions_.end()) ids.insert(ids.end(), it->second.begin(), it->second.end());
    };
    look(std::string(text));
    for (size_t d = 0; d < text.size(); ++d) {
      std::string variant(text.substr(0, d));
      variant += text.substr(d + 1);
      look(variant);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (uint32_t id : ids) {
      const size_t df = df_of(id);
      if (df == 0 || std::string_view(key_text_[id]).substr(1) == text) continue;
      const double similarity =
          matching::PartSimilarity(text, std::string_view(key_text_[id]).substr(1), config_.match);
      if (similarity < 0.75) continue;
      out.push_back(
          {id, static_cast<float>(similarity * Idf(1.0 + n / static_cast<double>(df))), part});
    }
  }

  // What an entry's names hold of the query's keys: the IDF-weighted sum of the keys any of its
  // names holds (overlap), and the same sum with each key counted once per further name holding
  // it, up to kSupportNames (support: evidence from several names of the entry, not from one).
  struct Evidence {
    float overlap = 0;
    float support = 0;
  };
  Evidence EvidenceOf(const std::vector<QueryKey>& query_keys, const std::string& key) const {
    const auto it = slot_of_.find(key);
    if (query_keys.empty() || it == slot_of_.end()) return {};
    return EvidenceIn(query_keys, slots_[it->second]);
  }
  // Each query part counts once, by its rarest key the entry holds.
  static Evidence EvidenceIn(const std::vector<QueryKey>& query_keys, const Slot& slot) {
    Evidence out;
    const auto& held = slot.key_names;
    float part_overlap = 0;
    float part_support = 0;
    for (size_t i = 0; i < query_keys.size(); ++i) {
      const QueryKey& k = query_keys[i];
      const auto at = std::lower_bound(held.begin(), held.end(), std::make_pair(k.id, uint16_t{0}));
      if (at != held.end() && at->first == k.id) {
        part_overlap = std::max(part_overlap, k.idf);
        // Each further name holding the part adds evidence, up to kSupportNames of them.
        const auto further = static_cast<float>(std::min<size_t>(at->second - 1U, kSupportNames));
        part_support = std::max(part_support, k.idf * further);
      }
      if (i + 1 == query_keys.size() || query_keys[i + 1].part != k.part) {
        out.overlap += part_overlap;
        out.support += part_support;
        part_overlap = 0;
        part_support = 0;
      }
    }
    return out;
  }

  // Candidates beyond the index's blocking, scored by Matcher::Compare.
  // Entries holding the query's rarest name parts (or their skeletons), whatever their fuzzy
  // name score: the 200 with the most IDF-weighted parts in common, then the `top` best by the
  // ranking score (`token_weight` blends name score and overlap), scored by Matcher::Compare.
  void Fallback(const Subject& s, const core::Record& query, size_t top, double threshold,
                double token_weight, std::vector<std::string>& seen,
                std::vector<std::pair<const WatchlistEntry*, matching::Candidate>>& out) const {
    const matching::PreparedName q = matching::PrepareName(s.name, NameKindOf(s.kind));
    const std::vector<QueryKey> query_keys = QueryKeys(q, NameFamily(s.kind));
    std::unordered_map<uint32_t, float> weight;
    std::unordered_map<uint32_t, float> part_weight;  // of the current part, by entry
    const int family = NameFamily(s.kind);
    const float query_idf = PartsWeight(query_keys);
    for (size_t i = 0; i < query_keys.size(); ++i) {
      const QueryKey& k = query_keys[i];
      const auto& p = postings_[k.id];
      if (p.size() <= 5000) {
        for (uint32_t id : p) {
          if (NameFamily(slots_[id].kind) != family) continue;
          float& w = part_weight[id];
          w = std::max(w, k.idf);
        }
      }
      if (i + 1 == query_keys.size() || query_keys[i + 1].part != k.part) {
        for (const auto& [id, w] : part_weight) weight[id] += w;
        part_weight.clear();
      }
    }
    std::vector<std::pair<float, uint32_t>> ranked;
    ranked.reserve(weight.size());
    for (const auto& [id, w] : weight) ranked.emplace_back(w, id);
    const size_t keep = std::min<size_t>(ranked.size(), 200);
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<long>(keep), ranked.end(),
                      [](const auto& a, const auto& b) {
                        return a.first > b.first || (a.first == b.first && a.second < b.second);
                      });
    ranked.resize(keep);
    std::vector<std::pair<double, uint32_t>> by_name;
    for (const auto& [w, id] : ranked) {
      double best = 0;
      for (const matching::PreparedName& name : slots_[id].names) {
        best = std::max(best, matching::CompareNames(q, name, config_.match).score);
      }
      const double overlap = query_idf > 0 ? w / query_idf : 0.0;
      by_name.emplace_back((1 - token_weight) * best + token_weight * overlap, id);
    }
    std::sort(by_name.begin(), by_name.end(), [](const auto& a, const auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    size_t added = 0;
    for (const auto& [score, id] : by_name) {
      if (added >= top) break;
      const Slot& slot = slots_[id];
      if (std::find(seen.begin(), seen.end(), slot.key) != seen.end()) continue;
      Result<matching::Candidate> c = CompareEntry(query, slot);
      if (!c.ok() || c->score <= 0 || c->score + 1e-9 < threshold) continue;
      c->record_id = slot.key;
      seen.push_back(slot.key);
      out.emplace_back(&entries_.at(slot.key), std::move(*c));
      ++added;
    }
  }

  // An organisation whose name spells the query's abbreviation: which of its names, and the
  // share of that name's words spelled (SpelledShare).
  struct Spelling {
    std::string key;  // the entry's
    size_t name = 0;  // index in the entry's names
    double share = 0;
  };

  // The abbreviation an organisation is screened by: the query's only spellable word that is no
  // filler, of letters only, kShortestAbbreviation or more of them, held by at most
  // kRareAbbreviation organisations (a word common on the lists is a word, not an
  // abbreviation); "" otherwise.
  std::string AbbreviationOf(const Subject& s) const {
    if (s.kind != EntryKind::kOrganisation || config_.abbreviation_weight <= 0 || NonLatin(s.name))
      return {};
    std::vector<SpellableWord> words = SpellableWords(s.name);
    std::erase_if(words, [](const SpellableWord& w) { return w.filler; });
    if (words.size() != 1) return {};
    std::string& word = words[0].text;
    if (word.size() < kShortestAbbreviation ||
        !std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; }) ||
        OrganisationsHolding(word) > kRareAbbreviation)
      return {};
    return std::move(word);
  }

  // How many organisations' names hold `word` as a part.
  size_t OrganisationsHolding(const std::string& word) const {
    const auto it = key_ids_.find("t" + word);
    const auto family = static_cast<size_t>(NameFamily(EntryKind::kOrganisation));
    return it == key_ids_.end() ? 0 : family_postings_[it->second][family];
  }

  // The organisations whose names spell `abbreviation`, the most words of a name spelled first,
  // at most `limit`: those under its AbbreviationKeys, each name checked by SpelledShare.
  std::vector<Spelling> Spellings(const std::string& abbreviation, size_t limit) const {
    std::vector<uint32_t> ids;
    for (const std::string& k :
         {"f" + abbreviation.substr(0, 2), std::string{'i', abbreviation[0], abbreviation[1]}}) {
      const auto it = abbreviation_postings_.find(k);
      if (it != abbreviation_postings_.end())
        ids.insert(ids.end(), it->second.begin(), it->second.end());
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<Spelling> out;
    for (uint32_t id : ids) {
      const Slot& slot = slots_[id];
      Spelling best;
      for (size_t n = 0; n < slot.spellable.size(); ++n) {
        const double share = SpelledShare(abbreviation, slot.spellable[n]);
        if (share > best.share) best = {slot.key, n, share};
      }
      if (best.share > 0) out.push_back(std::move(best));
    }
    const size_t keep = std::min(out.size(), limit);
    std::partial_sort(out.begin(), out.begin() + static_cast<long>(keep), out.end(),
                      [](const Spelling& a, const Spelling& b) {
                        return a.share > b.share || (a.share == b.share && a.key < b.key);
                      });
    out.resize(keep);
    return out;
  }

  // How much a spelling says, in [0.5, 1]: half for spelling the abbreviation at all, half by
  // the share of the name's words it spells (ACA spells all of Asesores Consultores Asociados;
  // INPESCA two of Industria de Pesca sobre el Pacifico's four).
  static double SpellingQuality(const Spelling& spelling) { return 0.5 + 0.5 * spelling.share; }

  // The query scored by Matcher::Compare against the best of an entry's matching records.
  Result<matching::Candidate> CompareEntry(const core::Record& query, const Slot& slot) const {
    Result<matching::Candidate> c = InvalidArgument("no matching record");
    for (const core::Record& r : slot.records) {
      auto one = matcher_.Compare(query, r);
      if (one.ok() && (!c.ok() || one->score > c->score)) c = std::move(one);
    }
    return c;
  }

  // The best similarity of the query's skeleton with the skeletons of an entry's names.
  double SkeletonSimilarityOf(const std::string& query_skeleton, const std::string& key) const {
    const auto it = slot_of_.find(key);
    if (it == slot_of_.end()) return 0;
    double best = 0;
    for (const std::string& sk : slots_[it->second].skeletons)
      best = std::max(best, matching::SkeletonSimilarity(query_skeleton, sk));
    return best;
  }

  // Candidates for a name in another script: the entries of the query's kind whose names'
  // skeletons share the most letter pairs with the query's skeleton (at least a third of them),
  // the `top` most similar by SkeletonSimilarity, scored by Matcher::Compare.
  void CrossScript(const Subject& s, const core::Record& query, const std::string& skeleton,
                   size_t top, std::vector<std::string>& seen,
                   std::vector<std::pair<const WatchlistEntry*, matching::Candidate>>& out) const {
    std::vector<std::string> grams;
    LetterPairs(skeleton, grams);
    std::sort(grams.begin(), grams.end());
    grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
    std::unordered_map<uint32_t, uint16_t> shared;
    const int family = NameFamily(s.kind);
    for (const std::string& g : grams) {
      const auto it = gram_ids_.find(g);
      if (it == gram_ids_.end()) continue;
      for (uint32_t id : gram_postings_[it->second]) {
        if (NameFamily(slots_[id].kind) == family) ++shared[id];
      }
    }
    const size_t need = std::max<size_t>(1, (grams.size() + 2) / 3);
    std::vector<std::pair<double, uint32_t>> similar;
    for (const auto& [id, count] : shared) {
      if (count < need) continue;
      double best = 0;
      for (const std::string& sk : slots_[id].skeletons)
        best = std::max(best, matching::SkeletonSimilarity(skeleton, sk));
      if (best > 0) similar.emplace_back(best, id);
    }
    const size_t keep = std::min(similar.size(), top);
    std::partial_sort(similar.begin(), similar.begin() + static_cast<long>(keep), similar.end(),
                      [](const auto& a, const auto& b) {
                        return a.first > b.first || (a.first == b.first && a.second < b.second);
                      });
    similar.resize(keep);
    for (const auto& [similarity, id] : similar) {
      const Slot& slot = slots_[id];
      if (std::find(seen.begin(), seen.end(), slot.key) != seen.end()) continue;
      Result<matching::Candidate> c = CompareEntry(query, slot);
      if (!c.ok()) continue;
      c->record_id = slot.key;
      seen.push_back(slot.key);
      out.emplace_back(&entries_.at(slot.key), std::move(*c));
    }
  }

  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  std::unordered_map<std::string, uint32_t> gram_ids_;
  std::vector<std::vector<uint32_t>> gram_postings_;
  std::unordered_map<std::string, uint32_t> slot_of_;
  std::unordered_map<std::string, uint32_t> key_ids_;
  std::vector<std::vector<uint32_t>> postings_;
  std::vector<std::string> key_text_;  // by key id
  // A part's text and its one-letter deletions -> the parts' key ids (typo neighbours of a query
  // part the index does not hold, SymSpell-style: two parts meet within two edits).
  std::unordered_map<std::string, std::vector<uint32_t>> deletions_;
  // AbbreviationKeys -> the organisations' slots.
  std::unordered_map<std::string, std::vector<uint32_t>> abbreviation_postings_;
  // By key: the entries of each name family (NameFamily) holding it; and entries by family.
  std::vector<std::array<uint32_t, 3>> family_postings_;
  std::array<size_t, 3> family_entries_{};

  ScreeningConfig config_;
  double floor_ = 0;
  matching::Matcher matcher_;
  mutable core::WriterPreferringSharedMutex mu_;  // a list refresh is not starved by screens
  std::unordered_map<std::string, WatchlistEntry> entries_;
  std::unordered_map<std::string, size_t> chunks_;  // entry key -> matching records
  std::map<std::string, std::map<std::string, std::string>> by_list_;  // list -> id -> key
  // Linked designations: entry key -> its LinkKeys, and entry keys by each of them.
  std::unordered_map<std::string, LinkKeys> link_keys_;
  std::unordered_map<std::string, std::vector<std::string>> by_link_name_;
  std::unordered_map<std::string, std::vector<std::string>> by_link_document_;
  std::unordered_map<uint32_t, std::vector<std::string>> by_birth_date_;
};

Screener::Screener(ScreeningConfig config, std::optional<double> floor) {
  const double f = floor.value_or(config.alert_threshold);
  impl_ = std::make_unique<Impl>(std::move(config), f);
}
Screener::~Screener() = default;

Result<ListDelta> Screener::Load(const Watchlist& list) { return impl_->Load(list); }
Status Screener::Put(const WatchlistEntry& entry) { return impl_->Put(entry); }
void Screener::Remove(std::string_view list, std::string_view entry_id) {
  impl_->Remove(list, entry_id);
}
std::vector<ScreeningHit> Screener::Screen(const Subject& subject, std::optional<size_t> top,
                                           std::optional<double> threshold) const {
  return impl_->Screen(subject, top.value_or(impl_->config().top_k),
                       threshold.value_or(impl_->config().alert_threshold), false);
}
std::vector<ScreeningHit> Screener::ScreenExhaustive(const Subject& subject, size_t top,
                                                     double threshold) const {
  return impl_->Screen(subject, top, threshold, true);
}
std::vector<std::string> Screener::LinkedDesignations(std::string_view list,
                                                      std::string_view entry_id) const {
  return impl_->LinkedDesignations(list, entry_id);
}
size_t Screener::entries() const { return impl_->entries(); }
size_t Screener::lists() const { return impl_->lists(); }
const ScreeningConfig& Screener::config() const { return impl_->config(); }

}  // namespace issa::travel
