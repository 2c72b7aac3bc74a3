#pragma once

// Date fields of PNRGOV and PAXLST: DDMMYY, YYMMDD, DDMONYY, HHMM, CCYYMMDD.

#include <optional>
#include <string_view>

#include "issa/travel/passenger_data.h"

namespace issa::travel::detail {

enum class Century {
  kTravel,  // 20YY
  kBirth,   // 19YY when 20YY would be after the reference year
};

// nullopt when malformed or not a calendar date. `reference_year` is for Century::kBirth.
std::optional<int32_t> ParseDdmmyy(std::string_view s, Century c, int reference_year);
std::optional<int32_t> ParseYymmdd(std::string_view s, Century c, int reference_year);
std::optional<int32_t> ParseDdMonYy(std::string_view s, Century c, int reference_year);
// HHMM -> minutes; nullopt when malformed.
std::optional<int32_t> ParseHhmm(std::string_view s);

}  // namespace issa::travel::detail
