#pragma once

// Helpers shared by the service's translation units.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "issa/core/model.h"
#include "issa/core/status.h"
#include "issa/node/node.h"

namespace issa::piu::detail {

std::string Dump(const nlohmann::json& j);
// The properties of a record as JSON (an empty object when unreadable).
nlohmann::json Properties(const core::Record& record);
// A request body: InvalidArgument on "body" unless a JSON object.
Result<nlohmann::json> ParseBody(std::string_view body);
// A string member, or "" when absent or not a string.
std::string Str(const nlohmann::json& j, const char* field);
// A boolean member: `fallback` when absent, InvalidArgument naming it when not a boolean.
Result<bool> Bool(const nlohmann::json& j, const char* field, bool fallback);
// Every current record of a type the caller may see (all pages).
Result<std::vector<core::Record>> ListAll(node::Node& node, const node::Context& ctx,
                                          const std::string& type);
// The body's "handling", or LIMITED, owner-only, for `purpose`.
nlohmann::json HandlingOr(const nlohmann::json& body, const char* purpose);

}  // namespace issa::piu::detail
