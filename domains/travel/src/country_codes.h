#pragma once

#include <string_view>

namespace issa::travel::detail {

// The ISO 3166-1 alpha-2 code of an alpha-3 (or ICAO 9303) code; a 2-letter code is returned
// as it is; empty when unknown.
std::string_view CountryAlpha2(std::string_view code);

}  // namespace issa::travel::detail
