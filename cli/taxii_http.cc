#include "taxii_http.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
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

Status Failed(const cyber::TaxiiUrl& url, std::string_view step, const beast::error_code& ec) {
  return Unavailable(fmt::format("{}: {}: {}", cyber::TaxiiUrlText(url), step, ec.message()));
}

// One request and its answer on a connected stream.
template <typename Stream>
Result<HttpAnswer> Exchange(Stream& stream, const cyber::TaxiiUrl& url, std::string_view accept,
                            std::string_view authorization, size_t max_body) {
  http::request<http::empty_body> req{http::verb::get, url.target, 11};
  const bool default_port = url.port == (url.scheme == "https" ? 443 : 80);
  req.set(http::field::host, default_port ? url.host : fmt::format("{}:{}", url.host, url.port));
  req.set(http::field::user_agent, "issa-taxii-pull/1");
  req.set(http::field::accept, std::string(accept));
  if (!authorization.empty()) req.set(http::field::authorization, std::string(authorization));
  req.keep_alive(false);
  beast::error_code ec;
  http::write(stream, req, ec);
  if (ec) return Failed(url, "sending the request", ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_body);
  http::read(stream, buffer, parser, ec);
  if (ec == http::error::body_limit)
    return ResourceExhausted(
        fmt::format("{}: the answer is larger than {} bytes", cyber::TaxiiUrlText(url), max_body));
  if (ec) return Failed(url, "reading the answer", ec);
  auto& res = parser.get();
  HttpAnswer out;
  out.status = static_cast<int>(res.result_int());
  out.content_type = std::string(res[http::field::content_type]);
  out.date_added_last = std::string(res["X-TAXII-Date-Added-Last"]);
  out.body = std::move(res.body());
  return out;
}

}  // namespace

Result<HttpAnswer> HttpGet(const cyber::TaxiiUrl& url, std::string_view accept,
                           std::string_view authorization, std::chrono::seconds timeout,
                           size_t max_body) {
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  std::string host = url.host;
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const auto endpoints = resolver.resolve(host, std::to_string(url.port), ec);
  if (ec) return Failed(url, "resolving the host", ec);
  if (url.scheme == "http") {
    beast::tcp_stream stream(ioc);
    stream.expires_after(timeout);
    stream.connect(endpoints, ec);
    if (ec) return Failed(url, "connecting", ec);
    return Exchange(stream, url, accept, authorization, max_body);
  }
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_default_verify_paths(ec);
  if (ec) return Failed(url, "loading the trust store", ec);
  ctx.set_verify_mode(ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  // SNI (SSL_set_tlsext_host_name without its C cast).
  if (SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               static_cast<void*>(host.data())) != 1)
    return Unavailable(fmt::format("{}: cannot set the TLS server name", cyber::TaxiiUrlText(url)));
  stream.set_verify_callback(ssl::host_name_verification(host));
  beast::get_lowest_layer(stream).expires_after(timeout);
  beast::get_lowest_layer(stream).connect(endpoints, ec);
  if (ec) return Failed(url, "connecting", ec);
  stream.handshake(ssl::stream_base::client, ec);
  if (ec) return Failed(url, "TLS handshake", ec);
  auto answer = Exchange(stream, url, accept, authorization, max_body);
  stream.shutdown(ec);  // the answer is complete; a peer that just closes is fine
  return answer;
}

}  // namespace issa::cli
