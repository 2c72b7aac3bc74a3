#pragma once

// JSON forms of the maritime workflow values, as kept in record properties (times are ms since
// the epoch). Reading back a malformed stored form is DataLoss.

#include <nlohmann/json.hpp>

#include "issa/core/status.h"
#include "issa/maritime/event_reports.h"
#include "issa/maritime/impact_levels.h"

namespace issa::eurosur::detail {

nlohmann::json ToJson(const maritime::LevelSuggestion& s);
nlohmann::json ToJson(const maritime::SectionImpactState& s);
nlohmann::json ToJson(const maritime::ReactionTask& t);
nlohmann::json ToJson(const maritime::EventReport& e);
nlohmann::json ToJson(const maritime::InformationRequest& r);
nlohmann::json ToJson(const maritime::RfiAnswer& a);

Result<maritime::SectionImpactState> ImpactStateFromJson(const nlohmann::json& j);
Result<maritime::EventReport> EventReportFromJson(const nlohmann::json& j);
Result<maritime::InformationRequest> RequestFromJson(const nlohmann::json& j);
Result<maritime::RfiAnswer> AnswerFromJson(const nlohmann::json& j);

}  // namespace issa::eurosur::detail
