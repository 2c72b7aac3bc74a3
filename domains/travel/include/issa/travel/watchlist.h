#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/model.h"
#include "issa/core/status.h"

// Watchlists for travel screening: OFAC SDN / consolidated non-SDN (CSV), the UN Security Council
// consolidated list (XML) and native SIS II-style alerts on persons and documents (JSON), read
// into one entry model; deltas between versions; the mapping of entries to node records.
// Formats and examples: docs/travel.md.
namespace issa::travel {

// A calendar date known to the year, the month or the day (0 = unknown part).
struct PartialDate {
  uint16_t year = 0;
  uint8_t month = 0;
  uint8_t day = 0;
  bool known() const { return year != 0; }
  bool operator==(const PartialDate&) const = default;
};
// "YYYY", "YYYY-MM" or "YYYY-MM-DD".
std::string FormatDate(PartialDate date);
// Parses those three forms; std::nullopt when malformed or absurd (month 13, 31 February...).
std::optional<PartialDate> ParseIsoDate(std::string_view text);

enum class EntryKind : uint8_t { kPerson, kOrganisation, kVessel, kAircraft, kDocument };
std::string_view EntryKindName(EntryKind kind);  // person, organisation, vessel, aircraft, document

// How a name stands for the entry.
enum class NameRole : uint8_t {
  kPrimary,      // the listed name
  kStrongAlias,  // a.k.a. of good quality (UN "Good", OFAC alt.csv aka/fka/nka)
  kWeakAlias,    // UN "Low" quality, OFAC a.k.a. quoted in the remarks: alone, a weak hint
};
std::string_view NameRoleName(NameRole role);  // primary, alias, weak_alias

struct EntryName {
  std::string text;
  NameRole role = NameRole::kPrimary;
  std::string script;            // "Latin", "Arabic", "Cyrillic", "Greek", "Han", ... (dominant)
  bool original_script = false;  // UN NAME_ORIGINAL_SCRIPT
  bool former = false;           // f.k.a.
  bool operator==(const EntryName&) const = default;
};

struct EntryDocument {
  std::string type;        // "passport", "national_id", "other" or the alert's document type
  std::string number;      // as listed
  std::string normalised;  // upper-case letters and digits only
  std::string country;     // ISO 3166-1 alpha-2 of the issuer; empty when unknown
  bool operator==(const EntryDocument&) const = default;
};

// SIS II-style alert data (native alert JSON only).
enum class AlertCategory : uint8_t {
  kArrest,
  kMissingPerson,
  kDiscreetCheck,
  kSpecificCheck,
  kRefusalOfEntry,
  kStolenDocument,
  kInvalidDocument,
};
std::string_view AlertCategoryName(AlertCategory category);  // arrest, missing-person, ...
std::optional<AlertCategory> ParseAlertCategory(std::string_view text);

struct AlertDetails {
  AlertCategory category = AlertCategory::kSpecificCheck;
  std::string action;             // the action to take on a hit
  std::string issuing_authority;  // e.g. "DE-BKA"
  PartialDate expiry;             // the alert lapses after this day
  bool operator==(const AlertDetails&) const = default;
};

struct WatchlistEntry {
  std::string list;  // list id, e.g. "ofac-sdn", "un-sc", or the alert file's "list"
  std::string id;    // entry id within the list (OFAC ent_num, UN reference number, alert id)
  EntryKind kind = EntryKind::kPerson;
  std::vector<EntryName> names;  // primary first
  std::vector<PartialDate> birth_dates;
  std::vector<std::string> nationalities;  // alpha-2, deduplicated
  std::string gender;                      // "female", "male" or empty
  std::vector<EntryDocument> documents;
  std::string imo;                    // 7 digits, check digit valid
  std::string mmsi;                   // 9 digits
  std::string call_sign;              // vessels
  std::string aircraft_registration;  // e.g. "EP-GOM"
  std::vector<std::string> programmes;
  std::string birth_place;
  std::string remarks;
  std::optional<AlertDetails> alert;
  bool operator==(const WatchlistEntry&) const = default;

  const std::string& primary_name() const;
};

// A problem with one entry (the entry is dropped, the rest of the list kept) or with the file.
struct ParseIssue {
  std::string file;
  size_t line = 0;      // 1-based; 0 when not known
  std::string element;  // entry id or XML element / JSON pointer
  std::string field;
  std::string message;
  std::string ToString() const;
};

struct Watchlist {
  std::string id;      // list id of every entry
  std::string format;  // "ofac-csv", "un-xml", "alerts-json"
  std::string source;  // file or folder read
  std::vector<WatchlistEntry> entries;
  std::vector<ParseIssue> issues;  // dropped entries and ignored fields
  size_t rejected = 0;             // entries dropped
};

// OFAC CSV files (SDN: sdn.csv/alt.csv/add.csv[/sdn_comments.csv]; consolidated non-SDN:
// cons_prim.csv/cons_alt.csv/cons_add.csv[/cons_comments.csv]). Only `primary` is required.
struct OfacFiles {
  std::string list_id = "ofac-sdn";
  std::string primary_name = "sdn.csv";  // file names for error messages
  std::string primary, alt, add, comments;
};
Result<Watchlist> ParseOfacCsv(const OfacFiles& files);

// UN Security Council consolidated list XML (Xerces-C SAX2; well-formedness errors name the line).
Result<Watchlist> ParseUnXml(std::string_view xml, std::string_view file_name,
                             std::string_view list_id = "un-sc");

// Native alert JSON (docs/travel.md, data/schemas/travel/alerts.schema.json).
Result<Watchlist> ParseAlertsJson(std::string_view json, std::string_view file_name);

// Reads a list from a file or a folder, detecting its format from content: a folder holding an
// OFAC trio (sdn.csv or cons_prim.csv, with alt/add/comments beside it); an XML file with a
// CONSOLIDATED_LIST root; a JSON alert file; an OFAC primary CSV file alone. NotFound /
// InvalidArgument naming the path otherwise.
Result<Watchlist> LoadWatchlist(const std::string& path);

// What changed from one version of a list to the next (entries keyed by id).
struct EntryChange {
  std::string id;
  std::vector<std::string> fields;  // "names", "birth_dates", "documents", ...
};
struct ListDelta {
  std::vector<std::string> added;
  std::vector<EntryChange> changed;
  std::vector<std::string> removed;
  bool empty() const { return added.empty() && changed.empty() && removed.empty(); }
};
ListDelta Diff(const Watchlist& before, const Watchlist& after);

// The node record of an entry: type Person, Organisation, Vessel, Aircraft or Document and its
// properties as in data/schemas/<type>.json; the list provenance (list, entry id, programmes,
// alert category and action, other dates of birth) goes to "notes". `id` and handling are left
// to the caller.
core::Record ToRecord(const WatchlistEntry& entry);

// ISO 3166-1 alpha-2 code of a country name ("Iran (Islamic Republic of)", "Korea, North"),
// alpha-3 ("GBR") or alpha-2 code; "" when unknown. Thread-safe.
std::string CountryCode(std::string_view text);

}  // namespace issa::travel
