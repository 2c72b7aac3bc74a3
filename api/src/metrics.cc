#include "metrics.h"

#include <fmt/format.h>

namespace issa::api {
namespace {

size_t StatusIndex(int status) {
  for (size_t i = 0; i < Metrics::kStatuses.size(); ++i) {
    if (Metrics::kStatuses[i] == status) return i;
  }
  return Metrics::kStatuses.size();
}

std::string EscapeLabel(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

Metrics::Metrics(std::vector<std::string> route_labels)
    : labels_(std::move(route_labels)), series_(new Series[labels_.size()]) {}

void Metrics::Record(size_t route, int status, uint64_t latency_us) {
  if (route >= labels_.size()) return;
  Series& s = series_[route];
  s.by_status[StatusIndex(status)].fetch_add(1, std::memory_order_relaxed);
  const double seconds = static_cast<double>(latency_us) / 1e6;
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.sum_us.fetch_add(latency_us, std::memory_order_relaxed);
}

uint64_t Metrics::Count(size_t route, int status) const {
  if (route >= labels_.size()) return 0;
  return series_[route].by_status[StatusIndex(status)].load(std::memory_order_relaxed);
}

std::string Metrics::Render(const node::NodeStats& stats, const ServerGauges& gauges) const {
  std::string out;
  out.reserve(16384);
  auto add = [&out](std::string_view s) { out.append(s); };
  add("# HELP issa_http_requests_total HTTP requests by route pattern and status.\n");
  add("# TYPE issa_http_requests_total counter\n");
  for (size_t r = 0; r < labels_.size(); ++r) {
    const std::string label = EscapeLabel(labels_[r]);
    for (size_t i = 0; i <= kStatuses.size(); ++i) {
      const uint64_t n = series_[r].by_status[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      const std::string code = i < kStatuses.size() ? std::to_string(kStatuses[i]) : "other";
      out += fmt::format("issa_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", label, code,
                         n);
    }
  }
  add("# HELP issa_http_request_duration_seconds Time from request read to response queued.\n");
  add("# TYPE issa_http_request_duration_seconds histogram\n");
  for (size_t r = 0; r < labels_.size(); ++r) {
    const Series& s = series_[r];
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) cumulative += s.buckets[b].load();
    if (cumulative == 0) continue;
    const std::string label = EscapeLabel(labels_[r]);
    cumulative = 0;
    for (size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += s.buckets[b].load(std::memory_order_relaxed);
      out += fmt::format("issa_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                         label, kBuckets[b], cumulative);
    }
    cumulative += s.buckets[kBuckets.size()].load(std::memory_order_relaxed);
    out += fmt::format("issa_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                       label, cumulative);
    out += fmt::format("issa_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", label,
                       static_cast<double>(s.sum_us.load(std::memory_order_relaxed)) / 1e6);
    out += fmt::format("issa_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", label,
                       cumulative);
  }
  auto metric = [&out](std::string_view name, std::string_view type, std::string_view help,
                       auto value) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
  };
  metric("issa_http_connections", "gauge", "Open HTTP connections.", gauges.connections);
  metric("issa_http_streams", "gauge", "Open server-sent event streams.", gauges.streams);
  metric("issa_http_pending_node_calls", "gauge", "Node calls queued or running.", gauges.pending);
  metric("issa_http_overload_rejected_total", "counter",
         "Requests refused with 503 because the worker queue was full.", gauges.rejected_overload);
  metric("issa_http_audit_dropped_total", "counter",
         "Audit events of rejected requests dropped because the worker queue was full.",
         gauges.audit_dropped);
  metric("issa_http_async_requests_total", "counter",
         "Requests answered without a worker thread (the node committed their audit entry "
         "asynchronously).",
         gauges.async_requests);
  metric("issa_node_records_written_total", "counter", "Record versions written.",
         stats.records_written);
  metric("issa_node_records_read_total", "counter", "Records read.", stats.records_read);
  metric("issa_node_hits_total", "counter", "Cross-match hits.", stats.hits);
  metric("issa_node_denied_total", "counter", "Denied requests.", stats.denied);
  metric("issa_node_invalid_total", "counter", "Invalid requests.", stats.invalid);
  metric("issa_node_match_index_size", "gauge", "Entries in the match index.",
         stats.match_index_size);
  metric("issa_node_subscribers", "gauge", "Stream subscribers.", stats.subscribers);
  return out;
}

}  // namespace issa::api
