#include "issa/core/time.h"

#include <chrono>
#include <cstdio>

#include <fmt/format.h>

namespace issa::core {

// Howard Hinnant's algorithm.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2 ? 1 : 0;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool ReadDigits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

class SystemClockImpl final : public Clock {
 public:
  Timestamp Now() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

std::string FormatTimestamp(Timestamp t) {
  int64_t days = t / kMsPerDay;
  int64_t rem = t % kMsPerDay;
  if (rem < 0) {
    rem += kMsPerDay;
    --days;
  }
  int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  CivilFromDays(days, y, m, d);
  const int64_t secs = rem / 1000;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, m, d, secs / 3600,
                     (secs / 60) % 60, secs % 60, rem % 1000);
}

Result<Timestamp> ParseDate(std::string_view s) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (s.size() != 10 || !ReadDigits(s, 0, 4, y) || s[4] != '-' || !ReadDigits(s, 5, 2, m) ||
      s[7] != '-' || !ReadDigits(s, 8, 2, d)) {
    return InvalidArgument(
        fmt::format("'{}' is not a date of the form YYYY-MM-DD", s.substr(0, 40)));
  }
  if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > DaysInMonth(y, m)) {
    return InvalidArgument(fmt::format("'{}' is not a calendar date", s));
  }
  return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * kMsPerDay;
}

Result<Timestamp> ParseTimestamp(std::string_view s) {
  if (s.size() == 10) return ParseDate(s);
  const auto bad = [&] {
    return InvalidArgument(fmt::format(
        "'{}' is not an RFC 3339 date-time (e.g. 2026-11-23T08:40:00Z)", s.substr(0, 40)));
  };
  if (s.size() < 20) return bad();
  auto date = ParseDate(s.substr(0, 10));
  if (!date.ok()) return bad();
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return bad();
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (!ReadDigits(s, 11, 2, hh) || s[13] != ':' || !ReadDigits(s, 14, 2, mm) || s[16] != ':' ||
      !ReadDigits(s, 17, 2, ss) || hh > 23 || mm > 59 || ss > 60) {
    return bad();
  }
  size_t pos = 19;
  int64_t ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) ms = ms * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (int i = digits; i < 3; ++i) ms *= 10;
  }
  int64_t offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0;
    int om = 0;
    if (!ReadDigits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ReadDigits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return bad();
    }
    offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  return *date + ((hh * 60 + mm) * 60LL + (ss > 59 ? 59 : ss)) * 1000 + ms - offset_min * 60 * 1000;
}

const Clock& SystemClock() {
  static const SystemClockImpl clock;
  return clock;
}

}  // namespace issa::core
