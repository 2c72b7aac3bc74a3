// OFAC SDN / consolidated non-SDN CSV files: sdn.csv (ent_num, SDN_Name, SDN_Type, Program, Title,
// Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks), alt.csv (ent_num, alt_num,
// alt_type, alt_name, alt_remarks), add.csv (ent_num, add_num, address, city, country,
// add_remarks), sdn_comments.csv (ent_num, remarks continued). "-0- " is the null marker. The
// remarks carry DOB, POB, nationality, passports, national ids, IMO/MMSI, gender and the weak
// a.k.a.s ("a.k.a. 'BILAL'").
#include <algorithm>
#include <cctype>
#include <charconv>
#include <unordered_map>

#include <fmt/format.h>

#include "issa/core/csv.h"
#include "issa/matching/identifiers.h"
#include "issa/travel/watchlist.h"

#include "ofac_remarks.h"
#include "text.h"

namespace issa::travel {
namespace {

using detail::Trim;

// OFAC's files: records with CRLF ends, blank lines and a DOS end-of-file mark between them.
core::CsvReader OfacReader(std::string_view text) {
  return core::CsvReader(text, core::CsvOptions{.skip_blank_lines = true});
}

std::string Value(const std::vector<std::string>& f, size_t i) {
  if (i >= f.size()) return "";
  const std::string_view v = Trim(f[i]);
  if (v == "-0-") return "";
  return std::string(v);
}

bool ParseEntNum(std::string_view text, uint64_t& out) {
  text = Trim(text);
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// "ABBAS, Abu" -> "Abu ABBAS" for individuals (OFAC writes "SURNAME, Given names").
std::string PersonName(std::string_view name) {
  const size_t comma = name.find(", ");
  if (comma == std::string_view::npos) return std::string(name);
  const std::string_view last = Trim(name.substr(0, comma));
  const std::string_view first = Trim(name.substr(comma + 2));
  if (first.empty() || first.find(',') != std::string_view::npos) return std::string(name);
  return fmt::format("{} {}", first, last);
}

}  // namespace

Result<Watchlist> ParseOfacCsv(const OfacFiles& files) {
  Watchlist list;
  list.id = files.list_id;
  list.format = "ofac-csv";
  if (!detail::ValidUtf8(files.primary)) {
    // OFAC CSV is ASCII; anything else is the wrong file.
    return InvalidArgument(
        fmt::format("{}: not an OFAC CSV file (invalid UTF-8)", files.primary_name));
  }
  std::unordered_map<uint64_t, size_t> by_ent;
  core::CsvReader reader = OfacReader(files.primary);
  std::vector<std::string> f;
  uint64_t line = 0;
  std::string unterminated;
  size_t records = 0;
  while (reader.Next(f, line, unterminated)) {
    ++records;
    auto reject = [&](std::string element, std::string field, std::string message) {
      list.issues.push_back(
          {files.primary_name, line, std::move(element), std::move(field), std::move(message)});
      ++list.rejected;
    };
    uint64_t ent = 0;
    if (!ParseEntNum(f[0], ent)) {
      reject("", "ent_num", fmt::format("not a number: '{}'", Trim(f[0]).substr(0, 40)));
      continue;
    }
    const std::string element = fmt::format("entry {}", ent);
    if (!unterminated.empty()) {
      reject(element, "", "unterminated quoted field");
      continue;
    }
    if (f.size() != 12) {
      reject(element, "", fmt::format("{} fields, expected 12", f.size()));
      continue;
    }
    WatchlistEntry e;
    e.list = files.list_id;
    e.id = std::to_string(ent);
    const std::string raw_name = Value(f, 1);
    if (raw_name.empty()) {
      reject(element, "SDN_Name", "empty name");
      continue;
    }
    const std::string type = detail::Lower(Value(f, 2));
    if (type == "individual") {
      e.kind = EntryKind::kPerson;
    } else if (type == "vessel") {
      e.kind = EntryKind::kVessel;
    } else if (type == "aircraft") {
      e.kind = EntryKind::kAircraft;
    } else if (type.empty()) {
      e.kind = EntryKind::kOrganisation;
    } else {
      reject(element, "SDN_Type", fmt::format("unknown type '{}'", type.substr(0, 40)));
      continue;
    }
    const std::string name = e.kind == EntryKind::kPerson ? PersonName(raw_name) : raw_name;
    e.names.push_back({name, NameRole::kPrimary, "Latin", false, false});
    const std::string programmes = Value(f, 3);
    size_t start = 0;
    while (start < programmes.size()) {
      size_t end = programmes.find(']', start);
      std::string_view p =
          std::string_view(programmes)
              .substr(start, end == std::string::npos ? std::string::npos : end - start);
      while (!p.empty() && (p.front() == '[' || p.front() == ' ')) p.remove_prefix(1);
      detail::AddUnique(e.programmes, std::string(Trim(p)));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    if (e.kind == EntryKind::kVessel) {
      e.call_sign = Value(f, 5);
      const std::string flag = Value(f, 9);
      if (!flag.empty()) detail::AddUnique(e.nationalities, CountryCode(flag));
    }
    if (e.kind == EntryKind::kAircraft) e.aircraft_registration = raw_name;
    e.remarks = Value(f, 11);
    by_ent[ent] = list.entries.size();
    list.entries.push_back(std::move(e));
  }
  if (records == 0) {
    return InvalidArgument(fmt::format("{}: no OFAC entries", files.primary_name));
  }

  // Remarks continued in the comments file.
  if (!files.comments.empty()) {
    core::CsvReader comments = OfacReader(files.comments);
    while (comments.Next(f, line, unterminated)) {
      uint64_t ent = 0;
      if (!ParseEntNum(f[0], ent)) continue;
      const auto it = by_ent.find(ent);
      if (it == by_ent.end() || f.size() < 2) continue;
      list.entries[it->second].remarks += Value(f, 1);
    }
  }
  const std::string alt_name = files.primary_name == "cons_prim.csv" ? "cons_alt.csv" : "alt.csv";
  if (!files.alt.empty()) {
    core::CsvReader alt = OfacReader(files.alt);
    while (alt.Next(f, line, unterminated)) {
      uint64_t ent = 0;
      if (!ParseEntNum(f[0], ent) || f.size() < 4 || !unterminated.empty()) {
        list.issues.push_back({alt_name, line, "", "ent_num", "malformed alias row ignored"});
        continue;
      }
      const auto it = by_ent.find(ent);
      if (it == by_ent.end()) {
        list.issues.push_back({alt_name, line, fmt::format("entry {}", ent), "ent_num",
                               "alias of an entry not in the primary file ignored"});
        continue;
      }
      WatchlistEntry& e = list.entries[it->second];
      const std::string alias = Value(f, 3);
      if (alias.empty()) continue;
      const std::string alt_type = detail::Lower(Value(f, 2));
      const std::string text = e.kind == EntryKind::kPerson ? PersonName(alias) : alias;
      e.names.push_back({text, NameRole::kStrongAlias, "Latin", false, alt_type == "fka"});
    }
  }
  for (WatchlistEntry& e : list.entries) {
    detail::ApplyOfacRemarks(e);
  }
  (void)files.add;  // addresses are not screening evidence (not kept)
  return list;
}

}  // namespace issa::travel
