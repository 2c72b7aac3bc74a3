#include "json_util.h"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "issa/core/text.h"

namespace issa::api {

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) <= n) return false;
    for (size_t i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0u) != 0x80u) return false;
      cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

Result<nlohmann::json> ParseJson(std::string_view text, std::string_view field, int max_depth) {
  const std::string f(field);
  if (!IsValidUtf8(text)) return InvalidArgument(f + " is not valid UTF-8", f);
  if (core::JsonNestsDeeperThan(text, max_depth)) {
    return InvalidArgument(fmt::format("{} nests deeper than {} levels", f, max_depth), f);
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Find the offset of the error with the exception-throwing parser (error path only).
    std::string where;
    try {
      const nlohmann::json again = nlohmann::json::parse(text);
      (void)again;
    } catch (const nlohmann::json::parse_error& e) {
      where = fmt::format(" at byte {}", e.byte);
    } catch (const std::exception&) {
    }
    return InvalidArgument(fmt::format("{} is not valid JSON{}", f, where), f);
  }
  return j;
}

Result<nlohmann::json> ParseJsonObject(std::string_view text, std::string_view field) {
  ISSA_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(text, field));
  if (!j.is_object()) {
    return InvalidArgument(fmt::format("{} must be a JSON object", field), std::string(field));
  }
  return j;
}

void AppendJsonQuoted(std::string& out, std::string_view s) {
  if (!IsValidUtf8(s)) {
    out += nlohmann::json(std::string(s))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  core::AppendJsonString(out, s);
}

std::string JsonQuote(std::string_view s) {
  std::string out;
  AppendJsonQuoted(out, s);
  return out;
}

std::string SafeText(std::string_view s, size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  size_t i = 0;
  while (i < s.size() && out.size() < max_bytes) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 1;
    if (c >= 0x80) {
      len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (i + len > s.size() || !IsValidUtf8(s.substr(i, len))) len = 0;
    } else if (c < 0x20 || c == 0x7F) {
      len = 0;
    }
    if (len == 0) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace issa::api
