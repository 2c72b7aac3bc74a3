#include "issa/travel/passenger_data.h"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "travel_test_util.h"

namespace issa::travel {
namespace {

using testing::ReadSample;

edifact::ParseOptions Lenient() {
  edifact::ParseOptions o;
  o.strict_envelope = false;
  return o;
}

const ParsedMessage& Only(const Result<ParseBatch>& batch) {
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->messages.size(), 1u);
  return batch->messages.at(0);
}

TEST(PnrgovTest, RealPnrWithTwoTravellersAndHistory) {
  // PNRGOV 10.1 from the GTAS parser tests; its UNT count is stale, so lenient.
  auto batch = ParseTravelMessages(ReadSample("pnrgov/gtas-parsers__pnrMessage.txt"), Lenient());
  const ParsedMessage& m = Only(batch);
  ASSERT_TRUE(m.status.ok()) << m.status.ToString();
  ASSERT_TRUE(m.pnr.has_value());
  const PnrMessage& p = *m.pnr;
  EXPECT_EQ(p.version, "10.1");
  EXPECT_EQ(p.sender, "DL");
  EXPECT_EQ(p.flight.origin, "LHR");
  EXPECT_EQ(p.flight.destination, "JFK");
  EXPECT_EQ(p.flight.departure.Iso(), "2010-12-12T09:15");
  EXPECT_EQ(p.declared_pnr_count, 2u);
  ASSERT_EQ(p.bookings.size(), 1u);
  const Booking& b = p.bookings[0];
  EXPECT_EQ(b.record_locator, "MFN4TI");
  EXPECT_EQ(b.last_transaction.Iso(), "2010-12-06T10:10");
  ASSERT_TRUE(b.agency.has_value());
  EXPECT_EQ(b.agency->agent_code, "52519950");
  ASSERT_EQ(b.addresses.size(), 1u);
  EXPECT_EQ(b.addresses[0].city, "SLOUGH");
  EXPECT_EQ(b.phones, std::vector<std::string>{"00115555555555"});
  EXPECT_EQ(b.remarks, std::vector<std::string>{"THIS PASSENGER IS A VIP"});
  ASSERT_EQ(b.travellers.size(), 2u);
  const Traveller& t = b.travellers[0];
  EXPECT_EQ(t.surname, "SMITHJR");
  EXPECT_EQ(t.given_names, "JOHNMR");
  EXPECT_EQ(t.key, "MFN4TI/1");
  ASSERT_EQ(t.documents.size(), 1u);
  EXPECT_EQ(t.documents[0].number, "123456789");
  EXPECT_EQ(t.documents[0].nationality, "GBR");
  EXPECT_EQ(t.documents[0].birth_date.IsoDate(), "1964-07-12");
  EXPECT_EQ(t.documents[0].expiry.IsoDate(), "2019-08-23");
  EXPECT_EQ(t.documents[0].given_names, "JONATHON ROBERT");
  ASSERT_EQ(t.frequent_flyers.size(), 1u);
  EXPECT_EQ(t.frequent_flyers[0].number, "1234567890");
  ASSERT_EQ(t.tickets.size(), 1u);
  EXPECT_EQ(t.tickets[0].number, "0062120234533");
  EXPECT_EQ(t.tickets[0].total_amount, "2957.94");
  EXPECT_EQ(t.tickets[0].issue_date.IsoDate(), "2010-12-06");
  ASSERT_EQ(t.payments.size(), 1u);
  EXPECT_EQ(t.payments[0].form, PaymentForm::kCreditCard);
  EXPECT_EQ(t.payments[0].card_number, "XXXXXXXX1186");
  // Seats per leg from SSR SEAT (15A for traveller 1, 15B for traveller 2 on LHR-JFK).
  ASSERT_EQ(t.seats.size(), 2u);
  EXPECT_EQ(t.seats[0].seat, "15A");
  EXPECT_EQ(t.seats[0].leg, 0);
  EXPECT_EQ(b.travellers[1].seats.at(0).seat, "15B");
  ASSERT_EQ(b.itinerary.size(), 2u);
  EXPECT_EQ(b.itinerary[1].origin, "JFK");
  EXPECT_EQ(b.itinerary[1].destination, "YVR");
  EXPECT_EQ(b.itinerary[1].arrival.Iso(), "2010-12-12T23:30");
  ASSERT_TRUE(b.one_way.has_value());
  EXPECT_TRUE(*b.one_way);  // LHR-JFK-YVR never returns to LHR
  EXPECT_EQ(b.split_locators, std::vector<std::string>{"ABCDEF"});
  EXPECT_FALSE(b.history.empty());
  // Annex I filtering: the AVML meal requests (4 in the history, 1 at PNR level) are deleted.
  EXPECT_EQ(m.deletions.at("ssr_meal"), 5u);
  EXPECT_EQ(m.deletions.at("passenger_reference"), 2u);
  for (const auto& h : b.history) EXPECT_EQ(h.text.find("AVML"), std::string::npos);
}

TEST(PnrgovTest, StrictEnvelopeRejectsTheStaleCount) {
  auto batch = ParseTravelMessages(ReadSample("pnrgov/gtas-parsers__pnrMessage.txt"));
  const ParsedMessage& m = Only(batch);
  ASSERT_FALSE(m.status.ok());
  EXPECT_EQ(m.status.field(), "message[1].segment[86:UNT].element[1]");
  EXPECT_FALSE(m.pnr.has_value());
  EXPECT_TRUE(m.deletions.empty());
}

TEST(PnrgovTest, SplitPnrTicketsAndContacts) {
  // Envelope correct: strict.
  auto batch = ParseTravelMessages(ReadSample("pnrgov/gtas-loader__pnr_split.edi"));
  const ParsedMessage& m = Only(batch);
  ASSERT_TRUE(m.status.ok()) << m.status.ToString();
  const PnrMessage& p = *m.pnr;
  EXPECT_EQ(p.version, "11.1");
  ASSERT_EQ(p.bookings.size(), 2u);
  const Booking& first = p.bookings[0];
  EXPECT_EQ(first.record_locator, "ICOXXX");
  EXPECT_EQ(first.reservation_date.IsoDate(), "2013-04-12");
  ASSERT_EQ(first.travellers.size(), 2u);
  EXPECT_EQ(first.travellers[1].given_names, "TESTNAMETWO MR");
  ASSERT_EQ(first.travellers[0].tickets.size(), 1u);
  EXPECT_EQ(first.travellers[0].tickets[0].number, "1393207166000");
  EXPECT_EQ(first.travellers[0].tickets[0].coupons,
            (std::vector<std::string>{"MTY-LAS", "LAS-MTY"}));
  EXPECT_EQ(first.phones.size(), 5u);
  ASSERT_TRUE(first.one_way.has_value());
  EXPECT_FALSE(*first.one_way);  // MTY-LAS-MTY
  const Booking& second = p.bookings[1];
  EXPECT_EQ(second.record_locator, "BJOXXX");
  EXPECT_EQ(second.split_locators, std::vector<std::string>{"ZLMXXX"});
  ASSERT_EQ(second.travellers.at(0).documents.size(), 1u);
  EXPECT_EQ(second.travellers[0].documents[0].birth_date.IsoDate(), "1994-10-14");
  EXPECT_EQ(m.deletions.at("ssr_other"), 2u);  // SSR CKIN remarks
  EXPECT_EQ(m.deletions.at("aircraft_type"), 4u);
}

TEST(PnrgovTest, VisaCashPaymentAndCheckIn) {
  auto batch = ParseTravelMessages(ReadSample("pnrgov/gtas-parsers__pnrWithDoco.txt"), Lenient());
  const ParsedMessage& m = Only(batch);
  ASSERT_TRUE(m.status.ok()) << m.status.ToString();
  const Booking& b = m.pnr->bookings.at(0);
  const Traveller& t = b.travellers.at(0);
  ASSERT_EQ(t.other_documents.size(), 1u);
  EXPECT_EQ(t.other_documents[0].type, "V");
  EXPECT_EQ(t.other_documents[0].number, "8675309");
  EXPECT_EQ(t.other_documents[0].issue_date.IsoDate(), "2006-12-22");
  EXPECT_EQ(t.other_documents[0].applicable_country, "LI");
  ASSERT_EQ(t.payments.size(), 1u);
  EXPECT_EQ(t.payments[0].form, PaymentForm::kCash);
  EXPECT_EQ(t.payments[0].amount, "250.00");
  EXPECT_EQ(t.emails, std::vector<std::string>{"CHARLES.ACKARY@YAHOO.COM"});
  EXPECT_EQ(t.checked_in_legs, (std::vector<int>{0, 1, 2}));
  ASSERT_EQ(t.seats.size(), 1u);  // XXX = no seat
  EXPECT_EQ(t.seats[0].seat, "23K");
  EXPECT_EQ(t.seats[0].leg, 2);
  EXPECT_EQ(b.itinerary.size(), 3u);
}

TEST(PnrgovTest, EmailEscapesAndMiscellaneousPayment) {
  auto batch =
      ParseTravelMessages(ReadSample("pnrgov/gtas-parsers__danglingMetaCharacter.txt"), Lenient());
  const ParsedMessage& m = Only(batch);
  ASSERT_TRUE(m.status.ok()) << m.status.ToString();
  const Traveller& t = m.pnr->bookings.at(0).travellers.at(0);
  EXPECT_EQ(t.emails, std::vector<std::string>{"REUBEN_SERIO@GMAIL.COM"});
  ASSERT_EQ(t.payments.size(), 1u);
  EXPECT_EQ(t.payments[0].form, PaymentForm::kMiscellaneous);
  ASSERT_FALSE(t.baggage.empty());
  EXPECT_EQ(t.baggage[0].count, 1u);
  EXPECT_EQ(t.baggage[0].weight, "44");
}

TEST(PnrgovTest, ManyPnrMessage) {
  auto batch = ParseTravelMessages(ReadSample("pnrgov/gtas-parsers__bigbigPnr.txt"), Lenient());
  const ParsedMessage& m = Only(batch);
  ASSERT_TRUE(m.status.ok()) << m.status.ToString();
  EXPECT_GT(m.pnr->bookings.size(), 40u);
  size_t travellers = 0;
  for (const auto& b : m.pnr->bookings) {
    EXPECT_FALSE(b.record_locator.empty());
    travellers += b.travellers.size();
  }
  EXPECT_GT(travellers, 80u);
}

TEST(PnrgovTest, AbsurdTimeNamesTheSegment) {
  // The GTAS code-share test message has an arrival time of 43:21.
  auto batch = ParseTravelMessages(ReadSample("pnrgov/gtas-parsers__modifyPnr77ForCodeShare.txt"),
                                   Lenient());
  ASSERT_TRUE(batch.ok());
  const ParsedMessage& m = batch->messages.at(0);
  ASSERT_FALSE(m.status.ok());
  EXPECT_EQ(m.status.field(), "message[00102181551362].segment[26:TVL].element[1]");
  EXPECT_NE(m.status.message().find("\"4321\" is not a time"), std::string::npos);
  EXPECT_FALSE(m.pnr.has_value());
}

std::string Pnr(const std::string& body) {
  const std::string head = "UNH+1+PNRGOV:13:1:IA'MSG+:22'ORG+DL'TVL+121210:0915+LHR+JFK+DL+324'";
  size_t segments = 5;  // UNH MSG ORG TVL UNT, and the body's
  for (const char c : body) segments += c == '\'' ? 1 : 0;
  return head + body + "UNT+" + std::to_string(segments) + "+1'";
}

TEST(PnrgovTest, BadInputNamesMessageAndSegment) {
  // Absurd date of birth.
  auto dob = ParseTravelMessages(
      Pnr("SRC'RCI+DL:ABC123'TIF+DOE+JOHN:A:1'SSR+DOCS:HK::DL:::::/P/GBR/1/GBR/31FEB80/M/"
          "01JAN30/DOE/JOHN'"));
  ASSERT_TRUE(dob.ok());
  const Status& st = dob->messages.at(0).status;
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.field(), "message[1].segment[8:SSR].element[1]");
  EXPECT_NE(st.message().find("date of birth \"31FEB80\""), std::string::npos) << st.message();
  // A four-digit birth year after the flight.
  auto future = ParseTravelMessages(
      Pnr("SRC'RCI+DL:ABC123'TIF+DOE+JOHN:A:1'SSR+DOCS:HK::DL:::::/P/GBR/1/GBR/01JAN2031/M/"
          "01JAN30/DOE/JOHN'"));
  ASSERT_TRUE(future.ok());
  EXPECT_NE(future->messages.at(0).status.message().find("is after the flight (2010-12-12)"),
            std::string::npos)
      << future->messages[0].status.message();
  // Empty name.
  auto empty = ParseTravelMessages(Pnr("SRC'RCI+DL:ABC123'TIF++JOHN:A:1'"));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->messages.at(0).status.field(), "message[1].segment[7:TIF].element[1]");
  // Unknown segment.
  auto unknown = ParseTravelMessages(Pnr("SRC'RCI+DL:ABC123'XYZ+1'"));
  ASSERT_TRUE(unknown.ok());
  EXPECT_NE(unknown->messages.at(0).status.message().find("unknown segment XYZ"),
            std::string::npos);
  // No record locator.
  auto no_locator = ParseTravelMessages(Pnr("SRC'TIF+DOE+JOHN:A:1'"));
  ASSERT_TRUE(no_locator.ok());
  EXPECT_NE(no_locator->messages.at(0).status.message().find("no record locator"),
            std::string::npos);
  // A good one through the same helper, so the helper is not what fails.
  auto good = ParseTravelMessages(Pnr("SRC'RCI+DL:ABC123'TIF+DOE+JOHN:A:1'"));
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(good->messages.at(0).status.ok()) << good->messages[0].status.ToString();
  // Unsupported version.
  auto version = ParseTravelMessages("UNH+1+PNRGOV:9:1:IA'UNT+2+1'");
  ASSERT_TRUE(version.ok());
  EXPECT_NE(version->messages.at(0).status.message().find("version 9.1"), std::string::npos);
}

TEST(PnrgovTest, SensitiveSsrCodesAreDeletedAndCounted) {
  auto batch = ParseTravelMessages(
      Pnr("SRC'RCI+DL:ABC123'TIF+DOE+JOHN:A:1'SSR+MOML:HK:1:DL'SSR+KSML:HK:1:DL'"
          "SSR+WCHR:HK:1:DL'SSR+PETC:HK:1:DL'SSR+UMNR:HK:1:DL:::::UM10'"));
  ASSERT_TRUE(batch.ok());
  const ParsedMessage& m = batch->messages.at(0);
  ASSERT_TRUE(m.status.ok()) << m.status.ToString();
  EXPECT_EQ(m.deletions.at("ssr_meal"), 2u);
  EXPECT_EQ(m.deletions.at("ssr_health"), 1u);
  EXPECT_EQ(m.deletions.at("ssr_other"), 1u);
  const Traveller& t = m.pnr->bookings.at(0).travellers.at(0);
  EXPECT_EQ(t.remarks, std::vector<std::string>{"UMNR UM10"});  // minors: Annex I 12
}

TEST(PaxlstTest, RealPassengerListWithTwoLegs) {
  auto batch = ParseTravelMessages(ReadSample("paxlst/gtas-parsers__apisMessage.txt"));
  const ParsedMessage& m = Only(batch);
  ASSERT_TRUE(m.status.ok()) << m.status.ToString();
  ASSERT_TRUE(m.api.has_value());
  const ApiMessage& a = *m.api;
  EXPECT_EQ(a.version, "D:05B");
  EXPECT_EQ(a.list_type, "745");
  ASSERT_EQ(a.legs.size(), 2u);
  EXPECT_EQ(a.legs[0].carrier, "AA");
  EXPECT_EQ(a.legs[0].flight_number, "123");
  EXPECT_EQ(a.legs[0].origin, "ATL");
  EXPECT_EQ(a.legs[0].destination, "ORD");
  EXPECT_EQ(a.legs[0].departure.Iso(), "2007-02-19T15:40");
  EXPECT_EQ(a.legs[1].destination, "JFK");
  ASSERT_EQ(a.persons.size(), 2u);
  EXPECT_EQ(a.persons[0].surname, "CLARK");
  EXPECT_EQ(a.persons[0].given_names, "MICHAEL");
  EXPECT_EQ(a.persons[0].gender, "M");
  EXPECT_EQ(a.persons[0].birth_date.IsoDate(), "1972-09-07");
  EXPECT_EQ(a.persons[0].record_locator, "TYR123");
  EXPECT_EQ(a.persons[0].embarkation, "ATL");
  EXPECT_EQ(a.persons[1].role, PersonRole::kPassenger);
  EXPECT_EQ(m.deletions.at("reference_other"), 4u);  // ABO, AEA, CR, ABO
  EXPECT_EQ(m.deletions.at("reporting_party"), 1u);
}

TEST(PaxlstTest, CrewListWithDocuments) {
  auto batch = ParseTravelMessages(ReadSample("paxlst/gtas-loader__Test1.txt"), Lenient());
  ASSERT_TRUE(batch.ok());
  const ParsedMessage& m = batch->messages.at(0);
  ASSERT_TRUE(m.status.ok()) << m.status.ToString();
  const ApiMessage& a = *m.api;
  EXPECT_EQ(a.version, "D:02B");
  EXPECT_EQ(a.list_type, "250");
  ASSERT_EQ(a.persons.size(), 8u);
  const ApiPerson& p = a.persons[0];
  EXPECT_EQ(p.role, PersonRole::kCrew);
  EXPECT_EQ(p.surname, "Steur");
  EXPECT_EQ(p.given_names, "Andrea Pat");
  EXPECT_EQ(p.nationality, "GBR");
  ASSERT_EQ(p.documents.size(), 1u);
  EXPECT_EQ(p.documents[0].number, "123456789");
  EXPECT_EQ(p.documents[0].issuing_country, "GBR");
  EXPECT_EQ(p.documents[0].expiry.IsoDate(), "2061-02-18");
  // Not API data under Annex I 18: place of birth and country of residence.
  EXPECT_EQ(m.deletions.at("birth_place"), 8u);
  EXPECT_EQ(m.deletions.at("residence_country"), 8u);
  // The stale UNT count is a warning in lenient mode; the interchange references mismatch.
  EXPECT_FALSE(m.warnings.empty());
}

TEST(PaxlstTest, RejectedMessageLeavesNothingPartial) {
  auto batch = ParseTravelMessages(ReadSample("paxlst/gtas-loader__Test3.txt"));
  ASSERT_TRUE(batch.ok());
  const ParsedMessage& m = batch->messages.at(0);
  EXPECT_FALSE(m.status.ok());
  EXPECT_FALSE(m.api.has_value());
  EXPECT_TRUE(m.deletions.empty());
}

TEST(PaxlstTest, BadInput) {
  const std::string head = "UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'TDT+20+AA123'";
  auto empty = ParseTravelMessages(head + "NAD+FL+++:JOHN'UNT+5+1'");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->messages.at(0).status.field(), "message[1].segment[4:NAD].element[4]");
  auto dob = ParseTravelMessages(head + "NAD+FL+++DOE:JOHN'DTM+329:721399'UNT+6+1'");
  ASSERT_TRUE(dob.ok());
  EXPECT_EQ(dob->messages.at(0).status.field(), "message[1].segment[5:DTM].element[1]");
  auto unborn = ParseTravelMessages(
      "UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'TDT+20+AA123'LOC+125+ATL'DTM+189:0702191540:201'"
      "NAD+FL+++DOE:JOHN'DTM+329:20300101'UNT+8+1'");
  ASSERT_TRUE(unborn.ok());
  EXPECT_EQ(unborn->messages.at(0).status.field(), "message[1].segment[7:DTM].element[1]");
  auto no_flight = ParseTravelMessages("UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+1'");
  ASSERT_TRUE(no_flight.ok());
  EXPECT_NE(no_flight->messages.at(0).status.message().find("no flight"), std::string::npos);
  auto good = ParseTravelMessages(head + "NAD+FL+++DOE:JOHN'DTM+329:721231'UNT+6+1'");
  ASSERT_TRUE(good.ok());
  ASSERT_TRUE(good->messages.at(0).status.ok()) << good->messages[0].status.ToString();
  EXPECT_EQ(good->messages[0].api->persons.at(0).birth_date.IsoDate(), "1972-12-31");
}

TEST(TravelMessagesTest, EveryRealSampleGivesAResultPerMessage) {
  // Each real file: either it is not EDIFACT at all (bad UNA), or every message is reported,
  // parsed or with an error naming its segment.
  const char* files[] = {"pnrgov/gtas-loader__2_pnrs_basic.edi",
                         "pnrgov/gtas-loader__3_pnrs.edi",
                         "pnrgov/gtas-loader__adult_and_infant.edi",
                         "pnrgov/gtas-loader__no_pnr_history.edi",
                         "pnrgov/gtas-loader__pnr1.txt",
                         "pnrgov/gtas-loader__pnr2.txt",
                         "pnrgov/gtas-loader__pnr3.txt",
                         "pnrgov/gtas-loader__pnr4.txt",
                         "pnrgov/gtas-parsers__pnrBadFormat.txt",
                         "pnrgov/gtas-parsers__pnrMessagePg75.txt",
                         "pnrgov/gtas-parsers__pnrMessagePg76.txt",
                         "pnrgov/gtas-parsers__pnrMessagePg77.txt",
                         "pnrgov/gtas-parsers__pnrSeatFormats.txt",
                         "paxlst/gtas-loader__airline2.edi",
                         "paxlst/gtas-job-scheduler-war__flight3.txt"};
  size_t parsed = 0;
  for (const char* f : files) {
    auto batch = ParseTravelMessages(ReadSample(f), Lenient());
    ASSERT_TRUE(batch.ok()) << f << ": " << batch.status().ToString();
    ASSERT_FALSE(batch->messages.empty()) << f;
    for (const auto& m : batch->messages) {
      if (m.status.ok()) {
        ++parsed;
        EXPECT_TRUE(m.pnr.has_value() || m.api.has_value()) << f;
      } else {
        EXPECT_NE(m.status.field().find(".segment["), std::string::npos) << f;
      }
    }
  }
  EXPECT_EQ(parsed, std::size(files) - 1);  // Pg75: a curly quote swallows a terminator
}

}  // namespace
}  // namespace issa::travel

namespace issa::travel {
namespace {

TEST(GivenNamesWithoutTitle, DropsTheTitleAirlinesAppend) {
  EXPECT_EQ(GivenNamesWithoutTitle("JOHNMR"), "JOHN");
  EXPECT_EQ(GivenNamesWithoutTitle("JOHN MR"), "JOHN");
  EXPECT_EQ(GivenNamesWithoutTitle("MARIA ELENA MRS"), "MARIA ELENA");
  EXPECT_EQ(GivenNamesWithoutTitle("MARIAMRS"), "MARIA");
  EXPECT_EQ(GivenNamesWithoutTitle("TOMMSTR"), "TOM");
  EXPECT_EQ(GivenNamesWithoutTitle("ANNA DR"), "ANNA");
  // Names that merely end like a title keep their letters.
  EXPECT_EQ(GivenNamesWithoutTitle("WILLIAMS"), "WILLIAMS");
  EXPECT_EQ(GivenNamesWithoutTitle("ALEXANDR"), "ALEXANDR");
  EXPECT_EQ(GivenNamesWithoutTitle("OMAR"), "OMAR");
  EXPECT_EQ(GivenNamesWithoutTitle("MR"), "MR");
  EXPECT_EQ(GivenNamesWithoutTitle(""), "");
}

}  // namespace
}  // namespace issa::travel
