#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "issa/maritime/ais.h"
#include "issa/maritime/ais_json.h"

namespace issa::maritime {
namespace {

struct Collected {
  std::vector<std::string> json;
  std::vector<uint32_t> mmsi;
  std::vector<uint8_t> type;
  std::vector<char> channel;
  std::vector<int64_t> receiver_ms;
  std::vector<int64_t> tag_s;
  std::vector<std::string> source;
};

Collected Decode(AisDecoder& d, std::string_view text, size_t chunk = 0) {
  Collected c;
  auto f = [&](const AisMessage& m) {
    std::string s;
    AppendGpsdJson(m, {}, s);
    c.json.push_back(s);
    c.mmsi.push_back(m.mmsi);
    c.type.push_back(m.type);
    c.channel.push_back(m.channel);
    c.receiver_ms.push_back(m.receiver_time_ms);
    c.tag_s.push_back(m.tag_time_s);
    c.source.emplace_back(m.source);
  };
  if (chunk == 0) {
    d.Feed(text, f);
  } else {
    for (size_t i = 0; i < text.size(); i += chunk) d.Feed(text.substr(i, chunk), f);
  }
  d.Finish(f);
  return c;
}

constexpr std::string_view kType1 = "!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5F\n";
constexpr std::string_view kType5 =
    "!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E\n"
    "!AIVDM,2,2,3,B,1@0000000000000,2*55\n";

TEST(AisDecoder, DecodesPositionReport) {
  AisDecoder d;
  const auto c = Decode(d, kType1);
  ASSERT_EQ(c.mmsi.size(), 1U);
  EXPECT_EQ(c.type[0], 1);
  EXPECT_EQ(c.mmsi[0], 366053209U);
  EXPECT_EQ(c.channel[0], 'A');
  EXPECT_NE(c.json[0].find("\"lat\":37.802118"), std::string::npos) << c.json[0];
  EXPECT_NE(c.json[0].find("\"course\":219.3"), std::string::npos) << c.json[0];
  EXPECT_EQ(d.stats().messages, 1U);
  EXPECT_EQ(d.stats().TotalErrors(), 0U);
}

TEST(AisDecoder, AssemblesTwoFragmentsAndTextFields) {
  AisDecoder d;
  const auto c = Decode(d, kType5);
  ASSERT_EQ(c.json.size(), 1U);
  EXPECT_EQ(c.type[0], 5);
  EXPECT_EQ(c.mmsi[0], 369190000U);
  EXPECT_NE(c.json[0].find("\"shipname\":\"MT.MITCHELL\""), std::string::npos) << c.json[0];
  EXPECT_NE(c.json[0].find("\"destination\":\"SEATTLE\""), std::string::npos) << c.json[0];
}

TEST(AisDecoder, LinesSplitAcrossEveryBufferBoundary) {
  const std::string text = std::string(kType1) + std::string(kType5) + "\r\n" + std::string(kType1);
  for (size_t chunk = 1; chunk < 20; ++chunk) {
    AisDecoder d;
    const auto c = Decode(d, text, chunk);
    EXPECT_EQ(c.json.size(), 3U) << "chunk " << chunk;
    EXPECT_EQ(d.stats().TotalErrors(), 0U) << "chunk " << chunk;
  }
}

TEST(AisDecoder, LastLineWithoutNewlineIsDecodedByFinish) {
  AisDecoder d;
  const auto c = Decode(d, kType1.substr(0, kType1.size() - 1));
  EXPECT_EQ(c.json.size(), 1U);
}

TEST(AisDecoder, CountsBadChecksum) {
  AisDecoder d;
  const auto c = Decode(d, "!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5D\n");
  EXPECT_TRUE(c.json.empty());
  EXPECT_EQ(d.stats().error(AisError::kBadChecksum), 1U);
}

TEST(AisDecoder, CountsMissingChecksum) {
  AisDecoder d;
  (void)Decode(d, "!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0\n");
  EXPECT_EQ(d.stats().error(AisError::kMissingChecksum), 1U);
}

TEST(AisDecoder, TagBlockSourceAndTime) {
  AisDecoder d;
  const auto c = Decode(d,
                        "\\s:rORBCOMM104,q:u,c:1418172113,T:2014-12-10 00.41.53*55\\!AIVDM,1,1,,B,"
                        "13F?Vv700<DJuLEtvep`iToV0<00,0*78\n");
  ASSERT_EQ(c.json.size(), 1U);
  EXPECT_EQ(c.source[0], "rORBCOMM104");
  EXPECT_EQ(c.tag_s[0], 1418172113);
}

TEST(AisDecoder, BadTagBlockChecksumIsCounted) {
  AisDecoder d;
  (void)Decode(d,
               "\\s:rORBCOMM104,q:u,c:1418172113,T:2014-12-10 00.41.53*56\\!AIVDM,1,1,,B,"
               "13F?Vv700<DJuLEtvep`iToV0<00,0*78\n");
  EXPECT_EQ(d.stats().error(AisError::kBadTagBlock), 1U);
  EXPECT_EQ(d.stats().messages, 0U);
}

TEST(AisDecoder, PghpHeadersTrailingTimestampsAndOtherSentences) {
  AisDecoder d;
  const auto c = Decode(d,
                        "$PGHP,1,2012,1,31,5,7,2,151,316,2,316000002,1AIS_S,51*77,1327992119157\n"
                        "!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5F,1327992119173\n"
                        "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\n"
                        "# a comment\n\n");
  ASSERT_EQ(c.json.size(), 1U);
  EXPECT_EQ(c.receiver_ms[0], 1327992119173);
  EXPECT_EQ(d.stats().other_sentences, 3U);
  EXPECT_EQ(d.stats().blank_lines, 1U);
  EXPECT_EQ(d.stats().TotalErrors(), 0U);
}

TEST(AisDecoder, EmptyAndNumericChannel) {
  AisDecoder d;
  const auto c = Decode(d,
                        "!AIVDM,1,1,,,403t>B1vFhQr5`NonbBw?>G00<0n,0*7B\n"
                        "!ABVDM,1,1,6,1,1G7lQJ001PbomTie:ms2sR@40000,0*47\n");
  ASSERT_EQ(c.json.size(), 2U) << d.stats().TotalErrors();
  EXPECT_EQ(c.channel[0], '\0');
  EXPECT_EQ(c.channel[1], '1');
}

TEST(AisDecoder, InterleavedGroupsAreKeyedBySource) {
  // Two groups with the same sequence id and channel from two stations, interleaved.
  AisDecoder d;
  const auto c =
      Decode(d,
             "\\g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*37\\!AIVDM,2,1,"
             "6,A,53@o0E000001Q0CG37U8u<Tp4q@D00000000000018330400000000000000,0*63\n"
             "\\s:rORBCOMM104,q:u,c:1418172113,T:2014-12-10 00.41.53*55\\!AIVDM,1,1,,B,"
             "13F?Vv700<DJuLEtvep`iToV0<00,0*78\n"
             "\\g:2-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*34\\!AIVDM,2,2,"
             "6,A,00000000008,2*2A\n");
  ASSERT_EQ(c.json.size(), 2U);
  EXPECT_EQ(c.type[1], 5);
  EXPECT_EQ(d.stats().TotalErrors(), 0U);
}

TEST(AisDecoder, OutOfOrderAndOrphanFragmentsAreCounted) {
  AisDecoder d;
  const auto c =
      Decode(d,
             "!AIVDM,2,2,3,B,1@0000000000000,2*55\n"  // orphan
             "!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E\n"
             "!AIVDM,3,3,3,B,1@0000000000000,2*55\n");  // wrong count/number
  EXPECT_TRUE(c.json.empty());
  EXPECT_EQ(d.stats().error(AisError::kOrphanFragment), 1U);
  EXPECT_EQ(d.stats().error(AisError::kOutOfOrderFragment), 1U);
}

TEST(AisDecoder, TruncatedGroupTimesOutAndIsCountedAtEnd) {
  AisDecoderOptions o;
  o.fragment_timeout_lines = 2;
  AisDecoder d(o);
  std::string text =
      "!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E\n";
  for (int i = 0; i < 3; ++i) text += kType1;
  text += "!AIVDM,2,2,3,B,1@0000000000000,2*55\n";  // too late
  text += "!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E\n";
  const auto c = Decode(d, text);  // Finish() closes the last group
  EXPECT_EQ(c.json.size(), 3U);
  EXPECT_EQ(d.stats().error(AisError::kIncompleteGroup), 2U);
  EXPECT_EQ(d.stats().error(AisError::kOrphanFragment), 1U);
}

TEST(AisDecoder, MmsiZeroAndImpossiblePositionAreWarnings) {
  AisDecoder d;
  // Type 1 with MMSI 0, then a type 1 at latitude 100 degrees (generated; checksums valid).
  const auto c = Decode(d,
                        "!AIVDM,1,1,,A,1000000P1T0eid0Igth3Q?vD0000,0*17\n"
                        "!AIVDM,1,1,,A,13`dU00P1T0eid0q>703Q?vD0000,0*0F\n");
  ASSERT_EQ(c.json.size(), 2U);  // still decoded, as gpsd does, but counted
  EXPECT_EQ(c.mmsi[0], 0U);
  EXPECT_EQ(d.stats().warning(AisWarning::kMmsiZero), 1U);
  EXPECT_EQ(d.stats().warning(AisWarning::kBadPosition), 1U);
  EXPECT_NE(c.json[1].find("\"lat\":100.000000"), std::string::npos) << c.json[1];
}

TEST(AisDecoder, CountsGarbageAndNeverStops) {
  AisDecoder d;
  std::string text = "garbage line\n\x01\x02\xff\xfe\n!AIVDM,1,1\n!AIVDM,x,1,,A,1,0*00\n";
  text += "!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00S\x7f,0*";
  text += "00\n";
  text += kType1;
  const auto c = Decode(d, text);
  EXPECT_EQ(c.json.size(), 1U);
  EXPECT_GE(d.stats().error(AisError::kNotNmea), 2U);
  EXPECT_GE(d.stats().TotalErrors(), 4U);
}

TEST(AisDecoder, UnknownTypeAndTooShort) {
  AisDecoder d;
  (void)Decode(d,
               "!AIVDM,1,1,,A,w5M67FC000G?ufbE`FepT@3n00Sa,0*19\n"  // type 63
               "!AIVDM,1,1,,A,15M67FC000G?uf,0*30\n");              // type 1, 84 bits
  EXPECT_EQ(d.stats().error(AisError::kUnknownType), 1U);
  EXPECT_EQ(d.stats().error(AisError::kTooShort), 1U);
}

TEST(AisDecoder, RandomBytesNeverCrash) {
  std::mt19937 rng(42);
  const std::string alphabet = "!$\\*,0123456789ABCDEFVDMOabcw`@:\n\r sgc";
  for (int round = 0; round < 200; ++round) {
    std::string text;
    for (int i = 0; i < 2000; ++i) text.push_back(alphabet[rng() % alphabet.size()]);
    AisDecoder d;
    (void)Decode(d, text, 1 + rng() % 64);
    EXPECT_EQ(d.stats().lines, d.stats().lines);  // reached the end
  }
}

// Feed() reads common sentences with a one-pass fast path when enough bytes follow in the buffer;
// DecodeLine() always takes the general path. Both must give the same messages (every payload
// bit and the zero margin after it) and the same counters, on valid sentences of every payload
// length and on the same sentences damaged.
struct Digest {
  std::vector<std::string> messages;
  AisStats stats;
};

std::string Describe(const AisMessage& m) {
  std::string s = std::to_string(m.type) + "," + std::to_string(m.repeat) + "," +
                  std::to_string(m.mmsi) + "," + m.talker[0] + m.talker[1] + "," +
                  (m.own_ship ? "O" : "M") + "," + std::to_string(static_cast<int>(m.channel)) +
                  "," + std::to_string(m.fragments) + "," + std::to_string(m.bit_count) + "," +
                  std::to_string(m.tag_time_s) + "," + std::to_string(m.receiver_time_ms) + "," +
                  std::string(m.source) + ":";
  const size_t words = std::min<size_t>(m.words.size(), m.bit_count / 64 + 3);
  for (size_t i = 0; i < words; ++i) s += std::to_string(m.words[i]) + " ";
  return s;
}

void ExpectSameStats(const AisStats& a, const AisStats& b) {
  EXPECT_EQ(a.lines, b.lines);
  EXPECT_EQ(a.blank_lines, b.blank_lines);
  EXPECT_EQ(a.other_sentences, b.other_sentences);
  EXPECT_EQ(a.ais_sentences, b.ais_sentences);
  EXPECT_EQ(a.messages, b.messages);
  for (size_t i = 0; i < a.errors.size(); ++i) {
    EXPECT_EQ(a.errors[i], b.errors[i]) << AisErrorName(static_cast<AisError>(i));
  }
  for (size_t i = 0; i < a.warnings.size(); ++i) {
    EXPECT_EQ(a.warnings[i], b.warnings[i]) << AisWarningName(static_cast<AisWarning>(i));
  }
}

Digest DigestFeed(std::string_view text, AisDecoderOptions options) {
  AisDecoder d(options);
  Digest out;
  auto f = [&](const AisMessage& m) { out.messages.push_back(Describe(m)); };
  d.Feed(text, f);
  d.Finish(f);
  out.stats = d.stats();
  return out;
}

Digest DigestLines(std::string_view text, AisDecoderOptions options) {
  AisDecoder d(options);
  Digest out;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    if (const AisMessage* m = d.DecodeLine(line)) out.messages.push_back(Describe(*m));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  d.Finish([](const AisMessage&) {});
  out.stats = d.stats();
  return out;
}

std::string WithChecksum(const std::string& body) {  // body without the leading '!'
  uint8_t x = 0;
  for (const char c : body) x ^= static_cast<uint8_t>(c);
  static constexpr char kHexDigits[] = "0123456789ABCDEF";
  return "!" + body + "*" + kHexDigits[x >> 4] + kHexDigits[x & 15];
}

TEST(AisDecoder, FastPathMatchesGeneralPath) {
  std::mt19937 rng(7);
  const std::string armour = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw";
  const std::string noise = "!$\\*,.:09AFafVDMOw`@W \r\t#xX\x80\xff";
  std::string text;
  std::vector<std::string> lines;
  for (int i = 0; i < 6000; ++i) {
    const int count = rng() % 4 == 0 ? 2 + static_cast<int>(rng() % 3) : 1;
    const int seq = static_cast<int>(rng() % 10);
    const std::string channel = std::string(1, "AB12"[rng() % 4]);
    for (int number = 1; number <= count; ++number) {
      // Payload lengths 1-120 cross every 16-byte block boundary; type 1-27 first characters.
      const size_t chars = 1 + rng() % 120;
      std::string payload;
      payload.push_back(armour[1 + rng() % 27]);
      while (payload.size() < chars) payload.push_back(armour[rng() % armour.size()]);
      const int fill = number == count ? static_cast<int>(rng() % 6) : 0;
      std::string body =
          std::string(rng() % 8 == 0 ? "BS" : "AI") + (rng() % 5 == 0 ? "VDO," : "VDM,") +
          std::to_string(count) + "," + std::to_string(number) + "," +
          (count > 1 || rng() % 3 == 0 ? std::to_string(seq) : "") + "," +
          (rng() % 6 == 0 ? "" : channel) + "," + payload + "," + std::to_string(fill);
      std::string line = WithChecksum(body);
      switch (rng() % 7) {
        case 0:
          line += "," + std::to_string(1600000000000ULL + rng() % 1000000);
          break;
        case 1:
          line += "," + std::to_string(1600000000 + rng() % 1000);
          break;
        case 2:
          line += "\r";
          break;
        case 3: {  // 1-20 digits: ParseUint takes up to 18
          line += ",";
          const size_t digits = 1 + rng() % 20;
          for (size_t k = 0; k < digits; ++k) line.push_back(static_cast<char>('0' + rng() % 10));
          break;
        }
        default:
          break;
      }
      if (rng() % 4 == 0) {  // damage it
        const int kind = static_cast<int>(rng() % 4);
        const size_t at = rng() % line.size();
        if (kind == 0) {
          line[at] = noise[rng() % noise.size()];
        } else if (kind == 1) {
          line.erase(at, 1);
        } else if (kind == 2) {
          line.insert(at, 1, noise[rng() % noise.size()]);
        } else {
          line.resize(at);
        }
      }
      lines.push_back(line);
    }
    if (rng() % 10 == 0) lines.emplace_back("$PGHP,1,2011,1,20,0,0,0,0,219,,1,1,0*27");
  }
  for (const auto& l : lines) text += l + "\n";
  text += std::string(200, '\n');  // so the last sentences are read by the fast path too

  for (const size_t max_line : {size_t{4096}, size_t{60}}) {
    AisDecoderOptions options;
    options.max_line_bytes = max_line;
    options.fragment_timeout_lines = 3;
    const Digest fast = DigestFeed(text, options);
    const Digest general = DigestLines(text, options);
    ExpectSameStats(fast.stats, general.stats);
    ASSERT_EQ(fast.messages.size(), general.messages.size());
    for (size_t i = 0; i < fast.messages.size(); ++i) {
      ASSERT_EQ(fast.messages[i], general.messages[i]) << "message " << i;
    }
    EXPECT_GT(fast.stats.messages, max_line > 100 ? 2000U : 200U) << fast.stats.messages;
    EXPECT_GT(fast.stats.error(AisError::kBadChecksum), 100U);
  }
}

}  // namespace
}  // namespace issa::maritime
