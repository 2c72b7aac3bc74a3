#pragma once

// JSON text to an nlohmann tree through simdjson's parser (private to issa::cyber): the tree is
// the one nlohmann::json::parse builds (same values, number kinds, last duplicate key wins);
// text that simdjson refuses, or whose tree could differ (a "-0" number, integers beyond 64
// bits), goes through nlohmann's own parser, so the verdict on invalid JSON is nlohmann's.

#include <string_view>

#include <nlohmann/json.hpp>

namespace issa::cyber::detail {

// Like nlohmann::json::parse(text, nullptr, false): a discarded value when the text is not JSON.
nlohmann::json ParseJsonFast(std::string_view text);

// The text `value.dump()` writes (compact, keys in the map's order, strings as nlohmann escapes
// them with ensure_ascii off), without its serializer's per-character work. Strings must be
// valid UTF-8 (as every parsed value's are).
std::string CanonicalJson(const nlohmann::json& value);

}  // namespace issa::cyber::detail
