// `issa taxii pull` (issue 6 item 3): the real binary pulls from node A (a real node, CtiService
// and HTTP server on 127.0.0.1:<ephemeral>) into node B (its own data folder) over TAXII 2.1:
// discovery -> API root -> collections -> objects pages through `next`, the position kept by
// X-TAXII-Date-Added-Last, the objects added through B's CtiService. Also a wrong token, an
// unreachable server and a server that does not answer TAXII.
#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include "issa/cti/service.h"
#include "issa/server/data_dir.h"

#include "api_fixture.h"
#include "cti_fixture.h"
#include "run_issa.h"

namespace issa::integration {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kRed = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
constexpr const char* kClear = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";

using cli::testing::Issa;
using cli::testing::RunResult;

std::string Indicator(int n, const std::string& marking, const std::string& extra = "") {
  return fmt::format(
      R"({{"type":"indicator","spec_version":"2.1","id":"indicator--{:08x}-5d2c-4a1e-9c33-2f8e0a6b7c10","created":"2026-05-01T10:00:00.000Z","modified":"2026-05-01T10:00:00.000Z","pattern_type":"stix","pattern":"[domain-name:value = 'host{}.pull.example']","valid_from":"2026-05-01T00:00:00Z","object_marking_refs":["{}"]{}}})",
      n, n, marking, extra);
}

// Answers each connection with the HTTP response `respond` gives for the request target (a web
// server that is no TAXII server, or a minimal foreign TAXII server).
class FixedServer {
 public:
  explicit FixedServer(std::string response)
      : FixedServer([response](const std::string&) { return response; }) {}
  explicit FixedServer(std::function<std::string(const std::string&)> respond)
      : respond_(std::move(respond)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 8) != 0)
      return;
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0 || stop_) {
          if (c >= 0) ::close(c);
          return;
        }
        std::string request;
        char buf[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
          const ssize_t n = ::read(c, buf, sizeof buf);
          if (n <= 0) break;
          request.append(buf, static_cast<size_t>(n));
        }
        const size_t sp = request.find(' ');
        const std::string target = sp == std::string::npos
                                       ? ""
                                       : request.substr(sp + 1, request.find(' ', sp + 1) - sp - 1);
        const std::string response = respond_(target);
        (void)!::write(c, response.data(), response.size());
        ::close(c);
      }
    });
  }
  ~FixedServer() {
    stop_ = true;
    if (port_ != 0) {  // wake the accept
      const int s = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      addr.sin_port = htons(port_);
      (void)::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
      ::close(s);
    }
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }

 private:
  std::function<std::string(const std::string&)> respond_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class TaxiiPullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = std::make_unique<ApiHarness>(Backend::kMemory, api::ServerOptions{},
                                      ServeCti(cti_, "node A cursor key"));
    ASSERT_TRUE(a_->ok());
    for (const char* id : {"NL-CERT", "DE-CERT", "FR-CERT"})
      a_->AddAuthority(id, std::string(id, 2), core::AuthorityKind::kCert);
    nl_a_ = a_->Token("NL-CERT", core::Role::kOfficer, core::Classification::kRestricted);
    de_a_ = a_->Token("DE-CERT", core::Role::kOfficer, core::Classification::kRestricted);
    nl_collection_ = cti::CtiService::AuthorityCollectionId("NL-CERT");
    url_ = fmt::format("http://127.0.0.1:{}/taxii2/", a_->port());

    // Node B: its own data folder, the DE CERT's authority and token.
    b_ = fs::temp_directory_path() / fmt::format("issa_pull_b_{}", ::getpid());
    fs::remove_all(b_);
    ASSERT_EQ(Issa("init --data-dir " + b_.string() + " --node-id node-b").code, 0);
    ASSERT_EQ(
        Issa("authority add --data-dir " + b_.string() + " --id DE-CERT --country DE --kind cert")
            .code,
        0);
    RunResult t = Issa("token create --data-dir " + b_.string() +
                       " --authority DE-CERT --role officer --clearance RESTRICTED");
    ASSERT_EQ(t.code, 0) << t.err;
    while (!t.out.empty() && t.out.back() == '\n') t.out.pop_back();
    de_b_ = t.out;
  }

  void TearDown() override {
    a_.reset();
    cti_.reset();
    fs::remove_all(b_);
  }

  // NL-CERT adds objects to its collection on A.
  void AddOnA(const std::vector<std::string>& objects) {
    api::testing::HttpClient http(a_->port());
    std::string body = R"({"objects":[)";
    for (size_t i = 0; i < objects.size(); ++i) body += (i ? "," : "") + objects[i];
    body += "]}";
    auto r = http.Request("POST", "/taxii2/cti/collections/" + nl_collection_ + "/objects/", nl_a_,
                          body, "application/taxii+json;version=2.1",
                          {{"Accept", "application/taxii+json;version=2.1"}});
    ASSERT_EQ(r.status, 202) << r.body;
    ASSERT_EQ(r.Json()["success_count"], objects.size()) << r.body;
  }

  // Every readable collection of the server on 127.0.0.1:port into B.
  RunResult PullAll(uint16_t port) {
    return Issa(
        fmt::format("taxii pull --url http://127.0.0.1:{}/taxii2/ --token t --all "
                    "--data-dir {} --local-token {}",
                    port, b_.string(), de_b_));
  }

  RunResult Pull(const std::string& extra = "", const std::string& token = "") {
    return Issa("taxii pull --url " + url_ + " --token " + (token.empty() ? de_a_ : token) +
                " --collection " + nl_collection_ + " --data-dir " + b_.string() +
                " --local-token " + de_b_ + " --limit 100 " + extra);
  }

  // The ids of the objects of DE-CERT's collection on node B, read through B's CtiService.
  std::set<std::string> HeldOnB() {
    std::set<std::string> ids;
    auto opened = server::OpenDataDir(b_.string());
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return ids;
    auto principal = (*opened)->node->Authenticate(de_b_, "test");
    EXPECT_TRUE(principal.ok());
    node::Context ctx{std::move(principal).value(), "", "test"};
    cti::CtiOptions co;
    co.cursor_key = (*opened)->key.Sign("issa:taxii-cursor-key:v1");
    auto cti = cti::CtiService::Open(*(*opened)->node, co);
    EXPECT_TRUE(cti.ok()) << cti.status().ToString();
    if (!cti.ok()) return ids;
    const std::string own = cti::CtiService::AuthorityCollectionId("DE-CERT");
    std::string query = "limit=1000";
    for (int i = 0; i < 100; ++i) {
      auto page = (*cti)->GetObjects(ctx, own, query);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      const json j = json::parse(page->json);
      for (const auto& o : j.value("objects", json::array())) ids.insert(o["id"]);
      if (!j.value("more", false)) break;
      query = "limit=1000&next=" + j["next"].get<std::string>();
    }
    return ids;
  }

  std::unique_ptr<cti::CtiService> cti_;
  std::unique_ptr<ApiHarness> a_;
  std::string nl_a_, de_a_, de_b_, nl_collection_, url_;
  fs::path b_;
};

TEST_F(TaxiiPullTest, PullsWhatTheCallerMayReadPageByPageAndRemembersWhereItStopped) {
  std::vector<std::string> objects;
  std::set<std::string> readable;
  for (int n = 1; n <= 260; ++n) {
    objects.push_back(Indicator(n, kClear));
    readable.insert(json::parse(objects.back())["id"]);
  }
  // TLP:RED for FR-CERT only: DE-CERT may not read it, so it is not pulled.
  const std::string red = Indicator(999, kRed, R"(,"x_issa_recipients":["FR-CERT"])");
  objects.push_back(red);
  AddOnA(objects);

  const RunResult first = Pull();
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.out.find(fmt::format("collection {}: 3 page(s), 260 added, 0 already held, "
                                       "0 refused",
                                       nl_collection_)),
            std::string::npos)
      << first.out;
  const std::set<std::string> held = HeldOnB();
  EXPECT_EQ(held, readable);
  EXPECT_EQ(held.count(json::parse(red)["id"]), 0u);
  EXPECT_TRUE(fs::exists(b_ / "taxii-pull-state.json"));

  // Again: the position is 1 ms before the last date_added, so the objects of that millisecond
  // come again (all 260 here: A's test clock stands still) and are counted as held, not added.
  const RunResult second = Pull();
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_NE(second.out.find("3 page(s), 0 added, 260 already held, 0 refused"), std::string::npos)
      << second.out;

  // A adds one object, then B pulls: B then holds it too, with the counts given.
  const auto add_and_pull = [&](int n, const std::string& counts) {
    const std::string object = Indicator(n, kClear);
    AddOnA({object});
    const RunResult r = Pull();
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find(counts), std::string::npos) << r.out;
    readable.insert(json::parse(object)["id"]);
    EXPECT_EQ(HeldOnB(), readable);
  };
  // An object A adds in that same millisecond after the pull is not lost: it comes next.
  add_and_pull(262, "3 page(s), 1 added, 260 already held, 0 refused");
  // An object added to A a minute later comes with the next pull; after it, only it again.
  a_->clock().Advance(60'000);
  add_and_pull(261, "3 page(s), 1 added, 261 already held, 0 refused");
  const RunResult fifth = Pull();
  ASSERT_EQ(fifth.code, 0) << fifth.err;
  EXPECT_NE(fifth.out.find("1 page(s), 0 added, 1 already held, 0 refused"), std::string::npos)
      << fifth.out;

  // --added-after overrides the position: everything again, all already held.
  const RunResult again = Pull("--added-after 2000-01-01T00:00:00Z");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("3 page(s), 0 added, 262 already held, 0 refused"), std::string::npos)
      << again.out;
  EXPECT_EQ(Issa("audit verify --data-dir " + b_.string()).code, 0);
}

TEST_F(TaxiiPullTest, AllPullsEveryReadableCollection) {
  AddOnA({Indicator(1, kClear), Indicator(2, kClear)});
  const RunResult r = Issa("taxii pull --url " + url_ + " --token " + de_a_ + " --all --data-dir " +
                           b_.string() + " --local-token " + de_b_);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(fmt::format("collection {}: 1 page(s), 2 added", nl_collection_)),
            std::string::npos)
      << r.out;
  EXPECT_EQ(HeldOnB().size(), 2u);
}

std::string TaxiiResponse(const std::string& body) {
  return fmt::format(
      "HTTP/1.1 200 OK\r\nContent-Type: application/taxii+json;version=2.1\r\nContent-Length: "
      "{}\r\nConnection: close\r\n\r\n{}",
      body.size(), body);
}

TEST_F(TaxiiPullTest, RefusedObjectsAreNamedAndExitFour) {
  // A foreign TAXII 2.1 server (relative API root URL) whose one page holds a valid indicator
  // and one whose pattern is not STIX: B adds the first and refuses the second by its property.
  const std::string good = Indicator(1, kClear);
  const std::string bad =
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--0badbad0-5d2c-4a1e-9c33-2f8e0a6b7c10","created":"2026-05-01T10:00:00.000Z","modified":"2026-05-01T10:00:00.000Z","pattern_type":"stix","pattern":"[not a pattern","valid_from":"2026-05-01T00:00:00Z"})";
  FixedServer foreign([&](const std::string& target) {
    if (target == "/taxii2/") return TaxiiResponse(R"({"title":"foreign","api_roots":["/api1/"]})");
    if (target == "/api1/")
      return TaxiiResponse(R"({"title":"api1","versions":["application/taxii+json;version=2.1"]})");
    if (target == "/api1/collections/")
      return TaxiiResponse(
          R"({"collections":[{"id":"c1","title":"one","can_read":true,"can_write":false},)"
          R"({"id":"c2","title":"write only","can_read":false,"can_write":true}]})");
    if (target.starts_with("/api1/collections/c1/objects/?limit=100"))
      return TaxiiResponse(R"({"more":false,"objects":[)" + good + "," + bad + "]}");
    return std::string("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  });
  const RunResult r = PullAll(foreign.port());
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_NE(r.out.find("collection c1: 1 page(s), 1 added, 0 already held, 1 refused"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("collection c2"), std::string::npos) << r.out;  // not readable
  EXPECT_NE(r.err.find("indicator--0badbad0-5d2c-4a1e-9c33-2f8e0a6b7c10 refused: pattern"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(HeldOnB(), std::set<std::string>{json::parse(good)["id"].get<std::string>()});

  // A local collection DE-CERT may not write: the node refuses (exit 1).
  AddOnA({Indicator(2, kClear)});
  const RunResult denied = Pull("--into authority:FR-CERT");
  EXPECT_EQ(denied.code, 1) << denied.err;
  EXPECT_NE(denied.err.find("local collection"), std::string::npos) << denied.err;
}

TEST_F(TaxiiPullTest, AnApiRootOnAnotherOriginIsRefusedAndGetsNoCredentials) {
  // The discovery answer of the server given by --url names an API root on a second loopback
  // server: the pull stops with exit 1 and the second server receives nothing.
  std::atomic<int> asked{0};
  FixedServer other([&](const std::string&) {
    ++asked;
    return TaxiiResponse(R"({"title":"other","versions":["application/taxii+json;version=2.1"]})");
  });
  for (const char* field : {"default", "api_roots"}) {
    const std::string root = fmt::format("http://127.0.0.1:{}/api1/", other.port());
    const std::string discovery =
        std::string(field) == "default"
            ? fmt::format(R"({{"title":"d","default":"{}","api_roots":["/api1/"]}})", root)
            : fmt::format(R"({{"title":"d","api_roots":["{}"]}})", root);
    FixedServer start([&](const std::string& target) {
      if (target == "/taxii2/") return TaxiiResponse(discovery);
      return std::string("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    });
    const RunResult r = PullAll(start.port());
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(
        r.err.find(fmt::format("discovery answer's {} names an API root on another origin", field)),
        std::string::npos)
        << r.err;
  }
  EXPECT_EQ(asked.load(), 0);
  EXPECT_TRUE(HeldOnB().empty());
}

TEST_F(TaxiiPullTest, ACursorThatDoesNotProgressStopsThePull) {
  // A foreign server answers every objects request with more:true and the same cursor (once
  // with an object, once with an empty page): the pull stops with a clear error, exit 1.
  for (const bool empty : {false, true}) {
    std::atomic<int> pages{0};
    const std::string page = std::string(R"({"more":true,"next":"same","objects":[)") +
                             (empty ? "" : Indicator(3, kClear)) + "]}";
    FixedServer loop([&](const std::string& target) {
      if (target == "/taxii2/")
        return TaxiiResponse(R"({"title":"t","versions":["application/taxii+json;version=2.1"]})");
      if (target == "/taxii2/collections/")
        return TaxiiResponse(R"({"collections":[{"id":"c1","can_read":true,"can_write":false}]})");
      ++pages;
      return TaxiiResponse(page);
    });
    const RunResult r = PullAll(loop.port());
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(r.err.find("paging cursor `next` 'same' was already used"), std::string::npos)
        << r.err;
    EXPECT_EQ(empty, r.err.find("the page is empty") != std::string::npos) << r.err;
    EXPECT_EQ(pages.load(), 2);
  }
  EXPECT_EQ(HeldOnB().size(), 1u);
}

TEST_F(TaxiiPullTest, ABadStateFileIsNamedAndNothingIsPulled) {
  AddOnA({Indicator(1, kClear)});
  const fs::path state = b_ / "taxii-pull-state.json";
  const std::string key = url_ + "cti/ " + nl_collection_;
  const auto write = [&](const std::string& text) { std::ofstream(state) << text; };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "the pull state file is empty"},
      {"{not json", "not a pull state file"},
      {R"({"sources":{")" + key + R"(":{"added_after":17}}})",
       "sources." + key + ".added_after: must be a string"},
  };
  for (const auto& [text, why] : cases) {
    write(text);
    const RunResult r = Pull();
    EXPECT_EQ(r.code, 1) << r.err;  // a clear error, never an uncaught exception
    EXPECT_NE(r.err.find(state.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("remove the file"), std::string::npos) << r.err;
    EXPECT_TRUE(HeldOnB().empty());
  }
  // Removed as told: the pull starts over and writes a good file (no temporary left behind).
  fs::remove(state);
  const RunResult r = Pull();
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(HeldOnB().size(), 1u);
  std::ifstream in(state);
  const json saved = json::parse(in)["sources"];
  ASSERT_EQ(saved.size(), 1u) << saved.dump();
  EXPECT_TRUE(saved.begin()->at("added_after").is_string()) << saved.dump();
  for (const auto& entry : fs::directory_iterator(b_))
    EXPECT_EQ(entry.path().filename().string().find("taxii-pull-state.json."), std::string::npos)
        << entry.path();
  EXPECT_TRUE(fs::exists(b_ / "taxii-pull-state.lock"));

  // Another pull holds the lock: this one is refused before it reads or writes anything.
  const int held = ::open((b_ / "taxii-pull-state.lock").c_str(), O_RDWR);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX), 0);
  const RunResult locked = Pull();
  ::close(held);
  EXPECT_EQ(locked.code, 1) << locked.err;
  EXPECT_NE(locked.err.find("another `issa taxii pull` into this data folder runs"),
            std::string::npos)
      << locked.err;
}

TEST_F(TaxiiPullTest, BasicWinsOverTheTokenVariableAndControlBytesAreEscaped) {
  // ISSA_TAXII_TOKEN in the environment is only the default for --token: with --basic the pull
  // goes ahead (node A refuses Basic credentials: HTTP 401), no usage conflict.
  ::setenv("ISSA_TAXII_TOKEN", "from-the-environment", 1);
  const RunResult basic =
      Issa("taxii pull --url " + url_ + " --basic user:secret --all --data-dir " + b_.string() +
           " --local-token " + de_b_);
  ::unsetenv("ISSA_TAXII_TOKEN");
  EXPECT_EQ(basic.code, 1) << basic.err;
  EXPECT_EQ(basic.err.find("not both"), std::string::npos) << basic.err;
  EXPECT_NE(basic.err.find("HTTP 401"), std::string::npos) << basic.err;
  // Basic with the token as the password (TAXII 2.1 section 1.6.8) is accepted by node A: the
  // client's encoding is the server's.
  const RunResult with_token =
      Issa("taxii pull --url " + url_ + " --basic :" + de_a_ + " --collection " + nl_collection_ +
           " --data-dir " + b_.string() + " --local-token " + de_b_);
  EXPECT_EQ(with_token.code, 0) << with_token.err;

  // A server's error title with an ANSI escape and a carriage return reaches stderr escaped.
  const std::string e = R"({"title":"bad\u001b[31mred\rforged"})";
  FixedServer hostile(fmt::format(
      "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/taxii+json;version=2.1\r\n"
      "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
      e.size(), e));
  const RunResult r = PullAll(hostile.port());
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find(R"(bad\x1b[31mred\x0dforged)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos);
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
}

TEST_F(TaxiiPullTest, WrongTokenUnreachableAndNonTaxiiServersAreClearErrors) {
  AddOnA({Indicator(1, kClear)});
  const RunResult wrong = Pull("", "issa_wrong_token");
  EXPECT_EQ(wrong.code, 1);
  EXPECT_NE(wrong.err.find("HTTP 401"), std::string::npos) << wrong.err;
  EXPECT_TRUE(HeldOnB().empty());

  // Nobody listens on a port just freed.
  uint16_t closed = 0;
  {
    FixedServer gone("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    closed = gone.port();
  }
  const RunResult unreachable = PullAll(closed);
  EXPECT_EQ(unreachable.code, 1);
  EXPECT_NE(unreachable.err.find("connecting"), std::string::npos) << unreachable.err;

  const std::string html = "<html><body>It works!</body></html>";
  FixedServer web(
      fmt::format("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: "
                  "close\r\n\r\n{}",
                  html.size(), html));
  const RunResult not_taxii = PullAll(web.port());
  EXPECT_EQ(not_taxii.code, 1);
  EXPECT_NE(not_taxii.err.find("not a TAXII 2.1 server"), std::string::npos) << not_taxii.err;

  // TAXII media type, but the body is no discovery or API root.
  const std::string odd = R"({"hello":"world"})";
  FixedServer fake(fmt::format(
      "HTTP/1.1 200 OK\r\nContent-Type: application/taxii+json;version=2.1\r\nContent-Length: "
      "{}\r\nConnection: close\r\n\r\n{}",
      odd.size(), odd));
  const RunResult malformed = PullAll(fake.port());
  EXPECT_EQ(malformed.code, 1);
  EXPECT_NE(malformed.err.find("malformed TAXII answer"), std::string::npos) << malformed.err;
  EXPECT_NE(malformed.err.find("title"), std::string::npos) << malformed.err;

  // A server whose cursor it then refuses: the TAXII error is shown, the first page is kept and
  // the position saved after it.
  const std::string first = Indicator(7, kClear);
  FixedServer cursor([&](const std::string& target) {
    if (target == "/taxii2/")
      return TaxiiResponse(R"({"title":"t","versions":["application/taxii+json;version=2.1"]})");
    if (target == "/taxii2/collections/")
      return TaxiiResponse(R"({"collections":[{"id":"c1","can_read":true,"can_write":false}]})");
    if (target.find("next=") != std::string::npos) {
      const std::string e =
          R"({"title":"Bad cursor","description":"next: the cursor is not valid for this query","http_status":"400"})";
      return fmt::format(
          "HTTP/1.1 400 Bad Request\r\nContent-Type: application/taxii+json;version=2.1\r\n"
          "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
          e.size(), e);
    }
    const std::string page = R"({"more":true,"next":"c2lnbmVk","objects":[)" + first + "]}";
    return fmt::format(
        "HTTP/1.1 200 OK\r\nContent-Type: application/taxii+json;version=2.1\r\n"
        "X-TAXII-Date-Added-First: 2026-06-01T00:00:00.000Z\r\n"
        "X-TAXII-Date-Added-Last: 2026-06-01T00:00:00.000Z\r\nContent-Length: {}\r\n"
        "Connection: close\r\n\r\n{}",
        page.size(), page);
  });
  const RunResult refused_cursor = PullAll(cursor.port());
  EXPECT_EQ(refused_cursor.code, 1);
  EXPECT_NE(
      refused_cursor.err.find("HTTP 400: Bad cursor: next: the cursor is not valid for this query"),
      std::string::npos)
      << refused_cursor.err;
  EXPECT_NE(refused_cursor.err.find("the server refused the paging cursor"), std::string::npos)
      << refused_cursor.err;
  EXPECT_NE(refused_cursor.out.find("collection c1: 1 page(s), 1 added"), std::string::npos)
      << refused_cursor.out;
  std::ifstream state_file(b_ / "taxii-pull-state.json");
  const json state = json::parse(state_file);
  EXPECT_EQ(
      state["sources"][fmt::format("http://127.0.0.1:{}/taxii2/ c1", cursor.port())]["added_after"],
      "2026-05-31T23:59:59.999Z")  // X-TAXII-Date-Added-Last less 1 ms
      << state.dump();

  // Usage: neither --collection nor --all, a bad URL, a bad --added-after, a bad --timeout.
  EXPECT_EQ(
      Issa("taxii pull --url " + url_ + " --data-dir " + b_.string() + " --local-token " + de_b_)
          .code,
      2);
  EXPECT_EQ(
      Issa("taxii pull --url ftp://x/ --all --data-dir " + b_.string() + " --local-token " + de_b_)
          .code,
      2);
  EXPECT_EQ(Pull("--added-after yesterday").code, 2);
  const RunResult no_time = Pull("--timeout 0");
  EXPECT_EQ(no_time.code, 2);
  EXPECT_NE(no_time.err.find("--timeout"), std::string::npos) << no_time.err;
  // An unknown remote collection.
  const RunResult unknown =
      Issa("taxii pull --url " + url_ + " --token " + de_a_ + " --collection nope --data-dir " +
           b_.string() + " --local-token " + de_b_);
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("not listed"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace issa::integration
