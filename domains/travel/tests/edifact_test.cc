#include "issa/travel/edifact.h"

#include <string>

#include <gtest/gtest.h>

#include "travel_test_util.h"

namespace issa::travel::edifact {
namespace {

using testing::ReadSample;

const std::string kApis = ReadSample("paxlst/gtas-parsers__apisMessage.txt");

ParseOptions Lenient() {
  ParseOptions o;
  o.strict_envelope = false;
  return o;
}

TEST(EdifactTest, ParsesARealInterchangeWithItsEnvelope) {
  auto ic = ParseInterchange(kApis);
  ASSERT_TRUE(ic.ok()) << ic.status().ToString();
  EXPECT_TRUE(ic->has_una);
  EXPECT_EQ(ic->delimiters.repetition, '*');
  EXPECT_EQ(ic->syntax, "UNOA");
  EXPECT_EQ(ic->charset, Charset::kAscii);
  EXPECT_EQ(ic->sender, "AIR1");
  EXPECT_EQ(ic->control_reference, "000006640");
  EXPECT_TRUE(ic->errors.empty()) << ic->errors.front().ToString();
  ASSERT_EQ(ic->messages.size(), 1u);
  const Message& m = ic->messages[0];
  EXPECT_TRUE(m.status.ok()) << m.status.ToString();
  EXPECT_EQ(m.reference, "PAX001");
  EXPECT_EQ(m.type, "PAXLST");
  EXPECT_EQ(m.version, "D");
  EXPECT_EQ(m.release, "05B");
  EXPECT_EQ(m.segment_count, 33u);  // what UNT+33 declares
  const Segment* s = ic->begin(m);
  EXPECT_EQ(s->tag, "UNH");
  // TDT+20+AA123+++AA
  const Segment& tdt = s[5];
  EXPECT_EQ(tdt.tag, "TDT");
  EXPECT_EQ(tdt.position, 6u);
  EXPECT_EQ(ic->Raw(tdt, 2), "AA123");
  EXPECT_EQ(ic->Raw(tdt, 5), "AA");
  EXPECT_EQ(ic->Raw(tdt, 3), "");
  EXPECT_EQ(ic->Raw(tdt, 9), "");  // absent
  // DTM+189:0702191540:201
  EXPECT_EQ(ic->Raw(s[7], 1, 1), "0702191540");
  EXPECT_EQ(ic->ComponentCount(s[7], 1), 3u);
}

TEST(EdifactTest, CustomSeparatorsFromUna) {
  // The real sample declares '-' as element separator and '*' as segment terminator.
  const std::string text = ReadSample("pnrgov/gtas-parsers__danglingMetaCharacter.txt");
  auto ic = ParseInterchange(text, Lenient());
  ASSERT_TRUE(ic.ok()) << ic.status().ToString();
  EXPECT_EQ(ic->delimiters.element, '-');
  EXPECT_EQ(ic->delimiters.segment, '*');
  ASSERT_EQ(ic->messages.size(), 1u);
  EXPECT_TRUE(ic->messages[0].status.ok()) << ic->messages[0].status.ToString();
  const Segment* s = ic->begin(ic->messages[0]);
  EXPECT_EQ(s[3].tag, "TVL");
  EXPECT_EQ(ic->Raw(s[3], 2), "JFK");
  EXPECT_EQ(ic->Raw(s[3], 3), "MBJ");
}

TEST(EdifactTest, ReleaseCharacterIsRemovedFromText) {
  const std::string text = ReadSample("pnrgov/gtas-parsers__pnrEdge.txt");
  auto ic = ParseInterchange(text, Lenient());
  ASSERT_TRUE(ic.ok());
  const Message& m = ic->messages.at(0);
  const Segment& ift = ic->begin(m)[11];
  ASSERT_EQ(ift.tag, "IFT");
  EXPECT_TRUE(ic->Escaped(ift, 2));
  EXPECT_EQ(ic->Raw(ift, 2), "CTCE MOLLY..LOUUNT?+50BB//GMAIL.COM");
  EXPECT_EQ(ic->Text(ift, 2), "CTCE MOLLY..LOUUNT+50BB//GMAIL.COM");
}

TEST(EdifactTest, WrongSegmentCountNamesMessageAndSegment) {
  const std::string text = ReadSample("pnrgov/gtas-parsers__pnrEdge.txt");  // UNT+50, 13 segments
  auto ic = ParseInterchange(text);
  ASSERT_TRUE(ic.ok());
  const Status& st = ic->messages.at(0).status;
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.field(), "message[1].segment[13:UNT].element[1]");
  EXPECT_NE(st.message().find("says 50 but there are 13"), std::string::npos) << st.message();
  // Lenient: a warning instead.
  auto lenient = ParseInterchange(text, Lenient());
  ASSERT_TRUE(lenient.ok());
  EXPECT_TRUE(lenient->messages.at(0).status.ok());
  ASSERT_FALSE(lenient->messages.at(0).warnings.empty());
  EXPECT_NE(lenient->messages[0].warnings[0].find("segment 13 (UNT)"), std::string::npos);
}

TEST(EdifactTest, MissingUntFailsOnlyThatMessage) {
  // Two messages; the first loses its UNT: the second is still parsed.
  std::string one = "UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'";
  std::string two = "UNH+M2+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+M2'";
  auto ic = ParseInterchange("UNB+UNOA:4+A+B+070218:1545+R1'" + one + two + "UNZ+2+R1'");
  ASSERT_TRUE(ic.ok());
  ASSERT_EQ(ic->messages.size(), 2u);
  EXPECT_FALSE(ic->messages[0].status.ok());
  EXPECT_NE(ic->messages[0].status.message().find("missing UNT"), std::string::npos);
  EXPECT_NE(ic->messages[0].status.message().find("message M1"), std::string::npos);
  EXPECT_TRUE(ic->messages[1].status.ok()) << ic->messages[1].status.ToString();
  EXPECT_TRUE(ic->errors.empty());
}

TEST(EdifactTest, TruncatedInput) {
  const std::string cut = kApis.substr(0, kApis.find("CNT+42"));
  auto ic = ParseInterchange(cut);
  ASSERT_TRUE(ic.ok());
  ASSERT_EQ(ic->messages.size(), 1u);
  EXPECT_FALSE(ic->messages[0].status.ok());
  EXPECT_NE(ic->messages[0].status.message().find("missing UNT"), std::string::npos);
  ASSERT_FALSE(ic->errors.empty());
  EXPECT_NE(ic->errors.back().message().find("missing UNZ"), std::string::npos);
  // Cut inside a segment.
  auto mid = ParseInterchange(kApis.substr(0, kApis.find("JOHN SMITH") + 4));
  ASSERT_TRUE(mid.ok());
  EXPECT_NE(mid->messages.at(0).status.message().find("segment 4 (NAD)"), std::string::npos)
      << mid->messages[0].status.message();
  EXPECT_NE(mid->messages[0].status.message().find("not terminated"), std::string::npos);
}

TEST(EdifactTest, BadReleaseCharacters) {
  auto ic = ParseInterchange("UNH+1+PAXLST:D:05B:UN:IATA'BGM+74?5'UNT+3+1'");
  ASSERT_TRUE(ic.ok());
  const Status& st = ic->messages.at(0).status;
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.field(), "message[1].segment[2:BGM].element[1]");
  EXPECT_NE(st.message().find("release character '?' before '5'"), std::string::npos)
      << st.message();
  auto dangling = ParseInterchange("UNH+1+PAXLST:D:05B:UN:IATA'BGM+745?");
  ASSERT_TRUE(dangling.ok());
  EXPECT_NE(dangling->messages.at(0).status.message().find("release character at the end"),
            std::string::npos);
}

TEST(EdifactTest, WrongEncodings) {
  // A real UNOA message carrying a byte outside the character set: rejected, naming the NAD.
  auto ic = ParseInterchange(ReadSample("paxlst/gtas-loader__Test3.txt"));
  ASSERT_TRUE(ic.ok());
  const Status& st = ic->messages.at(0).status;
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.field(), "message[WSPDLA].segment[850:NAD].element[4]");
  EXPECT_NE(st.message().find("0x87"), std::string::npos);
  // Invalid UTF-8 under IATA syntax.
  auto bad =
      ParseInterchange("UNB+IATA:1+A+B+1+R'UNH+1+PNRGOV:13:1:IA'SRC+\xC3\x28'UNT+3+1'UNZ+1+R'");
  ASSERT_TRUE(bad.ok());
  EXPECT_NE(bad->messages.at(0).status.message().find("not valid UTF-8"), std::string::npos);
  // UNOC (ISO 8859-1) is decoded to UTF-8.
  auto latin = ParseInterchange(
      "UNB+UNOC:3+A+B+1+R'UNH+1+PAXLST:D:05B:UN:IATA'NAD+FL+++M\xDCLLER'UNT+3+1'UNZ+1+R'");
  ASSERT_TRUE(latin.ok());
  ASSERT_TRUE(latin->messages.at(0).status.ok()) << latin->messages[0].status.ToString();
  EXPECT_EQ(latin->Text(latin->begin(latin->messages[0])[1], 4), "M\xC3\x9CLLER");
  // A control character inside a segment.
  auto ctl = ParseInterchange(
      "UNH+1+PAXLST:D:05B:UN:IATA'BGM+7\x01"
      "45'UNT+3+1'");
  ASSERT_TRUE(ctl.ok());
  EXPECT_NE(ctl->messages.at(0).status.message().find("control character 0x01"), std::string::npos);
}

TEST(EdifactTest, LineBreaksInsideSegmentsAreNotData) {
  auto ic = ParseInterchange("UNH+1+PAXLST:D:05B:UN:IATA'NAD+FL+++SMI\r\nTH'UNT+3+1'");
  ASSERT_TRUE(ic.ok());
  ASSERT_TRUE(ic->messages.at(0).status.ok());
  EXPECT_EQ(ic->Text(ic->begin(ic->messages[0])[1], 4), "SMITH");
}

TEST(EdifactTest, BadServiceStringAdviceRejectsTheInput) {
  // Real samples whose UNA declares a line break / a multi-byte quote as segment terminator.
  auto codeshare = ParseInterchange(ReadSample("pnrgov/gtas-loader__codeshare.edi"));
  ASSERT_FALSE(codeshare.ok());
  EXPECT_NE(codeshare.status().message().find("segment terminator is byte 0x0A"),
            std::string::npos);
  auto infant = ParseInterchange(ReadSample("pnrgov/gtas-loader__infant.edi"));
  ASSERT_FALSE(infant.ok());
  EXPECT_NE(infant.status().message().find("0xE2"), std::string::npos);
  EXPECT_FALSE(ParseInterchange("").ok());
  EXPECT_FALSE(ParseInterchange("UNA:+").ok());
}

TEST(EdifactTest, DataAfterUnzAndEnvelopeMismatch) {
  auto ic = ParseInterchange(ReadSample("paxlst/gtas-loader__multiple_flight_leg_apis.txt"));
  ASSERT_TRUE(ic.ok());
  EXPECT_TRUE(ic->messages.at(0).status.ok()) << ic->messages[0].status.ToString();
  ASSERT_EQ(ic->errors.size(), 1u);
  EXPECT_NE(ic->errors[0].message().find("data after UNZ"), std::string::npos);
  // UNZ counting one message too many.
  auto unz = ParseInterchange("UNB+UNOA:4+A+B+1+R'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'UNZ+2+R'");
  ASSERT_TRUE(unz.ok());
  ASSERT_EQ(unz->errors.size(), 1u);
  EXPECT_EQ(unz->errors[0].field(), "UNZ.element[1]");
}

TEST(EdifactTest, SegmentOutsideAMessage) {
  auto ic =
      ParseInterchange("UNB+UNOA:4+A+B+1+R'BGM+745'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'UNZ+1+R'");
  ASSERT_TRUE(ic.ok());
  ASSERT_EQ(ic->errors.size(), 1u);
  EXPECT_NE(ic->errors[0].message().find("BGM"), std::string::npos);
  EXPECT_TRUE(ic->messages.at(0).status.ok());
}

}  // namespace
}  // namespace issa::travel::edifact
