// Correlation of many observables by value groups (issa::cyber::CorrelationIndex) against MISP's
// pairwise design, on the same seeded synthetic stream.
//
//   issa_correlation_bench [--observables N] [--shared S] [--max-group G] [--peer-rows R]
//
// Stream: N observables (ipv4 40 %, domain 25 %, sha256 20 %, url 10 %, ipv4 /24 networks 5 %),
// S of them sharing values in groups of 2..G members (power law, always one group of G), shuffled
// among N - S unique values; 40 owner authorities, 4 TLP handling refs. Reports the add time and
// the index's bytes per observable at 1M, 5M and N, then correlation lookups.
// Peer: MISP's correlation table (app/Model/Correlation.php, DefaultCorrelationBehavior: one row
// of 22 integer columns per pair of equal values). The bench counts the rows it would create for
// the whole stream, and times the pairwise insert (value index + one row per pair, in memory) on
// the longest prefix of the stream whose rows fit in --peer-rows, next to the index on the same
// prefix.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "issa/cyber/correlation.h"

namespace {

using issa::cyber::CorrelationIndex;
using issa::cyber::ObservableEntry;
using issa::cyber::ObservableType;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::uint64_t Mix(std::uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

size_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

// The value with id `v` (unique values and shared groups draw from disjoint id ranges).
void MakeValue(std::uint64_t v, ObservableEntry& e) {
  const auto h = Mix(v);
  const auto kind = h % 20;
  e.values.resize(1);
  auto& o = e.values[0];
  if (kind < 8) {
    const auto a = static_cast<std::uint32_t>(Mix(v * 2 + 1));
    o.type = ObservableType::kIpv4;
    o.value = fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
  } else if (kind < 9) {
    const auto a = static_cast<std::uint32_t>(Mix(v * 2 + 1));
    o.type = ObservableType::kIpv4;
    o.value = fmt::format("{}.{}.{}.0/24", a >> 24, (a >> 16) & 255, (a >> 8) & 255);
  } else if (kind < 14) {
    o.type = ObservableType::kDomain;
    o.value = fmt::format("h{:x}.site{}.example", h >> 20, v % 50000);
  } else if (kind < 18) {
    o.type = ObservableType::kSha256;
    o.value = fmt::format("{:016x}{:016x}{:016x}{:016x}", h, Mix(h), Mix(h + 1), Mix(h + 2));
  } else {
    o.type = ObservableType::kUrl;
    o.value = fmt::format("http://w{}.site{}.example/p/{:x}", v % 97, v % 50000, h >> 24);
  }
}

struct Stream {
  std::vector<std::uint64_t> value_of;  // per observable: the value id
  std::vector<std::uint32_t> group_sizes;
  static constexpr std::uint64_t kSharedBase = 1ULL << 40;
};

Stream MakeStream(size_t n, size_t shared, size_t max_group, std::mt19937_64& rng) {
  Stream s;
  size_t covered = 0;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  s.group_sizes.push_back(static_cast<std::uint32_t>(std::min(max_group, shared)));
  covered += s.group_sizes.back();
  while (covered < shared) {
    // Power law (Pareto, alpha 1.1) clipped to [2, max_group].
    auto size = static_cast<size_t>(2.0 / std::pow(1.0 - unit(rng), 1.0 / 1.1));
    size = std::clamp<size_t>(size, 2, max_group);
    size = std::min(size, shared - covered);
    if (size < 2) break;
    s.group_sizes.push_back(static_cast<std::uint32_t>(size));
    covered += size;
  }
  s.value_of.resize(n);
  std::iota(s.value_of.begin(), s.value_of.end(), 0);
  std::vector<std::uint32_t> positions(n);
  std::iota(positions.begin(), positions.end(), 0);
  // Partial Fisher-Yates: the first `covered` positions are random.
  for (size_t i = 0; i < covered && i < n; ++i) {
    std::uniform_int_distribution<size_t> pick(i, n - 1);
    std::swap(positions[i], positions[pick(rng)]);
  }
  size_t p = 0;
  for (size_t g = 0; g < s.group_sizes.size(); ++g)
    for (size_t k = 0; k < s.group_sizes[g]; ++k)
      s.value_of[positions[p++]] = Stream::kSharedBase + g;
  return s;
}

ObservableEntry EntryAt(const Stream& s, size_t i) {
  ObservableEntry e;
  e.id = fmt::format("o{}", i);
  e.owner = fmt::format("cert-{}", Mix(i) % 40);
  static const char* kTlp[] = {"tlp:clear", "tlp:green", "tlp:amber", "tlp:red"};
  e.handling = kTlp[Mix(i + 7) % 4];
  MakeValue(s.value_of[i], e);
  return e;
}

// MISP's correlations row (DefaultCorrelationBehavior): both sides' ids and ACL fields.
struct MispCorrelationRow {
  std::uint32_t id, value_id;
  std::uint32_t event_id_1, object_id_1, attribute_id_1, org_id_1, distribution_1,
      object_distribution_1, event_distribution_1, sharing_group_id_1, object_sharing_group_id_1,
      event_sharing_group_id_1;
  std::uint32_t event_id, object_id, attribute_id, org_id, distribution, object_distribution,
      event_distribution, sharing_group_id, object_sharing_group_id, event_sharing_group_id;
};

}  // namespace

int main(int argc, char** argv) {
  size_t n = 10'000'000, shared = 1'000'000, max_group = 10'000, peer_rows = 20'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const size_t value = std::stoull(argv[i + 1]);
    if (flag == "--observables")
      n = value;
    else if (flag == "--shared")
      shared = value;
    else if (flag == "--max-group")
      max_group = value;
    else if (flag == "--peer-rows")
      peer_rows = value;
  }
  std::mt19937_64 rng(20261123);
  const auto stream = MakeStream(n, shared, max_group, rng);
  long double pairwise_rows = 0;
  for (auto k : stream.group_sizes) pairwise_rows += 0.5L * k * (k - 1);
  fmt::print("stream: {} observables, {} shared in {} groups (largest {}), seed 20261123\n", n,
             shared, stream.group_sizes.size(), stream.group_sizes.front());

  // --- issa: value groups -------------------------------------------------------------------
  CorrelationIndex index;
  const size_t batch = 1'000'000;
  std::vector<ObservableEntry> entries;
  double add_seconds = 0;
  const auto rss_before = RssBytes();
  fmt::print("\n{:>12} {:>10} {:>12} {:>14} {:>14}\n", "observables", "add s", "obs/s",
             "index B/obs", "RSS B/obs");
  for (size_t start = 0; start < n; start += batch) {
    const size_t end = std::min(n, start + batch);
    entries.clear();
    for (size_t i = start; i < end; ++i) entries.push_back(EntryAt(stream, i));
    const auto t = Clock::now();
    for (const auto& e : entries) {
      auto r = index.Add(e);
      if (!r.ok()) {
        fmt::print(stderr, "add {}: {}\n", e.id, r.status().ToString());
        return 1;
      }
    }
    add_seconds += Seconds(t);
    if (end == 1'000'000 || end == 5'000'000 || end == n) {
      const auto stats = index.Stats();
      fmt::print("{:>12} {:>10.2f} {:>12.0f} {:>14.1f} {:>14.1f}\n", end, add_seconds,
                 end / add_seconds, static_cast<double>(stats.bytes) / stats.observables,
                 static_cast<double>(RssBytes() - rss_before) / stats.observables);
    }
  }
  const auto stats = index.Stats();
  fmt::print("groups {}, memberships {}, index bytes {:.1f} MB\n", stats.groups, stats.memberships,
             stats.bytes / 1e6);

  // Lookups: the first page (100) of correlations of random observables.
  std::uniform_int_distribution<size_t> pick(0, n - 1);
  size_t hits = 0;
  const size_t queries = 100'000;
  auto t = Clock::now();
  for (size_t q = 0; q < queries; ++q) {
    auto page = index.Correlations(fmt::format("o{}", pick(rng)), 0, 100);
    if (page.ok()) hits += page->hits.size();
  }
  const double query_seconds = Seconds(t);
  fmt::print("correlations (first page of 100): {} lookups in {:.2f} s = {:.0f}/s, {} hits\n",
             queries, query_seconds, queries / query_seconds, hits);
  t = Clock::now();
  size_t graph_nodes = 0;
  for (size_t q = 0; q < 1000; ++q) {
    auto graph = index.Graph(fmt::format("o{}", pick(rng)), {.max_depth = 2, .max_nodes = 200});
    if (graph.ok()) graph_nodes += graph->nodes.size();
  }
  fmt::print("graph (depth 2, <= 200 nodes): 1000 in {:.2f} s, {} nodes\n", Seconds(t),
             graph_nodes);

  // --- peer: MISP pairwise rows ---------------------------------------------------------------
  fmt::print(
      "\nMISP pairwise design on the whole stream: {:.0f} correlation rows ({:.1f} GB at "
      "{} B/row)\n",
      static_cast<double>(pairwise_rows),
      static_cast<double>(pairwise_rows) * sizeof(MispCorrelationRow) / 1e9,
      sizeof(MispCorrelationRow));
  // Longest prefix whose rows fit the budget.
  std::unordered_map<std::uint64_t, std::uint32_t> seen;
  size_t prefix = 0;
  size_t prefix_rows = 0;
  for (; prefix < n; ++prefix) {
    const auto v = stream.value_of[prefix];
    if (v >= Stream::kSharedBase) {
      const auto k = seen[v]++;
      if (prefix_rows + k > peer_rows) break;
      prefix_rows += k;
    }
  }
  seen.clear();
  entries.clear();
  for (size_t i = 0; i < prefix; ++i) entries.push_back(EntryAt(stream, i));
  // The peer: a value index (MISP's SQL lookup by value) and one row per pair.
  std::vector<MispCorrelationRow> rows;
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_value;
  t = Clock::now();
  for (size_t i = 0; i < entries.size(); ++i) {
    auto& ids = by_value[entries[i].values[0].value];
    for (auto other : ids) {
      MispCorrelationRow row{};
      row.id = static_cast<std::uint32_t>(rows.size());
      row.attribute_id_1 = other;
      row.attribute_id = static_cast<std::uint32_t>(i);
      row.org_id = static_cast<std::uint32_t>(Mix(i) % 40);
      row.org_id_1 = static_cast<std::uint32_t>(Mix(other) % 40);
      rows.push_back(row);
    }
    ids.push_back(static_cast<std::uint32_t>(i));
  }
  const double peer_seconds = Seconds(t);
  const size_t peer_bytes = rows.capacity() * sizeof(MispCorrelationRow);
  CorrelationIndex prefix_index;
  t = Clock::now();
  for (const auto& e : entries)
    if (!prefix_index.Add(e).ok()) return 1;
  const double issa_prefix_seconds = Seconds(t);
  fmt::print(
      "prefix of {} observables: MISP rows {} in {:.2f} s ({:.1f} MB of rows); issa index "
      "{:.2f} s ({:.1f} MB)\n",
      prefix, rows.size(), peer_seconds, peer_bytes / 1e6, issa_prefix_seconds,
      prefix_index.Stats().bytes / 1e6);
  fmt::print(
      "ratio (peer time / issa time) on the prefix: {:.2f}; rows per second {:.0f}, so the "
      "whole stream's rows would take about {:.0f} s in memory (before any SQL)\n",
      peer_seconds / issa_prefix_seconds, rows.size() / peer_seconds,
      static_cast<double>(pairwise_rows) / (rows.size() / peer_seconds));
  fmt::print("summary: issa {} observables in {:.1f} s ({} 60 s)\n", n, add_seconds,
             add_seconds < 60 ? "under" : "NOT under");
  return 0;
}
