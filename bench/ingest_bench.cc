// Ingest of realistic Person records into the SQLite store, each with an audit entry, in
// batches (one Store::Write per batch), against the peer: a plain SQLite insert of the same rows
// into a bare table (no index, no FTS, no spatial index, no audit). Prints records/s of both and
// the ratio. The store runs twice: with 30 % of the records carrying a point geometry (the workload
// of the figures in bench/RESULTS.md, and of the peer) and with none, so that the cost of the
// spatial index shows. Figures go to bench/RESULTS.md.
//
//   ./issa_ingest_bench [--benchmark_min_time=5]
//
// ISSA_INGEST_BATCHES=<n> fixes the number of timed batches per benchmark (for profilers such as
// callgrind, whose figures grow with the database).
//
// BM_IssaBoxQuery measures what the spatial index buys the readers: Store::QueryRecords with a
// bbox (limit 100, first page) over a store of 200,000 of the same records (30 % with a point),
// for boxes of 0.05°, 0.5°, 2° and 20° at random places in the records' extent, as the node
// itself (sees all) and as another authority (sees the 25 % shared with all participants).

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include "issa/access/policy.h"
#include "issa/audit/chain.h"
#include "issa/core/ids.h"
#include "issa/core/model.h"
#include "issa/storage/store.h"
#include "issa/storage_sqlite/sqlite_store.h"

#include "bare_insert_peer.h"

namespace {

using issa::core::Record;

constexpr int64_t kBatch = 1000;
constexpr issa::core::Timestamp kT0 = 1'767'225'600'000;

// ---- Realistic Person records ------------------------------------------------------------------

constexpr std::array kFamily = {"Rossi",   "Müller",  "García",    "Kowalski",     "Dubois",
                                "Novak",   "Jensen",  "Popescu",   "Papadopoulos", "Silva",
                                "Bianchi", "Schmidt", "Fernández", "Nowak",        "Lefebvre"};
constexpr std::array kGiven = {"Mario", "Anna", "José",  "Piotr", "Claire", "Jan",
                               "Sofia", "Ion",  "Eleni", "João",  "Luca",   "Katarzyna"};
constexpr std::array kCity = {"Napoli", "Berlin", "Madrid", "Kraków", "Lyon",   "Praha",
                              "Aarhus", "Cluj",   "Athina", "Porto",  "Torino", "Gdańsk"};
constexpr std::array kCountry = {"IT", "DE", "ES", "PL", "FR", "CZ", "DK", "RO", "GR", "PT"};

class RecordFactory {
 public:
  explicit RecordFactory(int geometry_percent) : geometry_percent_(geometry_percent) {}

  Record Next() {
    const int i = n_++;
    const std::string family = kFamily[Pick(kFamily.size())];
    const std::string given = kGiven[Pick(kGiven.size())];
    const std::string city = kCity[Pick(kCity.size())];
    const std::string country = kCountry[Pick(kCountry.size())];
    const std::string birth =
        fmt::format("{:04}-{:02}-{:02}", 1950 + Pick(55), 1 + Pick(12), 1 + Pick(28));
    const std::string document = fmt::format("{}{}{:07}", static_cast<char>('A' + Pick(26)),
                                             static_cast<char>('A' + Pick(26)), Pick(10'000'000));
    Record r;
    r.id = issa::core::NewUuidV7(kT0 + i);
    r.type = "Person";
    r.owner = "IT-NCC";
    r.origin_node = "it-ncc-node-1";
    r.created_at = kT0 + i;
    r.updated_at = r.created_at;
    r.properties_json = fmt::format(
        R"({{"family_name":"{}","given_names":"{}","birth_date":"{}","birth_place":"{}",)"
        R"("nationality":"{}","sex":"{}","documents":[{{"kind":"passport","number":"{}",)"
        R"("issuer":"{}","expires":"2031-05-01"}}],"address":{{"street":"Via Roma {}",)"
        R"("city":"{}","postcode":"{:05}","country":"{}"}},"phone":"+39 347 {:07}"}})",
        family, given, birth, city, country, Pick(2) == 0 ? "M" : "F", document, country,
        1 + Pick(200), city, Pick(100'000), country, Pick(10'000'000));
    r.search_text = fmt::format("{} {} {} {} {}", family, given, birth, document, city);
    if (i % 100 < geometry_percent_) {  // with a position
      const double lon = -9.0 + Pick(3300) / 100.0;
      const double lat = 36.0 + Pick(2000) / 100.0;
      r.geometry_json = fmt::format(R"({{"type":"Point","coordinates":[{},{}]}})", lon, lat);
      r.bbox = issa::core::BBox{lon, lat, lon, lat};
    }
    r.handling.classification = issa::core::Classification::kRestricted;
    r.handling.distribution =
        i % 4 == 0 ? issa::core::Distribution::kAll : issa::core::Distribution::kOwner;
    r.handling.purposes = static_cast<issa::core::PurposeSet>(issa::core::Purpose::kBorder) |
                          static_cast<issa::core::PurposeSet>(issa::core::Purpose::kCrime);
    r.created_by = "u-ingest";
    return r;
  }

 private:
  int Pick(size_t n) { return static_cast<int>(rng_() % n); }
  int geometry_percent_;
  std::mt19937_64 rng_{42};
  int n_ = 0;
};

// ---- Helpers -----------------------------------------------------------------------------------

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "issa-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    root_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  std::string File(const std::string& name) const { return (root_ / name).string(); }

 private:
  std::filesystem::path root_;
};

double ProcessCpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Rates of the last (longest) run of each benchmark, for the summary and the ratio.
struct Rates {
  double wall = 0;  // records per second of wall-clock time
  double cpu = 0;   // records per second of process CPU time: the rate of one fully used core
  double cores = 0;
};
Rates g_issa;       // 30 % with geometry, like the peer
Rates g_issa_flat;  // no geometry
Rates g_peer;

// Pre-generates batches so that record building is not timed.
std::vector<std::vector<Record>> MakeBatches(RecordFactory& factory, int batches) {
  std::vector<std::vector<Record>> out(batches);
  for (auto& b : out) {
    b.reserve(kBatch);
    for (int64_t i = 0; i < kBatch; ++i) b.push_back(factory.Next());
  }
  return out;
}

// Runs `insert` per batch; reports records/s of wall-clock time (the store writes on its own
// thread) and of process CPU time, and the cores used (CPU time / wall time). On a shared
// machine the CPU-time rate is the one-core figure; the wall rate also reflects contention.
template <typename Insert>
Rates Run(benchmark::State& state, int geometry_percent, const Insert& insert) {
  RecordFactory factory(geometry_percent);
  std::vector<std::vector<Record>> batches = MakeBatches(factory, 64);
  size_t next = 0;
  double wall = 0;
  double cpu = 0;
  int64_t records = 0;
  for (auto _ : state) {
    if (next == batches.size()) {
      state.PauseTiming();
      batches = MakeBatches(factory, 64);
      next = 0;
      state.ResumeTiming();
    }
    const double cpu_start = ProcessCpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    if (const issa::Status s = insert(batches[next++]); !s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    cpu += ProcessCpuSeconds() - cpu_start;
    records += kBatch;
  }
  state.SetItemsProcessed(records);
  Rates rates;
  rates.wall = wall > 0 ? static_cast<double>(records) / wall : 0;
  rates.cpu = cpu > 0 ? static_cast<double>(records) / cpu : 0;
  rates.cores = wall > 0 ? cpu / wall : 0;
  state.counters["records_per_s"] = rates.wall;
  state.counters["records_per_cpu_s"] = rates.cpu;
  state.counters["cores_used"] = rates.cores;
  return rates;
}

// ISSA: one Store::Write per batch; each record PutRecord + AppendAudit; head signed per commit.
// Argument: percentage of records with a point geometry.
void BM_IssaSqliteIngest(benchmark::State& state) {
  const int geometry_percent = static_cast<int>(state.range(0));
  TempDir dir;
  const issa::audit::NodeKey key = issa::audit::NodeKey::Generate();
  issa::storage_sqlite::SqliteOptions options;
  options.path = dir.File("issa.db");
  options.signer = [&key](const std::string& m) { return key.Sign(m); };
  auto store = issa::storage_sqlite::OpenSqliteStore(options);
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  const Rates rates = Run(state, geometry_percent, [&](std::span<const Record> batch) {
    return (*store)->Write([&](issa::storage::WriteTxn& txn) {
      for (const Record& r : batch) {
        ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
        ISSA_RETURN_IF_ERROR(
            txn.AppendAudit(issa::audit::Event{r.created_at, "u-ingest", "IT-NCC", "record.create",
                                               r.id, "ok", "", "IT-NCC"})
                .status());
      }
      return issa::Status::Ok();
    });
  });
  (geometry_percent == 0 ? g_issa_flat : g_issa) = rates;
}

// Peer: the same rows, plain SQLite, bare table, one transaction per batch.
void BM_PeerBareSqliteInsert(benchmark::State& state) {
  TempDir dir;
  auto peer = issa::storage_sqlite::bench::BareInsertPeer::Open(dir.File("bare.db"));
  if (!peer.ok()) {
    state.SkipWithError(peer.status().ToString().c_str());
    return;
  }
  g_peer = Run(state, /*geometry_percent=*/30,
               [&](std::span<const Record> batch) { return (*peer)->InsertBatch(batch); });
}

// ---- Box queries -------------------------------------------------------------------------------

constexpr int kQueryStoreRecords = 200'000;

// One store for every box query benchmark, filled at first use (not timed).
struct QueryFixture {
  TempDir dir;
  std::unique_ptr<issa::storage::Store> store;
  issa::Status status;
  double reopen_ms = 0;      // closing and opening the filled store again (rebuilds its indexes)
  double reopen_cpu_ms = 0;  // the same in process CPU time
};

QueryFixture& SharedQueryStore() {
  static QueryFixture* fixture = [] {
    auto* f = new QueryFixture;
    issa::storage_sqlite::SqliteOptions options;
    options.path = f->dir.File("query.db");
    auto store = issa::storage_sqlite::OpenSqliteStore(options);
    if (!store.ok()) {
      f->status = store.status();
      return f;
    }
    f->store = std::move(store).value();
    RecordFactory factory(30);
    for (int done = 0; done < kQueryStoreRecords && f->status.ok(); done += kBatch) {
      const std::vector<std::vector<Record>> batch = MakeBatches(factory, 1);
      f->status = f->store->Write([&](issa::storage::WriteTxn& txn) {
        for (const Record& r : batch[0]) ISSA_RETURN_IF_ERROR(txn.PutRecord(r));
        return issa::Status::Ok();
      });
    }
    if (!f->status.ok()) return f;
    f->store.reset();
    const double cpu_start = ProcessCpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    store = issa::storage_sqlite::OpenSqliteStore(options);
    f->reopen_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    f->reopen_cpu_ms = (ProcessCpuSeconds() - cpu_start) * 1000;
    if (!store.ok()) {
      f->status = store.status();
      return f;
    }
    f->store = std::move(store).value();
    return f;
  }();
  return *fixture;
}

// Arguments: box side in millidegrees; 1 = as the node (sees all), 0 = as another authority.
void BM_IssaBoxQuery(benchmark::State& state) {
  QueryFixture& fixture = SharedQueryStore();
  if (!fixture.status.ok()) {
    state.SkipWithError(fixture.status.ToString().c_str());
    return;
  }
  const double side = static_cast<double>(state.range(0)) / 1000.0;
  issa::access::Viewer viewer{issa::access::Principal::System(), kT0, {}};
  if (state.range(1) == 0) {
    viewer.principal = issa::access::Principal{};
    viewer.principal.user_id = "u-fr";
    viewer.principal.authority = "FR-PIU";
    viewer.principal.role = issa::core::Role::kAnalyst;
    viewer.principal.clearance = issa::core::Classification::kRestricted;
    viewer.principal.purposes = issa::core::kAllPurposes;
  }
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lon(-9.0, 24.0 - side);
  std::uniform_real_distribution<double> lat(36.0, 56.0 - side);
  int64_t rows = 0;
  for (auto _ : state) {
    auto txn = fixture.store->BeginRead();
    if (!txn.ok()) {
      state.SkipWithError(txn.status().ToString().c_str());
      break;
    }
    issa::storage::RecordQuery query;
    const double x = lon(rng);
    const double y = lat(rng);
    query.bbox = issa::core::BBox{x, y, x + side, y + side};
    query.limit = 100;
    auto page = (*txn)->QueryRecords(viewer, query);
    if (!page.ok()) {
      state.SkipWithError(page.status().ToString().c_str());
      break;
    }
    rows += static_cast<int64_t>(page->records.size());
  }
  state.counters["rows_per_query"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kAvgIterations);
  state.counters["store_reopen_ms"] = fixture.reopen_ms;
  state.counters["store_reopen_cpu_ms"] = fixture.reopen_cpu_ms;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::internal::Benchmark* issa =
      benchmark::RegisterBenchmark("BM_IssaSqliteIngest", BM_IssaSqliteIngest)
          ->ArgName("geometry_percent")
          ->Arg(30)
          ->Arg(0);
  benchmark::internal::Benchmark* peer =
      benchmark::RegisterBenchmark("BM_PeerBareSqliteInsert", BM_PeerBareSqliteInsert);
  for (benchmark::internal::Benchmark* b : {issa, peer}) {
    b->Unit(benchmark::kMillisecond)->UseRealTime();
  }
  benchmark::RegisterBenchmark("BM_IssaBoxQuery", BM_IssaBoxQuery)
      ->ArgNames({"side_millideg", "sees_all"})
      ->ArgsProduct({{50, 500, 2000, 20000}, {1, 0}})
      ->Unit(benchmark::kMicrosecond);
  if (const char* batches = std::getenv("ISSA_INGEST_BATCHES"); batches != nullptr) {
    const int n = std::atoi(batches);
    if (n < 1) {
      std::fprintf(stderr, "ISSA_INGEST_BATCHES must be a positive number\n");
      return 1;
    }
    for (benchmark::internal::Benchmark* b : {issa, peer}) b->Iterations(n);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  if (g_issa.wall > 0 && g_peer.wall > 0) {
    std::printf(
        "\ningest, %lld records per Write, audit entry per record (rates: records/s)\n"
        "                      wall-clock   per CPU-second   cores used\n"
        "  issa sqlite store : %10.0f   %14.0f   %10.2f   (30 %% with geometry)\n"
        "  peer bare insert  : %10.0f   %14.0f   %10.2f   (30 %% with geometry)\n"
        "  ratio issa/peer   : %10.3f   %14.3f\n",
        static_cast<long long>(kBatch), g_issa.wall, g_issa.cpu, g_issa.cores, g_peer.wall,
        g_peer.cpu, g_peer.cores, g_issa.wall / g_peer.wall, g_issa.cpu / g_peer.cpu);
    if (g_issa_flat.wall > 0) {
      std::printf("  issa, no geometry : %10.0f   %14.0f   %10.2f\n", g_issa_flat.wall,
                  g_issa_flat.cpu, g_issa_flat.cores);
    }
  }
  benchmark::Shutdown();
  return 0;
}
