#include "taxii_http.h"

#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>

namespace issa::cli {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

Status Failed(const cyber::TaxiiUrl& url, std::string_view stage, const beast::error_code& ec) {
  return Unavailable(fmt::format("{}: {}: {}", cyber::TaxiiUrlText(url), stage, ec.message()));
}

// The state one exchange shares with HttpGet: the stage it is in (for a timeout message) and,
// once it ends, its outcome.
struct Exchange {
  const cyber::TaxiiUrl& url;
  std::string_view accept;
  std::string_view authorization;
  size_t max_body;
  std::string_view stage = "resolving the host";
  std::optional<Result<HttpAnswer>> outcome;
};

// Sends the GET and reads its answer on a connected (and, for https, handshaken) stream.
template <typename Stream>
net::awaitable<Result<HttpAnswer>> Converse(Stream& stream, Exchange& ex) {
  const cyber::TaxiiUrl& url = ex.url;
  http::request<http::empty_body> req{http::verb::get, url.target, 11};
  const bool default_port = url.port == (url.scheme == "https" ? 443 : 80);
  req.set(http::field::host, default_port ? url.host : fmt::format("{}:{}", url.host, url.port));
  req.set(http::field::user_agent, "issa-taxii-pull/1");
  req.set(http::field::accept, std::string(ex.accept));
  if (!ex.authorization.empty()) req.set(http::field::authorization, std::string(ex.authorization));
  req.keep_alive(false);
  beast::error_code ec;
  ex.stage = "sending the request";
  co_await http::async_write(stream, req, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return Failed(url, ex.stage, ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(ex.max_body);

  ex.stage = "reading the answer";
  // The head first: Beast 1.74's eager parse of a head and body that arrive together skips the
  // Content-Length check against the body limit.
  co_await http::async_read_header(stream, buffer, parser,
                                   net::redirect_error(net::use_awaitable, ec));
  if (!ec)
    co_await http::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
  if (ec == http::error::body_limit)
    co_return ResourceExhausted(fmt::format("{}: the answer is larger than {} bytes",
                                            cyber::TaxiiUrlText(url), ex.max_body));
  if (ec) co_return Failed(url, ex.stage, ec);
  auto& res = parser.get();
  HttpAnswer out;
  out.status = static_cast<int>(res.result_int());
  out.content_type = std::string(res[http::field::content_type]);
  out.date_added_last = std::string(res["X-TAXII-Date-Added-Last"]);
  out.body = std::move(res.body());
  co_return out;
}

// The whole exchange: resolve, connect, (TLS handshake,) write, read. `ctx` is null for http.
net::awaitable<void> Run(Exchange& ex, const std::string& host, ssl::context* ctx) {
  const cyber::TaxiiUrl& url = ex.url;
  auto executor = co_await net::this_coro::executor;
  beast::error_code ec;
  tcp::resolver resolver(executor);
  const auto endpoints = co_await resolver.async_resolve(
      host, std::to_string(url.port), net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    ex.outcome = Failed(url, ex.stage, ec);
    co_return;
  }
  if (ctx == nullptr) {
    beast::tcp_stream stream(executor);
    ex.stage = "connecting";
    co_await stream.async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      ex.outcome = Failed(url, ex.stage, ec);
      co_return;
    }
    ex.outcome = co_await Converse(stream, ex);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(executor, *ctx);
  // SNI (SSL_set_tlsext_host_name without its C cast) for a DNS name only: RFC 6066 3 forbids
  // an IP literal as server name. The certificate is checked against the host either way.
  boost::system::error_code not_ip;
  net::ip::make_address(host, not_ip);
  if (not_ip &&
      SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(host.c_str())) != 1) {  // NOLINT: OpenSSL's C API
    ex.outcome =
        Unavailable(fmt::format("{}: cannot set the TLS server name", cyber::TaxiiUrlText(url)));
    co_return;
  }
  stream.set_verify_callback(ssl::host_name_verification(host));
  ex.stage = "connecting";
  co_await beast::get_lowest_layer(stream).async_connect(
      endpoints, net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    ex.outcome = Failed(url, ex.stage, ec);
    co_return;
  }
  ex.stage = "TLS handshake";
  co_await stream.async_handshake(ssl::stream_base::client,
                                  net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    ex.outcome = Failed(url, ex.stage, ec);
    co_return;
  }
  ex.outcome = co_await Converse(stream, ex);
  if (ex.outcome->ok()) {
    // The answer is complete; a peer that just closes (or never answers the close) is fine.
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
    co_await stream.async_shutdown(net::redirect_error(net::use_awaitable, ec));
  }
}

}  // namespace

Result<HttpAnswer> HttpGet(const cyber::TaxiiUrl& url, std::string_view accept,
                           std::string_view authorization, std::chrono::milliseconds timeout,
                           size_t max_body) {
  std::string host = url.host;
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  std::optional<ssl::context> ctx;
  if (url.scheme == "https") {
    ctx.emplace(ssl::context::tls_client);
    beast::error_code ec;
    ctx->set_default_verify_paths(ec);
    if (ec) return Failed(url, "loading the trust store", ec);
    ctx->set_verify_mode(ssl::verify_peer);
  }
  Exchange ex{url, accept, authorization, max_body, "resolving the host", std::nullopt};
  {
    // Every step is asynchronous, so the deadline bounds the whole exchange (Beast's stream
    // timeouts do not apply to blocking calls). Leaving this scope destroys what is still
    // pending and closes the socket.
    net::io_context ioc;
    net::co_spawn(ioc, Run(ex, host, ctx ? &*ctx : nullptr), net::detached);
    ioc.run_for(timeout);
  }
  if (ex.outcome) return std::move(*ex.outcome);
  return Unavailable(fmt::format("{}: timed out after {} ms while {}", cyber::TaxiiUrlText(url),
                                 timeout.count(), ex.stage));
}

}  // namespace issa::cli
