#pragma once

// Typed reads of JSON members with errors naming the field (private to issa::cyber).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "issa/core/status.h"
#include "issa/core/text.h"
#include "issa/core/time.h"

namespace issa::cyber::detail {

constexpr int kMaxJsonDepth = 64;

// Parses text as JSON (depth-limited, no exceptions); InvalidArgument on `field`.
inline Result<nlohmann::json> ParseJson(std::string_view text, const std::string& field) {
  if (core::JsonNestsDeeperThan(text, kMaxJsonDepth)) {
    return InvalidArgument("nests deeper than 64 levels", field);
  }
  auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidArgument("is not valid JSON", field);
  return doc;
}

// The string value of a member, or "" when absent or not a string (never throws).
inline std::string StringOr(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return {};
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline std::string Join(const std::string& prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

// A string member; "" when absent; InvalidArgument when present but not a string, or when
// `required` and absent or empty.
inline Result<std::string> StringMember(const nlohmann::json& obj, std::string_view key,
                                        const std::string& prefix, bool required = false) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) return InvalidArgument("is required", Join(prefix, key));
    return std::string();
  }
  if (!it->is_string()) return InvalidArgument("must be a string", Join(prefix, key));
  auto value = it->get<std::string>();
  if (required && value.empty()) return InvalidArgument("must not be empty", Join(prefix, key));
  return value;
}

inline Result<std::vector<std::string>> StringArrayMember(const nlohmann::json& obj,
                                                          std::string_view key,
                                                          const std::string& prefix) {
  std::vector<std::string> out;
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_array()) return InvalidArgument("must be an array", Join(prefix, key));
  for (size_t i = 0; i < it->size(); ++i) {
    const auto& v = (*it)[i];
    if (!v.is_string()) {
      return InvalidArgument("must be a string", Join(prefix, key) + "[" + std::to_string(i) + "]");
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

inline Result<std::optional<core::Timestamp>> TimeMember(const nlohmann::json& obj,
                                                         std::string_view key,
                                                         const std::string& prefix) {
  ISSA_ASSIGN_OR_RETURN(const std::string text, StringMember(obj, key, prefix));
  if (text.empty()) return std::optional<core::Timestamp>();
  auto t = core::ParseTimestamp(text);
  if (!t.ok()) return InvalidArgument("must be an RFC 3339 date-time", Join(prefix, key));
  return std::optional<core::Timestamp>(*t);
}

}  // namespace issa::cyber::detail
