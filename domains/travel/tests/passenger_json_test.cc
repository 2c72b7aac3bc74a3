#include <string>

#include <gtest/gtest.h>

#include "issa/travel/passenger_data.h"
#include "issa/travel/passenger_records.h"

#include "travel_test_util.h"

namespace issa::travel {
namespace {

using testing::ReadSample;

TEST(PassengerJsonTest, TheJsonFormReadsBackToTheSameRecords) {
  edifact::ParseOptions lenient;
  lenient.strict_envelope = false;
  for (const char* f : {"pnrgov/gtas-parsers__pnrMessage.txt", "pnrgov/gtas-loader__pnr_split.edi",
                        "pnrgov/gtas-parsers__pnrWithDoco.txt",
                        "paxlst/gtas-parsers__apisMessage.txt", "paxlst/gtas-loader__Test1.txt"}) {
    SCOPED_TRACE(f);
    auto batch = ParseTravelMessages(ReadSample(f), lenient);
    ASSERT_TRUE(batch.ok());
    const ParsedMessage& original = batch->messages.at(0);
    ASSERT_TRUE(original.status.ok());
    const std::string line = ParsedMessageJson(original, {});
    const ParseBatch again = ParsePassengerJson(line + "\n");
    ASSERT_EQ(again.messages.size(), 1u);
    const ParsedMessage& m = again.messages[0];
    ASSERT_TRUE(m.status.ok()) << m.status.ToString();
    EXPECT_TRUE(m.deletions.empty());  // the output form holds Annex I data only
    const auto a = MessageRecords(original);
    const auto b = MessageRecords(m);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].key, b[i].key);
      EXPECT_EQ(a[i].properties_json, b[i].properties_json);
      EXPECT_EQ(a[i].links.size(), b[i].links.size());
    }
  }
}

TEST(PassengerJsonTest, UnknownMembersAreDeletedAndBadLinesRejectedAlone) {
  const std::string good =
      R"({"reference":"J1","type":"PAXLST","api":{"version":"D:05B","legs":[{"carrier":"AA",)"
      R"("flight_number":"123","origin":"ATL","destination":"ORD","departure":"2007-02-19T15:40"}],)"
      R"("persons":[{"role":"passenger","surname":"CLARK","given_names":"MICHAEL",)"
      R"("birth_date":"1972-09-07","religion":"x","meal":"MOML","documents":[{"type":"P",)"
      R"("number":"123","expiry":"2030-01-01","place_of_birth":"X"}]}]}})";
  const std::string empty_name =
      R"({"reference":"J2","type":"PAXLST","api":{"version":"D:05B","legs":[{"flight_number":"1"}],)"
      R"("persons":[{"role":"crew","surname":" "}]}})";
  const std::string absurd =
      R"({"reference":"J3","type":"PNRGOV","pnr":{"version":"13.1","flight":{"origin":"LHR"},)"
      R"("bookings":[{"record_locator":"ABC","reservation_date":"2026-02-30","travellers":[]}]}})";
  const ParseBatch batch =
      ParsePassengerJson(good + "\nnot json\n" + empty_name + "\n" + absurd + "\n" + good + "\n");
  ASSERT_EQ(batch.messages.size(), 5u);
  const ParsedMessage& m = batch.messages[0];
  ASSERT_TRUE(m.status.ok()) << m.status.ToString();
  EXPECT_EQ(m.deletions.at("unknown:person.religion"), 1u);
  EXPECT_EQ(m.deletions.at("unknown:person.meal"), 1u);
  EXPECT_EQ(m.deletions.at("unknown:document.place_of_birth"), 1u);
  EXPECT_EQ(m.api->persons.at(0).key, "J1/1");
  EXPECT_EQ(m.api->persons[0].birth_date.IsoDate(), "1972-09-07");
  EXPECT_EQ(batch.messages[1].status.field(), "line[2]");
  EXPECT_EQ(batch.messages[2].status.field(), "line[3].api.persons[0].surname");
  EXPECT_EQ(batch.messages[3].status.field(), "line[4].pnr.bookings[0].reservation_date");
  EXPECT_FALSE(batch.messages[3].pnr.has_value());
  EXPECT_TRUE(batch.messages[4].status.ok());
  EXPECT_FALSE(MessageRecords(m).empty());
}

}  // namespace
}  // namespace issa::travel
