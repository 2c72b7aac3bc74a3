#include "issa/travel/screening.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "issa/matching/identifiers.h"
#include "issa/matching/names.h"

#include "text.h"

namespace issa::travel {
namespace {

using Json = nlohmann::json;

std::string Key(std::string_view list, std::string_view id) {
  std::string key(list);
  key += '\x1f';
  key += id;
  return key;
}

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// The matching record of an entry: every name, date, nationality and identifier.
core::Record MatchRecord(const WatchlistEntry& e) {
  core::Record r;
  r.id = Key(e.list, e.id);
  r.owner = e.list;
  Json p = Json::object();
  Json aliases = Json::array();
  for (size_t i = 1; i < e.names.size(); ++i) aliases.push_back(e.names[i].text);
  switch (e.kind) {
    case EntryKind::kPerson: {
      r.type = "Person";
      if (!e.names.empty()) p["name"] = e.names.front().text;
      if (!aliases.empty()) p["aliases"] = aliases;
      Json dates = Json::array();
      for (const PartialDate& d : e.birth_dates) dates.push_back(FormatDate(d));
      if (!dates.empty()) p["birth_dates"] = dates;
      if (!e.nationalities.empty()) p["nationality"] = e.nationalities;
      if (!e.gender.empty()) p["gender"] = e.gender;
      Json docs = Json::array();
      for (const EntryDocument& d : e.documents) docs.push_back(d.normalised);
      if (!docs.empty()) p["document_numbers"] = docs;
      break;
    }
    case EntryKind::kOrganisation:
      r.type = "Organisation";
      if (!e.names.empty()) p["name"] = e.names.front().text;
      if (!aliases.empty()) p["aliases"] = aliases;
      break;
    case EntryKind::kVessel:
      r.type = "Vessel";
      if (!e.names.empty()) p["name"] = e.names.front().text;
      if (!e.imo.empty()) p["imo"] = e.imo;
      if (!e.mmsi.empty()) p["mmsi"] = e.mmsi;
      if (!e.call_sign.empty()) p["call_sign"] = e.call_sign;
      break;
    case EntryKind::kAircraft:
      r.type = "Aircraft";
      p["registration"] =
          e.aircraft_registration.empty() ? e.primary_name() : e.aircraft_registration;
      break;
    case EntryKind::kDocument:
      r.type = "Document";
      if (!e.documents.empty()) {
        p["number"] = e.documents.front().normalised;
        if (!e.documents.front().country.empty())
          p["issuing_country"] = e.documents.front().country;
      }
      if (!e.names.empty()) p["holder_name"] = e.names.front().text;
      if (!e.birth_dates.empty()) p["holder_birth_date"] = FormatDate(e.birth_dates.front());
      break;
  }
  r.properties_json = Dump(p);
  return r;
}

bool Expired(const WatchlistEntry& e, PartialDate as_of) {
  if (!e.alert || !e.alert->expiry.known() || !as_of.known()) return false;
  const auto key = [](PartialDate d) { return d.year * 10000 + d.month * 100 + d.day; };
  return key(e.alert->expiry) < key(as_of);
}

bool HasIdentifierFeature(const std::vector<std::string>& f) {
  for (const char* id : {"document_number", "imo", "mmsi", "call_sign", "registration", "icao24"}) {
    if (std::find(f.begin(), f.end(), id) != f.end()) return true;
  }
  return false;
}

matching::NameKind NameKindOf(EntryKind kind) {
  switch (kind) {
    case EntryKind::kOrganisation:
      return matching::NameKind::kOrganisation;
    case EntryKind::kVessel:
    case EntryKind::kAircraft:
      return matching::NameKind::kVessel;
    default:
      return matching::NameKind::kPerson;
  }
}

// Kinds whose names are compared: persons with persons and document holders.
int NameFamily(EntryKind kind) {
  switch (kind) {
    case EntryKind::kPerson:
    case EntryKind::kDocument:
      return 0;
    case EntryKind::kOrganisation:
      return 1;
    default:
      return 2;
  }
}

// Consonant skeleton of a name part: vowels, y, w and h dropped, doubles collapsed, so that
// transliterations without vowels ("hsyn") meet their Latin forms ("hussein").
std::string Skeleton(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 'w' ||
        c == 'h')
      continue;
    if (c == 'q' || c == 'c') c = 'k';
    if (c == 'z') c = 's';
    if (!out.empty() && out.back() == c) continue;
    out.push_back(c);
  }
  return out;
}

// Retrieval keys of a prepared name: its parts ("t") and their skeletons ("s").
void NameKeys(const matching::PreparedName& name, std::vector<std::string>& out) {
  for (const matching::PreparedName::Unit& u : name.units) {
    if ((u.flags & 1) != 0 || u.text.size() < 2) continue;  // particles
    out.push_back("t" + u.text);
    const std::string sk = Skeleton(u.text);
    if (sk.size() >= 2) out.push_back("s" + sk);
  }
}

}  // namespace

class Screener::Impl {
 public:
  Impl(ScreeningConfig config, double floor)
      : config_(std::move(config)), matcher_(MakeMatch(config_, floor)) {
    floor_ = floor;
  }

  static matching::MatchConfig MakeMatch(const ScreeningConfig& c, double floor) {
    matching::MatchConfig m = c.match;
    m.threshold = std::max(0.01, floor);
    // A floor under the name floor ranks weak name resemblances too (--threshold 0 --top K).
    m.name_floor = std::min(m.name_floor, m.threshold);
    return m;
  }

  Result<ListDelta> Load(const Watchlist& list) {
    std::unique_lock lock(mu_);
    Watchlist before;
    before.id = list.id;
    auto& loaded = by_list_[list.id];
    for (const auto& [id, key] : loaded) before.entries.push_back(entries_.at(key));
    ListDelta delta = Diff(before, list);
    std::map<std::string_view, const WatchlistEntry*> incoming;
    for (const WatchlistEntry& e : list.entries) incoming[e.id] = &e;
    for (const std::string& id : delta.removed) RemoveLocked(list.id, id);
    for (const std::string& id : delta.added) ISSA_RETURN_IF_ERROR(PutLocked(*incoming.at(id)));
    for (const EntryChange& c : delta.changed) ISSA_RETURN_IF_ERROR(PutLocked(*incoming.at(c.id)));
    return delta;
  }

  Status Put(const WatchlistEntry& e) {
    std::unique_lock lock(mu_);
    return PutLocked(e);
  }

  void Remove(std::string_view list, std::string_view id) {
    std::unique_lock lock(mu_);
    RemoveLocked(std::string(list), std::string(id));
  }

  std::vector<ScreeningHit> Screen(const Subject& s, size_t top, double threshold,
                                   bool exhaustive) const {
    threshold = std::max(threshold, floor_);
    std::vector<core::Record> queries;
    Json p = Json::object();
    const bool named = !detail::Trim(s.name).empty();
    if (named) p["name"] = s.name;
    if (const auto d = ParseIsoDate(s.birth_date)) p["birth_date"] = FormatDate(*d);
    const std::string nationality = CountryCode(s.nationality);
    if (!nationality.empty()) p["nationality"] = nationality;
    if (s.gender == "female" || s.gender == "male") p["gender"] = s.gender;
    if (!s.document.empty())
      p["document_numbers"] = Json::array({detail::NormaliseDocumentNumber(s.document)});
    if (s.kind == EntryKind::kPerson && (named || !s.document.empty())) {
      core::Record q;
      q.id = "\x1fsubject";
      q.type = "Person";
      q.properties_json = Dump(p);
      queries.push_back(std::move(q));
    } else if (named && s.kind != EntryKind::kPerson) {
      core::Record q;
      q.id = "\x1fsubject";
      q.type = s.kind == EntryKind::kOrganisation ? "Organisation"
               : s.kind == EntryKind::kVessel     ? "Vessel"
               : s.kind == EntryKind::kAircraft   ? "Aircraft"
                                                  : "Document";
      q.properties_json = Dump(s.kind == EntryKind::kAircraft   ? Json{{"registration", s.name}}
                               : s.kind == EntryKind::kDocument ? Json{{"number", s.name}}
                                                                : Json{{"name", s.name}});
      queries.push_back(std::move(q));
    }
    if (!s.vessel_imo.empty() || !s.vessel_mmsi.empty() || !s.vessel_name.empty()) {
      Json v = Json::object();
      if (!s.vessel_name.empty()) v["name"] = s.vessel_name;
      if (!s.vessel_imo.empty()) v["imo"] = s.vessel_imo;
      if (!s.vessel_mmsi.empty()) v["mmsi"] = s.vessel_mmsi;
      core::Record q;
      q.id = "\x1fvessel";
      q.type = "Vessel";
      q.properties_json = Dump(v);
      queries.push_back(std::move(q));
    }
    if (!s.aircraft_registration.empty()) {
      core::Record q;
      q.id =
          "\x1f"
          "aircraft";
      q.type = "Aircraft";
      q.properties_json = Dump(Json{{"registration", s.aircraft_registration}});
      queries.push_back(std::move(q));
    }
    std::vector<ScreeningHit> hits;
    const size_t limit = top + 8;  // room for candidates dropped below (expired, weak alias)
    std::shared_lock lock(mu_);
    for (const core::Record& q : queries) {
      const std::vector<matching::Candidate> found =
          exhaustive ? matcher_.FindExhaustive(q, limit) : matcher_.Find(q, limit);
      std::vector<std::pair<const WatchlistEntry*, matching::Candidate>> all;
      std::vector<std::string> seen;
      for (const matching::Candidate& c : found) {
        const auto it = entries_.find(c.record_id);
        if (it == entries_.end()) continue;
        seen.push_back(c.record_id);
        all.emplace_back(&it->second, c);
      }
      // Ranking below the name floor: the index blocks on two paired parts; look further.
      if (!exhaustive && threshold < config_.match.name_floor && all.size() < limit &&
          q.id == "\x1fsubject" && !s.name.empty()) {
        Fallback(s, q, limit - all.size(), threshold, seen, all);
      }
      for (const auto& [entry, c] : all) {
        const WatchlistEntry& e = *entry;
        if (Expired(e, config_.as_of)) continue;
        ScreeningHit h;
        h.list = e.list;
        h.entry_id = e.id;
        h.kind = e.kind;
        h.score = c.score;
        h.features = c.features;
        h.alert = e.alert;
        Explain(s, q.type, e, h);
        if (h.score + 1e-9 < threshold) continue;
        hits.push_back(std::move(h));
      }
    }
    lock.unlock();
    std::sort(hits.begin(), hits.end(), [](const ScreeningHit& a, const ScreeningHit& b) {
      if (a.score != b.score) return a.score > b.score;
      if (a.list != b.list) return a.list < b.list;
      return a.entry_id < b.entry_id;
    });
    // The same entry found through the person and the vessel query: keep the best.
    std::vector<ScreeningHit> out;
    for (ScreeningHit& h : hits) {
      bool seen = false;
      for (const ScreeningHit& o : out)
        seen = seen || (o.list == h.list && o.entry_id == h.entry_id);
      if (!seen) out.push_back(std::move(h));
      if (out.size() >= top) break;
    }
    return out;
  }

  size_t entries() const {
    std::shared_lock lock(mu_);
    return entries_.size();
  }
  size_t lists() const {
    std::shared_lock lock(mu_);
    size_t n = 0;
    for (const auto& [id, m] : by_list_) n += m.empty() ? 0 : 1;
    return n;
  }
  const ScreeningConfig& config() const { return config_; }

 private:
  // Names the entry's name that matched best and marks weak aliases and original scripts.
  void Explain(const Subject& s, const std::string& query_type, const WatchlistEntry& e,
               ScreeningHit& h) const {
    if (e.names.empty()) {
      if (!e.documents.empty()) h.name = e.documents.front().number;
      return;
    }
    size_t best = 0;
    if (query_type != "Vessel" && query_type != "Aircraft" && !s.name.empty()) {
      double best_score = -1;
      const matching::NameKind kind = e.kind == EntryKind::kOrganisation
                                          ? matching::NameKind::kOrganisation
                                          : matching::NameKind::kPerson;
      for (size_t i = 0; i < e.names.size(); ++i) {
        const double score =
            matching::CompareNames(s.name, e.names[i].text, kind, config_.match).score;
        if (score > best_score + 1e-9) {
          best_score = score;
          best = i;
        }
      }
    }
    const EntryName& n = e.names[best];
    h.name = n.text;
    h.name_role = n.role;
    if (n.original_script) h.features.emplace_back("original_script");
    if (n.role == NameRole::kWeakAlias && !HasIdentifierFeature(h.features)) {
      h.features.emplace_back("weak_alias");
      h.score = std::max(0.0, h.score - config_.weak_alias_penalty);
    }
    std::sort(h.features.begin(), h.features.end());
  }

  Status PutLocked(const WatchlistEntry& e) {
    core::Record record = MatchRecord(e);
    ISSA_RETURN_IF_ERROR(matcher_.Upsert(record));
    if (floor_ < config_.match.name_floor) IndexLocked(e, std::move(record));
    const std::string key = Key(e.list, e.id);
    entries_[key] = e;
    by_list_[e.list][e.id] = key;
    return Status::Ok();
  }

  void RemoveLocked(const std::string& list, const std::string& id) {
    const std::string key = Key(list, id);
    matcher_.Remove(key);
    UnindexLocked(key);
    entries_.erase(key);
    const auto it = by_list_.find(list);
    if (it != by_list_.end()) it->second.erase(id);
  }

  // Token retrieval for ranking below the name floor (--threshold 0 --top K): every entry whose
  // names share a part or a part's skeleton with the query, rarest keys first.
  struct Slot {
    std::string key;
    EntryKind kind = EntryKind::kPerson;
    std::vector<matching::PreparedName> names;
    core::Record record;
    std::vector<uint32_t> keys;
    bool live = false;
  };

  void IndexLocked(const WatchlistEntry& e, core::Record record) {
    const std::string key = Key(e.list, e.id);
    UnindexLocked(key);
    uint32_t id = 0;
    if (!free_slots_.empty()) {
      id = free_slots_.back();
      free_slots_.pop_back();
    } else {
      id = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    Slot& slot = slots_[id];
    slot = Slot{};
    slot.key = key;
    slot.kind = e.kind;
    slot.live = true;
    slot.record = std::move(record);
    std::vector<std::string> keys;
    for (const EntryName& n : e.names) {
      slot.names.push_back(matching::PrepareName(n.text, NameKindOf(e.kind)));
      NameKeys(slot.names.back(), keys);
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const std::string& k : keys) {
      const auto [it, inserted] = key_ids_.try_emplace(k, static_cast<uint32_t>(postings_.size()));
      if (inserted) postings_.emplace_back();
      postings_[it->second].push_back(id);
      slot.keys.push_back(it->second);
    }
    slot_of_[key] = id;
  }

  void UnindexLocked(const std::string& key) {
    const auto it = slot_of_.find(key);
    if (it == slot_of_.end()) return;
    Slot& slot = slots_[it->second];
    for (uint32_t k : slot.keys) {
      auto& p = postings_[k];
      p.erase(std::remove(p.begin(), p.end(), it->second), p.end());
    }
    slot = Slot{};
    free_slots_.push_back(it->second);
    slot_of_.erase(it);
  }

  // Candidates beyond the index's blocking, scored by Matcher::Compare.
  void Fallback(const Subject& s, const core::Record& query, size_t top, double threshold,
                std::vector<std::string>& seen,
                std::vector<std::pair<const WatchlistEntry*, matching::Candidate>>& out) const {
    const matching::PreparedName q = matching::PrepareName(s.name, NameKindOf(s.kind));
    std::vector<std::string> keys;
    NameKeys(q, keys);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::unordered_map<uint32_t, float> weight;
    const auto n = static_cast<double>(std::max<size_t>(slot_of_.size(), 1));
    const int family = NameFamily(s.kind);
    for (const std::string& k : keys) {
      const auto it = key_ids_.find(k);
      if (it == key_ids_.end()) continue;
      const auto& p = postings_[it->second];
      if (p.empty() || p.size() > 5000) continue;
      const auto idf = static_cast<float>(std::log(1.0 + n / static_cast<double>(p.size())));
      for (uint32_t id : p) {
        if (NameFamily(slots_[id].kind) == family) weight[id] += idf;
      }
    }
    std::vector<std::pair<float, uint32_t>> ranked;
    ranked.reserve(weight.size());
    for (const auto& [id, w] : weight) ranked.emplace_back(w, id);
    const size_t keep = std::min<size_t>(ranked.size(), 200);
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<long>(keep), ranked.end(),
                      [](const auto& a, const auto& b) {
                        return a.first > b.first || (a.first == b.first && a.second < b.second);
                      });
    ranked.resize(keep);
    std::vector<std::pair<double, uint32_t>> by_name;
    for (const auto& [w, id] : ranked) {
      double best = 0;
      for (const matching::PreparedName& name : slots_[id].names) {
        best = std::max(best, matching::CompareNames(q, name, config_.match).score);
      }
      by_name.emplace_back(best, id);
    }
    std::sort(by_name.begin(), by_name.end(), [](const auto& a, const auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    size_t added = 0;
    for (const auto& [score, id] : by_name) {
      if (added >= top + 4) break;
      const Slot& slot = slots_[id];
      if (std::find(seen.begin(), seen.end(), slot.key) != seen.end()) continue;
      auto c = matcher_.Compare(query, slot.record);
      if (!c.ok() || c->score <= 0 || c->score + 1e-9 < threshold) continue;
      c->record_id = slot.key;
      seen.push_back(slot.key);
      out.emplace_back(&entries_.at(slot.key), std::move(*c));
      ++added;
    }
  }

  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  std::unordered_map<std::string, uint32_t> slot_of_;
  std::unordered_map<std::string, uint32_t> key_ids_;
  std::vector<std::vector<uint32_t>> postings_;

  ScreeningConfig config_;
  double floor_ = 0;
  matching::Matcher matcher_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, WatchlistEntry> entries_;
  std::map<std::string, std::map<std::string, std::string>> by_list_;  // list -> id -> key
};

Screener::Screener(ScreeningConfig config, std::optional<double> floor) {
  const double f = floor.value_or(config.alert_threshold);
  impl_ = std::make_unique<Impl>(std::move(config), f);
}
Screener::~Screener() = default;

Result<ListDelta> Screener::Load(const Watchlist& list) { return impl_->Load(list); }
Status Screener::Put(const WatchlistEntry& entry) { return impl_->Put(entry); }
void Screener::Remove(std::string_view list, std::string_view entry_id) {
  impl_->Remove(list, entry_id);
}
std::vector<ScreeningHit> Screener::Screen(const Subject& subject, std::optional<size_t> top,
                                           std::optional<double> threshold) const {
  return impl_->Screen(subject, top.value_or(impl_->config().top_k),
                       threshold.value_or(impl_->config().alert_threshold), false);
}
std::vector<ScreeningHit> Screener::ScreenExhaustive(const Subject& subject, size_t top,
                                                     double threshold) const {
  return impl_->Screen(subject, top, threshold, true);
}
size_t Screener::entries() const { return impl_->entries(); }
size_t Screener::lists() const { return impl_->lists(); }
const ScreeningConfig& Screener::config() const { return impl_->config(); }

}  // namespace issa::travel
