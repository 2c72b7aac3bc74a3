#include "http_client.h"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace issa::api::testing {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string Response::Header(std::string_view name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

nlohmann::json Response::Json() const {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

struct HttpClient::State {
  net::io_context ioc;
  std::string host;
  uint16_t port = 0;
  std::unique_ptr<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  int connects = 0;

  void Connect() {
    stream = std::make_unique<beast::tcp_stream>(ioc);
    stream->expires_after(std::chrono::seconds(10));
    stream->connect(tcp::endpoint(net::ip::make_address(host), port));
    buffer.clear();
    ++connects;
  }
};

HttpClient::HttpClient(uint16_t port, std::string host) : state_(std::make_unique<State>()) {
  state_->host = std::move(host);
  state_->port = port;
}

HttpClient::~HttpClient() {
  if (state_->stream) {
    beast::error_code ec;
    state_->stream->socket().shutdown(tcp::socket::shutdown_both, ec);
  }
}

int HttpClient::connects() const { return state_->connects; }

Response HttpClient::Request(std::string_view method, std::string_view target,
                             std::string_view token, std::string_view body,
                             std::string_view content_type, const Headers& headers) {
  http::request<http::string_body> req;
  req.method_string(beast::string_view(method.data(), method.size()));
  req.target(beast::string_view(target.data(), target.size()));
  req.version(11);
  req.set(http::field::host, state_->host);
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + std::string(token));
  if (!body.empty()) {
    req.set(http::field::content_type,
            beast::string_view(content_type.data(), content_type.size()));
    req.body() = std::string(body);
  }
  for (const auto& [k, v] : headers) req.set(k, v);
  req.keep_alive(true);
  req.prepare_payload();
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!state_->stream) state_->Connect();
    beast::error_code ec;
    state_->stream->expires_after(std::chrono::seconds(30));
    http::write(*state_->stream, req, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    if (!ec) http::read(*state_->stream, state_->buffer, parser, ec);
    if (ec) {
      state_->stream.reset();
      if (attempt == 0) continue;
      throw std::runtime_error("HTTP request failed: " + ec.message());
    }
    auto& res = parser.get();
    Response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
      out.headers[Lower(std::string_view(f.name_string().data(), f.name_string().size()))] =
          std::string(f.value().data(), f.value().size());
    }
    out.body = std::move(res.body());
    out.keep_alive = res.keep_alive();
    if (!out.keep_alive) state_->stream.reset();
    return out;
  }
  throw std::runtime_error("unreachable");
}

std::string HttpClient::Raw(std::string_view bytes, std::chrono::milliseconds timeout) {
  beast::tcp_stream stream(state_->ioc);
  stream.connect(tcp::endpoint(net::ip::make_address(state_->host), state_->port));
  stream.expires_after(timeout);
  beast::error_code ec;
  net::write(stream, net::buffer(bytes.data(), bytes.size()), ec);
  std::string out;
  char buf[4096];
  while (true) {
    stream.expires_after(timeout);
    const size_t n = stream.read_some(net::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

// ---- SSE ----------------------------------------------------------------------------------------

struct SseClient::State {
  net::io_context ioc;
  std::unique_ptr<beast::tcp_stream> stream;
  mutable std::mutex mu;
  std::condition_variable cv;
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string text;
  bool closed = false;
  std::thread reader;
};

SseClient::SseClient(uint16_t port, std::string_view token, std::string_view target)
    : state_(std::make_shared<State>()) {
  state_->stream = std::make_unique<beast::tcp_stream>(state_->ioc);
  state_->stream->connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::empty_body> req;
  req.method(http::verb::get);
  req.target(beast::string_view(target.data(), target.size()));
  req.version(11);
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::accept, "text/event-stream");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + std::string(token));
  http::write(*state_->stream, req);
  state_->reader = std::thread([s = state_] {
    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    beast::error_code ec;
    http::read_header(*s->stream, buffer, parser, ec);
    {
      std::lock_guard lock(s->mu);
      if (!ec) {
        s->status = static_cast<int>(parser.get().result_int());
        for (const auto& f : parser.get()) {
          s->headers[Lower(std::string_view(f.name_string().data(), f.name_string().size()))] =
              std::string(f.value().data(), f.value().size());
        }
      } else {
        s->closed = true;
      }
    }
    s->cv.notify_all();
    char buf[4096];
    while (!ec && !parser.is_done()) {
      parser.get().body().data = buf;
      parser.get().body().size = sizeof(buf);
      http::read_some(*s->stream, buffer, parser, ec);
      if (ec == http::error::need_buffer) ec = {};
      const size_t n = sizeof(buf) - parser.get().body().size;
      {
        std::lock_guard lock(s->mu);
        s->text.append(buf, n);
      }
      s->cv.notify_all();
    }
    {
      std::lock_guard lock(s->mu);
      s->closed = true;
    }
    s->cv.notify_all();
  });
}

SseClient::~SseClient() {
  beast::error_code ec;
  state_->stream->socket().shutdown(tcp::socket::shutdown_both, ec);
  if (state_->reader.joinable()) state_->reader.join();
  state_->stream->socket().close(ec);
}

int SseClient::Status(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mu);
  state_->cv.wait_for(lock, timeout, [&] { return state_->status != 0 || state_->closed; });
  return state_->status;
}

std::string SseClient::Header(std::string_view name) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->headers.find(Lower(name));
  return it == state_->headers.end() ? std::string() : it->second;
}

bool SseClient::WaitFor(std::string_view needle, std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mu);
  return state_->cv.wait_for(lock, timeout, [&] {
    return state_->text.find(needle) != std::string::npos || state_->closed;
  }) && state_->text.find(needle) != std::string::npos;
}

std::string SseClient::Text() const {
  std::lock_guard lock(state_->mu);
  return state_->text;
}

bool SseClient::closed() const {
  std::lock_guard lock(state_->mu);
  return state_->closed;
}

}  // namespace issa::api::testing
