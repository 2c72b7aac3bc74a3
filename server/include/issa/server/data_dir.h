#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "issa/audit/chain.h"
#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/node/node.h"
#include "issa/storage/store.h"

// The composition root: a node's data folder (store, key, schemas, import folder) opened into a
// running Node, and `issa serve`. No business logic lives here.
//
// Layout of a data folder:
//   issa.db (+ -wal, -shm)  the SQLite store        node.key   Ed25519 secret key (mode 0600)
//   node.pub                 the public key          node.id    the node's id
//   schemas/                 record type schemas     import/    files POST /imports may read
namespace issa::server {

// Creates a data folder. AlreadyExists if it already holds a node.
Status InitDataDir(const std::string& dir, const std::string& node_id);

// An opened node. Members are destroyed in reverse order: the node before its store.
struct OpenedNode {
  std::string dir;
  std::string node_id;
  audit::NodeKey key = audit::NodeKey::Generate();
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<node::Node> node;
};

struct OpenOptions {
  const core::Clock* clock = nullptr;  // system clock when null
  double match_threshold = 0.80;
};

// Opens an initialised data folder (FailedPrecondition if it is not one).
Result<std::unique_ptr<OpenedNode>> OpenDataDir(const std::string& dir, OpenOptions options = {});

// Verifies the audit chain of a data folder against the node's public key (node.pub).
Result<audit::VerifyReport> VerifyAuditChain(const std::string& dir);

// A local operator's context acting for an authority (the command line); role admin, clearance
// CONFIDENTIAL, the authority's default purposes.
Result<node::Context> OperatorContext(node::Node& node, const std::string& authority);
node::Context SystemContext();

struct DemoToken {
  std::string authority;
  std::string role;
  std::string clearance;
  std::string token;
};
// Seeds the demo scenario: authorities of four member states and an EU agency, records with
// mixed handling, a Joint Investigation Team, and cross-match hits between silos.
Result<std::vector<DemoToken>> SeedDemo(node::Node& node);

struct ServeOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;
  int threads = 2;
  std::string web_root;
  core::Timestamp retention_interval_ms = 3'600'000;
  // Called once the server listens, with its port (e.g. to print the URL).
  std::function<void(uint16_t port)> on_listening;
  // A recorded AIS log (NMEA) played as a live feed into the node's vessel picture
  // (/api/v1/maritime); none when empty. It starts over when it ends.
  std::string ais_replay;
  double replay_speed = 1;      // times real time
  std::string maritime_config;  // the picture's thresholds and geography (TOML); defaults if empty
  // The authority that owns the picture's anomaly Event records (shared with all participants
  // for the border purpose, LIMITED). Required with ais_replay.
  std::string picture_authority;
  // The absolute base of the public advisory pages (/advisories), for the Atom feed's links and
  // the CSAF documents' references; http://<address>:<port> when empty.
  std::string public_base_url;
  // MISP warning lists (<dir>/*/list.json): values hitting them are flagged and not correlated
  // (docs/cyber.md, "Warning lists"); none when empty.
  std::string warning_lists_dir;
  // The indicator confidence model (JSON, cyber::ParseConfidenceModel); the default when empty.
  std::string confidence_model;
};

// Serves the node until SIGINT or SIGTERM; runs retention periodically.
Status Serve(OpenedNode& opened, const ServeOptions& options);

}  // namespace issa::server
