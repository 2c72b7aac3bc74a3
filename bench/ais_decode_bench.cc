// AIS decoding benchmark. Input: every real NMEA log in ../shared/data/maritime/nmea (gpsd, DMA,
// AMSA/exactEarth, libais, pyais, GFW, AISdb samples), concatenated and repeated until it holds
// at least 1,000,000 AIS sentences. Measures on one core:
//   - BM_AisDecode: line split + checksum + tag block / $PGHP + reassembly + de-armouring + the
//     header fields (type, MMSI) and the position of position reports;
//   - BM_AisDecodeJson: the same plus gpsd-style JSON for every message (the `issa ais decode`
//     path, output kept in memory);
// then, in the same run, the peer: gpsd's `gpsdecode -s` on the same bytes (a subprocess, output
// to /dev/null), and the field agreement of the two on the base logs (every field gpsdecode
// prints, on messages both decode). Prints a Markdown block for bench/RESULTS.md.
//
//   ais_decode_bench [--min-sentences N] [--data DIR] [google benchmark flags]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "issa/maritime/ais.h"
#include "issa/maritime/ais_json.h"

#ifndef ISSA_AIS_DATA_DIR
#define ISSA_AIS_DATA_DIR "../shared/data/maritime/nmea"
#endif

namespace {

namespace fs = std::filesystem;
using issa::maritime::AisDecoder;
using issa::maritime::AisMessage;

std::string g_base;        // the real logs, once
std::string g_input;       // repeated to >= min sentences
uint64_t g_sentences = 0;  // AIS sentences in g_input
uint64_t g_lines = 0;

uint64_t CountSentences(std::string_view s) {
  uint64_t n = 0;
  size_t pos = 0;
  while ((pos = s.find("VD", pos)) != std::string_view::npos) {
    if (pos + 2 < s.size() && (s[pos + 2] == 'M' || s[pos + 2] == 'O') && pos >= 3 &&
        s[pos - 3] == '!') {
      ++n;
    }
    pos += 2;
  }
  return n;
}

std::string LoadBase(const std::string& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const auto ext = e.path().extension().string();
    if (ext == ".gz") continue;
    files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::string all;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!all.empty() && all.back() != '\n') all.push_back('\n');
  }
  return all;
}

void BM_AisDecode(benchmark::State& state) {
  uint64_t messages = 0;
  int64_t checksum = 0;
  for (auto _ : state) {
    AisDecoder d;
    auto f = [&](const AisMessage& m) {
      ++messages;
      checksum += m.mmsi + m.type;
      if (m.type <= 3) checksum += m.SignedBits(89, 27);
    };
    d.Feed(g_input, f);
    d.Finish(f);
    benchmark::DoNotOptimize(checksum);
  }
  const double runs = static_cast<double>(state.iterations());
  state.counters["sentences/s"] =
      benchmark::Counter(static_cast<double>(g_sentences) * runs, benchmark::Counter::kIsRate);
  state.counters["messages/s"] =
      benchmark::Counter(static_cast<double>(messages), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(g_input.size()) * state.iterations());
}

void BM_AisDecodeJson(benchmark::State& state) {
  std::string out;
  out.reserve(1 << 20);
  const issa::maritime::GpsdJsonOptions options;
  for (auto _ : state) {
    AisDecoder d;
    auto f = [&](const AisMessage& m) {
      issa::maritime::AppendGpsdJson(m, options, out);
      out.push_back('\n');
      if (out.size() > (1 << 20) - 1024) out.clear();  // stands for a buffered write
    };
    d.Feed(g_input, f);
    d.Finish(f);
    benchmark::DoNotOptimize(out.data());
  }
  const double runs = static_cast<double>(state.iterations());
  state.counters["sentences/s"] =
      benchmark::Counter(static_cast<double>(g_sentences) * runs, benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(g_input.size()) * state.iterations());
}

BENCHMARK(BM_AisDecode)->Unit(benchmark::kMillisecond)->MinTime(3.0)->UseRealTime();
BENCHMARK(BM_AisDecodeJson)->Unit(benchmark::kMillisecond)->MinTime(3.0)->UseRealTime();

// Field agreement with gpsdecode on the base logs: every field of every gpsd AIS object (but
// "device"), on messages paired by order, type and MMSI.
struct Agreement {
  size_t gpsd = 0;
  size_t paired = 0;
  size_t gpsd_subtype = 0;
  size_t fields = 0;
  size_t equal = 0;
  size_t fields_all = 0;  // including the documented differences
  size_t equal_all = 0;
};

Agreement CompareWithGpsd(const std::string& gpsd_out) {
  using nlohmann::json;
  std::vector<json> ours;
  {
    AisDecoder d;
    std::string buf;
    auto f = [&](const AisMessage& m) {
      buf.clear();
      issa::maritime::AppendGpsdJson(m, {}, buf);
      ours.push_back(json::parse(buf));
    };
    d.Feed(g_base, f);
    d.Finish(f);
  }
  Agreement a;
  std::istringstream in(gpsd_out);
  std::string line;
  size_t i = 0;
  while (std::getline(in, line)) {
    json g = json::parse(line, nullptr, false);
    if (g.is_discarded() || g.value("class", "") != "AIS") continue;
    ++a.gpsd;
    size_t k = i;
    for (; k < ours.size() && k < i + 8; ++k) {
      if (ours[k]["type"] == g["type"] && ours[k]["mmsi"] == g["mmsi"]) break;
    }
    if (k >= ours.size() || k >= i + 8) continue;
    i = k + 1;
    const json& o = ours[k];
    const int type = g["type"].get<int>();
    if ((type == 6 || type == 8) && !g.contains("data")) {
      ++a.gpsd_subtype;
      continue;
    }
    ++a.paired;
    for (const auto& [key, value] : g.items()) {
      if (key == "device") continue;
      const bool eq = o.contains(key) && o[key] == value;
      ++a.fields_all;
      a.equal_all += eq ? 1 : 0;
      if (type == 26 && key == "radio") continue;
      if (type == 24 && key == "shipname" && o.value("part", "") == "B") continue;
      ++a.fields;
      a.equal += eq ? 1 : 0;
    }
  }
  return a;
}

double TimeCommand(const std::string& cmd) {
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = std::system(cmd.c_str());
  const auto t1 = std::chrono::steady_clock::now();
  if (rc != 0) std::fprintf(stderr, "command failed (%d): %s\n", rc, cmd.c_str());
  return std::chrono::duration<double>(t1 - t0).count();
}

double TimeOurs() {
  double best = 1e9;
  for (int r = 0; r < 3; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    AisDecoder d;
    uint64_t n = 0;
    auto f = [&](const AisMessage& m) { n += m.mmsi; };
    d.Feed(g_input, f);
    d.Finish(f);
    benchmark::DoNotOptimize(n);
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

double TimeOursJson() {
  double best = 1e9;
  std::string out;
  out.reserve(1 << 20);
  for (int r = 0; r < 3; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    AisDecoder d;
    auto f = [&](const AisMessage& m) {
      issa::maritime::AppendGpsdJson(m, {}, out);
      out.push_back('\n');
      if (out.size() > (1 << 20) - 1024) out.clear();
    };
    d.Feed(g_input, f);
    d.Finish(f);
    benchmark::DoNotOptimize(out.data());
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t min_sentences = 1'000'000;
  std::string dir = ISSA_AIS_DATA_DIR;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--min-sentences" && i + 1 < argc) {
      min_sentences = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--data" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      rest.push_back(argv[i]);
    }
  }
  g_base = LoadBase(dir);
  const uint64_t base_sentences = CountSentences(g_base);
  if (base_sentences == 0) {
    std::fprintf(stderr, "no AIS sentences under %s\n", dir.c_str());
    return 1;
  }
  while (g_sentences < min_sentences) {
    g_input += g_base;
    g_sentences += base_sentences;
  }
  g_lines = static_cast<uint64_t>(std::count(g_input.begin(), g_input.end(), '\n'));
  std::printf(
      "input: %s, %.1f MB, %llu lines, %llu AIS sentences (base %llu x %llu)\n", dir.c_str(),
      static_cast<double>(g_input.size()) / 1e6, static_cast<unsigned long long>(g_lines),
      static_cast<unsigned long long>(g_sentences), static_cast<unsigned long long>(base_sentences),
      static_cast<unsigned long long>(g_sentences / base_sentences));

  int bargc = static_cast<int>(rest.size());
  benchmark::Initialize(&bargc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  // The peer, same bytes.
  const fs::path tmp = fs::temp_directory_path() / "issa_ais_bench_input.nmea";
  const fs::path base_tmp = fs::temp_directory_path() / "issa_ais_bench_base.nmea";
  const fs::path gpsd_json = fs::temp_directory_path() / "issa_ais_bench_base.gpsd.json";
  {
    std::ofstream(tmp, std::ios::binary) << g_input;
    std::ofstream(base_tmp, std::ios::binary) << g_base;
  }
  const double ours_s = TimeOurs();
  const double ours_json_s = TimeOursJson();
  const double gpsd_s = TimeCommand("gpsdecode -s < " + tmp.string() + " > /dev/null 2>&1");
  const double gpsd_raw_s =
      TimeCommand("gpsdecode -s -d -m < " + tmp.string() + " > /dev/null 2>&1");
  (void)TimeCommand("gpsdecode -s < " + base_tmp.string() + " > " + gpsd_json.string() +
                    " 2>/dev/null");
  std::ifstream gj(gpsd_json, std::ios::binary);
  const std::string gpsd_out((std::istreambuf_iterator<char>(gj)),
                             std::istreambuf_iterator<char>());
  const Agreement a = CompareWithGpsd(gpsd_out);
  fs::remove(tmp);
  fs::remove(base_tmp);
  fs::remove(gpsd_json);

  const double n = static_cast<double>(g_sentences);
  std::printf("\n| run | AIS sentences/s | vs gpsdecode |\n| --- | ---: | ---: |\n");
  std::printf("| issa decode (no output), best of 3 | %.2f M | %.1fx |\n", n / ours_s / 1e6,
              gpsd_s / ours_s);
  std::printf("| issa decode + gpsd JSON, best of 3 | %.2f M | %.1fx |\n", n / ours_json_s / 1e6,
              gpsd_s / ours_json_s);
  std::printf("| gpsdecode -s (JSON, to /dev/null) | %.2f M | 1.0x |\n", n / gpsd_s / 1e6);
  std::printf("| gpsdecode -s -d -m (minimal, to /dev/null) | %.2f M | |\n", n / gpsd_raw_s / 1e6);
  std::printf(
      "\nField agreement on the base logs: %zu gpsd messages, %zu paired with ISSA's, %zu type "
      "6/8 with a DAC/FI payload gpsd decodes (ISSA: raw data, not compared); fields equal: "
      "%zu / %zu = %.3f %% (%.3f %% = %zu / %zu counting the documented type 24B shipname and "
      "type 26 radio differences)\n",
      a.gpsd, a.paired, a.gpsd_subtype, a.equal, a.fields,
      100.0 * static_cast<double>(a.equal) / static_cast<double>(std::max<size_t>(1, a.fields)),
      100.0 * static_cast<double>(a.equal_all) /
          static_cast<double>(std::max<size_t>(1, a.fields_all)),
      a.equal_all, a.fields_all);
  return 0;
}
