// HttpGet against loopback servers written here: a normal answer, a server that accepts and
// never answers, one that stalls half-way through its answer, and a silent https peer.
#include "taxii_http.h"

#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <thread>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

namespace issa::cli {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// Accepts one connection on an ephemeral loopback port and hands it to `serve`; keeps the
// socket open until the test lets it go (so a stalled server stays stalled, not closed).
class LoopbackServer {
 public:
  explicit LoopbackServer(std::function<void(tcp::socket&)> serve)
      : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this, serve = std::move(serve)] {
      tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec) return;
      serve(socket);
      release_.get_future().wait();
    });
  }
  ~LoopbackServer() {
    release_.set_value();
    boost::system::error_code ec;
    acceptor_.close(ec);
    thread_.join();
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  cyber::TaxiiUrl Url(const std::string& scheme = "http") const {
    return cyber::TaxiiUrl{scheme, "127.0.0.1", port_, "/taxii2/"};
  }

 private:
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::promise<void> release_;
  std::thread thread_;
};

// Reads the request head; returns it.
std::string ReadRequest(tcp::socket& socket) {
  std::string head;
  boost::system::error_code ec;
  net::read_until(socket, net::dynamic_buffer(head), "\r\n\r\n", ec);
  return head;
}

void Send(tcp::socket& socket, const std::string& text) {
  boost::system::error_code ec;
  net::write(socket, net::buffer(text), ec);
}

constexpr std::string_view kAccept = "application/taxii+json;version=2.1";

TEST(TaxiiHttp, NormalAnswerIsRead) {
  std::promise<std::string> request;
  LoopbackServer server([&](tcp::socket& socket) {
    request.set_value(ReadRequest(socket));
    const std::string body = R"({"title":"loopback"})";
    Send(socket,
         "HTTP/1.1 200 OK\r\nContent-Type: application/taxii+json;version=2.1\r\n"
         "X-TAXII-Date-Added-Last: 2026-11-24T09:00:00.000Z\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  });
  auto answer = HttpGet(server.Url(), kAccept, "Bearer t0ken", std::chrono::seconds(5));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->content_type, "application/taxii+json;version=2.1");
  EXPECT_EQ(answer->date_added_last, "2026-11-24T09:00:00.000Z");
  EXPECT_EQ(answer->body, R"({"title":"loopback"})");
  const std::string head = request.get_future().get();
  EXPECT_NE(head.find("GET /taxii2/ HTTP/1.1\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Authorization: Bearer t0ken\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Accept: application/taxii+json;version=2.1\r\n"), std::string::npos);
}

TEST(TaxiiHttp, BodyOverTheLimitIsResourceExhausted) {
  LoopbackServer server([](tcp::socket& socket) {
    ReadRequest(socket);
    Send(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'));
  });
  auto answer = HttpGet(server.Url(), kAccept, "", std::chrono::seconds(5), 10);
  ASSERT_FALSE(answer.ok()) << answer->body.size();
  EXPECT_EQ(answer.status().code(), StatusCode::kResourceExhausted);
}

TEST(TaxiiHttp, BodyToCloseOverTheLimitIsResourceExhausted) {
  LoopbackServer server([](tcp::socket& socket) {
    ReadRequest(socket);
    Send(socket, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + std::string(100, 'x'));
    socket.close();
  });
  auto answer = HttpGet(server.Url(), kAccept, "", std::chrono::seconds(5), 10);
  ASSERT_FALSE(answer.ok()) << answer->body.size();
  EXPECT_EQ(answer.status().code(), StatusCode::kResourceExhausted);
}

// Runs HttpGet with a 1 s deadline; expects Unavailable naming the URL and `stage`, well
// within a few seconds.
void ExpectTimeout(const cyber::TaxiiUrl& url, std::string_view stage) {
  const auto start = Clock::now();
  auto answer = HttpGet(url, kAccept, "", std::chrono::seconds(1));
  const auto took = Clock::now() - start;
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), StatusCode::kUnavailable);
  const std::string& message = answer.status().message();
  EXPECT_NE(message.find(cyber::TaxiiUrlText(url)), std::string::npos) << message;
  EXPECT_NE(message.find("timed out after 1000 ms"), std::string::npos) << message;
  EXPECT_NE(message.find(stage), std::string::npos) << message;
  EXPECT_GE(took, std::chrono::milliseconds(900));
  EXPECT_LT(took, std::chrono::seconds(4));
}

TEST(TaxiiHttp, ServerThatNeverAnswersTimesOut) {
  LoopbackServer server([](tcp::socket&) {});
  ExpectTimeout(server.Url(), "reading the answer");
}

TEST(TaxiiHttp, ServerThatStallsHalfWayTimesOut) {
  LoopbackServer server([](tcp::socket& socket) {
    ReadRequest(socket);
    Send(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"title\":");
  });
  ExpectTimeout(server.Url(), "reading the answer");
}

TEST(TaxiiHttp, SilentHttpsPeerTimesOutInTheHandshake) {
  // An IP-literal host: no SNI is sent, the handshake still starts and waits for the peer.
  LoopbackServer server([](tcp::socket&) {});
  ExpectTimeout(server.Url("https"), "TLS handshake");
}

}  // namespace
}  // namespace issa::cli
