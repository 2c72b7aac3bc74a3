#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "http.h"

// Parsing of raw HTTP/1.1 request bytes with the same parser settings and conversion the
// server uses (Beast lives only in server.cc). For the fuzzer and tests; no network.
namespace issa::api {

constexpr size_t kMaxHeaderBytes = 16 * 1024;

struct ParsedRequest {
  HttpRequest request;
  // 0 when a complete request was parsed; otherwise the HTTP status the server answers with
  // (400 malformed, 413 body too large, 431 header too large) and a message.
  int error_status = 0;
  std::string error;
  bool complete = false;  // false: the bytes end before the message does
};

ParsedRequest ParseHttpRequest(std::string_view raw, size_t max_body_bytes);

}  // namespace issa::api
