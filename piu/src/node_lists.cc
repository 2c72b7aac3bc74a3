// Registered travellers re-screened against watchlist entries held as node records (issue 5,
// item 8): lists imported as Person/Organisation/Vessel/Aircraft/Document records by this or
// another authority, as far as the node lets the PIU see them.
#include <set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/piu/service.h"
#include "issa/travel/list_records.h"
#include "issa/travel/risk_criteria.h"
#include "issa/travel/screening.h"
#include "issa/travel/stay.h"

#include "internal.h"

namespace issa::piu {

using nlohmann::json;
using namespace detail;  // NOLINT(google-build-using-namespace): this module's own helpers

// The screener over one authority's visible list records. Its list ids are "<list>@<owner>":
// two authorities' copies of a list are two lists.
struct PiuService::NodeListState {
  travel::Screener screener{travel::ScreeningConfig{}};
  std::set<std::string> lists;
};

struct PiuService::Watch {
  node::Context ctx;
  std::unique_ptr<node::Node::Subscription> subscription;
  bool due = false;
};

// Here, where the screener, rule set and list state are complete types.
PiuService::PiuService(node::Node& node, PiuOptions options)
    : node_(node), options_(std::move(options)) {}

PiuService::~PiuService() { StopWatching(); }

void PiuService::StopWatching() {
  // No notice after this: the subscriptions go first (the node serialises them with delivery).
  std::map<std::string, std::unique_ptr<Watch>> watches;
  {
    std::lock_guard lock(watch_mu_);
    watches.swap(watches_);
    watch_stop_ = true;
  }
  watches.clear();
  watch_cv_.notify_all();
  if (watch_worker_.joinable()) watch_worker_.join();
}

Result<std::string> PiuService::RescreenNodeLists(const node::Context& ctx) {
  if (ctx.principal.role != core::Role::kAnalyst && ctx.principal.role != core::Role::kOfficer) {
    node_.Audit(ctx, "piu.node_lists", "", "denied", "only an analyst or officer re-screens");
    return PermissionDenied("only an analyst or officer re-screens registered travellers");
  }
  // The list entries the caller may see, keyed by screener list and entry id.
  std::map<std::string, travel::Watchlist> lists;
  std::map<std::string, std::pair<std::string, core::Timestamp>> version_of;  // key -> version
  std::map<std::string, size_t> position_of;   // key -> index in its list's entries
  std::map<std::string, std::string> list_of;  // screener list id -> list id
  size_t entries = 0;
  for (const std::string_view type : travel::kListRecordTypes) {
    ISSA_ASSIGN_OR_RETURN(const auto records, ListAll(node_, ctx, std::string(type)));
    for (const auto& r : records) {
      auto entry = travel::EntryFromRecord(r);
      if (!entry) continue;
      const std::string list = entry->list + "@" + r.owner;
      const std::string key = list + "\n" + entry->id;
      const auto seen = version_of.find(key);
      // One entry imported twice by the same authority: the latest record counts.
      if (seen != version_of.end() && seen->second.second >= r.updated_at) continue;
      list_of[list] = entry->list;
      version_of[key] = {fmt::format("record {} v{}", r.id, r.version), r.updated_at};
      entry->list = list;
      auto& wl = lists[list];
      wl.id = list;
      wl.format = "node-records";
      auto& es = wl.entries;
      const auto [at, fresh] = position_of.try_emplace(key, es.size());
      if (fresh) {
        es.push_back(std::move(*entry));
        ++entries;
      } else {
        es[at->second] = std::move(*entry);
      }
    }
  }

  std::lock_guard rescreen(node_lists_mu_);
  auto& state = node_lists_[ctx.principal.authority];
  if (!state) state = std::make_unique<NodeListState>();
  std::set<std::string> changed;  // keys of added or changed entries
  size_t added = 0, modified = 0, removed = 0;
  for (const auto& [id, wl] : lists) {
    ISSA_ASSIGN_OR_RETURN(const travel::ListDelta delta, state->screener.Load(wl));
    for (const auto& e : delta.added) changed.insert(id + "\n" + e);
    for (const auto& c : delta.changed) changed.insert(id + "\n" + c.id);
    added += delta.added.size();
    modified += delta.changed.size();
    removed += delta.removed.size();
  }
  for (const auto& id : state->lists) {
    if (lists.count(id) != 0) continue;  // no longer visible, or gone: every entry removed
    travel::Watchlist empty;
    empty.id = id;
    ISSA_ASSIGN_OR_RETURN(const travel::ListDelta delta, state->screener.Load(empty));
    removed += delta.removed.size();
  }
  state->lists.clear();
  for (const auto& [id, wl] : lists) state->lists.insert(id);

  uint64_t rescreened = 0, queued = 0, suppressed = 0;
  if (!changed.empty()) {
    ISSA_ASSIGN_OR_RETURN(const auto travellers, ListAll(node_, ctx, "RegisteredTraveller"));
    ISSA_ASSIGN_OR_RETURN(const auto matches, ListAll(node_, ctx, "ScreeningMatch"));
    std::set<std::string> already;  // subject, list, entry, version of the queued matches
    for (const auto& m : matches) {
      const json p = Properties(m);
      already.insert(fmt::format("{}\n{}\n{}\n{}", MatchSubject(m), Str(p, "list"),
                                 Str(p, "entry_id"), Str(p, "version")));
    }
    const travel::Day today = node_.clock().Now() / core::kMsPerDay;
    for (const auto& t : travellers) {
      const json props = Properties(t);
      if (t.owner != ctx.principal.authority || Str(props, "status") != "active") continue;
      const auto expires = travel::ParseDay(Str(props, "expires_on"), "expires_on");
      if (expires.ok() && *expires < today) continue;
      ++rescreened;
      for (const auto& hit : state->screener.Screen(SubjectOf(props))) {
        const std::string key = hit.list + "\n" + hit.entry_id;
        if (changed.count(key) == 0) continue;
        const std::string& version = version_of[key].first;
        const std::string& list = list_of[hit.list];
        if (!already.insert(fmt::format("{}\n{}\n{}\n{}", t.id, list, hit.entry_id, version))
                 .second) {
          continue;
        }
        const json request = {{"source", "list"},
                              {"list", list},
                              {"entry_id", hit.entry_id},
                              {"version", version},
                              {"score", std::min(1.0, std::max(0.0, hit.score))},
                              {"entry_name", hit.name},
                              {"features", HitFeatures(hit)}};
        ISSA_RETURN_IF_ERROR(QueueCounted(ctx, request, t.id, queued, suppressed));
      }
    }
  }
  node_.Audit(ctx, "piu.node_lists", "", "ok",
              fmt::format("{} lists, {} entries: {} added, {} changed, {} removed; {} travellers "
                          "re-screened, {} queued",
                          lists.size(), entries, added, modified, removed, rescreened, queued));
  return Dump({{"lists", lists.size()},
               {"entries", entries},
               {"added", added},
               {"changed", modified},
               {"removed", removed},
               {"travellers_rescreened", rescreened},
               {"queued", queued},
               {"suppressed", suppressed}});
}

Status PiuService::WatchNodeLists(const node::Context& ctx) {
  if (ctx.principal.role != core::Role::kAnalyst && ctx.principal.role != core::Role::kOfficer) {
    return PermissionDenied("only an analyst or officer re-screens registered travellers");
  }
  const std::string authority = ctx.principal.authority;
  {
    std::lock_guard lock(watch_mu_);
    if (watch_stop_ || watches_.count(authority) != 0) return Status::Ok();
    auto w = std::make_unique<Watch>();
    w->ctx = ctx;
    w->due = true;  // a first run takes in the lists already held
    watches_.emplace(authority, std::move(w));
    if (!watch_worker_.joinable()) watch_worker_ = std::thread([this] { WatchLoop(); });
  }
  // Record notices the caller may see; a list record's notes start with its provenance.
  auto subscription = node_.Subscribe(ctx, [this, authority](const node::Notice& n) {
    if (n.kind != "record" || n.json.find(R"("notes":"list )") == std::string::npos) return;
    {
      std::lock_guard lock(watch_mu_);
      const auto it = watches_.find(authority);
      if (it == watches_.end()) return;
      it->second->due = true;
    }
    watch_cv_.notify_all();
  });
  {
    std::lock_guard lock(watch_mu_);
    const auto it = watches_.find(authority);
    if (it != watches_.end()) it->second->subscription = std::move(subscription);
  }
  watch_cv_.notify_all();
  return Status::Ok();
}

void PiuService::WatchLoop() {
  std::unique_lock lock(watch_mu_);
  for (;;) {
    Watch* due = nullptr;
    watch_cv_.wait(lock, [&] {
      if (watch_stop_) return true;
      for (auto& [authority, w] : watches_) {
        if (w->due) due = w.get();
      }
      return due != nullptr;
    });
    if (watch_stop_) return;
    due->due = false;
    const node::Context ctx = due->ctx;
    watch_busy_ = true;
    lock.unlock();
    auto report = RescreenNodeLists(ctx);
    if (!report.ok()) {
      node_.Audit(ctx, "piu.node_lists", "", "error", report.status().ToString());
    }
    lock.lock();
    watch_busy_ = false;
    watch_cv_.notify_all();
  }
}

void PiuService::SettleNodeLists() {
  std::unique_lock lock(watch_mu_);
  watch_cv_.wait(lock, [&] {
    if (watch_stop_ || watch_busy_) return watch_stop_;
    for (const auto& [authority, w] : watches_) {
      if (w->due) return false;
    }
    return true;
  });
}

}  // namespace issa::piu
