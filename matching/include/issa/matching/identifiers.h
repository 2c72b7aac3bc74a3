#pragma once

#include <string>
#include <string_view>

// Normalisation and check-digit validation of the identifiers used by cross-matching. Pure
// functions; thread-safe.
namespace issa::matching {

// Upper-case ASCII letters and digits only: spaces, dashes, dots, slashes and any other character
// are dropped ("ab 12-345/6" -> "AB123456").
std::string NormaliseIdentifier(std::string_view text);

// IMO ship number: 7 digits (an "IMO" prefix is allowed) whose last digit is the sum of the first
// six multiplied by 7..2, modulo 10. Returns the 7 digits, or "" when invalid.
std::string NormaliseImo(std::string_view text);
bool IsValidImo(std::string_view text);

// MMSI: exactly 9 digits after normalisation. Returns them, or "" when invalid.
std::string NormaliseMmsi(std::string_view text);
bool IsValidMmsi(std::string_view text);

// IBAN: country code, 2 check digits, up to 30 letters/digits, 15-34 characters in all, ISO 7064
// mod 97-10 (remainder 1). Returns the upper-case electronic form, or "" when invalid.
std::string NormaliseIban(std::string_view text);
bool IsValidIban(std::string_view text);

// BIC (ISO 9362): 4 letters (institution), 2 letters (country), 2 letters/digits (location),
// optionally 3 letters/digits (branch). Returns the 8 or 11 upper-case characters, or "".
std::string NormaliseBic(std::string_view text);
bool IsValidBic(std::string_view text);

// LEI (ISO 17442): 18 letters/digits and 2 check digits, ISO 7064 mod 97-10. Returns the 20
// upper-case characters, or "".
std::string NormaliseLei(std::string_view text);
bool IsValidLei(std::string_view text);

// ICAO 24-bit aircraft address: 6 hexadecimal digits, not all zero. Returns lower-case hex or "".
std::string NormaliseIcao24(std::string_view text);

}  // namespace issa::matching
