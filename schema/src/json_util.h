#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "issa/core/geo.h"
#include "issa/core/status.h"

namespace issa::schema {

// Parses a request body: valid UTF-8, well-formed JSON, an object. Errors name "body" and the
// byte offset.
Result<nlohmann::json> ParseJsonObject(std::string_view text);

Result<core::BBox> GeometryBBoxOf(const nlohmann::json& geometry);

}  // namespace issa::schema
