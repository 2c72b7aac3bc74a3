#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "issa/api/server.h"
#include "issa/audit/chain.h"
#include "issa/core/time.h"
#include "issa/node/node.h"
#include "issa/storage/store.h"
#include "issa/storage_sqlite/sqlite_store.h"

#include "http_client.h"

namespace issa::integration {

enum class Backend { kMemory, kSqlite };

inline std::string BackendName(Backend b) { return b == Backend::kMemory ? "Memory" : "Sqlite"; }

// A real node (manual clock) behind a real HTTP server on 127.0.0.1:<ephemeral>.
class ApiHarness {
 public:
  static constexpr core::Timestamp kStart = 1'780'000'000'000;  // 2026-05-28T20:26:40Z

  // `before_start`, when set, may add services over the node to the options (e.g. EUROSUR).
  explicit ApiHarness(
      Backend backend, api::ServerOptions options = {},
      const std::function<void(node::Node&, api::ServerOptions&)>& before_start = {})
      : clock_(kStart) {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("issa_api_it_{}_{}", ::getpid(), counter.fetch_add(1));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto signer = [this](const std::string& m) { return key_.Sign(m); };
    if (backend == Backend::kMemory) {
      storage::MemoryStoreOptions so;
      so.signer = signer;
      store_ = storage::NewMemoryStore(so);
    } else {
      storage_sqlite::SqliteOptions so;
      so.path = (dir_ / "issa.db").string();
      so.signer = signer;
      auto s = storage_sqlite::OpenSqliteStore(so);
      if (!s.ok()) {
        ADD_FAILURE() << s.status().ToString();
        return;
      }
      store_ = std::move(s).value();
    }
    node::NodeOptions no;
    no.node_id = "it-node";
    no.store = store_.get();
    no.clock = &clock_;
    no.key = key_;  // seals masked data at retention
    no.import_dir = (dir_ / "import").string();
    std::filesystem::create_directories(no.import_dir);
    auto n = node::Node::Open(no);
    if (!n.ok()) {
      ADD_FAILURE() << n.status().ToString();
      return;
    }
    node_ = std::move(n).value();
    system_.principal = access::Principal::System();
    system_.request_id = "harness";
    system_.remote = "test";
    options.address = "127.0.0.1";
    options.port = 0;
    if (before_start) before_start(*node_, options);
    server_ = std::make_unique<api::Server>(*node_, options);
    const Status started = server_->Start();
    if (!started.ok()) ADD_FAILURE() << started.ToString();
  }

  ~ApiHarness() {
    if (server_) server_->Stop();
    server_.reset();
    node_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  bool ok() const { return server_ != nullptr && server_->port() != 0; }
  uint16_t port() const { return server_->port(); }
  node::Node& node() { return *node_; }
  // The node's import folder (POST /api/v1/imports reads only from here).
  std::filesystem::path import_dir() const { return dir_ / "import"; }
  core::ManualClock& clock() { return clock_; }
  const node::Context& system() const { return system_; }

  void AddAuthority(const std::string& id, const std::string& country, core::AuthorityKind kind) {
    auto a = node_->AddAuthority(system_, core::Authority{id, country, {kind}, id + " name", 0});
    ASSERT_TRUE(a.ok()) << a.status().ToString();
  }

  std::string Token(const std::string& authority, core::Role role, core::Classification clearance) {
    auto t = node_->CreateToken(system_, authority, role, clearance, "it user");
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? t->token : std::string();
  }

 private:
  std::filesystem::path dir_;
  audit::NodeKey key_ = audit::NodeKey::Generate();
  core::ManualClock clock_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<api::Server> server_;
  node::Context system_;
};

// Person JSON with a handling object and an optional point.
inline std::string PersonJson(const std::string& name, const std::string& birth_date,
                              const std::string& handling, double lon = 1000, double lat = 0) {
  std::string geometry = "null";
  if (lon < 999) geometry = fmt::format(R"({{"type":"Point","coordinates":[{},{}]}})", lon, lat);
  return fmt::format(
      R"({{"type":"Person","properties":{{"name":"{}","birth_date":"{}"}},"geometry":{},"handling":{}}})",
      name, birth_date, geometry, handling);
}

inline std::string Handling(const std::string& classification, const std::string& distribution,
                            const std::string& extra = {},
                            const std::string& purposes = R"(["crime"])") {
  return fmt::format(R"({{"classification":"{}","distribution":"{}","purposes":{}{}}})",
                     classification, distribution, purposes, extra);
}

}  // namespace issa::integration
