#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "issa/core/status.h"

namespace issa::node {
class Node;
}  // namespace issa::node

namespace issa::maritime {
class LivePicture;
}  // namespace issa::maritime

namespace issa::eisas {
class AdvisoryService;
}  // namespace issa::eisas
namespace issa::eurosur {
class EurosurService;
}  // namespace issa::eurosur

namespace issa::piu {
class PiuService;
}  // namespace issa::piu

namespace issa::api::detail {
class ServerImpl;
}  // namespace issa::api::detail

// The node's HTTP/1.1 JSON API (see docs/api.md): routes under /api/v1, /healthz, /metrics,
// server-sent events at /api/v1/stream, and optional static files. Handlers are thin: they
// parse, call the node with the caller's Context, and render; the node and its store decide
// what a caller may see.
namespace issa::api {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;                // 0 = ephemeral; port() tells the bound one after Start()
  int threads = 2;                  // I/O threads (Asio)
  size_t max_body_bytes = 1 << 20;  // larger request bodies get 413
  std::string web_root;             // static files served at / when set
  // Node calls block (the store commits audit entries), so they run on a bounded pool of
  // worker threads and their responses are posted back to the connection.
  int worker_threads = 16;
  size_t max_pending = 4096;      // queued node calls beyond this get 503
  size_t max_streams = 256;       // concurrent /api/v1/stream connections beyond this get 429
  int heartbeat_seconds = 15;     // SSE heartbeat comment interval
  int idle_timeout_seconds = 60;  // keep-alive connections idle this long are closed
  // The live vessel picture served under /api/v1/maritime (borrowed, outlives the Server);
  // those routes answer 404 when null.
  maritime::LivePicture* picture = nullptr;
  // EUROSUR workflows and situational pictures under /api/v1/eurosur (borrowed, outlives the
  // Server); those routes answer 404 when null.
  eurosur::EurosurService* eurosur = nullptr;
  // EISAS advisories: the public pages under /advisories and /api/v1/advisories (borrowed,
  // outlives the Server); those routes answer 404 when null.
  eisas::AdvisoryService* advisories = nullptr;
  // PIU and border-check workflows under /api/v1/piu (borrowed, outlives the Server); those
  // routes answer 404 when null (re-personalisation routes call the node and always work).
  piu::PiuService* piu = nullptr;
};

// An HTTP server over a Node. Start() binds and launches the I/O and worker threads; Stop()
// closes the listener and every connection (streams included), waits for running node calls
// and joins all threads. Stop() is thread-safe and idempotent; the destructor calls it.
// The Node is borrowed and must outlive the Server.
// Errors: Start() returns InvalidArgument for a bad address, Unavailable if the port cannot be
// bound, FailedPrecondition when already started, NotFound for a missing web_root.
class Server {
 public:
  Server(node::Node& node, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Status Start();
  // The bound port (0 before Start()).
  uint16_t port() const;
  void Stop();

 private:
  std::unique_ptr<detail::ServerImpl> impl_;
};

}  // namespace issa::api
