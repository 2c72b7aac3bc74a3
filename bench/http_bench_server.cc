// A node over a freshly seeded SQLite store behind api::Server, for bench/http_bench.sh: prints
// one JSON line {"port","token","record"} once it listens, then serves until SIGINT or
// SIGTERM arrives.
//
// Usage: http_bench_server [--threads N] [--workers N] [--records N] [--memory] [--dir PATH]
//                          [--node-only SECONDS]
// --node-only: no server; `workers` threads call the node as GET /api/v1/records/{id} does, for
// SECONDS, and print the rate (the ceiling the HTTP layer is compared with).
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "issa/api/server.h"
#include "issa/audit/chain.h"
#include "issa/node/node.h"
#include "issa/storage/store.h"
#include "issa/storage_sqlite/sqlite_store.h"

namespace {

int Fail(const issa::Status& s) {
  fmt::print(stderr, "http_bench_server: {}\n", s.ToString());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2;
  double node_only_seconds = 0;
  int workers = 16;
  int records = 1000;
  bool memory = false;
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("issa_http_bench_{}", ::getpid());
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--threads") {
      threads = std::atoi(next().c_str());
    } else if (a == "--workers") {
      workers = std::atoi(next().c_str());
    } else if (a == "--records") {
      records = std::atoi(next().c_str());
    } else if (a == "--node-only") {
      node_only_seconds = std::atof(next().c_str());
    } else if (a == "--memory") {
      memory = true;
    } else if (a == "--dir") {
      dir = next();
    } else {
      fmt::print(stderr, "unknown argument {}\n", a);
      return 2;
    }
  }
  // Signals are taken synchronously by the main thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const issa::audit::NodeKey key = issa::audit::NodeKey::Generate();
  auto signer = [&key](const std::string& m) { return key.Sign(m); };
  std::unique_ptr<issa::storage::Store> store;
  if (memory) {
    issa::storage::MemoryStoreOptions o;
    o.signer = signer;
    store = issa::storage::NewMemoryStore(o);
  } else {
    issa::storage_sqlite::SqliteOptions o;
    o.path = (dir / "issa.db").string();
    o.signer = signer;
    auto s = issa::storage_sqlite::OpenSqliteStore(o);
    if (!s.ok()) return Fail(s.status());
    store = std::move(s).value();
  }
  issa::node::NodeOptions no;
  no.node_id = "bench-node";
  no.store = store.get();
  auto opened = issa::node::Node::Open(no);
  if (!opened.ok()) return Fail(opened.status());
  std::unique_ptr<issa::node::Node> node = std::move(opened).value();
  issa::node::Context system;
  system.principal = issa::access::Principal::System();
  system.remote = "bench";
  if (auto a = node->AddAuthority(
          system, {"IT-NCC", "IT", {issa::core::AuthorityKind::kBorder}, "Bench authority", 0});
      !a.ok()) {
    return Fail(a.status());
  }
  auto token = node->CreateToken(system, "IT-NCC", issa::core::Role::kOfficer,
                                 issa::core::Classification::kConfidential, "bench");
  if (!token.ok()) return Fail(token.status());
  issa::node::Context officer;
  officer.principal = *node->Authenticate(token->token, "bench");
  officer.remote = "bench";
  std::vector<std::string> batch;
  std::string record_id;
  for (int i = 0; i < records; ++i) {
    batch.push_back(fmt::format(
        R"({{"type":"Person","properties":{{"name":"Bench Person {}","birth_date":"{}-01-01"}},)"
        R"("geometry":{{"type":"Point","coordinates":[{},{}]}},)"
        R"("handling":{{"classification":"LIMITED","distribution":"owner","purposes":["crime"]}}}})",
        i, 1900 + i % 120, 10 + (i % 100) * 0.01, 45 + (i / 100) * 0.01));
    if (batch.size() == 500 || i + 1 == records) {
      auto ids = node->CreateRecords(officer, batch);
      if (!ids.ok()) return Fail(ids.status());
      if (record_id.empty() && !ids->empty()) record_id = ids->at(ids->size() / 2);
      batch.clear();
    }
  }

  if (node_only_seconds > 0) {
    // The ceiling without HTTP: `workers` threads calling what GET /api/v1/records/{id} calls.
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> done{0};
    std::vector<std::jthread> callers;
    for (int t = 0; t < workers; ++t) {
      callers.emplace_back([&] {
        while (!stop.load()) {
          auto p = node->Authenticate(token->token, "bench");
          issa::node::Context ctx{*p, "bench", "bench"};
          auto r = node->GetRecord(ctx, record_id);
          if (!r.ok()) std::abort();
          const std::string body = node->RenderRecord(ctx, *r);
          if (body.empty()) std::abort();
          done.fetch_add(1);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(node_only_seconds));
    stop.store(true);
    callers.clear();
    fmt::print("node-only: {} threads, {:.0f} GetRecord/s\n", workers,
               static_cast<double>(done.load()) / node_only_seconds);
    node.reset();
    store.reset();
    std::filesystem::remove_all(dir);
    return 0;
  }

  issa::api::ServerOptions so;
  so.threads = threads;
  so.worker_threads = workers;
  issa::api::Server server(*node, so);
  if (const issa::Status s = server.Start(); !s.ok()) return Fail(s);
  fmt::print("{{\"port\":{},\"token\":\"{}\",\"record\":\"{}\"}}\n", server.port(), token->token,
             record_id);
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  server.Stop();
  node.reset();
  store.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
