#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "issa/node/node.h"

// Prometheus counters of the HTTP layer. Lock-free; thread-safe.
namespace issa::api {

struct ServerGauges {
  int64_t connections = 0;
  int64_t streams = 0;
  int64_t pending = 0;  // node calls queued or running on the worker pool
  uint64_t rejected_overload = 0;
  uint64_t audit_dropped = 0;
  uint64_t async_requests = 0;  // answered without a worker thread (Exec::kAsync, accepted)
};

class Metrics {
 public:
  // One series per label (route pattern, plus "unmatched" and "static" added by the caller).
  explicit Metrics(std::vector<std::string> route_labels);

  void Record(size_t route, int status, uint64_t latency_us);
  uint64_t Count(size_t route, int status) const;

  // The text exposition format (version 0.0.4).
  std::string Render(const node::NodeStats& stats, const ServerGauges& gauges) const;

  // Latency bucket bounds in seconds (the +Inf bucket is implicit).
  static constexpr std::array<double, 13> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  // Status codes counted individually; others count as "other".
  static constexpr std::array<int, 20> kStatuses = {200, 201, 204, 206, 304, 400, 401,
                                                    403, 404, 405, 409, 412, 413, 415,
                                                    429, 431, 500, 501, 503, 505};

 private:
  struct Series {
    std::array<std::atomic<uint64_t>, kStatuses.size() + 1> by_status{};
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> sum_us{0};
  };
  std::vector<std::string> labels_;
  std::unique_ptr<Series[]> series_;
};

}  // namespace issa::api
