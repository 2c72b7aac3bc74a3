#pragma once

// The Passenger Information Unit and border-check workflows over the node's records (issue 5,
// items 5-8): the human review queue of automated matches (list or risk-rule hits) with
// remembered negative reviews, entry/exit records checked against visas and the 90/180-day
// rule, the overstayers list, and registered travellers who lose their status on a confirmed hit.
//
// Built like eurosur/ (docs/adr/0006-eurosur-service.md): every read and write goes through
// node::Node with the caller's Context, so the node decides what the caller may see and audits
// each step in the transaction that writes it. State lives in records (docs/travel.md):
// ScreeningMatch (one per automated match; its versions are the review history),
// ScreeningSuppression, BorderCrossing, Visa, RegisteredTraveller.
//
// Methods take JSON bodies and return JSON text. Errors: InvalidArgument naming the field,
// PermissionDenied (role), NotFound (missing or not visible), FailedPrecondition (a pending or
// dismissed match used for a decision, a match reviewed twice), plus whatever the node returns.
// Thread-safe: queueing and review steps are serialised by one mutex.

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "issa/core/model.h"
#include "issa/core/status.h"
#include "issa/core/time.h"
#include "issa/node/node.h"

namespace issa::travel {
class Screener;
class RuleSet;
struct Watchlist;
}  // namespace issa::travel

namespace issa::piu {

struct PiuOptions {
  // PNR retention from receipt (Directive (EU) 2016/681 Art. 12): masked after six months,
  // deleted after five years.
  core::Timestamp pnr_mask_after_ms = 183 * core::kMsPerDay;
  core::Timestamp pnr_delete_after_ms = (5 * 365 + 1) * core::kMsPerDay;
  std::string pnr_classification = "RESTRICTED";
};

enum class Review { kConfirm, kDismiss };

class PiuService {
 public:
  // `node` is borrowed and must outlive the service (or StopWatching is called before it goes).
  explicit PiuService(node::Node& node, PiuOptions options = {});
  ~PiuService();
  PiuService(const PiuService&) = delete;
  PiuService& operator=(const PiuService&) = delete;

  // ---- Passenger data and screening ----
  // Loads (or replaces) a watchlist in the service's screener, at `version`. When entries were
  // added or changed, every active RegisteredTraveller of the caller's authority is screened
  // again and its hits on those entries are queued for review. Returns {"list","version","added",
  // "changed","removed","travellers_rescreened","queued","suppressed"}.
  // An analyst or officer; audited (`piu.list_load`).
  Result<std::string> LoadList(const node::Context& ctx, const travel::Watchlist& list,
                               std::string_view version);
  // LoadList from a list's text: `format` "un-xml" (list id `id`, default "un-sc") or
  // "alerts-json". InvalidArgument naming format, version or the list's field.
  Result<std::string> LoadListText(const node::Context& ctx, std::string_view format,
                                   std::string_view id, std::string_view text,
                                   std::string_view version);
  // The pre-determined risk criteria evaluated on every PNR (RuleSet JSON; refused rules name
  // the field, Art. 6(4)). An analyst or officer; audited (`piu.risk_rules`).
  Status SetRiskRules(const node::Context& ctx, std::string_view rules_json);
  // Ingests a PNRGOV/PAXLST interchange (EDIFACT): each
  // good message becomes Flight, Booking, Payment, Document and Passenger records of the
  // caller's authority (owner-only, purposes crime/terrorism, masked 6 months and deleted 5
  // years after receipt); every passenger and crew member is screened and every risk rule
  // evaluated; hits are queued for review. One message is one write: its records and the
  // matches it queues are created in one Node::CreateRecords batch, so a message that fails
  // (validation) leaves nothing and is reported with the field; the rest go on. A bad message
  // is reported and skipped. Returns
  // {"messages","rejected","records","passengers","queued","suppressed","rule_hits","errors"}.
  Result<std::string> IngestPassengerData(const node::Context& ctx, std::string_view text);

  // ---- Lists held as node records ----
  // Re-screens the caller's authority's active registered travellers against the watchlist
  // entries held as node records (travel::EntryFromRecord: Person, Organisation, Vessel,
  // Aircraft, Document records whose notes start "list <list> entry <id>", as travel::ToRecord
  // writes them) that the caller may see — the node decides which, under the sharing rules —,
  // imported by this or any other authority. Only hits on entries added or changed since the
  // last run for this authority are queued (a match names the list, the entry and the record
  // version "record <id> v<n>"); a match already queued for the same subject, entry and version
  // is not queued again. Returns {"lists","entries","added","changed","removed",
  // "travellers_rescreened","queued","suppressed"}. An analyst or officer; audited
  // (`piu.node_lists`).
  Result<std::string> RescreenNodeLists(const node::Context& ctx);
  // Re-screens automatically: subscribes to the node's record notices as `ctx` and runs
  // RescreenNodeLists(ctx) on a worker thread whenever a list record the caller may see is
  // created or changed. One watch per authority (a second call for it is a no-op). Registering
  // a traveller starts the watch for the registering user's authority.
  Status WatchNodeLists(const node::Context& ctx);
  // Waits until the list changes noticed so far have been re-screened (tests, shutdown).
  void SettleNodeLists();
  // Ends every watch (the node's subscriptions) and joins the worker; no watch starts after.
  // The destructor does it: call it first where the node is destroyed before the service.
  void StopWatching();

  // ---- Review queue ----
  // Body {"subject": record id, "source": "list"|"rule", "list", "entry_id", "version"?,
  // "score", "features"?: [objects], "entry_name"?}. The subject must be visible to the caller;
  // its fingerprint (normalised name, birth date, document numbers) is computed here. When an
  // active suppression holds the same fingerprint, list, entry and version, nothing is queued
  // and the suppression's count grows: {"queued":false,"suppression":id,"suppressed_count":n};
  // otherwise {"queued":true,"id":match id}. The match is owner-only, pending.
  Result<std::string> QueueMatch(const node::Context& ctx, std::string_view body);
  // {"matches":[…]} of the caller's authority; `status` empty or pending/confirmed/dismissed.
  Result<std::string> ListMatches(const node::Context& ctx, std::string_view status);
  Result<std::string> GetMatch(const node::Context& ctx, std::string_view id);
  // Body {"reason", "pass_to"?: [authority ids] (confirm), "suppress"?: bool (dismiss)}. An
  // analyst or officer of the owner; a pending match only. Confirming with pass_to widens the
  // match's distribution to those authorities; a confirmed hit on a RegisteredTraveller
  // revokes its status. Dismissing with suppress remembers the negative review.
  Result<std::string> ReviewMatch(const node::Context& ctx, std::string_view id, Review review,
                                  std::string_view body);
  // Body {"authorities":[…], "reason"}: passes a confirmed match on to competent authorities.
  // FailedPrecondition for a pending or dismissed match.
  Result<std::string> PassOn(const node::Context& ctx, std::string_view id, std::string_view body);
  // A match usable for a decision: FailedPrecondition unless confirmed.
  Result<core::Record> ConfirmedMatch(const node::Context& ctx, std::string_view id);
  // {"suppressions":[…]} of the caller's authority.
  Result<std::string> ListSuppressions(const node::Context& ctx);
  // Body {"reason"}: a revoked suppression no longer holds matches back.
  Result<std::string> RevokeSuppression(const node::Context& ctx, std::string_view id,
                                        std::string_view body);

  // ---- Visas, entry/exit ----
  // Body: the Visa properties (docs/travel.md) and optional handling. Returns {"id"}.
  Result<std::string> AddVisa(const node::Context& ctx, std::string_view body);
  // Body {"direction","crossed_on","border_crossing_point","member_state","border_kind"?,
  // "nationality","document_number","name"?,"birth_date"?,"long_stay"?,"visa_required"?,
  // "handling"?}: checks the crossing (entry: visa and 90/180 days; exit: overstay), then
  // records it. Returns {"id", "check": {…}}.
  Result<std::string> RecordCrossing(const node::Context& ctx, std::string_view body);
  // The check alone, without recording: body as RecordCrossing.
  Result<std::string> CheckCrossing(const node::Context& ctx, std::string_view body);
  // {"on", "overstayers":[{traveller_key, entered_on, must_leave_by, overstay_days, …}]}:
  // travellers whose last recorded crossing is an entry and whose authorised stay ended before
  // `on` (YYYY-MM-DD).
  Result<std::string> Overstayers(const node::Context& ctx, std::string_view on);

  // ---- Registered travellers ----
  // Body: RegisteredTraveller properties (status defaults to active) and optional handling.
  Result<std::string> RegisterTraveller(const node::Context& ctx, std::string_view body);
  // {"travellers":[…]} with the status as of today (an active one past expires_on: expired).
  Result<std::string> ListTravellers(const node::Context& ctx);

  const PiuOptions& options() const { return options_; }

 private:
  // Screens one record (a RegisteredTraveller) and queues its hits on the entries of `list`
  // named in `entries` (those the list's new version added or changed).
  Status ScreenRecord(const node::Context& ctx, const core::Record& record, const std::string& list,
                      const std::set<std::string>& entries, uint64_t& queued, uint64_t& suppressed);
  // The QueueMatch requests (without subject) of a subject's list hits.
  Result<std::vector<nlohmann::json>> ListHitRequests(const nlohmann::json& subject_props);
  // QueueMatch with mu_ held.
  Result<std::string> QueueMatchLocked(const node::Context& ctx, const nlohmann::json& request,
                                       const std::string& subject_id);
  // QueueMatch of one request (mu_ taken here), counted as queued or suppressed.
  Status QueueCounted(const node::Context& ctx, const nlohmann::json& request,
                      const std::string& subject_id, uint64_t& queued, uint64_t& suppressed);
  // Adds `n` to a suppression's suppressed_count; returns the new count.
  Result<int64_t> CountSuppressed(const node::Context& ctx, const std::string& id, int64_t n);
  std::string ListVersion(std::string_view list) const;

  struct NodeListState;  // per authority: the screener over its visible list records
  struct Watch;          // per authority: the subscription and whether a run is due
  void WatchLoop();

  node::Node& node_;
  PiuOptions options_;
  std::mutex node_lists_mu_;  // serialises RescreenNodeLists
  std::map<std::string, std::unique_ptr<NodeListState>> node_lists_;
  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  std::map<std::string, std::unique_ptr<Watch>> watches_;
  bool watch_busy_ = false;
  bool watch_stop_ = false;
  std::thread watch_worker_;
  std::mutex mu_;                        // serialises queueing and review steps
  mutable std::shared_mutex screen_mu_;  // guards the screener, list versions and rules
  std::unique_ptr<travel::Screener> screener_;
  std::map<std::string, std::string> list_versions_;
  std::unique_ptr<travel::RuleSet> rules_;
};

// The traveller key of the entry/exit records: "<nationality>:<document number>", upper case,
// letters and digits only. InvalidArgument naming the field.
Result<std::string> TravellerKey(std::string_view nationality, std::string_view document_number);

}  // namespace issa::piu
