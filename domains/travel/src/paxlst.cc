// UN/EDIFACT PAXLST (D:02B, D:05B; the WCO/IATA/ICAO API guidelines) to Annex I API data.

#include <algorithm>
#include <array>

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

bool IsPaxlstTag(std::string_view t) {
  static constexpr std::array<std::string_view, 18> kTags = {
      "BGM", "RFF", "NAD", "COM", "TDT", "LOC", "DTM", "ATT", "NAT",
      "DOC", "CNT", "FTX", "MEA", "GEI", "EMP", "QTY", "CPI", "UNH"};
  return t == "UNT" || std::find(kTags.begin(), kTags.end(), t) != kTags.end();
}

class ApiParser : detail::MessageReader {
 public:
  ApiParser(const Interchange& ic, const Message& m, DeletionCounts& deletions)
      : MessageReader(ic, m, deletions) {}
  Result<ApiMessage> Run();

 private:
  Status OnSegment(const Segment& s);
  Result<LocalDateTime> Dtm(const Segment& s, detail::Century c) const;

  ApiMessage out_;
  ApiPerson* person_ = nullptr;
  TravelDocument* document_ = nullptr;
  FlightLeg* leg_ = nullptr;
  int reference_year_ = 2000;
  const Segment* declared_count_ = nullptr;
};

Result<LocalDateTime> ApiParser::Dtm(const Segment& s, detail::Century c) const {
  const std::string v(detail::TrimBlanks(T(s, 1, 1)));
  const std::string format = T(s, 1, 2);
  LocalDateTime out;
  if (v.empty()) return Fail(s, 1, "the date is missing");
  if (v.size() == 10 || format == "201") {
    // YYMMDDHHMM
    if (v.size() != 10) return Fail(s, 1, fmt::format("\"{}\" is not YYMMDDHHMM", v));
    const auto days = detail::ParseYymmdd(std::string_view(v).substr(0, 6), c, reference_year_);
    const auto minutes = detail::ParseHhmm(std::string_view(v).substr(6, 4));
    if (!days || !minutes) return Fail(s, 1, fmt::format("\"{}\" is not a date and time", v));
    out.days = *days;
    out.minutes = *minutes;
    return out;
  }
  if (v.size() == 12) {  // CCYYMMDDHHMM
    const auto days = detail::ParseYymmdd(std::string_view(v).substr(0, 8), c, reference_year_);
    const auto minutes = detail::ParseHhmm(std::string_view(v).substr(8, 4));
    if (!days || !minutes) return Fail(s, 1, fmt::format("\"{}\" is not a date and time", v));
    out.days = *days;
    out.minutes = *minutes;
    return out;
  }
  const auto days = detail::ParseYymmdd(v, c, reference_year_);
  if (!days) return Fail(s, 1, fmt::format("\"{}\" is not a date (YYMMDD)", v));
  out.days = *days;
  return out;
}

Status ApiParser::OnSegment(const Segment& s) {
  const std::string_view tag = s.tag;
  if (!IsPaxlstTag(tag)) {
    return Fail(s, 0, fmt::format("unknown segment {} in a PAXLST message", std::string(tag)));
  }
  if (tag == "UNH" || tag == "UNT") return Status::Ok();
  if (tag == "BGM") {
    out_.list_type = T(s, 1, 0);
    return Status::Ok();
  }
  if (tag == "NAD") {
    const std::string qualifier = T(s, 1, 0);
    if (qualifier == "MS") {
      Delete("reporting_party");
      return Status::Ok();
    }
    ApiPerson p;
    if (qualifier == "FL") {
      p.role = PersonRole::kPassenger;
    } else if (qualifier == "FM") {
      p.role = PersonRole::kCrew;
    } else if (qualifier == "DDT") {
      p.role = PersonRole::kInTransitPassenger;
    } else if (qualifier == "DDU") {
      p.role = PersonRole::kInTransitCrew;
    } else {
      return Fail(s, 1,
                  fmt::format("party qualifier \"{}\" is not FL, FM, DDT, DDU or MS", qualifier));
    }
    p.surname = std::string(detail::TrimBlanks(T(s, 4, 0)));
    if (p.surname.empty()) return Fail(s, 4, "the surname is empty");
    p.given_names = std::string(detail::TrimBlanks(T(s, 4, 1)));
    for (size_t c = 2; c < ic_.ComponentCount(s, 4); ++c) {
      const std::string more(detail::TrimBlanks(T(s, 4, c)));
      if (more.empty()) continue;
      if (!p.given_names.empty()) p.given_names.push_back(' ');
      p.given_names += more;
    }
    for (size_t e = 5; e <= s.element_count; ++e) {
      if (!ic_.Raw(s, e, 0).empty()) {
        Delete("person_address");
        break;
      }
    }
    p.key = fmt::format("{}/{}", m_.reference, out_.persons.size() + 1);
    out_.persons.push_back(std::move(p));
    person_ = &out_.persons.back();
    document_ = nullptr;
    return Status::Ok();
  }
  if (tag == "TDT") {
    if (person_ != nullptr) return Fail(s, 0, "TDT after the first person");
    FlightLeg leg;
    const std::string id = T(s, 2, 0);
    leg.carrier = T(s, 5, 0);
    if (leg.carrier.empty() && id.size() > 2) leg.carrier = id.substr(0, 2);
    leg.flight_number =
        !leg.carrier.empty() && id.starts_with(leg.carrier) ? id.substr(leg.carrier.size()) : id;
    if (id.empty()) return Fail(s, 2, "the flight identification is missing");
    out_.legs.push_back(std::move(leg));
    leg_ = &out_.legs.back();
    return Status::Ok();
  }
  if (tag == "LOC") {
    const std::string qualifier = T(s, 1, 0);
    const std::string place = T(s, 2, 0);
    if (person_ == nullptr) {
      if (leg_ == nullptr) return Fail(s, 0, "LOC before the flight (TDT)");
      if (qualifier == "125" || (qualifier == "92" && leg_->origin.empty())) {
        leg_->origin = place;
      } else if (qualifier == "87" || qualifier == "92") {
        leg_->destination = place;
      } else {
        Delete("flight_location_other");
      }
      return Status::Ok();
    }
    if (qualifier == "178") {
      person_->embarkation = place;
    } else if (qualifier == "179") {
      person_->debarkation = place;
    } else if (qualifier == "91") {
      if (document_ != nullptr) document_->issuing_country = place;
    } else if (qualifier == "174") {
      Delete("residence_country");
    } else if (qualifier == "180") {
      Delete("birth_place");
    } else {
      Delete("person_location_other");
    }
    return Status::Ok();
  }
  if (tag == "DTM") {
    const std::string qualifier = T(s, 1, 0);
    if (person_ == nullptr) {
      if (leg_ == nullptr) return Fail(s, 0, "DTM before the flight (TDT)");
      if (qualifier == "189") {
        ISSA_ASSIGN_OR_RETURN(leg_->departure, Dtm(s, detail::Century::kTravel));
        if (reference_year_ == 2000) reference_year_ = leg_->departure.Year();
      } else if (qualifier == "232") {
        ISSA_ASSIGN_OR_RETURN(leg_->arrival, Dtm(s, detail::Century::kTravel));
      } else {
        Delete("flight_date_other");
      }
      return Status::Ok();
    }
    if (qualifier == "329") {
      ISSA_ASSIGN_OR_RETURN(person_->birth_date, Dtm(s, detail::Century::kBirth));
      if (!out_.legs.empty() && out_.legs.front().departure.has_date() &&
          person_->birth_date.days > out_.legs.front().departure.days) {
        return Fail(
            s, 1,
            fmt::format("the date of birth {} is after the flight ({})",
                        person_->birth_date.IsoDate(), out_.legs.front().departure.IsoDate()));
      }
    } else if (qualifier == "36") {
      ISSA_ASSIGN_OR_RETURN(const LocalDateTime expiry, Dtm(s, detail::Century::kTravel));
      if (document_ != nullptr) document_->expiry = expiry;
    } else {
      Delete("person_date_other");
    }
    return Status::Ok();
  }
  if (tag == "ATT") {
    if (person_ != nullptr) person_->gender = T(s, 3, 0);
    return Status::Ok();
  }
  if (tag == "NAT") {
    if (person_ != nullptr) person_->nationality = T(s, 2, 0);
    return Status::Ok();
  }
  if (tag == "DOC") {
    if (person_ == nullptr) return Fail(s, 0, "DOC before any person (NAD)");
    TravelDocument d;
    d.type = T(s, 1, 0);
    d.number = T(s, 2, 0);
    if (d.number.empty()) return Fail(s, 2, "the document number is empty");
    d.surname = person_->surname;
    d.given_names = person_->given_names;
    person_->documents.push_back(std::move(d));
    document_ = &person_->documents.back();
    return Status::Ok();
  }
  if (tag == "RFF") {
    const std::string qualifier = T(s, 1, 0);
    if (person_ == nullptr) return Status::Ok();  // transaction reference of the message
    if (qualifier == "AVF") {
      person_->record_locator = T(s, 1, 1);
    } else if (qualifier == "SEA") {
      person_->seat = T(s, 1, 1);
    } else {
      Delete("reference_other");
    }
    return Status::Ok();
  }
  if (tag == "CNT") {
    declared_count_ = &s;
    return Status::Ok();
  }
  static constexpr std::array<detail::DeletedSegment, 3> kDeleted = {{
      {"COM", "reporting_party_contact"},
      {"FTX", "free_text"},
      {"MEA", "measurement"},
  }};
  const std::string_view kind = detail::DeletionKind(kDeleted, tag);
  Delete(kind.empty() ? fmt::format("segment_{}", std::string(tag)) : std::string(kind));
  return Status::Ok();
}

Result<ApiMessage> ApiParser::Run() {
  out_.version = m_.version + ":" + m_.release;
  const Segment* first = ic_.begin(m_);
  if (out_.version != "D:02B" && out_.version != "D:05B") {
    return Fail(*first, 2,
                fmt::format("PAXLST version {} is not supported (D:02B, D:05B)", out_.version));
  }
  // References into out_ stay valid: reserve for the worst case (one person per segment).
  out_.persons.reserve(m_.segment_count);
  out_.legs.reserve(m_.segment_count);
  for (const Segment* s = first; s != ic_.end(m_); ++s) {
    ISSA_RETURN_IF_ERROR(OnSegment(*s));
  }
  if (out_.legs.empty()) return Fail(*first, 0, "no flight (TDT) in the message");
  if (declared_count_ != nullptr) {
    // CNT 41/42: the crew/passengers of the whole flight, which may span several messages.
    out_.declared_person_count = T(*declared_count_, 1, 1);
  }
  out_.persons.shrink_to_fit();
  out_.legs.shrink_to_fit();
  return std::move(out_);
}

}  // namespace

Result<ApiMessage> ParsePaxlst(const edifact::Interchange& ic, const edifact::Message& m,
                               DeletionCounts& deletions) {
  ApiParser parser(ic, m, deletions);
  return parser.Run();
}

std::string_view PersonRoleName(PersonRole r) {
  switch (r) {
    case PersonRole::kPassenger:
      return "passenger";
    case PersonRole::kCrew:
      return "crew";
    case PersonRole::kInTransitPassenger:
      return "in_transit_passenger";
    case PersonRole::kInTransitCrew:
      return "in_transit_crew";
  }
  return "passenger";
}

std::string_view PaymentFormName(PaymentForm f) {
  switch (f) {
    case PaymentForm::kCash:
      return "cash";
    case PaymentForm::kCreditCard:
      return "credit_card";
    case PaymentForm::kCheck:
      return "check";
    case PaymentForm::kInvoice:
      return "invoice";
    case PaymentForm::kMiscellaneous:
      return "miscellaneous";
    case PaymentForm::kOther:
      return "other";
  }
  return "other";
}

Result<ParseBatch> ParseTravelMessages(std::string_view text,
                                       const edifact::ParseOptions& options) {
  ISSA_ASSIGN_OR_RETURN(const edifact::Interchange ic, edifact::ParseInterchange(text, options));
  ParseBatch batch;
  batch.errors = ic.errors;
  batch.messages.reserve(ic.messages.size());
  for (const auto& m : ic.messages) {
    ParsedMessage out;
    out.reference = m.reference;
    out.type = m.type;
    out.warnings = m.warnings;
    if (!m.status.ok()) {
      out.status = m.status;
    } else if (m.type == "PNRGOV") {
      auto pnr = ParsePnrgov(ic, m, out.deletions);
      if (pnr.ok()) {
        out.pnr = std::move(*pnr);
      } else {
        out.status = pnr.status();
      }
    } else if (m.type == "PAXLST") {
      auto api = ParsePaxlst(ic, m, out.deletions);
      if (api.ok()) {
        if (!api->declared_person_count.empty() &&
            api->declared_person_count != std::to_string(api->persons.size())) {
          out.warnings.push_back(
              fmt::format("CNT declares {} persons for the flight; this message lists {}",
                          api->declared_person_count, api->persons.size()));
        }
        out.api = std::move(*api);
      } else {
        out.status = api.status();
      }
    } else {
      out.status = edifact::SegmentError(
          m, *ic.begin(m), 2, fmt::format("message type {} is not PNRGOV or PAXLST", m.type));
    }
    if (!out.status.ok()) out.deletions.clear();  // nothing partial of a bad message
    batch.messages.push_back(std::move(out));
  }
  return batch;
}

}  // namespace issa::travel
