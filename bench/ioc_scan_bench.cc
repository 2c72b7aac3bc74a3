// IOC scanning throughput (issa::cyber::IocScanner) on seeded synthetic logs.
//
//   issa_ioc_scan_bench [--log-mb M] [--indicators N] [--patterns-mb P] [--grep-mb G] [--peer 0]
//
// Log: M MiB of lines, mixed like a perimeter's logs: 70 % squid access.log, 15 % BIND query log,
// 10 % iptables, 5 % postfix; 0.1 % of lines carry a planted indicator value (in a URL, a host, an
// address, a hash or an e-mail). Indicators: N atomic values (domain 40 %, IPv4 30 %, URL 15 %,
// SHA-256 15 %).
// Peer 1 (same run, same text): the naive scanner: split each line on white space and
// punctuation, lower-case, look every token up in one std::unordered_set<std::string> of the
// indicator values (no parent domains, no URL normalisation).
// Peer 2 (optional, G > 0): `grep -F -c -f indicators.txt` on the first G MiB written to /tmp.
// Then the Hyperscan figures: 10,000 and 100,000 substring and regex indicators, compile time,
// database size and memory, scan rate on the first P MiB of the same log; their peer (on a
// sample): each indicator searched on its own (string_view::find, or one std::regex each).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <regex>
#include <string>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "issa/cyber/ioc_scan.h"

namespace {

using issa::cyber::IndicatorMatch;
using issa::cyber::IocScanner;
using issa::cyber::IocSighting;
using issa::cyber::ObservableType;
using issa::cyber::ScanIndicator;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU time of this thread: the machine is shared, so "per core" rates use CPU seconds.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::uint64_t Mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string Ip(std::uint64_t h) {
  return fmt::format("{}.{}.{}.{}", 1 + (h >> 56) % 223, (h >> 48) & 255, (h >> 40) & 255,
                     1 + ((h >> 32) & 253));
}
const char* kWords[] = {"cdn",  "mail", "login",  "secure", "update", "static", "api",   "img",
                        "shop", "news", "portal", "auth",   "files",  "media",  "cloud", "app"};
const char* kTlds[] = {"com", "net", "org", "de", "fr", "it", "eu", "io", "info", "nl"};
std::string Domain(std::uint64_t h) {
  return fmt::format("{}{:x}.{}", kWords[h % 16], (h >> 8) & 0xfffff, kTlds[(h >> 40) % 10]);
}
std::string Host(std::uint64_t h) {
  return fmt::format("{}.{}", kWords[(h >> 50) % 16], Domain(h));
}
std::string Sha256(std::uint64_t h) {
  return fmt::format("{:016x}{:016x}{:016x}{:016x}", h, Mix(h), Mix(h + 1), Mix(h + 2));
}
std::string Url(std::uint64_t h) {
  return fmt::format("http://{}/{}/{:x}.php?id={}", Host(h), kWords[(h >> 20) % 16], h >> 36,
                     h % 100000);
}

struct Planted {
  ObservableType type;
  std::string value;
};

std::vector<Planted> MakeIndicators(size_t n) {
  std::vector<Planted> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const auto h = Mix(0xabcdef + i);
    const auto kind = h % 20;
    if (kind < 8)
      out.push_back({ObservableType::kDomain, Domain(h)});
    else if (kind < 14)
      out.push_back({ObservableType::kIpv4, Ip(h)});
    else if (kind < 17)
      out.push_back({ObservableType::kUrl, Url(h)});
    else
      out.push_back({ObservableType::kSha256, Sha256(h)});
  }
  return out;
}

std::string MakeLog(size_t bytes, const std::vector<Planted>& indicators, size_t& planted) {
  std::mt19937_64 rng(20261123);
  std::string log;
  log.reserve(bytes + 1024);
  std::int64_t t = 1795428000;
  planted = 0;
  while (log.size() < bytes) {
    const auto h = rng();
    t += (h >> 60) == 0 ? 1 : 0;
    const bool plant = (h % 1000) == 0;
    const Planted* p = plant ? &indicators[(h >> 20) % indicators.size()] : nullptr;
    if (plant) ++planted;
    const auto kind = (h >> 8) % 100;
    const auto client =
        fmt::format("10.{}.{}.{}", (h >> 16) & 255, (h >> 24) & 255, 1 + ((h >> 32) & 253));
    if (kind < 70 ||
        (p != nullptr && (p->type == ObservableType::kUrl || p->type == ObservableType::kSha256))) {
      std::string url = Url(Mix(h));
      std::string server = Ip(Mix(h + 1));
      if (p != nullptr && p->type == ObservableType::kUrl) url = p->value;
      if (p != nullptr && p->type == ObservableType::kDomain) url = "http://" + p->value + "/";
      if (p != nullptr && p->type == ObservableType::kIpv4) server = p->value;
      if (p != nullptr && p->type == ObservableType::kSha256) url += "&sha256=" + p->value;
      log += fmt::format("{}.{:03d} {:6d} {} TCP_MISS/200 {} GET {} - HIER_DIRECT/{} text/html\n",
                         t, h % 1000, (h >> 12) % 5000, client, (h >> 4) % 90000, url, server);
    } else if (kind < 85) {
      const auto name = p != nullptr ? p->value : Host(Mix(h));
      log += fmt::format(
          "23-Nov-2026 10:{:02d}:{:02d}.{:03d} queries: info: client @0x7f3a8c {}#{} ({}): "
          "query: {} IN A +E(0)K (10.0.0.53)\n",
          (t / 60) % 60, t % 60, h % 1000, client, 1024 + h % 60000, name, name);
    } else if (kind < 95) {
      const auto dst = p != nullptr ? p->value : Ip(Mix(h));
      log += fmt::format(
          "Nov 23 10:00:{:02d} fw kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:16:3e:aa:bb:cc "
          "SRC={} DST={} LEN=60 TOS=0x00 PROTO=TCP SPT={} DPT=443 WINDOW=64240 SYN\n",
          t % 60, client, dst, 1024 + h % 60000);
    } else {
      const auto domain = p != nullptr ? p->value : Domain(Mix(h));
      log += fmt::format(
          "Nov 23 10:00:{:02d} mx postfix/smtp[{}]: {:X}: to=<user{}@{}>, relay=mx.{}[{}]:25, "
          "delay=0.4, status=sent (250 2.0.0 Ok)\n",
          t % 60, h % 30000, h >> 24, h % 977, domain, domain, Ip(Mix(h + 2)));
    }
  }
  return log;
}

// Peer: split on separators, lower-case, look each token up.
size_t NaiveScan(std::string_view text, const std::unordered_set<std::string>& set) {
  size_t hits = 0;
  std::string token;
  auto flush = [&] {
    if (!token.empty() && set.contains(token)) ++hits;
    token.clear();
  };
  for (const char c : text) {
    const bool sep = c == ' ' || c == '\n' || c == '\t' || c == '/' || c == '=' || c == '<' ||
                     c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == ',' ||
                     c == '#' || c == '&' || c == '?';
    if (sep) {
      flush();
    } else {
      token.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c);
    }
  }
  flush();
  return hits;
}

// Resident and peak resident memory of this process (kB), from /proc/self/status.
std::pair<long, long> RssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  long rss = 0, hwm = 0;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::stol(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) hwm = std::stol(line.substr(6));
  }
  return {rss, hwm};
}

// The first lines of `text`, about `bytes` long.
std::string_view Sample(std::string_view text, size_t bytes) {
  if (bytes >= text.size()) return text;
  const auto end = text.rfind('\n', bytes);
  return text.substr(0, end == std::string_view::npos ? bytes : end + 1);
}

std::string Pattern(size_t i, bool regex) {
  const auto h = Mix(0x5eed0000 + i);
  return regex ? fmt::format("/{}/[0-9a-f]+{:03x}\\.(php|js)", kWords[h % 16], h % 4096)
               : fmt::format("/{}/{:x}.php", kWords[(h >> 20) % 16], h >> 36);
}

// Peer of the pattern rows, on a sample: each indicator on its own, case-insensitive
// (std::string_view::find over the lower-cased sample for substrings; one std::regex with icase
// per indicator, regex_search, for regular expressions). Returns the indicators seen.
size_t NaivePatternScan(std::string_view sample, size_t count, bool regex, double& compile_s,
                        double& scan_s) {
  std::string lowered(sample);
  for (auto& c : lowered) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
  std::vector<std::string> patterns;
  for (size_t i = 0; i < count; ++i) patterns.push_back(Pattern(i, regex));
  size_t seen = 0;
  double cpu = CpuSeconds();
  if (!regex) {
    compile_s = 0;
    for (const auto& p : patterns) seen += lowered.find(p) != std::string::npos;
    scan_s = CpuSeconds() - cpu;
    return seen;
  }
  std::vector<std::regex> compiled;
  compiled.reserve(count);
  for (const auto& p : patterns)
    compiled.emplace_back(p, std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
  compile_s = CpuSeconds() - cpu;
  cpu = CpuSeconds();
  for (const auto& r : compiled) seen += std::regex_search(lowered, r);
  scan_s = CpuSeconds() - cpu;
  return seen;
}

void HyperscanFigures(std::string_view text, size_t count, bool regex) {
  IocScanner scanner;
  for (size_t i = 0; i < count; ++i)
    (void)scanner.Add({fmt::format("p{}", i), ObservableType::kText, Pattern(i, regex),
                       regex ? IndicatorMatch::kRegex : IndicatorMatch::kSubstring});
  // Reset the peak resident size (Linux: "5" to clear_refs) to see what compiling takes.
  const auto [rss_before, hwm_unused] = RssKb();
  (void)hwm_unused;
  std::ofstream("/proc/self/clear_refs") << "5";
  auto t = Clock::now();
  double cpu = CpuSeconds();
  const auto problems = scanner.Compile();
  const double compile_cpu = CpuSeconds() - cpu;
  const double compile_s = Seconds(t);
  const auto [rss_after, hwm] = RssKb();
  std::vector<IocSighting> sightings;
  cpu = CpuSeconds();
  t = Clock::now();
  scanner.ScanText(text, "log", sightings);
  const double scan_s = CpuSeconds() - cpu;
  const double scan_wall = Seconds(t);
  fmt::print(
      "hyperscan {:>7} {:9}: compile {:.2f} CPU-s ({:.2f} s wall, {} rejected), database {:.1f} "
      "MB, compile peak +{:.0f} MB RSS, kept +{:.0f} MB; scan {:.3f} GB/s per CPU-second ({:.3f} "
      "GB/s wall), {} indicators seen in {:.1f} MB\n",
      count, regex ? "regex" : "substring", compile_cpu, compile_s, problems.size(),
      static_cast<double>(scanner.PatternBytes()) / 1e6,
      static_cast<double>(hwm - rss_before) / 1024.0,
      static_cast<double>(rss_after - rss_before) / 1024.0, text.size() / scan_s / 1e9,
      text.size() / scan_wall / 1e9, sightings.size(), text.size() / 1e6);
  // The peer on a sample small enough for it (the per-indicator cost is count x sample bytes).
  const auto sample =
      Sample(text, regex ? std::clamp<size_t>((size_t{1} << 26) / count, 1024, size_t{256} << 10)
                         : std::clamp<size_t>((size_t{1} << 30) / count, 4096, size_t{1} << 20));
  std::vector<IocSighting> sample_sightings;
  cpu = CpuSeconds();
  scanner.ScanText(sample, "sample", sample_sightings);
  const double sample_s = CpuSeconds() - cpu;
  double peer_compile = 0, peer_scan = 0;
  const auto peer_seen = NaivePatternScan(sample, count, regex, peer_compile, peer_scan);
  fmt::print(
      "  peer ({}) on the first {} bytes: compile {:.2f} CPU-s, scan {:.6f} GB/s per CPU-second, "
      "{} indicators seen (hyperscan on the same bytes: {:.3f} GB/s, {} seen); ratio "
      "hyperscan/peer {:.0f}\n",
      regex ? "one std::regex per indicator" : "std::string_view::find per indicator",
      sample.size(), peer_compile, sample.size() / peer_scan / 1e9, peer_seen,
      sample.size() / sample_s / 1e9, sample_sightings.size(),
      (text.size() / scan_s) / (sample.size() / peer_scan));
}

}  // namespace

int main(int argc, char** argv) {
  size_t log_mb = 512, n = 1'000'000, patterns_mb = 128, grep_mb = 0, peer = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const size_t value = std::stoull(argv[i + 1]);
    if (flag == "--log-mb")
      log_mb = value;
    else if (flag == "--indicators")
      n = value;
    else if (flag == "--patterns-mb")
      patterns_mb = value;
    else if (flag == "--grep-mb")
      grep_mb = value;
    else if (flag == "--peer")
      peer = value;  // 0: no peer (profiling only; figures need the peer)
  }
  const auto indicators = MakeIndicators(n);
  size_t planted = 0;
  auto t = Clock::now();
  const auto log = MakeLog(log_mb << 20, indicators, planted);
  fmt::print("log: {:.1f} MB, {} planted lines, generated in {:.1f} s; {} atomic indicators\n",
             log.size() / 1e6, planted, Seconds(t), n);

  IocScanner scanner;
  t = Clock::now();
  for (size_t i = 0; i < indicators.size(); ++i)
    if (!scanner.Add({fmt::format("indicator--{}", i), indicators[i].type, indicators[i].value})
             .ok())
      return 1;
  (void)scanner.Compile();
  fmt::print("issa: {} indicators loaded in {:.2f} s\n", n, Seconds(t));
  double best = 0;
  size_t matched_lines = 0, sightings_count = 0;
  for (int run = 0; run < 3; ++run) {
    std::vector<IocSighting> sightings;
    t = Clock::now();
    const double cpu = CpuSeconds();
    const auto summary = scanner.ScanText(log, "synthetic.log", sightings);
    const double s = CpuSeconds() - cpu;
    const double wall = Seconds(t);
    best = std::max(best, log.size() / s / 1e9);
    matched_lines = summary.matched_lines;
    sightings_count = sightings.size();
    fmt::print(
        "issa run {}: {:.3f} CPU-s = {:.3f} GB/s per core (wall {:.3f} s), {} lines, {} matched "
        "lines, {} sightings\n",
        run, s, log.size() / s / 1e9, wall, summary.lines, summary.matched_lines, sightings.size());
  }

  if (peer == 0) return 0;
  std::unordered_set<std::string> set;
  set.reserve(n);
  for (const auto& i : indicators) set.insert(i.value);
  const double naive_cpu = CpuSeconds();
  const auto naive_hits = NaiveScan(log, set);
  const double naive_s = CpuSeconds() - naive_cpu;
  fmt::print(
      "peer (per-token std::unordered_set): {:.3f} CPU-s = {:.3f} GB/s per core, {} token hits\n",
      naive_s, log.size() / naive_s / 1e9, naive_hits);
  fmt::print("ratio issa/peer throughput: {:.2f} (issa matched {} lines, {} sightings)\n",
             best / (log.size() / naive_s / 1e9), matched_lines, sightings_count);

  if (grep_mb > 0) {
    const auto slice = std::string_view(log).substr(0, std::min(log.size(), grep_mb << 20));
    const auto slice_end = slice.rfind('\n') + 1;
    std::ofstream("/tmp/issa_ioc_bench.log") << slice.substr(0, slice_end);
    std::ofstream patterns("/tmp/issa_ioc_bench.patterns");
    for (const auto& i : indicators) patterns << i.value << '\n';
    patterns.close();
    t = Clock::now();
    const int rc =
        std::system("LC_ALL=C grep -F -c -f /tmp/issa_ioc_bench.patterns /tmp/issa_ioc_bench.log");
    const double grep_s = Seconds(t);
    fmt::print(
        "peer (LC_ALL=C grep -F -c -f, {} patterns) on {:.1f} MB: {:.2f} s = {:.3f} GB/s (rc {})\n",
        n, slice_end / 1e6, grep_s, slice_end / grep_s / 1e9, rc);
    std::remove("/tmp/issa_ioc_bench.log");
    std::remove("/tmp/issa_ioc_bench.patterns");
  }

  const auto slice = std::string_view(log).substr(0, std::min(log.size(), patterns_mb << 20));
  for (size_t count : {10'000, 100'000}) {
    if (patterns_mb == 0) break;
    HyperscanFigures(slice, count, false);
    HyperscanFigures(slice, count, true);
  }
  return 0;
}
