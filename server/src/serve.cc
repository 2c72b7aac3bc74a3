#include <csignal>
#include <cstdio>
#include <ctime>

#include <fmt/format.h>

#include "issa/api/server.h"
#include "issa/server/data_dir.h"

namespace issa::server {

Status Serve(OpenedNode& opened, const ServeOptions& options) {
  // SIGINT/SIGTERM are taken synchronously by this thread; every thread started below inherits
  // the blocked mask, so no handler runs in the middle of a transaction.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  api::ServerOptions o;
  o.address = options.address;
  o.port = options.port;
  o.threads = options.threads;
  o.web_root = options.web_root;
  api::Server http(*opened.node, o);
  ISSA_RETURN_IF_ERROR(http.Start());
  if (options.on_listening) options.on_listening(http.port());

  const node::Context system = SystemContext();
  core::Timestamp next_retention = 0;
  for (;;) {
    const core::Timestamp now = opened.node->clock().Now();
    if (options.retention_interval_ms > 0 && now >= next_retention) {
      auto report = opened.node->RunRetention(system);
      if (!report.ok()) {
        std::fprintf(stderr, "retention failed: %s\n", report.status().ToString().c_str());
      } else if (report->deleted + report->depersonalised > 0) {
        std::fprintf(stderr, "retention: %llu deleted, %llu depersonalised\n",
                     static_cast<unsigned long long>(report->deleted),
                     static_cast<unsigned long long>(report->depersonalised));
      }
      next_retention = now + options.retention_interval_ms;
    }
    timespec timeout{1, 0};
    const int sig = sigtimedwait(&signals, nullptr, &timeout);
    if (sig == SIGINT || sig == SIGTERM) break;
  }
  std::fprintf(stderr, "shutting down\n");
  http.Stop();
  return Status::Ok();
}

}  // namespace issa::server
