#include "issa/api/server.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "fake_node.h"
#include "http_client.h"

namespace issa::api {
namespace {

using testing::FakeNode;
using testing::HttpClient;
using testing::SseClient;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.max_body_bytes = 4096;
    o.heartbeat_seconds = 1;
    server_ = std::make_unique<Server>(node_, o);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_NE(server_->port(), 0);
  }

  FakeNode node_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, KeepAliveAndRequestIds) {
  HttpClient c(server_->port());
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    testing::Response r = c.Get("/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.keep_alive);
    ids.insert(r.Header("X-Request-Id"));
  }
  testing::Response r = c.Get("/api/v1/me", "good-token");
  EXPECT_EQ(r.status, 200);
  ids.insert(r.Header("X-Request-Id"));
  EXPECT_EQ(ids.size(), 6u);
  EXPECT_EQ(c.connects(), 1);
  r = c.Get("/api/v1/me");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Json()["error"]["request_id"], r.Header("X-Request-Id"));
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
}

TEST_F(ServerTest, OversizedBodyIs413NamingTheLimit) {
  HttpClient c(server_->port());
  testing::Response r = c.Request("POST", "/api/v1/records", "good-token", std::string(5000, ' '));
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.Json()["error"]["message"].get<std::string>().find("4096 bytes"), std::string::npos);
  EXPECT_FALSE(r.keep_alive);
  // Audited asynchronously.
  for (int i = 0; i < 100 && node_.Audits().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(node_.Audits().empty());
  EXPECT_EQ(node_.Audits().back().action, "http.invalid");
}

TEST_F(ServerTest, MalformedHttpIs400) {
  HttpClient c(server_->port());
  const std::string out = c.Raw("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_NE(out.find("HTTP/1.1 400"), std::string::npos) << out;
  EXPECT_NE(out.find("\"InvalidArgument\""), std::string::npos);
}

TEST_F(ServerTest, ConcurrentClients) {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      HttpClient c(server_->port());
      for (int i = 0; i < 50; ++i) {
        if (c.Get("/api/v1/me", "good-token").status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 400);
  HttpClient c(server_->port());
  const std::string metrics = c.Get("/metrics").body;
  EXPECT_NE(metrics.find(R"(issa_http_requests_total{route="GET /api/v1/me",status="200"} 400)"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("issa_http_request_duration_seconds_bucket{route=\"GET /api/v1/me\""),
            std::string::npos);
}

TEST_F(ServerTest, StreamDeliversNoticesAndHeartbeats) {
  SseClient sse(server_->port(), "good-token");
  ASSERT_EQ(sse.Status(), 200);
  EXPECT_EQ(sse.Header("Content-Type"), "text/event-stream");
  ASSERT_TRUE(sse.WaitFor(": connected"));
  for (int i = 0; i < 100 && node_.SubscriberCount() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  node_.Publish("IT-NCC", {"record", "id-1", R"({"id":"id-1"})"});
  node_.Publish("FR-DGSI", {"record", "id-2", R"({"id":"id-2"})"});
  ASSERT_TRUE(sse.WaitFor("event: record\nid: id-1\ndata: {\"id\":\"id-1\"}\n\n"));
  EXPECT_TRUE(sse.WaitFor(": heartbeat", std::chrono::milliseconds(3000)));
  EXPECT_EQ(sse.Text().find("id-2"), std::string::npos);
  // Other requests are served while the stream is open.
  HttpClient c(server_->port());
  EXPECT_EQ(c.Get("/api/v1/me", "good-token").status, 200);
}

TEST_F(ServerTest, StreamNeedsAToken) {
  SseClient sse(server_->port(), "");
  EXPECT_EQ(sse.Status(), 401);
}

TEST_F(ServerTest, ClosedStreamUnsubscribes) {
  {
    SseClient sse(server_->port(), "good-token");
    ASSERT_TRUE(sse.WaitFor(": connected"));
    EXPECT_EQ(node_.SubscriberCount(), 1u);
  }
  for (int i = 0; i < 200 && node_.SubscriberCount() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(node_.SubscriberCount(), 0u);
}

TEST_F(ServerTest, StopClosesOpenStreams) {
  SseClient sse(server_->port(), "good-token");
  ASSERT_TRUE(sse.WaitFor(": connected"));
  HttpClient idle(server_->port());
  EXPECT_EQ(idle.Get("/healthz").status, 200);
  server_->Stop();
  EXPECT_EQ(node_.SubscriberCount(), 0u);
  for (int i = 0; i < 200 && !sse.closed(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(sse.closed());
  server_->Stop();  // idempotent
}

TEST(ServerStartTest, BadAddressAndPortInUse) {
  FakeNode node;
  ServerOptions o;
  o.address = "not-an-ip";
  Server bad(node, o);
  EXPECT_EQ(bad.Start().code(), StatusCode::kInvalidArgument);
  Server first(node, ServerOptions{});
  ASSERT_TRUE(first.Start().ok());
  ServerOptions same;
  same.port = first.port();
  Server second(node, same);
  EXPECT_EQ(second.Start().code(), StatusCode::kUnavailable);
  EXPECT_EQ(first.Start().code(), StatusCode::kFailedPrecondition);
}

TEST(ServerStartTest, ServesStaticFiles) {
  const auto dir = std::filesystem::temp_directory_path() / "issa_api_static_test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "index.html") << "<h1>ISSA</h1>";
    std::ofstream(dir / "app.js") << "console.log(1)";
  }
  FakeNode node;
  ServerOptions o;
  o.web_root = dir.string();
  Server server(node, o);
  ASSERT_TRUE(server.Start().ok());
  HttpClient c(server.port());
  testing::Response r = c.Get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<h1>ISSA</h1>");
  EXPECT_EQ(r.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(c.Get("/app.js").Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(c.Get("/records/123").body, "<h1>ISSA</h1>");  // SPA fallback
  EXPECT_EQ(c.Get("/missing.css").status, 404);
  EXPECT_EQ(c.Get("/../../etc/passwd").status, 404);
  EXPECT_EQ(c.Get("/%2e%2e/etc/passwd").status, 404);
  EXPECT_EQ(c.Get("/api/v1/nothing", "good-token").status, 404);
  server.Stop();
  std::filesystem::remove_all(dir);
  ServerOptions missing;
  missing.web_root = (dir / "nope").string();
  Server s2(node, missing);
  EXPECT_EQ(s2.Start().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace issa::api
