#include "issa/cyber/ioc_scan.h"

#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace issa::cyber {
namespace {

std::vector<std::string> Tokens(std::string_view line) {
  std::vector<std::string> out;
  ExtractLogObservables(line, [&](ObservableType t, std::string_view v) {
    out.push_back(std::string(ObservableTypeName(t)) + ":" + std::string(v));
  });
  return out;
}

TEST(ExtractLogObservables, SquidLine) {
  const auto tokens = Tokens(
      "1700000000.123    45 10.0.0.1 TCP_MISS/200 1234 GET HTTP://Sub.Evil.Example.COM:80/a?b=1 - "
      "HIER_DIRECT/93.184.216.34 text/html");
  const std::vector<std::string> expected = {"ipv4:10.0.0.1",
                                             "url:http://sub.evil.example.com/a?b=1",
                                             "domain:sub.evil.example.com",
                                             "domain:evil.example.com",
                                             "domain:example.com",
                                             "ipv4:93.184.216.34"};
  EXPECT_EQ(tokens, expected);
}

TEST(ExtractLogObservables, DnsFirewallMailAndHashes) {
  EXPECT_EQ(
      Tokens("client @0x7f 10.0.0.5#53244 (bad.example.org): query: bad.example.org IN A"),
      (std::vector<std::string>{"ipv4:10.0.0.5", "domain:bad.example.org", "domain:example.org",
                                "domain:bad.example.org", "domain:example.org"}));
  EXPECT_EQ(Tokens("SRC=192.0.2.9 DST=2001:DB8::1 SPT=443"),
            (std::vector<std::string>{"ipv4:192.0.2.9", "ipv6:2001:db8::1"}));
  EXPECT_EQ(Tokens("to=<Phish@Evil.Example>, relay=mx.evil.example[198.51.100.3]:25"),
            (std::vector<std::string>{"email:phish@evil.example", "domain:evil.example",
                                      "domain:mx.evil.example", "domain:evil.example",
                                      "ipv4:198.51.100.3"}));
  EXPECT_EQ(Tokens("file sha256=E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"),
            (std::vector<std::string>{
                "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}));
  // Dotted quads: no leading zeros, parts up to 255, four parts.
  EXPECT_EQ(Tokens("a=01.2.3.4 b=1.2.3.256 c=1.2.3.4.5 d=1234.1.1.1 e=0.0.0.0 f=255.255.255.255"),
            (std::vector<std::string>{"ipv4:0.0.0.0", "ipv4:255.255.255.255"}));
  // Binary bytes and invalid UTF-8 separate tokens; no crash.
  EXPECT_EQ(Tokens(std::string("\xff\xfe"
                               "evil.example\x00\x01"
                               "10.1.1.1\xc3",
                               26)),
            (std::vector<std::string>{"domain:evil.example", "ipv4:10.1.1.1"}));
}

// The line classifier has a SIMD path (AVX2, when the CPU has it) and a portable one: both give
// the same tokens on log lines of every kind, on lines longer than 64 bytes, and on random bytes.
TEST(ExtractLogObservables, SimdAndPortableClassifiersAgree) {
  std::vector<std::string> lines = {
      "1700000000.123    45 10.0.0.1 TCP_MISS/200 1234 GET HTTP://Sub.Evil.Example.COM:80/a?b=1 - "
      "HIER_DIRECT/93.184.216.34 text/html",
      "23-Nov-2026 10:00:00.000 queries: info: client @0x7f3a8c 10.1.2.3#5353 (a.b.example): "
      "query: a.b.example IN A +E(0)K (10.0.0.53)",
      "Nov 23 10:00:01 fw kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:16:3e:aa:bb:cc SRC=10.0.0.1 "
      "DST=2001:db8::1 LEN=60",
      "Nov 23 10:00:02 mx postfix/smtp[12]: AB: to=<u@x.example>, relay=mx.x.example[192.0.2.1]:25",
      "x=https://a.example/%7Efoo/../b?c=d#e ftp://[2001:db8::2]:2121/f "
      "sha256=E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
  };
  const std::string hex64 = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
  lines.push_back("sha256 " + hex64 + " end");                  // a long field without markers
  lines.push_back(std::string(50, ' ') + hex64 + " " + hex64);  // across 64-byte words
  lines.push_back(std::string(70, 'a') + ".example " + std::string(40, 'b') + "@c.example");
  lines.push_back("GET http://a.example/x/../y?q=%41 http://b.example/./z");  // dot segments
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {
    std::string line(rng() % 300, '\0');
    for (auto& c : line) {
      const auto r = rng() % 8;
      c = r < 4   ? "abcdef0123456789.:@/=#%-[]<> \t"[rng() % 31]
          : r < 6 ? static_cast<char>('a' + rng() % 26)
                  : static_cast<char>(rng() % 256);
    }
    lines.push_back(line);
  }
  for (const auto& line : lines) {
    detail::UseScalarLineClassifier(false);
    const auto simd = Tokens(line);
    detail::UseScalarLineClassifier(true);
    const auto portable = Tokens(line);
    detail::UseScalarLineClassifier(false);
    EXPECT_EQ(simd, portable) << line;
  }
  EXPECT_EQ(Tokens(lines[0]).size(), 6u);
  EXPECT_EQ(Tokens(lines[5]),
            (std::vector<std::string>{"sha256:" + std::string("e3b0c44298fc1c149afbf4c8996fb92427"
                                                              "ae41e4649b934ca495991b7852b855")}));
  EXPECT_EQ(Tokens(lines[6]).size(), 2u);
  const auto urls = Tokens(lines[8]);
  ASSERT_FALSE(urls.empty());
  EXPECT_EQ(urls[0], "url:http://a.example/y?q=A") << ::testing::PrintToString(urls);
}

TEST(IocScanner, ExactCidrParentDomainUrlAndPatterns) {
  IocScanner scanner;
  ASSERT_TRUE(scanner.Add({"indicator--1", ObservableType::kDomain, "evil.example.com"}).ok());
  ASSERT_TRUE(scanner.Add({"indicator--2", ObservableType::kIpv4, "93.184.216.0/24"}).ok());
  ASSERT_TRUE(
      scanner.Add({"indicator--3", ObservableType::kUrl, "http://sub.evil.example.com/a?b=1"})
          .ok());
  ASSERT_TRUE(
      scanner.Add({"indicator--4", ObservableType::kText, "cmd.exe /c", IndicatorMatch::kSubstring})
          .ok());
  ASSERT_TRUE(
      scanner
          .Add({"indicator--5", ObservableType::kText, "pay[0-9]{4}\\.php", IndicatorMatch::kRegex})
          .ok());
  ASSERT_TRUE(scanner.Add({"indicator--6", ObservableType::kFilename, "Mimikatz.EXE"}).ok());
  ASSERT_TRUE(scanner.Add({"indicator--7", ObservableType::kIpv4, "203.0.113.250"}).ok());
  EXPECT_FALSE(scanner.Add({"indicator--8", ObservableType::kSha1, "nothex"}).ok());
  EXPECT_EQ(scanner.Add({"", ObservableType::kIpv4, "1.1.1.1"}).field(), "id");
  EXPECT_TRUE(scanner.Compile().empty());
  EXPECT_EQ(scanner.AtomicCount(), 4u);
  EXPECT_EQ(scanner.PatternCount(), 3u);
  const std::string log =
      "1700000000.000 1 10.0.0.1 TCP_MISS/200 1 GET http://sub.evil.example.com/a?b=1 - "
      "HIER_DIRECT/93.184.216.34 -\n"
      "1700000060.000 1 10.0.0.1 TCP_MISS/200 1 GET http://www.other.example/pay1234.php - "
      "HIER_DIRECT/1.2.3.4 -\n"
      "1700000120.500 1 10.0.0.2 TCP_MISS/200 1 GET http://evil.example.com/ - "
      "HIER_DIRECT/93.184.216.35 -\n"
      "\x01\x02binary \xff garbage mimikatz.exe\n"
      "2026-11-23T10:00:00Z firewall DROP cmd.exe /c whoami from 203.0.113.250";
  std::vector<IocSighting> sightings;
  const auto summary = scanner.ScanText(log, "proxy.log", sightings);
  EXPECT_EQ(summary.lines, 5u);
  EXPECT_EQ(summary.binary_lines, 1u);
  std::map<std::string, IocSighting> by_id;
  for (const auto& s : sightings) by_id[s.indicator_id] = s;
  ASSERT_EQ(by_id.size(), 7u);
  EXPECT_EQ(by_id["indicator--1"].count, 2u);  // parent domain of line 1, exact on line 3
  EXPECT_EQ(by_id["indicator--1"].first_line, 1u);
  EXPECT_EQ(by_id["indicator--1"].last_line, 3u);
  EXPECT_EQ(*by_id["indicator--1"].first_seen, 1700000000000);
  EXPECT_EQ(*by_id["indicator--1"].last_seen, 1700000120500);
  EXPECT_EQ(by_id["indicator--2"].count, 2u);
  EXPECT_EQ(by_id["indicator--3"].count, 1u);
  EXPECT_EQ(by_id["indicator--5"].first_line, 2u);
  EXPECT_EQ(by_id["indicator--6"].first_line, 4u);
  EXPECT_EQ(by_id["indicator--4"].first_line, 5u);
  EXPECT_EQ(*by_id["indicator--4"].first_seen, 1795428000000);
  EXPECT_EQ(by_id["indicator--7"].first_line, 5u);
  EXPECT_EQ(SightingNdjson(by_id["indicator--3"]),
            R"({"count":1,"first_seen":"2023-11-14T22:13:20.000Z","indicator":"indicator--3",)"
            R"("last_line":1,"last_seen":"2023-11-14T22:13:20.000Z","line":1,"log":"proxy.log",)"
            R"("value":"http://sub.evil.example.com/a?b=1"})");
}

TEST(IocScanner, UnsupportedRegexIsReportedAndTheRestScans) {
  IocScanner scanner;
  ASSERT_TRUE(scanner.Add({"bad", ObservableType::kText, "(a)\\1", IndicatorMatch::kRegex}).ok());
  ASSERT_TRUE(
      scanner.Add({"good", ObservableType::kText, "beacon", IndicatorMatch::kSubstring}).ok());
  const auto problems = scanner.Compile();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].indicator_id, "bad");
  std::vector<IocSighting> sightings;
  scanner.ScanText("x\nBEACON here\n", "a.log", sightings);
  ASSERT_EQ(sightings.size(), 1u);
  EXPECT_EQ(sightings[0].first_line, 2u);
  EXPECT_FALSE(scanner.ScanFile("/nonexistent/log", sightings).ok());
}

}  // namespace
}  // namespace issa::cyber
