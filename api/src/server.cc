// The only translation unit that includes Boost.Beast/Asio (compile time): listener,
// keep-alive connections, the worker pool for node calls, and server-sent event streams.
#include "issa/api/server.h"

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "issa/node/node.h"

#include "errors.h"
#include "http_parse.h"
#include "service.h"

namespace issa::api {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr size_t kMaxStreamBacklog = 4 << 20;  // bytes queued for one slow stream client

bool IsHttpParseError(const beast::error_code& ec) {
  return &ec.category() == &http::make_error_code(http::error::bad_target).category();
}

HttpRequest ToRequest(http::request<http::string_body>& m) {
  HttpRequest r;
  r.method_text.assign(m.method_string().data(), m.method_string().size());
  r.method = ParseMethod(r.method_text);
  r.target.assign(m.target().data(), m.target().size());
  if (auto it = m.find(http::field::authorization); it != m.end()) {
    r.authorization.assign(it->value().data(), it->value().size());
  }
  if (auto it = m.find(http::field::content_type); it != m.end()) {
    r.content_type.assign(it->value().data(), it->value().size());
  }
  if (auto it = m.find(http::field::accept); it != m.end()) {
    r.accept.assign(it->value().data(), it->value().size());
  }
  if (auto it = m.find(http::field::host); it != m.end()) {
    r.host.assign(it->value().data(), it->value().size());
  }
  r.has_body = m.has_content_length() || m.chunked();
  r.body = std::move(m.body());
  return r;
}

// The status and message for a request that could not be read.
std::pair<int, std::string> ReadError(const beast::error_code& ec, size_t max_body) {
  if (ec == http::error::body_limit) {
    return {413, fmt::format("request body exceeds the limit of {} bytes", max_body)};
  }
  if (ec == http::error::header_limit) {
    return {431, fmt::format("request header exceeds the limit of {} bytes", kMaxHeaderBytes)};
  }
  return {400, "malformed HTTP request: " + ec.message()};
}

// Events a stream client has not been sent yet; filled by node threads.
struct StreamQueue {
  std::mutex mu;
  std::string pending;
  bool closed = false;
  bool wake_posted = false;
  bool overflow = false;
};

std::string FormatEvent(const node::Notice& n) {
  std::string out;
  out.reserve(n.json.size() + n.kind.size() + n.id.size() + 32);
  auto clean = [](std::string_view s) {
    std::string c(s);
    for (char& ch : c) {
      if (ch == '\n' || ch == '\r') ch = ' ';
    }
    return c;
  };
  out += "event: ";
  out += clean(n.kind);
  out += "\nid: ";
  out += clean(n.id);
  out += '\n';
  size_t pos = 0;
  while (pos <= n.json.size()) {
    size_t nl = n.json.find('\n', pos);
    if (nl == std::string::npos) nl = n.json.size();
    std::string_view line(n.json.data() + pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += "data: ";
    out += line;
    out += '\n';
    pos = nl + 1;
  }
  out += '\n';
  return out;
}

}  // namespace

ParsedRequest ParseHttpRequest(std::string_view raw, size_t max_body_bytes) {
  ParsedRequest out;
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(max_body_bytes);
  parser.header_limit(kMaxHeaderBytes);
  beast::error_code ec;
  size_t offset = 0;
  while (offset < raw.size() && !parser.is_done()) {
    const size_t used = parser.put(net::buffer(raw.data() + offset, raw.size() - offset), ec);
    offset += used;
    if (ec == http::error::need_more) {
      ec = {};
      if (used == 0) break;
      continue;
    }
    if (ec) break;
    if (used == 0) break;
  }
  if (!ec && !parser.is_done() && parser.is_header_done()) {
    parser.put_eof(ec);  // a body delimited by the end of input
  }
  if (ec && ec != http::error::need_more) {
    auto [status, message] = ReadError(ec, max_body_bytes);
    out.error_status = status;
    out.error = std::move(message);
    return out;
  }
  if (!parser.is_done()) return out;
  out.complete = true;
  out.request = ToRequest(parser.get());
  return out;
}

// ---- ServerImpl -----------------------------------------------------------------------------

class Session;

namespace detail {

class ServerImpl {
 public:
  ServerImpl(node::Node& node, ServerOptions options)
      : options_(std::move(options)),
        service_(node, options_),
        acceptor_(net::make_strand(ioc_)),
        accept_backoff_(acceptor_.get_executor()) {
    std::random_device rd;
    request_prefix_ = fmt::format("{:08x}", rd());
    service_.SetGaugeSource([this] {
      ServerGauges g;
      g.connections = connections_.load();
      g.streams = streams_.load();
      g.pending = pending_.load();
      g.rejected_overload = rejected_.load();
      g.audit_dropped = audit_dropped_.load();
      g.async_requests = async_requests_.load();
      return g;
    });
  }

  ~ServerImpl() { Stop(); }
  ServerImpl(const ServerImpl&) = delete;
  ServerImpl& operator=(const ServerImpl&) = delete;

  Status Start();
  void Stop();
  uint16_t port() const { return port_.load(); }

  // Runs `task` on the worker pool unless the queue is full.
  bool Submit(std::function<void()> task) {
    if (pending_.fetch_add(1) >= static_cast<int64_t>(options_.max_pending)) {
      pending_.fetch_sub(1);
      return false;
    }
    net::post(*workers_, [this, task = std::move(task)] {
      try {
        task();
      } catch (const std::exception& e) {
        LogLine(fmt::format("worker task failed: {}", e.what()));
      }
      pending_.fetch_sub(1);
    });
    return true;
  }

  // Counts an async node call until the returned token is destroyed (after its response was
  // handed to the connection); null when the server is stopping.
  std::shared_ptr<void> BeginAsync() {
    if (stopping_.load()) return nullptr;
    async_in_flight_.fetch_add(1);
    return std::shared_ptr<void>(static_cast<void*>(this), [this](void*) {
      if (async_in_flight_.fetch_sub(1) == 1) {
        std::lock_guard lock(async_mu_);
        async_cv_.notify_all();
      }
    });
  }

  // Audits a request refused before it reached a handler, without blocking the caller.
  void AuditAsync(HttpRequest req, std::string action, std::string detail) {
    if (stopping_.load()) return;
    const bool queued =
        Submit([this, req = std::move(req), action = std::move(action),
                detail = std::move(detail)] { service_.AuditRejected(req, action, detail); });
    if (!queued) audit_dropped_.fetch_add(1);
  }

  std::string NextRequestId() {
    return fmt::format("{}-{:x}", request_prefix_, request_counter_.fetch_add(1) + 1);
  }

  void Register(const std::shared_ptr<Session>& s);
  void Unregister(Session* s) {
    std::lock_guard lock(sessions_mu_);
    sessions_.erase(s);
  }

  bool AcquireStream() {
    if (streams_.fetch_add(1) >= static_cast<int64_t>(options_.max_streams)) {
      streams_.fetch_sub(1);
      return false;
    }
    return true;
  }
  void ReleaseStream() { streams_.fetch_sub(1); }

  const ServerOptions& options() const { return options_; }
  Service& service() { return service_; }
  bool stopping() const { return stopping_.load(); }
  std::atomic<int64_t>& connections() { return connections_; }
  void CountRejected() { rejected_.fetch_add(1); }
  void CountAsync() { async_requests_.fetch_add(1); }

 private:
  void DoAccept();

  ServerOptions options_;
  Service service_;
  // Counters and the session registry outlive the I/O objects below (declared first).
  std::atomic<int64_t> connections_{0};
  std::atomic<int64_t> streams_{0};
  std::atomic<int64_t> pending_{0};
  std::atomic<int64_t> async_in_flight_{0};
  std::atomic<uint64_t> async_requests_{0};
  std::mutex async_mu_;
  std::condition_variable async_cv_;
  std::atomic<uint64_t> rejected_{0};
  std::atomic<uint64_t> audit_dropped_{0};
  std::atomic<uint64_t> request_counter_{0};
  std::string request_prefix_;
  std::mutex sessions_mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint16_t> port_{0};
  std::mutex state_mu_;
  bool started_ = false;
  bool stopped_ = false;

  net::io_context ioc_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  tcp::acceptor acceptor_;
  net::steady_timer accept_backoff_;
  std::unique_ptr<net::thread_pool> workers_;
  std::vector<std::jthread> io_threads_;
};

}  // namespace detail

using detail::ServerImpl;

// ---- Session ----------------------------------------------------------------------------------

// One connection: reads requests one at a time (keep-alive), runs cheap handlers inline and node
// calls on the worker pool, and may turn into an event stream. All its handlers run on its
// strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ServerImpl& server)
      : stream_(std::move(socket)), server_(server), heartbeat_(stream_.get_executor()) {
    server_.connections().fetch_add(1);
    beast::error_code ec;
    const tcp::endpoint ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = fmt::format("{}:{}", ep.address().to_string(), ep.port());
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }

  ~Session() {
    server_.Unregister(this);
    server_.connections().fetch_sub(1);
  }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->DoRead(); });
  }

  // Closes the connection (server shutdown). Any thread.
  void Shutdown() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->streaming_) {
        self->CloseStream();
      } else {
        self->CloseSocket();
      }
    });
  }

 private:
  void DoRead() {
    if (server_.stopping()) return CloseSocket();
    parser_.emplace();
    parser_->body_limit(server_.options().max_body_bytes);
    parser_->header_limit(kMaxHeaderBytes);
    stream_.expires_after(std::chrono::seconds(server_.options().idle_timeout_seconds));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t /*bytes*/) {
    if (ec) {
      if (IsHttpParseError(ec) && ec != http::error::end_of_stream &&
          ec != http::error::partial_message) {
        auto [status, message] = ReadError(ec, server_.options().max_body_bytes);
        HttpRequest req;
        req.remote = remote_;
        req.request_id = server_.NextRequestId();
        req.method_text = "?";
        if (parser_) {  // the request line, when it was parsed
          const auto& h = parser_->get();
          if (!h.method_string().empty()) {
            req.method_text.assign(h.method_string().data(), h.method_string().size());
          }
          req.target.assign(h.target().data(), h.target().size());
        }
        server_.AuditAsync(req, "http.invalid", message);
        version_ = 11;
        keep_alive_ = false;
        started_ = std::chrono::steady_clock::now();
        metric_ = server_.service().router().routes().size();  // "unmatched"
        HttpResponse r = ErrorResponse(InvalidArgument(message, status == 413 ? "body" : ""),
                                       req.request_id, status);
        r.close = true;
        return Send(std::move(r), req.request_id);
      }
      return CloseSocket();
    }
    started_ = std::chrono::steady_clock::now();
    http::request<http::string_body>& msg = parser_->get();
    version_ = msg.version();
    keep_alive_ = msg.keep_alive();
    auto req = std::make_shared<HttpRequest>(ToRequest(msg));
    req->remote = remote_;
    req->request_id = server_.NextRequestId();
    auto routed = std::make_shared<Routed>(server_.service().Route(*req));
    metric_ = routed->metric;
    switch (routed->exec) {
      case Exec::kInline: {
        HttpResponse r = server_.service().Handle(*req, *routed);
        return Send(std::move(r), req->request_id);
      }
      case Exec::kAsync: {
        if (HandleAsync(req, routed)) return;
        return HandleOnWorker(req, routed);
      }
      case Exec::kWorker:
        return HandleOnWorker(req, routed);
      case Exec::kStream: {
        auto self = shared_from_this();
        const bool queued = server_.Submit([self, req, routed] {
          try {
            self->OpenStream(req, routed);
          } catch (const std::exception& e) {
            auto r =
                std::make_shared<HttpResponse>(ErrorResponse(Internal(e.what()), req->request_id));
            net::post(self->stream_.get_executor(),
                      [self, r, req] { self->Send(std::move(*r), req->request_id); });
          }
        });
        if (!queued) return Overloaded(*req);
        return;
      }
    }
  }

  // Runs the blocking pipeline on the worker pool and posts the response back.
  void HandleOnWorker(const std::shared_ptr<HttpRequest>& req,
                      const std::shared_ptr<Routed>& routed) {
    auto self = shared_from_this();
    const bool queued = server_.Submit([self, req, routed] {
      HttpResponse r;
      try {
        r = self->server_.service().Handle(*req, *routed);
      } catch (const std::exception& e) {
        r = ErrorResponse(Internal(e.what()), req->request_id);
      }
      net::post(self->stream_.get_executor(),
                [self, r = std::make_shared<HttpResponse>(std::move(r)), req]() mutable {
                  self->Send(std::move(*r), req->request_id);
                });
    });
    if (!queued) Overloaded(*req);
  }

  // Offers the request to the route's async handler on this I/O thread. The response is built
  // and sent on this connection's strand when the node answers. In-flight calls are counted so
  // that Stop waits for them (the node's callback uses the Service).
  bool HandleAsync(const std::shared_ptr<HttpRequest>& req, const std::shared_ptr<Routed>& routed) {
    auto self = shared_from_this();
    auto in_flight = server_.BeginAsync();
    if (!in_flight) return false;
    const Responder respond = [self, req, in_flight](std::function<HttpResponse()> make) {
      net::post(self->stream_.get_executor(), [self, req, make = std::move(make)] {
        HttpResponse r;
        try {
          r = make();
        } catch (const std::exception& e) {
          r = ErrorResponse(Internal(e.what()), req->request_id);
        }
        self->Send(std::move(r), req->request_id);
      });
    };
    try {
      const bool accepted = server_.service().HandleAsync(*req, *routed, respond);
      if (accepted) server_.CountAsync();
      return accepted;
    } catch (const std::exception& e) {
      // Thrown before the node took the call (it never throws after): the worker path answers.
      LogLine(fmt::format("async handler failed: {}", e.what()));
      return false;
    }
  }

  void Overloaded(const HttpRequest& req) {
    server_.CountRejected();
    Send(ErrorResponse(Unavailable("the server is overloaded; retry later"), req.request_id),
         req.request_id);
  }

  void Send(HttpResponse r, const std::string& request_id) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started_);
    server_.service().metrics().Record(metric_, r.status, static_cast<uint64_t>(elapsed.count()));
    res_ = {};
    res_.version(version_);
    res_.result(static_cast<unsigned>(r.status));
    res_.set(http::field::server, "issa");
    res_.set(http::field::content_type, r.content_type);
    res_.set("X-Request-Id", request_id);
    bool has_cache_control = false;
    for (auto& [name, value] : r.headers) {
      has_cache_control = has_cache_control || name == "Cache-Control";
      res_.set(name, value);
    }
    if (!has_cache_control) res_.set(http::field::cache_control, "no-store");
    res_.body() = std::move(r.body);
    res_.keep_alive(keep_alive_ && !r.close && !server_.stopping());
    res_.prepare_payload();
    stream_.expires_after(kWriteTimeout);
    http::async_write(
        stream_, res_,
        beast::bind_front_handler(&Session::OnWrite, shared_from_this(), !res_.keep_alive()));
  }

  void OnWrite(bool close, beast::error_code ec, size_t /*bytes*/) {
    if (ec) return CloseSocket();
    if (close) return LingeringClose();
    DoRead();
  }

  // Ends the connection after a final response: stops sending, then reads and discards what
  // the client still sends (e.g. the rest of an oversized body) for a short while, so that it
  // receives the response instead of a reset.
  void LingeringClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec || server_.stopping()) return CloseSocket();
    stream_.expires_after(std::chrono::seconds(2));
    DrainInput();
  }

  void DrainInput() {
    stream_.async_read_some(net::buffer(sink_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->CloseSocket();
                              self->DrainInput();
                            });
  }

  void CloseSocket() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  // ---- Server-sent events ----

  // On a worker thread: authenticates and subscribes, then hands over to the strand.
  void OpenStream(const std::shared_ptr<HttpRequest>& req, const std::shared_ptr<Routed>& routed) {
    auto self = shared_from_this();
    auto result = server_.service().AuthorizeStream(*req, *routed);
    if (auto* error = std::get_if<HttpResponse>(&result)) {
      auto r = std::make_shared<HttpResponse>(std::move(*error));
      net::post(stream_.get_executor(),
                [self, r, req] { self->Send(std::move(*r), req->request_id); });
      return;
    }
    if (!server_.AcquireStream()) {
      auto r = std::make_shared<HttpResponse>(
          ErrorResponse(ResourceExhausted(fmt::format("too many open streams (limit {})",
                                                      server_.options().max_streams)),
                        req->request_id));
      net::post(stream_.get_executor(),
                [self, r, req] { self->Send(std::move(*r), req->request_id); });
      return;
    }
    auto queue = std::make_shared<StreamQueue>();
    std::weak_ptr<Session> weak = self;
    auto executor = stream_.get_executor();
    Service::StreamGrant grant = std::get<Service::StreamGrant>(std::move(result));
    auto on_notice = [queue, weak, executor](const node::Notice& notice) {
      std::string event = FormatEvent(notice);
      bool post = false;
      {
        std::lock_guard lock(queue->mu);
        if (queue->closed) return;
        if (queue->pending.size() + event.size() > kMaxStreamBacklog) {
          queue->overflow = true;
        } else {
          queue->pending += event;
        }
        post = !queue->wake_posted;
        queue->wake_posted = true;
      }
      if (post) {
        net::post(executor, [weak] {
          if (auto s = weak.lock()) s->FlushStream();
        });
      }
    };
    Result<std::unique_ptr<node::Node::Subscription>> subscription =
        Status(StatusCode::kInternal, "not subscribed");
    try {
      subscription = server_.service().SubscribeStream(grant, std::move(on_notice));
    } catch (...) {
      server_.ReleaseStream();
      throw;
    }
    if (!subscription.ok()) {
      server_.ReleaseStream();
      auto r =
          std::make_shared<HttpResponse>(ErrorResponse(subscription.status(), req->request_id));
      net::post(stream_.get_executor(),
                [self, r, req] { self->Send(std::move(*r), req->request_id); });
      return;
    }
    auto sub = std::shared_ptr<node::Node::Subscription>(std::move(subscription).value());
    net::post(stream_.get_executor(),
              [self, sub, queue, req] { self->BeginStream(sub, queue, *req); });
  }

  void BeginStream(std::shared_ptr<node::Node::Subscription> sub,
                   std::shared_ptr<StreamQueue> queue, const HttpRequest& req) {
    streaming_ = true;
    subscription_ = std::move(sub);
    queue_ = std::move(queue);
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started_);
    server_.service().metrics().Record(metric_, 200, static_cast<uint64_t>(elapsed.count()));
    if (server_.stopping()) return CloseStream();
    stream_res_.version(version_);
    stream_res_.result(http::status::ok);
    stream_res_.set(http::field::server, "issa");
    stream_res_.set(http::field::content_type, "text/event-stream");
    stream_res_.set(http::field::cache_control, "no-store");
    stream_res_.set("X-Request-Id", req.request_id);
    stream_res_.set("X-Accel-Buffering", "no");
    stream_res_.chunked(true);
    stream_serializer_.emplace(stream_res_);
    {
      std::lock_guard lock(queue_->mu);
      queue_->pending.insert(0, "retry: 3000\n: connected\n\n");
    }
    stream_.expires_never();
    writing_ = true;
    http::async_write_header(stream_, *stream_serializer_,
                             [self = shared_from_this()](beast::error_code ec, size_t) {
                               self->writing_ = false;
                               if (ec) return self->CloseStream();
                               self->ArmHeartbeat();
                               self->ReadSink();
                               self->FlushStream();
                             });
  }

  void ArmHeartbeat() {
    heartbeat_.expires_after(std::chrono::seconds(server_.options().heartbeat_seconds));
    heartbeat_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->stream_closed_) return;
      {
        std::lock_guard lock(self->queue_->mu);
        self->queue_->pending += ": heartbeat\n\n";
      }
      self->FlushStream();
      self->ArmHeartbeat();
    });
  }

  // Reads (and ignores) anything the client sends, to notice when it goes away.
  void ReadSink() {
    stream_.async_read_some(net::buffer(sink_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->CloseStream();
                              self->ReadSink();
                            });
  }

  void FlushStream() {
    if (stream_closed_ || writing_ || !queue_) return;
    bool overflow = false;
    {
      std::lock_guard lock(queue_->mu);
      queue_->wake_posted = false;
      overflow = queue_->overflow;
      stream_buf_.swap(queue_->pending);
      queue_->pending.clear();
    }
    if (overflow) return CloseStream();
    if (stream_buf_.empty()) return;
    writing_ = true;
    net::async_write(stream_, http::make_chunk(net::buffer(stream_buf_)),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->writing_ = false;
                       self->stream_buf_.clear();
                       if (ec) return self->CloseStream();
                       self->FlushStream();
                     });
  }

  void CloseStream() {
    if (stream_closed_) return;
    stream_closed_ = true;
    if (queue_) {
      std::lock_guard lock(queue_->mu);
      queue_->closed = true;
      queue_->pending.clear();
    }
    heartbeat_.cancel();
    if (subscription_) {
      subscription_.reset();
      server_.ReleaseStream();
    }
    CloseSocket();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  ServerImpl& server_;
  std::string remote_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  std::chrono::steady_clock::time_point started_;
  size_t metric_ = 0;

  // Stream state (strand only, except queue_'s contents).
  bool streaming_ = false;
  bool stream_closed_ = false;
  bool writing_ = false;
  std::shared_ptr<StreamQueue> queue_;
  std::shared_ptr<node::Node::Subscription> subscription_;
  http::response<http::empty_body> stream_res_;
  std::optional<http::response_serializer<http::empty_body>> stream_serializer_;
  std::string stream_buf_;
  net::steady_timer heartbeat_;
  std::array<char, 512> sink_{};
};

// ---- ServerImpl methods ---------------------------------------------------------------------

namespace detail {

void ServerImpl::Register(const std::shared_ptr<Session>& s) {
  std::lock_guard lock(sessions_mu_);
  sessions_.emplace(s.get(), s);
}

Status ServerImpl::Start() {
  std::lock_guard lock(state_mu_);
  if (started_) return FailedPrecondition("server already started");
  if (!options_.web_root.empty()) {
    std::error_code fec;
    if (!std::filesystem::is_directory(options_.web_root, fec)) {
      return NotFound("web_root is not a directory: " + options_.web_root);
    }
  }
  if (options_.threads < 1 || options_.worker_threads < 1 || options_.max_body_bytes == 0 ||
      options_.heartbeat_seconds < 1) {
    return InvalidArgument(
        "threads, worker_threads, max_body_bytes and heartbeat_seconds must "
        "be positive");
  }
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(options_.address, ec);
  if (ec) return InvalidArgument("bad listen address: " + options_.address, "address");
  const tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return Unavailable(
        fmt::format("cannot listen on {}:{}: {}", options_.address, options_.port, ec.message()));
  }
  port_.store(acceptor_.local_endpoint(ec).port());
  started_ = true;
  workers_ = std::make_unique<net::thread_pool>(static_cast<size_t>(options_.worker_threads));
  work_.emplace(net::make_work_guard(ioc_));
  DoAccept();
  for (int i = 0; i < options_.threads; ++i) {
    io_threads_.emplace_back([this] { ioc_.run(); });
  }
  return Status::Ok();
}

void ServerImpl::DoAccept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // E.g. out of file descriptors: retry shortly instead of spinning.
      LogLine(fmt::format("accept failed: {}", ec.message()));
      accept_backoff_.expires_after(std::chrono::milliseconds(100));
      accept_backoff_.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && acceptor_.is_open()) DoAccept();
      });
      return;
    }
    if (stopping_.load()) {
      beast::error_code ignored;
      socket.close(ignored);
      return;
    }
    auto session = std::make_shared<Session>(std::move(socket), *this);
    Register(session);
    session->Start();
    DoAccept();
  });
}

void ServerImpl::Stop() {
  std::lock_guard lock(state_mu_);
  if (!started_ || stopped_) return;
  stopped_ = true;
  stopping_.store(true);
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
    accept_backoff_.cancel();
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard sessions_lock(sessions_mu_);
    for (auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->Shutdown();
  live.clear();
  // Running node calls finish and post their responses (to closed sockets).
  workers_->join();
  {
    std::unique_lock async_lock(async_mu_);
    async_cv_.wait(async_lock, [this] { return async_in_flight_.load() == 0; });
  }
  work_.reset();
  for (auto& t : io_threads_) t.join();
  io_threads_.clear();
}

}  // namespace detail

// ---- Server -----------------------------------------------------------------------------------

Server::Server(node::Node& node, ServerOptions options)
    : impl_(std::make_unique<ServerImpl>(node, std::move(options))) {}

Server::~Server() = default;

Status Server::Start() { return impl_->Start(); }

uint16_t Server::port() const { return impl_->port(); }

void Server::Stop() { impl_->Stop(); }

}  // namespace issa::api
