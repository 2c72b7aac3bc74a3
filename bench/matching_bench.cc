// Cross-matching benchmark: builds an index of synthetic persons whose name parts come from real
// lists (OFAC SDN 2024-05-03 and UN SC consolidated individuals, Wikidata Russian and Arabic
// transliteration pairs), plants variants of stored persons (typos, reordering, missing middle
// names, swapped or partial dates, initials, Cyrillic and Arabic script) and measures:
//   - Find latency (p50/p90/p99/max, one thread),
//   - recall of the planted matches at the configured threshold,
//   - the false hit rate of fresh random persons,
//   - the peer: exhaustive scoring of every stored person (the naive approach) on a sample,
//     its latency ratio and whether it finds what the index finds.
// Prints a Markdown block for bench/RESULTS.md.
//
//   matching_bench [--persons N] [--planted N] [--random N] [--brute N] [--data DIR] [--seed S]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/model.h"
#include "issa/matching/matcher.h"

#ifndef ISSA_WATCHLIST_DIR
#define ISSA_WATCHLIST_DIR "../shared/data/watchlists"
#endif

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  size_t persons = 1'000'000;
  size_t planted = 2'000;
  size_t random = 2'000;
  size_t brute = 20;
  std::string data = ISSA_WATCHLIST_DIR;
  uint32_t seed = 20251123;
  size_t slow = 0;        // print the slowest queries
  size_t misses = 0;      // print missed planted queries
  size_t false_hits = 0;  // print random queries with hits
  size_t fallback = 300;  // MatchConfig::fallback_postings
  double extra = -1;      // MatchConfig::extra_part_weight when >= 0
};

// A script-specific pool: Latin tokens, with their spelling in another script when known.
struct Pool {
  std::vector<std::string> latin;
  std::vector<std::string> script;  // empty, or same size as latin
};

struct Pools {
  Pool given;    // OFAC + UN given names
  Pool surname;  // OFAC + UN surnames
  Pool russian;  // Latin + Cyrillic (Wikidata tokens)
  Pool arabic;   // Latin + Arabic (Wikipedia words)
};

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string Capitalise(std::string s) {
  s = Lower(std::move(s));
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '\'') {
      cur.push_back(c);
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool PlainWord(std::string_view w) {
  if (w.size() < 2) return false;
  for (char c : w) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

void AddWords(Pool& pool, std::string_view text) {
  for (const std::string& w : SplitWords(text)) {
    if (PlainWord(w)) pool.latin.push_back(Capitalise(w));
  }
}

bool LoadOfac(const std::string& path, Pools& pools) {
  std::ifstream in(path);
  if (!in) return false;
  for (std::string line; std::getline(in, line);) {
    // ent_num,"LAST, First Middle","individual",...
    const size_t q1 = line.find('"');
    const size_t q2 = q1 == std::string::npos ? q1 : line.find('"', q1 + 1);
    constexpr std::string_view kIndividual = ",\"individual\"";
    if (q2 == std::string::npos || line.compare(q2 + 1, kIndividual.size(), kIndividual) != 0) {
      continue;
    }
    const std::string name = line.substr(q1 + 1, q2 - q1 - 1);
    const size_t comma = name.find(',');
    if (comma == std::string::npos) continue;
    AddWords(pools.surname, name.substr(0, comma));
    AddWords(pools.given, name.substr(comma + 1));
  }
  return true;
}

bool LoadUn(const std::string& path, Pools& pools) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string xml = ss.str();
  auto each = [&](const std::string& tag, Pool& pool) {
    const std::string open = "<" + tag + ">";
    const std::string close = "</" + tag + ">";
    for (size_t pos = xml.find(open); pos != std::string::npos; pos = xml.find(open, pos + 1)) {
      const size_t end = xml.find(close, pos);
      if (end == std::string::npos) break;
      AddWords(pool, xml.substr(pos + open.size(), end - pos - open.size()));
    }
  };
  each("FIRST_NAME", pools.given);
  each("SECOND_NAME", pools.surname);
  each("THIRD_NAME", pools.surname);
  return true;
}

// Lines "latin<TAB>c h a r s<TAB>freq" (NETransliteration) or "arabic<TAB>latin" (google).
bool LoadPairs(const std::string& path, bool latin_first, Pool& pool) {
  std::ifstream in(path);
  if (!in) return false;
  for (std::string line; std::getline(in, line);) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const size_t tab2 = line.find('\t', tab + 1);
    std::string a = line.substr(0, tab);
    std::string b =
        line.substr(tab + 1, tab2 == std::string::npos ? std::string::npos : tab2 - tab - 1);
    std::string latin = latin_first ? a : b;
    std::string script = latin_first ? b : a;
    std::erase(script, ' ');
    if (!PlainWord(latin) || latin.size() < 3 || script.empty()) continue;
    pool.latin.push_back(Capitalise(latin));
    pool.script.push_back(script);
  }
  return true;
}

// ---- Synthetic persons ------------------------------------------------------------------------

struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
  std::string Text() const {
    char buf[16];
    if (year == 0) return {};
    if (month == 0) {
      std::snprintf(buf, sizeof(buf), "%04d", year);
    } else if (day == 0) {
      std::snprintf(buf, sizeof(buf), "%04d-%02d", year, month);
    } else {
      std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", year, month, day);
    }
    return buf;
  }
};

enum class Origin { kGeneric, kRussian, kArabic };

struct SynthPerson {
  std::vector<std::string> parts;   // given [middle] surname, Latin
  std::vector<std::string> script;  // same parts in Cyrillic/Arabic, if any
  Origin origin = Origin::kGeneric;
  Date dob;
  std::string nationality;
  std::string gender;
  std::string document;
};

const char* kCountries[] = {"FR", "DE", "IT", "ES", "NL", "BE", "PL", "RO", "GR", "PT",
                            "SE", "AT", "BG", "HU", "CZ", "RU", "UA", "SY", "IQ", "AF",
                            "PK", "IR", "EG", "MA", "DZ", "TN", "TR", "NG", "CN", "IN"};

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out.push_back(' ');
    out += s;
  }
  return out;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

class Generator {
 public:
  Generator(const Pools& pools, uint32_t seed) : pools_(pools), rng_(seed) {}

  size_t Uniform(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  double Real() { return std::uniform_real_distribution<double>(0, 1)(rng_); }

  SynthPerson Make() {
    SynthPerson p;
    const double r = Real();
    if (r < 0.70) {
      p.origin = Origin::kGeneric;
      p.parts.push_back(Pick(pools_.given));
      if (Real() < 0.30) p.parts.push_back(Pick(pools_.given));
      p.parts.push_back(Pick(pools_.surname));
    } else {
      const Pool& pool = r < 0.85 ? pools_.russian : pools_.arabic;
      p.origin = r < 0.85 ? Origin::kRussian : Origin::kArabic;
      const int n = Real() < 0.2 ? 3 : 2;
      for (int i = 0; i < n; ++i) {
        const size_t k = Uniform(pool.latin.size());
        p.parts.push_back(pool.latin[k]);
        p.script.push_back(pool.script[k]);
      }
    }
    const double d = Real();
    if (d < 0.90) {
      p.dob.year = 1940 + static_cast<int>(Uniform(66));
      if (d < 0.85) p.dob.month = 1 + static_cast<int>(Uniform(12));
      if (d < 0.75) p.dob.day = 1 + static_cast<int>(Uniform(28));
    }
    if (Real() < 0.7) p.nationality = kCountries[Uniform(std::size(kCountries))];
    const double g = Real();
    if (g < 0.5) p.gender = g < 0.25 ? "female" : "male";
    if (Real() < 0.2) {
      char buf[16];
      std::snprintf(buf, sizeof(buf), "%c%c%07zu", static_cast<char>('A' + Uniform(26)),
                    static_cast<char>('A' + Uniform(26)), Uniform(10'000'000));
      p.document = buf;
    }
    return p;
  }

 private:
  const std::string& Pick(const Pool& pool) { return pool.latin[Uniform(pool.latin.size())]; }

  const Pools& pools_;
  std::mt19937 rng_;
};

std::string Properties(const SynthPerson& p, const std::string& name) {
  std::string json = "{\"name\":\"" + JsonEscape(name) + "\"";
  if (p.dob.year != 0) json += ",\"birth_date\":\"" + p.dob.Text() + "\"";
  if (!p.nationality.empty()) json += ",\"nationality\":\"" + p.nationality + "\"";
  if (!p.gender.empty()) json += ",\"gender\":\"" + p.gender + "\"";
  if (!p.document.empty()) json += ",\"document_numbers\":[\"" + p.document + "\"]";
  return json + "}";
}

issa::core::Record MakePerson(std::string id, std::string owner, std::string properties) {
  issa::core::Record r;
  r.id = std::move(id);
  r.type = "Person";
  r.owner = std::move(owner);
  r.properties_json = std::move(properties);
  return r;
}

// ---- Variants ---------------------------------------------------------------------------------

enum class Variant {
  kTypo,
  kReordered,
  kMissingMiddle,
  kSwappedDobTypo,
  kYearOnlyReordered,
  kInitial,
  kCyrillic,
  kArabic,
  kCount,
};

const char* VariantName(Variant v) {
  switch (v) {
    case Variant::kTypo:
      return "typo (1 edit)";
    case Variant::kReordered:
      return "reordered parts";
    case Variant::kMissingMiddle:
      return "missing middle name";
    case Variant::kSwappedDobTypo:
      return "swapped day/month + typo";
    case Variant::kYearOnlyReordered:
      return "year-only date + reordered";
    case Variant::kInitial:
      return "given name as initial";
    case Variant::kCyrillic:
      return "Cyrillic script";
    case Variant::kArabic:
      return "Arabic script";
    case Variant::kCount:
      break;
  }
  return "?";
}

std::string Typo(std::string word, Generator& gen) {
  if (word.size() < 3) return word;
  const size_t i = 1 + gen.Uniform(word.size() - 2);
  const char letter = static_cast<char>('a' + gen.Uniform(26));
  switch (gen.Uniform(4)) {
    case 0:
      word[i] = letter == word[i] ? static_cast<char>('a' + (letter - 'a' + 1) % 26) : letter;
      break;
    case 1:
      word.erase(i, 1);
      break;
    case 2:
      word.insert(word.begin() + static_cast<std::ptrdiff_t>(i), letter);
      break;
    default:
      std::swap(word[i], word[i - 1]);
      break;
  }
  return word;
}

// The query for a planted variant of `p`, or "" when `p` does not suit the variant.
std::string PlantedQuery(const SynthPerson& p, Variant v, Generator& gen, SynthPerson& q) {
  q = p;
  q.document.clear();  // names and dates only: identifiers would make it trivial
  std::vector<std::string> parts = p.parts;
  auto longest = [&parts]() {
    size_t best = 0;
    for (size_t i = 1; i < parts.size(); ++i) {
      if (parts[i].size() > parts[best].size()) best = i;
    }
    return best;
  };
  switch (v) {
    case Variant::kTypo: {
      const size_t i = gen.Uniform(parts.size());
      if (parts[i].size() < 5) return {};
      parts[i] = Typo(parts[i], gen);
      break;
    }
    case Variant::kReordered:
      std::rotate(parts.begin(), parts.end() - 1, parts.end());
      break;
    case Variant::kMissingMiddle:
      if (parts.size() < 3) return {};
      parts.erase(parts.begin() + 1);
      break;
    case Variant::kSwappedDobTypo: {
      if (p.dob.day == 0 || p.dob.day > 12 || p.dob.day == p.dob.month) return {};
      std::swap(q.dob.day, q.dob.month);
      const size_t i = longest();
      if (parts[i].size() < 5) return {};
      parts[i] = Typo(parts[i], gen);
      break;
    }
    case Variant::kYearOnlyReordered:
      if (p.dob.month == 0) return {};
      q.dob.month = 0;
      q.dob.day = 0;
      std::rotate(parts.begin(), parts.end() - 1, parts.end());
      break;
    case Variant::kInitial:
      if (parts.size() < 2 || p.dob.day == 0) return {};  // an initial needs a full date
      parts[0] = parts[0].substr(0, 1) + ".";
      break;
    case Variant::kCyrillic:
      if (p.origin != Origin::kRussian) return {};
      parts = p.script;
      break;
    case Variant::kArabic:
      if (p.origin != Origin::kArabic) return {};
      parts = p.script;
      break;
    case Variant::kCount:
      return {};
  }
  return Join(parts);
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

long RssKb() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// CPU time of the calling thread, in ms (less sensitive than wall time to other processes).
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--persons")
      opt.persons = std::stoul(value);
    else if (key == "--planted")
      opt.planted = std::stoul(value);
    else if (key == "--random")
      opt.random = std::stoul(value);
    else if (key == "--brute")
      opt.brute = std::stoul(value);
    else if (key == "--data")
      opt.data = value;
    else if (key == "--seed")
      opt.seed = static_cast<uint32_t>(std::stoul(value));
    else if (key == "--slow")
      opt.slow = std::stoul(value);
    else if (key == "--misses")
      opt.misses = std::stoul(value);
    else if (key == "--false")
      opt.false_hits = std::stoul(value);
    else if (key == "--fallback")
      opt.fallback = std::stoul(value);
    else if (key == "--extra")
      opt.extra = std::stod(value);
    else {
      std::fprintf(stderr, "unknown option %s\n", key.c_str());
      return 2;
    }
  }

  Pools pools;
  const bool ok =
      LoadOfac(opt.data + "/ofac/sdn_2024-05-03/sdn.csv", pools) &&
      LoadUn(opt.data + "/un/un_sc_consolidated_2026-02-27.xml", pools) &&
      LoadPairs(opt.data + "/eval/transliteration_pairs/netranslit_wd_russian_20.tsv", true,
                pools.russian) &&
      LoadPairs(opt.data + "/eval/transliteration_pairs/google_ar2en.txt", false, pools.arabic);
  if (!ok || pools.given.latin.empty() || pools.surname.latin.empty()) {
    std::fprintf(stderr, "cannot read the watchlists under %s\n", opt.data.c_str());
    return 1;
  }
  std::printf("name pools: %zu given, %zu surname occurrences; %zu Cyrillic, %zu Arabic pairs\n",
              pools.given.latin.size(), pools.surname.latin.size(), pools.russian.latin.size(),
              pools.arabic.latin.size());

  issa::matching::MatchConfig config;
  config.fallback_postings = opt.fallback;
  if (opt.extra >= 0) config.extra_part_weight = opt.extra;
  issa::matching::Matcher matcher(config);
  Generator gen(pools, opt.seed);
  std::vector<SynthPerson> stored;
  stored.reserve(opt.persons);
  for (size_t i = 0; i < opt.persons; ++i) stored.push_back(gen.Make());
  const long rss_before = RssKb();
  const auto build_start = Clock::now();
  for (size_t i = 0; i < opt.persons; ++i) {
    const SynthPerson& p = stored[i];
    char id[24];
    std::snprintf(id, sizeof(id), "p%09zu", i);
    const issa::Status s = matcher.Upsert(
        MakePerson(id, i % 2 == 0 ? "FR-DGSI" : "DE-BKA", Properties(p, Join(p.parts))));
    if (!s.ok()) {
      std::fprintf(stderr, "upsert failed: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  const double build_s = Ms(Clock::now() - build_start) / 1000;
  const long rss_after = RssKb();
  std::printf("indexed %zu persons in %.1f s (%.0f upserts/s), RSS +%ld MB\n", matcher.size(),
              build_s, static_cast<double>(opt.persons) / build_s, (rss_after - rss_before) / 1024);

  // Planted variants.
  struct Query {
    issa::core::Record record;
    std::string target;  // empty for random queries
    Variant variant = Variant::kCount;
  };
  std::vector<Query> queries;
  const size_t per_variant = opt.planted / static_cast<size_t>(Variant::kCount);
  for (int v = 0; v < static_cast<int>(Variant::kCount); ++v) {
    size_t made = 0;
    for (size_t attempt = 0; made < per_variant && attempt < per_variant * 200; ++attempt) {
      const size_t k = gen.Uniform(stored.size());
      SynthPerson q;
      const std::string name = PlantedQuery(stored[k], static_cast<Variant>(v), gen, q);
      if (name.empty()) continue;
      char target[24];
      std::snprintf(target, sizeof(target), "p%09zu", k);
      queries.push_back(Query{
          MakePerson("planted-" + std::to_string(queries.size()), "IT-NCC", Properties(q, name)),
          target, static_cast<Variant>(v)});
      ++made;
    }
  }
  const size_t planted_count = queries.size();
  for (size_t i = 0; i < opt.random; ++i) {
    const SynthPerson p = gen.Make();
    queries.push_back(
        Query{MakePerson("random-" + std::to_string(i), "IT-NCC", Properties(p, Join(p.parts))),
              {},
              Variant::kCount});
  }

  constexpr size_t kLimit = 20;  // node default max_candidates
  std::vector<double> latency_ms;
  std::vector<double> cpu_ms;
  std::vector<double> planted_ms;
  std::vector<double> random_ms;
  std::map<int, std::pair<size_t, size_t>> recall;  // variant -> (found, total)
  size_t misses_printed = 0;
  size_t false_printed = 0;
  size_t random_with_hit = 0;
  size_t random_with_dated_hit = 0;
  size_t total_hits = 0;
  std::vector<std::vector<std::string>> indexed_results(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    const Query& q = queries[i];
    const double c0 = ThreadCpuMs();
    const auto t0 = Clock::now();
    const auto found = matcher.Find(q.record, kLimit);
    const double ms = Ms(Clock::now() - t0);
    cpu_ms.push_back(ThreadCpuMs() - c0);
    latency_ms.push_back(ms);
    total_hits += found.size();
    for (const auto& c : found) indexed_results[i].push_back(c.record_id);
    if (!q.target.empty()) {
      planted_ms.push_back(ms);
      auto& [hit, total] = recall[static_cast<int>(q.variant)];
      ++total;
      bool got = false;
      for (const auto& c : found) got = got || c.record_id == q.target;
      hit += got ? 1 : 0;
      if (!got && misses_printed < opt.misses) {
        ++misses_printed;
        const size_t k = std::stoul(q.target.substr(1));
        const auto target = MakePerson(q.target, "X", Properties(stored[k], Join(stored[k].parts)));
        const auto cmp = matcher.Compare(q.record, target);
        std::string feats;
        for (const auto& f : cmp->features) feats += f + " ";
        std::printf("miss [%s] %s -> %s : %.3f %s\n", VariantName(q.variant),
                    q.record.properties_json.c_str(), target.properties_json.c_str(), cmp->score,
                    feats.c_str());
      }
    } else {
      random_ms.push_back(ms);
      if (!found.empty()) ++random_with_hit;
      if (!found.empty() && false_printed < opt.false_hits) {
        ++false_printed;
        const size_t k = std::stoul(found[0].record_id.substr(1));
        std::string feats;
        for (const auto& f : found[0].features) feats += f + " ";
        std::printf("false %s -> %s : %.3f %s (%zu hits)\n", q.record.properties_json.c_str(),
                    Properties(stored[k], Join(stored[k].parts)).c_str(), found[0].score,
                    feats.c_str(), found.size());
      }
      for (const auto& c : found) {
        if (std::find(c.features.begin(), c.features.end(), "birth_date") != c.features.end() ||
            std::find(c.features.begin(), c.features.end(), "birth_date~swapped") !=
                c.features.end()) {
          ++random_with_dated_hit;
          break;
        }
      }
    }
  }

  // Peer: exhaustive scoring of every stored person on a sample.
  std::vector<double> brute_ms;
  std::vector<double> sample_indexed_ms;
  size_t agree = 0;
  size_t exhaustive_hits = 0;
  size_t exhaustive_found_by_index = 0;
  const size_t step = std::max<size_t>(1, queries.size() / std::max<size_t>(1, opt.brute));
  for (size_t i = 0, n = 0; i < queries.size() && n < opt.brute; i += step, ++n) {
    const auto t0 = Clock::now();
    const auto all = matcher.FindExhaustive(queries[i].record, kLimit);
    brute_ms.push_back(Ms(Clock::now() - t0));
    sample_indexed_ms.push_back(latency_ms[i]);
    std::vector<std::string> ids;
    for (const auto& c : all) ids.push_back(c.record_id);
    exhaustive_hits += ids.size();
    for (const auto& id : ids) {
      exhaustive_found_by_index +=
          std::count(indexed_results[i].begin(), indexed_results[i].end(), id);
    }
    if (ids == indexed_results[i]) ++agree;
  }

  if (opt.slow > 0) {
    std::vector<size_t> order(queries.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return latency_ms[a] > latency_ms[b]; });
    for (size_t i = 0; i < std::min(opt.slow, order.size()); ++i) {
      std::printf("slow %.3f ms hits %zu: %s\n", latency_ms[order[i]],
                  indexed_results[order[i]].size(),
                  queries[order[i]].record.properties_json.c_str());
    }
  }

  // Report.
  size_t found_all = 0;
  size_t total_all = 0;
  for (const auto& [v, ft] : recall) {
    found_all += ft.first;
    total_all += ft.second;
  }
  const double p50 = Percentile(latency_ms, 0.50);
  const double p90 = Percentile(latency_ms, 0.90);
  const double p99 = Percentile(latency_ms, 0.99);
  const double max = Percentile(latency_ms, 1.0);
  const double brute_mean = Mean(brute_ms);
  const double sample_mean = Mean(sample_indexed_ms);
  std::printf("\n");
  std::printf("| figure | value |\n|---|---|\n");
  std::printf("| stored persons | %zu (build %.1f s, %.0f upserts/s, RSS +%ld MB) |\n",
              matcher.size(), build_s, static_cast<double>(opt.persons) / build_s,
              (rss_after - rss_before) / 1024);
  std::printf("| queries | %zu planted + %zu random, Find limit %zu, threshold %.2f |\n",
              planted_count, opt.random, kLimit, config.threshold);
  std::printf(
      "| Find latency, all queries (1 thread) | p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, "
      "max %.3f ms |\n",
      p50, p90, p99, max);
  std::printf("| Find thread CPU time, all queries | p50 %.3f ms, p99 %.3f ms |\n",
              Percentile(cpu_ms, 0.50), Percentile(cpu_ms, 0.99));
  std::printf("| Find latency, planted / random | p99 %.3f ms / %.3f ms |\n",
              Percentile(planted_ms, 0.99), Percentile(random_ms, 0.99));
  std::printf("| recall of planted matches | %.3f (%zu/%zu) |\n",
              total_all ? static_cast<double>(found_all) / static_cast<double>(total_all) : 0.0,
              found_all, total_all);
  for (const auto& [v, ft] : recall) {
    std::printf("| - %s | %.3f (%zu/%zu) |\n", VariantName(static_cast<Variant>(v)),
                ft.second ? static_cast<double>(ft.first) / static_cast<double>(ft.second) : 0.0,
                ft.first, ft.second);
  }
  std::printf(
      "| false hit rate, random persons (>= 1 hit) | %.4f (%zu/%zu) |\n",
      opt.random ? static_cast<double>(random_with_hit) / static_cast<double>(opt.random) : 0.0,
      random_with_hit, opt.random);
  std::printf("| - of which a hit agreeing on the full date of birth | %zu |\n",
              random_with_dated_hit);
  std::printf("| hits per query (mean) | %.2f |\n",
              static_cast<double>(total_hits) / static_cast<double>(queries.size()));
  std::printf(
      "| peer: exhaustive scoring (%zu queries) | mean %.1f ms vs %.3f ms indexed on the "
      "same queries: **%.0fx** |\n",
      brute_ms.size(), brute_mean, sample_mean, sample_mean > 0 ? brute_mean / sample_mean : 0.0);
  std::printf(
      "| - exhaustive hits also found by the index | %zu/%zu; identical result lists "
      "%zu/%zu |\n",
      exhaustive_found_by_index, exhaustive_hits, agree, brute_ms.size());
  return 0;
}
