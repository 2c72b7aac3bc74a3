// Tracking throughput: position reports per second into a TrackStore holding 300,000 live
// tracks (the whole world's AIS traffic), one thread, and the memory per track. Synthetic
// vessels on straight courses spread over the oceans, one report each per round, rounds 10 s
// apart, reports shuffled within a round as a real feed interleaves them.
//
// Two runs in one binary, the second the peer of the first:
// - rules_on: every anomaly rule on, with a European-waters geography: 40 zones (some with
//   holes, some in two parts), 60 coastlines of 200 vertices, 400 ports. A fifth of the vessels
//   sail in those waters; a fifth of all vessels are slow (0-3 kn: loitering, encounter index),
//   1 % are fast (30-40 kn: the coast test).
// - rules_off: the same reports, no geography, the encounter, fast-craft and zone rules off
//   (gap, jump, identity and loitering stay: they need no geography).
// The geography is synthetic (random walks and polygons with a fixed seed), not real coast:
// it gives the grids a realistic load, not a map.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <numbers>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "issa/maritime/tracks.h"
#include "issa/maritime/zones.h"

#include "maritime_geography.h"

namespace {

using issa::maritime::PositionReport;
using issa::maritime::TrackSettings;
using issa::maritime::TrackStore;
using issa::maritime::ZoneIndex;

constexpr size_t kVessels = 300'000;
constexpr int kRounds = 12;
constexpr double kRad = std::numbers::pi / 180;

struct Vessel {
  double lat, lon, knots, course;
};

using issa::maritime::bench::kMaxLat;
using issa::maritime::bench::kMaxLon;
using issa::maritime::bench::kMinLat;
using issa::maritime::bench::kMinLon;
using issa::maritime::bench::MakeGeography;

std::vector<std::vector<PositionReport>> MakeRounds() {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> lat(-60, 60), lon(-180, 180), knots(5, 20), course(0, 360),
      eu_lat(kMinLat, kMaxLat), eu_lon(kMinLon, kMaxLon), slow(0, 3), fast(30, 40), unit(0, 1);
  std::normal_distribution<double> noise(0, 15.0 / 111'195);
  std::vector<Vessel> vessels(kVessels);
  for (Vessel& v : vessels) {
    const bool europe = unit(rng) < 0.2;
    const double kind = unit(rng);
    v = {europe ? eu_lat(rng) : lat(rng), europe ? eu_lon(rng) : lon(rng),
         kind < 0.2 ? slow(rng) : (kind < 0.21 ? fast(rng) : knots(rng)), course(rng)};
  }
  std::vector<std::vector<PositionReport>> rounds(kRounds);
  for (int r = 0; r < kRounds; ++r) {
    auto& reports = rounds[static_cast<size_t>(r)];
    reports.reserve(kVessels);
    for (size_t i = 0; i < kVessels; ++i) {
      const Vessel& v = vessels[i];
      const double d = v.knots * 1852 / 3600 * 10.0 * r;
      PositionReport p;
      p.mmsi = static_cast<uint32_t>(200'000'000 + i);
      p.time = 1'700'000'000'000 + r * 10'000 + static_cast<int64_t>(i % 10'000);
      p.lat = v.lat + d * std::cos(v.course * kRad) / 111'195 + noise(rng);
      p.lon =
          v.lon + d * std::sin(v.course * kRad) / (111'195 * std::cos(v.lat * kRad)) + noise(rng);
      if (p.lon > 180) p.lon -= 360;
      if (p.lon < -180) p.lon += 360;
      p.sog_knots = v.knots;
      p.cog_deg = v.course;
      reports.push_back(p);
    }
    std::shuffle(reports.begin(), reports.end(), rng);
  }
  return rounds;
}

// The rate is per second of this thread's CPU time: on the shared 2-core machine the thread is
// often descheduled, and wall time would measure the neighbours. Wall-clock rates are printed
// too.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double g_rate[2] = {0, 0};
double g_wall_rate[2] = {0, 0};
double g_bytes_per_track[2] = {0, 0};

void BM_TrackStoreIngest(benchmark::State& state) {
  static const auto rounds = MakeRounds();
  static const ZoneIndex geography = MakeGeography();
  const bool rules_on = state.range(0) == 1;
  TrackSettings settings;
  if (!rules_on) {
    settings.anomalies.encounters = false;
    settings.anomalies.fast_craft = false;
    settings.anomalies.zone_entries = false;
  }
  uint64_t anomalies = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto store = std::make_unique<TrackStore>(
        settings, [&](const issa::maritime::Anomaly&) { ++anomalies; },
        rules_on ? geography : ZoneIndex{});
    for (const PositionReport& p : rounds[0]) store->Ingest(p);  // 300k live tracks
    state.ResumeTiming();
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = ThreadCpuSeconds();
    size_t n = 0;
    for (size_t r = 1; r < rounds.size(); ++r) {
      for (const PositionReport& p : rounds[r]) {
        benchmark::DoNotOptimize(store->Ingest(p));
        ++n;
      }
    }
    const double cpu_seconds = ThreadCpuSeconds() - cpu_start;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = static_cast<double>(n) / cpu_seconds;
    g_rate[rules_on ? 1 : 0] = std::max(g_rate[rules_on ? 1 : 0], rate);
    g_wall_rate[rules_on ? 1 : 0] =
        std::max(g_wall_rate[rules_on ? 1 : 0], static_cast<double>(n) / seconds);
    state.counters["wall_reports_per_s"] = static_cast<double>(n) / seconds;
    g_bytes_per_track[rules_on ? 1 : 0] =
        static_cast<double>(store->MemoryBytes()) / static_cast<double>(store->size());
    state.counters["reports_per_s"] = rate;
    state.counters["tracks"] = static_cast<double>(store->size());
    state.counters["bytes_per_track"] = g_bytes_per_track[rules_on ? 1 : 0];
    state.counters["anomalies"] = static_cast<double>(store->stats().anomalies);
    state.counters["encounter_pairs"] = static_cast<double>(store->EncounterPairs());
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  benchmark::DoNotOptimize(anomalies);
}
BENCHMARK(BM_TrackStoreIngest)
    ->ArgName("rules_on")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

// The zone test alone, per point: anywhere on the oceans (most points are far from any zone)
// and inside the box of the European zones (boundary cells are met).
void BM_ZoneAt(benchmark::State& state) {
  static const ZoneIndex geography = MakeGeography();
  const bool europe = state.range(0) == 1;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> lat(europe ? kMinLat : -60, europe ? kMaxLat : 60),
      lon(europe ? kMinLon : -180, europe ? kMaxLon : 180);
  std::vector<std::pair<double, double>> points(1 << 16);
  for (auto& p : points) p = {lat(rng), lon(rng)};
  size_t i = 0, inside = 0;
  for (auto _ : state) {
    const auto& p = points[i++ & (points.size() - 1)];
    const int z = geography.ZoneAt(p.first, p.second);
    inside += z >= 0 ? 1 : 0;
    benchmark::DoNotOptimize(z);
  }
  state.counters["inside_share"] =
      static_cast<double>(inside) / static_cast<double>(std::max<size_t>(i, 1));
}
BENCHMARK(BM_ZoneAt)->ArgName("europe")->Arg(0)->Arg(1);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::printf(
      "\ntracking + every anomaly rule, 300,000 live tracks, one thread: %.0f position "
      "reports per CPU second (best of 3; wall clock %.0f/s), %.0f bytes per track (filter, "
      "history, indexes, pair state)\n"
      "peer, rules needing geography off: %.0f reports per CPU second (wall %.0f/s), %.0f bytes "
      "per track; ratio on/off %.3f\n",
      g_rate[1], g_wall_rate[1], g_bytes_per_track[1], g_rate[0], g_wall_rate[0],
      g_bytes_per_track[0], g_rate[0] > 0 ? g_rate[1] / g_rate[0] : 0.0);
  return 0;
}
