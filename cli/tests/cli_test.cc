// Drives the real `issa` binary: init, authorities, tokens, import, search, export, retention and
// audit verification, including tampering with the audit log in the SQLite file.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http_client.h"
#include "run_issa.h"

namespace {

namespace fs = std::filesystem;

using issa::cli::testing::Issa;
using issa::cli::testing::RunResult;

void Sql(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << " in " << sql;
  sqlite3_free(err);
  sqlite3_close(h);
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("issa-cli-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    dir_ = (root_ / "node").string();
    ASSERT_EQ(Issa("init --data-dir " + dir_ + " --node-id test-node").code, 0);
    ASSERT_EQ(
        Issa("authority add --data-dir " + dir_ + " --id FR-PIU --country FR --kind piu").code, 0);
    ASSERT_EQ(
        Issa("authority add --data-dir " + dir_ + " --id DE-BKA --country DE --kind police").code,
        0);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Token(const std::string& authority, const std::string& role) {
    RunResult r = Issa("token create --data-dir " + dir_ + " --authority " + authority +
                       " --role " + role + " --clearance RESTRICTED");
    EXPECT_EQ(r.code, 0);
    while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
    EXPECT_EQ(r.out.find('\n'), std::string::npos) << "token must be alone on stdout";
    EXPECT_EQ(r.out.rfind("issa_", 0), 0u);
    return r.out;
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    const fs::path p = root_ / name;
    std::ofstream(p) << content;
    return p.string();
  }

  // Copies the data folder so each tampering starts from an intact chain.
  std::string Copy(const std::string& name) {
    const fs::path to = root_ / name;
    fs::copy(dir_, to, fs::copy_options::recursive);
    return to.string();
  }

  fs::path root_;
  std::string dir_;
};

constexpr const char* kRecords =
    R"({"type":"Person","properties":{"name":"Anna Schmidt","birth_date":"1980-05-05"},"handling":{"classification":"LIMITED","distribution":"owner","purposes":["crime"]}}
{"type":"Person","properties":{"name":"Jan Kowalski"},"handling":{"classification":"LIMITED","distribution":"all","purposes":["crime"]}}
{"type":"Person","properties":{"name":""},"handling":{"classification":"LIMITED","purposes":["crime"]}}
not json
)";

TEST_F(CliTest, InitRefusesAnExistingNodeAndExplainsUsage) {
  EXPECT_EQ(Issa("init --data-dir " + dir_).code, 1);
  EXPECT_EQ(Issa("serve").code, 2);
  EXPECT_EQ(Issa("frobnicate").code, 2);
  EXPECT_EQ(Issa("--help").code, 0);
  EXPECT_NE(Issa("token create --help").out.find("--clearance"), std::string::npos);
  EXPECT_EQ(Issa("token create --data-dir " + dir_ + " --authority FR-PIU --role king").code, 2);
  EXPECT_EQ(Issa("search --data-dir " + root_.string() + "/nowhere --token x").code, 1);
}

TEST_F(CliTest, ImportSearchExport) {
  const std::string fr = Token("FR-PIU", "analyst");
  const std::string de = Token("DE-BKA", "analyst");
  const RunResult imported = Issa("import --data-dir " + dir_ + " --authority FR-PIU " +
                                  WriteFile("records.ndjson", kRecords));
  EXPECT_EQ(imported.code, 4);  // some lines rejected
  EXPECT_NE(imported.out.find("4 lines, 2 imported, 2 rejected"), std::string::npos)
      << imported.out;

  const RunResult mine = Issa("search --data-dir " + dir_ + " --token " + fr + " --q schmidt");
  EXPECT_EQ(mine.code, 0);
  EXPECT_NE(mine.out.find("Anna Schmidt"), std::string::npos);
  const RunResult theirs = Issa("search --data-dir " + dir_ + " --token " + de + " --type Person");
  EXPECT_EQ(theirs.code, 0);
  EXPECT_EQ(theirs.out.find("Anna Schmidt"), std::string::npos);  // owner-only
  EXPECT_NE(theirs.out.find("Jan Kowalski"), std::string::npos);  // shared with all
  const RunResult exported = Issa("export --data-dir " + dir_ + " --token " + fr);
  EXPECT_EQ(exported.code, 0);
  EXPECT_EQ(std::count(exported.out.begin(), exported.out.end(), '\n'), 2);
  EXPECT_EQ(Issa("search --data-dir " + dir_ + " --token issa_bad").code, 1);
  EXPECT_EQ(Issa("search --data-dir " + dir_ + " --token " + fr + " --bbox 1,2,3").code, 2);
  EXPECT_EQ(Issa("audit verify --data-dir " + dir_).code, 0);
}

TEST_F(CliTest, AuditVerifyCatchesTampering) {
  (void)Token("FR-PIU", "analyst");
  ASSERT_EQ(Issa("import --data-dir " + dir_ + " --authority FR-PIU " +
                 WriteFile("records.ndjson", kRecords))
                .code,
            4);
  const RunResult ok = Issa("audit verify --data-dir " + dir_);
  ASSERT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find("audit chain OK"), std::string::npos);

  struct Tamper {
    const char* name;
    const char* sql;
    const char* expect;  // "entry N"
  };
  const Tamper cases[] = {
      {"edit", "UPDATE audit_entries SET detail = 'nothing to see' WHERE seq = 3", "entry 3"},
      {"delete", "DELETE FROM audit_entries WHERE seq = 2", "entry 2"},
      {"insert",
       "UPDATE audit_entries SET seq = seq + 1000 WHERE seq >= 4;"
       "UPDATE audit_entries SET seq = seq - 999 WHERE seq >= 1004;"
       "INSERT INTO audit_entries SELECT 4, at, user_id, authority, action, 'forged', outcome, "
       "detail, target_owner, prev_hash, hash FROM audit_entries WHERE seq = 3",
       "entry 4"},
      {"reorder",
       "UPDATE audit_entries SET seq = -1 WHERE seq = 2;"
       "UPDATE audit_entries SET seq = 2 WHERE seq = 3;"
       "UPDATE audit_entries SET seq = 3 WHERE seq = -1",
       "entry 2"},
      {"truncate", "DELETE FROM audit_entries WHERE seq = (SELECT MAX(seq) FROM audit_entries)",
       "entry"},
  };
  for (const auto& t : cases) {
    const std::string copy = Copy(t.name);
    Sql(fs::path(copy) / "issa.db", t.sql);
    const RunResult r = Issa("audit verify --data-dir " + copy);
    EXPECT_EQ(r.code, 3) << t.name << ": " << r.out;
    EXPECT_NE(r.out.find(std::string("BROKEN at ") + t.expect), std::string::npos)
        << t.name << ": " << r.out;
  }
}

TEST_F(CliTest, RetentionRuns) {
  const RunResult r = Issa("retention run --data-dir " + dir_);
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("0 deleted, 0 depersonalised"), std::string::npos);
}

// `issa demo` (or `serve`) as a child process; reads its banner to learn the port and tokens.
class NodeProcess {
 public:
  explicit NodeProcess(const std::string& args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      const std::string cmd = std::string("exec ") + ISSA_BINARY + " " + args + " 2>/dev/null";
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
  }
  ~NodeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (out_ != nullptr) fclose(out_);
  }
  // Reads stdout lines until one contains `needle`; returns the lines read.
  std::string ReadUntil(const std::string& needle) {
    std::string all;
    char line[4096];
    while (out_ != nullptr && fgets(line, sizeof line, out_) != nullptr) {
      all += line;
      if (std::string(line).find(needle) != std::string::npos) break;
    }
    return all;
  }
  // Sends SIGTERM and returns the exit code.
  int Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
};

uint16_t PortOf(const std::string& banner) {
  const auto at = banner.find("127.0.0.1:");
  if (at == std::string::npos) return 0;
  return static_cast<uint16_t>(std::stoi(banner.substr(at + 10)));
}

std::string TokenOf(const std::string& banner, const std::string& authority,
                    const std::string& role) {
  std::istringstream in(banner);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string a, r, c, t;
    if (words >> a >> r >> c >> t && a == authority && r == role) return t;
  }
  return "";
}

// issa ais decode: gpsd's own sample log gives the messages gpsdecode gives (the field-by-field
// comparison is in domains/maritime/tests), from a file and from stdin alike.
TEST_F(CliTest, AisDecodeWritesOneJsonObjectPerMessage) {
  const std::string sample = std::string(ISSA_TEST_DATA) + "/maritime/gpsd-sample.aivdm";
  std::ifstream expected_file(sample + ".gpsd.json");
  std::vector<std::string> expected;
  for (std::string line; std::getline(expected_file, line);) expected.push_back(line);
  ASSERT_GT(expected.size(), 50u);

  const RunResult r = Issa("ais decode " + sample);
  ASSERT_EQ(r.code, 0);
  std::vector<nlohmann::json> decoded;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) decoded.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(decoded.size(), expected.size());
  const nlohmann::json first = nlohmann::json::parse(expected.front());
  EXPECT_EQ(decoded.front()["type"], first["type"]);
  EXPECT_EQ(decoded.front()["mmsi"], first["mmsi"]);
  EXPECT_EQ(decoded.front()["lat"], first["lat"]);

  EXPECT_EQ(Issa("ais decode -", sample).out, r.out);
  // Malformed lines are counted, not fatal; an unreadable file and a missing argument are.
  const std::string bad = WriteFile("bad.nmea",
                                    "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*00\n"
                                    "garbage\n\x01\xff\n");
  const RunResult garbage = Issa("ais decode " + bad);
  EXPECT_EQ(garbage.code, 0);
  EXPECT_TRUE(garbage.out.empty());
  EXPECT_EQ(Issa("ais decode " + (root_ / "missing.nmea").string()).code, 1);
  EXPECT_EQ(Issa("ais decode").code, 2);
}

TEST_F(CliTest, StayPrintsTheNinetyOneEightyCheck) {
  // Example 2 of the short-stay calculator's worked examples (see domains/travel/tests).
  const std::string stays = WriteFile("stays.csv", "2014-08-15,2014-09-30\n2014-11-01,\n");
  const RunResult present = Issa("stay --entries " + stays + " --on 2014-11-30");
  ASSERT_EQ(present.code, 0);
  const nlohmann::json j = nlohmann::json::parse(present.out);
  EXPECT_EQ(j["days_used"], 77);
  EXPECT_EQ(j["days_remaining"], 13);
  EXPECT_EQ(j["overstay_days"], 0);
  EXPECT_EQ(j["must_leave_by"], "2014-12-13");
  const RunResult overstay = Issa("stay --entries " + stays + " --on 2014-12-20");
  ASSERT_EQ(overstay.code, 0);
  EXPECT_EQ(nlohmann::json::parse(overstay.out)["overstay_days"], 7);
  EXPECT_EQ(Issa("stay --entries " + WriteFile("bad.csv", "2014-08-15,2014-09-31\n")).code, 2);
  EXPECT_EQ(Issa("stay --entries " + (root_ / "missing.csv").string()).code, 1);
  EXPECT_EQ(Issa("stay").code, 2);
}

// A loopback socket of `type` bound to an ephemeral port; returns the fd and sets `port`.
int BoundLoopbackSocket(int type, uint16_t& port) {
  const int fd = ::socket(AF_INET, type, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// issa ais decode --tcp reads a feed from a TCP server until it closes, with the same result as
// from the file.
TEST_F(CliTest, AisDecodeReadsATcpFeed) {
  const std::string sample = std::string(ISSA_TEST_DATA) + "/maritime/gpsd-sample.aivdm";
  const std::string content = ReadAll(sample);
  uint16_t port = 0;
  const int server = BoundLoopbackSocket(SOCK_STREAM, port);
  ASSERT_GE(server, 0);
  ASSERT_EQ(::listen(server, 1), 0);
  std::thread feed([&] {
    const int client = ::accept(server, nullptr, nullptr);
    if (client < 0) return;
    // In pieces that cut sentences, as a real feed does.
    for (size_t at = 0; at < content.size(); at += 777) {
      const size_t n = std::min<size_t>(777, content.size() - at);
      if (::send(client, content.data() + at, n, MSG_NOSIGNAL) != static_cast<ssize_t>(n)) break;
    }
    ::close(client);
  });
  const RunResult r = Issa("ais decode --tcp 127.0.0.1:" + std::to_string(port));
  feed.join();
  ::close(server);
  EXPECT_EQ(r.code, 0);
  const RunResult from_file = Issa("ais decode " + sample);
  ASSERT_FALSE(from_file.out.empty());
  EXPECT_EQ(r.out, from_file.out);
  // Nobody listening: a clear failure, not a hang.
  uint16_t closed_port = 0;
  const int unused = BoundLoopbackSocket(SOCK_STREAM, closed_port);
  ::close(unused);
  EXPECT_EQ(Issa("ais decode --tcp 127.0.0.1:" + std::to_string(closed_port)).code, 1);
  EXPECT_EQ(Issa("ais decode --tcp 127.0.0.1:99999").code, 2);
}

// issa ais decode --udp decodes datagrams as they come and stops after --max-messages.
TEST_F(CliTest, AisDecodeListensForUdpDatagrams) {
  uint16_t port = 0;
  const int probe = BoundLoopbackSocket(SOCK_DGRAM, port);
  ASSERT_GE(probe, 0);
  ::close(probe);  // the port is free again; issa binds it
  const std::string cmd = std::string(ISSA_BINARY) +
                          " ais decode --udp 127.0.0.1:" + std::to_string(port) +
                          " --max-messages 3 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::atomic<bool> stop{false};
  std::thread sender([&] {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(port);
    // Two sentences per datagram, the second without a line end; resent until issa is done
    // (it may not be listening yet).
    const std::string datagram =
        "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n"
        "!AIVDM,1,1,,A,16SteH0P00Jt63hHaa6SagvJ087r,0*42";
    for (int i = 0; i < 400 && !stop.load(); ++i) {
      ::sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&to),
               sizeof to);
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ::close(fd);
  });
  std::string out;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = pclose(p);
  stop = true;
  sender.join();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::vector<nlohmann::json> messages;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    messages.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0]["mmsi"], 371798000);
  EXPECT_EQ(messages[1]["mmsi"], 440348000);
  EXPECT_EQ(messages[2]["mmsi"], 371798000);
}

// issa maritime replay: one JSON line per anomaly event and a summary; the same input gives the
// same output.
TEST_F(CliTest, MaritimeReplayPrintsEventsAndASummary) {
  const std::string log = std::string(ISSA_TEST_DATA) + "/maritime/amsa-ais.head1500.txt";
  const std::string events = (root_ / "events.ndjson").string();
  const RunResult r = Issa("maritime replay " + log + " --events " + events);
  ASSERT_EQ(r.code, 0);
  const nlohmann::json summary = nlohmann::json::parse(r.out)["summary"];
  EXPECT_EQ(summary["files"], 1);
  EXPECT_GT(summary["position_reports"].get<int>(), 500);
  EXPECT_GT(summary["tracks"].get<int>(), 50);
  const std::string lines = ReadAll(events);
  size_t n = 0;
  std::istringstream in(lines);
  for (std::string line; std::getline(in, line); ++n) {
    const nlohmann::json e = nlohmann::json::parse(line);
    EXPECT_TRUE(e.contains("kind") && e.contains("start") && e.contains("end") &&
                e.contains("lat") && e.contains("lon"))
        << line;
  }
  uint64_t counted = 0;
  for (const auto& [kind, count] : summary["anomalies"].items()) counted += count.get<uint64_t>();
  EXPECT_EQ(n, counted);
  // Without --events the events go to stdout before the summary; same events.
  const RunResult to_stdout = Issa("maritime replay " + log);
  ASSERT_EQ(to_stdout.code, 0);
  EXPECT_EQ(to_stdout.out.substr(0, lines.size()), lines);
  EXPECT_EQ(Issa("maritime replay " + (root_ / "missing.nmea").string()).code, 1);
  EXPECT_EQ(Issa("maritime replay").code, 2);
  // A configuration with the example geography runs; a bad key is a usage error.
  EXPECT_EQ(Issa("maritime replay --config " + std::string(ISSA_SOURCE_DIR) +
                 "/data/maritime/example.toml " + log)
                .code,
            0);
  EXPECT_EQ(Issa("maritime replay --config " + WriteFile("bad.toml", "[anomalies]\nbogus = 1\n") +
                 " " + log)
                .code,
            2);
}

// issa maritime cise: a vessel exported as a CISE message (valid against the XSDs) and imported
// back; another authority without access cannot export it; an invalid message is refused with
// the element named.
TEST_F(CliTest, MaritimeCiseExportAndImport) {
  ASSERT_EQ(
      Issa("authority add --data-dir " + dir_ + " --id IT-NCC --country IT --kind border").code, 0);
  const std::string it = Token("IT-NCC", "officer");
  const std::string fr = Token("FR-PIU", "analyst");
  ASSERT_EQ(Issa("import --data-dir " + dir_ + " --authority IT-NCC " +
                 WriteFile("vessel.ndjson",
                           R"({"type":"Vessel","properties":{"name":"ARGO","mmsi":"247123456",)"
                           R"("imo":"9074729","flag":"IT"},"geometry":{"type":"Point",)"
                           R"("coordinates":[12.5,35.5]},"handling":{"classification":"LIMITED",)"
                           R"("distribution":"owner","purposes":["border"]}})"
                           "\n"))
                .code,
            0);
  const RunResult found = Issa("search --data-dir " + dir_ + " --token " + it + " --type Vessel");
  ASSERT_EQ(found.code, 0);
  const std::string id = nlohmann::json::parse(found.out.substr(0, found.out.find('\n')))["id"];
  const std::string message = (root_ / "vessel.xml").string();
  ASSERT_EQ(Issa("maritime cise export --data-dir " + dir_ + " --token " + it + " --id " + id +
                 " --sender it.ncc.node1 -o " + message)
                .code,
            0);
  const std::string xml = ReadAll(message);
  EXPECT_NE(xml.find("<MMSI>247123456</MMSI>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<IMONumber>9074729</IMONumber>"), std::string::npos) << xml;
  EXPECT_EQ(Issa("maritime cise export --data-dir " + dir_ + " --token " + fr + " --id " + id +
                 " --sender fr.piu -o " + (root_ / "leak.xml").string())
                .code,
            1);
  EXPECT_FALSE(fs::exists(root_ / "leak.xml"));
  const RunResult imported =
      Issa("maritime cise import " + message + " --data-dir " + dir_ + " --token " + it);
  ASSERT_EQ(imported.code, 0);
  EXPECT_NE(imported.out.find(" Vessel"), std::string::npos) << imported.out;
  const RunResult both = Issa("search --data-dir " + dir_ + " --token " + it + " --q ARGO");
  EXPECT_EQ(std::count(both.out.begin(), both.out.end(), '\n'), 2) << both.out;
  std::string broken = xml;
  broken.replace(broken.find("<MMSI>247123456</MMSI>"), 22, "<MMSI>not-a-number</MMSI>");
  const RunResult refused = Issa("maritime cise import " + WriteFile("broken.xml", broken) +
                                 " --data-dir " + dir_ + " --token " + it);
  EXPECT_EQ(refused.code, 2);
}

// issa cyber import: a STIX bundle through the node; a bad object is refused on its own (exit
// 4), the others are imported and searchable as StixObject records; a repeat holds nothing new.
TEST_F(CliTest, CyberImportReportsPerObject) {
  ASSERT_EQ(
      Issa("authority add --data-dir " + dir_ + " --id NL-CERT --country NL --kind cert").code, 0);
  const std::string cert = Token("NL-CERT", "officer");
  const std::string bundle = WriteFile(
      "bundle.json",
      R"({"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[)"
      R"({"type":"attack-pattern","spec_version":"2.1","id":"attack-pattern--7e33a43e-e34b-40ec-89da-36c9bb2cacd5","created":"2016-05-12T08:17:27.000Z","modified":"2016-05-12T08:17:27.000Z","name":"Spear Phishing"},)"
      R"({"type":"attack-pattern","spec_version":"2.1","id":"attack-pattern--bad","created":"2016-05-12T08:17:27.000Z","modified":"2016-05-12T08:17:27.000Z","name":"Broken"},)"
      R"({"type":"x-mitre-tactic","spec_version":"2.1","id":"x-mitre-tactic--69da72d2-f550-41c5-ab9e-e8255707f28a","created":"2018-10-17T00:14:20.652Z","modified":"2018-10-17T00:14:20.652Z","name":"Initial Access","x_mitre_shortname":"initial-access"}]})");
  const RunResult first =
      Issa("cyber import --data-dir " + dir_ + " --token " + cert + " --tlp green " + bundle);
  EXPECT_EQ(first.code, 4);
  const auto line = nlohmann::json::parse(first.out.substr(0, first.out.find('\n')));
  EXPECT_EQ(line["objects"], 3);
  EXPECT_EQ(line["imported"], 2);
  EXPECT_EQ(line["failed"], 1);
  const RunResult found =
      Issa("search --data-dir " + dir_ + " --token " + cert + " --type StixObject");
  ASSERT_EQ(found.code, 0);
  EXPECT_EQ(std::count(found.out.begin(), found.out.end(), '\n'), 2) << found.out;
  EXPECT_EQ(found.out.find("attack-pattern--bad"), std::string::npos);
  const RunResult again =
      Issa("cyber import --data-dir " + dir_ + " --token " + cert + " --tlp green " + bundle);
  EXPECT_EQ(again.code, 4);  // the bad object again; the others are already held
  const RunResult after =
      Issa("search --data-dir " + dir_ + " --token " + cert + " --type StixObject");
  EXPECT_EQ(std::count(after.out.begin(), after.out.end(), '\n'), 2) << after.out;
  EXPECT_EQ(
      Issa("cyber import --data-dir " + dir_ + " --token " + cert + " --tlp purple " + bundle).code,
      2);
}

// issa ioc scan --collection: the active indicators of a TAXII collection that the caller may
// read, through the node; --post adds the sightings to it as STIX sightings (audited). Another
// CERT sees only what TLP lets it see, and may not post to a collection it cannot write.
TEST_F(CliTest, IocScanAgainstACollectionPostsSightings) {
  for (const char* id : {"NL-CERT", "DE-CERT"})
    ASSERT_EQ(Issa("authority add --data-dir " + dir_ + " --id " + id + " --country " +
                   std::string(id, 2) + " --kind cert")
                  .code,
              0);
  const std::string nl = Token("NL-CERT", "officer");
  const std::string de = Token("DE-CERT", "officer");
  const auto indicator = [](const char* uuid, const char* pattern, const char* tlp,
                            const char* extra) {
    return std::string(R"({"type":"indicator","spec_version":"2.1","id":"indicator--)") + uuid +
           R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
           R"("pattern_type":"stix","pattern":")" +
           pattern + R"(","valid_from":"2020-01-01T00:00:00Z","object_marking_refs":[)" +
           R"("marking-definition--)" + tlp + "\"]" + extra + "}";
  };
  constexpr const char* kGreen = "bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
  constexpr const char* kRed = "e828b379-4e03-4974-9ac4-e53a884c97c1";
  const std::string bundle = WriteFile(
      "indicators.json",
      R"({"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[)" +
          indicator("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "[domain-name:value = 'evil.example']",
                    kGreen, "") +
          "," +
          indicator("1c2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "[ipv4-addr:value = '203.0.113.7']",
                    kRed, "") +
          "," +
          indicator("2d2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "[ipv4-addr:value = '198.51.100.1']",
                    kGreen, R"(,"valid_until":"2021-01-01T00:00:00Z")") +
          "]}");
  ASSERT_EQ(Issa("cyber import --data-dir " + dir_ + " --token " + nl + " " + bundle).code, 0);
  const std::string log = WriteFile(
      "proxy.log",
      "1700000000.123 45 10.0.0.1 TCP_MISS/200 1 GET http://www.evil.example/x - "
      "HIER_DIRECT/203.0.113.7 text/html\n"
      "1700000060.000 45 10.0.0.1 TCP_MISS/200 1 GET http://ok.example/ - HIER_DIRECT/198.51.100.1 "
      "text/html\n");
  auto values = [](const std::string& ndjson) {
    std::vector<std::string> out;
    std::istringstream in(ndjson);
    for (std::string line; std::getline(in, line);)
      out.push_back(nlohmann::json::parse(line)["value"].get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
  };
  const std::string own = "authority:NL-CERT";
  const RunResult mine = Issa("ioc scan --data-dir " + dir_ + " --token " + nl + " --collection " +
                              own + " --post " + log);
  ASSERT_EQ(mine.code, 0) << mine.err;
  // The expired indicator is not scanned; GREEN and RED both visible to their owner.
  EXPECT_EQ(values(mine.out), (std::vector<std::string>{"203.0.113.7", "evil.example"}))
      << mine.out;
  EXPECT_NE(mine.err.find("posted 2 sighting(s)"), std::string::npos) << mine.err;
  // The sightings are STIX objects of the collection now, searchable by their owner.
  const RunResult found =
      Issa("search --data-dir " + dir_ + " --token " + nl + " --type StixObject --q sighting");
  ASSERT_EQ(found.code, 0) << found.err;
  EXPECT_NE(found.out.find("sighting--"), std::string::npos) << found.out;
  // Another CERT: the RED indicator is not shown to it, nor counted; it cannot post there.
  const RunResult other =
      Issa("ioc scan --data-dir " + dir_ + " --token " + de + " --collection " + own + " " + log);
  ASSERT_EQ(other.code, 0) << other.err;
  EXPECT_EQ(values(other.out), (std::vector<std::string>{"evil.example"})) << other.out;
  EXPECT_EQ(other.out.find("203.0.113.7"), std::string::npos);
  EXPECT_EQ(other.err.find("203.0.113.7"), std::string::npos);
  const RunResult post = Issa("ioc scan --data-dir " + dir_ + " --token " + de + " --collection " +
                              own + " --post " + log);
  EXPECT_EQ(post.code, 1) << post.err;
  EXPECT_NE(post.err.find("PermissionDenied"), std::string::npos) << post.err;
  // Bad use: --post without --collection, --collection without a data folder, a wrong token.
  EXPECT_EQ(Issa("ioc scan --post --indicators " + bundle + " " + log).code, 2);
  EXPECT_EQ(Issa("ioc scan --collection " + own + " --token " + nl + " " + log).code, 2);
  EXPECT_EQ(
      Issa("ioc scan --data-dir " + dir_ + " --token issa_wrong --collection " + own + " " + log)
          .code,
      1);
  EXPECT_EQ(Issa("audit verify --data-dir " + dir_).code, 0);
}

TEST_F(CliTest, DemoServesTheScenarioWithCrossSiloHits) {
  NodeProcess demo("demo --port 0 --data-dir " + (root_ / "demo").string() + " --ais-replay " +
                   std::string(ISSA_TEST_DATA) +
                   "/maritime/dma-stream_example.head300.txt --replay-speed 100");
  const std::string banner = demo.ReadUntil("Press Ctrl-C");
  const uint16_t port = PortOf(banner);
  ASSERT_NE(port, 0) << banner;
  const std::string fr = TokenOf(banner, "FR-PIU", "analyst");
  const std::string de = TokenOf(banner, "DE-BKA", "officer");
  ASSERT_FALSE(fr.empty()) << banner;
  issa::api::testing::HttpClient http(port);
  EXPECT_EQ(http.Get("/healthz").status, 200);
  const auto authorities = http.Get("/api/v1/authorities", fr).Json();
  ASSERT_TRUE(authorities.is_object() || authorities.is_array()) << authorities;
  const auto hits = http.Get("/api/v1/hits", fr);
  ASSERT_EQ(hits.status, 200) << hits.body;
  EXPECT_NE(hits.body.find("DE-BKA holds a matching record of type Person"), std::string::npos)
      << hits.body;
  EXPECT_EQ(hits.body.find("Петров"), std::string::npos);
  const auto de_hits = http.Get("/api/v1/hits", de);
  EXPECT_NE(de_hits.body.find("NL-FIU"), std::string::npos) << de_hits.body;  // the account
  // The live vessel picture, fed by the replayed log: the NCC sees tracks, the PIU (no border
  // purpose) is refused.
  const std::string ncc = TokenOf(banner, "IT-NCC", "officer");
  nlohmann::json tracks;
  for (int i = 0; i < 100; ++i) {
    const auto got = http.Get("/api/v1/maritime/tracks?bbox=-10,50,30,70", ncc);
    ASSERT_EQ(got.status, 200) << got.body;
    tracks = got.Json();
    if (tracks["total"].get<int>() > 20) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GT(tracks["total"].get<int>(), 20) << tracks;
  const auto id = tracks["features"][0]["id"].get<int>();
  const auto one = http.Get("/api/v1/maritime/tracks/" + std::to_string(id), ncc);
  EXPECT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(http.Get("/api/v1/maritime/tracks", fr).status, 403);
  // Track updates on the event stream, for those who may see the picture.
  issa::api::testing::SseClient updates(port, ncc, "/api/v1/stream?tracks=true");
  EXPECT_EQ(updates.Status(), 200);
  EXPECT_TRUE(updates.WaitFor("event: tracks", std::chrono::milliseconds(10000))) << updates.Text();
  issa::api::testing::SseClient refused(port, fr, "/api/v1/stream?tracks=true");
  EXPECT_EQ(refused.Status(), 403);
  EXPECT_EQ(http.Get("/api/v1/maritime/tracks?bbox=1,2", ncc).status, 400);
  EXPECT_EQ(demo.Stop(), 0);
  EXPECT_EQ(Issa("audit verify --data-dir " + (root_ / "demo").string()).code, 0);
}

TEST_F(CliTest, ServeListensOnAnEphemeralPortAndStopsCleanly) {
  NodeProcess node("serve --port 0 --data-dir " + dir_);
  const uint16_t port = PortOf(node.ReadUntil("listening"));
  ASSERT_NE(port, 0);
  issa::api::testing::HttpClient http(port);
  EXPECT_EQ(http.Get("/healthz").status, 200);
  EXPECT_EQ(http.Get("/api/v1/records", "issa_wrong").status, 401);
  EXPECT_EQ(node.Stop(), 0);
}

// `issa ioc scan` end to end: a squid log with a binary line, indicators from a MISP event and a
// STIX bundle, warning lists.
TEST(IocScanCli, MispAndStixIndicatorsOnAProxyLog) {
  const auto dir = fs::temp_directory_path() / "issa_ioc_scan_cli";
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream log(dir / "access.log", std::ios::binary);
    log << "1700000000.123 45 10.0.0.1 TCP_MISS/200 1234 GET http://meteost.com/x - "
           "HIER_DIRECT/93.184.216.34 text/html\n"
        << std::string("\xff\xfe\x00 binary line\n", 16)
        << "1700000100.000 45 10.0.0.1 TCP_TUNNEL/200 1234 CONNECT www.fsportal.net:443 - "
           "HIER_DIRECT/10.1.2.3 -\n";
    std::ofstream bundle(dir / "bundle.json");
    bundle << R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[
      {"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
       "created":"2026-01-01T00:00:00Z","modified":"2026-01-01T00:00:00Z","valid_from":"2020-01-01T00:00:00Z",
       "pattern_type":"stix","pattern":"[ipv4-addr:value = '93.184.216.34'] OR [ipv4-addr:value = '10.1.2.3']"}]})";
  }
  const auto misp =
      std::string(ISSA_TEST_DATA) + "/cyber/misp/pymisp-osint-sednit-existing_event.json";
  const auto lists = std::string(ISSA_TEST_DATA) + "/cyber/warninglists";
  auto r =
      Issa("ioc scan --indicators " + misp + " --indicators " + (dir / "bundle.json").string() +
           " --warninglists " + lists + " " + (dir / "access.log").string());
  ASSERT_EQ(r.code, 0);
  std::vector<nlohmann::json> lines;
  size_t start = 0;
  while (start < r.out.size()) {
    const auto end = r.out.find('\n', start);
    lines.push_back(nlohmann::json::parse(r.out.substr(start, end - start)));
    start = end + 1;
  }
  // 10.1.2.3 is on the RFC 1918 warning list: dropped from the indicators.
  ASSERT_EQ(lines.size(), 3u);
  // Ordered by first line, then indicator id.
  EXPECT_EQ(lines[0]["value"], "meteost.com");
  EXPECT_EQ(lines[0]["indicator"], "5a3c3045-61dc-495c-ae8a-471e02de0b81");
  EXPECT_EQ(lines[0]["first_seen"], "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(lines[1]["value"], "93.184.216.34");
  EXPECT_EQ(lines[1]["line"], 1);
  EXPECT_EQ(lines[2]["value"], "fsportal.net");
  EXPECT_EQ(lines[2]["line"], 3);
  // Bad input: missing indicators, missing log, unreadable indicator file, --collection.
  EXPECT_EQ(Issa("ioc scan " + (dir / "access.log").string()).code, 2);
  EXPECT_EQ(Issa("ioc scan --indicators " + misp + " " + (dir / "missing.log").string()).code, 2);
  EXPECT_EQ(Issa("ioc scan --indicators " + (dir / "access.log").string() + " " +
                 (dir / "access.log").string())
                .code,
            2);
  EXPECT_EQ(Issa("ioc scan --collection c " + (dir / "access.log").string()).code, 2);  // no node
  fs::remove_all(dir);
}

}  // namespace

TEST_F(CliTest, PnrParsePrintsRecordsDeletionsAndPerMessageErrors) {
  const std::string data = std::string(ISSA_TEST_DATA) + "/travel/";
  // A PNR whose envelope is right, then a real PAXLST with a byte outside UNOA.
  const RunResult r = Issa("pnr parse " + data + "pnrgov/gtas-loader__pnr_split.edi " + data +
                           "paxlst/gtas-loader__Test3.txt");
  EXPECT_EQ(r.code, 4);  // some messages rejected
  std::vector<nlohmann::json> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["status"], "ok");
  EXPECT_EQ(lines[0]["reference"], "13052210400995");
  EXPECT_EQ(lines[0]["deletions"]["aircraft_type"], 4);
  EXPECT_FALSE(lines[0].contains("pnr"));  // only with --json
  size_t passengers = 0;
  for (const auto& rec : lines[0]["records"]) passengers += rec["type"] == "Passenger" ? 1 : 0;
  EXPECT_EQ(passengers, 3u);
  EXPECT_EQ(lines[1]["status"], "error");
  EXPECT_EQ(lines[1]["error"]["field"], "message[WSPDLA].segment[850:NAD].element[4]");
  EXPECT_FALSE(lines[1].contains("records"));
  // --json adds the parsed form; --lenient accepts a stale UNT count.
  const RunResult lenient =
      Issa("pnr parse --json --lenient " + data + "pnrgov/gtas-parsers__pnrMessage.txt");
  EXPECT_EQ(lenient.code, 0);
  const auto j = nlohmann::json::parse(lenient.out.substr(0, lenient.out.find('\n')));
  EXPECT_EQ(j["pnr"]["bookings"][0]["record_locator"], "MFN4TI");
  EXPECT_EQ(Issa("pnr parse " + data + "pnrgov/gtas-parsers__pnrMessage.txt").code, 4);
  EXPECT_EQ(Issa("pnr parse " + data + "does-not-exist.edi").code, 1);
  // Risk criteria: the companion rule cannot hold without screening input; a route rule does.
  const std::string rules = WriteFile(
      "rules.json",
      R"([{"id":"R-MTY","version":1,"author":"t","title":"from MTY","when":{"fact":"origin",)"
      R"("op":"eq","value":"MTY"}}])");
  const RunResult hits =
      Issa("pnr parse --rules " + rules + " " + data + "pnrgov/gtas-loader__pnr_split.edi");
  EXPECT_EQ(hits.code, 0);
  const auto h = nlohmann::json::parse(hits.out.substr(0, hits.out.find('\n')));
  ASSERT_EQ(h["risk_hits"].size(), 2u);  // the two travellers of ICOXXX
  EXPECT_EQ(h["risk_hits"][0]["facts"][0]["actual"], "MTY");
  const std::string refused = WriteFile(
      "refused.json",
      R"({"id":"R-X","version":1,"author":"t","title":"kosher meals","when":{"fact":"legs",)"
      R"("op":"ge","value":1}})");
  EXPECT_EQ(
      Issa("pnr parse --rules " + refused + " " + data + "pnrgov/gtas-loader__pnr_split.edi").code,
      2);
}
