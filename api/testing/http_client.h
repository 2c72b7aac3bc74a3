#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

// A small blocking HTTP/1.1 client over one keep-alive loopback connection, and a server-sent
// events reader, for the api unit tests and tests/integration. Not thread-safe; test use only.
namespace issa::api::testing {

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = true;

  std::string Header(std::string_view name) const;
  nlohmann::json Json() const;  // null when the body is not JSON
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  explicit HttpClient(uint16_t port, std::string host = "127.0.0.1");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request on the kept-alive connection (reconnecting if the server closed it).
  // A bearer token is sent when `token` is not empty; a body with `content_type`.
  Response Request(std::string_view method, std::string_view target, std::string_view token = {},
                   std::string_view body = {}, std::string_view content_type = "application/json",
                   const Headers& headers = {});
  Response Get(std::string_view target, std::string_view token = {}) {
    return Request("GET", target, token);
  }
  Response Post(std::string_view target, std::string_view token, std::string_view body) {
    return Request("POST", target, token, body);
  }

  // Writes raw bytes on a fresh connection and returns everything read until the server closes
  // it or `timeout` passes.
  std::string Raw(std::string_view bytes,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

  // How many TCP connections this client has opened (keep-alive checks).
  int connects() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Reads an event stream on its own connection in a background thread.
class SseClient {
 public:
  SseClient(uint16_t port, std::string_view token, std::string_view target = "/api/v1/stream");
  ~SseClient();
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  // The response status and headers (waits up to `timeout` for them).
  int Status(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  std::string Header(std::string_view name) const;
  // Waits until the body text read so far contains `needle`.
  bool WaitFor(std::string_view needle,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // The body text read so far (chunk framing removed).
  std::string Text() const;
  bool closed() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace issa::api::testing
