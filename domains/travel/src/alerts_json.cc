// Native SIS II-style alert file (docs/travel.md "Alert JSON"): alerts on persons (arrest,
// missing person, discreet/specific check, refusal of entry) and on documents (stolen, invalid).
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/travel/watchlist.h"

#include "text.h"

namespace issa::travel {
namespace {

using Json = nlohmann::json;

// Field error inside one alert: the alert is dropped and reported.
struct AlertError {
  std::string field;
  std::string message;
};

const Json* Member(const Json& obj, const char* key) {
  const auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

std::optional<AlertError> String(const Json& obj, const char* key, const std::string& path,
                                 bool required, std::string& out) {
  const Json* v = Member(obj, key);
  if (v == nullptr) {
    if (required) return AlertError{path + key, "missing"};
    return std::nullopt;
  }
  if (!v->is_string()) return AlertError{path + key, "must be a string"};
  out = std::string(detail::Trim(v->get_ref<const std::string&>()));
  if (required && out.empty()) return AlertError{path + key, "empty"};
  if (!detail::ValidUtf8(out)) return AlertError{path + key, "invalid UTF-8"};
  return std::nullopt;
}

std::optional<AlertError> Strings(const Json& obj, const char* key, const std::string& path,
                                  std::vector<std::string>& out) {
  const Json* v = Member(obj, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array()) return AlertError{path + key, "must be an array of strings"};
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& s = (*v)[i];
    if (!s.is_string())
      return AlertError{fmt::format("{}{}[{}]", path, key, i), "must be a string"};
    const std::string text(detail::Trim(s.get_ref<const std::string&>()));
    if (text.empty()) return AlertError{fmt::format("{}{}[{}]", path, key, i), "empty"};
    if (!detail::ValidUtf8(text))
      return AlertError{fmt::format("{}{}[{}]", path, key, i), "invalid UTF-8"};
    out.push_back(text);
  }
  return std::nullopt;
}

std::optional<AlertError> Document(const Json& d, const std::string& path, EntryDocument& out) {
  if (!d.is_object()) return AlertError{path, "must be an object"};
  if (auto e = String(d, "type", path + ".", false, out.type)) return e;
  if (out.type.empty()) out.type = "passport";
  if (auto e = String(d, "number", path + ".", true, out.number)) return e;
  out.normalised = detail::NormaliseDocumentNumber(out.number);
  if (out.normalised.empty()) return AlertError{path + ".number", "has no letters or digits"};
  std::string country;
  if (auto e = String(d, "country", path + ".", false, country)) return e;
  if (!country.empty()) {
    out.country = CountryCode(country);
    if (out.country.empty())
      return AlertError{path + ".country", "unknown country '" + country + "'"};
  }
  return std::nullopt;
}

std::optional<AlertError> Dates(const Json& obj, const char* key, const std::string& path,
                                std::vector<PartialDate>& out) {
  std::vector<std::string> texts;
  if (auto e = Strings(obj, key, path, texts)) return e;
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto d = ParseIsoDate(texts[i]);
    if (!d)
      return AlertError{fmt::format("{}{}[{}]", path, key, i),
                        "not a date (YYYY, YYYY-MM or YYYY-MM-DD)"};
    out.push_back(*d);
  }
  return std::nullopt;
}

std::optional<AlertError> ReadAlert(const Json& a, const std::string& default_authority,
                                    WatchlistEntry& e) {
  if (!a.is_object()) return AlertError{"", "must be an object"};
  if (auto err = String(a, "id", "", true, e.id)) return err;
  std::string category;
  if (auto err = String(a, "category", "", true, category)) return err;
  AlertDetails alert;
  const auto c = ParseAlertCategory(category);
  if (!c) {
    return AlertError{"category", fmt::format("unknown category '{}' (arrest, missing-person, "
                                              "discreet-check, specific-check, refusal-of-entry, "
                                              "stolen-document, invalid-document)",
                                              category.substr(0, 40))};
  }
  alert.category = *c;
  if (auto err = String(a, "action", "", true, alert.action)) return err;
  if (auto err = String(a, "issuing_authority", "", false, alert.issuing_authority)) return err;
  if (alert.issuing_authority.empty()) alert.issuing_authority = default_authority;
  if (alert.issuing_authority.empty()) return AlertError{"issuing_authority", "missing"};
  std::string expiry;
  if (auto err = String(a, "expiry", "", false, expiry)) return err;
  if (!expiry.empty()) {
    const auto d = ParseIsoDate(expiry);
    if (!d || d->day == 0) return AlertError{"expiry", "not a date (YYYY-MM-DD)"};
    alert.expiry = *d;
  }
  const bool on_document = alert.category == AlertCategory::kStolenDocument ||
                           alert.category == AlertCategory::kInvalidDocument;
  if (on_document) {
    e.kind = EntryKind::kDocument;
    const Json* d = Member(a, "document");
    if (d == nullptr) return AlertError{"document", "missing (required for a document alert)"};
    EntryDocument doc;
    if (auto err = Document(*d, "document", doc)) return err;
    e.documents.push_back(std::move(doc));
    std::string holder;
    if (auto err = String(*d, "holder_name", "document.", false, holder)) return err;
    if (!holder.empty())
      e.names.push_back({holder, NameRole::kPrimary, detail::ScriptOf(holder), false, false});
    if (auto err = Dates(*d, "holder_birth_dates", "document.", e.birth_dates)) return err;
  } else {
    e.kind = EntryKind::kPerson;
    const Json* p = Member(a, "person");
    if (p == nullptr) return AlertError{"person", "missing (required for an alert on a person)"};
    if (!p->is_object()) return AlertError{"person", "must be an object"};
    std::vector<std::string> names;
    if (auto err = Strings(*p, "names", "person.", names)) return err;
    if (names.empty()) return AlertError{"person.names", "missing or empty"};
    for (size_t i = 0; i < names.size(); ++i) {
      e.names.push_back({names[i], i == 0 ? NameRole::kPrimary : NameRole::kStrongAlias,
                         detail::ScriptOf(names[i]), false, false});
    }
    std::vector<std::string> weak;
    if (auto err = Strings(*p, "weak_aliases", "person.", weak)) return err;
    for (std::string& n : weak) {
      e.names.push_back({n, NameRole::kWeakAlias, detail::ScriptOf(n), false, false});
    }
    if (auto err = Dates(*p, "birth_dates", "person.", e.birth_dates)) return err;
    std::vector<std::string> nationalities;
    if (auto err = Strings(*p, "nationalities", "person.", nationalities)) return err;
    for (size_t i = 0; i < nationalities.size(); ++i) {
      const std::string code = CountryCode(nationalities[i]);
      if (code.empty())
        return AlertError{fmt::format("person.nationalities[{}]", i), "unknown country"};
      detail::AddUnique(e.nationalities, code);
    }
    std::string gender;
    if (auto err = String(*p, "gender", "person.", false, gender)) return err;
    if (!gender.empty() && gender != "male" && gender != "female") {
      return AlertError{"person.gender", "must be male or female"};
    }
    e.gender = gender;
    if (const Json* docs = Member(*p, "documents")) {
      if (!docs->is_array()) return AlertError{"person.documents", "must be an array"};
      for (size_t i = 0; i < docs->size(); ++i) {
        EntryDocument doc;
        if (auto err = Document((*docs)[i], fmt::format("person.documents[{}]", i), doc))
          return err;
        e.documents.push_back(std::move(doc));
      }
    }
  }
  if (auto err = String(a, "remarks", "", false, e.remarks)) return err;
  e.alert = alert;
  return std::nullopt;
}

}  // namespace

Result<Watchlist> ParseAlertsJson(std::string_view json, std::string_view file_name) {
  Json doc;
  try {
    doc = Json::parse(json.begin(), json.end());
  } catch (const Json::parse_error& e) {
    return InvalidArgument(
        fmt::format("{}: malformed JSON at byte {}: {}", file_name, e.byte, e.what()));
  }
  if (!doc.is_object()) return InvalidArgument(fmt::format("{}: not a JSON object", file_name));
  Watchlist list;
  list.format = "alerts-json";
  list.source = std::string(file_name);
  std::string format;
  if (auto e = String(doc, "format", "", true, format)) {
    return InvalidArgument(fmt::format("{}: field {}: {}", file_name, e->field, e->message));
  }
  if (format != "issa-alerts/1") {
    return InvalidArgument(fmt::format("{}: field format: '{}' is not issa-alerts/1", file_name,
                                       format.substr(0, 40)));
  }
  if (auto e = String(doc, "list", "", true, list.id)) {
    return InvalidArgument(fmt::format("{}: field {}: {}", file_name, e->field, e->message));
  }
  std::string authority;
  if (auto e = String(doc, "issuing_authority", "", false, authority)) {
    return InvalidArgument(fmt::format("{}: field {}: {}", file_name, e->field, e->message));
  }
  const Json* alerts = Member(doc, "alerts");
  if (alerts == nullptr || !alerts->is_array()) {
    return InvalidArgument(fmt::format("{}: field alerts: missing or not an array", file_name));
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < alerts->size(); ++i) {
    WatchlistEntry e;
    e.list = list.id;
    const std::string element = fmt::format("alerts[{}]", i);
    auto error = ReadAlert((*alerts)[i], authority, e);
    if (!error && !seen.insert(e.id).second)
      error = AlertError{"id", "duplicate id '" + e.id + "'"};
    if (error) {
      list.issues.push_back({std::string(file_name), 0, element, error->field, error->message});
      ++list.rejected;
      continue;
    }
    list.entries.push_back(std::move(e));
  }
  return list;
}

}  // namespace issa::travel
