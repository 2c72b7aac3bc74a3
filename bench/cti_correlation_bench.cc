// The correlation stage of a STIX write (issue 6 item 5): what the node's domain matcher for
// StixObject records costs per object (cti::StixCorrelator::Upsert: parse the record's
// properties, extract the pattern's observables, index them, find up to 20 other authorities'
// records) and the same with the properties parsed already (UpsertParsed, the ingest's path),
// against the peer: the correlation engine alone (cyber::CorrelationIndex::Add of the already
// extracted observables) on the same objects, in the same run. Half of the indicators share an
// address with another authority's, so every second write finds a match.
//
// Usage: cti_correlation_bench [--objects N]   (default 200,000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include "issa/core/model.h"
#include "issa/cyber/correlation.h"

#include "correlation.h"

namespace {

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// A StixObject record's properties as the CTI service writes them.
issa::core::Record IndicatorRecord(uint64_t n) {
  const std::string owner = n % 2 == 0 ? "NL-CERT" : "DE-CERT";
  const uint64_t shared = n / 2;  // NL's n and DE's n+1 share an address
  nlohmann::json o = {
      {"type", "indicator"},
      {"spec_version", "2.1"},
      {"id", fmt::format("indicator--{:08x}-17d4-4cbf-938f-98ee46b3cd3f", n)},
      {"created", "2026-05-01T00:00:00.000Z"},
      {"modified", "2026-05-01T00:00:00.000Z"},
      {"pattern_type", "stix"},
      {"pattern", fmt::format("[ipv4-addr:value = '10.{}.{}.{}' OR domain-name:value = "
                              "'host-{}.example.org']",
                              (shared >> 16) & 255, (shared >> 8) & 255, shared & 255, n)},
      {"valid_from", "2026-05-01T00:00:00Z"}};
  nlohmann::json props = {{"object", o},
                          {"stix_id", o["id"]},
                          {"stix_type", "indicator"},
                          {"spec_version", "2.1"},
                          {"version", "2026-05-01T00:00:00.000Z"},
                          {"tlp", "green"}};
  issa::core::Record r;
  r.id = fmt::format("019e7044-8800-7000-8000-{:012x}", n);
  r.type = "StixObject";
  r.owner = owner;
  r.properties_json = props.dump();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t objects = 200'000;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--objects" && i + 1 < argc) {
      objects = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: cti_correlation_bench [--objects N]\n");
      return 2;
    }
  }
  double load[1] = {0};
  getloadavg(load, 1);
  std::vector<issa::core::Record> records;
  records.reserve(objects);
  for (uint64_t n = 0; n < objects; ++n) records.push_back(IndicatorRecord(n));
  fmt::print("objects {}; load average at start {:.2f}\n", objects, load[0]);

  // The stage: what the node calls per StixObject write.
  // Runs `upsert(i)` for every record; the matches it reported, wall and CPU seconds.
  struct Stage {
    uint64_t matches = 0;
    double wall = 0, cpu = 0;
  };
  const auto run_stage = [&](const auto& upsert) -> std::optional<Stage> {
    Stage stage;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = CpuSeconds();
    for (size_t i = 0; i < records.size(); ++i) {
      auto m = upsert(i);
      if (!m.ok()) {
        std::fprintf(stderr, "%s\n", m.status().ToString().c_str());
        return std::nullopt;
      }
      stage.matches += m->size();
    }
    stage.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    stage.cpu = CpuSeconds() - c0;
    return stage;
  };
  issa::cti::StixCorrelator correlator(nullptr);
  const auto text_stage = run_stage([&](size_t i) { return correlator.Upsert(records[i], 20); });
  if (!text_stage) return 1;
  const auto [matches, stage_wall, stage_cpu] = *text_stage;

  // The stage as the ingest calls it since h-stixcpu: the node passes the properties it holds
  // parsed (Node::CreateParsedRecords -> StixCorrelator::UpsertParsed), no parse per record.
  // (Since h-stix51 the ingest also hands over the pattern's observables from the validator's
  // parse; this stage still reads them from the object, parsing the pattern.)
  std::vector<nlohmann::json> parsed;
  parsed.reserve(objects);
  for (const auto& r : records) parsed.push_back(nlohmann::json::parse(r.properties_json));
  issa::cti::StixCorrelator parsed_correlator(nullptr);
  const auto parsed_stage = run_stage(
      [&](size_t i) { return parsed_correlator.UpsertParsed(records[i], parsed[i], nullptr, 20); });
  if (!parsed_stage) return 1;
  const auto [parsed_matches, parsed_wall, parsed_cpu] = *parsed_stage;
  parsed.clear();

  // The peer: the engine alone on the observables extracted beforehand.
  std::vector<issa::cyber::ObservableEntry> entries;
  entries.reserve(objects);
  for (const auto& r : records) {
    const auto props = nlohmann::json::parse(r.properties_json);
    entries.push_back({r.id, r.owner, "", issa::cti::ObservablesOf(props["object"], "indicator")});
  }
  issa::cyber::CorrelationIndex index;
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = CpuSeconds();
  for (const auto& e : entries) {
    if (!index.Add(e).ok()) return 1;
  }
  const double engine_wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double engine_cpu = CpuSeconds() - c0;

  fmt::print(
      "stage  (StixCorrelator::Upsert, max 20 matches): {:.2f} s wall, {:.2f} s CPU = {:.2f} "
      "us/object wall, {:.0f} objects per CPU-second; {} matches\n",
      stage_wall, stage_cpu, stage_wall * 1e6 / objects, objects / stage_cpu, matches);
  fmt::print(
      "stage, parsed (StixCorrelator::UpsertParsed):    {:.2f} s wall, {:.2f} s CPU = {:.2f} "
      "us/object wall, {:.0f} objects per CPU-second; {} matches\n",
      parsed_wall, parsed_cpu, parsed_wall * 1e6 / objects, objects / parsed_cpu, parsed_matches);
  fmt::print(
      "peer   (CorrelationIndex::Add alone):            {:.2f} s wall, {:.2f} s CPU = {:.2f} "
      "us/object wall, {:.0f} objects per CPU-second\n",
      engine_wall, engine_cpu, engine_wall * 1e6 / objects, objects / engine_cpu);
  fmt::print("ratio stage / engine (CPU): {:.2f}x; parsed stage / engine: {:.2f}x\n",
             stage_cpu / engine_cpu, parsed_cpu / engine_cpu);
  const auto stats = correlator.Stats();
  fmt::print("index: {} observables, {} groups, {} bytes ({:.0f} B/object)\n", stats.observables,
             stats.groups, stats.bytes, static_cast<double>(stats.bytes) / objects);
  return 0;
}
