// The JSON form of passenger data as input (see passenger_data.h).

#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/travel/passenger_data.h"

#include "travel_text.h"

namespace issa::travel {
namespace {

using json = nlohmann::json;

// Reads one line; the first error wins and stops the line.
class Reader {
 public:
  explicit Reader(DeletionCounts& deletions) : deletions_(deletions) {}

  // Calls member(key, value, path) for each member; it returns false for an unknown member,
  // which is then deleted and counted.
  template <typename Member>
  Status Object(const json& j, const std::string& path, std::string_view kind, Member member) {
    if (!j.is_object()) return InvalidArgument("must be an object", path);
    for (const auto& [key, value] : j.items()) {
      const std::string at = path + "." + key;
      bool known = true;
      ISSA_RETURN_IF_ERROR(member(key, value, at, known));
      if (!known) detail::CountDeletion(deletions_, fmt::format("unknown:{}.{}", kind, key));
    }
    return Status::Ok();
  }

  template <typename Item>
  Status Array(const json& j, const std::string& path, Item item) {
    if (!j.is_array()) return InvalidArgument("must be an array", path);
    for (size_t i = 0; i < j.size(); ++i) {
      ISSA_RETURN_IF_ERROR(item(j[i], fmt::format("{}[{}]", path, i)));
    }
    return Status::Ok();
  }

  static Status Str(const json& j, const std::string& path, std::string& out) {
    if (!j.is_string()) return InvalidArgument("must be a string", path);
    out = j.get<std::string>();
    if (out.size() > 4096) return InvalidArgument("is longer than 4096 bytes", path);
    return Status::Ok();
  }
  static Status Strs(const json& j, const std::string& path, std::vector<std::string>& out) {
    if (!j.is_array()) return InvalidArgument("must be an array of strings", path);
    for (size_t i = 0; i < j.size(); ++i) {
      std::string s;
      ISSA_RETURN_IF_ERROR(Str(j[i], fmt::format("{}[{}]", path, i), s));
      out.push_back(std::move(s));
    }
    return Status::Ok();
  }
  static Status Uint(const json& j, const std::string& path, uint32_t& out) {
    if (!j.is_number_unsigned() || j.get<uint64_t>() > 100000) {
      return InvalidArgument("must be a whole number from 0 to 100000", path);
    }
    out = static_cast<uint32_t>(j.get<uint64_t>());
    return Status::Ok();
  }
  static Status Int(const json& j, const std::string& path, int& out) {
    if (!j.is_number_integer() || j.get<int64_t>() < -1 || j.get<int64_t>() > 100000) {
      return InvalidArgument("must be a whole number", path);
    }
    out = static_cast<int>(j.get<int64_t>());
    return Status::Ok();
  }
  static Status Date(const json& j, const std::string& path, LocalDateTime& out) {
    if (!j.is_string()) return InvalidArgument("must be a date YYYY-MM-DD[THH:MM]", path);
    const std::string s = j.get<std::string>();
    int y = 0;
    int m = 0;
    int d = 0;
    int hh = 0;
    int mm = 0;
    std::optional<int32_t> days;
    if ((s.size() == 10 || (s.size() == 16 && s[10] == 'T')) && s[4] == '-' && s[7] == '-') {
      if (std::sscanf(s.c_str(), "%4d-%2d-%2d", &y, &m, &d) == 3) days = DaysFromCivil(y, m, d);
    }
    if (!days) return InvalidArgument(fmt::format("\"{}\" is not a date YYYY-MM-DD", s), path);
    out.days = *days;
    out.minutes = -1;
    if (s.size() == 16) {
      if (std::sscanf(s.c_str() + 11, "%2d:%2d", &hh, &mm) != 2 || hh > 23 || mm > 59 ||
          s[13] != ':') {
        return InvalidArgument(fmt::format("\"{}\" has no valid time HH:MM", s), path);
      }
      out.minutes = hh * 60 + mm;
    }
    return Status::Ok();
  }

  Status Leg(const json& j, const std::string& path, FlightLeg& l) {
    return Object(
        j, path, "leg",
        [&](const std::string& k, const json& v, const std::string& at, bool& known) -> Status {
          if (k == "carrier") return Str(v, at, l.carrier);
          if (k == "flight_number") return Str(v, at, l.flight_number);
          if (k == "operating_carrier") return Str(v, at, l.operating_carrier);
          if (k == "operating_flight_number") return Str(v, at, l.operating_flight_number);
          if (k == "origin") return Str(v, at, l.origin);
          if (k == "destination") return Str(v, at, l.destination);
          if (k == "departure") return Date(v, at, l.departure);
          if (k == "arrival") return Date(v, at, l.arrival);
          if (k == "booking_class") return Str(v, at, l.booking_class);
          if (k == "status") return Str(v, at, l.status);
          if (k == "party_size") return Uint(v, at, l.party_size);
          known = false;
          return Status::Ok();
        });
  }

  Status Document(const json& j, const std::string& path, TravelDocument& d) {
    return Object(
        j, path, "document",
        [&](const std::string& k, const json& v, const std::string& at, bool& known) -> Status {
          if (k == "type") return Str(v, at, d.type);
          if (k == "number") return Str(v, at, d.number);
          if (k == "issuing_country") return Str(v, at, d.issuing_country);
          if (k == "nationality") return Str(v, at, d.nationality);
          if (k == "birth_date") return Date(v, at, d.birth_date);
          if (k == "gender") return Str(v, at, d.gender);
          if (k == "expiry") return Date(v, at, d.expiry);
          if (k == "issue_date") return Date(v, at, d.issue_date);
          if (k == "place_of_issue") return Str(v, at, d.place_of_issue);
          if (k == "applicable_country") return Str(v, at, d.applicable_country);
          if (k == "surname") return Str(v, at, d.surname);
          if (k == "given_names") return Str(v, at, d.given_names);
          known = false;
          return Status::Ok();
        });
  }

  Status AddressOf(const json& j, const std::string& path, Address& a) {
    return Object(
        j, path, "address",
        [&](const std::string& k, const json& v, const std::string& at, bool& known) -> Status {
          if (k == "kind") return Str(v, at, a.kind);
          if (k == "street") return Str(v, at, a.street);
          if (k == "city") return Str(v, at, a.city);
          if (k == "region") return Str(v, at, a.region);
          if (k == "postal_code") return Str(v, at, a.postal_code);
          if (k == "country") return Str(v, at, a.country);
          if (k == "phone") return Str(v, at, a.phone);
          known = false;
          return Status::Ok();
        });
  }

  Status PaymentOf(const json& j, const std::string& path, Payment& p) {
    return Object(
        j, path, "payment",
        [&](const std::string& k, const json& v, const std::string& at, bool& known) -> Status {
          if (k == "form") {
            std::string form;
            ISSA_RETURN_IF_ERROR(Str(v, at, form));
            for (const PaymentForm f :
                 {PaymentForm::kCash, PaymentForm::kCreditCard, PaymentForm::kCheck,
                  PaymentForm::kInvoice, PaymentForm::kMiscellaneous, PaymentForm::kOther}) {
              if (PaymentFormName(f) == form) {
                p.form = f;
                return Status::Ok();
              }
            }
            return InvalidArgument(
                "must be cash, credit_card, check, invoice, miscellaneous or other", at);
          }
          if (k == "code") return Str(v, at, p.code);
          if (k == "amount") return Str(v, at, p.amount);
          if (k == "card_vendor") return Str(v, at, p.card_vendor);
          if (k == "card_number") return Str(v, at, p.card_number);
          if (k == "card_expiry") return Str(v, at, p.card_expiry);
          known = false;
          return Status::Ok();
        });
  }

  Status BaggageOf(const json& j, const std::string& path, Baggage& b) {
    return Object(
        j, path, "baggage",
        [&](const std::string& k, const json& v, const std::string& at, bool& known) -> Status {
          if (k == "leg") return Int(v, at, b.leg);
          if (k == "count") return Uint(v, at, b.count);
          if (k == "weight") return Str(v, at, b.weight);
          if (k == "unit") return Str(v, at, b.unit);
          if (k == "tag_numbers") return Strs(v, at, b.tag_numbers);
          known = false;
          return Status::Ok();
        });
  }

  Status TravellerOf(const json& j, const std::string& path, Traveller& t);
  Status BookingOf(const json& j, const std::string& path, Booking& b);
  Status PersonOf(const json& j, const std::string& path, ApiPerson& p);
  Status Line(const json& j, const std::string& path, ParsedMessage& m);

 private:
  DeletionCounts& deletions_;
};

Status Reader::TravellerOf(const json& j, const std::string& path, Traveller& t) {
  ISSA_RETURN_IF_ERROR(Object(
      j, path, "traveller",
      [&](const std::string& k, const json& v, const std::string& at, bool& known) -> Status {
        if (k == "key") return Str(v, at, t.key);
        if (k == "surname") return Str(v, at, t.surname);
        if (k == "given_names") return Str(v, at, t.given_names);
        if (k == "passenger_type") return Str(v, at, t.passenger_type);
        if (k == "reference") return Str(v, at, t.reference);
        auto docs = [&](std::vector<TravelDocument>& out) {
          return Array(v, at, [&](const json& x, const std::string& p) {
            out.emplace_back();
            return Document(x, p, out.back());
          });
        };
        if (k == "documents") return docs(t.documents);
        if (k == "other_documents") return docs(t.other_documents);
        if (k == "addresses") {
          return Array(v, at, [&](const json& x, const std::string& p) {
            t.addresses.emplace_back();
            return AddressOf(x, p, t.addresses.back());
          });
        }
        if (k == "frequent_flyers") {
          return Array(v, at, [&](const json& x, const std::string& p) {
            FrequentFlyer f;
            ISSA_RETURN_IF_ERROR(Object(x, p, "frequent_flyer",
                                        [&](const std::string& fk, const json& fv,
                                            const std::string& fat, bool& fknown) -> Status {
                                          if (fk == "airline") return Str(fv, fat, f.airline);
                                          if (fk == "number") return Str(fv, fat, f.number);
                                          if (fk == "tier") return Str(fv, fat, f.tier);
                                          fknown = false;
                                          return Status::Ok();
                                        }));
            t.frequent_flyers.push_back(std::move(f));
            return Status::Ok();
          });
        }
        if (k == "tickets") {
          return Array(v, at, [&](const json& x, const std::string& p) {
            Ticket tk;
            ISSA_RETURN_IF_ERROR(Object(x, p, "ticket",
                                        [&](const std::string& tkk, const json& tv,
                                            const std::string& tat, bool& tknown) -> Status {
                                          if (tkk == "number") return Str(tv, tat, tk.number);
                                          if (tkk == "type") return Str(tv, tat, tk.type);
                                          if (tkk == "issue_date")
                                            return Date(tv, tat, tk.issue_date);
                                          if (tkk == "issue_place")
                                            return Str(tv, tat, tk.issue_place);
                                          if (tkk == "total_amount") {
                                            return Str(tv, tat, tk.total_amount);
                                          }
                                          if (tkk == "currency") return Str(tv, tat, tk.currency);
                                          if (tkk == "coupons") return Strs(tv, tat, tk.coupons);
                                          tknown = false;
                                          return Status::Ok();
                                        }));
            t.tickets.push_back(std::move(tk));
            return Status::Ok();
          });
        }
        if (k == "payments") {
          return Array(v, at, [&](const json& x, const std::string& p) {
            t.payments.emplace_back();
            return PaymentOf(x, p, t.payments.back());
          });
        }
        if (k == "seats") {
          return Array(v, at, [&](const json& x, const std::string& p) {
            SeatAssignment s;
            ISSA_RETURN_IF_ERROR(Object(x, p, "seat",
                                        [&](const std::string& sk, const json& sv,
                                            const std::string& sat, bool& sknown) -> Status {
                                          if (sk == "seat") return Str(sv, sat, s.seat);
                                          if (sk == "leg") return Int(sv, sat, s.leg);
                                          sknown = false;
                                          return Status::Ok();
                                        }));
            t.seats.push_back(std::move(s));
            return Status::Ok();
          });
        }
        if (k == "baggage") {
          return Array(v, at, [&](const json& x, const std::string& p) {
            t.baggage.emplace_back();
            return BaggageOf(x, p, t.baggage.back());
          });
        }
        if (k == "checked_in_legs") {
          return Array(v, at, [&](const json& x, const std::string& p) {
            int leg = 0;
            ISSA_RETURN_IF_ERROR(Int(x, p, leg));
            t.checked_in_legs.push_back(leg);
            return Status::Ok();
          });
        }
        if (k == "phones") return Strs(v, at, t.phones);
        if (k == "emails") return Strs(v, at, t.emails);
        if (k == "remarks") return Strs(v, at, t.remarks);
        known = false;
        return Status::Ok();
      }));
  if (detail::TrimBlanks(t.surname).empty())
    return InvalidArgument("the surname is empty", path + ".surname");
  return Status::Ok();
}

Status Reader::BookingOf(const json& j, const std::string& path, Booking& b) {
  ISSA_RETURN_IF_ERROR(Object(
      j, path, "booking",
      [&](const std::string& k, const json& v, const std::string& at, bool& known) -> Status {
        if (k == "record_locator") return Str(v, at, b.record_locator);
        if (k == "carrier") return Str(v, at, b.carrier);
        if (k == "other_locators") return Strs(v, at, b.other_locators);
        if (k == "reservation_date") return Date(v, at, b.reservation_date);
        if (k == "last_transaction") return Date(v, at, b.last_transaction);
        if (k == "ticket_issue_date") return Date(v, at, b.ticket_issue_date);
        if (k == "agency") {
          Agency a;
          ISSA_RETURN_IF_ERROR(Object(v, at, "agency",
                                      [&](const std::string& ak, const json& av,
                                          const std::string& aat, bool& aknown) -> Status {
                                        if (ak == "system") return Str(av, aat, a.system);
                                        if (ak == "location") return Str(av, aat, a.location);
                                        if (ak == "agent_code") return Str(av, aat, a.agent_code);
                                        if (ak == "country") return Str(av, aat, a.country);
                                        if (ak == "currency") return Str(av, aat, a.currency);
                                        aknown = false;
                                        return Status::Ok();
                                      }));
          b.agency = std::move(a);
          return Status::Ok();
        }
        if (k == "addresses") {
          return Array(v, at, [&](const json& x, const std::string& p) {
            b.addresses.emplace_back();
            return AddressOf(x, p, b.addresses.back());
          });
        }
        if (k == "phones") return Strs(v, at, b.phones);
        if (k == "emails") return Strs(v, at, b.emails);
        if (k == "remarks") return Strs(v, at, b.remarks);
        if (k == "travellers") {
          return Array(v, at, [&](const json& x, const std::string& p) {
            b.travellers.emplace_back();
            return TravellerOf(x, p, b.travellers.back());
          });
        }
        if (k == "itinerary") {
          return Array(v, at, [&](const json& x, const std::string& p) {
            b.itinerary.emplace_back();
            return Leg(x, p, b.itinerary.back());
          });
        }
        if (k == "payments") {
          return Array(v, at, [&](const json& x, const std::string& p) {
            b.payments.emplace_back();
            return PaymentOf(x, p, b.payments.back());
          });
        }
        if (k == "baggage") {
          return Array(v, at, [&](const json& x, const std::string& p) {
            b.baggage.emplace_back();
            return BaggageOf(x, p, b.baggage.back());
          });
        }
        if (k == "split_locators") return Strs(v, at, b.split_locators);
        if (k == "history") {
          return Array(v, at, [&](const json& x, const std::string& p) {
            HistoryEntry h;
            ISSA_RETURN_IF_ERROR(Object(x, p, "history",
                                        [&](const std::string& hk, const json& hv,
                                            const std::string& hat, bool& hknown) -> Status {
                                          if (hk == "action") return Str(hv, hat, h.action);
                                          if (hk == "segment") return Str(hv, hat, h.segment);
                                          if (hk == "text") return Str(hv, hat, h.text);
                                          hknown = false;
                                          return Status::Ok();
                                        }));
            b.history.push_back(std::move(h));
            return Status::Ok();
          });
        }
        if (k == "one_way") {
          if (!v.is_boolean()) return InvalidArgument("must be true or false", at);
          b.one_way = v.get<bool>();
          return Status::Ok();
        }
        if (k == "code_share") {
          if (!v.is_boolean()) return InvalidArgument("must be true or false", at);
          b.code_share = v.get<bool>();
          return Status::Ok();
        }
        known = false;
        return Status::Ok();
      }));
  if (b.record_locator.empty()) {
    return InvalidArgument("the record locator is missing", path + ".record_locator");
  }
  for (size_t i = 0; i < b.travellers.size(); ++i) {
    if (b.travellers[i].key.empty()) {
      b.travellers[i].key = fmt::format("{}/{}", b.record_locator, i + 1);
    }
  }
  return Status::Ok();
}

Status Reader::PersonOf(const json& j, const std::string& path, ApiPerson& p) {
  ISSA_RETURN_IF_ERROR(Object(
      j, path, "person",
      [&](const std::string& k, const json& v, const std::string& at, bool& known) -> Status {
        if (k == "key") return Str(v, at, p.key);
        if (k == "role") {
          std::string role;
          ISSA_RETURN_IF_ERROR(Str(v, at, role));
          for (const PersonRole r : {PersonRole::kPassenger, PersonRole::kCrew,
                                     PersonRole::kInTransitPassenger, PersonRole::kInTransitCrew}) {
            if (PersonRoleName(r) == role) {
              p.role = r;
              return Status::Ok();
            }
          }
          return InvalidArgument("must be passenger, crew, in_transit_passenger or in_transit_crew",
                                 at);
        }
        if (k == "surname") return Str(v, at, p.surname);
        if (k == "given_names") return Str(v, at, p.given_names);
        if (k == "gender") return Str(v, at, p.gender);
        if (k == "birth_date") return Date(v, at, p.birth_date);
        if (k == "nationality") return Str(v, at, p.nationality);
        if (k == "embarkation") return Str(v, at, p.embarkation);
        if (k == "debarkation") return Str(v, at, p.debarkation);
        if (k == "record_locator") return Str(v, at, p.record_locator);
        if (k == "seat") return Str(v, at, p.seat);
        if (k == "documents") {
          return Array(v, at, [&](const json& x, const std::string& dp) {
            p.documents.emplace_back();
            return Document(x, dp, p.documents.back());
          });
        }
        known = false;
        return Status::Ok();
      }));
  if (detail::TrimBlanks(p.surname).empty())
    return InvalidArgument("the surname is empty", path + ".surname");
  return Status::Ok();
}

Status Reader::Line(const json& j, const std::string& path, ParsedMessage& m) {
  return Object(
      j, path, "message",
      [&](const std::string& k, const json& v, const std::string& at, bool& known) -> Status {
        if (k == "reference") return Str(v, at, m.reference);
        if (k == "type") return Str(v, at, m.type);
        if (k == "pnr") {
          PnrMessage pnr;
          ISSA_RETURN_IF_ERROR(Object(v, at, "pnr",
                                      [&](const std::string& pk, const json& pv,
                                          const std::string& pat, bool& pknown) -> Status {
                                        if (pk == "version") return Str(pv, pat, pnr.version);
                                        if (pk == "sender") return Str(pv, pat, pnr.sender);
                                        if (pk == "flight") return Leg(pv, pat, pnr.flight);
                                        if (pk == "declared_pnr_count")
                                          return Uint(pv, pat, pnr.declared_pnr_count);
                                        if (pk == "bookings") {
                                          return Array(
                                              pv, pat, [&](const json& x, const std::string& bp) {
                                                pnr.bookings.emplace_back();
                                                return BookingOf(x, bp, pnr.bookings.back());
                                              });
                                        }
                                        pknown = false;
                                        return Status::Ok();
                                      }));
          m.pnr = std::move(pnr);
          return Status::Ok();
        }
        if (k == "api") {
          ApiMessage api;
          ISSA_RETURN_IF_ERROR(
              Object(v, at, "api",
                     [&](const std::string& ak, const json& av, const std::string& aat,
                         bool& aknown) -> Status {
                       if (ak == "version") return Str(av, aat, api.version);
                       if (ak == "list_type") return Str(av, aat, api.list_type);
                       if (ak == "legs") {
                         return Array(av, aat, [&](const json& x, const std::string& lp) {
                           api.legs.emplace_back();
                           return Leg(x, lp, api.legs.back());
                         });
                       }
                       if (ak == "persons") {
                         return Array(av, aat, [&](const json& x, const std::string& pp) {
                           api.persons.emplace_back();
                           return PersonOf(x, pp, api.persons.back());
                         });
                       }
                       aknown = false;
                       return Status::Ok();
                     }));
          m.api = std::move(api);
          return Status::Ok();
        }
        // The output-only members of the form are not data: ignored without counting.
        if (k == "file" || k == "status" || k == "deletions" || k == "warnings" || k == "records") {
          return Status::Ok();
        }
        known = false;
        return Status::Ok();
      });
}

}  // namespace

ParseBatch ParsePassengerJson(std::string_view ndjson) {
  ParseBatch batch;
  size_t line_no = 0;
  while (!ndjson.empty()) {
    const size_t nl = ndjson.find('\n');
    const std::string_view line = detail::TrimBlanks(ndjson.substr(0, nl));
    ndjson = nl == std::string_view::npos ? std::string_view() : ndjson.substr(nl + 1);
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const std::string path = fmt::format("line[{}]", line_no);
    ParsedMessage m;
    const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    Status st;
    if (j.is_discarded()) {
      st = InvalidArgument(fmt::format("line {} is not JSON (or not UTF-8)", line_no), path);
    } else {
      Reader reader(m.deletions);
      st = reader.Line(j, path, m);
      if (st.ok()) {
        const bool pnr = m.type == "PNRGOV" && m.pnr && !m.api;
        const bool api = m.type == "PAXLST" && m.api && !m.pnr;
        if (!pnr && !api) {
          st = InvalidArgument("needs \"type\":\"PNRGOV\" with \"pnr\" or \"PAXLST\" with \"api\"",
                               path + ".type");
        } else if (api && m.api->legs.empty()) {
          st = InvalidArgument("no flight leg", path + ".api.legs");
        }
      }
      if (st.ok() && m.api) {
        for (size_t i = 0; i < m.api->persons.size(); ++i) {
          if (m.api->persons[i].key.empty()) {
            m.api->persons[i].key = fmt::format("{}/{}", m.reference, i + 1);
          }
        }
      }
    }
    if (!st.ok()) {
      ParsedMessage bad;
      bad.reference = m.reference;
      bad.type = m.type;
      bad.status = st;
      batch.messages.push_back(std::move(bad));
      continue;
    }
    batch.messages.push_back(std::move(m));
  }
  return batch;
}

}  // namespace issa::travel
