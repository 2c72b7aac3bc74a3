#include "issa/cyber/ioc_scan.h"

#include <cctype>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
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
  // Digits and dots of a hash's length: not a hash (a dot is no hex digit).
  lines.push_back("t=123456789012345678901234567890.2 5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.55");
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
    const auto simd = Tokens(line);
    detail::UsePortableLineClassifier(true);
    const auto portable = Tokens(line);
    detail::UsePortableLineClassifier(false);
    detail::UseScalarLineClassifier(true);
    const auto reference = Tokens(line);
    detail::UseScalarLineClassifier(false);
    EXPECT_EQ(simd, reference) << line;
    EXPECT_EQ(portable, reference) << line;
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

// Squid's epoch seconds beyond 2^31 (from 2038 on) are read whole, not through an int.
TEST(IocScanner, SquidEpochSecondsBeyondThirtyOneBits) {
  IocScanner scanner;
  ASSERT_TRUE(scanner.Add({"indicator--1", ObservableType::kIpv4, "203.0.113.250"}).ok());
  EXPECT_TRUE(scanner.Compile().empty());
  std::vector<IocSighting> sightings;
  scanner.ScanText(
      "9999999999.250 1 10.0.0.1 TCP_MISS/200 1 GET http://203.0.113.250/ - HIER_DIRECT/- -\n",
      "proxy.log", sightings);
  ASSERT_EQ(sightings.size(), 1u);
  ASSERT_TRUE(sightings[0].first_seen.has_value());
  EXPECT_EQ(*sightings[0].first_seen, 9999999999250);
}

// Random logs of the four formats with mixed case, ports, user info, percent-encodings, dot
// segments, IPv6 literals and e-mail addresses; indicators drawn from the values in them. The
// scanner (SIMD classifier, URL host filter, keys hashed lower-cased in place) must find exactly
// what a plain reference finds: the tokens of ExtractLogObservables (no filter, keys lower-cased
// by copy) looked up in a std::map of the indicators' normalised values. The same with the
// shortcuts switched off.
class RandomLog {
 public:
  explicit RandomLog(unsigned seed) : rng_(seed) {}

  std::string Cased(std::string s) {
    for (auto& c : s)
      if (std::isalpha(static_cast<unsigned char>(c)) && rng_() % 3 == 0) c ^= 0x20;
    return s;
  }
  std::string Host() {
    static const char* kLabels[] = {"evil", "cdn", "a", "www", "login", "x-y", "m_1", "mail"};
    static const char* kTlds[] = {"com", "net", "example", "io"};
    std::string h;
    const auto labels = 1 + rng_() % 3;
    for (unsigned i = 0; i < labels; ++i) h += std::string(kLabels[rng_() % 8]) + ".";
    return h + kTlds[rng_() % 4];
  }
  std::string Ip() {
    static const int kOctets[] = {1, 10, 93, 184, 203, 0, 255, 12};
    return std::to_string(kOctets[1 + rng_() % 7]) + "." + std::to_string(kOctets[rng_() % 8]) +
           "." + std::to_string(kOctets[rng_() % 8]) + "." + std::to_string(kOctets[rng_() % 8]);
  }
  // Dotted digits that are, or are not, an IPv4 address: leading zeros, parts over 255 or over
  // three digits, empty parts, three or five parts, a port.
  std::string OddQuad() {
    static const char* kParts[] = {"0",   "00",  "01",  "010", "1",   "9",   "10",  "99",   "100",
                                   "199", "249", "250", "255", "256", "299", "999", "1000", ""};
    std::string q;
    const auto parts = 3 + rng_() % 3;
    for (unsigned i = 0; i < parts; ++i) q += std::string(i ? "." : "") + kParts[rng_() % 18];
    if (rng_() % 4 == 0) q += ":" + std::to_string(rng_() % 70000);
    return q;
  }
  // Addresses that begin with "::" (the loopback, IPv4-compatible, IPv4-mapped, perhaps in
  // brackets with a port) and tokens that look like them and are not.
  std::string TwoColons() {
    switch (rng_() % 8) {
      case 0:
        return "::1";
      case 1:
        return "::" + Ip();
      case 2:
        return Cased("::ffff:") + Ip();
      case 3:
        return "[::ffff:" + Ip() + "]:" + std::to_string(rng_() % 70000);
      case 4:
        return "::";
      case 5:
        return "::" + std::to_string(rng_() % 24) + ":00:00";
      case 6:
        return "-::ffff:" + OddQuad();
      default:
        return "::ffff:" + Ip() + "x";
    }
  }
  std::string Hash() {
    std::string h;
    for (int i = 0; i < 64; ++i) h += "0123456789abcdef"[(rng_() % 4 == 0) ? rng_() % 16 : i % 16];
    return h;
  }
  std::string Url() {
    static const char* kSchemes[] = {"http", "https", "ftp", "hxxp"};
    static const char* kPorts[] = {"", "", ":80", ":443", ":8080", ":21", ":0"};
    static const char* kPaths[] = {"/",       "",        "/a/b.php?id=1", "/%41x", "/./z",
                                   "/a/../b", "/x.js#f", "?q=1",          "/p/"};
    std::string u = std::string(kSchemes[rng_() % 4]) + "://";
    if (rng_() % 10 == 0) u += "user@";
    const auto host_kind = rng_() % 10;
    u += host_kind == 0   ? Ip()
         : host_kind == 1 ? "[2001:db8::" + std::to_string(rng_() % 3) + "]"
                          : Host();
    if (rng_() % 20 == 0) u += ".";
    return u + kPorts[rng_() % 7] + kPaths[rng_() % 9];
  }
  std::string Line() {
    const auto kind = rng_() % 5;
    if (kind == 0)
      return "1700000000.123 45 " + Ip() + " TCP_MISS/200 99 GET " + Cased(Url()) +
             " - HIER_DIRECT/" + Ip() + " text/html";
    if (kind == 1) {
      const auto name = Cased(Host());
      return "23-Nov-2026 10:00:00.000 queries: info: client @0x7f3a8c " + Ip() + "#53 (" + name +
             "): query: " + name + " IN A +E(0)K (" + Ip() + ")";
    }
    if (kind == 2)
      return "Nov 23 10:00:01 fw kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:16:3e:aa:bb:cc SRC=" +
             Ip() + " DST=" + Ip() + ":443 LEN=60";
    if (kind == 3)
      return "Nov 23 10:00:02 mx postfix/smtp[12]: AB: to=<u" + std::to_string(rng_() % 3) + "@" +
             Cased(Host()) + ">, relay=" + Cased(Host()) + "[" + Ip() +
             "]:25, sha256=" + Cased(Hash());
    // Loose text: values between random separators.
    std::string line;
    static const char* kSeparators[] = {" ", "=", "/", ",", "\t", "\"", "(", ") ", "|", "#"};
    for (int i = 0, n = 2 + static_cast<int>(rng_() % 6); i < n; ++i) {
      const auto v = rng_() % 7;
      line += v == 6   ? TwoColons()
              : v == 0 ? Cased(Url())
              : v == 1 ? Ip()
              : v == 2 ? Cased(Host())
              : v == 3 ? Hash()
              : v == 4 ? OddQuad()
                       : "x";
      line += kSeparators[rng_() % 10];
    }
    return line;
  }
  std::mt19937& Rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

TEST(IocScanner, ShortcutsFindWhatThePlainReferenceFinds) {
  for (unsigned seed = 1; seed <= 6; ++seed) {
    RandomLog gen(seed);
    std::vector<std::string> lines;
    for (int i = 0; i < 3000; ++i) lines.push_back(gen.Line());
    // Line ends at and beside the classifier's 32-byte steps (blanks added), empty lines, and
    // lines over 4096 bytes (their ends found by memchr).
    for (size_t i = 0; i < lines.size(); i += 7)
      lines[i].resize(32 * (lines[i].size() / 32 + 1 + i % 2) + i % 3 - 1, ' ');
    for (size_t i = 3; i < lines.size(); i += 101) lines[i].clear();
    for (size_t i = 5; i + 60 < lines.size(); i += 499)
      for (size_t j = 1; j < 60; ++j) lines[i] += " " + lines[i + j];
    // Indicators: a third of the distinct values the lines carry, and values absent from them.
    std::map<std::string, ObservableType> present;
    // The reference tokenizer: portable classifier, every field, each token's bytes classified
    // one by one.
    detail::UseScalarLineClassifier(true);
    for (const auto& line : lines)
      ExtractLogObservables(
          line, [&](ObservableType t, std::string_view v) { present.emplace(std::string(v), t); });
    IocScanner scanner;
    std::map<std::string, std::vector<std::string>> ids_by_value;  // normalised value -> ids
    size_t next_id = 0;
    auto add = [&](ObservableType type, const std::string& value) {
      const auto id = "indicator--" + std::to_string(next_id++);
      ASSERT_TRUE(scanner.Add({id, type, value}).ok()) << value;
      ids_by_value[MakeObservable(type, value)->value].push_back(id);
    };
    for (const auto& [value, type] : present)
      if (gen.Rng()() % 3 == 0) add(type, value);
    for (int i = 0; i < 300; ++i) {
      add(ObservableType::kDomain, gen.Host() + ".absent");
      add(ObservableType::kUrl, "http://" + gen.Host() + "/absent" + std::to_string(i));
    }
    ASSERT_TRUE(scanner.Compile().empty());
    ASSERT_GT(ids_by_value.size(), 100u);

    // The reference: per line, the extracted tokens looked up in the map.
    std::map<std::string, std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> expected;
    std::uint64_t expected_lines = 0;
    std::string log;
    for (size_t i = 0; i < lines.size(); ++i) {
      std::set<std::string> hits;
      ExtractLogObservables(lines[i], [&](ObservableType, std::string_view v) {
        if (auto it = ids_by_value.find(std::string(v)); it != ids_by_value.end())
          hits.insert(it->second.begin(), it->second.end());
      });
      expected_lines += !hits.empty();
      for (const auto& id : hits) {
        auto& [first, last, count] = expected[id];
        if (count++ == 0) first = i + 1;
        last = i + 1;
      }
      log += lines[i] + "\n";
    }
    if (seed % 2 == 0) log.pop_back();  // a last line without its '\n'
    detail::UseScalarLineClassifier(false);
    ASSERT_GT(expected.size(), 50u);

    // Modes: 0 the fast path (SIMD classifier where the CPU has it, URL host filter, masked
    // tokens), 1 without the URL host filter, 2 the reference tokenizer, 3 the fast path with
    // the portable classifier.
    for (int mode = 0; mode < 4; ++mode) {
      detail::UseUrlHostFilter(mode != 1);
      detail::UseScalarLineClassifier(mode == 2);
      detail::UsePortableLineClassifier(mode == 3);
      std::vector<IocSighting> sightings;
      const auto summary = scanner.ScanText(log, "random.log", sightings);
      detail::UseUrlHostFilter(true);
      detail::UseScalarLineClassifier(false);
      detail::UsePortableLineClassifier(false);
      std::map<std::string, std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> found;
      for (const auto& s : sightings) found[s.indicator_id] = {s.first_line, s.last_line, s.count};
      EXPECT_EQ(found, expected) << "seed " << seed << " mode " << mode;
      EXPECT_EQ(summary.matched_lines, expected_lines) << "seed " << seed << " mode " << mode;
    }
  }
}

// Tokens of digits, dots and colons only are dropped early unless they can be an address: the
// IPv6 forms among them (seven colons, "::") and an address with a port
// are still found; times of day and decimals are not taken for them.
TEST(IocScanner, DigitOnlyAddressFormsAmongTimesAreFound) {
  IocScanner scanner;
  ASSERT_TRUE(scanner.Add({"seven", ObservableType::kIpv6, "1:2:3:4:5:6:7:8"}).ok());
  ASSERT_TRUE(scanner.Add({"compressed", ObservableType::kIpv6, "2001::1"}).ok());
  ASSERT_TRUE(scanner.Add({"v4", ObservableType::kIpv4, "10.1.2.3"}).ok());
  ASSERT_TRUE(scanner.Add({"hex", ObservableType::kIpv6, "2001:db8:0:0:1:0:0:1"}).ok());
  ASSERT_TRUE(scanner.Add({"mail", ObservableType::kDomain, "mail.evil.example"}).ok());
  // An IPv6 address written with a dotted quad at its end, digits only.
  ASSERT_TRUE(scanner.Add({"six_quad", ObservableType::kIpv6, "1:2:3:4:5:6:7.8.9.10"}).ok());
  ASSERT_TRUE(scanner.Compile().empty());
  const std::string log =
      "Nov 23 10:00:00 fw MAC=00:16:3e:aa:bb:cc SRC=2001:db8:0:0:1:0:0:1 "
      "to=a:b:c@mail.evil.example\n"
      "Nov 23 10:00:01 fw src 1:2:3:4:5:6:7:8 at 10:00:01.25\n"
      "Nov 23 10:00:02 fw src 2001::1 took 0.25 s\n"
      "Nov 23 10:00:03 fw port 1:2:3 1:2:3:4:5:6:7\n"
      "Nov 23 10:00:04 fw dst 10.1.2.3:443 1795428000.123\n"
      "Nov 23 10:00:05 fw at 10:00:05.123 1.2.3 1:2:3:4:5:6 2001:1 10.1.2.3.4\n"
      "Nov 23 10:00:06 fw src 1:2:3:4:5:6:7.8.9.10 via 1:2:7.8.9.10\n";
  std::vector<IocSighting> sightings;
  const auto summary = scanner.ScanText(log, "fw.log", sightings);
  std::map<std::string, std::uint64_t> line_of;
  for (const auto& s : sightings) line_of[s.indicator_id] = s.first_line;
  EXPECT_EQ(
      line_of,
      (std::map<std::string, std::uint64_t>{
          {"hex", 1}, {"mail", 1}, {"seven", 2}, {"compressed", 3}, {"v4", 5}, {"six_quad", 7}}));
  EXPECT_EQ(summary.matched_lines, 5u);
}

// IPv6 addresses that begin with "::" keep it although ':' is stripped from a token's ends: the
// loopback, an IPv4-compatible form and the IPv4-mapped form of dual-stack server logs, bare or
// in brackets with a port. The mapped form is also its IPv4 address and that address's CIDRs; the
// IPv4-compatible form is not. "::" alone, times of day and MAC addresses are no address.
TEST(IocScanner, AddressesBeginningWithTwoColonsAreFound) {
  IocScanner scanner;
  ASSERT_TRUE(scanner.Add({"loopback", ObservableType::kIpv6, "::1"}).ok());
  ASSERT_TRUE(scanner.Add({"compat", ObservableType::kIpv6, "::192.0.2.1"}).ok());
  ASSERT_TRUE(scanner.Add({"compat_v4", ObservableType::kIpv4, "192.0.2.1"}).ok());
  ASSERT_TRUE(scanner.Add({"mapped", ObservableType::kIpv6, "::ffff:10.1.2.3"}).ok());
  ASSERT_TRUE(scanner.Add({"mapped_v4", ObservableType::kIpv4, "10.1.2.3"}).ok());
  ASSERT_TRUE(scanner.Add({"mapped_cidr", ObservableType::kIpv4, "10.1.0.0/16"}).ok());
  ASSERT_TRUE(scanner.Add({"other_mapped_v4", ObservableType::kIpv4, "10.9.8.7"}).ok());
  ASSERT_TRUE(scanner.Add({"zero", ObservableType::kIpv6, "::"}).ok());
  ASSERT_TRUE(scanner.Add({"mac_tail", ObservableType::kIpv6, "::3e:aa:bb:cc"}).ok());
  ASSERT_TRUE(scanner.Compile().empty());
  const std::string log =
      "2026-11-24T08:00:00Z GET /health from ::1 200\n"                         // 1
      "2026-11-24T08:00:01Z peer=::192.0.2.1 ok\n"                              // 2
      "2026-11-24T08:00:02Z client ::ffff:10.1.2.3 GET /\n"                     // 3
      "2026-11-24T08:00:03Z remote [::ffff:10.1.2.3]:443 closed\n"              // 4
      "2026-11-24T08:00:04Z bind :: port 8080 at 10:00:00\n"                    // 5
      "2026-11-24T08:00:05Z MAC=00:16:3e:aa:bb:cc ::3e:aa:bb:cc:dd:ee:ff:00\n"  // 6
      "2026-11-24T08:00:06Z from=::FFFF:10.9.8.7, to ::ffff:1.2.3.4x\n";        // 7
  std::vector<IocSighting> sightings;
  const auto summary = scanner.ScanText(log, "app.log", sightings);
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> lines_of;
  for (const auto& s : sightings) lines_of[s.indicator_id] = {s.first_line, s.last_line};
  EXPECT_EQ(lines_of, (std::map<std::string, std::pair<std::uint64_t, std::uint64_t>>{
                          {"loopback", {1, 1}},
                          {"compat", {2, 2}},
                          {"mapped", {3, 4}},
                          {"mapped_v4", {3, 4}},
                          {"mapped_cidr", {3, 4}},
                          {"other_mapped_v4", {7, 7}}}));
  EXPECT_EQ(summary.matched_lines, 5u);
}

// A URL indicator is found in every spelling of its URL; a URL on a host no URL indicator has is
// not built, and its host and parents are still found.
TEST(IocScanner, UrlHostFilterKeepsUrlAndHostMatches) {
  IocScanner scanner;
  ASSERT_TRUE(scanner.Add({"url", ObservableType::kUrl, "http://Bad.Example.com/x/y.php"}).ok());
  ASSERT_TRUE(scanner.Add({"parent", ObservableType::kDomain, "other.example"}).ok());
  ASSERT_TRUE(scanner.Compile().empty());
  const std::string log =
      "GET HTTP://BAD.example.COM:80/x/y.php\n"       // case and the default port
      "GET http://bad.example.com/x/./y.php\n"        // a dot segment: the full normalisation
      "GET http://bad.example.com/x/%79.php\n"        // percent-encoded 'y'
      "GET http://bad.example.com/x/z.php\n"          // another path: no match
      "GET http://www.Other.Example/x/y.php?a=1\n"    // host not in the filter: parent found
      "GET http://www.other.example:8080/%41/./b\n";  // the same, with a path to normalise
  std::vector<IocSighting> sightings;
  const auto summary = scanner.ScanText(log, "proxy.log", sightings);
  std::map<std::string, IocSighting> by_id;
  for (const auto& s : sightings) by_id[s.indicator_id] = s;
  ASSERT_EQ(by_id.size(), 2u);
  EXPECT_EQ(by_id["url"].count, 3u);
  EXPECT_EQ(by_id["url"].last_line, 3u);
  EXPECT_EQ(by_id["parent"].count, 2u);
  EXPECT_EQ(by_id["parent"].first_line, 5u);
  EXPECT_EQ(summary.matched_lines, 5u);
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
