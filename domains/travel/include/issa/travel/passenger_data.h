#pragma once

// The passenger data a Passenger Information Unit receives (Directive (EU) 2016/681): PNRGOV
// push messages (PNR) and UN/EDIFACT PAXLST messages (API), as parsed values. Only the data
// elements of Annex I of the Directive are kept; everything else is deleted on receipt and the
// deletion counted per element kind (Art. 6(1)), see docs/travel.md "Annex I filtering".
//
// Dates are calendar values (no time zone: PNR and API times are local to the airport).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"
#include "issa/travel/edifact.h"

namespace issa::travel {

// A local date and optional time of day. days = days since 1970-01-01.
struct LocalDateTime {
  static constexpr int32_t kNone = INT32_MIN;
  int32_t days = kNone;
  int32_t minutes = -1;  // minutes after midnight, -1 = no time

  bool has_date() const { return days != kNone; }
  bool has_time() const { return minutes >= 0; }
  // "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM"; empty when there is no date.
  std::string Iso() const;
  // "YYYY-MM-DD" only.
  std::string IsoDate() const;
  int Year() const;
  friend bool operator==(const LocalDateTime&, const LocalDateTime&) = default;
};

// Days since 1970-01-01 of a valid calendar date, or nullopt.
std::optional<int32_t> DaysFromCivil(int year, int month, int day);

// Per element kind, the number of data elements deleted on receipt (not in Annex I).
using DeletionCounts = std::map<std::string, uint32_t, std::less<>>;

struct FlightLeg {
  std::string carrier;                  // marketing carrier (IATA code)
  std::string flight_number;            // without the carrier
  std::string operating_carrier;        // code share: the operating carrier when it differs
  std::string operating_flight_number;  // code share
  std::string origin;                   // IATA airport code
  std::string destination;              // IATA airport code
  LocalDateTime departure;
  LocalDateTime arrival;
  std::string booking_class;
  std::string status;       // PNR segment status (HK, …)
  uint32_t party_size = 0;  // travellers on this leg (RPI)
};

struct TravelDocument {
  std::string type;  // ICAO document code as sent: P passport, I/ID identity card, V visa, …
  std::string number;
  std::string issuing_country;  // ISO 3166-1 alpha-3 as sent (alpha-2 accepted)
  std::string nationality;      // alpha-3 as sent
  LocalDateTime birth_date;
  std::string gender;  // M, F, U, MI, FI (infants) as sent
  LocalDateTime expiry;
  LocalDateTime issue_date;        // visas (DOCO)
  std::string place_of_issue;      // visas (DOCO)
  std::string applicable_country;  // visas (DOCO): the country the visa is for
  std::string surname;
  std::string given_names;
};

struct Address {
  std::string kind;  // PNR ADD qualifier or DOCA type (R residence, D destination)
  std::string street;
  std::string city;
  std::string region;
  std::string postal_code;
  std::string country;
  std::string phone;
};

struct FrequentFlyer {
  std::string airline;
  std::string number;
  std::string tier;
};

struct Ticket {
  std::string number;
  std::string type;  // T ticket, …
  LocalDateTime issue_date;
  std::string issue_place;
  std::string total_amount;  // decimal as sent
  std::string currency;
  std::vector<std::string> coupons;  // "ORG-DST" of the coupons named in SSR TKNE, when sent
};

enum class PaymentForm { kCash, kCreditCard, kCheck, kInvoice, kMiscellaneous, kOther };
std::string_view PaymentFormName(PaymentForm f);  // cash, credit_card, check, invoice, …

struct Payment {
  PaymentForm form = PaymentForm::kOther;
  std::string code;    // as sent (CA, CC, MS, …)
  std::string amount;  // decimal as sent
  std::string card_vendor;
  std::string card_number;  // as sent (carriers mask it)
  std::string card_expiry;
};

struct SeatAssignment {
  int leg = -1;  // index into Booking::itinerary, -1 = not known
  std::string seat;
};

struct Baggage {
  int leg = -1;
  uint32_t count = 0;
  std::string weight;  // as sent
  std::string unit;
  std::vector<std::string> tag_numbers;
};

struct Traveller {
  std::string key;  // "<record locator>/<n>", unique in a batch of one carrier
  std::string surname;
  std::string given_names;
  std::string passenger_type;                   // A adult, C child, IN infant, … as sent
  std::string reference;                        // TIF traveller reference
  std::vector<TravelDocument> documents;        // SSR DOCS
  std::vector<TravelDocument> other_documents;  // SSR DOCO (visas)
  std::vector<Address> addresses;               // SSR DOCA, traveller-level ADD
  std::vector<FrequentFlyer> frequent_flyers;
  std::vector<Ticket> tickets;
  std::vector<Payment> payments;
  std::vector<SeatAssignment> seats;
  std::vector<Baggage> baggage;
  std::vector<int> checked_in_legs;
  std::vector<std::string> phones;
  std::vector<std::string> emails;
  std::vector<std::string> remarks;
};

struct Agency {
  std::string system;      // airline or GDS code
  std::string location;    // city/airport code
  std::string agent_code;  // IATA/ARC number or agent id
  std::string country;
  std::string currency;
};

struct HistoryEntry {
  std::string action;   // A added, X cancelled, … (SAC), empty when not sent
  std::string segment;  // tag of the changed element
  std::string text;     // its Annex I content
};

struct Booking {
  std::string record_locator;
  std::string carrier;                      // of the record locator
  std::vector<std::string> other_locators;  // "CARRIER:LOCATOR"
  LocalDateTime reservation_date;           // RCI creation date
  LocalDateTime last_transaction;           // DAT 700
  LocalDateTime ticket_issue_date;          // DAT 710 at PNR level
  std::optional<Agency> agency;
  std::vector<Address> addresses;
  std::vector<std::string> phones;
  std::vector<std::string> emails;
  std::vector<std::string> remarks;  // general remarks (OSI)
  std::vector<Traveller> travellers;
  std::vector<FlightLeg> itinerary;
  std::vector<Payment> payments;            // at PNR level
  std::vector<Baggage> baggage;             // EBD at PNR level
  std::vector<std::string> split_locators;  // split/divided PNR
  std::vector<HistoryEntry> history;
  std::optional<bool> one_way;  // from the itinerary: no leg returns to the first origin
  bool code_share = false;      // a leg is operated by another carrier
};

struct PnrMessage {
  std::string version;              // "13.1"
  std::string sender;               // ORG airline
  FlightLeg flight;                 // the flight this push is for (header TVL)
  uint32_t declared_pnr_count = 0;  // EQN
  std::vector<Booking> bookings;
};

enum class PersonRole { kPassenger, kCrew, kInTransitPassenger, kInTransitCrew };
std::string_view PersonRoleName(PersonRole r);  // passenger, crew, …

struct ApiPerson {
  PersonRole role = PersonRole::kPassenger;
  std::string key;  // "<message reference>/<n>"
  std::string surname;
  std::string given_names;
  std::string gender;
  LocalDateTime birth_date;
  std::string nationality;
  std::string embarkation;     // LOC 178
  std::string debarkation;     // LOC 179
  std::string record_locator;  // RFF AVF
  std::string seat;            // RFF SEA
  std::vector<TravelDocument> documents;
};

struct ApiMessage {
  std::string version;    // "D:05B"
  std::string list_type;  // BGM document code: 745 passengers, 250 crew, …
  std::vector<FlightLeg> legs;
  std::vector<ApiPerson> persons;
  std::string declared_person_count;  // CNT, for the whole flight (as sent)
};

// One message of a batch: either its parsed content or the error that rejected it (then no
// content at all: nothing partial of a bad message is returned).
struct ParsedMessage {
  std::string reference;  // UNH
  std::string type;       // PNRGOV, PAXLST
  Status status;
  std::optional<PnrMessage> pnr;
  std::optional<ApiMessage> api;
  DeletionCounts deletions;
  std::vector<std::string> warnings;
};

struct ParseBatch {
  std::vector<ParsedMessage> messages;
  std::vector<Status> errors;  // interchange-level (envelope, data outside messages)
};

// Given names without the title airlines append to them (IATA name element: "JOHN MR",
// "JOHNMR", "MARIAMRS", "TOMMSTR"): a last word that is a title (MR, MRS, MS, MISS, MSTR, DR,
// PROF, REV, SIR, LADY, LORD, CAPT) is dropped, and MR/MRS/MISS/MSTR glued to a last word of
// at least two other letters are cut (MS and DR are not cut when glued: WILLIAMS, ALEXANDR).
// Names are compared without it; the record keeps the given names as sent.
std::string GivenNamesWithoutTitle(std::string_view given_names);

// Parses an interchange of PNRGOV (10.1–13.1) and/or PAXLST (D:02B, D:05B) messages. Fails only
// when the input is not EDIFACT at all; every message is reported on its own.
Result<ParseBatch> ParseTravelMessages(std::string_view text,
                                       const edifact::ParseOptions& options = {});

// Used by ParseTravelMessages; exposed for tests and benchmarks.
Result<PnrMessage> ParsePnrgov(const edifact::Interchange& ic, const edifact::Message& m,
                               DeletionCounts& deletions);
Result<ApiMessage> ParsePaxlst(const edifact::Interchange& ic, const edifact::Message& m,
                               DeletionCounts& deletions);

}  // namespace issa::travel

namespace issa::travel {

// The JSON form as input (one message per line: the "pnr" or "api" objects of
// data/travel/parsed-message.schema.json with "reference" and "type"), for systems that send
// JSON rather than EDIFACT. Annex I filtering applies the same way: members outside the form
// are deleted on receipt and counted as "unknown:<object>.<member>". A bad line (not JSON, wrong
// type, empty surname, absurd date) is rejected on its own with the field path
// ("line[3].pnr.bookings[0].travellers[1].surname"); the other lines are still read.
ParseBatch ParsePassengerJson(std::string_view ndjson);

}  // namespace issa::travel
