#pragma once

// The short-stay rule of the Schengen Borders Code (Art. 6(1), as amended by Regulation (EU)
// No 610/2013): a third-country national may stay 90 days in any 180-day period. The day of
// entry and the day of exit both count; periods under a residence permit or a long-stay visa do
// not; only days in a state that applies the Schengen acquis (on that date, for that kind of
// border) count. Pure functions, thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/status.h"

namespace issa::travel {

// Days since 1970-01-01 (UTC calendar date).
using Day = int64_t;

constexpr int kMaxShortStayDays = 90;
constexpr int kReferencePeriodDays = 180;

enum class BorderKind : uint8_t { kAir, kSea, kLand };

// "air", "sea" or "land".
Result<BorderKind> ParseBorderKind(std::string_view text);
std::string_view BorderKindName(BorderKind kind);

// Parses YYYY-MM-DD; InvalidArgument naming `field` otherwise.
Result<Day> ParseDay(std::string_view text, std::string_view field);
std::string FormatDay(Day day);

// Whether `member_state` (ISO 3166-1 alpha-2) applies the Schengen acquis on `day` for a
// crossing of `border` kind. The table: data in src/stay.cc (e.g. HR from 2023-01-01; BG and RO
// from 2024-03-31 at air and sea borders and from 2025-01-01 at land borders; CY and IE never).
bool AppliesSchengen(std::string_view member_state, Day day, BorderKind border);

// One stay: from the day of entry to the day of exit (both included), or still present.
struct Stay {
  Day entry = 0;
  std::optional<Day> exit;   // nullopt while the person is still present
  std::string member_state;  // state of entry; empty = a state applying Schengen
  BorderKind border = BorderKind::kAir;
  bool long_stay = false;  // under a residence permit or a long-stay visa: not counted
};

struct StayCheck {
  Day on = 0;              // the day checked
  Day window_start = 0;    // on - 179
  int days_used = 0;       // counted days in [window_start, on]
  int days_remaining = 0;  // max(0, 90 - days_used)
  int overstay_days = 0;   // days present in the window when 90 days were already used
  bool present = false;    // the last stay has no exit (and began on or before `on`)
  // While present: the last day the person may stay without exceeding the rule (continuing the
  // current stay). Before `on` when the person already overstays.
  std::optional<Day> must_leave_by;
  // When not present: the longest continuous stay starting on `on`, and its last day (the
  // calculator's "planning"); 0 and nullopt when no entry is possible that day.
  int max_stay_if_entering = 0;
  std::optional<Day> latest_exit_if_entering;
};

// Checks the stays on day `on`. InvalidArgument naming "stays[i].<field>" for an exit before
// its entry, overlapping stays, an open stay that is not the last one, or a stay that begins
// after `on`. Stays may be given in any order.
Result<StayCheck> CheckStay(std::vector<Stay> stays, Day on);

// Parses one stay per line: ENTRY,EXIT[,STATE[,BORDER[,long-stay]]] with ISO dates, EXIT empty
// while present, STATE an ISO 3166-1 alpha-2 code, BORDER air|sea|land. Blank lines and lines
// starting with '#' are skipped. The error names the line and the field ("line 3: exit").
Result<std::vector<Stay>> ParseStays(std::string_view text);

// The JSON form of a check (days as ISO dates).
std::string StayCheckJson(const StayCheck& check);

}  // namespace issa::travel
