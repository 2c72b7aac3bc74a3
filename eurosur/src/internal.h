#pragma once

// Helpers shared by the service's translation units.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "issa/core/model.h"
#include "issa/core/status.h"
#include "issa/maritime/actor.h"
#include "issa/maritime/event_reports.h"
#include "issa/maritime/impact_levels.h"
#include "issa/node/node.h"

namespace issa::eurosur::detail {

// Whether a GeoJSON Polygon or MultiPolygon holds the point (even-odd rule; holes respected).
bool GeometryContains(const nlohmann::json& geometry, double lat, double lon);

// The authorities of the node and the roles EUROSUR gives them.
struct Directory {
  std::vector<core::Authority> authorities;
  // The Agency (Frontex): an eu-agency authority that is also a border authority, or the only
  // eu-agency when none is.
  std::optional<std::string> agency;
  // The member state's NCC: its border authority named "<CC>-NCC", else its only border authority.
  std::optional<std::string> NccOf(std::string_view country) const;
  const core::Authority* Find(std::string_view id) const;
};

Result<Directory> LoadDirectory(node::Node& node, const node::Context& ctx);
// The EUROSUR actor of the caller. PermissionDenied when its authority is unknown.
Result<maritime::Actor> ActorOf(const Directory& dir, const node::Context& ctx);

// Every current record of a type the caller may see (all pages), optionally in a box.
Result<std::vector<core::Record>> ListAll(node::Node& node, const node::Context& ctx,
                                          const std::string& type,
                                          const std::optional<core::BBox>& bbox = std::nullopt);

// The properties of a record as JSON (an empty object when unreadable).
nlohmann::json Properties(const core::Record& record);

// Event reports among the caller's visible Event records (first reports only, not follow-ups).
struct EventRecord {
  core::Record record;
  nlohmann::json properties;
  maritime::EventReport report;
};
Result<std::vector<EventRecord>> LoadEvents(node::Node& node, const node::Context& ctx,
                                            const std::optional<core::BBox>& bbox);

std::string Dump(const nlohmann::json& j);

// The newest stored state (highest seq) of each section among SectionImpact records.
std::map<std::string, nlohmann::json> LatestImpactStates(const std::vector<core::Record>& impacts);
// {"level","level_since","critical_until","open_proposal"} of a section as of `now` (due
// expiries applied); nulls when the section has no state the caller may see.
nlohmann::json CurrentLevel(const std::map<std::string, nlohmann::json>& latest,
                            const std::string& section_id, core::Timestamp now,
                            const maritime::WorkflowSettings& settings);

}  // namespace issa::eurosur::detail
