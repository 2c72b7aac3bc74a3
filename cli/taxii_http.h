#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "issa/core/status.h"
#include "issa/cyber/taxii_client.h"

// An HTTP/1.1 GET for `issa taxii pull` over Boost.Beast: plain http, or https with
// OpenSSL verifying the server's certificate against the system's trust store and its name.
namespace issa::cli {

struct HttpAnswer {
  int status = 0;
  std::string content_type;
  std::string date_added_last;  // X-TAXII-Date-Added-Last
  std::string body;
};

// `authorization` is the whole header value ("Bearer …" or "Basic …"); `accept` the Accept.
// Unavailable when the server cannot be reached or the exchange fails (the URL in the message);
// ResourceExhausted when the body exceeds `max_body` bytes. `timeout` bounds the whole exchange
// (resolve, connect, TLS handshake, request, answer): past it, Unavailable naming the stage.
Result<HttpAnswer> HttpGet(const cyber::TaxiiUrl& url, std::string_view accept,
                           std::string_view authorization,
                           std::chrono::milliseconds timeout = std::chrono::seconds(60),
                           size_t max_body = size_t{256} << 20);

}  // namespace issa::cli
