#include <atomic>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "issa/api/server.h"
#include "issa/core/file.h"
#include "issa/cti/service.h"
#include "issa/cyber/warninglist.h"
#include "issa/eisas/advisory_service.h"
#include "issa/eurosur/service.h"
#include "issa/maritime/anomaly_json.h"
#include "issa/maritime/config.h"
#include "issa/maritime/picture.h"
#include "issa/maritime/replay.h"
#include "issa/piu/service.h"
#include "issa/server/data_dir.h"

namespace issa::server {
namespace {

constexpr std::string_view kAnomalyHandling =
    R"({"classification":"LIMITED","distribution":"all","purposes":["border"]})";

// The vessel picture fed by a replayed AIS log on its own thread; anomalies become Event
// records of the picture's authority.
class PictureFeed {
 public:
  PictureFeed(node::Node& node, node::Context owner, std::vector<maritime::PositionReport> reports,
              double speed, maritime::MaritimeConfig config)
      : node_(node),
        owner_(std::move(owner)),
        settings_(std::move(config.tracking)),
        picture_(
            settings_,
            [this](const maritime::Anomaly& a) {
              std::lock_guard lock(mu_);
              pending_.push_back(
                  maritime::AnomalyEventJson(a, settings_.anomalies, kAnomalyHandling));
            },
            [&node](const maritime::PictureReader& reader, std::string_view action,
                    std::string_view target, std::string_view outcome) {
              node.Audit(node::Context{reader.principal, reader.request_id, reader.remote}, action,
                         target, outcome, "");
            },
            std::move(config.geography)),
        replay_(std::move(reports), node.clock().Now(), speed) {}

  ~PictureFeed() { Stop(); }

  maritime::LivePicture& picture() { return picture_; }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    core::Timestamp next_sweep = 0;
    core::Timestamp next_publish = 0;
    while (!stop_) {
      const core::Timestamp now = node_.clock().Now();
      const std::vector<maritime::PositionReport> due = replay_.Due(now, true);
      if (replay_.restarted()) picture_.Clear();
      for (const maritime::PositionReport& r : due) picture_.Ingest(r);
      if (!due.empty() && due.back().time >= next_sweep) {
        picture_.SweepSilent(due.back().time);
        next_sweep = due.back().time + 60'000;
      }
      if (now >= next_publish) {
        picture_.Publish();
        next_publish = now + 1000;
      }
      Flush();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    Flush();
  }

  // Writes the anomalies found since the last call as Event records, one transaction.
  void Flush() {
    std::vector<std::string> events;
    {
      std::lock_guard lock(mu_);
      events.swap(pending_);
    }
    if (events.empty()) return;
    auto ids = node_.CreateRecords(owner_, events);
    if (!ids.ok()) {
      std::fprintf(stderr, "vessel picture: %zu anomaly events not recorded: %s\n", events.size(),
                   ids.status().ToString().c_str());
    }
  }

  node::Node& node_;
  node::Context owner_;
  maritime::TrackSettings settings_;
  std::mutex mu_;
  std::vector<std::string> pending_;
  maritime::LivePicture picture_;
  maritime::LiveReplay replay_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

Result<std::unique_ptr<PictureFeed>> OpenPictureFeed(OpenedNode& opened,
                                                     const ServeOptions& options) {
  if (options.ais_replay.empty()) return std::unique_ptr<PictureFeed>();
  if (options.picture_authority.empty()) {
    return InvalidArgument("an AIS feed needs the authority that owns the picture",
                           "picture_authority");
  }
  ISSA_ASSIGN_OR_RETURN(node::Context owner,
                        OperatorContext(*opened.node, options.picture_authority));
  owner.principal.user_id = "vessel-picture:" + options.picture_authority;
  owner.remote = "ais-feed";
  maritime::MaritimeConfig config;
  if (!options.maritime_config.empty()) {
    ISSA_ASSIGN_OR_RETURN(config, maritime::LoadMaritimeConfig(options.maritime_config));
  }
  ISSA_ASSIGN_OR_RETURN(const std::string bytes, core::ReadFile(options.ais_replay));
  maritime::ReplaySummary summary;
  std::vector<maritime::PositionReport> reports = maritime::DecodePositionReports(bytes, summary);
  if (reports.empty()) {
    return InvalidArgument(
        fmt::format("{}: no timed AIS position reports in it", options.ais_replay), "ais_replay");
  }
  std::fprintf(stderr, "vessel picture: replaying %zu position reports from %s at %gx\n",
               reports.size(), options.ais_replay.c_str(), options.replay_speed);
  return std::make_unique<PictureFeed>(*opened.node, std::move(owner), std::move(reports),
                                       options.replay_speed, std::move(config));
}

}  // namespace

Status Serve(OpenedNode& opened, const ServeOptions& options) {
  // SIGINT/SIGTERM are taken synchronously by this thread; every thread started below inherits
  // the blocked mask, so no handler runs in the middle of a transaction.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  ISSA_ASSIGN_OR_RETURN(std::unique_ptr<PictureFeed> feed, OpenPictureFeed(opened, options));

  api::ServerOptions o;
  o.address = options.address;
  o.port = options.port;
  o.threads = options.threads;
  o.web_root = options.web_root;
  o.picture = feed ? &feed->picture() : nullptr;
  eurosur::EurosurService eurosur(*opened.node);
  o.eurosur = &eurosur;
  eisas::AdvisoryOptions advisory_options;
  advisory_options.public_base_url =
      options.public_base_url.empty() ? fmt::format("http://{}:{}", options.address, options.port)
                                      : options.public_base_url;
  eisas::AdvisoryService advisories(*opened.node, advisory_options);
  o.advisories = &advisories;
  piu::PiuService piu_service(*opened.node);
  o.piu = &piu_service;
  // TAXII cursors are authenticated with a key derived from the node key (Ed25519 signatures are
  // deterministic), so they stay valid across restarts and across processes of this node.
  cti::CtiOptions cti_options;
  cti_options.cursor_key = opened.key.Sign("issa:taxii-cursor-key:v1");
  cti_options.title = opened.node->node_id();
  cyber::WarningLists warning_lists;
  if (!options.warning_lists_dir.empty()) {
    std::vector<cyber::WarningListProblem> problems =
        warning_lists.LoadDirectory(options.warning_lists_dir);
    for (cyber::WarningListProblem& p : warning_lists.Compile()) problems.push_back(std::move(p));
    for (const cyber::WarningListProblem& p : problems) {
      std::fprintf(stderr, "warning list %s: %s\n", p.source.c_str(), p.status.ToString().c_str());
    }
    cti_options.warning_lists = &warning_lists;
  }
  if (!options.confidence_model.empty()) {
    ISSA_ASSIGN_OR_RETURN(std::string text, core::ReadFile(options.confidence_model));
    ISSA_ASSIGN_OR_RETURN(cti_options.confidence, cyber::ParseConfidenceModel(text));
  }
  ISSA_ASSIGN_OR_RETURN(std::unique_ptr<cti::CtiService> cti,
                        cti::CtiService::Open(*opened.node, cti_options));
  o.cti = cti.get();
  api::Server http(*opened.node, o);
  ISSA_RETURN_IF_ERROR(http.Start());
  if (feed) feed->Start();
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
        std::fprintf(stderr, "retention: %llu deleted, %llu depersonalised (%llu masked)\n",
                     static_cast<unsigned long long>(report->deleted),
                     static_cast<unsigned long long>(report->depersonalised),
                     static_cast<unsigned long long>(report->masked));
      }
      next_retention = now + options.retention_interval_ms;
    }
    timespec timeout{1, 0};
    const int sig = sigtimedwait(&signals, nullptr, &timeout);
    if (sig == SIGINT || sig == SIGTERM) break;
  }
  std::fprintf(stderr, "shutting down\n");
  if (feed) feed->Stop();
  http.Stop();
  return Status::Ok();
}

}  // namespace issa::server
