#include "travel_dates.h"

#include <array>

#include <fmt/format.h>

namespace issa::travel {

std::optional<int32_t> DaysFromCivil(int year, int month, int day) {
  if (year < 1800 || year > 2200 || month < 1 || month > 12 || day < 1) return std::nullopt;
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day > max_day) return std::nullopt;
  // Howard Hinnant's days_from_civil.
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int mp = (month + 9) % 12;
  const int doy = (153 * mp + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

namespace {

void CivilFromDays(int32_t z, int& y, int& m, int& d) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

std::optional<int> Digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

int FullYear(int yy, detail::Century c, int reference_year) {
  int y = 2000 + yy;
  if (c == detail::Century::kBirth && y > reference_year) y -= 100;
  return y;
}

}  // namespace

std::string LocalDateTime::IsoDate() const {
  if (!has_date()) return {};
  int y = 0;
  int m = 0;
  int d = 0;
  CivilFromDays(days, y, m, d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

std::string LocalDateTime::Iso() const {
  if (!has_date()) return {};
  if (!has_time()) return IsoDate();
  return fmt::format("{}T{:02}:{:02}", IsoDate(), minutes / 60, minutes % 60);
}

int LocalDateTime::Year() const {
  if (!has_date()) return 0;
  int y = 0;
  int m = 0;
  int d = 0;
  CivilFromDays(days, y, m, d);
  return y;
}

namespace detail {

std::optional<int32_t> ParseDdmmyy(std::string_view s, Century c, int reference_year) {
  if (s.size() != 6) return std::nullopt;
  const auto d = Digits(s.substr(0, 2));
  const auto m = Digits(s.substr(2, 2));
  const auto y = Digits(s.substr(4, 2));
  if (!d || !m || !y) return std::nullopt;
  return DaysFromCivil(FullYear(*y, c, reference_year), *m, *d);
}

std::optional<int32_t> ParseYymmdd(std::string_view s, Century c, int reference_year) {
  if (s.size() == 8) {
    const auto y = Digits(s.substr(0, 4));
    const auto m = Digits(s.substr(4, 2));
    const auto d = Digits(s.substr(6, 2));
    if (!d || !m || !y) return std::nullopt;
    return DaysFromCivil(*y, *m, *d);
  }
  if (s.size() != 6) return std::nullopt;
  const auto y = Digits(s.substr(0, 2));
  const auto m = Digits(s.substr(2, 2));
  const auto d = Digits(s.substr(4, 2));
  if (!d || !m || !y) return std::nullopt;
  return DaysFromCivil(FullYear(*y, c, reference_year), *m, *d);
}

std::optional<int32_t> ParseDdMonYy(std::string_view s, Century c, int reference_year) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  if (s.size() != 7 && s.size() != 9) return std::nullopt;
  const auto d = Digits(s.substr(0, 2));
  const std::string_view mon = s.substr(2, 3);
  int m = 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == mon) m = static_cast<int>(i) + 1;
  }
  if (!d || m == 0) return std::nullopt;
  if (s.size() == 9) {
    const auto y = Digits(s.substr(5, 4));
    if (!y) return std::nullopt;
    return DaysFromCivil(*y, m, *d);
  }
  const auto y = Digits(s.substr(5, 2));
  if (!y) return std::nullopt;
  return DaysFromCivil(FullYear(*y, c, reference_year), m, *d);
}

std::optional<int32_t> ParseHhmm(std::string_view s) {
  if (s.size() != 4) return std::nullopt;
  const auto h = Digits(s.substr(0, 2));
  const auto m = Digits(s.substr(2, 2));
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  return *h * 60 + *m;
}

}  // namespace detail
}  // namespace issa::travel
