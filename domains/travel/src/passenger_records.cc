#include "issa/travel/passenger_records.h"

#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "country_codes.h"

namespace issa::travel {
namespace {

using json = nlohmann::ordered_json;

void Put(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void PutDate(json& j, const char* key, const LocalDateTime& d) {
  if (d.has_date()) j[key] = d.Iso();
}
void PutList(json& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}
void PutCountry(json& j, const char* key, const std::string& code) {
  const std::string_view a2 = detail::CountryAlpha2(code);
  if (!a2.empty()) j[key] = std::string(a2);
}

json LegJson(const FlightLeg& l) {
  json j = json::object();
  Put(j, "carrier", l.carrier);
  Put(j, "flight_number", l.flight_number);
  Put(j, "operating_carrier", l.operating_carrier);
  Put(j, "operating_flight_number", l.operating_flight_number);
  Put(j, "origin", l.origin);
  Put(j, "destination", l.destination);
  PutDate(j, "departure", l.departure);
  PutDate(j, "arrival", l.arrival);
  Put(j, "booking_class", l.booking_class);
  Put(j, "status", l.status);
  if (l.party_size > 0) j["party_size"] = l.party_size;
  return j;
}

json DocumentJson(const TravelDocument& d) {
  json j = json::object();
  Put(j, "type", d.type);
  Put(j, "number", d.number);
  Put(j, "issuing_country", d.issuing_country);
  Put(j, "nationality", d.nationality);
  PutDate(j, "birth_date", d.birth_date);
  Put(j, "gender", d.gender);
  PutDate(j, "expiry", d.expiry);
  PutDate(j, "issue_date", d.issue_date);
  Put(j, "place_of_issue", d.place_of_issue);
  Put(j, "applicable_country", d.applicable_country);
  Put(j, "surname", d.surname);
  Put(j, "given_names", d.given_names);
  return j;
}

std::string AddressText(const Address& a) {
  std::string out;
  for (const std::string* part : {&a.street, &a.city, &a.region, &a.postal_code, &a.country}) {
    if (part->empty()) continue;
    if (!out.empty()) out += ", ";
    out += *part;
  }
  if (!a.phone.empty()) out += (out.empty() ? "" : ", ") + ("tel " + a.phone);
  return out;
}

json AddressJson(const Address& a) {
  json j = json::object();
  Put(j, "kind", a.kind);
  Put(j, "street", a.street);
  Put(j, "city", a.city);
  Put(j, "region", a.region);
  Put(j, "postal_code", a.postal_code);
  Put(j, "country", a.country);
  Put(j, "phone", a.phone);
  return j;
}

json PaymentJson(const Payment& p) {
  json j = json::object();
  j["form"] = std::string(PaymentFormName(p.form));
  Put(j, "code", p.code);
  Put(j, "amount", p.amount);
  Put(j, "card_vendor", p.card_vendor);
  Put(j, "card_number", p.card_number);
  Put(j, "card_expiry", p.card_expiry);
  return j;
}

json TicketJson(const Ticket& t) {
  json j = json::object();
  Put(j, "number", t.number);
  Put(j, "type", t.type);
  PutDate(j, "issue_date", t.issue_date);
  Put(j, "issue_place", t.issue_place);
  Put(j, "total_amount", t.total_amount);
  Put(j, "currency", t.currency);
  PutList(j, "coupons", t.coupons);
  return j;
}

json BaggageJson(const Baggage& b) {
  json j = json::object();
  if (b.leg >= 0) j["leg"] = b.leg;
  j["count"] = b.count;
  Put(j, "weight", b.weight);
  Put(j, "unit", b.unit);
  PutList(j, "tag_numbers", b.tag_numbers);
  return j;
}

json TravellerJson(const Traveller& t) {
  json j = json::object();
  j["key"] = t.key;
  j["surname"] = t.surname;
  Put(j, "given_names", t.given_names);
  Put(j, "passenger_type", t.passenger_type);
  Put(j, "reference", t.reference);
  auto arr = [&](const char* key, const auto& v, auto fn) {
    if (v.empty()) return;
    json a = json::array();
    for (const auto& x : v) a.push_back(fn(x));
    j[key] = std::move(a);
  };
  arr("documents", t.documents, DocumentJson);
  arr("other_documents", t.other_documents, DocumentJson);
  arr("addresses", t.addresses, AddressJson);
  arr("frequent_flyers", t.frequent_flyers, [](const FrequentFlyer& f) {
    json x = {{"airline", f.airline}, {"number", f.number}};
    if (!f.tier.empty()) x["tier"] = f.tier;
    return x;
  });
  arr("tickets", t.tickets, TicketJson);
  arr("payments", t.payments, PaymentJson);
  arr("seats", t.seats, [](const SeatAssignment& s) {
    json x = {{"seat", s.seat}};
    if (s.leg >= 0) x["leg"] = s.leg;
    return x;
  });
  arr("baggage", t.baggage, BaggageJson);
  if (!t.checked_in_legs.empty()) j["checked_in_legs"] = t.checked_in_legs;
  PutList(j, "phones", t.phones);
  PutList(j, "emails", t.emails);
  PutList(j, "remarks", t.remarks);
  return j;
}

json BookingJson(const Booking& b) {
  json j = json::object();
  j["record_locator"] = b.record_locator;
  Put(j, "carrier", b.carrier);
  PutList(j, "other_locators", b.other_locators);
  PutDate(j, "reservation_date", b.reservation_date);
  PutDate(j, "last_transaction", b.last_transaction);
  PutDate(j, "ticket_issue_date", b.ticket_issue_date);
  if (b.agency) {
    json a = json::object();
    Put(a, "system", b.agency->system);
    Put(a, "location", b.agency->location);
    Put(a, "agent_code", b.agency->agent_code);
    Put(a, "country", b.agency->country);
    Put(a, "currency", b.agency->currency);
    j["agency"] = std::move(a);
  }
  if (!b.addresses.empty()) {
    json a = json::array();
    for (const auto& x : b.addresses) a.push_back(AddressJson(x));
    j["addresses"] = std::move(a);
  }
  PutList(j, "phones", b.phones);
  PutList(j, "emails", b.emails);
  PutList(j, "remarks", b.remarks);
  json ts = json::array();
  for (const auto& t : b.travellers) ts.push_back(TravellerJson(t));
  j["travellers"] = std::move(ts);
  json legs = json::array();
  for (const auto& l : b.itinerary) legs.push_back(LegJson(l));
  j["itinerary"] = std::move(legs);
  if (!b.payments.empty()) {
    json a = json::array();
    for (const auto& x : b.payments) a.push_back(PaymentJson(x));
    j["payments"] = std::move(a);
  }
  if (!b.baggage.empty()) {
    json a = json::array();
    for (const auto& x : b.baggage) a.push_back(BaggageJson(x));
    j["baggage"] = std::move(a);
  }
  PutList(j, "split_locators", b.split_locators);
  if (!b.history.empty()) {
    json a = json::array();
    for (const auto& h : b.history) {
      json x = {{"segment", h.segment}, {"text", h.text}};
      if (!h.action.empty()) x["action"] = h.action;
      a.push_back(std::move(x));
    }
    j["history"] = std::move(a);
  }
  if (b.one_way) j["one_way"] = *b.one_way;
  j["code_share"] = b.code_share;
  return j;
}

json ApiPersonJson(const ApiPerson& p) {
  json j = json::object();
  j["key"] = p.key;
  j["role"] = std::string(PersonRoleName(p.role));
  j["surname"] = p.surname;
  Put(j, "given_names", p.given_names);
  Put(j, "gender", p.gender);
  PutDate(j, "birth_date", p.birth_date);
  Put(j, "nationality", p.nationality);
  Put(j, "embarkation", p.embarkation);
  Put(j, "debarkation", p.debarkation);
  Put(j, "record_locator", p.record_locator);
  Put(j, "seat", p.seat);
  if (!p.documents.empty()) {
    json a = json::array();
    for (const auto& d : p.documents) a.push_back(DocumentJson(d));
    j["documents"] = std::move(a);
  }
  return j;
}

// --- records ---------------------------------------------------------------------------------

// The Person schema's words for the gender codes of travel documents (M, F, MI/FI for infants,
// U and X unspecified).
std::string GenderWord(std::string_view code) {
  if (code == "M" || code == "MI") return "male";
  if (code == "F" || code == "FI") return "female";
  if (code == "X") return "other";
  if (code.empty()) return {};
  return "unknown";
}

std::string FullName(const std::string& surname, const std::string& given) {
  return given.empty() ? surname : given + " " + surname;
}

std::string_view DocumentType(std::string_view icao) {
  if (icao.empty()) return {};
  if (icao == "P" || icao.starts_with("P")) return "passport";
  if (icao == "V") return "visa";
  if (icao == "I" || icao == "ID" || icao == "C" || icao == "A") return "id-card";
  if (icao == "IR" || icao == "AC" || icao == "M") return "residence-permit";
  return "other";
}

class RecordBuilder {
 public:
  explicit RecordBuilder(const ParsedMessage& m) : m_(m) {}

  size_t Add(std::string type, std::string key, const json& properties,
             std::vector<PendingLink> links) {
    const auto it = by_key_.find(key);
    if (it != by_key_.end()) return it->second;
    out_.push_back({std::move(type), key, properties.dump(), std::move(links)});
    by_key_.emplace(std::move(key), out_.size() - 1);
    return out_.size() - 1;
  }

  size_t Flight(const FlightLeg& l) {
    json p = json::object();
    Put(p, "carrier", l.carrier);
    Put(p, "flight_number", l.flight_number);
    Put(p, "operating_carrier", l.operating_carrier);
    Put(p, "operating_flight_number", l.operating_flight_number);
    Put(p, "origin", l.origin);
    Put(p, "destination", l.destination);
    PutDate(p, "departure_local", l.departure);
    PutDate(p, "arrival_local", l.arrival);
    return Add("Flight",
               fmt::format("flight/{}{}/{}-{}/{}", l.carrier, l.flight_number, l.origin,
                           l.destination, l.departure.IsoDate()),
               p, {});
  }

  size_t Document(const std::string& owner_key, size_t n, const TravelDocument& d) {
    json p = json::object();
    const std::string_view type = DocumentType(d.type);
    if (!type.empty()) p["document_type"] = std::string(type);
    p["number"] = d.number;
    PutCountry(p, "issuing_country", d.issuing_country);
    const std::string holder = FullName(d.surname, d.given_names);
    Put(p, "holder_name", holder);
    if (d.birth_date.has_date()) p["holder_birth_date"] = d.birth_date.IsoDate();
    if (d.expiry.has_date()) p["expiry_date"] = d.expiry.IsoDate();
    // PNR and API documents are masked, not erased, six months after receipt (ADR 0009).
    p["source"] = m_.api ? "api" : "pnr";
    return Add("Document", fmt::format("document/{}/{}", owner_key, n), p, {});
  }

  std::vector<RecordBody> Build();

 private:
  void FromPnr(const PnrMessage& pnr);
  void FromApi(const ApiMessage& api);

  const ParsedMessage& m_;
  std::vector<RecordBody> out_;
  std::map<std::string, size_t, std::less<>> by_key_;
};

json PassengerCommon(const std::string& key, std::string_view role, const std::string& surname,
                     const std::string& given) {
  json p = json::object();
  p["passenger_key"] = key;
  p["role"] = std::string(role);
  p["name"] = FullName(surname, GivenNamesWithoutTitle(given));
  p["surname"] = surname;
  Put(p, "given_names", given);
  return p;
}

void RecordBuilder::FromPnr(const PnrMessage& pnr) {
  for (const auto& b : pnr.bookings) {
    std::vector<size_t> legs;
    if (b.itinerary.empty() && !pnr.flight.origin.empty()) {
      legs.push_back(Flight(pnr.flight));
    }
    for (const auto& l : b.itinerary) legs.push_back(Flight(l));
    json bp = json::object();
    bp["record_locator"] = b.record_locator;
    Put(bp, "carrier", b.carrier);
    PutList(bp, "other_locators", b.other_locators);
    if (b.reservation_date.has_date()) bp["reservation_date"] = b.reservation_date.IsoDate();
    if (b.last_transaction.has_date()) bp["last_transaction"] = b.last_transaction.Iso();
    if (b.ticket_issue_date.has_date()) bp["ticket_issue_date"] = b.ticket_issue_date.IsoDate();
    if (b.agency) {
      Put(bp, "agency_system", b.agency->system);
      Put(bp, "agency_location", b.agency->location);
      Put(bp, "agency_code", b.agency->agent_code);
      Put(bp, "agency_country", b.agency->country);
    }
    std::vector<std::string> addresses;
    for (const auto& a : b.addresses) {
      const std::string t = AddressText(a);
      if (!t.empty()) addresses.push_back(t);
    }
    PutList(bp, "addresses", addresses);
    PutList(bp, "phones", b.phones);
    PutList(bp, "emails", b.emails);
    PutList(bp, "remarks", b.remarks);
    bp["traveller_count"] = b.travellers.size();
    PutList(bp, "split_locators", b.split_locators);
    std::vector<std::string> history;
    for (const auto& h : b.history) {
      history.push_back(
          fmt::format("{}{}{} {}", h.action, h.action.empty() ? "" : " ", h.segment, h.text));
    }
    PutList(bp, "history", history);
    if (b.one_way) bp["one_way"] = *b.one_way;
    bp["code_share"] = b.code_share;
    bp["leg_count"] = b.itinerary.size();
    Put(bp, "source", fmt::format("PNRGOV {} {}", pnr.version, m_.reference));
    std::vector<PendingLink> blinks;
    for (const size_t l : legs) blinks.push_back({"booked_on", l});
    const std::string bkey = fmt::format("booking/{}/{}", b.carrier, b.record_locator);
    const size_t booking = Add("Booking", bkey, bp, std::move(blinks));
    auto payment = [&](const Payment& pay, const std::string& key) {
      json pp = json::object();
      pp["form"] = std::string(PaymentFormName(pay.form));
      Put(pp, "code", pay.code);
      Put(pp, "amount", pay.amount);
      Put(pp, "card_vendor", pay.card_vendor);
      Put(pp, "card_number", pay.card_number);
      Put(pp, "card_expiry", pay.card_expiry);
      Put(pp, "record_locator", b.record_locator);
      return Add("Payment", key, pp, {{"payment_for", booking}});
    };
    for (size_t i = 0; i < b.payments.size(); ++i) {
      payment(b.payments[i], fmt::format("{}/payment/{}", bkey, i + 1));
    }
    for (const auto& t : b.travellers) {
      std::vector<PendingLink> links = {{"passenger_in", booking}};
      for (const size_t l : legs) links.push_back({"travels_on", l});
      for (size_t i = 0; i < t.payments.size(); ++i) {
        const size_t pay = payment(t.payments[i], fmt::format("payment/{}/{}", t.key, i + 1));
        links.push_back({"paid_with", pay});
      }
      json p = PassengerCommon(t.key, "passenger", t.surname, t.given_names);
      Put(p, "passenger_type", t.passenger_type);
      p["record_locator"] = b.record_locator;
      for (size_t i = 0; i < t.documents.size(); ++i) {
        const auto& d = t.documents[i];
        if (d.number.empty()) continue;
        links.push_back({"holder_of", Document(t.key, i + 1, d)});
      }
      for (size_t i = 0; i < t.other_documents.size(); ++i) {
        const auto& d = t.other_documents[i];
        if (d.number.empty()) continue;
        links.push_back({"holder_of", Document(t.key, t.documents.size() + i + 1, d)});
      }
      // API data of the PNR (SSR DOCS) on the passenger.
      for (const auto& d : t.documents) {
        if (!p.contains("birth_date") && d.birth_date.has_date()) {
          p["birth_date"] = d.birth_date.IsoDate();
        }
        if (!p.contains("gender") && !d.gender.empty()) p["gender"] = GenderWord(d.gender);
        if (!p.contains("nationality")) PutCountry(p, "nationality", d.nationality);
      }
      std::vector<std::string> docs;
      for (const auto& d : t.documents) {
        if (!d.number.empty()) docs.push_back(d.number);
      }
      PutList(p, "document_numbers", docs);
      std::vector<std::string> ff;
      for (const auto& f : t.frequent_flyers) ff.push_back(f.airline + " " + f.number);
      PutList(p, "frequent_flyers", ff);
      std::vector<std::string> tickets;
      for (const auto& k : t.tickets) {
        if (!k.number.empty()) tickets.push_back(k.number);
        if (k.issue_date.has_date() && !p.contains("ticket_issue_date")) {
          p["ticket_issue_date"] = k.issue_date.IsoDate();
        }
      }
      PutList(p, "ticket_numbers", tickets);
      std::vector<std::string> seats;
      for (const auto& s : t.seats) seats.push_back(s.seat);
      PutList(p, "seats", seats);
      uint32_t bags = 0;
      for (const auto& g : t.baggage) bags += g.count;
      if (!t.baggage.empty()) p["bag_count"] = bags;
      if (!t.checked_in_legs.empty()) p["checked_in"] = true;
      std::vector<std::string> traveller_addresses;
      for (const auto& a : t.addresses) {
        const std::string text = AddressText(a);
        if (!text.empty()) traveller_addresses.push_back(text);
      }
      PutList(p, "addresses", traveller_addresses);
      PutList(p, "phones", t.phones);
      PutList(p, "emails", t.emails);
      PutList(p, "remarks", t.remarks);
      p["companion_count"] = b.travellers.size() - 1;
      Add("Passenger", fmt::format("passenger/{}", t.key), p, std::move(links));
    }
  }
}

void RecordBuilder::FromApi(const ApiMessage& api) {
  std::vector<size_t> legs;
  for (const auto& l : api.legs) legs.push_back(Flight(l));
  for (const auto& person : api.persons) {
    std::vector<PendingLink> links;
    for (const size_t l : legs) links.push_back({"travels_on", l});
    for (size_t i = 0; i < person.documents.size(); ++i) {
      links.push_back({"holder_of", Document(person.key, i + 1, person.documents[i])});
    }
    json p = PassengerCommon(person.key, PersonRoleName(person.role), person.surname,
                             person.given_names);
    if (person.birth_date.has_date()) p["birth_date"] = person.birth_date.IsoDate();
    Put(p, "gender", GenderWord(person.gender));
    PutCountry(p, "nationality", person.nationality);
    Put(p, "record_locator", person.record_locator);
    Put(p, "embarkation", person.embarkation);
    Put(p, "debarkation", person.debarkation);
    std::vector<std::string> docs;
    for (const auto& d : person.documents) docs.push_back(d.number);
    PutList(p, "document_numbers", docs);
    if (!person.seat.empty()) p["seats"] = std::vector<std::string>{person.seat};
    Put(p, "source", fmt::format("PAXLST {} {}", api.version, m_.reference));
    Add("Passenger", fmt::format("passenger/{}", person.key), p, std::move(links));
  }
}

std::vector<RecordBody> RecordBuilder::Build() {
  if (m_.pnr) FromPnr(*m_.pnr);
  if (m_.api) FromApi(*m_.api);
  return std::move(out_);
}

}  // namespace

std::vector<RecordBody> MessageRecords(const ParsedMessage& message) {
  if (!message.status.ok()) return {};
  RecordBuilder builder(message);
  return builder.Build();
}

std::string RecordJson(const RecordBody& body, const std::vector<std::string>& ids,
                       std::string_view handling_json) {
  json j = json::object();
  j["type"] = body.type;
  j["properties"] = json::parse(body.properties_json);
  json links = json::array();
  for (const auto& l : body.links) {
    links.push_back({{"rel", l.rel}, {"target", l.target < ids.size() ? ids[l.target] : ""}});
  }
  j["links"] = std::move(links);
  if (!handling_json.empty()) {
    j["handling"] = json::parse(handling_json, nullptr, /*allow_exceptions=*/false);
  }
  return j.dump();
}

std::string ParsedMessageJson(const ParsedMessage& message, const MessageJsonOptions& options) {
  json j = json::object();
  if (!options.file.empty()) j["file"] = options.file;
  j["reference"] = message.reference;
  j["type"] = message.type;
  if (!message.status.ok()) {
    j["status"] = "error";
    j["error"] = {{"message", message.status.message()}, {"field", message.status.field()}};
    if (!message.warnings.empty()) j["warnings"] = message.warnings;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  j["status"] = "ok";
  if (options.content && message.pnr) {
    const PnrMessage& p = *message.pnr;
    json x = json::object();
    x["version"] = p.version;
    Put(x, "sender", p.sender);
    x["flight"] = LegJson(p.flight);
    x["declared_pnr_count"] = p.declared_pnr_count;
    json bs = json::array();
    for (const auto& b : p.bookings) bs.push_back(BookingJson(b));
    x["bookings"] = std::move(bs);
    j["pnr"] = std::move(x);
  }
  if (options.content && message.api) {
    const ApiMessage& a = *message.api;
    json x = json::object();
    x["version"] = a.version;
    Put(x, "list_type", a.list_type);
    json legs = json::array();
    for (const auto& l : a.legs) legs.push_back(LegJson(l));
    x["legs"] = std::move(legs);
    json ps = json::array();
    for (const auto& p : a.persons) ps.push_back(ApiPersonJson(p));
    x["persons"] = std::move(ps);
    j["api"] = std::move(x);
  }
  json d = json::object();
  for (const auto& [kind, n] : message.deletions) d[kind] = n;
  j["deletions"] = std::move(d);
  if (!message.warnings.empty()) j["warnings"] = message.warnings;
  if (options.records) {
    json rs = json::array();
    const auto records = MessageRecords(message);
    for (const auto& r : records) {
      json links = json::array();
      for (const auto& l : r.links) links.push_back({{"rel", l.rel}, {"target", l.target}});
      rs.push_back({{"type", r.type},
                    {"key", r.key},
                    {"properties", json::parse(r.properties_json)},
                    {"links", std::move(links)}});
    }
    j["records"] = std::move(rs);
  }
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string InterchangeErrorJson(const Status& error, std::string_view file) {
  json j = json::object();
  if (!file.empty()) j["file"] = std::string(file);
  j["status"] = "error";
  j["error"] = {{"message", error.message()}, {"field", error.field()}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace issa::travel
