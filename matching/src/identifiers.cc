#include "issa/matching/identifiers.h"

#include <cstdint>

namespace issa::matching {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlnumUpper(char c) { return IsDigit(c) || IsUpper(c); }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return !s.empty();
}

// ISO 7064 mod 97-10 over letters (A=10 ... Z=35) and digits; true when the remainder is 1.
bool Mod97IsOne(std::string_view s) {
  uint32_t rest = 0;
  for (char c : s) {
    if (IsDigit(c)) {
      rest = (rest * 10 + static_cast<uint32_t>(c - '0')) % 97;
    } else if (IsUpper(c)) {
      const uint32_t v = static_cast<uint32_t>(c - 'A') + 10;
      rest = (rest * 100 + v) % 97;
    } else {
      return false;
    }
  }
  return rest == 1;
}

}  // namespace

std::string NormaliseIdentifier(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c - 'a' + 'A'));
    } else if (IsAlnumUpper(c)) {
      out.push_back(c);
    }
  }
  return out;
}

std::string NormaliseImo(std::string_view text) {
  std::string s = NormaliseIdentifier(text);
  if (s.size() > 3 && s.compare(0, 3, "IMO") == 0) s.erase(0, 3);
  if (s.size() != 7 || !AllDigits(s)) return {};
  int sum = 0;
  for (int i = 0; i < 6; ++i) sum += (s[static_cast<size_t>(i)] - '0') * (7 - i);
  if (sum % 10 != s[6] - '0') return {};
  return s;
}

bool IsValidImo(std::string_view text) { return !NormaliseImo(text).empty(); }

std::string NormaliseMmsi(std::string_view text) {
  std::string s = NormaliseIdentifier(text);
  if (s.size() != 9 || !AllDigits(s) || s == "000000000") return {};
  return s;
}

bool IsValidMmsi(std::string_view text) { return !NormaliseMmsi(text).empty(); }

std::string NormaliseIban(std::string_view text) {
  std::string s = NormaliseIdentifier(text);
  if (s.size() > 4 && s.compare(0, 4, "IBAN") == 0) s.erase(0, 4);
  if (s.size() < 15 || s.size() > 34) return {};
  if (!IsUpper(s[0]) || !IsUpper(s[1]) || !IsDigit(s[2]) || !IsDigit(s[3])) return {};
  std::string rearranged = s.substr(4);
  rearranged.append(s, 0, 4);
  if (!Mod97IsOne(rearranged)) return {};
  return s;
}

bool IsValidIban(std::string_view text) { return !NormaliseIban(text).empty(); }

std::string NormaliseBic(std::string_view text) {
  std::string s = NormaliseIdentifier(text);
  if (s.size() != 8 && s.size() != 11) return {};
  for (size_t i = 0; i < 6; ++i) {
    if (!IsUpper(s[i])) return {};
  }
  return s;
}

bool IsValidBic(std::string_view text) { return !NormaliseBic(text).empty(); }

std::string NormaliseLei(std::string_view text) {
  std::string s = NormaliseIdentifier(text);
  if (s.size() != 20 || !IsDigit(s[18]) || !IsDigit(s[19]) || !Mod97IsOne(s)) return {};
  return s;
}

bool IsValidLei(std::string_view text) { return !NormaliseLei(text).empty(); }

std::string NormaliseIcao24(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    if (IsDigit(c) || (c >= 'a' && c <= 'f')) {
      out.push_back(c);
    } else if (c >= 'A' && c <= 'F') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      return {};
    }
  }
  if (out.size() != 6 || out == "000000") return {};
  return out;
}

}  // namespace issa::matching
