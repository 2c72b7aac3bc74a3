// Throughput of PNRGOV/PAXLST parsing (issue 5): messages/s, passengers/s and MB/s on one core
// over the real GTAS samples repeated, for
//   (a) the full parse to Annex I data (ParseTravelMessages, lenient envelope checks),
//   (b) (a) plus the record mapping (MessageRecords), and
//   (c) the EDIFACT syntax layer alone,
// and, on the files the peer accepts, the same text through the Debian Perl module
// Business::Edifact::Interchange (regex tokeniser, the approach of GTAS's lexer) in the same run.
//
// Usage: pnr_parse_bench [--data DIR] [--seconds S] [--peer-repeats N]
// DIR defaults to $ISSA_TRAVEL_DATA or ../shared/data/travel/gtas next to the checkout; the
// benchmark skips (exit 0) when it is absent.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "issa/travel/edifact.h"
#include "issa/travel/passenger_data.h"
#include "issa/travel/passenger_records.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Sample {
  std::string path;
  std::string text;
};

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Flatten(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  const size_t start = out.find_first_not_of(" \t");
  return start == std::string::npos ? std::string() : out.substr(start);
}

struct Totals {
  size_t messages = 0;
  size_t passengers = 0;
  size_t bytes = 0;
};

// Runs `pass` over the samples until `seconds` have passed; returns passes and elapsed seconds.
template <typename Pass>
std::pair<size_t, double> Repeat(double seconds, Pass pass) {
  size_t passes = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  do {
    pass();
    ++passes;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  return {passes, elapsed};
}

Totals Count(const std::vector<Sample>& samples) {
  Totals t;
  issa::travel::edifact::ParseOptions lenient;
  lenient.strict_envelope = false;
  for (const auto& s : samples) {
    t.bytes += s.text.size();
    auto batch = issa::travel::ParseTravelMessages(s.text, lenient);
    if (!batch.ok()) continue;
    for (const auto& m : batch->messages) {
      if (!m.status.ok()) continue;
      ++t.messages;
      if (m.pnr) {
        for (const auto& b : m.pnr->bookings) t.passengers += b.travellers.size();
      }
      if (m.api) t.passengers += m.api->persons.size();
    }
  }
  return t;
}

void Report(const char* what, const Totals& t, size_t passes, double seconds) {
  const double mb = static_cast<double>(t.bytes) * static_cast<double>(passes) / 1e6;
  std::printf("%-44s %10.0f messages/s %11.0f passengers/s %8.1f MB/s  (%zu passes, %.2f s)\n",
              what, static_cast<double>(t.messages * passes) / seconds,
              static_cast<double>(t.passengers * passes) / seconds, mb / seconds, passes, seconds);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  if (const char* env = std::getenv("ISSA_TRAVEL_DATA")) dir = env;
  if (dir.empty()) dir = std::string(ISSA_SOURCE_DIR) + "/../shared/data/travel/gtas";
  double seconds = 3;
  int peer_repeats = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--data") dir = argv[i + 1];
    if (a == "--seconds") seconds = std::atof(argv[i + 1]);
    if (a == "--peer-repeats") peer_repeats = std::atoi(argv[i + 1]);
  }
  std::vector<Sample> samples;
  for (const char* sub : {"pnrgov_edifact", "paxlst_edifact"}) {
    const fs::path p = fs::path(dir) / sub;
    if (!fs::is_directory(p)) continue;
    for (const auto& e : fs::directory_iterator(p)) {
      if (e.is_regular_file()) samples.push_back({e.path().string(), Read(e.path())});
    }
  }
  if (samples.empty()) {
    std::printf("pnr_parse_bench: no samples under %s (set --data or ISSA_TRAVEL_DATA); skipped\n",
                dir.c_str());
    return 0;
  }
  issa::travel::edifact::ParseOptions lenient;
  lenient.strict_envelope = false;
  const Totals all = Count(samples);
  std::printf("samples: %zu files, %zu bytes, %zu messages parsed, %zu passengers (lenient)\n",
              samples.size(), all.bytes, all.messages, all.passengers);

  size_t sink = 0;
  auto parse_all = [&](const std::vector<Sample>& set) {
    for (const auto& s : set) {
      auto batch = issa::travel::ParseTravelMessages(s.text, lenient);
      if (batch.ok()) sink += batch->messages.size();
    }
  };
  auto [p1, s1] = Repeat(seconds, [&] { parse_all(samples); });
  Report("parse to Annex I data", all, p1, s1);
  auto [p2, s2] = Repeat(seconds, [&] {
    for (const auto& s : samples) {
      auto batch = issa::travel::ParseTravelMessages(s.text, lenient);
      if (!batch.ok()) continue;
      for (const auto& m : batch->messages) sink += issa::travel::MessageRecords(m).size();
    }
  });
  Report("parse + record bodies", all, p2, s2);
  auto [p3, s3] = Repeat(seconds, [&] {
    for (const auto& s : samples) {
      auto ic = issa::travel::edifact::ParseInterchange(s.text, lenient);
      if (ic.ok()) sink += ic->segments.size();
    }
  });
  Report("EDIFACT syntax layer only", all, p3, s3);

  // The peer, on the files it accepts, flattened the way it needs.
  std::string command = "perl " + std::string(ISSA_SOURCE_DIR) +
                        "/bench/peers/edifact_perl_peer.pl " + std::to_string(peer_repeats);
  for (const auto& s : samples) command += " '" + s.path + "'";
  command += " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  std::vector<Sample> accepted;
  size_t peer_messages = 0;
  size_t peer_bytes = 0;
  double peer_seconds = -1;
  size_t refused = 0;
  if (pipe != nullptr) {
    char line[4096];
    while (std::fgets(line, sizeof line, pipe) != nullptr) {
      std::string l(line);
      if (!l.empty() && l.back() == '\n') l.pop_back();
      if (l.rfind("accepted\t", 0) == 0) {
        const std::string path = l.substr(9);
        accepted.push_back({path, Flatten(Read(path))});
      } else if (l.rfind("refused\t", 0) == 0) {
        ++refused;
      } else if (l.rfind("result\t", 0) == 0) {
        std::sscanf(l.c_str() + 7, "%zu\t%zu\t%lf", &peer_messages, &peer_bytes, &peer_seconds);
      }
    }
    pclose(pipe);
  }
  if (peer_seconds <= 0 || accepted.empty()) {
    std::printf("peer: perl Business::Edifact::Interchange not available; no ratio\n");
    std::printf("(sink %zu)\n", sink);
    return 0;
  }
  const Totals peer_set = Count(accepted);
  std::printf("peer set: %zu files the peer accepts (%zu refused), %zu bytes flattened\n",
              accepted.size(), refused, peer_bytes);
  const auto start = Clock::now();
  for (int r = 0; r < peer_repeats; ++r) parse_all(accepted);
  const double ours = std::chrono::duration<double>(Clock::now() - start).count();
  Report("ours, parse to Annex I data (peer set)", peer_set, static_cast<size_t>(peer_repeats),
         ours);
  Totals peer_totals = peer_set;
  peer_totals.messages = peer_messages;
  Report("peer, Business::Edifact::Interchange", peer_totals, static_cast<size_t>(peer_repeats),
         peer_seconds);
  std::printf("ratio (peer time / our time, same text, same repeats): %.1fx\n",
              peer_seconds / ours);
  std::printf("(sink %zu)\n", sink);
  return 0;
}
