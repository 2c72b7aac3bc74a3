#include "issa/travel/passenger_records.h"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "issa/core/ids.h"
#include "issa/schema/registry.h"

#include "travel_test_util.h"

namespace issa::travel {
namespace {

using nlohmann::json;
using testing::ReadSample;

constexpr std::string_view kHandling =
    R"({"classification":"RESTRICTED","distribution":"owner","purposes":["terrorism","crime"]})";

ParsedMessage ParseOne(const std::string& file) {
  edifact::ParseOptions o;
  o.strict_envelope = false;
  auto batch = ParseTravelMessages(ReadSample(file), o);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_TRUE(batch->messages.at(0).status.ok()) << batch->messages[0].status.ToString();
  return batch->messages.at(0);
}

// Creates the bodies in order through the real schema registry, as the node does.
void ExpectAllValid(const std::vector<RecordBody>& bodies) {
  auto registry = schema::Registry::LoadBuiltin();
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  std::vector<std::string> ids;
  for (size_t i = 0; i < bodies.size(); ++i) {
    for (const auto& l : bodies[i].links) ASSERT_LT(l.target, i) << bodies[i].key;
    const std::string record = RecordJson(bodies[i], ids, kHandling);
    auto draft = schema::ParseRecord(**registry, record);
    ASSERT_TRUE(draft.ok()) << bodies[i].key << ": " << draft.status().ToString() << "\n" << record;
    EXPECT_EQ(draft->type, bodies[i].type);
    EXPECT_EQ(draft->links.size(), bodies[i].links.size());
    ids.push_back(core::NewUuidV7(1700000000000 + static_cast<int64_t>(i)));
  }
}

size_t CountType(const std::vector<RecordBody>& bodies, std::string_view type) {
  return static_cast<size_t>(std::count_if(bodies.begin(), bodies.end(),
                                           [&](const RecordBody& b) { return b.type == type; }));
}

TEST(PassengerRecordsTest, PnrBecomesLinkedRecordsThatValidate) {
  const ParsedMessage m = ParseOne("pnrgov/gtas-parsers__pnrMessage.txt");
  const auto bodies = MessageRecords(m);
  EXPECT_EQ(CountType(bodies, "Flight"), 2u);
  EXPECT_EQ(CountType(bodies, "Booking"), 1u);
  EXPECT_EQ(CountType(bodies, "Passenger"), 2u);
  EXPECT_EQ(CountType(bodies, "Payment"), 2u);
  EXPECT_EQ(CountType(bodies, "Document"), 1u);  // the second DOCS carries no number
  ExpectAllValid(bodies);
  const auto passenger = std::find_if(bodies.begin(), bodies.end(),
                                      [](const RecordBody& b) { return b.type == "Passenger"; });
  ASSERT_NE(passenger, bodies.end());
  const json p = json::parse(passenger->properties_json);
  EXPECT_EQ(p["name"], "JOHN SMITHJR");  // the title glued by the airline is not part of the name
  EXPECT_EQ(p["given_names"], "JOHNMR");
  EXPECT_EQ(p["nationality"], "GB");
  EXPECT_EQ(p["birth_date"], "1964-07-12");
  EXPECT_EQ(p["gender"], "male");
  EXPECT_EQ(p["companion_count"], 1);
  std::vector<std::string> rels;
  for (const auto& l : passenger->links) rels.push_back(l.rel + ":" + bodies[l.target].type);
  EXPECT_NE(std::find(rels.begin(), rels.end(), "passenger_in:Booking"), rels.end());
  EXPECT_NE(std::find(rels.begin(), rels.end(), "travels_on:Flight"), rels.end());
  EXPECT_NE(std::find(rels.begin(), rels.end(), "holder_of:Document"), rels.end());
  EXPECT_NE(std::find(rels.begin(), rels.end(), "paid_with:Payment"), rels.end());
  const auto booking = std::find_if(bodies.begin(), bodies.end(),
                                    [](const RecordBody& b) { return b.type == "Booking"; });
  const json b = json::parse(booking->properties_json);
  EXPECT_EQ(b["record_locator"], "MFN4TI");
  EXPECT_EQ(b["one_way"], true);
  EXPECT_EQ(b["traveller_count"], 2);
}

TEST(PassengerRecordsTest, EverySampleValidatesThroughTheRegistry) {
  for (const char* f :
       {"pnrgov/gtas-loader__pnr_split.edi", "pnrgov/gtas-parsers__pnrWithDoco.txt",
        "pnrgov/gtas-parsers__bigbigPnr.txt", "pnrgov/gtas-loader__3_pnrs.edi",
        "pnrgov/gtas-parsers__danglingMetaCharacter.txt", "paxlst/gtas-parsers__apisMessage.txt",
        "paxlst/gtas-loader__Test1.txt", "paxlst/gtas-job-scheduler-war__flight1.txt"}) {
    SCOPED_TRACE(f);
    const auto bodies = MessageRecords(ParseOne(f));
    EXPECT_GT(CountType(bodies, "Passenger"), 0u);
    ExpectAllValid(bodies);
  }
}

TEST(PassengerRecordsTest, ApiPersonsAreLinkedToFlightsAndDocuments) {
  const ParsedMessage m = ParseOne("paxlst/gtas-loader__Test1.txt");
  const auto bodies = MessageRecords(m);
  EXPECT_EQ(CountType(bodies, "Flight"), 1u);
  EXPECT_EQ(CountType(bodies, "Passenger"), 8u);
  EXPECT_EQ(CountType(bodies, "Document"), 8u);
  const json p = json::parse(bodies.back().properties_json);
  EXPECT_EQ(p["role"], "crew");
  EXPECT_EQ(p["gender"], "female");  // ATT+2++F of the last crew member
  EXPECT_EQ(p["nationality"], "GB");
  const json d = json::parse(bodies[1].properties_json);
  EXPECT_EQ(d["document_type"], "passport");
  EXPECT_EQ(d["issuing_country"], "GB");
  EXPECT_EQ(d["expiry_date"], "2061-02-18");
}

TEST(PassengerRecordsTest, PersonalPropertiesAreMarked) {
  auto registry = schema::Registry::LoadBuiltin();
  ASSERT_TRUE(registry.ok());
  const auto personal = (*registry)->PersonalProperties("Passenger");
  for (const char* name : {"name", "surname", "birth_date", "nationality", "document_numbers",
                           "frequent_flyers", "emails", "companion_count"}) {
    EXPECT_NE(std::find(personal.begin(), personal.end(), name), personal.end()) << name;
  }
  EXPECT_EQ(std::find(personal.begin(), personal.end(), "record_locator"), personal.end());
  const auto payment = (*registry)->PersonalProperties("Payment");
  EXPECT_NE(std::find(payment.begin(), payment.end(), "card_number"), payment.end());
  EXPECT_EQ(std::find(payment.begin(), payment.end(), "form"), payment.end());
  const auto booking = (*registry)->PersonalProperties("Booking");
  EXPECT_NE(std::find(booking.begin(), booking.end(), "remarks"), booking.end());
  EXPECT_NE(std::find(booking.begin(), booking.end(), "traveller_count"), booking.end());
  EXPECT_TRUE((*registry)->PersonalProperties("Flight").empty());
}

TEST(PassengerRecordsTest, JsonFormOfAMessage) {
  const ParsedMessage m = ParseOne("pnrgov/gtas-parsers__pnrWithDoco.txt");
  MessageJsonOptions options;
  options.records = true;
  const json j = json::parse(ParsedMessageJson(m, options));
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["pnr"]["bookings"][0]["travellers"][0]["payments"][0]["form"], "cash");
  EXPECT_EQ(j["deletions"]["passenger_reference"], 1);
  EXPECT_FALSE(j["records"].empty());
  ParsedMessage bad;
  bad.reference = "X";
  bad.type = "PNRGOV";
  bad.status = InvalidArgument("boom", "message[X].segment[2:TIF]");
  const json e = json::parse(ParsedMessageJson(bad, options));
  EXPECT_EQ(e["status"], "error");
  EXPECT_EQ(e["error"]["field"], "message[X].segment[2:TIF]");
  EXPECT_FALSE(e.contains("records"));
}

}  // namespace
}  // namespace issa::travel
