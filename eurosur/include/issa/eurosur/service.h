#pragma once

// EUROSUR as a service over the node (issue 4, items 5-7): border sections and their impact
// levels (Arts 34-35 of Reg. (EU) 2019/1896), event reports with follow-ups and requests for
// information (Impl. Reg. (EU) 2021/581), and the national, European and operation situational
// pictures with their events, operational and analysis layers as GeoJSON.
//
// Every read and write goes through node::Node with the caller's Context, so the access decision
// and the audit entry of each stay in the node; the pure rules of issa::maritime decide who may
// take which workflow step. State lives in records (docs/adr/0006-eurosur-service.md):
// BorderSection, SectionImpact (one record per workflow step; the newest is the state), Task
// (Art. 35 reactions), Event (reports; follow-ups linked), Report (requests for information and
// their answers, analytical reports), Asset (operational layer).
//
// Methods take JSON request bodies as text and return JSON (or GeoJSON) text. Errors:
// InvalidArgument naming the field, PermissionDenied (role or workflow rule), NotFound (missing or
// not visible), FailedPrecondition (what the state allows), plus whatever the node returns.
// Thread-safe: workflow steps on impact levels and events are serialised by one mutex so that two
// steps never build on the same state.

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "issa/core/geo.h"
#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/maritime/hotspots.h"
#include "issa/maritime/impact_levels.h"
#include "issa/node/node.h"

namespace issa::eurosur {

struct EurosurOptions {
  maritime::WorkflowSettings workflow;      // agency_authority is replaced by the node's agency
  maritime::SuggestionSettings suggestion;  // proposal from incidents (rolling window)
  double hotspot_cell_size_m = 5'000;
  double hotspot_min_confidence = 0.95;
  core::Timestamp hotspot_default_period_ms = 30 * core::kMsPerDay;  // when no since is given
};

enum class PictureKind { kNational, kEuropean, kOperation };
enum class Layer { kEvents, kOperational, kAnalysis };

struct PictureRef {
  PictureKind kind = PictureKind::kNational;
  std::string operation_id;  // for kOperation: a sharing group or JIT id
};

// Filters of a layer: geometry bbox intersects; time in [since, until) (event: occurred_at;
// asset: reported_at or last update; section level: always shown; hot spots: the period).
struct LayerQuery {
  std::optional<core::BBox> bbox;
  std::optional<core::Timestamp> since;
  std::optional<core::Timestamp> until;
};

// Parses "national", "european" or an operation (group) id.
Result<PictureRef> ParsePictureRef(std::string_view text);
Result<Layer> ParseLayer(std::string_view text);

class EurosurService {
 public:
  // `node` is borrowed and must outlive the service.
  explicit EurosurService(node::Node& node, EurosurOptions options = {});

  // ---- Border sections and impact levels ----
  // Imports a GeoJSON FeatureCollection (docs/formats/border-sections.md): a BorderSection
  // record and an initial SectionImpact (low) per section, in one transaction. The member
  // state's NCC imports its own sections, the Agency any. FailedPrecondition when a section id
  // exists already or the member state has no NCC (a border authority) on this node.
  // Returns {"imported":n,"sections":[ids]}.
  Result<std::string> ImportSections(const node::Context& ctx, std::string_view geojson);
  // {"sections":[{section_id, member_state, kind, name, neighbouring_country, ncc_authority,
  // level, critical_until, record}]}
  Result<std::string> ListSections(const node::Context& ctx);
  // The state as of now (due expiries applied), its history, the open proposal and the
  // suggestion from incidents the caller may see.
  Result<std::string> SectionImpact(const node::Context& ctx, std::string_view section_id);
  // Body {"level","reason","critical_until"?,"with_suggestion"?}.
  Result<std::string> ProposeLevel(const node::Context& ctx, std::string_view section_id,
                                   std::string_view body);
  enum class Decision { kAgree, kRefuse, kAttribute, kDecline };
  // Body {"proposal_id","reason"}; reason required except for agree and attribute.
  Result<std::string> DecideProposal(const node::Context& ctx, std::string_view section_id,
                                     Decision decision, std::string_view body);
  // Records what time has made due (critical expiry, lapsed proposals), by the caller.
  Result<std::string> AdvanceSection(const node::Context& ctx, std::string_view section_id);
  // {"tasks":[…]}: Task records addressed to the caller's authority.
  Result<std::string> ListTasks(const node::Context& ctx);

  // ---- Event reports ----
  // Body: category, description, lat, lon, occurred_at, known_at, confidence, impact, and
  // optional id, single_event, section_id, reaction, mmsi, imo, call_signs,
  // aircraft_registrations, persons_involved, handling (default: LIMITED, shared with the
  // Agency, purpose border). Returns {"id": record id, "event": …}.
  Result<std::string> ReportEvent(const node::Context& ctx, std::string_view body);
  // The event (record id) with its timing (24 h deadline, late flag), follow-ups and requests.
  Result<std::string> GetEvent(const node::Context& ctx, std::string_view event_id);
  // A follow-up report (body as ReportEvent, category unchanged): its own Event record linked
  // to the event ("follows_up"); the event becomes "updated".
  Result<std::string> AddFollowUp(const node::Context& ctx, std::string_view event_id,
                                  std::string_view body);
  // Body {"level","reason"}: the picture owner revises the impact level.
  Result<std::string> ReviseImpact(const node::Context& ctx, std::string_view event_id,
                                   std::string_view body);
  // Body {"reason","text"?}: the owner closes the event.
  Result<std::string> CloseEvent(const node::Context& ctx, std::string_view event_id,
                                 std::string_view body);
  // Body {"addressee","purpose","question","answer_by"?,"classification"?}: a Report record
  // (report_type rfi) linked to the event, shared with the addressee.
  Result<std::string> RequestInformation(const node::Context& ctx, std::string_view event_id,
                                         std::string_view body);
  // Body {"text","classification"?}: the addressee answers; a Report record (rfi-answer) linked
  // to the request ("answers"), shared with the requester. Returns the request with its answers.
  Result<std::string> AnswerRequest(const node::Context& ctx, std::string_view rfi_id,
                                    std::string_view body);
  Result<std::string> GetRequest(const node::Context& ctx, std::string_view rfi_id);

  // ---- Situational pictures ----
  // A GeoJSON FeatureCollection of one layer of a picture. National: the caller's member
  // state's sections and what its authority may see in them; European: the Agency's and the
  // NCCs' view of all sections, personal data removed except ship and aircraft identification
  // numbers; operation: records shared with the group, for its members only (NotFound else).
  Result<std::string> LayerGeoJson(const node::Context& ctx, const PictureRef& picture, Layer layer,
                                   const LayerQuery& query);

  const EurosurOptions& options() const { return options_; }

 private:
  node::Node& node_;
  EurosurOptions options_;
  std::mutex mu_;  // serialises workflow steps (read state, decide, write)
};

}  // namespace issa::eurosur
