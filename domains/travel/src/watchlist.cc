#include "issa/travel/watchlist.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "text.h"

namespace issa::travel {

namespace {
int DaysIn(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return kDays[month - 1];
}

bool Digits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}
}  // namespace

std::string FormatDate(PartialDate date) {
  if (!date.known()) return "";
  if (date.month == 0) return fmt::format("{:04}", date.year);
  if (date.day == 0) return fmt::format("{:04}-{:02}", date.year, date.month);
  return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

std::optional<PartialDate> ParseIsoDate(std::string_view text) {
  text = detail::Trim(text);
  PartialDate d;
  if (text.size() < 4 || !Digits(text.substr(0, 4), 4)) return std::nullopt;
  const int year = ToInt(text.substr(0, 4));
  if (year < 1800 || year > 2200) return std::nullopt;
  d.year = static_cast<uint16_t>(year);
  if (text.size() == 4) return d;
  if (text.size() < 7 || text[4] != '-' || !Digits(text.substr(5, 2), 2)) return std::nullopt;
  const int month = ToInt(text.substr(5, 2));
  if (month < 1 || month > 12) return std::nullopt;
  d.month = static_cast<uint8_t>(month);
  if (text.size() == 7) return d;
  if (text.size() < 10 || text[7] != '-' || !Digits(text.substr(8, 2), 2)) return std::nullopt;
  const int day = ToInt(text.substr(8, 2));
  if (day < 1 || day > DaysIn(year, month)) return std::nullopt;
  d.day = static_cast<uint8_t>(day);
  // A time may follow ("1970-01-02T00:00:00"); anything else is malformed.
  if (text.size() > 10 && text[10] != 'T' && text[10] != ' ') return std::nullopt;
  return d;
}

std::string_view EntryKindName(EntryKind kind) {
  switch (kind) {
    case EntryKind::kPerson:
      return "person";
    case EntryKind::kOrganisation:
      return "organisation";
    case EntryKind::kVessel:
      return "vessel";
    case EntryKind::kAircraft:
      return "aircraft";
    case EntryKind::kDocument:
      return "document";
  }
  return "person";
}

std::string_view NameRoleName(NameRole role) {
  switch (role) {
    case NameRole::kPrimary:
      return "primary";
    case NameRole::kStrongAlias:
      return "alias";
    case NameRole::kWeakAlias:
      return "weak_alias";
  }
  return "primary";
}

namespace {
constexpr std::pair<AlertCategory, std::string_view> kCategories[] = {
    {AlertCategory::kArrest, "arrest"},
    {AlertCategory::kMissingPerson, "missing-person"},
    {AlertCategory::kDiscreetCheck, "discreet-check"},
    {AlertCategory::kSpecificCheck, "specific-check"},
    {AlertCategory::kRefusalOfEntry, "refusal-of-entry"},
    {AlertCategory::kStolenDocument, "stolen-document"},
    {AlertCategory::kInvalidDocument, "invalid-document"},
};
}  // namespace

std::string_view AlertCategoryName(AlertCategory category) {
  for (const auto& [c, name] : kCategories) {
    if (c == category) return name;
  }
  return "specific-check";
}

std::optional<AlertCategory> ParseAlertCategory(std::string_view text) {
  for (const auto& [c, name] : kCategories) {
    if (name == text) return c;
  }
  return std::nullopt;
}

const std::string& WatchlistEntry::primary_name() const {
  static const std::string kEmpty;
  return names.empty() ? kEmpty : names.front().text;
}

std::string ParseIssue::ToString() const {
  std::string out = file;
  if (line != 0) out += fmt::format(":{}", line);
  if (!element.empty()) out += fmt::format(": {}", element);
  if (!field.empty()) out += fmt::format(": field {}", field);
  out += ": " + message;
  return out;
}

ListDelta Diff(const Watchlist& before, const Watchlist& after) {
  ListDelta delta;
  std::map<std::string_view, const WatchlistEntry*> old_by_id;
  for (const WatchlistEntry& e : before.entries) old_by_id[e.id] = &e;
  std::map<std::string_view, const WatchlistEntry*> new_by_id;
  for (const WatchlistEntry& e : after.entries) new_by_id[e.id] = &e;
  for (const auto& [id, e] : new_by_id) {
    const auto it = old_by_id.find(id);
    if (it == old_by_id.end()) {
      delta.added.emplace_back(id);
      continue;
    }
    const WatchlistEntry& o = *it->second;
    EntryChange change{std::string(id), {}};
    auto check = [&](bool differ, const char* field) {
      if (differ) change.fields.emplace_back(field);
    };
    check(o.kind != e->kind, "kind");
    check(o.names != e->names, "names");
    check(o.birth_dates != e->birth_dates, "birth_dates");
    check(o.nationalities != e->nationalities, "nationalities");
    check(o.gender != e->gender, "gender");
    check(o.documents != e->documents, "documents");
    check(o.imo != e->imo, "imo");
    check(o.mmsi != e->mmsi, "mmsi");
    check(o.call_sign != e->call_sign, "call_sign");
    check(o.aircraft_registration != e->aircraft_registration, "aircraft_registration");
    check(o.programmes != e->programmes, "programmes");
    check(o.birth_place != e->birth_place, "birth_place");
    check(o.remarks != e->remarks, "remarks");
    check(o.alert != e->alert, "alert");
    if (!change.fields.empty()) delta.changed.push_back(std::move(change));
  }
  for (const auto& [id, e] : old_by_id) {
    if (new_by_id.find(id) == new_by_id.end()) delta.removed.emplace_back(id);
  }
  return delta;
}

namespace {
std::string Clip(std::string s, size_t n) {
  if (s.size() <= n) return s;
  s.resize(n);
  // Do not cut a UTF-8 sequence.
  while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
  if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
  return s;
}

std::string Provenance(const WatchlistEntry& e) {
  std::string notes = fmt::format("list {} entry {}", e.list, e.id);
  if (!e.programmes.empty()) notes += fmt::format("; programmes {}", fmt::join(e.programmes, ", "));
  if (e.alert) {
    notes +=
        fmt::format("; alert {}; action: {}; issued by {}", AlertCategoryName(e.alert->category),
                    e.alert->action, e.alert->issuing_authority);
    if (e.alert->expiry.known()) notes += "; expires " + FormatDate(e.alert->expiry);
  }
  if (e.birth_dates.size() > 1) {
    std::vector<std::string> dates;
    for (const PartialDate& d : e.birth_dates) dates.push_back(FormatDate(d));
    notes += fmt::format("; dates of birth {}", fmt::join(dates, ", "));
  }
  if (e.nationalities.size() > 1) {
    notes += fmt::format("; nationalities {}", fmt::join(e.nationalities, ", "));
  }
  if (!e.remarks.empty()) notes += "; " + e.remarks;
  return Clip(notes, 10000);
}
}  // namespace

core::Record ToRecord(const WatchlistEntry& e) {
  core::Record r;
  nlohmann::json p = nlohmann::json::object();
  const std::string name = Clip(e.primary_name(), 300);
  auto aliases = [&]() {
    nlohmann::json a = nlohmann::json::array();
    for (size_t i = 1; i < e.names.size() && a.size() < 50; ++i) {
      a.push_back(Clip(e.names[i].text, 300));
    }
    return a;
  };
  switch (e.kind) {
    case EntryKind::kPerson: {
      r.type = "Person";
      p["name"] = name;
      if (e.names.size() > 1) p["aliases"] = aliases();
      if (!e.birth_dates.empty()) p["birth_date"] = FormatDate(e.birth_dates.front());
      if (e.birth_dates.size() > 1) {
        nlohmann::json dates = nlohmann::json::array();
        for (size_t i = 1; i < e.birth_dates.size() && dates.size() < 20; ++i) {
          dates.push_back(FormatDate(e.birth_dates[i]));
        }
        p["birth_dates"] = dates;
      }
      if (!e.birth_place.empty()) p["birth_place"] = Clip(e.birth_place, 200);
      if (!e.nationalities.empty()) p["nationality"] = e.nationalities.front();
      if (!e.gender.empty()) p["gender"] = e.gender;
      nlohmann::json docs = nlohmann::json::array();
      for (const EntryDocument& d : e.documents) {
        if (!d.normalised.empty() && docs.size() < 20) docs.push_back(Clip(d.normalised, 64));
      }
      if (!docs.empty()) p["document_numbers"] = docs;
      break;
    }
    case EntryKind::kOrganisation:
      r.type = "Organisation";
      p["name"] = name;
      if (e.names.size() > 1) p["aliases"] = aliases();
      if (!e.nationalities.empty()) p["country"] = e.nationalities.front();
      break;
    case EntryKind::kVessel:
      r.type = "Vessel";
      p["name"] = name;
      if (!e.imo.empty()) p["imo"] = e.imo;
      if (!e.mmsi.empty()) p["mmsi"] = e.mmsi;
      if (!e.call_sign.empty()) p["call_sign"] = Clip(e.call_sign, 12);
      break;
    case EntryKind::kAircraft:
      r.type = "Aircraft";
      p["registration"] =
          Clip(e.aircraft_registration.empty() ? name : e.aircraft_registration, 12);
      break;
    case EntryKind::kDocument: {
      r.type = "Document";
      const EntryDocument* d = e.documents.empty() ? nullptr : &e.documents.front();
      if (d != nullptr) {
        p["number"] = Clip(d->number, 64);
        if (!d->country.empty()) p["issuing_country"] = d->country;
        static constexpr std::string_view kTypes[] = {"passport", "id-card", "visa",
                                                      "residence-permit", "driving-licence"};
        const bool known =
            std::find(std::begin(kTypes), std::end(kTypes), d->type) != std::end(kTypes);
        p["document_type"] = known ? d->type : (d->type == "national_id" ? "id-card" : "other");
      }
      if (e.alert && e.alert->category == AlertCategory::kStolenDocument) p["status"] = "stolen";
      if (e.alert && e.alert->category == AlertCategory::kInvalidDocument) p["status"] = "invalid";
      if (!name.empty()) p["holder_name"] = name;
      if (!e.birth_dates.empty()) p["holder_birth_date"] = FormatDate(e.birth_dates.front());
      if (e.alert && e.alert->expiry.day != 0) p["expiry_date"] = FormatDate(e.alert->expiry);
      p["source"] = "alert";
      break;
    }
  }
  p["notes"] = Provenance(e);
  r.properties_json = p.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace issa::travel
