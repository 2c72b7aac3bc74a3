// Watchlist screening benchmark (issue 5): accuracy on the real lists (leave-one-out alias
// retrieval, cross-script original names, alert rate on names that are not listed) and throughput
// of Screener::Screen on one core against every loaded list, with the brute-force scorer over all
// entries (Screener::ScreenExhaustive) as the peer in the same run.
//
//   screening_bench --data ../shared/data/watchlists
//       --negatives ../shared/data/finance/aml/amlsim_eu10k/accounts.csv.gz [--queries N]
//       [--peer-queries N] [--threshold T] [--no-accuracy] [--config FILE] [--show N]
//       [--no-lookup-cache]   (MatchConfig::cache_name_lookups off, to compare speed)
//       [--no-links]          (ScreeningConfig::link_designations off: only what matched)
//       [--show-lists]        (with --show: each miss's ten listed candidates)
//       [--rows]              (also R@10 with linked designations counted within the ten rows)
//       [--accuracy-ofac DIR] (the accuracy on UN 2026 + DATA/ofac/DIR, e.g. sdn_2024-05-03)
// ISSA_WATCHLIST_DIR / ISSA_NEGATIVES may replace the flags; the benchmark exits 0 with a
// message when the data are absent.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "issa/matching/matcher.h"
#include "issa/travel/screening.h"
#include "issa/travel/watchlist.h"

namespace {

using issa::travel::EntryKind;
using issa::travel::NameRole;
using issa::travel::Screener;
using issa::travel::ScreeningConfig;
using issa::travel::ScreeningHit;
using issa::travel::Subject;
using issa::travel::Watchlist;
using issa::travel::WatchlistEntry;
using Clock = std::chrono::steady_clock;

long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

Watchlist Load(const std::string& path, const std::string& id = "") {
  auto list = issa::travel::LoadWatchlist(path);
  if (!list.ok()) {
    std::fprintf(stderr, "%s\n", list.status().ToString().c_str());
    std::exit(1);
  }
  if (!id.empty()) {
    list->id = id;
    for (WatchlistEntry& e : list->entries) e.list = id;
  }
  std::printf("  %-60s %6zu entries, %zu rejected, %zu issues\n", path.c_str(),
              list->entries.size(), list->rejected, list->issues.size());
  return std::move(*list);
}

std::vector<std::string> Tokens(const std::string& name) {
  std::vector<std::string> out;
  std::istringstream in(issa::matching::NormaliseName(name));
  std::string t;
  while (in >> t) out.push_back(t);
  return out;
}

// Surface category of an alias against the entry's other names.
std::string Stratum(const WatchlistEntry& e, size_t alias) {
  const std::vector<std::string> q = Tokens(e.names[alias].text);
  std::vector<std::string> qs = q;
  std::sort(qs.begin(), qs.end());
  bool duplicate = false;
  bool reorder = false;
  bool shares = false;
  for (size_t i = 0; i < e.names.size(); ++i) {
    if (i == alias || e.names[i].original_script) continue;
    std::vector<std::string> o = Tokens(e.names[i].text);
    if (o == q) duplicate = true;
    std::sort(o.begin(), o.end());
    if (o == qs) reorder = true;
    for (const std::string& t : q) shares = shares || std::binary_search(o.begin(), o.end(), t);
  }
  if (duplicate) return "duplicate_after_norm";
  if (reorder) return "token_reorder";
  if (shares) return "shares_tokens";
  return "no_shared_token";
}

struct Tally {
  size_t n = 0, r1 = 0, r10 = 0, alert = 0;
  size_t rows = 0;  // candidates listed, linked designations included
  size_t max_rows = 0;
  size_t r10_rows = 0;  // --rows: found among ten rows, linked designations counted within
  std::map<int, size_t> alert_at;  // found with a score >= t/100, for t = 75, 80, ..., 95
};

// Whether the entry is among ten rows when linked designations count within the ten (as they
// did before `top` counted candidates): the candidates of the longest list of at most ten rows,
// then the next candidate and as many of its linked designations as there is room for. An
// approximation: the ranking mode's pool of candidates grows with the K asked for (3K + 20).
bool InTenRows(const Screener& screener, const Subject& s, const WatchlistEntry& e) {
  auto holds = [&](const std::vector<ScreeningHit>& hits) {
    return std::any_of(hits.begin(), hits.end(), [&](const ScreeningHit& h) {
      return h.list == e.list && h.entry_id == e.id;
    });
  };
  size_t k = 10;
  std::vector<ScreeningHit> fits;
  for (; k > 0; --k) {
    fits = screener.Screen(s, k, 0.0);
    if (fits.size() <= 10) break;
  }
  if (k == 0) {
    // Even one candidate brings more than ten rows: it and its first linked designations.
    std::stable_partition(fits.begin(), fits.end(),
                          [](const ScreeningHit& h) { return h.linked_from.empty(); });
    fits.resize(10);
    return holds(fits);
  }
  if (holds(fits)) return true;
  if (fits.size() >= 10) return false;
  // The next candidate, then as many of its linked designations as there is room for.
  std::vector<ScreeningHit> added;
  for (const ScreeningHit& h : screener.Screen(s, k + 1, 0.0)) {
    const bool listed = std::any_of(fits.begin(), fits.end(), [&](const ScreeningHit& f) {
      return f.list == h.list && f.entry_id == h.entry_id;
    });
    if (!listed) added.push_back(h);
  }
  std::stable_partition(added.begin(), added.end(),
                        [](const ScreeningHit& h) { return h.linked_from.empty(); });
  if (added.size() > 10 - fits.size()) added.resize(10 - fits.size());
  return holds(added);
}

struct Negative {
  std::string name, dob;
};

std::vector<Negative> ReadNegatives(const std::string& path, size_t limit) {
  std::vector<Negative> out;
  if (path.empty() || !std::filesystem::exists(path)) return out;
  const std::string cmd = (path.size() > 3 && path.substr(path.size() - 3) == ".gz")
                              ? "gzip -dc '" + path + "'"
                              : "cat '" + path + "'";
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return out;
  char buf[4096];
  bool header = true;
  int first = -1, last = -1, dob = -1;
  while (std::fgets(buf, sizeof buf, f) != nullptr && out.size() < limit) {
    std::vector<std::string> cols;
    std::string cell;
    for (const char* p = buf; *p != 0 && *p != '\n' && *p != '\r'; ++p) {
      if (*p == ',') {
        cols.push_back(cell);
        cell.clear();
      } else {
        cell.push_back(*p);
      }
    }
    cols.push_back(cell);
    if (header) {
      for (size_t i = 0; i < cols.size(); ++i) {
        if (cols[i] == "first_name") first = static_cast<int>(i);
        if (cols[i] == "last_name") last = static_cast<int>(i);
        if (cols[i] == "birth_date") dob = static_cast<int>(i);
      }
      header = false;
      if (first < 0 || last < 0) break;
      continue;
    }
    if (static_cast<int>(cols.size()) <= std::max(first, last)) continue;
    out.push_back(
        {cols[static_cast<size_t>(first)] + " " + cols[static_cast<size_t>(last)],
         dob >= 0 && static_cast<int>(cols.size()) > dob ? cols[static_cast<size_t>(dob)] : ""});
  }
  pclose(f);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = std::getenv("ISSA_WATCHLIST_DIR") ? std::getenv("ISSA_WATCHLIST_DIR") : "";
  std::string negatives_path = std::getenv("ISSA_NEGATIVES") ? std::getenv("ISSA_NEGATIVES") : "";
  size_t queries = 200000;
  size_t peer_queries = 50;
  double threshold = ScreeningConfig{}.alert_threshold;
  bool skip_accuracy = false;
  std::string config_path;
  bool lookup_cache = true;
  bool links = true;
  bool show_lists = false;    // with --show: each miss's ten listed candidates
  std::string accuracy_ofac;  // folder under DATA/ofac/ in place of sdn_2021-07-07 (accuracy)
  bool rows_too = false;      // also R@10 with linked designations counted within the ten
  size_t show = 0;            // print this many misses per stratum and alerts on names not listed
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--data")
      data = next();
    else if (a == "--negatives")
      negatives_path = next();
    else if (a == "--queries")
      queries = std::stoul(next());
    else if (a == "--peer-queries")
      peer_queries = std::stoul(next());
    else if (a == "--threshold")
      threshold = std::stod(next());
    else if (a == "--no-accuracy")
      skip_accuracy = true;
    else if (a == "--no-lookup-cache")
      lookup_cache = false;
    else if (a == "--no-links")
      links = false;
    else if (a == "--config")
      config_path = next();
    else if (a == "--show")
      show = std::stoul(next());
    else if (a == "--show-lists")
      show_lists = true;
    else if (a == "--rows")
      rows_too = true;
    else if (a == "--accuracy-ofac")
      accuracy_ofac = next();
    else {
      std::fprintf(stderr, "unknown flag %s\n", a.c_str());
      return 2;
    }
  }
  if (data.empty() || !std::filesystem::exists(data + "/un")) {
    std::printf("watchlist data not found (--data DIR or ISSA_WATCHLIST_DIR): skipped\n");
    return 0;
  }
  ScreeningConfig config;
  if (!config_path.empty()) {
    std::ifstream in(config_path);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = issa::travel::ParseScreeningConfig(text.str(), config_path);
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s\n", parsed.status().ToString().c_str());
      return 2;
    }
    config = *parsed;
  }
  config.alert_threshold = threshold;
  config.match.cache_name_lookups = lookup_cache;
  config.link_designations = links;

  std::printf("lists:\n");
  const Watchlist un = Load(data + "/un/un_sc_consolidated_2026-02-27.xml");
  const Watchlist sdn21 = Load(data + "/ofac/sdn_2021-07-07");
  const std::vector<Negative> negatives = ReadNegatives(negatives_path, 1000000);
  std::printf("negatives: %zu names from %s\n", negatives.size(), negatives_path.c_str());

  if (!skip_accuracy) {
    // ---- Accuracy: leave-one-out alias retrieval on UN 2026 + OFAC SDN 2021 -------------------
    Screener screener(config, 0.01);
    // --accuracy-ofac: another OFAC version in place of SDN 2021 (a check on data the
    // screener's settings were not chosen on).
    const Watchlist other_ofac =
        accuracy_ofac.empty() ? Watchlist{} : Load(data + "/ofac/" + accuracy_ofac);
    const Watchlist& ofac = accuracy_ofac.empty() ? sdn21 : other_ofac;
    for (const Watchlist* l : {&un, &ofac}) {
      if (!screener.Load(*l).ok()) return 1;
    }
    size_t linked = 0;  // UN entries linked to an OFAC designation of the same party
    for (const WatchlistEntry& e : un.entries) {
      linked += screener.LinkedDesignations(e.list, e.id).empty() ? 0 : 1;
    }
    std::printf("linked designations: %zu of %zu UN entries to the OFAC list (reported: %s)\n",
                linked, un.entries.size(), links ? "yes" : "no");
    std::map<std::string, Tally> strata;
    auto record = [&](const std::string& stratum, const WatchlistEntry& e, const Subject& s) {
      const auto hits = screener.Screen(s, 10, 0.0);
      Tally& t = strata[stratum];
      ++t.n;
      t.rows += hits.size();
      t.max_rows = std::max(t.max_rows, hits.size());
      const size_t before = t.r10;
      if (rows_too && hits.size() > 10) t.r10_rows += InTenRows(screener, s, e) ? 1 : 0;
      if (rows_too && hits.size() <= 10) {
        t.r10_rows += std::any_of(hits.begin(), hits.end(), [&](const ScreeningHit& h) {
          return h.list == e.list && h.entry_id == e.id;
        });
      }
      for (size_t r = 0; r < hits.size(); ++r) {
        if (hits[r].list == e.list && hits[r].entry_id == e.id) {
          ++t.r10;
          if (r == 0) ++t.r1;
          if (hits[r].score >= threshold) ++t.alert;
          for (int a = 75; a <= 95; a += 5) {
            if (hits[r].score >= a / 100.0 - 1e-9) ++t.alert_at[a];
          }
          break;
        }
      }
      if (t.r10 == before && t.n - t.r10 <= show) {
        // Where the entry is when more are listed: retrieved but ranked below 10, or not at all.
        int rank = -1;
        double score = 0;
        const auto wide = screener.Screen(s, 200, 0.0);
        for (size_t r = 0; r < wide.size(); ++r) {
          if (wide[r].list == e.list && wide[r].entry_id == e.id) {
            rank = static_cast<int>(r) + 1;
            score = wide[r].score;
            break;
          }
        }
        // The smallest K whose list holds the entry (ranking mode chooses by ranking score).
        size_t within = 0;
        for (size_t k : {20, 50, 100, 200}) {
          const auto listed = screener.Screen(s, k, 0.0);
          if (std::any_of(listed.begin(), listed.end(), [&](const ScreeningHit& h) {
                return h.list == e.list && h.entry_id == e.id;
              })) {
            within = k;
            break;
          }
        }
        std::printf(
            "  miss [%s] %s -> %s %s (%s); top: %s %.2f; entry rank %d of %zu, %.2f; within "
            "K=%zu\n",
            stratum.c_str(), s.name.c_str(), e.list.c_str(), e.id.c_str(), e.primary_name().c_str(),
            hits.empty() ? "-" : hits[0].name.c_str(), hits.empty() ? 0.0 : hits[0].score, rank,
            wide.size(), score, within);
        if (show_lists) {
          for (const ScreeningHit& h : hits) {
            std::printf("      %.2f %s %s %s%s%s\n", h.score, h.list.c_str(), h.entry_id.c_str(),
                        h.name.c_str(), h.linked_from.empty() ? "" : " <- ", h.linked_from.c_str());
          }
        }
      }
    };
    const auto t0 = Clock::now();
    for (const Watchlist* l : {&un, &ofac}) {
      const std::string source = l == &un ? "UN" : "OFAC";
      for (const WatchlistEntry& e : l->entries) {
        for (size_t i = 1; i < e.names.size(); ++i) {
          WatchlistEntry without = e;
          without.names.erase(without.names.begin() + static_cast<long>(i));
          if (!screener.Put(without).ok()) return 1;
          Subject s;
          s.kind = e.kind;
          s.name = e.names[i].text;
          std::string stratum;
          if (e.names[i].original_script) {
            stratum = "cross_script " + source;
          } else {
            stratum = Stratum(e, i) + " " + source;
            // The design's queries are the lists' own aliases (UN a.k.a./f.k.a. Good and Low,
            // OFAC alt.csv aka/fka/nka); OFAC a.k.a.s quoted in the remarks are outside it and
            // reported apart from the headline figure.
            if (e.names[i].role == NameRole::kWeakAlias) {
              stratum += source == "UN" ? " weak" : " remarks";
            }
          }
          record(stratum, e, s);
          if (!screener.Put(e).ok()) return 1;
        }
      }
    }
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("\nleave-one-out alias retrieval (UN 2026 + OFAC SDN 2021, %zu entries), %.1f s\n",
                screener.entries(), secs);
    std::printf("%-34s %7s %7s %7s %9s\n", "stratum", "n", "R@1", "R@10", "alert@T");
    Tally shares, all;
    for (const auto& [name, t] : strata) {
      std::printf("%-34s %7zu %7.3f %7.3f %9.3f\n", name.c_str(), t.n,
                  static_cast<double>(t.r1) / static_cast<double>(t.n),
                  static_cast<double>(t.r10) / static_cast<double>(t.n),
                  static_cast<double>(t.alert) / static_cast<double>(t.n));
      const bool in_design = name.find(" remarks") == std::string::npos;
      if (in_design && (name.rfind("shares_tokens", 0) == 0 ||
                        name.rfind("token_reorder", 0) == 0 || name.rfind("duplicate", 0) == 0)) {
        shares.n += t.n;
        shares.r1 += t.r1;
        shares.r10 += t.r10;
        shares.alert += t.alert;
        shares.rows += t.rows;
        shares.max_rows = std::max(shares.max_rows, t.max_rows);
        shares.r10_rows += t.r10_rows;
        for (const auto& [a, count] : t.alert_at) shares.alert_at[a] += count;
      }
      all.n += t.n;
      all.r1 += t.r1;
      all.r10 += t.r10;
      all.alert += t.alert;
    }
    std::printf(
        "%-34s %7zu %7.3f %7.3f %9.3f   (%zu not among the ten)\n", "sharing a token (design)",
        shares.n, static_cast<double>(shares.r1) / static_cast<double>(shares.n),
        static_cast<double>(shares.r10) / static_cast<double>(shares.n),
        static_cast<double>(shares.alert) / static_cast<double>(shares.n), shares.n - shares.r10);
    std::printf(
        "  (ten candidates each followed by its linked designations: %.2f rows listed on "
        "average, %zu at most)\n",
        static_cast<double>(shares.rows) / static_cast<double>(shares.n), shares.max_rows);
    if (rows_too) {
      std::printf(
          "  R@10 counting rows (linked designations within the ten): %.3f (%zu not among "
          "the ten rows)\n",
          static_cast<double>(shares.r10_rows) / static_cast<double>(shares.n),
          shares.n - shares.r10_rows);
    }
    std::printf(
        "true aliases found at or above a threshold (alert@t), sharing a token (design) /"
        " cross-script UN:\n");
    for (int a = 75; a <= 95; a += 5) {
      const Tally& x = strata["cross_script UN"];
      std::printf("  alert@%.2f  %.3f / %.3f\n", a / 100.0,
                  static_cast<double>(shares.alert_at[a]) / static_cast<double>(shares.n),
                  x.n == 0 ? 0.0
                           : static_cast<double>(x.alert_at.count(a) ? x.alert_at.at(a) : 0) /
                                 static_cast<double>(x.n));
    }
    std::printf("%-34s %7zu %7.3f %7.3f %9.3f\n", "all queries", all.n,
                static_cast<double>(all.r1) / static_cast<double>(all.n),
                static_cast<double>(all.r10) / static_cast<double>(all.n),
                static_cast<double>(all.alert) / static_cast<double>(all.n));
  }

  // ---- Every list, at the operating threshold --------------------------------------------------
  std::printf("\nthroughput index: every list\n");
  const long rss0 = RssKb();
  std::vector<Watchlist> lists;
  lists.push_back(un);
  lists.push_back(sdn21);
  lists.push_back(Load(data + "/ofac/sdn_2024-05-03", "ofac-sdn-2024"));
  lists.push_back(Load(data + "/ofac/cons_2025-12-19"));
  const auto b0 = Clock::now();
  Screener screener(config);
  for (const Watchlist& l : lists) {
    if (!screener.Load(l).ok()) return 1;
  }
  const double build = std::chrono::duration<double>(Clock::now() - b0).count();
  const long rss1 = RssKb();
  std::printf("indexed %zu entries of %zu lists in %.2f s; RSS %ld MB (lists + index: +%ld MB)\n",
              screener.entries(), screener.lists(), build, rss1 / 1024, (rss1 - rss0) / 1024);

  // Alert rate on names that are not listed.
  if (!negatives.empty()) {
    size_t alerts_name = 0;
    size_t alerts_dob = 0;
    std::map<int, size_t> by_threshold;  // top score >= t/100, name only
    Screener low(config, 0.75);
    for (const Watchlist& l : lists) {
      if (!low.Load(l).ok()) return 1;
    }
    for (const Negative& n : negatives) {
      Subject s;
      s.name = n.name;
      const auto best = low.Screen(s, 1, 0.75);
      for (int t = 75; t <= 95; t += 5) {
        if (!best.empty() && best[0].score >= t / 100.0 - 1e-9) ++by_threshold[t];
      }
      const auto hits = screener.Screen(s, 1);
      if (!hits.empty()) {
        ++alerts_name;
        if (alerts_name <= show) {
          std::string features;
          for (const std::string& f : hits[0].features)
            features += (features.empty() ? "" : ",") + f;
          std::printf("  alert: %s -> %s %s '%s' %.2f [%s]\n", n.name.c_str(), hits[0].list.c_str(),
                      hits[0].entry_id.c_str(), hits[0].name.c_str(), hits[0].score,
                      features.c_str());
        }
      }
      s.birth_date = n.dob;
      if (!screener.Screen(s, 1).empty()) ++alerts_dob;
    }
    for (const auto& [t, count] : by_threshold) {
      std::printf("  name only, threshold %.2f: alert rate %.4f %% (%zu)\n", t / 100.0,
                  100.0 * static_cast<double>(count) / static_cast<double>(negatives.size()),
                  count);
    }
    std::printf(
        "alert rate on %zu names not listed at threshold %.2f: name only %.4f %% (%zu), "
        "name + date of birth %.4f %% (%zu)\n",
        negatives.size(), threshold,
        100.0 * static_cast<double>(alerts_name) / static_cast<double>(negatives.size()),
        alerts_name,
        100.0 * static_cast<double>(alerts_dob) / static_cast<double>(negatives.size()),
        alerts_dob);
  }

  // Passenger stream: names not listed (with a date of birth and a nationality), and one in 50 a
  // listed alias, cycled up to --queries.
  std::vector<Subject> stream;
  size_t listed = 0;
  for (size_t i = 0; i < negatives.size(); ++i) {
    Subject s;
    s.name = negatives[i].name;
    s.birth_date = negatives[i].dob;
    s.nationality = "USA";
    stream.push_back(std::move(s));
    if (i % 50 == 0) {
      const WatchlistEntry& e = sdn21.entries[(i * 7919) % sdn21.entries.size()];
      Subject h;
      h.name = e.names.back().text;
      stream.push_back(std::move(h));
      ++listed;
    }
  }
  if (stream.empty()) {
    for (const WatchlistEntry& e : sdn21.entries) {
      Subject s;
      s.name = e.names.back().text;
      stream.push_back(std::move(s));
    }
  }
  // Cold pass: a fresh screener (nothing looked up yet) screens every distinct passenger once.
  {
    Screener cold(config);
    for (const Watchlist& l : lists) {
      if (!cold.Load(l).ok()) return 1;
    }
    size_t found = 0;
    const double k0 = CpuSeconds();
    for (const Subject& s : stream) found += cold.Screen(s).size();
    const double kcpu = CpuSeconds() - k0;
    std::printf(
        "Screen, cold: %zu distinct passengers once each on a fresh screener in %.2f s CPU: "
        "%.0f passengers/s on one core, %zu candidates\n",
        stream.size(), kcpu, static_cast<double>(stream.size()) / kcpu, found);
  }
  size_t candidates = 0;
  const double c0 = CpuSeconds();
  const auto w0 = Clock::now();
  for (size_t i = 0; i < queries; ++i)
    candidates += screener.Screen(stream[i % stream.size()]).size();
  const double cpu = CpuSeconds() - c0;
  const double wall = std::chrono::duration<double>(Clock::now() - w0).count();
  const double qps = static_cast<double>(queries) / cpu;
  std::printf(
      "Screen: %zu passengers (%zu distinct, %zu listed aliases among them) in %.2f s CPU "
      "(%.2f s wall): %.0f passengers/s on one core, %zu candidates reported\n",
      queries, stream.size(), listed, cpu, wall, qps, candidates);
  // Peer: brute-force scoring of every entry.
  const double p0 = CpuSeconds();
  size_t peer_candidates = 0;
  for (size_t i = 0; i < peer_queries; ++i) {
    peer_candidates += screener.ScreenExhaustive(stream[i % stream.size()], 10, threshold).size();
  }
  const double peer_cpu = CpuSeconds() - p0;
  const double peer_qps = static_cast<double>(peer_queries) / peer_cpu;
  size_t same = 0;
  for (size_t i = 0; i < peer_queries; ++i) {
    const auto a = screener.Screen(stream[i % stream.size()], 10, threshold);
    const auto b = screener.ScreenExhaustive(stream[i % stream.size()], 10, threshold);
    bool eq = a.size() == b.size();
    for (size_t k = 0; eq && k < a.size(); ++k)
      eq = a[k].entry_id == b[k].entry_id && a[k].list == b[k].list;
    same += eq ? 1 : 0;
  }
  std::printf(
      "peer (brute force over all entries): %zu passengers in %.2f s CPU: %.1f passengers/s; "
      "ratio %.0fx; same result lists on %zu/%zu\n",
      peer_queries, peer_cpu, peer_qps, qps / peer_qps, same, peer_queries);
  std::printf("RSS at end %ld MB\n", RssKb() / 1024);
  return 0;
}
