#pragma once

// Helpers shared by the service's translation units.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "issa/core/model.h"
#include "issa/core/status.h"
#include "issa/node/node.h"
#include "issa/travel/screening.h"

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

// The screening subject of a Passenger, RegisteredTraveller or Person record's properties.
travel::Subject SubjectOf(const nlohmann::json& properties);
// A hit's features as [{"feature","outcome": matches|contradicts}]; "linked_designation" also
// names the candidate it follows ("linked_from").
nlohmann::json HitFeatures(const travel::ScreeningHit& hit);

// The record a ScreeningMatch is about: its "subject" property, else its "about" link (a match
// created in one batch with its subject).
std::string MatchSubject(const core::Record& match);

// What queueing a match would do: the active suppression of the caller's authority that holds
// it back (same subject fingerprint, list, entry, version), or the ScreeningMatch record JSON
// (pending, linked "about" `subject_target`: a record id or "@<index>" of the same batch).
// `request` is the QueueMatch body (source, list, entry_id, version, score, features,
// entry_name). InvalidArgument naming the field.
struct MatchPlan {
  std::string suppression;  // set when held back
  nlohmann::json record;
};
Result<MatchPlan> PlanMatch(const nlohmann::json& request, const nlohmann::json& subject_props,
                            std::string_view subject_type, std::string_view subject_target,
                            const nlohmann::json& handling,
                            const std::vector<core::Record>& suppressions,
                            std::string_view authority, std::string_view now);

}  // namespace issa::piu::detail
