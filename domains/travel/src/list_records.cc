#include "issa/travel/list_records.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace issa::travel {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* field) {
  const auto it = j.find(field);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string Normalised(std::string_view number) {
  std::string out;
  for (const char c : number) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) out += static_cast<char>(std::toupper(u));
  }
  return out;
}

void AddName(WatchlistEntry& e, std::string text, NameRole role) {
  if (text.empty()) return;
  for (const auto& n : e.names) {
    if (n.text == text) return;
  }
  EntryName n;
  n.text = std::move(text);
  n.role = role;
  e.names.push_back(std::move(n));
}

void AddDate(WatchlistEntry& e, const std::string& text) {
  if (const auto d = ParseIsoDate(text); d && d->known()) {
    if (std::find(e.birth_dates.begin(), e.birth_dates.end(), *d) == e.birth_dates.end())
      e.birth_dates.push_back(*d);
  }
}

// The value after "<label>" up to the next "; " in the notes ("" when absent).
std::string NoteValue(std::string_view notes, std::string_view label) {
  size_t at = notes.find(label);
  while (at != std::string_view::npos && (at < 2 || notes.substr(at - 2, 2) != "; ")) {
    at = notes.find(label, at + 1);
  }
  if (at == std::string_view::npos) return {};
  std::string_view rest = notes.substr(at + label.size());
  return std::string(rest.substr(0, rest.find("; ")));
}

void ReadAlert(WatchlistEntry& e, std::string_view notes) {
  const std::string category = NoteValue(notes, "alert ");
  if (category.empty()) return;
  const auto c = ParseAlertCategory(category);
  if (!c) return;
  AlertDetails a;
  a.category = *c;
  a.action = NoteValue(notes, "action: ");
  a.issuing_authority = NoteValue(notes, "issued by ");
  if (const auto d = ParseIsoDate(NoteValue(notes, "expires "))) a.expiry = *d;
  e.alert = std::move(a);
}

}  // namespace

std::optional<ListProvenance> ParseListProvenance(std::string_view notes) {
  constexpr std::string_view kList = "list ";
  constexpr std::string_view kEntry = " entry ";
  if (notes.substr(0, kList.size()) != kList) return std::nullopt;
  const size_t entry = notes.find(kEntry, kList.size());
  if (entry == std::string_view::npos) return std::nullopt;
  ListProvenance p;
  p.list = std::string(notes.substr(kList.size(), entry - kList.size()));
  std::string_view id = notes.substr(entry + kEntry.size());
  id = id.substr(0, id.find(';'));
  p.entry_id = std::string(id);
  if (p.list.empty() || p.entry_id.empty() || p.list.find(' ') != std::string::npos) {
    return std::nullopt;
  }
  return p;
}

std::optional<WatchlistEntry> EntryFromRecord(const core::Record& record) {
  const json p = json::parse(record.properties_json, nullptr, false);
  if (!p.is_object()) return std::nullopt;
  const std::string notes = Str(p, "notes");
  const auto provenance = ParseListProvenance(notes);
  if (!provenance) return std::nullopt;
  WatchlistEntry e;
  e.list = provenance->list;
  e.id = provenance->entry_id;
  const auto aliases = [&]() {
    if (p.contains("aliases") && p["aliases"].is_array()) {
      for (const auto& a : p["aliases"]) {
        if (a.is_string()) AddName(e, a.get<std::string>(), NameRole::kStrongAlias);
      }
    }
  };
  if (record.type == "Person") {
    e.kind = EntryKind::kPerson;
    AddName(e, Str(p, "name"), NameRole::kPrimary);
    aliases();
    AddDate(e, Str(p, "birth_date"));
    if (p.contains("birth_dates") && p["birth_dates"].is_array()) {
      for (const auto& d : p["birth_dates"]) {
        if (d.is_string()) AddDate(e, d.get<std::string>());
      }
    }
    if (const std::string n = Str(p, "nationality"); !n.empty()) e.nationalities.push_back(n);
    e.gender = Str(p, "gender");
    if (p.contains("document_numbers") && p["document_numbers"].is_array()) {
      for (const auto& d : p["document_numbers"]) {
        if (!d.is_string()) continue;
        EntryDocument doc;
        doc.type = "other";
        doc.number = d.get<std::string>();
        doc.normalised = Normalised(doc.number);
        if (!doc.normalised.empty()) e.documents.push_back(std::move(doc));
      }
    }
    e.birth_place = Str(p, "birth_place");
  } else if (record.type == "Organisation") {
    e.kind = EntryKind::kOrganisation;
    AddName(e, Str(p, "name"), NameRole::kPrimary);
    aliases();
    if (const std::string c = Str(p, "country"); !c.empty()) e.nationalities.push_back(c);
  } else if (record.type == "Vessel") {
    e.kind = EntryKind::kVessel;
    AddName(e, Str(p, "name"), NameRole::kPrimary);
    e.imo = Str(p, "imo");
    e.mmsi = Str(p, "mmsi");
    e.call_sign = Str(p, "call_sign");
  } else if (record.type == "Aircraft") {
    e.kind = EntryKind::kAircraft;
    e.aircraft_registration = Str(p, "registration");
    AddName(e, e.aircraft_registration, NameRole::kPrimary);
  } else if (record.type == "Document") {
    e.kind = EntryKind::kDocument;
    EntryDocument doc;
    doc.type = Str(p, "document_type");
    doc.number = Str(p, "number");
    doc.normalised = Normalised(doc.number);
    doc.country = Str(p, "issuing_country");
    if (!doc.normalised.empty()) e.documents.push_back(std::move(doc));
    AddName(e, Str(p, "holder_name"), NameRole::kPrimary);
    AddDate(e, Str(p, "holder_birth_date"));
  } else {
    return std::nullopt;
  }
  ReadAlert(e, notes);
  // Further dates of birth and nationalities ToRecord keeps in the notes.
  const auto each = [](const std::string& text, auto add) {
    size_t from = 0;
    while (from < text.size()) {
      size_t comma = text.find(", ", from);
      if (comma == std::string::npos) comma = text.size();
      add(text.substr(from, comma - from));
      from = comma + 2;
    }
  };
  each(NoteValue(notes, "dates of birth "), [&](const std::string& d) { AddDate(e, d); });
  each(NoteValue(notes, "nationalities "), [&](const std::string& n) {
    if (n.size() == 2 &&
        std::find(e.nationalities.begin(), e.nationalities.end(), n) == e.nationalities.end()) {
      e.nationalities.push_back(n);
    }
  });
  if (e.names.empty() && e.documents.empty()) return std::nullopt;
  return e;
}

}  // namespace issa::travel
