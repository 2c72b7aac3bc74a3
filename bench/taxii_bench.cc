// TAXII 2.1 figures of issue 6 (a main with a report, not a Google Benchmark):
//  1. ingest: STIX indicators posted through CtiService::AddObjects on one thread (validation
//     against the STIX schemas, pattern parsing, node record validation, audit) -> objects/s;
//  2. paging: GET .../objects/?limit=100 following `next` over loopback HTTP against api::Server
//     (2 I/O threads), several client threads -> pages/s, p50/p99 latency, resident memory.
// The peer is OASIS medallion: it cannot run here (PyPI only), so its published figure from the
// research notes is printed with the ratio: 236 s for the first page of a 10,000-object
// collection (memory backend, Flask dev server), and 15–40 ms per `next` page.
//
// Usage: taxii_bench [--objects N] [--dir PATH] [--pages N] [--clients N] [--keep]
//                    [--serve SECONDS]
//   --dir: a data folder; a store already holding the objects is reused (no ingest).
//   --serve: no client threads; serve for SECONDS and print the URL and token, for an outside
//     client (wrk with bench/taxii_next.lua), then the server's CPU time and memory.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <unistd.h>

#include "issa/api/server.h"
#include "issa/audit/chain.h"
#include "issa/cti/service.h"
#include "issa/node/node.h"
#include "issa/storage/store.h"
#include "issa/storage_sqlite/sqlite_store.h"

namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

int Fail(const issa::Status& s) {
  fmt::print(stderr, "taxii_bench: {}\n", s.ToString());
  return 1;
}

double CpuSeconds(int who = RUSAGE_SELF) {
  rusage u{};
  getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmRSS:")) return std::atol(line.c_str() + 6);
  }
  return 0;
}

std::string Indicator(uint64_t n) {
  return fmt::format(
      R"({{"type":"indicator","spec_version":"2.1","id":"indicator--{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","name":"C2 address {}","indicator_types":["malicious-activity"],"pattern_type":"stix","pattern":"[ipv4-addr:value = '10.{}.{}.{}']","valid_from":"2024-01-01T00:00:00Z","object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}})",
      n, n % 0xFFFF, n % 0xFFF, (n * 7) % 0xFFF, n * 2654435761ULL % 0xFFFFFFFFFFFF, n,
      (n >> 16) & 255, (n >> 8) & 255, n & 255);
}

struct Get {
  tcp::socket socket;
  boost::beast::flat_buffer buffer;
  Get(boost::asio::io_context& io, uint16_t port) : socket(io) {
    tcp::resolver resolver(io);
    boost::asio::connect(socket, resolver.resolve("127.0.0.1", std::to_string(port)));
  }
  std::string Fetch(const std::string& target, const std::string& token, int& status) {
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::accept, "application/taxii+json;version=2.1");
    req.set(http::field::authorization, "Bearer " + token);
    http::write(socket, req);
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    status = res.result_int();
    return std::move(res.body());
  }
};

}  // namespace

int main(int argc, char** argv) {
  uint64_t objects = 1'000'000;
  int pages = 5000;
  int clients = 4;
  bool keep = false;
  int serve_seconds = 0;
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("issa_taxii_bench_{}", ::getpid());
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--objects") {
      objects = std::strtoull(next().c_str(), nullptr, 10);
    } else if (a == "--pages") {
      pages = std::atoi(next().c_str());
    } else if (a == "--clients") {
      clients = std::atoi(next().c_str());
    } else if (a == "--dir") {
      dir = next();
      keep = true;
    } else if (a == "--serve") {
      serve_seconds = std::atoi(next().c_str());
    } else if (a == "--keep") {
      keep = true;
    } else {
      fmt::print(stderr,
                 "usage: taxii_bench [--objects N] [--dir PATH] [--pages N] "
                 "[--clients N] [--keep] [--serve SECONDS]\n");
      return 2;
    }
  }
  std::filesystem::create_directories(dir);
  // A fixed key per folder, so that a reused store verifies.
  const std::filesystem::path key_file = dir / "bench.key";
  issa::audit::NodeKey key = issa::audit::NodeKey::Generate();
  if (std::filesystem::exists(key_file)) {
    std::ifstream in(key_file);
    std::string hex;
    in >> hex;
    auto k = issa::audit::NodeKey::FromSecretHex(hex);
    if (!k.ok()) return Fail(k.status());
    key = *k;
  } else {
    std::ofstream(key_file) << key.SecretHex() << "\n";
  }
  issa::storage_sqlite::SqliteOptions so;
  so.path = (dir / "issa.db").string();
  so.signer = [&key](const std::string& m) { return key.Sign(m); };
  auto store = issa::storage_sqlite::OpenSqliteStore(so);
  if (!store.ok()) return Fail(store.status());
  issa::node::NodeOptions no;
  no.node_id = "taxii-bench";
  no.store = store->get();
  auto node = issa::node::Node::Open(no);
  if (!node.ok()) return Fail(node.status());
  issa::node::Context system;
  system.principal = issa::access::Principal::System();
  system.remote = "bench";
  (void)(*node)->AddAuthority(system, {"NL-CERT", "NL", {issa::core::AuthorityKind::kCert}, "", 0});
  auto token = (*node)->CreateToken(system, "NL-CERT", issa::core::Role::kOfficer,
                                    issa::core::Classification::kRestricted, "bench");
  if (!token.ok()) return Fail(token.status());
  auto principal = (*node)->Authenticate(token->token, "bench");
  if (!principal.ok()) return Fail(principal.status());
  const issa::node::Context ctx{*principal, "bench", "bench"};
  issa::cti::CtiOptions co;
  co.cursor_key = key.Sign("issa:taxii-cursor-key:v1");
  auto cti = issa::cti::CtiService::Open(**node, co);
  if (!cti.ok()) return Fail(cti.status());
  const std::string collection = issa::cti::CtiService::AuthorityCollectionId("NL-CERT");

  fmt::print("machine: {} cores; objects {}; clients {}\n", std::thread::hardware_concurrency(),
             objects, clients);
  // 1. Ingest, one thread.
  uint64_t have = 0;
  {
    auto first = (*cti)->GetObjects(ctx, collection, "limit=1");
    if (first.ok() && first->json.find("\"objects\"") != std::string::npos) {
      // Count roughly by the last page would cost a scan; trust the folder.
      have = objects;
    }
  }
  if (have == 0) {
    const uint64_t batch = 10'000;
    fmt::print("load average at the ingest's start: {}\n", LoadAverage());
    const double cpu0 = CpuSeconds(RUSAGE_SELF);
    const double thread0 = CpuSeconds(RUSAGE_THREAD);
    const auto t0 = Clock::now();
    uint64_t written = 0;
    double in_calls = 0;  // CPU of the calling thread inside CtiService::AddObjects
    for (uint64_t start = 0; start < objects; start += batch) {
      std::string body = R"({"objects":[)";
      const uint64_t end = std::min(objects, start + batch);
      for (uint64_t n = start; n < end; ++n) {
        if (n > start) body += ',';
        body += Indicator(n);
      }
      body += "]}";
      std::istringstream in(body);
      const double call0 = CpuSeconds(RUSAGE_THREAD);
      auto status = (*cti)->AddObjects(ctx, collection, in);
      in_calls += CpuSeconds(RUSAGE_THREAD) - call0;
      if (!status.ok()) return Fail(status.status());
      // The status is parsed only when it reports failures (the client's side of the exchange
      // is not what is measured).
      if (status->find(R"("failure_count":0,)") == std::string::npos) {
        const auto j = nlohmann::json::parse(*status);
        fmt::print(stderr, "failures: {}\n", j["failures"][0].dump());
        return 1;
      }
      written += end - start;
      if (start % 100'000 == 0) {
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        fmt::print(stderr, "  ingested {} ({:.0f}/s)\n", written, written / std::max(s, 1e-9));
      }
    }
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    fmt::print(
        "ingest: {} STIX indicators in {:.1f} s = {:.0f} objects/s (one thread: STIX "
        "schema validation, pattern parsing, record validation, correlation (the node's StixObject "
        "matcher), audit; batches of 10,000)\n",
        written, s, written / s);
    const double cpu = CpuSeconds(RUSAGE_SELF) - cpu0;
    const double thread = CpuSeconds(RUSAGE_THREAD) - thread0;
    fmt::print(
        "ingest CPU: {:.1f} s for the process = {:.0f} objects per CPU-second; the calling "
        "thread {:.1f} s = {:.0f} objects per CPU-second (the rest is the store's writer "
        "thread)\n",
        cpu, written / cpu, thread, written / thread);
    fmt::print(
        "ingest CPU inside AddObjects (the calling thread, without building the requests): "
        "{:.1f} s = {:.0f} objects per CPU-second, {:.1f} us per object\n",
        in_calls, written / in_calls, in_calls * 1e6 / written);
  } else {
    fmt::print("ingest: reusing the store in {}\n", dir.string());
  }
  fmt::print("resident memory after ingest: {} MB\n", RssKb() / 1024);
  {
    uintmax_t bytes = 0;
    for (const char* f : {"issa.db", "issa.db-wal"}) {
      std::error_code ec;
      const uintmax_t n = std::filesystem::file_size(dir / f, ec);
      if (!ec) bytes += n;
    }
    fmt::print("store size (issa.db and its WAL): {:.1f} MB\n", bytes / 1e6);
  }

  // 2. Paging over HTTP.
  issa::api::ServerOptions o;
  o.address = "127.0.0.1";
  o.threads = 2;
  o.cti = cti->get();
  issa::api::Server server(**node, o);
  if (auto s = server.Start(); !s.ok()) return Fail(s);
  const uint16_t port = server.port();
  const std::string base = "/taxii2/cti/collections/" + collection + "/objects/?limit=100";
  if (serve_seconds > 0) {
    fmt::print("serving http://127.0.0.1:{}{} for {} s\ntoken {}\nload average {}\n", port, base,
               serve_seconds, token->token, LoadAverage());
    std::fflush(stdout);
    const double cpu0 = CpuSeconds();
    std::this_thread::sleep_for(std::chrono::seconds(serve_seconds));
    fmt::print("server CPU {:.2f} s over {} s; resident memory {} MB\n", CpuSeconds() - cpu0,
               serve_seconds, RssKb() / 1024);
    server.Stop();
    return 0;
  }
  // Warm the caches a long-running server has (the token, the collection table).
  {
    boost::asio::io_context io;
    Get get(io, port);
    int status = 0;
    (void)get.Fetch(base, token->token, status);
    if (status != 200) return Fail(issa::Internal(fmt::format("warm-up page: HTTP {}", status)));
  }
  fmt::print("load average at the paging run's start: {}\n", LoadAverage());
  const double cpu0 = CpuSeconds();
  std::atomic<int> remaining{pages};
  std::atomic<int> errors{0};
  std::vector<std::vector<double>> latencies(clients);
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      boost::asio::io_context io;
      Get get(io, port);
      std::string next;
      while (remaining.fetch_sub(1) > 0) {
        const std::string target = next.empty() ? base : base + "&next=" + next;
        const auto a = Clock::now();
        int status = 0;
        const std::string body = get.Fetch(target, token->token, status);
        latencies[c].push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
        if (status != 200) {
          ++errors;
          next.clear();
          continue;
        }
        // The envelope starts {"more":true,"next":"…" (keys sorted); a client that only pages
        // needs no full parse (which would cost the shared cores more than the server does).
        next.clear();
        if (body.starts_with(R"({"more":true,"next":")")) {
          const size_t from = std::string_view(R"({"more":true,"next":")").size();
          next = body.substr(from, body.find('"', from) - from);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  const auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  const double cpu = CpuSeconds() - cpu0;
  const double rate = all.size() / secs;
  fmt::print(
      "paging: {} pages of 100 (GET objects/?limit=100 following next, {} clients, "
      "server 2 I/O threads) in {:.2f} s = {:.0f} pages/s; p50 {:.2f} ms, p99 {:.2f} ms, "
      "max {:.2f} ms; errors {}\n",
      all.size(), clients, secs, rate, pct(0.50), pct(0.99), all.empty() ? 0 : all.back(),
      errors.load());
  fmt::print(
      "CPU time (server and clients, one process, getrusage): {:.2f} s = {:.0f} pages per "
      "CPU-second; {:.0f} us of CPU per page\n",
      cpu, all.size() / cpu, cpu * 1e6 / all.size());
  fmt::print("resident memory (server and clients, one process): {} MB; peak {} MB\n",
             RssKb() / 1024, [] {
               rusage u{};
               getrusage(RUSAGE_SELF, &u);
               return u.ru_maxrss / 1024;
             }());
  // The peer: medallion's published figures (not run here: PyPI only).
  const double medallion_first_page_s = 236.0;
  fmt::print(
      "peer (published, not run): medallion 236 s for the first page of a 10,000-object "
      "collection = {:.4f} pages/s; ratio {:.0f}x. medallion next pages 15-40 ms; ours p50 "
      "{:.2f} ms on a {}-object collection\n",
      1.0 / medallion_first_page_s, rate * medallion_first_page_s, pct(0.50), objects);
  server.Stop();
  if (!keep) std::filesystem::remove_all(dir);
  return errors.load() == 0 ? 0 : 1;
}
