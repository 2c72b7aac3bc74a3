#include "record_features.h"

#include <cstdlib>
#include <utility>

#include <nlohmann/json.hpp>

#include "issa/matching/identifiers.h"

namespace issa::matching::detail {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxNames = 16;
constexpr size_t kMaxIds = 24;

Status WrongType(std::string_view field, std::string_view expected) {
  return InvalidArgument(std::string(field) + " must be " + std::string(expected),
                         "properties." + std::string(field));
}

// The string value of an optional string property; nullptr when absent or null.
Result<const std::string*> OptionalString(const Json& props, const char* field) {
  const auto it = props.find(field);
  if (it == props.end() || it->is_null()) return static_cast<const std::string*>(nullptr);
  if (!it->is_string()) return WrongType(field, "a string");
  return &it->get_ref<const std::string&>();
}

// A string, or an array of strings (nationality may hold several).
Status StringOrStrings(const Json& props, const char* field, std::vector<std::string_view>& out) {
  const auto it = props.find(field);
  if (it == props.end() || it->is_null()) return Status::Ok();
  if (it->is_string()) {
    out.push_back(it->get_ref<const std::string&>());
    return Status::Ok();
  }
  if (!it->is_array()) return WrongType(field, "a string or an array of strings");
  for (const Json& v : *it) {
    if (!v.is_string()) return WrongType(field, "a string or an array of strings");
    out.push_back(v.get_ref<const std::string&>());
  }
  return Status::Ok();
}

Status Strings(const Json& props, const char* field, std::vector<std::string_view>& out) {
  const auto it = props.find(field);
  if (it == props.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return WrongType(field, "an array of strings");
  for (const Json& v : *it) {
    if (!v.is_string()) return WrongType(field, "an array of strings");
    out.push_back(v.get_ref<const std::string&>());
  }
  return Status::Ok();
}

// A string or a non-negative integer (IMO and MMSI numbers are sometimes sent as numbers).
Result<std::string> StringOrNumber(const Json& props, const char* field) {
  const auto it = props.find(field);
  if (it == props.end() || it->is_null()) return std::string();
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_unsigned()) return std::to_string(it->get<uint64_t>());
  return WrongType(field, "a string");
}

void AddName(RecordFeatures& f, std::string_view text, NameClass cls) {
  if (f.names.size() >= kMaxNames) return;
  TokenisedName name = TokeniseName(text, cls);
  if (name.regular == 0) return;
  for (const TokenisedName& other : f.names) {
    if (other.regular == name.regular && JoinParts(other) == JoinParts(name)) return;
  }
  f.names.push_back(std::move(name));
}

void AddId(RecordFeatures& f, IdKind kind, std::string value) {
  if (value.empty() || f.ids.size() >= kMaxIds) return;
  for (const Identifier& id : f.ids) {
    if (id.kind == kind && id.value == value) return;
  }
  f.ids.push_back(Identifier{kind, std::move(value)});
}

void AddDocumentNumber(RecordFeatures& f, IdKind kind, std::string_view text, size_t min_length) {
  std::string value = NormaliseIdentifier(text);
  if (value.size() >= min_length) AddId(f, kind, std::move(value));
}

Gender ParseGender(std::string_view s) {
  if (s == "female" || s == "f" || s == "F" || s == "Female") return Gender::kFemale;
  if (s == "male" || s == "m" || s == "M" || s == "Male") return Gender::kMale;
  return Gender::kUnknown;
}

bool ParseDigits(std::string_view s, int& out) {
  if (s.empty()) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return kDays[month - 1];
}

Status ExtractPersonLike(const Json& props, RecordFeatures& f, size_t min_doc) {
  ISSA_ASSIGN_OR_RETURN(const std::string* name, OptionalString(props, "name"));
  if (name != nullptr) {
    AddName(f, *name, NameClass::kPerson);
    f.has_primary_name = !f.names.empty();
  }
  std::vector<std::string_view> list;
  ISSA_RETURN_IF_ERROR(Strings(props, "aliases", list));
  for (std::string_view alias : list) AddName(f, alias, NameClass::kPerson);
  ISSA_ASSIGN_OR_RETURN(const std::string* birth_date, OptionalString(props, "birth_date"));
  if (birth_date != nullptr) f.birth_date = ParsePartialDate(*birth_date);
  list.clear();
  ISSA_RETURN_IF_ERROR(Strings(props, "birth_dates", list));
  for (std::string_view d : list) {
    const PartialDate date = ParsePartialDate(d);
    if (!date.known()) continue;
    if (!f.birth_date.known()) {
      f.birth_date = date;
    } else if (date.year != f.birth_date.year || date.month != f.birth_date.month ||
               date.day != f.birth_date.day) {
      f.other_birth_dates.push_back(date);
    }
  }
  list.clear();
  ISSA_RETURN_IF_ERROR(StringOrStrings(props, "nationality", list));
  size_t n = 0;
  for (std::string_view c : list) {
    const CountryCode code = ParseCountry(c);
    if (code != 0 && n < f.countries.size()) f.countries[n++] = code;
  }
  ISSA_ASSIGN_OR_RETURN(const std::string* gender, OptionalString(props, "gender"));
  if (gender != nullptr) f.gender = ParseGender(*gender);
  list.clear();
  ISSA_RETURN_IF_ERROR(Strings(props, "document_numbers", list));
  for (std::string_view d : list) AddDocumentNumber(f, IdKind::kDocument, d, min_doc);
  // birth_place is not compared (spellings of places vary too much to be evidence here).
  ISSA_ASSIGN_OR_RETURN(const std::string* birth_place, OptionalString(props, "birth_place"));
  (void)birth_place;
  return Status::Ok();
}

Status ExtractOrganisation(const Json& props, RecordFeatures& f) {
  ISSA_ASSIGN_OR_RETURN(const std::string* name, OptionalString(props, "name"));
  if (name != nullptr) {
    AddName(f, *name, NameClass::kOrganisation);
    f.has_primary_name = !f.names.empty();
  }
  std::vector<std::string_view> list;
  ISSA_RETURN_IF_ERROR(Strings(props, "aliases", list));
  for (std::string_view alias : list) AddName(f, alias, NameClass::kOrganisation);
  ISSA_ASSIGN_OR_RETURN(const std::string* reg, OptionalString(props, "registration_number"));
  if (reg != nullptr) {
    std::string value = NormaliseIdentifier(*reg);
    if (value.size() >= 4) AddId(f, IdKind::kRegistrationNumber, std::move(value));
  }
  ISSA_ASSIGN_OR_RETURN(const std::string* lei, OptionalString(props, "lei"));
  if (lei != nullptr) AddId(f, IdKind::kLei, NormaliseLei(*lei));
  ISSA_ASSIGN_OR_RETURN(const std::string* country, OptionalString(props, "country"));
  if (country != nullptr) f.countries[0] = ParseCountry(*country);
  return Status::Ok();
}

Status ExtractVessel(const Json& props, RecordFeatures& f) {
  ISSA_ASSIGN_OR_RETURN(const std::string* name, OptionalString(props, "name"));
  if (name != nullptr) {
    AddName(f, *name, NameClass::kVessel);
    f.has_primary_name = !f.names.empty();
  }
  ISSA_ASSIGN_OR_RETURN(const std::string imo, StringOrNumber(props, "imo"));
  AddId(f, IdKind::kImo, NormaliseImo(imo));
  ISSA_ASSIGN_OR_RETURN(const std::string mmsi, StringOrNumber(props, "mmsi"));
  AddId(f, IdKind::kMmsi, NormaliseMmsi(mmsi));
  ISSA_ASSIGN_OR_RETURN(const std::string* call_sign, OptionalString(props, "call_sign"));
  if (call_sign != nullptr) {
    std::string value = NormaliseIdentifier(*call_sign);
    if (value.size() >= 3) AddId(f, IdKind::kCallSign, std::move(value));
  }
  ISSA_ASSIGN_OR_RETURN(const std::string* flag, OptionalString(props, "flag"));
  (void)flag;  // vessels change flags: neither evidence nor contradiction
  return Status::Ok();
}

Status ExtractAircraft(const Json& props, RecordFeatures& f) {
  ISSA_ASSIGN_OR_RETURN(const std::string* reg, OptionalString(props, "registration"));
  if (reg != nullptr) {
    std::string value = NormaliseIdentifier(*reg);
    if (value.size() >= 3) AddId(f, IdKind::kAircraftRegistration, std::move(value));
  }
  ISSA_ASSIGN_OR_RETURN(const std::string* icao24, OptionalString(props, "icao24"));
  if (icao24 != nullptr) AddId(f, IdKind::kIcao24, NormaliseIcao24(*icao24));
  ISSA_ASSIGN_OR_RETURN(const std::string* op, OptionalString(props, "operator"));
  (void)op;
  return Status::Ok();
}

Status ExtractDocument(const Json& props, RecordFeatures& f, size_t min_doc) {
  ISSA_ASSIGN_OR_RETURN(const std::string* number, OptionalString(props, "number"));
  if (number != nullptr) AddDocumentNumber(f, IdKind::kDocument, *number, min_doc);
  ISSA_ASSIGN_OR_RETURN(const std::string* country, OptionalString(props, "issuing_country"));
  if (country != nullptr) f.issuing_country = ParseCountry(*country);
  ISSA_ASSIGN_OR_RETURN(const std::string* holder, OptionalString(props, "holder_name"));
  if (holder != nullptr) {
    AddName(f, *holder, NameClass::kPerson);
    f.has_primary_name = !f.names.empty();
  }
  ISSA_ASSIGN_OR_RETURN(const std::string* dob, OptionalString(props, "holder_birth_date"));
  if (dob != nullptr) f.birth_date = ParsePartialDate(*dob);
  ISSA_ASSIGN_OR_RETURN(const std::string* type, OptionalString(props, "document_type"));
  (void)type;
  return Status::Ok();
}

Status ExtractAccount(const Json& props, RecordFeatures& f, size_t min_doc) {
  ISSA_ASSIGN_OR_RETURN(const std::string* iban, OptionalString(props, "iban"));
  if (iban != nullptr) AddId(f, IdKind::kIban, NormaliseIban(*iban));
  ISSA_ASSIGN_OR_RETURN(const std::string* bic, OptionalString(props, "bic"));
  if (bic != nullptr) {
    const std::string value = NormaliseBic(*bic);
    if (!value.empty()) f.bic = value.substr(0, 8);
  }
  ISSA_ASSIGN_OR_RETURN(const std::string* number, OptionalString(props, "account_number"));
  if (number != nullptr) AddDocumentNumber(f, IdKind::kAccountNumber, *number, min_doc);
  ISSA_ASSIGN_OR_RETURN(const std::string* holder, OptionalString(props, "holder_name"));
  if (holder != nullptr) {
    AddName(f, *holder, NameClass::kPerson);
    f.has_primary_name = !f.names.empty();
  }
  ISSA_ASSIGN_OR_RETURN(const std::string* institution, OptionalString(props, "institution"));
  (void)institution;
  return Status::Ok();
}

}  // namespace

Kind KindOf(std::string_view type) {
  if (type == "Person") return Kind::kPerson;
  if (type == "Organisation") return Kind::kOrganisation;
  if (type == "Vessel") return Kind::kVessel;
  if (type == "Aircraft") return Kind::kAircraft;
  if (type == "Document") return Kind::kDocument;
  if (type == "Account") return Kind::kAccount;
  return Kind::kOther;
}

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kPerson:
      return "Person";
    case Kind::kOrganisation:
      return "Organisation";
    case Kind::kVessel:
      return "Vessel";
    case Kind::kAircraft:
      return "Aircraft";
    case Kind::kDocument:
      return "Document";
    case Kind::kAccount:
      return "Account";
    case Kind::kOther:
      break;
  }
  return "";
}

bool Comparable(Kind a, Kind b) {
  if (a == Kind::kOther || b == Kind::kOther) return false;
  if (a == b) return true;
  const bool a_person = a == Kind::kPerson || a == Kind::kDocument;
  const bool b_person = b == Kind::kPerson || b == Kind::kDocument;
  return a_person && b_person;
}

int NameIndexOf(Kind kind) {
  switch (kind) {
    case Kind::kPerson:
    case Kind::kDocument:
      return kPersonIndex;
    case Kind::kOrganisation:
      return kOrganisationIndex;
    case Kind::kVessel:
      return kVesselIndex;
    case Kind::kAccount:
      return kHolderIndex;
    case Kind::kAircraft:
    case Kind::kOther:
      break;
  }
  return kNoNameIndex;
}

bool BlocksOnNames(Kind kind) {
  return kind == Kind::kPerson || kind == Kind::kDocument || kind == Kind::kOrganisation ||
         kind == Kind::kVessel;
}

PartialDate ParsePartialDate(std::string_view text) {
  PartialDate d;
  int year = 0;
  if (text.size() < 4 || !ParseDigits(text.substr(0, 4), year) || year < 1) return d;
  int month = 0;
  int day = 0;
  if (text.size() >= 7) {
    if (text[4] != '-' || !ParseDigits(text.substr(5, 2), month) || month < 1 || month > 12) {
      return d;
    }
    if (text.size() >= 10) {
      if (text[7] != '-' || !ParseDigits(text.substr(8, 2), day) || day < 1 ||
          day > DaysInMonth(year, month)) {
        return d;
      }
    } else if (text.size() != 7) {
      return d;
    }
  } else if (text.size() != 4) {
    return d;
  }
  d.year = static_cast<uint16_t>(year);
  d.month = static_cast<uint8_t>(month);
  d.day = static_cast<uint8_t>(day);
  return d;
}

DateMatch CompareDates(PartialDate a, PartialDate b, int year_tolerance) {
  if (!a.known() || !b.known()) return DateMatch::kUnknown;
  if (std::abs(static_cast<int>(a.year) - static_cast<int>(b.year)) > year_tolerance) {
    return DateMatch::kYearMismatch;
  }
  if (a.year != b.year) {  // within the tolerance: at best a year-level agreement
    if ((a.month != 0 && b.month != 0 && a.month != b.month) ||
        (a.day != 0 && b.day != 0 && a.day != b.day)) {
      return DateMatch::kDayMismatch;
    }
    return DateMatch::kYear;
  }
  if (a.month == 0 || b.month == 0) return DateMatch::kYear;
  if (a.day != 0 && b.day != 0) {
    if (a.month == b.month && a.day == b.day) return DateMatch::kExact;
    if (a.month == b.day && a.day == b.month) return DateMatch::kSwapped;
    return DateMatch::kDayMismatch;
  }
  return a.month == b.month ? DateMatch::kMonth : DateMatch::kDayMismatch;
}

CountryCode ParseCountry(std::string_view text) {
  if (text.size() != 2) return 0;
  auto up = [](char c) -> int {
    if (c >= 'a' && c <= 'z') return c - 'a' + 'A';
    if (c >= 'A' && c <= 'Z') return c;
    return 0;
  };
  const int a = up(text[0]);
  const int b = up(text[1]);
  if (a == 0 || b == 0) return 0;
  return static_cast<CountryCode>((a << 8) | b);
}

Result<RecordFeatures> ExtractFeatures(const core::Record& record, size_t min_document_length) {
  RecordFeatures f;
  f.kind = KindOf(record.type);
  if (f.kind == Kind::kOther) return f;
  const Json props = Json::parse(record.properties_json, nullptr, /*allow_exceptions=*/false);
  if (props.is_discarded() || !props.is_object()) {
    return InvalidArgument("properties are not a JSON object", "properties");
  }
  switch (f.kind) {
    case Kind::kPerson:
      ISSA_RETURN_IF_ERROR(ExtractPersonLike(props, f, min_document_length));
      break;
    case Kind::kOrganisation:
      ISSA_RETURN_IF_ERROR(ExtractOrganisation(props, f));
      break;
    case Kind::kVessel:
      ISSA_RETURN_IF_ERROR(ExtractVessel(props, f));
      break;
    case Kind::kAircraft:
      ISSA_RETURN_IF_ERROR(ExtractAircraft(props, f));
      break;
    case Kind::kDocument:
      ISSA_RETURN_IF_ERROR(ExtractDocument(props, f, min_document_length));
      break;
    case Kind::kAccount:
      ISSA_RETURN_IF_ERROR(ExtractAccount(props, f, min_document_length));
      break;
    case Kind::kOther:
      break;
  }
  return f;
}

}  // namespace issa::matching::detail
