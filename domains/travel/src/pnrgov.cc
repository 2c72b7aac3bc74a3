// PNRGOV (IATA/WCO/ICAO PNRGOV EDIFACT, versions 10.1 to 13.1) to Annex I passenger data.

#include <algorithm>
#include <array>
#include <string>

#include <fmt/format.h>

#include "issa/travel/passenger_data.h"

#include "message_reader.h"
#include "travel_dates.h"
#include "travel_text.h"

namespace issa::travel {
namespace {

using edifact::Interchange;
using edifact::Message;
using edifact::Segment;

// Segment tags of the PNRGOV message (13.1 directory); any other tag is an error.
bool IsPnrgovTag(std::string_view t) {
  static constexpr std::array<std::string_view, 31> kTags = {
      "ABI", "ADD", "APD", "DAT", "EBD", "EQN", "FAR", "FOP", "FTI", "IFT", "LTS",
      "MON", "MSG", "ORG", "PTK", "RCI", "REF", "RPI", "SAC", "SRC", "SSD", "SSR",
      "TBD", "TIF", "TKT", "TRA", "TRI", "TVL", "TXD", "UNH", "UNT"};
  return std::find(kTags.begin(), kTags.end(), t) != kTags.end();
}

enum class Section { kHeader, kPnr, kTraveller, kLeg, kSplit, kHistory };

class PnrParser : detail::MessageReader {
 public:
  PnrParser(const Interchange& ic, const Message& m, DeletionCounts& deletions)
      : MessageReader(ic, m, deletions) {}

  Result<PnrMessage> Run();

 private:
  Status OnSegment(const Segment& s);
  // Short codes and dates: small enough for the string small-buffer.
  std::string R(const Segment& s, size_t e, size_t c = 0) const { return ic_.Text(s, e, c); }

  Result<LocalDateTime> DateTime(const Segment& s, size_t e, size_t c_date, size_t c_time) const;
  Result<FlightLeg> ParseTvl(const Segment& s) const;
  Status OnSsr(const Segment& s);
  Status OnTif(const Segment& s);
  void OnIft(const Segment& s);
  Status OnDat(const Segment& s);
  void OnFop(const Segment& s);
  Booking& CurrentBooking() { return out_.bookings.back(); }
  Traveller* CurrentTraveller() {
    if (out_.bookings.empty() || traveller_ < 0) return nullptr;
    return &CurrentBooking().travellers[static_cast<size_t>(traveller_)];
  }
  Traveller* TravellerByReference(std::string_view ref);
  void Finish(Booking& b);

  PnrMessage out_;
  Section section_ = Section::kHeader;
  int traveller_ = -1;            // current traveller of the booking
  int leg_ = -1;                  // current itinerary leg
  int leg_traveller_ = -1;        // traveller named in the leg (check-in data)
  std::string history_action_;    // from the last SAC
  bool checkin_pending_ = false;  // a TRI waits for its TIF
  int reference_year_ = 2000;
};

Result<LocalDateTime> PnrParser::DateTime(const Segment& s, size_t e, size_t c_date,
                                          size_t c_time) const {
  LocalDateTime out;
  const std::string d_text = R(s, e, c_date);
  const std::string_view d = detail::TrimBlanks(d_text);
  if (!d.empty()) {
    const auto days = detail::ParseDdmmyy(d, detail::Century::kTravel, reference_year_);
    if (!days) {
      return Fail(s, e, fmt::format("\"{}\" is not a date (DDMMYY)", std::string(d)));
    }
    out.days = *days;
  }
  const std::string t_text = R(s, e, c_time);
  const std::string_view t = detail::TrimBlanks(t_text);
  if (!t.empty()) {
    // Some carriers send HHMMSS.
    const auto minutes = detail::ParseHhmm(t.size() == 6 ? t.substr(0, 4) : t);
    if (!minutes) return Fail(s, e, fmt::format("\"{}\" is not a time (HHMM)", std::string(t)));
    if (out.has_date()) out.minutes = *minutes;
  }
  return out;
}

Result<FlightLeg> PnrParser::ParseTvl(const Segment& s) const {
  FlightLeg leg;
  ISSA_ASSIGN_OR_RETURN(leg.departure, DateTime(s, 1, 0, 1));
  // DDMMYY:HHMM:DDMMYY:HHMM; carriers also send DDMMYY:HHMM::HHMM and DDMMYY:HHMM:HHMM for an
  // arrival on the day of departure.
  size_t arrival_time = 3;
  if (R(s, 1, 2).size() == 4 && R(s, 1, 3).empty()) arrival_time = 2;
  LocalDateTime arrival;
  if (arrival_time == 3) {
    ISSA_ASSIGN_OR_RETURN(arrival, DateTime(s, 1, 2, 3));
  }
  const std::string time = R(s, 1, arrival_time);
  if (!arrival.has_date() && !time.empty()) {
    const auto minutes = detail::ParseHhmm(time.size() == 6 ? time.substr(0, 4) : time);
    if (!minutes) return Fail(s, 1, fmt::format("\"{}\" is not a time (HHMM)", time));
    if (leg.departure.has_date()) {
      arrival.days = leg.departure.days;
      arrival.minutes = *minutes;
    }
  }
  leg.arrival = arrival;
  leg.origin = T(s, 2);
  leg.destination = T(s, 3);
  leg.carrier = T(s, 4, 0);
  const std::string operating = T(s, 4, 1);
  if (!operating.empty() && operating != leg.carrier) leg.operating_carrier = operating;
  leg.flight_number = T(s, 5, 0);
  leg.booking_class = T(s, 5, 1);
  return leg;
}

Traveller* PnrParser::TravellerByReference(std::string_view ref) {
  if (ref.empty() || out_.bookings.empty()) return nullptr;
  for (auto& t : CurrentBooking().travellers) {
    if (t.reference == ref) return &t;
  }
  return nullptr;
}

Status PnrParser::OnTif(const Segment& s) {
  std::string surname = T(s, 1, 0);
  std::string given = T(s, 2, 0);
  if (detail::TrimBlanks(surname).empty()) return Fail(s, 1, "the traveller's surname is empty");
  if (section_ == Section::kHistory) {
    CurrentBooking().history.push_back({history_action_, "TIF", surname + "/" + given});
    return Status::Ok();
  }
  if (section_ == Section::kLeg) {
    // Check-in data of a traveller on this leg.
    leg_traveller_ = -1;
    const std::string ref = T(s, 2, 2);
    auto& ts = CurrentBooking().travellers;
    for (size_t i = 0; i < ts.size(); ++i) {
      if ((!ref.empty() && ts[i].reference == ref && ts[i].surname == surname) ||
          (ts[i].surname == surname && ts[i].given_names == given)) {
        leg_traveller_ = static_cast<int>(i);
        break;
      }
    }
    if (checkin_pending_ && leg_traveller_ >= 0) {
      ts[static_cast<size_t>(leg_traveller_)].checked_in_legs.push_back(leg_);
    }
    checkin_pending_ = false;
    return Status::Ok();
  }
  if (section_ == Section::kHeader) return Fail(s, 0, "TIF before the first SRC");
  Booking& b = CurrentBooking();
  Traveller t;
  t.surname = std::string(detail::TrimBlanks(surname));
  t.given_names = std::string(detail::TrimBlanks(given));
  t.passenger_type = T(s, 2, 1);
  t.reference = T(s, 2, 2);
  t.key = fmt::format("{}/{}", b.record_locator, b.travellers.size() + 1);
  b.travellers.push_back(std::move(t));
  traveller_ = static_cast<int>(b.travellers.size() - 1);
  section_ = Section::kTraveller;
  return Status::Ok();
}

void PnrParser::OnIft(const Segment& s) {
  const std::string qualifier = T(s, 1, 1);
  std::string text;
  for (size_t e = 2; e <= s.element_count; ++e) {
    const std::string part = T(s, e);
    if (part.empty()) continue;
    if (!text.empty()) text.push_back(' ');
    text += part;
  }
  if (text.empty()) return;
  if (section_ == Section::kHistory) {
    CurrentBooking().history.push_back({history_action_, "IFT", text});
    return;
  }
  if (out_.bookings.empty()) {
    Delete("header_remark");
    return;
  }
  Booking& b = CurrentBooking();
  Traveller* t = section_ == Section::kTraveller ? CurrentTraveller() : nullptr;
  auto& phones = t != nullptr ? t->phones : b.phones;
  auto& emails = t != nullptr ? t->emails : b.emails;
  auto& remarks = t != nullptr ? t->remarks : b.remarks;
  if (qualifier == "15") {
    // Fare calculation: an automated ticket fare quote field (Annex I, 13).
    if (t != nullptr && !t->tickets.empty()) return;  // the ticket carries the amounts
    remarks.push_back("FARE " + text);
    return;
  }
  if (qualifier == "43") {
    // Sponsor: name, address and phone of the person who made the booking (Annex I, 5).
    remarks.push_back("SPONSOR " + text);
    return;
  }
  detail::Contact c;
  if (detail::ParseContact(text, c)) {
    if (c.kind == detail::ContactKind::kEmail) {
      emails.push_back(c.value);
    } else if (c.kind == detail::ContactKind::kPhone) {
      phones.push_back(c.value);
    } else {
      Delete("third_party_contact");
    }
    return;
  }
  remarks.push_back(text);
}

Status PnrParser::OnDat(const Segment& s) {
  for (size_t e = 1; e <= s.element_count; ++e) {
    const std::string qualifier = T(s, e, 0);
    ISSA_ASSIGN_OR_RETURN(const LocalDateTime when, DateTime(s, e, 1, 2));
    if (section_ == Section::kHistory) continue;
    if (out_.bookings.empty()) continue;
    Booking& b = CurrentBooking();
    if (qualifier == "700") {
      b.last_transaction = when;
    } else if (qualifier == "710") {
      Traveller* t = CurrentTraveller();
      if (section_ == Section::kTraveller && t != nullptr && !t->tickets.empty() &&
          !t->tickets.back().issue_date.has_date()) {
        t->tickets.back().issue_date = when;
      } else if (section_ == Section::kTraveller && t != nullptr && t->tickets.empty()) {
        Ticket k;
        k.issue_date = when;
        t->tickets.push_back(std::move(k));
      } else if (!b.ticket_issue_date.has_date()) {
        b.ticket_issue_date = when;
      }
    } else if (qualifier == "2" && section_ == Section::kLeg) {
      // Check-in time: travel status (Annex I, 10), recorded by TRI per traveller.
    } else {
      Delete("date_other");
    }
  }
  return Status::Ok();
}

PaymentForm FormOf(std::string_view code) {
  if (code == "CA") return PaymentForm::kCash;
  if (code == "CC" || code == "DC") return PaymentForm::kCreditCard;
  if (code == "CK") return PaymentForm::kCheck;
  if (code == "IN" || code == "GR") return PaymentForm::kInvoice;
  if (code == "MS") return PaymentForm::kMiscellaneous;
  return PaymentForm::kOther;
}

void PnrParser::OnFop(const Segment& s) {
  if (section_ == Section::kHistory || out_.bookings.empty()) return;
  for (size_t e = 1; e <= s.element_count; ++e) {
    Payment p;
    p.code = T(s, e, 0);
    if (p.code.empty()) continue;
    p.form = FormOf(p.code);
    p.amount = T(s, e, 2);
    p.card_vendor = T(s, e, 3);
    p.card_number = T(s, e, 4);
    p.card_expiry = T(s, e, 5);
    Traveller* t = CurrentTraveller();
    if (section_ == Section::kTraveller && t != nullptr) {
      t->payments.push_back(std::move(p));
    } else {
      CurrentBooking().payments.push_back(std::move(p));
    }
  }
}

Status PnrParser::OnSsr(const Segment& s) {
  const std::string code = T(s, 1, 0);
  const detail::SsrKind kind = detail::ClassifySsr(code);
  if (kind == detail::SsrKind::kMeal) {
    Delete("ssr_meal");
    return Status::Ok();
  }
  if (kind == detail::SsrKind::kHealth) {
    Delete("ssr_health");
    return Status::Ok();
  }
  if (kind == detail::SsrKind::kOther) {
    Delete("ssr_other");
    return Status::Ok();
  }
  std::string text = T(s, 1, 8);
  if (section_ == Section::kHistory) {
    CurrentBooking().history.push_back({history_action_, "SSR", code + " " + text});
    return Status::Ok();
  }
  if (out_.bookings.empty()) {
    Delete("header_ssr");
    return Status::Ok();
  }
  Booking& b = CurrentBooking();
  // The traveller: named by reference in element 2 (component 2), else the current one.
  Traveller* t = TravellerByReference(T(s, 2, 2));
  if (t == nullptr && section_ == Section::kTraveller) t = CurrentTraveller();
  if (t == nullptr && section_ == Section::kLeg && leg_traveller_ >= 0) {
    t = &b.travellers[static_cast<size_t>(leg_traveller_)];
  }
  switch (kind) {
    case detail::SsrKind::kDocs:
    case detail::SsrKind::kDoco: {
      TravelDocument d;
      const Status st =
          detail::ParseDocText(text, kind == detail::SsrKind::kDoco, reference_year_, d);
      if (!st.ok()) return Fail(s, 1, st.message());
      if (d.birth_date.has_date() && out_.flight.departure.has_date() &&
          d.birth_date.days > out_.flight.departure.days) {
        return Fail(s, 1,
                    fmt::format("the date of birth {} is after the flight ({})",
                                d.birth_date.IsoDate(), out_.flight.departure.IsoDate()));
      }
      if (t == nullptr) {
        Delete("unassigned_api");
        return Status::Ok();
      }
      (kind == detail::SsrKind::kDocs ? t->documents : t->other_documents).push_back(std::move(d));
      return Status::Ok();
    }
    case detail::SsrKind::kDoca: {
      Address a = detail::ParseDocaText(text);
      (t != nullptr ? t->addresses : b.addresses).push_back(std::move(a));
      return Status::Ok();
    }
    case detail::SsrKind::kSeat: {
      int leg = section_ == Section::kLeg ? leg_ : -1;
      bool any = false;
      for (size_t e = 2; e <= s.element_count; ++e) {
        const std::string seat = T(s, e, 0);
        if (seat.empty() || seat == "XXX") continue;
        Traveller* who = TravellerByReference(T(s, e, 2));
        if (who == nullptr) who = t;
        if (who == nullptr) continue;
        who->seats.push_back({leg, seat});
        any = true;
      }
      if (!any && !text.empty() && t != nullptr) t->seats.push_back({leg, text});
      return Status::Ok();
    }
    case detail::SsrKind::kTicket: {
      if (t == nullptr || text.empty()) return Status::Ok();
      std::string number = text;
      if (!number.empty() && number[0] == '.') number.erase(0, 1);
      const size_t cpos = number.find('C');
      if (cpos != std::string::npos) number.resize(cpos);
      const std::string coupon = T(s, 1, 6) + "-" + T(s, 1, 7);
      auto it = std::find_if(t->tickets.begin(), t->tickets.end(),
                             [&](const Ticket& k) { return k.number == number; });
      if (it == t->tickets.end()) {
        Ticket k;
        k.number = number;
        k.type = "T";
        t->tickets.push_back(std::move(k));
        it = t->tickets.end() - 1;
      }
      if (coupon.size() > 1 &&
          std::find(it->coupons.begin(), it->coupons.end(), coupon) == it->coupons.end()) {
        it->coupons.push_back(coupon);
      }
      return Status::Ok();
    }
    case detail::SsrKind::kFrequentFlyer: {
      if (t != nullptr) t->frequent_flyers.push_back({T(s, 1, 3), text, {}});
      return Status::Ok();
    }
    case detail::SsrKind::kContact: {
      detail::Contact c;
      if (detail::ParseContact(code + " " + text, c)) {
        auto& phones = t != nullptr ? t->phones : b.phones;
        auto& emails = t != nullptr ? t->emails : b.emails;
        if (c.kind == detail::ContactKind::kEmail) emails.push_back(c.value);
        if (c.kind == detail::ContactKind::kPhone) phones.push_back(c.value);
        if (c.kind == detail::ContactKind::kThirdParty) Delete("third_party_contact");
      }
      return Status::Ok();
    }
    case detail::SsrKind::kRemark: {
      (t != nullptr ? t->remarks : b.remarks).push_back(code + (text.empty() ? "" : " " + text));
      return Status::Ok();
    }
    default:
      return Status::Ok();
  }
}

Status PnrParser::OnSegment(const Segment& s) {
  const std::string_view tag = s.tag;
  if (!IsPnrgovTag(tag)) {
    return Fail(s, 0, fmt::format("unknown segment {} in a PNRGOV message", std::string(tag)));
  }
  if (tag == "UNH" || tag == "UNT") return Status::Ok();
  if (tag == "SRC") {
    if (!out_.bookings.empty()) Finish(CurrentBooking());
    out_.bookings.emplace_back();
    section_ = Section::kPnr;
    traveller_ = -1;
    leg_ = -1;
    leg_traveller_ = -1;
    history_action_.clear();
    return Status::Ok();
  }
  if (section_ == Section::kHeader) {
    if (tag == "MSG") return Status::Ok();
    if (tag == "ORG") {
      out_.sender = T(s, 1, 0);
      return Status::Ok();
    }
    if (tag == "TVL") {
      ISSA_ASSIGN_OR_RETURN(out_.flight, ParseTvl(s));
      if (out_.flight.departure.has_date()) reference_year_ = out_.flight.departure.Year();
      return Status::Ok();
    }
    if (tag == "EQN") {
      const std::string n = T(s, 1);
      out_.declared_pnr_count = static_cast<uint32_t>(std::strtoul(n.c_str(), nullptr, 10));
      return Status::Ok();
    }
    return Fail(s, 0, fmt::format("{} before the first PNR (SRC)", std::string(tag)));
  }
  Booking& b = CurrentBooking();
  if (tag == "ABI") {
    section_ = Section::kHistory;
    history_action_.clear();
    return Status::Ok();
  }
  if (tag == "SAC") {
    history_action_ = T(s, 3, 0);
    return Status::Ok();
  }
  if (tag == "LTS") {
    if (section_ == Section::kHistory) b.history.push_back({history_action_, "LTS", T(s, 1)});
    return Status::Ok();
  }
  if (tag == "EQN") {
    section_ = Section::kSplit;
    return Status::Ok();
  }
  if (tag == "MSG") return Status::Ok();
  if (tag == "RCI") {
    if (section_ == Section::kSplit) {
      for (size_t e = 1; e <= s.element_count; ++e) {
        const std::string loc = T(s, e, 1);
        if (!loc.empty()) b.split_locators.push_back(loc);
      }
      return Status::Ok();
    }
    if (section_ == Section::kHistory || !b.record_locator.empty()) return Status::Ok();
    for (size_t e = 1; e <= s.element_count; ++e) {
      const std::string carrier = T(s, e, 0);
      const std::string loc = T(s, e, 1);
      if (loc.empty()) continue;
      if (b.record_locator.empty()) {
        b.record_locator = loc;
        b.carrier = carrier;
      } else {
        b.other_locators.push_back(carrier + ":" + loc);
      }
      if (!b.reservation_date.has_date()) {
        // carrier:locator:control type:DDMMYY:HHMM; some carriers leave out the control type.
        const bool shifted = R(s, e, 2).size() == 6 && R(s, e, 4).empty();
        ISSA_ASSIGN_OR_RETURN(b.reservation_date,
                              shifted ? DateTime(s, e, 2, 3) : DateTime(s, e, 3, 4));
      }
    }
    if (b.record_locator.empty()) return Fail(s, 1, "the record locator is missing");
    return Status::Ok();
  }
  if (tag == "TVL") {
    ISSA_ASSIGN_OR_RETURN(FlightLeg leg, ParseTvl(s));
    if (section_ == Section::kHistory) {
      b.history.push_back({history_action_, "TVL",
                           fmt::format("{}{} {}-{} {}", leg.carrier, leg.flight_number, leg.origin,
                                       leg.destination, leg.departure.Iso())});
      return Status::Ok();
    }
    if (leg.origin.empty() || leg.destination.empty()) {
      Delete("non_air_segment");
      section_ = Section::kSplit;  // its details are not ours either
      return Status::Ok();
    }
    b.itinerary.push_back(std::move(leg));
    leg_ = static_cast<int>(b.itinerary.size() - 1);
    leg_traveller_ = -1;
    checkin_pending_ = false;
    section_ = Section::kLeg;
    return Status::Ok();
  }
  if (section_ == Section::kSplit) {
    Delete("non_air_detail");
    return Status::Ok();
  }
  if (tag == "TIF") return OnTif(s);
  if (tag == "SSR") return OnSsr(s);
  if (tag == "IFT") {
    OnIft(s);
    return Status::Ok();
  }
  if (tag == "DAT") return OnDat(s);
  if (tag == "FOP") {
    OnFop(s);
    return Status::Ok();
  }
  if (section_ == Section::kHistory) {
    Delete("history_other");
    return Status::Ok();
  }
  Traveller* t = CurrentTraveller();
  if (tag == "ORG") {
    Agency a;
    a.system = T(s, 1, 0);
    a.location = T(s, 1, 1);
    a.agent_code = T(s, 2, 0);
    a.country = T(s, 6, 0);
    a.currency = T(s, 6, 1);
    b.agency = std::move(a);
    return Status::Ok();
  }
  if (tag == "ADD") {
    Address a;
    a.kind = T(s, 2, 0);
    a.street = T(s, 2, 1);
    a.city = T(s, 2, 2);
    a.region = T(s, 2, 3);
    a.country = T(s, 2, 5);
    a.postal_code = T(s, 2, 6);
    a.phone = T(s, 2, 7);
    detail::Contact c;
    if (a.street.empty() && a.city.empty() && detail::ParseContact(a.phone, c)) {
      a.phone = c.value;
    }
    (section_ == Section::kTraveller && t != nullptr ? t->addresses : b.addresses)
        .push_back(std::move(a));
    return Status::Ok();
  }
  if (tag == "EBD") {
    Baggage bag;
    bag.count = static_cast<uint32_t>(std::strtoul(T(s, 2, 0).c_str(), nullptr, 10));
    // EBD+currency:amount+count:?:weight:unit (excess baggage); the weight only when numeric.
    bag.weight = T(s, 2, 2);
    if (bag.weight.find_first_not_of("0123456789.") != std::string::npos) bag.weight.clear();
    bag.unit = T(s, 2, 3);
    (section_ == Section::kTraveller && t != nullptr ? t->baggage : b.baggage).push_back(bag);
    return Status::Ok();
  }
  if (tag == "FTI") {
    if (t == nullptr) return Fail(s, 0, "FTI before any traveller (TIF)");
    for (size_t e = 1; e <= s.element_count; ++e) {
      const std::string number = T(s, e, 1);
      if (!number.empty()) t->frequent_flyers.push_back({T(s, e, 0), number, T(s, e, 4)});
    }
    return Status::Ok();
  }
  if (tag == "TKT") {
    if (t == nullptr) return Fail(s, 0, "TKT before any traveller (TIF)");
    Ticket k;
    k.number = T(s, 1, 0);
    k.type = T(s, 1, 1);
    if (!t->tickets.empty() && t->tickets.back().number.empty()) {
      t->tickets.back().number = k.number;
      t->tickets.back().type = k.type;
    } else {
      t->tickets.push_back(std::move(k));
    }
    return Status::Ok();
  }
  if (tag == "MON") {
    if (t == nullptr || t->tickets.empty()) {
      Delete("fare_details");
      return Status::Ok();
    }
    for (size_t e = 1; e <= s.element_count; ++e) {
      if (T(s, e, 0) == "T") {
        t->tickets.back().total_amount = T(s, e, 1);
        t->tickets.back().currency = T(s, e, 2);
      }
    }
    return Status::Ok();
  }
  if (tag == "PTK") {
    if (t == nullptr || t->tickets.empty()) return Status::Ok();
    Ticket& k = t->tickets.back();
    ISSA_ASSIGN_OR_RETURN(const LocalDateTime issued, DateTime(s, 3, 0, 1));
    if (issued.has_date()) k.issue_date = issued;
    k.issue_place = T(s, 6, 0);
    return Status::Ok();
  }
  static constexpr std::array<detail::DeletedSegment, 4> kDeleted = {{
      {"REF", "passenger_reference"},
      {"FAR", "fare_details"},
      {"TXD", "tax_details"},
      {"APD", "aircraft_type"},
  }};
  if (const std::string_view kind = detail::DeletionKind(kDeleted, tag); !kind.empty()) {
    Delete(kind);
    return Status::Ok();
  }
  if (section_ == Section::kLeg && leg_ >= 0) {
    FlightLeg& leg = b.itinerary[static_cast<size_t>(leg_)];
    if (tag == "RPI") {
      leg.party_size = static_cast<uint32_t>(std::strtoul(T(s, 1).c_str(), nullptr, 10));
      leg.status = T(s, 2);
      return Status::Ok();
    }
    if (tag == "TRA") {
      leg.operating_carrier = T(s, 1, 0);
      leg.operating_flight_number = T(s, 1, 1);
      return Status::Ok();
    }
    Traveller* who =
        leg_traveller_ >= 0 ? &b.travellers[static_cast<size_t>(leg_traveller_)] : nullptr;
    if (tag == "SSD") {
      const std::string seat = T(s, 1, 0);
      if (who != nullptr && !seat.empty() && seat != "XXX") {  // XXX: no seat assigned
        const bool known = std::any_of(who->seats.begin(), who->seats.end(), [&](const auto& x) {
          return x.leg == leg_ && x.seat == seat;
        });
        if (!known) who->seats.push_back({leg_, seat});
      }
      return Status::Ok();
    }
    if (tag == "TRI") {
      // A check-in group: TRI, then the TIF of the traveller, SSD, TBD.
      checkin_pending_ = true;
      leg_traveller_ = -1;
      return Status::Ok();
    }
    if (tag == "TBD") {
      if (who != nullptr) {
        Baggage bag;
        bag.leg = leg_;
        bag.count = static_cast<uint32_t>(std::strtoul(T(s, 2, 0).c_str(), nullptr, 10));
        bag.weight = T(s, 2, 1);
        bag.unit = T(s, 2, 2) == "700" ? "KG" : T(s, 2, 2);
        for (size_t e = 5; e <= s.element_count; ++e) {
          const std::string tagno = T(s, e, 1);
          if (!tagno.empty()) bag.tag_numbers.push_back(T(s, e, 0) + tagno);
        }
        who->baggage.push_back(std::move(bag));
      }
      return Status::Ok();
    }
  }
  // A PNRGOV segment in a place where it carries nothing of Annex I.
  Delete(fmt::format("misplaced_{}", std::string(tag)));
  return Status::Ok();
}

void PnrParser::Finish(Booking& b) {
  if (!b.itinerary.empty()) {
    const std::string& start = b.itinerary.front().origin;
    bool returns = false;
    for (const auto& leg : b.itinerary) {
      if (leg.destination == start) returns = true;
      if (!leg.operating_carrier.empty() && leg.operating_carrier != leg.carrier) {
        b.code_share = true;
      }
    }
    b.one_way = !returns;
  }
}

Result<PnrMessage> PnrParser::Run() {
  out_.version = m_.version + "." + m_.release;
  static constexpr std::array<std::string_view, 6> kVersions = {"10.1", "11.1", "12.1",
                                                                "13.1", "10.0", "11.0"};
  const Segment* first = ic_.begin(m_);
  if (std::find(kVersions.begin(), kVersions.end(), out_.version) == kVersions.end()) {
    return Fail(*first, 2,
                fmt::format("PNRGOV version {} is not supported (10.1 to 13.1)", out_.version));
  }
  for (const Segment* s = first; s != ic_.end(m_); ++s) {
    ISSA_RETURN_IF_ERROR(OnSegment(*s));
  }
  if (!out_.bookings.empty()) Finish(CurrentBooking());
  for (size_t i = 0; i < out_.bookings.size(); ++i) {
    if (out_.bookings[i].record_locator.empty()) {
      return Fail(*first, 0, fmt::format("PNR {} has no record locator (RCI)", i + 1));
    }
  }
  return std::move(out_);
}

}  // namespace

Result<PnrMessage> ParsePnrgov(const edifact::Interchange& ic, const edifact::Message& m,
                               DeletionCounts& deletions) {
  PnrParser parser(ic, m, deletions);
  return parser.Run();
}

}  // namespace issa::travel
