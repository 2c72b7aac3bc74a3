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

}  // namespace
}  // namespace issa::maritime
