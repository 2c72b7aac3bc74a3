#pragma once

// Passenger data as node records: Flight, Booking, Payment, Document and Passenger bodies
// (data/schemas/{Flight,Booking,Payment,Document,Passenger}.json) with the links between them,
// and the JSON form of a parsed message (docs/travel.md, data/travel/parsed-message.schema.json).

#include <string>
#include <string_view>
#include <vector>

#include "issa/travel/passenger_data.h"

namespace issa::travel {

// A link to an earlier body of the same list (its index): the node assigns record ids, so the
// caller creates the bodies in order and resolves each link with the id of its target.
struct PendingLink {
  std::string rel;  // booked_on, payment_for, holder_of, passenger_in, travels_on
  size_t target = 0;
};

struct RecordBody {
  std::string type;             // Flight, Booking, Payment, Document, Passenger
  std::string key;              // stable within the message: "flight/LHR-JFK/DL324/2010-12-12", …
  std::string properties_json;  // compact JSON object, valid against the type's schema
  std::vector<PendingLink> links;  // targets always come earlier in the list
};

// The record bodies of a parsed message (empty for a message that failed). Order: flights,
// bookings, payments, documents, passengers.
std::vector<RecordBody> MessageRecords(const ParsedMessage& message);

// The record JSON of `body` (docs/formats/record-json.md) with its links resolved through
// `ids` (ids[i] = the record id of body i), and `handling_json` (an object, or empty for none).
std::string RecordJson(const RecordBody& body, const std::vector<std::string>& ids,
                       std::string_view handling_json);

struct MessageJsonOptions {
  bool content = true;   // the parsed form ("pnr" or "api")
  bool records = false;  // the record bodies ("records")
  std::string file;      // added as "file" when not empty
};

// One NDJSON line: the parsed message (or its error), its deletion counts and warnings, and what
// the options ask for.
std::string ParsedMessageJson(const ParsedMessage& message, const MessageJsonOptions& options);

// The JSON of an interchange-level error.
std::string InterchangeErrorJson(const Status& error, std::string_view file);

}  // namespace issa::travel
