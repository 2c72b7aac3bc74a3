#include "issa/travel/stay.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/core/time.h"

namespace issa::travel {
namespace {

// When a state began to apply the Schengen acquis in full, by kind of border. Days are filled
// from ISO dates on first use. CY and IE are absent: they do not apply it.
struct Membership {
  std::string_view state;
  std::string_view air_sea_from;  // air and sea borders
  std::string_view land_from;     // land borders
};

constexpr std::array<Membership, 29> kMemberships = {{
    {"AT", "1997-12-01", "1997-12-01"}, {"BE", "1995-03-26", "1995-03-26"},
    {"BG", "2024-03-31", "2025-01-01"}, {"CH", "2008-12-12", "2008-12-12"},
    {"CZ", "2008-03-30", "2007-12-21"}, {"DE", "1995-03-26", "1995-03-26"},
    {"DK", "2001-03-25", "2001-03-25"}, {"EE", "2008-03-30", "2007-12-21"},
    {"ES", "1995-03-26", "1995-03-26"}, {"FI", "2001-03-25", "2001-03-25"},
    {"FR", "1995-03-26", "1995-03-26"}, {"GR", "2000-03-26", "2000-03-26"},
    {"HR", "2023-01-01", "2023-01-01"}, {"HU", "2008-03-30", "2007-12-21"},
    {"IS", "2001-03-25", "2001-03-25"}, {"IT", "1997-10-26", "1997-10-26"},
    {"LI", "2011-12-19", "2011-12-19"}, {"LT", "2008-03-30", "2007-12-21"},
    {"LU", "1995-03-26", "1995-03-26"}, {"LV", "2008-03-30", "2007-12-21"},
    {"MT", "2008-03-30", "2007-12-21"}, {"NL", "1995-03-26", "1995-03-26"},
    {"NO", "2001-03-25", "2001-03-25"}, {"PL", "2008-03-30", "2007-12-21"},
    {"PT", "1995-03-26", "1995-03-26"}, {"RO", "2024-03-31", "2025-01-01"},
    {"SE", "2001-03-25", "2001-03-25"}, {"SI", "2008-03-30", "2007-12-21"},
    {"SK", "2008-03-30", "2007-12-21"},
}};

Day DayOf(std::string_view iso) {
  const auto t = core::ParseDate(iso);
  ISSA_CHECK(t.ok());
  return *t / core::kMsPerDay;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool IsUpperAlpha2(std::string_view s) {
  return s.size() == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

}  // namespace

Result<BorderKind> ParseBorderKind(std::string_view text) {
  if (text == "air") return BorderKind::kAir;
  if (text == "sea") return BorderKind::kSea;
  if (text == "land") return BorderKind::kLand;
  return InvalidArgument(fmt::format("'{}' is not air, sea or land", text.substr(0, 20)));
}

std::string_view BorderKindName(BorderKind kind) {
  switch (kind) {
    case BorderKind::kAir:
      return "air";
    case BorderKind::kSea:
      return "sea";
    case BorderKind::kLand:
      return "land";
  }
  return "air";
}

Result<Day> ParseDay(std::string_view text, std::string_view field) {
  auto t = core::ParseDate(text);
  if (!t.ok()) {
    return InvalidArgument(fmt::format("'{}' is not a date YYYY-MM-DD", text.substr(0, 30)),
                           std::string(field));
  }
  const Day day = *t / core::kMsPerDay;
  if (day < DayOf("1990-01-01") || day > DayOf("2199-12-31")) {
    return InvalidArgument(fmt::format("{} is outside 1990-2199", text), std::string(field));
  }
  return day;
}

std::string FormatDay(Day day) {
  return core::FormatTimestamp(day * core::kMsPerDay).substr(0, 10);
}

bool AppliesSchengen(std::string_view member_state, Day day, BorderKind border) {
  if (member_state.empty()) return true;
  for (const auto& m : kMemberships) {
    if (m.state != member_state) continue;
    return day >= DayOf(border == BorderKind::kLand ? m.land_from : m.air_sea_from);
  }
  return false;
}

Result<StayCheck> CheckStay(std::vector<Stay> stays, Day on) {
  for (size_t i = 0; i < stays.size(); ++i) {
    const auto& s = stays[i];
    if (s.exit && *s.exit < s.entry) {
      return InvalidArgument("is before the entry", fmt::format("stays[{}].exit", i));
    }
    if (s.entry > on) {
      return InvalidArgument(fmt::format("is after the day checked ({})", FormatDay(on)),
                             fmt::format("stays[{}].entry", i));
    }
    if (!s.member_state.empty() && !IsUpperAlpha2(s.member_state)) {
      return InvalidArgument("must be an ISO 3166-1 alpha-2 code",
                             fmt::format("stays[{}].member_state", i));
    }
  }
  std::vector<size_t> order(stays.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return stays[a].entry < stays[b].entry; });
  for (size_t k = 0; k + 1 < order.size(); ++k) {
    const auto& s = stays[order[k]];
    if (!s.exit) {
      return InvalidArgument("only the last stay may be open (no exit)",
                             fmt::format("stays[{}].exit", order[k]));
    }
    if (*s.exit >= stays[order[k + 1]].entry) {
      return InvalidArgument(fmt::format("overlaps stays[{}]", order[k]),
                             fmt::format("stays[{}].entry", order[k + 1]));
    }
  }

  StayCheck out;
  out.on = on;
  out.window_start = on - (kReferencePeriodDays - 1);
  out.present = !order.empty() && !stays[order.back()].exit;

  // Counted days from the earliest day that can matter to the latest day a stay may reach.
  const Day first = std::min(out.window_start, order.empty() ? on : stays[order.front()].entry);
  const Day last = on + kMaxShortStayDays + kReferencePeriodDays;
  std::vector<uint8_t> counted(static_cast<size_t>(last - first + 1), 0);
  std::vector<uint8_t> present(counted.size(), 0);
  const auto at = [&](Day d) { return static_cast<size_t>(d - first); };
  for (const auto& s : stays) {
    const Day end = s.exit ? *s.exit : on;
    for (Day d = s.entry; d <= end; ++d) {
      present[at(d)] = 1;
      if (!s.long_stay && AppliesSchengen(s.member_state, d, s.border)) counted[at(d)] = 1;
    }
  }
  // used(d): counted days in [d-179, d], kept as a running sum.
  const auto used_on = [&](const std::vector<uint8_t>& c, Day d) {
    int n = 0;
    for (Day x = std::max(first, d - (kReferencePeriodDays - 1)); x <= d; ++x) n += c[at(x)];
    return n;
  };

  out.days_used = used_on(counted, on);
  out.days_remaining = std::max(0, kMaxShortStayDays - out.days_used);
  for (Day d = out.window_start; d <= on; ++d) {
    if (d >= first && present[at(d)] && counted[at(d)] && used_on(counted, d) > kMaxShortStayDays) {
      ++out.overstay_days;
    }
  }

  // Continuing (or starting) a stay on `on` as a counted stay: the last day before the rule is
  // broken. A stay under a long-stay document, or in a state outside Schengen, has no limit
  // here: the calculator only counts Schengen short-stay days.
  const auto last_lawful_from = [&](Day start) -> std::optional<Day> {
    std::vector<uint8_t> c = counted;
    std::optional<Day> lawful;
    for (Day d = start; d <= last; ++d) {
      c[at(d)] = 1;
      if (used_on(c, d) > kMaxShortStayDays) break;
      lawful = d;
    }
    return lawful;
  };
  if (out.present) {
    const Stay& current = stays[order.back()];
    // The first day the current stay broke the rule, if it has already.
    std::optional<Day> lawful;
    for (Day d = current.entry; d <= on; ++d) {
      if (used_on(counted, d) > kMaxShortStayDays) break;
      lawful = d;
    }
    if (lawful && *lawful == on) lawful = last_lawful_from(on);
    out.must_leave_by = lawful ? *lawful : current.entry - 1;
  } else {
    const auto latest = last_lawful_from(on);
    if (latest) {
      out.latest_exit_if_entering = latest;
      out.max_stay_if_entering = static_cast<int>(*latest - on + 1);
    }
  }
  return out;
}

Result<std::vector<Stay>> ParseStays(std::string_view text) {
  std::vector<Stay> stays;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    line = Trim(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> fields;
    for (;;) {
      const size_t comma = line.find(',');
      fields.push_back(Trim(line.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      line.remove_prefix(comma + 1);
    }
    const auto field = [&](std::string_view name) {
      return fmt::format("line {}: {}", line_no, name);
    };
    if (fields.size() < 2 || fields.size() > 5) {
      return InvalidArgument(
          fmt::format("expected ENTRY,EXIT[,STATE[,BORDER[,long-stay]]], got {} fields",
                      fields.size()),
          field("fields"));
    }
    Stay s;
    ISSA_ASSIGN_OR_RETURN(s.entry, ParseDay(fields[0], field("entry")));
    if (!fields[1].empty()) {
      ISSA_ASSIGN_OR_RETURN(const Day exit, ParseDay(fields[1], field("exit")));
      if (exit < s.entry) return InvalidArgument("is before the entry", field("exit"));
      s.exit = exit;
    }
    if (fields.size() > 2 && !fields[2].empty()) {
      if (!IsUpperAlpha2(fields[2])) {
        return InvalidArgument(
            fmt::format("'{}' is not an ISO 3166-1 alpha-2 code", fields[2].substr(0, 10)),
            field("state"));
      }
      s.member_state = std::string(fields[2]);
    }
    if (fields.size() > 3 && !fields[3].empty()) {
      auto border = ParseBorderKind(fields[3]);
      if (!border.ok()) return InvalidArgument(border.status().message(), field("border"));
      s.border = *border;
    }
    if (fields.size() > 4 && !fields[4].empty()) {
      if (fields[4] != "long-stay") {
        return InvalidArgument(fmt::format("'{}' is not 'long-stay'", fields[4].substr(0, 20)),
                               field("status"));
      }
      s.long_stay = true;
    }
    stays.push_back(std::move(s));
  }
  return stays;
}

std::string StayCheckJson(const StayCheck& check) {
  nlohmann::ordered_json o;
  o["on"] = FormatDay(check.on);
  o["window_start"] = FormatDay(check.window_start);
  o["days_used"] = check.days_used;
  o["days_remaining"] = check.days_remaining;
  o["overstay_days"] = check.overstay_days;
  o["present"] = check.present;
  if (check.must_leave_by) o["must_leave_by"] = FormatDay(*check.must_leave_by);
  if (!check.present) {
    o["max_stay_if_entering"] = check.max_stay_if_entering;
    o["latest_exit_if_entering"] =
        check.latest_exit_if_entering
            ? nlohmann::ordered_json(FormatDay(*check.latest_exit_if_entering))
            : nlohmann::ordered_json(nullptr);
  }
  return o.dump();
}

}  // namespace issa::travel
