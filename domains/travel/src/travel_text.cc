#include "travel_text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include <fmt/format.h>

#include "travel_dates.h"

namespace issa::travel::detail {

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void CountDeletion(DeletionCounts& counts, std::string_view kind) {
  const auto it = counts.find(kind);
  if (it == counts.end()) {
    counts.emplace(std::string(kind), 1);
  } else {
    ++it->second;
  }
}

SsrKind ClassifySsr(std::string_view code) {
  if (code == "DOCS") return SsrKind::kDocs;
  if (code == "DOCA") return SsrKind::kDoca;
  if (code == "DOCO") return SsrKind::kDoco;
  if (code == "SEAT" || code == "NSST" || code == "NSSA" || code == "NSSW" || code == "SMST" ||
      code == "SMSA" || code == "SMSW" || code == "EXST" || code == "CBBG") {
    return SsrKind::kSeat;
  }
  if (code == "TKNE" || code == "TKNM" || code == "TKNA" || code == "TKNC") {
    return SsrKind::kTicket;
  }
  if (code.starts_with("FQT")) return SsrKind::kFrequentFlyer;
  if (code.starts_with("CTC")) return SsrKind::kContact;
  if (code == "UMNR" || code == "INFT" || code == "CHLD" || code == "GRPS" || code == "GRPF" ||
      code == "XBAG" || code == "BAGO" || code == "BAGL" || code == "FOID") {
    return SsrKind::kRemark;
  }
  // Special meals (IATA AHM 2-letter + ML): religious (MOML, KSML, HNML), medical (DBML, GFML,
  // LSML, BLML…) and others; all are deleted, none is an Annex I element.
  if (code.size() == 4 && code.substr(2) == "ML") return SsrKind::kMeal;
  if (code == "SPML") return SsrKind::kMeal;
  static constexpr std::array<std::string_view, 16> kHealth = {
      "WCHR", "WCHS", "WCHC", "WCBD", "WCBW", "WCMP", "WCOB", "WCLB",
      "MEDA", "BLND", "DEAF", "DPNA", "STCR", "OXYG", "MAAS", "PRGN"};
  for (const auto h : kHealth) {
    if (code == h) return SsrKind::kHealth;
  }
  return SsrKind::kOther;
}

namespace {

std::vector<std::string_view> SplitSlash(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t p = s.find('/', start);
    if (p == std::string_view::npos) {
      out.push_back(s.substr(start));
      break;
    }
    out.push_back(s.substr(start, p - start));
    start = p + 1;
  }
  return out;
}

Status DocDate(std::string_view field, std::string_view what, Century c, int reference_year,
               LocalDateTime& out) {
  field = TrimBlanks(field);
  if (field.empty()) return Status::Ok();
  const auto days = ParseDdMonYy(field, c, reference_year);
  if (!days) {
    return InvalidArgument(
        fmt::format("{} \"{}\" is not a date (DDMMMYY)", what, std::string(field)));
  }
  out.days = *days;
  return Status::Ok();
}

}  // namespace

Status ParseDocText(std::string_view text, bool doco, int reference_year, TravelDocument& out) {
  text = TrimBlanks(text);
  if (!doco && !text.empty() && text.front() == '/') text.remove_prefix(1);
  const auto f = SplitSlash(text);
  auto at = [&](size_t i) { return i < f.size() ? std::string(TrimBlanks(f[i])) : std::string(); };
  if (doco) {
    // place of birth / type / number / place of issue / issue date / applicable country
    if (!text.empty() && text.front() == '/') {
      // some carriers start with the separator
    }
    out.type = at(1);
    out.number = at(2);
    out.place_of_issue = at(3);
    ISSA_RETURN_IF_ERROR(DocDate(at(4), "the issue date", Century::kTravel, 0, out.issue_date));
    out.applicable_country = at(5);
    return Status::Ok();
  }
  out.type = at(0);
  out.issuing_country = at(1);
  out.number = at(2);
  out.nationality = at(3);
  ISSA_RETURN_IF_ERROR(
      DocDate(at(4), "the date of birth", Century::kBirth, reference_year, out.birth_date));
  out.gender = at(5);
  ISSA_RETURN_IF_ERROR(DocDate(at(6), "the expiry date", Century::kTravel, 0, out.expiry));
  out.surname = at(7);
  out.given_names = at(8);
  for (size_t i = 9; i < f.size(); ++i) {
    const std::string more = at(i);
    if (more.empty() || more == "H") continue;  // H: primary passport holder flag
    if (!out.given_names.empty()) out.given_names.push_back(' ');
    out.given_names += more;
  }
  return Status::Ok();
}

Address ParseDocaText(std::string_view text) {
  text = TrimBlanks(text);
  if (!text.empty() && text.front() == '/') text.remove_prefix(1);
  const auto f = SplitSlash(text);
  auto at = [&](size_t i) { return i < f.size() ? std::string(TrimBlanks(f[i])) : std::string(); };
  Address a;
  a.kind = at(0);
  a.country = at(1);
  a.street = at(2);
  a.city = at(3);
  a.region = at(4);
  a.postal_code = at(5);
  return a;
}

bool ParseContact(std::string_view text, Contact& out) {
  text = TrimBlanks(text);
  size_t p = text.find("CTC");
  if (p == std::string_view::npos || p > 3) return false;
  std::string_view rest = text.substr(p + 3);
  char kind = 0;
  auto is_letter = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (rest.size() > 2 && is_letter(rest[0]) && is_letter(rest[1])) {
    kind = 'P';  // "CTCBOG 571 600": a city code, no kind letter
  } else if (!rest.empty() && rest.front() == ' ' && rest.size() > 2 && rest[2] == ' ') {
    kind = rest[1];  // "CTC M 123"
    rest.remove_prefix(3);
  } else if (!rest.empty()) {
    kind = rest.front();
    rest.remove_prefix(1);
  }
  rest = TrimBlanks(rest);
  if (rest.empty()) return false;
  if (kind == 'E') {
    std::string v;
    for (size_t i = 0; i < rest.size(); ++i) {
      if (i + 1 < rest.size() && rest[i] == '/' && rest[i + 1] == '/') {
        v.push_back('@');
        ++i;
      } else if (i + 1 < rest.size() && rest[i] == '.' && rest[i + 1] == '.') {
        v.push_back('_');
        ++i;
      } else if (i + 1 < rest.size() && rest[i] == '.' && rest[i + 1] == '/') {
        v.push_back('-');
        ++i;
      } else {
        v.push_back(rest[i]);
      }
    }
    out.kind = ContactKind::kEmail;
    out.value = std::move(v);
    return true;
  }
  if (kind == 'M' || kind == 'H' || kind == 'B' || kind == 'R' || kind == 'A' || kind == 'T' ||
      kind == 'P' || kind == 'F') {
    out.kind = ContactKind::kPhone;
    out.value = std::string(rest);
    return true;
  }
  if (kind == 'C') {  // PCTC-like emergency contact of another person
    out.kind = ContactKind::kThirdParty;
    out.value = std::string(rest);
    return true;
  }
  return false;
}

}  // namespace issa::travel::detail

namespace issa::travel {

std::string GivenNamesWithoutTitle(std::string_view given_names) {
  static constexpr std::array<std::string_view, 12> kTitles = {
      "MR", "MRS", "MS", "MISS", "MSTR", "DR", "PROF", "REV", "SIR", "LADY", "LORD", "CAPT"};
  static constexpr std::array<std::string_view, 4> kGlued = {"MRS", "MSTR", "MISS", "MR"};
  std::string_view g = detail::TrimBlanks(given_names);
  const size_t space = g.find_last_of(' ');
  std::string_view last = space == std::string_view::npos ? g : g.substr(space + 1);
  const auto upper = [](std::string_view w) {
    std::string u(w);
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u;
  };
  const std::string word = upper(last);
  if (space != std::string_view::npos &&
      std::find(kTitles.begin(), kTitles.end(), word) != kTitles.end()) {
    return std::string(detail::TrimBlanks(g.substr(0, space)));
  }
  for (std::string_view t : kGlued) {
    if (word.size() >= t.size() + 2 && word.ends_with(t)) {
      return std::string(g.substr(0, g.size() - t.size()));
    }
  }
  return std::string(g);
}

}  // namespace issa::travel
