#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/model.h"
#include "issa/core/status.h"

#include "normalise.h"

// What cross-matching reads from a record: its kind, names, dates, countries and identifiers.
namespace issa::matching::detail {

enum class Kind : uint8_t {
  kPerson,
  kOrganisation,
  kVessel,
  kAircraft,
  kDocument,
  kAccount,
  kOther
};

Kind KindOf(std::string_view type);
std::string_view KindName(Kind kind);

// Whether records of these kinds are compared.
bool Comparable(Kind a, Kind b);

// The name index a kind's names go to (kNoNameIndex: names are not indexed).
inline constexpr int kPersonIndex = 0;        // Person names and aliases, Document holders
inline constexpr int kOrganisationIndex = 1;  // Organisation names and aliases
inline constexpr int kVesselIndex = 2;        // Vessel names
inline constexpr int kHolderIndex = 3;        // Account holders (stored for scoring only)
inline constexpr int kNameIndexCount = 4;
inline constexpr int kNoNameIndex = -1;
int NameIndexOf(Kind kind);
// Whether Find retrieves candidates through the kind's names.
bool BlocksOnNames(Kind kind);

// A calendar date known to the year, month or day (0 = unknown part).
struct PartialDate {
  uint16_t year = 0;
  uint8_t month = 0;
  uint8_t day = 0;
  bool known() const { return year != 0; }
};

// "YYYY", "YYYY-MM", "YYYY-MM-DD" (anything after the day, like a time, is ignored). Unknown when
// malformed.
PartialDate ParsePartialDate(std::string_view text);

enum class DateMatch : uint8_t {
  kUnknown,       // one side missing
  kExact,         // same day
  kSwapped,       // same year, day and month swapped
  kMonth,         // same year and month, a day missing on one side
  kYear,          // same year, month missing on one side
  kDayMismatch,   // same year, different month or day
  kYearMismatch,  // different years
};
DateMatch CompareDates(PartialDate a, PartialDate b, int year_tolerance);

enum class Gender : uint8_t { kUnknown, kFemale, kMale };

enum class IdKind : uint8_t {
  kDocument,
  kImo,
  kMmsi,
  kCallSign,
  kIban,
  kAccountNumber,
  kLei,
  kRegistrationNumber,
  kAircraftRegistration,
  kIcao24,
};

struct Identifier {
  IdKind kind;
  std::string value;  // normalised
};

// Country code packed in 16 bits ('F' << 8 | 'R'); 0 = unknown.
using CountryCode = uint16_t;
CountryCode ParseCountry(std::string_view text);

struct RecordFeatures {
  Kind kind = Kind::kOther;
  std::vector<TokenisedName> names;  // the name first when there is one, then aliases
  bool has_primary_name = false;     // names[0] is the name (not an alias)
  PartialDate birth_date;            // Person birth_date, Document holder_birth_date
  // Person "birth_dates": further possible dates (watchlists list several); any may match.
  std::vector<PartialDate> other_birth_dates;
  std::array<CountryCode, 2> countries{};  // Person nationality, Organisation country
  CountryCode issuing_country = 0;         // Document
  Gender gender = Gender::kUnknown;
  std::string bic;  // Account: the first 8 characters of a valid BIC
  std::vector<Identifier> ids;
};

// Reads the properties of a record. InvalidArgument when they are not a JSON object or a known
// property has the wrong JSON type. Records of other types give kind kOther and nothing else.
Result<RecordFeatures> ExtractFeatures(const core::Record& record, size_t min_document_length);

}  // namespace issa::matching::detail
