#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "issa/core/status.h"

// JSON helpers of the HTTP layer: input checks before anything reaches the node, and escaping
// for the few documents the layer renders itself.
namespace issa::api {

// Nesting depth accepted in request bodies (nlohmann's parser recurses).
constexpr int kMaxJsonDepth = 64;

// Well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// InvalidArgument naming `field` unless `text` is valid UTF-8, nests at most `max_depth` deep
// and parses as JSON; the message gives the byte offset of a syntax error.
Result<nlohmann::json> ParseJson(std::string_view text, std::string_view field,
                                 int max_depth = kMaxJsonDepth);

// As ParseJson, and the document must be an object.
Result<nlohmann::json> ParseJsonObject(std::string_view text, std::string_view field);

// A JSON string literal for `s`, invalid UTF-8 replaced by U+FFFD.
std::string JsonQuote(std::string_view s);
void AppendJsonQuoted(std::string& out, std::string_view s);

// `s` cut to at most `max_bytes`, for logs and audit details: invalid UTF-8 and control
// characters are replaced by \xNN escapes.
std::string SafeText(std::string_view s, size_t max_bytes);

// Compact serialisation that never throws (invalid UTF-8 replaced).
std::string Dump(const nlohmann::json& j);

}  // namespace issa::api
