#include "ofac_remarks.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "issa/matching/identifiers.h"

#include "text.h"

namespace issa::travel::detail {
namespace {

int MonthOf(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (word.size() < 3) return 0;
  const std::string w = Lower(word.substr(0, 3));
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == w) return static_cast<int>(i) + 1;
  }
  return 0;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// One date: "10 Dec 1948", "Dec 1948", "1948".
std::optional<PartialDate> OneDate(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  if (words.empty() || words.size() > 3) return std::nullopt;
  const std::string_view year_text = words.back();
  if (year_text.size() != 4 || !AllDigits(year_text)) return std::nullopt;
  std::string iso(year_text);
  if (words.size() >= 2) {
    const int month = MonthOf(words[words.size() - 2]);
    if (month == 0) return std::nullopt;
    iso += (month < 10 ? "-0" : "-") + std::to_string(month);
    if (words.size() == 3) {
      if (!AllDigits(words[0]) || words[0].size() > 2) return std::nullopt;
      iso += (words[0].size() == 1 ? "-0" : "-") + std::string(words[0]);
    }
  }
  return ParseIsoDate(iso);
}

// "484824 (Egypt) issued 18 Jan 1984" -> "EG" (the first parenthesised country); strips it and
// what follows from `text`.
std::string TrailingCountry(std::string_view& text) {
  text = Trim(text);
  const size_t open = text.find('(');
  if (open == std::string_view::npos) return "";
  const size_t close = text.find(')', open);
  if (close == std::string_view::npos) return "";
  const std::string code = CountryCode(text.substr(open + 1, close - open - 1));
  text = Trim(text.substr(0, open));
  return code;
}

void AddDocument(WatchlistEntry& e, std::string type, std::string_view rest) {
  std::string country = TrailingCountry(rest);
  // "1084010 issued 12 Jan 2000 expires ..." -> the number is the first word.
  const size_t space = rest.find(' ');
  const std::string_view number =
      Trim(space == std::string_view::npos ? rest : rest.substr(0, space));
  const std::string normalised = NormaliseDocumentNumber(number);
  if (normalised.empty()) return;
  for (const EntryDocument& d : e.documents) {
    if (d.normalised == normalised && d.type == type) return;
  }
  e.documents.push_back({std::move(type), std::string(number), normalised, std::move(country)});
}

}  // namespace

std::vector<PartialDate> ParseOfacDates(std::string_view text) {
  text = Trim(text);
  if (StartsWithNoCase(text, "circa ")) text = Trim(text.substr(6));
  std::vector<PartialDate> out;
  const size_t to = text.find(" to ");
  if (to != std::string_view::npos) {
    const auto from = OneDate(Trim(text.substr(0, to)));
    const auto until = OneDate(Trim(text.substr(to + 4)));
    if (!from || !until || until->year < from->year || until->year - from->year > 12) return out;
    for (int y = from->year; y <= until->year; ++y) {
      out.push_back(PartialDate{static_cast<uint16_t>(y), 0, 0});
    }
    return out;
  }
  if (const auto d = OneDate(text)) out.push_back(*d);
  return out;
}

void ApplyOfacRemarks(WatchlistEntry& e) {
  const std::string remarks = e.remarks;
  size_t start = 0;
  while (start < remarks.size()) {
    // Items are separated by "; " outside quotes.
    size_t end = start;
    bool quoted = false;
    while (end < remarks.size() && (quoted || remarks[end] != ';')) {
      if (remarks[end] == '\'' && (end == start || remarks[end - 1] == ' ' || quoted)) {
        quoted = !quoted && remarks.find('\'', end + 1) != std::string::npos;
      }
      ++end;
    }
    std::string_view item = Trim(std::string_view(remarks).substr(start, end - start));
    start = end + 1;
    if (!item.empty() && item.back() == '.' && end >= remarks.size()) item.remove_suffix(1);
    if (StartsWithNoCase(item, "alt. ")) item = Trim(item.substr(5));
    if (StartsWithNoCase(item, "DOB ")) {
      for (const PartialDate& d : ParseOfacDates(item.substr(4))) {
        if (std::find(e.birth_dates.begin(), e.birth_dates.end(), d) == e.birth_dates.end()) {
          e.birth_dates.push_back(d);
        }
      }
    } else if (StartsWithNoCase(item, "POB ")) {
      if (e.birth_place.empty()) e.birth_place = std::string(Trim(item.substr(4)));
    } else if (StartsWithNoCase(item, "nationality ")) {
      AddUnique(e.nationalities, CountryCode(item.substr(12)));
    } else if (StartsWithNoCase(item, "citizen ")) {
      AddUnique(e.nationalities, CountryCode(item.substr(8)));
    } else if (StartsWithNoCase(item, "Gender ")) {
      const std::string g = Lower(Trim(item.substr(7)));
      if (g == "male" || g == "female") e.gender = g;
    } else if (StartsWithNoCase(item, "Passport ")) {
      AddDocument(e, "passport", item.substr(9));
    } else if (StartsWithNoCase(item, "Diplomatic Passport ")) {
      AddDocument(e, "passport", item.substr(20));
    } else if (StartsWithNoCase(item, "National ID No. ")) {
      AddDocument(e, "national_id", item.substr(16));
    } else if (StartsWithNoCase(item, "Cedula No. ")) {
      AddDocument(e, "national_id", item.substr(11));
    } else if (StartsWithNoCase(item, "Identification Number ")) {
      AddDocument(e, "national_id", item.substr(22));
    } else if (StartsWithNoCase(item, "Vessel Registration Identification IMO ")) {
      const std::string imo = matching::NormaliseImo(item.substr(39));
      if (!imo.empty()) e.imo = imo;
    } else if (StartsWithNoCase(item, "MMSI ")) {
      const std::string mmsi = matching::NormaliseMmsi(item.substr(5));
      if (!mmsi.empty()) e.mmsi = mmsi;
    } else if (StartsWithNoCase(item, "a.k.a. ") || StartsWithNoCase(item, "f.k.a. ")) {
      std::string_view alias = Trim(item.substr(7));
      if (alias.size() >= 2 && alias.front() == '\'' && alias.back() == '\'') {
        alias = Trim(alias.substr(1, alias.size() - 2));
      }
      if (alias.empty()) continue;
      bool known = false;
      for (const EntryName& n : e.names) known = known || Lower(n.text) == Lower(alias);
      if (!known) {
        e.names.push_back({std::string(alias), NameRole::kWeakAlias, "Latin", false,
                           StartsWithNoCase(item, "f.k.a.")});
      }
    }
  }
}

}  // namespace issa::travel::detail
