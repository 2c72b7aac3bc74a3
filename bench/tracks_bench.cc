// Tracking throughput: position reports per second into a TrackStore holding 300,000 live
// tracks (the whole world's AIS traffic), one thread, and the memory per track. Synthetic
// vessels on straight courses at 5-20 kn spread over the oceans, one report each per round,
// rounds 10 s apart, reports shuffled within a round as a real feed interleaves them.
// Anomaly rules are not part of the store yet (issue 4); this measures tracking alone.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "issa/maritime/tracks.h"

namespace {

using issa::maritime::PositionReport;
using issa::maritime::TrackStore;

constexpr size_t kVessels = 300'000;
constexpr int kRounds = 12;

struct Vessel {
  double lat, lon, knots, course;
};

std::vector<std::vector<PositionReport>> MakeRounds() {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> lat(-60, 60), lon(-180, 180), knots(5, 20), course(0, 360);
  std::normal_distribution<double> noise(0, 15.0 / 111'195);
  std::vector<Vessel> vessels(kVessels);
  for (Vessel& v : vessels) v = {lat(rng), lon(rng), knots(rng), course(rng)};
  std::vector<std::vector<PositionReport>> rounds(kRounds);
  for (int r = 0; r < kRounds; ++r) {
    auto& reports = rounds[static_cast<size_t>(r)];
    reports.reserve(kVessels);
    for (size_t i = 0; i < kVessels; ++i) {
      const Vessel& v = vessels[i];
      const double d = v.knots * 1852 / 3600 * 10.0 * r;
      const double rad = std::numbers::pi / 180;
      PositionReport p;
      p.mmsi = static_cast<uint32_t>(200'000'000 + i);
      p.time = 1'700'000'000'000 + r * 10'000 + static_cast<int64_t>(i % 10'000);
      p.lat = v.lat + d * std::cos(v.course * rad) / 111'195 + noise(rng);
      p.lon = v.lon + d * std::sin(v.course * rad) / (111'195 * std::cos(v.lat * rad)) + noise(rng);
      if (p.lon > 180) p.lon -= 360;
      if (p.lon < -180) p.lon += 360;
      reports.push_back(p);
    }
    std::shuffle(reports.begin(), reports.end(), rng);
  }
  return rounds;
}

double g_rate = 0;
double g_bytes_per_track = 0;

void BM_TrackStoreIngest(benchmark::State& state) {
  static const auto rounds = MakeRounds();
  for (auto _ : state) {
    state.PauseTiming();
    auto store = std::make_unique<TrackStore>();
    for (const PositionReport& p : rounds[0]) store->Ingest(p);  // 300k live tracks
    state.ResumeTiming();
    const auto start = std::chrono::steady_clock::now();
    size_t n = 0;
    for (size_t r = 1; r < rounds.size(); ++r) {
      for (const PositionReport& p : rounds[r]) {
        benchmark::DoNotOptimize(store->Ingest(p));
        ++n;
      }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    g_rate = static_cast<double>(n) / seconds;
    g_bytes_per_track =
        static_cast<double>(store->MemoryBytes()) / static_cast<double>(store->size());
    state.counters["reports_per_s"] = g_rate;
    state.counters["tracks"] = static_cast<double>(store->size());
    state.counters["bytes_per_track"] = g_bytes_per_track;
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_TrackStoreIngest)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::printf(
      "\ntracking, 300,000 live tracks, one thread: %.0f position reports/s, %.0f bytes "
      "per track (filter, history, index)\n",
      g_rate, g_bytes_per_track);
  return 0;
}
