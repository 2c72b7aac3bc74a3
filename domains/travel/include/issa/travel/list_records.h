#pragma once

// Watchlist entries held as node records (the inverse of ToRecord in watchlist.h): a list
// imported as Person, Organisation, Vessel, Aircraft or Document records, by this or another
// authority, read back as entries so that a Screener can screen against it. The entry's list and
// id are the provenance ToRecord writes at the start of "notes" ("list un-sc entry QDi.430; …").

#include <optional>
#include <string>
#include <string_view>

#include "issa/core/model.h"
#include "issa/travel/watchlist.h"

namespace issa::travel {

// The record types a list entry becomes.
inline constexpr std::string_view kListRecordTypes[] = {"Person", "Organisation", "Vessel",
                                                        "Aircraft", "Document"};

// The list and entry id of a list record's notes ("list <list> entry <id>[; …]"), or nullopt
// when the notes do not start with that provenance.
struct ListProvenance {
  std::string list;
  std::string entry_id;
};
std::optional<ListProvenance> ParseListProvenance(std::string_view notes);

// The entry a record of ToRecord's form holds: names (name, aliases as aliases; holder name for
// documents), birth dates (birth_date, birth_dates; holder_birth_date), nationality or country,
// gender, document numbers, IMO/MMSI/call sign, registration, and the alert category, action,
// issuing authority and expiry from the notes. nullopt for a record that is not a list entry
// (another type, no provenance, unreadable properties) or names nothing to screen against.
std::optional<WatchlistEntry> EntryFromRecord(const core::Record& record);

}  // namespace issa::travel
