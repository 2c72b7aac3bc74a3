// Country names and codes to ISO 3166-1 alpha-2, from ICU's region data (English display names
// and alpha-3 codes) plus the UN and OFAC spellings ICU does not know.
#include <cctype>
#include <string>
#include <string_view>
#include <unordered_map>

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include "issa/travel/watchlist.h"

namespace issa::travel {
namespace {

// Lower-case letters only, words separated by one space; "(...)" dropped; "Korea, North" ->
// "north korea".
std::string Key(std::string_view text) {
  std::string head;
  std::string tail;
  std::string* out = &head;
  int depth = 0;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) {
      --depth;
      continue;
    }
    if (depth > 0) continue;
    if (c == ',' && out == &head) {
      out = &tail;
      continue;
    }
    if (std::isalpha(u)) {
      out->push_back(static_cast<char>(std::tolower(u)));
    } else if ((c == ' ' || c == '-' || c == '\'') && !out->empty() && out->back() != ' ') {
      out->push_back(' ');
    } else if (u >= 0x80) {
      out->push_back(static_cast<char>(u));
    }
  }
  auto trim = [](std::string& s) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  };
  trim(head);
  trim(tail);
  if (tail.empty()) return head;
  return tail + " " + head;
}

class CountryTable {
 public:
  CountryTable() {
    for (const char* const* c = icu::Locale::getISOCountries(); *c != nullptr; ++c) {
      const std::string a2 = *c;
      const icu::Locale locale("", *c);
      icu::UnicodeString display;
      locale.getDisplayCountry(icu::Locale::getEnglish(), display);
      std::string name;
      display.toUTF8String(name);
      by_name_.emplace(Key(name), a2);
      const std::string a3 = locale.getISO3Country();
      if (!a3.empty()) by_code_.emplace(a3, a2);
      by_code_.emplace(a2, a2);
    }
    static constexpr std::pair<const char*, const char*> kExtra[] = {
        {"Iran", "IR"},
        {"Russian Federation", "RU"},
        {"Syrian Arab Republic", "SY"},
        {"Syria", "SY"},
        {"Democratic People's Republic of Korea", "KP"},
        {"Korea, North", "KP"},
        {"North Korea", "KP"},
        {"Republic of Korea", "KR"},
        {"Korea, South", "KR"},
        {"United Republic of Tanzania", "TZ"},
        {"Viet Nam", "VN"},
        {"Lao People's Democratic Republic", "LA"},
        {"Republic of Moldova", "MD"},
        {"Turkey", "TR"},
        {"Türkiye", "TR"},
        {"Democratic Republic of the Congo", "CD"},
        {"Congo, Democratic Republic of the", "CD"},
        {"Republic of the Congo", "CG"},
        {"Congo", "CG"},
        {"United Kingdom of Great Britain and Northern Ireland", "GB"},
        {"United Kingdom", "GB"},
        {"United States of America", "US"},
        {"United States", "US"},
        {"State of Palestine", "PS"},
        {"Palestinian", "PS"},
        {"Palestinian Territories", "PS"},
        {"West Bank", "PS"},
        {"Gaza", "PS"},
        {"Burma", "MM"},
        {"Myanmar", "MM"},
        {"Libyan Arab Jamahiriya", "LY"},
        {"Cote d'Ivoire", "CI"},
        {"Côte d'Ivoire", "CI"},
        {"Ivory Coast", "CI"},
        {"Czech Republic", "CZ"},
        {"Macedonia", "MK"},
        {"The Former Yugoslav Republic of Macedonia", "MK"},
        {"Swaziland", "SZ"},
        {"Cape Verde", "CV"},
        {"Brunei Darussalam", "BN"},
        {"Bosnia and Herzegovina", "BA"},
        {"Micronesia", "FM"},
        {"Hong Kong", "HK"},
        {"Macau", "MO"},
        {"Macao", "MO"},
        {"Kosovo", "XK"},
        {"Gambia", "GM"},
        {"The Gambia", "GM"},
        {"Bahamas", "BS"},
        {"The Bahamas", "BS"},
        {"Saint Kitts and Nevis", "KN"},
        {"Saint Vincent and the Grenadines", "VC"},
        {"Sao Tome and Principe", "ST"},
        {"Timor-Leste", "TL"},
        {"East Timor", "TL"},
        {"Vatican", "VA"},
        {"Holy See", "VA"},
        {"Taiwan", "TW"},
        {"Soviet Union", ""},
        {"Yemen", "YE"},
        {"Sudan", "SD"},
        {"South Sudan", "SS"},
        {"Netherlands", "NL"},
        {"Netherlands Antilles", "AN"},
        {"Curacao", "CW"},
        {"Curaçao", "CW"},
        {"Sint Maarten", "SX"},
        {"Bolivia", "BO"},
        {"Venezuela", "VE"},
        {"Tanzania", "TZ"},
        {"Moldova", "MD"},
        {"Laos", "LA"},
        {"Vietnam", "VN"},
        {"Russia", "RU"},
        {"Iraq", "IQ"},
    };
    for (const auto& [name, code] : kExtra) by_name_[Key(name)] = code;
    // Demonyms that appear as nationalities in OFAC remarks.
    static constexpr std::pair<const char*, const char*> kDemonyms[] = {
        {"Afghan", "AF"},    {"Iranian", "IR"},   {"Iraqi", "IQ"},     {"Syrian", "SY"},
        {"Russian", "RU"},   {"Ukrainian", "UA"}, {"Yemeni", "YE"},    {"Saudi", "SA"},
        {"Pakistani", "PK"}, {"Egyptian", "EG"},  {"Libyan", "LY"},    {"Somali", "SO"},
        {"Sudanese", "SD"},  {"Lebanese", "LB"},  {"Jordanian", "JO"}, {"Kuwaiti", "KW"},
        {"Qatari", "QA"},    {"Turkish", "TR"},   {"Chinese", "CN"},   {"Venezuelan", "VE"},
        {"Colombian", "CO"}, {"Mexican", "MX"},   {"Cuban", "CU"},     {"British", "GB"},
        {"American", "US"},  {"French", "FR"},    {"German", "DE"},    {"Belarusian", "BY"},
    };
    for (const auto& [name, code] : kDemonyms) by_name_.emplace(Key(name), code);
  }

  std::string Find(std::string_view text) const {
    std::string trimmed;
    for (char c : text) {
      if (c != ' ' || !trimmed.empty()) trimmed.push_back(c);
    }
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '.')) trimmed.pop_back();
    if (trimmed.size() == 2 || trimmed.size() == 3) {
      std::string upper;
      bool letters = true;
      for (char c : trimmed) {
        letters = letters && std::isalpha(static_cast<unsigned char>(c));
        upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      }
      if (letters) {
        const auto it = by_code_.find(upper);
        if (it != by_code_.end()) return it->second;
      }
    }
    const std::string key = Key(trimmed);
    auto it = by_name_.find(key);
    if (it != by_name_.end()) return it->second;
    // "the Netherlands", "the Philippines".
    if (key.rfind("the ", 0) == 0) {
      it = by_name_.find(key.substr(4));
      if (it != by_name_.end()) return it->second;
    }
    return "";
  }

 private:
  std::unordered_map<std::string, std::string> by_name_;
  std::unordered_map<std::string, std::string> by_code_;
};

}  // namespace

std::string CountryCode(std::string_view text) {
  static const CountryTable table;
  return table.Find(text);
}

}  // namespace issa::travel
