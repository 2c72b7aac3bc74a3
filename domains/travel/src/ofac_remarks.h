#pragma once

#include "issa/travel/watchlist.h"

namespace issa::travel::detail {

// Reads the structured items of an OFAC remarks field into the entry: DOB (several, "circa",
// ranges), POB, nationality/citizen, gender, passports and national ids with their country,
// IMO, MMSI, and the weak a.k.a.s quoted in the remarks.
void ApplyOfacRemarks(WatchlistEntry& e);

// "10 Dec 1948", "Dec 1948", "1948", "circa 1948", "1948 to 1950" -> dates (ranges as years).
std::vector<PartialDate> ParseOfacDates(std::string_view text);

}  // namespace issa::travel::detail
