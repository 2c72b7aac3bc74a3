#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "issa/core/status.h"

namespace issa::core {

// Milliseconds since the Unix epoch, UTC.
using Timestamp = int64_t;

constexpr Timestamp kMsPerSecond = 1000;
constexpr Timestamp kMsPerDay = 86'400'000;

// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31; not checked).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

// Formats as RFC 3339 UTC with milliseconds: 2026-11-23T08:40:43.123Z.
std::string FormatTimestamp(Timestamp t);
// Parses RFC 3339 date-times ("2026-11-23T08:40:43Z", fractional seconds and offsets accepted)
// and plain dates ("2026-11-23", taken as midnight UTC). InvalidArgument otherwise.
Result<Timestamp> ParseTimestamp(std::string_view text);
// Parses a calendar date YYYY-MM-DD and checks it exists.
Result<Timestamp> ParseDate(std::string_view text);

// Source of the current time; injectable so that validity windows and retention can be tested.
// Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// The system's wall clock.
const Clock& SystemClock();

// A clock that tests set by hand. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_(start) {}
  Timestamp Now() const override { return now_.load(); }
  void Set(Timestamp t) { now_.store(t); }
  void Advance(Timestamp ms) { now_.fetch_add(ms); }

 private:
  std::atomic<Timestamp> now_;
};

}  // namespace issa::core
